"""Real headless Chromium on `orggraph serve` with the demo: the paths page draws the engine's interest
paths (nodes and highlighted hops in the vis network), lists each hop, works from its form (a pick from
the suggestions, a name typed whole), and asks no host but the app for anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from orggraph import engine
from orggraph.engine.models import InterestPath
from orggraph.stores.embedded import EmbeddedStore
from tests.browser import LiveServer, needs_engine
from tests.test_browser import assert_only_the_app, open_graph_page, requested_urls, wait_for
from tests.test_paths_page import longest_conflict

pytestmark = [pytest.mark.browser, needs_engine]

VIS_NODES = "return window.orggraph.networks['paths-graph'].nodes.getIds();"
VIS_HIGHLIGHTED = ("return window.orggraph.networks['paths-graph'].edges.get({filter: function (e) {"
                   " return e.highlighted; }}).map(function (e) { return [e.from, e.relType, e.to]; });")
HOP_ROWS = ("return Array.from(document.querySelectorAll('tr.hop')).map(function (r) {"
            " return [r.dataset.from, r.dataset.type, r.dataset.to]; });")


def the_case(demo_store_path: Path) -> tuple[str, str, str, list[InterestPath], dict[str, str]]:
    """The demo's longest conflicted interest path: person, organisation, date, and what the engine finds."""
    graph = EmbeddedStore(demo_store_path).graph()
    c, path = longest_conflict(graph)
    expected = engine.interest_paths(graph, c.person_id, path.org_id, as_of=c.date, max_hops=4)
    names = {nid: graph.g.nodes[nid]["name"] for nid in (c.person_id, path.org_id)}
    return c.person_id, path.org_id, c.date, expected, names


def assert_draws(driver: Any, expected: list[InterestPath]) -> None:
    assert set(driver.execute_script(VIS_NODES)) == {nid for p in expected for nid in p.node_ids}
    hops = [[h.from_id, h.type, h.to_id] for p in expected for h in p.hops]
    # Each relationship is drawn once, however many paths walk it.
    assert sorted(driver.execute_script(VIS_HIGHLIGHTED)) == sorted(map(list, {tuple(h) for h in hops}))
    assert driver.execute_script(HOP_ROWS) == hops


def test_paths_page_draws_and_lists_the_path(chrome: Any, live_server: LiveServer, demo_store_path: Path,
                                             artifacts_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    person, org, date, expected, names = the_case(demo_store_path)
    assert expected, "the engine finds the conflict's path"
    url = f"{live_server.url}/paths?" + urlencode({"from": person, "to": org, "as_of": date})
    open_graph_page(chrome, url, "paths-graph")
    chrome.save_screenshot(str(artifacts_dir / "browser-paths-page.png"))
    assert_draws(chrome, expected)
    summary = chrome.find_element(By.CSS_SELECTOR, '[data-testid="paths-summary"]').text
    n = len(expected)
    assert summary == (f"{n} interest path{'s' if n != 1 else ''} from {names[person]} ({person}) to {names[org]} "
                       f"({org}) live on {date} within 4 links.")
    sections = chrome.find_elements(By.CSS_SELECTOR, "section.path")
    assert len(sections) == len(expected)
    for section, path in zip(sections, expected, strict=True):
        rows = section.find_elements(By.CSS_SELECTOR, "tr.hop")
        assert len(rows) == len(path.hops)
        for row, hop in zip(rows, path.hops, strict=True):
            assert (hop.source or "not recorded") in row.text
            assert (hop.valid_from or "undated") in row.text
    assert_only_the_app(requested_urls(chrome), live_server)


def test_paths_form_takes_names(chrome: Any, live_server: LiveServer, demo_store_path: Path) -> None:
    from selenium.webdriver.common.by import By

    person, org, date, expected, names = the_case(demo_store_path)
    chrome.get(live_server.url + "/")
    chrome.find_element(By.CSS_SELECTOR, 'nav a[href="/paths"]').click()
    wait_for(lambda: chrome.find_elements(By.ID, "paths-from"), what="the paths form")
    # From: typed in part and picked from the suggestions (the input then holds the id); To: a whole name.
    box = chrome.find_element(By.ID, "paths-from")
    box.send_keys(names[person][:-1])
    option = wait_for(lambda: chrome.find_elements(By.CSS_SELECTOR, f'#paths-from-suggestions li[data-id="{person}"]'),
                      what="the person among the suggestions")[0]
    option.click()
    assert box.get_attribute("value") == person
    chrome.find_element(By.ID, "paths-to").send_keys(names[org])
    # A date input types in the browser's locale order; set the ISO value it submits.
    chrome.execute_script("document.getElementById('paths-as-of').value = arguments[0];", date)
    chrome.find_element(By.CSS_SELECTOR, ".paths-form button[type=submit]").click()
    wait_for(lambda: chrome.execute_script(
        "var g = document.getElementById('paths-graph'); return g && g.getAttribute('data-stabilised');"),
        what="the paths graph to settle")
    assert "/paths?" in chrome.current_url
    assert_draws(chrome, expected)
    assert_only_the_app(requested_urls(chrome), live_server)
