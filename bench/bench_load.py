"""Load every real national file of both sets (CCG era ../shared/data/real, ICB era ../shared/data/real2:
epraccur releases, ONS lookups, ePCN workbooks and CSVs, etr, eccg, gp-reg) into a fresh embedded store:
time and peak memory, against a baseline that only reads the same files.

Baseline: the csv module (and openpyxl, read-only, for workbooks) reading every row, building nothing.
"parse" runs the loaders without a store (validated records, no graph); "load" is the whole pipeline
as ``orggraph load real real2`` runs it: both folders in load order, each file's records and its
reconciled snapshot links in one all-or-nothing write, the store file saved once at the end. Each
step runs in its own forked process so its peak memory is its own. Aim (issue 9): under 30 s and
under 1.5 GiB. Files no loader of this build reads are listed, not counted.

Run: ``python -m bench load`` (files from ../shared/data/real and real2, or ORGGRAPH_REAL_DATA and its
sibling real2).
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from bench.common import measure_isolated, print_table

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("ORGGRAPH_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))
FOLDERS = (REAL_DATA, REAL_DATA.parent / "real2")


def data_files() -> list[Path]:
    """The files a folder load reads, in load order."""
    from loaders.pipeline import expand_paths

    return expand_paths([f for f in FOLDERS if f.is_dir()])


def read_only() -> int:
    """Baseline: every row of every file read, nothing built."""
    import openpyxl

    rows = 0
    for path in data_files():
        if path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for ws in wb.worksheets:
                rows += sum(1 for _ in ws.iter_rows(values_only=True))
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows += sum(1 for _ in csv.reader(fh))
    return rows


def parse_only() -> int:
    """The loaders' parse step alone: validated records (returns how many), no graph, no store."""
    from loaders.base import FileRejected, LoadContext
    from loaders.pipeline import parse_file
    from orggraph.models import Node

    records = 0
    for path in data_files():
        try:
            parsed = parse_file(path, LoadContext())
        except FileRejected:
            continue
        # Distinct per file, as the load report counts them (a file names the same CCG on many rows).
        records += len({(r.label, r.id) if isinstance(r, Node) else (r.type, r.start, r.end, r.key)
                        for r in parsed.records})
    return records


def full_load() -> tuple[int, dict[str, dict[str, int]], list[str]]:
    """Both folders into a fresh embedded store, as `orggraph load real real2` does."""
    from loaders.pipeline import load_paths
    from orggraph.stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "graph.json")
        reports = load_paths(store, [f for f in FOLDERS if f.is_dir()])
        records = sum(sum(r.counts.values()) for r in reports if r.status == "loaded")
        lines = [f"{r.status:8} {r.file} ({r.kind}): {r.loaded} rows"
                 + (f", release {r.release_date} ({r.release_basis})" if r.release_date else "")
                 + (f" - {r.error}" if r.error else "") for r in reports]
        return records, store.stats(), lines


def main() -> None:
    if not REAL_DATA.is_dir():
        print(f"real files not found in {REAL_DATA}")
        return
    files = data_files()
    raw_lines = sum(1 for f in files if f.suffix != ".xlsx" for _ in f.open("rb"))
    base = measure_isolated("baseline: csv/openpyxl read", read_only)
    parse = measure_isolated("loaders: parse + validate", parse_only)
    load = measure_isolated("pipeline: load into embedded store", full_load)
    records_loaded, stats, lines = load.result
    rows = base.result  # input rows (all sheets, all lines): the same work for every step
    table = []
    for m, records in ((base, "-"), (parse, parse.result), (load, records_loaded)):
        table.append([m.name, m.seconds, m.peak_mib, rows, f"{rows / m.seconds:,.0f}", records,
                      m.seconds / base.seconds])
    print_table(f"Load all {len(files)} real files ({raw_lines:,} CSV lines + the workbooks)",
                ["step", "seconds", "peak MiB", "input rows", "rows/s", "distinct records", "x baseline"], table)
    for line in lines:
        print(line)
    nodes = sum(stats["nodes"].values())
    rels = sum(stats["relationships"].values())
    print(f"graph: {nodes:,} nodes {stats['nodes']}; {rels:,} relationships {stats['relationships']}")
    ok = load.seconds < 30 and load.peak_mib < 1536
    print(f"aim (under 30 s and 1.5 GiB): {'met' if ok else 'NOT met'} "
          f"({load.seconds:.1f} s, {load.peak_mib:.0f} MiB)")


if __name__ == "__main__":
    main()
