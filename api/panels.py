"""Findings first: the home page's headline figures and the findings panel of a node's page.

Every figure comes from the engine, memoised by store version (:mod:`api.service`): the home page's
from the whole-graph scan (:func:`api.service.scan_out`), a panel's from the engine's filtered questions
(``conflicts(person=...)``, a decision's conflicts, a commissioner's register audit), each on the
subgraph it needs, so a page at national scale reads only around its own node. The names and dates the
panels word are read from the node's own relationships (its one-hop graph, given by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from api.graph_cache import GraphMemo
from api.service import (
    CommitteeOverview,
    audit_on,
    committee_overview,
    find_conflicts,
    node_graph,
    nodes_graph,
    scan_out,
)
from api.store_reads import walk
from orggraph.engine import AuditFinding, Conflict, ScanSummary
from orggraph.engine.models import CompositionFailure, MeetingSummary
from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA
from orggraph.stores.base import Store
from orggraph.stores.parts import latest_decision_date as latest_date_of
from orggraph.temporal import today

PARTY_RELS = ["AWARDED_TO", "AFFECTS"]
DECLARATION_ORDER = {"undeclared": 0, "partial": 1, "declared": 2}


class Telling(NamedTuple):
    """A decision to read first, named."""

    id: str
    date: str
    title: str
    committee_id: str | None
    committee: str | None
    conflicts: int
    breaches: int
    max_score: int
    severity: str


@dataclass
class Headline:
    scan: ScanSummary
    telling: list[Telling]
    inquorate: list[tuple[str, str, str]]  # (decision id, date, title), latest first
    composition_failures: list[tuple[CompositionFailure, str]]  # (failure, committee name)


def _title(graph: OrgGraph, node_id: str) -> str:
    data = graph.g.nodes.get(node_id) or {}
    return str(data.get("title") or data.get("name") or node_id)


def headline(store: Store, memo: GraphMemo, show: int = 5) -> Headline:
    """The scan's figures, worded with the names of the few nodes they name (read by id)."""
    return memo.get(store.version(), ("headline", show), lambda: _headline(store, memo, show))


def _headline(store: Store, memo: GraphMemo, show: int) -> Headline:
    s = scan_out(store, memo)
    telling = []
    for t in s.top_decisions[:show]:
        around = node_graph(store, t.decision_id)
        committee = next((c for c, _, _ in around.out_rels(t.decision_id, ["DECIDED_BY"])), None)
        telling.append(Telling(t.decision_id, t.date, _title(around, t.decision_id), committee,
                               _title(around, committee) if committee else None, t.conflicts, t.breaches,
                               t.max_score, t.severity))
    named = nodes_graph(store, sorted(set(s.inquorate) | {f.committee_id for f in s.composition_failures}))
    nodes = named.g.nodes
    inquorate = sorted(((d, str(nodes[d].get("date") or ""), _title(named, d)) for d in s.inquorate if d in nodes),
                       key=lambda t: (t[1], t[0]), reverse=True)
    failures = [(f, _title(named, f.committee_id)) for f in s.composition_failures]
    return Headline(s, telling, inquorate, failures)


@dataclass
class Panel:
    """What a node's page says first: its findings, each linking to the evidence."""

    kind: str  # person | organisation | committee | commissioner
    conflicts: list[Conflict] = field(default_factory=list)
    breaches: list[Conflict] = field(default_factory=list)
    party_to: list[tuple[str, str, str, list[Conflict]]] = field(default_factory=list)  # (id, date, title, conflicts)
    inquorate: list[tuple[str, str, str]] = field(default_factory=list)  # (decision id, date, title)
    composition_failures: list[CompositionFailure] = field(default_factory=list)
    audit: list[AuditFinding] = field(default_factory=list)
    audit_on: str | None = None
    audit_allowed: bool = True


def person_panel(store: Store, memo: GraphMemo, person_id: str) -> Panel:
    found = find_conflicts(store, memo, person=person_id)
    ordered = sorted(found, key=lambda c: (not c.breach, -c.score, c.date, c.decision_id))
    return Panel("person", conflicts=ordered, breaches=[c for c in ordered if c.breach])


def organisation_panel(store: Store, memo: GraphMemo, graph: OrgGraph, org_id: str) -> Panel:
    """The decisions the organisation was a party to where a decision-maker had an interest path to a party;
    those with conflicted voters (breaches) first."""
    nodes = graph.g.nodes
    rows = []
    for d in sorted({d for d, _, _ in graph.in_rels(org_id, PARTY_RELS) if nodes.get(d, {}).get("label") == "Decision"}):
        found = find_conflicts(store, memo, decision=d)
        if found:
            rows.append((d, str(nodes[d].get("date") or ""), _title(graph, d), found))
    rows.sort(key=lambda r: (-sum(c.breach for c in r[3]), r[1], r[0]))
    return Panel("organisation", party_to=rows, breaches=[c for r in rows for c in r[3] if c.breach])


def committee_panel(store: Store, memo: GraphMemo, graph: OrgGraph, committee_id: str) -> Panel:
    """Its breaches, and the scan's inquorate decisions and composition failures that are this committee's
    (``graph``: the committee's one-hop graph)."""
    s = scan_out(store, memo)
    decisions = {d.id: d for d in committee_overview(graph, committee_id).decisions}
    inquorate = sorted(((d, decisions[d].date, _title(graph, d)) for d in s.inquorate if d in decisions),
                       key=lambda t: (t[1], t[0]), reverse=True)
    found = find_conflicts(store, memo, committee=committee_id)
    return Panel("committee", conflicts=found, breaches=[c for c in found if c.breach], inquorate=inquorate,
                 composition_failures=[f for f in s.composition_failures if f.committee_id == committee_id])


def latest_committee_date(overview: CommitteeOverview, meetings: list[MeetingSummary]) -> str:
    """The latest date a committee's records cover: its last decision, meeting or seat date (a seat's end
    only once passed: a term recorded to end in the future says nothing of the present), else today."""
    now = today()
    dates = [d.date for d in overview.decisions if d.date] + [m.date for m in meetings if m.date]
    for seat in overview.seats:
        dates += [str(seat["valid_from"])] if seat.get("valid_from") else []
        dates += [str(seat["valid_to"])] if seat.get("valid_to") and str(seat["valid_to"]) <= now else []
    return max(dates) if dates else now


def latest_decision_date(store: Store, memo: GraphMemo) -> str:
    """The date of the latest decision (the scan's default audit date), else today: decisions read by
    page, once per store version."""
    def compute() -> str:
        return walk(store, latest_date_of, "reading the decisions' dates") or today()

    return memo.get(store.version(), ("latest-decision-date",), compute)


def commissioner_panel(store: Store, memo: GraphMemo, commissioner_id: str, on: str | None,
                       may_audit: bool) -> Panel:
    """Its register audit on ``on`` (default: the latest decision's date), undeclared first, and its
    committees' breaches. The audit needs the auditor role, as in the API."""
    found = find_conflicts(store, memo, commissioner=commissioner_id)
    panel = Panel("commissioner", conflicts=found, breaches=[c for c in found if c.breach],
                  audit_on=on or latest_decision_date(store, memo), audit_allowed=may_audit)
    if may_audit and panel.audit_on:
        rows = audit_on(store, memo, commissioner_id, panel.audit_on, 4)
        panel.audit = sorted(rows, key=lambda r: DECLARATION_ORDER.get(r.declaration, 3))
    return panel


def panel_for(store: Store, memo: GraphMemo, graph: OrgGraph, node_id: str, label: str, on: str | None,
              may_audit: bool) -> Panel | None:
    """``graph``: the node's one-hop graph (:func:`api.service.node_graph`)."""
    if label == "Person":
        return person_panel(store, memo, node_id)
    if label in SCHEMA.commissioner_labels:
        return commissioner_panel(store, memo, node_id, on, may_audit)
    if label == "Committee":
        return committee_panel(store, memo, graph, node_id)
    if label in ("Decision", "Meeting"):
        return None  # their own pages are their findings
    if any(True for _ in graph.in_rels(node_id, PARTY_RELS)):
        return organisation_panel(store, memo, graph, node_id)
    return None
