"""`orggraph copy --from STORE --to STORE`: move a whole graph between stores (embedded <-> Neo4j).

The copy is every node then every relationship of the source's snapshot, written to the destination
in one all-or-nothing write, so it is lossless (properties, dates, sources) and can be repeated.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console

from orggraph.stores import open_store
from orggraph_cli.app import cli

# Its own console (hard wraps, as it always printed), not the app's soft-wrapping one.
err_console = Console(stderr=True)


@cli.command("copy")
@click.option("--from", "source_uri", required=True, metavar="PATH|URI",
              help="Store to read: an embedded store file or neo4j://host:7687.")
@click.option("--to", "target_uri", required=True, metavar="PATH|URI",
              help="Store to write (merged into; see --replace).")
@click.option("--replace", is_flag=True, help="Empty the destination first, so it ends up an exact copy.")
def copy(source_uri: str, target_uri: str, replace: bool) -> None:
    """Copy the whole graph from one store to another (backup, or moving to or from Neo4j).

    Neo4j credentials come from NEO4J_USER / NEO4J_PASSWORD (the same for both ends).
    """
    if source_uri == target_uri:
        raise click.BadParameter("--from and --to name the same store", param_hint="--to")
    with open_store(source_uri) as source, open_store(target_uri) as target:
        graph = source.graph()
        if replace:
            target.clear()
        result = target.write(list(graph.records()), strict=True)
        if not result.committed or result.rejected:
            for index, err in result.rejected[:20]:
                err_console.print(f"  rejected record {index}: {err}", markup=False, highlight=False)
            err_console.print(f"[red]error:[/red] {target.uri} rejected {len(result.rejected)} record(s); "
                              "nothing was copied")
            sys.exit(1)
        stats = graph.stats()
        nodes, rels = sum(stats["nodes"].values()), sum(stats["relationships"].values())
        err_console.print(
            f"copied {nodes} nodes and {rels} relationships from {source.uri} to {target.uri} "
            f"(created {result.nodes_created + result.rels_created}, updated "
            f"{result.nodes_updated + result.rels_updated}, unchanged {result.unchanged})")
