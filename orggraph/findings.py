"""The findings service under both faces: the reports the CLI and the API give, built in one place.

The engine answers questions (:mod:`orggraph.engine`); this module assembles them into the reports a
person reads (one decision with its conflicts, quorum and evidence; the paths between two nodes) and
flattens any finding into CSV rows. The CLI and the API only parse their arguments and shape the
output, so the same question gets the same answer from both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from orggraph.csvsafe import JOINED_COLUMNS, flatten, rows_to_csv, to_plain
from orggraph.engine import (
    Conflict,
    Hop,
    InterestPath,
    QuorumResult,
    any_paths,
    conflicts,
    decision_makers,
    decision_parties,
    interest_paths,
    quorum,
)
from orggraph.engine.models import MeetingBrief
from orggraph.graph import OrgGraph
from orggraph.query import RelView, node_detail

# CSV columns of each finding, in order (JSON carries every field; nested ones become JSON text).
CONFLICT_COLUMNS = ["person_id", "person_name", "decision_id", "decision_title", "committee_id", "date",
                    "parties", "interest_types", "direct", "declaration", "declaration_ids", "participation",
                    "breach", "severity", "score", "explanation", "paths", "meeting_id", "item", "status",
                    "recommended_action", "declared_at_meeting", "ruling", "managed", "breach_kinds"]
AUDIT_COLUMNS = ["person_id", "person_name", "org_id", "org_name", "commissioner_id", "as_of", "committees",
                 "declaration", "declaration_ids", "interest_types", "explanation", "paths"]
PATH_COLUMNS = ["kind", "n", "interest_type", "length", "nodes", "types"]
# One row per conflicted member per agenda item of a meeting's brief (items with no conflict: one row).
BRIEF_COLUMNS = ["meeting_id", "date", "item", "decision_id", "title", "status", "person_id", "person_name",
                 "interest_types", "declaration", "declared_at_meeting", "recommended_action", "severity",
                 "breach_kinds", "quorate", "failing", "presiding", "co_optable"]
# Lists of words that read better joined than as JSON text in a CSV cell or a table.


# ---- Reports ------------------------------------------------------------------------------------
# No docstrings on these two models: pydantic would put them in /openapi.json, which stays as it was.
# One decision as a governance lead reads it: who decided, for whom, who was conflicted, was it quorate,
# and the decision's own relationships as evidence.
class DecisionOut(BaseModel):
    id: str
    title: str | None = None
    date: str | None = None
    committee_id: str | None = None
    committee_name: str | None = None
    parties: list[str]
    decision_makers: list[str]
    conflicts: list[Conflict]
    quorum: QuorumResult
    evidence: list[RelView] = Field(description="The decision's own relationships, each with its source")


# The paths between two nodes on a date: interest paths (the engine's rules) and, on request, any
# shortest paths (for exploring).
class PathsOut(BaseModel):
    from_id: str
    to_id: str
    as_of: str | None
    max_hops: int
    interest_paths: list[InterestPath]
    any_paths: list[list[dict[str, Any]]] | None = None


def decision_report(graph: OrgGraph, decision_id: str, max_hops: int = 4,
                    found: list[Conflict] | None = None) -> DecisionOut:
    """The report on one decision (an existing Decision node); ``found`` are its conflicts when the
    caller already has them (the API keeps them per snapshot)."""
    data = graph.g.nodes[decision_id]
    committee_ids = [end for end, _, _ in graph.out_rels(decision_id, ["DECIDED_BY"])]
    committee_id = committee_ids[0] if committee_ids else None
    detail = node_detail(graph, decision_id)
    if found is None:
        found = conflicts(graph, decision=decision_id, max_hops=max_hops)
    return DecisionOut(
        id=decision_id, title=data.get("title") or data.get("name"), date=data.get("date"),
        committee_id=committee_id,
        committee_name=graph.g.nodes[committee_id].get("name") if committee_id else None,
        parties=list(decision_parties(graph, decision_id)),
        decision_makers=list(decision_makers(graph, decision_id)),
        conflicts=found,
        quorum=quorum(graph, decision_id),
        evidence=detail.relationships if detail else [],
    )


def path_start_problem(graph: OrgGraph, from_id: str) -> str | None:
    """Why interest paths cannot start at ``from_id`` (they start at a Person), or None when they can.
    Each face names the node its own way first and adds its own hint (``--any``, ``any=true``)."""
    label = graph.label(from_id)
    if label == "Person":
        return None
    return f"is a {label}; interest paths start at a Person"


@dataclass
class PathsReport:
    """The paths between two nodes, with typed hops (for the table and CSV rows)."""

    from_id: str
    to_id: str
    as_of: str
    max_hops: int
    interest: list[InterestPath]
    shortest: list[list[Hop]] | None  # any shortest paths, when asked for

    def model(self) -> PathsOut:
        anyp = [[to_plain(h) for h in hops] for hops in self.shortest] if self.shortest is not None else None
        return PathsOut(from_id=self.from_id, to_id=self.to_id, as_of=self.as_of, max_hops=self.max_hops,
                        interest_paths=self.interest, any_paths=anyp)

    def rows(self) -> list[dict[str, Any]]:
        """One row a path: interest paths first, then any paths, each numbered from 1."""
        rows = [_path_row("interest", i, p.hops, p.interest_type) for i, p in enumerate(self.interest, 1)]
        rows += [_path_row("any", i, hops, None) for i, hops in enumerate(self.shortest or [], 1)]
        return rows


def _path_row(kind: str, n: int, hops: list[Hop], interest_type: str | None) -> dict[str, Any]:
    nodes = [hops[0].to_id if hops[0].reversed else hops[0].from_id] if hops else []
    nodes += [h.from_id if h.reversed else h.to_id for h in hops]
    return {"kind": kind, "n": n, "interest_type": interest_type, "length": len(hops),
            "nodes": " > ".join(nodes), "types": " > ".join(h.type for h in hops),
            "hops": [to_plain(h) for h in hops]}


def paths_report(graph: OrgGraph, from_id: str, to_id: str, as_of: str, max_hops: int = 4,
                 include_any: bool = False) -> PathsReport:
    """Interest paths from ``from_id`` (when it is a Person) to ``to_id`` live on ``as_of``; with
    ``include_any``, also shortest paths of any kind. Both nodes must exist."""
    interest: list[InterestPath] = []
    if graph.label(from_id) == "Person":
        interest = list(interest_paths(graph, from_id, to_id, as_of=as_of, max_hops=max_hops))
    found_any = any_paths(graph, from_id, to_id, as_of=as_of, max_hops=max_hops) if include_any else None
    return PathsReport(from_id, to_id, as_of, max_hops, interest, found_any)


# ---- Meetings -----------------------------------------------------------------------------------
def meeting_problem(graph: OrgGraph, meeting_id: str) -> str | None:
    """Why ``meeting_id`` has no brief (not in the graph, or not a Meeting), or None when it has one.
    A face tells the two apart by ``meeting_id in graph`` (the API: 404 and 422)."""
    label = graph.label(meeting_id)
    if label is None:
        return f"no meeting with id {meeting_id!r} in the graph"
    if label != "Meeting":
        return f"{meeting_id!r} is a {label}, not a Meeting"
    return None


def brief_names(graph: OrgGraph, brief: MeetingBrief) -> dict[str, str]:
    """The name of every node a brief mentions by id (people, parties, committee, commissioner), for
    the pages and the printed brief; an id without a name stands for itself."""
    ids = {brief.meeting_id, brief.committee_id, brief.commissioner_id}
    if brief.composition is not None:
        ids |= {m.person_id for m in brief.composition.members}
    for item in brief.items:
        q = item.quorum
        ids |= {item.decision_id, q.presiding, *item.parties, *q.eligible, *q.co_optable}
        ids |= {e.person_id for e in q.excluded}
        for c in item.conflicts:
            ids.add(c.person_id)
            ids |= {nid for path in c.paths for nid in path.node_ids}
    names: dict[str, str] = {}
    for nid in sorted(i for i in ids if i):
        data = graph.node(nid)
        if data is not None:
            names[nid] = str(data.get("name") or data.get("title") or nid)
    return names


def brief_conflicts(brief: MeetingBrief) -> list[Conflict]:
    """Every conflict of a brief, item by item in agenda order (what `conflicts --meeting` lists)."""
    return [c for item in brief.items for c in item.conflicts]


def brief_rows(brief: MeetingBrief) -> list[dict[str, Any]]:
    """One CSV row per conflicted member per agenda item; an item with no conflict gets one row."""
    rows = []
    for item in brief.items:
        q = item.quorum
        common = {"meeting_id": brief.meeting_id, "date": item.date, "item": item.item,
                  "decision_id": item.decision_id, "title": item.title, "status": item.status,
                  "quorate": q.quorate, "failing": q.failing, "presiding": q.presiding, "co_optable": q.co_optable}
        found: list[Conflict | None] = list(item.conflicts) or [None]
        for c in found:
            person = {} if c is None else {
                "person_id": c.person_id, "person_name": c.person_name, "interest_types": c.interest_types,
                "declaration": c.declaration, "declared_at_meeting": c.declared_at_meeting,
                "recommended_action": c.recommended_action, "severity": c.severity, "breach_kinds": c.breach_kinds}
            rows.append({**common, **person})
    return rows


__all__ = [
    "AUDIT_COLUMNS",
    "BRIEF_COLUMNS",
    "CONFLICT_COLUMNS",
    "JOINED_COLUMNS",
    "PATH_COLUMNS",
    "DecisionOut",
    "PathsOut",
    "PathsReport",
    "brief_conflicts",
    "brief_names",
    "brief_rows",
    "decision_report",
    "flatten",
    "meeting_problem",
    "path_start_problem",
    "paths_report",
    "rows_to_csv",
]
