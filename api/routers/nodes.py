"""Exploring: nodes with relationships and sources, search, ego networks, counts."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.auth import require
from api.deps import AsOf, Limit, MemoDep, Offset, SettingsDep, StoreDep, json_bytes, parse_date
from api.names import suggestions
from api.problems import ApiError, problem_doc
from api.schemas import EgoNetwork, NodeOut, Page, SearchHit, Stats, Suggestion
from api.service import node_graph, node_out
from api.store_reads import require_node, walk
from api.subgraph import edges_json, neighbours
from api.templating import page_url
from orggraph.stores.ego import ego as ego_walk
from viz.styling import vis_edge, vis_node

router = APIRouter(prefix="/api", tags=["explore"], dependencies=[Depends(require("reader"))],
                   responses=problem_doc(400, 401, 403, 404, 422, 503))

NodeId = Annotated[str, Path(min_length=1, max_length=200, description="Node id (ODS code, person id, ...)")]


@router.get("/nodes/{node_id}", response_model=NodeOut, summary="One node with its relationships and sources")
def get_node(node_id: NodeId, store: StoreDep, as_of: AsOf = None) -> NodeOut:
    """With ``as_of``, only the relationships live on that date."""
    return node_out(store, node_id, parse_date(as_of, "as_of"))


@router.get("/search", response_model=Page[SearchHit], summary="Find nodes by name or code")
def search(store: StoreDep, memo: MemoDep,
           q: Annotated[str, Query(min_length=1, max_length=200, description="Name or code")],
           label: Annotated[str | None, Query(description="Only nodes with this label")] = None,
           limit: Limit = 20, offset: Offset = 0) -> Page[SearchHit]:
    """Exact id first, then name prefix, then substring; ties by name then id."""
    hits = memo.get(store.version(), ("search", q), lambda: store.search(q, limit=10_000))
    if label:
        hits = [h for h in hits if h.label == label]
    return Page[SearchHit](total=len(hits), offset=offset, limit=limit, items=hits[offset:offset + limit])


@router.get("/suggest", response_model=list[Suggestion], summary="Suggestions as you type: nodes by name or code")
def suggest(store: StoreDep, memo: MemoDep,
            q: Annotated[str, Query(min_length=1, max_length=200, description="What has been typed so far")],
            label: Annotated[str | None, Query(max_length=200, description=(
                "Only these labels, comma-separated (Person,Committee); Commissioner stands for CCG, ICB and "
                "the other commissioner labels; empty for any"))] = None,
            limit: Annotated[int, Query(ge=1, le=50, description="At most this many")] = 8) -> Any:
    """For type-ahead boxes (``api/static/suggest.js``): the exact id first, then the exact name, a name or
    code starting with the text, a word of the name starting with it, the text anywhere; ``url`` is the
    node's page in the browser views."""
    return json_bytes(suggestions(store, memo, q, label, limit))


@router.get("/nodes/{node_id}/ego", response_model=EgoNetwork,
            summary="A node's neighbourhood as nodes and edges")
def ego(node_id: NodeId, store: StoreDep, memo: MemoDep, settings: SettingsDep,
        hops: Annotated[int, Query(ge=1, le=4, description="Relationships away from the node")] = 1,
        as_of: AsOf = None,
        max_nodes: Annotated[int, Query(ge=1, le=5000, description="Trim the view at this many nodes")] = 500,
        ) -> Any:
    """Relationships followed either way; with ``as_of``, only those live on that date."""
    require_node(store, node_id)
    on = parse_date(as_of, "as_of")

    def compute() -> bytes:
        cut = walk(store, lambda f: ego_walk(f, store.schema, node_id, hops, on, max_nodes), f"reading around {node_id}")
        nodes, edges = edges_json(cut.graph)
        return orjson.dumps({"center": node_id, "hops": hops, "as_of": on, "trimmed": cut.trimmed,
                             "nodes": nodes, "edges": edges})

    body = memo.get(store.version(), ("ego-json", node_id, hops, on, max_nodes), compute)
    return Response(body, media_type="application/json")


@router.get("/nodes/{node_id}/neighbours", summary="A node's neighbours by relationship class, for expanding a view")
def get_neighbours(node_id: NodeId, store: StoreDep, as_of: AsOf = None,
                   rel_class: Annotated[str | None, Query(alias="class", max_length=40,
                                                          description="Relationship class (schema classes)")] = None,
                   limit: Annotated[int, Query(ge=1, le=500, description="At most this many neighbours")] = 50,
                   ) -> Any:
    """The nodes one relationship away (either direction) in id order, the first ``limit`` of ``total``,
    with the relationships between; ``vis`` has the same nodes and edges styled for the graph view."""
    require_node(store, node_id)
    on = parse_date(as_of, "as_of")
    if rel_class and rel_class not in store.schema.classes:
        raise ApiError(422, f"class {rel_class!r} is not a relationship class; expected one of "
                            f"{', '.join(sorted(store.schema.classes))}")
    graph = node_graph(store, node_id)  # one hop: the node, its relationships, their other ends
    found = neighbours(graph, node_id, rel_class or None, on, limit)
    g, schema = graph.g, graph.schema
    ids = found.neighbour_ids
    nodes = [{"id": n, "label": g.nodes[n]["label"], "name": g.nodes[n].get("name"),
              "properties": {k: v for k, v in g.nodes[n].items() if k != "label"}} for n in ids]
    edges = [{"from_id": s, "to_id": e, "type": d["type"], "valid_from": d.get("valid_from"),
              "valid_to": d.get("valid_to"), "source": d.get("source"),
              "properties": {k: v for k, v in d.items() if k not in ("type", "valid_from", "valid_to", "source")}}
             for s, e, _, d in found.edges]
    vis = {"nodes": [vis_node(n, g.nodes[n], schema, False, lambda x: page_url(x, graph.label(x))) for n in ids],
           "edges": [vis_edge(s, e, k, d, schema, (g.nodes[s]["label"], g.nodes[e]["label"]))
                     for s, e, k, d in found.edges]}
    return {"node_id": node_id, "class": rel_class or None, "as_of": on, "total": found.total,
            "shown": len(ids), "limit": limit, "nodes": nodes, "edges": edges, "vis": vis}


@router.get("/stats", response_model=Stats, summary="Counts of nodes by label and relationships by type")
def stats(store: StoreDep, memo: MemoDep) -> Stats:
    return memo.get(store.version(), ("stats",), lambda: Stats(**store.stats()))
