"""ODS etr: NHS trusts (headerless CSV) as ``Provider`` nodes with provider_type ``nhs_trust``.

The ODS release has 27 columns; copies re-saved by other tools lose the quotes and the three trailing
null columns (24 left), and hand-added rows may carry only code, name and postcode. All three load:
columns are read by position, and only the code and the name are required.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.base import FileRejected, FormatLoader, LoadContext, ParsedFile, read_csv_rows, yyyymmdd
from loaders.precedence import node_outranked
from orggraph.errors import RecordError
from orggraph.models import node

KIND = "etr"
DESCRIPTION = "ODS etr: NHS trusts (headerless CSV, 27 columns or the 24 of re-saved copies)"
N_COLUMNS = 27
ACCEPTED_WIDTHS = (24, 27)  # full release; copies that lost the three trailing null columns
# Columns by 1-based position in the ODS specification.
COLUMNS = {1: "Organisation Code", 2: "Name", 3: "National Grouping", 10: "Postcode", 11: "Open Date",
           12: "Close Date"}
# NHS trust codes are R or T followed by two characters (e.g. RYY, R0A, TAD).
_TRUST_CODE = re.compile(r"^[RT][A-Z0-9]{2}$")
_FIRST_FIELD = re.compile(r'^"?[RT][A-Z0-9]{2}"?,')
_NAME = re.compile(r"(^|[^a-z])etr([^a-z]|$)")


def sniff(path: Path, head: list[str]) -> bool:
    if _NAME.search(path.name.lower()):
        return True
    return bool(head) and bool(_FIRST_FIELD.match(head[0])) and head[0].count(",") + 1 in ACCEPTED_WIDTHS


def col(row: list[str], n: int) -> str:
    return row[n - 1].strip()


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    first = next((r for r in rows if any(c.strip() for c in r)), None)
    if first is None:
        raise FileRejected(path.name, "empty file; expected ODS etr rows")
    if not _TRUST_CODE.match(first[0].strip()):
        raise FileRejected(path.name, "not an ODS etr file: expected headerless rows starting with an NHS "
                           "trust code such as RYY", 1, COLUMNS[1], first[0])
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
                raise RecordError(COLUMNS[1], code, "expected an NHS trust code (R or T and 2 capital letters/digits)")
            name = col(row, 2)
            if not name:
                raise RecordError(COLUMNS[2], name, "expected the trust's name")
            recs.append(node(code, "Provider", {
                "name": name,
                "provider_type": "nhs_trust",
                "postcode": col(row, 10),
                "valid_from": yyyymmdd(col(row, 11), COLUMNS[11]),
                "valid_to": yyyymmdd(col(row, 12), COLUMNS[12]),
            }, source=out.source(i), stub=node_outranked(ctx.graph, code, path.name, "provider_type")))
    ctx.tick(len(rows), len(rows))
    return out


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
