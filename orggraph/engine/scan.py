"""The whole-graph scan: every decision judged on its day (conflicts, quorum, PCCC composition) and a
register audit of every commissioner, as totals. It applies the same rules as the public functions
(:mod:`orggraph.engine.rules`) but words nothing.

:func:`scan` takes the whole graph; :func:`scan_parts` takes it as a stream of :class:`ScanPart`
(a store gathers them: :mod:`orggraph.stores.parts`) and gives the same summary, holding one part at a time."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from orggraph.engine.audit import audit_rows
from orggraph.engine.checks import check_hops, on_date
from orggraph.engine.facts import BREACH_KINDS, DEFAULT_MAX_HOPS, PARTICIPATION_POINTS, SEVERITIES, Found
from orggraph.engine.index import DecisionInfo, Index, collector_paused, index_for
from orggraph.engine.models import CompositionFailure, ScanSummary, TellingDecision
from orggraph.engine.rules import composition_count, decision_conflicts, live_seats, quorum_count
from orggraph.graph import OrgGraph

TOP_DECISIONS = 10


def _zeros(keys: Any) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


class _Ranked(NamedTuple):
    """A decision with conflicts and its rank (score, breaches, conflicts, date, id: unique, so never a tie)."""

    key: tuple[int, int, int, str, str]
    decision: TellingDecision


@dataclass
class _Tally:
    """The scan's running totals over the decisions."""

    by_declaration: dict[str, int] = field(default_factory=lambda: _zeros(("declared", "partial", "undeclared")))
    by_participation: dict[str, int] = field(default_factory=lambda: _zeros(PARTICIPATION_POINTS))
    by_severity: dict[str, int] = field(default_factory=lambda: _zeros(SEVERITIES))
    by_breach_kind: dict[str, int] = field(default_factory=lambda: _zeros(BREACH_KINDS))
    planned_items: int = 0
    decisions: int = 0
    last: tuple[str, str] | None = None  # the latest decision judged: (date, id)
    conflicts: int = 0
    breaches: int = 0
    decisions_with_conflicts: int = 0
    people: set[str] = field(default_factory=set)
    inquorate: list[tuple[str, str]] = field(default_factory=list)  # (date, id), sorted at the end
    composition_failures: list[CompositionFailure] = field(default_factory=list)
    composition_seen: set[tuple[str, str]] = field(default_factory=set)
    telling: list[_Ranked] = field(default_factory=list)

    def add_conflicts(self, info: DecisionInfo, found: list[Found]) -> None:
        if found:
            self.decisions_with_conflicts += 1
            strongest = max(found, key=lambda f: f.score)
            self.telling.append(_Ranked(
                (strongest.score, sum(f.breach for f in found), len(found), info.date, info.id),
                TellingDecision(decision_id=info.id, date=info.date, conflicts=len(found),
                               breaches=sum(f.breach for f in found), max_score=strongest.score,
                               severity=strongest.severity)))
            if len(self.telling) > 4 * TOP_DECISIONS:
                self.telling = sorted(self.telling, reverse=True)[:TOP_DECISIONS]
        for f in found:
            self.conflicts += 1
            self.people.add(f.person)
            self.by_declaration[f.verdict.status] += 1
            self.by_participation[f.participation] += 1
            self.by_severity[f.severity] += 1
            kinds = f.at_meeting.breach_kinds
            self.breaches += bool(kinds)
            for k in kinds:
                self.by_breach_kind[k] += 1


def _check_composition(graph: OrgGraph, ix: Index, info: DecisionInfo, tally: _Tally) -> None:
    """Each PCCC that took the decision, against the composition rules on its date (once per day)."""
    for c in info.committees:
        if graph.g.nodes[c].get("committee_type") != "pccc" or (c, info.date) in tally.composition_seen:
            continue
        tally.composition_seen.add((c, info.date))
        count = composition_count(live_seats(ix, c, info.date))
        if not count.ok:
            tally.composition_failures.append(CompositionFailure(
                committee_id=c, date=info.date, chair_is_lay=count.chair_is_lay,
                lay_exec_majority=count.lay_exec_majority))


class ScanPart(NamedTuple):
    """A piece of the graph and the work the scan does on it: the ``decisions`` judged here, the
    ``commissioners`` whose register is audited here. A part holds everything the engine reads to judge
    them (their neighbourhoods, :mod:`orggraph.stores.neighbourhood`), so each answer equals the whole
    graph's; every decision is judged in exactly one part, every commissioner audited in exactly one."""

    graph: OrgGraph
    decisions: Sequence[str] = ()
    commissioners: Sequence[str] = ()


@dataclass
class _AuditTotals:
    commissioners: int = 0
    findings: int = 0
    undeclared: int = 0
    partial: int = 0

    def add(self, ix: Index, commissioner: str, on: str, max_hops: int) -> None:
        """The register audit of ``commissioner`` on ``on``, counted."""
        rows = audit_rows(ix, commissioner, on, max_hops)
        self.commissioners += 1
        self.findings += len(rows)
        self.undeclared += sum(r.verdict.status == "undeclared" for r in rows)
        self.partial += sum(r.verdict.status == "partial" for r in rows)


def scan(graph: OrgGraph, max_hops: int = DEFAULT_MAX_HOPS, audit_as_of: Any = None) -> ScanSummary:
    """Every decision judged on its day (conflicts, quorum, PCCC composition), and a register audit of
    every commissioner as of ``audit_as_of`` (default: the date of the latest decision, else today)."""
    ix = index_for(graph)
    check_hops(max_hops)
    commissioners = sorted(n for n, label in ix.labels.items() if label in graph.schema.commissioner_labels)
    return scan_parts([ScanPart(graph, sorted(ix.decisions))], lambda on: [ScanPart(graph, (), commissioners)],
                      max_hops, audit_as_of)


def scan_parts(parts: Iterable[ScanPart], audit_parts: Callable[[str], Iterable[ScanPart]],
               max_hops: int = DEFAULT_MAX_HOPS, audit_as_of: Any = None) -> ScanSummary:
    """:func:`scan` over a stream of parts, one at a time: ``parts`` judge the decisions, then
    ``audit_parts(on)`` audit the commissioners on ``on`` (``audit_as_of``, default the date of the
    latest decision judged, else today). The summary is exactly the one :func:`scan` gives on the whole
    graph; memory holds one part (and the totals) at a time."""
    check_hops(max_hops)
    tally = _Tally()
    for part in parts:
        with collector_paused():
            _judge(part, tally, max_hops)
        gc.collect(0)  # the part's graph and index (networkx graphs hold reference cycles)
    on = on_date(audit_as_of) if audit_as_of is not None else (tally.last[0] if tally.last else on_date(None))
    audit = _AuditTotals()
    for part in audit_parts(on):
        with collector_paused():
            ix = index_for(part.graph)
            for k in part.commissioners:
                audit.add(ix, k, on, max_hops)
        gc.collect(0)
    tally.composition_failures.sort(key=lambda f: (f.committee_id, f.date))
    return ScanSummary(
        max_hops=max_hops, decisions=tally.decisions, decisions_with_conflicts=tally.decisions_with_conflicts,
        conflicts=tally.conflicts, people_with_conflicts=len(tally.people), breaches=tally.breaches,
        by_declaration=tally.by_declaration, by_participation=tally.by_participation, by_severity=tally.by_severity,
        inquorate=[d for _, d in sorted(tally.inquorate)], composition_failures=tally.composition_failures,
        audit_as_of=on, commissioners=audit.commissioners, audit_findings=audit.findings,
        audit_undeclared=audit.undeclared, audit_partial=audit.partial, by_breach_kind=tally.by_breach_kind,
        planned_items=tally.planned_items,
        top_decisions=[r.decision for r in sorted(tally.telling, reverse=True)[:TOP_DECISIONS]])


def _judge(part: ScanPart, tally: _Tally, max_hops: int) -> None:
    """The part's decisions, each judged on its day and added to ``tally``."""
    graph = part.graph
    ix = index_for(graph)
    for d in part.decisions:
        info = ix.decisions[d]
        found = decision_conflicts(ix, info, max_hops)
        tally.add_conflicts(info, found)
        tally.decisions += 1
        tally.last = max(tally.last or (info.date, d), (info.date, d))
        tally.planned_items += info.status == "planned"
        if not quorum_count(graph, ix, info, {f.person for f in found}).quorate:
            tally.inquorate.append((info.date, d))
        _check_composition(graph, ix, info, tally)
