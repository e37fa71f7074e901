"""Bounded walks for the explorer: a node's ego network, the subgraph induced by chosen nodes, and the
union of several questions' neighbourhoods.

Written once over the two reads of a :class:`~orggraph.stores.neighbourhood.Fetch` (nodes by id; a set
of nodes' relationships of some types, one way round), so every store answers them over its own
indexes inside one consistent read: ``store.read_with(lambda fetch: ego(fetch, schema, ...))``. Each
gives the graph the same call over the whole graph would cut out of it (same nodes, same relationships,
same properties): :func:`ego` is ``api.subgraph.ego_network``'s rings, read ring by ring instead of out
of a whole graph in memory, and :func:`induced` its "these nodes and every relationship among them".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from orggraph.graph import OrgGraph
from orggraph.models import rel_key
from orggraph.schema import Schema
from orggraph.stores.neighbourhood import WALKS, Fetch, Gather, NodeRow, RelRow
from orggraph.stores.question import Question
from orggraph.temporal import live_or_undated


@dataclass
class Ego:
    """What :func:`ego` found: the graph of the nodes kept, how many were found in all, and the ids kept
    nearest first (a ring in id order)."""

    graph: OrgGraph
    found: int
    kept: list[str]

    @property
    def trimmed(self) -> int:
        return self.found - len(self.kept)


def all_types(schema: Schema) -> list[str]:
    return sorted(schema.relationships)


def _graph(schema: Schema, nodes: dict[str, NodeRow], order: Iterable[str], rels: Iterable[RelRow]) -> OrgGraph:
    """The nodes in ``order`` and the relationships given, each start's in (end, key) order (the order the
    stores hand out a whole graph in)."""
    g = nx.MultiDiGraph()
    for nid in order:
        _, label, props = nodes[nid]
        g.add_node(nid, label=label, **props)
    keyed = sorted(((r[0], r[2], rel_key(r[1], r[3])), r) for r in rels)
    for (start, end, key), (_, rtype, _, _, props) in keyed:
        g.add_edge(start, end, key=key, type=rtype, **props)
    return OrgGraph(g, schema)


def ego(fetch: Fetch, schema: Schema, center: str, hops: int = 1, as_of: str | None = None,
        max_nodes: int = 500, types: Collection[str] | None = None) -> Ego:
    """Every node within ``hops`` relationships of ``center`` (either direction; of ``types``, else every
    type; live on ``as_of`` when given), nearest first and in id order within a ring, at most
    ``max_nodes`` kept (the nearest), with every relationship among those kept. Only the rings are read,
    ring by ring; node rows beyond the ones kept are dropped as soon as a ring is counted. An empty graph
    when ``center`` does not exist."""
    kinds = sorted(types) if types is not None else all_types(schema)
    rows = {r[0]: r for r in fetch.nodes([center])}
    if center not in rows:
        return Ego(OrgGraph(schema=schema), 0, [])
    seen, order, frontier, found = {center}, [center], [center], 1
    out_of: dict[str, list[RelRow]] = {}
    for _ in range(max(hops, 0)):
        outs = list(fetch.rels(frontier, kinds, True))
        for r in outs:
            out_of.setdefault(r[0], []).append(r)
        ends = [(r[2], r[4]) for r in outs] + [(r[0], r[4]) for r in fetch.rels(frontier, kinds, False)]
        candidates = sorted({o for o, props in ends if o not in seen and live_or_undated(props, as_of)})
        met = {r[0]: r for r in fetch.nodes(candidates)}
        ring = [o for o in candidates if o in met and live_or_undated(met[o][2], as_of)]
        seen.update(ring)
        found += len(ring)
        room = max(0, max_nodes - len(order))
        rows.update((o, met[o]) for o in ring[:room])
        order += ring[:room]
        frontier = ring
        if not frontier:
            break
    keep = order[:max_nodes]
    return Ego(_graph(schema, rows, keep, _among(fetch, kinds, keep, out_of, as_of)), found, keep)


def _among(fetch: Fetch, kinds: list[str], keep: list[str], out_of: dict[str, list[RelRow]],
           as_of: str | None) -> list[RelRow]:
    """Every relationship (of ``kinds``) from one kept node to another, live on ``as_of``; out of the
    relationships already read where a node's were, else read now."""
    keep_set = set(keep)
    todo = [n for n in keep if n not in out_of]
    for r in fetch.rels(todo, kinds, True) if todo else ():
        out_of.setdefault(r[0], []).append(r)
    return [r for n in keep for r in out_of.get(n, ()) if r[2] in keep_set and live_or_undated(r[4], as_of)]


def induced(fetch: Fetch, schema: Schema, ids: Iterable[str], as_of: str | None = None) -> OrgGraph:
    """The nodes among ``ids`` that exist (in the order given) and every relationship among them, live on
    ``as_of`` when given."""
    wanted = list(dict.fromkeys(ids))
    rows = {r[0]: r for r in fetch.nodes(wanted)}
    keep = [n for n in wanted if n in rows]
    return _graph(schema, rows, keep, _among(fetch, all_types(schema), keep, {}, as_of))


def one_hop(fetch: Fetch, schema: Schema, node_id: str) -> OrgGraph:
    """One node, every relationship into or out of it, and the nodes at their other ends (what a node's
    page, its history and its neighbours read)."""
    kinds = all_types(schema)
    rows = {r[0]: r for r in fetch.nodes([node_id])}
    if node_id not in rows:
        return OrgGraph(schema=schema)
    rels = list(fetch.rels([node_id], kinds, True)) + list(fetch.rels([node_id], kinds, False))
    rels = list({(r[0], r[2], rel_key(r[1], r[3])): r for r in rels}.values())  # a loop is met both ways
    rows.update((r[0], r) for r in fetch.nodes(sorted({r[0] for r in rels} | {r[2] for r in rels} - {node_id})))
    return _graph(schema, rows, sorted(rows), rels)


def questions(fetch: Fetch, schema: Schema, question: Question, ids: Iterable[str], max_hops: int) -> OrgGraph:
    """The union of ``question``'s neighbourhoods of each of ``ids`` (one walk, shared reads): the engine
    answers each of them on it as on the whole graph."""
    ga = Gather(fetch, schema)
    ids = sorted(set(ids))
    for nid in ids:
        WALKS[question](ga, nid, max_hops)
    ga.add_nodes(ids)
    return ga.graph()


def with_nodes(fetch: Fetch, schema: Schema, question: Question, node_id: str, max_hops: int,
               also: Iterable[str]) -> OrgGraph:
    """``question``'s neighbourhood of ``node_id`` and the nodes ``also`` names (alone, when not met)."""
    ga = Gather(fetch, schema)
    WALKS[question](ga, node_id, max_hops)
    ga.add_nodes([node_id, *also])
    return ga.graph()


def committee_meetings_work(fetch: Fetch, schema: Schema, committee: str, max_hops: int) -> OrgGraph:
    """What a committee's meetings' summaries need: every meeting of the committee (``HELD_BY`` it, or
    where it took an item ``DECIDED_BY`` it) with its meeting neighbourhood, and the committee's seats.
    (A committee's conflicts are :mod:`orggraph.stores.filters`' walk.)"""
    ga = Gather(fetch, schema)
    ga.add_nodes([committee])
    if ga.label(committee) != "Committee":
        return ga.graph()
    ga.committees([committee])
    decided = [r[0] for r in ga.step([committee], ("DECIDED_BY",), False)]
    held = [r[0] for r in ga.step([committee], ("HELD_BY",), False)]
    ga.add_nodes(decided)
    at = [r[2] for r in ga.step(decided, ("AT_MEETING",), True)]
    for m in sorted(set(held) | set(at)):
        WALKS["meeting"](ga, m, max_hops)
    return ga.graph()


def node_rows(fetch: Fetch, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The nodes among ``ids`` that exist, as ``{id: {"label": ..., **properties}}``."""
    return {nid: {"label": label, **props} for nid, label, props in fetch.nodes(sorted(set(ids)))}
