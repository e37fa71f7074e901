"""Real headless Chromium on `orggraph serve` (the demo): the home page's findings equal the engine's
scan, type-ahead picks a node (open its page, or fill a filter with its id), a person's findings panel
lists their breaches, and no page asks any host but the app for anything."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from orggraph.graph import OrgGraph
from orggraph.stores.embedded import EmbeddedStore
from tests.browser import ROOT, LiveServer, needs_engine
from tests.test_browser import assert_only_the_app, requested_urls, wait_for

pytestmark = [pytest.mark.browser, needs_engine]
SCREENSHOT = ROOT / "docs" / "home-findings.png"


@pytest.fixture(scope="module")
def demo_graph(demo_store_path: Path) -> OrgGraph:
    return EmbeddedStore(demo_store_path).graph()


def suggestions(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [li.get_attribute("data-id") for li in driver.find_elements(By.CSS_SELECTOR, ".suggest-list li")
            if li.is_displayed()]


def test_home_page_shows_the_scan_figures(chrome: Any, live_server: LiveServer, demo_graph: OrgGraph) -> None:
    from selenium.webdriver.common.by import By

    from orggraph import engine

    s = engine.scan(demo_graph)
    driver = chrome
    driver.get(live_server.url + "/")

    def shown(name: str) -> int:
        el = driver.find_element(By.CSS_SELECTOR, f'[data-figure="{name}"] .figure')
        return int(el.text)

    assert shown("conflicts") == s.conflicts and shown("breaches") == s.breaches
    assert shown("undeclared") == s.by_declaration["undeclared"]
    assert shown("inquorate") == len(s.inquorate) and shown("composition") == len(s.composition_failures)
    assert int(driver.find_element(By.CSS_SELECTOR, '[data-figure="audit-undeclared"]').text) == s.audit_undeclared
    rows = driver.find_elements(By.CSS_SELECTOR, "table.telling tbody tr")
    assert [r.get_attribute("data-decision") for r in rows] == [t.decision_id for t in s.top_decisions[:5]]
    assert driver.find_elements(By.CSS_SELECTOR, ".next-meetings li"), "the next meetings stay on the home page"
    # The figures come first: above the fold, before the next meetings.
    figures = driver.find_element(By.ID, "figures-h").location["y"]
    assert figures < driver.find_element(By.ID, "next-h").location["y"] and figures < 1000
    driver.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size < 300_000
    assert_only_the_app(requested_urls(driver), live_server)


def test_typing_a_name_on_the_home_page_opens_the_node(chrome: Any, live_server: LiveServer,
                                                       demo_graph: OrgGraph) -> None:
    from selenium.webdriver.common.by import By

    person = sorted(nid for nid, _ in demo_graph.nodes("Person"))[7]
    name = str(demo_graph.g.nodes[person]["name"])
    driver = chrome
    driver.get(live_server.url + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys(name[:-2])  # all but the last letters: the page has to find it from a fragment
    wait_for(lambda: person in suggestions(driver), what="the person among the suggestions")
    item = driver.find_element(By.CSS_SELECTOR, f'.suggest-list li[data-id="{person}"]')
    assert name in item.text and "Person" in item.text and person in item.text  # name, label and code
    item.click()
    wait_for(lambda: driver.current_url.endswith(f"/node/{person}"), what="the person's page")
    assert name in driver.find_element(By.TAG_NAME, "h1").text
    assert_only_the_app(requested_urls(driver), live_server)


def test_a_conflicts_filter_is_filled_from_the_keyboard(chrome: Any, live_server: LiveServer,
                                                        demo_graph: OrgGraph) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from orggraph import engine

    committee = min(nid for nid, _ in demo_graph.nodes("Committee"))
    name = str(demo_graph.g.nodes[committee]["name"])
    driver = chrome
    driver.get(live_server.url + "/conflicts")
    box = driver.find_element(By.ID, "f-committee")
    box.send_keys(committee[:-1])
    wait_for(lambda: committee in suggestions(driver), what="the committee among the suggestions")
    for _ in range(suggestions(driver).index(committee) + 1):
        box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ENTER)  # picks the highlighted suggestion, does not submit
    wait_for(lambda: box.get_attribute("value") == committee, what="the id filled in")
    assert driver.current_url.endswith("/conflicts") and name in (box.get_attribute("title") or "")
    box.send_keys(Keys.ENTER)  # now the list is closed: Enter submits the form
    wait_for(lambda: f"committee={committee}" in driver.current_url, what="the filtered list")
    total = len(engine.conflicts(demo_graph, committee=committee))
    assert f"{total} conflict" in driver.find_element(By.TAG_NAME, "main").text
    assert_only_the_app(requested_urls(driver), live_server)


def test_a_person_page_lists_their_breaches(chrome: Any, live_server: LiveServer, demo_graph: OrgGraph) -> None:
    from selenium.webdriver.common.by import By

    from orggraph import engine

    breaches: dict[str, int] = defaultdict(int)
    for c in engine.conflicts(demo_graph):
        breaches[c.person_id] += c.breach
    person = max(breaches, key=lambda p: (breaches[p], p))
    expected = sorted(c.decision_id for c in engine.conflicts(demo_graph, person=person) if c.breach)
    driver = chrome
    driver.get(f"{live_server.url}/node/{person}")
    panel = driver.find_element(By.CSS_SELECTOR, ".findings-panel")
    assert int(panel.find_element(By.CSS_SELECTOR, '[data-count="breaches"]').text) == len(expected)
    rows = panel.find_elements(By.CSS_SELECTOR, "tr.breach-row")
    assert sorted(r.get_attribute("data-decision") for r in rows) == expected
    first = rows[0].find_element(By.CSS_SELECTOR, "a")
    target = rows[0].get_attribute("data-decision")
    first.click()
    wait_for(lambda: driver.current_url.endswith(f"/decision/{target}"), what="the decision's evidence")
    assert_only_the_app(requested_urls(driver), live_server)
