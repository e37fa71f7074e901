"""Real headless Chromium on `orggraph serve` with a planned meeting: the chair's brief on screen, its
item graphs drawn from the app's own assets, the PDF link, and nothing asked of any other host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import LiveServer, start_server, stop_server
from tests.meeting_world import NAMES, PLANNED, PLANNED_ITEMS, TITLES, build_meeting_store
from tests.test_browser import assert_only_the_app, open_graph_page, requested_urls

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def meeting_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    work = tmp_path_factory.mktemp("meeting-server")
    server = start_server(build_meeting_store(work), log_dir=work)
    yield server
    stop_server(server)


def test_meeting_page_shows_the_brief(chrome: Any, meeting_server: LiveServer, artifacts_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = chrome
    open_graph_page(driver, f"{meeting_server.url}/meeting/{PLANNED}", "item-graph-1")
    driver.save_screenshot(str(artifacts_dir / "browser-meeting-page.png"))
    main = driver.find_element(By.TAG_NAME, "main").text
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "section.item h2")]
    assert headings == [f"{item}: {TITLES[d]}" for item, d in zip(("PCC19/2", "PCC19/10", "PCC19/11"),
                                                                    PLANNED_ITEMS, strict=True)]
    for pid in ("GP1", "GP2", "LAY1"):
        assert NAMES[pid] in main
    assert "Inquorate after exclusions" in main and "failing: total>=5" in main
    assert "Co-optable" in main and NAMES["GB1"] in main and NAMES["GB2"] not in main
    assert f"Presiding: {NAMES['LAY2']} (vice-chair)" in main
    # The item's graph: the conflicted members' paths highlighted, drawn by vis-network from the app.
    highlighted = driver.execute_script(
        "return window.orggraph.networks['item-graph-1'].edges.get({filter: function (e) {"
        " return e.highlighted; }}).map(function (e) { return [e.from, e.relType, e.to]; });")
    assert ["GP1", "DIRECTOR_OF", "FED1"] in highlighted and ["GP2", "PARTNER_IN", "PRAC1"] in highlighted
    pdf_href = driver.find_element(By.ID, "brief-pdf").get_attribute("href")
    pdf = httpx.get(pdf_href, timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert_only_the_app(requested_urls(driver), meeting_server)


def test_the_demo_next_meeting_page_shows_its_brief(chrome: Any, live_server: LiveServer, demo_store_path: Path
                                                    ) -> None:
    """The demo's next meeting (the one its summary names) on screen: every item in agenda order, every
    conflicted member, the failing clause, who presides and who could be co-opted, as the engine says."""
    from selenium.webdriver.common.by import By

    from orggraph import engine
    from orggraph.stores.embedded import EmbeddedStore

    graph = EmbeddedStore(demo_store_path).graph()
    upcoming = engine.next_meetings(graph, limit=1)
    assert upcoming, "the demo plans a meeting"
    brief = engine.meeting_brief(graph, upcoming[0].meeting_id)
    driver = chrome
    open_graph_page(driver, f"{live_server.url}/meeting/{brief.meeting_id}", "item-graph-1")
    main = driver.find_element(By.TAG_NAME, "main").text
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "section.item h2")]
    assert headings == [f"{i.item}: {i.title}" for i in brief.items]
    for item in brief.items:
        for c in item.conflicts:
            assert c.person_name and c.person_name in main
        for clause in item.quorum.failing:
            assert clause in main
        for person in item.quorum.co_optable:
            assert str(graph.g.nodes[person]["name"]) in main
        if item.quorum.presiding:
            assert str(graph.g.nodes[item.quorum.presiding]["name"]) in main
    assert any(i.quorum.co_optable for i in brief.items) and any(i.quorum.presiding_role == "vice_chair"
                                                                 for i in brief.items)
    assert_only_the_app(requested_urls(driver), live_server)
