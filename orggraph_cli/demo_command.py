"""`orggraph demo`: generate a synthetic health economy, write it as files, load them, scan, report.

The demo goes the long way round on purpose: the generated world is written as graph CSVs and
registers of interests in the NHS England template, and those files are loaded through the same
loaders a user's files go through, so the demo exercises the real pipeline end to end.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph_cli.app import cli, store_from

if TYPE_CHECKING:
    from orggraph_demo import OdsData

# The breach kinds in the order the README gives them, as the summary words them.
BREACH_KINDS = {"voted_while_conflicted": "voted while conflicted",
                "not_declared_at_meeting": "not declared at the meeting",
                "acted_against_ruling": "acted against the ruling"}

console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


@dataclass
class Findings:
    """What the engine found on the loaded store, summarised for the report."""

    conflicts: list[Any] = field(default_factory=list)
    quorum: dict[str, Any] = field(default_factory=dict)  # decision id -> QuorumResult
    composition_failures: list[tuple[str, str, Any]] = field(default_factory=list)  # committee, date, result
    # (commissioner, audit date) -> register audit findings, for every commissioner on each audit date
    audits: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    next_meeting: Any | None = None  # the soonest meeting with a planned item (a MeetingSummary)

    @property
    def breaches(self) -> list[Any]:
        return [c for c in self.conflicts if c.breach]

    @property
    def by_breach_kind(self) -> dict[str, int]:
        out = dict.fromkeys(BREACH_KINDS, 0)
        for c in self.conflicts:
            for kind in c.breach_kinds:
                out[kind] += 1
        return out

    @property
    def undeclared(self) -> list[Any]:
        return [c for c in self.conflicts if c.declaration == "undeclared"]

    @property
    def inquorate(self) -> list[str]:
        return sorted(d for d, q in self.quorum.items() if not q.quorate)


def load_ods(directory: Path) -> OdsData:
    """Real practices and CCGs from epraccur (and CCG names from an ONS lookup) in ``directory``,
    parsed by the real loaders."""
    from loaders.base import FileRejected
    from orggraph_cli.demo_files import OdsFilesMissing, read_ods

    try:
        found = read_ods(directory)
    except (OdsFilesMissing, FileRejected) as exc:
        raise click.BadParameter(str(exc), param_hint="--ods") from None
    for note in found.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    return found.ods


def scan(graph: OrgGraph) -> Findings:
    from orggraph import engine
    from orggraph_demo import AUDIT_DATES

    findings = Findings(conflicts=list(engine.conflicts(graph)))
    decisions = sorted(nid for nid, _ in graph.nodes("Decision"))
    for did in decisions:
        findings.quorum[did] = engine.quorum(graph, did)
    for cid, data in sorted(graph.nodes("Committee")):
        if data.get("committee_type") != "pccc":
            continue
        days = sorted({graph.g.nodes[d]["date"] for d, _, _ in graph.in_rels(cid, ["DECIDED_BY"])})
        for day in days:
            result = engine.composition(graph, cid, day)
            if not result.ok:
                findings.composition_failures.append((cid, day, result))
    commissioners = sorted(nid for nid, d in graph.nodes() if d.get("label") in graph.schema.commissioner_labels)
    for on in AUDIT_DATES:
        for k in commissioners:
            findings.audits[(k, on)] = engine.register_audit(graph, k, on)
    upcoming = engine.next_meetings(graph, limit=1)
    findings.next_meeting = upcoming[0] if upcoming else None
    return findings


def most_telling(graph: OrgGraph, conflicts: list[Any]) -> Any | None:
    """A financial, undeclared, direct conflict where the member voted, on the largest decision."""
    def rank(c: Any) -> tuple[Any, ...]:
        value = graph.g.nodes[c.decision_id].get("value_gbp") or 0
        return (c.breach, c.declaration == "undeclared", "financial" in c.interest_types, c.direct,
                c.score, value, c.decision_id, c.person_id)

    return max(conflicts, key=rank) if conflicts else None


def _name(graph: OrgGraph, nid: str | None) -> str:
    if nid is None:
        return "-"
    data = graph.g.nodes.get(nid) or {}
    return str(data.get("name") or data.get("title") or nid)


def _print_loaded(graph: OrgGraph) -> None:
    from rich.table import Table

    stats = graph.stats()
    table = Table(title="What the demo loaded", show_header=True)
    table.add_column("nodes")
    table.add_column("count", justify="right")
    table.add_column("relationships")
    table.add_column("count", justify="right")
    nodes, rels = list(stats["nodes"].items()), list(stats["relationships"].items())
    for i in range(max(len(nodes), len(rels))):
        n = nodes[i] if i < len(nodes) else ("", "")
        r = rels[i] if i < len(rels) else ("", "")
        table.add_row(n[0], str(n[1]), r[0], str(r[1]))
    out_console.print(table)


def _print_findings(findings: Findings, seconds: float, files: int) -> list[str]:
    """The headline figures; returns the committees failing PCCC composition, sorted."""
    people = {c.person_id for c in findings.conflicts}
    decisions = {c.decision_id for c in findings.conflicts}
    out_console.print(f"\n[bold]Findings[/bold] ({files} files loaded and scanned in {seconds:.1f} s)")
    out_console.print(f"  conflicts of interest:   {len(findings.conflicts)} "
                      f"({len(people)} people, {len(decisions)} decisions)")
    kinds = ", ".join(f"{words} {findings.by_breach_kind[k]}" for k, words in BREACH_KINDS.items())
    out_console.print(f"  breaches:                {len(findings.breaches)} ({kinds})")
    out_console.print(f"  undeclared conflicts:    {len(findings.undeclared)}")
    partial = sum(1 for c in findings.conflicts if c.declaration == "partial")
    out_console.print(f"  partly declared:         {partial}")
    out_console.print(f"  inquorate decisions:     {len(findings.inquorate)}"
                      + (f" ({', '.join(findings.inquorate[:5])}{', ...' if len(findings.inquorate) > 5 else ''})"
                         if findings.inquorate else ""))
    nxt = findings.next_meeting
    if nxt is not None:
        out_console.print(f"  next meeting:            {nxt.meeting_id} on {nxt.date} ({nxt.committee_id}): "
                          f"{nxt.items} items, {nxt.conflicts} conflicts, {nxt.inquorate_items} inquorate "
                          "after the recommended exclusions")
    failing = sorted({c for c, _, _ in findings.composition_failures})
    out_console.print(f"  PCCC composition failures: {len(findings.composition_failures)} decision dates"
                      + (f" on {', '.join(failing)}" if failing else ""))
    for on in sorted({on for _, on in findings.audits}):
        rows = {k: found for (k, d), found in findings.audits.items() if d == on and found}
        total = sum(len(found) for found in rows.values())
        undeclared = sum(1 for found in rows.values() for f in found if f.declaration == "undeclared")
        out_console.print(f"  register audit on {on}: {total} interests in remit, {undeclared} undeclared"
                          + (f" ({', '.join(sorted(rows)[:4])}{', ...' if len(rows) > 4 else ''})" if rows else ""))
    return failing


def _print_next(graph: OrgGraph, findings: Findings, top: Any | None, failing: list[str], store_uri: str) -> None:
    """The commands a new user can paste next."""
    example_committee = failing[0] if failing else next(
        (cid for cid, d in sorted(graph.nodes("Committee")) if d.get("committee_type") == "pccc"), None)
    commissioner = next((e for e, _, _ in graph.out_rels(example_committee, ["COMMITTEE_OF"])), None) \
        if example_committee else None
    fail_day = next((d for c, d, _ in findings.composition_failures if c == example_committee), "2019-12-31")
    store_opt = f"--store {store_uri} "
    out_console.print("\n[bold]Next[/bold]")
    lines = []
    if findings.next_meeting is not None:  # the chair's brief for the next meeting
        lines.append(f"orggraph {store_opt}brief --meeting {findings.next_meeting.meeting_id}")
    if top is not None:
        lines += [f"orggraph {store_opt}conflicts --decision {top.decision_id} --format table",
                  f"orggraph {store_opt}quorum --decision {top.decision_id}"]
    if findings.inquorate:
        lines.append(f"orggraph {store_opt}quorum --decision {findings.inquorate[0]}")
    if example_committee:
        lines.append(f"orggraph {store_opt}composition --committee {example_committee} --as-of {fail_day}")
    if commissioner:
        lines.append(f"orggraph {store_opt}audit --commissioner {commissioner} --as-of 2019-12-31 --format table")
    icb = next((k for k, _ in sorted(graph.nodes("ICB"))), None)
    if icb:  # the ICB era: its committee's members against what its sub-ICB locations commission
        icb_day = max((on for k, on in findings.audits if k == icb), default="2024-03-31")
        lines.append(f"orggraph {store_opt}audit --commissioner {icb} --as-of {icb_day} --format table")
    lines += [f"orggraph {store_opt}conflicts --format csv > conflicts.csv",
              f"orggraph {store_opt}serve    # then open http://127.0.0.1:8000/"
              + (f"decision/{top.decision_id}" if top is not None else "")]
    for line in lines:
        out_console.print(f"  {line}", soft_wrap=True)


def report(graph: OrgGraph, findings: Findings | None, store_uri: str, seconds: float, files: int) -> Any | None:
    """Print what was loaded, the findings, the most telling decision and what to run next; return that
    decision's conflict (or None)."""
    _print_loaded(graph)
    if findings is None:
        return None
    failing = _print_findings(findings, seconds, files)
    top = most_telling(graph, findings.conflicts)
    if top is not None:
        out_console.print(f"\n[bold]The most telling decision[/bold]: {top.decision_id} "
                          f"\"{_name(graph, top.decision_id)}\" ({top.date})")
        out_console.print(f"  {top.explanation}", soft_wrap=False)
        q = findings.quorum.get(top.decision_id)
        if q is not None:
            out_console.print(f"  Quorum: {q.explanation}")
    _print_next(graph, findings, top, failing, store_uri)
    return top


def run_demo(store: Store, out: Path, seed: int, scale: str, ods_dir: Path | None, reset: bool) -> Any:
    from loaders.pipeline import load_paths
    from orggraph_cli.demo_files import GeneratedRecordRejected, write_world
    from orggraph_demo import REGION_ID, generate

    start = time.perf_counter()
    # A store holding the demo's region was filled by a previous demo run and may be replaced without asking.
    if store.graph().g.number_of_nodes() and REGION_ID not in store.graph() and not reset:
        raise click.UsageError(f"the store {store.uri} already holds data that is not a demo; "
                               "choose another with --store, or pass --reset to replace it")
    ods = load_ods(ods_dir) if ods_dir else None
    world = generate(scale, seed, ods)
    console.print(f"generated {scale} world (seed {seed}{', real ODS practices' if ods else ''}): "
                  f"{len(world.nodes)} nodes, {len(world.rels)} relationships, "
                  f"{len(world.register_entries)} register rows")
    try:
        files = write_world(world, out)
    except GeneratedRecordRejected as exc:
        raise click.ClickException(str(exc)) from None
    console.print(f"wrote {len(files)} files to {out}")
    store.clear()
    reports = load_paths(store, files)
    problems = [r for r in reports if r.status != "loaded" or r.rejected or r.unresolved]
    for rep in problems:
        console.print(f"[red]{rep.status}[/red] {rep.file}: rejected {len(rep.rejected)}, "
                      f"unresolved {len(rep.unresolved)} {rep.error or ''}")
        for rej in rep.rejected[:5]:
            console.print(f"  rejected: {rej}", markup=False)
        for un in rep.unresolved[:5]:
            console.print(f"  unresolved: row {un.row}: {un.text!r}: {un.reason}", markup=False)
    if any(r.status != "loaded" for r in reports):
        raise click.ClickException("the demo files did not load; see above")
    loaded = store.graph()
    from orggraph import engine

    if not hasattr(engine, "conflicts"):
        # Only while the engine is not installed in this checkout: report what loaded, say so.
        report(loaded, None, store.uri, time.perf_counter() - start, len(files))
        console.print("[yellow]note:[/yellow] the conflict engine (orggraph.engine) is not available: no scan")
        return None
    findings = scan(loaded)
    return report(loaded, findings, store.uri, time.perf_counter() - start, len(files))


@cli.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("orggraph-demo"),
              show_default=True, help="Folder for the generated graph CSVs and registers.")
@click.option("--seed", default=42, show_default=True, type=int, help="Same seed, same world.")
@click.option("--ods", "ods_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with a real epraccur (and ONS CCG lookup): use real practices and CCGs.")
@click.option("--scale", type=click.Choice(["demo", "national"]), default="demo", show_default=True)
@click.option("--reset", is_flag=True, help="Replace a store that holds other data.")
@click.option("--serve", "serve", is_flag=True, help="Then serve the API and browser views.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def demo(ctx: click.Context, out: Path, seed: int, ods_dir: Path | None, scale: str, reset: bool,
         serve: bool, host: str, port: int) -> None:
    """Build a synthetic health economy, load it through the real loaders, scan it and report.

    People are synthetic; practice and CCG ids start SYN- and cannot clash with ODS codes
    (with --ods, real practices and CCGs are used instead).
    """
    store = store_from(ctx, create=True)
    top = run_demo(store, out, seed, scale, ods_dir, reset)
    if not serve:
        return
    try:
        from orggraph_cli.serve_command import run_server
    except ModuleNotFoundError:
        console.print("[yellow]orggraph serve is not available in this build[/yellow]")
        sys.exit(1)
    base = f"http://{host}:{port}"
    if top is not None:
        out_console.print(f"\nServing on {base}/ ; the most telling decision: "
                          f"{base}/decision/{top.decision_id} (API: {base}/api/decisions/{top.decision_id})")
    else:
        out_console.print(f"\nServing on {base}/")
    out_console.print("Press Ctrl+C to stop.")
    run_server(store.uri, host, port)
