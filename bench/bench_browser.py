"""How long a CCG's 2-hop view takes to settle in headless Chromium on the national-scale synthetic store.

Builds the store as ``bench_api`` does (``orggraph_demo.generate("national")`` written to a JSON store),
serves it with ``orggraph serve`` on loopback, and opens ``/node/{ccg}?hops=2`` for a spread of CCGs.
"Settled" is the page's own mark: vis-network's stabilisation done and physics off
(``data-stabilised``); reported from navigation start (``data-settled-at-ms``: the page load, the
drawing and the layout) and for the layout alone (``data-settle-ms``). Aim: under 3 s from navigation.

Environment: BENCH_BROWSER_SCALE (national|demo), BENCH_BROWSER_CCGS (how many CCGs, default 8).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import print_table

SCALE = os.environ.get("BENCH_BROWSER_SCALE", "national")
CCGS = int(os.environ.get("BENCH_BROWSER_CCGS", "8"))


def chromium() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.browser import CHROMEDRIVER, CHROMIUM

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1400,1000"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)


def settle(driver: Any, url: str) -> dict[str, Any]:
    driver.get(url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = driver.execute_script("var c = document.getElementById('ego-graph');"
                                     "return c && c.getAttribute('data-stabilised') ? [c.getAttribute('data-settled-at-ms'),"
                                     " c.getAttribute('data-settle-ms'), c.getAttribute('data-groups')] : null;")
        if done:
            e = "window.orggraph.networks['ego-graph']"
            counts = driver.execute_script(f"return [{e}.nodes.length, {e}.edges.length, {e}.network.body.nodeIndices.length];")
            return {"from_nav": int(done[0]), "layout": int(done[1]), "groups": int(done[2] or 0),
                    "nodes": counts[0], "edges": counts[1], "drawn": counts[2]}
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not settle in 120 s")


def main() -> None:
    from orggraph.stores.embedded import EmbeddedStore
    from orggraph_demo import generate
    from tests.browser import start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    t0 = time.perf_counter()
    world = generate(SCALE)
    store = EmbeddedStore(work / "graph.json")
    store.write(world.records)
    graph = EmbeddedStore(work / "graph.json").graph()
    print(f"{SCALE} graph: {graph.g.number_of_nodes()} nodes, {graph.g.number_of_edges()} relationships "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    ccgs = sorted(nid for nid, _ in graph.nodes("CCG"))
    ccgs = ccgs[:: max(1, len(ccgs) // CCGS)][:CCGS]
    server = start_server(work / "graph.json", log_dir=work)
    driver = chromium()
    rows = []
    try:
        settle(driver, f"{server.url}/node/{ccgs[0]}?hops=1")  # warm: the server reads the store once
        for ccg in ccgs:
            r = settle(driver, f"{server.url}/node/{ccg}?hops=2")
            rows.append([ccg, r["nodes"], r["edges"], r["groups"], r["drawn"], r["layout"], r["from_nav"]])
    finally:
        driver.quit()
        stop_server(server)
    print_table(f"CCG 2-hop view in headless Chromium, {SCALE} store (ms)",
                ["CCG", "nodes", "edges", "groups", "drawn", "layout ms", "from navigation ms"], rows)
    nav = [r[-1] for r in rows]
    print(f"median {statistics.median(nav):.0f} ms, max {max(nav)} ms from navigation to settled (aim: < 3000 ms)")


if __name__ == "__main__":
    main()
