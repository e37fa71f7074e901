"""`orggraph`: the entry point. The group lives in :mod:`orggraph_cli.app`; it imports the module that
declares a command (:data:`orggraph_cli.app.COMMANDS`) only when that command runs."""

from __future__ import annotations

from orggraph_cli.app import cli


def main() -> None:
    cli(prog_name="orggraph")


__all__ = ["cli", "main"]
