"""Exploring the store: `stats`, `show`, `search`, `export`, `schema`."""

from __future__ import annotations

from pathlib import Path

import click

from orggraph.query import dated_detail
from orggraph.schema import SCHEMA, schema_markdown
from orggraph_cli.app import cli, err_console, fail, store_from
from orggraph_cli.engine_commands import DATE
from orggraph_cli.output import emit_json, emit_object, emit_rows

TABLE_OR_JSON = click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table",
                             show_default=True)


@cli.command()
@TABLE_OR_JSON
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
@click.option("--as-of", "as_of", type=DATE,
              help="Only the relationships live on this date (yyyy-mm-dd); a provider's commissioner on it.")
@TABLE_OR_JSON
@click.pass_context
def show(ctx: click.Context, node_id: str, as_of: str | None, fmt: str) -> None:
    """One node with its relationships, dates and sources."""
    store = store_from(ctx)
    detail = store.node(node_id)
    if detail is None:
        fail(f"no node with id {node_id!r} (try `orggraph search`)", highlight=True)
    detail = dated_detail(detail, as_of, store.node)
    if fmt == "json":
        emit_json(detail)
        return
    emit_object({"id": detail.id, "label": detail.label, **detail.properties}, "table", title=detail.id)
    if detail.commissioner is not None:
        click.echo(detail.commissioner.text)
    emit_rows([{"dir": r.direction, "type": r.type, "other": r.other_id, "label": r.other_label,
                "name": r.other_name, "from": r.properties.get("valid_from"),
                "to": r.properties.get("valid_to"), "source": r.properties.get("source")}
               for r in detail.relationships], "table",
              title=f"relationships live on {as_of}" if as_of else "relationships")


@cli.command()
@click.argument("text")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@TABLE_OR_JSON
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
    from orggraph.stores.parts import export_store  # csv and json by page, never the whole graph

    written = export_store(store_from(ctx), fmt, out)
    for path in written:
        err_console.print(f"wrote {path}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def schema(fmt: str) -> None:
    """Print the schema (node labels, relationship types) from orggraph/schema.yaml."""
    if fmt == "json":
        emit_json(SCHEMA.raw)
    else:
        click.echo(schema_markdown())
