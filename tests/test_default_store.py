"""The default store is SQLite (graph.sqlite in the user data directory); the old default JSON store file
(graph.json beside it) is migrated once, automatically, with one line saying so, and kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orggraph.models import node, rel
from orggraph.stores import default_store_path, legacy_store_path
from orggraph.stores.embedded import EmbeddedStore

ORGGRAPH = str(Path(sys.executable).with_name("orggraph"))


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ORGGRAPH_STORE"}
    env["XDG_DATA_HOME"] = str(home)  # platformdirs' user data directory on Linux
    return subprocess.run([ORGGRAPH, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def test_the_default_store_is_sqlite_beside_the_old_json_default() -> None:
    assert default_store_path().name == "graph.sqlite"
    assert legacy_store_path() == default_store_path().with_name("graph.json")


def test_the_old_default_json_store_is_migrated_once_and_kept(tmp_path: Path) -> None:
    old = tmp_path / "orggraph" / "graph.json"
    old.parent.mkdir()
    EmbeddedStore(old).write([node("00C", "CCG", {"name": "NHS Darlington CCG"}), node("A81001", "Practice"),
                              rel("A81001", "COMMISSIONED_BY", "00C", {"valid_from": "2013-04-01"})])
    before = old.read_bytes()
    first = run(tmp_path, "stats", "--format", "json")
    assert first.returncode == 0, first.stderr
    new = tmp_path / "orggraph" / "graph.sqlite"
    notes = first.stderr.strip().splitlines()
    assert len(notes) == 1 and "migrated 2 nodes and 1 relationships" in notes[0] and str(new) in notes[0]
    assert json.loads(first.stdout) == EmbeddedStore(old).stats()
    assert old.read_bytes() == before and new.is_file()
    again = run(tmp_path, "stats", "--format", "json")
    assert again.returncode == 0 and again.stderr == "" and again.stdout == first.stdout
    show = run(tmp_path, "show", "A81001", "--format", "json")
    assert json.loads(show.stdout)["relationships"][0]["other_id"] == "00C"


def test_a_damaged_old_default_is_one_line_naming_orggraph_migrate(tmp_path: Path) -> None:
    old = tmp_path / "orggraph" / "graph.json"
    old.parent.mkdir()
    old.write_text("{ not json", encoding="utf-8")
    out = run(tmp_path, "stats")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "orggraph migrate" in lines[0] and str(old) in lines[0], out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "orggraph" / "graph.sqlite").exists()
    assert [p.name for p in old.parent.iterdir()] == ["graph.json"], "no partial copy left behind"


def test_with_no_store_at_all_the_default_is_an_sqlite_file_to_load_into(tmp_path: Path) -> None:
    out = run(tmp_path, "stats")
    assert out.returncode == 1 and "graph.sqlite" in out.stderr and "empty" in out.stderr, out.stderr


def test_a_migration_never_replaces_a_store_that_appeared_meanwhile(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process may migrate (and start writing to) the target while this copy is made: the copy
    is never put over it, and no temporary file is left."""
    from orggraph.errors import StoreError
    from orggraph.stores import migration

    source, target = tmp_path / "graph.json", tmp_path / "graph.sqlite"
    EmbeddedStore(source).write([node("00C", "CCG", {"name": "NHS Darlington CCG"})])
    real_link = os.link

    def someone_else_first(src: str, dst: str) -> None:
        Path(dst).write_bytes(b"the other process's store")
        real_link(src, dst)

    monkeypatch.setattr(migration.os, "link", someone_else_first)
    with pytest.raises(StoreError, match="already exists"):
        migration.migrate_json(source, target)
    assert target.read_bytes() == b"the other process's store"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json", "graph.json.lock", "graph.sqlite"]
