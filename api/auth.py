"""API keys and roles: reader < auditor < admin, compared in constant time, never logged.

A key may be sent as ``X-API-Key: KEY`` or ``Authorization: Bearer KEY``. The browser views use the
/login form instead: it checks the key once and sets the ``orggraph_session`` cookie to a random
session token (never the key). The server keeps token -> key *name* in memory, so the role is always
the key's current one, a key removed from the settings ends its sessions, logging in again rotates the
token, and logging out ends the session on the server too. Sessions end when the server restarts.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ApiError
from api.settings import ROLE_RANK, Settings

SESSION_COOKIE = "orggraph_session"
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 10_000
# Declared in /openapi.json (the docs page's Authorize button); the keys are checked by `authenticate`.
API_KEY_SCHEME = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey",
                              description="An API key (reader, auditor or admin)")
BEARER_SCHEME = HTTPBearer(auto_error=False, scheme_name="Bearer",
                           description="The same API key as a bearer token")
KeyHeader = Annotated[str | None, Security(API_KEY_SCHEME)]
BearerHeader = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)]


@dataclass(frozen=True)
class Principal:
    name: str
    role: str

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


ANONYMOUS = Principal("anonymous", "reader")


class Sessions:
    """Browser sessions: random token -> (key name, expiry), bounded in number and age."""

    def __init__(self, seconds: int = SESSION_SECONDS, limit: int = MAX_SESSIONS):
        self.seconds, self.limit = seconds, limit
        self._by_token: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, key_name: str, previous: str | None = None) -> str:
        """A new token for ``key_name``; ``previous`` (the caller's old token, if any) ends."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            if previous:
                self._by_token.pop(previous, None)
            self._by_token[token] = (key_name, time.monotonic() + self.seconds)
            while len(self._by_token) > self.limit:
                self._by_token.popitem(last=False)  # the oldest
        return token

    def key_name(self, token: str) -> str | None:
        with self._lock:
            found = self._by_token.get(token)
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self._by_token[token]
                return None
            return found[0]

    def end(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._by_token.pop(token, None)


def sessions_of(request: Request) -> Sessions:
    state = request.app.state
    if not hasattr(state, "sessions"):
        state.sessions = Sessions()
    return state.sessions  # type: ignore[no-any-return]


def presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return None


def identify(settings: Settings, key: str | None) -> Principal | None:
    """The principal for ``key``, or None. Checks every key so timing says nothing about which matched."""
    if not settings.auth_enabled:
        return ANONYMOUS
    if not key:
        return None
    found: Principal | None = None
    given = key.encode()
    for api_key in settings.api_keys:
        if hmac.compare_digest(given, api_key.key.encode()) and found is None:
            found = Principal(api_key.name, api_key.role)
    return found


def holds_a_key(request: Request) -> bool:
    """The request presents a valid API key (keys configured): it may learn about the server's store."""
    settings: Settings = request.app.state.settings
    return settings.auth_enabled and identify(settings, presented_key(request)) is not None


def session_principal(request: Request, settings: Settings) -> Principal | None:
    """The principal of the request's session cookie (its key's current role), or None."""
    token = request.cookies.get(SESSION_COOKIE)
    name = sessions_of(request).key_name(token) if token else None
    if name is None:
        return None
    return next((Principal(k.name, k.role) for k in settings.api_keys if k.name == name), None)


def principal_of(request: Request, settings: Settings) -> Principal | None:
    """Who the request is: its key's principal, else (no key sent) its session's; None when neither."""
    key = presented_key(request)
    principal = identify(settings, key)
    if principal is None and key is None and settings.auth_enabled:
        principal = session_principal(request, settings)
    return principal


def authenticate(request: Request) -> Principal:
    settings: Settings = request.app.state.settings
    principal = principal_of(request, settings)
    if principal is None:
        raise ApiError(401, "an API key is required: send it as 'X-API-Key: KEY' or 'Authorization: Bearer KEY'",
                       {"WWW-Authenticate": 'Bearer realm="orggraph"'})
    request.state.principal = principal
    return principal


def require(role: str) -> Callable[..., Principal]:
    """A dependency admitting principals of ``role`` or above (declaring the key schemes in the OpenAPI)."""

    def dependency(request: Request, _key: KeyHeader = None, _bearer: BearerHeader = None) -> Principal:
        principal = authenticate(request)
        if not principal.can(role):
            raise ApiError(403, f"this needs the {role} role; your key has the {principal.role} role")
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency
