"""`orggraph load` and `orggraph kinds`: files into the store, with a report per file."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn

from orggraph_cli.app import cli, err_console, store_from


def _progress_factory(progress: Progress) -> Callable[[Path], Callable[[int, int | None], None]]:
    def factory(path: Path) -> Callable[[int, int | None], None]:
        task = progress.add_task(path.name, total=None)

        def tick(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        return tick

    return factory


def _print_report(rep: Any) -> None:
    """One file's outcome: a status line, then at most 20 rejected rows and 10 unresolved mentions; a file
    refused whole gets one line with the reason."""
    from loaders.releases import is_snapshot  # lazy, as in `load`

    colour = "green" if rep.status == "loaded" else "red"
    if rep.status == "rejected" and rep.error and not rep.read:
        # Refused whole before any row was read (wrong kind, nothing of its kind): one line says why.
        err_console.print(f"[red]rejected[/red] ({rep.kind}) {escape(rep.error)}", highlight=False)
        return
    err_console.print(
        f"[{colour}]{rep.status}[/{colour}] {rep.file} ({rep.kind}): read {rep.read}, loaded {rep.loaded}, "
        f"rejected {len({r.row for r in rep.rejected})}, unresolved {len(rep.unresolved)}"
    )
    if rep.release_date or rep.release_basis:
        err_console.print(f"  release {rep.release_date} ({rep.release_basis})", markup=False, highlight=False)
    elif rep.status == "loaded" and is_snapshot(rep.kind):
        err_console.print("  release date unknown (no dates in the file; give one with --as-of)")
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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", help="File kind, if it cannot be detected (see `orggraph kinds`).")
@click.option("--strict", is_flag=True, help="Reject a whole file if any row is bad.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write the reports as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Release date of every ODS/ONS file loaded (default: the date the file states, else "
                   "the latest date in it).")
@click.pass_context
def load(ctx: click.Context, paths: tuple[Path, ...], kind: str | None, strict: bool,
         report_path: Path | None, quiet: bool, as_of: Any) -> None:
    """Load files (ODS, ONS, ePCN, registers of interests, graph CSVs) into the store.

    Each ODS/ONS file is a snapshot as of its release date; where releases overlap the newer release
    wins, and a link a later release no longer reports ends in between."""
    # Lazy: the loaders (openpyxl, rapidfuzz) cost time that `--help` and the other commands need not pay.
    from loaders import available_kinds
    from loaders.pipeline import load_paths

    if kind and kind not in available_kinds():
        raise click.BadParameter(f"expected one of {', '.join(available_kinds())}", param_hint="--kind")
    store = store_from(ctx)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err_console, transient=True, disable=quiet or not err_console.is_terminal) as prog:
        reports = load_paths(store, list(paths), kind=kind, strict=strict,
                             progress_factory=_progress_factory(prog),
                             as_of=as_of.date().isoformat() if as_of else None)
    for rep in reports:
        _print_report(rep)
    if report_path:
        report_path.write_text(json.dumps([r.to_dict() for r in reports], indent=2, default=str))
    if any(r.status != "loaded" for r in reports):
        sys.exit(1)


@cli.command()
def kinds() -> None:
    """List the file kinds `load` understands."""
    # Lazy, as in `load`.
    from loaders import available_kinds, loader_module

    for kind in available_kinds():
        click.echo(f"{kind:10} {loader_module(kind).DESCRIPTION}")
