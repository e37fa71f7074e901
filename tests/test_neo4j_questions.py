"""Neo4j answers a decision question in one statement (orggraph/stores/neo4j/questions.py), and writes
through the snapshot it keeps during a load (orggraph/stores/neo4j/store.py) without changing what
lands in the database.

The answers themselves are checked question by question against the whole graph in
tests/test_neighbourhood.py (on Neo4j too); here: the round trips, that the one-statement path gathers
exactly what the step-by-step walk gathers, that an uncovered step still goes to the database, and that
a load with the snapshot gives the database a load without it gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.pipeline import load_paths
from orggraph import engine
from orggraph.stores.base import Store
from orggraph.stores.neighbourhood import gather
from orggraph.stores.neo4j import Neo4jStore
from orggraph.stores.neo4j.projection import CypherFetch
from orggraph.stores.neo4j.questions import PrefetchedFetch, decision_statement
from tests.neo4j_server import Neo4jTarget

pytestmark = pytest.mark.neo4j


@pytest.fixture
def demo_store(neo4j_store: Neo4jStore, tmp_path_factory: pytest.TempPathFactory) -> Neo4jStore:
    from orggraph_demo import generate
    from tests.test_store_parity import write_world_files

    folder = tmp_path_factory.mktemp("demo-q")
    files = sorted(write_world_files(folder, generate("demo").records),
                   key=lambda p: (not p.name.startswith("nodes_"), p.name))
    load_paths(neo4j_store, files)
    return neo4j_store


def stepwise(store: Neo4jStore, decision: str, hops: int) -> object:
    """The same walk over typed reads, one round trip per step (Store.read_with)."""
    return Store.neighbourhood(store, "decision", decision, hops)


def test_a_decision_takes_one_round_trip_and_gathers_what_the_walk_gathers(demo_store: Neo4jStore) -> None:
    decisions = sorted(n for n, _ in demo_store.graph().nodes("Decision"))
    assert len(decisions) > 10
    whole = demo_store.graph()
    found = 0
    for hops in (1, 4):
        for d in decisions:
            one = demo_store.neighbourhood("decision", d, hops)
            assert demo_store.last_round_trips == 1, (d, hops)
            assert one == stepwise(demo_store, d, hops), (d, hops)
            answer = engine.conflicts(one, decision=d, max_hops=hops)
            assert answer == engine.conflicts(whole, decision=d, max_hops=hops)
            found += len(answer)
    assert found, "the demo world plants conflicts on decisions"


def test_an_uncovered_step_goes_to_the_database(demo_store: Neo4jStore) -> None:
    """Rows that cover nothing (as if the statement had missed everything) still give the walk's graph."""
    d = min(n for n, _ in demo_store.graph().nodes("Decision"))

    def walk(tx: object) -> tuple[object, int]:
        fetch = PrefetchedFetch(CypherFetch(tx, demo_store.schema), demo_store.schema)
        return gather(fetch, demo_store.schema, "decision", d, 4), fetch.round_trips

    with demo_store._session() as session:
        graph, trips = session.execute_read(walk)
    assert graph == stepwise(demo_store, d, 4)
    assert trips > 5


def test_the_statement_is_typed_and_bounded_by_max_hops() -> None:
    from orggraph.schema import SCHEMA

    two, four = decision_statement(SCHEMA, 2).text, decision_statement(SCHEMA, 4).text
    assert "*" not in two.replace("WITH *", "")  # no variable-length pattern
    assert two.count("l_org") < four.count("l_org")
    assert "{id: $id}" in two and "[r]" not in two  # every expansion names its types


def test_a_not_decision_or_missing_id_gives_the_walks_answer(demo_store: Neo4jStore) -> None:
    person = min(n for n, _ in demo_store.graph().nodes("Person"))
    for nid in (person, "NO-SUCH-ID"):
        assert demo_store.neighbourhood("decision", nid) == stepwise(demo_store, nid, 4)


def test_a_load_through_the_snapshot_writes_what_a_load_without_it_writes(neo4j_target: Neo4jTarget,
                                                                             tmp_path: Path) -> None:
    """Two files loaded in one batch (the second written over the kept snapshot, no read of what it
    touches) and the same files loaded by separate store objects (each reading what it touches): the
    same database, and the snapshot equals a fresh projection."""
    from orggraph_demo import generate
    from tests.test_store_parity import write_world_files

    files = write_world_files(tmp_path / "w", generate("demo").records)
    files = sorted(files, key=lambda p: (not p.name.startswith("nodes_"), p.name))
    results = []
    for batched in (True, False):
        store = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth)
        store.clear()
        if batched:
            load_paths(store, files)
            kept = store.graph()
        else:
            for f in files:
                one = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth)
                load_paths(one, [f])
                one.close()
        fresh = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth)
        results.append(fresh.graph())
        if batched:
            assert kept == results[-1]
        fresh.close()
        store.close()
    assert results[0] == results[1]
    assert results[0].g.number_of_edges() > 0
