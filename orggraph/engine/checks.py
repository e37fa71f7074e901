"""Checks of the public functions' arguments: dates, node ids and ``max_hops``, as typed errors."""

from __future__ import annotations

from typing import Any

from orggraph.engine.index import Index
from orggraph.errors import EngineError, UnknownNode
from orggraph.temporal import iso, today


def on_date(value: Any, default_today: bool = True) -> str:
    """``value`` as an ISO date (today when empty, unless ``default_today`` is false)."""
    if value is None or value == "":
        if not default_today:
            raise EngineError("a date is required")
        return today()
    try:
        out = iso(value)
    except ValueError:
        raise EngineError(f"expected a date as yyyy-mm-dd, got {value!r}") from None
    assert out is not None
    return out


def require(ix: Index, node_id: str, labels: tuple[str, ...] | frozenset[str] | None, what: str) -> str:
    """The label of ``node_id``; :class:`UnknownNode` when it is missing or not one of ``labels``."""
    label = ix.labels.get(node_id)
    if label is None:
        raise UnknownNode(node_id, what)
    if labels is not None and label not in labels:
        raise UnknownNode(node_id, what, label)
    return label


def check_hops(max_hops: int) -> None:
    if not isinstance(max_hops, int) or max_hops < 1:
        raise EngineError(f"max_hops: expected a whole number of at least 1, got {max_hops!r}")
