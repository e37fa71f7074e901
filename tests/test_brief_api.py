"""The chair's brief over HTTP and in the browser views, in-process: the same JSON as the CLI, 404/422,
the PDF and print page, conflicts by meeting, a committee's meetings, and the /meeting page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.app import create_app
from api.middleware import CSP
from api.settings import Settings
from orggraph.engine.models import MeetingBrief, MeetingSummary
from orggraph.stores.embedded import EmbeddedStore
from tests.helpers import run_cli
from tests.meeting_world import NAMES, PAST, PLANNED, PLANNED_ITEMS, TITLES, build_meeting_store
from tests.test_views import assert_self_contained, graph_data

PROBLEM = "application/problem+json"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_meeting_store(tmp_path_factory.mktemp("brief-api"))


@pytest.fixture(scope="module")
def client(store_path: Path) -> TestClient:
    return TestClient(create_app(Settings(), store=EmbeddedStore(store_path)), raise_server_exceptions=False,
                      base_url="http://localhost")


def without_clock(brief: dict) -> dict:
    return {k: v for k, v in brief.items() if k != "generated_on"}


def test_brief_json_is_the_clis(client: TestClient, store_path: Path) -> None:
    resp = client.get(f"/api/meetings/{PLANNED}/brief")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    MeetingBrief.model_validate(body)
    assert [i["decision_id"] for i in body["items"]] == PLANNED_ITEMS
    cli = json.loads(run_cli(store_path, "brief", "--meeting", PLANNED).stdout)
    assert without_clock(body) == without_clock(cli)
    assert client.get(f"/api/meetings/{PLANNED}/brief", params={"max_hops": 1}).json()["max_hops"] == 1


def test_brief_is_in_the_openapi_spec(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/meetings/{meeting_id}/brief"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/MeetingBrief")
    assert {"404", "422"} <= set(spec["paths"]["/api/meetings/{meeting_id}/brief"]["get"]["responses"])
    assert "application/pdf" in spec["paths"]["/api/meetings/{meeting_id}/brief.pdf"]["get"]["responses"]["200"][
        "content"]


@pytest.mark.parametrize("suffix", ["brief", "brief.pdf", "brief.html"])
def test_unknown_id_404_and_not_a_meeting_422(client: TestClient, suffix: str) -> None:
    missing = client.get(f"/api/meetings/NOPE/{suffix}")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(PROBLEM)
    assert "no meeting with id 'NOPE'" in missing.json()["detail"]
    wrong = client.get(f"/api/meetings/DEC-EA/{suffix}")
    assert wrong.status_code == 422 and wrong.headers["content-type"].startswith(PROBLEM)
    assert "'DEC-EA' is a Decision, not a Meeting" in wrong.json()["detail"]


def test_brief_pdf_and_print_page(client: TestClient) -> None:
    resp = client.get(f"/api/meetings/{PLANNED}/brief.pdf")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages).split())
    for d in PLANNED_ITEMS:
        assert " ".join(TITLES[d].split()) in text
    page = client.get(f"/api/meetings/{PLANNED}/brief.html")
    assert page.status_code == 200 and "size: A4" in page.text and TITLES["DEC-DX"] in page.text


def test_conflicts_by_meeting(client: TestClient) -> None:
    brief = client.get(f"/api/meetings/{PLANNED}/brief").json()
    items = client.get("/api/conflicts", params={"meeting": PLANNED}).json()["items"]
    assert sorted((c["decision_id"], c["person_id"]) for c in items) == sorted(
        (c["decision_id"], c["person_id"]) for i in brief["items"] for c in i["conflicts"])
    assert client.get("/api/conflicts", params={"meeting": "NOPE"}).status_code == 404
    rows = list(csv.DictReader(io.StringIO(client.get("/api/conflicts", params={"meeting": PAST, "format": "csv"}).text)))
    assert {r["person_id"]: r["breach_kinds"] for r in rows} == {
        "GP1": "voted_while_conflicted;not_declared_at_meeting", "GP2": ""}


def test_committee_meetings(client: TestClient) -> None:
    resp = client.get("/api/committees/PCCC1/meetings")
    assert resp.status_code == 200
    found = {m["meeting_id"]: MeetingSummary.model_validate(m) for m in resp.json()}
    assert set(found) == {PLANNED, PAST}
    planned = found[PLANNED]
    assert (planned.items, planned.conflicts, planned.inquorate_items, planned.planned) == (3, 3, 1, True)
    assert not found[PAST].planned and found[PAST].breaches == 1
    assert client.get("/api/committees/NOPE/meetings").status_code == 404


def test_meeting_page_shows_the_brief_and_each_items_paths(client: TestClient) -> None:
    resp = client.get(f"/meeting/{PLANNED}", headers=HTML)
    assert resp.status_code == 200 and resp.headers["content-security-policy"] == CSP
    html = resp.text
    positions = [html.index(TITLES[d]) for d in PLANNED_ITEMS]
    assert positions == sorted(positions)
    for pid in ("GP1", "GP2", "LAY1", "GB1", "LAY2"):
        assert NAMES[pid] in html
    assert "Inquorate" in html and "total&gt;=5" in html and f"/api/meetings/{PLANNED}/brief.pdf" in html
    assert_self_contained(client, html)
    # Item 1 (two conflicted GPs): the partner's path through her practice is drawn highlighted.
    data = graph_data(html, "item-graph-1")
    highlighted = {(e["from"], e["relType"], e["to"]) for e in data["edges"] if e["highlighted"]}
    assert {("GP2", "PARTNER_IN", "PRAC1"), ("PRAC1", "MEMBER_OF", "FED1"), ("GP1", "DIRECTOR_OF", "FED1")} <= highlighted
    assert "item-graph-3" not in html  # no conflict, no graph
    assert client.get("/meeting/NOPE", headers=HTML).status_code == 404
    assert client.get("/meeting/DEC-EA", headers=HTML).status_code == 422


def test_committee_page_lists_meetings_with_badges_and_decisions_link_to_theirs(client: TestClient) -> None:
    page = client.get("/committee/PCCC1", headers=HTML).text
    assert f'href="/meeting/{PLANNED}"' in page and f'href="/meeting/{PAST}"' in page
    row = page[page.index(f'data-meeting="{PLANNED}"'):]
    row = row[:row.index("</tr>")]
    assert "Planned" in row and "3 conflicts" in row and "1 inquorate item" in row
    decision = client.get("/decision/DEC-EA", headers=HTML).text
    assert f'href="/meeting/{PLANNED}"' in decision
    node = client.get(f"/node/{PLANNED}", headers=HTML).text
    assert f'href="/meeting/{PLANNED}"' in node


def test_home_page_lists_the_next_meetings(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    assert f'data-meeting="{PLANNED}"' in page and f'data-meeting="{PAST}"' not in page  # only planned items
    committee = client.get("/committee/PCCC1", headers=HTML).text
    past = committee[committee.index(f'data-meeting="{PAST}"'):]
    assert "1 breach<" in past[:past.index("</tr>")]
