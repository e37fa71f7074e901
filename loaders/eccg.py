"""ODS eccg: every CCG there ever was and, since July 2022, the sub-ICB locations, commissioning hubs
and sub-ICB reporting entities (headerless CSV, 27 columns like epraccur).

Column 14 holds the ODS role and says what a row is:

- blank: a CCG (all of them closed by now): ``CCG`` with its open and close dates as
  ``valid_from``/``valid_to`` and its name, written like a mention: an ONS lookup's record of the CCG
  (mixed-case name, ONS code) is kept and only the dates are added;
- ``RO319`` (also ``RO319|RO326``): a sub-ICB location (SICBL), the same ``CCG`` node as the CCG whose
  code it kept: ``sicbl_name`` (e.g. "NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C") and ``ods_role``
  (the column as it is), never its CCG-era ``name``; an open SICBL gets ``IN_ICB`` to column 4's ICB
  from 2022-07-01 (or its open date if later);
- ``RO218``: ``CommissioningHub`` (name, role, dates);
- ``RO327``: ``ReportingEntity`` (name, role, dates) with ``IN_ICB`` like a SICBL.

Column 4 is the ICB of an open SICBL or reporting entity; an ICB the file names is created as a stub.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.base import (
    FormatLoader,
    LoadContext,
    NothingLoaded,
    ParsedFile,
    col,
    read_csv_rows,
    yyyymmdd,
)
from loaders.checks import first_fields, no_records_reason, refuse_binary
from loaders.precedence import Mentions, node_outranked, rel_outranked
from orggraph.errors import RecordError
from orggraph.models import Record, node, rel

KIND = "eccg"
DESCRIPTION = "ODS eccg: CCGs, sub-ICB locations (RO319), hubs (RO218), reporting entities (RO327), 27 columns"
N_COLUMNS = 27
COLUMNS = {1: "Organisation Code", 2: "Name", 4: "High Level Health Geography", 10: "Postcode", 11: "Open Date",
           12: "Close Date", 14: "ODS Role"}
SICBL, HUB, REPORTING_ENTITY = "RO319", "RO218", "RO327"
ICB_ERA_START = "2022-07-01"
_CODE = re.compile(r"^[0-9A-Z]{3}(?:[0-9A-Z]{2})?$")
_ICB_CODE = re.compile(r"^(Q[A-Z0-9]{2}|[A-Z]\d[A-Z]\d[A-Z])$")
_ROLE = re.compile(r"^(RO\d+(\|RO\d+)*)?$")


def looks_like_row(fields: list[str]) -> bool:
    """A headerless eccg row: 27 fields, a CCG-like code, no status, a role or none, no prescribing setting."""
    if len(fields) != N_COLUMNS or not _CODE.match(fields[0]):
        return False
    return not fields[12] and not fields[23] and not fields[25] and bool(_ROLE.match(fields[13]))


def sniff(path: Path, head: list[str]) -> bool:
    return looks_like_row(first_fields(head))


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    refuse_binary(path, "an ODS eccg CSV")
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    reader = _Reader(ctx, path.name)
    counts = {"CCG": 0, "SICBL": 0, "CommissioningHub": 0, "ReportingEntity": 0, "other role": 0}
    ties = 0
    for i, row in enumerate(rows, start=1):
        if not any(c.strip() for c in row):
            continue
        if len(row) != N_COLUMNS:
            out.report.read += 1
            out.reject(i, "(row)", len(row), f"expected {N_COLUMNS} columns")
            continue
        n_rejected = len(out.report.rejected)
        with out.row(i) as recs:
            what, recs_of_row = reader.row(row, out.source(i))
            recs.extend(recs_of_row)
        ok = len(out.report.rejected) == n_rejected
        reader.mentions.row_loaded(ok)
        if ok:
            counts[what] += 1
            ties += sum(1 for r in recs_of_row if getattr(r, "type", None) == "IN_ICB")
    ctx.tick(len(rows), len(rows))
    if not sum(v for k, v in counts.items() if k != "other role"):
        raise NothingLoaded(path.name, no_records_reason(
            "commissioners", "no row is a CCG (role blank) or has role RO319, RO218 or RO327",
            counts["other role"], out.report.rejected))
    out.report.notes.append(", ".join(f"{v} {k}" for k, v in counts.items() if v) + f"; {ties} IN_ICB")
    return out


class _Reader:
    """Rows to records. A CCG or SICBL is named like a mention (an ONS lookup's record of it wins, see
    loaders.precedence), so its name, ONS code and source do not depend on the load order; the ODS role
    and dates only eccg gives. Hubs and reporting entities are full records ranked by file."""

    def __init__(self, ctx: LoadContext, file_name: str):
        self.graph, self.file_name = ctx.graph, file_name
        self.mentions = Mentions(ctx.graph, file_name)

    def row(self, row: list[str], src: str) -> tuple[str, list[Record]]:
        """What the row is (for the report's note) and its records."""
        code, name, role = col(row, 1), col(row, 2), col(row, 14)
        if not _CODE.match(code):
            raise RecordError(COLUMNS[1], code, "expected an ODS code (3 or 5 capital letters/digits)")
        if not _ROLE.match(role):
            raise RecordError(COLUMNS[14], role, "expected an ODS role code such as RO319, or blank for a CCG")
        opened, closed = yyyymmdd(col(row, 11), COLUMNS[11]), yyyymmdd(col(row, 12), COLUMNS[12])
        props = {"valid_from": opened, "valid_to": closed}
        graph, file_name = self.graph, self.file_name
        roles = role.split("|") if role else []
        if not roles:
            return "CCG", [node(code, "CCG", {**props, "name": name}, source=src,
                                stub=self.mentions.stub(code, "ons_code"))]
        if SICBL in roles:
            # The name as a mention (an ONS lookup's spelling wins); role and dates, which only eccg gives,
            # in full but without a source, so the node's source stays that of the file that names it.
            sicbl = [node(code, "CCG", {"sicbl_name": name}, source=src, stub=self.mentions.stub(code, "ons_code")),
                     node(code, "CCG", {**props, "ods_role": role})]
            return "SICBL", [*sicbl, *self.in_icb(row, code, opened, closed, src)]
        label = {HUB: "CommissioningHub", REPORTING_ENTITY: "ReportingEntity"}.get(roles[0])
        if label is None:
            return "other role", []
        recs: list[Record] = [node(code, label, {**props, "name": name, "ods_role": role}, source=src,
                                   stub=node_outranked(graph, code, file_name, "ods_role"))]
        if label == "ReportingEntity":
            recs += self.in_icb(row, code, opened, closed, src)
        return label, recs

    def in_icb(self, row: list[str], code: str, opened: str | None, closed: str | None, src: str) -> list[Record]:
        """An open organisation's ICB (column 4) as a stub ICB and IN_ICB from 2022-07-01 or its open date."""
        icb = col(row, 4)
        if closed or not _ICB_CODE.match(icb) or icb == "Q99":
            return []
        start = max(ICB_ERA_START, opened or ICB_ERA_START)
        recs: list[Record] = [node(icb, "ICB", {}, source=src, stub=self.mentions.stub(icb, "name"))]
        if not rel_outranked(self.graph, code, "IN_ICB", icb, start, self.file_name):
            recs.append(rel(code, "IN_ICB", icb, {"valid_from": start}, source=src))
        return recs


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
