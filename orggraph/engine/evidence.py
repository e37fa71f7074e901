"""Evidence as the public models carry it: names of nodes, and each edge of a path as a
:class:`~orggraph.engine.models.Hop` with its dates, source and properties."""

from __future__ import annotations

from orggraph.engine.index import EdgeRef, Index, StaticPath
from orggraph.engine.models import Hop, InterestPath
from orggraph.graph import OrgGraph


def node_name(graph: OrgGraph, nid: str | None) -> str | None:
    """A node's ``name`` (or ``title``), None when it has neither or does not exist."""
    if nid is None:
        return None
    data = graph.g.nodes.get(nid)
    if data is None:
        return None
    value = data.get("name") or data.get("title")
    return str(value) if value is not None else None


def hop(graph: OrgGraph, ix: Index, ref: EdgeRef) -> Hop:
    """One edge as evidence (the stored part is cached on the index; each Hop is a fresh copy)."""
    u, v, key, rev = ref
    base = ix.hop_cache.get((u, v, key))
    if base is None:
        data = graph.g.edges[u, v, key]
        base = {
            "from_id": u, "from_label": ix.labels[u], "from_name": node_name(graph, u), "type": data["type"],
            "to_id": v, "to_label": ix.labels[v], "to_name": node_name(graph, v),
            "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"), "source": data.get("source"),
            "properties": {k: val for k, val in data.items()
                           if k not in ("type", "valid_from", "valid_to", "source")},
        }
        ix.hop_cache[(u, v, key)] = base
    return Hop(**{**base, "properties": dict(base["properties"])}, reversed=rev)


def interest_path(graph: OrgGraph, ix: Index, path: StaticPath) -> InterestPath:
    """An index path as the public model."""
    return InterestPath(person_id=path.nodes[0], org_id=path.target,
                        interest_type=path.interest_type,  # type: ignore[arg-type]
                        hops=[hop(graph, ix, ref) for ref in path.edges])
