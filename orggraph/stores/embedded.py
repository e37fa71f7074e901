"""The embedded store: the whole graph in one JSON file, written atomically.

A write reads the committed file, applies the records in memory and replaces the file with
``os.replace`` after an fsync, under an exclusive lock. A process killed mid-load, or a file
rejected under ``--strict``, leaves the previous file untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import orjson
from filelock import FileLock

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Record
from orggraph.store import Store, StoreError


class EmbeddedStore(Store):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.uri = str(self.path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=600)
        self._cache: OrgGraph | None = None
        self._stamp: tuple[int, int, int] | None = None

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
        return self._read()

    def _save(self, graph: OrgGraph) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = orjson.dumps(graph.to_data())
        fd, tmp = tempfile.mkstemp(prefix=".orggraph-", suffix=".tmp", dir=self.path.parent)
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
