"""A per-graph index of typed adjacency for the engine, built once and cached against the graph.

Every algorithm in the engine walks these tables rather than the networkx graph, because a scan asks
the same small questions (whose interests, which seats, which parties) tens of thousands of times.
The edge classes come from the schema (``SCHEMA.classify``): provider-interest edges with their
interest type, org-to-org interest edges, and personal links (``FAMILY_OF``, stored either way round).
The relationship types that the contract names as having a special meaning (``SITS_ON``,
``DECIDED_BY``, ``VOTED_ON``...) are read by name.

Cache: keyed on the networkx graph object (weakly) and stamped with its node and edge counts; a graph
that gains or loses nodes or edges gets a fresh index on the next call. Editing properties in place
(without adding or removing anything) is not detected: call :func:`invalidate` after doing that.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orggraph.graph import OrgGraph
from orggraph.schema import Schema

# Open interval bounds as strings, so "live on d" is two string comparisons: lo <= d <= hi.
OPEN_LO = ""
OPEN_HI = "9999-12-31"

EdgeRef = tuple[str, str, str, bool]  # (stored start, stored end, edge key, walked against direction)


@dataclass(slots=True)
class Seat:
    person: str
    committee: str
    ref: tuple[str, str, str]
    props: dict[str, Any]
    lo: str
    hi: str


@dataclass(slots=True)
class DecisionInfo:
    id: str
    date: str
    committees: list[str]
    meetings: list[str]
    parties: list[str]
    voters: set[str]
    withdrew: set[str]


@dataclass(slots=True)
class DeclarationInfo:
    id: str
    lo: str  # declaration node and DECLARED edge together
    hi: str
    concerns: list[tuple[str, str, str]]  # (organisation, lo, hi) of each CONCERNS edge


# A path as the index stores it: node ids, edges, interest type, and the window in which every edge is
# live (the intersection of the edges' validity), so "live on d" is lo <= d <= hi.
StaticPath = tuple[tuple[str, ...], tuple[EdgeRef, ...], str, str, str]


@dataclass
class Index:
    stamp: tuple[int, int]
    labels: dict[str, str]
    # person -> [(org, ref, lo, hi, interest type)] for provider-interest edges
    person_out: dict[str, list[tuple[str, EdgeRef, str, str, str]]]
    # org -> [(org, ref, lo, hi)] for org-to-org interest edges, followed forwards only
    org_out: dict[str, list[tuple[str, EdgeRef, str, str]]]
    # person -> [(relative, ref, lo, hi)] for personal links, both directions
    family: dict[str, list[tuple[str, EdgeRef, str, str]]]
    seats: dict[str, list[Seat]]  # committee -> seats (SITS_ON)
    seats_of: dict[str, list[Seat]]  # person -> seats
    committee_of: dict[str, list[tuple[str, str, str]]]  # committee -> [(commissioner, lo, hi)]
    committees_of: dict[str, list[tuple[str, str, str]]]  # commissioner -> [(committee, lo, hi)]
    commissioned: dict[str, list[tuple[str, str, str]]]  # commissioner -> [(provider, lo, hi)]
    decisions: dict[str, DecisionInfo]
    decisions_by_committee: dict[str, list[str]]
    decisions_voted: dict[str, list[str]]  # person -> decisions they VOTED_ON
    attended: dict[str, set[str]]  # meeting -> people
    declarations: dict[str, list[DeclarationInfo]]  # person -> their declarations
    # Caches filled on demand: (person, max_hops) -> {target org: [paths, sorted]}.
    path_cache: dict[tuple[str, int], dict[str, list[StaticPath]]] = field(default_factory=dict)
    hop_cache: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)


def _lo(props: dict[str, Any]) -> str:
    return props.get("valid_from") or OPEN_LO


def _hi(props: dict[str, Any]) -> str:
    return props.get("valid_to") or OPEN_HI


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
            ix = build_index(graph, stamp)
            _CACHE[g] = ix
    return ix


def build_index(graph: OrgGraph, stamp: tuple[int, int] | None = None) -> Index:
    g: nx.MultiDiGraph = graph.g
    schema: Schema = graph.schema
    labels: dict[str, str] = {nid: data["label"] for nid, data in g.nodes(data=True)}
    person_out: dict[str, list[tuple[str, EdgeRef, str, str, str]]] = defaultdict(list)
    org_out: dict[str, list[tuple[str, EdgeRef, str, str]]] = defaultdict(list)
    family: dict[str, list[tuple[str, EdgeRef, str, str]]] = defaultdict(list)
    seats: dict[str, list[Seat]] = defaultdict(list)
    seats_of: dict[str, list[Seat]] = defaultdict(list)
    committee_of: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    committees_of: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    commissioned: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    decided_by: dict[str, list[str]] = defaultdict(list)
    at_meeting: dict[str, list[str]] = defaultdict(list)
    parties: dict[str, set[str]] = defaultdict(set)
    voters: dict[str, set[str]] = defaultdict(set)
    withdrew: dict[str, set[str]] = defaultdict(set)
    attended: dict[str, set[str]] = defaultdict(set)
    declared: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # declaration -> [(person, lo, hi)]
    concerns: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # declaration -> [(org, lo, hi)]
    variants: dict[tuple[str, str, str], Any] = {}

    for u, v, key, data in g.edges(keys=True, data=True):
        rtype = data["type"]
        lo, hi = _lo(data), _hi(data)
        if lo > hi:
            continue  # never live (loaders reject these; a hand-built graph might not)
        ck = (rtype, labels[u], labels[v])
        variant = variants.get(ck)
        if variant is None and ck not in variants:
            variant = variants[ck] = schema.classify(*ck)
        rel_class = variant.rel_class if variant is not None else None
        if rel_class == "provider_interest":
            assert variant is not None
            itype = variant.interest_type_for(data) or "financial"
            person_out[u].append((v, (u, v, key, False), lo, hi, itype))
        elif rel_class == "org_interest":
            org_out[u].append((v, (u, v, key, False), lo, hi))
        elif rel_class == "personal_link":
            family[u].append((v, (u, v, key, False), lo, hi))
            family[v].append((u, (u, v, key, True), lo, hi))
        elif rtype == "SITS_ON":
            seat = Seat(u, v, (u, v, key), data, lo, hi)
            seats[v].append(seat)
            seats_of[u].append(seat)
        elif rtype == "COMMITTEE_OF":
            committee_of[u].append((v, lo, hi))
            committees_of[v].append((u, lo, hi))
        elif rtype == "COMMISSIONED_BY":
            commissioned[v].append((u, lo, hi))
        elif rtype == "DECIDED_BY":
            decided_by[u].append(v)
        elif rtype == "AT_MEETING":
            at_meeting[u].append(v)
        elif rtype in ("AWARDED_TO", "AFFECTS"):
            parties[u].add(v)
        elif rtype == "VOTED_ON":
            voters[v].add(u)
        elif rtype == "WITHDREW_FROM":
            withdrew[v].add(u)
        elif rtype == "ATTENDED":
            attended[v].add(u)
        elif rtype == "DECLARED":
            declared[v].append((u, lo, hi))
        elif rtype == "CONCERNS":
            concerns[u].append((v, lo, hi))

    decisions: dict[str, DecisionInfo] = {}
    by_committee: dict[str, list[str]] = defaultdict(list)
    for nid, data in g.nodes(data=True):
        if data["label"] != "Decision":
            continue
        info = DecisionInfo(
            id=nid, date=str(data.get("date") or ""), committees=sorted(set(decided_by.get(nid, ()))),
            meetings=sorted(set(at_meeting.get(nid, ()))), parties=sorted(parties.get(nid, ())),
            voters=voters.get(nid, set()), withdrew=withdrew.get(nid, set()))
        decisions[nid] = info
        for c in info.committees:
            by_committee[c].append(nid)
    for ids in by_committee.values():
        ids.sort(key=lambda d: (decisions[d].date, d))

    declarations: dict[str, list[DeclarationInfo]] = defaultdict(list)
    for decl_id, people in declared.items():
        ndata = g.nodes[decl_id]
        for person, lo, hi in people:
            declarations[person].append(DeclarationInfo(decl_id, max(lo, _lo(ndata)), min(hi, _hi(ndata)),
                                                         sorted(concerns.get(decl_id, ()))))
    for decls in declarations.values():
        decls.sort(key=lambda d: d.id)
    for table in (person_out, org_out, family):
        for edges in table.values():
            edges.sort(key=lambda e: (e[0], e[1]))
    for by in (seats, seats_of):
        for lst in by.values():
            lst.sort(key=lambda s: (s.person, s.committee, s.lo, s.ref[2]))

    return Index(
        stamp=stamp if stamp is not None else _stamp(g), labels=labels,
        person_out=dict(person_out), org_out=dict(org_out), family=dict(family),
        seats=dict(seats), seats_of=dict(seats_of), committee_of=dict(committee_of),
        committees_of=dict(committees_of), commissioned=dict(commissioned), decisions=decisions,
        decisions_by_committee=dict(by_committee), attended=dict(attended),
        decisions_voted=_invert(voters), declarations=dict(declarations))


def _invert(by_decision: dict[str, set[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for decision, people in by_decision.items():
        for person in people:
            out[person].append(decision)
    return dict(out)


def static_paths(ix: Index, person: str, max_hops: int) -> dict[str, list[StaticPath]]:
    """Every interest path from ``person`` of at most ``max_hops`` edges, whatever the date, by target.

    Each path carries the window in which all its edges are live, so the paths live on a date are a
    filter of these; a simple path is simple whatever the date. Cached per (person, max_hops).
    """
    key = (person, max_hops)
    found = ix.path_cache.get(key)
    if found is not None:
        return found
    by_target: dict[str, list[StaticPath]] = {}
    person_out, org_out = ix.person_out, ix.org_out

    def orgs(nodes: list[str], edges: list[EdgeRef], itype: str, lo: str, hi: str) -> None:
        here = nodes[-1]
        by_target.setdefault(here, []).append((tuple(nodes), tuple(edges), itype, lo, hi))
        if len(edges) >= max_hops:
            return
        for end, ref, elo, ehi in org_out.get(here, ()):
            if end in nodes:
                continue
            nlo = max(lo, elo)
            nhi = min(hi, ehi)
            if nlo > nhi:
                continue  # these edges are never live together: neither is any longer path
            nodes.append(end)
            edges.append(ref)
            orgs(nodes, edges, itype, nlo, nhi)
            nodes.pop()
            edges.pop()

    def interests(nodes: list[str], edges: list[EdgeRef], who: str, indirect: bool, lo: str, hi: str) -> None:
        if len(edges) >= max_hops:
            return
        for end, ref, elo, ehi, itype in person_out.get(who, ()):
            if end in nodes:
                continue
            nlo = max(lo, elo)
            nhi = min(hi, ehi)
            if nlo > nhi:
                continue
            nodes.append(end)
            edges.append(ref)
            orgs(nodes, edges, "indirect" if indirect else itype, nlo, nhi)
            nodes.pop()
            edges.pop()

    interests([person], [], person, False, OPEN_LO, OPEN_HI)
    for relative, ref, lo, hi in ix.family.get(person, ()):
        if relative != person:
            interests([person, relative], [ref], relative, True, lo, hi)
    for paths in by_target.values():
        paths.sort(key=path_order)
    ix.path_cache[key] = by_target
    return by_target


def path_order(p: StaticPath) -> tuple[Any, ...]:
    """Shortest first, then by node ids, then by the edges (two links between the same nodes)."""
    return (len(p[1]), p[0], p[1])
