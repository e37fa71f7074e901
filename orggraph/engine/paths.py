"""Paths: a person's interest paths (the engine's core walk) and shortest paths of any kind.

Interest paths
--------------
From a person: optionally one personal link first, then exactly one provider-interest edge, then zero
or more org-to-org interest edges followed forwards; simple, at most ``max_hops`` edges. They are
enumerated once per (person, max_hops) whatever the date, each with the window in which all its edges
are live, so the paths live on a day are a filter of them (:func:`live_paths`).

Any paths
---------
Built as networkx builds ``all_shortest_paths`` (``algorithms/shortest_paths/unweighted.py``): a
breadth-first predecessor primitive (:func:`bfs_predecessors`) and a path builder over its result
(:func:`paths_from_predecessors`), which raises the typed :class:`NoPath` when the target was not
reached.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from orggraph.engine.checks import check_hops, on_date, require
from orggraph.engine.evidence import hop, interest_path
from orggraph.engine.facts import DEFAULT_MAX_HOPS
from orggraph.engine.index import EdgeRef, Index, Link, StaticPath, index_for, path_order
from orggraph.engine.models import Hop, InterestPath
from orggraph.errors import EngineError
from orggraph.graph import OrgGraph
from orggraph.temporal import ALWAYS, Window, is_live


class NoPath(EngineError):
    """No path between two nodes within the hop limit (as networkx's ``NetworkXNoPath``)."""


# ---- interest paths -----------------------------------------------------------------------------------
class _InterestWalk:
    """The depth-first enumeration behind :func:`static_paths`, collecting paths by target."""

    def __init__(self, ix: Index, max_hops: int) -> None:
        self.ix, self.max_hops = ix, max_hops
        self.by_target: dict[str, list[StaticPath]] = {}
        self.nodes: list[str] = []
        self.edges: list[EdgeRef] = []

    def interests(self, who: str, indirect: bool, window: Window) -> None:
        """Each provider-interest edge of ``who``, then on through organisations."""
        if len(self.edges) >= self.max_hops:
            return
        for link in self.ix.person_out.get(who, ()):
            if link.end not in self.nodes:
                self._step(link, window, "indirect" if indirect else link.interest_type)

    def orgs(self, itype: str, window: Window) -> None:
        """Record the path so far, then follow org-to-org interest edges forwards."""
        nodes, edges = self.nodes, self.edges
        self.by_target.setdefault(nodes[-1], []).append(StaticPath(tuple(nodes), tuple(edges), itype, window))
        if len(edges) >= self.max_hops:
            return
        for link in self.ix.org_out.get(nodes[-1], ()):
            if link.end not in nodes:  # simple paths only
                self._step(link, window, itype)

    def _step(self, link: Link, window: Window, itype: str) -> None:
        window = window.intersect(link.window)
        if window.empty:
            return  # these edges are never live together: neither is any longer path
        self.nodes.append(link.end)
        self.edges.append(link.ref)
        self.orgs(itype, window)
        self.nodes.pop()
        self.edges.pop()


def static_paths(ix: Index, person: str, max_hops: int) -> dict[str, list[StaticPath]]:
    """Every interest path from ``person`` of at most ``max_hops`` edges, whatever the date, by target.

    Each path carries the window in which all its edges are live, so the paths live on a date are a
    filter of these; a simple path is simple whatever the date. Cached per (person, max_hops).
    """
    key = (person, max_hops)
    found = ix.path_cache.get(key)
    if found is not None:
        return found
    walk = _InterestWalk(ix, max_hops)
    walk.nodes.append(person)
    walk.interests(person, False, ALWAYS)
    for link in ix.family.get(person, ()):
        if link.end != person:
            walk.nodes[:] = [person, link.end]
            walk.edges[:] = [link.ref]
            walk.interests(link.end, True, link.window)
    for paths in walk.by_target.values():
        paths.sort(key=path_order)
    ix.path_cache[key] = walk.by_target
    return walk.by_target


def live_paths(paths: Iterable[StaticPath], on: str) -> list[StaticPath]:
    """The paths whose every edge is live on ``on`` (order kept)."""
    return [p for p in paths if p.window.live(on)]


def interest_paths(graph: OrgGraph, person: str, org: str | None = None, as_of: Any = None,
                   max_hops: int = DEFAULT_MAX_HOPS) -> list[InterestPath]:
    """Every interest path from ``person`` (to ``org``, or to any organisation) live on ``as_of``
    (default today), shortest first, then by node ids."""
    ix = index_for(graph)
    check_hops(max_hops)
    require(ix, person, ("Person",), "person")
    if org is not None:
        require(ix, org, None, "organisation")
    on = on_date(as_of)
    targets = static_paths(ix, person, max_hops)
    if org is not None:
        found = live_paths(targets.get(org, []), on)
    else:
        found = [p for paths in targets.values() for p in live_paths(paths, on)]
        found.sort(key=path_order)
    return [interest_path(graph, ix, p) for p in found]


# ---- any paths ----------------------------------------------------------------------------------------
Neighbours = Callable[[str], dict[str, list[EdgeRef]]]
Predecessors = dict[str, list[tuple[str, EdgeRef]]]


def bfs_predecessors(neighbours: Neighbours, source: str, target: str, cutoff: int,
                     edge_order: Callable[[EdgeRef], Any]) -> Predecessors:
    """Breadth-first from ``source`` up to ``cutoff`` edges, stopping at the depth where ``target`` is
    first reached: each node's predecessors on a shortest path, with the edge taken (of several edges
    between two nodes, the least by ``edge_order``). Neighbours are visited in id order."""
    dist = {source: 0}
    preds: Predecessors = {}
    frontier = deque([source])
    found_at: int | None = None
    while frontier:
        n = frontier.popleft()
        d = dist[n]
        if found_at is not None and d >= found_at or d >= cutoff:
            continue
        for m, refs in sorted(neighbours(n).items()):
            ref = min(refs, key=edge_order)
            if m not in dist:
                dist[m] = d + 1
                preds[m] = [(n, ref)]
                if m == target:
                    found_at = d + 1
                else:
                    frontier.append(m)
            elif dist[m] == d + 1:
                preds[m].append((n, ref))
    return preds


def paths_from_predecessors(preds: Predecessors, source: str, target: str, limit: int) -> list[list[EdgeRef]]:
    """At most ``limit`` shortest paths (as edges, source first) from a :func:`bfs_predecessors` result,
    in a stable order; :class:`NoPath` when ``target`` was not reached."""
    if target not in preds:
        raise NoPath(f"no path from {source} to {target}")
    paths: list[list[EdgeRef]] = []

    def back(n: str, acc: list[EdgeRef]) -> None:
        if len(paths) >= limit:
            return
        if n == source:
            paths.append(list(reversed(acc)))
            return
        for p, ref in sorted(preds[n]):
            acc.append(ref)
            back(p, acc)
            acc.pop()

    back(target, [])
    return paths


def _live_neighbours(graph: OrgGraph, on: str | None) -> Neighbours:
    """Both directions, every relationship type; only edges live on ``on`` when it is given."""
    g = graph.g

    def neighbours(n: str) -> dict[str, list[EdgeRef]]:
        out: dict[str, list[EdgeRef]] = {}
        for m, keyed in g._succ[n].items():
            for key, data in keyed.items():
                if on is None or is_live(data, on):
                    out.setdefault(m, []).append(EdgeRef(n, m, key))
        for m, keyed in g._pred[n].items():
            for key, data in keyed.items():
                if on is None or is_live(data, on):
                    out.setdefault(m, []).append(EdgeRef(m, n, key, True))
        return out

    return neighbours


def any_paths(graph: OrgGraph, source: str, target: str, as_of: Any = None, max_hops: int = DEFAULT_MAX_HOPS,
              limit: int = 50) -> list[list[Hop]]:
    """Shortest paths of any kind between two nodes (either direction, every relationship type), for
    exploring; edges live on ``as_of`` when given. At most ``limit`` paths, in a stable order."""
    ix = index_for(graph)
    check_hops(max_hops)
    require(ix, source, None, "node")
    require(ix, target, None, "node")
    on = on_date(as_of) if as_of is not None else None
    if source == target:
        return []
    g = graph.g

    def edge_order(r: EdgeRef) -> tuple[str, str, bool]:
        return (g.edges[r.start, r.end, r.key]["type"], r.key, r.reversed)

    preds = bfs_predecessors(_live_neighbours(graph, on), source, target, max_hops, edge_order)
    try:
        paths = paths_from_predecessors(preds, source, target, limit)
    except NoPath:
        return []
    return [[hop(graph, ix, ref) for ref in p] for p in paths]
