"""Run loaders into a store: parse each file, write it all-or-nothing, fill in its report.

This is the one place that joins loaders to a store; the CLI and the API both call it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from loaders import detect, loader_for, reconcile, releases, sniff_kind
from loaders.base import (
    PHASE_REFERENCE,
    FileRejected,
    FileReport,
    LoadContext,
    NothingLoaded,
    ParsedFile,
    ProgressFn,
    head_lines,
)
from loaders.precedence import TOP_RANK, Ranking, demote, ranking
from orggraph.graph import OrgGraph
from orggraph.models import Node, Record
from orggraph.stores.base import Store, StoreError

log = logging.getLogger("orggraph.load")


@dataclass(frozen=True)
class Planned:
    """A file to load and the kind to read it as: the kind named for it (``--kind``), else the kind
    sniffed when its folder was put in order (so no file is sniffed twice), else sniffed on loading."""

    path: Path
    named: str | None = None
    detected: str | None = None
    undetected: FileRejected | None = None  # sniffing found no kind: reported when the file loads

    def kind(self) -> str:
        """The kind to read the file as; FileRejected when no loader claims it."""
        if kind := self.named or self.detected:
            return kind
        if self.undetected is not None:
            raise self.undetected
        return detect(self.path)


def parse_file(path: Path, ctx: LoadContext, kind: str | None = None) -> ParsedFile:
    return _parse(Planned(path, named=kind), ctx)


def _parse(plan: Planned, ctx: LoadContext) -> ParsedFile:
    path = plan.path
    if path.is_dir():
        raise FileRejected(path.name, f"folder holds no data files ({', '.join(DATA_SUFFIXES)})")
    if not path.is_file():
        raise FileRejected(path.name, "no such file")
    return loader_for(plan.kind()).parse(path, ctx)


def load_file(store: Store, path: Path, *, kind: str | None = None, strict: bool = False,
              progress: ProgressFn | None = None, display_name: str | None = None,
              as_of: str | None = None) -> FileReport:
    """Load one file. Rejected rows are reported; under ``strict`` any rejection rejects the file.
    ``as_of`` (ISO date) is the release date of a snapshot file, instead of the one it gives."""
    return _load(store, Planned(path, named=kind), strict=strict, progress=progress, display_name=display_name,
                 as_of=as_of)


def _parse_ranked(plan: Planned, graph: OrgGraph, progress: ProgressFn | None, as_of: str | None
                  ) -> tuple[ParsedFile, releases.ReleaseInfo | None]:
    """Parse a file under its release's rank (see loaders.precedence): as if it outranked every file,
    then its node records demoted where the graph outranks its real rank. A file with records but no
    date is parsed again under its name's rank, links included, as before releases had dates."""
    ctx = LoadContext(graph=graph, progress=progress)
    kind = plan.kind() if plan.path.is_file() else None
    if kind is None or not releases.is_snapshot(kind):
        return _parse(plan, ctx), None
    top = Ranking(TOP_RANK, reconcile=True)
    with ranking(top):
        parsed = _parse(plan, ctx)
    info = releases.infer(plan.path, plan.path.name, kind, parsed.records, parsed.release_date, as_of,
                          parsed.content_date)
    assert info is not None
    if info.date is not None:
        demote(parsed.records, graph, top, info.rank)
    elif parsed.records:
        with ranking(Ranking(info.rank, reconcile=False)):
            parsed = _parse(plan, LoadContext(graph=graph, progress=progress))
    return parsed, info


def _to_write(graph: OrgGraph, parsed: ParsedFile, info: releases.ReleaseInfo | None) -> list[Record]:
    """The file's records, and for a dated snapshot its reconciled links and its Release node."""
    if info is None:
        return list(parsed.records)
    # Undated files too: a full record must replace the release of what it overwrites.
    releases.stamp(parsed.records, info)
    if info.date is None:
        return list(parsed.records)
    plan = reconcile.plan(graph, parsed.records, info, releases.loaded_releases(graph))
    if plan.ended:
        parsed.report.notes.append(f"{plan.ended} snapshot link(s) given an end date across releases")
    if plan.stuck_open:
        parsed.report.notes.append(f"{len(plan.stuck_open)} link(s) reported again after a release that "
                                   f"dropped them stay ended (e.g. {plan.stuck_open[0]})")
    return [*plan.records, info.node(plan.covers)]


def committed(report: FileReport) -> bool:
    """Whether a file is in the store: loaded, with at least one row. Each file is all or nothing, so a
    file not committed left nothing behind; a file that loads no row is a failure (CLI exit 1, API 422)."""
    return report.status == "loaded" and report.loaded > 0


def _load(store: Store, plan: Planned, *, strict: bool, progress: ProgressFn | None,
          display_name: str | None = None, as_of: str | None = None) -> FileReport:
    """One file, all or nothing. A loader's crash is this file's failure, reported like a rejection:
    it must not take the other files of the batch with it (a store's own error still stops the load)."""
    name = display_name or plan.path.name
    try:
        return _load_unguarded(store, plan, name, strict=strict, progress=progress, as_of=as_of)
    except StoreError:
        raise
    except Exception as exc:  # a bug in a loader: said in one line, the rest of the batch goes on
        log.error("loading %s failed", name, exc_info=exc)
        return FileReport(file=name, kind=plan.named or plan.detected or "?", status="rejected",
                          error=f"{name}: could not be read ({type(exc).__name__}: {exc}); "
                                "nothing loaded from this file")


def _load_unguarded(store: Store, plan: Planned, name: str, *, strict: bool, progress: ProgressFn | None,
                    as_of: str | None) -> FileReport:
    try:
        graph = store.graph()
        parsed, info = _parse_ranked(plan, graph, progress, as_of)
    except FileRejected as exc:
        return FileReport(file=name, kind=plan.named or "?", status="rejected", error=str(exc))
    report = parsed.report
    report.file = name
    if not parsed.records:
        # Nothing of the file's kind in it: not "loaded" (and a snapshot of nothing must not end every link).
        report.status = "rejected"
        report.error = f"{name}: no rows could be loaded ({report.read} read); nothing loaded from this file"
        return report
    if info is not None:
        report.release_date, report.release_basis = info.date, info.basis
    if strict and report.rejected:
        report.status = "rejected"
        report.error = f"{len(report.rejected)} bad row(s) and --strict: nothing loaded from this file"
        return report
    records = _to_write(graph, parsed, info)
    if _nothing_would_load(graph, records, parsed):
        report.status = "rejected"
        report.error = str(NothingLoaded(name, f"every one of its {report.read} row(s) was refused, the first: "
                                         f"{report.rejected[0] if report.rejected else '?'}"))
        return report
    result = store.write(records, strict=strict)
    bad_rows = set()
    for index, err in result.rejected:
        if index >= len(parsed.rows):  # a reconciled link of an earlier file: cannot happen unless the store changed
            report.notes.append(f"not written: {err}")
            continue
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


def _nothing_would_load(graph: OrgGraph, records: list[Record], parsed: ParsedFile) -> bool:
    """Would writing ``records`` load no row of the file at all? Then nothing is written (a file with
    zero loaded rows is a failure, and a Release node alone must not claim it loaded); its refusals are
    added to the report."""
    rows = set(parsed.rows)
    refused = [(index, err) for index, err in graph.validate(records) if index < len(parsed.rows)]
    if rows and rows - {parsed.rows[index] for index, _ in refused}:
        return False
    for index, err in refused:
        parsed.reject(parsed.rows[index], err.column, err.value, err.reason)
    parsed.report.rejected.sort(key=lambda r: r.row)
    return True


# Files in a folder that `load DIR` reads; anything else there (PDF specs, notes, reports) is left alone.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def _planned(path: Path) -> tuple[int, Planned]:
    """A folder's file with its load phase, sniffed once."""
    head = head_lines(path)
    try:
        kind = sniff_kind(path, head)
    except FileRejected as exc:
        return PHASE_REFERENCE, Planned(path, undetected=exc)  # loaded (and reported as rejected) with the reference files
    return loader_for(kind).load_phase(path, head), Planned(path, detected=kind)


def plan_paths(paths: Sequence[Path], kind: str | None = None) -> list[Planned]:
    """Files to load: a folder becomes its data files, ordered so that what a file refers to is loaded
    before it (reference files, then graph-CSV nodes, then relationships, then registers), by name
    within a phase. Files named one by one keep the order given. ``kind`` (``--kind``) is named for
    every file; the order still comes from what each file looks like."""
    out: list[Planned] = []
    for path in paths:
        if not path.is_dir():
            out.append(Planned(path))
            continue
        files = [f for f in sorted(path.iterdir())
                 if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in DATA_SUFFIXES]
        if not files:
            out.append(Planned(path))  # load_file reports it: no data files
            continue
        phased = [_planned(f) for f in files]
        out.extend(plan for _, plan in sorted(phased, key=lambda pp: (pp[0], pp[1].path.name)))
    return [replace(plan, named=kind) for plan in out]


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """The files :func:`plan_paths` would load, in order."""
    return [plan.path for plan in plan_paths(paths)]


def load_paths(store: Store, paths: Sequence[Path], *, kind: str | None = None, strict: bool = False,
               progress_factory: Callable[[Path], ProgressFn | None] | None = None,
               as_of: str | None = None) -> list[FileReport]:
    """Load files and folders in :func:`plan_paths` order; ``as_of`` is the release date of every
    snapshot file among them (``orggraph load --as-of``)."""
    reports = []
    with store.batch():
        for plan in plan_paths(paths, kind):
            progress = progress_factory(plan.path) if progress_factory else None
            reports.append(_load(store, plan, strict=strict, progress=progress, as_of=as_of))
    return reports
