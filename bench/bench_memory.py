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

* question mix (issue 12 item 4, ``BENCH_MEM_PATTERN=mix``): the store is SQLite; a server answers a mix
  of single questions (decisions, a person's conflicts, meeting briefs, committee composition and
  meetings, node pages, two-hop ego views, searches). Run once with this checkout's server and once with
  ``BENCH_MEM_CODE=<a checkout of the code before>`` (the server then imports that code), so the two
  figures are the same mix on the same store.

Environment: BENCH_MEM_SCALE (national|demo), BENCH_MEM_FILTERS (default 24), BENCH_MEM_SECONDS (the
herd's length after the write, default 20), BENCH_MEM_PATTERN (filters|mix), BENCH_MEM_MIX (questions of
each kind, default 30), BENCH_MEM_CODE.
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
PATTERN = os.environ.get("BENCH_MEM_PATTERN", "filters")
MIX = int(os.environ.get("BENCH_MEM_MIX", "30"))
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


def mix_urls(graph: Any, n: int) -> list[tuple[str, str]]:
    """(kind, url) for ``n`` questions of each kind, spread over the graph's ids."""
    def ids(label: str) -> list[str]:
        every = sorted(nid for nid, _ in graph.nodes(label))
        return every[:: max(1, len(every) // n)][:n]

    urls = [("decision", f"/api/decisions/{d}") for d in ids("Decision")]
    urls += [("person conflicts", f"/api/conflicts?person={p}") for p in ids("Person")]
    urls += [("meeting brief", f"/api/meetings/{m}/brief") for m in ids("Meeting")]
    urls += [("committee", f"/api/committees/{c}/composition?as_of=2021-06-01") for c in ids("Committee")]
    urls += [("committee", f"/api/committees/{c}/meetings") for c in ids("Committee")]
    urls += [("node page", f"/api/nodes/{x}") for x in ids("Practice") + ids("Provider")]
    urls += [("ego (2 hops)", f"/api/nodes/{c}/ego?hops=2") for c in ids("Committee")[: n // 3]]
    urls += [("search", f"/api/search?q={q}") for q in ("leeds", "north", "medical", "surgery", "health")]
    return urls


def main_mix() -> None:
    """Server RSS after a mix of single questions on the SQLite store (see the module docstring)."""
    from orggraph.graph import OrgGraph
    from orggraph.stores.sqlite import SQLiteStore
    from orggraph_demo import generate
    from tests.browser import start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="bench-memory-mix-"))
    store_path = work / "graph.sqlite"
    records = generate(SCALE).records
    with SQLiteStore(store_path) as store, store.batch():
        store.write(records)
    graph = OrgGraph()
    graph.apply(records)
    urls = mix_urls(graph, MIX)
    del graph, records
    code = os.environ.get("BENCH_MEM_CODE")
    env = {"PYTHONPATH": code} if code else None
    server = start_server(store_path, env_extra=env, log_dir=work)
    pid = server.process.pid
    rows: list[list[Any]] = []
    try:
        rss, peak = memory_mib(pid)
        rows.append(["server started (ready)", "", 0, 0, f"{rss:.0f}", f"{peak:.0f}"])
        with httpx.Client(base_url=server.url, timeout=600) as client:
            done: dict[str, list[float]] = {}
            bad = 0
            for kind, url in urls:
                start = time.perf_counter()
                resp = client.get(url)
                done.setdefault(kind, []).append(time.perf_counter() - start)
                bad += resp.status_code != 200
                if len(done[kind]) == 1:
                    rss, peak = memory_mib(pid)
                    rows.append([kind + " (first)", f"{done[kind][0] * 1000:.0f}", 1, bad, f"{rss:.0f}", f"{peak:.0f}"])
        rss, peak = memory_mib(pid)
        total = sum(len(v) for v in done.values())
        slow = max(max(v) for v in done.values())
        rows.append([f"after the whole mix ({total} questions)", f"{slow * 1000:.0f} (slowest)", total, bad,
                     f"{rss:.0f}", f"{peak:.0f}"])
    finally:
        stop_server(server)
    print_table(f"Server memory after a mix of single questions, {SCALE} SQLite store, code: {code or 'this checkout'}",
                ["step", "ms", "requests", "non-200", "RSS MiB", "peak RSS MiB"], rows)


if __name__ == "__main__":
    main_mix() if PATTERN == "mix" else main()
