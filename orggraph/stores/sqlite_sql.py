"""The SQLite store's tables and statements (the conversions between rows and an :class:`OrgGraph` are
:mod:`orggraph.stores.sqlite_rows`, imported only by what reads or writes graphs: counting and the
change counter need neither networkx nor the models).

One row per node (``nodes``) and per relationship (``rels``); properties are a JSON object with sorted
keys (readable by SQLite's JSON functions). A relationship's identity is its ``(start, type, end, key)``,
``key`` being its identity start date or "" (:func:`orggraph.models.identity_start`), so the graph's edge
key is ``f"{type}|{key}"`` (:func:`orggraph.models.rel_key`). The primary key of ``rels`` starts with
``(start, type)``, so it is also the index for a node's outgoing links of a type.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orggraph.schema import Schema

# The layout of these tables; a store written by a newer layout is refused, not misread.
STORE_FORMAT = 1
FORMAT_NAME = "orggraph-sqlite"

CREATE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    props TEXT NOT NULL,           -- JSON object, sorted keys
    sid TEXT NOT NULL,             -- the id folded by normalise_text, for search
    search TEXT NOT NULL           -- the name folded by normalise_text, for search
) WITHOUT ROWID;
CREATE TABLE rels (
    start TEXT NOT NULL,
    type TEXT NOT NULL,
    "end" TEXT NOT NULL,
    key TEXT NOT NULL,             -- identity start date, or ''
    props TEXT NOT NULL,
    PRIMARY KEY (start, type, "end", key)
) WITHOUT ROWID;
CREATE INDEX rels_end_type ON rels ("end", type);
CREATE INDEX rels_type ON rels (type);
CREATE INDEX nodes_label ON nodes (label);
"""

READ_VERSION = "SELECT value FROM meta WHERE key = 'version'"
BUMP_VERSION = "UPDATE meta SET value = value + 1 WHERE key = 'version'"
ALL_NODES = "SELECT id, label, props FROM nodes ORDER BY id"
# The order OrgGraph.from_data adds edges in (start, end, edge key), so the engine iterates alike.
ALL_RELS = """SELECT start, type, "end", key, props FROM rels ORDER BY start, "end", type || '|' || key"""
COUNT_NODES = "SELECT label, count(*) FROM nodes GROUP BY label"
COUNT_RELS = "SELECT type, count(*) FROM rels GROUP BY type"
REL_BY_KEY = """SELECT start, type, "end", key, props FROM rels WHERE start = ? AND type = ? AND "end" = ? AND key = ?"""
RELS_OF = """SELECT start, type, "end", key, props FROM rels WHERE start = ?
             UNION ALL SELECT start, type, "end", key, props FROM rels WHERE "end" = ?"""
SEARCH = "SELECT id, label, props FROM nodes WHERE sid = ? OR substr(sid, 1, ?) = ? OR instr(search, ?) > 0"
UPSERT_NODE = """INSERT INTO nodes (id, label, props, sid, search) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET props = excluded.props, search = excluded.search"""
UPSERT_REL = """INSERT INTO rels (start, type, "end", key, props) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (start, type, "end", key) DO UPDATE SET props = excluded.props"""
CHUNK = 500  # ids per IN (...) list, well under SQLite's bound on parameters


def create_tables(db: sqlite3.Connection, schema: Schema) -> None:
    """The tables and the meta rows of a new store (inside the caller's transaction)."""
    for stmt in CREATE.split(";"):
        if stmt.strip():
            db.execute(stmt)
    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                   [("format", FORMAT_NAME), ("store_format", STORE_FORMAT),
                    ("schema_version", str(schema.version)), ("version", 0)])
    db.execute(f"PRAGMA user_version = {STORE_FORMAT}")


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
