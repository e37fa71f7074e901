"""Cells that a spreadsheet will not run: the guard every CSV/XLSX output applies (OWASP "CSV injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read by Excel, LibreOffice
and Google Sheets as a formula; :func:`guard_cell` prefixes it with a single quote, which they show as
text. Numbers are left alone (a value of -5 stays the number -5), and so is any other text.

The guard is exactly reversible, so a machine-readable file (the graph CSV export) can carry it and
still load back the same values: a text whose leading quotes are followed by a trigger character gets
one more quote, and :func:`unguard_cell` removes exactly one quote from such a text. ``'=x`` (someone's
literal quote) is written ``''=x`` and reads back ``'=x``; ``'plain`` is never touched either way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import orjson

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _guarded_form(text: str) -> bool:
    """True when ``text`` (after any leading quotes) starts with a trigger character."""
    return text.lstrip(QUOTE).startswith(TRIGGERS)


def guard_cell(value: Any) -> Any:
    """``value`` safe to put in a spreadsheet cell: text that would start a formula gets a leading quote;
    anything that is not text (numbers, booleans, None) is returned as it is."""
    if isinstance(value, str) and _guarded_form(value):
        return QUOTE + value
    return value


def unguard_cell(text: str) -> str:
    """The inverse of :func:`guard_cell` on text read back from a file it wrote."""
    if text.startswith(QUOTE) and _guarded_form(text):
        return text[1:]
    return text


class CsvWriter:
    """``csv.writer`` with ``\n`` line ends that also quotes a row with a carriage return in a cell.

    The csv module only quotes cells holding the line terminator, so a bare CR stayed unquoted: a
    spreadsheet (and the csv reader) then starts a new row there, and ``x\r=cmd...`` would smuggle a
    formula past the guard. Such rows are written with every cell quoted; other rows as before."""

    def __init__(self, fh: TextIO):
        self._minimal = csv.writer(fh, lineterminator="\n")
        self._quoted = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[Any]) -> None:
        cells = list(row)
        carriage = any(isinstance(c, str) and "\r" in c for c in cells)
        (self._quoted if carriage else self._minimal).writerow(cells)


__all__ = ["TRIGGERS", "CsvWriter", "guard_cell", "unguard_cell"]


def to_plain(obj: Any) -> Any:
    """JSON-ready data from pydantic models, dicts and lists (for the CLI's and the API's output; a model
    is anything with ``model_dump``, so output that holds no model never imports pydantic)."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    return obj


# Columns whose list values are joined with ";" in a row (not written as JSON text).
JOINED_COLUMNS = frozenset({"breach_kinds", "failing", "co_optable"})


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One CSV/table row: nested values become compact JSON text."""
    out = {}
    for k, v in row.items():
        if k in JOINED_COLUMNS and isinstance(v, list):
            out[k] = ";".join(str(x) for x in v)  # breach_kinds: "voted_while_conflicted;not_declared_at_meeting"
        else:
            out[k] = orjson.dumps(v).decode() if isinstance(v, dict | list) else v
    return out


def rows_to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Plain rows as CSV text (header first; the columns given, else the first row's keys). Text that a
    spreadsheet would read as a formula is guarded (:mod:`orggraph.csvsafe`); numbers stay numbers."""
    buf = io.StringIO()
    flat = [flatten(r) for r in rows]
    cols = list(columns or (flat[0].keys() if flat else []))
    writer = CsvWriter(buf)
    writer.writerow(cols)
    for row in flat:
        writer.writerow(guard_cell(row.get(c, "")) for c in cols)
    return buf.getvalue()


