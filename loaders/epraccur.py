"""ODS epraccur: GP practices and prescribing cost centres (headerless CSV, 27 columns).

Only prescribing setting 4 (GP practice) rows become ``Practice`` nodes; other settings are counted
and skipped. Each practice gets ``COMMISSIONED_BY`` its commissioner with the join/left dates; a
commissioner code creates a stub ``CCG`` that a later ONS lookup names.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.base import FileRejected, FormatLoader, LoadContext, ParsedFile, read_csv_rows, yyyymmdd
from loaders.precedence import Mentions, node_outranked, rel_outranked
from orggraph.models import node, rel

KIND = "epraccur"
DESCRIPTION = "ODS epraccur: GP practices and their CCG (headerless CSV, 27 columns)"
N_COLUMNS = 27
GP_PRACTICE_SETTING = "4"
# Columns by 1-based position in the ODS specification.
COLUMNS = {1: "Organisation Code", 2: "Name", 3: "National Grouping", 10: "Postcode", 11: "Open Date",
           12: "Close Date", 13: "Status Code", 15: "Commissioner", 16: "Join Provider/Purchaser Date",
           17: "Left Provider/Purchaser Date", 26: "Prescribing Setting"}
_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
_PRACTICE_CODE = re.compile(r'^"?[A-Z]\d{5}"?,')


def sniff(path: Path, head: list[str]) -> bool:
    if "epraccur" in path.name.lower():
        return True
    return bool(head) and bool(_PRACTICE_CODE.match(head[0])) and head[0].count(",") == N_COLUMNS - 1


def col(row: list[str], n: int) -> str:
    return row[n - 1].strip()


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    if rows and rows[0] and rows[0][0].strip().lower().startswith("organisation"):
        raise FileRejected(path.name, "epraccur has no header row; this looks like a different file", 1)
    skipped = 0
    kept = 0  # links the graph already holds from a newer release
    # Several releases, or ePCN's passing mentions, may describe the same practice or CCG: the newer
    # file wins whatever the load order (see loaders.precedence).
    mentions = Mentions(ctx.graph, path.name)
    for i, row in enumerate(rows, start=1):
        if i % 2000 == 0:
            ctx.tick(i, len(rows))
        if not any(c.strip() for c in row):
            continue
        if len(row) != N_COLUMNS:
            out.report.read += 1
            out.reject(i, "(row)", len(row), f"expected {N_COLUMNS} columns")
            continue
        if col(row, 26) != GP_PRACTICE_SETTING:
            skipped += 1
            continue
        n_records = len(out.records)
        with out.row(i) as recs:
            code = col(row, 1)
            if not _CODE.match(code):
                out.reject(i, COLUMNS[1], code, "expected an ODS code (3-6 capital letters/digits)")
                continue
            src = out.source(i)
            recs.append(node(code, "Practice", {
                "name": col(row, 2),
                "status": col(row, 13),
                "postcode": col(row, 10),
                "region_code": col(row, 3),
                "open_date": yyyymmdd(col(row, 11), COLUMNS[11]),
                "close_date": yyyymmdd(col(row, 12), COLUMNS[12]),
                "valid_from": yyyymmdd(col(row, 11), COLUMNS[11]),
                "valid_to": yyyymmdd(col(row, 12), COLUMNS[12]),
            }, source=src, stub=node_outranked(ctx.graph, code, path.name, "status")))
            commissioner = col(row, 15)
            if commissioner:
                recs.append(node(commissioner, "CCG", {}, source=src, stub=mentions.stub(commissioner, "ons_code")))
                joined = yyyymmdd(col(row, 16), COLUMNS[16])
                if rel_outranked(ctx.graph, code, "COMMISSIONED_BY", commissioner, joined, path.name):
                    kept += 1
                else:
                    recs.append(rel(code, "COMMISSIONED_BY", commissioner, {
                        "valid_from": joined,
                        "valid_to": yyyymmdd(col(row, 17), COLUMNS[17]),
                    }, source=src))
            else:
                out.unresolved(i, code, "no commissioner code: practice loaded without COMMISSIONED_BY")
        mentions.row_loaded(len(out.records) > n_records)
    ctx.tick(len(rows), len(rows))
    if kept:
        out.report.notes.append(f"{kept} COMMISSIONED_BY link(s) already loaded from a newer release kept as they are")
    out.report.notes.append(f"{skipped} rows with a prescribing setting other than 4 (GP practice) skipped")
    return out


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
