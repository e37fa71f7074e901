"""Shared fixtures. Real NHS files come from ../shared/data/real (tests skip only if it is absent)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from orggraph.stores.base import Store
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("ORGGRAPH_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))
ARTIFACTS = ROOT / "tests" / "artifacts"

# Fixture modules owned by separate areas (Neo4j server, browser); each registers its own fixtures.
pytest_plugins = [p for p in ("tests.neo4j_server", "tests.browser") if (ROOT / (p.replace(".", "/") + ".py")).exists()]


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip(f"real NHS files not found at {REAL_DATA} (needs ../shared beside the checkout)")
    return REAL_DATA


@pytest.fixture(params=["embedded", "sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def each_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind: the JSON file, SQLite, and Neo4j (the test session's server)."""
    if request.param == "embedded":
        yield EmbeddedStore(tmp_path / "graph.json")
    elif request.param == "sqlite":
        with SQLiteStore(tmp_path / "graph.sqlite") as lite:
            yield lite
    else:
        yield request.getfixturevalue("neo4j_store")


@pytest.fixture
def embedded_store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "graph.json")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
