"""A per-graph index of typed adjacency for the engine, built once and cached against the graph.

Every algorithm in the engine walks these tables rather than the networkx graph, because a scan asks
the same small questions (whose interests, which seats, which parties) tens of thousands of times.
The edge classes come from the schema (``SCHEMA.classify``): provider-interest edges with their
interest type, org-to-org interest edges, and personal links (``FAMILY_OF``, stored either way round).
The relationship types that the contract names as having a special meaning (``SITS_ON``,
``DECIDED_BY``, ``VOTED_ON``...) are read by name.

Every record keeps its validity as a :class:`~orggraph.temporal.Window`, so "live on d" is
``window.live(d)`` wherever the engine asks it.

Cache: keyed on the networkx graph object (weakly) and stamped with its node and edge counts; a graph
that gains or loses nodes or edges gets a fresh index on the next call. Editing properties in place
(without adding or removing anything) is not detected: call :func:`invalidate` after doing that.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from orggraph.engine.agenda import DeclaredAt, MeetingInfo, declared_at, meeting_table, meetings_by_committee
from orggraph.graph import OrgGraph
from orggraph.quorum_rule import tags
from orggraph.schema import Schema, Variant
from orggraph.temporal import Window, window_of


class EdgeRef(NamedTuple):
    """One stored edge as walked: its stored ends and key, and whether it was walked against its
    direction (``FAMILY_OF`` is symmetric in meaning, so it is walked either way)."""

    start: str
    end: str
    key: str
    reversed: bool = False


class Link(NamedTuple):
    """One edge out of a node in an interest table: where it leads, which edge, when it is live."""

    end: str
    ref: EdgeRef
    window: Window
    interest_type: str = ""  # provider-interest edges only


class Tie(NamedTuple):
    """A dated tie to another node (a committee's commissioner, a provider's, a declaration's org)."""

    node: str
    window: Window


class StaticPath(NamedTuple):
    """An interest path as the index keeps it, whatever the date: node ids (person first), edges,
    interest type, and the window in which every edge is live (the intersection of their validity)."""

    nodes: tuple[str, ...]
    edges: tuple[EdgeRef, ...]
    interest_type: str
    window: Window

    @property
    def target(self) -> str:
        return self.nodes[-1]


def path_order(p: StaticPath) -> tuple[Any, ...]:
    """Shortest first, then by node ids, then by the edges (two links between the same nodes)."""
    return (len(p.edges), p.nodes, p.edges)


@dataclass(slots=True)
class Seat:
    person: str
    committee: str
    ref: EdgeRef
    props: dict[str, Any]
    window: Window
    words: frozenset[str] = frozenset()  # member type and role, as quorum rule clauses count them


@dataclass(slots=True)
class DecisionInfo:
    id: str
    date: str
    committees: list[str]
    meetings: list[str]
    parties: list[str]
    voters: set[str]
    withdrew: set[str]
    item: str | None = None  # the agenda reference at its meeting
    status: str = "decided"  # planned, decided, deferred or referred (none recorded: decided)
    declared_at: dict[str, DeclaredAt] = field(default_factory=dict)  # person -> declaration at the meeting

    @property
    def committee(self) -> str | None:
        """The committee that took it (the first, by id), if one is recorded."""
        return self.committees[0] if self.committees else None


@dataclass(slots=True)
class DeclarationInfo:
    id: str
    window: Window  # declaration node and DECLARED edge together
    concerns: list[Tie]  # each CONCERNS edge: the organisation and when the edge is live


@dataclass
class Index:
    stamp: tuple[int, int]
    labels: dict[str, str]
    person_out: dict[str, list[Link]]  # provider-interest edges, with their interest type
    org_out: dict[str, list[Link]]  # org-to-org interest edges, followed forwards only
    family: dict[str, list[Link]]  # personal links, both directions
    seats: dict[str, list[Seat]]  # committee -> seats (SITS_ON)
    seats_of: dict[str, list[Seat]]  # person -> seats
    # COMMITTEE_OF ties, each live while the link and the commissioner node both are (see _owned).
    committee_of: dict[str, list[Tie]]  # committee -> its commissioners
    committees_of: dict[str, list[Tie]]  # commissioner -> its committees
    commissioned: dict[str, list[Tie]]  # commissioner -> providers it commissions
    in_icb: dict[str, list[Tie]]  # ICB -> the sub-ICB locations, hubs and reporting entities in it
    decisions: dict[str, DecisionInfo]
    decisions_by_committee: dict[str, list[str]]
    decisions_voted: dict[str, list[str]]  # person -> decisions they VOTED_ON
    attended: dict[str, set[str]]  # meeting -> people
    meetings: dict[str, MeetingInfo]
    meetings_by_committee: dict[str, list[str]]  # HELD_BY, by date then id
    deputy_committees: frozenset[str]  # committees with a deputy's seat (deputy_for)
    declarations: dict[str, list[DeclarationInfo]]  # person -> their declarations
    # Caches filled on demand: (person, max_hops) -> {target org: [paths, sorted]}.
    path_cache: dict[tuple[str, int], dict[str, list[StaticPath]]] = field(default_factory=dict)
    hop_cache: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    rule_cache: dict[str | None, Any] = field(default_factory=dict)  # committee -> its QuorumRule


def _stamp(g: nx.MultiDiGraph) -> tuple[int, int]:
    # O(1): OrgGraph.apply bumps the graph's version on every change. Counting edges here cost
    # ~90 ms a call at national scale, which dominated a single decision's query.
    return (len(g._node), int(g.graph.get("version", 0)))


_BUILD_LOCK = threading.Lock()
_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, Index] = weakref.WeakKeyDictionary()


def invalidate(graph: OrgGraph) -> None:
    """Forget the cached index of ``graph``: needed after editing ``graph.g`` directly (networkx calls
    bypass :meth:`OrgGraph.apply`, which is what keeps the index current)."""
    _CACHE.pop(graph.g, None)


def index_for(graph: OrgGraph) -> Index:
    """The cached index of ``graph``, rebuilt if it changed through :meth:`OrgGraph.apply` since."""
    g = graph.g
    stamp = _stamp(g)
    ix = _CACHE.get(g)
    if ix is not None and ix.stamp == stamp:
        return ix
    # One build at a time: a server's first concurrent requests wait for one build instead of each
    # building its own (16 parallel builds under the GIL took 12 s instead of 0.7 s).
    with _BUILD_LOCK:
        ix = _CACHE.get(g)
        if ix is None or ix.stamp != stamp:
            with collector_paused():
                ix = build_index(graph, stamp)
            _CACHE[g] = ix
    return ix


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch of work that allocates hundreds of thousands of
    small acyclic records (the index, a scan's paths and findings at national scale): the full
    collections their allocation sets off find nothing, and took a third to a half of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---- building: one pass over the edges fills the tables, then one builder per derived table ---------
def _links() -> defaultdict[str, list[Link]]:
    return defaultdict(list)


def _ties() -> defaultdict[str, list[Tie]]:
    return defaultdict(list)


def _ids() -> defaultdict[str, set[str]]:
    return defaultdict(set)


@dataclass
class _EdgeTables:
    """What one pass over the edges collects, by relationship class or by the contract's named types."""

    person_out: defaultdict[str, list[Link]] = field(default_factory=_links)
    org_out: defaultdict[str, list[Link]] = field(default_factory=_links)
    family: defaultdict[str, list[Link]] = field(default_factory=_links)
    seats: defaultdict[str, list[Seat]] = field(default_factory=lambda: defaultdict(list))
    seats_of: defaultdict[str, list[Seat]] = field(default_factory=lambda: defaultdict(list))
    committee_of: defaultdict[str, list[Tie]] = field(default_factory=_ties)
    committees_of: defaultdict[str, list[Tie]] = field(default_factory=_ties)
    commissioned: defaultdict[str, list[Tie]] = field(default_factory=_ties)
    in_icb: defaultdict[str, list[Tie]] = field(default_factory=_ties)
    decided_by: defaultdict[str, set[str]] = field(default_factory=_ids)
    at_meeting: defaultdict[str, set[str]] = field(default_factory=_ids)
    parties: defaultdict[str, set[str]] = field(default_factory=_ids)
    voters: defaultdict[str, set[str]] = field(default_factory=_ids)
    withdrew: defaultdict[str, set[str]] = field(default_factory=_ids)
    attended: defaultdict[str, set[str]] = field(default_factory=_ids)
    held_by: defaultdict[str, set[str]] = field(default_factory=_ids)
    declared_at: defaultdict[str, list[tuple[str, str, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list))  # decision -> (person, key, data)
    declared: defaultdict[str, list[Tie]] = field(default_factory=_ties)  # declaration -> its people
    concerns: defaultdict[str, list[Tie]] = field(default_factory=_ties)  # declaration -> its orgs

    def add_interest(self, variant: Variant, u: str, v: str, key: str, data: dict[str, Any], w: Window) -> bool:
        """File an edge of an interest class; False when its class is not one of them."""
        rel_class = variant.rel_class
        if rel_class == "provider_interest":
            itype = variant.interest_type_for(data) or "financial"
            self.person_out[u].append(Link(v, EdgeRef(u, v, key), w, itype))
        elif rel_class == "org_interest":
            self.org_out[u].append(Link(v, EdgeRef(u, v, key), w))
        elif rel_class == "personal_link":
            self.family[u].append(Link(v, EdgeRef(u, v, key), w))
            self.family[v].append(Link(u, EdgeRef(u, v, key, True), w))
        else:
            return False
        return True

    def add_named(self, rtype: str, u: str, v: str, key: str, data: dict[str, Any], w: Window) -> None:
        """File an edge of a type the contract names (seats, structure, decisions, declarations)."""
        if rtype == "SITS_ON":
            seat = Seat(u, v, EdgeRef(u, v, key), data, w, tags(data.get("member_type"), data.get("role")))
            self.seats[v].append(seat)
            self.seats_of[u].append(seat)
        elif rtype == "COMMITTEE_OF":
            self.committee_of[u].append(Tie(v, w))
            self.committees_of[v].append(Tie(u, w))
        elif rtype == "COMMISSIONED_BY":
            self.commissioned[v].append(Tie(u, w))
        elif rtype == "IN_ICB":
            self.in_icb[v].append(Tie(u, w))
        elif rtype == "DECLARED":
            self.declared[v].append(Tie(u, w))
        elif rtype == "CONCERNS":
            self.concerns[u].append(Tie(v, w))
        elif rtype == "DECIDED_BY":
            self.decided_by[u].add(v)
        elif rtype == "AT_MEETING":
            self.at_meeting[u].add(v)
        elif rtype in ("AWARDED_TO", "AFFECTS"):
            self.parties[u].add(v)
        elif rtype == "VOTED_ON":
            self.voters[v].add(u)
        elif rtype == "WITHDREW_FROM":
            self.withdrew[v].add(u)
        elif rtype == "ATTENDED":
            self.attended[v].add(u)
        elif rtype == "HELD_BY":
            self.held_by[u].add(v)
        elif rtype == "DECLARED_AT":
            self.declared_at[v].append((u, key, data))


def _edge_tables(g: nx.MultiDiGraph, schema: Schema, labels: dict[str, str]) -> _EdgeTables:
    t = _EdgeTables()
    variants: dict[tuple[str, str, str], Variant | None] = {}
    windows: dict[Window, Window] = {}  # one object per distinct window: fewer objects to keep
    for u, v, key, data in g.edges(keys=True, data=True):
        w = window_of(data)
        if w.empty:
            continue  # never live (loaders reject these; a hand-built graph might not)
        w = windows.setdefault(w, w)
        rtype = data["type"]
        ck = (rtype, labels[u], labels[v])
        if ck not in variants:
            variants[ck] = schema.classify(*ck)
        variant = variants[ck]
        if variant is None or not t.add_interest(variant, u, v, key, data, w):
            t.add_named(rtype, u, v, key, data, w)
    return t


def _decision_table(g: nx.MultiDiGraph, t: _EdgeTables) -> tuple[dict[str, DecisionInfo], dict[str, list[str]]]:
    """Every decision with its committees (DECIDED_BY, else the HELD_BY committees of its meetings),
    meetings, parties, participants and agenda details; the decisions of each committee, by date."""
    decisions: dict[str, DecisionInfo] = {}
    by_committee: dict[str, list[str]] = defaultdict(list)
    for nid, data in g.nodes(data=True):
        if data["label"] != "Decision":
            continue
        meetings = sorted(t.at_meeting.get(nid, ()))
        committees = t.decided_by.get(nid) or {c for m in meetings for c in t.held_by.get(m, ())}
        info = DecisionInfo(
            id=nid, date=str(data.get("date") or ""), committees=sorted(committees), meetings=meetings,
            parties=sorted(t.parties.get(nid, ())), voters=t.voters.get(nid, set()),
            withdrew=t.withdrew.get(nid, set()), item=data.get("item") or None,
            status=str(data.get("status") or "decided"), declared_at=declared_at(t.declared_at.get(nid, ())))
        decisions[nid] = info
        for c in info.committees:
            by_committee[c].append(nid)
    for ids in by_committee.values():
        ids.sort(key=lambda d: (decisions[d].date, d))
    return decisions, dict(by_committee)


def _declaration_table(g: nx.MultiDiGraph, t: _EdgeTables) -> dict[str, list[DeclarationInfo]]:
    """Each person's declarations, live while both the node and the DECLARED edge are."""
    declarations: dict[str, list[DeclarationInfo]] = defaultdict(list)
    for decl_id, people in t.declared.items():
        node_window = window_of(g.nodes[decl_id])
        for person, w in people:
            declarations[person].append(DeclarationInfo(decl_id, w.intersect(node_window),
                                                         sorted(t.concerns.get(decl_id, ()))))
    for decls in declarations.values():
        decls.sort(key=lambda d: d.id)
    return dict(declarations)


def _sort_tables(t: _EdgeTables) -> None:
    for table in (t.person_out, t.org_out, t.family):
        for links in table.values():
            links.sort(key=lambda e: (e.end, e.ref))
    for by in (t.seats, t.seats_of):
        for lst in by.values():
            lst.sort(key=lambda s: (s.person, s.committee, s.window.lo, s.ref.key))


def _invert(by_decision: dict[str, set[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for decision, people in by_decision.items():
        for person in people:
            out[person].append(decision)
    return dict(out)


def _owned(g: nx.MultiDiGraph, t: _EdgeTables) -> None:
    """Narrow each COMMITTEE_OF and IN_ICB tie to the days its commissioner node is live too: a committee of a
    CCG abolished on 2020-03-31 counts until then, whatever its own link says. A tie that is never
    live is dropped from the commissioner's list but kept (empty) on the committee, so the committee
    still has an owner and does not count as free-standing."""
    windows: dict[str, Window] = {}

    def node_window(k: str) -> Window:
        if k not in windows:
            windows[k] = window_of(g.nodes[k])
        return windows[k]

    for committee, ties in t.committee_of.items():
        t.committee_of[committee] = [Tie(k, w.intersect(node_window(k))) for k, w in ties]
    for k, ties in t.committees_of.items():
        narrowed = [Tie(c, w.intersect(node_window(k))) for c, w in ties]
        t.committees_of[k] = [tie for tie in narrowed if not tie.window.empty]
    # Likewise a sub-ICB location (or hub) counts within its ICB only while it is live itself.
    for icb, ties in t.in_icb.items():
        narrowed = [Tie(m, w.intersect(node_window(m))) for m, w in ties]
        t.in_icb[icb] = [tie for tie in narrowed if not tie.window.empty]


def build_index(graph: OrgGraph, stamp: tuple[int, int] | None = None) -> Index:
    """The typed index of ``graph`` (uncached: :func:`index_for` caches it)."""
    g: nx.MultiDiGraph = graph.g
    labels: dict[str, str] = {nid: data["label"] for nid, data in g.nodes(data=True)}
    t = _edge_tables(g, graph.schema, labels)
    _owned(g, t)
    _sort_tables(t)
    decisions, by_committee = _decision_table(g, t)
    meetings = meeting_table(g.nodes(data=True), t.held_by, t.at_meeting, {d: i.item for d, i in decisions.items()})
    return Index(
        stamp=stamp if stamp is not None else _stamp(g), labels=labels,
        person_out=dict(t.person_out), org_out=dict(t.org_out), family=dict(t.family),
        seats=dict(t.seats), seats_of=dict(t.seats_of), committee_of=dict(t.committee_of),
        committees_of=dict(t.committees_of), commissioned=dict(t.commissioned), in_icb=dict(t.in_icb),
        decisions=decisions,
        decisions_by_committee=by_committee, attended=dict(t.attended), meetings=meetings,
        meetings_by_committee=meetings_by_committee(meetings), deputy_committees=frozenset(
            c for c, seats in t.seats.items() if any(s.props.get("deputy_for") for s in seats)),
        decisions_voted=_invert(t.voters), declarations=_declaration_table(g, t))
