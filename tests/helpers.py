"""Small helpers shared by the test modules: the installed CLI, and writing real CSV inputs."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

# The `orggraph` command installed beside the interpreter running the tests.
ORGGRAPH = Path(sys.executable).parent / "orggraph"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def run_cli(store: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`orggraph --store STORE ARGS...` as a subprocess, output captured as text."""
    return subprocess.run([str(ORGGRAPH), "--store", str(store), *args], check=False, capture_output=True,
                          text=True, timeout=timeout)


World = tuple[list[list[str]], list[list[str]]]


def write_world(folder: Path, world: World) -> list[Path]:
    """A random world's node and relationship rows as the two graph CSVs the parity tests load."""
    node_rows, rel_rows = world
    nodes, rels = folder / "h_nodes.csv", folder / "h_rels.csv"
    with nodes.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([":ID", ":LABEL", "name", "date:date"])
        w.writerows(node_rows)
    with rels.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":TYPE", ":END_ID", "valid_from:date", "valid_to:date", "voting:boolean"])
        w.writerows(rel_rows)
    return [nodes, rels]
