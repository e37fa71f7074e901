"""Run loaders into a store: parse each file, write it all-or-nothing, fill in its report.

This is the one place that joins loaders to a store; the CLI and the API both call it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from loaders import detect, loader_module
from loaders.base import FileRejected, FileReport, LoadContext, ParsedFile, ProgressFn, head_lines
from orggraph.models import Node
from orggraph.stores.base import Store


def parse_file(path: Path, ctx: LoadContext, kind: str | None = None) -> ParsedFile:
    if path.is_dir():
        raise FileRejected(path.name, f"folder holds no data files ({', '.join(DATA_SUFFIXES)})")
    if not path.is_file():
        raise FileRejected(path.name, "no such file")
    kind = kind or detect(path)
    return loader_module(kind).parse(path, ctx)  # type: ignore[no-any-return]


def load_file(store: Store, path: Path, *, kind: str | None = None, strict: bool = False,
              progress: ProgressFn | None = None, display_name: str | None = None) -> FileReport:
    """Load one file. Rejected rows are reported; under ``strict`` any rejection rejects the file."""
    name = display_name or path.name
    try:
        ctx = LoadContext(graph=store.graph(), progress=progress)
        parsed = parse_file(path, ctx, kind)
    except FileRejected as exc:
        return FileReport(file=name, kind=kind or "?", status="rejected", error=str(exc))
    report = parsed.report
    report.file = name
    if strict and report.rejected:
        report.status = "rejected"
        report.error = f"{len(report.rejected)} bad row(s) and --strict: nothing loaded from this file"
        return report
    result = store.write(parsed.records, strict=strict)
    bad_rows = set()
    for index, err in result.rejected:
        row = parsed.rows[index]
        parsed.reject(row, err.column, err.value, err.reason)
        bad_rows.add(row)
    report.rejected.sort(key=lambda r: r.row)
    if not result.committed:
        report.status = "rejected"
        report.error = f"{len(report.rejected)} bad row(s) and --strict: nothing loaded from this file"
        return report
    kept = [r for r, row in zip(parsed.records, parsed.rows, strict=True) if row not in bad_rows]
    # Distinct records by label/type: a file may name the same CCG on many rows.
    distinct = {(r.label, r.id) if isinstance(r, Node) else (r.type, r.start, r.end, r.key) for r in kept}
    report.counts = dict(sorted(Counter(k[0] for k in distinct).items()))
    report.loaded = report.read - len({r.row for r in report.rejected})
    report.status = "loaded"
    return report


# Files in a folder that `load DIR` reads; anything else there (PDF specs, notes, reports) is left alone.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
# Phase of a kind whose loader has no `load_phase(path, head)`: national reference files first (0);
# graph CSVs say 1 (nodes) or 2 (relationships); registers match people by name, so they come last.
_DEFAULT_PHASE = {"register": 3}


def _phase(path: Path) -> int:
    try:
        kind = detect(path)
    except FileRejected:
        return 0  # loaded (and reported as rejected) with the reference files
    module = loader_module(kind)
    if hasattr(module, "load_phase"):
        return int(module.load_phase(path, head_lines(path)))
    return _DEFAULT_PHASE.get(kind, 0)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files to load: a folder becomes its data files, ordered so that what a file refers to is loaded
    before it (reference files, then graph-CSV nodes, then relationships, then registers), by name
    within a phase. Files named one by one keep the order given."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        files = [f for f in sorted(path.iterdir())
                 if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in DATA_SUFFIXES]
        if not files:
            out.append(path)  # load_file reports it: no data files
            continue
        out.extend(sorted(files, key=lambda f: (_phase(f), f.name)))
    return out


def load_paths(store: Store, paths: Sequence[Path], *, kind: str | None = None, strict: bool = False,
               progress_factory: Callable[[Path], ProgressFn | None] | None = None) -> list[FileReport]:
    reports = []
    with store.batch():
        for path in expand_paths(paths):
            progress = progress_factory(path) if progress_factory else None
            reports.append(load_file(store, path, kind=kind, strict=strict, progress=progress))
    return reports
