"""Findings first (issue 13): the home page's headline figures, the findings panels, search as you type
(GET /api/suggest), names accepted wherever ids are, and the committee page's default date.

Every expected number is the engine's own answer on the same store, never a copy of the page's."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, Settings
from orggraph import engine
from orggraph.engine.scan import TOP_DECISIONS
from orggraph.graph import OrgGraph
from orggraph.query import normalise_text
from orggraph.schema import SCHEMA
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import today
from tests.browser import needs_engine
from tests.test_views import HTML, assert_self_contained

pytestmark = needs_engine


@pytest.fixture
def store(demo_store_path: Path, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "graph.json"
    shutil.copy(demo_store_path, path)
    return EmbeddedStore(path)


@pytest.fixture
def graph(store: EmbeddedStore) -> OrgGraph:
    return store.graph()


@pytest.fixture
def client(store: EmbeddedStore) -> TestClient:
    return TestClient(create_app(Settings(), store=store), raise_server_exceptions=False, base_url="http://localhost")


def attr_values(html: str, attr: str) -> list[str]:
    return re.findall(rf'{attr}="([^"]*)"', html)


def figure(html: str, name: str) -> int:
    m = (re.search(rf'data-figure="{name}"[^>]*>(?:<a [^>]*>)?<strong[^>]*>(\d+)</strong>', html)
         or re.search(rf'<strong data-figure="{name}">(\d+)</strong>', html))
    assert m, f"no figure {name}"
    return int(m.group(1))


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</section>", start)]


def unique_named(graph: OrgGraph, label: str, ids: list[str]) -> str:
    """One of ``ids`` whose name no other node of ``label`` shares."""
    names = defaultdict(list)
    for nid, data in graph.nodes(label):
        names[normalise_text(str(data.get("name") or ""))].append(nid)
    for nid in ids:
        if len(names[normalise_text(str(graph.g.nodes[nid].get("name") or ""))]) == 1:
            return nid
    raise AssertionError(f"no uniquely named {label} among {ids[:5]}")


# ---- GET /api/suggest ---------------------------------------------------------------------------------------
def test_suggest_puts_the_exact_id_first_and_gives_label_name_and_page(client: TestClient, graph: OrgGraph) -> None:
    person = min(nid for nid, _ in graph.nodes("Person"))
    hits = client.get("/api/suggest", params={"q": person}).json()
    assert hits[0] == {"id": person, "label": "Person", "name": graph.g.nodes[person]["name"], "url": f"/node/{person}"}


def test_suggest_matches_a_name_prefix_whatever_the_case(client: TestClient, graph: OrgGraph) -> None:
    person = sorted(nid for nid, _ in graph.nodes("Person"))[5]
    name = str(graph.g.nodes[person]["name"])
    hits = client.get("/api/suggest", params={"q": name[:4].upper(), "label": "Person", "limit": 50}).json()
    assert hits and all(h["label"] == "Person" for h in hits)
    assert all(normalise_text(name[:4]) in normalise_text(h["name"]) for h in hits)
    # name starts first: every hit whose name starts with the text comes before any that only contains it
    starts = [normalise_text(h["name"]).startswith(normalise_text(name[:4])) for h in hits]
    assert starts == sorted(starts, reverse=True)
    assert person in [h["id"] for h in client.get("/api/suggest", params={"q": name, "label": "Person"}).json()]


def test_suggest_filters_by_label_and_commissioner_and_limits(client: TestClient, graph: OrgGraph) -> None:
    committees = client.get("/api/suggest", params={"q": "committee", "label": "Committee", "limit": 3}).json()
    assert 0 < len(committees) <= 3 and {h["label"] for h in committees} == {"Committee"}
    assert all(h["url"].startswith("/committee/") for h in committees)
    ccg = next(nid for nid, _ in graph.nodes("CCG"))
    hits = client.get("/api/suggest", params={"q": "nhs", "label": "Commissioner", "limit": 50}).json()
    assert ccg in [h["id"] for h in hits] and {h["label"] for h in hits} <= SCHEMA.commissioner_labels
    both = client.get("/api/suggest", params={"q": "nhs", "label": "Committee,CCG", "limit": 50}).json()
    assert {h["label"] for h in both} == {"Committee", "CCG"}


def test_suggest_refuses_empty_text_and_a_huge_limit(client: TestClient) -> None:
    assert client.get("/api/suggest", params={"q": ""}).status_code == 422
    assert client.get("/api/suggest", params={"q": "a", "limit": 500}).status_code == 422
    assert client.get("/api/suggest", params={"q": "zzzzqqqq-nothing"}).json() == []


# ---- names wherever ids ------------------------------------------------------------------------------------
def test_a_unique_name_filters_conflicts_as_its_id_does(client: TestClient, graph: OrgGraph) -> None:
    conflicted = sorted({c.person_id for c in engine.conflicts(graph)})
    person = unique_named(graph, "Person", conflicted)
    name = str(graph.g.nodes[person]["name"])
    by_id = client.get("/api/conflicts", params={"person": person}).json()
    by_name = client.get("/api/conflicts", params={"person": name.upper()}).json()
    assert by_id["total"] > 0 and by_name == by_id
    page = client.get("/conflicts", params={"person": name}, headers=HTML)
    assert page.status_code == 200
    assert f'value="{person}"' in page.text  # the filter shows the id the name resolved to
    assert f"{by_id['total']} conflict" in page.text


def test_an_ambiguous_name_is_a_422_listing_the_candidates(client: TestClient, graph: OrgGraph) -> None:
    titles = defaultdict(list)
    for nid, data in graph.nodes("Decision"):
        titles[normalise_text(str(data.get("name") or data.get("title") or ""))].append(nid)
    title, ids = next((t, sorted(ids)) for t, ids in sorted(titles.items()) if len(ids) > 1 and t)
    resp = client.get("/api/conflicts", params={"decision": title})
    assert resp.status_code == 422
    body = resp.json()
    assert f"names {len(ids)} decisions" in body["detail"]
    assert [e["id"] for e in body["errors"]] == ids[:10]
    assert client.get("/conflicts", params={"decision": title}, headers=HTML).status_code == 422


def test_a_name_of_the_wrong_kind_or_of_nothing_is_a_404(client: TestClient, graph: OrgGraph) -> None:
    committee = next(nid for nid, _ in graph.nodes("Committee"))
    resp = client.get("/api/conflicts", params={"person": graph.g.nodes[committee]["name"]})
    assert resp.status_code == 404 and "no person with id or name" in resp.json()["detail"]
    assert client.get("/api/conflicts", params={"person": committee}).status_code == 404  # an id of the wrong kind
    assert client.get("/api/conflicts", params={"committee": "No Such Committee At All"}).status_code == 404


# ---- the home page -----------------------------------------------------------------------------------------
def test_the_scan_ranks_the_decisions_to_read_first(graph: OrgGraph) -> None:
    by_decision = defaultdict(list)
    for c in engine.conflicts(graph):
        by_decision[c.decision_id].append(c)
    expected = sorted(((max(c.score for c in cs), sum(c.breach for c in cs), len(cs), cs[0].date, d)
                       for d, cs in by_decision.items()), reverse=True)[:TOP_DECISIONS]
    top = engine.scan(graph).top_decisions
    assert [(t.max_score, t.breaches, t.conflicts, t.date, t.decision_id) for t in top] == expected


def test_home_leads_with_the_scan_figures(client: TestClient, graph: OrgGraph, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    import api.service

    s = engine.scan(graph)
    calls = []
    real = api.service.streamed_scan  # the scan is streamed over the store (issue 12)
    monkeypatch.setattr(api.service, "streamed_scan", lambda store: calls.append(1) or real(store))
    html = client.get("/", headers=HTML).text
    assert figure(html, "conflicts") == s.conflicts and figure(html, "breaches") == s.breaches
    assert figure(html, "undeclared") == s.by_declaration["undeclared"]
    assert figure(html, "audit-undeclared") == s.audit_undeclared
    assert figure(html, "inquorate") == len(s.inquorate)
    assert figure(html, "composition") == len(s.composition_failures)
    for kind, n in s.by_breach_kind.items():
        assert (f'data-breach-kind="{kind}"' in html) == bool(n)
    telling = attr_values(section(html, 'id="telling-h"'), "data-decision")
    assert telling == [t.decision_id for t in s.top_decisions[:5]] and telling
    for d in telling:
        assert f'href="/decision/{d}"' in html
    assert html.index('id="figures-h"') < html.index('id="telling-h"') < html.index('id="counts-h"')
    client.get("/", headers=HTML)
    assert calls == [1], "the scan is computed once per snapshot"
    assert_self_contained(client, html)


def test_pages_load_the_suggest_script_and_inputs_ask_for_it(client: TestClient) -> None:
    js = client.get("/static/api/suggest.js")
    assert js.status_code == 200 and "/api/suggest?" in js.text
    html = client.get("/conflicts", headers=HTML).text
    assert '<script src="/static/api/suggest.js" defer></script>' in html
    for name, label in (("decision", "Decision"), ("person", "Person"), ("committee", "Committee"),
                        ("commissioner", "Commissioner"), ("meeting", "Meeting")):
        assert re.search(rf'name="{name}"[^>]*data-suggest="{label}"', html), name
    assert 'data-suggest="*" data-suggest-action="open"' in client.get("/", headers=HTML).text


# ---- findings panels ---------------------------------------------------------------------------------------
def test_a_person_page_lists_their_conflicts_breaches_first(client: TestClient, graph: OrgGraph) -> None:
    breaches: dict[str, int] = defaultdict(int)
    for c in engine.conflicts(graph):
        breaches[c.person_id] += c.breach
    person = max(breaches, key=lambda p: (breaches[p], p))
    mine = engine.conflicts(graph, person=person)
    panel = section(client.get(f"/node/{person}", headers=HTML).text, 'class="findings-panel"')
    assert f'<strong data-count="conflicts">{len(mine)}</strong>' in panel
    assert re.search(rf'data-count="breaches"[^>]*>{sum(c.breach for c in mine)}<', panel)
    rows = re.findall(r'<tr data-decision="([^"]+)" data-person="[^"]+" class="([^"]*)"', panel)
    assert sorted(d for d, _ in rows) == sorted(c.decision_id for c in mine)
    flags = [cls == "breach-row" for _, cls in rows]
    assert flags == sorted(flags, reverse=True) and any(flags)


def test_an_organisation_page_names_the_decisions_with_conflicted_voters(client: TestClient, graph: OrgGraph
                                                                         ) -> None:
    voted = [c for c in engine.conflicts(graph) if c.breach]
    party = next(p for c in voted for p in c.parties if graph.label(p) not in ("Person", "Committee"))
    decisions = {d for d, _, _ in graph.in_rels(party, ["AWARDED_TO", "AFFECTS"])}
    expected = sorted({c.decision_id for c in engine.conflicts(graph) if c.decision_id in decisions})
    panel = section(client.get(f"/node/{party}", headers=HTML).text, 'class="findings-panel"')
    assert 'data-panel="organisation"' in panel
    assert sorted(attr_values(panel, "data-decision")) == expected
    assert "voted</span>" in panel


def test_the_committee_page_defaults_to_the_latest_date_its_records_cover(client: TestClient, graph: OrgGraph
                                                                        ) -> None:
    s = engine.scan(graph)
    committee = max((nid for nid, _ in graph.nodes("Committee")),
                    key=lambda c: sum(graph.label(d) == "Decision" and d in s.inquorate
                                      for d, _, _ in graph.in_rels(c, ["DECIDED_BY"])))
    decisions = [d for d, _, _ in graph.in_rels(committee, ["DECIDED_BY"])]
    dates = [str(graph.g.nodes[d]["date"]) for d in decisions]
    dates += [str(graph.g.nodes[m]["date"]) for m, _, _ in graph.in_rels(committee, ["HELD_BY"])]
    for _, _, seat in graph.in_rels(committee, ["SITS_ON"]):
        dates += [str(seat["valid_from"])] if seat.get("valid_from") else []
        dates += [str(seat["valid_to"])] if seat.get("valid_to") and str(seat["valid_to"]) <= today() else []
    latest = max(dates)
    assert latest < today()
    html = client.get(f"/committee/{committee}", headers=HTML).text
    assert f"Composition on {latest}</h2>" in html
    panel = section(html, 'class="findings-panel"')
    inquorate = sorted(d for d in decisions if d in s.inquorate)
    listed = panel[panel.index('class="inquorate-list"'):]
    assert inquorate and sorted(attr_values(listed[:listed.index("</ul>")], "data-decision")) == inquorate
    assert re.search(rf'data-count="inquorate"[^>]*>{len(inquorate)}<', panel)
    failures = [f for f in s.composition_failures if f.committee_id == committee]
    assert re.search(rf'data-count="composition"[^>]*>{len(failures)}<', panel)
    other = client.get(f"/committee/{committee}", params={"as_of": "2019-06-01"}, headers=HTML).text
    assert "Composition on 2019-06-01</h2>" in other and f'href="?as_of={latest}"' in other


def test_a_commissioner_page_shows_its_register_audit_undeclared_first(store: EmbeddedStore, graph: OrgGraph
                                                                      ) -> None:
    settings = Settings(api_keys=(ApiKey("secret-aud", "auditor", "aud"), ApiKey("secret-rd", "reader", "rd")))
    client = TestClient(create_app(settings, store=store), base_url="http://localhost")
    on = max(str(d["date"]) for _, d in graph.nodes("Decision"))
    rows = {k: engine.register_audit(graph, k, on) for k, d in graph.nodes() if d["label"] in SCHEMA.commissioner_labels}
    k = max(rows, key=lambda c: (len(rows[c]), c))
    assert rows[k]
    page = client.get(f"/node/{k}", headers={**HTML, "X-API-Key": "secret-aud"}).text
    panel = section(page, 'class="findings-panel"')
    assert f"Register audit on {on}" in panel
    audit_table = panel[panel.index('class="audit"'):]
    audit_table = audit_table[:audit_table.index("</table>")]
    assert sorted(attr_values(audit_table, "data-person")) == sorted(
        r.person_id for r in rows[k])
    undeclared = sum(r.declaration == "undeclared" for r in rows[k])
    assert re.search(rf'data-count="audit-undeclared"[^>]*>{undeclared}<', panel)
    badges = re.findall(r'class="badge decl-(\w+)"', audit_table)
    order = {"undeclared": 0, "partial": 1, "declared": 2}
    assert badges == sorted(badges, key=order.__getitem__)
    reader = client.get(f"/node/{k}", headers={**HTML, "X-API-Key": "secret-rd"}).text
    assert "needs the auditor role" in reader and 'class="audit"' not in reader
