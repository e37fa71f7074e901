"""Whole-file checks every CSV loader shares: a file that is not text at all, a file that yields nothing.

Both end in :class:`~loaders.base.FileRejected`, so the CLI prints one line and exits 1, and
``POST /api/load`` answers 422, whatever ``--kind`` the file was given as.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from loaders.base import FileRejected, binary_kind


def refuse_binary(path: Path, expected: str) -> None:
    """FileRejected when the file is not text (a workbook, an image) where ``expected`` (a CSV) is read."""
    what = binary_kind(path)
    if what is not None:
        raise FileRejected(path.name, f"this is {what}, not {expected}")


def first_fields(head: list[str]) -> list[str]:
    """The first line of a CSV as its fields, stripped (a BOM dropped); [] for an empty file."""
    if not head:
        return []
    return [f.strip().lstrip("\ufeff") for f in next(csv.reader([head[0]]), [])]


def no_records_reason(what: str, why: str, skipped: int, rejected: Sequence[object]) -> str:
    """The one line a file that yields nothing of its kind is refused with, e.g. "0 GP practices: ..."."""
    detail = [f"{skipped} other rows skipped"] if skipped else []
    if rejected:
        detail.append(f"{len(rejected)} rows rejected, the first: {rejected[0]}")
    return f"0 {what}: {why}" + (f" ({'; '.join(detail)})" if detail else "")


@lru_cache(maxsize=16)
def _workbook_heads(path: Path, mtime: float, rows: int) -> tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...]:
    from loaders.workbook import open_workbook, sheet_rows

    try:
        with open_workbook(path) as wb:
            return tuple((ws.title, tuple(tuple(r) for _, (_, r) in zip(range(rows), sheet_rows(path, ws), strict=False)))
                         for ws in wb.worksheets)
    except FileRejected:
        return ()  # any unreadable workbook is simply "not mine" when sniffing; its loader says why


def workbook_heads(path: Path, rows: int = 1) -> list[tuple[str, list[list[Any]]]]:
    """Each sheet of a workbook with its first ``rows`` rows ([] if it cannot be read): for sniffing."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return []
    return [(title, [list(r) for r in head]) for title, head in _workbook_heads(path, mtime, rows)]


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook ([] if it cannot be read)."""
    return [title for title, _ in workbook_heads(path)]

