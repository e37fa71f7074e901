"""The core: schema file, record validation, temporal merges, the embedded store's atomic writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orggraph.errors import RecordError
from orggraph.graph import OrgGraph
from orggraph.models import node, rel
from orggraph.schema import SCHEMA, parse_schema, schema_markdown
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import is_live, iso

ROOT = Path(__file__).resolve().parent.parent


def test_schema_has_the_public_contract() -> None:
    for label in ("Person", "Practice", "Federation", "PCN", "Provider", "CCG", "ICB", "Committee",
                  "Vanguard", "STP", "Region", "Decision", "Meeting", "Declaration"):
        assert label in SCHEMA.nodes
    emp = SCHEMA.relationships["EMPLOYED_BY"]
    assert emp.variant_for("Person", "CCG").rel_class == "commissioning_role"
    assert emp.variant_for("Person", "Federation").rel_class == "provider_interest"
    advises = SCHEMA.classify("ADVISES", "Person", "Provider")
    assert advises is not None
    assert advises.interest_type_for({"paid": True}) == "financial"
    assert advises.interest_type_for({"paid": False}) == "non_financial_professional"
    assert advises.interest_type_for({}) == "non_financial_professional"
    assert SCHEMA.classify("SHAREHOLDER_OF", "Practice", "Federation").rel_class == "org_interest"
    assert SCHEMA.classify("COMMISSIONED_BY", "Practice", "CCG").rel_class == "structure"
    assert SCHEMA.classify("PARTNER_IN", "Practice", "Person") is None
    assert "Committee" not in SCHEMA.organisation_labels
    assert SCHEMA.commissioner_labels == {"CCG", "ICB", "CommissioningHub"}


def test_schema_rejects_unknown_labels_and_classes() -> None:
    raw = dict(SCHEMA.raw)
    raw["relationships"] = {"X": {"variants": [{"from": ["Nobody"], "to": ["Person"], "class": "structure"}]}}
    with pytest.raises(ValueError, match="unknown label 'Nobody'"):
        parse_schema(raw)
    raw["relationships"] = {"X": {"variants": [{"from": ["Person"], "to": ["Person"], "class": "nope"}]}}
    with pytest.raises(ValueError, match="unknown class"):
        parse_schema(raw)


def test_readme_schema_table_is_generated_from_the_schema_file() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- schema:start -->") + len("<!-- schema:start -->")
    end = readme.index("<!-- schema:end -->")
    assert readme[start:end].strip() == schema_markdown().strip(), (
        "README schema table is stale: run `orggraph schema --format markdown` and paste it"
    )


@pytest.mark.parametrize(
    ("build", "column", "reason"),
    [
        (lambda: node("C1", "Committee", {"committee_type": "board"}), "committee_type", "expected 'pccc'"),
        (lambda: node("C1", "Committee", {"quorum": "three"}), "quorum", "valid integer"),
        (lambda: node("D1", "Decision", {"title": "x"}), "date", "required"),
        (lambda: node("X", "Spaceship", {}), ":LABEL", "expected one of"),
        (lambda: node("", "Person", {}), "id", "non-empty"),
        (lambda: node("P", "Person", {"shoe_size": 9}), "shoe_size", "unknown property"),
        (lambda: rel("a", "LIKES", "b"), ":TYPE", "expected one of"),
        (lambda: rel("a", "SITS_ON", "b", {"voting": "perhaps"}), "voting", "boolean"),
        (lambda: rel("a", "SITS_ON", "b", {"valid_from": "2016-02-30"}), "valid_from", "date"),
        (lambda: rel("a", "SITS_ON", "b", {"valid_from": "2017-01-01", "valid_to": "2016-01-01"}),
         "valid_to", "on or after"),
    ],
)
def test_bad_records_name_the_column_and_the_expectation(build, column: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordError) as exc:
        build()
    assert exc.value.column == column
    assert reason in exc.value.reason


def test_records_are_coerced_to_schema_types() -> None:
    n = node("C1", "Committee", {"quorum": "4", "quorum_lay": 1, "valid_from": dt.date(2015, 4, 1)})
    assert n.props == {"quorum": 4, "quorum_lay": 1, "valid_from": "2015-04-01"}
    r = rel("P1", "SITS_ON", "C1", {"voting": "true", "role": "chair", "member_type": "lay"}, source="f.csv:3")
    assert r.props["voting"] is True and r.source == "f.csv:3"
    assert r.key == "SITS_ON|"


def test_is_live_inclusive_and_open_ended() -> None:
    props = {"valid_from": "2016-04-01", "valid_to": "2017-03-31"}
    assert is_live(props, "2016-04-01") and is_live(props, "2017-03-31")
    assert not is_live(props, "2016-03-31") and not is_live(props, "2017-04-01")
    assert is_live({}, "1900-01-01")
    assert iso("2016-4-1".replace("-4-1", "-04-01")) == "2016-04-01"


def _graph() -> OrgGraph:
    g = OrgGraph()
    result = g.apply([
        node("P1", "Person", {"name": "Ada Synth"}),
        node("A00001", "Practice", {"name": "Synth Surgery", "status": "A"}),
        node("00X", "CCG", {}, stub=True),
        rel("P1", "PARTNER_IN", "A00001", {"valid_from": "2015-01-01"}),
        rel("A00001", "COMMISSIONED_BY", "00X"),
    ])
    assert not result.rejected
    return g


def test_merge_by_id_is_idempotent_and_stubs_never_overwrite() -> None:
    g = _graph()
    before = g.to_data()
    again = g.apply([node("00X", "CCG", {"name": "NHS Synth CCG"})])
    assert again.nodes_updated == 1 and g.node("00X")["name"] == "NHS Synth CCG"
    g.apply([node("00X", "CCG", {"name": "stub name"}, stub=True)])
    assert g.node("00X")["name"] == "NHS Synth CCG"
    same = g.apply([node("P1", "Person", {"name": "Ada Synth"}),
                    rel("P1", "PARTNER_IN", "A00001", {"valid_from": "2015-01-01"})])
    assert same.written == 0 and same.unchanged == 2
    assert g.to_data() != before  # the CCG got its name
    # a new spell of the same link (different valid_from) is a second relationship
    g.apply([rel("P1", "PARTNER_IN", "A00001", {"valid_from": "2019-01-01"})])
    assert g.stats()["relationships"]["PARTNER_IN"] == 2


def test_wrong_endpoints_and_label_changes_are_rejected() -> None:
    g = _graph()
    res = g.apply([
        rel("A00001", "PARTNER_IN", "P1"),
        rel("P1", "PARTNER_IN", "NOPE"),
        node("P1", "Practice", {}),
    ])
    cols = [(e.column, e.reason) for _, e in res.rejected]
    assert cols[0][0] == ":TYPE" and "Practice -> Person is not allowed" in cols[0][1]
    assert cols[1] == (":END_ID", "expected the id of a node already loaded")
    assert cols[2][0] == ":LABEL" and "already a Person" in cols[2][1]


def test_embedded_store_round_trips_and_strict_writes_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "g.json")
    assert store.stats() == {"nodes": {}, "relationships": {}}
    store.write(list(_graph().records()))
    assert EmbeddedStore(tmp_path / "g.json").graph() == _graph()
    before = (tmp_path / "g.json").read_bytes()
    res = store.write([node("P2", "Person", {"name": "B"}), rel("P2", "PARTNER_IN", "MISSING")], strict=True)
    assert not res.committed and len(res.rejected) == 1
    assert (tmp_path / "g.json").read_bytes() == before
    assert "P2" not in store.graph()
    res = store.write([node("P2", "Person", {"name": "B"}), rel("P2", "PARTNER_IN", "MISSING")])
    assert res.committed and "P2" in EmbeddedStore(tmp_path / "g.json").graph()


def test_embedded_store_reports_a_corrupt_file(tmp_path: Path) -> None:
    from orggraph.errors import StoreError

    path = tmp_path / "g.json"
    path.write_text("{not json")
    with pytest.raises(StoreError, match="not a readable orggraph store"):
        EmbeddedStore(path).graph()


names = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@given(st.lists(st.tuples(names, names, st.sampled_from(["2015-01-01", "2016-06-30", None])), max_size=30))
def test_applying_twice_changes_nothing(links: list[tuple[str, str, str | None]]) -> None:
    recs = []
    for a, b, d in links:
        recs += [node("P" + a, "Person", {"name": a}), node("A" + b, "Practice", {"name": b}),
                 rel("P" + a, "PARTNER_IN", "A" + b, {"valid_from": d})]
    g = OrgGraph()
    g.apply(recs)
    once = g.to_data()
    second = g.apply(recs)
    assert second.written == 0
    assert g.to_data() == once
    assert OrgGraph.from_data(once) == g


def test_validate_predicts_exactly_what_apply_rejects() -> None:
    g = _graph()
    batch = [
        node("P2", "Person", {"name": "B"}),
        rel("P2", "PARTNER_IN", "A00001"),  # P2 only exists earlier in this batch
        rel("A00001", "PARTNER_IN", "P2"),  # wrong direction
        rel("P2", "PARTNER_IN", "NOPE"),  # unknown end
        node("P2", "Practice", {}),  # label clash within the batch
        node("A00001", "Person", {}),  # label clash with the graph
    ]
    before = g.to_data()
    predicted = [(i, e.column, e.reason) for i, e in g.validate(batch)]
    assert g.to_data() == before, "validate must not change the graph"
    applied = [(i, e.column, e.reason) for i, e in g.apply(batch).rejected]
    assert predicted == applied and [i for i, *_ in predicted] == [2, 3, 4, 5]


def test_a_batch_commits_once_and_keeps_each_write_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    store = EmbeddedStore(path)
    store.write(list(_graph().records()))
    before = path.read_bytes()
    with store.batch():
        store.write([node("P2", "Person", {"name": "B"})])
        assert "P2" in store.graph(), "later files in a batch see earlier ones"
        assert path.read_bytes() == before, "nothing is saved until the batch ends"
        res = store.write([node("P3", "Person", {"name": "C"}), rel("P3", "PARTNER_IN", "NOPE")], strict=True)
        assert not res.committed and "P3" not in store.graph()
    after = EmbeddedStore(path).graph()
    assert "P2" in after and "P3" not in after

    with pytest.raises(RuntimeError), store.batch():
        store.write([node("P4", "Person", {"name": "D"})])
        raise RuntimeError("the process fails mid-load")
    assert "P4" not in EmbeddedStore(path).graph()
