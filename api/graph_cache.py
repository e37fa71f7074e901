"""Memo of query results keyed by the store's version, bounded by bytes, one computation per question
at a time.

:meth:`Store.version` is a token that moves with every committed write (also by another process), so
an answer computed while it is unchanged stays valid; a new version (a load, another process writing)
starts a fresh memo. No graph is kept here, only answers: the server's memory does not grow with the
graph.

The memo holds at most ``max_bytes`` (estimated) of answers, least recently used out first; an answer
bigger than the whole budget is returned but never kept. Concurrent requests for the same question
wait for the one computing it (single flight), so eight readers asking after a write compute it once.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
SAMPLE = 16  # items of a long list measured to estimate the whole


def approx_size(value: object, depth: int = 0) -> int:
    """Estimated bytes held by ``value``: deep for small things, sampled for long lists."""
    size = sys.getsizeof(value)
    if depth > 6:
        return size
    if isinstance(value, BaseModel):
        return size + approx_size(value.__dict__, depth + 1)
    if isinstance(value, dict):
        return size + sum(approx_size(k, depth + 1) + approx_size(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value) if not isinstance(value, list | tuple) else value
        if len(items) <= SAMPLE:
            return size + sum(approx_size(v, depth + 1) for v in items)
        step = len(items) / SAMPLE
        sampled = sum(approx_size(items[int(i * step)], depth + 1) for i in range(SAMPLE))
        return size + int(sampled * len(items) / SAMPLE)
    return size


_NONE = object()  # no version seen yet


class _Flight:
    """One computation in progress; others asking the same question wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.ok = False


class GraphMemo:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = 4096):
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._version: Hashable = _NONE
        self._values: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._flights: dict[tuple[Hashable, Hashable], _Flight] = {}
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    @property
    def version(self) -> Hashable:
        return self._version

    def get(self, version: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer to ``key`` at the store's ``version`` (from :meth:`Store.version`): kept, or computed
        once however many ask at the same time."""
        flight_key = (version, key)
        with self._lock:
            if self._version != version:
                self._version = version
                self._values.clear()
                self.bytes = 0
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key][0]  # type: ignore[no-any-return]
            flight = self._flights.get(flight_key)
            owner = flight is None
            if flight is None:
                flight = self._flights[flight_key] = _Flight()
        if not owner:
            flight.done.wait()
            if flight.ok:
                return flight.value  # type: ignore[no-any-return]
            return compute()  # the first attempt failed (e.g. a 404): fail the same way on our own
        try:
            value = compute()
            flight.value, flight.ok = value, True
        finally:
            with self._lock:
                self._flights.pop(flight_key, None)
            flight.done.set()
        self._keep(version, key, value)
        return value

    def _keep(self, version: Hashable, key: Hashable, value: object) -> None:
        size = approx_size(value)
        with self._lock:
            self.misses += 1
            if size > self.max_bytes or self._version != version:
                return
            if key in self._values:  # computed twice (a reader arrived just after the first finished)
                self.bytes -= self._values.pop(key)[1]
            self._values[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes or len(self._values) > self.max_entries:
                _, (_, dropped) = self._values.popitem(last=False)
                self.bytes -= dropped
