"""Issue 11, the server and batch items: bounded caches and paging, one reload per change, uploads
refused before their body is read, clear errors for long names and a held lock, one file's crash
isolated from the others (CLI and API), nothing loaded is a failure, questions need a store."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from filelock import FileLock

from api.app import create_app
from api.graph_cache import GraphMemo
from api.settings import ApiKey, Settings
from orggraph.errors import StoreUnavailable
from orggraph.graph import OrgGraph
from orggraph.stores.embedded import EmbeddedStore

KEYS = {"reader": "reader-key-0001", "admin": "admin-key-00003"}
ADMIN = {"X-API-Key": KEYS["admin"]}
MB = 1024 * 1024


def keyed(**kw: Any) -> Settings:
    return Settings(api_keys=tuple(ApiKey(k, r, f"{r}-caller") for r, k in KEYS.items()), **kw)


@pytest.fixture(scope="module")
def demo_json(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from orggraph_demo import generate

    path = tmp_path_factory.mktemp("robust") / "graph.json"
    EmbeddedStore(path).write(generate("demo").records)
    return path.read_bytes()


@pytest.fixture
def store(demo_json: bytes, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "graph.json"
    path.write_bytes(demo_json)
    return EmbeddedStore(path)


# ---- item 1: the memo is bounded by bytes; date filters page over one cached list ------------------
def test_memo_is_bounded_by_bytes_not_entries() -> None:
    memo = GraphMemo(max_bytes=200_000)
    version = 7  # a store version token
    for n in range(50):
        memo.get(version, ("big", n), lambda: ["x" * 1000 for _ in range(20)])  # ~20 KB+ each
    assert 0 < memo.bytes <= 200_000
    assert len(memo) < 50
    # A value bigger than the whole budget is answered but never kept.
    huge = memo.get(version, "huge", lambda: ["y" * 1000 for _ in range(1000)])
    assert len(huge) == 1000 and "huge" not in memo


def test_distinct_date_filters_do_not_grow_the_memo(store: EmbeddedStore) -> None:
    from orggraph import engine

    app = create_app(Settings(), store=store)
    client = TestClient(app, base_url="http://localhost")
    graph = store.graph()
    dates = sorted({c.date for c in engine.conflicts(graph)})
    assert len(dates) >= 6
    first = client.get("/api/conflicts", params={"date_from": dates[0], "limit": 1})
    assert first.status_code == 200, first.text
    entries, size = len(app.state.memo), app.state.memo.bytes
    for lo, hi in zip(dates, dates[3:], strict=False):
        for params in ({"date_from": lo}, {"date_to": hi}, {"date_from": lo, "date_to": hi}):
            resp = client.get("/api/conflicts", params={**params, "limit": 2, "offset": 1})
            assert resp.status_code == 200, resp.text
            want = engine.conflicts(graph, date_from=params.get("date_from"), date_to=params.get("date_to"))
            body = resp.json()
            assert body["total"] == len(want)
            assert [c["person_id"] + c["decision_id"] for c in body["items"]] == \
                [c.person_id + c.decision_id for c in want[1:3]]
    assert len(app.state.memo) == entries and app.state.memo.bytes == size


def test_pages_of_conflicts_add_up_to_the_engine_list(store: EmbeddedStore) -> None:
    from orggraph import engine

    client = TestClient(create_app(Settings(), store=store), base_url="http://localhost")
    want = engine.conflicts(store.graph(), date_to="2030-01-01")
    got: list[dict[str, Any]] = []
    while True:
        page = client.get("/api/conflicts", params={"date_to": "2030-01-01", "limit": 7, "offset": len(got)}).json()
        got += page["items"]
        if len(got) >= page["total"] or not page["items"]:
            break
    assert [c["decision_id"] + "/" + c["person_id"] for c in got] == [c.decision_id + "/" + c.person_id for c in want]


# ---- item 2: one reload per change, shared by every reader ------------------------------------------
def test_one_reload_per_change_shared_by_concurrent_readers(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    before = store.graph()
    parses: list[int] = []
    real = OrgGraph.from_data

    def counting(data: Any) -> OrgGraph:
        parses.append(1)
        time.sleep(0.3)  # a slow parse, as on the national store: every reader arrives meanwhile
        return real(data)

    monkeypatch.setattr(OrgGraph, "from_data", staticmethod(counting))
    # Another process (another store object) writes: every reader must notice, once.
    data = orjson.loads(store.path.read_bytes())
    data["nodes"].append(["T-NEW-1", "Person", {"name": "Test Person New"}])
    store.path.write_bytes(orjson.dumps(data))
    seen: list[OrgGraph] = []
    barrier = threading.Barrier(8)

    def reader() -> None:
        barrier.wait()
        seen.append(store.graph())

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(parses) == 1
    assert len({id(g) for g in seen}) == 1 and seen[0] is not before and "T-NEW-1" in seen[0]


# ---- item 3: uploads are refused before their body is read -----------------------------------------
def asgi_post(app: Any, headers: dict[str, str], chunks: Iterator[bytes], path: str = "/api/load"
              ) -> tuple[int, bytes, int]:
    """POST through the ASGI app directly; returns status, body and how many body bytes were read."""
    read = 0
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode())
                         for k, v in {"Host": "localhost", "Origin": "http://localhost", **headers}.items()],
             "client": ("127.0.0.1", 1234), "server": ("127.0.0.1", 8000), "state": {}}
    asyncio.run(app(scope, receive, send))
    return out["status"], out["body"], read


def multipart_stream(total: int, chunk: int = MB) -> Iterator[bytes]:
    head = (b"--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\n")
    yield head
    sent = len(head)
    while sent < total:
        yield b"x" * chunk
        sent += chunk


MULTIPART = "multipart/form-data; boundary=B"


def test_an_upload_without_a_key_is_401_before_its_body_is_read(store: EmbeddedStore) -> None:
    app = create_app(keyed(), store=store)
    status, body, read = asgi_post(app, {"content-type": MULTIPART, "content-length": str(300 * MB)},
                                   multipart_stream(300 * MB))
    assert status == 401 and b"API key" in body
    assert read == 0
    # A reader's key is not enough either, and the body stays unread.
    status, body, read = asgi_post(app, {"content-type": MULTIPART, "content-length": str(300 * MB),
                                         "x-api-key": KEYS["reader"]}, multipart_stream(300 * MB))
    assert status == 403 and read == 0


def test_an_over_limit_content_length_is_413_before_the_body(store: EmbeddedStore) -> None:
    app = create_app(keyed(max_upload_bytes=MB), store=store)
    status, body, read = asgi_post(app, {"content-type": MULTIPART, "content-length": str(300 * MB),
                                         "x-api-key": KEYS["admin"]}, multipart_stream(300 * MB))
    assert status == 413 and b"limit" in body
    assert read == 0


def test_a_streamed_upload_is_cut_off_at_the_limit(store: EmbeddedStore) -> None:
    app = create_app(keyed(max_upload_bytes=2 * MB), store=store)
    status, body, read = asgi_post(app, {"content-type": MULTIPART, "x-api-key": KEYS["admin"]},
                                   multipart_stream(300 * MB, chunk=256 * 1024))
    assert status == 413 and b"limit" in body
    assert read <= 2 * MB + 256 * 1024 + 200
    assert store.graph().node("T-NEW-1") is None


# ---- item 6: long upload names; a held store lock ---------------------------------------------------
def test_an_upload_name_over_255_bytes_is_a_clear_400(store: EmbeddedStore) -> None:
    client = TestClient(create_app(keyed(), store=store), raise_server_exceptions=False, base_url="http://localhost")
    name = "n" * 300 + ".csv"
    resp = client.post("/api/load", headers=ADMIN, files={"files": (name, b"id:ID,:LABEL,name\n", "text/csv")})
    assert resp.status_code == 400, resp.text
    assert "255 bytes" in resp.json()["detail"]


def test_a_held_lock_says_who_holds_it_and_fails_in_one_line(store: EmbeddedStore, tmp_path: Path) -> None:
    told: list[str] = []
    waiting = EmbeddedStore(store.path, lock_timeout=0.3, on_wait=told.append)
    with FileLock(str(store.path) + ".lock"):
        start = time.monotonic()
        with pytest.raises(StoreUnavailable, match="another load holds the store") as exc:
            waiting.write([])
        assert time.monotonic() - start < 5
    assert "\n" not in str(exc.value) and str(store.path) in str(exc.value)
    assert told and "waiting up to 0.3 s" in told[0]


def test_the_cli_says_another_load_holds_the_store(store: EmbeddedStore, tmp_path: Path) -> None:
    from orggraph_cli.main import cli

    nodes = tmp_path / "nodes_Person.csv"
    nodes.write_text("id:ID,:LABEL,name\nT-PER-1,Person,Test Person One\n")
    with FileLock(str(store.path) + ".lock"):
        result = CliRunner().invoke(cli, ["--store", str(store.path), "load", "--quiet", str(nodes)],
                                    env={"ORGGRAPH_LOCK_TIMEOUT": "0.3"})
    assert result.exit_code == 1, result.output
    assert "another load holds the store" in result.stderr and "waiting up to 0.3 s" in result.stderr
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


# ---- item 7: one file's crash does not change what the other files do -------------------------------
@pytest.fixture
def three_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """A good file, a file whose loader crashes, another good file."""
    from loaders import pipeline

    good1 = tmp_path / "nodes_Person.csv"
    good1.write_text("id:ID,:LABEL,name\nT-PER-1,Person,Test Person One\n")
    boom = tmp_path / "boom.csv"
    boom.write_text("id:ID,:LABEL,name\nT-PER-9,Person,Test Person Nine\n")
    good2 = tmp_path / "nodes_Person2.csv"
    good2.write_text("id:ID,:LABEL,name\nT-PER-2,Person,Test Person Two\n")
    real = pipeline._parse

    def crashing(plan: Any, ctx: Any) -> Any:
        if plan.path.name == "boom.csv":
            raise RuntimeError("simulated loader crash")
        return real(plan, ctx)

    monkeypatch.setattr(pipeline, "_parse", crashing)
    return [good1, boom, good2]


def test_the_cli_keeps_the_good_files_of_a_batch_with_a_crash(store: EmbeddedStore, three_files: list[Path]) -> None:
    from orggraph_cli.main import cli

    result = CliRunner().invoke(cli, ["--store", str(store.path), "load", "--quiet", *map(str, three_files)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "boom.csv" in result.stderr and "simulated loader crash" in result.stderr
    assert "committed 2 of 3 file(s): nodes_Person.csv, nodes_Person2.csv" in result.stderr
    graph = EmbeddedStore(store.path).graph()
    assert "T-PER-1" in graph and "T-PER-2" in graph and "T-PER-9" not in graph


def test_the_api_reports_each_file_and_never_500s_after_committing(store: EmbeddedStore,
                                                                   three_files: list[Path]) -> None:
    client = TestClient(create_app(keyed(), store=store), raise_server_exceptions=False, base_url="http://localhost")
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in three_files]
    resp = client.post("/api/load", headers=ADMIN, files=files)
    assert resp.status_code == 200, resp.text
    reports = resp.json()
    assert [(r["file"], r["status"], r["committed"]) for r in reports] == [
        ("nodes_Person.csv", "loaded", True), ("boom.csv", "rejected", False), ("nodes_Person2.csv", "loaded", True)]
    assert "simulated loader crash" in reports[1]["error"] and "nothing loaded from this file" in reports[1]["error"]
    graph = EmbeddedStore(store.path).graph()
    assert "T-PER-1" in graph and "T-PER-2" in graph and "T-PER-9" not in graph


# ---- item 8: a file that loads nothing is a failure, on both faces ----------------------------------
def test_a_file_with_nothing_loaded_fails_on_both_faces(store: EmbeddedStore, tmp_path: Path) -> None:
    from orggraph_cli.main import cli

    empty = tmp_path / "nodes_Person.csv"
    empty.write_text("id:ID,:LABEL,name\n")
    before = store.path.read_bytes()
    result = CliRunner().invoke(cli, ["--store", str(store.path), "load", "--quiet", str(empty)])
    assert result.exit_code == 1, result.output
    assert "rejected" in result.stderr and empty.name in result.stderr
    client = TestClient(create_app(keyed(), store=store), raise_server_exceptions=False, base_url="http://localhost")
    resp = client.post("/api/load", headers=ADMIN, files={"files": (empty.name, empty.read_bytes(), "text/csv")})
    assert resp.status_code == 422, resp.text
    assert "nothing loaded" in resp.json()["detail"]
    assert store.path.read_bytes() == before


def test_a_file_whose_every_row_is_rejected_is_not_loaded(store: EmbeddedStore, tmp_path: Path) -> None:
    from orggraph_cli.main import cli

    rels = tmp_path / "rels_FAMILY_OF.csv"
    rels.write_text(":START_ID,:TYPE,:END_ID\nT-NOBODY-1,FAMILY_OF,T-NOBODY-2\n")
    before = store.path.read_bytes()
    result = CliRunner().invoke(cli, ["--store", str(store.path), "load", "--quiet", str(rels)])
    assert result.exit_code == 1, result.output
    assert f"nothing loaded from {rels.name}" in result.stderr
    client = TestClient(create_app(keyed(), store=store), raise_server_exceptions=False, base_url="http://localhost")
    resp = client.post("/api/load", headers=ADMIN, files={"files": (rels.name, rels.read_bytes(), "text/csv")})
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"][0]["file"] == rels.name
    assert store.path.read_bytes() == before


# ---- item 11: questions need a store ----------------------------------------------------------------
@pytest.mark.parametrize("args", [["scan"], ["stats"], ["conflicts"], ["search", "x"], ["show", "X"]])
def test_questions_on_a_missing_store_fail_naming_the_path(tmp_path: Path, args: list[str]) -> None:
    from orggraph_cli.main import cli

    typo = tmp_path / "typo.json"
    result = CliRunner().invoke(cli, ["--store", str(typo), *args])
    assert result.exit_code == 1, result.output
    assert str(typo) in result.stderr and "no store" in result.stderr
    assert result.stdout == "" and not typo.exists()


def test_questions_on_an_empty_store_fail(tmp_path: Path) -> None:
    from orggraph_cli.main import cli

    empty = EmbeddedStore(tmp_path / "empty.json")
    empty.clear()
    result = CliRunner().invoke(cli, ["--store", str(empty.path), "scan"])
    assert result.exit_code == 1 and "is empty" in result.stderr and str(empty.path) in result.stderr


def test_load_may_create_a_store_and_ready_is_503_until_then(tmp_path: Path) -> None:
    from orggraph_cli.main import cli

    path = tmp_path / "new.json"
    client = TestClient(create_app(Settings(store_uri=str(path))), raise_server_exceptions=False, base_url="http://localhost")
    assert client.get("/ready").status_code == 503
    assert client.get("/api/conflicts").status_code == 503  # not an empty, clean-looking answer
    nodes = tmp_path / "nodes_Person.csv"
    nodes.write_text("id:ID,:LABEL,name\nT-PER-1,Person,Test Person One\n")
    result = CliRunner().invoke(cli, ["--store", str(path), "load", "--quiet", str(nodes)])
    assert result.exit_code == 0, result.output
    assert client.get("/ready").status_code == 200
    assert client.get("/api/stats").json()["nodes"] == {"Person": 1}
