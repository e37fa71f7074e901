"""Browser views rendered in-process: pages, text equivalents, offline assets, CSP, the viz module."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, Settings
from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA
from orggraph.stores.embedded import EmbeddedStore
from tests.browser import needs_engine
from viz import build_view, render_page

HTML = {"Accept": "text/html"}
SAME_ORIGIN = {"Origin": "http://localhost"}  # browsers send it with a form POST (the CSRF check)


@pytest.fixture
def store(demo_store_path: Path, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "graph.json"
    shutil.copy(demo_store_path, path)
    return EmbeddedStore(path)


@pytest.fixture
def client(store: EmbeddedStore) -> TestClient:
    return TestClient(create_app(Settings(), store=store), raise_server_exceptions=False,
                      base_url="http://localhost")


class Refs(HTMLParser):
    """Every URL a page would load by itself (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.loads.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"] or "")
        if tag == "script" and not a.get("src"):
            self._in_script = a.get("type") or "text/javascript"

    def handle_data(self, data: str) -> None:
        if self._in_script and self._in_script != "application/json" and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def assert_self_contained(client: TestClient, html: str) -> None:
    refs = Refs()
    refs.feed(html)
    assert refs.loads, "a page should load its assets"
    for url in refs.loads:
        assert url.startswith("/") and not url.startswith("//"), f"third-party resource {url}"
        assert client.get(url).status_code == 200, url
    assert not refs.inline_scripts, "inline script would need a weaker CSP"


def graph_data(html: str, element_id: str) -> dict:
    m = re.search(rf'<script type="application/json" id="{element_id}-data">(.*?)</script>', html, re.DOTALL)
    assert m, f"no graph data for {element_id}"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_home_search_and_csp(client: TestClient, store: EmbeddedStore) -> None:
    person_id, person = next(store.graph().nodes("Person"))
    resp = client.get("/", params={"q": person["name"]}, headers=HTML)
    assert resp.status_code == 200
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "*" not in csp
    assert "<title>orggraph · orggraph</title>" in resp.text
    assert f'href="/node/{person_id}"' in resp.text
    assert '<label for="q">' in resp.text and 'id="q" name="q" type="search"' in resp.text
    assert_self_contained(client, resp.text)


def test_node_page_with_ego_network_hops_and_as_of(client: TestClient, store: EmbeddedStore) -> None:
    committee = next(nid for nid, _ in store.graph().nodes("Committee"))
    one = client.get(f"/node/{committee}", headers=HTML)
    two = client.get(f"/node/{committee}", params={"hops": 2}, headers=HTML)
    assert one.status_code == two.status_code == 200
    d1, d2 = graph_data(one.text, "ego-graph"), graph_data(two.text, "ego-graph")
    assert len(d2["nodes"]) > len(d1["nodes"]) > 1
    center = next(n for n in d1["nodes"] if n["id"] == committee)
    assert center["highlighted"] and center["label"].startswith("★")
    assert 'option value="2" selected' in two.text
    early = client.get(f"/node/{committee}", params={"as_of": "1990-01-01"}, headers=HTML)
    assert len(graph_data(early.text, "ego-graph")["nodes"]) < len(d1["nodes"])
    # Text equivalent: every relationship listed in a table.
    assert one.text.count("<tr><td>outgoing</td>") + one.text.count("<tr><td>incoming</td>") == len(
        list(store.graph().out_rels(committee))) + len(list(store.graph().in_rels(committee)))
    assert_self_contained(client, one.text)


def test_big_views_are_trimmed_with_a_note(store: EmbeddedStore) -> None:
    c = TestClient(create_app(Settings(view_max_nodes=10), store=store), base_url="http://localhost")
    committee = next(nid for nid, _ in store.graph().nodes("Committee"))
    resp = c.get(f"/node/{committee}", params={"hops": 3}, headers=HTML)
    data = graph_data(resp.text, "ego-graph")
    assert len(data["nodes"]) == 10
    assert 'data-testid="trim-note"' in resp.text and "more were left out" in resp.text


def test_errors_render_as_pages_for_browsers(client: TestClient) -> None:
    resp = client.get("/node/NO-SUCH-NODE", headers=HTML)
    assert resp.status_code == 404 and resp.headers["content-type"].startswith("text/html")
    assert "NO-SUCH-NODE" in resp.text and 'role="alert"' in resp.text
    assert client.get("/node/X", params={"hops": 7}, headers=HTML).status_code == 422


def test_views_need_a_key_when_keys_are_set(store: EmbeddedStore) -> None:
    c = TestClient(create_app(Settings(api_keys=(ApiKey("view-key-12345", "reader", "lead"),)), store=store),
                   base_url="http://localhost")
    assert c.get("/", headers=HTML).status_code == 401
    assert c.post("/login", data={"key": "wrong-key-0000"}, headers=SAME_ORIGIN, follow_redirects=False).status_code == 401
    ok = c.post("/login", data={"key": "view-key-12345"}, headers=SAME_ORIGIN, follow_redirects=False)
    assert ok.status_code == 303 and "httponly" in ok.headers["set-cookie"].lower()
    page = c.get("/", headers=HTML)
    assert page.status_code == 200 and "lead (reader)" in page.text


def test_docs_are_served_offline(client: TestClient) -> None:
    resp = client.get("/docs")
    assert resp.status_code == 200
    assert_self_contained(client, resp.text)
    assert "SwaggerUIBundle" in client.get("/static/api/swagger-ui-bundle.js").text


# ---- viz ---------------------------------------------------------------------------------------------
def small_graph(store: EmbeddedStore) -> OrgGraph:
    from api.subgraph import ego_network

    committee = next(nid for nid, _ in store.graph().nodes("Committee"))
    return ego_network(store.graph(), committee, 2).graph


def test_view_style_legend_and_tooltips_come_from_the_schema(store: EmbeddedStore) -> None:
    sub = small_graph(store)
    start, end, data = next(iter(sub.g.edges(data=True)))
    view = build_view(sub, highlight_edges={(start, data["type"], end)}, highlight_nodes={start})
    by_id = {n["id"]: n for n in view.nodes}
    for nid, ndata in sub.g.nodes(data=True):
        spec = SCHEMA.nodes[ndata["label"]]
        assert by_id[nid]["shape"] == spec.shape and by_id[nid]["color"]["background"] == spec.color
        assert f"source: {ndata.get('source') or 'not recorded'}" in by_id[nid]["title"]
    assert {e.label for e in view.legend} == {d["label"] for _, d in sub.g.nodes(data=True)}
    hl = [e for e in view.edges if e["highlighted"]]
    assert len(hl) >= 1 and all(e["width"] > 1 for e in hl)
    # Captions in words from the schema ("director of"), as the explanations say them.
    assert all(e["label"].startswith(SCHEMA.relationships[e["relType"]].caption) for e in view.edges)
    dated = [e for e in view.edges if "\n" in e["label"]]
    assert dated and all("–" in e["label"] for e in dated)
    assert view.options["physics"]["stabilization"]["enabled"]


def test_standalone_page_needs_no_network(store: EmbeddedStore, tmp_path: Path) -> None:
    view = build_view(small_graph(store))
    html = render_page(view, "Committee network")
    refs = Refs()
    refs.feed(html)
    assert refs.loads == [], "a standalone page must inline everything"
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", html)
    assert "vis.Network" in html and "<title>Committee network</title>" in html
    (tmp_path / "graph.html").write_text(html)


def test_graph_data_cannot_break_out_of_its_script_tag(store: EmbeddedStore) -> None:
    g = OrgGraph()
    from orggraph.models import node

    g.apply([node("EVIL", "Person", {"name": "</script><script>alert(1)</script>"})])
    text = build_view(g).data_json()
    assert "</script>" not in text and json.loads(text)["nodes"][0]["title"].startswith("Person: </script>")


# ---- pages that need the engine ---------------------------------------------------------------------
@needs_engine
def test_decision_page_highlights_paths_and_lists_them_as_text(client: TestClient) -> None:
    conflicts = client.get("/api/conflicts", params={"limit": 1000}).json()["items"]
    c = next(x for x in conflicts if x["breach"]) if any(x["breach"] for x in conflicts) else conflicts[0]
    resp = client.get(f"/decision/{c['decision_id']}", headers=HTML)
    assert resp.status_code == 200
    data = graph_data(resp.text, "decision-graph")
    highlighted = {n["id"] for n in data["nodes"] if n["highlighted"]}
    path_nodes = {h["to_id"] for p in c["paths"] for h in p["hops"]} | {c["person_id"]}
    assert path_nodes <= highlighted
    hl_edges = {(e["from"], e["relType"], e["to"]) for e in data["edges"] if e["highlighted"]}
    assert {(h["from_id"], h["type"], h["to_id"]) for p in c["paths"] for h in p["hops"]} <= hl_edges
    assert c["explanation"] in unescape(resp.text)
    assert "Declaration: " in resp.text and "Participation: " in resp.text and "Quorum" in resp.text
    assert_self_contained(client, resp.text)


@needs_engine
def test_committee_and_conflicts_pages(client: TestClient, store: EmbeddedStore) -> None:
    committee = next(nid for nid, _ in store.graph().nodes("Committee"))
    page = client.get(f"/committee/{committee}", params={"as_of": "2019-10-01"}, headers=HTML)
    assert page.status_code == 200 and "Composition on 2019-10-01" in page.text and "Members over time" in page.text
    listing = client.get("/conflicts", params={"breach": "true"}, headers=HTML)
    assert listing.status_code == 200
    n = len([x for x in client.get("/api/conflicts", params={"limit": 1000, "breach": "true"}).json()["items"]])
    assert f"{n} conflict" in listing.text
    assert 'href="/api/conflicts?breach=true&amp;format=csv"' in listing.text
