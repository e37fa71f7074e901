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
from viz.styling import explore_meta, vis_edge, vis_node

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
# pyvis ships vis-network in its package: serve that copy rather than fetch one.
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
DEFAULT_MAX_NODES = 500
# Above this many nodes the page groups the leaves of one label around a hub ("42 practices").
GROUP_THRESHOLD = 80
GROUP_MIN = 5
# Where the page asks for a node's neighbours (``{id}`` replaced); None in a standalone file.
NEIGHBOURS_URL = "/api/nodes/{id}/neighbours"

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
    meta: dict[str, Any] = field(default_factory=dict)

    def data_json(self) -> str:
        payload = {"nodes": self.nodes, "edges": self.edges, "options": self.options, "meta": self.meta}
        # Safe inside <script type="application/json">: nothing can close the tag or open a comment.
        text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _options(n_nodes: int, n_edges: int = 0) -> dict[str, Any]:
    # Enough iterations to settle a few hundred nodes; the page script then switches physics off so
    # the drawing stays still and costs nothing while a person reads it. Big views skip what costs most
    # and adds least: vis-network's Kamada-Kawai start ("improvedLayout") and dynamic edge curves (one
    # more physics body per edge); a 2-hop CCG view then settles in about a second instead of seven.
    # (bench/bench_browser.py measures the national-scale view.)
    big = n_nodes > 100 or n_edges > 200
    return {
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
            # A big view starts from rings around the seed (orggraph-graph.js), so fewer iterations settle it.
            "stabilization": {"enabled": True, "iterations": 100 if big else 400, "fit": True},
        },
        "layout": {"improvedLayout": not big},
        "interaction": {"hover": True, "keyboard": {"enabled": True, "bindToWindow": False},
                        "navigationButtons": False, "tooltipDelay": 150, "hideEdgesOnDrag": big},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "font": {"size": 10, "align": "middle"},
                  "smooth": {"type": "continuous"} if big else {"type": "dynamic"}},
        "nodes": {"font": {"size": 13}},
    }


def _add_node(net: Network, nid: str, data: dict[str, Any], schema: Schema, is_hl: bool,
              node_url: Callable[[str], str] | None) -> None:
    attrs = vis_node(nid, data, schema, is_hl, node_url)
    del attrs["id"]
    net.add_node(nid, **attrs)


def _add_edge(net: Network, start: str, end: str, key: Any, data: dict[str, Any], schema: Schema,
              labels: tuple[str, str], is_hl: bool) -> None:
    # Appended as it is: pyvis's add_edge would take the edge's "source" (where the fact came from) for
    # its own argument, and for a directed network it only checks that both ends exist.
    net.edges.append(vis_edge(start, end, key, data, schema, labels, is_hl))


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
    for start, end, key, data in sorted(g.edges(keys=True, data=True),
                                        key=lambda e: (e[0], e[1], e[3]["type"], e[3].get("valid_from") or "",
                                                       str(e[2]))):
        if start in keep and end in keep:
            _add_edge(net, start, end, key, data, schema, (g.nodes[start]["label"], g.nodes[end]["label"]),
                      (start, data["type"], end) in hl_edges)
            rel_counts[data["type"]] = rel_counts.get(data["type"], 0) + 1
    legend = [LegendEntry(lbl, schema.nodes[lbl].color, schema.nodes[lbl].shape, schema.nodes[lbl].description, n)
              for lbl, n in sorted(counts.items()) if lbl in schema.nodes]
    note = None
    if trimmed:
        note = (f"This view shows {len(ids)} nodes; {trimmed} more were left out to keep it readable. "
                "Narrow it (fewer hops, an as-of date) to see them.")
    meta = {**explore_meta(schema), "seed": center, "group_threshold": GROUP_THRESHOLD, "group_min": GROUP_MIN}
    return GraphView(element_id, net.nodes, net.edges, _options(len(ids), sum(rel_counts.values())), legend, note, sorted(hl_nodes & keep),
                     _rel_legend(rel_counts, schema), meta)


def _rel_legend(counts: dict[str, int], schema: Schema) -> list[RelLegendEntry]:
    """One legend line per relationship type drawn, captioned and described from the schema."""
    out = []
    for rtype, n in sorted(counts.items()):
        spec = schema.relationships.get(rtype)
        out.append(RelLegendEntry(rtype, spec.caption if spec else rtype.lower(), spec.description if spec else "", n))
    return out


def render_fragment(view: GraphView, static_url: str = "/static", neighbours_url: str | None = NEIGHBOURS_URL
                    ) -> Markup:
    """The graph, its toolbar, legend and note, for embedding in a page that loads the static assets
    (``graph_scripts.html``); ``neighbours_url`` (None: no expanding) is where a node's neighbours are asked for."""
    return Markup(_env.get_template("graph_fragment.html").render(view=view, static_url=static_url,
                                                                   neighbours_url=neighbours_url))


# The page scripts, in the order a page loads them: the plugins register before the drawing starts.
SCRIPTS = ("orggraph-explore.js", "orggraph-export.js", "orggraph-group.js", "orggraph-graph.js")


def render_page(view: GraphView, title: str) -> str:
    """A self-contained HTML page (vis-network inlined): opens from a file with the network unplugged."""
    return _env.get_template("standalone.html").render(
        view=view, title=title, fragment=render_fragment(view, neighbours_url=None),
        vis_js=Markup((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=Markup((VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
        graph_js=Markup("\n".join((STATIC_DIR / name).read_text(encoding="utf-8") for name in SCRIPTS)),
        graph_css=Markup((STATIC_DIR / "orggraph-graph.css").read_text(encoding="utf-8")),
    )
