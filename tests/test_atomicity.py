"""A load that is killed, or a file rejected under --strict, leaves the store exactly as it was.

These tests run the real CLI in a subprocess and kill it with SIGKILL at chosen moments: while it is
parsing, while it holds the store's write lock (applying records), and while the new store file is
being written to its temporary file. The store file must be byte-identical afterwards, still load, and
the next load must work.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from orggraph.graph import OrgGraph
from orggraph.stores.embedded import EmbeddedStore
from tests.helpers import ORGGRAPH, run_cli, write_csv

BIG_ROWS = 250_000  # a few seconds of loading on the 2-core dev machine
CLK_TCK = os.sysconf("SC_CLK_TCK")




@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "many_people.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":ID", ":LABEL", "name", "role_title", "valid_from:date"])
        for i in range(BIG_ROWS):
            w.writerow([f"SYN{i:07d}", "Person", f"Synthetic Person {i}", "GP partner", "2019-04-01"])
    return path


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, bytes]:
    """A store holding a small committee, loaded through the CLI; (store path, its bytes)."""
    store = tmp_path / "store" / "graph.json"
    nodes = write_csv(tmp_path / "seed_nodes.csv", [":ID", ":LABEL", "name", "quorum:int"],
                      [["C1", "Committee", "Northtown PCCC", "3"], ["P1", "Person", "Ann Made-Up", ""]])
    rels = write_csv(tmp_path / "seed_rels.csv", [":START_ID", ":TYPE", ":END_ID", "role", "voting:boolean"],
                     [["P1", "SITS_ON", "C1", "chair", "true"]])
    result = run_cli(store, "load", str(nodes), str(rels))
    assert result.returncode == 0, result.stderr
    return store, store.read_bytes()


# ---- watching the loading process -----------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def holds_lock(pid: int) -> bool:
    """True when ``pid`` holds a file lock: the embedded store takes one around a load's writes."""
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) > 4 and parts[4] == str(pid):
            return True
    return False


def temp_files(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], deadline: float = 120.0) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()``; False if it finished first."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            if ready():
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return True
        except (FileNotFoundError, ProcessLookupError):  # /proc entry gone: it just exited
            continue
    proc.kill()
    proc.wait()
    raise AssertionError("the load neither reached the kill point nor finished")


MOMENTS = {
    # Well past interpreter start-up and imports, into reading and validating the rows. (A load
    # holds the store's lock from its start: all its files are applied to one private copy.)
    "parsing": lambda proc, folder: cpu_seconds(proc.pid) >= 1.5 and holds_lock(proc.pid) and not temp_files(folder),
    # Later: records being applied to the private copy of the graph, file not yet replaced.
    "writing": lambda proc, folder: cpu_seconds(proc.pid) >= 4.0 and holds_lock(proc.pid) and not temp_files(folder),
    # The new store file half written to its temporary file, before os.replace.
    "replacing": lambda proc, folder: bool(temp_files(folder)),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_9_mid_load_leaves_the_store_as_it_was(moment: str, big_file: Path,
                                                   seeded: tuple[Path, bytes], tmp_path: Path) -> None:
    store, before = seeded
    original = OrgGraph.from_data(__import__("json").loads(before))
    ready = MOMENTS[moment]
    killed = False
    for _attempt in range(5):  # the temporary file exists for only a moment; try again if we missed it
        proc = subprocess.Popen([str(ORGGRAPH), "--store", str(store), "load", "--quiet", str(big_file)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed = kill_when(proc, lambda proc=proc: ready(proc, store.parent))  # type: ignore[misc]
        if killed:
            break
        store.write_bytes(before)  # it finished: put the seed back and try again
    if not killed:
        pytest.skip(f"the load finished five times before the {moment!r} moment could be caught")
    assert proc.returncode == -signal.SIGKILL, "the loader must have died by SIGKILL"

    assert store.read_bytes() == before
    assert EmbeddedStore(store).graph() == original
    leftovers = temp_files(store.parent)
    if moment == "replacing":
        assert leftovers, "killed while the temporary file existed, so it is still there"

    # The next load works despite any lock or temporary file the killed process left behind.
    extra = write_csv(tmp_path / "extra.csv", [":ID", ":LABEL", "name"], [["P2", "Person", "Bo Made-Up"]])
    result = run_cli(store, "load", str(extra))
    assert result.returncode == 0, result.stderr
    assert temp_files(store.parent) == [], "the next write clears what a killed writer left"
    after = EmbeddedStore(store).graph()
    assert after.stats()["nodes"] == {"Committee": 1, "Person": 2}
    assert after.node("C1") == original.node("C1")


def test_a_killed_load_can_be_rerun_to_completion(big_file: Path, seeded: tuple[Path, bytes]) -> None:
    store, before = seeded
    proc = subprocess.Popen([str(ORGGRAPH), "--store", str(store), "load", "--quiet", str(big_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert kill_when(proc, lambda: holds_lock(proc.pid))
    assert store.read_bytes() == before
    result = run_cli(store, "load", "--quiet", str(big_file))
    assert result.returncode == 0, result.stderr
    assert f"read {BIG_ROWS}, loaded {BIG_ROWS}, rejected 0" in result.stderr
    assert EmbeddedStore(store).graph().stats()["nodes"] == {"Committee": 1, "Person": BIG_ROWS + 1}


def test_strict_rejection_leaves_the_store_byte_identical(seeded: tuple[Path, bytes], tmp_path: Path) -> None:
    store, before = seeded
    bad_value = write_csv(tmp_path / "bad_value.csv", [":ID", ":LABEL", "quorum:int"],
                          [["C2", "Committee", "4"], ["C3", "Committee", "four"]])
    result = run_cli(store, "load", "--strict", str(bad_value))
    assert result.returncode == 1
    assert "bad_value.csv, row 3, column quorum:int: 'four': expected an integer" in result.stderr
    assert "nothing loaded" in result.stderr
    assert store.read_bytes() == before

    # A bad endpoint is only found when the records meet the graph (inside the store's write).
    bad_endpoint = write_csv(tmp_path / "bad_endpoint.csv", [":START_ID", ":TYPE", ":END_ID"],
                             [["P1", "ATTENDED", "C1"]])
    result = run_cli(store, "load", "--strict", str(bad_endpoint))
    assert result.returncode == 1
    assert "bad_endpoint.csv, row 2, column :TYPE: 'ATTENDED': Person -> Committee is not allowed" in result.stderr
    assert store.read_bytes() == before

    # Without --strict the good row of the first file loads and the exit code is 0.
    result = run_cli(store, "load", str(bad_value))
    assert result.returncode == 0, result.stderr
    assert store.read_bytes() != before
    assert "C2" in EmbeddedStore(store).graph() and "C3" not in EmbeddedStore(store).graph()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "folder", "not-orggraph"])
def test_an_unreadable_store_gives_a_clear_error(damage: str, seeded: tuple[Path, bytes], tmp_path: Path) -> None:
    store, before = seeded
    if damage == "garbage":
        store.write_bytes(b"\x00\xffnot json at all")
    elif damage == "truncated":
        store.write_bytes(before[: len(before) // 2])
    elif damage == "folder":
        store.unlink()
        store.mkdir()
    else:
        store.write_text('{"format": "something-else", "nodes": []}')
    damaged = store.read_bytes() if store.is_file() else None
    nodes = write_csv(tmp_path / "n.csv", [":ID", ":LABEL", "name"], [["P9", "Person", "Cy Made-Up"]])
    for args in (["stats"], ["load", str(nodes)]):
        result = run_cli(store, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert str(store) in result.stderr and "not a readable orggraph store" in result.stderr, result.stderr
    if damaged is not None:
        assert store.read_bytes() == damaged  # a failed load never overwrites what it could not read
