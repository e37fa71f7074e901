"""The SQLite store against the JSON store, both measured in the same run on the real national files
(CCG era ../shared/data/real and ICB era real2, loaded as ``orggraph load real real2`` does).

Steps, each store in its own forked process (so peak memory is the step's own, and nothing is cached
from an earlier step): the load into a fresh store; a fresh process's ``stats``, ``show`` of one
practice and ``search``; the whole-graph read the engine still starts from (``graph()``); and the
``orggraph`` CLI's wall time for ``stats`` (process start included). Then the file sizes and the time
``orggraph migrate`` takes from the JSON file to a new SQLite file.

Run: ``python -m bench sqlite`` (files from ../shared/data/real and real2, or ORGGRAPH_REAL_DATA).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bench_load import FOLDERS, REAL_DATA
from bench.common import Measurement, measure_isolated, print_table

ORGGRAPH = Path(sys.executable).parent / "orggraph"
PRACTICE, SEARCH = "A81001", "ashford"


def load(path: Path) -> int:
    from loaders.pipeline import load_paths
    from orggraph.stores import open_store

    with open_store(path) as store:
        reports = load_paths(store, [f for f in FOLDERS if f.is_dir()])
    return sum(r.read for r in reports)


def on_fresh_store(path: Path, question: Callable[[Any], Any]) -> Callable[[], Any]:
    def run() -> Any:
        from orggraph.stores import open_store

        with open_store(path) as store:
            return question(store)
    return run


def cli_wall(path: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(ORGGRAPH), "--store", str(path), *args], check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start


def size_mib(path: Path) -> float:
    parts = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return sum(p.stat().st_size for p in parts if p.exists()) / 2**20


def main() -> None:
    if not REAL_DATA.is_dir():
        print(f"real files not found in {REAL_DATA}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"JSON": Path(tmp) / "graph.json", "SQLite": Path(tmp) / "graph.sqlite"}
        steps: dict[str, dict[str, Measurement]] = {}
        questions: list[tuple[str, Callable[[Any], Any]]] = [
            ("stats", lambda s: s.stats()), (f"show {PRACTICE}", lambda s: s.node(PRACTICE)),
            (f"search {SEARCH!r}", lambda s: s.search(SEARCH)), ("graph() (whole graph)", lambda s: s.graph().g.number_of_nodes()),
        ]
        for name, path in stores.items():
            steps.setdefault("load real + real2", {})[name] = measure_isolated("load", lambda p=path: load(p))
            for label, question in questions:
                steps.setdefault(label, {})[name] = measure_isolated(label, on_fresh_store(path, question))
            wall = min(cli_wall(path, "stats") for _ in range(3))
            steps.setdefault("CLI `orggraph stats` (wall, best of 3)", {})[name] = Measurement("cli", wall, 0.0)
        for label in ("stats", f"show {PRACTICE}", f"search {SEARCH!r}"):
            assert steps[label]["JSON"].result == steps[label]["SQLite"].result, f"{label}: the stores differ"

        rows = []
        for label, by_store in steps.items():
            js, lite = by_store["JSON"], by_store["SQLite"]
            rows.append([label, js.seconds, lite.seconds, f"{js.seconds / max(lite.seconds, 1e-6):.1f}x",
                         f"{js.peak_mib:.0f}" if js.peak_mib else "-", f"{lite.peak_mib:.0f}" if lite.peak_mib else "-"])
        rows.append(["file size (MiB)", size_mib(stores["JSON"]), size_mib(stores["SQLite"]),
                     f"{size_mib(stores['JSON']) / size_mib(stores['SQLite']):.2f}x", "-", "-"])
        migrated = Path(tmp) / "migrated.sqlite"
        start = time.perf_counter()
        subprocess.run([str(ORGGRAPH), "migrate", "--from", str(stores["JSON"]), "--to", str(migrated)],
                       check=True, capture_output=True, timeout=1200)
        rows.append(["`orggraph migrate` JSON -> SQLite (wall)", "-", time.perf_counter() - start, "-", "-", "-"])
        stats = steps["stats"]["SQLite"].result
        print_table(f"JSON store vs SQLite store, real + real2 ({steps['load real + real2']['SQLite'].result:,} rows"
                    f" read; {sum(stats['nodes'].values()):,} nodes, {sum(stats['relationships'].values()):,}"
                    f" relationships); cpus: {os.cpu_count()}",
                    ["step", "JSON s", "SQLite s", "JSON / SQLite", "JSON peak MiB", "SQLite peak MiB"], rows)


if __name__ == "__main__":
    main()
