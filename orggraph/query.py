"""Reading helpers over a graph snapshot: one node with its relationships, and name/code search."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel

from orggraph.graph import OrgGraph


class RelView(BaseModel):
    direction: str  # "out" or "in"
    type: str
    other_id: str
    other_label: str
    other_name: str | None = None
    properties: dict[str, Any]


class NodeDetail(BaseModel):
    id: str
    label: str
    name: str | None = None
    properties: dict[str, Any]
    relationships: list[RelView]


class SearchHit(BaseModel):
    id: str
    label: str
    name: str | None = None
    score: float


def to_plain(obj: Any) -> Any:
    """JSON-ready data from pydantic models, dicts and lists (for the CLI's and the API's output)."""
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    return obj


def node_detail(graph: OrgGraph, node_id: str) -> NodeDetail | None:
    data = graph.node(node_id)
    if data is None:
        return None
    label = data.pop("label")
    rels: list[RelView] = []
    for direction, it in (("out", graph.out_rels(node_id)), ("in", graph.in_rels(node_id))):
        for other, rtype, props in it:
            odata = graph.g.nodes[other]
            p = {k: v for k, v in props.items() if k != "type"}
            rels.append(RelView(direction=direction, type=rtype, other_id=other, other_label=odata["label"],
                                other_name=odata.get("name"), properties=p))
    rels.sort(key=lambda r: (r.direction, r.type, r.other_id, r.properties.get("valid_from") or ""))
    return NodeDetail(id=node_id, label=label, name=data.get("name"), properties=data, relationships=rels)


def normalise_text(text: str) -> str:
    """Lower case, accents and punctuation folded to spaces: for matching names and codes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def search_graph(graph: OrgGraph, text: str, limit: int = 20) -> list[SearchHit]:
    """Nodes whose id or name matches ``text``: exact id first, then name prefix, then substring."""
    q = normalise_text(text)
    if not q:
        return []
    hits: list[SearchHit] = []
    for nid, data in graph.nodes():
        name = data.get("name") or ""
        nname = normalise_text(name)
        nid_norm = normalise_text(nid)
        if nid_norm == q:
            score = 1.0
        elif nname == q:
            score = 0.95
        elif nname.startswith(q) or nid_norm.startswith(q):
            score = 0.8
        elif q in nname:
            score = 0.6
        else:
            continue
        hits.append(SearchHit(id=nid, label=data["label"], name=name or None, score=score))
    hits.sort(key=lambda h: (-h.score, h.name or "", h.id))
    return hits[:limit]
