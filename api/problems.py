"""Errors as RFC 9457 problem details (``application/problem+json``), never a traceback.

Every route documents the problem responses it can give, so /openapi.json is exact and schemathesis
can hold the server to it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from orggraph.errors import StoreError, StoreUnavailable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("orggraph.api")

TITLES = {
    400: "Bad request",
    401: "Unauthorised",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Payload too large",
    422: "Unprocessable request",
    500: "Internal server error",
    503: "Service unavailable",
}


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    """Raise from a route to answer with a problem: ``ApiError(404, "no node with id 'X'")``."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None,
                 errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers, self.errors = status, detail, headers, errors


def wants_html(request: Request) -> bool:
    """Browser pages get an HTML error page; the API always answers problem+json."""
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/health", "/ready", "/openapi.json"):
        return False
    return "text/html" in request.headers.get("accept", "")


def html_problem(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    from api.templating import templates

    return templates.TemplateResponse(request, "error.html", {"status": status, "title": TITLES.get(status, "Error"),
                                                              "detail": detail}, status_code=status, headers=headers)


def problem_response(status: int, detail: str, headers: dict[str, str] | None = None,
                     errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = Problem(title=TITLES.get(status, "Error"), status=status, detail=detail, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers,
                        media_type=PROBLEM_JSON)


def problem_doc(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these problem statuses."""
    schema = Problem.model_json_schema()
    return {
        status: {"description": TITLES.get(status, "Error"), "content": {PROBLEM_JSON: {"schema": schema}}}
        for status in statuses
    }


def _validation_detail(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = []
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc)
        where = f"{loc[0]} {where}" if loc and loc[0] in ("query", "path", "header", "body") else where
        msg = err.get("msg", "invalid")
        errors.append({"location": where, "message": msg})
        parts.append(f"{where}: {msg}")
    return "; ".join(parts) or "invalid request", errors


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        if wants_html(request):
            return html_problem(request, exc.status, exc.detail, exc.headers)
        return problem_response(exc.status, exc.detail, exc.headers, errors=exc.errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "error")
        if wants_html(request):
            return html_problem(request, exc.status_code, detail, getattr(exc, "headers", None))
        return problem_response(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail, errors = _validation_detail(exc)
        if wants_html(request):
            return html_problem(request, 422, detail)
        return problem_response(422, detail, errors=errors)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return problem_response(503, f"the graph store is unavailable: {exc}", {"Retry-After": "10"})

    @app.exception_handler(StoreError)
    async def store_error(_: Request, exc: StoreError) -> JSONResponse:
        return problem_response(503, f"the graph store cannot be read: {exc}", {"Retry-After": "10"})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged with the route template only; the client learns nothing about internals.
        route = getattr(request.scope.get("route"), "path", "?")
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, route, exc_info=exc)
        return problem_response(500, "an unexpected error occurred; it has been logged")
