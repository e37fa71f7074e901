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
from collections.abc import Iterable
from typing import Any, TextIO

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
