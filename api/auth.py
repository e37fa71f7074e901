"""API keys and roles: reader < auditor < admin, compared in constant time, never logged.

A key may be sent as ``X-API-Key: KEY``, ``Authorization: Bearer KEY`` or (for the browser views,
after the /login form) the ``orggraph_key`` cookie.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from api.problems import ApiError
from api.settings import ROLE_RANK, Settings

COOKIE = "orggraph_key"


@dataclass(frozen=True)
class Principal:
    name: str
    role: str

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


ANONYMOUS = Principal("anonymous", "reader")


def presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(COOKIE) or None


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


def authenticate(request: Request) -> Principal:
    settings: Settings = request.app.state.settings
    principal = identify(settings, presented_key(request))
    if principal is None:
        raise ApiError(401, "an API key is required: send it as 'X-API-Key: KEY' or 'Authorization: Bearer KEY'",
                       {"WWW-Authenticate": 'Bearer realm="orggraph"'})
    request.state.principal = principal
    return principal


def require(role: str) -> Callable[[Request], Principal]:
    """A dependency admitting principals of ``role`` or above."""

    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        if not principal.can(role):
            raise ApiError(403, f"this needs the {role} role; your key has the {principal.role} role")
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency
