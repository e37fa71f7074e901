"""The engine and the views in the ICB era (issue 9): commissioners that end, ICB audits through
sub-ICB locations, a practice's commissioner on a day, `show --as-of`, a SICBL's history, the legend.

The world: practice A81001 commissioned by CCG 00K (2013-04-01..2020-03-31, the CCG abolished on
2020-03-31) then by 16C (from 2020-04-01), which is the sub-ICB location of ICB QHM from 2022-07-01
(the real codes; see ../shared/data/real2/MANIFEST.md). People are synthetic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from orggraph import engine
from orggraph.engine import AmbiguousCommissioner, commissioner_on
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel
from orggraph.stores.embedded import EmbeddedStore
from tests.helpers import run_cli
from tests.test_engine_properties import build, worlds
from tests.test_engine_world import dated, declaration, graph, person
from tests.test_views import assert_self_contained
from viz import build_view, render_fragment

ICB_NAME = "NHS North East and North Cumbria Integrated Care Board"
SICBL_NAME = "NHS North East and North Cumbria ICB - 16C"
REAL2 = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real2"
ONS_LOC22 = REAL2 / "ons_loc22_icb22_nhser22_jul2022.csv"


def structure(ccg_end: str | None = "2020-03-31") -> list[Record]:
    """00K (ends ``ccg_end``), 16C (from 2020-04-01; a SICBL of QHM from 2022-07-01), QHM, A81001."""
    return [
        node("00K", "CCG", {"name": "NHS Hartlepool and Stockton-on-Tees CCG", "ods_role": "RO98",
                            "valid_from": "2013-04-01", "valid_to": ccg_end}),
        node("16C", "CCG", {"name": "NHS Tees Valley CCG", "sicbl_name": SICBL_NAME, "ods_role": "RO319",
                            "valid_from": "2020-04-01"}),
        node("QHM", "ICB", {"name": ICB_NAME, "valid_from": "2022-07-01"}),
        node("Y63", "Region", {"name": "North East and Yorkshire"}),
        rel("16C", "IN_ICB", "QHM", dated("2022-07-01")),
        rel("QHM", "IN_REGION", "Y63", dated("2022-07-01")),
        rel("00K", "SUCCEEDED_BY", "16C", dated("2020-04-01")),
        node("A81001", "Practice", {"name": "The Densham Surgery"}),
        rel("A81001", "COMMISSIONED_BY", "00K", dated("2013-04-01", "2020-03-31")),
        rel("A81001", "COMMISSIONED_BY", "16C", dated("2020-04-01")),
    ]


def people(ccg_end: str | None = "2020-03-31") -> list[Record]:
    """P1 (synthetic), partner in A81001, with an open seat on 00K's PCCC (from 2016) and on QHM's
    primary care committee (from 2022-07-01); decisions of the old PCCC before and after 00K ended."""
    return [
        *structure(ccg_end),
        person("P1", "Iris Quenby"), rel("P1", "PARTNER_IN", "A81001", dated("2015-01-01")),
        node("OLDPCCC", "Committee", {"name": "00K PCCC", "committee_type": "pccc", "quorum": 1}),
        rel("OLDPCCC", "COMMITTEE_OF", "00K", dated("2015-04-01")),
        rel("P1", "SITS_ON", "OLDPCCC", dated("2016-04-01", voting=True, member_type="gp")),
        node("ICBPCC", "Committee", {"name": "QHM primary care committee", "committee_type": "other"}),
        rel("ICBPCC", "COMMITTEE_OF", "QHM", dated("2022-07-01")),
        rel("P1", "SITS_ON", "ICBPCC", dated("2022-07-01", voting=True, member_type="gp")),
        node("DOLD", "Decision", {"title": "Extended hours 2019", "date": "2019-06-01"}),
        rel("DOLD", "DECIDED_BY", "OLDPCCC"), rel("DOLD", "AWARDED_TO", "A81001"),
        node("DLATE", "Decision", {"title": "Minuted after abolition", "date": "2021-01-05"}),
        rel("DLATE", "DECIDED_BY", "OLDPCCC"), rel("DLATE", "AWARDED_TO", "A81001"),
        node("DICB", "Decision", {"title": "Enhanced access 2023", "date": "2023-01-10"}),
        rel("DICB", "DECIDED_BY", "ICBPCC"), rel("DICB", "AFFECTS", "A81001"),
    ]


def audit_keys(g: OrgGraph, commissioner: str, on: str) -> set[tuple[str, str, str]]:
    return {(f.person_id, f.org_id, f.declaration) for f in engine.register_audit(g, commissioner, on)}


# ---- the ICB's register audit reaches its sub-ICB locations ------------------------------------------------
def test_icb_audit_finds_a_member_with_an_interest_in_a_practice_of_its_sicbl() -> None:
    g = graph(people())
    found = engine.register_audit(g, "QHM", "2023-02-01")
    assert [(f.person_id, f.org_id, f.declaration) for f in found] == [("P1", "A81001", "undeclared")]
    text = found[0].explanation
    assert f"commissioned by {SICBL_NAME} (16C), a sub-ICB location of {ICB_NAME} (QHM)" in text
    assert "a party to 1 decision of its committees (DICB)" in text
    assert audit_keys(g, "QHM", "2022-06-30") == set()


def test_icb_remit_needs_the_sicbl_link_live_on_the_day() -> None:
    # Undated committee, seat and ICB: only the IN_ICB date (2022-07-01) keeps A81001 out of the remit
    # before the ICB era; no decisions, so the remit is what is commissioned.
    records = [*structure(), person("P1", "Iris Quenby"), rel("P1", "PARTNER_IN", "A81001"),
               node("ICBPCC", "Committee", {"name": "QHM primary care committee"}),
               rel("ICBPCC", "COMMITTEE_OF", "QHM"), rel("P1", "SITS_ON", "ICBPCC")]
    records[2] = node("QHM", "ICB", {"name": ICB_NAME})
    g = graph(records)
    assert audit_keys(g, "QHM", "2022-06-30") == set()
    assert audit_keys(g, "QHM", "2022-07-01") == {("P1", "A81001", "undeclared")}
    # A declaration live on the day covers it; the SICBL's own audit has no committee, so nothing.
    declared = graph(records, declaration("DECL1", "P1", "A81001", vf="2022-01-01"))
    assert audit_keys(declared, "QHM", "2023-02-01") == {("P1", "A81001", "declared")}
    assert audit_keys(declared, "16C", "2023-02-01") == set()


def test_a_sicbl_that_ended_is_no_longer_in_the_icb() -> None:
    records = people()
    records[1] = node("16C", "CCG", {"name": "NHS Tees Valley CCG", "sicbl_name": SICBL_NAME,
                                     "valid_from": "2020-04-01", "valid_to": "2022-12-31"})
    g = graph(records, rel("DICB", "AFFECTS", "A81001"))
    # On 2023-02-01 A81001 is still in the remit, but only as a party to DICB, not through 16C.
    text = engine.register_audit(g, "QHM", "2023-02-01")[0].explanation
    assert "sub-ICB location" not in text and "a party to 1 decision" in text


# ---- a commissioner counts only while it is live ---------------------------------------------------------
def test_seat_on_a_committee_of_an_abolished_ccg_stops_counting() -> None:
    g = graph(people())
    assert audit_keys(g, "00K", "2019-06-01") == {("P1", "A81001", "undeclared")}
    assert audit_keys(g, "00K", "2020-03-31") == {("P1", "A81001", "undeclared")}
    assert audit_keys(g, "00K", "2020-04-01") == set()
    assert engine.decision_makers(g, "DOLD") == ["P1"]
    assert engine.decision_makers(g, "DLATE") == []
    assert {(c.person_id, c.decision_id) for c in engine.conflicts(g, person="P1")} == {("P1", "DOLD"), ("P1", "DICB")}
    assert engine.composition(g, "OLDPCCC", "2021-01-05").members == []
    # Control: with no end on the CCG node the open seat still counts (DOLD keeps A81001 in the remit).
    open_ccg = graph(people(ccg_end=None))
    assert audit_keys(open_ccg, "00K", "2020-04-01") == {("P1", "A81001", "undeclared")}
    assert engine.decision_makers(open_ccg, "DLATE") == ["P1"]


def test_conflicts_by_commissioner_take_the_committee_owner_on_the_decision_date() -> None:
    # A PCCC that was 16C's until 2022-06-30 and QHM's from 2022-07-01.
    g = graph(people(), node("PCCC16C", "Committee", {"name": "Tees Valley PCCC"}),
              rel("PCCC16C", "COMMITTEE_OF", "16C", dated("2020-04-01", "2022-06-30")),
              rel("PCCC16C", "COMMITTEE_OF", "QHM", dated("2022-07-01")),
              rel("P1", "SITS_ON", "PCCC16C", dated("2020-04-01")),
              node("D21", "Decision", {"date": "2021-09-01"}), rel("D21", "DECIDED_BY", "PCCC16C"),
              rel("D21", "AWARDED_TO", "A81001"),
              node("D23", "Decision", {"date": "2023-03-01"}), rel("D23", "DECIDED_BY", "PCCC16C"),
              rel("D23", "AWARDED_TO", "A81001"))

    def ids(commissioner: str) -> list[str]:
        return [c.decision_id for c in engine.conflicts(g, commissioner=commissioner)]

    assert ids("QHM") == ["DICB", "D23"]
    assert ids("16C") == ["D21"]
    assert ids("00K") == ["DOLD"]  # DLATE: no decision-maker, and 00K had ended


# ---- commissioner_on --------------------------------------------------------------------------------------
def test_commissioner_on_follows_the_links_and_the_icb_era() -> None:
    g = graph(structure())
    assert commissioner_on(g, "A81001", "2019-06-01") == ("00K", None)
    assert commissioner_on(g, "A81001", "2020-03-31") == ("00K", None)
    assert commissioner_on(g, "A81001", "2020-04-01") == ("16C", None)
    assert commissioner_on(g, "A81001", "2022-06-30") == ("16C", None)
    assert commissioner_on(g, "A81001", "2022-07-01") == ("16C", "QHM")
    assert commissioner_on(g, "A81001", "2012-01-01") == (None, None)
    direct = graph(structure(), node("P2", "Practice"), rel("P2", "COMMISSIONED_BY", "QHM", dated("2022-07-01")))
    assert commissioner_on(direct, "P2", "2023-02-01") == ("QHM", "QHM")


def test_commissioner_on_never_picks_one_of_two_live_links() -> None:
    # What loading the 2019 and 2023 epraccur gave (A81001 under both 00K and 16C).
    records = structure()
    records[8] = rel("A81001", "COMMISSIONED_BY", "00K", dated("2013-04-01"))
    g = graph(records)
    with pytest.raises(AmbiguousCommissioner) as exc:
        commissioner_on(g, "A81001", "2023-02-01")
    assert str(exc.value) == ("A81001 has 2 live COMMISSIONED_BY relationships on 2023-02-01 (00K, 16C); "
                              "expected at most one")
    with pytest.raises(engine.UnknownNode):
        commissioner_on(g, "NOPE", "2023-02-01")


def test_real_sicbl_to_icb_lookup(tmp_path: Path) -> None:
    """The July 2022 ONS lookup, read here with csv (the ONS loader on this branch stores only its
    regions), as SICBL -> ICB -> region records: every SICBL's practice gets its ICB on 2023-02-01."""
    if not ONS_LOC22.exists():
        pytest.skip(f"{ONS_LOC22} is absent")
    with ONS_LOC22.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    records: list[Record] = []
    for r in rows:
        records += [node(r["LOC22CDH"], "CCG", {"name": r["LOC22NM"], "sicbl_name": r["LOC22NM"]}),
                    node(r["ICB22CDH"], "ICB", {"name": r["ICB22NM"], "ons_code": r["ICB22CD"]}),
                    node(r["NHSER22CDH"], "Region", {"name": r["NHSER22NM"], "ons_code": r["NHSER22CD"]}),
                    rel(r["LOC22CDH"], "IN_ICB", r["ICB22CDH"], dated("2022-07-01")),
                    rel(r["ICB22CDH"], "IN_REGION", r["NHSER22CDH"], dated("2022-07-01")),
                    node(f"PR-{r['LOC22CDH']}", "Practice"),
                    rel(f"PR-{r['LOC22CDH']}", "COMMISSIONED_BY", r["LOC22CDH"], dated("2020-04-01"))]
    g = graph(records)
    stats = g.stats()["nodes"]
    assert (stats["CCG"], stats["ICB"], stats["Region"]) == (106, 42, 7)  # MANIFEST: 106 / 42 / 7
    answers = {r["LOC22CDH"]: commissioner_on(g, f"PR-{r['LOC22CDH']}", "2023-02-01") for r in rows}
    assert answers["16C"] == ("16C", "QHM")
    assert all(icb == next(r["ICB22CDH"] for r in rows if r["LOC22CDH"] == k) for k, (_, icb) in answers.items())
    assert commissioner_on(g, "PR-16C", "2022-06-30") == ("16C", None)
    per_icb = {icb: sum(1 for _, i in answers.values() if i == icb) for icb in {r["ICB22CDH"] for r in rows}}
    assert (per_icb["QOP"], per_icb["QYG"], per_icb["QE1"]) == (10, 9, 8)  # MANIFEST's largest ICBs


# ---- property: an ICB layer above live CCGs changes no CCG-era answer -----------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.sampled_from([None, "2019-01-01", "2019-09-01"]), st.booleans())
def test_an_icb_layer_changes_no_ccg_audit_or_conflict(world: dict[str, list[Record]], since: str | None,
                                                      committee: bool) -> None:
    parts = (world["links"], world["decision"], world["declarations"])
    before = build(*parts)
    layer: list[Record] = [node("ICB0", "ICB", {"name": "ICB 0"}), node("R0", "Region"),
                           rel("CCG0", "IN_ICB", "ICB0", dated(since)), rel("ICB0", "IN_REGION", "R0")]
    if committee:
        layer += [node("IC", "Committee"), rel("IC", "COMMITTEE_OF", "ICB0"), rel("P2", "SITS_ON", "IC")]
    after = build(*parts, layer)
    assert engine.conflicts(after) == engine.conflicts(before)
    for on in ("2019-06-01", "2020-01-01", "2020-06-01"):
        assert engine.register_audit(after, "CCG0", on) == engine.register_audit(before, "CCG0", on)


# ---- show --as-of, the node endpoint and page, the legend ---------------------------------------------
@pytest.fixture
def era_store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "graph.json")
    assert not store.write(people()).rejected
    return store


def test_show_as_of_names_the_commissioner_and_filters_relationships(era_store: EmbeddedStore) -> None:
    path = era_store.path
    out = run_cli(path, "show", "A81001", "--as-of", "2023-02-01")
    assert out.returncode == 0, out.stderr
    line = f"commissioner on 2023-02-01: {SICBL_NAME} (16C), ICB: {ICB_NAME} (QHM)"
    assert line in out.stdout
    early = run_cli(path, "show", "A81001", "--as-of", "2019-06-01", "--format", "json")
    data = json.loads(early.stdout)
    assert data["commissioner"]["text"] == "commissioner on 2019-06-01: NHS Hartlepool and Stockton-on-Tees CCG (00K)"
    # Everything but the later COMMISSIONED_BY (the decision links are undated, so always live).
    assert {(r["type"], r["other_id"]) for r in data["relationships"]} == {
        ("COMMISSIONED_BY", "00K"), ("PARTNER_IN", "P1"), ("AWARDED_TO", "DOLD"), ("AWARDED_TO", "DLATE"),
        ("AFFECTS", "DICB")}
    undated = json.loads(run_cli(path, "show", "A81001", "--format", "json").stdout)
    assert undated["commissioner"] is None and len(undated["relationships"]) == 6
    bad = run_cli(path, "show", "A81001", "--as-of", "2023-13-01")
    assert bad.returncode == 2 and "expected a date as yyyy-mm-dd" in bad.stderr
    # The API says the same line.
    client = TestClient(create_app(Settings(), store=era_store), base_url="http://localhost")
    api = client.get("/api/nodes/A81001", params={"as_of": "2023-02-01"}).json()
    assert api["commissioner"]["text"] == line
    assert (api["commissioner"]["commissioner_id"], api["commissioner"]["icb_id"]) == ("16C", "QHM")


def test_sicbl_page_shows_its_history(era_store: EmbeddedStore) -> None:
    client = TestClient(create_app(Settings(), store=era_store), base_url="http://localhost")
    history = client.get("/api/nodes/16C").json()["history"]
    assert [(h["valid_from"], h["valid_to"], h["text"]) for h in history] == [
        ("2020-04-01", "2022-06-30", "CCG: NHS Tees Valley CCG"),
        ("2020-04-01", None, "successor of NHS Hartlepool and Stockton-on-Tees CCG (00K)"),
        ("2022-07-01", None, f"in ICB {ICB_NAME} (QHM)"),
        ("2022-07-01", None, f"sub-ICB location: {SICBL_NAME}")]
    page = client.get("/node/16C", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "2020-04-01 to 2022-06-30:\n    CCG: NHS Tees Valley CCG" in page.text
    assert f"from 2022-07-01:\n    sub-ICB location: {SICBL_NAME}" in page.text
    assert 'href="/node/QHM">in ICB' in page.text
    practice = client.get("/node/A81001", params={"as_of": "2023-02-01"}, headers={"Accept": "text/html"})
    assert f"Commissioner on 2023-02-01: {SICBL_NAME} (16C), ICB: {ICB_NAME} (QHM)." in practice.text
    assert_self_contained(client, page.text)


def test_legend_covers_the_icb_era_labels_and_relationships() -> None:
    g = graph(structure(), node("13Q", "CommissioningHub", {"name": "NHS England hub", "ods_role": "RO218"}),
              node("A4R1E", "ReportingEntity", {"name": "A reporting entity", "ods_role": "RO327"}),
              rel("13Q", "IN_ICB", "QHM", dated("2022-07-01")), rel("A4R1E", "IN_ICB", "QHM", dated("2022-07-01")),
              node("QXX", "ICB", {"name": "Merged ICB", "valid_from": "2026-04-01"}),
              rel("QHM", "SUCCEEDED_BY", "QXX", dated("2026-04-01")))
    view = build_view(g)
    labels = {e.label: e for e in view.legend}
    assert {"CommissioningHub", "ReportingEntity", "ICB", "CCG"} <= set(labels)
    assert labels["CommissioningHub"].description == g.schema.nodes["CommissioningHub"].description
    rels = {e.type: e for e in view.rel_legend}
    assert {"IN_ICB", "SUCCEEDED_BY", "IN_REGION", "COMMISSIONED_BY"} <= set(rels)
    assert (rels["IN_ICB"].caption, rels["IN_ICB"].count) == ("in ICB", 3)
    assert rels["SUCCEEDED_BY"].description == g.schema.relationships["SUCCEEDED_BY"].description
    html = str(render_fragment(view))
    for name in ("CommissioningHub", "ReportingEntity", "IN_ICB", "SUCCEEDED_BY"):
        assert f"<strong>{name}</strong>" in html
