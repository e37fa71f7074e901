"""Issue 11, API and pages: formula injection in every CSV/XLSX output, DNS rebinding (Host), CSRF and
sessions, one date format, /ready, Cache-Control and the OpenAPI security schemes."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, Settings, SettingsError
from orggraph.csvsafe import guard_cell, unguard_cell
from orggraph.export import export_graph
from orggraph.findings import rows_to_csv
from orggraph.graph import OrgGraph
from orggraph.models import node, rel
from orggraph.stores.embedded import EmbeddedStore
from tests.browser import needs_engine

KEYS = {"reader": "reader-key-0001", "auditor": "auditor-key-0002", "admin": "admin-key-00003"}
LOCAL = "http://localhost"
HTML = {"Accept": "text/html"}
NASTY = ["=HYPERLINK(\"http://x.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR",
         "'=already quoted", "''@two quotes", "'plain quote", "ordinary", "-", "=", ""]


@pytest.fixture
def store(demo_store_path: Path, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "graph.json"
    shutil.copy(demo_store_path, path)
    return EmbeddedStore(path)


def keyed(**kw: object) -> Settings:
    keys = tuple(ApiKey(key, role, f"{role}-caller") for role, key in KEYS.items())
    return Settings(api_keys=keys, **kw)  # type: ignore[arg-type]


def client_for(store: EmbeddedStore, settings: Settings, base_url: str = LOCAL) -> TestClient:
    return TestClient(create_app(settings, store=store), base_url=base_url, raise_server_exceptions=False)


# ---- item 14: formula injection ----------------------------------------------------------------------
def test_guard_neutralises_formula_starts_and_unguard_inverts_it() -> None:
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert guard_cell(text) == "'" + text
    assert guard_cell("plain") == "plain" and guard_cell("'plain") == "'plain"
    assert guard_cell("'=x") == "''=x"  # a quote already before a trigger gets one more, so import is exact
    assert guard_cell(-5) == -5 and guard_cell(-5.5) == -5.5 and guard_cell(None) is None  # numbers stay numbers
    for text in NASTY:
        assert unguard_cell(guard_cell(text)) == text


def test_findings_csv_cells_are_guarded_and_numbers_stay_numbers() -> None:
    rows = [{"name": text, "value_gbp": -5, "score": -0.5} for text in NASTY]
    out = list(csv.reader(io.StringIO(rows_to_csv(rows, ["name", "value_gbp", "score"]), newline="")))
    for (name, value, score), text in zip(out[1:], NASTY, strict=True):
        assert name[:1] not in ("=", "+", "-", "@", "\t", "\r"), name
        assert unguard_cell(name) == text
        assert (value, score) == ("-5", "-0.5")


@needs_engine
def test_api_and_cli_conflict_csv_is_guarded(store: EmbeddedStore) -> None:
    c = client_for(store, Settings())
    first = c.get("/api/conflicts", params={"limit": 1}).json()["items"][0]
    store.write([node(first["person_id"], "Person", {"name": "=HYPERLINK(\"http://x.example\")"})])
    text = c.get("/api/conflicts", params={"format": "csv", "person": first["person_id"]}).text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows and all(r["person_name"] == "'=HYPERLINK(\"http://x.example\")" for r in rows)


def nasty_graph() -> OrgGraph:
    graph = OrgGraph()
    src = "=test source"
    records = [node(f"P{i}", "Person", {"name": text or None}, source=src) for i, text in enumerate(NASTY)]
    records += [node("=ID1", "Person", {"name": "-leading minus id\r=smuggled"}, source=src),
                node("CM1", "Committee", {"name": "+Committee"}, source=src),
                node("D1", "Decision", {"title": "@decision", "date": "2019-04-01", "value_gbp": -5.0}, source=src),
                rel("D1", "DECIDED_BY", "CM1", {}, source=src),
                rel("=ID1", "SITS_ON", "CM1", {"role": "chair", "valid_from": "2019-01-01"}, source=src)]
    graph.apply(records)
    assert graph.g.number_of_nodes() == len(NASTY) + 3 and graph.g.number_of_edges() == 2
    return graph


def test_graph_csv_export_is_guarded_and_reloads_identically(tmp_path: Path) -> None:
    from loaders.pipeline import load_paths

    graph = nasty_graph()
    files = export_graph(graph, "csv", tmp_path / "csv")
    cells = [cell for f in files for row in csv.reader(f.open(encoding="utf-8", newline="")) for cell in row]
    bad = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
    assert not bad
    assert "-5.0" in cells  # a negative number in a numeric column stays a number
    store = EmbeddedStore(tmp_path / "reloaded.json")
    reports = load_paths(store, sorted(files))
    assert all(r.status == "loaded" for r in reports), [(r.file, r.error, r.rejected[:3]) for r in reports]
    assert store.graph().to_data() == graph.to_data()


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_register_xlsx_writer_keeps_formula_text_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from loaders.register.writers import XLSX_FIRST_DATA_ROW, write_register_xlsx

    path = write_register_xlsx(tmp_path / "r.xlsx", [{"name": "=1+1", "position": "@member", "nature": "-x"}])
    ws = load_workbook(path).active
    r = XLSX_FIRST_DATA_ROW
    assert ws[f"A{r}"].data_type == "s" and ws[f"A{r}"].value == "=1+1"
    assert ws[f"A{r}"].quotePrefix and ws[f"B{r}"].quotePrefix and ws[f"H{r}"].quotePrefix


# ---- item 15: DNS rebinding --------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_host_names_are_accepted(store: EmbeddedStore, host: str) -> None:
    c = client_for(store, Settings())
    assert c.get("/api/stats", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "testserver"])
def test_other_host_names_are_400(store: EmbeddedStore, host: str) -> None:
    c = client_for(store, Settings())
    for path in ("/api/stats", "/", "/health"):
        resp = c.get(path, headers={"Host": host})
        assert resp.status_code == 400, (path, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert "ORGGRAPH_ALLOWED_HOSTS" in resp.json()["detail"] and "Traceback" not in resp.text


def test_allowed_hosts_are_configurable(store: EmbeddedStore) -> None:
    settings = Settings.from_env(env={"ORGGRAPH_ALLOWED_HOSTS": "graph.example.nhs.uk, Other.Example"})
    assert "graph.example.nhs.uk" in settings.allowed_hosts and "localhost" in settings.allowed_hosts
    c = client_for(store, settings)
    assert c.get("/api/stats", headers={"Host": "graph.example.nhs.uk:443"}).status_code == 200
    assert c.get("/api/stats", headers={"Host": "other.example"}).status_code == 200
    assert c.get("/api/stats", headers={"Host": "evil.example"}).status_code == 400
    with pytest.raises(SettingsError, match="ORGGRAPH_ALLOWED_HOSTS"):
        Settings.from_env(env={"ORGGRAPH_ALLOWED_HOSTS": "bad host/"})
    assert "10.1.2.3" in Settings().with_bind_host("10.1.2.3").allowed_hosts
    assert Settings().with_bind_host("0.0.0.0").allowed_hosts == Settings().allowed_hosts


# ---- item 16: CSRF and sessions ----------------------------------------------------------------------
def login(c: TestClient, key: str, origin: str | None = LOCAL) -> object:
    headers = {"Origin": origin} if origin else {}
    return c.post("/login", data={"key": key}, headers=headers, follow_redirects=False)


def test_login_cookie_is_a_session_token_not_the_key_and_rotates(store: EmbeddedStore) -> None:
    c = client_for(store, keyed())
    first = login(c, KEYS["reader"])
    assert first.status_code == 303  # type: ignore[attr-defined]
    token = c.cookies.get("orggraph_session")
    assert token and KEYS["reader"] not in first.headers["set-cookie"]  # type: ignore[attr-defined]
    assert all(key not in (token or "") for key in KEYS.values())
    assert c.get("/", headers=HTML).status_code == 200
    login(c, KEYS["reader"])
    second = c.cookies.get("orggraph_session")
    assert second and second != token
    c.cookies.set("orggraph_session", token)
    assert c.get("/", headers=HTML).status_code == 401  # the old session ended when a new one began
    c.cookies.set("orggraph_session", second)
    assert c.post("/logout", headers={"Origin": LOCAL}, follow_redirects=False).status_code == 303
    c.cookies.set("orggraph_session", second)
    assert c.get("/", headers=HTML).status_code == 401  # logout ends the session on the server too


def test_cross_origin_posts_with_a_cookie_are_403(store: EmbeddedStore, tmp_path: Path) -> None:
    c = client_for(store, keyed())
    assert login(c, KEYS["admin"], origin="http://evil.example").status_code == 403  # type: ignore[attr-defined]
    assert login(c, KEYS["admin"], origin=None).status_code == 403  # type: ignore[attr-defined]
    assert login(c, KEYS["admin"]).status_code == 303  # type: ignore[attr-defined]
    upload = {"files": ("x.csv", b"a,b\n1,2\n", "text/csv")}
    for headers in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/page"}, {},
                    {"Origin": "null"}):
        resp = c.post("/api/load", files=upload, headers=headers)
        assert resp.status_code == 403, (headers, resp.text)
        assert "origin" in resp.json()["detail"].lower()
    for headers in ({"Origin": LOCAL}, {"Referer": LOCAL + "/load"}):
        resp = c.post("/api/load", files=upload, headers=headers)
        # The signed-in admin's session is the upload's principal, also for the guard that refuses
        # uploads before their body is read (api/uploads.py): not a 401, not a 403.
        assert resp.status_code not in (401, 403), (headers, resp.text)
    assert c.post("/logout", headers={"Origin": "http://evil.example"}).status_code == 403


def test_api_key_requests_need_no_origin(store: EmbeddedStore) -> None:
    c = client_for(store, keyed())
    upload = {"files": ("x.csv", b"a,b\n1,2\n", "text/csv")}
    resp = c.post("/api/load", files=upload, headers={"X-API-Key": KEYS["admin"], "Origin": "http://evil.example"})
    assert resp.status_code != 403, resp.text
    resp = c.post("/api/load", files=upload, headers={"Authorization": f"Bearer {KEYS['admin']}"})
    assert resp.status_code != 403, resp.text


# ---- item 17: dates, /ready, caching, OpenAPI ------------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "2020-1-1", "20200101", "2020-W01-1", "2020-01-01T00:00", "1577836800"])
def test_dates_are_iso_only_everywhere(store: EmbeddedStore, value: str) -> None:
    c = client_for(store, Settings())
    graph = store.graph()
    person = next(nid for nid, _ in graph.nodes("Person"))
    committee = next(nid for nid, _ in graph.nodes("Committee"))
    commissioner = next(nid for nid, _ in graph.nodes("CCG"))
    for path, name in ((f"/api/nodes/{person}", "as_of"), (f"/api/nodes/{person}/ego", "as_of"),
                       (f"/api/committees/{committee}/composition", "as_of"), ("/api/conflicts", "date_from"),
                       ("/api/conflicts", "date_to"), (f"/api/paths?from={person}&to={committee}", "as_of")):
        resp = c.get(path, params={name: value})
        assert resp.status_code == 422, (path, name, resp.text)
        assert name in resp.json()["detail"] and "yyyy-mm-dd" in resp.json()["detail"], resp.text
    audit = client_for(store, keyed()).get(f"/api/commissioners/{commissioner}/audit", params={"as_of": value},
                                           headers={"X-API-Key": KEYS["auditor"]})
    assert audit.status_code == 422 and "as_of" in audit.json()["detail"], audit.text
    for path, name in ((f"/node/{person}", "as_of"), (f"/committee/{committee}", "as_of"), ("/conflicts", "date_from"),
                       ("/conflicts", "date_to")):
        resp = c.get(path, params={name: value}, headers=HTML)
        assert resp.status_code == 422, (path, name, resp.text[:300])
        assert name in resp.text and "yyyy-mm-dd" in resp.text
    assert c.get(f"/api/nodes/{person}", params={"as_of": "2020-01-01"}).status_code == 200


def test_core_iso_is_strict() -> None:
    from orggraph.temporal import iso

    assert iso("2020-01-01") == "2020-01-01"
    for bad in ("20200101", "2020-W01-1", "2020-1-1", "0"):
        with pytest.raises(ValueError):
            iso(bad)


def test_ready_does_not_reveal_the_store_path(tmp_path: Path) -> None:
    secret = tmp_path / "very-secret-folder"
    secret.mkdir()
    broken = secret / "graph.json"
    broken.write_text("{not json")
    for settings in (Settings(), keyed()):
        c = client_for(EmbeddedStore(broken), settings)
        resp = c.get("/ready")
        assert resp.status_code == 503
        assert "very-secret-folder" not in resp.text and "graph.json" not in resp.text, resp.text
        assert "server log" in resp.json()["detail"]
    keyed_resp = client_for(EmbeddedStore(broken), keyed()).get("/ready", headers={"X-API-Key": KEYS["reader"]})
    assert keyed_resp.status_code == 503 and "very-secret-folder" in keyed_resp.text  # a key holder may know


def test_personal_data_is_not_cached(store: EmbeddedStore) -> None:
    c = client_for(store, Settings())
    person = next(nid for nid, _ in store.graph().nodes("Person"))
    for path in ("/api/stats", f"/api/nodes/{person}", "/api/search?q=a", "/", f"/node/{person}",
                 "/api/nodes/NO-SUCH", "/login"):
        resp = c.get(path, headers=HTML if not path.startswith("/api") else {})
        assert "no-store" in resp.headers.get("cache-control", ""), path
    assert "no-store" not in c.get("/static/api/swagger-init.js").headers.get("cache-control", "")


def test_openapi_declares_its_security_schemes(store: EmbeddedStore) -> None:
    spec = client_for(store, keyed()).get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("in"), s.get("name"), s.get("scheme")) for s in schemes.values()}
    assert ("apiKey", "header", "X-API-Key", None) in kinds and ("http", None, None, "bearer") in kinds
    stats = spec["paths"]["/api/stats"]["get"]
    assert stats.get("security") and "security" not in spec["paths"]["/health"]["get"]


def test_serve_names_a_bad_allowed_host(demo_store_path: Path) -> None:
    import subprocess

    from tests.browser import ORGGRAPH

    out = subprocess.run([str(ORGGRAPH), "--store", str(demo_store_path), "serve", "--allowed-host", "bad host/"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 1 and "--allowed-host" in out.stderr and "Traceback" not in out.stderr, out.stderr


@pytest.mark.browser
def test_a_real_browser_can_sign_in_and_out(demo_store_path: Path, tmp_path: Path, chrome: object) -> None:
    """Chromium's own form POSTs pass the same-origin check (Referrer-Policy same-origin keeps its
    Origin header real, where no-referrer made it "null"), and the cookie holds no key."""
    from selenium.webdriver.common.by import By

    from tests.browser import start_server, stop_server

    store = tmp_path / "graph.json"
    shutil.copy(demo_store_path, store)
    server = start_server(store, {"ORGGRAPH_API_KEYS": "browser-reader-key:reader:lead"}, tmp_path)
    try:
        driver: Any = chrome
        driver.get(server.url + "/login")
        driver.find_element(By.ID, "key").send_keys("browser-reader-key")
        driver.find_element(By.CSS_SELECTOR, "form.login").submit()
        assert "lead (reader)" in driver.page_source
        cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
        assert cookies.get("orggraph_session") and "browser-reader-key" not in str(cookies)
    finally:
        stop_server(server)
