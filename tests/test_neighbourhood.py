"""Neighbourhood queries (issue 12 item 1): one question answered on the subgraph a store gathers for it
gives exactly the answer it gives on the whole graph.

For every decision (conflicts, quorum, makers, parties), person (conflicts, interest paths on several
days), committee (composition on several days), meeting (the chair's brief and the names it prints),
commissioner (the register audit on several days) and pairs of nodes (the paths report, interest paths
alone and with shortest paths of any kind),
at max_hops 1 to 4, on: the hypothesis worlds of tests/test_engine_properties.py and of the parity suite
(random labels and edges, loaded from graph CSVs), the meetings engine's world (deputies, declarations
logs, rulings, co-opting) and the demo world with its registers and minutes; each on the JSON store, on
SQLite, and (marked ``neo4j``) on Neo4j. Then what a neighbourhood holds: no more than it needs (it
leaves out a stranger's interests, structure edges and other committees' decisions).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from loaders.pipeline import load_paths
from orggraph import engine
from orggraph.errors import OrgGraphError
from orggraph.findings import brief_names, paths_report
from orggraph.graph import OrgGraph
from orggraph.models import Record
from orggraph.schema import SCHEMA
from orggraph.stores.base import Store
from orggraph.stores.filters import conflicts_neighbourhood, conflicts_walk
from orggraph.stores.neighbourhood import GraphFetch, graph_question, paths_neighbourhood, paths_walk
from tests.helpers import write_world
from tests.test_engine_properties import build, worlds
from tests.test_store_parity import random_world, write_world_files

DAYS = ("2019-06-01", "2019-09-05", "2020-01-01")
ICB_DAY = "2023-06-30"  # the audit also on a day of the ICB era (sub-ICB locations IN_ICB commission)
PATH_PAIRS = 25  # at most this many (from, to) pairs per world: all of a small world's, a spread of a big one's


class Ask:
    """A question's neighbourhood (``ask(question, id, max_hops)``) and the paths' (``ask.paths``)."""

    def __init__(self, one: Callable[[str, str, int], OrgGraph], paths: Callable[[str, str, int, bool], OrgGraph],
                 filters: Callable[[dict[str, str], int], OrgGraph | None]) -> None:
        self.one, self.paths, self.filters = one, paths, filters

    def __call__(self, question: str, nid: str, max_hops: int) -> OrgGraph:
        return self.one(question, nid, max_hops)


def dump(x: Any) -> Any:
    if isinstance(x, list):
        return [dump(i) for i in x]
    return x.model_dump(mode="json") if hasattr(x, "model_dump") else x


def outcome(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """The answer, or the error's type and words (an unknown id must fail the same way on both)."""
    try:
        return dump(fn(*args, **kw))
    except OrgGraphError as exc:
        return (type(exc).__name__, str(exc))


def answers(graph: OrgGraph, ask: Ask, hops: tuple[int, ...] = (1, 2, 4), days: tuple[str, ...] = DAYS
            ) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    """(what was asked, the answer on the whole graph, the answer on its neighbourhood) for every single
    question about every node of ``graph`` (and an id that is in no graph)."""
    def ids(label: str) -> list[str]:
        return sorted(n for n, _ in graph.nodes(label)) + ["NO-SUCH-ID"]

    def both(what: tuple[Any, ...], sub: OrgGraph, fn: Callable[..., Any], *args: Any, **kw: Any
             ) -> tuple[tuple[Any, ...], Any, Any]:
        return what, outcome(fn, graph, *args, **kw), outcome(fn, sub, *args, **kw)

    for h in hops:
        for d in ids("Decision"):
            sub = ask("decision", d, h)
            yield both(("conflicts", d, h), sub, engine.conflicts, decision=d, max_hops=h)
            yield both(("quorum", d, h), sub, engine.quorum, d, h)
        for p in ids("Person"):
            sub = ask("person", p, h)
            yield both(("person", p, h), sub, engine.conflicts, person=p, max_hops=h)
            for on in days:
                yield both(("paths", p, h, on), sub, engine.interest_paths, p, as_of=on, max_hops=h)
        for m in ids("Meeting"):
            yield both(("brief", m, h), ask("meeting", m, h), brief, m, h)
    commissioners = sorted(n for n, data in graph.g.nodes(data=True) if data["label"] in SCHEMA.commissioner_labels)
    for h in hops:
        for k in [*commissioners, *ids("Person")[:1]]:  # a person: the same error on both
            sub = ask("commissioner", k, h)
            for on in (*days, ICB_DAY):
                yield both(("audit", k, h, on), sub, engine.register_audit, k, on, max_hops=h)
    yield from path_answers(graph, ask, days, both)
    yield from filter_answers(graph, ask, hops, days, both)
    for d in ids("Decision"):
        sub = ask("decision", d, 4)
        yield both(("makers", d), sub, engine.decision_makers, d)
        yield both(("parties", d), sub, engine.decision_parties, d)
    for c in ids("Committee"):
        sub = ask("committee", c, 4)
        for on in days:
            yield both(("composition", c, on), sub, engine.composition, c, on)


def path_pairs(graph: OrgGraph) -> list[tuple[str, str]]:
    """(from, to) pairs: every pair of a small world (people first), an even spread of a big one's."""
    nodes = sorted(graph.g.nodes, key=lambda n: (graph.label(n) != "Person", n))
    pairs = [(a, b) for a in nodes for b in nodes] + [(nodes[0], "NO-SUCH-ID")] if nodes else []
    step = max(1, -(-len(pairs) // PATH_PAIRS))
    return pairs[::step]


def path_answers(graph: OrgGraph, ask: Ask, days: tuple[str, ...],
                 both: Callable[..., tuple[tuple[Any, ...], Any, Any]]) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    for a, b in path_pairs(graph):
        for h in (1, 3, 4):  # 1 and 3: an odd limit, where a ball's radius must round up
            for any_kind in (False, True):
                sub = ask.paths(a, b, h, any_kind)
                for on in days[:2]:
                    yield both(("paths-report", a, b, h, any_kind, on), sub, report, a, b, on, h, any_kind)


def filter_sets(graph: OrgGraph, days: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Combined filters of ``conflicts``: each committee and commissioner (within dates or not), with a
    person, decision or meeting; ids of the wrong kind and of nothing."""
    def ids(*labels: str) -> list[str]:
        return sorted(n for n, data in graph.g.nodes(data=True) if data["label"] in labels)

    commissioners = ids(*SCHEMA.commissioner_labels)
    people, decisions, meetings = ids("Person"), ids("Decision"), ids("Meeting")
    for c in [*ids("Committee"), "NO-SUCH-ID", *people[:1]]:
        yield {"committee": c}
        yield {"committee": c, "date_from": days[1]}
        yield {"committee": c, "date_to": days[1], **({"person": people[-1]} if people else {})}
    for k in [*commissioners, "NO-SUCH-ID", *ids("Committee")[:1]]:
        yield {"commissioner": k}
        yield {"commissioner": k, "date_from": days[0], "date_to": days[-1]}
        for d in decisions[:3]:
            yield {"commissioner": k, "decision": d}
    for m in meetings[:3]:
        for p in people[:3]:
            yield {"meeting": m, "person": p}


def filter_answers(graph: OrgGraph, ask: Ask, hops: tuple[int, ...], days: tuple[str, ...],
                   both: Callable[..., tuple[tuple[Any, ...], Any, Any]]) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    for kw in filter_sets(graph, days):
        for h in hops:
            sub = ask.filters(kw, h)
            assert sub is not None, kw
            yield both(("filters", tuple(sorted(kw.items())), h), sub, engine.conflicts, max_hops=h, **kw)


def report(graph: OrgGraph, a: str, b: str, on: str, h: int, any_kind: bool) -> Any:
    if a not in graph or b not in graph:  # the faces check both ids first; the engine then requires them
        return "missing"
    return paths_report(graph, a, b, on, h, any_kind).model().model_dump(mode="json")


def brief(graph: OrgGraph, meeting: str, max_hops: int) -> Any:
    result = engine.meeting_brief(graph, meeting, max_hops=max_hops)
    return dump(result), brief_names(graph, result)


def assert_same_answers(graph: OrgGraph, ask: Ask, **kw: Any) -> int:
    """Every single question's answer on its neighbourhood equals the whole graph's; how many compared."""
    n = 0
    for what, whole, sub in answers(graph, ask, **kw):
        assert sub == whole, what
        n += 1
    return n


def store_asker(store: Store) -> Ask:
    return Ask(lambda question, nid, h: store.neighbourhood(question, nid, max_hops=h),  # type: ignore[arg-type]
               lambda a, b, h, any_kind: paths_neighbourhood(store, a, b, h, any_kind),
               lambda kw, h: conflicts_neighbourhood(store, max_hops=h, **kw))


def memory_asker(graph: OrgGraph) -> Ask:
    return Ask(lambda question, nid, h: graph_question(graph, question, nid, h),  # type: ignore[arg-type]
               lambda a, b, h, any_kind: paths_walk(a, b, h, any_kind, graph.schema)(GraphFetch(graph)),
               lambda kw, h: in_memory(conflicts_walk(max_hops=h, schema=graph.schema, **kw), graph))


def in_memory(walk: Callable[[GraphFetch], OrgGraph] | None, graph: OrgGraph) -> OrgGraph | None:
    return walk(GraphFetch(graph)) if walk is not None else None


@pytest.fixture
def store(each_store: Store) -> Store:
    return each_store


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# ---- the engine's property worlds --------------------------------------------------------------------
@SETTINGS
@given(worlds())
def test_subgraph_answers_equal_whole_graph_answers_on_property_worlds(world: dict[str, list[Record]]) -> None:
    g = build(world["links"], world["decision"], world["declarations"])
    assert assert_same_answers(g, memory_asker(g)) > 0


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(worlds())
def test_each_store_gathers_the_same_neighbourhood_answers(store: Store, world: dict[str, list[Record]]) -> None:
    store.clear()
    records = [r for part in (world["links"], world["decision"], world["declarations"]) for r in part]
    g = build(records)
    store.write([*g.records()])
    assert assert_same_answers(store.graph(), store_asker(store), hops=(1, 4)) > 0


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(world=random_world())
def test_subgraph_answers_on_random_labelled_worlds(store: Store, tmp_path: Path,
                                                    world: tuple[list[list[str]], list[list[str]]]) -> None:
    """The parity suite's worlds: any label, any edge the schema allows (meetings, declarations,
    committees of several commissioners), loaded from graph CSVs."""
    store.clear()
    # A fresh folder per example: hypothesis may draw the same world twice in one run (the flaky
    # FileExistsError of a folder named by the world's hash), and tmp_path is shared by all examples.
    folder = Path(tempfile.mkdtemp(prefix="world-", dir=tmp_path))
    load_paths(store, write_world(folder, world))
    assert assert_same_answers(store.graph(), store_asker(store), hops=(1, 4)) > 0


# ---- the meetings engine's world and the demo world ------------------------------------------------
def test_subgraph_answers_on_the_meetings_world(store: Store, tmp_path: Path) -> None:
    """Deputies, a declarations log, rulings, a role-based quorum rule and co-opting."""
    from tests.test_meetings_engine import attended, declared_at, deputy, director, two_meetings
    from tests.test_store_parity import _records_of

    g = two_meetings(deputy("EX2"), attended("DEP"), director("CHAIR"), declared_at("CHAIR", "DEC1", "left_room"))
    load_paths(store, write_world_files(tmp_path / "meeting", [*_records_of(g)]))
    whole = store.graph()
    briefs = [b for what, b, _ in answers(whole, store_asker(store), hops=(4,)) if what[0] == "brief"]
    assert any(b[0]["conflicts"] for b in briefs if isinstance(b, tuple)), "the world plants conflicts"
    assert assert_same_answers(whole, store_asker(store)) > 0


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from loaders.register import write_register_xlsx
    from orggraph_cli.demo_files import write_log
    from orggraph_demo import generate

    folder = tmp_path_factory.mktemp("demo")
    world = generate("demo")
    files = sorted(write_world_files(folder, world.records), key=lambda p: (not p.name.startswith("nodes_"), p.name))
    files += [write_register_xlsx(folder / reg.filename, reg.entries, title=reg.title) for reg in world.registers]
    return files + [write_log(log, folder / log.filename) for log in world.logs]


def test_subgraph_answers_on_the_demo_world(store: Store, demo_files: list[Path]) -> None:
    load_paths(store, demo_files)
    whole = store.graph()
    conflicts = engine.conflicts(whole)
    assert conflicts, "the demo world plants conflicts; finding none means nothing was compared"
    n = assert_same_answers(whole, store_asker(store), hops=(2, 4), days=("2019-06-30", "2021-03-31"))
    assert n > 1000


# ---- what a neighbourhood holds ------------------------------------------------------------------------
def test_a_decisions_neighbourhood_leaves_out_what_it_cannot_use(store: Store, tmp_path: Path) -> None:
    from tests.test_meetings_engine import attended, deputy, director, two_meetings
    from tests.test_store_parity import _records_of

    g = two_meetings(deputy("EX2"), attended("DEP"), director("CHAIR"))
    load_paths(store, write_world_files(tmp_path / "meeting", [*_records_of(g)]))
    whole = store.graph()
    decision = min(n for n, _ in whole.nodes("Decision"))
    sub = store.neighbourhood("decision", decision, max_hops=1)
    assert set(sub.g.nodes) < set(whole.g.nodes)
    types = {d["type"] for _, _, d in sub.g.edges(data=True)}
    assert not types & {"COMMISSIONED_BY", "IN_STP", "IN_REGION", "IN_ICB", "SUCCEEDED_BY"}
    other = {n for n, _ in whole.nodes("Decision")} - {decision}
    assert other and not other & set(sub.g.nodes)  # nor other decisions, at the same meeting or not
    for u, v, k, data in sub.g.edges(keys=True, data=True):
        assert whole.g.edges[u, v, k] == data  # every edge exactly as stored
