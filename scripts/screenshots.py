#!/usr/bin/env python3
"""Regenerate the README screenshots (``docs/*.png``) from a fresh demo store with headless Chromium.

    .venv/bin/python scripts/screenshots.py                 # every screenshot
    .venv/bin/python scripts/screenshots.py paths-page      # only those named
    .venv/bin/python scripts/screenshots.py --store S.json  # an existing demo store instead of a new one
    .venv/bin/python scripts/screenshots.py --list          # the names

Each picture is the page at 1280x900 CSS pixels, taken once its graph has settled; what it shows is
chosen from the engine's findings on the demo (never a fixed id), so the pictures follow the demo.
A picture over 300 KB is reduced to a 256-colour palette, and the script fails if it is still too big.
The server binds loopback and the browser asks nothing of any other host (the browser tests check it).
Needs Debian's chromium and chromium-driver (``make browsers``), as the browser tests do.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orggraph import engine
from orggraph.graph import OrgGraph
from orggraph.stores.embedded import EmbeddedStore
from tests.browser import CHROMEDRIVER, CHROMIUM, build_demo_store, start_server, stop_server

DOCS = ROOT / "docs"
WIDTH, HEIGHT = 1280, 900
MAX_BYTES = 300_000


def longest_path(graph: OrgGraph) -> str:
    """The paths page for the demo's longest conflicted interest path (ties: highest score, then ids)."""
    found = engine.conflicts(graph)
    c = max(found, key=lambda x: (max(len(p.hops) for p in x.paths), x.score, x.person_id, x.decision_id))
    path = max(c.paths, key=lambda p: len(p.hops))
    return "/paths?" + urlencode({"from": c.person_id, "to": path.org_id, "as_of": c.date})


def most_telling_decision(graph: OrgGraph) -> str:
    """The decision the demo's summary opens (`orggraph demo` prints its URL)."""
    from orggraph_cli.demo_command import most_telling

    top = most_telling(graph, engine.conflicts(graph))
    assert top is not None, "the demo has no conflict"
    return f"/decision/{top.decision_id}"


def next_meeting(graph: OrgGraph) -> str:
    """The chair's brief for the demo's next meeting."""
    upcoming = engine.next_meetings(graph, limit=1)
    assert upcoming, "the demo has no planned meeting"
    return f"/meeting/{upcoming[0].meeting_id}"


# Fold the legends and bring the paths page's sentence to the top: the graph and the hops then show.
PATHS_PREPARE = """
document.querySelectorAll('details.orggraph-legend').forEach(function (d) { d.open = false; });
var s = document.querySelector('[data-testid=paths-summary]');
window.scrollTo(0, s.getBoundingClientRect().top + window.scrollY - 12);
"""


@dataclass(frozen=True)
class Shot:
    name: str  # docs/<name>.png
    path: Callable[[OrgGraph], str]  # the page to open, chosen from the store
    graph_element: str | None  # wait until this graph has settled
    prepare: str = ""  # script run before the picture


SHOTS = [
    Shot("paths-page", longest_path, "paths-graph", PATHS_PREPARE),
    Shot("decision-page", most_telling_decision, "decision-graph"),
    Shot("meeting-brief", next_meeting, "item-graph-1"),
]


def open_chromium(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions", "--disable-sync",
                "--disable-component-update", "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}",
                f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    return driver


def wait_settled(driver: Any, element_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    script = "var g = document.getElementById(arguments[0]); return g && g.getAttribute('data-stabilised');"
    while time.monotonic() < deadline:
        if driver.execute_script(script, element_id):
            return
        time.sleep(0.2)
    raise SystemExit(f"{element_id} did not settle in {timeout:.0f} s")


def small_png(png: bytes) -> bytes:
    """The picture as it is, or as a 256-colour palette image when it is over :data:`MAX_BYTES`."""
    if len(png) <= MAX_BYTES:
        return png
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(256).save(out, "PNG", optimize=True)
    return out.getvalue()


def take(driver: Any, base: str, shot: Shot, graph: OrgGraph) -> Path:
    url = base + shot.path(graph)
    driver.get(url)
    if shot.graph_element:
        wait_settled(driver, shot.graph_element)
    if shot.prepare:
        driver.execute_script(shot.prepare)
    time.sleep(0.3)
    png = small_png(driver.get_screenshot_as_png())
    if len(png) > MAX_BYTES:
        raise SystemExit(f"{shot.name}: {len(png)} bytes, over {MAX_BYTES}")
    target = DOCS / f"{shot.name}.png"
    target.write_bytes(png)
    print(f"{target.relative_to(ROOT)}: {url} ({len(png) // 1000} KB)")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="screenshots to take (default: all)")
    parser.add_argument("--store", type=Path, help="an existing demo store (default: build one)")
    parser.add_argument("--list", action="store_true", help="list the screenshots and stop")
    args = parser.parse_args(argv)
    by_name = {s.name: s for s in SHOTS}
    if args.list:
        print("\n".join(by_name))
        return 0
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"unknown screenshot {', '.join(unknown)}; one of {', '.join(by_name)}")
    shots = [by_name[n] for n in args.names] or SHOTS
    with tempfile.TemporaryDirectory(prefix="orggraph-shots-") as tmp:
        work = Path(tmp)
        store = args.store or build_demo_store(work / "graph.json", work)
        graph = EmbeddedStore(store).graph()
        server = start_server(store, log_dir=work)
        driver = open_chromium(work / "profile")
        try:
            DOCS.mkdir(exist_ok=True)
            for shot in shots:
                take(driver, server.url, shot, graph)
        finally:
            driver.quit()
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
