"""Full national scan: every decision judged on its day plus a register audit of every commissioner,
against a naive networkx baseline measured in the same run.

The graph is the demo generator at national scale (``orggraph_demo.generate("national")``: about
7,000 practices, 45,000 people, 200 CCGs with a PCCC and a governing body, 1,000 federations, 50
vanguards, 10,000 decisions). The generator's register entries are added as Declaration records (what
the register loader makes of them) so that declaration matching is part of the work.

Naive baseline, as the issue defines it: ``networkx.all_simple_edge_paths`` from every decision-maker
to every party with ``cutoff=max_hops`` over the whole graph (plus each FAMILY_OF edge reversed, since
the link is symmetric), each path filtered afterwards by the rules; the same for the register audit
(every committee member to every organisation in the remit). It is far too slow to run on everything,
so it runs on an evenly spaced sample of decisions and of commissioners and the totals are
extrapolated (the table says so). The sample's conflicts are checked against the optimised engine's.

On the SQLite store (issue 12): the same graph written to an SQLite store file, then in a fresh process
each (imports not counted): the whole graph read (``store.graph()``) and scanned, against the scan
streamed a part at a time (``orggraph.stores.parts.streamed_scan``); wall time and the process's peak
resident memory, and whether the two summaries are equal. The aim: the streamed scan within 1.5x of the
warm in-memory scan measured in the same run.

Environment: BENCH_SCAN_SCALE (national|demo), BENCH_SCAN_SAMPLE (decisions, default 60),
BENCH_SCAN_AUDIT_SAMPLE (commissioners, default 2), BENCH_SCAN_SEED.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import networkx as nx

from bench.common import Measurement, measure_isolated, print_table
from orggraph import engine
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel
from orggraph.schema import SCHEMA
from orggraph.temporal import is_live

# One scan of an SQLite store in a fresh process: (seconds, peak RSS MiB, the summary as JSON).
SQLITE_SCAN = """
import json, sys, time
from orggraph import engine
from orggraph.stores import open_store
from orggraph.stores.parts import streamed_scan
with open_store(sys.argv[1]) as store:
    start = time.perf_counter()
    summary = streamed_scan(store) if sys.argv[2] == "streamed" else engine.scan(store.graph())
    seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would carry over the forking parent's across exec).
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
print(json.dumps([seconds, peak, summary.model_dump(mode="json")]))
"""

SCALE = os.environ.get("BENCH_SCAN_SCALE", "national")
SAMPLE = int(os.environ.get("BENCH_SCAN_SAMPLE", "60"))
AUDIT_SAMPLE = int(os.environ.get("BENCH_SCAN_AUDIT_SAMPLE", "2"))
SEED = int(os.environ.get("BENCH_SCAN_SEED", "42"))
MAX_HOPS = 4
NAIVE_AUDIT_ON = "2019-12-31"  # a CCG-era day of the synthetic economy (see main)


def world_records() -> list[Record]:
    from orggraph_demo import generate

    world = generate(SCALE, SEED)
    records: list[Record] = list(world.records)
    for i, d in enumerate(world.declarations):
        if d.org is None:
            continue
        dates = {"valid_from": d.date_from, "valid_to": d.date_to}
        did = f"BENCH-DECL-{i:06d}"
        records += [node(did, "Declaration", dates), rel(d.person, "DECLARED", did, dates),
                    rel(did, "CONCERNS", d.org, dates)]
    return records


# ---- the naive baseline --------------------------------------------------------------------------------
class Naive:
    def __init__(self, graph: OrgGraph):
        self.graph = graph
        g = graph.g
        # The symmetric link walked both ways: a copy of the graph with each FAMILY_OF edge reversed too.
        self.h = nx.MultiDiGraph(g)
        for u, v, k, data in list(g.edges(keys=True, data=True)):
            if data["type"] == "FAMILY_OF":
                self.h.add_edge(v, u, key=("rev", k), **data)

    def shaped(self, edge_path: list[tuple[str, str, Any]], on: str) -> bool:
        g, h = self.graph.g, self.h
        classes: list[str | None] = []
        for u, v, k in edge_path:
            data = h.edges[u, v, k]
            if not is_live(data, on):
                return False
            if isinstance(k, tuple):  # a reversed FAMILY_OF
                classes.append("personal_link")
                continue
            variant = SCHEMA.classify(data["type"], g.nodes[u]["label"], g.nodes[v]["label"])
            classes.append(variant.rel_class if variant else None)
        i = 1 if classes and classes[0] == "personal_link" else 0
        return (len(classes) > i and classes[i] == "provider_interest"
                and all(c == "org_interest" for c in classes[i + 1:]))

    def paths(self, person: str, org: str, on: str) -> list[list[tuple[str, str, Any]]]:
        return [p for p in nx.all_simple_edge_paths(self.h, person, org, cutoff=MAX_HOPS) if self.shaped(p, on)]

    def decision(self, d: str) -> set[tuple[str, str]]:
        g = self.graph
        on = g.g.nodes[d]["date"]
        committees = [c for c, _, _ in g.out_rels(d, ["DECIDED_BY"])]
        makers = {p for c in committees for p, _, props in g.in_rels(c, ["SITS_ON"]) if is_live(props, on)}
        makers |= {p for p, _, _ in g.in_rels(d, ["VOTED_ON"])}
        parties = {o for o, _, _ in g.out_rels(d, ["AWARDED_TO", "AFFECTS"])}
        return {(p, d) for p in makers for o in parties if self.paths(p, o, on)}

    def audit(self, k: str, on: str) -> int:
        g = self.graph
        committees = [c for c, _, props in g.in_rels(k, ["COMMITTEE_OF"]) if is_live(props, on)]
        members = {p for c in committees for p, _, props in g.in_rels(c, ["SITS_ON"]) if is_live(props, on)}
        remit = {o for o, _, props in g.in_rels(k, ["COMMISSIONED_BY"]) if is_live(props, on)}
        for c, _, _ in g.in_rels(k, ["COMMITTEE_OF"]):
            for d, _, _ in g.in_rels(c, ["DECIDED_BY"]):
                remit |= {o for o, _, _ in g.out_rels(d, ["AWARDED_TO", "AFFECTS"])}
        return sum(1 for p in members for o in remit if self.paths(p, o, on))


def every(items: list[str], n: int) -> list[str]:
    if n >= len(items):
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


@dataclass
class Optimised:
    """The engine's steps, each measured in a process forked from a parent that never ran the engine."""

    built: Measurement
    cold: Measurement
    warm: Measurement
    models: Measurement


@dataclass
class NaiveRun:
    """The naive baseline on samples, and whether it agrees with the engine there."""

    decisions: Measurement
    audit: Measurement
    copy: Measurement
    sample: list[str]
    audit_sample: list[str]
    agree: bool
    audit_rows: int
    audit_agree: bool


def time_optimised(graph: OrgGraph, built: Measurement) -> Optimised:
    # Each step forks from a parent that has never called the engine, so the index is built inside it.
    cold = measure_isolated("full scan, optimised (cold: builds the index)",
                            lambda: engine.scan(graph, max_hops=MAX_HOPS).model_dump())

    def warm_scan() -> Any:
        engine.scan(graph, max_hops=MAX_HOPS)
        t = time.perf_counter()
        engine.scan(graph, max_hops=MAX_HOPS)
        return time.perf_counter() - t

    warm = measure_isolated("full scan, optimised (warm index)", warm_scan)
    models = measure_isolated("every conflict as a Conflict model with explanation (cold)",
                              lambda: len(engine.conflicts(graph, max_hops=MAX_HOPS)))
    return Optimised(built, cold, warm, models)


def time_naive(graph: OrgGraph, decisions: list[str], commissioners: list[str], audit_on: str) -> NaiveRun:
    sample = every(decisions, SAMPLE)

    def naive_decisions() -> set[tuple[str, str]]:
        naive = Naive(graph)
        out: set[tuple[str, str]] = set()
        for d in sample:
            out |= naive.decision(d)
        return out

    naive_dec = measure_isolated(f"naive: {len(sample)} of {len(decisions)} decisions", naive_decisions)
    audit_sample = every(commissioners, AUDIT_SAMPLE)
    naive_aud = measure_isolated(f"naive: audit of {len(audit_sample)} of {len(commissioners)} commissioners",
                                 lambda: sum(Naive(graph).audit(k, audit_on) for k in audit_sample))

    # Correctness of the comparison: the same (person, decision) conflicts on the sample, and audit rows.
    optimised = {(c.person_id, c.decision_id) for d in sample for c in engine.conflicts(graph, decision=d)}
    audit_rows = sum(len(engine.register_audit(graph, k, audit_on)) for k in audit_sample)

    # The naive copy of the graph is made once per run: time it apart so extrapolation does not repeat it.
    copy = measure_isolated("naive: copy graph + reversed FAMILY_OF", lambda: Naive(graph).h.number_of_edges())
    return NaiveRun(naive_dec, naive_aud, copy, sample, audit_sample, optimised == naive_dec.result,
                    audit_rows, audit_rows == naive_aud.result)


def table_rows(opt: Optimised, naive: NaiveRun, decisions: int, commissioners: int) -> list[list[Any]]:
    """The table, with the naive full scan extrapolated from its samples."""
    copy, naive_dec, naive_aud = naive.copy, naive.decisions, naive.audit
    per_decision = (naive_dec.seconds - copy.seconds) / max(1, len(naive.sample))
    per_commissioner = (naive_aud.seconds - copy.seconds) / max(1, len(naive.audit_sample))
    naive_total = copy.seconds + per_decision * decisions + per_commissioner * commissioners
    ratio_cold = naive_total / opt.cold.seconds
    ratio_warm = naive_total / opt.warm.result
    return [
        ["build the graph (OrgGraph.apply of every record)", opt.built.seconds, opt.built.peak_mib, "measured"],
        [opt.cold.name, opt.cold.seconds, opt.cold.peak_mib, "measured"],
        [opt.warm.name, opt.warm.result, opt.warm.peak_mib, "measured"],
        [opt.models.name, opt.models.seconds, opt.models.peak_mib, f"measured, {opt.models.result} conflicts"],
        [copy.name, copy.seconds, copy.peak_mib, "measured"],
        [naive_dec.name, naive_dec.seconds, naive_dec.peak_mib,
         f"measured; same conflicts as optimised: {naive.agree}"],
        [naive_aud.name, naive_aud.seconds, naive_aud.peak_mib,
         f"measured; same audit rows ({naive.audit_rows}): {naive.audit_agree}"],
        ["naive: full scan (all decisions + every commissioner)", naive_total, naive_dec.peak_mib,
         (f"EXTRAPOLATED from the samples ({per_decision * 1000:.1f} ms/decision, "
         f"{per_commissioner:.2f} s/commissioner)")],
        ["speed-up, naive / optimised cold", ratio_cold, "", "×"],
        ["speed-up, naive / optimised warm", ratio_warm, "", "×"],
    ]


def sqlite_rows(graph: OrgGraph, warm_seconds: float) -> list[list[Any]]:
    """The whole-graph and the streamed scan of an SQLite store holding ``graph``, each in a fresh process."""
    from orggraph.stores import open_store

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "graph.sqlite")
        with open_store(path) as store, store.batch():
            store.write(list(graph.records()))
        runs = {}
        for mode in ("whole", "streamed"):
            done = subprocess.run([sys.executable, "-c", SQLITE_SCAN, path, mode], check=True, capture_output=True,
                                  text=True)
            runs[mode] = json.loads(done.stdout)
    (whole_s, whole_mib, whole), (streamed_s, streamed_mib, streamed) = runs["whole"], runs["streamed"]
    return [
        ["SQLite: whole graph read + scan (fresh process)", whole_s, whole_mib, "measured: store.graph(), engine.scan"],
        ["SQLite: streamed scan (fresh process)", streamed_s, streamed_mib,
         f"measured: parts.streamed_scan; same summary as whole graph: {streamed == whole}"],
        ["streamed SQLite scan / warm in-memory scan", streamed_s / warm_seconds, "", "× (aim: at most 1.5)"],
    ]


def main() -> None:
    start = time.perf_counter()
    records = world_records()
    print(f"generated {SCALE} world (seed {SEED}): {len(records)} records in {time.perf_counter() - start:.1f} s")

    built = measure_isolated("build the graph", lambda: OrgGraph().apply(records).written)
    graph = OrgGraph()
    graph.apply(records)
    stats = graph.stats()["nodes"]
    print("graph:", ", ".join(f"{k} {v}" for k, v in stats.items()),
          f"| {graph.g.number_of_edges()} relationships")
    decisions = sorted(d for d, _ in graph.nodes("Decision"))
    commissioners = sorted(n for n, data in graph.nodes() if data["label"] in SCHEMA.commissioner_labels)

    opt = time_optimised(graph, built)
    summary = opt.cold.result
    audit_on = summary["audit_as_of"]
    # The naive audit knows only the CCG-era remit (what a commissioner itself commissions), so it is
    # timed and checked on a CCG-era day, when the sampled CCGs' committees sit; by the scan's own
    # audit date (the ICB era) their seats have ended and both sides would agree on nothing.
    ccgs = [k for k in commissioners if graph.label(k) == "CCG"]
    naive = time_naive(graph, decisions, ccgs, NAIVE_AUDIT_ON)

    rows = table_rows(opt, naive, len(decisions), len(commissioners)) + sqlite_rows(graph, opt.warm.result)
    print_table(f"bench scan: {SCALE} graph, max_hops {MAX_HOPS}, {len(decisions)} decisions, "
                f"{len(commissioners)} commissioners (audit as of {audit_on})",
                ["step", "seconds", "peak RSS MiB", "note"], rows)
    print(f"scan found {summary['conflicts']} conflicts ({summary['breaches']} breaches) in "
          f"{summary['decisions_with_conflicts']} decisions, {len(summary['inquorate'])} inquorate decisions, "
          f"{len(summary['composition_failures'])} PCCC composition failures, {summary['audit_findings']} audit "
          f"findings ({summary['audit_undeclared']} undeclared); by declaration {summary['by_declaration']}")
    if not (naive.agree and naive.audit_agree):
        raise SystemExit("the naive baseline and the optimised engine disagree on the sample")
