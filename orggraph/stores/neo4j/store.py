"""The Neo4j store: connection, retries, the change counter and the snapshot cache (see the package
docstring for the data model)."""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j import exceptions as neo4j_errors

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Record
from orggraph.query import NodeDetail, SearchHit, node_detail, normalise_text, search_graph
from orggraph.schema import SCHEMA, Schema
from orggraph.stores.base import Store, StoreError, StoreUnavailable
from orggraph.stores.neighbourhood import Fetch, gather
from orggraph.stores.neo4j.cypher import (
    ALL_NODES,
    ALL_RELS,
    AWAIT_INDEXES,
    BUMP_VERSION,
    BUMP_VERSION_ONLY,
    COUNT_NODES,
    COUNT_RELS,
    CREATE_META,
    DELETE_ALL,
    META_ID,
    NEIGHBOURHOOD,
    READ_SCHEMA_MARK,
    READ_VERSION,
    SEARCH,
    SET_SCHEMA_MARK,
    schema_mark,
    schema_statements,
)
from orggraph.stores.neo4j.projection import (
    Changes,
    CypherFetch,
    patch,
    read_touched,
    schema_label,
    subgraph,
    touched_from,
    whole_graph,
    write_changes,
)
from orggraph.stores.neo4j.questions import PrefetchedFetch, decision_statement
from orggraph.stores.question import DEFAULT_HOPS, Question

log = logging.getLogger(__name__)

USER_ENV, PASSWORD_ENV, DATABASE_ENV = "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"
# Transient failures (deadlock, leader switch, dropped connection) are retried with backoff.
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)

T = TypeVar("T")


def _redact(uri: str) -> str:
    """The URI without any user:password part, for messages."""
    parts = urlsplit(uri)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return uri


def _counter(rec: Any) -> int:
    """The change counter from a ``... AS v`` record (0 before the first write)."""
    return int(rec["v"]) if rec else 0


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
        self._batching = False
        self.last_round_trips = 0  # of the last neighbourhood(): for benchmarks and tests
        self._owned: OrgGraph | None = None  # a snapshot only this store holds: patched in place

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

        mark = schema_mark(self.schema)

        def work() -> None:
            with self._session() as session:
                found = session.run(READ_SCHEMA_MARK, id=META_ID).single()
                if found is not None and found["s"] == mark:
                    return
                for stmt in schema_statements(self.schema):
                    session.run(stmt).consume()
                session.run(CREATE_META, id=META_ID).consume()
                session.run(AWAIT_INDEXES).consume()
                session.run(SET_SCHEMA_MARK, id=META_ID, mark=mark).consume()

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
                return _counter(session.run(READ_VERSION, id=META_ID).single())

        return self._run(work, "reading the change counter")

    def graph(self, *, keep: bool = True) -> OrgGraph:
        """The whole graph, projected once and cached until the change counter moves.

        The engine's algorithms run in networkx over this snapshot, so their results are the
        embedded store's by construction (see the architecture notes in the README).
        """
        self.ensure_schema()

        def read(tx: ManagedTransaction) -> tuple[int, OrgGraph | None]:
            version = _counter(tx.run(READ_VERSION, id=META_ID).single())
            if self._cache is not None and version == self._cache_version:
                return version, None
            nodes = list(tx.run(ALL_NODES))
            graph = whole_graph(nodes, list(tx.run(ALL_RELS)), self.schema)
            # Read-committed isolation: if a write landed while we read, read again.
            if _counter(tx.run(READ_VERSION, id=META_ID).single()) != version:
                raise neo4j_errors.TransientError("graph changed while reading")  # retried by _run
            return version, graph

        def work() -> tuple[int, OrgGraph | None]:
            with self._session() as session:
                return session.execute_read(read)

        version, graph = self._run(work, "reading the graph")
        if graph is not None and not keep:
            return graph
        if graph is not None:
            self._cache, self._cache_version = graph, version
        assert self._cache is not None
        return self._cache

    def stats(self) -> dict[str, dict[str, int]]:
        self.ensure_schema()

        def work() -> dict[str, dict[str, int]]:
            with self._session() as session:
                nodes: dict[str, int] = defaultdict(int)
                for labels, count in session.run(COUNT_NODES):
                    nodes[schema_label(labels, self.schema)] += count
                rels = {t: c for t, c in session.run(COUNT_RELS)}
            return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

        return self._run(work, "counting")

    def _subgraph(self, query: str, **params: Any) -> OrgGraph:
        """A small OrgGraph from a query returning ``nodes`` and ``rels`` lists."""
        def work() -> OrgGraph:
            with self._session() as session:
                rec = session.run(query, **params).single()
            return subgraph(rec["nodes"] if rec else [], rec["rels"] if rec else [], self.schema)

        self.ensure_schema()
        return self._run(work, "reading")

    def read_with(self, walk: Callable[[Fetch], T], what: str = "reading") -> T:
        """``walk`` over typed Cypher reads in one read transaction (retried as a whole on transient
        errors); never the projection, and the cached snapshot, if any, is neither used nor kept."""
        self.ensure_schema()

        def work() -> T:
            with self._session() as session:
                return session.execute_read(lambda tx: walk(CypherFetch(tx, self.schema)))

        return self._run(work, what)

    def neighbourhood(self, question: Question, node_id: str, max_hops: int = DEFAULT_HOPS) -> OrgGraph:
        """A decision's neighbourhood in one statement (:mod:`~orggraph.stores.neo4j.questions`), the
        shared walk run over its rows (a step they do not cover goes to the database, in the same read);
        the other questions walk over typed reads (:meth:`read_with`)."""
        if question != "decision":
            return super().neighbourhood(question, node_id, max_hops)
        hops = min(max_hops, 32) if isinstance(max_hops, int) and max_hops >= 1 else DEFAULT_HOPS
        statement = decision_statement(self.schema, hops)

        def walk_prefetched(tx: ManagedTransaction) -> OrgGraph:
            fetch = PrefetchedFetch(CypherFetch(tx, self.schema), self.schema)
            fetch.load(statement, id=node_id)
            graph = gather(fetch, self.schema, question, node_id, hops)
            self.last_round_trips = fetch.round_trips
            return graph

        def work() -> OrgGraph:
            with self._session() as session:
                return session.execute_read(walk_prefetched)

        self.ensure_schema()
        return self._run(work, f"reading the neighbourhood of {node_id}")

    def node(self, node_id: str) -> NodeDetail | None:
        """One node and its neighbours, gathered by Cypher and described by the shared code."""
        return node_detail(self._subgraph(NEIGHBOURHOOD, id=node_id), node_id)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Index lookup for candidates, then the embedded store's scoring over just those."""
        q = normalise_text(text)
        if not q:
            return []
        return search_graph(self._subgraph(SEARCH, q=q), text, limit)

    # ---- writing -------------------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes (one per file, each still its own transaction): the cached snapshot is copied
        once and then brought forward in place by each write, instead of copied per write, so a folder
        loads without a full projection or a full copy per file. Snapshots handed out before the batch
        are never changed; inside it, :meth:`graph` shows every committed write of the batch."""
        if self._batching:
            yield
            return
        self._batching = True
        try:
            yield
        finally:
            self._batching, self._owned = False, None

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
                version, result, rows = self._write_in(tx, records, strict)
                if result.committed and result.written:
                    tx.commit()
                    self._advance_cache(version, rows)
                else:
                    tx.rollback()
                return result

        return self._run(work, f"writing {source or 'records'}")

    def _advance_cache(self, version: int, rows: Changes | None) -> None:
        """Writers are serialised on the counter, so version ``v`` is exactly version ``v - 1`` plus
        this write: a cached snapshot at ``v - 1`` is brought forward by the rows just written without
        reading the database again. Outside a batch the snapshot is copied first (callers may still
        hold it); inside one it is copied once, then patched in place."""
        if self._cache is None or self._cache_version != version - 1 or rows is None:
            return
        if self._cache is not self._owned:
            self._cache = self._cache.copy()
            self._owned = self._cache if self._batching else None
        patch(self._cache, rows)
        self._cache_version = version

    def _write_in(self, tx: Any, records: list[Record], strict: bool) -> tuple[int, ApplyResult, Changes | None]:
        # Bumping the counter first takes the meta node's write lock: writers queue here, so what we
        # read below is what we write over.
        version = _counter(tx.run(BUMP_VERSION, id=META_ID).single())
        if self._cache is not None and self._cache_version == version - 1:
            before = touched_from(self._cache, records)  # the snapshot is the database as it stands
        else:
            before = read_touched(tx, records, self.schema)
        # Replay the records with the embedded store's own merge rules.
        after = OrgGraph(before.copy(), self.schema)
        result = after.apply(records)
        if strict and result.rejected:
            result.committed = False
            return version, result, None
        result.committed = True
        rows = write_changes(tx, before, after, self.schema) if result.written else None
        return version, result, rows

    def clear(self) -> None:
        self.ensure_schema()

        def work() -> None:
            with self._session() as session:
                session.run(DELETE_ALL).consume()
                session.run(BUMP_VERSION_ONLY, id=META_ID).consume()

        self._run(work, "clearing")
