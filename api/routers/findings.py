"""The engine's findings: conflicts, one decision, committee composition, register audit, paths.

Each answer is the engine's own result model, so it matches the CLI's JSON for the same question.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.auth import require
from api.deps import (
    AsOf,
    GraphDep,
    Limit,
    MemoDep,
    Offset,
    SettingsDep,
    engine,
    json_bytes,
    parse_date,
    require_node,
    today,
)
from api.problems import ApiError, problem_doc
from api.schemas import AuditFinding, CompositionResult, Conflict, DecisionOut, Page, PathsOut
from orggraph.graph import OrgGraph
from orggraph.query import node_detail, to_plain
from orggraph.schema import SCHEMA
from orggraph_cli.output import rows_to_csv

router = APIRouter(prefix="/api", tags=["findings"], responses=problem_doc(400, 401, 403, 404, 422, 503))
reader = [Depends(require("reader"))]
auditor = [Depends(require("auditor"))]

CONFLICT_CSV_COLUMNS = ["person_id", "person_name", "decision_id", "decision_title", "committee_id", "date",
                        "parties", "interest_types", "direct", "declaration", "declaration_ids", "participation",
                        "breach", "severity", "score", "explanation", "paths"]
AUDIT_CSV_COLUMNS = ["person_id", "person_name", "org_id", "org_name", "commissioner_id", "as_of", "committees",
                     "declaration", "declaration_ids", "interest_types", "explanation", "paths"]
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


def _check(graph: OrgGraph, node_id: str | None, labels: frozenset[str] | tuple[str, ...], what: str) -> None:
    if node_id is not None:
        require_node(graph, node_id, labels, what)


def find_conflicts(graph: OrgGraph, memo: Any, *, decision: str | None = None, person: str | None = None,
                   committee: str | None = None, commissioner: str | None = None, date_from: str | None = None,
                   date_to: str | None = None, max_hops: int = 4) -> list[Conflict]:
    eng = engine()
    key = ("conflicts", decision, person, committee, commissioner, date_from, date_to, max_hops)
    return memo.get(graph, key, lambda: eng.conflicts(  # type: ignore[no-any-return]
        graph, decision=decision, person=person, committee=committee, commissioner=commissioner,
        date_from=date_from, date_to=date_to, max_hops=max_hops))


@router.get("/conflicts", response_model=Page[Conflict], responses=CSV_DOC, dependencies=reader,
            summary="Conflicts of interest, filtered")
def list_conflicts(
    request: Request, graph: GraphDep, memo: MemoDep,
    decision: Annotated[str | None, Query(max_length=200)] = None,
    person: Annotated[str | None, Query(max_length=200)] = None,
    committee: Annotated[str | None, Query(max_length=200)] = None,
    commissioner: Annotated[str | None, Query(max_length=200, description="CCG or ICB id")] = None,
    date_from: Annotated[dt.date | None, Query(description="Decisions on or after (yyyy-mm-dd)")] = None,
    date_to: Annotated[dt.date | None, Query(description="Decisions on or before (yyyy-mm-dd)")] = None,
    declaration: Annotated[Literal["declared", "partial", "undeclared"] | None, Query()] = None,
    breach: Annotated[bool | None, Query(description="Only breaches (true) or only non-breaches (false)")] = None,
    max_hops: MaxHops = 4, limit: Limit = 100, offset: Offset = 0, format: Format = None,
) -> Any:
    """In the engine's order (stable). CSV gives every matching row, ignoring limit and offset."""
    _check(graph, decision, ("Decision",), "decision")
    _check(graph, person, ("Person",), "person")
    _check(graph, committee, ("Committee",), "committee")
    _check(graph, commissioner, SCHEMA.commissioner_labels, "commissioner")
    found = find_conflicts(graph, memo, decision=decision, person=person, committee=committee,
                           commissioner=commissioner, date_from=parse_date(date_from, "date_from"),
                           date_to=parse_date(date_to, "date_to"), max_hops=max_hops)
    key = ("conflicts-plain", decision, person, committee, commissioner, date_from, date_to, max_hops)
    rows: list[dict[str, Any]] = memo.get(graph, key, lambda: [c.model_dump(mode="json") for c in found])
    if declaration is not None:
        rows = [c for c in rows if c["declaration"] == declaration]
    if breach is not None:
        rows = [c for c in rows if c["breach"] == breach]
    if wants_csv(request, format):
        return csv_response(rows, CONFLICT_CSV_COLUMNS, "conflicts.csv")
    return json_bytes({"total": len(rows), "offset": offset, "limit": limit, "items": rows[offset:offset + limit]})


def decision_out(graph: OrgGraph, memo: Any, decision_id: str, max_hops: int = 4) -> DecisionOut:
    data = require_node(graph, decision_id, ("Decision",), "decision")
    eng = engine()

    def compute() -> DecisionOut:
        committee_ids = [end for end, _, _ in graph.out_rels(decision_id, ["DECIDED_BY"])]
        committee_id = committee_ids[0] if committee_ids else None
        detail = node_detail(graph, decision_id)
        return DecisionOut(
            id=decision_id, title=data.get("title") or data.get("name"), date=data.get("date"),  # type: ignore[arg-type]
            committee_id=committee_id,
            committee_name=graph.g.nodes[committee_id].get("name") if committee_id else None,
            parties=list(eng.decision_parties(graph, decision_id)),
            decision_makers=list(eng.decision_makers(graph, decision_id)),
            conflicts=find_conflicts(graph, memo, decision=decision_id, max_hops=max_hops),
            quorum=eng.quorum(graph, decision_id),
            evidence=detail.relationships if detail else [],
        )

    return memo.get(graph, ("decision", decision_id, max_hops), compute)  # type: ignore[no-any-return]


@router.get("/decisions/{decision_id}", response_model=DecisionOut, dependencies=reader,
            summary="One decision: its conflicts, quorum and evidence")
def get_decision(decision_id: Id, graph: GraphDep, memo: MemoDep, max_hops: MaxHops = 4) -> Any:
    body = memo.get(graph, ("decision-json", decision_id, max_hops),
                    lambda: decision_out(graph, memo, decision_id, max_hops).model_dump_json().encode())
    return Response(body, media_type="application/json")


@router.get("/committees/{committee_id}/composition", response_model=CompositionResult, dependencies=reader,
            summary="A committee's members and composition on a date")
def get_composition(committee_id: Id, graph: GraphDep, memo: MemoDep, as_of: AsOf = None) -> CompositionResult:
    """``as_of`` defaults to today."""
    require_node(graph, committee_id, ("Committee",), "committee")
    on = parse_date(as_of, "as_of") or today()
    eng = engine()
    return memo.get(graph, ("composition", committee_id, on),  # type: ignore[no-any-return]
                    lambda: eng.composition(graph, committee_id, on))


@router.get("/commissioners/{commissioner_id}/audit", response_model=Page[AuditFinding], responses=CSV_DOC,
            dependencies=auditor, summary="Register audit of a CCG or ICB (auditor)")
def get_audit(request: Request, commissioner_id: Id, graph: GraphDep, memo: MemoDep, as_of: AsOf = None,
              declaration: Annotated[Literal["declared", "partial", "undeclared"] | None, Query()] = None,
              max_hops: MaxHops = 4, limit: Limit = 100, offset: Offset = 0, format: Format = None) -> Any:
    """Every committee member's interest in an organisation in the commissioner's remit on ``as_of``
    (default today), with its declaration status; ``declaration=undeclared`` is what the register misses."""
    require_node(graph, commissioner_id, SCHEMA.commissioner_labels, "commissioner")
    on = parse_date(as_of, "as_of") or today()
    eng = engine()
    found = memo.get(graph, ("audit", commissioner_id, on, max_hops),
                     lambda: eng.register_audit(graph, commissioner_id, on, max_hops=max_hops))
    if declaration is not None:
        found = [f for f in found if f.declaration == declaration]
    if wants_csv(request, format):
        return csv_response(found, AUDIT_CSV_COLUMNS, f"audit-{commissioner_id}-{on}.csv")
    return Page[AuditFinding](total=len(found), offset=offset, limit=limit, items=found[offset:offset + limit])


@router.get("/paths", response_model=PathsOut, dependencies=reader,
            summary="Interest paths from a person to an organisation")
def get_paths(graph: GraphDep, memo: MemoDep, settings: SettingsDep,
              from_id: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
              to_id: Annotated[str, Query(alias="to", min_length=1, max_length=200)],
              as_of: AsOf = None, max_hops: MaxHops = 4,
              any: Annotated[bool, Query(description="Also any shortest paths, for exploring")] = False,
              ) -> PathsOut:
    """Interest paths follow the engine's rules; ``any=true`` adds shortest paths of any kind."""
    require_node(graph, from_id)
    require_node(graph, to_id)
    on = parse_date(as_of, "as_of") or today()
    eng = engine()

    def compute() -> PathsOut:
        interest = []
        if graph.label(from_id) == "Person":
            interest = list(eng.interest_paths(graph, from_id, to_id, as_of=on, max_hops=max_hops))
        anyp = None
        if any:
            raw = eng.any_paths(graph, from_id, to_id, as_of=on, max_hops=max_hops)
            anyp = [[to_plain(h) for h in (p.hops if hasattr(p, "hops") else p)] for p in raw]
        return PathsOut(from_id=from_id, to_id=to_id, as_of=on, max_hops=max_hops, interest_paths=interest,
                        any_paths=anyp)

    if not any and graph.label(from_id) != "Person":
        raise ApiError(400, f"from={from_id!r} is a {graph.label(from_id)}; interest paths start at a Person "
                            "(use any=true to explore other paths)")
    return memo.get(graph, ("paths", from_id, to_id, on, max_hops, any), compute)  # type: ignore[no-any-return]
