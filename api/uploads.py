"""Uploads are refused before their body is read: the caller's key first, then the size.

FastAPI parses (and spools to disk) a multipart body before any dependency of the route runs, so the
route's own checks come too late for a 300 MB upload with no key. This ASGI middleware runs first:

* on an upload route (``POST /api/load``) a caller without an admin key gets 401/403 and not one byte
  of the body is read;
* on every request a ``Content-Length`` over ``max_upload_bytes`` is 413 at once;
* a body sent without a length (chunked) is counted as it arrives and cut off with 413 at the limit.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import principal_of
from api.problems import problem_response
from api.settings import Settings

UPLOAD_ROUTES = {("POST", "/api/load"): "admin"}


def declared_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def authentication_problem(settings: Settings, scope: Scope, role: str) -> Response | None:
    """The 401 or 403 the route's ``require(role)`` would give, from the headers alone (no body): the
    same principal, by key or by a signed-in session's cookie."""
    principal = principal_of(Request(scope), settings)
    if principal is None:
        return problem_response(401, "an API key is required: send it as 'X-API-Key: KEY' or "
                                     "'Authorization: Bearer KEY'", {"WWW-Authenticate": 'Bearer realm="orggraph"'})
    if not principal.can(role):
        return problem_response(403, f"this needs the {role} role; your key has the {principal.role} role")
    return None


class UploadGuard:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_upload_bytes
        role = UPLOAD_ROUTES.get((scope.get("method", ""), scope.get("path", "")))
        if role is not None:
            problem = authentication_problem(self.settings, scope, role)
            if problem is not None:
                await problem(scope, receive, send)
                return
        length = declared_length(scope)
        if length is not None and length > limit:
            await problem_response(413, f"upload of {length} bytes is over the limit of {limit} bytes "
                                        "(ORGGRAPH_MAX_UPLOAD_MB)")(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Raised inside the route's body parsing: the app's handler answers 413.
                    raise HTTPException(413, f"upload is over the limit of {limit} bytes (ORGGRAPH_MAX_UPLOAD_MB)")
            return message

        await self.app(scope, counted, send)
