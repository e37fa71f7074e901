"""The store interface: one contract, several backends (embedded file, Neo4j).

This module imports no backend; the factory that picks one lives in :mod:`orggraph.stores`. Every
backend passes the same test suite (tests/test_store_parity.py). The engine never talks to a store:
callers take a graph with :meth:`Store.graph` (everything: the scan, export) or, for one question, with
:meth:`Store.neighbourhood` (the bounded subgraph that question needs), and hand it to the algorithms.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Self, TypeVar

from orggraph.errors import StoreError, StoreUnavailable
from orggraph.stores.question import DEFAULT_HOPS, QUESTIONS, Question

if TYPE_CHECKING:  # the graph, the models and the walks are imported where they are used: counting
    # a store or reading its change counter needs none of them (the CLI starts light)
    from orggraph.graph import ApplyResult, OrgGraph
    from orggraph.models import Record
    from orggraph.query import NodeDetail, SearchHit
    from orggraph.schema import Schema
    from orggraph.stores.neighbourhood import Fetch

T = TypeVar("T")


class Store(ABC):
    """A place where the graph lives. Writes are atomic per call; reads see committed state only."""

    uri: str
    schema: Schema

    @abstractmethod
    def graph(self, *, keep: bool = True) -> OrgGraph:
        """A consistent snapshot of the whole graph, for the engine and for export. A backend may keep it
        until the store changes (the next call is then free); with ``keep=False`` it reads the graph for
        this one use and keeps nothing new (a server asking one whole-graph question must not hold the
        graph afterwards)."""

    @abstractmethod
    def write(self, records: Sequence[Record], *, strict: bool = False) -> ApplyResult:
        """Merge ``records`` all-or-nothing. Records that do not fit are reported in the result; with
        ``strict`` any such record means nothing at all is written (``result.committed`` is False)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything."""

    def batch(self) -> AbstractContextManager[None]:
        """Group several writes (one per file) into one commit where the backend gains from it.

        Each write inside stays all-or-nothing on its own; what a batch changes becomes visible (and
        durable) when the batch ends, and nothing of it if the process dies first. Inside a batch,
        :meth:`graph` shows the batch's pending state, so a later file can refer to an earlier one."""
        return nullcontext()

    def version(self) -> Hashable:
        """A token that changes whenever a committed write changes the store (also by another process):
        answers computed while it is unchanged stay valid. Each backend has its own kind of token; callers
        only compare two of them for equality."""
        return id(self.graph())

    def ping(self) -> None:
        """Raise :class:`StoreUnavailable` if the store cannot be read."""
        self.graph()

    def stats(self) -> dict[str, dict[str, int]]:
        return self.graph().stats()

    def is_empty(self) -> bool:
        """Whether the store holds no node: one indexed read of the first id, not a count."""
        return not self.read_with(lambda fetch: fetch.ids_of(None, None, 1), "checking whether the store is empty")

    def read_with(self, walk: Callable[[Fetch], T], what: str = "reading") -> T:
        """Run ``walk`` over this store's :class:`~orggraph.stores.neighbourhood.Fetch` inside one
        consistent read (one transaction), and return what it returns. Every bounded read (a question's
        neighbourhood, a node's relationships, the scan's parts) is a walk written once over the two
        reads of a Fetch; each backend answers those reads over its own indexes. This default walks the
        whole graph in memory; SQLite and Neo4j override it to read only what the walk asks for.
        ``what`` names the read in an error message."""
        from orggraph.stores.neighbourhood import GraphFetch

        return walk(GraphFetch(self.graph()))

    def neighbourhood(self, question: Question, node_id: str, max_hops: int = DEFAULT_HOPS) -> OrgGraph:
        """The bounded subgraph that answers one ``question`` (``decision``, ``meeting``, ``person`` or
        ``committee``) about ``node_id`` with interest paths of at most ``max_hops``: the engine gives
        the same answer on it as on :meth:`graph` (see :mod:`orggraph.stores.neighbourhood` for what
        each question gathers)."""
        from orggraph.stores.neighbourhood import gather

        return self.read_with(lambda fetch: gather(fetch, self.schema, question, node_id, max_hops),
                              f"reading the neighbourhood of {node_id}")

    def node(self, node_id: str) -> NodeDetail | None:
        from orggraph.query import node_detail

        return node_detail(self.graph(), node_id)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        from orggraph.query import search_graph

        return search_graph(self.graph(), text, limit)

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["QUESTIONS", "Question", "Store", "StoreError", "StoreUnavailable"]
