"""Issue 12 item 4: the API answers from bounded walks over the store, never the whole graph, and its
bodies equal the engine's answers on the whole graph.

The demo world is written to an SQLite store; the API serves from it with ``graph()`` made to fail, so
any route that still read the whole graph would answer 500. Each body is compared with the engine (or
the query functions) run on the whole graph held separately.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, Settings
from api.subgraph import edges_json, ego_network, neighbours
from orggraph import engine
from orggraph.findings import decision_report, paths_report
from orggraph.graph import OrgGraph
from orggraph.query import node_detail_on, node_history
from orggraph.stores.sqlite import SQLiteStore

SAMPLE = 30  # nodes of each kind asked about (all of them when fewer)


AUDITOR_KEY = "parity-auditor-key-0001"


class NoWholeGraph(SQLiteStore):
    """The SQLite store, refusing to hand out the whole graph."""

    def graph(self, *, keep: bool = True) -> OrgGraph:
        raise AssertionError("a bounded question read the whole graph")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OrgGraph, TestClient]]:
    from orggraph_demo import generate

    path = Path(tmp_path_factory.mktemp("parity")) / "demo.sqlite"
    records = generate("demo").records
    SQLiteStore(path).write(records)
    whole = SQLiteStore(path).graph()
    store = NoWholeGraph(path)
    settings = Settings(api_keys=(ApiKey(AUDITOR_KEY, "auditor", "parity"),))
    with TestClient(create_app(settings, store=store), base_url="http://localhost",
                    headers={"X-API-Key": AUDITOR_KEY}) as client:
        yield whole, client
    store.close()


def some(graph: OrgGraph, label: str) -> list[str]:
    ids = sorted(nid for nid, _ in graph.nodes(label))
    return sorted(random.Random(label).sample(ids, min(SAMPLE, len(ids))))


def plain(model: Any) -> Any:
    return orjson.loads(model.model_dump_json())


def get(client: TestClient, url: str, **params: Any) -> Any:
    resp = client.get(url, params=params)
    assert resp.status_code == 200, f"{url}: {resp.status_code} {resp.text[:300]}"
    return resp.json()


def test_decisions_equal_the_whole_graph_report(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    for d in some(graph, "Decision"):
        for hops in (4, 2):
            want = decision_report(graph, d, hops, engine.conflicts(graph, decision=d, max_hops=hops))
            assert get(client, f"/api/decisions/{d}", max_hops=hops) == plain(want), d


def test_conflicts_by_person_committee_meeting_equal_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    conflicted = sorted({c.person_id for c in engine.conflicts(graph)})
    people = sorted(set(conflicted[:SAMPLE]) | set(some(graph, "Person")[:10]))
    asked = [("person", p) for p in people] + [("committee", c) for c in some(graph, "Committee")]
    asked += [("meeting", m) for m in some(graph, "Meeting")]
    seen = 0
    for what, nid in asked:
        want = [plain(c) for c in engine.conflicts(graph, **{what: nid})]
        body = get(client, "/api/conflicts", **{what: nid, "limit": 1000})
        assert body["total"] == len(want) and body["items"] == want, (what, nid)
        seen += len(want)
    assert seen > 0  # the sample holds conflicts, so equal lists are not all empty


def test_combined_filters_equal_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    found = engine.conflicts(graph)
    assert found
    for c in found[:: max(1, len(found) // 15)]:
        committee = next(k for k, _, _ in graph.out_rels(c.decision_id, ["DECIDED_BY"]))
        for params in ({"decision": c.decision_id, "person": c.person_id}, {"person": c.person_id, "committee": committee},
                       {"decision": c.decision_id, "committee": committee}):
            want = [plain(x) for x in engine.conflicts(graph, **params)]
            assert get(client, "/api/conflicts", limit=1000, **params)["items"] == want, params


def test_meeting_briefs_and_committee_meetings_equal_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    for m in some(graph, "Meeting"):
        assert get(client, f"/api/meetings/{m}/brief") == plain(engine.meeting_brief(graph, m)), m
    for c in some(graph, "Committee"):
        want = [plain(s) for s in engine.committee_meetings(graph, c)]
        assert get(client, f"/api/committees/{c}/meetings") == want, c


def test_composition_equals_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    dates = sorted({str(d["date"]) for _, d in graph.nodes("Decision") if d.get("date")})
    for c in some(graph, "Committee"):
        for on in (dates[0], dates[len(dates) // 2], dates[-1]):
            assert get(client, f"/api/committees/{c}/composition", as_of=on) == plain(engine.composition(graph, c, on))


def test_node_pages_equal_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    ids = [n for label in ("Person", "Practice", "CCG", "Committee", "Decision", "Provider", "PCN") for n in some(graph, label)[:8]]
    for nid in ids:
        for on in (None, "2019-06-01", "2023-01-01"):
            detail = node_detail_on(graph, nid, on)
            assert detail is not None
            body = get(client, f"/api/nodes/{nid}", **({"as_of": on} if on else {}))
            assert body["relationships"] == [plain(r) for r in detail.relationships], (nid, on)
            assert body["properties"] == detail.properties and body["label"] == detail.label
            assert body["commissioner"] == (plain(detail.commissioner) if detail.commissioner else None), (nid, on)
            assert body["history"] == [plain(h) for h in node_history(graph, nid)], nid


def test_ego_and_neighbours_equal_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    for nid in some(graph, "Committee")[:4] + some(graph, "Person")[:6] + some(graph, "CCG")[:2]:
        for hops, on, cap in ((1, None, 500), (2, "2020-01-01", 500), (2, None, 7)):
            cut = ego_network(graph, nid, hops, on, cap)
            nodes, edges = edges_json(cut.graph)
            body = get(client, f"/api/nodes/{nid}/ego", hops=hops, max_nodes=cap, **({"as_of": on} if on else {}))
            assert (body["nodes"], body["edges"], body["trimmed"]) == (orjson.loads(orjson.dumps(nodes)),
                                                                     orjson.loads(orjson.dumps(edges)), cut.trimmed)
        for cls in (None, "provider_interest", "decision"):
            want = neighbours(graph, nid, cls, None, 5)
            body = get(client, f"/api/nodes/{nid}/neighbours", limit=5, **({"class": cls} if cls else {}))
            assert body["total"] == want.total and [n["id"] for n in body["nodes"]] == want.neighbour_ids


def test_pages_of_bounded_questions_never_read_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    graph, client = world
    decision, meeting = some(graph, "Decision")[0], some(graph, "Meeting")[0]
    committee, person = some(graph, "Committee")[0], some(graph, "Person")[0]
    for url in (f"/decision/{decision}", f"/meeting/{meeting}", f"/node/{person}", f"/node/{decision}?hops=2",
                f"/api/committees/{committee}/meetings", f"/api/nodes/{committee}/ego?hops=2",
                f"/api/meetings/{meeting}/brief.html", "/api/search?q=nhs", "/api/suggest?q=nhs", "/api/stats"):
        resp = client.get(url, headers={"Accept": "text/html"})
        assert resp.status_code == 200, (url, resp.text[:300])


def test_the_home_scan_is_streamed_and_equals_the_whole_graph_scan(world: tuple[OrgGraph, TestClient]) -> None:
    from api.graph_cache import GraphMemo
    from api.service import scan_out

    graph, client = world
    store = client.app.state.store  # type: ignore[attr-defined]
    assert plain(scan_out(store, GraphMemo())) == plain(engine.scan(graph))
    committee = some(graph, "Committee")[0]
    assert client.get(f"/committee/{committee}").status_code == 200  # its panel reads the scan


def test_audit_paths_and_commissioner_conflicts_equal_the_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    """The register audit (the ``commissioner`` question), the paths (interest and any kind) and a
    commissioner's conflicts, served without the whole graph, are the whole graph's answers."""
    graph, client = world
    dates = sorted({str(d["date"]) for _, d in graph.nodes("Decision") if d.get("date")})
    commissioners = sorted(n for n, d in graph.g.nodes(data=True) if d["label"] in graph.schema.commissioner_labels)
    audited = 0
    for k in random.Random(1).sample(commissioners, min(SAMPLE, len(commissioners))):
        for on in (dates[len(dates) // 2], dates[-1]):
            want = [plain(f) for f in engine.register_audit(graph, k, on)]
            body = get(client, f"/api/commissioners/{k}/audit", as_of=on, limit=1000)
            assert body["items"] == want, (k, on)
            audited += len(want)
        want_conflicts = [plain(c) for c in engine.conflicts(graph, commissioner=k)]
        assert get(client, "/api/conflicts", commissioner=k, limit=1000)["items"] == want_conflicts, k
    assert audited > 0
    found = engine.conflicts(graph)
    for c in found[:: max(1, len(found) // 8)]:
        org = c.parties[0]
        for any_kind in (False, True):
            want = paths_report(graph, c.person_id, org, c.date, 4, any_kind).model()
            body = get(client, "/api/paths", **{"from": c.person_id, "to": org, "as_of": c.date,
                                               "any": str(any_kind).lower()})
            assert body == plain(want), (c.person_id, org, any_kind)


def test_the_home_page_reads_no_whole_graph(world: tuple[OrgGraph, TestClient]) -> None:
    """Home (the streamed scan, the next meetings, the default audit day) answers with ``graph()`` refused,
    and its next meetings are the whole graph's."""
    from api.graph_cache import GraphMemo
    from api.service import upcoming_meetings

    graph, client = world
    resp = client.get("/", headers={"Accept": "text/html"})
    assert resp.status_code == 200, resp.text[:300]
    store = client.app.state.store  # type: ignore[attr-defined]
    want = [plain(m) for m in engine.next_meetings(graph, limit=5)]
    assert want and [plain(m) for m in upcoming_meetings(store, GraphMemo(), limit=5)] == want


def test_every_conflict_is_the_whole_graphs_answer_and_the_graph_is_not_kept(tmp_path: Path) -> None:
    """The unfiltered conflicts list is a whole-graph question: the API reads the graph for it without
    the store keeping it (the answer is memoised, the graph is not), and answers as the engine does."""
    from orggraph_demo import generate

    asked: list[bool] = []

    class Spy(SQLiteStore):
        def graph(self, *, keep: bool = True) -> OrgGraph:
            asked.append(keep)
            return super().graph(keep=keep)

    path = tmp_path / "demo.sqlite"
    SQLiteStore(path).write(generate("demo").records)
    whole = SQLiteStore(path).graph()
    with Spy(path) as store, TestClient(create_app(Settings(), store=store), base_url="http://localhost") as client:
        body = get(client, "/api/conflicts", limit=1000)
        assert body["items"] == [plain(c) for c in engine.conflicts(whole)][:1000] and body["total"] > 0
    assert asked == [False]
