"""Server memory under the two patterns of issue 11, on the national-scale synthetic store.

A real `orggraph serve` process on loopback; its resident memory (VmRSS, and the peak VmHWM) is read
from /proc after each step. The baseline, measured in the same run, is the server once it has read the
store and answered one conflicts question; the figure to watch is what each pattern adds to it.

* many filters (item 1): FILTERS requests to /api/conflicts, each with a distinct date range (and two
  max_hops), a page of 100 each. The memo keeps one list per non-date filter, bounded by bytes
  (ORGGRAPH_CACHE_MB), so distinct dates add nothing.
* herd (item 2): READERS threads asking /api/conflicts and /api/stats in a loop while another process
  writes one node to the store. The server reparses the store once (single flight) and computes the
  list once; the old snapshot is dropped.

Environment: BENCH_MEM_SCALE (national|demo), BENCH_MEM_FILTERS (default 24), BENCH_MEM_SECONDS (the
herd's length after the write, default 20).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import print_table

SCALE = os.environ.get("BENCH_MEM_SCALE", "national")
FILTERS = int(os.environ.get("BENCH_MEM_FILTERS", "24"))
SECONDS = float(os.environ.get("BENCH_MEM_SECONDS", "20"))
READERS = 8


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, MiB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def date_ranges(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        lo = f"{2013 + i % 7}-{1 + i % 12:02d}-01"
        hi = f"{2020 + i % 5}-{1 + (i * 5) % 12:02d}-28"
        out.append({"date_from": lo, "date_to": hi, "max_hops": 4 if i % 2 else 3, "limit": 100})
    return out


def many_filters(client: httpx.Client) -> tuple[float, int]:
    """Distinct filters, one after another: slowest request (s) and how many were not 200."""
    worst, bad = 0.0, 0
    for params in date_ranges(FILTERS):
        start = time.perf_counter()
        resp = client.get("/api/conflicts", params=params)
        worst = max(worst, time.perf_counter() - start)
        bad += resp.status_code != 200
    return worst, bad


def herd(base: str, store_path: Path) -> tuple[float, int, int]:
    """READERS readers in a loop; one write by another process once they run. Slowest request (s),
    requests made, non-200 answers."""
    from orggraph.models import Node
    from orggraph.stores.embedded import EmbeddedStore

    stop = threading.Event()
    lock = threading.Lock()
    stats = {"worst": 0.0, "n": 0, "bad": 0}

    def reader(k: int) -> None:
        with httpx.Client(base_url=base, timeout=300) as client:
            while not stop.is_set():
                path = "/api/stats" if k % 2 else "/api/conflicts?date_from=2016-01-01&limit=100"
                start = time.perf_counter()
                resp = client.get(path)
                elapsed = time.perf_counter() - start
                with lock:
                    stats["worst"] = max(stats["worst"], elapsed)
                    stats["n"] += 1
                    stats["bad"] += resp.status_code != 200

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
    for t in threads:
        t.start()
    time.sleep(1)
    EmbeddedStore(store_path).write([Node("BENCH-PER-1", "Person", {"name": "Bench Person One"})])
    time.sleep(SECONDS)
    stop.set()
    for t in threads:
        t.join()
    return stats["worst"], stats["n"], stats["bad"]


def main() -> None:
    from orggraph.stores.embedded import EmbeddedStore
    from orggraph_demo import generate
    from tests.browser import start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    store_path = work / "graph.json"
    t0 = time.perf_counter()
    EmbeddedStore(store_path).write(generate(SCALE).records)
    print(f"{SCALE} store: {store_path.stat().st_size / 2**20:.0f} MiB of JSON (built in {time.perf_counter() - t0:.0f} s)")
    server = start_server(store_path, log_dir=work)
    pid = server.process.pid
    rows: list[list[Any]] = []
    try:
        with httpx.Client(base_url=server.url, timeout=300) as client:
            start = time.perf_counter()
            client.get("/api/conflicts", params={"limit": 1})
            rss, peak = memory_mib(pid)
            base_rss = rss
            rows.append(["baseline: store read, one conflicts question", f"{time.perf_counter() - start:.1f}",
                         1, 0, f"{rss:.0f}", "+0", f"{peak:.0f}"])
            worst, bad = many_filters(client)
            rss, peak = memory_mib(pid)
            rows.append([f"item 1: {FILTERS} distinct date ranges and max_hops", f"{worst:.1f}", FILTERS, bad,
                         f"{rss:.0f}", f"{rss - base_rss:+.0f}", f"{peak:.0f}"])
        worst, n, bad = herd(server.url, store_path)
        rss, peak = memory_mib(pid)
        rows.append([f"item 2: {READERS} readers, one write by another process", f"{worst:.1f}", n, bad,
                     f"{rss:.0f}", f"{rss - base_rss:+.0f}", f"{peak:.0f}"])
    finally:
        stop_server(server)
    print_table(f"Server memory on the {SCALE} store (MiB; slowest request in s)",
                ["pattern", "slowest s", "requests", "non-200", "RSS MiB", "vs baseline", "peak RSS MiB"], rows)
    print("Aim: distinct filters add at most the memo budget (ORGGRAPH_CACHE_MB, 256) to the baseline; after a "
          "write under 8 readers the server holds one snapshot again (peak about baseline + one snapshot).")


if __name__ == "__main__":
    main()
