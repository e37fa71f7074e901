"""A subgraph as a vis-network drawing, built with pyvis and rendered with our own offline templates.

pyvis's stock template pulls vis-network and bootstrap from CDNs; ours serve vis-network from the app
(or inline it into a standalone file) and keep the graph data in a JSON block, so no inline script
runs and a strict Content-Security-Policy holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA, Schema

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
# pyvis ships vis-network in its package: serve that copy rather than fetch one.
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
DEFAULT_MAX_NODES = 500
HIGHLIGHT = "#d62728"
PLAIN_EDGE = "#8c8c8c"

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class LegendEntry:
    label: str
    color: str
    shape: str
    description: str
    count: int


@dataclass(frozen=True)
class RelLegendEntry:
    type: str
    caption: str
    description: str
    count: int


@dataclass
class GraphView:
    element_id: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[LegendEntry]
    note: str | None = None
    highlighted_nodes: list[str] = field(default_factory=list)
    rel_legend: list[RelLegendEntry] = field(default_factory=list)

    def data_json(self) -> str:
        payload = {"nodes": self.nodes, "edges": self.edges, "options": self.options}
        # Safe inside <script type="application/json">: nothing can close the tag or open a comment.
        text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _dates(data: dict[str, Any]) -> str:
    vf, vt = data.get("valid_from"), data.get("valid_to")
    if not vf and not vt:
        return ""
    return f"{vf or '…'} – {vt or 'open'}"


def _node_tooltip(nid: str, data: dict[str, Any]) -> str:
    lines = [f"{data['label']}: {data.get('name') or nid}", f"id: {nid}"]
    if _dates(data):
        lines.append(f"valid: {_dates(data)}")
    for key in ("title", "date", "role_title", "committee_type"):
        if data.get(key):
            lines.append(f"{key}: {data[key]}")
    lines.append(f"source: {data.get('source') or 'not recorded'}")
    return "\n".join(lines)


def _edge_tooltip(start: str, end: str, data: dict[str, Any], schema: Schema) -> str:
    spec = schema.relationships.get(data["type"])
    lines = [f"{start} {data['type']} {end}"]
    if spec:
        lines.append(spec.description)
    lines.append(f"valid: {_dates(data) or 'no dates recorded'}")
    extra = {k: v for k, v in data.items() if k not in ("type", "valid_from", "valid_to", "source")}
    for key, value in sorted(extra.items()):
        lines.append(f"{key}: {value}")
    lines.append(f"source: {data.get('source') or 'not recorded'}")
    return "\n".join(lines)


def _options(n_nodes: int) -> dict[str, Any]:
    # Enough iterations to settle a few hundred nodes; the page script then switches physics off so
    # the drawing stays still and costs nothing while a person reads it.
    return {
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 400 if n_nodes < 200 else 250, "fit": True},
        },
        "interaction": {"hover": True, "keyboard": {"enabled": True, "bindToWindow": False},
                        "navigationButtons": False, "tooltipDelay": 150},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "font": {"size": 10, "align": "middle"}, "smooth": {"type": "dynamic"}},
        "nodes": {"font": {"size": 13}},
    }


def _add_node(net: Network, nid: str, data: dict[str, Any], schema: Schema, is_hl: bool,
              node_url: Callable[[str], str] | None) -> None:
    label = data["label"]
    spec = schema.nodes.get(label)
    color = spec.color if spec else "#999999"
    shape = spec.shape if spec else "dot"
    name = data.get("name") or data.get("title") or nid
    caption = name if len(name) <= 32 else name[:30] + "…"
    net.add_node(
        nid, label=("★ " if is_hl else "") + caption, title=_node_tooltip(nid, data), shape=shape,
        color={"background": color, "border": HIGHLIGHT if is_hl else color,
               "highlight": {"background": color, "border": "#000000"}},
        borderWidth=5 if is_hl else 1, size=22 if is_hl else 14,
        font={"color": "#ffffff" if label == "Decision" else "#111111"},
        nodeLabel=label, highlighted=is_hl, url=node_url(nid) if node_url else None,
    )


def _add_edge(net: Network, start: str, end: str, data: dict[str, Any], schema: Schema, is_hl: bool) -> None:
    rtype = data["type"]
    dates = _dates(data)
    net.add_edge(
        start, end, label=rtype + (f"\n{dates}" if dates else ""),
        title=_edge_tooltip(start, end, data, schema), relType=rtype, highlighted=is_hl,
        color={"color": HIGHLIGHT if is_hl else PLAIN_EDGE}, width=4 if is_hl else 1,
        dashes=False if is_hl else [4, 3],
    )


def _kept_nodes(graph: OrgGraph, hl_nodes: set[str], center: str | None, max_nodes: int) -> tuple[list[str], int]:
    """The node ids to draw, sorted, and how many were left out: over ``max_nodes``, highlighted nodes
    and the centre first, then the best connected."""
    g = graph.g
    ids = list(g.nodes)
    left_out = 0
    if len(ids) > max_nodes:
        ids.sort(key=lambda n: (n not in hl_nodes, n != center, -g.degree(n), n))
        left_out = len(ids) - max_nodes
        ids = ids[:max_nodes]
    ids.sort()
    return ids, left_out


def build_view(graph: OrgGraph, *, element_id: str = "graph", highlight_nodes: Iterable[str] = (),
               highlight_edges: Iterable[tuple[str, str, str]] = (), center: str | None = None,
               node_url: Callable[[str], str] | None = None, max_nodes: int = DEFAULT_MAX_NODES,
               trimmed: int = 0, schema: Schema = SCHEMA) -> GraphView:
    """vis-network data for ``graph``; highlighted nodes/edges (from, TYPE, to) stand out.

    Over ``max_nodes`` nodes the view keeps highlighted nodes and the centre first, then the best
    connected, and says how many it left out (``trimmed`` adds any the caller already left out).
    """
    hl_nodes = set(highlight_nodes)
    hl_edges = set(highlight_edges)
    g = graph.g
    ids, left_out = _kept_nodes(graph, hl_nodes, center, max_nodes)
    trimmed += left_out
    keep = set(ids)

    net = Network(directed=True, cdn_resources="local")
    counts: dict[str, int] = {}
    for nid in ids:
        label = g.nodes[nid]["label"]
        counts[label] = counts.get(label, 0) + 1
        _add_node(net, nid, g.nodes[nid], schema, nid in hl_nodes, node_url)
    rel_counts: dict[str, int] = {}
    for start, end, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["type"],
                                                                      e[2].get("valid_from") or "")):
        if start in keep and end in keep:
            _add_edge(net, start, end, data, schema, (start, data["type"], end) in hl_edges)
            rel_counts[data["type"]] = rel_counts.get(data["type"], 0) + 1
    legend = [LegendEntry(lbl, schema.nodes[lbl].color, schema.nodes[lbl].shape, schema.nodes[lbl].description, n)
              for lbl, n in sorted(counts.items()) if lbl in schema.nodes]
    note = None
    if trimmed:
        note = (f"This view shows {len(ids)} nodes; {trimmed} more were left out to keep it readable. "
                "Narrow it (fewer hops, an as-of date) to see them.")
    return GraphView(element_id, net.nodes, net.edges, _options(len(ids)), legend, note, sorted(hl_nodes & keep),
                     _rel_legend(rel_counts, schema))


def _rel_legend(counts: dict[str, int], schema: Schema) -> list[RelLegendEntry]:
    """One legend line per relationship type drawn, captioned and described from the schema."""
    out = []
    for rtype, n in sorted(counts.items()):
        spec = schema.relationships.get(rtype)
        out.append(RelLegendEntry(rtype, spec.caption if spec else rtype.lower(), spec.description if spec else "", n))
    return out


def render_fragment(view: GraphView, static_url: str = "/static") -> Markup:
    """The graph, its legend and its note, for embedding in a page that loads the static assets."""
    return Markup(_env.get_template("graph_fragment.html").render(view=view, static_url=static_url))


def render_page(view: GraphView, title: str) -> str:
    """A self-contained HTML page (vis-network inlined): opens from a file with the network unplugged."""
    return _env.get_template("standalone.html").render(
        view=view, title=title, fragment=render_fragment(view),
        vis_js=Markup((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=Markup((VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
        graph_js=Markup((STATIC_DIR / "orggraph-graph.js").read_text(encoding="utf-8")),
        graph_css=Markup((STATIC_DIR / "orggraph-graph.css").read_text(encoding="utf-8")),
    )
