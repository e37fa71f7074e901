"""The embedded store: the whole graph in one JSON file, written atomically.

A write reads the committed file, applies the records in memory and replaces the file with
``os.replace`` after an fsync, under an exclusive lock. A process killed mid-load, or a file
rejected under ``--strict``, leaves the previous file untouched.

Readers share one snapshot: when the file changes, the first reader parses it while the others wait
for that parse (one reload per change, however many readers), and the old snapshot is let go once the
new one is in place. A writer waits for the lock at most ``lock_timeout`` seconds
(``ORGGRAPH_LOCK_TIMEOUT``, default 600), saying so when the wait starts.
"""

from __future__ import annotations

import glob
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Record
from orggraph.schema import SCHEMA
from orggraph.stores.base import Store, StoreError, StoreUnavailable

LOCK_TIMEOUT_ENV = "ORGGRAPH_LOCK_TIMEOUT"
log = logging.getLogger("orggraph.store")


def lock_timeout_from_env() -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "600")
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{LOCK_TIMEOUT_ENV}={raw!r}: expected a number of seconds") from None
    return max(value, 0.0)


class EmbeddedStore(Store):
    def __init__(self, path: Path, *, lock_timeout: float | None = None,
                 on_wait: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.uri = str(self.path)
        self.schema = SCHEMA  # the file holds graphs of the package's schema
        self.lock_timeout = lock_timeout_from_env() if lock_timeout is None else lock_timeout
        # Told once when a write has to wait for another writer (the CLI prints it; default: the log).
        self.on_wait = on_wait
        self._file_lock = FileLock(str(self.path) + ".lock")
        self._reload = threading.Lock()
        self._cache: OrgGraph | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._batch: OrgGraph | None = None
        self._batch_dirty = False
        self._batch_broken = False

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """The store's exclusive lock; waiting is said once, and giving up is one clear line."""
        try:
            self._file_lock.acquire(timeout=0)
        except Timeout:
            message = (f"another load holds the store {self.path} (lock file {self._file_lock.lock_file}); "
                       f"waiting up to {self.lock_timeout:g} s for it to finish")
            (self.on_wait or log.warning)(message)
            try:
                self._file_lock.acquire(timeout=self.lock_timeout)
            except Timeout:
                raise StoreUnavailable(
                    f"another load holds the store {self.path}: gave up after {self.lock_timeout:g} s; try again "
                    f"when it has finished (or set {LOCK_TIMEOUT_ENV} to wait longer)") from None
        try:
            yield
        finally:
            self._file_lock.release()

    def exists(self) -> bool:
        return self._file_stamp() is not None

    def _read(self) -> OrgGraph:
        stamp = self._file_stamp()
        cache = self._cache
        if cache is not None and stamp == self._stamp:
            return cache
        # One reload per change: the first reader parses, the others wait here and then find it done.
        with self._reload:
            stamp = self._file_stamp()
            if self._cache is not None and stamp == self._stamp:
                return self._cache
            graph = self._parse(stamp)
            self._cache, self._stamp = graph, stamp  # the old snapshot goes when its last reader is done
            return graph

    def _parse(self, stamp: tuple[int, int, int] | None) -> OrgGraph:
        if stamp is None:
            graph = OrgGraph()
        else:
            # OSError too: a folder, or a file we may not read, where the store should be.
            try:
                graph = OrgGraph.from_data(orjson.loads(self.path.read_bytes()))
            except (OSError, orjson.JSONDecodeError, ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"{self.path}: not a readable orggraph store ({exc})") from exc
        return graph

    def is_empty(self) -> bool:
        return bool(self.graph().g.number_of_nodes() == 0)

    def version(self) -> Hashable:
        """The file's (mtime, size, inode): a write replaces the file, so any change moves it."""
        return self._file_stamp()

    def ping(self) -> None:
        if not self.exists():
            raise StoreUnavailable(f"no store at {self.path} yet: load files into it first")
        self.graph()

    def graph(self, *, keep: bool = True) -> OrgGraph:  # a JSON store is always read whole: kept
        return self._batch if self._batch is not None else self._read()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the lock, apply every write to one private copy, and save once at the end: a load of
        many files rewrites the store file once instead of once per file."""
        if self._batch is not None:
            yield
            return
        with self._lock():
            self._batch, self._batch_dirty, self._batch_broken = self._read().copy(), False, False
            try:
                yield
                if self._batch_dirty and not self._batch_broken:
                    self._save(self._batch)
            finally:
                self._batch = None

    def _save(self, graph: OrgGraph) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = orjson.dumps(graph.to_data())
        # We hold the lock, so any temporary file of this store is a leftover of a killed writer.
        prefix = f".{self.path.name}."
        for stale in self.path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
            if "." not in stale.name[len(prefix):-len(".tmp")]:  # not another store's (graph.json.bak)
                stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._cache, self._stamp = graph, self._file_stamp()

    def write(self, records: Sequence[Record], *, strict: bool = False) -> ApplyResult:
        if self._batch is not None:
            if strict:
                rejected = self._batch.validate(records)
                if rejected:
                    return ApplyResult(rejected=rejected, committed=False)
            try:
                result = self._batch.apply(records)
            except Exception as exc:
                # The batch's copy may hold part of this write: commit none of the batch rather than that.
                self._batch_broken = True
                raise StoreError(f"{self.path}: writing failed ({type(exc).__name__}: {exc}); nothing of this "
                                 "load was committed") from exc
            self._batch_dirty = self._batch_dirty or bool(result.written)
            return result
        with self._lock():
            # Work on a private copy so a failure mid-apply cannot leak into the cached snapshot.
            graph = self._read().copy()
            result = graph.apply(records)
            if strict and result.rejected:
                result.committed = False
                return result
            if result.written:
                self._save(graph)
            result.committed = True
            return result

    def clear(self) -> None:
        with self._lock():
            self._save(OrgGraph())
