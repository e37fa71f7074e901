"""schemathesis against the running server's own /openapi.json, with every role's key and every built-in
check: no 5xx, every response as documented, uploads (POST /api/load) and date parameters included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from tests.browser import LiveServer, needs_engine, start_server, stop_server

KEYS = {"reader": "schemathesis-reader-key", "auditor": "schemathesis-auditor-key",
        "admin": "schemathesis-admin-key"}
EXAMPLES = 20  # per operation and role: about 40 s for the three roles here


@pytest.fixture(scope="module")
def keyed_server(demo_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A copy of the demo store: nothing here may change the one other tests share (admin uploads write).
    store = tmp_path_factory.mktemp("st-store") / "graph.json"
    store.write_bytes(demo_store_path.read_bytes())
    keys = ",".join(f"{key}:{role}:schemathesis-{role}" for role, key in KEYS.items())
    server = start_server(store, {"ORGGRAPH_API_KEYS": keys}, tmp_path_factory.mktemp("st-log"))
    yield server
    stop_server(server)


def every_check() -> list[schemathesis.CheckFunction]:
    load_all_checks()
    return list(CHECKS.get_all())  # type: ignore[arg-type]


def upload_rejection_is_explained(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                                  case: schemathesis.Case) -> bool | None:
    """POST /api/load in place of positive_data_acceptance: a schema-valid upload (any bytes are a valid
    file to the schema) may still hold nothing loadable; then it must be a 422 saying why, per file."""
    if response.status_code == 422:
        detail = response.json().get("detail", "")
        assert detail.startswith(("nothing loaded: ", "body ")), detail
    return None


def test_the_schema_declares_uploads_dates_and_keys(keyed_server: LiveServer) -> None:
    """What the run below covers is in the schema: the upload, ISO date parameters, the key schemes."""
    raw = schemathesis.openapi.from_url(keyed_server.url + "/openapi.json").raw_schema
    assert "multipart/form-data" in raw["paths"]["/api/load"]["post"]["requestBody"]["content"]
    dates = [p for path in raw["paths"].values() for op in path.values() for p in op.get("parameters", [])
             if p["name"] in ("as_of", "date_from", "date_to")]
    assert len(dates) >= 6
    for p in dates:
        schema = next(s for s in p["schema"].get("anyOf", [p["schema"]]) if s.get("type") == "string")
        assert schema["format"] == "date" and schema["pattern"] == r"^\d{4}-\d{2}-\d{2}$", p
    assert set(raw["components"]["securitySchemes"]) == {"ApiKey", "Bearer"}


@needs_engine  # without it the findings routes answer 503, which schemathesis rightly flags
@pytest.mark.parametrize("role", list(KEYS))
def test_api_matches_its_openapi(keyed_server: LiveServer, role: str) -> None:
    """Every operation, generated cases (valid and invalid input), every built-in check, as ``role``."""
    schema = schemathesis.openapi.from_url(keyed_server.url + "/openapi.json")
    checks = every_check()
    positive = next(c for c in checks if getattr(c, "__name__", "") == "positive_data_acceptance")
    upload_checks = [c for c in checks if c is not positive] + [upload_rejection_is_explained]
    failures: list[str] = []
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case: schemathesis.Case) -> None:
            chosen = upload_checks if case.operation.label == "POST /api/load" else checks
            case.call_and_validate(headers={"X-API-Key": KEYS[role]}, checks=chosen)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report every operation together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert len(labels) >= 10 and "POST /api/load" in labels
    assert not failures, "\n\n".join(failures)
    # The server's own log agrees: every call logged, no 5xx, no key, no traceback.
    lines = [ln for ln in keyed_server.log().splitlines() if ln.endswith("ms") and " /api/" in ln]
    assert len(lines) > len(labels)
    assert not [ln for ln in lines if ln.split()[-2].startswith("5")]
    assert not any(key in keyed_server.log() for key in KEYS.values()) and "Traceback" not in keyed_server.log()
