"""The SQLite store beyond the shared suite (tests/test_store_parity.py runs that on it too): one
transaction per write and per load, savepoints inside a batch, readers in other processes during a
load, a load killed with SIGKILL mid-transaction, answers in SQL without the whole graph, damaged
files, and `orggraph migrate` from a JSON store made from real files.
"""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.pipeline import load_paths
from orggraph.export import export_graph
from orggraph.graph import OrgGraph
from orggraph.models import node, rel
from orggraph.query import normalise_text
from orggraph.stores import open_store, sqlite_rows
from orggraph.stores import sqlite_sql as sql
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.sqlite import SQLiteStore
from tests.helpers import ORGGRAPH, run_cli, write_csv
from tests.test_atomicity import cpu_seconds, holds_lock, kill_when
from tests.test_roundtrip import generate_graph_csv

BIG_ROWS = 250_000


def committee() -> list[object]:
    return [node("C1", "Committee", {"name": "Northtown PCCC", "quorum": 3}, source="seed.csv:2"),
            node("P1", "Person", {"name": "Ann Made-Up"}, source="seed.csv:3"),
            rel("P1", "SITS_ON", "C1", {"role": "chair", "voting": True}, source="seed.csv:4")]


def fresh(path: Path) -> OrgGraph:
    """The graph as a new process sees it."""
    with SQLiteStore(path) as other:
        return other.graph()


@pytest.fixture
def lite(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "graph.sqlite")
    store.write(committee())  # type: ignore[arg-type]
    return store


# ---- transactions --------------------------------------------------------------------------------
def test_a_write_that_fails_midway_leaves_the_database_as_it_was(lite: SQLiteStore,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before, version = fresh(lite.path), lite.version()
    real = sqlite_rows.write_changes

    def half_then_fail(db: sqlite3.Connection, *args: object) -> None:
        real(db, *args)  # type: ignore[arg-type]
        raise OSError("disk gone")  # after the rows were upserted, before the commit

    monkeypatch.setattr(sqlite_rows, "write_changes", half_then_fail)  # where the store looks it up
    with pytest.raises(OSError):
        lite.write([node("P2", "Person", {"name": "Bo Made-Up"})])
    monkeypatch.undo()
    assert fresh(lite.path) == before and lite.version() == version
    assert lite.graph() == before and "P2" not in lite.graph()  # the kept snapshot was not advanced
    assert lite.write([node("P2", "Person", {"name": "Bo Made-Up"})]).nodes_created == 1


def test_a_batch_commits_once_and_each_write_keeps_its_own_all_or_nothing(lite: SQLiteStore) -> None:
    other = SQLiteStore(lite.path)
    with lite.batch():
        assert lite.write([node("P2", "Person", {"name": "Bo Made-Up"})]).committed
        rejected = lite.write([node("P3", "Person", {"name": "Cy Made-Up"}), rel("P3", "SITS_ON", "NOPE", {})],
                              strict=True)
        assert not rejected.committed
        assert lite.write([rel("P2", "SITS_ON", "C1", {"role": "member"})]).rels_created == 1
        # The batch's pending state inside; the last commit for everyone else (and no waiting).
        assert "P2" in lite.graph() and "P3" not in lite.graph()
        assert lite.stats()["nodes"] == {"Committee": 1, "Person": 2}
        assert other.stats()["nodes"] == {"Committee": 1, "Person": 1} and "P2" not in other.graph()
    assert other.stats() == {"nodes": {"Committee": 1, "Person": 2}, "relationships": {"SITS_ON": 2}}
    assert fresh(lite.path) == lite.graph()


def test_a_batch_over_a_read_snapshot_merges_into_it_and_writes_the_same_rows(
        lite: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a load does: read the graph before each file, then write the file."""
    merge_rel = OrgGraph._merge_rel

    def fails_for_p4(self: OrgGraph, rec: Any, result: Any) -> None:
        if rec.start == "P4":
            raise RuntimeError("out of memory, say")
        merge_rel(self, rec, result)

    monkeypatch.setattr(OrgGraph, "_merge_rel", fails_for_p4)
    with lite.batch():
        snapshot = lite.graph()
        lite.write([node("P2", "Person", {"name": "Bo Made-Up"}), rel("P2", "SITS_ON", "C1", {"role": "member"})])
        assert "P2" not in snapshot  # what a caller held before the write stays as it was
        ours = lite.graph()  # the batch's own copy, brought forward by each write without a read
        assert "P2" in ours
        rejected = lite.write([node("P3", "Person", {"name": "Cy"}), rel("P3", "SITS_ON", "NOPE", {})], strict=True)
        assert not rejected.committed and "P3" not in lite.graph()
        changed = lite.write([node("C1", "Committee", {"name": "Northtown PCCC", "quorum": 4}),
                              rel("P2", "SITS_ON", "C1", {"role": "member"})])
        assert (changed.nodes_updated, changed.unchanged) == (1, 1) and lite.graph() is ours
        with pytest.raises(RuntimeError):  # the merge fails midway, after P4 went into the snapshot
            lite.write([node("P4", "Person", {"name": "Di"}), rel("P4", "SITS_ON", "C1", {})])
        assert "P4" not in lite.graph() and lite.graph().node("C1")["quorum"] == 4  # type: ignore[index]
    after = fresh(lite.path)
    assert after == lite.graph()
    assert after.stats() == {"nodes": {"Committee": 1, "Person": 2}, "relationships": {"SITS_ON": 2}}


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_stored_search_folding_is_normalise_text(text: str) -> None:
    assert sqlite_rows.fold(text) == normalise_text(text)


def test_an_error_inside_a_batch_rolls_the_whole_batch_back(lite: SQLiteStore) -> None:
    before = fresh(lite.path)
    with pytest.raises(RuntimeError), lite.batch():
        lite.write([node("P2", "Person", {"name": "Bo Made-Up"})])
        raise RuntimeError("the loader failed on a later file")
    assert fresh(lite.path) == before and lite.graph() == before


def test_the_snapshot_is_kept_until_anyone_writes(lite: SQLiteStore) -> None:
    first = lite.graph()
    assert lite.graph() is first  # nothing changed: no read at all
    with SQLiteStore(lite.path) as other:
        other.write([node("P2", "Person", {"name": "Bo Made-Up"})])
    assert "P2" in lite.graph() and "P2" not in first  # another connection's write moves the counter
    lite.write([node("P3", "Person", {"name": "Cy Made-Up"})])
    assert lite.graph() == fresh(lite.path) and "P2" not in first


def test_stats_node_and_search_do_not_read_the_whole_graph(lite: SQLiteStore,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    want = (lite.graph().stats(), lite.graph().node("P1"))

    def whole_graph(self: SQLiteStore) -> OrgGraph:
        raise AssertionError("read the whole graph")

    monkeypatch.setattr(SQLiteStore, "graph", whole_graph)
    assert lite.stats() == want[0]
    detail = lite.node("P1")
    assert detail is not None and detail.properties == {k: v for k, v in want[1].items() if k != "label"}
    assert [(r.type, r.other_id, r.other_name) for r in detail.relationships] == [("SITS_ON", "C1", "Northtown PCCC")]
    assert [h.id for h in lite.search("made up")] == ["P1"] and [h.id for h in lite.search("c1")] == ["C1"]


def test_reading_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none" / "graph.db"
    store = open_store(path)
    assert isinstance(store, SQLiteStore)
    assert store.stats() == {"nodes": {}, "relationships": {}} and store.node("X") is None and not store.search("x")
    assert store.graph().g.number_of_nodes() == 0 and not path.exists()


def test_the_database_has_the_indexes_and_a_format_version(lite: SQLiteStore) -> None:
    db = sqlite3.connect(lite.path)
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    assert indexes == {"rels_end_type", "rels_type", "nodes_label"}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert dict(db.execute("SELECT key, value FROM meta"))["store_format"] == sql.STORE_FORMAT
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql.RELS_OF, ("P1", "P1")))
    assert "rels_end_type" in plan and "PRIMARY KEY" in plan, plan  # both directions by index


@pytest.mark.parametrize("damage", ["garbage", "other-sqlite", "newer", "folder"])
def test_an_unreadable_database_gives_a_clear_error(damage: str, tmp_path: Path) -> None:
    path = tmp_path / "graph.sqlite"
    if damage == "garbage":
        path.write_bytes(b"\x00\xffnot a database at all" * 100)
    elif damage == "folder":
        path.mkdir()
    else:
        db = sqlite3.connect(path)
        if damage == "other-sqlite":
            db.execute("CREATE TABLE people (name TEXT)")
        else:
            sql.create_tables(db, SQLiteStore(path).schema)
            db.execute("UPDATE meta SET value = 99 WHERE key = 'store_format'")
        db.commit()
        db.close()
    nodes = write_csv(tmp_path / "n.csv", [":ID", ":LABEL", "name"], [["P9", "Person", "Cy Made-Up"]])
    for args in (["stats"], ["load", str(nodes)]):
        result = run_cli(path, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr and str(path) in result.stderr, result.stderr
        expected = "written by a newer orggraph" if damage == "newer" else "not a readable orggraph store"
        assert expected in result.stderr, result.stderr


# ---- other processes: a killed loader, a reader during a load -------------------------------------
@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "many_people.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":ID", ":LABEL", "name", "role_title", "valid_from:date"])
        w.writerows([f"SYN{i:07d}", "Person", f"Synthetic Person {i}", "GP partner", "2019-04-01"]
                    for i in range(BIG_ROWS))
    return path


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, OrgGraph]:
    """An SQLite store holding a small committee, loaded through the CLI; (path, its graph)."""
    store = tmp_path / "store" / "graph.sqlite"
    nodes = write_csv(tmp_path / "seed_nodes.csv", [":ID", ":LABEL", "name", "quorum:int"],
                      [["C1", "Committee", "Northtown PCCC", "3"], ["P1", "Person", "Ann Made-Up", ""]])
    rels = write_csv(tmp_path / "seed_rels.csv", [":START_ID", ":TYPE", ":END_ID", "role", "voting:boolean"],
                     [["P1", "SITS_ON", "C1", "chair", "true"]])
    result = run_cli(store, "load", str(nodes), str(rels))
    assert result.returncode == 0, result.stderr
    return store, fresh(store)


def wal_bytes(store: Path) -> int:
    wal = Path(f"{store}-wal")
    return wal.stat().st_size if wal.exists() else 0


def start_load(store: Path, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(ORGGRAPH), "--store", str(store), "load", "--quiet", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


KILL_MOMENTS = {
    # Reading and validating rows, inside the load's write transaction (it holds SQLite's write lock).
    "parsing": lambda proc, store: cpu_seconds(proc.pid) >= 1.5 and holds_lock(proc.pid),
    # Rows being written: uncommitted pages already spilled into the write-ahead log.
    "writing": lambda proc, store: wal_bytes(store) > 4 * 1024 * 1024,
}


@pytest.mark.parametrize("moment", list(KILL_MOMENTS))
def test_kill_9_mid_transaction_leaves_the_database_intact(moment: str, big_file: Path,
                                                          seeded: tuple[Path, OrgGraph], tmp_path: Path) -> None:
    store, original = seeded
    proc = start_load(store, big_file)
    ready = KILL_MOMENTS[moment]
    if not kill_when(proc, lambda: ready(proc, store)):
        pytest.skip(f"the load finished before the {moment!r} moment could be caught")
    assert proc.returncode == -signal.SIGKILL
    if moment == "writing":
        assert wal_bytes(store) > 4 * 1024 * 1024, "killed with uncommitted pages in the log"

    assert fresh(store) == original
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    shown = run_cli(store, "stats", "--format", "json")
    assert shown.returncode == 0 and '"Person": 1' in shown.stdout, shown.stdout + shown.stderr
    extra = write_csv(tmp_path / "extra.csv", [":ID", ":LABEL", "name"], [["P2", "Person", "Bo Made-Up"]])
    result = run_cli(store, "load", str(extra))
    assert result.returncode == 0, result.stderr
    after = fresh(store)
    assert after.stats()["nodes"] == {"Committee": 1, "Person": 2} and after.node("C1") == original.node("C1")


def test_readers_in_other_processes_see_the_last_commit_while_a_load_runs(big_file: Path,
                                                                          seeded: tuple[Path, OrgGraph]) -> None:
    store, original = seeded
    proc = start_load(store, big_file)
    try:
        end = time.monotonic() + 120
        while not (holds_lock(proc.pid) and cpu_seconds(proc.pid) >= 1.0):
            assert proc.poll() is None and time.monotonic() < end, "the load finished before it could be watched"
        start = time.monotonic()
        during = run_cli(store, "stats", "--format", "json", timeout=60)
        waited = time.monotonic() - start
        assert proc.poll() is None, "the load must still be running while the reader reads"
        assert during.returncode == 0, during.stderr
        assert '"Person": 1' in during.stdout and fresh(store) == original
        assert waited < 30, f"the reader waited {waited:.1f} s for the writer"
    finally:
        assert proc.wait(timeout=600) == 0
    assert fresh(store).stats()["nodes"] == {"Committee": 1, "Person": BIG_ROWS + 1}


def test_strict_rejection_through_the_cli_leaves_the_database_as_it_was(seeded: tuple[Path, OrgGraph],
                                                                         tmp_path: Path) -> None:
    store, original = seeded
    with SQLiteStore(store) as s:
        version = s.version()
    bad = write_csv(tmp_path / "bad_endpoint.csv", [":START_ID", ":TYPE", ":END_ID"],
                    [["P1", "SITS_ON", "C1"], ["P1", "ATTENDED", "C1"]])
    result = run_cli(store, "load", "--strict", str(bad))
    assert result.returncode == 1
    assert "bad_endpoint.csv, row 3, column :TYPE: 'ATTENDED': Person -> Committee is not allowed" in result.stderr
    with SQLiteStore(store) as s:
        assert s.graph() == original and s.version() == version


# ---- orggraph migrate ------------------------------------------------------------------------------
def exported(graph: OrgGraph, folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in export_graph(graph, "csv", folder)}


def test_migrate_copies_a_json_store_of_real_files_into_an_identical_sqlite_store(real_data: Path,
                                                                                 tmp_path: Path) -> None:
    from orggraph_demo import generate
    from tests.test_store_parity import write_world_files

    source = tmp_path / "graph.json"
    nodes, rels, _, _ = generate_graph_csv(tmp_path / "generated")  # every property type, multi-line text
    demo = sorted(write_world_files(tmp_path / "demo", generate("demo").records),
                  key=lambda p: (not p.name.startswith("nodes_"), p.name))
    reports = load_paths(EmbeddedStore(source), [real_data / "ons_ccg19_stp19_apr2019.csv",
                                                 real_data / "epraccur_2019-11.csv", nodes, rels, *demo])
    assert all(r.status == "loaded" for r in reports), [(r.file, r.error) for r in reports]
    before = source.read_bytes()
    original = EmbeddedStore(source).graph()
    assert original.stats()["nodes"]["Practice"] > 8000 and original.stats()["nodes"]["Decision"] > 0

    result = subprocess.run([str(ORGGRAPH), "--store", str(source), "migrate"], check=False,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    target = tmp_path / "graph.sqlite"  # the default: beside the JSON file
    n, r = original.g.number_of_nodes(), original.g.number_of_edges()
    assert f"migrated {n} nodes and {r} relationships from {source} to {target}" in result.stderr
    assert source.read_bytes() == before, "the JSON file is kept as it was"
    migrated = fresh(target)
    assert migrated == original
    assert exported(migrated, tmp_path / "from_sqlite") == exported(original, tmp_path / "from_json")
    assert run_cli(target, "stats", "--format", "json").stdout == run_cli(source, "stats", "--format", "json").stdout

    again = subprocess.run([str(ORGGRAPH), "migrate", "--from", str(source), "--to", str(target)], check=False,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 1 and "already holds a graph" in again.stderr, again.stderr
    assert fresh(target) == original


def test_migrate_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    missing = subprocess.run([str(ORGGRAPH), "migrate", "--from", str(tmp_path / "none.json")], check=False,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "no JSON store file to migrate" in missing.stderr
    source = tmp_path / "g.json"
    EmbeddedStore(source).write(committee())  # type: ignore[arg-type]
    wrong = subprocess.run([str(ORGGRAPH), "migrate", "--from", str(source), "--to", str(tmp_path / "g.json2")],
                           check=False, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "expected a path ending .sqlite" in wrong.stderr, wrong.stderr


def test_migrate_checks_the_counts_inside_its_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from orggraph_cli.main import cli

    source, target = tmp_path / "g.json", tmp_path / "g.db"
    EmbeddedStore(source).write(committee())  # type: ignore[arg-type]
    real_stats = SQLiteStore.stats

    def one_short(self: SQLiteStore) -> dict[str, dict[str, int]]:
        got = real_stats(self)
        if got["nodes"]:
            got["nodes"]["Person"] -= 1
        return got

    monkeypatch.setattr(SQLiteStore, "stats", one_short)
    result = CliRunner().invoke(cli, ["migrate", "--from", str(source), "--to", str(target)])
    assert result.exit_code == 1 and "counts differ" in result.output and "nothing was migrated" in result.output
    assert not target.exists(), "the database it made is removed"


def test_a_graph_read_without_keeping_is_the_same_graph_and_is_not_kept(lite: SQLiteStore) -> None:
    """``graph(keep=False)`` (a server's one whole-graph question) reads the same graph each time and never
    becomes the kept snapshot; ``graph()`` keeps one until the store changes."""
    once, again = lite.graph(keep=False), lite.graph(keep=False)
    assert once is not again and once.to_data() == again.to_data() == fresh(lite.path).to_data()
    kept = lite.graph()
    assert lite.graph() is kept and lite.graph(keep=False) is kept  # a kept snapshot is reused, not re-read
