"""A real Neo4j 5.26 for the test session (pytest plugin, loaded by tests/conftest.py).

``neo4j_uri`` is ``$NEO4J_URI`` when set (e.g. the docker-compose service; credentials from
NEO4J_USER / NEO4J_PASSWORD). Otherwise the session builds the launcher in tests/neo4j_launcher
with Maven (first time only: artifacts are cached in ~/.m2) and starts an embedded Neo4j Community
on a free loopback port, with auth on and a test password, its data in a temporary folder, and
stops it at the end. Without Java/Maven and without NEO4J_URI, Neo4j tests skip, saying how to enable
them; with ``CI=true`` they fail instead, so CI cannot pass without having run them.

:class:`LauncherServer` is also what ``bench/bench_neo4j.py`` uses to start its server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j_launcher"
LAUNCHER_JAR = LAUNCHER_DIR / "target" / "neo4j-launcher.jar"
READY = "NEO4J_READY "
TEST_USER = "neo4j"
TEST_PASSWORD = "orggraph-test-pw"  # a throwaway server on loopback; min 8 characters in Neo4j 5
BUILD_TIMEOUT = 1800  # the first Maven fetch of the Neo4j artifacts on a new machine
START_TIMEOUT = 180
JVM_FLAGS = ("-Xms256m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")  # quick start, small tests
# For benchmarks: a bigger heap and the full JIT (``LauncherServer(..., jvm_flags=BENCH_JVM_FLAGS)``).
BENCH_JVM_FLAGS = ("-Xms1g", "-Xmx4g", "-XX:+UseParallelGC", "-Dorggraph.pagecacheMb=1536")

ENABLE_HINT = ("install Java 17 and Maven (tests then start Neo4j themselves), or set NEO4J_URI "
               "(with NEO4J_USER / NEO4J_PASSWORD) to a running Neo4j 5, e.g. `docker compose up -d neo4j`")


class Neo4jUnavailable(RuntimeError):
    pass


def launcher_missing_tools() -> list[str]:
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def _launcher_sources() -> list[Path]:
    return [LAUNCHER_DIR / "pom.xml", *sorted((LAUNCHER_DIR / "src").rglob("*.java"))]


def build_launcher(timeout: float = BUILD_TIMEOUT) -> Path:
    """``mvn -q -B package`` unless the jar is newer than its sources. Returns the jar."""
    lib = LAUNCHER_DIR / "target" / "lib"
    if LAUNCHER_JAR.exists() and lib.is_dir() and any(lib.iterdir()):
        built = LAUNCHER_JAR.stat().st_mtime
        if all(src.stat().st_mtime <= built for src in _launcher_sources()):
            return LAUNCHER_JAR
    missing = launcher_missing_tools()
    if missing:
        raise Neo4jUnavailable(f"{' and '.join(missing)} not found")
    proc = subprocess.run(["mvn", "-q", "-B", "-DskipTests", "package"], check=False, cwd=LAUNCHER_DIR,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if proc.returncode != 0 or not LAUNCHER_JAR.exists():
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise Neo4jUnavailable(f"building the Neo4j launcher failed (mvn exit {proc.returncode}):\n{tail}")
    return LAUNCHER_JAR


class LauncherServer:
    """One embedded Neo4j process on loopback. ``start()`` again after ``stop()`` reopens the same data."""

    def __init__(self, data_dir: Path, password: str | None = TEST_PASSWORD, port: int = 0,
                 jvm_flags: tuple[str, ...] = JVM_FLAGS):
        self.data_dir = Path(data_dir)
        self.jvm_flags = jvm_flags
        self.password = password
        self.port = port
        self.uri: str | None = None
        self.proc: subprocess.Popen[str] | None = None
        self.start_seconds: float | None = None
        self._output: list[str] = []

    @property
    def auth(self) -> tuple[str, str] | None:
        return (TEST_USER, self.password) if self.password else None

    def env(self) -> dict[str, str]:
        """Environment for a process (e.g. the CLI) that should reach this server."""
        env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}
        if self.password:
            env.update(NEO4J_USER=TEST_USER, NEO4J_PASSWORD=self.password)
        return env

    def start(self, timeout: float = START_TIMEOUT) -> str:
        jar = build_launcher()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = ["java", *self.jvm_flags, "-jar", str(jar), str(self.data_dir), str(self.port)]
        if self.password:
            args.append(self.password)
        self.uri = None
        began = time.perf_counter()
        # stdin stays open: the launcher stops by itself when this process dies and the pipe closes.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        ready = threading.Event()

        def pump() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self._output.append(line.rstrip())
                del self._output[:-200]
                if line.startswith(READY):
                    self.uri = line[len(READY):].strip()
                    ready.set()
                elif line.startswith("NEO4J_FAILED"):
                    ready.set()
            ready.set()

        threading.Thread(target=pump, name="neo4j-launcher-output", daemon=True).start()
        if not ready.wait(timeout) or self.uri is None:
            self.stop()
            log = "\n".join(self._output[-30:])
            raise Neo4jUnavailable(f"the Neo4j launcher did not get ready within {timeout:.0f}s:\n{log}")
        self.start_seconds = time.perf_counter() - began
        # Reuse the port on restart, as a real server keeps its address.
        self.port = int(self.uri.rsplit(":", 1)[1])
        return self.uri

    def stop(self, timeout: float = 60) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: the launcher's shutdown hook checkpoints and stops the DBMS
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdin:
            proc.stdin.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str) -> None:
    """Skip, or in CI fail: Neo4j tests are part of the definition of done there."""
    message = f"Neo4j tests need a server: {reason}. To enable them, {ENABLE_HINT}."
    if _in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


class Neo4jTarget:
    """Where the session's Neo4j is and how to log in; ``server`` is None for an external NEO4J_URI."""

    def __init__(self, uri: str, auth: tuple[str, str] | None, server: LauncherServer | None):
        self.uri = uri
        self.auth = auth
        self.server = server

    def env(self) -> dict[str, str]:
        if self.server is not None:
            return self.server.env()
        return dict(os.environ)


_failure: str | None = None


@pytest.fixture(scope="session")
def neo4j_target() -> Iterator[Neo4jTarget]:
    global _failure
    if _failure:
        unavailable(_failure)
    uri = os.environ.get("NEO4J_URI")
    if uri:
        password = os.environ.get("NEO4J_PASSWORD")
        auth = (os.environ.get("NEO4J_USER") or "neo4j", password) if password else None
        yield Neo4jTarget(uri, auth, None)
        return
    missing = launcher_missing_tools()
    if "java" in missing or (missing and not LAUNCHER_JAR.exists()):
        _failure = f"{' and '.join(missing)} not found and NEO4J_URI is not set"
        unavailable(_failure)
    with tempfile.TemporaryDirectory(prefix="orggraph-neo4j-") as tmp:
        server = LauncherServer(Path(tmp) / "data")
        try:
            server.start()
        except (Neo4jUnavailable, subprocess.TimeoutExpired, OSError) as exc:
            _failure = str(exc)
            unavailable(_failure)
        # So that `open_store(neo4j_uri)` (and CLI subprocesses) log in to this server as they would
        # to a real one: credentials from the environment, for the session only.
        saved = {k: os.environ.get(k) for k in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}
        os.environ.pop("NEO4J_DATABASE", None)
        os.environ.update(NEO4J_USER=TEST_USER, NEO4J_PASSWORD=TEST_PASSWORD)
        try:
            assert server.uri is not None
            yield Neo4jTarget(server.uri, server.auth, server)
        finally:
            server.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_target: Neo4jTarget) -> str:
    return neo4j_target.uri


@pytest.fixture
def neo4j_store(neo4j_target: Neo4jTarget) -> Iterator[object]:
    """A Neo4jStore on the session server, emptied before the test (so NEO4J_URI must be a throwaway)."""
    from orggraph.stores.neo4j import Neo4jStore

    database = os.environ.get("NEO4J_DATABASE") if neo4j_target.server is None else None
    store = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth, database=database)
    store.clear()
    try:
        yield store
    finally:
        store.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test that touches the server carries the `neo4j` marker (`-m "not neo4j"` deselects them).
    for item in items:
        if "neo4j_target" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)
