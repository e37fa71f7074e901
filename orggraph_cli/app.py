"""The `orggraph` click group and what every command shares: the store handle, the error console, fail().

Command modules import :data:`cli` from here and declare their commands on it at top level; the
entry point (:mod:`orggraph_cli.main`) imports them. Nothing here imports a command module.

Exit codes: 0 success, 1 a failure the user can act on (file rejected, store unavailable),
2 usage errors (click's default).
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click
from rich.console import Console

from orggraph.errors import OrgGraphError
from orggraph.stores import STORE_ENV, Store, open_store
from orggraph.stores.embedded import EmbeddedStore

# No emoji codes (a header like `valid_to:date:` would print as 📅) and no hard wraps in messages.
err_console = Console(stderr=True, emoji=False, soft_wrap=True)


def fail(message: str, *, highlight: bool = False) -> NoReturn:
    """One red `error:` line on stderr and exit 1: for a problem the user can act on."""
    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=highlight)
    sys.exit(1)


class StoreHandle:
    """Opens the store on first use, so `--help` and usage errors never touch it."""

    def __init__(self, uri: str | None):
        self.uri = uri
        self._store: Store | None = None

    def get(self) -> Store:
        if self._store is None:
            self._store = open_store(self.uri)
            if isinstance(self._store, EmbeddedStore):
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
    if isinstance(store, EmbeddedStore) and not store.exists():
        fail(f"no store at {store.path}: check --store (or ${STORE_ENV}), or load files into it first "
             f"(orggraph --store {store.path} load FILE...)")
    empty = (store.graph().g.number_of_nodes() == 0 if isinstance(store, EmbeddedStore)
             else not any(store.stats()["nodes"].values()))
    if empty:
        fail(f"the store {store.uri} is empty: load files into it first (orggraph --store {store.uri} load FILE...)")
    return store


class Cli(click.Group):
    """Turns any problem a user can act on (:class:`OrgGraphError`) into one clear line and exit 1."""

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
