"""Single questions on the national-scale synthetic store: the neighbourhood path against today's
read-everything path, both measured in the same run, on the JSON store and on SQLite.

The store holds the graph ``bench_scan`` builds (``orggraph_demo.generate("national")`` plus its
register entries as Declaration records). For each question (``stats``, ``show`` of a practice,
``conflicts --decision``, ``quorum``, ``brief --meeting``, ``composition``, ``audit`` of the decision's
commissioner, ``paths`` from a conflicted member to a party, with ``--any``, and ``conflicts --committee``):

* CLI: wall time (process start included, best of ``BENCH_QUERY_REPEAT``) and peak resident memory of
  the ``orggraph`` process; baseline: a Python process that does what the CLI did before (opens the
  store, reads the whole graph, asks the engine) and prints the answer;
* in-process: a fresh process opens the store and asks once (cold: gather + index + answer), then
  again (warm, best of 5); baseline: the whole graph read, then the same question on it.

The packages are byte-compiled first (``compileall``), as an installed package is: with
PYTHONDONTWRITEBYTECODE set, every process would otherwise compile orggraph from source.

Environment: BENCH_QUERY_SCALE (national|demo, default national), BENCH_QUERY_REPEAT (default 3),
BENCH_QUERY_STORES (comma-separated among JSON,SQLite; default both).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import measure_isolated, print_table

SCALE = os.environ.get("BENCH_QUERY_SCALE", "national")
STORES = os.environ.get("BENCH_QUERY_STORES", "JSON,SQLite").split(",")
REPEAT = int(os.environ.get("BENCH_QUERY_REPEAT", "3"))
ORGGRAPH = Path(sys.executable).parent / "orggraph"
PACKAGES = ("orggraph", "orggraph_cli", "loaders", "viz", "api", "orggraph_demo")

# The read-everything path, as the CLI took it before neighbourhoods: the whole graph, then the engine.
BASELINE = """
import sys, orjson
from orggraph import engine
from orggraph.stores import open_store
store, kind, a, b = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
with open_store(store) as s:
    g = s.graph()
    if kind == "stats": out = g.stats()
    elif kind == "show":
        from orggraph.query import node_detail
        out = node_detail(g, a)
    elif kind == "conflicts": out = engine.conflicts(g, decision=a)
    elif kind == "quorum": out = engine.quorum(g, a)
    elif kind == "brief": out = engine.meeting_brief(g, a)
    elif kind == "audit": out = engine.register_audit(g, a, b)
    elif kind == "paths":
        from orggraph.findings import paths_report
        out = paths_report(g, a, b, "2020-01-01", 4, True)
    elif kind == "committee": out = engine.conflicts(g, committee=a)
    else: out = engine.composition(g, a, b)
    sys.stdout.write(str(out)[:80])
"""


def build(folder: Path) -> dict[str, Path]:
    """The national graph written into a JSON store and an SQLite store."""
    os.environ.setdefault("BENCH_SCAN_SCALE", SCALE)
    from bench.bench_scan import world_records
    from orggraph.graph import OrgGraph
    from orggraph.stores import open_store

    graph = OrgGraph()
    result = graph.apply(world_records())
    assert not result.rejected, result.rejected[:3]
    records = list(graph.records())
    stores = {k: v for k, v in {"JSON": folder / "graph.json", "SQLite": folder / "graph.sqlite"}.items()
              if k in STORES}
    for path in stores.values():
        with open_store(path) as store, store.batch():
            store.write(records)
    return stores


def pick(path: Path) -> dict[str, str]:
    """Ids to ask about: the decision with most makers' conflicts among the first hundred, its meeting
    and committee, a practice."""
    from orggraph import engine
    from orggraph.stores import open_store

    with open_store(path) as store:
        g = store.graph()
        decisions = sorted(n for n, _ in g.nodes("Decision"))[:100]
        decision = max(decisions, key=lambda d: (len(engine.conflicts(g, decision=d)), d))
        meeting = next(m for m, _, _ in g.out_rels(decision, ["AT_MEETING"]))
        committee = next(c for c, _, _ in g.out_rels(decision, ["DECIDED_BY"]))
        practice = min(n for n, _ in g.nodes("Practice"))
        commissioner = next(k for k, _, _ in g.out_rels(committee, ["COMMITTEE_OF"]))
        found = engine.conflicts(g, decision=decision)
        person, party = (found[0].person_id, found[0].paths[0].org_id) if found else (practice, practice)
        return {"decision": decision, "meeting": meeting, "committee": committee, "practice": practice,
                "date": str(g.g.nodes[decision]["date"]), "commissioner": commissioner, "person": person,
                "party": party}


def questions(ids: dict[str, str]) -> list[tuple[str, list[str], list[str]]]:
    """(name, CLI arguments, baseline arguments)."""
    d, m, c, p, on = ids["decision"], ids["meeting"], ids["committee"], ids["practice"], ids["date"]
    k, pe, pa = ids["commissioner"], ids["person"], ids["party"]
    return [("stats", ["stats"], ["stats", "", ""]), (f"show {p}", ["show", p], ["show", p, ""]),
            ("conflicts --decision", ["conflicts", "--decision", d], ["conflicts", d, ""]),
            ("quorum --decision", ["quorum", "--decision", d], ["quorum", d, ""]),
            ("brief --meeting", ["brief", "--meeting", m], ["brief", m, ""]),
            ("composition", ["composition", "--committee", c, "--as-of", on], ["composition", c, on]),
            ("audit", ["audit", "--commissioner", k, "--as-of", on], ["audit", k, on]),
            ("paths --any", ["paths", pe, pa, "--as-of", "2020-01-01", "--any"], ["paths", pe, pa]),
            ("conflicts --committee", ["conflicts", "--committee", c], ["committee", c, ""])]


def run_peak(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process (measured from a forked child, so the peak is
    that process's alone)."""
    def child() -> tuple[float, float]:
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        wall = time.perf_counter() - start
        return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    runs = [measure_isolated("cli", child).result for _ in range(REPEAT)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU seconds of one process (best of ``REPEAT``): what the wall time would be on an
    idle machine, less waiting for the disk."""
    def child() -> float:
        subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    return min(measure_isolated("cpu", child).result for _ in range(REPEAT))


def in_process(path: Path, ids: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    """Per question: (neighbourhood cold, neighbourhood warm best of 5, whole graph read + question) in
    seconds, each in a fresh process."""
    from orggraph import engine

    asks: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
        "conflicts --decision": ("decision", ids["decision"], lambda g: engine.conflicts(g, decision=ids["decision"])),
        "quorum --decision": ("decision", ids["decision"], lambda g: engine.quorum(g, ids["decision"])),
        "brief --meeting": ("meeting", ids["meeting"], lambda g: engine.meeting_brief(g, ids["meeting"])),
        "composition": ("committee", ids["committee"], lambda g: engine.composition(g, ids["committee"], ids["date"])),
    }
    out = {}
    for name, (question, nid, ask) in asks.items():
        def sub(q: str = question, n: str = nid, a: Callable[[Any], Any] = ask) -> tuple[float, float, str]:
            from orggraph.stores import open_store

            with open_store(path) as store:
                times = []
                for _ in range(6):
                    start = time.perf_counter()
                    answer = a(store.neighbourhood(q, n))  # type: ignore[arg-type]
                    times.append(time.perf_counter() - start)
                return times[0], min(times[1:]), json.dumps(getattr(answer, "model_dump", lambda **_: answer)(
                    mode="json"), default=str, sort_keys=True)

        def whole(a: Callable[[Any], Any] = ask) -> tuple[float, str]:
            from orggraph.stores import open_store

            with open_store(path) as store:
                start = time.perf_counter()
                answer = a(store.graph())
                return time.perf_counter() - start, json.dumps(getattr(answer, "model_dump", lambda **_: answer)(
                    mode="json"), default=str, sort_keys=True)

        cold, warm, got = measure_isolated(name, sub).result
        base, want = measure_isolated(name, whole).result
        assert same(got, want), f"{name}: the neighbourhood's answer differs from the whole graph's"
        out[name] = (cold, warm, base)
    return out


def same(a: str, b: str) -> bool:
    """Equal answers, but for the day a brief was generated on."""
    x, y = json.loads(a), json.loads(b)
    if isinstance(x, dict) and isinstance(y, dict):
        x.pop("generated_on", None)
        y.pop("generated_on", None)
    return bool(x == y)


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(root / p) for p in PACKAGES)], check=True,
                   capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        # Built and picked in forked processes: this one stays small, so the peak memory its children
        # report (Linux keeps a process's peak across fork and exec) is their own.
        made = measure_isolated("build", lambda: build(Path(tmp)))
        stores, built = made.result, made.seconds
        ids = measure_isolated("pick", lambda: pick(next(iter(stores.values())))).result
        cli_rows, proc_rows = [], []
        for name, path in stores.items():
            for label, args, base_args in questions(ids):
                wall, peak = run_peak([str(ORGGRAPH), "--store", str(path), *args])
                bwall, bpeak = run_peak([sys.executable, "-c", BASELINE, str(path), *base_args])
                cpu = cpu_seconds([str(ORGGRAPH), "--store", str(path), *args])
                cli_rows.append([name, label, wall, cpu, f"{peak:.0f}", bwall, f"{bpeak:.0f}", f"{bwall / wall:.1f}x"])
            for label, (cold, warm, base) in in_process(path, ids).items():
                proc_rows.append([name, label, cold * 1000, warm * 1000, base * 1000, f"{base / cold:.0f}x"])
        load = os.getloadavg()[0]
        print_table(f"CLI, {SCALE} synthetic store (built in {built:.0f} s; decision {ids['decision']}, meeting "
                    f"{ids['meeting']}); best of {REPEAT}; cpus: {os.cpu_count()}; load average {load:.1f} at the end",
                    ["store", "question", "wall s", "cpu s", "peak MiB", "whole-graph wall s", "whole-graph MiB",
                     "speed-up"],
                    cli_rows)
        print_table("In process, a fresh process per question",
                    ["store", "question", "neighbourhood cold ms", "warm ms", "whole graph read + question ms",
                     "speed-up (cold)"], proc_rows)


if __name__ == "__main__":
    main()
