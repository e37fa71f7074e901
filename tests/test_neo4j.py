"""Neo4j as a server: killed loads, stopped and restarted servers, wrong credentials, the schema.

The CLI runs in a subprocess against the real server (``--store bolt://...``), as a user would run it.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from loaders.pipeline import load_paths
from orggraph.stores import StoreUnavailable, open_store
from orggraph.stores.neo4j import Neo4jStore, schema_statements
from tests.helpers import ORGGRAPH
from tests.neo4j_server import LAUNCHER_JAR, LauncherServer, Neo4jTarget, launcher_missing_tools, unavailable

ROOT = Path(__file__).resolve().parent.parent
BIG_ROWS = 60_000


def run_cli(uri: str, env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ORGGRAPH), "--store", uri, *args], check=False, capture_output=True, text=True,
                          env={**env, "COLUMNS": "200"}, timeout=timeout)


def write_graph_csv(folder: Path, rows: int) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    nodes = folder / "big_nodes.csv"
    with nodes.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([":ID", ":LABEL", "name", "postcode"])
        w.writerow(["KILL-CCG", "CCG", "NHS Synthetic CCG", ""])
        w.writerows([f"KILL-P{i:06d}", "Practice", f"Synthetic Surgery {i}", f"ZZ{i % 90} 1AA"] for i in range(rows))
    rels = folder / "big_rels.csv"
    with rels.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":TYPE", ":END_ID", "valid_from:date"])
        w.writerows([f"KILL-P{i:06d}", "COMMISSIONED_BY", "KILL-CCG", "2019-04-01"] for i in range(rows))
    return nodes, rels


def own_server(tmp_path: Path, target: Neo4jTarget) -> LauncherServer:
    """A launcher of this test's own, for stopping and restarting (never the session's server)."""
    missing = launcher_missing_tools()
    if "java" in missing or (missing and not LAUNCHER_JAR.exists()):
        unavailable("stopping and restarting a server needs the local launcher (Java 17 + Maven)")
    return LauncherServer(tmp_path / "own-neo4j")


def open_transactions(store: Neo4jStore, source: str) -> list[str]:
    """Queries of the open orggraph write transactions for ``source`` (from the tx metadata)."""
    with store._session() as session:
        rows = session.run("SHOW TRANSACTIONS YIELD metaData, currentQuery "
                           "WHERE metaData.source = $source RETURN currentQuery", source=source)
        return [r["currentQuery"] or "" for r in rows]


def test_killing_a_load_mid_file_leaves_nothing_of_that_file(neo4j_store: Neo4jStore, neo4j_target: Neo4jTarget,
                                                              tmp_path: Path, real_data: Path) -> None:
    assert load_paths(neo4j_store, [real_data / "ons_ccg19_stp19_apr2019.csv"])[0].status == "loaded"
    before = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth).graph()
    nodes, rels = write_graph_csv(tmp_path / "big", BIG_ROWS)
    proc = subprocess.Popen([str(ORGGRAPH), "--store", neo4j_target.uri, "load", "--quiet", str(nodes)],
                            env=neo4j_target.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    deadline = time.monotonic() + 300
    # Wait until the file's transaction is on the server and has started writing nodes.
    while time.monotonic() < deadline and proc.poll() is None:
        seen = open_transactions(neo4j_store, nodes.name)
        if any("(n:Node" in q for q in seen):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the load finished before it could be killed: raise BIG_ROWS"
    assert seen, "never saw the load's transaction on the server"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The server notices the closed connection and rolls the transaction back.
    deadline = time.monotonic() + 60
    while open_transactions(neo4j_store, nodes.name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert open_transactions(neo4j_store, nodes.name) == []
    after = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth).graph()
    assert after == before
    assert not any(nid.startswith("KILL-") for nid in after.g.nodes)

    # The next load of the same files works and is complete.
    done = run_cli(neo4j_target.uri, neo4j_target.env(), "load", str(nodes), str(rels))
    assert done.returncode == 0, done.stderr
    stats = neo4j_store.stats()
    assert stats["nodes"]["Practice"] == BIG_ROWS and stats["relationships"]["COMMISSIONED_BY"] == BIG_ROWS


def test_stopped_server_gives_a_clear_error_and_restart_keeps_everything(neo4j_target: Neo4jTarget,
                                                                          tmp_path: Path, real_data: Path) -> None:
    server = own_server(tmp_path, neo4j_target)
    uri = server.start()
    try:
        env = server.env()
        loaded = run_cli(uri, env, "load", str(real_data / "ons_ccg19_stp19_apr2019.csv"),
                         str(real_data / "epraccur_2019-11.csv"))
        assert loaded.returncode == 0, loaded.stderr
        committed = Neo4jStore(uri, auth=server.auth).graph()
        assert committed.stats()["nodes"]["Practice"] > 8000
        server.stop()

        for args in (["stats"], ["load", str(real_data / "ons_stp20_nhser20_apr2020.csv")], ["export", "--format",
                     "json", "--out", str(tmp_path / "x.json")]):
            down = run_cli(uri, env, *args, timeout=120)
            assert down.returncode == 1, (args, down.stdout, down.stderr)
            assert "cannot reach Neo4j at bolt://127.0.0.1" in down.stderr and "is the server running?" in down.stderr
            assert "Traceback" not in down.stderr
        with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
            Neo4jStore(uri, auth=server.auth).graph()

        assert server.start() == uri  # same data folder, same port
        restarted = Neo4jStore(uri, auth=server.auth)
        assert restarted.graph() == committed
        stats = run_cli(uri, env, "stats", "--format", "json")
        assert stats.returncode == 0 and '"Practice": ' in stats.stdout
    finally:
        server.stop()


def test_wrong_credentials_give_a_clear_error_without_the_password(neo4j_target: Neo4jTarget) -> None:
    if neo4j_target.auth is None:
        pytest.skip("this Neo4j has auth disabled (NEO4J_URI without NEO4J_PASSWORD)")
    env = {**neo4j_target.env(), "NEO4J_USER": neo4j_target.auth[0], "NEO4J_PASSWORD": "not-the-password-123"}
    proc = run_cli(neo4j_target.uri, env, "stats", timeout=120)
    assert proc.returncode == 1
    assert "refused the credentials for user 'neo4j'" in proc.stderr and "NEO4J_PASSWORD" in proc.stderr
    assert "not-the-password-123" not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr
    # Credentials in the URI are refused (they would sit in shell history and `ps`), never used.
    host = neo4j_target.uri.split("://", 1)[1]
    inline = run_cli(f"bolt://neo4j:hunter2-secret@{host}", neo4j_target.env(), "stats", timeout=120)
    assert inline.returncode == 1 and "NEO4J_USER / NEO4J_PASSWORD" in inline.stderr
    assert "hunter2-secret" not in inline.stderr + inline.stdout


def test_open_store_picks_neo4j_from_the_uri_and_env(neo4j_target: Neo4jTarget,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    if neo4j_target.auth:
        monkeypatch.setenv("NEO4J_USER", neo4j_target.auth[0])
        monkeypatch.setenv("NEO4J_PASSWORD", neo4j_target.auth[1])
    monkeypatch.setenv("ORGGRAPH_STORE", neo4j_target.uri)
    with open_store() as store:
        assert isinstance(store, Neo4jStore)
        store.ping()
    with open_store(neo4j_target.uri + "/nosuchdb") as store:
        assert isinstance(store, Neo4jStore) and store.database == "nosuchdb"
        with pytest.raises(Exception, match="nosuchdb"):
            store.stats()


def test_schema_comes_from_the_schema_file_and_is_idempotent(neo4j_store: Neo4jStore,
                                                              neo4j_target: Neo4jTarget) -> None:
    raw = yaml.safe_load((ROOT / "orggraph" / "schema.yaml").read_text())
    with neo4j_store._session() as session:
        constraints = {r["name"]: r for r in session.run("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties")}
        indexes = {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
    assert constraints["node_id"]["labelsOrTypes"] == ["Node"] and constraints["node_id"]["properties"] == ["id"]
    for label in raw["nodes"]:
        assert f"{label.lower()}_name" in indexes, label
    for rtype in raw["relationships"]:
        assert f"{rtype.lower()}_dates" in indexes, rtype
    assert {"decision_date", "meeting_date", "practice_open_date", "node_search"} <= indexes
    # A second store object runs every statement again: nothing new appears, nothing fails.
    again = Neo4jStore(neo4j_target.uri, auth=neo4j_target.auth)
    again.ensure_schema()
    with again._session() as session:
        assert {r["name"] for r in session.run("SHOW INDEXES YIELD name")} == indexes
    again.close()
    assert all("IF NOT EXISTS" in stmt for stmt in schema_statements())


def test_compose_file_is_valid(tmp_path: Path) -> None:
    """`docker compose config` (v2 plugin) or `docker-compose config` (v1, Debian's package), whichever
    exists (`make test` installs the latter); plus the structure the deployment relies on."""
    compose = ROOT / "docker-compose.yml"
    env_example = ROOT / ".env.example"
    validator = _compose_command()
    if validator is None and os.environ.get("CI") == "true":
        pytest.fail("no docker compose / docker-compose to validate docker-compose.yml (make test installs it)")
    if validator is not None:
        # As a user runs it: the compose file beside a .env made from .env.example (env_file needs it).
        for name in ("docker-compose.yml", "Dockerfile"):
            (tmp_path / name).write_bytes((ROOT / name).read_bytes())
        (tmp_path / ".env").write_text(env_example.read_text())
        proc = subprocess.run([*validator, "config", "--quiet"], check=False, capture_output=True, text=True,
                              cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load(compose.read_text())
    neo, api = doc["services"]["neo4j"], doc["services"]["api"]
    assert neo["image"].startswith("neo4j:5.26") and neo["image"].endswith("-community")
    assert "healthcheck" in neo and neo["healthcheck"]["test"]
    assert any(str(v).endswith(":/data") for v in neo["volumes"])
    assert api["build"]["dockerfile"] == "Dockerfile"
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "0.0.0.0" in " ".join(api["command"])
    for name in doc["volumes"]:
        assert any(str(v).startswith(f"{name}:") for v in neo["volumes"])
    env_keys = {line.split("=", 1)[0] for line in env_example.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert {"NEO4J_PASSWORD", "ORGGRAPH_API_KEYS"} <= env_keys
    assert (ROOT / "Dockerfile").read_text().count("FROM ") >= 1


def _compose_command() -> list[str] | None:
    from shutil import which

    if which("docker") and subprocess.run(["docker", "compose", "version"], check=False,
                                          capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if which("docker-compose") else None


def test_write_statements_set_plain_keys_one_by_one() -> None:
    """Plain property names are set one by one (no ``+=`` map, so no Eager barrier in the plan); a name
    that is not plain falls back to ``+=``, with the name never spliced into the text."""
    from orggraph.stores.neo4j.cypher import create_nodes, create_rels, merge_nodes, merge_rels

    assert "+=" not in create_nodes("Person", ["name", "_search"])
    assert "n.`name` = row.props.`name`" in merge_nodes("Person", ["name"])
    assert "+=" not in create_rels("SITS_ON", ["valid_from"]) and "r._key = row.k" in create_rels("SITS_ON", [])
    odd = merge_rels("SITS_ON", ["a`b) DETACH DELETE (a"])
    assert "+= row.props" in odd and "DETACH" not in odd
