"""Per-snapshot memo of query results.

The embedded store hands out the same :class:`OrgGraph` object until its file changes, so results
computed on one snapshot stay valid exactly as long as that object is the current graph. A new
snapshot (a load, another process writing) starts a fresh memo.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from orggraph.graph import OrgGraph

T = TypeVar("T")


class GraphMemo:
    def __init__(self, max_entries: int = 4096):
        self.max_entries = max_entries
        self._graph: weakref.ref[OrgGraph] | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, graph: OrgGraph, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if self._graph is None or self._graph() is not graph:
                self._graph = weakref.ref(graph)
                self._values.clear()
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
        # Computed outside the lock: two threads may compute the same value once each, harmlessly.
        value = compute()
        with self._lock:
            self.misses += 1
            if self._graph is not None and self._graph() is graph:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
        return value
