"""ODS ePCN: primary care networks and their member practices.

Reads the workbook (sheets ``PCN Details`` and ``PCN Core Partner Details``) or either of its CSV
exports, told apart by their header:

- PCN Details -> ``PCN`` (name, postcode, valid_from/valid_to from the open/close dates) and
  ``COMMISSIONED_BY`` PCN -> CCG, dated like the PCN;
- PCN Core Partner Details -> ``MEMBER_OF`` practice -> PCN with the relationship's start/end dates.

Practices, PCNs and CCGs the graph does not hold yet are created as stubs carrying the name the file
gives, so the files load in any order: a later epraccur, PCN Details or ONS lookup fills them in, and
a stub never overwrites a fuller record. The workbook's VLOOKUP cells are read as their cached values.

Rows are numbered as in the spreadsheet (the header is row 1) and sources name the sheet as well,
e.g. ``ePCN_2019-12.xlsx:PCN Details:12``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.base import (
    FileRejected,
    FormatLoader,
    LoadContext,
    NothingLoaded,
    ParsedFile,
    Rejection,
    read_csv_rows,
    yyyymmdd,
)
from loaders.checks import no_records_reason, refuse_binary, sheet_names
from loaders.precedence import Mentions, node_outranked, rel_outranked
from orggraph.errors import RecordError
from orggraph.models import node, rel

KIND = "epcn"
DESCRIPTION = "ODS ePCN: PCNs and practice memberships (xlsx, or CSV exports of its two sheets)"

DETAILS_SHEET = "PCN Details"
PARTNERS_SHEET = "PCN Core Partner Details"
# field -> (header as ODS spells it, required?). Headers are matched ignoring case, spaces and
# punctuation, and by prefix, so "Open Date (YYYYMMDD)" matches "Open Date".
DETAILS_COLUMNS = {
    "pcn": ("PCN Code", True),
    "name": ("PCN Name", True),
    "ccg": ("Current Clinical Commissioning Group Code", True),
    "ccg_name": ("Clinical Commissioning Group Name", False),
    "open": ("Open Date", True),
    "close": ("Close Date", True),
    "postcode": ("Postcode", False),
}
PARTNER_COLUMNS = {
    "practice": ("Partner Organisation Code", True),
    "practice_name": ("Partner Name", False),
    "pcn": ("PCN Code", True),
    "pcn_name": ("PCN Name", False),
    "start": ("Practice to PCN Relationship Start Date", True),
    "end": ("Practice to PCN Relationship End Date", True),
}
# From July 2022 ODS renamed the commissioner columns after the sub-ICB location.
ICB_ERA_TITLES = {"Current Clinical Commissioning Group Code": ("Current Sub ICB Loc Code",),
                  "Clinical Commissioning Group Name": ("Sub ICB Location",)}
LAYOUTS = {DETAILS_SHEET: DETAILS_COLUMNS, PARTNERS_SHEET: PARTNER_COLUMNS}
_PCN_CODE = re.compile(r"^U\d{5}$")
_ORG_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row in hand-saved copies


def _norm(text: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _columns(header: list[Any], layout: dict[str, tuple[str, bool]]) -> dict[str, int] | None:
    """Field -> column index, or None unless every required column is there."""
    names = [_norm(h) for h in header]
    out: dict[str, int] = {}
    for fld, (title, required) in layout.items():
        hit = None
        for want in (_norm(t) for t in (title, *ICB_ERA_TITLES.get(title, ()))):
            hit = next((i for i, n in enumerate(names) if n == want), None)
            if hit is None:
                hit = next((i for i, n in enumerate(names) if n.startswith(want)), None)
            if hit is not None:
                break
        if hit is not None:
            out[fld] = hit
        elif required:
            return None
    return out


def _which_sheet(header: list[Any]) -> str | None:
    # Partner first: its header also contains "PCN Code" and "PCN Name".
    for sheet in (PARTNERS_SHEET, DETAILS_SHEET):
        if _columns(header, LAYOUTS[sheet]) is not None:
            return sheet
    return None


def sniff(path: Path, head: list[str]) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = {_norm(s) for s in sheet_names(path)}
        return bool(sheets & {_norm(DETAILS_SHEET), _norm(PARTNERS_SHEET)})
    if not head:
        return False
    return _which_sheet(next(csv.reader([head[0]]))) is not None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _date(v: Any, column: str) -> str | None:
    """An ePCN date: YYYYMMDD as text or number, or a real spreadsheet date."""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return yyyymmdd(_text(v), column)


def _code(v: Any, column: str, pattern: re.Pattern[str], expected: str) -> str:
    code = _text(v).upper()
    if not pattern.match(code):
        raise RecordError(column, _text(v), f"expected {expected}")
    return code


class _Sheet:
    """One table: which sheet it is, its header row, and its data rows as (row number, cells)."""

    def __init__(self, name: str, header_row: int, header: list[Any], rows: Iterator[tuple[int, list[Any]]],
                 total: int | None, source_prefix: str):
        self.name, self.header_row, self.header, self.rows = name, header_row, header, rows
        self.total, self.source_prefix = total, source_prefix
        self.cols = _columns(header, LAYOUTS[name]) or {}


def _csv_sheet(path: Path) -> _Sheet:
    rows = read_csv_rows(path)
    for n, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        sheet = _which_sheet(row)
        if sheet:
            data = ((i, r) for i, r in enumerate(rows[n:], start=n + 1))
            return _Sheet(sheet, n, row, data, len(rows), path.name)
    raise FileRejected(path.name, "not an ePCN export: expected a header with 'PCN Code', 'PCN Name', "
                       "'Current Clinical Commissioning Group Code', 'Open Date', 'Close Date' (PCN Details) or "
                       "'Partner Organisation Code', 'PCN Code', 'Practice to PCN Relationship Start Date' "
                       "(PCN Core Partner Details)", 1, value=",".join(rows[0][:6]) if rows else "")


def _xlsx_sheets(path: Path) -> list[_Sheet]:
    from loaders.workbook import open_workbook

    out = []
    # data_only: the VLOOKUP cells as last calculated; read streaming, within the limits (loaders.workbook).
    with open_workbook(path) as wb:
        by_norm = {_norm(ws.title): ws for ws in wb.worksheets}
        for name in (DETAILS_SHEET, PARTNERS_SHEET):
            ws = by_norm.get(_norm(name))
            sheet = _xlsx_sheet(path, ws, name) if ws is not None else None
            if sheet is not None:
                out.append(sheet)
        sheetnames = ", ".join(wb.sheetnames)
    if not out:
        raise FileRejected(path.name, f"not an ePCN workbook: expected a sheet named {DETAILS_SHEET!r} or "
                           f"{PARTNERS_SHEET!r}", value=sheetnames)
    return out


def _xlsx_sheet(path: Path, ws: Any, name: str) -> _Sheet | None:
    """The sheet's rows under its header; None for a sheet too short to hold one."""
    from loaders.workbook import sheet_rows

    rows = list(sheet_rows(path, ws))
    for k, (n, cells) in enumerate(rows):
        if n > HEADER_SEARCH_ROWS:
            break
        if _columns(list(cells), LAYOUTS[name]) is not None:
            return _Sheet(name, n, list(cells), iter(rows[k + 1:]), rows[-1][0], f"{path.name}:{ws.title}")
    if not rows or rows[-1][0] < HEADER_SEARCH_ROWS:
        return None
    raise FileRejected(path.name, f"sheet {ws.title!r}: no header row with the ePCN columns "
                       f"{', '.join(t for t, _ in LAYOUTS[name].values())} in the first {HEADER_SEARCH_ROWS} rows")


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    out = ParsedFile(path, KIND)
    workbook = path.suffix.lower() in (".xlsx", ".xlsm")
    if not workbook:
        refuse_binary(path, "an ePCN CSV export")
    sheets = _xlsx_sheets(path) if workbook else [_csv_sheet(path)]
    # Row numbers restart on each sheet, so the report's file names the sheet too.
    # One set of mentions for the whole workbook: a PCN its Details sheet writes in full must not be
    # replaced by the Partner sheet's mention of it.
    mentions = Mentions(ctx.graph, path.name)
    for sheet in sheets:
        kind = f"sheet {sheet.name!r}" if sheet.source_prefix != path.name else f"export of {sheet.name!r}"
        out.report.notes.append(f"{kind}, header on row {sheet.header_row}")
        _parse_sheet(out, sheet, ctx, path.name, mentions, multi=len(sheets) > 1)
    if not out.records:
        raise NothingLoaded(path.name, no_records_reason("PCNs or memberships", "no row has a PCN code (U and 5 "
                                                        "digits) with its commissioner or practice", 0,
                                                        list(out.report.rejected)))
    return out


def _parse_sheet(out: ParsedFile, sheet: _Sheet, ctx: LoadContext, file_name: str, mentions: Mentions,
                 multi: bool) -> None:
    graph, cols, width = ctx.graph, sheet.cols, len(sheet.header)
    where = f"{file_name}:{sheet.name}" if multi else file_name
    kept = 0
    first_rows: dict[str, int] = {}  # PCN code -> the Details row that gave it first

    def cell(row: list[Any], fld: str) -> Any:
        i = cols.get(fld)
        return row[i] if i is not None and i < len(row) else None

    for i, row in sheet.rows:
        if i % 1000 == 0:
            ctx.tick(i, sheet.total)
        if not any(_text(c) for c in row):
            continue
        src = f"{sheet.source_prefix}:{i}"
        before = len(out.report.rejected)
        if any(_text(c) for c in row[width:]):
            out.report.read += 1
            out.report.rejected.append(Rejection(where, i, "(row)", len(row),
                                                 f"expected {width} columns as in the header"))
            continue
        n_records = len(out.records)
        with out.row(i) as recs:
            if sheet.name == DETAILS_SHEET:
                kept += _details_row(recs, row, cell, src, graph, file_name, mentions, first_rows)
            else:
                kept += _partner_row(recs, row, cell, src, graph, file_name, mentions)
        mentions.row_loaded(len(out.records) > n_records)
        # ParsedFile names the file only; in a workbook the sheet matters too.
        for rej in out.report.rejected[before:]:
            rej.file = where
    ctx.tick(sheet.total or 0, sheet.total)
    if kept:
        out.report.notes.append(f"{where}: {kept} link(s) already loaded from a newer or higher-ranked file "
                                "kept as they are")


def _details_row(recs: list[Any], row: list[Any], cell: Any, src: str, graph: Any, file_name: str,
                 mentions: Mentions, first_rows: dict[str, int]) -> int:
    t = DETAILS_COLUMNS
    pcn = _code(cell(row, "pcn"), t["pcn"][0], _PCN_CODE, "an ODS PCN code (U and 5 digits)")
    first = first_rows.setdefault(pcn, int(src.rsplit(":", 1)[1]))
    if f"{first}" != src.rsplit(":", 1)[1]:
        raise RecordError(t["pcn"][0], pcn, f"PCN also on row {first}: one row per PCN (this row is not loaded)")
    ccg = _code(cell(row, "ccg"), t["ccg"][0], _ORG_CODE, "an ODS CCG code (3-6 capital letters/digits)")
    name = _text(cell(row, "name"))
    if not name:
        raise RecordError(t["name"][0], "", "expected the PCN's name")
    opened = _date(cell(row, "open"), t["open"][0])
    closed = _date(cell(row, "close"), t["close"][0])
    ccg_name = _text(cell(row, "ccg_name"))
    # A sub-ICB location's name ("NHS SOUTH WEST LONDON ICB - 36L") is not the CCG's name.
    named = "sicbl_name" if ccg_name.endswith(f" - {ccg}") else "name"
    recs.append(node(ccg, "CCG", {named: ccg_name}, source=src,
                     stub=mentions.stub(ccg, "ons_code")))
    mentions.written(pcn)
    recs.append(node(pcn, "PCN", {"name": name, "postcode": _text(cell(row, "postcode")),
                                  "valid_from": opened, "valid_to": closed},
                     source=src, stub=node_outranked(graph, pcn, file_name, "valid_from")))
    if rel_outranked(graph, pcn, "COMMISSIONED_BY", ccg, opened, file_name):
        return 1
    recs.append(rel(pcn, "COMMISSIONED_BY", ccg, {"valid_from": opened, "valid_to": closed}, source=src))
    return 0


def _partner_row(recs: list[Any], row: list[Any], cell: Any, src: str, graph: Any, file_name: str,
                 mentions: Mentions) -> int:
    t = PARTNER_COLUMNS
    practice = _code(cell(row, "practice"), t["practice"][0], _ORG_CODE,
                     "an ODS practice code (3-6 capital letters/digits)")
    pcn = _code(cell(row, "pcn"), t["pcn"][0], _PCN_CODE, "an ODS PCN code (U and 5 digits)")
    start = _date(cell(row, "start"), t["start"][0])
    end = _date(cell(row, "end"), t["end"][0])
    recs.append(node(practice, "Practice", {"name": _text(cell(row, "practice_name"))}, source=src,
                     stub=mentions.stub(practice, "status")))
    recs.append(node(pcn, "PCN", {"name": _text(cell(row, "pcn_name"))}, source=src,
                     stub=mentions.stub(pcn, "valid_from")))
    if rel_outranked(graph, practice, "MEMBER_OF", pcn, start, file_name):
        return 1
    recs.append(rel(practice, "MEMBER_OF", pcn, {"valid_from": start, "valid_to": end}, source=src))
    return 0


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
