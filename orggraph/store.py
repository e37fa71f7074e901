"""The store interface: one contract, several backends (embedded file, Neo4j).

Every backend passes the same test suite (tests/test_store_parity.py). The engine never talks to a
store: callers take a graph snapshot with :meth:`Store.graph` and hand it to the algorithms.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Self

from platformdirs import user_data_dir

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Record
from orggraph.query import NodeDetail, SearchHit, node_detail, search_graph

STORE_ENV = "ORGGRAPH_STORE"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


class StoreError(RuntimeError):
    """A store problem a user can act on (server down, bad credentials, unreadable file)."""


class StoreUnavailable(StoreError):
    """The store cannot be reached right now."""


class Store(ABC):
    """A place where the graph lives. Writes are atomic per call; reads see committed state only."""

    uri: str

    @abstractmethod
    def graph(self) -> OrgGraph:
        """A consistent snapshot of the whole graph, for the engine and for export."""

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

    def ping(self) -> None:
        """Raise :class:`StoreUnavailable` if the store cannot be read."""
        self.graph()

    def stats(self) -> dict[str, dict[str, int]]:
        return self.graph().stats()

    def node(self, node_id: str) -> NodeDetail | None:
        return node_detail(self.graph(), node_id)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        return search_graph(self.graph(), text, limit)

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_store_path() -> Path:
    return Path(user_data_dir("orggraph")) / "graph.json"


def open_store(uri: str | os.PathLike[str] | None = None) -> Store:
    """The store named by ``uri``, else ``$ORGGRAPH_STORE``, else the embedded file in the user data dir.

    ``neo4j://`` / ``bolt://`` URIs open Neo4j (credentials from NEO4J_USER / NEO4J_PASSWORD,
    database from NEO4J_DATABASE or the URI path); anything else is a path to an embedded store file.
    """
    target = str(uri) if uri else os.environ.get(STORE_ENV) or str(default_store_path())
    if target.startswith(NEO4J_SCHEMES):
        from orggraph.stores.neo4j import Neo4jStore

        return Neo4jStore.from_uri(target)
    from orggraph.stores.embedded import EmbeddedStore

    return EmbeddedStore(Path(target).expanduser())
