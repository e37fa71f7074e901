"""Browser views for governance leads: server-rendered pages, every finding as text, graphs via viz."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import SESSION_COOKIE, Principal, identify, require, sessions_of
from api.deps import GraphDep, MemoDep, SettingsDep, parse_date, require_node
from api.panels import committee_panel, headline, latest_committee_date, panel_for
from api.problems import ApiError
from api.service import (
    brief_out,
    committee_overview,
    composition_on,
    decision_out,
    find_conflicts,
    meetings_of,
    meetings_of_decision,
    node_out,
    resolve_conflict_filters,
    upcoming_meetings,
)
from api.subgraph import decision_cut, ego_network, item_cut
from api.templating import page_url, templates
from orggraph.findings import brief_names
from orggraph.graph import OrgGraph
from orggraph.query import search_graph
from viz import build_view, render_fragment
from viz.brief import brief_title, render_brief_body

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(require("reader"))]


def _label_url(graph: OrgGraph) -> Callable[[str], str]:
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
    """Findings first: the scan's headline figures, the decisions to read first, the next meetings."""
    hits = memo.get(graph, ("search", q), lambda: search_graph(graph, q, limit=10_000))[:50] if q else []
    counts = memo.get(graph, ("stats",), graph.stats)
    return render(request, "home.html", title="orggraph", q=q or "", hits=hits, counts=counts,
                  upcoming=upcoming_meetings(graph, memo), head=headline(graph, memo))


@router.get("/node/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, node_id: str, graph: GraphDep, memo: MemoDep, settings: SettingsDep, principal: Reader,
              hops: Annotated[int, Query(ge=1, le=3)] = 1, as_of: str | None = None) -> HTMLResponse:
    on = parse_date(as_of, "as_of")
    node = node_out(graph, node_id, on)
    cut = ego_network(graph, node_id, hops, on, settings.view_max_nodes)
    view = build_view(cut.graph, element_id="ego-graph", highlight_nodes=cut.highlight_nodes, center=node_id,
                      node_url=_label_url(graph), trimmed=cut.trimmed, max_nodes=settings.view_max_nodes)
    panel = panel_for(graph, memo, node_id, node.label, on, principal.can("auditor"))
    return render(request, "node.html", title=f"{node.name or node.id} ({node.label})", node=node, hops=hops,
                  as_of=on or "", graph_html=render_fragment(view), panel=panel,
                  special_page=node.label in ("Decision", "Committee", "Meeting"))


@router.get("/decision/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: str, graph: GraphDep, memo: MemoDep, settings: SettingsDep,
                  _: Reader) -> HTMLResponse:
    decision = decision_out(graph, memo, decision_id)
    cut = decision_cut(graph, decision)
    sub = cut.graph
    view = build_view(sub, element_id="decision-graph", highlight_nodes=cut.highlight_nodes,
                      highlight_edges=cut.highlight_edges, center=decision_id, node_url=_label_url(graph),
                      max_nodes=settings.view_max_nodes)
    names = {nid: graph.g.nodes[nid].get("name") or nid for nid in sub.g.nodes}
    labels = {nid: graph.g.nodes[nid]["label"] for nid in sub.g.nodes}
    return render(request, "decision.html", title=f"Decision: {decision.title or decision.id}", d=decision,
                  names=names, labels=labels, graph_html=render_fragment(view),
                  meetings=meetings_of_decision(graph, decision_id))


@router.get("/meeting/{meeting_id}", response_class=HTMLResponse)
def meeting_page(request: Request, meeting_id: str, graph: GraphDep, memo: MemoDep, settings: SettingsDep,
                 _: Reader) -> HTMLResponse:
    """The chair's brief on screen, each conflicted item with the graph of its interest paths."""
    brief = brief_out(graph, memo, meeting_id)
    url = _label_url(graph)
    graphs = {}
    for n, item in enumerate(brief.items, 1):
        if item.conflicts:
            cut = item_cut(graph, item, brief.meeting_id, brief.committee_id)
            view = build_view(cut.graph, element_id=f"item-graph-{n}", highlight_nodes=cut.highlight_nodes,
                              highlight_edges=cut.highlight_edges, center=item.decision_id, node_url=url,
                              max_nodes=settings.view_max_nodes)
            graphs[item.decision_id] = render_fragment(view)
    body = render_brief_body(brief, brief_names(graph, brief), url, graphs)
    return render(request, "meeting.html", title=brief_title(brief), brief=brief, body=body)


@router.get("/committee/{committee_id}", response_class=HTMLResponse)
def committee_page(request: Request, committee_id: str, graph: GraphDep, memo: MemoDep, settings: SettingsDep,
                   _: Reader, as_of: str | None = None) -> HTMLResponse:
    data = require_node(graph, committee_id, ("Committee",), "committee")
    overview = committee_overview(graph, committee_id)
    meetings = meetings_of(graph, memo, committee_id)
    latest = latest_committee_date(overview, meetings)
    on = parse_date(as_of, "as_of") or latest
    comp = composition_on(graph, memo, committee_id, on)
    cut = ego_network(graph, committee_id, 1, on, settings.view_max_nodes)
    view = build_view(cut.graph, element_id="committee-graph", highlight_nodes={committee_id}, center=committee_id,
                      node_url=_label_url(graph), trimmed=cut.trimmed, max_nodes=settings.view_max_nodes)
    return render(request, "committee.html", title=f"Committee: {data.get('name') or committee_id}",
                  committee_id=committee_id, committee=data, comp=comp, seats=overview.seats, meetings=meetings,
                  decisions=overview.decisions, owners=overview.owners, as_of=on, latest=latest,
                  graph_html=render_fragment(view), panel=committee_panel(graph, memo, committee_id))


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request, graph: GraphDep, memo: MemoDep, _: Reader,
    decision: str | None = None, person: str | None = None, committee: str | None = None,
    commissioner: str | None = None, meeting: str | None = None, date_from: str | None = None,
    date_to: str | None = None,
    declaration: Literal["declared", "partial", "undeclared", ""] | None = None,
    breach: Literal["true", "false", ""] | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Each filter takes an id or a name (suggested as you type); the results are for the ids it names."""
    filters = {"decision": decision or None, "person": person or None, "committee": committee or None,
               "commissioner": commissioner or None, "meeting": meeting or None}
    ids = resolve_conflict_filters(graph, memo, **filters)
    found = find_conflicts(graph, memo, decision=ids["decision"], person=ids["person"], committee=ids["committee"],
                           commissioner=ids["commissioner"], meeting=ids["meeting"], date_from=parse_date(date_from, "date_from"), date_to=parse_date(date_to, "date_to"))
    if declaration:
        found = [c for c in found if c.declaration == declaration]
    if breach:
        found = [c for c in found if c.breach == (breach == "true")]
    size = 50
    params = {**ids, "date_from": date_from, "date_to": date_to, "declaration": declaration, "breach": breach}
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
    # A fresh random token each login (any earlier one of this browser ends); the key stays out of it.
    token = sessions_of(request).start(principal.name, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/logout", response_model=None)
def logout(request: Request) -> Response:
    sessions_of(request).end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


__all__ = ["ApiError", "router"]
