"""Whole-graph work in parts: the scan as a stream of bounded parts, gathered from any store; the
export by pages (:func:`export_store`).

The scan (:func:`orggraph.engine.scan`) judges every decision and audits every commissioner. Here it
reads the store a part at a time, by walks written once over a :class:`Fetch` (so one
:meth:`Store.read_with` serves the JSON file, SQLite and Neo4j alike), and hands each part to
:func:`orggraph.engine.scan.scan_parts`, which gives exactly the summary the whole graph gives. Memory
holds one part (and the running totals), never the graph.

The parts:

- **committees**, a few at a time (:data:`COMMITTEES_PER_PART`, in id order, so a commissioner's
  committees usually share a part and the people who sit on several are read once): every decision
  whose **owner** is one of them, with the decision's neighbourhood (its own relationships, meetings and
  committees with every seat, and the interest neighbourhood of everyone who could make it;
  :class:`~orggraph.stores.neighbourhood.Gather`). A decision's owner is the first of its committees by
  id, the committees being the engine's (``DECIDED_BY``, else the ``HELD_BY`` committees of its
  meetings, links that are never live left out): so a decision of two committees is judged once, with
  the first.
- **stray decisions**, a page of decision ids at a time: those with no committee, or whose owner is not
  a committee; judged like the others.
- **commissioners**, a few at a time, for the register audit on the audit day: the commissioner, its
  committees with every seat, what it (or, for an ICB, a sub-ICB location in it) commissions, the
  decisions of its committees with their parties, and the interest neighbourhood of every member whose
  seat is live that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from orggraph.engine.facts import DEFAULT_MAX_HOPS
from orggraph.engine.models import ScanSummary
from orggraph.engine.scan import ScanPart, scan_parts
from orggraph.export import export_graph, export_pages
from orggraph.graph import OrgGraph
from orggraph.schema import Schema
from orggraph.stores.base import Store
from orggraph.stores.neighbourhood import DECISION_OUT, WALKS, Fetch, Gather, RelRow
from orggraph.temporal import is_live, window_of

PAGE = 500  # ids per page of a label
COMMITTEES_PER_PART = 8
COMMISSIONERS_PER_PART = 8


def pages(fetch: Fetch, label: str | None, size: int) -> Iterator[Sequence[str]]:
    """Every id of ``label`` (any label when None), in id order, ``size`` at a time."""
    after: str | None = None
    while True:
        ids = fetch.ids_of(label, after, size)
        if not ids:
            return
        yield ids
        if len(ids) < size:
            return
        after = ids[-1]


# ---- decisions --------------------------------------------------------------------------------------
def owners(ga: Gather, ids: Sequence[str], first: Collection[str] = DECISION_OUT) -> dict[str, str | None]:
    """Each decision's owner: the first of its committees by id, as the engine's index finds them
    (``DECIDED_BY``, else its meetings' ``HELD_BY``; a link never live is no link), or None. ``first``:
    the relationships read out of every decision (``AT_MEETING`` and ``HELD_BY`` are then read only for
    those with no ``DECIDED_BY``)."""
    decided: defaultdict[str, set[str]] = defaultdict(set)
    at: defaultdict[str, set[str]] = defaultdict(set)

    def file(rows: Iterable[RelRow]) -> None:
        for start, rtype, end, _, props in rows:
            if rtype in ("DECIDED_BY", "AT_MEETING") and not window_of(props).empty:
                (decided if rtype == "DECIDED_BY" else at)[start].add(end)

    file(ga.step(ids, first, True))
    undecided = [d for d in ids if not decided[d]]
    if "AT_MEETING" not in first:
        file(ga.step(undecided, ("AT_MEETING",), True))
    held: defaultdict[str, set[str]] = defaultdict(set)
    for start, _, end, _, props in ga.step(sorted({m for d in undecided for m in at[d]}), ("HELD_BY",), True):
        if not window_of(props).empty:
            held[start].add(end)
    return {d: min(decided[d] or {c for m in at[d] for c in held[m]}, default=None) for d in ids}


def part_graph(ga: Gather) -> OrgGraph:
    """What ``ga`` met, as :meth:`Gather.graph` builds it (nodes by id, relationships in the whole
    graph's order), written into networkx's tables directly: a scan builds hundreds of these."""
    g = nx.MultiDiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    for nid in sorted(ga.nodes):
        _, label, props = ga.nodes[nid]
        node[nid] = {"label": label, **props}
        succ[nid], pred[nid] = {}, {}
    for start, end, key in sorted(ga.rels):
        if start not in node or end not in node:  # never met as a node: the engine could not use it
            continue
        _, rtype, _, _, props = ga.rels[(start, end, key)]
        keyed = succ[start].get(end)
        if keyed is None:
            keyed = succ[start][end] = pred[end][start] = {}
        keyed[key] = {"type": rtype, **props}
    nx._clear_cache(g)
    return OrgGraph(g, ga.schema)


def judged(ga: Gather, decisions: list[str], max_hops: int) -> ScanPart:
    """The part that judges ``decisions``: their neighbourhoods, gathered in one walk."""
    dates = ga.decisions(decisions)
    ga.interests(ga.makers(dates), max_hops)
    return ScanPart(part_graph(ga), decisions)


def committee_part(fetch: Fetch, schema: Schema, committees: Sequence[str], max_hops: int) -> ScanPart | None:
    """The decisions that ``committees`` own, with their neighbourhoods (None when they own none)."""
    ga = Gather(fetch, schema)
    ga.add_nodes(committees)
    decided = [r[0] for r in ga.step(committees, ("DECIDED_BY",), False)]
    meetings = [r[0] for r in ga.step(committees, ("HELD_BY",), False)]
    on_agenda = [r[0] for r in ga.step(meetings, ("AT_MEETING",), False)]
    ga.add_nodes(decided + on_agenda)
    candidates = sorted({d for d in decided + on_agenda if ga.label(d) == "Decision"})
    mine = set(committees)
    owned = [d for d, owner in owners(ga, candidates).items() if owner in mine]
    return judged(ga, owned, max_hops) if owned else None


def stray_part(fetch: Fetch, schema: Schema, ids: Sequence[str], max_hops: int) -> ScanPart | None:
    """The decisions among ``ids`` that no committee owns, with their neighbourhoods (None if none)."""
    ga = Gather(fetch, schema)
    ga.add_nodes(ids)
    decisions = [d for d in ids if ga.label(d) == "Decision"]
    stray = [d for d, owner in owners(ga, decisions, ("DECIDED_BY",)).items()
             if owner is None or ga.label(owner) != "Committee"]
    return judged(ga, stray, max_hops) if stray else None


def decision_parts(fetch: Fetch, schema: Schema, max_hops: int = DEFAULT_MAX_HOPS) -> Iterator[ScanPart]:
    """Parts that judge every decision exactly once: by committees, then the stray ones."""
    for committees in pages(fetch, "Committee", COMMITTEES_PER_PART):
        part = committee_part(fetch, schema, committees, max_hops)
        if part is not None:
            yield part
    for ids in pages(fetch, "Decision", PAGE):
        part = stray_part(fetch, schema, ids, max_hops)
        if part is not None:
            yield part


# ---- the register audit ------------------------------------------------------------------------------
def audit_part(fetch: Fetch, schema: Schema, commissioners: Sequence[str], on: str, max_hops: int) -> ScanPart:
    """What the register audit of ``commissioners`` on ``on`` reads (see the module docstring)."""
    ga = Gather(fetch, schema)
    ga.add_nodes(commissioners)
    committees = [r[0] for r in ga.step(commissioners, ("COMMITTEE_OF",), False)]
    seats = ga.committees(committees)
    members = {s[0] for s in seats if is_live(s[4], on)}
    if members:  # else nobody to audit: the engine stops there
        ga.step(commissioners, ("COMMISSIONED_BY",), False)
        in_icb = [r[0] for r in ga.step(commissioners, ("IN_ICB",), False)]
        ga.step(in_icb, ("COMMISSIONED_BY",), False)
        decided = [r[0] for r in ga.step(committees, ("DECIDED_BY",), False)]
        meetings = [r[0] for r in ga.step(committees, ("HELD_BY",), False)]
        decisions = decided + [r[0] for r in ga.step(meetings, ("AT_MEETING",), False)]
        ga.add_nodes(decisions)
        owners(ga, sorted({d for d in decisions if ga.label(d) == "Decision"}))  # their committees and parties
        ga.interests(members, max_hops)
    return ScanPart(part_graph(ga), (), commissioners)


def audit_parts(fetch: Fetch, schema: Schema, on: str, max_hops: int = DEFAULT_MAX_HOPS) -> Iterator[ScanPart]:
    """Parts that audit every commissioner (every node of a commissioner label) exactly once."""
    for label in sorted(schema.commissioner_labels):
        for ids in pages(fetch, label, COMMISSIONERS_PER_PART):
            yield audit_part(fetch, schema, ids, on, max_hops)


# ---- on a store ------------------------------------------------------------------------------------------
def streamed_scan(store: Store, max_hops: int = DEFAULT_MAX_HOPS, audit_as_of: Any = None) -> ScanSummary:
    """The scan of everything in ``store``, read a part at a time inside one consistent read: exactly
    :func:`orggraph.engine.scan` of ``store.graph()``, without holding the graph."""
    def walk(fetch: Fetch) -> ScanSummary:
        return scan_parts(decision_parts(fetch, store.schema, max_hops),
                          lambda on: audit_parts(fetch, store.schema, on, max_hops), max_hops, audit_as_of)

    return store.read_with(walk, "scanning")


def export_store(store: Store, fmt: str, out: Path) -> list[Path]:
    """Export what ``store`` holds as ``fmt`` to ``out``: csv and json read by page inside one consistent
    read and are written as they go (:func:`orggraph.export.export_pages`: the bytes
    :func:`~orggraph.export.export_graph` writes from the whole graph); graphml, whose header must list
    every property first, from the whole graph."""
    if fmt not in ("csv", "json"):
        return export_graph(store.graph(), fmt, out)
    stats = store.stats()
    labels = {*store.schema.nodes, *stats["nodes"]}
    types = {*store.schema.relationships, *stats["relationships"]}
    return store.read_with(lambda fetch: export_pages(fetch, store.schema, fmt, out, labels, types), "exporting")


# ---- questions about every decision, by page -----------------------------------------------------------
def latest_decision_date(fetch: Fetch) -> str | None:
    """The latest date of any decision (the scan's default audit day), reading decisions by page."""
    dates = (str(props.get("date")) for ids in pages(fetch, "Decision", PAGE)
             for _, _, props in fetch.nodes(ids) if props.get("date"))
    return max(dates, default=None)


def planned_meetings(fetch: Fetch, schema: Schema, max_hops: int = DEFAULT_MAX_HOPS) -> OrgGraph:
    """Every meeting with an item still planned, each with its meeting neighbourhood: the graph on which
    :func:`orggraph.engine.next_meetings` gives the whole graph's answer. Decisions are read by page;
    only the planned ones' meetings are gathered."""
    ga = Gather(fetch, schema)
    planned = [nid for ids in pages(fetch, "Decision", PAGE)
               for nid, _, props in fetch.nodes(ids) if props.get("status") == "planned"]
    meetings = sorted({r[2] for r in ga.step(planned, ("AT_MEETING",), True)})
    for m in meetings:
        WALKS["meeting"](ga, m, max_hops)
    return ga.graph()
