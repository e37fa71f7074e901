"""Every Cypher statement the Neo4j store runs, and the schema (constraints, indexes) it keeps.

Labels and relationship types are spliced into statement text only from the schema, never from input
(see :func:`merge_nodes` / :func:`merge_rels`); everything else travels as a parameter.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterator
from typing import TypeVar

from orggraph.schema import SCHEMA, Schema

NODE = "Node"
META = "OrggraphMeta"
META_ID = "orggraph"
# Rows per UNWIND statement: big enough to amortise round trips, small enough to keep each
# statement's parameters modest. All statements of one write share one transaction.
BATCH_ROWS = 5000

T = TypeVar("T")

# ---- the change counter (parameter ``id`` is META_ID) ---------------------------------------------------
CREATE_META = f"MERGE (m:{META} {{id: $id}}) ON CREATE SET m.version = 0"
READ_VERSION = f"MATCH (m:{META} {{id: $id}}) RETURN m.version AS v"
# Bumping the counter first takes the meta node's write lock: writers queue on it.
BUMP_VERSION = f"MATCH (m:{META} {{id: $id}}) SET m.version = m.version + 1 RETURN m.version AS v"
AWAIT_INDEXES = "CALL db.awaitIndexes(300)"
# The fingerprint of the schema statements last run to completion: a store object that finds it equal to
# its own skips them (one round trip instead of one per constraint and index, for a cold reader).
READ_SCHEMA_MARK = f"OPTIONAL MATCH (m:{META} {{id: $id}}) RETURN m.schema AS s"
SET_SCHEMA_MARK = f"MATCH (m:{META} {{id: $id}}) SET m.schema = $mark"

# ---- reading ----------------------------------------------------------------------------------------
ALL_NODES = f"MATCH (n:{NODE}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
ALL_RELS = f"MATCH (a:{NODE})-[r]->(b:{NODE}) RETURN a.id, type(r), b.id, properties(r)"
COUNT_NODES = f"MATCH (n:{NODE}) RETURN labels(n) AS labels, count(*) AS c"
COUNT_RELS = f"MATCH (:{NODE})-[r]->(:{NODE}) RETURN type(r) AS t, count(*) AS c"
# One node and its neighbours, as the ``nodes`` and ``rels`` lists a subgraph is built from.
NEIGHBOURHOOD = (
    f"MATCH (n:{NODE} {{id: $id}}) "
    f"OPTIONAL MATCH (n)-[r]-(m:{NODE}) "
    "WITH n, collect(DISTINCT [m.id, labels(m), properties(m)]) AS others, "
    "     collect(DISTINCT [startNode(r).id, type(r), endNode(r).id, properties(r)]) AS rs "
    "RETURN [[n.id, labels(n), properties(n)]] + [o IN others WHERE o[0] IS NOT NULL] AS nodes, "
    "       [x IN rs WHERE x[1] IS NOT NULL] AS rels")
# Search candidates: folded text behind the text index, folded id prefix behind the range index.
SEARCH = (
    f"OPTIONAL MATCH (n:{NODE}) WHERE n._search CONTAINS $q OR n._sid STARTS WITH $q "
    "RETURN [x IN collect([n.id, labels(n), properties(n)]) WHERE x[0] IS NOT NULL] AS nodes, "
    "[] AS rels")
# What a write touches: its nodes by id, its relationships by (start, _key, end) for one type at a time
# (the type in the pattern, so the match expands only that type from the start node found by the index).
NODES_BY_ID = (f"UNWIND $ids AS id MATCH (n:{NODE} {{id: id}}) "
               "RETURN n.id, labels(n), properties(n)")


def rels_by_key(rtype: str) -> str:
    """Relationships of ``rtype`` (a schema type) named by rows ``{s, e, k}``."""
    return (f"UNWIND $rows AS row MATCH (a:{NODE} {{id: row.s}})-[r:{rtype}]->(b:{NODE} {{id: row.e}}) "
            "WHERE r._key = row.k RETURN a.id, type(r), b.id, properties(r)")


# One question's neighbourhood (orggraph.stores.neighbourhood), a typed step at a time: ``$ids`` by the
# node id constraint's index, then only relationships of the named types (spliced from the schema only).
def rels_of(types: list[str], out: bool, schema: Schema = SCHEMA) -> str:
    """The relationships of ``types`` starting (``out``) or ending at each node of ``$ids``."""
    unknown = [t for t in types if t not in schema.relationships]
    if unknown or not types:
        raise ValueError(f"not relationship types of the schema: {unknown or types!r}")
    pattern = (f"(a:{NODE} {{id: id}})-[r:{'|'.join(types)}]->(b:{NODE})" if out
               else f"(a:{NODE})-[r:{'|'.join(types)}]->(b:{NODE} {{id: id}})")
    return f"UNWIND $ids AS id MATCH {pattern} RETURN a.id, type(r), b.id, properties(r)"


# ---- writing ----------------------------------------------------------------------------------------
# Batched so a large graph does not need one huge transaction.
DELETE_ALL = f"MATCH (n:{NODE}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS"
BUMP_VERSION_ONLY = f"MATCH (m:{META} {{id: $id}}) SET m.version = m.version + 1"


# Property keys are spliced (as ``n.`key` = row.p.`key```) only when they are plain names; rows are grouped by
# their key set. ``SET n += row.props`` would do the same with one statement, but a map of unknown keys
# might hold ``id``/``_key``, which the statement's own MATCH/CREATE reads: the planner then puts an
# ``Eager`` barrier under the SET (every row of the batch read and buffered before any is written).
PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _sets(var: str, keys: Collection[str] | None, fixed: str = "") -> str:
    """``SET`` of ``keys`` from ``row.props`` one by one (no Eager), or ``+= row.props`` when ``keys`` is
    None or holds a name that is not plain (then the Eager plan, still correct)."""
    if keys is None or not all(PLAIN_KEY.fullmatch(k) for k in keys):
        return f"SET {fixed + ', ' if fixed else ''}{var} += row.props"
    parts = ([fixed] if fixed else []) + [f"{var}.`{k}` = row.props.`{k}`" for k in sorted(keys)]
    return f"SET {', '.join(parts)}" if parts else ""


def merge_nodes(label: str, keys: Collection[str] | None = None) -> str:
    """Update nodes of ``label`` (a schema label) that exist, from rows ``{id, props}`` (``props`` with
    exactly ``keys``, when given)."""
    return f"UNWIND $rows AS row MERGE (n:{NODE} {{id: row.id}}) {_sets('n', keys, f'n:{label}')}"


def create_nodes(label: str, keys: Collection[str] | None = None) -> str:
    """Create nodes of ``label`` that the write's own read found absent (under the counter's lock), from
    rows ``{id, props}``: no lookup before the insert (the id constraint still refuses a duplicate)."""
    if keys is None:
        return f"UNWIND $rows AS row CREATE (n:{NODE}:{label} {{id: row.id}}) SET n += row.props"
    return f"UNWIND $rows AS row CREATE (n:{NODE}:{label}) {_sets('n', keys, 'n.id = row.id')}"


def merge_rels(rtype: str, keys: Collection[str] | None = None) -> str:
    """Create or update relationships of ``rtype`` (a schema type) from rows ``{s, e, k, props}``."""
    return (f"UNWIND $rows AS row MATCH (a:{NODE} {{id: row.s}}) MATCH (b:{NODE} {{id: row.e}}) "
            f"MERGE (a)-[r:{rtype} {{_key: row.k}}]->(b) {_sets('r', keys)}").rstrip()


def create_rels(rtype: str, keys: Collection[str] | None = None) -> str:
    """Create relationships of ``rtype`` that the write's own read found absent, from rows
    ``{s, e, k, props}``: both ends by the id index, no expansion to look for the relationship."""
    ends = f"UNWIND $rows AS row MATCH (a:{NODE} {{id: row.s}}) MATCH (b:{NODE} {{id: row.e}}) "
    if keys is None:
        return ends + f"CREATE (a)-[r:{rtype} {{_key: row.k}}]->(b) SET r += row.props"
    return ends + f"CREATE (a)-[r:{rtype}]->(b) {_sets('r', keys, 'r._key = row.k')}"


def schema_statements(schema: Schema = SCHEMA) -> list[str]:
    """Constraints and indexes, all ``IF NOT EXISTS`` so running them again changes nothing."""
    stmts = [
        f"CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:{NODE}) REQUIRE n.id IS UNIQUE",
        f"CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (m:{META}) REQUIRE m.id IS UNIQUE",
        # Search: folded names behind a text index (CONTAINS), folded ids behind a range index (prefix).
        f"CREATE TEXT INDEX node_search IF NOT EXISTS FOR (n:{NODE}) ON (n._search)",
        f"CREATE INDEX node_sid IF NOT EXISTS FOR (n:{NODE}) ON (n._sid)",
    ]
    for label in schema.nodes:
        # Per-label name index for Cypher users looking things up by name.
        stmts.append(f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
        for prop, ptype in schema.node_property_types(label).items():
            if ptype == "date":
                stmts.append(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
    for rtype in schema.relationships:
        # Temporal filters on relationships ("live on the decision date") read valid_from/valid_to.
        stmts.append(f"CREATE INDEX {rtype.lower()}_dates IF NOT EXISTS FOR ()-[r:{rtype}]-() "
                     "ON (r.valid_from, r.valid_to)")
    return stmts


def schema_mark(schema: Schema = SCHEMA) -> str:
    """A fingerprint of :func:`schema_statements`: it changes whenever they would."""
    return hashlib.sha256("\n".join(schema_statements(schema)).encode()).hexdigest()[:16]


def chunks(rows: list[T], size: int = BATCH_ROWS) -> Iterator[list[T]]:
    """``rows`` in slices of at most ``size``: one UNWIND statement each."""
    for i in range(0, len(rows), size):
        yield rows[i:i + size]
