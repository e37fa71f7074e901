"""schemathesis against the running server's own /openapi.json: no 5xx, every response as documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.browser import LiveServer, needs_engine, start_server, stop_server

AUDITOR_KEY = "schemathesis-auditor-key"


@pytest.fixture(scope="module")
def keyed_server(demo_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A copy of the demo store: nothing here may change the one other tests share.
    store = tmp_path_factory.mktemp("st-store") / "graph.json"
    store.write_bytes(demo_store_path.read_bytes())
    server = start_server(store, {"ORGGRAPH_API_KEYS": f"{AUDITOR_KEY}:auditor:schemathesis"},
                          tmp_path_factory.mktemp("st-log"))
    yield server
    stop_server(server)


@needs_engine  # without it the findings routes answer 503, which schemathesis rightly flags
def test_api_matches_its_openapi(keyed_server: LiveServer) -> None:
    """Every operation, 25 generated cases each (valid and invalid input), all default checks."""
    schema = schemathesis.openapi.from_url(keyed_server.url + "/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"X-API-Key": AUDITOR_KEY})

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report every operation together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
    # The server's own log agrees: every call logged, no 5xx, no key, no traceback.
    lines = [ln for ln in keyed_server.log().splitlines() if ln.endswith("ms") and " /api/" in ln]
    assert len(lines) > operations
    assert not [ln for ln in lines if ln.split()[-2].startswith("5")]
    assert AUDITOR_KEY not in keyed_server.log() and "Traceback" not in keyed_server.log()
