"""Where the graph lives: the :class:`~orggraph.stores.base.Store` interface and the factory that
opens a backend by URI (the embedded JSON file, SQLite, Neo4j). Backends import :mod:`orggraph.stores.base`, never
this module, so there is no import loop; the factory imports a backend only when it is asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

from orggraph.errors import StoreError, StoreUnavailable
from orggraph.stores.base import Question, Store

STORE_ENV = "ORGGRAPH_STORE"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def default_store_path() -> Path:
    """The default store: an SQLite file in the user data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("orggraph")) / "graph.sqlite"


def legacy_store_path() -> Path:
    """Where the default store was before it became SQLite (a JSON store file); migrated once from."""
    return default_store_path().with_name("graph.json")


def open_store(uri: str | os.PathLike[str] | None = None) -> Store:
    """The store named by ``uri``, else ``$ORGGRAPH_STORE``, else the SQLite file in the user data dir.

    ``neo4j://`` / ``bolt://`` URIs open Neo4j (credentials from NEO4J_USER / NEO4J_PASSWORD,
    database from NEO4J_DATABASE or the URI path); a path ending ``.sqlite``, ``.sqlite3`` or ``.db`` is
    an SQLite store; anything else is a path to an embedded JSON store file.
    """
    target = str(uri) if uri else os.environ.get(STORE_ENV) or str(default_store_path())
    if target.startswith(NEO4J_SCHEMES):
        from orggraph.stores.neo4j import Neo4jStore

        return Neo4jStore.from_uri(target)
    if target.lower().endswith(SQLITE_SUFFIXES):
        from orggraph.stores.sqlite import SQLiteStore

        return SQLiteStore(Path(target).expanduser())
    from orggraph.stores.embedded import EmbeddedStore

    return EmbeddedStore(Path(target).expanduser())


__all__ = ["NEO4J_SCHEMES", "SQLITE_SUFFIXES", "STORE_ENV", "Question", "Store", "StoreError", "StoreUnavailable", "default_store_path",
           "legacy_store_path", "open_store"]
