"""The embedded store: the whole graph in one JSON file, written atomically.

A write reads the committed file, applies the records in memory and replaces the file with
``os.replace`` after an fsync, under an exclusive lock. A process killed mid-load, or a file
rejected under ``--strict``, leaves the previous file untouched.
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import orjson
from filelock import FileLock

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Record
from orggraph.stores.base import Store, StoreError


class EmbeddedStore(Store):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.uri = str(self.path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=600)
        self._cache: OrgGraph | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._batch: OrgGraph | None = None
        self._batch_dirty = False

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> OrgGraph:
        stamp = self._file_stamp()
        if self._cache is not None and stamp == self._stamp:
            return self._cache
        if stamp is None:
            graph = OrgGraph()
        else:
            # OSError too: a folder, or a file we may not read, where the store should be.
            try:
                graph = OrgGraph.from_data(orjson.loads(self.path.read_bytes()))
            except (OSError, orjson.JSONDecodeError, ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"{self.path}: not a readable orggraph store ({exc})") from exc
        self._cache, self._stamp = graph, stamp
        return graph

    def graph(self) -> OrgGraph:
        return self._batch if self._batch is not None else self._read()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the lock, apply every write to one private copy, and save once at the end: a load of
        many files rewrites the store file once instead of once per file."""
        if self._batch is not None:
            yield
            return
        with self._lock:
            self._batch, self._batch_dirty = self._read().copy(), False
            try:
                yield
                if self._batch_dirty:
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
            result = self._batch.apply(records)
            self._batch_dirty = self._batch_dirty or bool(result.written)
            return result
        with self._lock:
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
        with self._lock:
            self._save(OrgGraph())
