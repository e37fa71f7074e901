"""Browser views for governance leads: server-rendered pages, every finding as text, graphs via viz."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import COOKIE, Principal, identify, require
from api.deps import GraphDep, MemoDep, SettingsDep, engine, parse_date, require_node, today
from api.problems import ApiError
from api.routers.findings import decision_out, find_conflicts
from api.routers.nodes import node_out
from api.subgraph import ego_network, induced
from api.templating import page_url, templates
from orggraph.graph import OrgGraph
from orggraph.query import search_graph
from orggraph.schema import SCHEMA
from orggraph.temporal import is_live
from viz import build_view, render_fragment

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(require("reader"))]


def _label_url(graph: OrgGraph):  # type: ignore[no-untyped-def]
    def url(node_id: str) -> str:
        return page_url(node_id, graph.label(node_id))

    return url


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    context.setdefault("principal", getattr(request.state, "principal", None))
    context["auth_enabled"] = settings.auth_enabled
    return templates.TemplateResponse(request, template, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, graph: GraphDep, memo: MemoDep, _: Reader,
         q: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    hits = search_graph(graph, q, limit=50) if q else []
    counts = memo.get(graph, ("stats",), graph.stats)
    return render(request, "home.html", title="orggraph", q=q or "", hits=hits, counts=counts)


@router.get("/node/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, node_id: str, graph: GraphDep, settings: SettingsDep, _: Reader,
              hops: Annotated[int, Query(ge=1, le=3)] = 1, as_of: str | None = None) -> HTMLResponse:
    on = parse_date(as_of, "as_of")
    node = node_out(graph, node_id, on)
    cut = ego_network(graph, node_id, hops, on, settings.view_max_nodes)
    view = build_view(cut.graph, element_id="ego-graph", highlight_nodes=cut.highlight_nodes, center=node_id,
                      node_url=_label_url(graph), trimmed=cut.trimmed, max_nodes=settings.view_max_nodes)
    return render(request, "node.html", title=f"{node.name or node.id} ({node.label})", node=node, hops=hops,
                  as_of=on or "", graph_html=render_fragment(view), special_page=node.label in ("Decision", "Committee"))


def decision_cut(graph: OrgGraph, decision: Any) -> tuple[OrgGraph, set[str], set[tuple[str, str, str]]]:
    """The decision, its committee, parties, decision-makers and every node on a conflicted member's paths."""
    ids: list[str] = [decision.id]
    if decision.committee_id:
        ids.append(decision.committee_id)
    ids += decision.parties + decision.decision_makers
    hl_nodes: set[str] = set(decision.parties)
    hl_edges: set[tuple[str, str, str]] = set()
    for conflict in decision.conflicts:
        for path in conflict.paths:
            ids += path.node_ids
            hl_nodes |= set(path.node_ids)
            hl_edges |= {(h.from_id, h.type, h.to_id) for h in path.hops}
    for end, rtype, _ in graph.out_rels(decision.id, ["AWARDED_TO", "AFFECTS"]):
        hl_edges.add((decision.id, rtype, end))
    sub = induced(graph, [i for i in ids if i in graph], as_of=None)
    # Only relationships live on the decision's date, and those that matter for reading it.
    drop = [(u, v, k) for u, v, k, d in sub.g.edges(keys=True, data=True)
            if decision.date and not is_live(d, decision.date)]
    sub.g.remove_edges_from(drop)
    return sub, hl_nodes, hl_edges


@router.get("/decision/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: str, graph: GraphDep, memo: MemoDep, settings: SettingsDep,
                  _: Reader) -> HTMLResponse:
    decision = decision_out(graph, memo, decision_id)
    sub, hl_nodes, hl_edges = decision_cut(graph, decision)
    view = build_view(sub, element_id="decision-graph", highlight_nodes=hl_nodes, highlight_edges=hl_edges,
                      center=decision_id, node_url=_label_url(graph), max_nodes=settings.view_max_nodes)
    names = {nid: graph.g.nodes[nid].get("name") or nid for nid in sub.g.nodes}
    labels = {nid: graph.g.nodes[nid]["label"] for nid in sub.g.nodes}
    return render(request, "decision.html", title=f"Decision: {decision.title or decision.id}", d=decision,
                  names=names, labels=labels, graph_html=render_fragment(view))


@router.get("/committee/{committee_id}", response_class=HTMLResponse)
def committee_page(request: Request, committee_id: str, graph: GraphDep, memo: MemoDep, settings: SettingsDep,
                   _: Reader, as_of: str | None = None) -> HTMLResponse:
    data = require_node(graph, committee_id, ("Committee",), "committee")
    on = parse_date(as_of, "as_of") or today()
    eng = engine()
    comp = memo.get(graph, ("composition", committee_id, on), lambda: eng.composition(graph, committee_id, on))
    seats = sorted(
        ({"person_id": p, "person_name": graph.g.nodes[p].get("name"), **props}
         for p, _, props in graph.in_rels(committee_id, ["SITS_ON"])),
        key=lambda s: (s.get("valid_from") or "", s["person_id"]))
    decisions = sorted(((d, graph.g.nodes[d].get("date") or "", graph.g.nodes[d].get("title") or graph.g.nodes[d].get("name"))
                        for d, _, _ in graph.in_rels(committee_id, ["DECIDED_BY"])), key=lambda t: (t[1], t[0]))
    owners = [(k, graph.g.nodes[k].get("name")) for k, _, _ in graph.out_rels(committee_id, ["COMMITTEE_OF"])]
    cut = ego_network(graph, committee_id, 1, on, settings.view_max_nodes)
    view = build_view(cut.graph, element_id="committee-graph", highlight_nodes={committee_id}, center=committee_id,
                      node_url=_label_url(graph), trimmed=cut.trimmed, max_nodes=settings.view_max_nodes)
    return render(request, "committee.html", title=f"Committee: {data.get('name') or committee_id}",
                  committee_id=committee_id, committee=data, comp=comp, seats=seats, decisions=decisions,
                  owners=owners, as_of=on, graph_html=render_fragment(view))


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request, graph: GraphDep, memo: MemoDep, _: Reader,
    decision: str | None = None, person: str | None = None, committee: str | None = None,
    commissioner: str | None = None, date_from: str | None = None, date_to: str | None = None,
    declaration: Literal["declared", "partial", "undeclared", ""] | None = None,
    breach: Literal["true", "false", ""] | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    filters = {"decision": decision or None, "person": person or None, "committee": committee or None,
               "commissioner": commissioner or None}
    for key, label_set in (("decision", ("Decision",)), ("person", ("Person",)), ("committee", ("Committee",)),
                           ("commissioner", tuple(SCHEMA.commissioner_labels))):
        if filters[key]:
            require_node(graph, filters[key], label_set, key)  # type: ignore[arg-type]
    found = find_conflicts(graph, memo, decision=filters["decision"], person=filters["person"],
                           committee=filters["committee"], commissioner=filters["commissioner"],
                           date_from=parse_date(date_from, "date_from"), date_to=parse_date(date_to, "date_to"))
    if declaration:
        found = [c for c in found if c.declaration == declaration]
    if breach:
        found = [c for c in found if c.breach == (breach == "true")]
    size = 50
    params = {**filters, "date_from": date_from, "date_to": date_to, "declaration": declaration, "breach": breach}
    return render(request, "conflicts.html", title="Conflicts of interest", conflicts=found[(page - 1) * size:page * size],
                  total=len(found), page=page, pages=max(1, -(-len(found) // size)), params=params)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", title="Sign in", error=None)


@router.post("/login", response_model=None)
def login(request: Request, settings: SettingsDep, key: Annotated[str, Form(max_length=500)]) -> Response:
    if not settings.auth_enabled:
        return RedirectResponse("/", status_code=303)
    principal = identify(settings, key)
    if principal is None:
        page = render(request, "login.html", title="Sign in", error="That key is not valid.")
        page.status_code = 401
        return page
    request.state.principal = principal
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/logout", response_model=None)
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


__all__ = ["ApiError", "router"]
