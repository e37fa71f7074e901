"""ODS epraccur: GP practices and prescribing cost centres (headerless CSV, 27 columns).

Only GP practice rows become ``Practice`` nodes: prescribing setting ``4`` in the coding ODS used until
2025, role ``RO76`` in column 26 in the 2026 coding; other rows are counted and skipped. Both codings
keep ``status`` as the ODS letter: the 2026 words map ACTIVE -> A, INACTIVE -> C (closed),
DORMANT -> D, PROPOSED -> P. Each practice gets ``COMMISSIONED_BY`` its commissioner (column 15) with
the join/left dates; a commissioner code creates a stub ``CCG`` that a later ONS lookup or eccg names.

Column 4 ("high level health geography") held the NHS England local office or STP until June 2022 and
the ICB from 1 July 2022. It is read as an ICB only in a release from the ICB era, told by content: the
latest date anywhere in the file (open, close, join, left) is on or after 2022-07-01. In such a
release (or one in the 2026 coding) each active practice's commissioner (a sub-ICB location) gets ``IN_ICB`` to that ICB (a stub
``ICB`` node) from 2022-07-01; Wales (Q99) is left out.

A copy re-saved with a header row (``OrgCode,Name,...,Commissioner,...,PrescrSet``, the null columns
dropped) is read by its column names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from loaders.base import (
    FileRejected,
    FormatLoader,
    LoadContext,
    NothingLoaded,
    ParsedFile,
    read_csv_rows,
    yyyymmdd,
)
from loaders.checks import first_fields, no_records_reason, refuse_binary
from loaders.precedence import Mentions, node_outranked, rel_outranked
from orggraph.errors import RecordError
from orggraph.models import Record, node, rel
from orggraph.temporal import iso

KIND = "epraccur"
DESCRIPTION = "ODS epraccur: GP practices, their commissioner and (from July 2022) its ICB (27 columns)"
N_COLUMNS = 27
GP_PRACTICE_SETTINGS = ("4", "RO76")  # prescribing setting 4 (until 2025); role RO76 (2026 coding)
STATUS_LETTERS = {"A": "A", "C": "C", "D": "D", "P": "P",
                  "ACTIVE": "A", "INACTIVE": "C", "DORMANT": "D", "PROPOSED": "P"}
ICB_ERA_START = "2022-07-01"
NEW_CODING_FROM = "2026-04-01"  # ODS moved epraccur to the RO76 / ACTIVE coding in April 2026
# Columns by 1-based position in the ODS specification.
COLUMNS = {1: "Organisation Code", 2: "Name", 3: "National Grouping", 4: "High Level Health Geography",
           10: "Postcode", 11: "Open Date", 12: "Close Date", 13: "Status Code", 15: "Commissioner",
           16: "Join Provider/Purchaser Date", 17: "Left Provider/Purchaser Date", 26: "Prescribing Setting"}
# The same columns in re-saved copies with a header.
HEADER_NAMES = {1: "OrgCode", 2: "Name", 3: "NationalGrouping", 4: "HighLevelHealthGeography", 10: "Postcode",
                11: "OpenDate", 12: "CloseDate", 13: "StatusCode", 15: "Commissioner", 16: "JoinProviderDate",
                17: "LeftProviderDate", 26: "PrescrSet"}
DATE_COLUMNS = (11, 12, 16, 17)
_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
_ICB_CODE = re.compile(r"^(Q[A-Z0-9]{2}|[A-Z]\d[A-Z]\d[A-Z])$")
_WALES = "Q99"
_SETTING = re.compile(r"^(\d{1,2}|RO\d+)$")


class Layout(NamedTuple):
    """Where each specification column sits in the file, and what to call it in a report."""

    columns: dict[int, int]
    names: dict[int, str]
    width: int
    first_row: int  # 1-based number of the first data row

    def get(self, row: list[str], n: int) -> str:
        i = self.columns.get(n)
        return row[i].strip() if i is not None and i < len(row) else ""


HEADERLESS = Layout({n: n - 1 for n in COLUMNS}, COLUMNS, N_COLUMNS, 1)


def looks_like_row(fields: list[str]) -> bool:
    """A headerless ODS epraccur row: 27 fields, a status and a prescribing setting or role."""
    return (len(fields) == N_COLUMNS and bool(_CODE.match(fields[0].strip()))
            and fields[12].strip().upper() in STATUS_LETTERS and bool(_SETTING.match(fields[25].strip())))


def sniff(path: Path, head: list[str]) -> bool:
    first = first_fields(head)
    if {"OrgCode", "Commissioner", "PrescrSet"} <= set(first):
        return True
    return looks_like_row(first)


def _layout(path: Path, rows: list[list[str]]) -> Layout:
    """Headerless (the ODS release) or a re-saved copy with a header; FileRejected for any other header."""
    first = [c.strip().lstrip("\ufeff") for c in rows[0]] if rows else []
    if "OrgCode" in first or "PrescrSet" in first:
        missing = [h for h in HEADER_NAMES.values() if h not in first]
        if missing:
            raise FileRejected(path.name, f"a re-saved epraccur with a header but without column(s) "
                               f"{', '.join(missing)}", 1, value=",".join(first[:8]))
        index = {n: first.index(h) for n, h in HEADER_NAMES.items()}
        return Layout(index, HEADER_NAMES, len(first), 2)
    if first and first[0].lower().startswith("organisation"):
        raise FileRejected(path.name, "epraccur has no header row; this looks like a different file", 1)
    return HEADERLESS


def latest_date(rows: list[list[str]], layout: Layout) -> str:
    """The latest YYYYMMDD date in the file's date columns over every row, of any prescribing setting
    ('' if none): the release's "as of". Proposed organisations (status P) are left out: their dates
    are plans (a practice due to open after the release), not what the release saw. A value that is
    not a real calendar date is passed over here (its row is rejected, with the reason, as it loads)."""
    best = ""
    for row in rows[layout.first_row - 1:]:
        if STATUS_LETTERS.get(layout.get(row, 13).upper()) == "P":
            continue
        for n in DATE_COLUMNS:
            v = layout.get(row, n)
            if len(v) == 8 and v.isdigit() and v > best and _calendar_date(v):
                best = v
    return f"{best[:4]}-{best[4:6]}-{best[6:]}" if best else ""


def _calendar_date(yyyymmdd: str) -> bool:
    try:
        iso(f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}")
    except ValueError:
        return False
    return True


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    refuse_binary(path, "an ODS epraccur CSV")
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    layout = _layout(path, rows)
    latest = latest_date(rows, layout)
    # The 2026 coding (role RO76, ACTIVE/INACTIVE...) is itself from the ICB era, and from April 2026.
    new_coding = any(layout.get(r, 26).startswith("RO") for r in rows[:50])
    icb_era = latest >= ICB_ERA_START or new_coding
    out.content_date = max(latest, NEW_CODING_FROM) if new_coding else (latest or None)
    if layout is not HEADERLESS:
        out.report.notes.append(f"a re-saved epraccur with a header and {layout.width} columns: read by column name")
    out.report.notes.append(f"latest date in the file {latest or 'none'}: column 4 read as "
                            + ("the ICB (a release from July 2022 on)" if icb_era else "an NHS England area, not an ICB"))
    reader = _Rows(out, ctx, layout, icb_era)
    for i, row in enumerate(rows[layout.first_row - 1:], start=layout.first_row):
        if i % 2000 == 0:
            ctx.tick(i, len(rows))
        if any(c.strip() for c in row):
            reader.read(i, row)
    ctx.tick(len(rows), len(rows))
    reader.finish()
    return out


class _Rows:
    """Rows to records, with the counts the report notes."""

    def __init__(self, out: ParsedFile, ctx: LoadContext, layout: Layout, icb_era: bool):
        self.out, self.graph, self.layout, self.icb_era = out, ctx.graph, layout, icb_era
        self.file_name = out.path.name
        # Several releases, or ePCN's passing mentions, may describe the same practice or CCG: the newer
        # file wins whatever the load order (see loaders.precedence).
        self.mentions = Mentions(ctx.graph, self.file_name)
        self.skipped = self.kept = self.practices = 0
        self.in_icb: set[tuple[str, str]] = set()
        self.first_row: dict[str, int] = {}  # practice code -> the row that gave it first

    def read(self, i: int, row: list[str]) -> None:
        out, lay = self.out, self.layout
        if len(row) != lay.width:
            out.report.read += 1
            out.reject(i, "(row)", len(row), f"expected {lay.width} columns")
            return
        if lay.get(row, 26) not in GP_PRACTICE_SETTINGS:
            self.skipped += 1
            return
        n_records = len(out.records)
        with out.row(i) as recs:
            recs.extend(self.records(i, row))
        loaded = len(out.records) > n_records
        self.practices += loaded
        self.mentions.row_loaded(loaded)

    def records(self, i: int, row: list[str]) -> list[Record]:
        lay, out, graph, file_name = self.layout, self.out, self.graph, self.file_name
        code = lay.get(row, 1)
        if not _CODE.match(code):
            raise RecordError(lay.names[1], code, "expected an ODS code (3-6 capital letters/digits)")
        first = self.first_row.setdefault(code, i)
        if first != i:
            raise RecordError(lay.names[1], code, f"practice also on row {first}: one row per practice in a "
                              "release (this row is not loaded)")
        status = STATUS_LETTERS.get(lay.get(row, 13).upper())
        if status is None:
            raise RecordError(lay.names[13], lay.get(row, 13),
                              "expected an ODS status: A, C, D, P or ACTIVE, INACTIVE, DORMANT, PROPOSED")
        src = out.source(i)
        opened, closed = yyyymmdd(lay.get(row, 11), lay.names[11]), yyyymmdd(lay.get(row, 12), lay.names[12])
        recs: list[Record] = [node(code, "Practice", {
            "name": lay.get(row, 2), "status": status, "postcode": lay.get(row, 10),
            "region_code": lay.get(row, 3), "open_date": opened, "close_date": closed,
            "valid_from": opened, "valid_to": closed,
        }, source=src, stub=node_outranked(graph, code, file_name, "status"))]
        commissioner = lay.get(row, 15)
        if not commissioner:
            out.unresolved(i, code, "no commissioner code: practice loaded without COMMISSIONED_BY")
            return recs
        recs.append(node(commissioner, "CCG", {}, source=src,
                         stub=self.mentions.stub(commissioner, "ons_code")))
        joined = yyyymmdd(lay.get(row, 16), lay.names[16])
        left = yyyymmdd(lay.get(row, 17), lay.names[17])
        if rel_outranked(graph, code, "COMMISSIONED_BY", commissioner, joined, file_name):
            self.kept += 1
        else:
            recs.append(rel(code, "COMMISSIONED_BY", commissioner, {"valid_from": joined, "valid_to": left},
                            source=src))
        icb = lay.get(row, 4)
        if self.icb_era and status == "A" and icb != _WALES and _ICB_CODE.match(icb):
            recs.extend(self.icb_records(commissioner, icb, src))
        return recs

    def icb_records(self, commissioner: str, icb: str, src: str) -> list[Record]:
        """The commissioner's ICB, once per file: a stub ICB and IN_ICB from 2022-07-01."""
        if (commissioner, icb) in self.in_icb:
            return []
        self.in_icb.add((commissioner, icb))
        recs: list[Record] = [node(icb, "ICB", {}, source=src, stub=self.mentions.stub(icb, "name"))]
        if rel_outranked(self.graph, commissioner, "IN_ICB", icb, ICB_ERA_START, self.file_name):
            self.kept += 1
        else:
            recs.append(rel(commissioner, "IN_ICB", icb, {"valid_from": ICB_ERA_START}, source=src))
        return recs

    def finish(self) -> None:
        report = self.out.report
        if not self.practices:
            raise NothingLoaded(self.out.path.name, no_records_reason(
                "GP practices", "no row has prescribing setting 4 or role RO76", self.skipped, report.rejected))
        if self.kept:
            report.notes.append(f"{self.kept} link(s) already loaded from a newer release kept as they are")
        if self.in_icb:
            report.notes.append(f"{len({c for c, _ in self.in_icb})} commissioners tied to "
                                f"{len({i for _, i in self.in_icb})} ICBs by column 4")
        report.notes.append(f"{self.skipped} rows that are not GP practices (prescribing setting other than 4 "
                            "or role other than RO76) skipped")


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
