"""What every loader shares: the per-file report, row-level error capture and file reading helpers.

A loader module exposes ``KIND`` (its name for ``--kind``), ``DESCRIPTION``, ``sniff(path, head)``
(does this file look like mine?) and ``parse(path, ctx) -> ParsedFile``. It reads a file and yields
validated records; it never writes to a store (see :mod:`loaders.pipeline`).

Rows are numbered as a person sees them in a spreadsheet or editor: the first line of the file is row
1, so in a CSV with a header the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from orggraph.errors import OrgGraphError
from orggraph.graph import OrgGraph
from orggraph.models import Record, RecordError

ProgressFn = Callable[[int, int | None], None]


class FileRejected(OrgGraphError):
    """The whole file cannot be read as the kind it claims to be (wrong format, missing columns)."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None,
                 value: Any = None):
        where = f"{file}" + (f", row {row}" if row else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {reason}" + (f" (got {value!r})" if value not in (None, "") else ""))
        self.file, self.reason, self.row, self.column, self.value = file, reason, row, column, value


@dataclass
class Rejection:
    file: str
    row: int
    column: str
    value: Any
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.value!r}: {self.reason}"


@dataclass
class Unresolved:
    """A row that loaded but whose target could not be identified (kept, and listed)."""

    file: str
    row: int
    text: str
    reason: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FileReport:
    file: str
    kind: str
    read: int = 0
    loaded: int = 0
    status: str = "pending"  # loaded | rejected
    rejected: list[Rejection] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # records by label/type
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejected_rows"] = len({r.row for r in self.rejected})
        d["unresolved_rows"] = len(self.unresolved)
        return d


@dataclass
class LoadContext:
    """What a loader may read besides its file: the graph as it stands (to resolve names), progress."""

    graph: OrgGraph = field(default_factory=OrgGraph)
    progress: ProgressFn | None = None
    fuzzy_threshold: float = 90.0

    def tick(self, done: int, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(done, total)


class ParsedFile:
    """Records parsed from one file, each remembering the row it came from."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.kind = kind
        self.records: list[Record] = []
        self.rows: list[int] = []
        self.report = FileReport(file=path.name, kind=kind)

    def source(self, row: int) -> str:
        return f"{self.path.name}:{row}"

    @contextmanager
    def row(self, row: int) -> Iterator[list[Record]]:
        """Collect one row's records; if building any of them fails the whole row is rejected."""
        out: list[Record] = []
        self.report.read += 1
        try:
            yield out
        except RecordError as err:
            self.reject(row, err.column, err.value, err.reason)
            return
        self.records.extend(out)
        self.rows.extend([row] * len(out))

    def reject(self, row: int, column: str, value: Any, reason: str) -> None:
        self.report.rejected.append(Rejection(self.path.name, row, column, value, reason))

    def unresolved(self, row: int, text: str, reason: str, candidates: list[dict[str, Any]] | None = None
                   ) -> None:
        self.report.unresolved.append(Unresolved(self.path.name, row, text, reason, candidates or []))


def read_text(path: Path) -> str:
    """File text, UTF-8 (with or without BOM), falling back to Windows-1252 as NHS exports often are."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_csv_rows(path: Path) -> list[list[str]]:
    """All rows of a CSV file as lists of strings (header included, if any)."""
    return list(csv.reader(io.StringIO(read_text(path), newline="")))


def head_lines(path: Path, n: int = 12) -> list[str]:
    """The first few lines of a text file, for sniffing ('' for binary files such as xlsx)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return []
    try:
        with path.open("rb") as fh:
            chunk = fh.read(65536)
    except OSError:
        return []
    try:
        text = chunk.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = chunk.decode("cp1252", errors="replace")
    return text.splitlines()[:n]


def yyyymmdd(value: str, column: str) -> str | None:
    """An ODS date (YYYYMMDD) as ISO, or None if blank; RecordError if malformed."""
    v = (value or "").strip()
    if not v:
        return None
    if len(v) != 8 or not v.isdigit():
        raise RecordError(column, value, "expected a date as YYYYMMDD")
    iso = f"{v[:4]}-{v[4:6]}-{v[6:]}"
    try:
        import datetime as dt

        dt.date.fromisoformat(iso)
    except ValueError:
        raise RecordError(column, value, "expected a real calendar date as YYYYMMDD") from None
    return iso
