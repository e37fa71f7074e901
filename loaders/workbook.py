"""Reading XLSX workbooks within bounds: every loader that reads a workbook goes through here.

Before openpyxl sees a file its zip directory is checked (:func:`check_archive`): a zip at all, the
members' declared uncompressed sizes (Python's zipfile never inflates a member past its declared size)
against :attr:`~loaders.limits.Limits.max_xml_bytes` and each large member's compression ratio against
:attr:`~loaders.limits.Limits.max_ratio`, and no DTD in any XML member (a workbook has none; entity
expansion is refused outright, and defusedxml guards openpyxl's parser as well).

Sheets are then read streaming (openpyxl read-only) by :func:`sheet_rows`, which takes only the cells a
sheet holds: a cell at XFD1048576 is refused by its address, never padded out into a grid. Every failure
is a :class:`~loaders.base.FileRejected` with one line naming the file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from loaders.base import FileRejected
from loaders.limits import Limits, current

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def check_archive(path: Path) -> None:
    """FileRejected unless ``path`` is a zip whose members stay within the limits and hold no DTD."""
    lim = current()
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > lim.max_members:
                raise FileRejected(path.name, f"not a workbook we read: {len(infos)} zip members, the limit is "
                                   f"{lim.max_members}")
            total = 0
            for info in infos:
                total += info.file_size
                if total > lim.max_xml_bytes:
                    raise FileRejected(path.name, f"workbook too large: its members inflate past "
                                       f"{lim.max_xml_bytes} bytes (at {info.filename}, {info.file_size} bytes)")
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > lim.ratio_floor and ratio > lim.max_ratio:
                    raise FileRejected(path.name, f"workbook refused: {info.filename} is compressed "
                                       f"{ratio:.0f} to 1 ({info.file_size} bytes), past the limit of "
                                       f"{lim.max_ratio:g} to 1 (a zip bomb?)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with z.open(info) as fh:
                        head = fh.read(65536)
                    if any(mark in head for mark in _DTD_MARKS):
                        raise FileRejected(path.name, f"workbook refused: {info.filename} declares a DTD or "
                                           "entities, which a workbook never needs")
    except zipfile.BadZipFile:
        raise FileRejected(path.name, "not an xlsx workbook (not a zip archive); save it as .xlsx or .csv") from None
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise FileRejected(path.name, f"not a readable xlsx workbook ({exc.__class__.__name__}: {exc})") from None


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """The workbook at ``path``, checked (:func:`check_archive`) and opened read-only with cached values;
    FileRejected if openpyxl cannot open it."""
    check_archive(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise FileRejected(path.name, f"not a readable xlsx workbook ({_why(exc)})") from None
    try:
        yield wb
    finally:
        wb.close()


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    if "entit" in exc.__class__.__name__.lower() or "DTD" in exc.__class__.__name__:
        return f"XML entities or a DTD refused: {exc.__class__.__name__}"
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


class Merge(NamedTuple):
    """A merged range of cells, 1-based."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


def sheet_rows(path: Path, ws: Any, max_rows: int | None = None,
               merges: list[Merge] | None = None) -> Iterator[tuple[int, list[Any]]]:
    """The rows of read-only worksheet ``ws`` as (row number, values), each row as long as its last
    non-empty cell; rows with nothing in them are skipped. FileRejected naming the cell when a value lies
    past the row or column limit, or a cell is longer than the cell limit; reading stops after row
    ``max_rows`` when given (sniffing). ``merges``, when given, is filled with the sheet's merged ranges
    once every row has been read."""
    from openpyxl.utils.cell import get_column_letter
    from openpyxl.worksheet._reader import (
        WorkSheetParser,  # the parser read-only sheets use, without gap rows
    )

    lim = current()
    wb = ws.parent
    try:
        with ws._get_source() as src:
            parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for number, cells in parser.parse():
                if max_rows is not None and number > max_rows:
                    return
                values = _bounded_row(path, ws.title, number, cells, lim, get_column_letter)
                if values:
                    yield number, values
            if merges is not None and parser.merged_cells is not None:
                merges.extend(_merges(parser.merged_cells))
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML, entities, bad cell references
        raise FileRejected(path.name, f"sheet {ws.title!r} cannot be read ({_why(exc)})") from None


def _bounded_row(path: Path, sheet: str, number: int, cells: list[dict[str, Any]], lim: Limits,
                 letter: Any) -> list[Any]:
    filled = [c for c in cells if c.get("value") not in (None, "")]
    if not filled:
        return []
    for c in filled:
        if number > lim.max_rows or c["column"] > lim.max_columns:
            raise FileRejected(path.name, f"sheet {sheet!r} has a value in cell {letter(c['column'])}{number}, "
                               f"past the {lim.max_rows} rows and {lim.max_columns} columns a workbook may "
                               "use here", value=str(c["value"])[:40])
        if isinstance(c["value"], str) and len(c["value"]) > lim.max_cell_chars:
            raise FileRejected(path.name, f"sheet {sheet!r}, cell {letter(c['column'])}{number} holds "
                               f"{len(c['value'])} characters, past the limit of {lim.max_cell_chars}", number)
    values: list[Any] = [None] * max(c["column"] for c in filled)
    for c in filled:
        values[c["column"] - 1] = c["value"]
    return values


def _merges(merged: Any) -> list[Merge]:
    from openpyxl.worksheet.cell_range import CellRange

    out = []
    for m in merged.mergeCell:
        r = CellRange(m.ref)
        out.append(Merge(r.min_row, r.min_col, r.max_row, r.max_col))
    return out


def worksheets(wb: Any) -> list[Any]:
    """The workbook's worksheets (chart sheets left out)."""
    return list(wb.worksheets)
