"""Liveness and readiness (readiness reads the store)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.problems import ApiError, problem_doc
from api.schemas import Health, Ready
from orggraph.errors import StoreError

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="The server is up")
def health() -> Health:
    return Health(status="ok")


@router.get("/ready", response_model=Ready, responses=problem_doc(503),
            summary="The server can read its store (503 if not)")
def ready(store: StoreDep) -> Ready:
    try:
        store.ping()
    except StoreError as exc:
        raise ApiError(503, f"the graph store is not reachable: {exc}", {"Retry-After": "10"}) from exc
    return Ready(status="ready", store=type(store).__name__)
