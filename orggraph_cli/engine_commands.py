"""Engine commands: `conflicts`, `quorum`, `composition`, `audit`, `paths`, `scan`.

JSON on stdout by default (`--format json|csv|table`). An id that is not in the graph, or is the wrong
kind of node, is a clear one-line error and exit 1; a malformed date is a usage error, exit 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

import click

from orggraph_cli.output import FORMATS, emit_object, emit_rows, to_plain

CONFLICT_COLUMNS = ["person_id", "person_name", "decision_id", "decision_title", "committee_id", "date",
                    "parties", "interest_types", "direct", "declaration", "declaration_ids", "participation",
                    "breach", "severity", "score", "explanation", "paths"]
CONFLICT_TABLE = ["date", "decision_id", "person_id", "person_name", "parties", "interest_types", "declaration",
                  "participation", "breach", "severity"]
AUDIT_COLUMNS = ["person_id", "person_name", "org_id", "org_name", "commissioner_id", "as_of", "committees",
                 "declaration", "declaration_ids", "interest_types", "explanation", "paths"]
AUDIT_TABLE = ["person_id", "person_name", "org_id", "org_name", "committees", "interest_types", "declaration"]


class IsoDate(click.ParamType):
    """A calendar date as yyyy-mm-dd; anything else is a usage error (exit 2)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            self.fail(f"expected a date as yyyy-mm-dd, got {value!r}", param, ctx)


DATE = IsoDate()
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
                             help="json (default), csv or table.")
MAX_HOPS_OPTION = click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 8),
                               help="Longest interest path, in relationships.")


def _fail(message: str) -> None:
    from orggraph_cli.main import err_console

    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    sys.exit(1)


def _run(fn: Callable[[], Any]) -> Any:
    """Call the engine; its complaints about ids become one clear line and exit 1."""
    from orggraph.engine import EngineError

    try:
        return fn()
    except EngineError as exc:
        _fail(str(exc))


def _path_rows(paths: list[Any], kind: str) -> list[dict[str, Any]]:
    rows = []
    for i, p in enumerate(paths, 1):
        hops = p.hops if hasattr(p, "hops") else p
        nodes = [hops[0].to_id if hops[0].reversed else hops[0].from_id] if hops else []
        for h in hops:
            nodes.append(h.from_id if h.reversed else h.to_id)
        rows.append({"kind": kind, "n": i, "interest_type": getattr(p, "interest_type", None), "length": len(hops),
                     "nodes": " > ".join(nodes), "types": " > ".join(h.type for h in hops),
                     "hops": [to_plain(h) for h in hops]})
    return rows


def register(cli: click.Group) -> None:
    from orggraph_cli.main import store_from

    @cli.command()
    @click.option("--decision", help="Only this decision.")
    @click.option("--person", help="Only this person.")
    @click.option("--committee", help="Only decisions of this committee.")
    @click.option("--commissioner", help="Only decisions of this CCG's or ICB's committees.")
    @click.option("--from", "date_from", type=DATE, help="Decisions on or after this date.")
    @click.option("--to", "date_to", type=DATE, help="Decisions on or before this date.")
    @MAX_HOPS_OPTION
    @FORMAT_OPTION
    @click.pass_context
    def conflicts(ctx: click.Context, decision: str | None, person: str | None, committee: str | None,
                  commissioner: str | None, date_from: str | None, date_to: str | None, max_hops: int,
                  fmt: str) -> None:
        """Conflicts of interest: each decision-maker with a live interest path to a party of a decision.

        Ordered by date, decision, person. JSON is an array of conflict records with their evidence.
        """
        from orggraph import engine

        graph = store_from(ctx).graph()
        found = _run(lambda: engine.conflicts(graph, decision=decision, person=person, committee=committee,
                                              commissioner=commissioner, date_from=date_from, date_to=date_to,
                                              max_hops=max_hops))
        emit_rows(found, fmt, CONFLICT_TABLE if fmt == "table" else CONFLICT_COLUMNS, title="conflicts")

    @cli.command()
    @click.option("--decision", required=True, help="The decision.")
    @MAX_HOPS_OPTION
    @FORMAT_OPTION
    @click.pass_context
    def quorum(ctx: click.Context, decision: str, max_hops: int, fmt: str) -> None:
        """Whether a decision's committee was quorate once conflicted members are taken out."""
        from orggraph import engine

        graph = store_from(ctx).graph()
        result = _run(lambda: engine.quorum(graph, decision, max_hops=max_hops))
        emit_object(result, fmt, title=f"quorum of {decision}")

    @cli.command()
    @click.option("--committee", required=True, help="The committee.")
    @click.option("--as-of", "as_of", type=DATE, required=True, help="The date (yyyy-mm-dd).")
    @FORMAT_OPTION
    @click.pass_context
    def composition(ctx: click.Context, committee: str, as_of: str, fmt: str) -> None:
        """A committee's seats on a date and the PCCC rules (lay chair, lay/executive majority)."""
        from orggraph import engine

        graph = store_from(ctx).graph()
        result = _run(lambda: engine.composition(graph, committee, as_of))
        if fmt == "table":
            emit_object(result.model_dump(mode="json", exclude={"members"}), fmt, title=f"composition of {committee}")
            emit_rows(result.members, fmt, title="live seats")
        else:
            emit_object(result, fmt)

    @cli.command()
    @click.option("--commissioner", required=True, help="The CCG or ICB.")
    @click.option("--as-of", "as_of", type=DATE, required=True, help="The date (yyyy-mm-dd).")
    @MAX_HOPS_OPTION
    @FORMAT_OPTION
    @click.pass_context
    def audit(ctx: click.Context, commissioner: str, as_of: str, max_hops: int, fmt: str) -> None:
        """Register audit: every committee member's interest in an organisation in the commissioner's
        remit on a date, with its declaration status (undeclared = missing from the register)."""
        from orggraph import engine

        graph = store_from(ctx).graph()
        found = _run(lambda: engine.register_audit(graph, commissioner, as_of, max_hops=max_hops))
        emit_rows(found, fmt, AUDIT_TABLE if fmt == "table" else AUDIT_COLUMNS, title=f"audit of {commissioner}")

    @cli.command()
    @click.argument("from_id", metavar="FROM")
    @click.argument("to_id", metavar="TO")
    @click.option("--as-of", "as_of", type=DATE, help="The date (default today).")
    @MAX_HOPS_OPTION
    @click.option("--any", "any_", is_flag=True, help="Also shortest paths of any kind, for exploring.")
    @FORMAT_OPTION
    @click.pass_context
    def paths(ctx: click.Context, from_id: str, to_id: str, as_of: str | None, max_hops: int, any_: bool,
              fmt: str) -> None:
        """Interest paths from a person to an organisation on a date (and, with --any, any shortest paths)."""
        from orggraph import engine

        graph = store_from(ctx).graph()
        on = as_of or dt.date.today().isoformat()
        for nid in (from_id, to_id):
            if nid not in graph:
                _fail(f"no node with id {nid!r} in the graph")
        interest: list[Any] = []
        if graph.label(from_id) == "Person":
            interest = _run(lambda: engine.interest_paths(graph, from_id, to_id, as_of=on, max_hops=max_hops))
        elif not any_:
            _fail(f"{from_id!r} is a {graph.label(from_id)}; interest paths start at a Person "
                  "(use --any to explore other paths)")
        anyp = _run(lambda: engine.any_paths(graph, from_id, to_id, as_of=on, max_hops=max_hops)) if any_ else None
        if fmt == "json":
            emit_object({"from_id": from_id, "to_id": to_id, "as_of": on, "max_hops": max_hops,
                         "interest_paths": interest, "any_paths": anyp}, fmt)
            return
        rows = _path_rows(interest, "interest") + (_path_rows(anyp, "any") if anyp else [])
        columns = ["kind", "n", "interest_type", "length", "nodes", "types"]
        emit_rows(rows, fmt, columns + (["hops"] if fmt == "csv" else []), title=f"paths {from_id} → {to_id}")

    @cli.command()
    @click.option("--as-of", "as_of", type=DATE, help="Date of the register audit (default: the latest decision).")
    @MAX_HOPS_OPTION
    @FORMAT_OPTION
    @click.pass_context
    def scan(ctx: click.Context, as_of: str | None, max_hops: int, fmt: str) -> None:
        """The whole graph: every decision's conflicts, quorum and PCCC composition, and a register
        audit of every commissioner; prints the summary."""
        from orggraph import engine

        graph = store_from(ctx).graph()
        summary = _run(lambda: engine.scan(graph, max_hops=max_hops, audit_as_of=as_of))
        emit_object(summary, fmt, title="scan")
