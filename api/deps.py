"""Dependencies shared by the routers: the store, a graph snapshot per request, dates, paging."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import orjson
from fastapi import Depends, Query, Request
from fastapi.responses import Response

from api.dates import EXPECTED, IsoDate
from api.graph_cache import GraphMemo
from api.problems import ApiError
from api.settings import Settings
from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import iso


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def get_graph(request: Request) -> OrgGraph:
    # The embedded store re-reads its file only when it changed (once, however many requests ask).
    store = request.app.state.store
    if isinstance(store, EmbeddedStore) and not store.exists():
        # No store yet (serve may start before the first load): not an empty, clean-looking answer.
        raise ApiError(503, "no graph has been loaded yet: load files first (orggraph load, or POST /api/load)",
                       {"Retry-After": "10"})
    return store.graph()  # type: ignore[no-any-return]


def get_memo(request: Request) -> GraphMemo:
    return request.app.state.memo  # type: ignore[no-any-return]


def require_node(graph: OrgGraph, node_id: str, labels: tuple[str, ...] | frozenset[str] | None = None,
                 what: str = "node") -> dict[str, object]:
    data = graph.g.nodes.get(node_id)
    if data is None:
        raise ApiError(404, f"no {what} with id {node_id!r}; try GET /api/search?q=...")
    if labels is not None and data["label"] not in labels:
        raise ApiError(404, f"{node_id!r} is a {data['label']}, not a {what}")
    return dict(data)


def parse_date(value: str | dt.date | None, name: str) -> str | None:
    try:
        return iso(value)
    except ValueError:
        raise ApiError(422, f"{name}={value!r}: {EXPECTED}") from None


def json_bytes(payload: object) -> Response:
    """Already-plain data as JSON, skipping FastAPI's re-validation of the response model (the route
    still declares the model, so /openapi.json is exact); orjson keeps big answers cheap."""
    return Response(orjson.dumps(payload), media_type="application/json")


GraphDep = Annotated[OrgGraph, Depends(get_graph)]
StoreDep = Annotated[Store, Depends(get_store)]
MemoDep = Annotated[GraphMemo, Depends(get_memo)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
AsOf = Annotated[IsoDate | None, Query(description="Judge on this date (yyyy-mm-dd)", examples=["2019-06-01"])]
DateParam = Annotated[IsoDate | None, Query(description="yyyy-mm-dd")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
