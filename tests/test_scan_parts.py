"""The streamed scan (issue 12 item 1, whole-graph work): the scan read from a store a part at a time
(orggraph/stores/parts.py) gives exactly the summary ``engine.scan`` gives on the whole graph.

Compared on: the engine's property worlds (in memory, max_hops 1 and 4, several audit days), the parity
suite's random labelled worlds loaded from graph CSVs, the meetings world, the demo world and the real
files; on the JSON store, SQLite and (marked ``neo4j``) Neo4j; with the default part sizes and with
parts of one committee, one commissioner and pages of one id. Then how the parts divide the work: every
decision judged in exactly one part (a decision of two committees with the first, one of none in a stray
part), every commissioner audited once, and no part holding the graph.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from loaders.pipeline import load_paths
from orggraph import engine
from orggraph.engine.models import ScanSummary
from orggraph.engine.scan import ScanPart, scan_parts
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel
from orggraph.stores import parts
from orggraph.stores.base import Store
from orggraph.stores.neighbourhood import GraphFetch
from tests.helpers import write_world
from tests.test_engine_properties import build, worlds
from tests.test_neighbourhood import demo_files  # noqa: F401  (a fixture)
from tests.test_store_parity import REAL_FILES, random_world, write_world_files

DAYS = (None, "2019-06-01", "2020-01-01")


@pytest.fixture
def store(each_store: Store) -> Store:
    return each_store


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of one committee, one commissioner, pages of one id: every boundary is crossed."""
    monkeypatch.setattr(parts, "COMMITTEES_PER_PART", 1)
    monkeypatch.setattr(parts, "COMMISSIONERS_PER_PART", 1)
    monkeypatch.setattr(parts, "PAGE", 1)


def in_memory(graph: OrgGraph, max_hops: int = 4, audit_as_of: Any = None) -> ScanSummary:
    fetch = GraphFetch(graph)
    return scan_parts(parts.decision_parts(fetch, graph.schema, max_hops),
                      lambda on: parts.audit_parts(fetch, graph.schema, on, max_hops), max_hops, audit_as_of)


def assert_same_scan(store: Store, days: tuple[Any, ...] = DAYS, hops: tuple[int, ...] = (4,)) -> ScanSummary:
    whole = store.graph()
    summary = None
    for h in hops:
        for on in days:
            summary = parts.streamed_scan(store, max_hops=h, audit_as_of=on)
            assert summary == engine.scan(whole, max_hops=h, audit_as_of=on), (h, on)
    assert summary is not None
    return summary


# ---- the engine's property worlds, in memory --------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_streamed_scan_equals_whole_scan_on_property_worlds(world: dict[str, list[Record]]) -> None:
    g = build(world["links"], world["decision"], world["declarations"])
    for h in (1, 4):
        for on in DAYS:
            assert in_memory(g, h, on) == engine.scan(g, max_hops=h, audit_as_of=on), (h, on)


# ---- every store ------------------------------------------------------------------------------------
def load_random_world(store: Store, folder: Path, world: tuple[list[list[str]], list[list[str]]]) -> None:
    store.clear()
    load_paths(store, write_world(folder, world))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(world=random_world())
def test_streamed_scan_on_random_labelled_worlds(store: Store, tmp_path: Path, small_parts: None,
                                                 world: tuple[list[list[str]], list[list[str]]]) -> None:
    """Any label, any edge the schema allows: decisions of several committees (DECIDED_BY, or a
    meeting's HELD_BY), committees of several commissioners, sub-ICB locations in ICBs."""
    load_random_world(store, Path(tempfile.mkdtemp(dir=tmp_path)), world)
    assert_same_scan(store, hops=(1, 4))


def test_streamed_scan_on_the_meetings_world(store: Store, tmp_path: Path, small_parts: None) -> None:
    from tests.test_meetings_engine import attended, declared_at, deputy, director, two_meetings
    from tests.test_store_parity import _records_of

    g = two_meetings(deputy("EX2"), attended("DEP"), director("CHAIR"), declared_at("CHAIR", "DEC1", "left_room"))
    load_paths(store, write_world_files(tmp_path / "meeting", [*_records_of(g)]))
    assert assert_same_scan(store).conflicts > 0


@pytest.mark.parametrize("sizes", ["default", "small"])
def test_streamed_scan_on_the_demo_world(store: Store, demo_files: list[Path],  # noqa: F811
                                         request: pytest.FixtureRequest, sizes: str) -> None:
    if sizes == "small":
        request.getfixturevalue("small_parts")
    load_paths(store, demo_files)
    summary = assert_same_scan(store, days=(None, "2019-12-31", "2024-03-31"), hops=(2, 4))
    assert summary.conflicts and summary.inquorate and summary.composition_failures and summary.audit_findings


def test_streamed_scan_on_the_real_files(store: Store, real_data: Path) -> None:
    """Hundreds of commissioners (more than a page), no decisions."""
    load_paths(store, [real_data / f for f in REAL_FILES])
    summary = assert_same_scan(store, days=(None, "2019-12-31"))
    assert summary.commissioners > 10 * parts.COMMISSIONERS_PER_PART


# ---- how the parts divide the work ----------------------------------------------------------------------
def committees_world() -> OrgGraph:
    """Decisions of one committee, of two, of a meeting's committee, and of none."""
    records: list[Record] = [node("K", "CCG", {"name": "K"})]
    for c in ("C1", "C2", "C3"):
        records += [node(c, "Committee", {"committee_type": "pccc"}), rel(c, "COMMITTEE_OF", "K"),
                    node(f"P{c}", "Person", {"name": c}), rel(f"P{c}", "SITS_ON", c, {"voting": True})]
    records += [node("M", "Meeting", {"date": "2020-01-01"}), rel("M", "HELD_BY", "C3")]
    for d in ("D1", "D12", "DM", "DNONE"):
        records.append(node(d, "Decision", {"date": "2020-01-01"}))
    records += [rel("D1", "DECIDED_BY", "C1"), rel("D12", "DECIDED_BY", "C2"), rel("D12", "DECIDED_BY", "C1"),
                rel("DM", "AT_MEETING", "M")]
    g = OrgGraph()
    assert not g.apply(records).rejected
    return g


def judging_parts(graph: OrgGraph) -> dict[str, list[ScanPart]]:
    """Decision -> the parts that judge it."""
    out: dict[str, list[ScanPart]] = {}
    for part in parts.decision_parts(GraphFetch(graph), graph.schema):
        for d in part.decisions:
            out.setdefault(d, []).append(part)
    return out


def test_each_decision_is_judged_in_exactly_one_part(small_parts: None) -> None:
    """Parts of one committee each: D1 and D12 (of C2 and C1) in C1's part, DM in C3's (its meeting's
    committee), DNONE in a stray part of its own."""
    judged = judging_parts(committees_world())
    assert {d: len(ps) for d, ps in judged.items()} == {"D1": 1, "D12": 1, "DM": 1, "DNONE": 1}
    assert judged["D12"][0] is judged["D1"][0] and judged["D1"][0].decisions == ["D1", "D12"]
    assert judged["DM"][0].decisions == ["DM"] and judged["DM"][0].graph.g.has_edge("M", "C3")
    assert judged["DNONE"][0].decisions == ["DNONE"] and "C1" not in judged["DNONE"][0].graph.g
    assert in_memory(committees_world()) == engine.scan(committees_world())


def test_a_link_never_live_does_not_make_an_owner(small_parts: None) -> None:
    """The engine's index leaves out a relationship that is never live (only possible in a graph edited
    by hand): a decision whose only DECIDED_BY is such a link has no committee, so a stray part judges it."""
    g = committees_world()
    g.g.add_edge("DNONE", "C2", key="DECIDED_BY|", type="DECIDED_BY", valid_from="2021-01-01", valid_to="2020-01-01")
    judged = judging_parts(g)
    assert judged["DNONE"][0].decisions == ["DNONE"]  # a stray part of its own, not C2's
    assert in_memory(g) == engine.scan(g)


def test_every_commissioner_is_audited_once(store: Store, demo_files: list[Path], small_parts: None  # noqa: F811
                                            ) -> None:
    load_paths(store, demo_files)
    whole = store.graph()
    commissioners = sorted(n for n, d in whole.g.nodes(data=True) if d["label"] in whole.schema.commissioner_labels)
    audited = store.read_with(lambda f: [k for p in parts.audit_parts(f, store.schema, "2024-03-31")
                                         for k in p.commissioners])
    assert len(commissioners) > 3 and sorted(audited) == commissioners


def test_no_part_holds_the_whole_graph(store: Store, demo_files: list[Path], small_parts: None  # noqa: F811
                                       ) -> None:
    load_paths(store, demo_files)
    total = len(store.graph().g)

    def sizes(fetch: Any) -> list[int]:
        every: list[ScanPart] = [*parts.decision_parts(fetch, store.schema),
                                 *parts.audit_parts(fetch, store.schema, "2024-03-31")]
        return [len(p.graph.g) for p in every]

    sizes_seen = store.read_with(sizes)
    assert len(sizes_seen) > 3 and max(sizes_seen) < total / 2


def test_pages_list_every_id_of_a_label_in_order(store: Store, demo_files: list[Path]) -> None:  # noqa: F811
    load_paths(store, demo_files)
    whole = store.graph()
    for label in ("Decision", "Committee", "CCG", None):
        want = sorted(n for n, d in whole.g.nodes(data=True) if label is None or d["label"] == label)
        for size in (1, 7, 500):
            got = store.read_with(lambda f, lab=label, n=size: [i for page in parts.pages(f, lab, n) for i in page])
            assert got == want, (label, size)
    assert store.read_with(lambda f: f.ids_of("NoSuchLabel", None, 10)) == []
    assert store.read_with(lambda f: f.ids_of("Decision", "\uffff", 10)) == []
