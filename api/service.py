"""What the routers share: the findings service, each answer from the bounded subgraph its question
needs, memoised by the store's version; a node's page.

A question's graph is read from the store, never held: a decision's, a meeting's, a person's and a
committee's neighbourhood (:meth:`Store.neighbourhood`), a committee's decisions or meetings, a node and
its relationships (:mod:`orggraph.stores.ego`). The engine gives the same answer on each as on the whole
graph (tests/test_api_store_parity.py). The answers are kept in the :class:`GraphMemo` under
:meth:`Store.version`, so they last until the next committed write. The scan (:func:`scan_out`) is
streamed part by part. The filtered conflicts, the register audit and the paths use the CLI's walks
(:mod:`orggraph.stores.filters`, the ``commissioner`` question, :func:`paths_neighbourhood`). The next
meetings read decisions by page. Still on the whole graph: the conflicts with no id. Routers import
this module, never each other.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from api.graph_cache import GraphMemo
from api.names import resolve_node
from api.problems import ApiError
from api.schemas import NodeOut
from api.store_reads import node_data, require_node, walk, whole_graph
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
)
from orggraph.engine.models import MeetingBrief, MeetingSummary
from orggraph.findings import DecisionOut, PathsOut, decision_report, meeting_problem, paths_report
from orggraph.graph import OrgGraph
from orggraph.query import dated_detail, node_detail, node_history
from orggraph.schema import SCHEMA
from orggraph.stores.base import Store
from orggraph.stores.ego import committee_meetings_work, induced, one_hop, with_nodes
from orggraph.stores.filters import conflicts_neighbourhood
from orggraph.stores.neighbourhood import gather, paths_neighbourhood
from orggraph.stores.parts import planned_meetings, streamed_scan
from orggraph.stores.question import DEFAULT_HOPS, Question

CONFLICT_FILTERS = (("decision", ("Decision",)), ("person", ("Person",)), ("committee", ("Committee",)),
                    ("commissioner", tuple(sorted(SCHEMA.commissioner_labels))), ("meeting", ("Meeting",)))


def resolve_conflict_filters(store: Store, memo: GraphMemo, **filters: str | None) -> dict[str, str | None]:
    """Each filter as a node id: an id as given, or a name of exactly one node of the right kind (404 for
    nothing or the wrong kind of node, 422 listing the candidates for an ambiguous name)."""
    labels = dict(CONFLICT_FILTERS)
    return {what: resolve_node(store, memo, value, labels[what], what) if value else None
            for what, value in filters.items()}


def question_graph(store: Store, question: Question, node_id: str, max_hops: int = 4,
                   also: tuple[str | None, ...] = ()) -> OrgGraph:
    """``question``'s neighbourhood of ``node_id``, with the nodes ``also`` names (other filters of the
    same question, which the engine checks exist)."""
    extra = [a for a in also if a and a != node_id]
    if not extra:
        return walk(store, lambda f: gather(f, store.schema, question, node_id, max_hops), f"reading {node_id}")
    return walk(store, lambda f: with_nodes(f, store.schema, question, node_id, max_hops, extra), f"reading {node_id}")


def scan_out(store: Store, memo: GraphMemo) -> ScanSummary:
    """The whole-graph scan (the home page's figures), once per store version: streamed part by part over
    the store (:func:`orggraph.stores.parts.streamed_scan`), never the whole graph at once."""
    return memo.get(store.version(), ("scan",), lambda: streamed_scan(store))


def conflicts_graph(store: Store, decision: str | None, person: str | None, committee: str | None,
                    commissioner: str | None, meeting: str | None, max_hops: int) -> OrgGraph:
    """The subgraph the filtered conflicts question needs (:mod:`orggraph.stores.filters`, the CLI's walk):
    the narrowest id's neighbourhood with the other ids' nodes; with no id, the whole graph. Gathered
    without dates: a date range only filters the list kept for the version."""
    graph = conflicts_neighbourhood(store, max_hops=max_hops, decision=decision, person=person,
                                    committee=committee, commissioner=commissioner, meeting=meeting)
    return whole_graph(store) if graph is None else graph  # every conflict: a whole-graph question


def _with(store: Store, graph: OrgGraph, node_id: str) -> OrgGraph:
    data = node_data(store, node_id)
    if data is not None:
        graph.g.add_node(node_id, **data)
    return graph


def find_conflicts(store: Store, memo: GraphMemo, *, decision: str | None = None, person: str | None = None,
                   committee: str | None = None, commissioner: str | None = None, meeting: str | None = None,
                   date_from: str | None = None, date_to: str | None = None, max_hops: int = 4) -> list[Conflict]:
    """The engine's conflicts, in its order. Only the list without dates is kept in the memo: the engine
    orders by date and a date filter only drops whole decisions, so every date range is a filter over
    that one list (distinct dates add nothing to memory)."""
    def compute() -> list[Conflict]:
        graph = conflicts_graph(store, decision, person, committee, commissioner, meeting, max_hops)
        return conflicts(graph, decision=decision, person=person, committee=committee, commissioner=commissioner,
                         meeting=meeting, max_hops=max_hops)

    every = memo.get(store.version(), ("conflicts", decision, person, committee, commissioner, meeting, max_hops),
                     compute)
    if date_from is None and date_to is None:
        return every
    return [c for c in every if (date_from is None or c.date >= date_from) and (date_to is None or c.date <= date_to)]


def brief_graph(store: Store, meeting_id: str, max_hops: int = 4) -> OrgGraph:
    """The meeting's neighbourhood: 404 for an id not in the store, 422 for a node that is not a Meeting."""
    graph = question_graph(store, "meeting", meeting_id, max_hops)
    problem = meeting_problem(graph, meeting_id)
    if problem is not None:
        status = 404 if meeting_id not in graph else 422
        hint = "; try GET /api/search?q=...&label=Meeting" if status == 404 else "; a brief is for a Meeting"
        raise ApiError(status, problem + hint)
    return graph


def brief_out(store: Store, memo: GraphMemo, meeting_id: str, max_hops: int = 4) -> MeetingBrief:
    """The chair's brief for a meeting (errors as :func:`brief_graph`)."""
    return memo.get(store.version(), ("brief", meeting_id, max_hops),
                    lambda: meeting_brief(brief_graph(store, meeting_id, max_hops), meeting_id, max_hops=max_hops))


def meetings_of(store: Store, memo: GraphMemo, committee_id: str) -> list[MeetingSummary]:
    """A committee's meetings with their counts (conflicts, inquorate items, planned)."""
    def compute() -> list[MeetingSummary]:
        graph = walk(store, lambda f: committee_meetings_work(f, store.schema, committee_id, 4),
                     f"reading the meetings of {committee_id}")
        return committee_meetings(graph, committee_id)

    return memo.get(store.version(), ("committee-meetings", committee_id), compute)


def upcoming_meetings(store: Store, memo: GraphMemo, limit: int = 5) -> list[MeetingSummary]:
    """Meetings with an item still planned, soonest first (the home page's "next meetings"), once per store
    version: decisions read by page, then the planned ones' meetings with their neighbourhoods."""
    def compute() -> list[MeetingSummary]:
        graph = walk(store, lambda f: planned_meetings(f, store.schema), "reading the planned meetings")
        return next_meetings(graph, limit=limit)

    return memo.get(store.version(), ("next-meetings", limit), compute)


def meetings_of_decision(graph: OrgGraph, decision_id: str) -> list[tuple[str, str | None, str | None]]:
    """The meetings a decision is an agenda item of: (meeting id, name, date), by date (from any graph
    holding the decision's relationships, e.g. its neighbourhood)."""
    nodes = graph.g.nodes
    found = [(m, nodes[m].get("name"), nodes[m].get("date")) for m, _, _ in graph.out_rels(decision_id, ["AT_MEETING"])
             if m in nodes and nodes[m].get("label") == "Meeting"]
    return sorted(set(found), key=lambda t: (t[2] or "", t[0]))


def decision_graph(store: Store, decision_id: str, max_hops: int = 4) -> OrgGraph:
    """The decision's neighbourhood (404 unless it is a decision), at least :data:`DEFAULT_HOPS` deep:
    the report's quorum counts exclusions at the engine's default hops whatever ``max_hops`` is."""
    require_node(store, decision_id, ("Decision",), "decision")
    return question_graph(store, "decision", decision_id, max(max_hops, DEFAULT_HOPS))


def decision_out(store: Store, memo: GraphMemo, decision_id: str, max_hops: int = 4) -> DecisionOut:
    def compute() -> DecisionOut:
        graph = decision_graph(store, decision_id, max_hops)
        found = conflicts(graph, decision=decision_id, max_hops=max_hops)
        return decision_report(graph, decision_id, max_hops, found)

    return memo.get(store.version(), ("decision", decision_id, max_hops), compute)


def composition_on(store: Store, memo: GraphMemo, committee_id: str, on: str) -> CompositionResult:
    return memo.get(store.version(), ("composition", committee_id, on),
                    lambda: composition(question_graph(store, "committee", committee_id), committee_id, on))


def audit_on(store: Store, memo: GraphMemo, commissioner_id: str, on: str, max_hops: int) -> list[AuditFinding]:
    """The register audit, on the commissioner's neighbourhood."""
    return memo.get(store.version(), ("audit", commissioner_id, on, max_hops),
                    lambda: register_audit(store.neighbourhood("commissioner", commissioner_id, max_hops),
                                           commissioner_id, on, max_hops=max_hops))


def paths_out(store: Store, memo: GraphMemo, from_id: str, to_id: str, on: str, max_hops: int,
              include_any: bool) -> PathsOut:
    """Paths between two nodes, on what a path of at most ``max_hops`` could cross."""
    return memo.get(store.version(), ("paths", from_id, to_id, on, max_hops, include_any),
                    lambda: paths_report(paths_neighbourhood(store, from_id, to_id, max_hops, include_any),
                                         from_id, to_id, on, max_hops, include_any).model())


def nodes_graph(store: Store, ids: list[str], as_of: str | None = None) -> OrgGraph:
    """The nodes among ``ids`` that exist and every relationship among them (live on ``as_of``)."""
    return walk(store, lambda f: induced(f, store.schema, ids, as_of), "reading nodes")


def node_graph(store: Store, node_id: str) -> OrgGraph:
    """The node, its relationships and the nodes at their other ends."""
    return walk(store, lambda f: one_hop(f, store.schema, node_id), f"reading {node_id}")


def node_out(store: Store, node_id: str, as_of: str | None, graph: OrgGraph | None = None) -> NodeOut:
    """A node's page data; ``graph`` is its :func:`node_graph` when the caller has it already."""
    graph = graph if graph is not None else node_graph(store, node_id)
    detail = node_detail(graph, node_id)
    if detail is None:
        raise ApiError(404, f"no node with id {node_id!r}; try GET /api/search?q=...")
    detail = dated_detail(detail, as_of, store.node)  # a practice's commissioner is one more node away
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
    """From any graph holding the committee's relationships and their other ends (its :func:`node_graph`)."""
    nodes = graph.g.nodes
    seats = sorted(
        ({"person_id": p, "person_name": nodes[p].get("name"), **props}
         for p, _, props in graph.in_rels(committee_id, ["SITS_ON"])),
        key=lambda s: (s.get("valid_from") or "", s["person_id"]))
    decisions = sorted((CommitteeDecision(d, nodes[d].get("date") or "", nodes[d].get("title") or nodes[d].get("name"))
                        for d, _, _ in graph.in_rels(committee_id, ["DECIDED_BY"])), key=lambda t: (t.date, t.id))
    owners = [CommitteeOwner(k, nodes[k].get("name")) for k, _, _ in graph.out_rels(committee_id, ["COMMITTEE_OF"])]
    return CommitteeOverview(seats, decisions, owners)
