"""Neo4j at N times national scale: single questions without the projection, against the projection.

The national synthetic world (``bench_scan``'s generator: synthetic people) is written N times into an
empty database, copy ``i`` with every id prefixed ``X{i}-`` (ids named inside properties too), by
batched ``UNWIND ... CREATE`` statements straight from the rows (not through the per-file loaders).
Then, each measured in the same run:

- baseline: today's first question through :meth:`Neo4jStore.graph` (project everything, then the
  engine) in a fresh process: seconds and peak memory;
- cold first decision question: a fresh process and driver, ``store.neighbourhood("decision", id)`` and
  ``engine.conflicts(graph, decision=id)`` (what the API does), its answer checked against the
  projection's;
- 16 concurrent clients (threads sharing one store, as the API's workers do), each asking decisions in
  turn: p50 / p99 latency per question and round trips per question;
- the full scan: streamed by parts (``orggraph.stores.parts.streamed_scan``) when the build has it,
  else the projection's scan; seconds and peak memory of the process.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from typing import Any

import networkx as nx

from bench.common import measure_isolated
from orggraph import engine
from orggraph.graph import OrgGraph
from orggraph.stores.neo4j import Neo4jStore
from orggraph.stores.neo4j.cypher import BUMP_VERSION_ONLY, META_ID, chunks, create_nodes, create_rels
from orggraph.stores.neo4j.projection import changes

NAMED_BY = ("ruled_by", "deputy_for")
CLIENTS = 16
QUESTIONS_PER_CLIENT = 25


def prefixed(graph: OrgGraph, prefix: str) -> OrgGraph:
    """A copy of ``graph`` with every node id (and every id a property names) prefixed."""
    g = nx.relabel_nodes(graph.g, {n: prefix + n for n in graph.g}, copy=True)
    for _, _, data in g.edges(data=True):
        for prop in NAMED_BY:
            if isinstance(data.get(prop), str):
                data[prop] = prefix + data[prop]
    return OrgGraph(g, graph.schema)


def _run_rows(tx: Any, statement: str, rows: list[dict[str, Any]]) -> None:
    tx.run(statement, rows=rows).consume()


def bulk_load(store: Neo4jStore, world: OrgGraph, times: int, batch: int = 10_000) -> tuple[int, int]:
    """``times`` prefixed copies of ``world``: nodes, then relationships, ``batch`` rows a transaction.
    Returns (nodes, relationships) written."""
    store.ensure_schema()
    nodes = rels = 0
    with store._session() as session:
        for i in range(times):
            copy = prefixed(world, f"X{i}-") if times > 1 else world
            rows = changes(nx.MultiDiGraph(), copy)
            for label, node_rows in rows.new_nodes.items():
                for part in chunks(node_rows, batch):
                    session.execute_write(_run_rows, create_nodes(label), part)
                    nodes += len(part)
            for rtype, rel_rows in rows.new_rels.items():
                for part in chunks(rel_rows, batch):
                    session.execute_write(_run_rows, create_rels(rtype), part)
                    rels += len(part)
        session.run(BUMP_VERSION_ONLY, id=META_ID).consume()
    return nodes, rels


def _fresh(store: Neo4jStore) -> Neo4jStore:
    return Neo4jStore(store.uri, auth=store._auth, database=store.database)


def decision_ids(store: Neo4jStore, n: int, seed: int = 12) -> list[str]:
    with store._session() as session:
        ids = [r["id"] for r in session.run("MATCH (d:Decision) RETURN d.id AS id ORDER BY id")]
    return random.Random(seed).sample(ids, min(n, len(ids)))


def ask(store: Neo4jStore, decision: str) -> list[Any]:
    """One decision question as the API answers it: the neighbourhood, then the engine."""
    return engine.conflicts(store.neighbourhood("decision", decision), decision=decision)


def concurrent(store: Neo4jStore, decisions: list[str]) -> tuple[list[float], list[int]]:
    """Latencies (s) and round trips of every question of ``CLIENTS`` threads sharing ``store``."""
    latencies: list[float] = []
    trips: list[int] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        mine = decisions[k::CLIENTS][:QUESTIONS_PER_CLIENT]
        for d in mine:
            t = time.perf_counter()
            ask(store, d)
            took = time.perf_counter() - t
            with lock:
                latencies.append(took)
                trips.append(store.last_round_trips)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, trips


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def scale_rows(store: Neo4jStore, world: OrgGraph, times: int) -> list[list[Any]]:
    """Build the scaled database in ``store`` (cleared first) and measure; the table's rows."""
    rows: list[list[Any]] = []
    store.clear()
    t = time.perf_counter()
    n, r = bulk_load(store, world, times)
    secs = time.perf_counter() - t
    rows.append([f"bulk load x{times}: {n:,} nodes, {r:,} rels (UNWIND CREATE, 10k rows/tx)", secs,
                 f"{(n + r) / secs:,.0f} rows/s", ""])
    sample = decision_ids(store, CLIENTS * QUESTIONS_PER_CLIENT + 1)
    first = sample[0]

    def baseline() -> tuple[float, int]:
        fresh = _fresh(store)
        t0 = time.perf_counter()
        found = engine.conflicts(fresh.graph(), decision=first)
        return time.perf_counter() - t0, len(found)

    base = measure_isolated("projection", baseline)
    base_s, base_n = base.result
    rows.append([f"baseline: first question via graph() (project all, then engine), {base_n} conflicts",
                 base_s, "", f"peak {base.peak_mib:,.0f} MiB"])

    def cold() -> tuple[float, int, int]:
        fresh = _fresh(store)
        t0 = time.perf_counter()
        found = ask(fresh, first)
        return time.perf_counter() - t0, len(found), fresh.last_round_trips

    cold_m = measure_isolated("cold", cold)
    cold_s, cold_n, cold_trips = cold_m.result
    assert cold_n == base_n, f"neighbourhood answer {cold_n} != projection answer {base_n}"
    rows.append([(f"cold first decision question (new process + driver), {cold_n} conflicts, "
                 f"{cold_trips} round trip(s)"), cold_s, "aim < 0.200 s",
                 f"{base_s / cold_s:,.0f}x faster; peak {cold_m.peak_mib:,.0f} MiB"])
    shared = _fresh(store)
    ask(shared, first)  # the driver's pool warmed, as a running API's is
    latencies, trips = concurrent(shared, sample[1:])
    rows.append([f"{CLIENTS} concurrent clients, {len(latencies)} decision questions: p50", p(latencies, 0.5),
                 f"{len(latencies) / sum(latencies) * CLIENTS:,.0f} q/s",
                 f"round trips/question: mean {statistics.mean(trips):.2f}, max {max(trips)}"])
    rows.append([f"{CLIENTS} concurrent clients: p99 (aim < 0.050 s)", p(latencies, 0.99), "", ""])
    shared.close()
    rows.append(scan_row(store))
    return rows


def scan_row(store: Neo4jStore) -> list[Any]:
    """The full scan in a fresh process: streamed by parts when the build has them, else projected."""
    try:
        from orggraph.stores.parts import streamed_scan
    except ImportError:
        streamed_scan = None

    def run() -> int:
        fresh = _fresh(store)
        summary = streamed_scan(fresh) if streamed_scan else engine.scan(fresh.graph())
        return int(getattr(summary, "conflicts", 0) or 0)

    m = measure_isolated("scan", run)
    how = "streamed by parts (orggraph.stores.parts)" if streamed_scan else "projection + engine.scan"
    return [f"full scan, {how}", m.seconds, "aim: process < 2,048 MiB", f"peak {m.peak_mib:,.0f} MiB"]
