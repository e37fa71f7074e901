"""The paths page (/paths) rendered in-process on the demo store: found, none, unknown node, bad date and
hops, names resolved or offered as candidates, any paths, and the links that lead to it.

Every expectation comes from the engine (or the API) on the same store, never from the page itself.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape, unescape
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from orggraph import engine
from orggraph.engine.explain import path_lines
from orggraph.engine.models import Conflict, InterestPath
from orggraph.graph import OrgGraph
from orggraph.query import normalise_text
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import day_before
from tests.browser import needs_engine
from tests.test_views import HTML, assert_self_contained, client, graph_data, store  # noqa: F401 (fixtures)

pytestmark = needs_engine


@pytest.fixture
def graph(store: EmbeddedStore) -> OrgGraph:  # noqa: F811 (the fixture above)
    return store.graph()


def longest_conflict(graph: OrgGraph) -> tuple[Conflict, InterestPath]:
    """The conflict with the longest interest path in the demo (ties: the highest score, then ids)."""
    found = engine.conflicts(graph)
    assert found, "the demo should have conflicts"
    c = max(found, key=lambda x: (max(len(p.hops) for p in x.paths), x.score, x.person_id, x.decision_id))
    return c, max(c.paths, key=lambda p: len(p.hops))


def hop_rows(html: str) -> list[tuple[str, str, str]]:
    return [(unescape(a), b, unescape(c)) for a, b, c in
            re.findall(r'<tr class="hop" data-from="([^"]*)" data-type="([^"]*)" data-to="([^"]*)">', html)]


def problems(html: str) -> dict[str, str]:
    found = re.findall(r'data-testid="paths-problem" data-field="([^"]+)">\s*<p><strong>[^<]*</strong>: (.*?)</p>',
                       html, re.DOTALL)
    return {field: unescape(text) for field, text in found}


def get(client: TestClient, **params: str) -> tuple[int, str]:  # noqa: F811
    query = {("from" if k == "frm" else k): v for k, v in params.items()}
    resp = client.get("/paths", params=query, headers=HTML)
    assert resp.headers["content-type"].startswith("text/html")
    assert "Traceback" not in resp.text and '<form method="get" action="/paths"' in resp.text
    return resp.status_code, resp.text


def test_found_draws_and_lists_the_engines_paths(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    expected = engine.interest_paths(graph, c.person_id, path.org_id, as_of=c.date, max_hops=4)
    status, html = get(client, frm=c.person_id, to=path.org_id, as_of=c.date)
    assert status == 200
    data = graph_data(html, "paths-graph")
    assert {n["id"] for n in data["nodes"]} == {nid for p in expected for nid in p.node_ids}
    assert {(e["from"], e["relType"], e["to"]) for e in data["edges"] if e["highlighted"]} == {
        (h.from_id, h.type, h.to_id) for p in expected for h in p.hops}
    assert hop_rows(html) == [(h.from_id, h.type, h.to_id) for p in expected for h in p.hops]
    for line in path_lines(graph, expected):  # the engine's own sentence for each path
        assert escape(line) in html
    n = len(expected)
    assert f"{n} interest path{'s' if n != 1 else ''} from " in html and f"live on {c.date} within 4 links." in html
    for hop in path.hops:
        assert escape(hop.source or "not recorded") in html
    api = client.get("/api/paths", params={"from": c.person_id, "to": path.org_id, "as_of": c.date}).json()
    assert [[h["type"] for h in p["hops"]] for p in api["interest_paths"]] == [[h.type for h in p.hops] for p in expected]
    assert_self_contained(client, html)


def test_no_path_says_so_in_words(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    starts = [h.valid_from for h in path.hops if h.valid_from]
    assert starts, "the demo's interest paths carry dates"
    before = day_before(min(starts))
    assert not engine.interest_paths(graph, c.person_id, path.org_id, as_of=before, max_hops=4)
    status, html = get(client, frm=c.person_id, to=path.org_id, as_of=before)
    assert status == 200
    name, org = graph.g.nodes[c.person_id]["name"], graph.g.nodes[path.org_id]["name"]
    assert escape(f"No interest path from {name} ({c.person_id}) to {org} ({path.org_id}) live on {before} "
                  "within 4 links.") in html
    assert "paths-graph" not in html and not hop_rows(html)


def test_fewer_links_than_the_path_needs_finds_none(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    short = len(path.hops) - 1
    assert short >= 1, "the demo's longest interest path has more than one link"
    expected = engine.interest_paths(graph, c.person_id, path.org_id, as_of=c.date, max_hops=short)
    status, html = get(client, frm=c.person_id, to=path.org_id, as_of=c.date, max_hops=str(short))
    assert status == 200 and f'<option value="{short}" selected>' in html
    assert len(hop_rows(html)) == sum(len(p.hops) for p in expected)
    assert f"within {short} link{'s' if short != 1 else ''}." in html


def test_unknown_id_is_a_404_in_the_page(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    _, path = longest_conflict(graph)
    status, html = get(client, frm="NO-SUCH-PERSON-ZZ", to=path.org_id)
    assert status == 404
    assert problems(html) == {"from": "no node has the id or name 'NO-SUCH-PERSON-ZZ'; search by name or code."}
    assert 'value="NO-SUCH-PERSON-ZZ"' in html  # the form keeps what was typed


@pytest.mark.parametrize("bad", ["01/02/2020", "0", "20200101", "2020-02-30", "2020-W01-1"])
def test_bad_date_is_a_422_in_the_page(client: TestClient, graph: OrgGraph, bad: str) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    status, html = get(client, frm=c.person_id, to=path.org_id, as_of=bad)
    assert status == 422
    assert problems(html) == {"as_of": f"as of {bad!r}: expected a date as yyyy-mm-dd, e.g. 2019-06-01."}
    assert not hop_rows(html)


@pytest.mark.parametrize("bad", ["0", "9", "two", "-1"])
def test_bad_hops_and_mode_are_422s(client: TestClient, graph: OrgGraph, bad: str) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    status, html = get(client, frm=c.person_id, to=path.org_id, max_hops=bad)
    assert status == 422 and "expected a whole number from 1 to 8" in problems(html)["max_hops"]
    status, html = get(client, frm=c.person_id, to=path.org_id, mode=bad)
    assert status == 422 and problems(html) == {"mode": f"mode={bad!r}: expected interest or any."}


def test_names_resolve_to_their_node(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    person, org = graph.g.nodes[c.person_id]["name"], graph.g.nodes[path.org_id]["name"]
    names = Counter(normalise_text(d.get("name") or "") for _, d in graph.nodes())
    assert names[normalise_text(person)] == names[normalise_text(org)] == 1
    by_id = get(client, frm=c.person_id, to=path.org_id, as_of=c.date)
    by_name = get(client, frm=person.upper(), to=f"  {org} ", as_of=c.date)
    assert by_name[0] == 200 and hop_rows(by_name[1]) == hop_rows(by_id[1]) != []
    assert graph_data(by_name[1], "paths-graph") == graph_data(by_id[1], "paths-graph")
    # The API takes names too, and gives the same answer as with ids.
    api_by_id = client.get("/api/paths", params={"from": c.person_id, "to": path.org_id, "as_of": c.date})
    api_by_name = client.get("/api/paths", params={"from": person.upper(), "to": org, "as_of": c.date})
    assert api_by_name.status_code == 200 and api_by_name.json() == api_by_id.json()
    assert api_by_id.json()["interest_paths"], "the longest conflict's path exists on its date"


def test_an_ambiguous_name_offers_each_candidate(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    names = Counter(normalise_text(d.get("name") or "") for _, d in graph.nodes())
    shared = next(n for n, k in names.most_common() if n and k > 1)
    ids = sorted(nid for nid, d in graph.nodes() if normalise_text(d.get("name") or "") == shared)
    _, path = longest_conflict(graph)
    status, html = get(client, frm=shared, to=path.org_id)
    # 422, as the API answers a name several nodes share (api.names.resolve_node)
    assert status == 422 and problems(html) == {"from": f"{len(ids)} nodes are named {shared!r}: choose one."}
    picks = re.findall(r'<ul class="candidates" data-testid="candidates">(.*?)</ul>', html, re.DOTALL)
    links = [parse_qs(urlparse(unescape(h)).query) for h in re.findall(r'href="([^"]+)"', picks[0])]
    assert sorted(q["from"][0] for q in links) == ids[:10] and all(q["to"] == [path.org_id] for q in links)
    assert not hop_rows(html)
    api = client.get("/api/paths", params={"from": shared, "to": path.org_id})
    assert api.status_code == 422 and sorted(e["id"] for e in api.json()["errors"]) == ids[:len(api.json()["errors"])]


def test_part_of_a_name_is_a_404_with_suggestions(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    partial = graph.g.nodes[c.person_id]["name"][:-1]
    status, html = get(client, frm=partial, to=path.org_id)
    assert status == 404 and "did you mean one of these?" in problems(html)["from"]
    assert f"from={c.person_id}&amp;" in html  # the person is among the suggestions


def test_interest_paths_start_at_a_person_any_paths_anywhere(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, path = longest_conflict(graph)
    status, html = get(client, frm=path.org_id, to=c.person_id, as_of=c.date)
    assert status == 400 and "interest paths start at a Person" in problems(html)["mode"]
    assert "mode=any" in html and "Show any paths instead" in html
    expected = engine.any_paths(graph, path.org_id, c.person_id, as_of=c.date, max_hops=4)
    assert expected
    status, html = get(client, frm=path.org_id, to=c.person_id, as_of=c.date, mode="any")
    assert status == 200 and f"{len(expected)} shortest path" in html
    assert hop_rows(html) == [(h.from_id, h.type, h.to_id) for hops in expected for h in hops]


def test_only_one_end_shows_the_form_ready(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    c, _ = longest_conflict(graph)
    status, html = get(client, frm=c.person_id)
    assert status == 200 and f'value="{c.person_id}"' in html and not problems(html) and not hop_rows(html)
    status, html = get(client)
    assert status == 200 and not problems(html)


def test_links_lead_to_the_paths_page(client: TestClient, graph: OrgGraph) -> None:  # noqa: F811
    home = client.get("/", headers=HTML).text
    assert '<a href="/paths">Paths</a>' in home
    c, path = longest_conflict(graph)
    person = client.get(f"/node/{c.person_id}", headers=HTML).text
    assert f'href="/paths?from={c.person_id}&amp;mode=interest"' in person
    org = path.org_id  # an organisation: paths from it are any paths
    assert f'href="/paths?from={org}&amp;mode=any"' in client.get(f"/node/{org}", headers=HTML).text
    decision = client.get(f"/decision/{c.decision_id}", headers=HTML).text
    for party in c.parties:
        href = f"/paths?from={c.person_id}&amp;to={party}&amp;as_of={c.date}"
        assert f'href="{href}"' in decision
        status, html = get(client, frm=c.person_id, to=party, as_of=c.date)
        assert status == 200 and hop_rows(html), "a conflict's party is reachable by an interest path"
