"""Request log (who, what, when, status), security headers on every response, and the request guard.

The log names the caller by key name and role (never the key) and the request by its route template
(``/api/nodes/{node_id}``), never the raw URL: ids and search text can be personal data.

The guard (:class:`RequestGuardMiddleware`) refuses, before any route runs:

- a ``Host`` not in the allowed hosts (DNS rebinding: a page on evil.example whose name resolves to
  127.0.0.1 reaches the server with ``Host: evil.example``): 400;
- a state-changing request (POST, PUT, PATCH, DELETE) that carries no API key header and whose
  ``Origin`` (else ``Referer``) is not this server (CSRF: a cookie session or the keyless server driven
  by another site's form): 403. A request with ``X-API-Key``/``Authorization`` cannot be sent
  cross-site by a browser without CORS, which this server never grants, so it needs no Origin.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
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
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on a form POST, so the
    # CSRF check could not tell this server's own login form from another site's.
    (b"referrer-policy", b"same-origin"),
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
                if b"cache-control" not in present and may_hold_personal_data(scope["path"]):
                    headers.append((b"cache-control", b"no-store"))
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


def may_hold_personal_data(path: str) -> bool:
    """Everything but static files, liveness and the API description: answers and pages name people."""
    return not (path.startswith("/static/") or path in ("/health", "/openapi.json", "/docs"))


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def split_host(value: str) -> tuple[str, str]:
    """``Host`` (or an origin's netloc) as (lower-case name, port or "")."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else ""
    name, _, port = value.partition(":")
    return name, port


def _same_origin(claimed: str, host: str, scheme: str) -> bool:
    parts = urlsplit(claimed)
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return False
    c_name, c_port = split_host(parts.netloc)
    h_name, h_port = split_host(host)
    return (c_name, c_port or _DEFAULT_PORTS[parts.scheme]) == (h_name, h_port or _DEFAULT_PORTS.get(scheme, ""))


class RequestGuardMiddleware:
    """Allowed hosts and the same-origin rule for state-changing requests (see the module docstring)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(Request(scope, receive))
        if refusal is None:
            await self.app(scope, receive, send)
            return
        from api.problems import html_problem, problem_response, wants_html

        request = Request(scope)
        response = html_problem(request, *refusal) if wants_html(request) else problem_response(*refusal)
        await response(scope, receive, send)

    @staticmethod
    def refusal(request: Request) -> tuple[int, str] | None:
        settings = request.app.state.settings
        host = request.headers.get("host", "")
        name, _ = split_host(host)
        if name not in settings.allowed_hosts:
            return 400, (f"Host {host!r} is not served here; allowed: {', '.join(settings.allowed_hosts)} "
                         "(add names with ORGGRAPH_ALLOWED_HOSTS or serve --allowed-host)")
        if request.method not in UNSAFE_METHODS:
            return None
        if request.headers.get("x-api-key") or request.headers.get("authorization"):
            return None
        claimed = request.headers.get("origin") or request.headers.get("referer")
        if claimed and _same_origin(claimed, host, request.url.scheme):
            return None
        return 403, (f"{request.method} from origin {claimed or '(none)'} refused: forms must come from this "
                     f"server's own pages ({request.url.scheme}://{host}); programs send their key as "
                     "'X-API-Key: KEY' or 'Authorization: Bearer KEY'")
