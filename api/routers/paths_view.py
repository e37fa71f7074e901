"""The paths page (``/paths``): the interest paths (or any shortest paths) between two chosen nodes on a
date, drawn as a graph with the hops highlighted and listed hop by hop with dates and sources.

The answer is the API's (``GET /api/paths``, through the same memo); this module only reads the form,
resolves names to ids (the store's search) and words the result (reading only the nodes on the paths). Bad input is said in the page, with the status a client
would get from the API (404 unknown node, 422 bad date or hops or a name several nodes share, 400 an interest path from a non-person).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.auth import Principal, require
from api.dates import EXPECTED
from api.deps import MemoDep, SettingsDep, StoreDep
from api.graph_cache import GraphMemo
from api.names import MAX_CANDIDATES, name_index
from api.routers.views import render
from api.service import nodes_graph, paths_out
from api.store_reads import node_data
from api.subgraph import induced
from api.templating import page_url, query_url
from orggraph.engine.explain import hop_words, who
from orggraph.engine.models import Hop
from orggraph.findings import path_start_problem
from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph.temporal import describe, iso, today
from viz import build_view, render_fragment

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(require("reader"))]
Text = Annotated[str, Query(max_length=1000)]
DEFAULT_HOPS = 4
MAX_HOPS = 8
MAX_TEXT = 200
MODES = ("interest", "any")


class Candidate(NamedTuple):
    id: str
    label: str
    name: str | None


@dataclass
class Problem:
    """One thing wrong with the form, said in words next to the field it is about."""

    field: str
    status: int
    message: str
    candidates: list[Candidate] = default(default_factory=list)


@dataclass
class PathView:
    """One path as the page shows it: its hops in walking order and its sentence."""

    kind: str  # "interest" or "any"
    n: int
    interest_type: str | None
    hops: list[Hop]
    node_ids: list[str]
    sentence: str


@dataclass
class Form:
    """The form as typed (echoed back) and what it resolved to."""

    from_text: str
    to_text: str
    as_of: str
    mode: str
    max_hops: str
    from_id: str | None = None
    to_id: str | None = None
    on: str | None = None
    hops: int = DEFAULT_HOPS
    problems: list[Problem] = default(default_factory=list)

    def url(self, name: str = "", value: str = "") -> str:
        """This form's page with one field changed (a candidate picked, the mode switched)."""
        params = {"from": self.from_text, "to": self.to_text, "as_of": self.as_of, "mode": self.mode,
                  "max_hops": self.max_hops if self.max_hops != str(DEFAULT_HOPS) else ""}
        if name:
            params[name] = value
        return query_url("/paths", dict(params))


def resolve(store: Store, memo: GraphMemo, text: str, name: str) -> tuple[str | None, Problem | None]:
    """An id, or a name that matches exactly one node (case, accents and punctuation ignored); otherwise
    the problem with candidates: 422 for a name several nodes share (as the API says), 404 for none."""
    if node_data(store, text) is not None:
        return text, None
    index = name_index(store, memo, text)
    exact = index.named(text, list(index.by_label))
    if len(exact) == 1:
        return exact[0].id, None
    if exact:
        return None, Problem(name, 422, f"{len(exact)} nodes are named {text!r}: choose one.",
                             [Candidate(e.id, e.label, e.name) for e in exact[:MAX_CANDIDATES]])
    near = [Candidate(e.id, e.label, e.name) for e in index.suggest(text, None, MAX_CANDIDATES)]
    if near:
        return None, Problem(name, 404, f"no node has the id or name {text!r}; did you mean one of these?", near)
    return None, Problem(name, 404, f"no node has the id or name {text!r}; search by name or code.")


def read_form(store: Store, memo: GraphMemo, form: Form) -> Form:
    """Check each field and resolve the two ends; the problems say what is wrong, field by field."""
    if form.mode not in MODES:
        form.problems.append(Problem("mode", 422, f"mode={form.mode!r}: expected interest or any."))
    try:
        form.on = iso(form.as_of.strip()) or today()
    except ValueError:
        form.problems.append(Problem("as_of", 422, f"as of {form.as_of!r}: {EXPECTED}."))
    text = form.max_hops.strip() or str(DEFAULT_HOPS)
    if text.isdigit() and 1 <= int(text) <= MAX_HOPS:
        form.hops = int(text)
    else:
        form.problems.append(Problem("max_hops", 422,
                                     f"links {form.max_hops!r}: expected a whole number from 1 to {MAX_HOPS}."))
    for name, text in (("from", form.from_text), ("to", form.to_text)):
        if len(text) > MAX_TEXT:
            form.problems.append(Problem(name, 422, f"{name}: at most {MAX_TEXT} characters."))
        elif text.strip():
            node_id, problem = resolve(store, memo, text.strip(), name)
            setattr(form, f"{name}_id", node_id)
            if problem is not None:
                form.problems.append(problem)
    if form.from_id and form.mode == "interest" and not form.problems:
        graph = nodes_graph(store, [form.from_id])
        start = path_start_problem(graph, form.from_id)
        if start is not None:
            form.problems.append(Problem("mode", 400, f"{who(graph, form.from_id)} {start}; choose "
                                                      "any paths to explore other links."))
    return form


def path_views(graph: OrgGraph, interest: list[Any], shortest: list[list[dict[str, Any]]] | None,
               from_id: str) -> list[PathView]:
    """Interest paths first, then any shortest paths, each with the engine's own wording of its hops."""
    out: list[PathView] = []
    for n, p in enumerate(interest, 1):
        out.append(_path_view(graph, "interest", n, p.interest_type, p.hops, from_id))
    for n, plain in enumerate(shortest or [], 1):
        out.append(_path_view(graph, "any", n, None, [Hop.model_validate(h) for h in plain], from_id))
    return out


def _path_view(graph: OrgGraph, kind: str, n: int, interest_type: str | None, hops: list[Hop],
               from_id: str) -> PathView:
    ids = [from_id] + [h.from_id if h.reversed else h.to_id for h in hops]
    head = f"({n}) {interest_type.replace('_', ' ')}" if interest_type else f"({n}) any"
    words = " → ".join([who(graph, from_id), *(hop_words(graph, h) for h in hops)])
    return PathView(kind, n, interest_type, hops, ids, f"{head}: {words}.")


def summary(graph: OrgGraph, form: Form, paths: list[PathView]) -> str:
    """The result in one sentence, also when it is empty."""
    assert form.from_id and form.to_id and form.on
    span = (f"from {who(graph, form.from_id)} to {who(graph, form.to_id)} live on {form.on} within "
            f"{form.hops} link{'s' if form.hops != 1 else ''}")
    parts = []
    for kind, word in (("interest", "interest path"), ("any", "shortest path of any kind")):
        if kind == "any" and form.mode != "any":
            continue
        if kind == "interest" and graph.label(form.from_id) != "Person":
            continue
        count = sum(1 for p in paths if p.kind == kind)
        plural = word.replace("path", "paths") if count != 1 else word
        parts.append(f"{count} {plural}" if count else f"no {word}")
    text = " and ".join(parts)
    return f"{text[:1].upper()}{text[1:]} {span}."


def paths_graph(graph: OrgGraph, form: Form, paths: list[PathView], max_nodes: int) -> Markup:
    """The path nodes and the relationships among them live on the date, the hops highlighted."""
    ids = list(dict.fromkeys(nid for p in paths for nid in p.node_ids))
    hl_edges = {(h.from_id, h.type, h.to_id) for p in paths for h in p.hops}
    view = build_view(induced(graph, ids, form.on), element_id="paths-graph", highlight_nodes=set(ids),
                      highlight_edges=hl_edges, center=form.from_id,
                      node_url=lambda nid: page_url(nid, graph.label(nid)), max_nodes=max_nodes)
    # Read left to right: the start, each node at its step along the paths, the end last.
    level: dict[str, int] = {}
    for p in paths:
        for i, nid in enumerate(p.node_ids):
            level[nid] = min(i, level.get(nid, i))
    level[str(form.to_id)] = max(len(p.hops) for p in paths)
    for node in view.nodes:
        node["level"] = level.get(node["id"], 0)
    seen: dict[frozenset[str], int] = {}
    for edge in view.edges:  # parallel relationships bend apart instead of drawing over each other
        k = seen[frozenset((edge["from"], edge["to"]))] = seen.get(frozenset((edge["from"], edge["to"])), -1) + 1
        edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.25 * k}
    view.options["layout"] = {"hierarchical": {"enabled": True, "direction": "LR", "levelSeparation": 220,
                                               "nodeSpacing": 120}}
    view.options["physics"] = {"solver": "hierarchicalRepulsion", "hierarchicalRepulsion": {"nodeDistance": 130},
                               "stabilization": {"enabled": True, "iterations": 300, "fit": True}}
    return render_fragment(view)


def status_of(form: Form) -> int:
    """The status a client would get for the first problem: 404, then 422, then 400."""
    statuses = {p.status for p in form.problems}
    for status in (404, 422, 400):
        if status in statuses:
            return status
    return 200


@router.get("/paths", response_class=HTMLResponse)
def paths_page(request: Request, store: StoreDep, memo: MemoDep, settings: SettingsDep, _: Reader,
               from_text: Annotated[str, Query(alias="from", max_length=1000)] = "",
               to_text: Annotated[str, Query(alias="to", max_length=1000)] = "",
               as_of: Text = "", mode: Text = "interest", max_hops: Text = "") -> HTMLResponse:
    form = read_form(store, memo, Form(from_text, to_text, as_of, mode, max_hops))
    paths: list[PathView] = []
    sentence = ""
    graph_html = Markup("")
    graph = OrgGraph(schema=store.schema)
    if form.from_id and form.to_id and form.on and not form.problems:
        found = paths_out(store, memo, form.from_id, form.to_id, form.on, form.hops, form.mode == "any")
        on_paths = [h.from_id for p in found.interest_paths for h in p.hops]
        on_paths += [h.to_id for p in found.interest_paths for h in p.hops]
        on_paths += [str(h[k]) for p in found.any_paths or [] for h in p for k in ("from_id", "to_id")]
        graph = nodes_graph(store, [form.from_id, form.to_id, *on_paths])  # the nodes the page names and draws
        paths = path_views(graph, found.interest_paths, found.any_paths, form.from_id)
        sentence = summary(graph, form, paths)
        if paths:
            graph_html = paths_graph(graph, form, paths, settings.view_max_nodes)
    names = {nid: who(graph, nid) for p in paths for nid in p.node_ids}
    labels = {nid: graph.label(nid) for nid in names}
    page = render(request, "paths.html", title="Paths between two nodes", form=form, paths=paths,
                  sentence=sentence, graph_html=graph_html, names=names, labels=labels, max_hops_limit=MAX_HOPS,
                  default_hops=DEFAULT_HOPS, describe=describe)
    page.status_code = status_of(form)
    return page
