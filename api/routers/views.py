"""Browser views for governance leads: server-rendered pages, every finding as text, graphs via viz."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import SESSION_COOKIE, Principal, identify, require, sessions_of
from api.deps import MemoDep, SettingsDep, StoreDep, parse_date
from api.panels import committee_panel, headline, latest_committee_date, panel_for
from api.problems import ApiError
from api.service import (
    brief_graph,
    brief_out,
    committee_overview,
    composition_on,
    decision_graph,
    decision_out,
    find_conflicts,
    meetings_of,
    meetings_of_decision,
    node_graph,
    node_out,
    nodes_graph,
    resolve_conflict_filters,
    upcoming_meetings,
)
from api.store_reads import require_node, walk
from api.subgraph import SubgraphCut, decision_cut, decision_ids, ego_cut, item_cut, item_ids
from api.templating import page_url, templates
from orggraph.findings import brief_names
from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph.stores.ego import ego
from viz import build_view, render_fragment
from viz.brief import brief_title, render_brief_body

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(require("reader"))]


def _label_url(graph: OrgGraph) -> Callable[[str], str]:
    def url(node_id: str) -> str:
        return page_url(node_id, graph.label(node_id))

    return url


def ego_of(store: Store, center: str, hops: int, on: str | None, max_nodes: int) -> SubgraphCut:
    """The view around a node, read ring by ring from the store."""
    found = walk(store, lambda f: ego(f, store.schema, center, hops, on, max_nodes), f"reading around {center}")
    return ego_cut(found, center)


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    context.setdefault("principal", getattr(request.state, "principal", None))
    context["auth_enabled"] = settings.auth_enabled
    return templates.TemplateResponse(request, template, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, memo: MemoDep, _: Reader,
         q: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """Findings first: the scan's headline figures, the decisions to read first, the next meetings."""
    version = store.version()
    hits = memo.get(version, ("search", q), lambda: store.search(q, limit=10_000))[:50] if q else []
    counts = memo.get(version, ("stats",), store.stats)
    return render(request, "home.html", title="orggraph", q=q or "", hits=hits, counts=counts,
                  upcoming=upcoming_meetings(store, memo), head=headline(store, memo))


@router.get("/node/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, node_id: str, store: StoreDep, memo: MemoDep, settings: SettingsDep, principal: Reader,
              hops: Annotated[int, Query(ge=1, le=3)] = 1, as_of: str | None = None) -> HTMLResponse:
    on = parse_date(as_of, "as_of")
    around = node_graph(store, node_id)
    node = node_out(store, node_id, on, around)
    cut = ego_of(store, node_id, hops, on, settings.view_max_nodes)
    view = build_view(cut.graph, element_id="ego-graph", highlight_nodes=cut.highlight_nodes, center=node_id,
                      node_url=_label_url(cut.graph), trimmed=cut.trimmed, max_nodes=settings.view_max_nodes)
    panel = panel_for(store, memo, around, node_id, node.label, on, principal.can("auditor"))
    return render(request, "node.html", title=f"{node.name or node.id} ({node.label})", node=node, hops=hops,
                  as_of=on or "", graph_html=render_fragment(view), panel=panel,
                  special_page=node.label in ("Decision", "Committee", "Meeting"))


@router.get("/decision/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: str, store: StoreDep, memo: MemoDep, settings: SettingsDep,
                  _: Reader) -> HTMLResponse:
    decision = decision_out(store, memo, decision_id)
    cut = decision_cut(nodes_graph(store, decision_ids(decision)), decision)
    sub = cut.graph
    view = build_view(sub, element_id="decision-graph", highlight_nodes=cut.highlight_nodes,
                      highlight_edges=cut.highlight_edges, center=decision_id, node_url=_label_url(sub),
                      max_nodes=settings.view_max_nodes)
    names = {nid: sub.g.nodes[nid].get("name") or nid for nid in sub.g.nodes}
    labels = {nid: sub.g.nodes[nid]["label"] for nid in sub.g.nodes}
    return render(request, "decision.html", title=f"Decision: {decision.title or decision.id}", d=decision,
                  names=names, labels=labels, graph_html=render_fragment(view),
                  meetings=meetings_of_decision(decision_graph(store, decision_id), decision_id))


@router.get("/meeting/{meeting_id}", response_class=HTMLResponse)
def meeting_page(request: Request, meeting_id: str, store: StoreDep, memo: MemoDep, settings: SettingsDep,
                 _: Reader) -> HTMLResponse:
    """The chair's brief on screen, each conflicted item with the graph of its interest paths."""
    brief = brief_out(store, memo, meeting_id)
    graph = brief_graph(store, meeting_id)  # the meeting's neighbourhood: every node the brief names
    url = _label_url(graph)
    graphs = {}
    for n, item in enumerate(brief.items, 1):
        if item.conflicts:
            ids = item_ids(item, brief.meeting_id, brief.committee_id)
            cut = item_cut(nodes_graph(store, ids), item, brief.meeting_id, brief.committee_id)
            view = build_view(cut.graph, element_id=f"item-graph-{n}", highlight_nodes=cut.highlight_nodes,
                              highlight_edges=cut.highlight_edges, center=item.decision_id, node_url=url,
                              max_nodes=settings.view_max_nodes)
            graphs[item.decision_id] = render_fragment(view)
    body = render_brief_body(brief, brief_names(graph, brief), url, graphs)
    return render(request, "meeting.html", title=brief_title(brief), brief=brief, body=body)


@router.get("/committee/{committee_id}", response_class=HTMLResponse)
def committee_page(request: Request, committee_id: str, store: StoreDep, memo: MemoDep, settings: SettingsDep,
                   _: Reader, as_of: str | None = None) -> HTMLResponse:
    data = require_node(store, committee_id, ("Committee",), "committee")
    around = node_graph(store, committee_id)
    overview = committee_overview(around, committee_id)
    meetings = meetings_of(store, memo, committee_id)
    latest = latest_committee_date(overview, meetings)
    on = parse_date(as_of, "as_of") or latest
    comp = composition_on(store, memo, committee_id, on)
    cut = ego_of(store, committee_id, 1, on, settings.view_max_nodes)
    view = build_view(cut.graph, element_id="committee-graph", highlight_nodes={committee_id}, center=committee_id,
                      node_url=_label_url(cut.graph), trimmed=cut.trimmed, max_nodes=settings.view_max_nodes)
    return render(request, "committee.html", title=f"Committee: {data.get('name') or committee_id}",
                  committee_id=committee_id, committee=data, comp=comp, seats=overview.seats, meetings=meetings,
                  decisions=overview.decisions, owners=overview.owners, as_of=on, latest=latest,
                  graph_html=render_fragment(view), panel=committee_panel(store, memo, around, committee_id))


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request, store: StoreDep, memo: MemoDep, _: Reader,
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
    ids = resolve_conflict_filters(store, memo, **filters)
    found = find_conflicts(store, memo, decision=ids["decision"], person=ids["person"], committee=ids["committee"],
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
