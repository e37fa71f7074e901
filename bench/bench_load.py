"""Load every real national file (epraccur, ONS lookups, region chain, ePCN xlsx and CSVs, etr) into a
fresh embedded store: time and peak memory, against a baseline that only reads the same files.

Baseline: the csv module (and openpyxl, read-only, for the workbook) reading every row, building
nothing. "parse" runs the loaders without a store (validated records, no graph); "load" is the whole
pipeline into an embedded store file, one atomic write per file. Each step runs in its own forked
process so its peak memory is its own. Aim (issue 2): under 20 s and under 1 GiB.

Run: ``python -m bench load`` (files from ../shared/data/real, or ORGGRAPH_REAL_DATA).
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from bench.common import measure_isolated, print_table

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("ORGGRAPH_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))
FILES = (
    "epraccur_2019-11.csv",
    "ons_ccg19_stp19_apr2019.csv",
    "ons_ccg20_stp20_apr2020.csv",
    "ons_ccg21_stp21_apr2021.csv",
    "ons_stp20_nhser20_apr2020.csv",
    "derived_ccg19_stp19_nhser_2019.csv",
    "derived_stp44_footprints_2017-18.csv",
    "ePCN_2019-12.xlsx",
    "ePCN_2019-12__PCN_Details.csv",
    "ePCN_2019-12__PCN_Core_Partner_Details.csv",
    "etr_c2016_nhsparse.csv",
)


def read_only() -> int:
    """Baseline: every row of every file read, nothing built."""
    import openpyxl

    rows = 0
    for name in FILES:
        path = REAL_DATA / name
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
    from loaders.base import LoadContext
    from loaders.pipeline import parse_file
    from orggraph.models import Node

    records = 0
    for name in FILES:
        parsed = parse_file(REAL_DATA / name, LoadContext())
        # Distinct per file, as the load report counts them (a file names the same CCG on many rows).
        records += len({(r.label, r.id) if isinstance(r, Node) else (r.type, r.start, r.end, r.key)
                        for r in parsed.records})
    return records


def full_load() -> tuple[int, dict[str, dict[str, int]]]:
    """Everything into a fresh embedded store, file by file, as `orggraph load` does."""
    from loaders.pipeline import load_file
    from orggraph.stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "graph.json")
        records = 0
        for name in FILES:
            report = load_file(store, REAL_DATA / name)
            if report.status != "loaded":
                raise RuntimeError(f"{name}: {report.error}")
            records += sum(report.counts.values())
        return records, store.stats()


def main() -> None:
    missing = [n for n in FILES if not (REAL_DATA / n).is_file()]
    if missing:
        print(f"real files not found in {REAL_DATA}: {', '.join(missing)}")
        return
    raw_lines = sum(1 for n in FILES if not n.endswith(".xlsx") for _ in (REAL_DATA / n).open("rb"))
    base = measure_isolated("baseline: csv/openpyxl read", read_only)
    parse = measure_isolated("loaders: parse + validate", parse_only)
    load = measure_isolated("pipeline: load into embedded store", full_load)
    records_loaded, stats = load.result
    rows = base.result  # input rows (all sheets, all lines): the same work for every step
    table = []
    for m, records in ((base, "-"), (parse, parse.result), (load, records_loaded)):
        table.append([m.name, m.seconds, m.peak_mib, rows, f"{rows / m.seconds:,.0f}", records,
                      m.seconds / base.seconds])
    print_table(f"Load all {len(FILES)} real files ({raw_lines:,} CSV lines + the ePCN workbook)",
                ["step", "seconds", "peak MiB", "input rows", "rows/s", "distinct records", "x baseline"], table)
    nodes = sum(stats["nodes"].values())
    rels = sum(stats["relationships"].values())
    print(f"graph: {nodes:,} nodes {stats['nodes']}; {rels:,} relationships {stats['relationships']}")
    ok = load.seconds < 20 and load.peak_mib < 1024
    print(f"aim (under 20 s and 1 GiB): {'met' if ok else 'NOT met'} "
          f"({load.seconds:.1f} s, {load.peak_mib:.0f} MiB)")


if __name__ == "__main__":
    main()
