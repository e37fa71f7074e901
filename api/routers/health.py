"""Liveness and readiness (readiness reads the store)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request

from api.auth import holds_a_key
from api.deps import AnyStoreDep
from api.problems import ApiError, problem_doc
from api.schemas import Health, Ready
from orggraph.errors import StoreError

router = APIRouter(tags=["health"])
log = logging.getLogger("orggraph.api")


@router.get("/health", response_model=Health, summary="The server is up")
def health() -> Health:
    return Health(status="ok")


@router.get("/ready", response_model=Ready, responses=problem_doc(503),
            summary="The server can read its store (503 if not)")
def ready(request: Request, store: AnyStoreDep) -> Ready:
    """Why not (the store's path and error) is told only to a caller with an API key, and logged."""
    try:
        store.ping()
    except StoreError as exc:
        log.warning("not ready: %s", exc)
        why = f": {exc}" if holds_a_key(request) else " (the reason is in the server log)"
        raise ApiError(503, f"the graph store is not reachable{why}", {"Retry-After": "10"}) from exc
    return Ready(status="ready", store=type(store).__name__)
