"""The engine's CLI commands run as subprocesses on an embedded store: formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from orggraph.models import rel
from orggraph.stores.embedded import EmbeddedStore
from tests.test_engine_world import DAY, base, declaration

ORGGRAPH = str(Path(sys.executable).with_name("orggraph"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine-cli") / "graph.json"
    records = [*base(), rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP1", "VOTED_ON", "DEC1"),
               rel("GP2", "PARTNER_IN", "PRAC1"), rel("PRAC1", "MEMBER_OF", "FED1"),
               *declaration("DECL1", "GP2", "PRAC1"), rel("GP2", "WITHDREW_FROM", "DEC1"),
               rel("PRAC1", "COMMISSIONED_BY", "CCG1"),
               *[rel(p, "ATTENDED", "MTG1") for p in ("LAY1", "EX1", "GP1", "GP2")]]
    result = EmbeddedStore(path).write(records)
    assert not result.rejected
    return path


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ORGGRAPH, "--store", str(store), *args], capture_output=True, text=True, check=False,
                          timeout=120)


def test_conflicts_json_csv_and_table(store: Path) -> None:
    out = run(store, "conflicts")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [(r["person_id"], r["declaration"], r["participation"], r["breach"]) for r in rows] == [
        ("GP1", "undeclared", "voted", True), ("GP2", "declared", "withdrew", False)]
    assert rows[0]["paths"][0]["hops"][0]["type"] == "DIRECTOR_OF"
    as_csv = run(store, "conflicts", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["person_id"], r["severity"]) for r in parsed] == [(r["person_id"], r["severity"]) for r in rows]
    assert json.loads(parsed[0]["paths"])[0]["org_id"] == "FED1"
    table = run(store, "conflicts", "--format", "table")
    assert table.returncode == 0 and "GP1" in table.stdout and "undeclared" in table.stdout
    only = json.loads(run(store, "conflicts", "--person", "GP2", "--from", DAY, "--to", DAY).stdout)
    assert [r["person_id"] for r in only] == ["GP2"]
    assert json.loads(run(store, "conflicts", "--from", "2019-06-02").stdout) == []
    assert json.loads(run(store, "conflicts", "--max-hops", "1").stdout)[0]["person_id"] == "GP1"


def test_quorum_composition_audit_paths_scan(store: Path) -> None:
    q = json.loads(run(store, "quorum", "--decision", "DEC1").stdout)
    assert q["eligible"] == ["EX1", "LAY1"] and not q["quorate"]
    comp = json.loads(run(store, "composition", "--committee", "PCCC1", "--as-of", DAY).stdout)
    assert comp["ok"] and comp["chair_id"] == "LAY1" and len(comp["members"]) == 6
    assert "live seats" in run(store, "composition", "--committee", "PCCC1", "--as-of", DAY, "--format",
                               "table").stdout
    audit = json.loads(run(store, "audit", "--commissioner", "CCG1", "--as-of", DAY).stdout)
    assert [(a["person_id"], a["org_id"], a["declaration"]) for a in audit] == [
        ("GP1", "FED1", "undeclared"), ("GP2", "FED1", "declared"), ("GP2", "PRAC1", "declared")]
    paths = json.loads(run(store, "paths", "GP2", "FED1", "--as-of", DAY).stdout)
    assert [[h["type"] for h in p["hops"]] for p in paths["interest_paths"]] == [["PARTNER_IN", "MEMBER_OF"]]
    assert paths["any_paths"] is None
    explore = json.loads(run(store, "paths", "CCG1", "GP1", "--any").stdout)
    assert explore["interest_paths"] == [] and explore["any_paths"][0][-1]["from_id"] == "GP1"
    paths_csv = run(store, "paths", "GP2", "FED1", "--as-of", DAY, "--format", "csv").stdout
    assert "PARTNER_IN > MEMBER_OF" in paths_csv
    scan = json.loads(run(store, "scan").stdout)
    assert (scan["conflicts"], scan["breaches"], scan["inquorate"]) == (2, 1, ["DEC1"])


@pytest.mark.parametrize("args", [
    ("conflicts", "--decision", "NOPE"),
    ("conflicts", "--person", "FED1"),
    ("quorum", "--decision", "GP1"),
    ("composition", "--committee", "NOPE", "--as-of", DAY),
    ("audit", "--commissioner", "PCCC1", "--as-of", DAY),
    ("paths", "GP1", "NOPE"),
    ("paths", "FED1", "GP1"),
])
def test_unknown_or_wrong_ids_exit_1(store: Path, args: tuple[str, ...]) -> None:
    out = run(store, *args)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "error:" in out.stderr and "Traceback" not in out.stderr and out.stdout == ""


@pytest.mark.parametrize("args", [
    ("conflicts", "--from", "2019-13-01"),
    ("composition", "--committee", "PCCC1", "--as-of", "yesterday"),
    ("audit", "--commissioner", "CCG1", "--as-of", "01/06/2019"),
    ("paths", "GP1", "FED1", "--as-of", "2019-02-30"),
    ("conflicts", "--format", "xml"),
    ("conflicts", "--max-hops", "0"),
    ("quorum",),
])
def test_bad_dates_and_usage_exit_2(store: Path, args: tuple[str, ...]) -> None:
    out = run(store, *args)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
