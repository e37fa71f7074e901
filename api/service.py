"""What the routers share: the findings service, memoised per graph snapshot, and a node's page.

The answers come from the core (:mod:`orggraph.engine`, :mod:`orggraph.findings`); this module only
checks the ids a request names (404s a person can act on) and keeps each answer for as long as the
snapshot it was computed on is current. Routers import this module, never each other.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from api.deps import require_node
from api.graph_cache import GraphMemo
from api.names import resolve_node
from api.problems import ApiError
from api.schemas import NodeOut
from orggraph.engine import (
    AuditFinding,
    CompositionResult,
    Conflict,
    ScanSummary,
    committee_meetings,
    composition,
    conflicts,
    meeting_brief,
    next_meetings,
    register_audit,
    scan,
)
from orggraph.engine.models import MeetingBrief, MeetingSummary
from orggraph.findings import DecisionOut, PathsOut, decision_report, meeting_problem, paths_report
from orggraph.graph import OrgGraph
from orggraph.query import node_detail_on, node_history
from orggraph.schema import SCHEMA

CONFLICT_FILTERS = (("decision", ("Decision",)), ("person", ("Person",)), ("committee", ("Committee",)),
                    ("commissioner", tuple(sorted(SCHEMA.commissioner_labels))), ("meeting", ("Meeting",)))


def resolve_conflict_filters(graph: OrgGraph, memo: GraphMemo, **filters: str | None) -> dict[str, str | None]:
    """Each filter as a node id: an id as given, or a name of exactly one node of the right kind (404 for
    nothing or the wrong kind of node, 422 listing the candidates for an ambiguous name)."""
    labels = dict(CONFLICT_FILTERS)
    return {what: resolve_node(graph, memo, value, labels[what], what) if value else None
            for what, value in filters.items()}


def scan_out(graph: OrgGraph, memo: GraphMemo) -> ScanSummary:
    """The whole-graph scan (the home page's figures), once per snapshot."""
    return memo.get(graph, ("scan",), lambda: scan(graph))


def find_conflicts(graph: OrgGraph, memo: GraphMemo, *, decision: str | None = None, person: str | None = None,
                   committee: str | None = None, commissioner: str | None = None, meeting: str | None = None,
                   date_from: str | None = None, date_to: str | None = None, max_hops: int = 4) -> list[Conflict]:
    """The engine's conflicts, in its order. Only the list without dates is kept in the memo: the engine
    orders by date and a date filter only drops whole decisions, so every date range is a filter over
    that one list (distinct dates add nothing to memory)."""
    every = memo.get(graph, ("conflicts", decision, person, committee, commissioner, meeting, max_hops),
                     lambda: conflicts(graph, decision=decision, person=person, committee=committee,
                                       commissioner=commissioner, meeting=meeting, max_hops=max_hops))
    if date_from is None and date_to is None:
        return every
    return [c for c in every if (date_from is None or c.date >= date_from) and (date_to is None or c.date <= date_to)]


def brief_out(graph: OrgGraph, memo: GraphMemo, meeting_id: str, max_hops: int = 4) -> MeetingBrief:
    """The chair's brief for a meeting: 404 for an id not in the graph, 422 for a node that is not a Meeting."""
    problem = meeting_problem(graph, meeting_id)
    if problem is not None:
        status = 404 if meeting_id not in graph else 422
        hint = "; try GET /api/search?q=...&label=Meeting" if status == 404 else "; a brief is for a Meeting"
        raise ApiError(status, problem + hint)
    return memo.get(graph, ("brief", meeting_id, max_hops),
                    lambda: meeting_brief(graph, meeting_id, max_hops=max_hops))


def meetings_of(graph: OrgGraph, memo: GraphMemo, committee_id: str) -> list[MeetingSummary]:
    """A committee's meetings with their counts (conflicts, inquorate items, planned)."""
    return memo.get(graph, ("committee-meetings", committee_id), lambda: committee_meetings(graph, committee_id))


def upcoming_meetings(graph: OrgGraph, memo: GraphMemo, limit: int = 5) -> list[MeetingSummary]:
    """Meetings with an item still planned, soonest first (the home page's "next meetings")."""
    return memo.get(graph, ("next-meetings", limit), lambda: next_meetings(graph, limit=limit))


def meetings_of_decision(graph: OrgGraph, decision_id: str) -> list[tuple[str, str | None, str | None]]:
    """The meetings a decision is an agenda item of: (meeting id, name, date), by date."""
    nodes = graph.g.nodes
    found = [(m, nodes[m].get("name"), nodes[m].get("date")) for m, _, _ in graph.out_rels(decision_id, ["AT_MEETING"])
             if m in nodes and nodes[m].get("label") == "Meeting"]
    return sorted(set(found), key=lambda t: (t[2] or "", t[0]))


def decision_out(graph: OrgGraph, memo: GraphMemo, decision_id: str, max_hops: int = 4) -> DecisionOut:
    require_node(graph, decision_id, ("Decision",), "decision")
    return memo.get(graph, ("decision", decision_id, max_hops), lambda: decision_report(
        graph, decision_id, max_hops, find_conflicts(graph, memo, decision=decision_id, max_hops=max_hops)))


def composition_on(graph: OrgGraph, memo: GraphMemo, committee_id: str, on: str) -> CompositionResult:
    return memo.get(graph, ("composition", committee_id, on), lambda: composition(graph, committee_id, on))


def audit_on(graph: OrgGraph, memo: GraphMemo, commissioner_id: str, on: str, max_hops: int) -> list[AuditFinding]:
    return memo.get(graph, ("audit", commissioner_id, on, max_hops),
                    lambda: register_audit(graph, commissioner_id, on, max_hops=max_hops))


def paths_out(graph: OrgGraph, memo: GraphMemo, from_id: str, to_id: str, on: str, max_hops: int,
              include_any: bool) -> PathsOut:
    return memo.get(graph, ("paths", from_id, to_id, on, max_hops, include_any),
                    lambda: paths_report(graph, from_id, to_id, on, max_hops, include_any).model())


def node_out(graph: OrgGraph, node_id: str, as_of: str | None) -> NodeOut:
    require_node(graph, node_id)
    detail = node_detail_on(graph, node_id, as_of)
    assert detail is not None
    rels = detail.relationships
    sources = {str(detail.properties["source"])} if detail.properties.get("source") else set()
    sources |= {str(r.properties["source"]) for r in rels if r.properties.get("source")}
    return NodeOut(id=detail.id, label=detail.label, name=detail.name, properties=detail.properties,
                   relationships=rels, sources=sorted(sources), as_of=as_of, commissioner=detail.commissioner,
                   history=node_history(graph, node_id))


class CommitteeDecision(NamedTuple):
    id: str
    date: str
    title: str | None


class CommitteeOwner(NamedTuple):
    id: str
    name: str | None


class CommitteeOverview(NamedTuple):
    """A committee's page beyond its composition: every seat ever held, its decisions, whose it is."""

    seats: list[dict[str, Any]]
    decisions: list[CommitteeDecision]
    owners: list[CommitteeOwner]


def committee_overview(graph: OrgGraph, committee_id: str) -> CommitteeOverview:
    nodes = graph.g.nodes
    seats = sorted(
        ({"person_id": p, "person_name": nodes[p].get("name"), **props}
         for p, _, props in graph.in_rels(committee_id, ["SITS_ON"])),
        key=lambda s: (s.get("valid_from") or "", s["person_id"]))
    decisions = sorted((CommitteeDecision(d, nodes[d].get("date") or "", nodes[d].get("title") or nodes[d].get("name"))
                        for d, _, _ in graph.in_rels(committee_id, ["DECIDED_BY"])), key=lambda t: (t.date, t.id))
    owners = [CommitteeOwner(k, nodes[k].get("name")) for k, _, _ in graph.out_rels(committee_id, ["COMMITTEE_OF"])]
    return CommitteeOverview(seats, decisions, owners)
