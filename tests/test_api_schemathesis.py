"""schemathesis against the running server's own /openapi.json: no 5xx, every response as documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.browser import LiveServer, start_server, stop_server

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


def test_server_log_has_no_5xx_and_no_key(keyed_server: LiveServer) -> None:
    log = keyed_server.log()
    assert " GET /api/" in log, "the request log should show the calls made above"
    assert AUDITOR_KEY not in log
    assert not any(line.split()[-2:-1] and line.split()[-2].startswith("5") for line in log.splitlines()
                   if line.count(" ") > 4 and "ms" in line), log[-3000:]
    assert "Traceback" not in log
