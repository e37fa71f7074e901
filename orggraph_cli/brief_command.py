"""`orggraph brief`: the chair's brief for one meeting, as JSON (default), CSV, HTML or an A4 PDF."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from orggraph_cli.app import cli, err_console, fail
from orggraph_cli.engine_commands import MAX_HOPS_OPTION, question_graph, run_engine

if TYPE_CHECKING:
    from orggraph.engine.models import MeetingBrief
    from orggraph.graph import OrgGraph

BRIEF_FORMATS = ("json", "html", "pdf", "csv")


def _render(graph: OrgGraph, brief: MeetingBrief, fmt: str) -> bytes:
    if fmt == "json":
        return orjson.dumps(brief.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"
    from orggraph.findings import BRIEF_COLUMNS, brief_names, brief_rows, rows_to_csv

    if fmt == "csv":
        return rows_to_csv(brief_rows(brief), BRIEF_COLUMNS).encode()
    names = brief_names(graph, brief)
    if fmt == "html":
        from viz.brief import render_brief_html

        return render_brief_html(brief, names).encode()
    from viz.brief import render_brief_pdf  # WeasyPrint: only for a PDF

    return render_brief_pdf(brief, names)


def _write(out: Path, data: bytes) -> None:
    """``data`` to ``out`` whole or not at all: a temporary file beside it, then renamed."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror or exc}")


@cli.command()
@click.option("--meeting", required=True, help="The meeting's id.")
@click.option("--format", "fmt", type=click.Choice(BRIEF_FORMATS), default="json", show_default=True,
              help="json (default), html or pdf (A4, for print), csv (one row per conflicted member per item).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file (default: standard output; a PDF needs --out or a redirect).")
@MAX_HOPS_OPTION
@click.pass_context
def brief(ctx: click.Context, meeting: str, fmt: str, out: Path | None, max_hops: int) -> None:
    """The chair's brief for one meeting: for each agenda item, in agenda order, who is conflicted,
    through what, whether it is on the register and was declared at the meeting, what the chair
    should do, and whether the item stays quorate.

    \b
    JSON (the MeetingBrief model): meeting_id, meeting_name, date, committee_id, committee_name,
    commissioner_id, declarations_recorded, planned, max_hops, generated_on, composition (the
    committee on the day), conflicts, breaches, inquorate_items, and items in agenda order, each
    with decision_id, item, title, status, date, parties, party_names, conflicts (each a conflict
    record as `orggraph conflicts` gives it, with person_id, interest_types, declaration,
    declared_at_meeting, recommended_action (exclude|no_vote), severity, explanation, paths,
    breach_kinds) and quorum (rule, eligible, excluded, quorate, failing, presiding,
    presiding_role, co_optable, explanation).
    """
    from orggraph import engine
    from orggraph.findings import meeting_problem

    graph = question_graph(ctx, "meeting", meeting, max_hops)
    problem = meeting_problem(graph, meeting)
    if problem is not None:
        fail(problem)
    if fmt == "pdf" and out is None and sys.stdout.isatty():
        fail("a PDF is binary: give --out FILE.pdf (or redirect standard output to a file)")
    result = run_engine(lambda: engine.meeting_brief(graph, meeting, max_hops=max_hops))
    data = _render(graph, result, fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _write(out, data)
    err_console.print(f"wrote {out} ({fmt}, {len(result.items)} items, {result.conflicts} conflicts)",
                      highlight=False)
