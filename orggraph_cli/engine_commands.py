"""Engine commands: `conflicts`, `quorum`, `composition`, `audit`, `paths`, `scan`.

JSON on stdout by default (`--format json|csv|table`). An id that is not in the graph, or is the wrong
kind of node, is a clear one-line error and exit 1; a malformed date is a usage error, exit 2.

A single question (one decision, meeting, person or committee) is answered on the subgraph the store
gathers for it (:meth:`Store.neighbourhood`: on SQLite and Neo4j without reading the whole graph);
the rest (`audit`, `paths`, `scan`, combined filters) on the whole graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from orggraph import engine
from orggraph.findings import (
    AUDIT_COLUMNS,
    CONFLICT_COLUMNS,
    PATH_COLUMNS,
    meeting_problem,
    path_start_problem,
    paths_report,
)
from orggraph.graph import OrgGraph
from orggraph.stores import Question
from orggraph.temporal import iso, today
from orggraph_cli.app import cli, fail, store_from
from orggraph_cli.output import FORMATS, emit_object, emit_rows

T = TypeVar("T")

CONFLICT_TABLE = ["date", "decision_id", "person_id", "person_name", "parties", "interest_types", "declaration",
                  "participation", "breach", "severity"]
AUDIT_TABLE = ["person_id", "person_name", "org_id", "org_name", "committees", "interest_types", "declaration"]


class IsoDate(click.ParamType):
    """A calendar date as yyyy-mm-dd; anything else is a usage error (exit 2)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            parsed = iso(value if isinstance(value, dt.date) else str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:  # "" is not a date either
            self.fail(f"expected a date as yyyy-mm-dd, got {value!r}", param, ctx)
        return parsed


DATE = IsoDate()
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
                             help="json (default), csv or table.")
MAX_HOPS_OPTION = click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 8),
                               help="Longest interest path, in relationships.")


def run_engine(fn: Callable[[], T]) -> T:
    """Call the engine; its complaints about ids become one clear line and exit 1."""
    try:
        return fn()
    except engine.EngineError as exc:
        fail(str(exc))


def question_graph(ctx: click.Context, question: Question, node_id: str, max_hops: int = 4) -> OrgGraph:
    """The subgraph that answers one question about ``node_id`` (every store gathers one)."""
    return store_from(ctx).neighbourhood(question, node_id, max_hops)


def conflicts_graph(ctx: click.Context, ids: dict[Question, str | None], others: tuple[str | None, ...],
                    max_hops: int) -> OrgGraph:
    """One decision's, meeting's or person's subgraph when that is the only id asked about (dates may
    narrow it further); the whole graph otherwise."""
    given = [(q, nid) for q, nid in ids.items() if nid is not None]
    if len(given) == 1 and not any(others):
        return question_graph(ctx, given[0][0], given[0][1], max_hops)
    return store_from(ctx).graph()


@cli.command()
@click.option("--decision", help="Only this decision.")
@click.option("--person", help="Only this person.")
@click.option("--committee", help="Only decisions of this committee.")
@click.option("--commissioner", help="Only decisions of this CCG's, sub-ICB location's or ICB's committees (owner on the decision's date).")
@click.option("--meeting", help="Only the agenda items of this meeting (the conflicts of its brief).")
@click.option("--from", "date_from", type=DATE, help="Decisions on or after this date.")
@click.option("--to", "date_to", type=DATE, help="Decisions on or before this date.")
@MAX_HOPS_OPTION
@FORMAT_OPTION
@click.pass_context
def conflicts(ctx: click.Context, decision: str | None, person: str | None, committee: str | None,
              commissioner: str | None, meeting: str | None, date_from: str | None, date_to: str | None,
              max_hops: int, fmt: str) -> None:
    """Conflicts of interest: each decision-maker with a live interest path to a party of a decision.

    Ordered by date, decision, person. JSON is an array of conflict records with their evidence.
    """
    graph = conflicts_graph(ctx, {"decision": decision, "meeting": meeting, "person": person},
                            (committee, commissioner), max_hops)
    if meeting is not None and (problem := meeting_problem(graph, meeting)) is not None:
        fail(problem)
    found = run_engine(lambda: engine.conflicts(graph, decision=decision, person=person, committee=committee,
                                                commissioner=commissioner, meeting=meeting, date_from=date_from,
                                                date_to=date_to, max_hops=max_hops))
    emit_rows(found, fmt, CONFLICT_TABLE if fmt == "table" else CONFLICT_COLUMNS, title="conflicts")


@cli.command()
@click.option("--decision", required=True, help="The decision.")
@MAX_HOPS_OPTION
@FORMAT_OPTION
@click.pass_context
def quorum(ctx: click.Context, decision: str, max_hops: int, fmt: str) -> None:
    """Whether a decision's committee was quorate once conflicted members are taken out."""
    graph = question_graph(ctx, "decision", decision, max_hops)
    result = run_engine(lambda: engine.quorum(graph, decision, max_hops=max_hops))
    emit_object(result, fmt, title=f"quorum of {decision}")


@cli.command()
@click.option("--committee", required=True, help="The committee.")
@click.option("--as-of", "as_of", type=DATE, required=True, help="The date (yyyy-mm-dd).")
@FORMAT_OPTION
@click.pass_context
def composition(ctx: click.Context, committee: str, as_of: str, fmt: str) -> None:
    """A committee's seats on a date and the PCCC rules (lay chair, lay/executive majority)."""
    graph = question_graph(ctx, "committee", committee)
    result = run_engine(lambda: engine.composition(graph, committee, as_of))
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
    graph = store_from(ctx).graph()
    found = run_engine(lambda: engine.register_audit(graph, commissioner, as_of, max_hops=max_hops))
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
    graph = store_from(ctx).graph()
    for nid in (from_id, to_id):
        if nid not in graph:
            fail(f"no node with id {nid!r} in the graph")
    problem = path_start_problem(graph, from_id)
    if problem is not None and not any_:
        fail(f"{from_id!r} {problem} (use --any to explore other paths)")
    report = run_engine(lambda: paths_report(graph, from_id, to_id, as_of or today(), max_hops, any_))
    if fmt == "json":
        emit_object(report.model(), fmt)
        return
    columns = PATH_COLUMNS + (["hops"] if fmt == "csv" else [])
    emit_rows(report.rows(), fmt, columns, title=f"paths {from_id} → {to_id}")


@cli.command()
@click.option("--as-of", "as_of", type=DATE, help="Date of the register audit (default: the latest decision).")
@MAX_HOPS_OPTION
@FORMAT_OPTION
@click.pass_context
def scan(ctx: click.Context, as_of: str | None, max_hops: int, fmt: str) -> None:
    """The whole graph: every decision's conflicts, quorum and PCCC composition, and a register
    audit of every commissioner; prints the summary."""
    from orggraph.stores.parts import streamed_scan  # the store read a part at a time, never whole

    store = store_from(ctx)
    summary = run_engine(lambda: streamed_scan(store, max_hops=max_hops, audit_as_of=as_of))
    emit_object(summary, fmt, title="scan")
