"""The Neo4j store: the shared, production home of the graph, behind the same interface as the embedded one.

Data model (derived from ``orggraph/schema.yaml``):

* every node is ``(:Node:<Label> {id, ...properties})``: one uniqueness constraint on ``:Node(id)``
  makes ids unique across labels, as they are in the embedded store, and is the lookup index for
  every merge; the schema label is the second label, so Cypher users can write ``(:Practice)``;
* every relationship is ``-[:<TYPE> {...properties, _key}]->`` where ``_key`` is ``valid_from`` or
  ``""``: the identity ``(start, type, end, valid_from)`` of :attr:`orggraph.models.Rel.key`
  (MERGE cannot match on a missing property, hence the explicit key);
* dates stay ISO ``yyyy-mm-dd`` strings: they compare and range-index correctly as strings and come
  back byte for byte (Cypher users can still write ``date(r.valid_from)``);
* ``_search`` / ``_sid`` hold the folded name and id (:func:`orggraph.query.normalise_text`) behind a
  text index, so search is an index lookup and scores exactly as the embedded store does;
* one ``(:OrggraphMeta {id: 'orggraph', version})`` node counts committed writes. Every write
  transaction bumps it first, which takes its write lock (writers queue, as the embedded store's file
  lock makes them) and tells readers when their cached :meth:`graph` snapshot is stale.

Properties whose names start with ``_`` belong to the store and never appear in :meth:`graph`.

A write reads the nodes and relationships the records touch, replays the records on a small
:class:`OrgGraph` with :meth:`OrgGraph.apply` (so merge, stub, label and endpoint rules are the
embedded store's own code, not a re-implementation) and writes back only what changed, with batched
``UNWIND ... MERGE`` statements inside one transaction: a file is all-or-nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j import exceptions as neo4j_errors

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Node, Record, Rel
from orggraph.query import NodeDetail, SearchHit, node_detail, normalise_text, search_graph
from orggraph.schema import SCHEMA, Schema
from orggraph.stores.base import Store, StoreError, StoreUnavailable

log = logging.getLogger(__name__)

USER_ENV, PASSWORD_ENV, DATABASE_ENV = "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"
NODE = "Node"
META = "OrggraphMeta"
META_ID = "orggraph"
# Rows per UNWIND statement: big enough to amortise round trips, small enough to keep each
# statement's parameters modest. All statements of one write share one transaction.
BATCH_ROWS = 5000
# Transient failures (deadlock, leader switch, dropped connection) are retried with backoff.
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)

T = TypeVar("T")


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


def _public(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if not k.startswith("_")}


def _node_props(props: dict[str, Any]) -> dict[str, Any]:
    """A node's properties as the graph holds them: the id is the node's key, not a property."""
    return {k: v for k, v in props.items() if not k.startswith("_") and k != "id"}


def _chunks(rows: list[T], size: int = BATCH_ROWS) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _redact(uri: str) -> str:
    """The URI without any user:password part, for messages."""
    parts = urlsplit(uri)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return uri


def _source_file(records: Sequence[Record]) -> str | None:
    for rec in records[:1]:
        src = rec.props.get("source")
        if isinstance(src, str):
            return src.rsplit(":", 1)[0]
    return None


class Neo4jStore(Store):
    """A Neo4j 5 database (Community, Enterprise or Aura) reached over Bolt."""

    def __init__(self, uri: str, auth: tuple[str, str] | None = None, database: str | None = None,
                 schema: Schema = SCHEMA):
        self.uri = _redact(uri)
        self.database = database or None
        self.schema = schema
        self._auth = auth
        try:
            # Our own retry loop (below) decides how long to wait; the driver must fail fast.
            self._driver: Driver = GraphDatabase.driver(uri, auth=auth, connection_timeout=5.0,
                                                        max_transaction_retry_time=0)
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"{self.uri}: not a usable Neo4j URI ({exc})") from None
        self._schema_ready = False
        self._cache: OrgGraph | None = None
        self._cache_version: int | None = None

    @classmethod
    def from_uri(cls, uri: str) -> Neo4jStore:
        """``neo4j://host:7687[/database]``; credentials only from NEO4J_USER / NEO4J_PASSWORD.

        Credentials never go on the command line (they would show in ``ps`` and shell history); a
        user:password part in the URI is refused rather than silently used.
        """
        parts = urlsplit(uri)
        if parts.username or parts.password:
            raise StoreError(f"{_redact(uri)}: put credentials in {USER_ENV} / {PASSWORD_ENV}, not in the URI")
        database = parts.path.strip("/") or os.environ.get(DATABASE_ENV) or None
        base = urlunsplit((parts.scheme, parts.netloc, "", parts.query, parts.fragment))
        password = os.environ.get(PASSWORD_ENV)
        auth = (os.environ.get(USER_ENV) or "neo4j", password) if password else None
        return cls(base, auth=auth, database=database)

    # ---- plumbing ------------------------------------------------------------------------------
    def _session(self) -> Session:
        return self._driver.session(database=self.database) if self.database else self._driver.session()

    def _run(self, work: Callable[[], T], what: str) -> T:
        """Run ``work`` with retries on transient errors; turn the rest into a :class:`StoreError`."""
        for attempt in range(len(RETRY_DELAYS) + 1):
            try:
                return work()
            except neo4j_errors.AuthError:
                user = self._auth[0] if self._auth else "(none)"
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} refused the credentials for user {user!r}; "
                    f"check {USER_ENV} / {PASSWORD_ENV}") from None
            except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired,
                    neo4j_errors.TransientError) as exc:
                down = not isinstance(exc, neo4j_errors.TransientError)
                # A server that refuses connections is down: give up after the short delays only.
                if attempt >= (2 if down else len(RETRY_DELAYS)):
                    if down:
                        raise StoreUnavailable(
                            f"cannot reach Neo4j at {self.uri} ({what}): is the server running? "
                            f"({type(exc).__name__})") from None
                    raise StoreError(f"Neo4j at {self.uri} kept failing ({what}): {exc}") from None
                log.info("retrying %s after %s", what, type(exc).__name__)
                time.sleep(RETRY_DELAYS[attempt])
            except neo4j_errors.DatabaseUnavailable as exc:
                raise StoreUnavailable(f"Neo4j at {self.uri}: database unavailable ({exc.message})") from None
            except neo4j_errors.ClientError as exc:
                if exc.code and "DatabaseNotFound" in exc.code:
                    raise StoreError(f"Neo4j at {self.uri}: no database {self.database!r}") from None
                raise StoreError(f"Neo4j at {self.uri} rejected {what}: {exc.message}") from None
            except neo4j_errors.Neo4jError as exc:
                raise StoreError(f"Neo4j at {self.uri} failed ({what}): {exc.message}") from None
            except neo4j_errors.DriverError as exc:
                raise StoreUnavailable(f"cannot use Neo4j at {self.uri} ({what}): {exc}") from None
        raise AssertionError("unreachable")

    def ensure_schema(self) -> None:
        """Create constraints, indexes and the change counter once per store object (idempotent)."""
        if self._schema_ready:
            return

        def work() -> None:
            with self._session() as session:
                for stmt in schema_statements(self.schema):
                    session.run(stmt).consume()
                session.run(f"MERGE (m:{META} {{id: $id}}) ON CREATE SET m.version = 0", id=META_ID).consume()
                session.run("CALL db.awaitIndexes(300)").consume()

        self._run(work, "creating constraints and indexes")
        self._schema_ready = True

    def ping(self) -> None:
        self._run(lambda: self._driver.verify_connectivity(), "connecting")
        self.ensure_schema()

    def close(self) -> None:
        self._driver.close()

    # ---- reading -------------------------------------------------------------------------------
    def version(self) -> int:
        """The change counter: bumped by every committed write."""
        self.ensure_schema()

        def work() -> int:
            with self._session() as session:
                rec = session.run(f"MATCH (m:{META} {{id: $id}}) RETURN m.version AS v", id=META_ID).single()
                return int(rec["v"]) if rec else 0

        return self._run(work, "reading the change counter")

    def graph(self) -> OrgGraph:
        """The whole graph, projected once and cached until the change counter moves.

        The engine's algorithms run in networkx over this snapshot, so their results are the
        embedded store's by construction (see the architecture notes in the README).
        """
        self.ensure_schema()

        def read(tx: ManagedTransaction) -> tuple[int, OrgGraph | None]:
            v = tx.run(f"MATCH (m:{META} {{id: $id}}) RETURN m.version AS v", id=META_ID).single()
            version = int(v["v"]) if v else 0
            if self._cache is not None and version == self._cache_version:
                return version, None
            nodes = [(nid, self._schema_label(labels), _node_props(props)) for nid, labels, props in tx.run(
                f"MATCH (n:{NODE}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")]
            rels = [(start, end, f"{rtype}|{props.get('_key', '')}", rtype, _public(props))
                    for start, rtype, end, props in tx.run(
                        f"MATCH (a:{NODE})-[r]->(b:{NODE}) RETURN a.id, type(r), b.id, properties(r)")]
            # The order OrgGraph.from_data uses (what a fresh embedded store reads from its file), so
            # the engine sees the same iteration order on both backends.
            g = nx.MultiDiGraph()
            for nid, label, props in sorted(nodes, key=lambda n: n[0]):
                g.add_node(nid, label=label, **dict(sorted(props.items())))
            for start, end, key, rtype, props in sorted(rels, key=lambda r: r[:3]):
                g.add_edge(start, end, key=key, type=rtype, **dict(sorted(props.items())))
            # Read-committed isolation: if a write landed while we read, read again.
            again = tx.run(f"MATCH (m:{META} {{id: $id}}) RETURN m.version AS v", id=META_ID).single()
            if (int(again["v"]) if again else 0) != version:
                raise neo4j_errors.TransientError("graph changed while reading")  # retried by _run
            return version, OrgGraph(g, self.schema)

        def work() -> tuple[int, OrgGraph | None]:
            with self._session() as session:
                return session.execute_read(read)

        version, graph = self._run(work, "reading the graph")
        if graph is not None:
            self._cache, self._cache_version = graph, version
        assert self._cache is not None
        return self._cache

    def _schema_label(self, labels: Iterable[str]) -> str:
        for label in labels:
            if label in self.schema.nodes:
                return label
        return next(iter(sorted(set(labels) - {NODE})), NODE)

    def stats(self) -> dict[str, dict[str, int]]:
        self.ensure_schema()

        def work() -> dict[str, dict[str, int]]:
            with self._session() as session:
                nodes: dict[str, int] = defaultdict(int)
                for labels, count in session.run(
                        f"MATCH (n:{NODE}) RETURN labels(n) AS labels, count(*) AS c"):
                    nodes[self._schema_label(labels)] += count
                rels = {t: c for t, c in session.run(
                    f"MATCH (:{NODE})-[r]->(:{NODE}) RETURN type(r) AS t, count(*) AS c")}
            return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

        return self._run(work, "counting")

    def _subgraph(self, query: str, **params: Any) -> OrgGraph:
        """A small OrgGraph from a query returning ``nodes`` and ``rels`` lists."""
        def work() -> OrgGraph:
            with self._session() as session:
                rec = session.run(query, **params).single()
            g = nx.MultiDiGraph()
            if rec is not None:
                for nid, labels, props in rec["nodes"]:
                    g.add_node(nid, label=self._schema_label(labels), **_node_props(props))
                for start, rtype, end, props in rec["rels"]:
                    g.add_edge(start, end, key=f"{rtype}|{props.get('_key', '')}", type=rtype, **_public(props))
            return OrgGraph(g, self.schema)

        self.ensure_schema()
        return self._run(work, "reading")

    def node(self, node_id: str) -> NodeDetail | None:
        """One node and its neighbours, gathered by Cypher and described by the shared code."""
        sub = self._subgraph(
            f"MATCH (n:{NODE} {{id: $id}}) "
            f"OPTIONAL MATCH (n)-[r]-(m:{NODE}) "
            "WITH n, collect(DISTINCT [m.id, labels(m), properties(m)]) AS others, "
            "     collect(DISTINCT [startNode(r).id, type(r), endNode(r).id, properties(r)]) AS rs "
            "RETURN [[n.id, labels(n), properties(n)]] + [o IN others WHERE o[0] IS NOT NULL] AS nodes, "
            "       [x IN rs WHERE x[1] IS NOT NULL] AS rels",
            id=node_id)
        return node_detail(sub, node_id)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Index lookup for candidates, then the embedded store's scoring over just those."""
        q = normalise_text(text)
        if not q:
            return []
        sub = self._subgraph(
            f"OPTIONAL MATCH (n:{NODE}) WHERE n._search CONTAINS $q OR n._sid STARTS WITH $q "
            "RETURN [x IN collect([n.id, labels(n), properties(n)]) WHERE x[0] IS NOT NULL] AS nodes, "
            "[] AS rels", q=q)
        return search_graph(sub, text, limit)

    # ---- writing -------------------------------------------------------------------------------
    def write(self, records: Sequence[Record], *, strict: bool = False) -> ApplyResult:
        self.ensure_schema()
        records = list(records)
        metadata = {"app": "orggraph", "op": "write", "records": len(records)}
        source = _source_file(records)
        if source:
            metadata["source"] = source

        def work() -> ApplyResult:
            # Closing the session without commit (an error, a killed process) rolls the file back.
            with self._session() as session, session.begin_transaction(metadata=metadata) as tx:
                version, result = self._write_in(tx, records, strict)
                if result.committed and result.written:
                    tx.commit()
                    self._advance_cache(version, records)
                else:
                    tx.rollback()
                return result

        return self._run(work, f"writing {source or 'records'}")

    def _advance_cache(self, version: int, records: list[Record]) -> None:
        """Writers are serialised on the counter, so version ``v`` is exactly version ``v - 1`` plus
        this write: a cached snapshot at ``v - 1`` can be brought forward without reading the database
        again (a folder of files loads without one full projection per file)."""
        if self._cache is not None and self._cache_version == version - 1:
            graph = self._cache.copy()  # callers may still hold the old snapshot
            graph.apply(records)
            self._cache, self._cache_version = graph, version

    def _write_in(self, tx: Any, records: list[Record], strict: bool) -> tuple[int, ApplyResult]:
        # Bumping the counter first takes the meta node's write lock: writers queue here, so what we
        # read below is what we write over.
        bumped = tx.run(f"MATCH (m:{META} {{id: $id}}) SET m.version = m.version + 1 RETURN m.version AS v",
                        id=META_ID).single()
        version = int(bumped["v"]) if bumped else 0
        ids = sorted({r.id for r in records if isinstance(r, Node)}
                     | {i for r in records if isinstance(r, Rel) for i in (r.start, r.end)})
        before = nx.MultiDiGraph()
        for id_chunk in _chunks(ids):
            for nid, labels, props in tx.run(
                    f"UNWIND $ids AS id MATCH (n:{NODE} {{id: id}}) "
                    "RETURN n.id, labels(n), properties(n)", ids=id_chunk):
                before.add_node(nid, label=self._schema_label(labels), **_node_props(props))
        wanted = sorted({(r.start, r.type, r.end, r.props.get("valid_from") or "")
                         for r in records if isinstance(r, Rel) and r.start in before and r.end in before})
        for key_chunk in _chunks(wanted):
            rows = [{"s": s, "t": t, "e": e, "k": k} for s, t, e, k in key_chunk]
            for start, rtype, end, props in tx.run(
                    f"UNWIND $rows AS row MATCH (a:{NODE} {{id: row.s}})-[r]->(b:{NODE} {{id: row.e}}) "
                    "WHERE type(r) = row.t AND r._key = row.k "
                    "RETURN a.id, type(r), b.id, properties(r)", rows=rows):
                before.add_edge(start, end, key=f"{rtype}|{props.get('_key', '')}", type=rtype,
                                **_public(props))

        # Replay the records with the embedded store's own merge rules.
        after = OrgGraph(before.copy(), self.schema)
        result = after.apply(records)
        if strict and result.rejected:
            result.committed = False
            return version, result
        result.committed = True
        if not result.written:
            return version, result

        nodes_by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for nid, data in after.g.nodes(data=True):
            old = before.nodes.get(nid)
            props = {k: v for k, v in data.items() if k != "label"}
            if old is None:
                changed = props
            else:
                changed = {k: v for k, v in props.items() if old.get(k) != v}
                if not changed:
                    continue
            if "name" in changed or old is None:
                changed["_search"] = normalise_text(str(props.get("name") or ""))
                changed["_sid"] = normalise_text(nid)
            nodes_by_label[data["label"]].append({"id": nid, "props": changed})
        for label, rows in nodes_by_label.items():
            if label not in self.schema.nodes:  # labels come from the schema, never from input text
                raise StoreError(f"unknown label {label!r}")
            for node_chunk in _chunks(rows):
                tx.run(f"UNWIND $rows AS row MERGE (n:{NODE} {{id: row.id}}) SET n:{label} SET n += row.props",
                       rows=node_chunk).consume()

        rels_by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for start, end, key, data in after.g.edges(keys=True, data=True):
            old = before.get_edge_data(start, end, key)
            props = {k: v for k, v in data.items() if k != "type"}
            changed = props if old is None else {k: v for k, v in props.items() if old.get(k) != v}
            if old is not None and not changed:
                continue
            rels_by_type[data["type"]].append(
                {"s": start, "e": end, "k": props.get("valid_from") or "", "props": changed})
        for rtype, rows in rels_by_type.items():
            if rtype not in self.schema.relationships:
                raise StoreError(f"unknown relationship type {rtype!r}")
            for rel_chunk in _chunks(rows):
                tx.run(f"UNWIND $rows AS row MATCH (a:{NODE} {{id: row.s}}) MATCH (b:{NODE} {{id: row.e}}) "
                       f"MERGE (a)-[r:{rtype} {{_key: row.k}}]->(b) SET r += row.props",
                       rows=rel_chunk).consume()
        return version, result

    def clear(self) -> None:
        self.ensure_schema()

        def work() -> None:
            with self._session() as session:
                # Batched so a large graph does not need one huge transaction.
                session.run(f"MATCH (n:{NODE}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS"
                            ).consume()
                session.run(f"MATCH (m:{META} {{id: $id}}) SET m.version = m.version + 1", id=META_ID).consume()

        self._run(work, "clearing")
