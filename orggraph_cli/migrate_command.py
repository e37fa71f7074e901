"""`orggraph migrate [--from STORE.json] [--to STORE.sqlite]`: a JSON store file into an SQLite store.

Every node and relationship of the JSON file is written to the SQLite store in one transaction; the
counts by label and type are checked inside that transaction before it commits, so a migration that
does not add up leaves nothing behind. The JSON file is never changed (it stays as a backup and an
export format).
"""

from __future__ import annotations

from pathlib import Path

import click

from orggraph.stores import SQLITE_SUFFIXES, legacy_store_path
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.sqlite import SQLiteStore
from orggraph_cli.app import cli, err_console, fail


class CountsDiffer(Exception):
    """Raised inside the migration's transaction so that it rolls back."""


def _source_path(ctx: click.Context, given: Path | None) -> Path:
    """--from, else the store named by --store / $ORGGRAPH_STORE, else the old default JSON store file."""
    if given is not None:
        return given
    parent = ctx.find_root()
    uri = parent.params.get("store_uri")
    return Path(uri).expanduser() if uri else legacy_store_path()


@cli.command("migrate")
@click.option("--from", "source", type=click.Path(path_type=Path), metavar="STORE.json",
              help="JSON store file to read (default: the store named by --store or ORGGRAPH_STORE, "
                   "else the old default graph.json in the user data directory).")
@click.option("--to", "target", type=click.Path(path_type=Path), metavar="STORE.sqlite",
              help="SQLite store to create (default: beside the JSON file, ending .sqlite).")
@click.pass_context
def migrate(ctx: click.Context, source: Path | None, target: Path | None) -> None:
    """Copy a JSON store file into a new SQLite store, in one transaction; the JSON file is kept.

    Afterwards use the new store with --store STORE.sqlite (or ORGGRAPH_STORE=STORE.sqlite).
    """
    source = _source_path(ctx, source)
    target = target or source.with_suffix(".sqlite")
    if not source.is_file():
        fail(f"{source}: no JSON store file to migrate")
    if source.suffix.lower() in SQLITE_SUFFIXES:
        fail(f"{source}: already an SQLite store (migrate reads a JSON store file)")
    if target.suffix.lower() not in SQLITE_SUFFIXES:
        raise click.BadParameter(f"expected a path ending {', '.join(SQLITE_SUFFIXES)}", param_hint="--to")
    graph = EmbeddedStore(source).graph()
    want = graph.stats()
    created = not target.exists()
    with SQLiteStore(target) as store:
        if any(store.stats()["nodes"].values()):
            fail(f"{target} already holds a graph; migrate only into a new or empty SQLite store")
        try:
            with store.batch():
                result = store.write(list(graph.records()), strict=True)
                got = store.stats()
                if not result.committed or got != want:
                    raise CountsDiffer(f"{len(result.rejected)} record(s) rejected" if result.rejected
                                       else f"counts differ: JSON {want}, SQLite {got}")
        except CountsDiffer as exc:
            problem = str(exc)
        else:
            problem = ""
    if problem:
        if created:  # the empty database this run made
            for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                leftover.unlink(missing_ok=True)
        fail(f"{source} -> {target}: {problem}; nothing was migrated")
    nodes, rels = sum(want["nodes"].values()), sum(want["relationships"].values())
    err_console.print(f"migrated {nodes} nodes and {rels} relationships from {source} to {target} "
                      f"(counts by label and type checked); {source} is kept as it was. "
                      f"Use it with --store {target} or ORGGRAPH_STORE={target}", markup=False, highlight=False)
