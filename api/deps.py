"""Dependencies shared by the routers: the store (loaded, for questions), the memo, dates, paging."""

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
from orggraph.stores.base import Store
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import iso


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def get_loaded_store(request: Request) -> Store:
    """The store, for asking questions of: 503 before the first load (not an empty, clean-looking answer)."""
    store = request.app.state.store
    if isinstance(store, EmbeddedStore) and not store.exists():
        raise ApiError(503, "no graph has been loaded yet: load files first (orggraph load, or POST /api/load)",
                       {"Retry-After": "10"})
    return store  # type: ignore[no-any-return]


def get_memo(request: Request) -> GraphMemo:
    return request.app.state.memo  # type: ignore[no-any-return]


def parse_date(value: str | dt.date | None, name: str) -> str | None:
    try:
        return iso(value)
    except ValueError:
        raise ApiError(422, f"{name}={value!r}: {EXPECTED}") from None


def json_bytes(payload: object) -> Response:
    """Already-plain data as JSON, skipping FastAPI's re-validation of the response model (the route
    still declares the model, so /openapi.json is exact); orjson keeps big answers cheap."""
    return Response(orjson.dumps(payload), media_type="application/json")


StoreDep = Annotated[Store, Depends(get_loaded_store)]
AnyStoreDep = Annotated[Store, Depends(get_store)]  # also before the first load (readiness, loading)
MemoDep = Annotated[GraphMemo, Depends(get_memo)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
AsOf = Annotated[IsoDate | None, Query(description="Judge on this date (yyyy-mm-dd)", examples=["2019-06-01"])]
DateParam = Annotated[IsoDate | None, Query(description="yyyy-mm-dd")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
