"""How big a file the loaders read: bounds on workbooks and CSVs, so a hostile or broken file is refused
with one line instead of taking the process's memory or time.

:data:`LIMITS` holds the bounds in force; tests (and a deployment that needs other figures) replace it;
readers call :func:`current`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1_000_000  # rows of a sheet or a CSV
    max_columns: int = 1_000  # fields of a CSV row, or the last column a workbook cell may sit in
    max_cell_chars: int = 100_000  # characters of one cell (Excel itself stops at 32,767)
    max_xml_bytes: int = 64_000_000  # uncompressed bytes of all of a workbook's members together (the real ePCN: 5.8 MB)
    max_ratio: float = 100.0  # uncompressed / compressed size of one workbook member ...
    ratio_floor: int = 1_000_000  # ... once it inflates past this many bytes
    max_members: int = 10_000  # members of a workbook's zip


LIMITS = Limits()


def current() -> Limits:
    """The bounds in force now (read at each call, so replacing :data:`LIMITS` takes effect)."""
    return LIMITS
