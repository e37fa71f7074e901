"""Neo4j as the store: loading, the full scan, and the chosen engine design against plain Cypher.

Starts a real Neo4j 5.26 Community with the same launcher the tests use (tests/neo4j_server.py;
built with Maven on first use), or uses NEO4J_URI when set (credentials from NEO4J_USER /
NEO4J_PASSWORD; that database is CLEARED). In one run it:

1. loads every real file in ../shared/data/real into an embedded store and into Neo4j (rows/s);
2. loads the national-scale synthetic graph (graph CSVs + declarations, as ``bench_scan`` builds it)
   into both (rows/s);
3. runs the full scan (``engine.scan``) from each store: Neo4j = project the graph (cold, then the
   cached snapshot) + scan; embedded = read the store file + scan; prints the ratio;
4. compares the design (project once, judge every decision in networkx) with a plain Cypher baseline:
   one variable-length MATCH per decision from its decision-makers to its parties over the
   interest relationship types, date-filtered on the decision's day. The baseline runs on an evenly
   spaced sample of decisions and is extrapolated (the table says so).

5. at N times national scale (:mod:`bench.neo4j_scale`: N prefixed copies bulk-loaded with ``UNWIND``
   batches), single questions through ``store.neighbourhood`` (cold, and 16 concurrent clients) against
   the whole-graph projection, and the full scan's peak memory.

Environment: BENCH_NEO4J_SCALE (national|demo, default national), BENCH_NEO4J_SAMPLE (decisions for
the Cypher baseline, default 200), BENCH_NEO4J_TIMES (N for step 5, default 1; the issue's figure is
10: about 700k nodes and 2.5M relationships, some minutes and a 4 GiB server heap). Or run
``python -m bench.bench_neo4j --scale 10`` (``--only-scale`` skips steps 1 to 4).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import print_table
from orggraph import engine
from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.neo4j import Neo4jStore

SCALE = os.environ.get("BENCH_NEO4J_SCALE", "national")
SAMPLE = int(os.environ.get("BENCH_NEO4J_SAMPLE", "200"))
TIMES = int(os.environ.get("BENCH_NEO4J_TIMES", "1"))
ROOT = Path(__file__).resolve().parent.parent
REAL = Path(os.environ.get("ORGGRAPH_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))

INTEREST_TYPES = sorted(SCHEMA.rel_types_of_class("provider_interest") | SCHEMA.rel_types_of_class("org_interest")
                        | SCHEMA.rel_types_of_class("personal_link"))
LIVE = "(x.valid_from IS NULL OR x.valid_from <= d.date) AND (x.valid_to IS NULL OR x.valid_to >= d.date)"
# The plain baseline: makers (live seats on the deciding committee, plus voters) to parties, any
# interest-typed path of 1..4 hops, every hop live on the decision date. Direction is ignored (a
# superset of the engine's shaped paths), as a first Cypher attempt would.
BASELINE = f"""
MATCH (d:Decision {{id: $id}})
OPTIONAL MATCH (d)-[:DECIDED_BY]->(:Committee)<-[x:SITS_ON]-(m:Person) WHERE {LIVE}
WITH d, collect(DISTINCT m) AS seated
OPTIONAL MATCH (v:Person)-[:VOTED_ON]->(d)
WITH d, seated, collect(DISTINCT v) AS voters
WITH d, seated + voters AS makers
MATCH (d)-[:AWARDED_TO|AFFECTS]->(party)
UNWIND makers AS p
MATCH path = (p)-[:{'|'.join(INTEREST_TYPES)}*1..4]-(party)
WHERE all(x IN relationships(path) WHERE {LIVE})
RETURN DISTINCT p.id AS person
"""


def load_timed(store: Any, paths: list[Path]) -> tuple[float, int, int]:
    from loaders.pipeline import load_paths

    start = time.perf_counter()
    reports = load_paths(store, paths)
    seconds = time.perf_counter() - start
    return seconds, sum(r.read for r in reports), sum(1 for r in reports if r.status != "loaded")


def national_files(folder: Path) -> list[Path]:
    """The national synthetic graph (with declarations) as graph CSVs, nodes before relationships."""
    os.environ.setdefault("BENCH_SCAN_SCALE", SCALE)
    from bench.bench_scan import world_records
    from orggraph.export import export_graph

    graph = OrgGraph()
    result = graph.apply(world_records())
    assert not result.rejected, result.rejected[:3]
    written = export_graph(graph, "csv", folder)
    return sorted(written, key=lambda p: (not p.name.startswith("nodes_"), p.name))


@contextmanager
def neo4j_store(tmp: Path, rows: list[list[Any]]) -> Iterator[Neo4jStore]:
    """NEO4J_URI's database, else a fresh server from the tests' launcher (its build and start timed)."""
    from tests.neo4j_server import BENCH_JVM_FLAGS, LauncherServer, build_launcher

    server = None
    if os.environ.get("NEO4J_URI"):
        neo = Neo4jStore.from_uri(os.environ["NEO4J_URI"])
    else:
        t = time.perf_counter()
        build_launcher()
        rows.append(["launcher build (cached after the first Maven fetch)", time.perf_counter() - t, "", ""])
        # A server sized for the scaled graph (heap and page cache through the launcher's flags).
        server = LauncherServer(tmp / "neo4j", jvm_flags=BENCH_JVM_FLAGS)
        server.start()
        rows.append(["launcher start (empty data folder)", server.start_seconds, "", ""])
        assert server.uri is not None
        neo = Neo4jStore(server.uri, auth=server.auth)
    try:
        yield neo
    finally:
        neo.close()
        if server is not None:
            server.stop()


def time_loads(embedded: EmbeddedStore, neo: Neo4jStore, tmp: Path, rows: list[list[Any]]) -> None:
    """The real files, then the synthetic graph, into each store."""
    real_files = sorted(p for p in REAL.iterdir() if p.suffix.lower() in (".csv", ".xlsx")) \
        if REAL.is_dir() else []
    for name, store in (("embedded", embedded), ("neo4j", neo)):
        if real_files:
            secs, read, bad = load_timed(store, [REAL])
            rows.append([f"load all real files -> {name} ({read} rows, {bad} files not loaded)", secs,
                         f"{read / secs:,.0f} rows/s", ""])
    files = national_files(tmp / "national")
    for name, store in (("embedded", embedded), ("neo4j", neo)):
        secs, read, bad = load_timed(store, files)
        rows.append([f"load {SCALE} synthetic -> {name} ({read} rows, {len(files)} files)", secs,
                     f"{read / secs:,.0f} rows/s", ""])


def time_full_scan(embedded: EmbeddedStore, neo: Neo4jStore, rows: list[list[Any]]
                   ) -> tuple[Neo4jStore, OrgGraph, float]:
    """The full scan from each store, as a fresh process would see it; the cold Neo4j store, its graph
    and the seconds its projection took."""
    t = time.perf_counter()
    emb_graph = EmbeddedStore(embedded.path).graph()
    emb_read = time.perf_counter() - t
    t = time.perf_counter()
    emb_scan = engine.scan(emb_graph)
    emb_scan_s = time.perf_counter() - t
    cold_store = Neo4jStore(neo.uri, auth=neo._auth, database=neo.database)
    t = time.perf_counter()
    neo_graph = cold_store.graph()
    neo_project = time.perf_counter() - t
    t = time.perf_counter()
    cold_store.graph()
    neo_cached = time.perf_counter() - t
    assert neo_graph == emb_graph, "the stores differ"
    t = time.perf_counter()
    neo_scan = engine.scan(neo_graph)
    neo_scan_s = time.perf_counter() - t
    assert neo_scan.model_dump() == emb_scan.model_dump(), "scan results differ between stores"
    n = neo_graph.g.number_of_nodes(), neo_graph.g.number_of_edges()
    rows.append([f"embedded: read store file ({n[0]} nodes, {n[1]} rels)", emb_read, "", ""])
    rows.append(["neo4j: project whole graph (cold)", neo_project, "", f"{neo_project / emb_read:.2f}x file read"])
    rows.append(["neo4j: graph() again (cached, change counter unchanged)", neo_cached, "", ""])
    emb_total, neo_total = emb_read + emb_scan_s, neo_project + neo_scan_s
    rows.append(["full scan from embedded (read + scan)", emb_total, "", "1.00x"])
    rows.append(["full scan from neo4j (project + scan)", neo_total, "", f"{neo_total / emb_total:.2f}x embedded"])
    rows.append(["full scan from neo4j, snapshot cached (scan only)", neo_scan_s, "",
                 f"{neo_scan_s / emb_total:.2f}x embedded"])
    return cold_store, neo_graph, neo_project


def time_cypher_baseline(store: Neo4jStore, graph: OrgGraph, project: float, rows: list[list[Any]]) -> None:
    """The design (project once, judge every decision in networkx) against one variable-length Cypher
    MATCH per decision, run on a sample and extrapolated."""
    decisions = sorted(nid for nid, _ in graph.nodes("Decision"))
    t = time.perf_counter()
    found = engine.conflicts(graph)
    design = project + (time.perf_counter() - t)
    step = max(1, len(decisions) // SAMPLE)
    sample = decisions[::step][:SAMPLE]
    want = {(c.person_id, c.decision_id) for c in found if c.decision_id in set(sample)}
    got: set[tuple[str, str]] = set()
    t = time.perf_counter()
    with store._session() as session:
        for did in sample:
            got |= {(r["person"], did) for r in session.run(BASELINE, id=did)}
    baseline_sample = time.perf_counter() - t
    baseline = baseline_sample * len(decisions) / max(1, len(sample))
    rows.append([f"design: project + engine.conflicts, all {len(decisions)} decisions", design, "",
                 f"{len(found)} conflicts"])
    rows.append([f"plain Cypher: 1 var-length MATCH per decision ({len(sample)} sampled, extrapolated)",
                 baseline, "", f"design is {baseline / design:.1f}x faster"])
    missing = want - got
    rows.append([f"baseline finds {len(got)} (person, decision) pairs on the sample vs engine {len(want)}",
                 baseline_sample, "", "superset" if not missing else f"{len(missing)} engine pairs missing"])


def main(times: int = TIMES, only_scale: bool = False) -> None:
    from bench.neo4j_scale import scale_rows

    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-") as tmp_name:
        tmp = Path(tmp_name)
        with neo4j_store(tmp, rows) as neo:
            neo.clear()
            if not only_scale:
                embedded = EmbeddedStore(tmp / "graph.json")
                time_loads(embedded, neo, tmp, rows)
                cold_store, neo_graph, neo_project = time_full_scan(embedded, neo, rows)
                time_cypher_baseline(cold_store, neo_graph, neo_project, rows)
                cold_store.close()
            if times >= 1:
                from bench.bench_scan import world_records

                world = OrgGraph()
                world.apply(world_records())
                rows.extend(scale_rows(neo, world, times))
    print_table(f"Neo4j store ({SCALE}; questions at x{times})", ["step", "seconds", "throughput", "ratio / note"],
                rows)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=TIMES, help="copies of the national graph for step 5")
    parser.add_argument("--only-scale", action="store_true", help="skip the loads, projection and baseline")
    args = parser.parse_args()
    main(args.scale, args.only_scale)
