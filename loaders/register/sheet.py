"""Reading a register's sheets (CSV, or every worksheet of an XLSX workbook) and finding the header.

The header is found in the first :data:`HEADER_SEARCH_ROWS` rows: title rows above it are skipped.
Header wording, case, spacing and punctuation vary; a two-row header (the template's "Type of
Interest" over its three tick columns, "Date of Interest" over From and To, as merged cells or as
blanks in a CSV) is read as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from loaders.base import FileRejected, csv_rows, head_lines, read_text
from loaders.checks import refuse_binary
from loaders.matching import fold
from loaders.register.cells import cell_text, header_key
from loaders.workbook import Merge, open_workbook, sheet_rows

HEADER_SEARCH_ROWS = 40
XLSX_SUFFIXES = (".xlsx", ".xlsm")


# ---- the sheet as a grid -------------------------------------------------------------------------
class SheetRow(NamedTuple):
    number: int  # the row number as a person sees it
    cells: list[Any]


@dataclass
class Sheet:
    """One table of cells."""

    name: str | None
    rows: list[SheetRow]
    merges: list[Merge] = field(default_factory=list)


def _csv_sheet(path: Path) -> Sheet:
    # A quoted cell may span lines: each row is numbered by the line it starts on.
    return Sheet(None, [SheetRow(n, row) for n, row in csv_rows(path.name, read_text(path))])


def _xlsx_sheets(path: Path) -> list[Sheet]:
    sheets = []
    with open_workbook(path) as wb:  # streaming, within the limits; cached values of formulas
        for ws in wb.worksheets:
            merges: list[Merge] = []
            rows = [SheetRow(n, values) for n, values in sheet_rows(path, ws, merges=merges)]
            sheets.append(Sheet(ws.title, rows, merges))
    return sheets


def read_sheets(path: Path) -> list[Sheet]:
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_sheets(path)
    if path.suffix.lower() == ".xls":
        raise FileRejected(path.name, "old Excel .xls files cannot be read; save it as .xlsx or .csv")
    refuse_binary(path, "a register of interests (CSV, or an XLSX workbook named .xlsx)")
    return [_csv_sheet(path)]


# ---- the header ----------------------------------------------------------------------------------
SUB_LABELS = {
    "financial": "tick_financial", "pecuniary": "tick_financial",
    "non financial professional": "tick_professional", "professional": "tick_professional",
    "non financial personal": "tick_personal", "personal": "tick_personal",
    "from": "date_from", "start": "date_from", "start date": "date_from", "date from": "date_from",
    "to": "date_to", "end": "date_to", "end date": "date_to", "date to": "date_to", "until": "date_to",
    "direct": "tick_direct", "indirect": "tick_indirect",
}


def _strip_interest_word(key: str) -> str:
    return " ".join(t for t in key.split() if t not in ("interest", "interests"))


def classify_heading(top: str, sub: str = "") -> str | None:
    """The template field a column heading stands for (``top`` over ``sub`` in a two-row header)."""
    top_k, sub_k = header_key(top), header_key(sub)
    sub_bare = _strip_interest_word(sub_k)
    combined = f"{top_k} {sub_k}".strip()
    if not combined:
        return None
    if sub_bare in SUB_LABELS and (not top_k or "type" in top_k or "date" in top_k or "interest" in top_k
                                   or "direct" in top_k):
        return SUB_LABELS[sub_bare]
    words = set(combined.split())
    if words & {"date", "dates"}:
        return _date_heading(words)
    if words & {"committee", "committees"}:
        return "committees"  # "Committee Member": which committees the person sits on, not a name
    bare = _strip_interest_word(combined)
    if bare in SUB_LABELS and SUB_LABELS[bare].startswith("tick_") and bare not in ("direct", "indirect"):
        return SUB_LABELS[bare]  # a one-row header with tick columns "Financial Interest", ...
    if "declared" in words or "declaration" in combined or "organisation" in words or "description" in words \
            or ("details" in words and "interest" in words) or combined == "interest":
        return "declared_interest"
    if "type" in words or "category" in words:
        return "interest_type"
    if "direct" in words or "indirect" in words:
        return "direct"
    if "nature" in words:
        return "nature"
    if any(w.startswith("mitigat") for w in words) or "action" in words or "actions" in words:
        return "mitigation"
    if "position" in words or "positions" in words or "role" in words or "job" in words \
            or "capacity" in words:
        return "position"
    if words & {"from", "start", "started", "commenced", "begin"}:
        return "date_from"
    if words & {"to", "end", "ended", "until", "ceased"}:
        return "date_to"
    if "name" in words or "declarer" in words or "member" in words:
        return "name"
    return None


def _date_heading(words: set[str]) -> str | None:
    """A heading about dates: From, To, both in one column ("Date of Interest"), or a date that is not
    the interest's (the date a declaration was made or updated: not read)."""
    if words & {"from", "start", "started", "commenced", "begin"}:
        return "date_from"
    if words & {"to", "end", "ended", "until", "ceased"}:
        return "date_to"
    if words & {"declared", "declaration", "updated", "signed", "received", "reviewed"}:
        return None
    return "date_range"


@dataclass
class Header:
    row: int  # the last header row (data starts below it)
    first_row: int
    columns: dict[str, int]  # field -> 0-based column index
    headings: dict[str, str]  # field -> the heading as written (for messages)
    duplicates: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # headings no field is read from


def _row_fields(cells: Sequence[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, value in enumerate(cells):
        f = classify_heading(cell_text(value))
        if f and f not in out:
            out[f] = i
    return out


def _is_sub_header(cells: Sequence[Any]) -> bool:
    texts = [_strip_interest_word(header_key(cell_text(v))) for v in cells if cell_text(v)]
    return bool(texts) and all(t in SUB_LABELS for t in texts)


def _fill_merged_header(sheet: Sheet, grid: dict[int, list[str]]) -> None:
    """Spread a heading merged across columns ("Type of Interest" over three) along its own row.

    A heading merged down over both header rows stays in the top row only: the sub-row cell under it
    is blank, as in a CSV export.
    """
    for merge in sheet.merges:
        cells = grid.get(merge.min_row)
        if cells is None or merge.min_col - 1 >= len(cells):
            continue
        value = cells[merge.min_col - 1]
        for c in range(merge.min_col + 1, merge.max_col + 1):
            if c - 1 < len(cells) and not cells[c - 1]:
                cells[c - 1] = value


def find_header(sheet: Sheet) -> Header | None:
    """The register header in the sheet's first rows (one row, or two read as one), or None."""
    rows = sheet.rows[:HEADER_SEARCH_ROWS + 1]
    for idx, (rownum, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = _row_fields(cells)
        if "name" not in fields or not ({"declared_interest", "nature"} & set(fields)) or len(fields) < 3:
            continue
        top = [cell_text(v) for v in cells]
        sub: list[str] = []
        last = rownum
        below = rows[idx + 1] if idx + 1 < len(rows) else None
        if below is not None and below.number == rownum + 1 and _is_sub_header(below.cells):
            sub = [cell_text(v) for v in below.cells]
            last = rownum + 1
            grid = {rownum: top, rownum + 1: sub}
            _fill_merged_header(sheet, grid)
            top, sub = grid[rownum], grid[rownum + 1]
        return _header(last, rownum, *_spread_groups(top, sub))
    return None


def _spread_groups(top: list[str], sub: list[str]) -> tuple[list[str], list[str]]:
    """Both header rows padded to one width, a group heading ("Type of Interest", "Date of Interest")
    copied over the blank cells to its right that have a sub-heading (CSV exports of merged cells leave
    them blank)."""
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    group = ""
    for i in range(width):
        if top[i]:
            group = top[i] if sub[i] else ""
        elif sub[i] and group:
            top[i] = group
    return top, sub


def _header(last: int, first: int, top: list[str], sub: list[str]) -> Header:
    """Each column's field and heading as written; a second column for a field is a duplicate."""
    columns: dict[str, int] = {}
    headings: dict[str, str] = {}
    duplicates: list[str] = []
    unused: list[str] = []
    for i, (upper, lower) in enumerate(zip(top, sub, strict=True)):
        f = classify_heading(upper, lower)
        heading = f"{upper}: {lower}" if upper and lower and upper != lower else (upper or lower)
        heading = " ".join(heading.split())
        if f is None:
            if heading:
                unused.append(heading)
            continue
        if f in columns:
            duplicates.append(heading)
            continue
        columns[f] = i
        headings[f] = heading
    return Header(last, first, columns, headings, duplicates, unused)


# ---- recognising a register ----------------------------------------------------------------------
def looks_like_register(path: Path, head: list[str]) -> bool:
    """The register loader's sniff: a register header in a workbook, or register words in a text file."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_looks_like_register(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        head = head_lines(path, HEADER_SEARCH_ROWS)  # title rows may push the header down
    if not head:
        return False
    text = "\n".join(head).lower()
    if ":id" in text or ":start_id" in text or ":label" in text:
        return False  # a graph CSV, even one full of declarations
    return _looks_like_register_text(text)


def _looks_like_register_text(text: str) -> bool:
    text = " ".join(text.replace("-", " ").split())
    return any(k in text for k in ("declared interest", "interest declared", "nature of interest",
                                   "type of interest", "declaration of interest", "declarations of interest",
                                   "register of interest"))


def _xlsx_looks_like_register(path: Path) -> bool:
    try:
        with open_workbook(path) as wb:
            for ws in wb.worksheets:
                for _, cells in sheet_rows(path, ws, max_rows=HEADER_SEARCH_ROWS):
                    row = [cell_text(v) for v in cells]
                    if "name" in _row_fields(row) and _looks_like_register_text(" ".join(row).lower()):
                        return True
    except FileRejected:
        return False  # not a workbook we can open: not ours (the loader that reads it says why)
    return False


SECTION_WORDS = {"members", "member", "governing", "body", "committee", "committees", "staff", "employees",
                 "employee", "officers", "directors", "team", "section", "part", "practices", "lay",
                 "executive", "executives", "clinical", "leads", "board", "management"}


def is_section_heading(cells: Sequence[Any]) -> bool:
    """A row with one short cell of group words ("Governing Body Members") that names no person."""
    filled = [cell_text(c) for c in cells if cell_text(c)]
    if len(filled) != 1 or len(filled[0]) > 60:
        return False
    words = fold(filled[0]).split()
    return bool(words) and sum(w in SECTION_WORDS for w in words) >= max(1, len(words) - 1)
