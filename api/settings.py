"""Every setting of the API server, read from the environment in one place.

API keys come from ``ORGGRAPH_API_KEYS`` ("key:role[:name],key:role[:name]") and/or the file named by
``ORGGRAPH_API_KEYS_FILE`` (one ``key:role[:name]`` a line, ``#`` comments). A key's *name* (default
``<role>-<n>``) is what the request log shows; the key itself is never logged or echoed.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from orggraph.errors import OrgGraphError

ROLES = ("reader", "auditor", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
KEYS_ENV = "ORGGRAPH_API_KEYS"
KEYS_FILE_ENV = "ORGGRAPH_API_KEYS_FILE"
HOSTS_ENV = "ORGGRAPH_ALLOWED_HOSTS"
# Host names a browser may use to reach the server (DNS rebinding: a page on evil.example whose name
# is made to resolve to 127.0.0.1 still sends "Host: evil.example", which is refused).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_HOST_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\]")


class SettingsError(OrgGraphError, ValueError):
    """A setting that cannot be used as given (says which and why)."""


@dataclass(frozen=True)
class ApiKey:
    key: str = field(repr=False)
    role: str
    name: str


def parse_keys(text: str, where: str, separator: str = ",") -> list[ApiKey]:
    keys: list[ApiKey] = []
    entries = text.split(separator) if separator != "\n" else text.splitlines()
    for n, raw in enumerate(entries, start=1):
        entry = raw.split("#", 1)[0].strip() if separator == "\n" else raw.strip()
        if not entry:
            continue
        parts = entry.split(":")
        if len(parts) not in (2, 3) or not parts[0]:
            # Never echo the entry: it holds a key.
            raise SettingsError(f"{where}: entry {n}: expected key:role or key:role:name")
        key, role = parts[0].strip(), parts[1].strip()
        if role not in ROLE_RANK:
            raise SettingsError(f"{where}: entry {n}: role {role!r}; expected one of {', '.join(ROLES)}")
        if len(key) < 8:
            raise SettingsError(f"{where}: entry {n}: key too short; expected at least 8 characters")
        name = parts[2].strip() if len(parts) == 3 and parts[2].strip() else f"{role}-{len(keys) + 1}"
        keys.append(ApiKey(key, role, name))
    return keys


@dataclass(frozen=True)
class Settings:
    store_uri: str | None = None
    api_keys: tuple[ApiKey, ...] = ()
    max_upload_bytes: int = 200 * 1024 * 1024
    max_page_size: int = 1000
    # Views over this many nodes are trimmed (vis-network stays readable and fast up to about here).
    view_max_nodes: int = 500
    max_hops: int = 4
    # Host header names accepted (without port, lower case); loopback only unless configured.
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    # Memory for remembered answers (per graph snapshot), ORGGRAPH_CACHE_MB.
    memo_max_bytes: int = 256 * 1024 * 1024

    @property
    def auth_enabled(self) -> bool:
        return bool(self.api_keys)

    @classmethod
    def from_env(cls, store_uri: str | None = None, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        keys: list[ApiKey] = []
        if env.get(KEYS_ENV):
            keys += parse_keys(env[KEYS_ENV], KEYS_ENV)
        if env.get(KEYS_FILE_ENV):
            path = Path(env[KEYS_FILE_ENV]).expanduser()
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise SettingsError(f"{KEYS_FILE_ENV}={path}: cannot read ({exc.strerror})") from exc
            keys += parse_keys(text, str(path), separator="\n")
        names = [k.name for k in keys]
        if len(set(names)) != len(names):
            raise SettingsError("API key names must be unique (they identify callers in the log)")
        max_upload = int(env.get("ORGGRAPH_MAX_UPLOAD_MB", "200")) * 1024 * 1024
        hosts = parse_hosts(env.get(HOSTS_ENV, ""), HOSTS_ENV)
        memo = int(env.get("ORGGRAPH_CACHE_MB", "256")) * 1024 * 1024
        return cls(store_uri=store_uri or env.get("ORGGRAPH_STORE") or None, api_keys=tuple(keys),
                   max_upload_bytes=max_upload, allowed_hosts=_merge(LOOPBACK_HOSTS, hosts), memo_max_bytes=memo)

    def with_hosts(self, hosts: list[str]) -> Settings:
        """These settings also accepting ``hosts`` (e.g. from ``serve --allowed-host``)."""
        return replace(self, allowed_hosts=_merge(self.allowed_hosts, parse_hosts(",".join(hosts), "--allowed-host")))

    def with_bind_host(self, host: str) -> Settings:
        """Serving on a named address (not a wildcard such as 0.0.0.0): that name is accepted too."""
        if host in ("", "0.0.0.0", "::", "[::]"):
            return self
        name = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return self.with_hosts([name])


def _merge(first: tuple[str, ...], more: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*first, *more]))


def parse_hosts(text: str, where: str) -> list[str]:
    """Comma-separated host names (``graph.example.nhs.uk``, ``10.0.0.5``, ``[::1]``; no port, no scheme)."""
    hosts = []
    for raw in text.split(","):
        host = raw.strip().lower()
        if not host:
            continue
        if not _HOST_NAME.fullmatch(host):
            raise SettingsError(f"{where}: {raw.strip()!r} is not a host name; expected names such as "
                                "graph.example.nhs.uk or 10.0.0.5, comma-separated, without port or scheme")
        hosts.append(host)
    return hosts


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, host: str) -> None:
    """Without API keys anyone who can reach the port can read the graph: keep it on this machine."""
    if not settings.auth_enabled and not is_loopback(host):
        raise SettingsError(
            f"refusing to listen on {host} without API keys: set {KEYS_ENV} or {KEYS_FILE_ENV}, "
            "or listen on 127.0.0.1"
        )
