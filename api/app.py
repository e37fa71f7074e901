"""The FastAPI application: API routers, browser views, offline docs and static assets.

``create_app(settings)`` opens the store named in the settings (or uses the one given, for tests).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.auth import Sessions
from api.graph_cache import GraphMemo
from api.middleware import RequestGuardMiddleware, RequestLogMiddleware
from api.problems import install_problem_handlers
from api.routers import admin, findings, health, meetings, nodes, paths_view, views
from api.settings import Settings
from api.uploads import UploadGuard
from orggraph.stores import Store, open_store
from viz import STATIC_DIR as VIZ_STATIC
from viz import VIS_DIR

API_STATIC = Path(__file__).parent / "static"
DESCRIPTION = """Conflicts of interest in NHS commissioning, over HTTP.

Send an API key as `X-API-Key: KEY` (or `Authorization: Bearer KEY`). Roles: **reader** (explore and
query), **auditor** (plus the register audit and the graph export), **admin** (plus loading files).
With no keys configured the server listens on loopback only and everyone is a reader.
Errors are `application/problem+json` (RFC 9457).
"""
DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>orggraph API docs</title>
<link rel="stylesheet" href="/static/api/swagger-ui.css"><link rel="icon" href="/static/api/favicon.png">
</head><body><div id="swagger-ui"></div>
<script src="/static/api/swagger-ui-bundle.js"></script><script src="/static/api/swagger-init.js"></script>
</body></html>"""


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="orggraph", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.store = store if store is not None else open_store(settings.store_uri)
    app.state.memo = GraphMemo(settings.memo_max_bytes)
    app.state.sessions = Sessions()
    install_problem_handlers(app)
    app.add_middleware(UploadGuard, settings=settings)  # before any body is read
    app.add_middleware(RequestGuardMiddleware)  # inside the log: refusals are logged and get the headers
    app.add_middleware(RequestLogMiddleware)
    for router in (health.router, nodes.router, findings.router, meetings.router, admin.router, views.router, paths_view.router):
        app.include_router(router)
    app.mount("/static/api", StaticFiles(directory=API_STATIC), name="static-api")
    app.mount("/static/viz", StaticFiles(directory=VIZ_STATIC), name="static-viz")
    app.mount("/static/vis", StaticFiles(directory=VIS_DIR), name="static-vis")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI from this app's own files; its initialiser is a file too, so no inline script runs.
        return HTMLResponse(DOCS_HTML)

    logging.getLogger("orggraph.api.access").setLevel(logging.INFO)
    return app
