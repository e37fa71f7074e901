"""NHS Digital "Patients registered at a GP practice" mapping file (gp-reg-pat-prac-map.csv).

One row per practice with its PCN, commissioner, STP (or ICB) and region, codes and names, and the
extract date. Two column sets are read, told apart by the header:

- CCG era: ``PRACTICE_CODE, PCN_CODE, CCG_CODE, ONS_CCG_CODE, STP_CODE, ONS_STP_CODE, COMM_REGION_CODE``
  (with ``..._NAME`` columns): ``CCG`` (name, ons_code) ``IN_STP`` ``STP`` ``IN_REGION`` ``Region``;
- ICB era: ``SUB_ICB_LOCATION_CODE, ONS_SUB_ICB_LOCATION_CODE, ICB_CODE, ONS_ICB_CODE, COMM_REGION_CODE``:
  the sub-ICB location's ``CCG`` node (sicbl_name, ons_code) ``IN_ICB`` (from 2022-07-01) ``ICB``
  ``IN_REGION`` ``Region``.

Practices and PCNs are stubs (the file gives no status or dates: epraccur and ePCN fill them in) and
each practice gets an undated ``MEMBER_OF`` its PCN (none for PCN code ``U``, "Unallocated"). The file says which commissioner a practice had
on the extract date but not since when, so it writes **no** ``COMMISSIONED_BY``: an undated link would
stay live for ever beside epraccur's dated ones and give the practice a second live commissioner.
``EXTRACT_DATE`` (``01Jan2022``) is the file's ``release_date``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from loaders.base import FileRejected, FormatLoader, LoadContext, NothingLoaded, ParsedFile, read_csv_rows
from loaders.checks import first_fields, no_records_reason, refuse_binary
from loaders.precedence import Mentions, node_outranked, rel_outranked
from orggraph.errors import RecordError
from orggraph.models import Record, node, rel

KIND = "gp-reg"
DESCRIPTION = "NHS Digital gp-reg-pat-prac-map: practice -> PCN -> CCG/SICBL -> STP/ICB -> region (CSV)"
ICB_ERA_START = "2022-07-01"
CORE = ("EXTRACT_DATE", "PRACTICE_CODE", "PCN_CODE", "COMM_REGION_CODE")
# (entity, label, code column, ONS code column, name column) per era, in chain order.
CCG_ERA = (("ccg", "CCG", "CCG_CODE", "ONS_CCG_CODE", "CCG_NAME"),
           ("stp", "STP", "ONS_STP_CODE", None, "STP_NAME"),
           ("region", "Region", "COMM_REGION_CODE", "ONS_COMM_REGION_CODE", "COMM_REGION_NAME"))
ICB_ERA = (("ccg", "CCG", "SUB_ICB_LOCATION_CODE", "ONS_SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME"),
           ("icb", "ICB", "ICB_CODE", "ONS_ICB_CODE", "ICB_NAME"),
           ("region", "Region", "COMM_REGION_CODE", "ONS_COMM_REGION_CODE", "COMM_REGION_NAME"))
_PRACTICE = re.compile(r"^[A-Z0-9]{3,6}$")
_PCN = re.compile(r"^U\d{5}$")
UNALLOCATED = "U"
_CODE = re.compile(r"^[0-9A-Z]{3,9}$")


def _era(header: list[str]) -> tuple[tuple[str, str, str, str | None, str], ...] | None:
    if not set(CORE) <= set(header):
        return None
    for era in (ICB_ERA, CCG_ERA):
        if all(code in header for _, _, code, _, _ in era):
            return era
    return None


def sniff(path: Path, head: list[str]) -> bool:
    return _era(first_fields(head)) is not None


def extract_date(value: str, column: str = "EXTRACT_DATE") -> str:
    """``01Jan2022`` (or ISO ``2022-01-01``) as an ISO date; RecordError otherwise."""
    v = value.strip()
    for fmt in ("%d%b%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            continue
    raise RecordError(column, value, "expected an extract date such as 01Jan2022")


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    refuse_binary(path, "an NHS Digital gp-reg-pat-prac-map CSV")
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    header = [h.strip().lstrip("\ufeff") for h in rows[0]] if rows else []
    era = _era(header)
    if era is None:
        raise FileRejected(path.name, "not a gp-reg-pat-prac-map file: expected columns " + ", ".join(CORE)
                           + " and CCG_CODE, ONS_STP_CODE or SUB_ICB_LOCATION_CODE, ICB_CODE", 1,
                           value=",".join(header[:8]))
    col = {h: i for i, h in enumerate(header)}
    seen: set[tuple[str, str]] = set()
    mentions = Mentions(ctx.graph, path.name)
    dates: set[str] = set()
    for i, row in enumerate(rows[1:], start=2):
        if i % 2000 == 0:
            ctx.tick(i, len(rows))
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            out.report.read += 1
            out.reject(i, "(row)", len(row), f"expected {len(header)} columns as in the header")
            continue
        n_records = len(out.records)
        with out.row(i) as recs:
            cells = {h: row[j].strip() for h, j in col.items()}
            dates.add(extract_date(cells["EXTRACT_DATE"]))
            recs.extend(_records(cells, era, out.source(i), ctx, mentions, seen))
        mentions.row_loaded(len(out.records) > n_records)
    ctx.tick(len(rows), len(rows))
    if not out.records:
        raise NothingLoaded(path.name, no_records_reason("GP practices", "no row has a practice, PCN and "
                                                        "commissioner code", 0, list(out.report.rejected)))
    out.release_date = max(dates) if dates else None
    era_name = "ICB era (sub-ICB locations)" if era is ICB_ERA else "CCG era"
    out.report.notes.append(f"{era_name} columns; extract date {', '.join(sorted(dates))}; no COMMISSIONED_BY "
                            "written (the file gives no dates: see epraccur)")
    return out


def _code(cells: dict[str, str], column: str, pattern: re.Pattern[str], expected: str) -> str:
    v = cells.get(column, "")
    if not pattern.match(v):
        raise RecordError(column, v, f"expected {expected}")
    return v


def _records(cells: dict[str, str], era: tuple[tuple[str, str, str, str | None, str], ...], src: str,
             ctx: LoadContext, mentions: Mentions, seen: set[tuple[str, str]]) -> list[Record]:
    graph, file_name = ctx.graph, mentions.file_name
    practice = _code(cells, "PRACTICE_CODE", _PRACTICE, "an ODS practice code (3-6 capital letters/digits)")
    # "U" / "Unallocated": a practice in no PCN.
    pcn = None if cells.get("PCN_CODE") == UNALLOCATED else _code(cells, "PCN_CODE", _PCN,
                                                                   "an ODS PCN code (U and 5 digits) or U")
    ids = [_code(cells, code_col, _CODE, "an ODS or ONS code") for _, _, code_col, _, _ in era]
    recs: list[Record] = [
        node(practice, "Practice", {"name": cells.get("PRACTICE_NAME"), "postcode": cells.get("PRACTICE_POSTCODE")},
             source=src, stub=mentions.stub(practice, "status"))]
    if pcn is not None:
        recs.append(node(pcn, "PCN", {"name": cells.get("PCN_NAME")}, source=src,
                         stub=mentions.stub(pcn, "valid_from")))
        if not rel_outranked(graph, practice, "MEMBER_OF", pcn, None, file_name):
            recs.append(rel(practice, "MEMBER_OF", pcn, source=src))
    for (entity, label, _, ons_col, name_col), code in zip(era, ids, strict=True):
        if (label, code) in seen and entity != "ccg":
            continue
        seen.add((label, code))
        props = {"ons_code": cells.get(ons_col) if ons_col else None}
        # A sub-ICB location's name ("NHS ... ICB - 16C") is not the CCG's name.
        props["sicbl_name" if era is ICB_ERA and entity == "ccg" else "name"] = cells.get(name_col)
        if label == "STP":
            props = {"name": cells.get(name_col), "ods_code": cells.get("STP_CODE")}
        marker = "ons_code" if label == "CCG" else "name"
        recs.append(node(code, label, props, source=src, stub=node_outranked(graph, code, file_name, marker)))
    links = (("IN_ICB", None) if era is ICB_ERA else ("IN_STP", None), ("IN_REGION", None))
    for (rtype, _), a, b in zip(links, ids, ids[1:], strict=False):
        props = {"valid_from": ICB_ERA_START} if rtype == "IN_ICB" else {}
        if (rtype, f"{a}>{b}") in seen:
            continue
        seen.add((rtype, f"{a}>{b}"))
        if not rel_outranked(graph, a, rtype, b, props.get("valid_from"), file_name):
            recs.append(rel(a, rtype, b, props, source=src))
    return recs


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse)
