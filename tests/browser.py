"""Fixtures for testing the running server: a demo-like store, uvicorn on a free loopback port, and
headless Chromium (Debian's chromium + chromium-driver) driven by selenium.

Loaded from tests/conftest.py through ``pytest_plugins``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ORGGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ORGGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver")
ORGGRAPH = ROOT / ".venv" / "bin" / "orggraph"


def engine_ready() -> bool:
    try:
        import orggraph.engine as eng
    except ImportError:
        return False
    return all(hasattr(eng, f) for f in ("conflicts", "quorum", "composition", "register_audit", "interest_paths"))


needs_engine = pytest.mark.skipif(not engine_ready(), reason="orggraph.engine is not built yet")


def build_demo_store(store_path: Path, work: Path) -> Path:
    """A demo store made the way a user makes one: synthetic files written to disk, then loaded.

    Uses `orggraph demo` when that command exists; otherwise writes the synthetic demo world as graph
    CSVs and loads them through the same pipeline as `orggraph load`.
    """
    exe = ORGGRAPH if ORGGRAPH.exists() else Path(sys.executable).parent / "orggraph"
    demo = subprocess.run([str(exe), "--store", str(store_path), "demo", "--out", str(work / "demo")],
                          capture_output=True, text=True, timeout=600, check=False)
    if demo.returncode == 0 and store_path.exists():
        return store_path
    from loaders.pipeline import load_paths
    from orggraph.export import export_graph
    from orggraph.graph import OrgGraph
    from orggraph.stores.embedded import EmbeddedStore
    from orggraph_demo import generate

    world = generate("demo")
    graph = OrgGraph()
    graph.apply(world.records)
    files = export_graph(graph, "csv", work / "csv")
    store = EmbeddedStore(store_path)
    reports = load_paths(store, sorted(files))
    bad = [r for r in reports if r.status != "loaded"]
    assert not bad, f"demo files did not load: {[(r.file, r.error, r.rejected[:3]) for r in bad]}"
    return store_path


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("demo-store")
    return build_demo_store(work / "graph.json", work)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(store: Path, env_extra: dict[str, str] | None = None, log_dir: Path | None = None
                 ) -> LiveServer:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGGRAPH_API_KEYS")}
    env.update(env_extra or {})
    log_path = (log_dir or Path(tempfile.mkdtemp())) / f"server-{port}.log"
    exe = ORGGRAPH if ORGGRAPH.exists() else Path(sys.executable).parent / "orggraph"
    fh = log_path.open("wb")
    proc = subprocess.Popen([str(exe), "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=fh, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/ready", timeout=2).status_code == 200:
                return LiveServer(url, port, proc, log_path)
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"server did not become ready:\n{log_path.read_text()}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def live_server(demo_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`orggraph serve` on the demo store, no API keys (loopback, everyone a reader)."""
    server = start_server(demo_store_path, log_dir=tmp_path_factory.mktemp("server"))
    yield server
    stop_server(server)


def chromium_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and not shutil.which(Path(path).name):
            return f"{path} not found: install Debian's chromium and chromium-driver (make browsers)"
    return None


@pytest.fixture
def chrome(tmp_path: Path) -> Iterator[object]:
    """Headless Chromium with a fresh profile and the performance log on (to see every request)."""
    missing = chromium_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--window-size=1400,1000",
                f"--user-data-dir={tmp_path / 'chrome-profile'}"):
        opts.add_argument(arg)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver_path = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver")
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=opts)
    driver.downloads_dir = downloads  # type: ignore[attr-defined]
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()
