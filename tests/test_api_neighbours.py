"""GET /api/nodes/{id}/neighbours: a node's neighbours by relationship class, capped in a stable order,
styled the same as the server-drawn view; 4xx with a useful body on bad input. And the graph view's
captions, labels and page scripts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from orggraph.schema import SCHEMA
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import is_live
from viz import build_view, render_page
from viz.network import SCRIPTS
from viz.styling import node_caption, rel_words

CCG = "SYN-CCG-001"


@pytest.fixture
def store(demo_store_path: Path, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "graph.json"
    shutil.copy(demo_store_path, path)
    return EmbeddedStore(path)


@pytest.fixture
def client(store: EmbeddedStore) -> TestClient:
    return TestClient(create_app(Settings(), store=store), raise_server_exceptions=False, base_url="http://localhost")


def expected_neighbours(store: EmbeddedStore, node_id: str, rel_class: str | None, on: str | None) -> list[str]:
    """Computed here from the store: the other end of every relationship of the class, live on ``on``."""
    graph = store.graph()
    g = graph.g
    out = set()
    for u, v, d in [*g.out_edges(node_id, data=True), *g.in_edges(node_id, data=True)]:
        other = v if u == node_id else u
        variant = SCHEMA.classify(d["type"], g.nodes[u]["label"], g.nodes[v]["label"])
        if rel_class and (variant is None or variant.rel_class != rel_class):
            continue
        if on and not (is_live(d, on) and is_live(g.nodes[other], on)):
            continue
        out.add(other)
    return sorted(out)


def test_neighbours_all_classes_in_id_order(client: TestClient, store: EmbeddedStore) -> None:
    body = client.get(f"/api/nodes/{CCG}/neighbours", params={"limit": 500}).json()
    expected = expected_neighbours(store, CCG, None, None)
    assert [n["id"] for n in body["nodes"]] == expected and body["total"] == body["shown"] == len(expected)
    assert [n["id"] for n in body["vis"]["nodes"]] == expected
    g = store.graph().g
    assert len(body["edges"]) == g.in_degree(CCG) + g.out_degree(CCG)
    assert all(CCG in (e["from_id"], e["to_id"]) for e in body["edges"])


@pytest.mark.parametrize("rel_class", ["structure", "commissioning_role", "decision"])
def test_neighbours_by_class_and_date(client: TestClient, store: EmbeddedStore, rel_class: str) -> None:
    for on in (None, "2016-06-01"):
        params = {"class": rel_class, "limit": 500, **({"as_of": on} if on else {})}
        body = client.get(f"/api/nodes/{CCG}/neighbours", params=params).json()
        assert [n["id"] for n in body["nodes"]] == expected_neighbours(store, CCG, rel_class, on)
        assert {e["relClass"] for e in body["vis"]["edges"]} <= {rel_class}
        if on:
            assert all(is_live(e, on) for e in body["edges"])


def test_supernode_is_capped_in_a_stable_order(client: TestClient, store: EmbeddedStore) -> None:
    every = expected_neighbours(store, CCG, None, None)
    assert len(every) > 3
    first = client.get(f"/api/nodes/{CCG}/neighbours", params={"limit": 3}).json()
    again = client.get(f"/api/nodes/{CCG}/neighbours", params={"limit": 3}).json()
    assert [n["id"] for n in first["nodes"]] == every[:3] == [n["id"] for n in again["nodes"]]
    assert (first["shown"], first["total"], first["limit"]) == (3, len(every), 3)


@pytest.mark.parametrize(("path", "params", "status", "words"), [
    (f"/api/nodes/{CCG}/neighbours", {"class": "friendship"}, 422, "not a relationship class"),
    (f"/api/nodes/{CCG}/neighbours", {"limit": 0}, 422, "limit"),
    (f"/api/nodes/{CCG}/neighbours", {"limit": 501}, 422, "limit"),
    (f"/api/nodes/{CCG}/neighbours", {"as_of": "2019-13-45"}, 422, "as_of"),
    ("/api/nodes/NO-SUCH-NODE/neighbours", {}, 404, "NO-SUCH-NODE"),
])
def test_neighbours_bad_input_is_4xx_with_a_reason(client: TestClient, path: str, params: dict[str, object],
                                                    status: int, words: str) -> None:
    resp = client.get(path, params=params)
    assert resp.status_code == status
    assert words in json.dumps(resp.json())


def test_edges_carry_dates_class_and_captions_in_words(client: TestClient, store: EmbeddedStore) -> None:
    body = client.get(f"/api/nodes/{CCG}/neighbours", params={"limit": 500}).json()
    for e in body["vis"]["edges"]:
        spec = SCHEMA.relationships[e["relType"]]
        assert e["caption"].startswith(spec.caption) and e["label"].startswith(spec.caption)
        assert "valid_from" in e and "valid_to" in e and e["relClass"] in SCHEMA.classes
    assert rel_words({"type": "ADVISES", "paid": True}, SCHEMA) == "advises, paid"
    assert rel_words({"type": "FAMILY_OF", "relation": "spouse"}, SCHEMA) == "family of, spouse"


def test_labels_stay_distinct() -> None:
    long = "Riverside Health Partnership Federation Limited"
    assert node_caption("F1", {"label": "Federation", "name": long}).split("\n") == [long[:27] + "…", "F1"]
    assert node_caption("F2", {"label": "Federation", "name": long}) != node_caption("F1", {"label": "Federation",
                                                                                           "name": long})
    assert node_caption("D9", {"label": "Decision", "title": "Award", "date": "2019-03-01"}) == "Award\nD9 · 2019-03-01"
    assert node_caption("P1", {"label": "Person"}) == "P1"


def test_pages_load_the_explore_scripts_and_standalone_inlines_them(client: TestClient, store: EmbeddedStore) -> None:
    page = client.get(f"/node/{CCG}", headers={"Accept": "text/html"}).text
    for name in SCRIPTS:
        assert f'src="/static/viz/{name}"' in page
        assert client.get(f"/static/viz/{name}").status_code == 200
    assert page.index("orggraph-explore.js") < page.index("orggraph-graph.js")
    assert 'data-neighbours-url="/api/nodes/{id}/neighbours"' in page and 'data-role="toolbar"' in page
    html = render_page(build_view(store.graph()), "All")
    assert "data-neighbours-url=" not in html and "entry.exporter" in html and "entry.grouping" in html
