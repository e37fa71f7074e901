"""`orggraph`: the entry point. The group lives in :mod:`orggraph_cli.app`; each module below declares
its commands on it when imported, so importing them is what makes the commands exist."""

from __future__ import annotations

from orggraph_cli import (  # noqa: F401  (imported for their @cli.command() declarations)
    brief_command,  # brief
    copy_command,  # copy
    demo_command,  # demo
    engine_commands,  # conflicts, quorum, composition, audit, paths, scan
    explore_commands,  # stats, show, search, export, schema
    load_commands,  # load, kinds
    migrate_command,  # migrate
    serve_command,  # serve
)
from orggraph_cli.app import cli


def main() -> None:
    cli(prog_name="orggraph")


__all__ = ["cli", "main"]
