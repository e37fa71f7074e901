"""Cutting views out of a graph snapshot: the ego network of a node, and the neighbourhood of a finding.

These decide *what* to show; :mod:`viz` decides how it looks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orggraph.engine.models import BriefItem, Conflict
from orggraph.findings import DecisionOut
from orggraph.graph import OrgGraph
from orggraph.stores.ego import Ego, ego
from orggraph.stores.neighbourhood import GraphFetch
from orggraph.temporal import is_live, live_or_undated


@dataclass
class SubgraphCut:
    graph: OrgGraph
    center: str | None
    trimmed: int = 0  # nodes left out to keep the view readable
    highlight_nodes: set[str] = field(default_factory=set)
    highlight_edges: set[tuple[str, str, str]] = field(default_factory=set)  # (from, type, to)


def ego_network(graph: OrgGraph, center: str, hops: int = 1, as_of: str | None = None,
                max_nodes: int = 500) -> SubgraphCut:
    """Every node within ``hops`` relationships of ``center`` (either direction, live on ``as_of``), over a
    graph in memory: :func:`orggraph.stores.ego.ego` (the one walk; the routes run it over the store).

    Breadth-first, nearest first and in id order within a ring, so the nodes kept when the view is
    trimmed are the closest ones and the same on every call.
    """
    found = ego(GraphFetch(graph), graph.schema, center, hops, as_of, max_nodes)
    return ego_cut(found, center)


def ego_cut(found: Ego, center: str) -> SubgraphCut:
    return SubgraphCut(found.graph, center, trimmed=found.trimmed, highlight_nodes={center})


def induced(graph: OrgGraph, node_ids: Iterable[str], as_of: str | None = None) -> OrgGraph:
    """The nodes given and every relationship among them (live on ``as_of`` when given)."""
    ids = list(dict.fromkeys(node_ids))
    keep = set(ids)
    sub = nx.MultiDiGraph()
    for nid in ids:
        sub.add_node(nid, **graph.g.nodes[nid])
    for nid in ids:
        for _, other, key, data in graph.g.out_edges(nid, keys=True, data=True):
            if other in keep and live_or_undated(data, as_of):
                sub.add_edge(nid, other, key=key, **data)
    return OrgGraph(sub, graph.schema)


def decision_ids(decision: DecisionOut) -> list[str]:
    """The nodes :func:`decision_cut` shows: the decision, its committee, parties, decision-makers and every
    node on a conflicted member's paths (so a caller can read just these, and what is among them)."""
    ids: list[str] = [decision.id]
    if decision.committee_id:
        ids.append(decision.committee_id)
    ids += decision.parties + decision.decision_makers
    return ids + [nid for c in decision.conflicts for path in c.paths for nid in path.node_ids]


def decision_cut(graph: OrgGraph, decision: DecisionOut) -> SubgraphCut:
    """The decision, its committee, parties, decision-makers and every node on a conflicted member's paths
    (``graph``: any graph holding :func:`decision_ids` and every relationship among them)."""
    return _paths_cut(graph, decision.id, decision.date, decision_ids(decision), decision.parties, decision.conflicts)


def item_ids(item: BriefItem, meeting_id: str, committee_id: str | None) -> list[str]:
    """The nodes :func:`item_cut` shows."""
    ids = [item.decision_id, meeting_id, *([committee_id] if committee_id else []), *item.parties]
    return ids + [nid for c in item.conflicts for path in c.paths for nid in path.node_ids]


def item_cut(graph: OrgGraph, item: BriefItem, meeting_id: str, committee_id: str | None) -> SubgraphCut:
    """An agenda item of a meeting: the decision, the meeting, the committee, the parties and every node
    on a conflicted member's interest paths (the paths highlighted); ``graph`` as for :func:`decision_cut`."""
    return _paths_cut(graph, item.decision_id, item.date, item_ids(item, meeting_id, committee_id), item.parties,
                      item.conflicts)


def _paths_cut(graph: OrgGraph, center: str, date: str | None, ids: list[str], parties: list[str],
               found: list[Conflict]) -> SubgraphCut:
    hl_nodes: set[str] = set(parties)
    hl_edges: set[tuple[str, str, str]] = set()
    for conflict in found:
        for path in conflict.paths:
            hl_nodes |= set(path.node_ids)
            hl_edges |= {(h.from_id, h.type, h.to_id) for h in path.hops}
    for end, rtype, _ in graph.out_rels(center, ["AWARDED_TO", "AFFECTS"]):
        hl_edges.add((center, rtype, end))
    sub = induced(graph, [i for i in ids if i in graph], as_of=None)
    # Only relationships live on the decision's date, and those that matter for reading it.
    drop = [(u, v, k) for u, v, k, d in sub.g.edges(keys=True, data=True) if date and not is_live(d, date)]
    sub.g.remove_edges_from(drop)
    return SubgraphCut(sub, center, highlight_nodes=hl_nodes, highlight_edges=hl_edges)


def edges_json(graph: OrgGraph) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    nodes = [{"id": nid, "label": data["label"], "name": data.get("name"),
              "properties": {k: v for k, v in data.items() if k != "label"}}
             for nid, data in sorted(graph.g.nodes(data=True))]
    edges = []
    for start, end, data in sorted(graph.g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["type"],
                                                                            e[2].get("valid_from") or "")):
        edges.append({"from_id": start, "to_id": end, "type": data["type"],
                      "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"),
                      "source": data.get("source"),
                      "properties": {k: v for k, v in data.items()
                                     if k not in ("type", "valid_from", "valid_to", "source")}})
    return nodes, edges


@dataclass
class Neighbours:
    """A node's neighbours by relationship class: the first ``limit`` (by id) of ``total``, and every
    relationship of that class between the node and each one kept."""

    node_id: str
    rel_class: str | None
    total: int
    neighbour_ids: list[str]
    edges: list[tuple[str, str, Any, dict[str, Any]]]  # (from, to, key, props)


def neighbours(graph: OrgGraph, node_id: str, rel_class: str | None = None, as_of: str | None = None,
               limit: int = 50) -> Neighbours:
    """The nodes one relationship away from ``node_id`` (either direction), of class ``rel_class``
    (every class when None), live on ``as_of`` when given; in id order, so a supernode's first
    ``limit`` are the same on every call."""
    g = graph.g
    schema = graph.schema
    found: dict[str, list[tuple[str, str, Any, dict[str, Any]]]] = {}
    rels = [(node_id, other, key, data) for _, other, key, data in g.out_edges(node_id, keys=True, data=True)]
    rels += [(other, node_id, key, data) for other, _, key, data in g.in_edges(node_id, keys=True, data=True)]
    for start, end, key, data in rels:
        other = end if start == node_id else start
        if other == node_id or not live_or_undated(data, as_of) or not live_or_undated(g.nodes[other], as_of):
            continue
        if rel_class is not None:
            variant = schema.classify(data["type"], g.nodes[start]["label"], g.nodes[end]["label"])
            if variant is None or variant.rel_class != rel_class:
                continue
        found.setdefault(other, []).append((start, end, key, data))
    ids = sorted(found)
    kept = ids[:limit]
    edges = sorted((e for nid in kept for e in found[nid]),
                   key=lambda e: (e[0], e[1], str(e[3]["type"]), str(e[3].get("valid_from") or ""), str(e[2])))
    return Neighbours(node_id, rel_class, len(ids), kept, edges)
