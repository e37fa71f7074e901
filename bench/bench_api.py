"""API latency and throughput on the national-scale synthetic graph, 16 concurrent clients on loopback.

Three questions, each asked over HTTP of a real `orggraph serve` process and, in the same run, in-process
(the engine call on the same graph, no HTTP): a decision's conflicts, a person's conflicts, and a node's
2-hop ego network. Each HTTP scenario cycles through many different ids, so the first request for an
id is cold (computed) and later ones are served from the per-snapshot memo; both are reported.

Bounded: at most REQUESTS requests or SECONDS seconds per scenario, loopback only.
Environment: BENCH_API_SCALE (national|demo), BENCH_API_REQUESTS, BENCH_API_SECONDS.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.common import print_table

CLIENTS = 16
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "4000"))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "20"))
SCALE = os.environ.get("BENCH_API_SCALE", "national")
IDS_PER_SCENARIO = 200


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load_generator(base: str, paths: list[str]) -> dict[str, Any]:
    """CLIENTS threads, each with its own keep-alive connection, taking paths round-robin."""
    lock = threading.Lock()
    state = {"next": 0}
    latencies: list[float] = []
    cold: list[float] = []
    errors: list[str] = []
    seen: set[str] = set()
    deadline = time.monotonic() + SECONDS

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.monotonic() < deadline:
                with lock:
                    i = state["next"]
                    if i >= REQUESTS:
                        return
                    state["next"] = i + 1
                    path = paths[i % len(paths)]
                    first = path not in seen
                    seen.add(path)
                start = time.perf_counter()
                resp = client.get(path)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if first:
                        cold.append(elapsed)
                    if resp.status_code != 200:
                        errors.append(f"{resp.status_code} {path}")

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"latencies": latencies, "cold": cold, "errors": errors, "wall": wall}


def in_process(fn: Callable[[str], Any], ids: list[str]) -> list[float]:
    out = []
    for i in ids:
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


Scenario = tuple[str, Callable[[str], Any], list[str], Callable[[str], str]]  # name, in-process, ids, URL


def spread(ids: list[str]) -> list[str]:
    """At most IDS_PER_SCENARIO of ``ids``, evenly spaced."""
    return ids[:: max(1, len(ids) // IDS_PER_SCENARIO)][:IDS_PER_SCENARIO]


def scenarios(graph: Any, engine: Any, ego_network: Callable[..., Any]) -> list[Scenario]:
    """The questions to ask, each with the ids to cycle through; ``engine`` is None before it is built."""
    decisions = sorted(nid for nid, _ in graph.nodes("Decision"))
    seats = sorted({p for p, rtype, _, _ in graph.rels() if rtype == "SITS_ON"})
    committees = sorted(nid for nid, _ in graph.nodes("Committee"))
    out: list[Scenario] = []
    if engine is not None:
        out += [
            ("decision's conflicts", lambda d: engine.conflicts(graph, decision=d), spread(decisions),
             lambda d: f"/api/conflicts?decision={d}&limit=1000"),
            ("person's conflicts", lambda p: engine.conflicts(graph, person=p), spread(seats),
             lambda p: f"/api/conflicts?person={p}&limit=1000"),
        ]
    else:
        print("orggraph.engine is not built yet: only the ego network is measured", file=sys.stderr)
    out.append(("ego network (2 hops)", lambda n: ego_network(graph, n, 2, None, 500), spread(committees),
                lambda n: f"/api/nodes/{n}/ego?hops=2"))
    return out


def measure_scenario(base: str, name: str, fn: Callable[[str], Any], ids: list[str], url: Callable[[str], str]
                     ) -> list[list[Any]]:
    """In-process, then over HTTP (cold requests, then all): the table's three rows for one question."""
    local = in_process(fn, ids)
    result = load_generator(base, [url(i) for i in ids])
    lat = result["latencies"]
    if result["errors"]:
        print(f"{name}: errors, e.g. {result['errors'][:3]}", file=sys.stderr)
    return [
        [name, "in-process (engine call)", len(local), statistics.median(local) * 1000,
         percentile(local, 99) * 1000, len(local) / sum(local), "-"],
        [name, f"HTTP cold, {CLIENTS} clients", len(result["cold"]),
         statistics.median(result["cold"]) * 1000, percentile(result["cold"], 99) * 1000, "-", "-"],
        [name, f"HTTP all, {CLIENTS} clients", len(lat), statistics.median(lat) * 1000,
         percentile(lat, 99) * 1000, len(lat) / result["wall"], len(result["errors"])],
    ]


def main() -> None:
    from api.subgraph import ego_network
    from orggraph.stores.embedded import EmbeddedStore
    from orggraph_demo import generate
    from tests.browser import start_server, stop_server

    try:
        from orggraph import engine
        has_engine = hasattr(engine, "conflicts")
    except ImportError:
        has_engine = False

    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    t0 = time.perf_counter()
    world = generate(SCALE)
    store = EmbeddedStore(work / "graph.json")
    store.write(world.records)
    graph = EmbeddedStore(work / "graph.json").graph()
    print(f"{SCALE} graph: {graph.g.number_of_nodes()} nodes, {graph.g.number_of_edges()} relationships "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    questions = scenarios(graph, engine if has_engine else None, ego_network)

    server = start_server(work / "graph.json", log_dir=work)
    rows = []
    try:
        with httpx.Client(base_url=server.url, timeout=120) as warm:
            warm.get("/api/stats")  # the server reads the store once, as it would in service
            if has_engine:  # and builds the engine's index once (with an id that is not measured)
                measured = set(questions[0][2])
                # A small graph (demo scale) may have no decision left over: then the first is cold.
                spare = next((d for d in sorted(nid for nid, _ in graph.nodes("Decision")) if d not in measured),
                             None)
                if spare is not None:
                    warm.get("/api/conflicts", params={"decision": spare})
        for name, fn, ids, url in questions:
            rows += measure_scenario(server.url, name, fn, ids, url)
    finally:
        stop_server(server)
    print_table(f"API on the {SCALE} synthetic graph (ms; throughput in requests/s)",
                ["question", "how", "requests", "p50 ms", "p99 ms", "req/s", "errors"], rows)
    print("Aim: p99 under 50 ms for a decision's conflicts with 16 concurrent clients (HTTP all).")


if __name__ == "__main__":
    main()
