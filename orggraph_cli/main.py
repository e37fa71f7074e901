"""`orggraph`: load, explore, export, and (from the other command modules) scan, serve, copy, demo.

Exit codes: 0 success, 1 a failure the user can act on (file rejected, store unavailable),
2 usage errors (click's default).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from orggraph.errors import OrgGraphError
from orggraph.stores import STORE_ENV, Store, open_store
from orggraph_cli.output import FORMATS, emit_json, emit_object, emit_rows

# No emoji codes (a header like `valid_to:date:` would print as 📅) and no hard wraps in messages.
err_console = Console(stderr=True, emoji=False, soft_wrap=True)

# Modules that add commands with `register(cli)`; each owns one area.
COMMAND_MODULES = (
    "orggraph_cli.engine_commands",  # conflicts, quorum, composition, audit, paths
    "orggraph_cli.demo_command",  # demo
    "orggraph_cli.serve_command",  # serve
    "orggraph_cli.copy_command",  # copy
)


class StoreHandle:
    """Opens the store on first use, so `--help` and usage errors never touch it."""

    def __init__(self, uri: str | None):
        self.uri = uri
        self._store: Store | None = None

    def get(self) -> Store:
        if self._store is None:
            self._store = open_store(self.uri)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def store_from(ctx: click.Context) -> Store:
    return ctx.find_object(StoreHandle).get()  # type: ignore[union-attr]


class Cli(click.Group):
    """Turns any problem a user can act on (:class:`OrgGraphError`) into one clear line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OrgGraphError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            sys.exit(1)


@click.group(cls=Cli)
@click.option("--store", "store_uri", envvar=STORE_ENV, metavar="PATH|URI",
              help=f"Embedded store file or neo4j://host:7687 (env {STORE_ENV}).")
@click.pass_context
def cli(ctx: click.Context, store_uri: str | None) -> None:
    """orggraph: who commissions, who provides, and where the two meet."""
    handle = StoreHandle(store_uri)
    ctx.obj = handle
    ctx.call_on_close(handle.close)


def _progress_factory(progress: Progress):  # type: ignore[no-untyped-def]
    def factory(path: Path):  # type: ignore[no-untyped-def]
        task = progress.add_task(path.name, total=None)

        def tick(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        return tick

    return factory


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", help="File kind, if it cannot be detected (see `orggraph kinds`).")
@click.option("--strict", is_flag=True, help="Reject a whole file if any row is bad.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write the reports as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def load(ctx: click.Context, paths: tuple[Path, ...], kind: str | None, strict: bool,
         report_path: Path | None, quiet: bool) -> None:
    """Load files (ODS, ONS, ePCN, registers of interests, graph CSVs) into the store."""
    from loaders import available_kinds
    from loaders.pipeline import load_paths

    if kind and kind not in available_kinds():
        raise click.BadParameter(f"expected one of {', '.join(available_kinds())}", param_hint="--kind")
    store = store_from(ctx)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err_console, transient=True, disable=quiet or not err_console.is_terminal) as prog:
        reports = load_paths(store, list(paths), kind=kind, strict=strict,
                             progress_factory=_progress_factory(prog))
    for rep in reports:
        colour = "green" if rep.status == "loaded" else "red"
        err_console.print(
            f"[{colour}]{rep.status}[/{colour}] {rep.file} ({rep.kind}): read {rep.read}, loaded {rep.loaded}, "
            f"rejected {len({r.row for r in rep.rejected})}, unresolved {len(rep.unresolved)}"
        )
        if rep.error:
            err_console.print(f"  {rep.error}")
        for rej in rep.rejected[:20]:
            err_console.print(f"  rejected: {rej}", markup=False, highlight=False)
        if len(rep.rejected) > 20:
            err_console.print(f"  ... and {len(rep.rejected) - 20} more (see --report)")
        for un in rep.unresolved[:10]:
            err_console.print(f"  unresolved: {un.file}, row {un.row}: {un.text!r}: {un.reason}",
                              markup=False, highlight=False)
        if len(rep.unresolved) > 10:
            err_console.print(f"  ... and {len(rep.unresolved) - 10} more unresolved (see --report)")
        for note in rep.notes:
            err_console.print(f"  note: {note}", markup=False, highlight=False)
    if report_path:
        report_path.write_text(json.dumps([r.to_dict() for r in reports], indent=2, default=str))
    if any(r.status != "loaded" for r in reports):
        sys.exit(1)


@cli.command()
def kinds() -> None:
    """List the file kinds `load` understands."""
    from loaders import available_kinds, loader_module

    for kind in available_kinds():
        click.echo(f"{kind:10} {loader_module(kind).DESCRIPTION}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Counts of nodes by label and relationships by type."""
    data = store_from(ctx).stats()
    if fmt == "json":
        emit_json(data)
        return
    rows = [{"kind": "node", "name": k, "count": v} for k, v in data["nodes"].items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in data["relationships"].items()]
    emit_rows(rows, "table", title="orggraph store")


@cli.command()
@click.argument("node_id")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@click.pass_context
def show(ctx: click.Context, node_id: str, fmt: str) -> None:
    """One node with its relationships, dates and sources."""
    detail = store_from(ctx).node(node_id)
    if detail is None:
        err_console.print(f"[red]error:[/red] no node with id {node_id!r} (try `orggraph search`)")
        sys.exit(1)
    if fmt == "json":
        emit_json(detail)
        return
    emit_object({"id": detail.id, "label": detail.label, **detail.properties}, "table", title=detail.id)
    emit_rows([{"dir": r.direction, "type": r.type, "other": r.other_id, "label": r.other_label,
                "name": r.other_name, "from": r.properties.get("valid_from"),
                "to": r.properties.get("valid_to"), "source": r.properties.get("source")}
               for r in detail.relationships], "table", title="relationships")


@cli.command()
@click.argument("text")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@click.pass_context
def search(ctx: click.Context, text: str, limit: int, fmt: str) -> None:
    """Find nodes by name or code."""
    emit_rows(store_from(ctx).search(text, limit), fmt, columns=["id", "label", "name", "score"])


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "graphml", "json"]), required=True)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="A folder for csv, a file for graphml and json.")
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path) -> None:
    """Export the graph (csv: bulk-import CSVs that `load` reads back exactly)."""
    from orggraph.export import export_graph

    written = export_graph(store_from(ctx).graph(), fmt, out)
    for path in written:
        err_console.print(f"wrote {path}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def schema(fmt: str) -> None:
    """Print the schema (node labels, relationship types) from orggraph/schema.yaml."""
    from orggraph.schema import SCHEMA, schema_markdown

    if fmt == "json":
        emit_json(SCHEMA.raw)
    else:
        click.echo(schema_markdown())


def _register_modules() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(cli)


_register_modules()


def main() -> None:
    cli(prog_name="orggraph")


__all__ = ["FORMATS", "cli", "emit_json", "emit_object", "emit_rows", "main", "store_from"]
