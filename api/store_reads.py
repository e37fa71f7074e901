"""Reads of the store the routers share: one node's row (for 404s a person can act on), a bounded walk,
and the whole graph for the few questions that still need it.

Every question reads only what it needs (:meth:`Store.neighbourhood`, the walks of
:mod:`orggraph.stores.ego`), so no whole graph is held for it. :func:`whole_graph` is for the questions
that are about the whole graph (the scan, the export, the unfiltered conflicts list) or have no bounded
walk yet (see :mod:`api.service`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from api.problems import ApiError
from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph.stores.ego import node_rows
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.neighbourhood import Fetch

T = TypeVar("T")


def walk(store: Store, fn: Callable[[Fetch], T], what: str) -> T:
    """``fn`` over the store's reads in one consistent read (503 before the first load, as today)."""
    _check_loaded(store)
    return store.read_with(lambda fetch: fn(fetch), what)


def node_data(store: Store, node_id: str) -> dict[str, Any] | None:
    """The node's label and properties, or None."""
    return walk(store, lambda fetch: node_rows(fetch, [node_id]).get(node_id), f"reading {node_id}")


def require_node(store: Store, node_id: str, labels: tuple[str, ...] | frozenset[str] | None = None,
                 what: str = "node") -> dict[str, Any]:
    """The node's data: 404 when it does not exist or is of another kind."""
    data = node_data(store, node_id)
    if data is None:
        raise ApiError(404, f"no {what} with id {node_id!r}; try GET /api/search?q=...")
    return require_kind(data, node_id, labels, what)


def require_kind(data: dict[str, Any], node_id: str, labels: tuple[str, ...] | frozenset[str] | None,
                 what: str) -> dict[str, Any]:
    if labels is not None and data["label"] not in labels:
        raise ApiError(404, f"{node_id!r} is a {data['label']}, not a {what}")
    return data


def _check_loaded(store: Store) -> None:
    if isinstance(store, EmbeddedStore) and not store.exists():
        # No store yet (serve may start before the first load): not an empty, clean-looking answer.
        raise ApiError(503, "no graph has been loaded yet: load files first (orggraph load, or POST /api/load)",
                       {"Retry-After": "10"})


def whole_graph(store: Store) -> OrgGraph:
    """The whole graph: only for whole-graph questions (see the module docstring), read for this answer
    and not kept by the store (the answer is memoised; the graph is not)."""
    _check_loaded(store)
    return store.graph(keep=False)
