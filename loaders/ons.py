"""ONS lookups: CCG -> STP, STP -> NHS England region, and the chains and footprint lists built from them.

The header says what a file holds. Columns are named ``<ENTITY><yy><PART>`` (``CCG19CD``,
``STP20CDH``, ``NHSER20NM``) or ``<ENTITY>_<PART>`` in derived files (``NHSER_CDH``, ``STP_CD``),
where PART is CD (the ONS code), CDH (the ODS code) or NM (the name); the year prefix may be any
year. Other columns (ONS's ``FID``, counts in derived files) are ignored. Any combination loads:

- CCG -> STP (``CCGxxCD, CCGxxCDH, CCGxxNM, STPxxCD, [STPxxCDH,] STPxxNM``),
- STP -> region (``STPxxCD, STPxxCDH, STPxxNM, NHSERxxCD, NHSERxxCDH, NHSERxxNM``),
- the CCG -> STP -> region chain (all three groups),
- a list of STP footprints (``STP_CD, STP_NM``).

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

from loaders.base import FileRejected, FormatLoader, LoadContext, ParsedFile, read_csv_rows
from loaders.precedence import node_outranked, rel_outranked
from orggraph.errors import RecordError
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel

KIND = "ons"
DESCRIPTION = "ONS lookups: CCG->STP and STP->NHS England region (any year), derived chains and STP lists"

_COLUMN = re.compile(r"^(CCG|STP|NHSER)(\d\d)?_?(CDH|CD|NM)$", re.IGNORECASE)
ENTITIES = ("CCG", "STP", "NHSER")


class _Format(NamedTuple):
    """What a column's values must look like, with the wording used when a value does not."""

    pattern: re.Pattern[str]
    expected: str


_FORMATS: dict[tuple[str, str], _Format] = {
    ("CCG", "CD"): _Format(re.compile(r"^E38\d{6}$"), "an ONS CCG code (E38 and 6 digits)"),
    # 3 characters until 2020; CCGs formed by the April 2021 mergers got 5 (e.g. "M2L0M").
    ("CCG", "CDH"): _Format(re.compile(r"^[0-9A-Z]{3}(?:[0-9A-Z]{2})?$"),
                            "an ODS CCG code (3 or 5 capital letters/digits)"),
    ("STP", "CD"): _Format(re.compile(r"^E54\d{6}$"), "an ONS STP code (E54 and 6 digits)"),
    ("STP", "CDH"): _Format(re.compile(r"^[0-9A-Z]{3}$"), "an ODS STP code (3 capital letters/digits)"),
    ("NHSER", "CD"): _Format(re.compile(r"^E40\d{6}$"), "an ONS NHS England region code (E40 and 6 digits)"),
    ("NHSER", "CDH"): _Format(re.compile(r"^Y\d\d$"), "an ODS NHS England region code (Y and 2 digits)"),
}
# The parts each entity must have: the id column and the name.
_REQUIRED = {"CCG": ("CD", "CDH", "NM"), "STP": ("CD", "NM"), "NHSER": ("CDH", "NM")}


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
            entity, year, part = m.group(1).upper(), m.group(2), m.group(3).upper()
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

    def describe(self) -> str:
        names = {"CCG": "CCG", "STP": "STP", "NHSER": "region"}
        chain = " -> ".join(names[e] for e in self.entities)
        years = sorted({f"20{y}" for y in self.years.values()})
        return f"ONS lookup {chain}" + (f" ({', '.join(years)} codes)" if years else "")


def _header(path: Path, head: list[str]) -> list[str]:
    return next(csv.reader([head[0]])) if head else []


def sniff(path: Path, head: list[str]) -> bool:
    if not head or path.suffix.lower() not in (".csv", ".txt"):
        return False
    layout = Layout(_header(path, head))
    # A name column and a code column of CCGs or STPs: enough to tell from any other CSV we read.
    return any((e, "CD") in layout.index and (e, "NM") in layout.index for e in ("CCG", "STP"))


def _read_layout(path: Path, rows: list[list[str]]) -> Layout:
    """The header checked: FileRejected unless it is an ONS lookup with every column it needs."""
    if not rows:
        raise FileRejected(path.name, "empty file; expected an ONS lookup with a header row")
    layout = Layout(rows[0])
    if not layout.entities:
        raise FileRejected(path.name, "not an ONS lookup: expected columns such as CCG19CD, CCG19CDH, "
                           "CCG19NM, STP19CD, STP19NM or STP20CD, NHSER20CDH, NHSER20NM", 1,
                           value=",".join(layout.header[:8]))
    if layout.missing():
        raise FileRejected(path.name, f"ONS lookup without column(s) {', '.join(layout.missing())}", 1,
                           value=",".join(layout.header))
    return layout


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    layout = _read_layout(path, rows)
    out.report.notes.append(layout.describe())
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
            recs.extend(records.of_row(row, out.source(i)))
    ctx.tick(total, total)
    if records.kept:
        out.report.notes.append(f"{records.kept} IN_STP/IN_REGION link(s) already loaded from a newer file kept "
                                "as they are")
    return out


class _Records:
    """Rows to records: each STP, region and link once per file, demoted where a newer file holds it."""

    def __init__(self, layout: Layout, graph: OrgGraph, file_name: str):
        self.layout, self.graph, self.file_name = layout, graph, file_name
        self.seen: set[tuple[str, str]] = set()  # nodes and links already emitted from an earlier row
        self.kept = 0  # links the graph already holds from a newer file

    def once(self, key: tuple[str, str]) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def of_row(self, row: list[str], src: str) -> list[Record]:
        graph, file_name = self.graph, self.file_name
        # Read and check every value first, so a bad row marks nothing as already emitted.
        got = {(e, p): self.layout.value(row, e, p) for e in self.layout.entities for p in ("CD", "CDH", "NM")}
        ccg, stp, region = got.get(("CCG", "CDH")), got.get(("STP", "CD")), got.get(("NHSER", "CDH"))
        recs: list[Record] = []
        if ccg:
            recs.append(node(ccg, "CCG", {"name": got[("CCG", "NM")], "ons_code": got[("CCG", "CD")]},
                             source=src, stub=node_outranked(graph, ccg, file_name, "ons_code")))
        if stp and self.once(("STP", stp)):
            recs.append(node(stp, "STP", {"name": got[("STP", "NM")], "ods_code": got[("STP", "CDH")]},
                             source=src, stub=node_outranked(graph, stp, file_name)))
        if region and self.once(("Region", region)):
            recs.append(node(region, "Region", {"name": got[("NHSER", "NM")], "ons_code": got[("NHSER", "CD")]},
                             source=src, stub=node_outranked(graph, region, file_name)))
        for start, rtype, end in ((ccg, "IN_STP", stp), (stp, "IN_REGION", region)):
            if not (start and end and self.once((rtype, f"{start}>{end}"))):
                continue
            if rel_outranked(graph, start, rtype, end, None, file_name):
                self.kept += 1
            else:
                recs.append(rel(start, rtype, end, source=src))
        return recs


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
