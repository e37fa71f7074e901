"""Exploring a graph view in headless Chromium on the demo: expand in place, remove, the time slider,
class/label filters, the hierarchical layout, PNG/SVG/CSV export, grouping of leaves, the URL as the
view's description; and no request to any host but the app."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest

from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import is_live
from tests.browser import LiveServer
from tests.test_browser import assert_only_the_app, click_node, open_graph_page, requested_urls, wait_for

pytestmark = pytest.mark.browser
CCG = "SYN-CCG-001"


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script("var e = window.orggraph.networks['ego-graph'];" + script, *args)


def js_async(driver: Any, script: str, *args: Any) -> Any:
    """Run ``script`` (a Promise expression) and return what it resolves to."""
    driver.set_script_timeout(30)
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1]; var e = window.orggraph.networks['ego-graph'];"
        f"Promise.resolve({script}).then(function (v) {{ done(v); }}, function (err) {{ done('ERROR ' + err); }});",
        *args)


def open_view(driver: Any, server: LiveServer, path: str) -> None:
    open_graph_page(driver, server.url + path, "ego-graph")
    wait_for(lambda: driver.execute_script(
        "return document.getElementById('ego-graph').getAttribute('data-explore-ready')"), what="the view's URL state")


def node_ids(driver: Any) -> set[str]:
    return set(js(driver, "return e.nodes.getIds();"))


def store_edges(path: Path) -> dict[str, dict[str, Any]]:
    """Every relationship of the store by the id the page gives it (from>to#key), read in Python."""
    g = EmbeddedStore(path).graph().g
    return {f"{u}>{v}#{k}": d for u, v, k, d in g.edges(keys=True, data=True)}


def downloaded(driver: Any, suffix: str) -> Path:
    downloads: Path = driver.downloads_dir
    found = wait_for(lambda: next(iter(downloads.glob(f"*{suffix}")), None), what=f"a {suffix} download")
    wait_for(lambda: not list(downloads.glob("*.crdownload")), what="the download to finish")
    return Path(found)


# ---- expand and remove ---------------------------------------------------------------------------------
def test_expand_adds_the_apis_neighbours(chrome: Any, live_server: LiveServer) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    before = node_ids(driver)
    practice = min(n for n in js(driver, "return e.nodes.get().filter(function (n) {"
                                            " return n.nodeLabel === 'Practice'; }).map(function (n) { return n.id; });"))
    api = httpx.get(f"{live_server.url}/api/nodes/{practice}/neighbours", params={"limit": 50}).json()
    assert api["total"] >= 1
    # By the toolbar: "a click on a node adds its neighbours", then a real click on the practice.
    driver.execute_script("var s = document.querySelector('[data-role=click-mode]'); s.value = 'expand';")
    click_node(driver, "ego-graph", practice)
    expected = before | {n["id"] for n in api["nodes"]}
    wait_for(lambda: node_ids(driver) == expected, what="the practice's neighbours in the picture")
    assert expected != before, "the practice had neighbours not yet drawn"
    assert f"/node/{CCG}" in driver.current_url, "expanding does not leave the page"
    edges = set(js(driver, "return e.edges.getIds();"))
    assert {e["id"] for e in api["vis"]["edges"]} <= edges
    note = driver.find_element("css selector", "[data-testid=expand-note]").text
    assert practice in note and "neighbours" in note
    assert_only_the_app(requested_urls(driver), live_server)


def test_supernode_expansion_is_capped_with_a_note(chrome: Any, live_server: LiveServer) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    total = httpx.get(f"{live_server.url}/api/nodes/{CCG}/neighbours").json()["total"]
    assert total > 5
    api = httpx.get(f"{live_server.url}/api/nodes/{CCG}/neighbours", params={"limit": 5}).json()
    js(driver, "e.explore.limit = 5;")
    result = js_async(driver, "e.explore.expand(arguments[0], '')", CCG)
    assert (result["shown"], result["total"]) == (5, total)
    assert result["ids"] == [n["id"] for n in api["nodes"]] == sorted(result["ids"])
    note = driver.find_element("css selector", "[data-testid=expand-note]").text
    assert f"Showing 5 of {total:,} neighbours of {CCG}" in note


def test_remove_and_the_url_reloads_the_same_view(chrome: Any, live_server: LiveServer) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    practice = min(js(driver, "return e.nodes.getIds({filter: function (n) { return n.nodeLabel === 'Practice'; }});"))
    js_async(driver, "e.explore.expand(arguments[0], 'provider_interest')", practice)
    gone = min(n for n in node_ids(driver) if n not in (CCG, practice))
    js(driver, "e.explore.remove(arguments[0]);", gone)
    assert gone not in node_ids(driver)
    js(driver, "e.explore.hideClass('decision', true); e.explore.setDate('2016-06-01');"
               "e.explore.setLayout('hierarchical');")
    url = driver.current_url
    assert "#" in url and "ops=" in url and "layout=hierarchical" in url and "date=2016-06-01" in url
    seen = {"nodes": node_ids(driver), "edges": js(driver, "return e.explore.visibleEdgeIds();"),
            "state": js(driver, "return e.explore.state();")}
    driver.get("about:blank")
    open_view(driver, live_server, url.removeprefix(live_server.url))
    assert node_ids(driver) == seen["nodes"]
    assert js(driver, "return e.explore.visibleEdgeIds();") == seen["edges"]
    assert js(driver, "return e.explore.state();") == seen["state"]
    assert js(driver, "return e.network.layoutEngine.options.hierarchical.enabled;") is True
    assert driver.find_element("css selector", "[data-role=date-out]").text == "2016-06-01"
    assert_only_the_app(requested_urls(driver), live_server)


# ---- time slider, filters, layout ----------------------------------------------------------------------
def test_slider_shows_the_edges_live_on_the_day(chrome: Any, live_server: LiveServer, demo_store_path: Path) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    rels = store_edges(demo_store_path)
    nodes = dict(EmbeddedStore(demo_store_path).graph().g.nodes(data=True))
    in_view = js(driver, "return e.edges.getIds();")
    lo, hi = js(driver, "return e.explore.dateRange();")
    slider = driver.find_element("css selector", "[data-role=date-slider]")
    driver.find_element("css selector", "[data-role=date-on]").click()
    days = int(slider.get_attribute("max"))
    assert days > 0
    for step in (days // 3, days // 2, days):
        driver.execute_script("arguments[0].value = arguments[1];"
                              "arguments[0].dispatchEvent(new Event('input'));", slider, step)
        day = driver.find_element("css selector", "[data-role=date-out]").text
        assert lo <= day <= hi
        live = sorted(i for i in in_view if is_live(rels[i], day))
        assert js(driver, "return e.explore.visibleEdgeIds();") == live
        assert len(live) < len(in_view), f"some relationship is not live on {day}"
        # Nodes with no live relationship on the day are dimmed, the others not.
        ends = {x for i in live for x in i.split("#")[0].split(">")}
        expected_dim = {n for n in node_ids(driver) if n not in ends or not is_live(nodes[n], day)}
        assert set(js(driver, "return e.explore.dimmedNodeIds();")) == expected_dim
    driver.find_element("css selector", "[data-role=date-on]").click()
    assert len(js(driver, "return e.explore.visibleEdgeIds();")) == len(in_view)


def test_filters_hide_a_class_a_label_and_keep_interest_paths(chrome: Any, live_server: LiveServer) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=2")
    shown_classes = "return e.edges.get({filter: function (x) { return !x.hidden; }}).map(function (x) { return x.relClass; });"
    before = js(driver, shown_classes)
    assert "structure" in before
    driver.find_element("css selector", "input[data-class=structure]").click()
    after = js(driver, shown_classes)
    assert "structure" not in after and len(after) == len(before) - before.count("structure")
    assert "hide=structure" in driver.current_url
    driver.find_element("css selector", "[data-role=only-interest]").click()
    interest = {"commissioning_role", "provider_interest", "org_interest", "personal_link"}
    only = js(driver, shown_classes)
    assert only and set(only) <= interest and len(only) < len(after)
    driver.find_element("css selector", "input[data-label=Decision]").click()
    assert not js(driver, "return e.nodes.get({filter: function (n) { return !n.hidden && n.nodeLabel === 'Decision'; }});")


def test_hierarchical_layout_puts_the_org_tree_in_levels(chrome: Any, live_server: LiveServer) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    ys = "var p = e.network.getPositions(); return Object.keys(p).map(function (k) { return Math.round(p[k].y); });"
    force_levels = len(set(js(driver, ys)))
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("css selector", "[data-role=layout]")).select_by_value("hierarchical")
    assert js(driver, "return e.network.layoutEngine.options.hierarchical.enabled;") is True
    levels = sorted(set(js(driver, ys)))
    assert len(levels) <= 4 < force_levels
    pos = js(driver, "return e.network.getPositions();")
    practices = js(driver, "return e.nodes.getIds({filter: function (n) { return n.nodeLabel === 'Practice'; }});")
    # COMMISSIONED_BY runs practice -> CCG: the CCG sits a level above its practices (y grows downwards).
    assert all(pos[CCG]["y"] < pos[p]["y"] for p in practices)
    assert "layout=hierarchical" in driver.current_url


# ---- export --------------------------------------------------------------------------------------------
def test_png_and_svg_export_download_the_view(chrome: Any, live_server: LiveServer) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    driver.find_element("css selector", "[data-export=png]").click()
    png = downloaded(driver, ".png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    driver.find_element("css selector", "[data-export=svg]").click()
    svg = ET.parse(downloaded(driver, ".svg")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    drawn = js(driver, "return e.network.body.nodeIndices.length;")
    assert svg.tag == ns + "svg" and len(svg.findall(f"{ns}g[@class='node']")) == drawn
    assert len(svg.findall(f"{ns}g[@class='edge']")) > 0
    assert_only_the_app(requested_urls(driver), live_server)


def test_csv_export_lists_the_view_and_guards_formulas(chrome: Any, live_server: LiveServer,
                                                       demo_store_path: Path) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    js(driver, "e.explore.hideClass('structure', true);")
    driver.find_element("css selector", "[data-export=edges]").click()
    rows = list(csv.DictReader(io.StringIO(downloaded(driver, "edges.csv").read_text())))
    ego = httpx.get(f"{live_server.url}/api/nodes/{CCG}/ego", params={"hops": 1}).json()
    structure = {"COMMISSIONED_BY", "COMMITTEE_OF", "IN_STP", "IN_REGION", "IN_ICB", "SUCCEEDED_BY"}
    expected = sorted((e["from_id"], e["type"], e["to_id"], e["valid_from"] or "", e["valid_to"] or "")
                      for e in ego["edges"] if e["type"] not in structure)
    assert sorted((r["from_id"], r["type"], r["to_id"], r["valid_from"], r["valid_to"]) for r in rows) == expected
    assert all(r["class"] != "structure" and r["caption"] for r in rows)
    # A name that a spreadsheet would run is written as text.
    js(driver, "e.nodes.add({id: 'X-EVIL', nodeLabel: 'Person', name: '=HYPERLINK(\"http://x\")'});")
    nodes_csv = js(driver, "return e.exporter.csvText('nodes');")
    assert "'=HYPERLINK" in nodes_csv
    parsed = {r["id"]: r for r in csv.DictReader(io.StringIO(nodes_csv))}
    assert parsed["X-EVIL"]["name"].startswith("'=") and CCG in parsed


# ---- grouping ------------------------------------------------------------------------------------------
def test_big_views_group_leaves_and_a_click_opens_the_group(chrome: Any, live_server: LiveServer,
                                                             artifacts_dir: Path) -> None:
    driver = chrome
    open_view(driver, live_server, f"/node/{CCG}?hops=2")
    total = js(driver, "return e.nodes.length;")
    threshold = js(driver, "return e.meta.group_threshold;")
    assert total > threshold
    groups = js(driver, "return e.grouping.groups();")
    assert groups, "a view above the threshold groups leaves"
    drawn = js(driver, "return e.network.body.nodeIndices.length;")
    assert drawn == total - sum(len(g["members"]) for g in groups) + len(groups)
    group = max(groups, key=lambda g: len(g["members"]))
    label = js(driver, "return e.network.body.nodes[arguments[0]].options.label;", group["id"])
    assert label.startswith(f"{len(group['members'])} ")
    driver.save_screenshot(str(artifacts_dir / "browser-explore-groups.png"))
    click_node(driver, "ego-graph", group["id"])
    wait_for(lambda: not js(driver, "return e.network.isCluster(arguments[0]);", group["id"]), what="the group to open")
    assert set(group["members"]) <= set(js(driver, "return e.network.body.nodeIndices;"))
    assert f"/node/{CCG}" in driver.current_url
    # A small view is not grouped.
    open_view(driver, live_server, f"/node/{CCG}?hops=1")
    assert js(driver, "return e.grouping.groups().length;") == 0
    assert_only_the_app(requested_urls(driver), live_server)
