"""The `orggraph` click group and what every command shares: the store handle, the error console, fail().

Command modules import :data:`cli` from here and declare their commands on it at top level. The group
imports a command's module only when that command runs (:data:`COMMANDS` names it; ``--help`` imports
them all), and modules keep their heavy imports (the engine, networkx, pydantic models, rich, the PDF
brief) inside the commands, so one question starts in a fraction of a second. Nothing here imports a
command module by name.

Exit codes: 0 success, 1 a failure the user can act on (file rejected, store unavailable),
2 usage errors (click's default).
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn, TypeGuard

import click

from orggraph.errors import OrgGraphError

if TYPE_CHECKING:
    from rich.console import Console

    from orggraph.stores import Store
    from orggraph.stores.embedded import EmbeddedStore

STORE_ENV = "ORGGRAPH_STORE"  # orggraph.stores.STORE_ENV (a test checks they agree)

# Each command and the module that declares it (imported when the command runs).
COMMANDS = {
    "audit": "engine_commands", "brief": "brief_command", "composition": "engine_commands",
    "conflicts": "engine_commands", "copy": "copy_command", "demo": "demo_command", "export": "explore_commands",
    "kinds": "load_commands", "load": "load_commands", "migrate": "migrate_command", "paths": "engine_commands",
    "quorum": "engine_commands", "scan": "engine_commands", "schema": "explore_commands",
    "search": "explore_commands", "serve": "serve_command", "show": "explore_commands", "stats": "explore_commands",
}


@cache
def _err_console() -> Console:
    from rich.console import Console

    # No emoji codes (a header like `valid_to:date:` would print as 📅) and no hard wraps in messages.
    return Console(stderr=True, emoji=False, soft_wrap=True)


class _ErrConsole:
    """The console on stderr, made on first use (rich takes a tenth of a second to import)."""

    def print(self, *objects: Any, **kw: Any) -> None:
        _err_console().print(*objects, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(_err_console(), name)


err_console: Any = _ErrConsole()


def fail(message: str, *, highlight: bool = False) -> NoReturn:
    """One red `error:` line on stderr and exit 1: for a problem the user can act on."""
    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=highlight)
    sys.exit(1)


def embedded(store: Store) -> TypeGuard[EmbeddedStore]:
    """Whether ``store`` is the embedded JSON store (without importing it: it is one only if its module
    was imported to open it)."""
    module = sys.modules.get("orggraph.stores.embedded")
    return module is not None and isinstance(store, module.EmbeddedStore)


def migrate_old_default() -> None:
    """The default store became SQLite (``graph.sqlite``); when only the old default JSON file
    (``graph.json`` beside it) exists, copy it over once, keeping it, and say so in one line."""
    from orggraph.stores import default_store_path, legacy_store_path

    new, old = default_store_path(), legacy_store_path()
    if new.exists() or not old.is_file():
        return
    from orggraph.stores.migration import migrate_json

    try:
        nodes, rels = migrate_json(old, new)
    except OrgGraphError as exc:
        if new.exists():
            return  # another process migrated it at the same moment: use its copy
        fail(f"the default store is now {new}, but {old} could not be migrated to it ({exc}); "
             f"run `orggraph migrate` to see why, or name a store with --store")
    err_console.print(f"note: the default store is now SQLite: migrated {nodes} nodes and {rels} relationships "
                      f"from {old} to {new} (the JSON file is kept)", markup=False, highlight=False)


class StoreHandle:
    """Opens the store on first use, so `--help` and usage errors never touch it."""

    def __init__(self, uri: str | None):
        self.uri = uri
        self._store: Store | None = None

    def get(self) -> Store:
        if self._store is None:
            from orggraph.stores import open_store

            if self.uri is None:
                migrate_old_default()
            self._store = open_store(self.uri)
            if embedded(self._store):
                # A load waiting for another one says so when the wait starts.
                self._store.on_wait = lambda message: err_console.print(f"note: {message}", markup=False,
                                                                        highlight=False)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def store_from(ctx: click.Context, *, create: bool = False) -> Store:
    """The store named by `--store` (or the environment), opened on first use.

    Questions need a store with something in it: a store file that does not exist (a typo in `--store`)
    or holds nothing is one clear line naming it, never an empty answer. Commands that fill a store
    (`load`, `demo`) pass ``create=True``."""
    handle = ctx.find_object(StoreHandle)
    assert handle is not None, "the orggraph group sets a StoreHandle before any command runs"
    store = handle.get()
    if create:
        return store
    if embedded(store) and not store.exists():
        fail(f"no store at {store.path}: check --store (or ${STORE_ENV}), or load files into it first "
             f"(orggraph --store {store.path} load FILE...)")
    if store.is_empty():
        fail(f"the store {store.uri} is empty: load files into it first (orggraph --store {store.uri} load FILE...)")
    return store


class Cli(click.Group):
    """Turns any problem a user can act on (:class:`OrgGraphError`) into one clear line and exit 1;
    imports a command's module when the command is asked for (:data:`COMMANDS`)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"orggraph_cli.{COMMANDS[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OrgGraphError as exc:
            fail(str(exc), highlight=True)


@click.group(cls=Cli)
@click.option("--store", "store_uri", envvar=STORE_ENV, metavar="PATH|URI",
              help=f"Embedded store file or neo4j://host:7687 (env {STORE_ENV}).")
@click.pass_context
def cli(ctx: click.Context, store_uri: str | None) -> None:
    """orggraph: who commissions, who provides, and where the two meet."""
    handle = StoreHandle(store_uri)
    ctx.obj = handle
    ctx.call_on_close(handle.close)
