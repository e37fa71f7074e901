"""Real headless Chromium against `orggraph serve` on the demo: pages, highlighted paths, clicks, CSV,
screenshots under tests/artifacts, and proof that no page asks any host but the app for anything."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from tests.browser import LiveServer, needs_engine

pytestmark = pytest.mark.browser


def wait_for(predicate: Any, timeout: float = 30, what: str = "condition") -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (StaleElementReferenceException, NoSuchElementException):
            value = None  # the page is still navigating: the element went away under us; look again
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def requested_urls(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_only_the_app(urls: list[str], server: LiveServer) -> None:
    assert urls, "the performance log should show the page's requests"
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-error", "chrome-untrusted", "devtools"):
            # browser-internal pages (the new-tab page), not network requests
            continue
        assert (parsed.hostname, parsed.port) == ("127.0.0.1", server.port), f"request to another host: {url}"


def open_graph_page(driver: Any, url: str, element_id: str) -> None:
    driver.get(url)
    wait_for(lambda: driver.execute_script(
        "return document.getElementById(arguments[0]).getAttribute('data-stabilised')", element_id),
        what=f"{element_id} to settle")
    # Physics is off once settled: the drawing stays still.
    assert driver.execute_script(
        "return window.orggraph.networks[arguments[0]].network.physics.options.enabled", element_id) is False


def click_node(driver: Any, element_id: str, node_id: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    container = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                          "window.orggraph.networks[arguments[1]].network.focus(arguments[2], {scale: 1.2});",
                          container, element_id, node_id)
    time.sleep(0.3)
    x, y = driver.execute_script(
        "var n = window.orggraph.networks[arguments[0]].network;"
        "var p = n.canvasToDOM(n.getPositions([arguments[1]])[arguments[1]]); return [p.x, p.y];",
        element_id, node_id)
    size = container.size
    ActionChains(driver).move_to_element_with_offset(container, int(x - size["width"] / 2),
                                                     int(y - size["height"] / 2)).click().perform()


def test_node_page_offline_and_click_through(chrome: Any, live_server: LiveServer, artifacts_dir: Path) -> None:
    driver = chrome
    hits = httpx.get(live_server.url + "/api/search", params={"q": "Primary Care Commissioning", "label": "Committee"}).json()["items"]
    committee = hits[0]["id"]
    driver.get(live_server.url + "/")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    # Keyboard-only search: type and press Enter.
    box = driver.find_element(By.ID, "q")
    box.send_keys(committee, Keys.ENTER)
    wait_for(lambda: "q=" in driver.current_url and "result" in driver.find_element(By.TAG_NAME, "main").text,
             what="search results")
    driver.find_element(By.CSS_SELECTOR, f'a[href="/committee/{committee}"], a[href="/node/{committee}"]')
    open_graph_page(driver, f"{live_server.url}/node/{committee}?hops=1", "ego-graph")
    driver.save_screenshot(str(artifacts_dir / "browser-node-page.png"))
    member = driver.execute_script(
        "return window.orggraph.networks['ego-graph'].nodes.get({filter: function (n) {"
        " return n.nodeLabel === 'Person'; }})[0].id;")
    click_node(driver, "ego-graph", member)
    wait_for(lambda: f"/node/{member}" in driver.current_url, what="the clicked node's page")
    wait_for(lambda: member in driver.find_element(By.TAG_NAME, "main").text, what="the member's page content")
    assert_only_the_app(requested_urls(driver), live_server)


def test_api_docs_work_offline(chrome: Any, live_server: LiveServer, artifacts_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(live_server.url + "/docs")
    wait_for(lambda: chrome.find_elements(By.CSS_SELECTOR, ".opblock"), what="Swagger UI operations")
    chrome.save_screenshot(str(artifacts_dir / "browser-api-docs.png"))
    assert_only_the_app(requested_urls(chrome), live_server)


@needs_engine
def test_decision_page_highlights_the_conflicted_path(chrome: Any, live_server: LiveServer,
                                                      artifacts_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = chrome
    conflicts = httpx.get(live_server.url + "/api/conflicts", params={"breach": "true", "limit": 1000}).json()["items"]
    conflicts = conflicts or httpx.get(live_server.url + "/api/conflicts", params={"limit": 1000}).json()["items"]
    conflict = max(conflicts, key=lambda c: (c["score"], len(c["paths"][0]["hops"])))
    open_graph_page(driver, f"{live_server.url}/decision/{conflict['decision_id']}", "decision-graph")
    driver.save_screenshot(str(artifacts_dir / "browser-decision-page.png"))
    highlighted_edges = driver.execute_script(
        "return window.orggraph.networks['decision-graph'].edges.get({filter: function (e) {"
        " return e.highlighted; }}).map(function (e) { return [e.from, e.relType, e.to]; });")
    path = conflict["paths"][0]
    assert {(h["from_id"], h["type"], h["to_id"]) for h in path["hops"]} <= {tuple(e) for e in highlighted_edges}
    widths = driver.execute_script(
        "return window.orggraph.networks['decision-graph'].edges.get({filter: function (e) {"
        " return e.highlighted; }}).map(function (e) { return e.width; });")
    assert min(widths) > 1
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Declaration:" in main and "Participation:" in main and "Quorum" in main
    click_node(driver, "decision-graph", conflict["person_id"])
    wait_for(lambda: f"/node/{conflict['person_id']}" in driver.current_url, what="the member's page")
    assert_only_the_app(requested_urls(driver), live_server)


@needs_engine
def test_conflicts_list_downloads_csv(chrome: Any, live_server: LiveServer, artifacts_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = chrome
    driver.get(live_server.url + "/conflicts?declaration=undeclared")
    driver.save_screenshot(str(artifacts_dir / "browser-conflicts.png"))
    driver.find_element(By.ID, "csv-download").click()
    downloads: Path = driver.downloads_dir
    csv_file = wait_for(lambda: next((p for p in downloads.glob("*.csv")), None), what="the CSV download")
    wait_for(lambda: not list(downloads.glob("*.crdownload")), what="download to finish")
    text = csv_file.read_text()
    expected = httpx.get(live_server.url + "/api/conflicts",
                         params={"declaration": "undeclared", "format": "csv"}).text
    assert text == expected and text.startswith("person_id,")
    assert_only_the_app(requested_urls(driver), live_server)
