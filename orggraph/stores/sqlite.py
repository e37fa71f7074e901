"""The SQLite store: the graph in one SQLite database file (standard library, WAL journal).

Nodes and relationships are rows, indexed by node id, label, relationship endpoints and type (tables
in :mod:`orggraph.stores.sqlite_sql`). A write is one transaction: it reads only the rows its records
name, merges them with :meth:`OrgGraph.apply` (the one set of merge rules every store uses), and
upserts the rows that changed, so a file is written all-or-nothing and a killed writer leaves the
database as it was. A batch (a load of several files) is one transaction with a savepoint per write.
Readers in other processes go on reading the last committed state while a load runs (WAL).

``graph()`` reads the whole snapshot once and keeps it until the change counter (a row in ``meta``,
bumped by every committed write, whoever made it) moves; this store's own writes bring the kept
snapshot forward in memory instead of reading it again. ``stats``, ``node`` and ``search`` are
answered by SQL without reading the whole graph, and so is ``neighbourhood`` (one question's subgraph,
gathered by typed steps over the primary key and the ``("end", type)`` index, in one read transaction).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from orggraph.schema import SCHEMA, Schema
from orggraph.stores.base import Store, StoreError
from orggraph.stores.sqlite_sql import (
    BUMP_VERSION,
    COUNT_NODES,
    COUNT_RELS,
    FORMAT_NAME,
    READ_VERSION,
    STORE_FORMAT,
    create_tables,
)

if TYPE_CHECKING:
    from orggraph.graph import ApplyResult, OrgGraph
    from orggraph.models import Record
    from orggraph.query import NodeDetail, SearchHit
    from orggraph.stores.neighbourhood import Fetch

BUSY_TIMEOUT = 600.0  # seconds a writer waits for another writer (the JSON store's lock waits as long)


T = TypeVar("T")

class SQLiteStore(Store):
    def __init__(self, path: Path, schema: Schema = SCHEMA):
        self.path = Path(path)
        self.uri = str(self.path)
        self.schema = schema
        self._db: sqlite3.Connection | None = None
        # One connection per store object; the lock keeps threads (the API's workers) off it at once.
        self._lock = threading.RLock()
        self._cache: OrgGraph | None = None
        self._cache_version: int | None = None
        self._in_batch = False
        self._cache_owned = False  # inside a batch: the cached graph is our private copy, changed in place

    # ---- plumbing ------------------------------------------------------------------------------
    def _unreadable(self, exc: BaseException) -> StoreError:
        return StoreError(f"{self.path}: not a readable orggraph store ({exc})")

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """SQLite's errors as one clear :class:`StoreError` naming the file."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"{self.path}: another process kept the store busy ({what}): {exc}") from None
            raise self._unreadable(exc) from None
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from None

    def _conn(self, create: bool) -> sqlite3.Connection | None:
        """The open connection; None when the file does not exist and ``create`` is False (an empty store
        that reading does not create)."""
        if self._db is not None:
            return self._db
        if not create and not self.path.exists():
            return None
        if self.path.is_dir():
            raise self._unreadable(IsADirectoryError("a folder"))
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            self._prepare(db, create)
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _prepare(self, db: sqlite3.Connection, create: bool) -> None:
        """Check (or create) the tables; WAL journal, full sync at each commit."""
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            if not create:
                return  # an empty file: an empty store, laid out on its first write
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN IMMEDIATE")
            if not db.execute("SELECT 1 FROM sqlite_master").fetchone():  # nobody laid it out meanwhile
                create_tables(db, self.schema)
            db.execute("COMMIT")
        elif "meta" not in tables:
            raise self._unreadable(ValueError("an SQLite database, but not an orggraph store"))
        else:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") != FORMAT_NAME:
                raise self._unreadable(ValueError("an SQLite database, but not an orggraph store"))
            if int(meta.get("store_format", 0)) > STORE_FORMAT:
                raise StoreError(f"{self.path}: written by a newer orggraph (store format "
                                 f"{meta['store_format']}, this one reads {STORE_FORMAT}); upgrade orggraph")
        db.execute("PRAGMA synchronous = FULL")

    def _read_conn(self) -> sqlite3.Connection | None:
        db = self._conn(create=False)
        if db is not None and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
            return None  # an empty file
        return db

    @contextmanager
    def _reading(self, what: str) -> Iterator[sqlite3.Connection | None]:
        """A consistent read: one read transaction (inside a batch, the batch's own)."""
        with self._lock, self._guard(what):
            db = self._read_conn()
            if db is None or self._in_batch:
                yield db
                return
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")

    def version(self) -> int:
        """The change counter: bumped by every committed write (0 for an empty store)."""
        with self._reading("reading the change counter") as db:
            return 0 if db is None else int(db.execute(READ_VERSION).fetchone()[0])

    # ---- reading -------------------------------------------------------------------------------
    def graph(self, *, keep: bool = True) -> OrgGraph:
        import orggraph.stores.sqlite_rows as rows  # networkx and the models: only to read graphs

        with self._reading("reading the graph") as db:
            if db is None:
                return rows.OrgGraph(schema=self.schema)
            version = int(db.execute(READ_VERSION).fetchone()[0])
            if self._cache is not None and self._cache_version == version:
                return self._cache
            graph = rows.rows_graph(db.execute(rows.ALL_NODES), db.execute(rows.ALL_RELS), self.schema)
            if keep:
                self._cache, self._cache_version, self._cache_owned = graph, version, False
            return graph

    def stats(self) -> dict[str, dict[str, int]]:
        with self._reading("counting") as db:
            if db is None:
                return {"nodes": {}, "relationships": {}}
            nodes = dict(db.execute(COUNT_NODES).fetchall())
            rels = dict(db.execute(COUNT_RELS).fetchall())
        return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

    def is_empty(self) -> bool:
        with self._reading("checking whether the store is empty") as db:
            return db is None or db.execute("SELECT 1 FROM nodes LIMIT 1").fetchone() is None

    def node(self, node_id: str) -> NodeDetail | None:
        import orggraph.stores.sqlite_rows as rows  # networkx and the models: only to read graphs

        with self._reading("reading a node") as db:
            if db is None:
                return None
            return rows.node_detail(rows.neighbourhood(db, node_id, self.schema), node_id)

    def read_with(self, walk: Callable[[Fetch], T], what: str = "reading") -> T:
        """``walk`` over indexed reads of the tables in one read transaction (an empty graph's reads
        when there is no store yet)."""
        import orggraph.stores.sqlite_rows as rows  # networkx and the models: only to read graphs

        with self._reading(what) as db:
            return walk(rows.GraphFetch(rows.OrgGraph(schema=self.schema)) if db is None else rows.RowFetch(db))

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        import orggraph.stores.sqlite_rows as rows  # networkx and the models: only to read graphs

        if not rows.normalise_text(text):
            return []
        with self._reading("searching") as db:
            if db is None:
                return []
            return rows.search_graph(rows.search_candidates(db, text, self.schema), text, limit)

    def ping(self) -> None:
        self.version()

    # ---- writing -------------------------------------------------------------------------------
    def _write_in(self, db: sqlite3.Connection, records: list[Record], strict: bool,
                  version: int) -> tuple[ApplyResult, bool]:
        """Merge ``records`` inside the caller's transaction: (the result, whether the kept snapshot
        already holds them). Inside a batch over a current snapshot, the records are applied to it
        directly (the JSON store's way: one merge, no reads); otherwise to the rows they touch."""
        import orggraph.stores.sqlite_rows as rows  # networkx and the models: only to read graphs

        in_place = self._in_batch and self._cache is not None and self._cache_version == version
        if in_place:
            if not self._cache_owned:  # once per batch: callers may still hold the snapshot
                self._cache, self._cache_owned = self._cache.copy() if self._cache else None, True
            after = self._cache
            assert after is not None
            if strict and (rejected := after.validate(records)):
                return rows.ApplyResult(rejected=rejected, committed=False), False
            before = rows.touched_copy(after.g, records)
        else:
            before = rows.read_touched(db, records)
            after = rows.OrgGraph(before.copy(), self.schema)
        result = after.apply(records)
        if strict and result.rejected:
            result.committed = False
            return result, False
        result.committed = True
        if result.written:
            rows.write_changes(db, before, after, records)
            db.execute(BUMP_VERSION)
            if in_place:
                self._cache_version = version + 1
        return result, in_place

    def write(self, records: Sequence[Record], *, strict: bool = False) -> ApplyResult:
        records = list(records)
        with self._lock, self._guard("writing"):
            db = self._conn(create=True)
            assert db is not None
            db.execute("SAVEPOINT write" if self._in_batch else "BEGIN IMMEDIATE")
            try:
                version = int(db.execute(READ_VERSION).fetchone()[0])
                result, advanced = self._write_in(db, records, strict, version)
                keep = result.committed and bool(result.written)
                if self._in_batch:
                    if not keep:
                        db.execute("ROLLBACK TO write")
                    db.execute("RELEASE write")
                else:
                    db.execute("COMMIT" if keep else "ROLLBACK")
            except BaseException:
                self._abandon(db, "ROLLBACK TO write" if self._in_batch else "ROLLBACK")
                raise
        if keep and not advanced:
            self._advance_cache(version, records)
        return result

    def _abandon(self, db: sqlite3.Connection, rollback: str) -> None:
        """Undo a failed write; whatever it left in the kept snapshot is dropped."""
        self._cache = None
        try:
            db.execute(rollback)
            if self._in_batch:
                db.execute("RELEASE write")
        except sqlite3.Error:
            pass  # the transaction is already gone (SQLite rolled it back itself)

    def _advance_cache(self, version: int, records: list[Record]) -> None:
        """Bring a snapshot kept at ``version`` (what this write started from) forward by this write,
        in memory: a load of many files then reads the database once, not once per file."""
        if self._cache is None or self._cache_version != version:
            self._cache = None
            return
        if not self._cache_owned:
            self._cache = self._cache.copy()  # callers may still hold the old snapshot
            self._cache_owned = self._in_batch
        self._cache.apply(records)
        self._cache_version = version + 1

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One write transaction for every write inside, each in its own savepoint: a file is still
        all-or-nothing, and nothing of the batch is visible (or durable) before it ends."""
        if self._in_batch:
            yield
            return
        with self._lock:
            with self._guard("starting a load"):
                db = self._conn(create=True)
                assert db is not None
                db.execute("BEGIN IMMEDIATE")
            self._in_batch = True
            try:
                yield
            except BaseException:
                self._cache = None
                with self._guard("abandoning a load"):
                    db.execute("ROLLBACK")
                raise
            else:
                with self._guard("committing a load"):
                    db.execute("COMMIT")
            finally:
                self._in_batch, self._cache_owned = False, False

    def clear(self) -> None:
        with self._lock, self._guard("clearing"):
            db = self._conn(create=True)
            assert db is not None
            self._cache, self._cache_version = None, None
            db.execute("SAVEPOINT write" if self._in_batch else "BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM rels")
                db.execute("DELETE FROM nodes")
                db.execute(BUMP_VERSION)
                db.execute("RELEASE write" if self._in_batch else "COMMIT")
            except BaseException:
                self._abandon(db, "ROLLBACK TO write" if self._in_batch else "ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
