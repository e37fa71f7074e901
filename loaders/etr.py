"""ODS etr: NHS trusts (headerless CSV) as ``Provider`` nodes with provider_type ``nhs_trust``.

The ODS release has 27 columns; copies re-saved by other tools lose the quotes and the three trailing
null columns (24 left), and hand-added rows may carry only code, name and postcode. All three load:
columns are read by position, and only the code and the name are required.

Trust codes are R or T and two characters, or, for trusts formed since late 2024, five characters
(``G6V2S`` North London NHS FT). A closed trust's close date is its ``valid_to``. Column 4 is the
trust's geography, not its commissioner: in a release from the ICB era (the latest open or close date
in the file is on or after 2022-07-01) an open trust's column 4 is kept as ``icb_code``; in older
releases it is an STP or NHS England area code and is not kept.

Detection is by content: headerless rows of 24 or 27 fields, a trust code first, no status (column 13)
and an organisation sub-type letter in column 24 (blank in eccg, whose rows look alike otherwise).
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.base import (
    FileRejected,
    FormatLoader,
    LoadContext,
    NothingLoaded,
    ParsedFile,
    col,
    read_csv_rows,
    yyyymmdd,
)
from loaders.checks import first_fields, no_records_reason, refuse_binary
from loaders.precedence import node_outranked
from orggraph.errors import RecordError
from orggraph.models import node

KIND = "etr"
DESCRIPTION = "ODS etr: NHS trusts (headerless CSV, 27 columns or the 24 of re-saved copies)"
N_COLUMNS = 27
ACCEPTED_WIDTHS = (24, 27)  # full release; copies that lost the three trailing null columns
# Columns by 1-based position in the ODS specification.
COLUMNS = {1: "Organisation Code", 2: "Name", 3: "National Grouping", 4: "High Level Health Geography",
           10: "Postcode", 11: "Open Date", 12: "Close Date"}
# NHS trust codes are R or T followed by two characters (e.g. RYY, R0A, TAD), or five characters for
# trusts formed from late 2024 (G6V2S, K0N6A).
_TRUST_CODE = re.compile(r"^([RT][A-Z0-9]{2}|[A-Z]\d[A-Z]\d[A-Z])$")
ICB_ERA_START = "20220701"


def sniff(path: Path, head: list[str]) -> bool:
    f = first_fields(head)
    return (len(f) in ACCEPTED_WIDTHS and bool(_TRUST_CODE.match(f[0])) and not f[12] and bool(f[23])
            and not f[13])


def _icb_era(rows: list[list[str]]) -> bool:
    """Is this a release from July 2022 on (its latest open or close date says so)?"""
    dates = [c.strip() for r in rows for c in r[10:12]]
    return max((d for d in dates if len(d) == 8 and d.isdigit()), default="") >= ICB_ERA_START


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    refuse_binary(path, "an ODS etr CSV")
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    first = next((r for r in rows if any(c.strip() for c in r)), None)
    if first is None:
        raise FileRejected(path.name, "empty file; expected ODS etr rows")
    if not _TRUST_CODE.match(first[0].strip()):
        raise FileRejected(path.name, "not an ODS etr file: expected headerless rows starting with an NHS "
                           "trust code such as RYY", 1, COLUMNS[1], first[0])
    icb_era = _icb_era(rows)
    first_row: dict[str, int] = {}  # trust code -> the row that gave it first
    for i, row in enumerate(rows, start=1):
        if i % 100 == 0:
            ctx.tick(i, len(rows))
        if not any(c.strip() for c in row):
            continue
        if len(row) not in ACCEPTED_WIDTHS:
            out.report.read += 1
            out.reject(i, "(row)", len(row), f"expected {' or '.join(map(str, ACCEPTED_WIDTHS))} columns")
            continue
        with out.row(i) as recs:
            code = col(row, 1)
            if not _TRUST_CODE.match(code):
                raise RecordError(COLUMNS[1], code, "expected an NHS trust code (R or T and 2 capital letters/digits, or 5 characters such as G6V2S)")
            seen_on = first_row.setdefault(code, i)
            if seen_on != i:
                raise RecordError(COLUMNS[1], code, f"trust also on row {seen_on}: one row per trust in a release "
                                  "(this row is not loaded)")
            name = col(row, 2)
            if not name:
                raise RecordError(COLUMNS[2], name, "expected the trust's name")
            closed = yyyymmdd(col(row, 12), COLUMNS[12])
            recs.append(node(code, "Provider", {
                "name": name,
                "provider_type": "nhs_trust",
                "postcode": col(row, 10),
                "icb_code": col(row, 4) if icb_era and not closed and len(row) > 3 else None,
                "valid_from": yyyymmdd(col(row, 11), COLUMNS[11]),
                "valid_to": closed,
            }, source=out.source(i), stub=node_outranked(ctx.graph, code, path.name, "provider_type")))
    ctx.tick(len(rows), len(rows))
    if not out.records:
        raise NothingLoaded(path.name, no_records_reason("NHS trusts", "no row has a trust code and a name", 0,
                                                        list(out.report.rejected)))
    if icb_era:
        out.report.notes.append("a release from July 2022 on: open trusts' column 4 kept as icb_code")
    return out


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
