"""Request log (who, what, when, status) and security headers on every response.

The log names the caller by key name and role (never the key) and the request by its route template
(``/api/nodes/{node_id}``), never the raw URL: ids and search text can be personal data.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("orggraph.api.access")

# Nothing from any other origin: scripts, styles, images, fonts and fetches come from this app only.
# 'unsafe-inline' styles are needed by Swagger UI and vis-network tooltips; no inline script runs.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log_request(scope, status, time.perf_counter() - start)


def log_request(scope: Scope, status: int, seconds: float) -> None:
    route: Any = scope.get("route")
    what = getattr(route, "path", None) or ("/static/*" if scope["path"].startswith("/static/") else "(no route)")
    principal = scope.get("state", {}).get("principal")
    who = f"{principal.name}/{principal.role}" if principal is not None else "-"
    log.info("%s %s %s %s %d %.1fms", datetime.now(UTC).isoformat(timespec="milliseconds"), who,
             scope.get("method", "-"), what, status, seconds * 1000)
