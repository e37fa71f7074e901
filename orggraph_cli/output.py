"""Printing results as JSON (default for scripts), CSV or a table."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click
import orjson

from orggraph.csvsafe import to_plain

FORMATS = ("json", "csv", "table")


def emit_json(obj: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(to_plain(obj), option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def emit_rows(rows: Iterable[Any], fmt: str, columns: Sequence[str] | None = None, title: str | None = None
              ) -> None:
    plain = [to_plain(r) for r in rows]
    if fmt == "json":
        emit_json(plain)
        return
    from orggraph.csvsafe import flatten, rows_to_csv

    if fmt == "csv":
        click.echo(rows_to_csv(plain, columns), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        cols = list(columns or (plain[0].keys() if plain else []))
        table = Table(title=title, show_lines=False)
        for c in cols:
            table.add_column(c, overflow="fold")
        for r in plain:
            f = flatten(r)
            table.add_row(*("" if f.get(c) is None else str(f.get(c)) for c in cols))
        Console(width=200).print(table)


def emit_object(obj: Any, fmt: str, title: str | None = None) -> None:
    plain = to_plain(obj)
    if fmt == "json":
        emit_json(plain)
    elif fmt == "csv":
        emit_rows([plain], "csv")
    else:
        from rich.console import Console
        from rich.table import Table

        from orggraph.csvsafe import flatten

        table = Table(title=title, show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for k, v in flatten(plain).items():
            table.add_row(k, "" if v is None else str(v))
        Console(width=200).print(table)
