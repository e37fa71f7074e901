"""Reading helpers over a graph snapshot: one node with its relationships (as of a date, with a
provider's commissioner that day), an organisation's dated history, and name/code search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from orggraph.engine.era import ICB_ERA_START, AmbiguousCommissioner, era_name, icb_above, one_live
from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA
from orggraph.temporal import day_before, is_live


class RelView(BaseModel):
    direction: str  # "out" or "in"
    type: str
    other_id: str
    other_label: str
    other_name: str | None = None
    properties: dict[str, Any]


class CommissionerOn(BaseModel):
    on: str
    commissioner_id: str | None = None
    commissioner_name: str | None = None
    icb_id: str | None = None
    icb_name: str | None = None
    ambiguous: list[str] = Field(default_factory=list,
                                 description="Every live COMMISSIONED_BY target, when more than one is live")
    text: str = Field(description="The line both faces print, e.g. 'commissioner on 2023-02-01: ... (16C), ICB: ... (QHM)'")


class NodeDetail(BaseModel):
    id: str
    label: str
    name: str | None = None
    properties: dict[str, Any]
    relationships: list[RelView]
    as_of: str | None = None
    commissioner: CommissionerOn | None = None


class SearchHit(BaseModel):
    id: str
    label: str
    name: str | None = None
    score: float


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


# Labels that can be COMMISSIONED_BY something (practices, PCNs, providers): their detail on a date
# names their commissioner.
COMMISSIONED_LABELS = frozenset(lbl for v in SCHEMA.relationships["COMMISSIONED_BY"].variants for lbl in v.from_labels)
DetailLookup = Callable[[str], NodeDetail | None]


def _out_links(detail: NodeDetail, rel_type: str) -> list[tuple[str, dict[str, Any]]]:
    return [(r.other_id, r.properties) for r in detail.relationships if r.direction == "out" and r.type == rel_type]


def _named(nid: str, name: str | None) -> str:
    return f"{name} ({nid})" if name and name != nid else nid


def commissioner_line(detail: NodeDetail, on: str, lookup: DetailLookup) -> CommissionerOn:
    """A provider's commissioner on ``on`` and the ICB above it (the rule of
    :func:`orggraph.engine.era.commissioner_on`), read from its detail and, for the ICB, its
    commissioner's (``lookup``); an ambiguous answer names every live link instead of picking one."""
    try:
        k = one_live(detail.id, "COMMISSIONED_BY", on, _out_links(detail, "COMMISSIONED_BY"))
    except AmbiguousCommissioner as exc:
        return CommissionerOn(on=on, ambiguous=exc.targets,
                              text=f"commissioner on {on}: ambiguous, {len(exc.targets)} live COMMISSIONED_BY "
                                   f"links ({', '.join(exc.targets)}); the data should have one")
    if k is None:
        return CommissionerOn(on=on, text=f"commissioner on {on}: none recorded")
    kd = lookup(k)
    k_name = era_name(kd.properties, on) if kd else None
    out = CommissionerOn(on=on, commissioner_id=k, commissioner_name=k_name, text="")
    text = f"commissioner on {on}: {_named(k, k_name)}"
    try:
        icb = icb_above(k, kd.label if kd else None, on, _out_links(kd, "IN_ICB") if kd else [])
    except AmbiguousCommissioner as exc:
        icb, text = None, text + f", ICB: ambiguous ({', '.join(exc.targets)})"
    if icb is not None:
        icb_detail = kd if icb == k else lookup(icb)
        out.icb_id, out.icb_name = icb, icb_detail.name if icb_detail else None
        text += f", ICB: {_named(icb, out.icb_name)}"
    out.text = text
    return out


def dated_detail(detail: NodeDetail, on: str | None, lookup: DetailLookup) -> NodeDetail:
    """``detail`` as of ``on``: only the relationships live on that day and, for a practice (or a PCN
    or provider with a commissioner recorded), its commissioner on that day (:func:`commissioner_line`).
    Unchanged without a date."""
    if on is None:
        return detail
    rels = [r for r in detail.relationships if is_live(r.properties, on)]
    commissioned = detail.label == "Practice" or (
        detail.label in COMMISSIONED_LABELS and bool(_out_links(detail, "COMMISSIONED_BY")))
    commissioner = commissioner_line(detail, on, lookup) if commissioned else None
    return detail.model_copy(update={"relationships": rels, "as_of": on, "commissioner": commissioner})


def node_detail_on(graph: OrgGraph, node_id: str, on: str | None) -> NodeDetail | None:
    """:func:`node_detail` as of ``on`` (:func:`dated_detail`), over a whole graph."""
    detail = node_detail(graph, node_id)
    if detail is None:
        return None
    return dated_detail(detail, on, lambda nid: node_detail(graph, nid))


class HistoryEntry(BaseModel):
    valid_from: str | None = None
    valid_to: str | None = None
    text: str
    other_id: str | None = None
    other_label: str | None = None


# The links a commissioner's history lists, worded for each direction (out, in).
HISTORY_LINKS = {"IN_STP": ("in STP", None), "IN_ICB": ("in ICB", "has within it"),
                 "IN_REGION": ("in region", None), "SUCCEEDED_BY": ("succeeded by", "successor of")}


def _names_history(data: dict[str, Any]) -> list[HistoryEntry]:
    """A CCG's names: its CCG-era ``name`` until 2022-06-30, then its ``sicbl_name`` from 2022-07-01."""
    lo, hi, name, sicbl = data.get("valid_from"), data.get("valid_to"), data.get("name"), data.get("sicbl_name")
    if not sicbl:
        return [HistoryEntry(valid_from=lo, valid_to=hi, text=f"CCG: {name}")] if name else []
    return [HistoryEntry(valid_from=lo, valid_to=day_before(ICB_ERA_START), text=f"CCG: {name}"),
            HistoryEntry(valid_from=ICB_ERA_START, valid_to=hi, text=f"sub-ICB location: {sicbl}")]


def node_history(graph: OrgGraph, node_id: str) -> list[HistoryEntry]:
    """An organisation's history as dated lines: a CCG's names (:func:`_names_history`), then its
    structure links (STP, ICB, region, predecessors and successors), by start date. Empty for a node
    that has none (people, committees, decisions...)."""
    data = graph.node(node_id)
    if data is None:
        return []
    out = _names_history(data) if data["label"] == "CCG" else []
    nodes = graph.g.nodes
    for direction, rels in (("out", graph.out_rels(node_id, HISTORY_LINKS)), ("in", graph.in_rels(node_id, HISTORY_LINKS))):
        for other, rtype, props in rels:
            words = HISTORY_LINKS[rtype][0 if direction == "out" else 1]
            if words is None:
                continue  # e.g. an STP's member CCGs: the other end's history, not this one's
            out.append(HistoryEntry(valid_from=props.get("valid_from"), valid_to=props.get("valid_to"),
                                    text=f"{words} {_named(other, nodes[other].get('name'))}",
                                    other_id=other, other_label=nodes[other]["label"]))
    out.sort(key=lambda h: (h.valid_from or "", h.valid_to or "9999-12-31", h.text))
    return out


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
