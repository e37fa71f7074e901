"""Measuring helpers shared by the benchmarks: wall time and peak memory of a step, and a table."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

REAL_DATA_FILES = (
    "epraccur_2019-11.csv",
    "ons_ccg19_stp19_apr2019.csv",
    "ons_stp20_nhser20_apr2020.csv",
    "ePCN_2019-12.xlsx",
    "etr_c2016_nhsparse.csv",
)


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_mib: float
    result: Any = None


def _child(fn: Callable[[], Any], conn: Any) -> None:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    conn.send((elapsed, peak, result))
    conn.close()


def measure_isolated(name: str, fn: Callable[[], Any]) -> Measurement:
    """Run ``fn`` in a forked process: its time, and the peak resident memory of that process."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, child))
    proc.start()
    elapsed, peak, result = parent.recv()
    proc.join()
    return Measurement(name, elapsed, peak, result)


def measure(name: str, fn: Callable[[], Any], repeat: int = 1) -> Measurement:
    """Best of ``repeat`` in-process runs (for steps whose memory is not the point)."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Measurement(name, best, peak, result)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r))
    Console(width=160).print(table)
