"""The HTTP API in-process (TestClient): every role, every error shape, loading, CSV, and the CLI's answers."""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, Settings, SettingsError, check_bind, parse_keys
from orggraph.stores.embedded import EmbeddedStore
from tests.browser import ORGGRAPH, needs_engine

KEYS = {"reader": "reader-key-0001", "auditor": "auditor-key-0002", "admin": "admin-key-00003"}
PROBLEM = "application/problem+json"


@pytest.fixture
def store(demo_store_path: Path, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "graph.json"
    shutil.copy(demo_store_path, path)
    return EmbeddedStore(path)


def keyed_settings(**kw: object) -> Settings:
    keys = tuple(ApiKey(key, role, f"{role}-caller") for role, key in KEYS.items())
    return Settings(api_keys=keys, **kw)  # type: ignore[arg-type]


@pytest.fixture
def client(store: EmbeddedStore) -> TestClient:
    return TestClient(create_app(keyed_settings(), store=store), raise_server_exceptions=False,
                      base_url="http://localhost")


@pytest.fixture
def open_client(store: EmbeddedStore) -> TestClient:
    return TestClient(create_app(Settings(), store=store), raise_server_exceptions=False,
                      base_url="http://localhost")


def auth(role: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def a_node(store: EmbeddedStore, label: str) -> str:
    return next(nid for nid, _ in store.graph().nodes(label))


def assert_problem(resp, status: int, *words: str) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    assert body["status"] == status and body["title"] and body["detail"]
    for word in words:
        assert word in body["detail"], body["detail"]
    assert "Traceback" not in resp.text
    return body  # type: ignore[no-any-return]


# ---- health ------------------------------------------------------------------------------------------
def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json()["status"] == "ready"


def test_ready_is_503_when_the_store_cannot_be_read(tmp_path: Path) -> None:
    broken = tmp_path / "graph.json"
    broken.write_text("{not json")
    c = TestClient(create_app(Settings(), store=EmbeddedStore(broken)), raise_server_exceptions=False,
                   base_url="http://localhost")
    assert_problem(c.get("/ready"), 503, "not reachable")
    assert_problem(c.get("/api/stats"), 503, "cannot be read")
    assert c.get("/health").status_code == 200  # alive, just not ready


# ---- access ------------------------------------------------------------------------------------------
def test_no_key_or_a_wrong_key_is_401(client: TestClient, store: EmbeddedStore) -> None:
    assert_problem(client.get("/api/stats"), 401, "API key")
    assert client.get("/api/stats").headers["www-authenticate"].startswith("Bearer")
    assert_problem(client.get("/api/stats", headers={"X-API-Key": "not-a-real-key"}), 401)
    assert client.get("/api/stats", headers={"Authorization": f"Bearer {KEYS['reader']}"}).status_code == 200


@pytest.mark.parametrize("role", ["reader", "auditor", "admin"])
def test_each_role_sees_what_it_should(client: TestClient, store: EmbeddedStore, role: str) -> None:
    h = auth(role)
    person = a_node(store, "Person")
    assert client.get("/api/stats", headers=h).status_code == 200
    assert client.get(f"/api/nodes/{person}", headers=h).status_code == 200
    assert client.get("/api/search", params={"q": "practice"}, headers=h).status_code == 200
    export = client.get("/api/export", headers=h)
    assert export.status_code == (200 if role in ("auditor", "admin") else 403)
    if role == "reader":
        assert_problem(export, 403, "auditor role", "reader role")
    upload = client.post("/api/load", headers=h, files={"files": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    if role == "admin":
        # Nothing loaded at all (a CSV of no known kind): a client error with the file's reason.
        assert_problem(upload, 422, "nothing loaded", "x.csv")
    else:
        assert_problem(upload, 403, "admin role")


@needs_engine
@pytest.mark.parametrize("role,status", [("reader", 403), ("auditor", 200), ("admin", 200)])
def test_register_audit_needs_auditor(client: TestClient, store: EmbeddedStore, role: str, status: int) -> None:
    ccg = a_node(store, "CCG")
    resp = client.get(f"/api/commissioners/{ccg}/audit", params={"as_of": "2019-10-01"}, headers=auth(role))
    assert resp.status_code == status, resp.text
    if status == 200:
        body = resp.json()
        assert body["total"] == len(body["items"]) or body["total"] > body["limit"]


def test_without_keys_everyone_is_a_reader(open_client: TestClient) -> None:
    assert open_client.get("/api/stats").status_code == 200
    assert_problem(open_client.get("/api/export"), 403, "auditor")
    assert_problem(open_client.post("/api/load", files={"files": ("x.csv", b"a\n", "text/csv")},
                                    headers={"Origin": "http://localhost"}), 403, "admin")


def test_without_keys_only_loopback_is_allowed() -> None:
    check_bind(Settings(), "127.0.0.1")
    check_bind(Settings(), "::1")
    with pytest.raises(SettingsError, match="without API keys"):
        check_bind(Settings(), "0.0.0.0")
    check_bind(keyed_settings(), "0.0.0.0")


def test_serve_refuses_a_public_host_without_keys(demo_store_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("ORGGRAPH_API_KEYS")}
    out = subprocess.run([str(ORGGRAPH), "--store", str(demo_store_path), "serve", "--host", "0.0.0.0",
                          "--port", "1"], capture_output=True, text=True, timeout=60, env=env, check=False)
    assert out.returncode == 1
    assert "refusing to listen on 0.0.0.0 without API keys" in out.stderr


def test_keys_from_env_and_file(tmp_path: Path) -> None:
    keyfile = tmp_path / "keys"
    keyfile.write_text("# governance team\nfile-key-123456:auditor:audit-team\n\n")
    s = Settings.from_env(env={"ORGGRAPH_API_KEYS": "env-key-1234567:admin,env-key-7654321:reader:bot",
                               "ORGGRAPH_API_KEYS_FILE": str(keyfile)})
    assert [(k.name, k.role) for k in s.api_keys] == [("admin-1", "admin"), ("bot", "reader"),
                                                       ("audit-team", "auditor")]
    with pytest.raises(SettingsError) as err:
        parse_keys("secret-value-99:superuser", "ORGGRAPH_API_KEYS")
    assert "superuser" in str(err.value) and "secret-value-99" not in str(err.value)


def test_requests_are_logged_without_keys_or_personal_data(client: TestClient, store: EmbeddedStore,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    person = a_node(store, "Person")
    with caplog.at_level(logging.INFO, logger="orggraph.api.access"):
        client.get(f"/api/nodes/{person}", headers=auth("auditor"))
        client.get("/api/search", params={"q": "secretname"}, headers=auth("reader"))
        client.get("/api/export", headers=auth("reader"))
    lines = [r.getMessage() for r in caplog.records if r.name == "orggraph.api.access"]
    text = "\n".join(lines)
    assert "auditor-caller/auditor GET /api/nodes/{node_id} 200" in text
    assert "reader-caller/reader GET /api/search 200" in text
    assert "reader-caller/reader GET /api/export 403" in text
    for secret in (*KEYS.values(), person, "secretname"):
        assert secret not in text


# ---- errors ------------------------------------------------------------------------------------------
def test_errors_are_problem_json(client: TestClient, store: EmbeddedStore) -> None:
    h = auth("reader")
    assert_problem(client.get("/api/nodes/NO-SUCH-NODE", headers=h), 404, "NO-SUCH-NODE")
    person = a_node(store, "Person")
    assert_problem(client.get(f"/api/nodes/{person}", params={"as_of": "2019-13-45"}, headers=h), 422,
                   "query as_of", "date")
    body = assert_problem(client.get("/api/search", headers=h), 422, "q")
    assert body["errors"][0]["location"] == "query q"
    assert_problem(client.get(f"/api/nodes/{person}/ego", params={"hops": 9}, headers=h), 422, "hops")
    assert_problem(client.get("/api/no-such-route", headers=h), 404)
    assert_problem(client.delete("/api/stats", headers=h), 405)


def test_an_unexpected_failure_is_a_bare_500(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    c = TestClient(create_app(Settings(), store=store), raise_server_exceptions=False,
                   base_url="http://localhost")

    def broken() -> None:
        raise RuntimeError("internal detail /secret/path")

    monkeypatch.setattr(store, "graph", broken)
    resp = c.get("/api/stats")
    assert_problem(resp, 500, "unexpected")
    assert "/secret/path" not in resp.text and "RuntimeError" not in resp.text


# ---- exploring ---------------------------------------------------------------------------------------
def test_node_with_relationships_sources_and_as_of(open_client: TestClient, store: EmbeddedStore) -> None:
    graph = store.graph()
    committee = a_node(store, "Committee")
    full = open_client.get(f"/api/nodes/{committee}").json()
    assert full["label"] == "Committee"
    assert len(full["relationships"]) == len(list(graph.out_rels(committee))) + len(list(graph.in_rels(committee)))
    assert full["sources"] and all(isinstance(s, str) for s in full["sources"])
    dated = [r for r in full["relationships"] if r["properties"].get("valid_to")]
    if dated:
        after = dated[0]["properties"]["valid_to"]
        later = open_client.get(f"/api/nodes/{committee}", params={"as_of": "2099-01-01"}).json()
        assert len(later["relationships"]) < len(full["relationships"]), after


def test_search_is_paged_in_a_stable_order(open_client: TestClient) -> None:
    first = open_client.get("/api/search", params={"q": "practice", "limit": 5}).json()
    second = open_client.get("/api/search", params={"q": "practice", "limit": 5, "offset": 5}).json()
    everything = open_client.get("/api/search", params={"q": "practice", "limit": 1000}).json()
    assert first["total"] == everything["total"] > 10
    ids = [h["id"] for h in everything["items"]]
    assert [h["id"] for h in first["items"] + second["items"]] == ids[:10]
    assert ids == [h["id"] for h in open_client.get("/api/search", params={"q": "practice", "limit": 1000}
                                                    ).json()["items"]]


def test_ego_network_hops_trim_and_as_of(open_client: TestClient, store: EmbeddedStore) -> None:
    committee = a_node(store, "Committee")
    one = open_client.get(f"/api/nodes/{committee}/ego").json()
    two = open_client.get(f"/api/nodes/{committee}/ego", params={"hops": 2}).json()
    assert {n["id"] for n in one["nodes"]} < {n["id"] for n in two["nodes"]}
    ids = {n["id"] for n in one["nodes"]}
    assert all(e["from_id"] in ids and e["to_id"] in ids for e in one["edges"])
    trimmed = open_client.get(f"/api/nodes/{committee}/ego", params={"hops": 2, "max_nodes": 5}).json()
    assert len(trimmed["nodes"]) == 5 and trimmed["trimmed"] == len(two["nodes"]) - 5
    early = open_client.get(f"/api/nodes/{committee}/ego", params={"as_of": "1990-01-01"}).json()
    assert len(early["nodes"]) < len(one["nodes"])


def test_stats_match_the_graph(open_client: TestClient, store: EmbeddedStore) -> None:
    assert open_client.get("/api/stats").json() == store.graph().stats()


def test_export_is_the_canonical_graph(client: TestClient, store: EmbeddedStore) -> None:
    assert client.get("/api/export", headers=auth("auditor")).json() == json.loads(
        json.dumps(store.graph().to_data()))


# ---- loading -----------------------------------------------------------------------------------------
def write_graph_csvs(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    nodes = folder / "nodes_Person.csv"
    nodes.write_text("id:ID,:LABEL,name\nT-PER-1,Person,Test Person One\nT-PER-2,Person,Test Person Two\n")
    rels = folder / "rels_FAMILY_OF.csv"
    rels.write_text(":START_ID,:TYPE,:END_ID,valid_from:date\nT-PER-1,FAMILY_OF,T-PER-2,2019-01-01\n"
                    "T-PER-1,FAMILY_OF,T-PER-2,not-a-date\n")
    return nodes, rels


def test_admin_loads_files_with_the_cli_report(client: TestClient, store: EmbeddedStore, tmp_path: Path) -> None:
    nodes, rels = write_graph_csvs(tmp_path / "upload")
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in (nodes, rels)]
    resp = client.post("/api/load", headers=auth("admin"), files=files)
    assert resp.status_code == 200, resp.text
    reports = resp.json()
    assert [r["file"] for r in reports] == [nodes.name, rels.name]
    assert reports[0]["status"] == "loaded" and reports[0]["loaded"] == 2
    bad = reports[1]["rejected"]
    assert reports[1]["rejected_rows"] == 1 and bad[0]["row"] == 3 and bad[0]["value"] == "not-a-date"
    assert bad[0]["column"].startswith("valid_from")
    assert store.graph().node("T-PER-1")["name"] == "Test Person One"
    assert client.get("/api/nodes/T-PER-1", headers=auth("reader")).json()["relationships"][0]["type"] == "FAMILY_OF"
    # The CLI gives the same report for the same files.
    cli_store = tmp_path / "cli.json"
    shutil.copy(store.path, cli_store)
    report_path = tmp_path / "report.json"
    subprocess.run([str(ORGGRAPH), "--store", str(cli_store), "load", "--quiet", "--report", str(report_path),
                    str(nodes), str(rels)], capture_output=True, text=True, timeout=120, check=False)
    cli_reports = json.loads(report_path.read_text())
    for api_rep, cli_rep in zip(reports, cli_reports, strict=True):
        for key in ("file", "kind", "read", "loaded", "status", "rejected_rows"):
            assert api_rep[key] == cli_rep[key], key


def test_upload_size_limit_and_bad_kind(store: EmbeddedStore) -> None:
    c = TestClient(create_app(keyed_settings(max_upload_bytes=100), store=store), raise_server_exceptions=False,
                   base_url="http://localhost")
    big = b"id:ID,:LABEL,name\n" + b"X,Person,Y\n" * 50
    assert_problem(c.post("/api/load", headers=auth("admin"), files={"files": ("big.csv", big, "text/csv")}),
                   413, "limit")
    # The limit is on the whole request and is checked first (issue 11): the bad kind needs room to be seen.
    roomy = TestClient(create_app(keyed_settings(max_upload_bytes=10_000), store=store), raise_server_exceptions=False, base_url="http://localhost")
    assert_problem(roomy.post("/api/load", headers=auth("admin"), data={"kind": "nonsense"},
                              files={"files": ("a.csv", b"a\n", "text/csv")}), 400, "nonsense")
    assert_problem(c.post("/api/load", headers=auth("admin")), 422, "files")


# ---- findings (engine) -------------------------------------------------------------------------------
def cli_json(store: EmbeddedStore, *args: str) -> object:
    out = subprocess.run([str(ORGGRAPH), "--store", str(store.path), *args], capture_output=True, text=True, check=False,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def all_pages(c: TestClient, url: str, **params: object) -> list[dict]:
    items: list[dict] = []
    while True:
        page = c.get(url, params={**params, "limit": 1000, "offset": len(items)}).json()
        items += page["items"]
        if len(items) >= page["total"]:
            return items


@needs_engine
def test_conflicts_match_the_cli(open_client: TestClient, store: EmbeddedStore) -> None:
    api_all = all_pages(open_client, "/api/conflicts")
    assert api_all, "the demo should have conflicts"
    assert api_all == cli_json(store, "conflicts")
    decision = api_all[0]["decision_id"]
    assert all_pages(open_client, "/api/conflicts", decision=decision) == cli_json(store, "conflicts",
                                                                                   "--decision", decision)
    person = api_all[-1]["person_id"]
    assert all_pages(open_client, "/api/conflicts", person=person) == cli_json(store, "conflicts", "--person", person)


@needs_engine
def test_conflict_filters_and_csv(open_client: TestClient) -> None:
    everything = all_pages(open_client, "/api/conflicts")
    breaches = all_pages(open_client, "/api/conflicts", breach="true")
    assert breaches == [c for c in everything if c["breach"]]
    undeclared = all_pages(open_client, "/api/conflicts", declaration="undeclared")
    assert undeclared == [c for c in everything if c["declaration"] == "undeclared"]
    dates = sorted(c["date"] for c in everything)
    mid = dates[len(dates) // 2]
    assert all_pages(open_client, "/api/conflicts", date_from=mid) == [c for c in everything if c["date"] >= mid]
    by_param = open_client.get("/api/conflicts", params={"format": "csv"})
    by_accept = open_client.get("/api/conflicts", headers={"Accept": "text/csv"})
    assert by_param.headers["content-type"].startswith("text/csv")
    assert by_param.text == by_accept.text
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert [(r["person_id"], r["decision_id"]) for r in rows] == [(c["person_id"], c["decision_id"])
                                                                  for c in everything]
    assert_problem(open_client.get("/api/conflicts", params={"decision": "NOPE"}), 404, "NOPE")
    assert_problem(open_client.get("/api/conflicts", params={"date_from": "yesterday"}), 422, "date_from")


@needs_engine
def test_one_decision_quorum_and_evidence(open_client: TestClient, store: EmbeddedStore) -> None:
    conflict = all_pages(open_client, "/api/conflicts")[0]
    d = open_client.get(f"/api/decisions/{conflict['decision_id']}").json()
    assert d["id"] == conflict["decision_id"] and d["parties"]
    assert conflict["person_id"] in [c["person_id"] for c in d["conflicts"]]
    assert d["quorum"]["decision_id"] == d["id"]
    assert {c["person_id"] for c in d["conflicts"]} <= set(d["decision_makers"])
    assert any(e["type"] == "DECIDED_BY" for e in d["evidence"])
    assert d == {**d, "quorum": cli_json(store, "quorum", "--decision", d["id"])}
    assert_problem(open_client.get(f"/api/decisions/{a_node(store, 'Person')}"), 404, "not a decision")


@needs_engine
def test_composition_and_paths_match_the_cli(open_client: TestClient, store: EmbeddedStore) -> None:
    committee = a_node(store, "Committee")
    comp = open_client.get(f"/api/committees/{committee}/composition", params={"as_of": "2019-10-01"}).json()
    assert comp == cli_json(store, "composition", "--committee", committee, "--as-of", "2019-10-01")
    conflict = all_pages(open_client, "/api/conflicts")[0]
    person, org = conflict["person_id"], conflict["parties"][0]
    paths = open_client.get("/api/paths", params={"from": person, "to": org, "as_of": conflict["date"]}).json()
    assert paths["interest_paths"], "the conflict's own path should be found"
    cli_paths = cli_json(store, "paths", person, org, "--as-of", conflict["date"])
    cli_list = cli_paths["interest_paths"] if isinstance(cli_paths, dict) else cli_paths
    assert paths["interest_paths"] == cli_list
    assert_problem(open_client.get("/api/paths", params={"from": org, "to": person}), 400, "Person")
