"""ONS lookups: CCG -> STP, STP -> NHS England region, sub-ICB location -> ICB -> region, the chains and
footprint lists built from them, and ICB name lists. CSV or the XLSX ONS publishes (first sheet with such
a header; the ``Metadata`` sheet is ignored).

The header says what a file holds. Columns are named ``<ENTITY><yy><PART>`` (``CCG19CD``,
``STP20CDH``, ``NHSER20NM``) or ``<ENTITY>_<PART>`` in derived files (``NHSER_CDH``, ``STP_CD``),
where PART is CD (the ONS code), CDH (the ODS code) or NM (the name); the year prefix may be any
year. Other columns (ONS's ``FID``, counts in derived files) are ignored. Any combination loads:

- CCG -> STP (``CCGxxCD, CCGxxCDH, CCGxxNM, STPxxCD, [STPxxCDH,] STPxxNM``),
- STP -> region (``STPxxCD, STPxxCDH, STPxxNM, NHSERxxCD, NHSERxxCDH, NHSERxxNM``),
- the CCG -> STP -> region chain (all three groups),
- a list of STP footprints (``STP_CD, STP_NM``),
- sub-ICB location -> ICB -> region (``LOC22CD, LOC22CDH, LOC22NM, ICB22CD, ICB22CDH, ICB22NM,
  NHSER22CD, NHSER22CDH, NHSER22NM``; ``SICBLxx`` columns are read like ``LOCxx``),
- a list of ICBs (``ICB24CD, ICB24CDH, ICB24NM``).

A sub-ICB location is the ``CCG`` node of the code it kept: the lookup gives it ``ons_code`` and
``sicbl_name`` (never ``name``, the CCG-era name). An ``ICB`` is keyed by its ODS Q-code with the ONS E54
code in ``ons_code``. ``IN_ICB`` SICBL -> ICB starts on 2022-07-01, the day ICBs took over; ``IN_REGION``
ICB -> region is a snapshot like STP -> region.

Release date: ONS names each lookup after the date it describes, and the year in the column codes says
which: ``release_date`` is 1 April of that year (CCG19 -> 2019-04-01, STP20/NHSER20 -> 2020-04-01),
except the July 2022 lookup (LOC22/ICB22 -> 2022-07-01) and the December 2024 ICB names list (ICB24
without sub-ICB locations -> 2024-12-01). A file without a year in its columns has none.

Identity: a ``CCG`` is keyed by its ODS code (CDH), with the ONS E38 code kept in ``ons_code``; an
``STP`` by its ONS E54 code, with the ODS code kept in ``ods_code`` when the file has one; a
``Region`` by its ODS Y-code, with the ONS E40 code kept in ``ons_code``. CCGs here are full records
(named), so they fill in the stubs epraccur and ePCN create.

Dates: a lookup is a snapshot (what was true on 1 April of its year), not a history: it says neither
when a CCG joined its STP nor when it left. So ``IN_STP`` and ``IN_REGION`` carry no dates, and the
same CCG -> STP pair in several years' lookups is one relationship (loading 2019, 2020 and 2021 gives
each pair once, not three times). A CCG whose STP code changed between years (West Yorkshire's
E54000005 became E54000054 in 2020) ends up with one ``IN_STP`` per code. Where years disagree on a
name, the newest file wins whatever the load order (see :mod:`loaders.precedence`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import NamedTuple

from loaders.base import FileRejected, FormatLoader, LoadContext, NothingLoaded, ParsedFile, read_csv_rows
from loaders.checks import no_records_reason, refuse_binary, workbook_heads
from loaders.precedence import node_outranked, rel_outranked
from orggraph.errors import RecordError
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel

KIND = "ons"
DESCRIPTION = ("ONS lookups (CSV or XLSX, any year): CCG->STP, STP->region, sub-ICB location->ICB->region, "
               "STP and ICB lists")

_COLUMN = re.compile(r"^(CCG|SICBL|LOC|STP|ICB|NHSER)(\d\d)?_?(CDH|CD|NM)$", re.IGNORECASE)
ENTITIES = ("CCG", "LOC", "STP", "ICB", "NHSER")
ICB_ERA_START = "2022-07-01"
# Lookups ONS dates other than 1 April: (entity whose year counts, year) -> date.
_RELEASES = {("LOC", "22"): "2022-07-01", ("ICB", "22"): "2022-07-01", ("ICB", "24"): "2024-12-01"}


class _Format(NamedTuple):
    """What a column's values must look like, with the wording used when a value does not."""

    pattern: re.Pattern[str]
    expected: str


_FORMATS: dict[tuple[str, str], _Format] = {
    ("CCG", "CD"): _Format(re.compile(r"^E38\d{6}$"), "an ONS CCG code (E38 and 6 digits)"),
    # 3 characters until 2020; CCGs formed by the April 2021 mergers got 5 (e.g. "M2L0M").
    ("CCG", "CDH"): _Format(re.compile(r"^[0-9A-Z]{3}(?:[0-9A-Z]{2})?$"),
                            "an ODS CCG code (3 or 5 capital letters/digits)"),
    ("LOC", "CD"): _Format(re.compile(r"^E38\d{6}$"), "an ONS sub-ICB location code (E38 and 6 digits)"),
    ("LOC", "CDH"): _Format(re.compile(r"^[0-9A-Z]{3}(?:[0-9A-Z]{2})?$"),
                            "an ODS sub-ICB location code (3 or 5 capital letters/digits)"),
    ("ICB", "CD"): _Format(re.compile(r"^E54\d{6}$"), "an ONS ICB code (E54 and 6 digits)"),
    ("ICB", "CDH"): _Format(re.compile(r"^(Q[0-9A-Z]{2}|[A-Z]\d[A-Z]\d[A-Z])$"),
                            "an ODS ICB code (Q and 2 capital letters/digits, or 5 characters)"),
    ("STP", "CD"): _Format(re.compile(r"^E54\d{6}$"), "an ONS STP code (E54 and 6 digits)"),
    ("STP", "CDH"): _Format(re.compile(r"^[0-9A-Z]{3}$"), "an ODS STP code (3 capital letters/digits)"),
    ("NHSER", "CD"): _Format(re.compile(r"^E40\d{6}$"), "an ONS NHS England region code (E40 and 6 digits)"),
    ("NHSER", "CDH"): _Format(re.compile(r"^Y\d\d$"), "an ODS NHS England region code (Y and 2 digits)"),
}
# The parts each entity must have: the id column and the name.
_REQUIRED = {"CCG": ("CD", "CDH", "NM"), "LOC": ("CD", "CDH", "NM"), "STP": ("CD", "NM"), "ICB": ("CDH", "NM"),
             "NHSER": ("CDH", "NM")}


class Layout:
    """Where each (entity, part) sits in the header, and the year prefix of each entity."""

    def __init__(self, header: list[str]):
        self.header = [h.strip().lstrip("\ufeff") for h in header]
        self.index: dict[tuple[str, str], int] = {}
        self.years: dict[str, str] = {}
        for i, name in enumerate(self.header):
            m = _COLUMN.match(name)
            if not m:
                continue
            entity, year, part = m.group(1).upper().replace("SICBL", "LOC"), m.group(2), m.group(3).upper()
            self.index.setdefault((entity, part), i)
            if year:
                self.years.setdefault(entity, year)

    @property
    def entities(self) -> list[str]:
        return [e for e in ENTITIES if any((e, p) in self.index for p in ("CD", "CDH", "NM"))]

    def column(self, entity: str, part: str) -> str:
        return self.header[self.index[(entity, part)]]

    def missing(self) -> list[str]:
        out = []
        for entity in self.entities:
            year = self.years.get(entity, "xx")
            out += [f"{entity}{year}{part}" for part in _REQUIRED[entity] if (entity, part) not in self.index]
        return out

    def value(self, row: list[str], entity: str, part: str) -> str | None:
        """A row's value for (entity, part), checked; None when the file has no such column or it is an
        optional blank; RecordError when a required value is blank or malformed."""
        i = self.index.get((entity, part))
        if i is None:
            return None
        column = self.header[i]
        v = row[i].strip() if i < len(row) else ""
        fmt = _FORMATS.get((entity, part))
        if not v:
            if part in _REQUIRED[entity]:
                raise RecordError(column, v, f"expected {fmt.expected if fmt else 'a name'}")
            return None
        if fmt and not fmt.pattern.match(v):
            raise RecordError(column, v, f"expected {fmt.expected}")
        return v

    def release_date(self) -> str | None:
        """The date the lookup describes, from the year in its column codes (see the module docstring)."""
        if not self.years:
            return None
        entity, year = max(((e, y) for e, y in self.years.items()), key=lambda ey: ey[1])
        if entity == "ICB" and "LOC" not in self.years:
            return _RELEASES.get(("ICB", year), f"20{year}-04-01")
        return _RELEASES.get(("LOC" if "LOC" in self.years else entity, year), f"20{year}-04-01")

    def describe(self) -> str:
        names = {"CCG": "CCG", "LOC": "sub-ICB location", "STP": "STP", "ICB": "ICB", "NHSER": "region"}
        chain = " -> ".join(names[e] for e in self.entities)
        years = sorted({f"20{y}" for y in self.years.values()})
        return f"ONS lookup {chain}" + (f" ({', '.join(years)} codes)" if years else "")


def _header(path: Path, head: list[str]) -> list[str]:
    return next(csv.reader([head[0]])) if head else []


def _is_lookup(layout: Layout) -> bool:
    # A name column and a code column of CCGs, SICBLs, STPs or ICBs: enough to tell from any other file we read.
    return any((e, c) in layout.index and (e, "NM") in layout.index
               for e in ("CCG", "LOC", "STP", "ICB") for c in ("CD", "CDH"))


def sniff(path: Path, head: list[str]) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return any(rows and _is_lookup(Layout([_cell(c) for c in rows[0]])) for _, rows in workbook_heads(path))
    if not head or path.suffix.lower() not in (".csv", ".txt"):
        return False
    return _is_lookup(Layout(_header(path, head)))


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The rows of the workbook's first sheet with an ONS lookup header, as text (streaming, within the
    limits: see loaders.workbook); each row padded to the header's width."""
    from loaders.workbook import open_workbook, sheet_rows

    with open_workbook(path) as wb:
        for ws in wb.worksheets:
            rows = [[_cell(c) for c in r] for _, r in sheet_rows(path, ws)]
            if rows and _is_lookup(Layout(rows[0])):
                width = len(rows[0])
                return [r + [""] * (width - len(r)) for r in rows]
        raise FileRejected(path.name, "no sheet of this workbook is an ONS lookup (a header such as LOC22CD, "
                           "LOC22CDH, LOC22NM, ICB22CD, ...)", value=", ".join(wb.sheetnames))


def _read_layout(path: Path, rows: list[list[str]]) -> Layout:
    """The header checked: FileRejected unless it is an ONS lookup with every column it needs."""
    if not rows:
        raise FileRejected(path.name, "empty file; expected an ONS lookup with a header row")
    layout = Layout(rows[0])
    if not layout.entities:
        raise FileRejected(path.name, "not an ONS lookup: expected columns such as CCG19CD, CCG19CDH, "
                           "CCG19NM, STP19CD, STP19NM or STP20CD, NHSER20CDH, NHSER20NM or LOC22CD, "
                           "ICB22CDH, ICB22NM", 1,
                           value=",".join(layout.header[:8]))
    if layout.missing():
        raise FileRejected(path.name, f"ONS lookup without column(s) {', '.join(layout.missing())}", 1,
                           value=",".join(layout.header))
    return layout


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    out = ParsedFile(path, KIND)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        refuse_binary(path, "an ONS lookup CSV")
        rows = read_csv_rows(path)
    layout = _read_layout(path, rows)
    out.release_date = layout.release_date()
    out.report.notes.append(layout.describe() + (f", release date {out.release_date}" if out.release_date else ""))
    records = _Records(layout, ctx.graph, path.name)
    total = len(rows)
    for i, row in enumerate(rows[1:], start=2):
        if i % 500 == 0:
            ctx.tick(i, total)
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(layout.header):
            out.report.read += 1
            out.reject(i, "(row)", len(row), f"expected {len(layout.header)} columns as in the header")
            continue
        with out.row(i) as recs:
            recs.extend(records.of_row(row, out.source(i), i))
    ctx.tick(total, total)
    if not out.records:
        raise NothingLoaded(path.name, no_records_reason("organisations", "no row of the lookup could be read", 0,
                                                        list(out.report.rejected)))
    if records.kept:
        out.report.notes.append(f"{records.kept} IN_STP/IN_REGION/IN_ICB link(s) already loaded from a newer file "
                                "kept as they are")
    return out


class _Records:
    """Rows to records: each STP, region and link once per file, demoted where a newer file holds it."""

    def __init__(self, layout: Layout, graph: OrgGraph, file_name: str):
        self.layout, self.graph, self.file_name = layout, graph, file_name
        self.seen: set[tuple[str, str]] = set()  # nodes and links already emitted from an earlier row
        self.kept = 0  # links the graph already holds from a newer file
        self.first_row: dict[str, int] = {}  # the id of each row's first entity -> the row that gave it first

    def once(self, key: tuple[str, str]) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def of_row(self, row: list[str], src: str, number: int) -> list[Record]:
        # Read and check every value first, so a bad row marks nothing as already emitted.
        got = {(e, p): self.layout.value(row, e, p) for e in self.layout.entities for p in ("CD", "CDH", "NM")}
        ids = {e: got.get((e, "CD" if e == "STP" else "CDH")) for e in ENTITIES}
        self.once_per_file(ids, number)
        recs: list[Record] = []
        for entity in ENTITIES:
            code = ids[entity]
            if code and (entity in ("CCG", "LOC") or self.once((entity, code))):
                recs.append(self.node_of(entity, code, got, src))
        for start, rtype, end in (("CCG", "IN_STP", "STP"), ("STP", "IN_REGION", "NHSER"),
                                  ("LOC", "IN_ICB", "ICB"), ("ICB", "IN_REGION", "NHSER")):
            a, b = ids[start], ids[end]
            if not (a and b and self.once((rtype, f"{a}>{b}"))):
                continue
            props = {"valid_from": ICB_ERA_START} if rtype == "IN_ICB" else {}
            if rel_outranked(self.graph, a, rtype, b, props.get("valid_from"), self.file_name):
                self.kept += 1
            else:
                recs.append(rel(a, rtype, b, props, source=src))
        return recs

    def once_per_file(self, ids: dict[str, str | None], number: int) -> None:
        """A lookup gives each of its first entity (the CCG of CCG -> STP, the STP of STP -> region, each
        ICB of a list) once: a second row for it (a CCG in two STPs) is refused, naming the first."""
        entity = self.layout.entities[0]
        code = ids.get(entity)
        if not code:
            return
        first = self.first_row.setdefault(code, number)
        if first != number:
            part = "CD" if entity == "STP" else "CDH"
            raise RecordError(self.layout.column(entity, part), code, f"also on row {first}: one row per "
                              f"{entity} in a lookup (this row is not loaded)")

    def node_of(self, entity: str, code: str, got: dict[tuple[str, str], str | None], src: str) -> Record:
        """The record of one entity of a row: its label, id and the properties the lookup gives it."""
        graph, file_name = self.graph, self.file_name
        name, ons = got.get((entity, "NM")), got.get((entity, "CD"))
        if entity == "CCG":
            return node(code, "CCG", {"name": name, "ons_code": ons}, source=src,
                        stub=node_outranked(graph, code, file_name, "ons_code"))
        if entity == "LOC":  # the CCG node of the code the sub-ICB location kept; its CCG-era name untouched
            return node(code, "CCG", {"sicbl_name": name, "ons_code": ons}, source=src,
                        stub=node_outranked(graph, code, file_name, "ons_code"))
        if entity == "STP":
            return node(code, "STP", {"name": name, "ods_code": got.get(("STP", "CDH"))}, source=src,
                        stub=node_outranked(graph, code, file_name))
        if entity == "ICB":
            return node(code, "ICB", {"name": name, "ons_code": ons}, source=src,
                        stub=node_outranked(graph, code, file_name))
        return node(code, "Region", {"name": name, "ons_code": ons}, source=src,
                    stub=node_outranked(graph, code, file_name))


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
