"""The engine's findings: conflicts, one decision, committee composition, register audit, paths.

Each answer is the engine's own result model, so it matches the CLI's JSON for the same question.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.auth import require
from api.dates import IsoDate
from api.deps import AsOf, Limit, MemoDep, Offset, SettingsDep, StoreDep, json_bytes, parse_date
from api.names import resolve_node
from api.problems import ApiError, problem_doc
from api.schemas import AuditFinding, CompositionResult, Conflict, DecisionOut, Page, PathsOut
from api.service import (
    audit_on,
    composition_on,
    decision_out,
    find_conflicts,
    nodes_graph,
    paths_out,
    resolve_conflict_filters,
)
from api.store_reads import require_node
from orggraph.findings import AUDIT_COLUMNS, CONFLICT_COLUMNS, path_start_problem, rows_to_csv
from orggraph.schema import SCHEMA
from orggraph.temporal import today

router = APIRouter(prefix="/api", tags=["findings"], responses=problem_doc(400, 401, 403, 404, 422, 503))
reader = [Depends(require("reader"))]
auditor = [Depends(require("auditor"))]

CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}},
          "description": "JSON page, or every matching row as CSV (format=csv or Accept: text/csv)"}}
Id = Annotated[str, Path(min_length=1, max_length=200)]
MaxHops = Annotated[int, Query(ge=1, le=8, description="Longest interest path, in relationships")]
Format = Annotated[Literal["json", "csv"] | None, Query(description="json (default) or csv")]


def wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


def csv_response(rows: list[Any], columns: list[str], filename: str) -> Response:
    plain = [r if isinstance(r, dict) else r.model_dump(mode="json") for r in rows]
    return Response(rows_to_csv(plain, columns), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/conflicts", response_model=Page[Conflict], responses=CSV_DOC, dependencies=reader,
            summary="Conflicts of interest, filtered")
def list_conflicts(
    request: Request, store: StoreDep, memo: MemoDep,
    decision: Annotated[str | None, Query(max_length=200)] = None,
    person: Annotated[str | None, Query(max_length=200)] = None,
    committee: Annotated[str | None, Query(max_length=200)] = None,
    commissioner: Annotated[str | None, Query(max_length=200, description="CCG or ICB id")] = None,
    meeting: Annotated[str | None, Query(max_length=200, description="Only this meeting's agenda items")] = None,
    date_from: Annotated[IsoDate | None, Query(description="Decisions on or after (yyyy-mm-dd)")] = None,
    date_to: Annotated[IsoDate | None, Query(description="Decisions on or before (yyyy-mm-dd)")] = None,
    declaration: Annotated[Literal["declared", "partial", "undeclared"] | None, Query()] = None,
    breach: Annotated[bool | None, Query(description="Only breaches (true) or only non-breaches (false)")] = None,
    max_hops: MaxHops = 4, limit: Limit = 100, offset: Offset = 0, format: Format = None,
) -> Any:
    """In the engine's order (stable), a page at a time (``limit``, ``offset``; ``total`` counts every match).
    CSV gives every matching row, ignoring limit and offset. Each filter takes an id, or the name of exactly
    one node of that kind (an ambiguous name is a 422 listing the candidates)."""
    ids = resolve_conflict_filters(store, memo, decision=decision, person=person, committee=committee,
                                   commissioner=commissioner, meeting=meeting)
    found = find_conflicts(store, memo, decision=ids["decision"], person=ids["person"], committee=ids["committee"],
                           commissioner=ids["commissioner"], meeting=ids["meeting"],
                           date_from=parse_date(date_from, "date_from"), date_to=parse_date(date_to, "date_to"),
                           max_hops=max_hops)
    if declaration is not None or breach is not None:
        found = [c for c in found if (declaration is None or c.declaration == declaration)
                 and (breach is None or c.breach == breach)]
    if wants_csv(request, format):
        return csv_response(found, CONFLICT_COLUMNS, "conflicts.csv")
    # Only the page is turned into JSON: the list itself is the memo's, shared by every filter.
    return json_bytes({"total": len(found), "offset": offset, "limit": limit,
                       "items": [c.model_dump(mode="json") for c in found[offset:offset + limit]]})


@router.get("/decisions/{decision_id}", response_model=DecisionOut, dependencies=reader,
            summary="One decision: its conflicts, quorum and evidence")
def get_decision(decision_id: Id, store: StoreDep, memo: MemoDep, max_hops: MaxHops = 4) -> Any:
    body = memo.get(store.version(), ("decision-json", decision_id, max_hops),
                    lambda: decision_out(store, memo, decision_id, max_hops).model_dump_json().encode())
    return Response(body, media_type="application/json")


@router.get("/committees/{committee_id}/composition", response_model=CompositionResult, dependencies=reader,
            summary="A committee's members and composition on a date")
def get_composition(committee_id: Id, store: StoreDep, memo: MemoDep, as_of: AsOf = None) -> CompositionResult:
    """``as_of`` defaults to today."""
    require_node(store, committee_id, ("Committee",), "committee")
    on = parse_date(as_of, "as_of") or today()
    return composition_on(store, memo, committee_id, on)


@router.get("/commissioners/{commissioner_id}/audit", response_model=Page[AuditFinding], responses=CSV_DOC,
            dependencies=auditor, summary="Register audit of a CCG or ICB (auditor)")
def get_audit(request: Request, commissioner_id: Id, store: StoreDep, memo: MemoDep, as_of: AsOf = None,
              declaration: Annotated[Literal["declared", "partial", "undeclared"] | None, Query()] = None,
              max_hops: MaxHops = 4, limit: Limit = 100, offset: Offset = 0, format: Format = None) -> Any:
    """Every committee member's interest in an organisation in the commissioner's remit on ``as_of``
    (default today), with its declaration status; ``declaration=undeclared`` is what the register misses."""
    require_node(store, commissioner_id, SCHEMA.commissioner_labels, "commissioner")
    on = parse_date(as_of, "as_of") or today()
    found = audit_on(store, memo, commissioner_id, on, max_hops)
    if declaration is not None:
        found = [f for f in found if f.declaration == declaration]
    if wants_csv(request, format):
        return csv_response(found, AUDIT_COLUMNS, f"audit-{commissioner_id}-{on}.csv")
    return Page[AuditFinding](total=len(found), offset=offset, limit=limit, items=found[offset:offset + limit])


@router.get("/paths", response_model=PathsOut, dependencies=reader,
            summary="Interest paths from a person to an organisation")
def get_paths(store: StoreDep, memo: MemoDep, settings: SettingsDep,
              from_id: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
              to_id: Annotated[str, Query(alias="to", min_length=1, max_length=200)],
              as_of: AsOf = None, max_hops: MaxHops = 4,
              any: Annotated[bool, Query(description="Also any shortest paths, for exploring")] = False,
              ) -> PathsOut:
    """Interest paths follow the engine's rules; ``any=true`` adds shortest paths of any kind. ``from`` and
    ``to`` are ids, or names of exactly one node (an ambiguous name is a 422 listing the candidates)."""
    from_id = resolve_node(store, memo, from_id, SCHEMA.nodes, "node")
    to_id = resolve_node(store, memo, to_id, SCHEMA.nodes, "node")
    on = parse_date(as_of, "as_of") or today()
    problem = path_start_problem(nodes_graph(store, [from_id]), from_id)
    if not any and problem is not None:
        raise ApiError(400, f"from={from_id!r} {problem} (use any=true to explore other paths)")
    return paths_out(store, memo, from_id, to_id, on, max_hops, any)
