"""One store suite, run against every backend: the embedded JSON file, SQLite and a real Neo4j 5.26.

Semantics tests take the ``store`` fixture (parametrised embedded / sqlite / neo4j) and must pass on
each. Parity tests (the ``pair`` fixture: the JSON store beside SQLite, and beside Neo4j) load the same
real files into both and require identical graphs, stats, node details,
search hits, exports, copies and engine results (conflicts, quorum, composition, register audit)
on the real files, the synthetic demo world and hypothesis-generated graphs; and, on the CCG-era
(../shared/data/real) and ICB-era (real2) files loaded together, identical exports, scan summaries,
register audits and commissioner_on answers on each epraccur release's day.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.pipeline import load_paths
from orggraph import engine
from orggraph.export import export_graph
from orggraph.graph import OrgGraph
from orggraph.models import node, rel
from orggraph.schema import SCHEMA
from orggraph.stores.base import Store
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.neo4j import Neo4jStore
from orggraph.stores.sqlite import SQLiteStore
from tests.helpers import ORGGRAPH, write_world
from tests.neo4j_server import Neo4jTarget
from tests.test_roundtrip import generate_graph_csv

REAL_FILES = ("ons_ccg19_stp19_apr2019.csv", "ons_stp20_nhser20_apr2020.csv", "epraccur_2019-11.csv",
              "ePCN_2019-12.xlsx")
AS_OF = ("2019-06-30", "2019-10-01", "2020-03-31")

needs_engine = pytest.mark.skipif(not hasattr(engine, "conflicts"), reason="orggraph.engine has no conflicts() yet")


def new_neo4j(target: Neo4jTarget) -> Neo4jStore:
    return Neo4jStore(target.uri, auth=target.auth)


@pytest.fixture(params=["embedded", "sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        yield EmbeddedStore(tmp_path / "graph.json")
        return
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "graph.sqlite") as lite:
            yield lite
        return
    yield request.getfixturevalue("neo4j_store")


Pair = tuple[EmbeddedStore, Neo4jStore | SQLiteStore]


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    """The JSON store beside another backend that must give the same everything."""
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "graph.sqlite") as lite:
            yield EmbeddedStore(tmp_path / "graph.json"), lite
        return
    yield EmbeddedStore(tmp_path / "graph.json"), request.getfixturevalue("neo4j_store")


@pytest.fixture
def neo_pair(tmp_path: Path, neo4j_store: Neo4jStore) -> tuple[EmbeddedStore, Neo4jStore]:
    return EmbeddedStore(tmp_path / "graph.json"), neo4j_store


def fresh_graph(store: Store) -> OrgGraph:
    """The graph as a new process sees it (no in-process cache)."""
    if isinstance(store, EmbeddedStore):
        return EmbeddedStore(store.path).graph()
    if isinstance(store, SQLiteStore):
        with SQLiteStore(store.path) as other:
            return other.graph()
    assert isinstance(store, Neo4jStore)
    other = Neo4jStore(store.uri, auth=store._auth, database=store.database)
    try:
        return other.graph()
    finally:
        other.close()


def first_difference(a: OrgGraph, b: OrgGraph) -> str:
    da, db = a.to_data(), b.to_data()
    for part in ("nodes", "relationships"):
        if len(da[part]) != len(db[part]):
            return f"{part}: {len(da[part])} vs {len(db[part])}"
        for x, y in zip(da[part], db[part], strict=True):
            if x != y:
                return f"{part}: {x} vs {y}"
    return "no difference"


def assert_same_graph(a: OrgGraph, b: OrgGraph) -> None:
    assert a == b, first_difference(a, b)


# ---- semantics, on each backend --------------------------------------------------------------
def test_write_merges_by_id_and_is_idempotent(store: Store) -> None:
    recs = [node("00C", "CCG", {"name": "NHS Darlington CCG"}, source="f.csv:1"),
            node("A81001", "Practice", {"name": "THE DENSHAM SURGERY", "status": "A"}, source="f.csv:2"),
            rel("A81001", "COMMISSIONED_BY", "00C", {"valid_from": "2013-04-01"}, source="f.csv:2")]
    first = store.write(recs)
    assert (first.nodes_created, first.rels_created, first.committed) == (2, 1, True)
    again = store.write(recs)
    assert (again.written, again.unchanged) == (0, 3)
    changed = store.write([node("A81001", "Practice", {"name": "THE DENSHAM SURGERY", "status": "C"},
                                source="f.csv:9")])
    assert changed.nodes_updated == 1
    data = store.graph().node("A81001")
    assert data == {"label": "Practice", "name": "THE DENSHAM SURGERY", "status": "C", "source": "f.csv:9"}
    assert store.stats() == {"nodes": {"CCG": 1, "Practice": 1}, "relationships": {"COMMISSIONED_BY": 1}}


def test_stub_never_overwrites_a_fuller_node(store: Store) -> None:
    store.write([node("00C", "CCG", {"name": "NHS Darlington CCG", "ons_code": "E38000042"}, source="ons:2")])
    result = store.write([node("00C", "CCG", {"name": "00C", "delegation_level": 3}, source="ep:5", stub=True)])
    assert result.nodes_updated == 1  # only the missing property is added
    assert store.graph().node("00C") == {"label": "CCG", "name": "NHS Darlington CCG", "ons_code": "E38000042",
                                         "source": "ons:2", "delegation_level": 3}
    created = store.write([node("01A", "CCG", {"name": "01A"}, source="ep:6", stub=True)])
    assert created.nodes_created == 1 and store.graph().node("01A")["name"] == "01A"


def test_relationship_identity_includes_valid_from(store: Store) -> None:
    store.write([node("P1", "Person", {"name": "Ada Synthetic"}), node("C1", "Committee", {"name": "PCCC"})])
    terms = [rel("P1", "SITS_ON", "C1", {"valid_from": d, "role": "member"}) for d in ("2015-04-01", "2019-04-01")]
    terms.append(rel("P1", "SITS_ON", "C1", {"role": "chair"}))  # no start date: a third identity
    assert store.write(terms).rels_created == 3
    update = store.write([rel("P1", "SITS_ON", "C1", {"valid_from": "2019-04-01", "role": "chair"})])
    assert (update.rels_created, update.rels_updated) == (0, 1)
    seats = sorted((d.get("valid_from") or "", d["role"]) for _, t, _, d in store.graph().rels())
    assert seats == [("", "chair"), ("2015-04-01", "member"), ("2019-04-01", "chair")]


def test_rejections_name_the_column_and_leave_the_rest(store: Store) -> None:
    store.write([node("P1", "Person", {"name": "Ada Synthetic"}), node("00C", "CCG", {"name": "NHS X CCG"})])
    batch = [
        node("A1", "Practice", {"name": "A Surgery"}),
        rel("A1", "COMMISSIONED_BY", "NOPE", {}),  # unknown end
        rel("P1", "PARTNER_IN", "00C", {}),  # Person -> CCG is not a partnership
        node("P1", "Practice", {"name": "clash"}),  # P1 is a Person
        rel("A1", "COMMISSIONED_BY", "00C", {}),
    ]
    result = store.write(batch)
    assert [(i, e.column, e.value) for i, e in result.rejected] == [
        (1, ":END_ID", "NOPE"), (2, ":TYPE", "PARTNER_IN"), (3, ":LABEL", "Practice")]
    assert "Person -> CCG is not allowed" in result.rejected[1][1].reason
    assert result.committed and store.stats()["relationships"] == {"COMMISSIONED_BY": 1}
    assert store.graph().label("P1") == "Person"


def test_strict_write_is_all_or_nothing(store: Store) -> None:
    store.write([node("00C", "CCG", {"name": "NHS X CCG"})])
    before = fresh_graph(store)
    result = store.write([node("A1", "Practice", {"name": "A Surgery"}), rel("A1", "COMMISSIONED_BY", "00C", {}),
                          rel("A1", "COMMISSIONED_BY", "MISSING", {})], strict=True)
    assert not result.committed and len(result.rejected) == 1
    assert_same_graph(fresh_graph(store), before)
    assert store.graph().node("A1") is None


def test_search_and_node_detail(store: Store) -> None:
    store.write([node("G82080", "Practice", {"name": "Ashford Medical Partnership"}),
                 node("Y02688", "Practice", {"name": "ASHFORD HEALTH CENTRE"}),
                 node("09C", "CCG", {"name": "NHS Ashford CCG"}),
                 node("X1", "Practice", {"name": "St. John's Surgery, Ashford-on-Sea"}),
                 rel("G82080", "COMMISSIONED_BY", "09C", {"valid_from": "2013-04-01"}, source="e.csv:3")])
    hits = store.search("ashford")
    assert [h.id for h in hits] == ["Y02688", "G82080", "09C", "X1"]  # prefix first, then by name
    assert [h.id for h in store.search("st johns")] == [] and [h.id for h in store.search("st john s")] == ["X1"]
    assert [h.id for h in store.search("g8208")] == ["G82080"]
    detail = store.node("G82080")
    assert detail is not None and detail.label == "Practice"
    assert [(r.direction, r.type, r.other_id, r.properties) for r in detail.relationships] == [
        ("out", "COMMISSIONED_BY", "09C", {"valid_from": "2013-04-01", "source": "e.csv:3"})]
    assert store.node("NOPE") is None


# ---- parity: the same files give the same everything ---------------------------------------
def load_both(pair: Pair, paths: list[Path]) -> None:
    reports = [[(r.file, r.status, r.read, r.loaded, [str(x) for x in r.rejected], r.counts)
                for r in load_paths(s, paths)] for s in pair]
    assert reports[0] == reports[1]
    assert all(status == "loaded" for _, status, *_ in reports[1])


def test_real_files_give_the_same_graph_stats_search_and_nodes(pair: Pair,
                                                                 real_data: Path) -> None:
    embedded, neo = pair
    load_both(pair, [real_data / f for f in REAL_FILES])
    g = fresh_graph(embedded)
    assert g.stats()["nodes"]["Practice"] > 8000
    assert_same_graph(neo.graph(), g)
    assert_same_graph(fresh_graph(neo), g)
    assert neo.stats() == embedded.stats()
    for text in ("ashford", "NHS Darlington", "U07648", "surgery", "a81001", "zzz-nothing"):
        assert neo.search(text, 50) == embedded.search(text, 50), text
    ids = sorted(g.g.nodes)
    for nid in ids[:: max(1, len(ids) // 40)] + ["00C", "Y59"]:
        assert neo.node(nid) == embedded.node(nid), nid

    # Loading the same files again changes nothing on either store (and commits nothing to Neo4j).
    version = neo.version()
    load_both(pair, [real_data / f for f in REAL_FILES])
    assert neo.version() == version
    assert_same_graph(neo.graph(), g)


def test_export_round_trip_through_neo4j(neo_pair: tuple[EmbeddedStore, Neo4jStore], real_data: Path,
                                         tmp_path: Path, neo4j_target: Neo4jTarget) -> None:
    embedded, neo = neo_pair
    nodes, rels, _, _ = generate_graph_csv(tmp_path / "generated")
    load_both(neo_pair, [real_data / "epraccur_2019-11.csv", real_data / "ons_ccg19_stp19_apr2019.csv", nodes, rels])
    original = fresh_graph(embedded)
    assert_same_graph(neo.graph(), original)  # every type, float, boolean, multi-line text survives Neo4j
    exported = tmp_path / "export"
    proc = subprocess.run([str(ORGGRAPH), "--store", neo.uri, "export", "--format", "csv", "--out", str(exported)],
                          check=False, capture_output=True, text=True, timeout=600, env=neo4j_target.env())
    assert proc.returncode == 0, proc.stderr
    fresh = EmbeddedStore(tmp_path / "fresh.json")
    assert all(r.status == "loaded" and not r.rejected for r in load_paths(fresh, [exported]))
    assert_same_graph(fresh_graph(fresh), original)
    neo.clear()
    assert neo.stats() == {"nodes": {}, "relationships": {}}
    assert all(r.status == "loaded" and not r.rejected for r in load_paths(neo, [exported]))
    assert_same_graph(fresh_graph(neo), original)


def test_copy_embedded_to_neo4j_and_back_is_identical(neo_pair: tuple[EmbeddedStore, Neo4jStore],
                                                      real_data: Path, tmp_path: Path,
                                                      neo4j_target: Neo4jTarget) -> None:
    embedded, neo = neo_pair
    nodes, rels, _, _ = generate_graph_csv(tmp_path / "generated")
    load_paths(embedded, [real_data / "ons_ccg19_stp19_apr2019.csv", real_data / "epraccur_2019-11.csv", nodes, rels])
    original = fresh_graph(embedded)
    env = neo4j_target.env()
    there = subprocess.run([str(ORGGRAPH), "copy", "--from", str(embedded.path), "--to", neo.uri],
                           check=False, capture_output=True, text=True, timeout=600, env=env)
    assert there.returncode == 0, there.stderr
    assert f"copied {original.g.number_of_nodes()} nodes" in there.stderr
    assert_same_graph(fresh_graph(neo), original)
    back_path = tmp_path / "back.json"
    back = subprocess.run([str(ORGGRAPH), "copy", "--from", neo.uri, "--to", str(back_path)],
                          check=False, capture_output=True, text=True, timeout=600, env=env)
    assert back.returncode == 0, back.stderr
    assert_same_graph(EmbeddedStore(back_path).graph(), original)
    again = subprocess.run([str(ORGGRAPH), "copy", "--from", str(embedded.path), "--to", neo.uri],
                           check=False, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0 and "created 0, updated 0" in again.stderr, again.stderr


# ---- parity of engine results ----------------------------------------------------------------
def engine_results(graph: OrgGraph) -> dict[str, Any]:
    """Every engine answer over ``graph``, as plain data."""
    def dump(x: Any) -> Any:
        if isinstance(x, list):
            return [dump(i) for i in x]
        return x.model_dump(mode="json") if hasattr(x, "model_dump") else x

    out: dict[str, Any] = {"conflicts": dump(engine.conflicts(graph))}
    decisions = sorted(nid for nid, _ in graph.nodes("Decision"))
    out["quorum"] = {d: dump(engine.quorum(graph, d)) for d in decisions}
    out["makers"] = {d: engine.decision_makers(graph, d) for d in decisions}
    out["parties"] = {d: engine.decision_parties(graph, d) for d in decisions}
    committees = sorted(nid for nid, _ in graph.nodes("Committee"))
    out["composition"] = {(c, on): dump(engine.composition(graph, c, on)) for c in committees for on in AS_OF}
    commissioners = sorted(nid for nid, data in graph.nodes() if data["label"] in SCHEMA.commissioner_labels)
    out["audit"] = {(c, on): dump(engine.register_audit(graph, c, on)) for c in commissioners for on in AS_OF[1:2]}
    if hasattr(engine, "scan"):
        out["scan"] = dump(engine.scan(graph))
    if hasattr(engine, "meeting_brief"):
        meetings = sorted(nid for nid, _ in graph.nodes("Meeting"))
        out["briefs"] = {m: dump(engine.meeting_brief(graph, m)) for m in meetings}
        out["committee_meetings"] = {c: dump(engine.committee_meetings(graph, c)) for c in committees}
        out["next_meetings"] = dump(engine.next_meetings(graph, limit=100))
    return out


def assert_same_engine_results(embedded: EmbeddedStore, neo: Neo4jStore | SQLiteStore) -> dict[str, Any]:
    want = engine_results(fresh_graph(embedded))
    got = engine_results(neo.graph())
    for key in want:
        assert got[key] == want[key], key
    return want


def write_world_files(folder: Path, records: list[Any]) -> list[Path]:
    """Generated records -> graph CSV files (what `load` reads), so both stores load real files."""
    graph = OrgGraph()
    result = graph.apply(records)
    assert not result.rejected, result.rejected[:3]
    return export_graph(graph, "csv", folder)


@needs_engine
def test_meeting_brief_parity_on_a_small_meeting_graph(pair: Pair, tmp_path: Path) -> None:
    """A meeting with an agenda, a declarations log, a deputy, a role-based quorum rule and a planned
    meeting: the brief (and every other engine answer) is identical on both stores."""
    from tests.test_meetings_engine import attended, declared_at, deputy, director, two_meetings

    g = two_meetings(deputy("EX2"), attended("DEP"), director("CHAIR"), declared_at("CHAIR", "DEC1", "left_room"))
    load_both(pair, write_world_files(tmp_path / "meeting", [*_records_of(g)]))
    results = assert_same_engine_results(*pair)
    brief = results["briefs"]["MTG1"]
    assert [i["decision_id"] for i in brief["items"]] == ["DEC2", "DEC1", "DEC3"]
    assert brief["conflicts"] and brief["items"][1]["quorum"]["presiding"] == "VICE"
    assert any(c["breach_kinds"] for i in brief["items"] for c in i["conflicts"])


def _records_of(graph: OrgGraph) -> list[Any]:
    """A built graph's records again (to write them out as the graph CSV files a store loads)."""
    out: list[Any] = [node(n, d["label"], {k: v for k, v in d.items() if k not in ("label", "source")})
                      for n, d in graph.g.nodes(data=True)]
    out += [rel(u, d["type"], v, {k: val for k, val in d.items() if k not in ("type", "source")})
            for u, v, d in graph.g.edges(data=True)]
    return out


@needs_engine
def test_engine_parity_on_the_demo_world(pair: Pair, tmp_path: Path) -> None:
    from loaders.register import write_register_xlsx
    from orggraph_cli.demo_files import write_log
    from orggraph_demo import generate

    world = generate("demo")
    files = sorted(write_world_files(tmp_path / "world", world.records),
                   key=lambda p: (not p.name.startswith("nodes_"), p.name))
    # The registers of interests as the demo writes them: declarations are matched by name on load.
    files += [write_register_xlsx(tmp_path / "world" / reg.filename, reg.entries, title=reg.title)
              for reg in world.registers]
    # And the minutes' declarations logs, last (they name meetings, agenda items and people).
    files += [write_log(log, tmp_path / "world" / log.filename) for log in world.logs]
    load_both(pair, files)
    assert_same_graph(pair[1].graph(), fresh_graph(pair[0]))
    results = assert_same_engine_results(*pair)
    assert results["conflicts"], "the demo world plants conflicts; finding none means nothing was compared"
    kinds = {k for brief in results["briefs"].values() for item in brief["items"] for c in item["conflicts"]
             for k in c["breach_kinds"]}
    assert kinds == {"voted_while_conflicted", "not_declared_at_meeting", "acted_against_ruling"}, kinds


@needs_engine
def test_engine_parity_on_the_real_files(pair: Pair, real_data: Path,
                                         tmp_path: Path) -> None:
    nodes, rels, _, _ = generate_graph_csv(tmp_path / "generated")
    load_both(pair, [real_data / f for f in REAL_FILES] + [nodes, rels])
    results = assert_same_engine_results(*pair)
    assert results["quorum"], "the generated file has decisions"


# Hypothesis: random small commissioning worlds, written as graph CSVs and loaded into both stores.
LABELS = ("Person", "Committee", "CCG", "Practice", "Federation", "PCN", "Provider", "Decision", "Meeting",
          "Declaration")
DATES = [None] + [(dt.date(2019, 1, 1) + dt.timedelta(days=45 * i)).isoformat() for i in range(14)]


# Edges that make conflicts likely: who sits where, what was decided, who holds what interest.
LIKELY = ("SITS_ON", "DECIDED_BY", "AWARDED_TO", "AFFECTS", "PARTNER_IN", "DIRECTOR_OF", "EMPLOYED_BY",
          "MEMBER_OF", "SHAREHOLDER_OF", "FAMILY_OF", "ADVISES", "VOTED_ON", "WITHDREW_FROM", "DECLARED",
          "CONCERNS", "ATTENDED", "AT_MEETING", "COMMITTEE_OF")


@st.composite
def random_world(draw: st.DrawFn) -> tuple[list[list[str]], list[list[str]]]:
    counts = {label: draw(st.integers(1, 3)) for label in LABELS}
    ids = {label: [f"H-{label}-{i}" for i in range(n)] for label, n in counts.items()}
    node_rows = []
    for label, names in ids.items():
        for nid in names:
            date = draw(st.sampled_from(DATES[1:])) if label in ("Decision", "Meeting") else ""
            node_rows.append([nid, label, f"{label} {nid[-1]}", date or ""])
    variants = [(t, v) for t, spec in SCHEMA.relationships.items() for v in spec.variants]
    likely = [(t, v) for t, v in variants if t in LIKELY]
    rel_rows = []
    open_or = st.sampled_from(["", "", *DATES[1::3]])
    # A spine, so that there is something to judge: every decision taken by a committee and awarded to
    # an organisation, every committee with a member or two (dates mostly open).
    for decision in ids["Decision"]:
        rel_rows.append([decision, "DECIDED_BY", draw(st.sampled_from(ids["Committee"])), "", "", ""])
        rel_rows.append([decision, "AWARDED_TO", draw(st.sampled_from(ids["Practice"] + ids["Federation"])),
                         "", "", ""])
    for committee in ids["Committee"]:
        for person in draw(st.lists(st.sampled_from(ids["Person"]), min_size=1, max_size=2, unique=True)):
            rel_rows.append([person, "SITS_ON", committee, draw(open_or), "", draw(st.sampled_from(["", "true"]))])
    for _ in range(draw(st.integers(8, 50))):
        # Mostly the edges conflicts are made of, sometimes any type the schema allows.
        rtype, variant = draw(st.sampled_from(likely if draw(st.integers(0, 4)) else variants))
        starts = [n for lab in sorted(variant.from_labels) if lab in ids for n in ids[lab]]
        ends = [n for lab in sorted(variant.to_labels) if lab in ids for n in ids[lab]]
        if not starts or not ends:
            continue
        vf, vt = draw(open_or), draw(open_or)
        if vf and vt and vt < vf:
            vf, vt = vt, vf
        extra = ""
        if rtype == "SITS_ON":
            extra = draw(st.sampled_from(["", "true", "false"]))
        rel_rows.append([draw(st.sampled_from(starts)), rtype, draw(st.sampled_from(ends)), vf or "", vt or "", extra])
    return node_rows, rel_rows


@needs_engine
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=random_world())
def test_engine_parity_on_random_graphs(pair: Pair, tmp_path: Path,
                                        world: tuple[list[list[str]], list[list[str]]]) -> None:
    embedded, neo = pair
    embedded.clear()
    neo.clear()
    folder = Path(tempfile.mkdtemp(prefix="world-", dir=tmp_path))  # hypothesis may draw a world twice
    load_both(pair, write_world(folder, world))
    assert_same_graph(neo.graph(), fresh_graph(embedded))
    assert_same_engine_results(embedded, neo)


# ---- parity on the combined real files: CCG era (../shared/data/real) and ICB era (real2) -----------
AUDIT_DAY = "2023-02-20"  # the February 2023 epraccur's extract date
AUDITED = ("QHM", "16C", "QOP", "14L")  # two ICBs, two sub-ICB locations (North East; Greater Manchester)
# A synthetic committee world on top of the real files, so that the audits have findings to compare:
# committees of an ICB and of a sub-ICB location, members with partnerships in real practices.
SYNTHETIC_NODES = [["SYN-C-QHM", "Committee", "Synthetic ICB primary care committee"],
                   ["SYN-C-16C", "Committee", "Synthetic Tees Valley place committee"],
                   ["SYN-P-1", "Person", "Ada Synthetic"], ["SYN-P-2", "Person", "Bo Example"],
                   ["SYN-P-3", "Person", "Cy Placeholder"]]
SYNTHETIC_RELS = [["SYN-C-QHM", "COMMITTEE_OF", "QHM", "2022-07-01"], ["SYN-C-16C", "COMMITTEE_OF", "16C", "2022-07-01"],
                  ["SYN-P-1", "SITS_ON", "SYN-C-QHM", "2022-07-01"], ["SYN-P-2", "SITS_ON", "SYN-C-16C", "2022-07-01"],
                  ["SYN-P-3", "SITS_ON", "SYN-C-QHM", "2022-07-01"], ["SYN-P-3", "SITS_ON", "SYN-C-16C", "2022-07-01"],
                  ["SYN-P-1", "PARTNER_IN", "A81001", "2020-04-01"], ["SYN-P-2", "PARTNER_IN", "A81002", "2020-04-01"],
                  ["SYN-P-3", "PARTNER_IN", "C81077", "2020-04-01"], ["SYN-P-3", "PARTNER_IN", "A82003", "2020-04-01"]]


@pytest.fixture(scope="session")
def combined_files(real_data: Path) -> list[Path]:
    """Every file of real and real2 that has a kind, in folder-load order (the Sussex working lookup,
    which no loader reads, and the PDFs are left out)."""
    from loaders.pipeline import plan_paths

    real2 = real_data.parent / "real2"
    if not real2.is_dir():
        pytest.skip(f"ICB-era real files not found at {real2} (needs ../shared beside the checkout)")
    plans = plan_paths([real_data, real2])
    assert [p.path.name for p in plans if not p.detected] == ["GP_PCN_CCG_lookup_sussex_final.csv"]
    return [p.path for p in plans if p.detected]


def synthetic_committees(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    nodes, rels = folder / "syn_nodes.csv", folder / "syn_rels.csv"
    with nodes.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[":ID", ":LABEL", "name"], *SYNTHETIC_NODES])
    with rels.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[":START_ID", ":TYPE", ":END_ID", "valid_from:date"], *SYNTHETIC_RELS])
    return [nodes, rels]


def timed_load(store: Store, paths: list[Path]) -> tuple[list[tuple[Any, ...]], float]:
    start = time.perf_counter()
    reports = load_paths(store, paths)
    seconds = time.perf_counter() - start
    return [(r.file, r.kind, r.status, r.read, r.loaded, [str(x) for x in r.rejected], r.counts, r.release_date,
             r.release_basis, r.notes) for r in reports], seconds


def exported(graph: OrgGraph, folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in export_graph(graph, "csv", folder)}


def commissioner_answers(graph: OrgGraph, practices: list[str], days: list[str]) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for day in days:
        for p in practices:
            try:
                out[(p, day)] = engine.commissioner_on(graph, p, day)
            except engine.AmbiguousCommissioner as exc:  # compared too: both stores must say the same
                out[(p, day)] = ("ambiguous", tuple(exc.targets))
    return out


def test_combined_real_files_give_the_same_export_scan_audits_and_commissioners(
        pair: Pair, combined_files: list[Path], tmp_path: Path) -> None:
    embedded, neo = pair
    paths = combined_files + synthetic_committees(tmp_path / "synthetic")
    want, embedded_seconds = timed_load(embedded, paths)
    got, neo_seconds = timed_load(neo, paths)
    rows = sum(r[3] for r in want)
    print(f"\ncombined real + real2 ({len(paths)} files, {rows:,} rows read): embedded {embedded_seconds:.1f} s "
          f"({rows / embedded_seconds:,.0f} rows/s), Neo4j {neo_seconds:.1f} s ({rows / neo_seconds:,.0f} rows/s)")
    assert got == want
    assert all(r[2] == "loaded" for r in want), [r[:3] for r in want if r[2] != "loaded"]

    g, n = fresh_graph(embedded), fresh_graph(neo)
    assert_same_graph(n, g)
    assert neo.stats() == embedded.stats()
    # What the MANIFESTs give (real2: the July 2022 lookup's 42 ICBs and 7 regions), so that an empty
    # or partial graph on both sides cannot pass.
    assert g.stats()["nodes"]["ICB"] == 42 and g.stats()["nodes"]["Region"] == 7
    assert exported(n, tmp_path / "neo") == exported(g, tmp_path / "embedded")

    assert engine.scan(n, audit_as_of=AUDIT_DAY) == engine.scan(g, audit_as_of=AUDIT_DAY)
    for commissioner in AUDITED:
        assert engine.register_audit(n, commissioner, AUDIT_DAY) == engine.register_audit(g, commissioner, AUDIT_DAY)
    for commissioner in ("QHM", "16C"):  # A81001 and A81002 are Tees Valley (16C) practices, in QHM
        assert engine.register_audit(g, commissioner, AUDIT_DAY), f"no finding in {commissioner}'s remit"

    days = sorted({r[7] for r in want if r[1] == "epraccur" and r[7]})
    assert len(days) >= 5  # 2019-11, 2021-11, 2023-02, 2024-05, 2025-09 (and the 2026 excerpt)
    practices = sorted(nid for nid, _ in g.nodes("Practice"))
    sample = practices[:: max(1, len(practices) // 300)] + ["A81001", "C81077", "C81081"]
    answers = commissioner_answers(g, sample, days)
    assert commissioner_answers(n, sample, days) == answers
    assert sum(1 for a in answers.values() if a[0] and a[0] != "ambiguous") > len(sample)
