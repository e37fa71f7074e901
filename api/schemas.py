"""Response models of the API (request and result shapes shown in /openapi.json)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from orggraph.engine import (
    AuditFinding,
    CompositionResult,
    Conflict,
    QuorumResult,
)
from orggraph.findings import DecisionOut, PathsOut
from orggraph.query import CommissionerOn, HistoryEntry, RelView, SearchHit

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list in a stable order; ``total`` counts every match."""

    total: int
    offset: int
    limit: int
    items: list[T]


class NodeOut(BaseModel):
    id: str
    label: str
    name: str | None = None
    properties: dict[str, Any]
    relationships: list[RelView]
    sources: list[str] = Field(description="Every distinct source (file:row) of the node and its relationships")
    as_of: str | None = None
    commissioner: CommissionerOn | None = Field(
        default=None, description="With as_of, for a practice, PCN or provider: its commissioner that day and the ICB above it")
    history: list[HistoryEntry] = Field(
        default_factory=list, description="An organisation's dated names and structure links (STP, ICB, region, successor)")


class GraphNode(BaseModel):
    id: str
    label: str
    name: str | None = None
    properties: dict[str, Any]


class GraphEdge(BaseModel):
    from_id: str
    to_id: str
    type: str
    valid_from: str | None = None
    valid_to: str | None = None
    source: str | None = None
    properties: dict[str, Any]


class EgoNetwork(BaseModel):
    center: str
    hops: int
    as_of: str | None = None
    trimmed: int = Field(description="Nodes left out because the view reached max_nodes")
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class Suggestion(BaseModel):
    """One node suggested as someone types (GET /api/suggest)."""

    id: str
    label: str
    name: str | None
    url: str = Field(description="The node's page in the browser views")


class Stats(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    store: str


class LoadReport(BaseModel):
    file: str
    kind: str
    read: int
    loaded: int
    status: str
    rejected: list[dict[str, Any]]
    unresolved: list[dict[str, Any]]
    notes: list[str]
    counts: dict[str, int]
    error: str | None = None
    rejected_rows: int
    unresolved_rows: int
    # In the store now (whole), or not at all: every file of a load is all or nothing.
    committed: bool = False


class GraphExport(BaseModel):
    format: str
    version: int
    schema_version: int
    nodes: list[list[Any]]
    relationships: list[list[Any]]


__all__ = [
    "AuditFinding",
    "CompositionResult",
    "Conflict",
    "DecisionOut",
    "EgoNetwork",
    "GraphExport",
    "Health",
    "LoadReport",
    "NodeOut",
    "Page",
    "PathsOut",
    "QuorumResult",
    "Ready",
    "SearchHit",
    "Stats",
    "Suggestion",
]
