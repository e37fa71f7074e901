"""What every loader shares: the loader contract, the per-file report, row-level error capture and
file reading helpers.

Each format module exposes one :class:`Loader` as ``LOADER``: its ``kind`` (its name for ``--kind``),
``description``, ``sniff(path, head)`` (does this file look like mine?), ``parse(path, ctx) ->
ParsedFile`` and ``load_phase(path, head)`` (when a folder load reads it). It reads a file and yields
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
from typing import Any, Protocol

from loaders.limits import current
from orggraph import temporal
from orggraph.errors import OrgGraphError, RecordError
from orggraph.graph import OrgGraph
from orggraph.models import Record

ProgressFn = Callable[[int, int | None], None]
SniffFn = Callable[[Path, list[str]], bool]
PhaseFn = Callable[[Path, list[str]], int]


class FileRejected(OrgGraphError):
    """The whole file cannot be read as the kind it claims to be (wrong format, missing columns)."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None,
                 value: Any = None):
        where = f"{file}" + (f", row {row}" if row else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {reason}" + (f" (got {value!r})" if value not in (None, "") else ""))
        self.file, self.reason, self.row, self.column, self.value = file, reason, row, column, value


class NothingLoaded(FileRejected):
    """The file was read, but nothing in it could be loaded (empty, or every row refused)."""

    def __init__(self, file: str, reason: str):
        super().__init__(file, reason)
        self.args = (f"nothing loaded from {file}: {reason}",)


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
    # The date the file is a snapshot of, and how it was found (see loaders.releases); None for
    # files that are not snapshots (graph CSVs, registers) or give no date at all.
    release_date: str | None = None
    release_basis: str | None = None

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
        self.release_date: str | None = None  # ISO date the file states for itself (EXTRACT_DATE, ONS year code)
        # The latest date among ALL the file's rows, where the loader reads rows it turns into no record
        # (epraccur's other prescribing settings): a better "as of" than the records' own dates.
        self.content_date: str | None = None

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


# The first bytes of files people give by mistake, and what to call them.
_MAGIC = ((b"PK\x03\x04", "a zip archive or an xlsx workbook"), (b"\x89PNG", "a PNG image"),
          (b"%PDF", "a PDF document"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\xd0\xcf\x11\xe0", "an old Excel (xls) or Office file"))


def binary_kind(path: Path) -> str | None:
    """What a non-text file is ("an xlsx workbook", "a PNG image"), or None for text."""
    try:
        with path.open("rb") as fh:
            start = fh.read(4096)
    except OSError:
        return None
    for magic, what in _MAGIC:
        if start.startswith(magic):
            return what
    return "a binary file" if b"\x00" in start else None


def decode(name: str, raw: bytes) -> str:
    """A file's text, one encoding for the whole file: UTF-8 (with or without a BOM) if it all decodes
    as UTF-8; else, if it holds no valid UTF-8 character beyond ASCII at all, Windows-1252 as NHS exports
    often are (Latin-1 for the five bytes Windows-1252 leaves undefined). A file that is UTF-8 but for a
    stray byte of another encoding is refused naming the line of that byte: read either way some of its
    names would be garbled."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    loose = raw.decode("utf-8", errors="replace")
    if any(ord(ch) > 0x7F and ch != "\ufffd" for ch in loose):
        raise FileRejected(name, f"byte 0x{raw[bad]:02X} is not UTF-8, but the rest of the file is UTF-8; "
                           "save the file as UTF-8 (nothing loaded, so no name is garbled)",
                           raw[:bad].count(b"\n") + 1)
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_text(path: Path) -> str:
    """File text in the file's one encoding (see :func:`decode`); FileRejected for a binary file."""
    what = binary_kind(path)
    if what is not None:
        raise FileRejected(path.name, f"this is {what}, not a text file")
    return decode(path.name, path.read_bytes())


def csv_rows(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, fields) for each CSV record of ``text``. FileRejected naming the row for
    a row wider than ``LIMITS.max_columns``, a cell longer than ``LIMITS.max_cell_chars`` or text the
    csv module cannot read: the file is refused whole (a giant cell is most often an unclosed quote
    that swallowed the rows after it)."""
    lim = current()
    if csv.field_size_limit() < lim.max_cell_chars + 1:
        csv.field_size_limit(lim.max_cell_chars + 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileRejected(name, f"a cell holds more than {lim.max_cell_chars} characters, the limit "
                                   "(an unclosed quote?)", start) from None
            raise FileRejected(name, f"not a readable CSV file ({exc})", start) from None
        if len(record) > lim.max_columns:
            raise FileRejected(name, f"{len(record)} columns, past the limit of {lim.max_columns}", start)
        for i, cell in enumerate(record):
            if len(cell) > lim.max_cell_chars:
                raise FileRejected(name, f"column {i + 1} holds {len(cell)} characters, past the limit of "
                                   f"{lim.max_cell_chars} (an unclosed quote?)", start)
        yield start, record
        start = reader.line_num + 1


def read_csv_rows(path: Path) -> list[list[str]]:
    """All rows of a CSV file as lists of strings (header included, if any), within the limits (see
    :func:`csv_rows`)."""
    return [row for _, row in csv_rows(path.name, read_text(path))]


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


def col(row: list[str], n: int) -> str:
    """Column ``n`` of a headerless ODS row, counted from 1 as the ODS specifications number them."""
    return row[n - 1].strip()


def yyyymmdd(value: str, column: str) -> str | None:
    """An ODS date (YYYYMMDD) as ISO, or None if blank; RecordError if malformed."""
    v = (value or "").strip()
    if not v:
        return None
    if len(v) != 8 or not v.isdigit():
        raise RecordError(column, value, "expected a date as YYYYMMDD")
    try:
        return temporal.iso(f"{v[:4]}-{v[4:6]}-{v[6:]}")
    except ValueError:
        raise RecordError(column, value, "expected a real calendar date as YYYYMMDD") from None


# ---- the loader contract -------------------------------------------------------------------------
# Phases of a folder load: national reference files first, then graph-CSV nodes, then relationships,
# then registers (they match people and organisations by name, so everything else must be in), then
# meetings' declarations logs (they name agenda items, and people a register may have created).
PHASE_REFERENCE, PHASE_NODES, PHASE_RELATIONSHIPS, PHASE_REGISTERS, PHASE_MEETING_LOGS = 0, 1, 2, 3, 4


class Loader(Protocol):
    """One source format: what ``--kind`` calls it, how to recognise its files and how to read them."""

    @property
    def kind(self) -> str: ...

    @property
    def description(self) -> str: ...

    def sniff(self, path: Path, head: list[str]) -> bool:
        """Does the file at ``path`` (its first lines ``head``; [] for a workbook) look like this format?"""
        ...

    def parse(self, path: Path, ctx: LoadContext) -> ParsedFile:
        """Validated records from the file, with its report; FileRejected if it cannot be read at all."""
        ...

    def load_phase(self, path: Path, head: list[str]) -> int:
        """When a folder load reads this file: lower phases first (see ``PHASE_*``)."""
        ...


@dataclass(frozen=True)
class FormatLoader:
    """A :class:`Loader` made of a format module's functions; ``phase`` is a fixed phase or a function of
    the file (graph CSVs: nodes before relationships)."""

    kind: str
    description: str
    sniff: SniffFn
    parse: Callable[[Path, LoadContext], ParsedFile]
    phase: int | PhaseFn = PHASE_REFERENCE

    def load_phase(self, path: Path, head: list[str]) -> int:
        return self.phase if isinstance(self.phase, int) else self.phase(path, head)

    # The names loader modules used before they became objects (``loader_module(kind).DESCRIPTION``).
    @property
    def KIND(self) -> str:
        return self.kind

    @property
    def DESCRIPTION(self) -> str:
        return self.description
