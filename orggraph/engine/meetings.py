"""Questions about meetings (README "Meetings"): the chair's brief for one meeting, a committee's
meetings with their badge counts, and the next meetings with items still to be taken.

The rules are those of :mod:`orggraph.engine.rules` (conflicts, the quorum rule, the minutes' side of a
conflict) and :mod:`orggraph.engine.remedies` (who presides, whom to co-opt); each item's conflicts are
exactly ``conflicts(graph, decision=item)``.
"""

from __future__ import annotations

from typing import Any

from orggraph.engine.agenda import MeetingInfo
from orggraph.engine.checks import check_hops, on_date, require
from orggraph.engine.decisions import composition, conflict_model
from orggraph.engine.evidence import node_name
from orggraph.engine.explain import MeetingQuorumWords, exclusion_reason
from orggraph.engine.facts import DEFAULT_MAX_HOPS, Found
from orggraph.engine.index import DecisionInfo, Index, index_for
from orggraph.engine.models import BriefItem, ExcludedMember, MeetingBrief, MeetingQuorum, MeetingSummary
from orggraph.engine.remedies import MeetingCount, meeting_count
from orggraph.engine.rules import decision_conflicts, quorum_count
from orggraph.errors import EngineError
from orggraph.graph import OrgGraph
from orggraph.temporal import today


def meeting_committee(ix: Index, m: MeetingInfo) -> str | None:
    """The meeting's committee: HELD_BY (the first by id), else the committee of its first item."""
    if m.committee is not None:
        return m.committee
    return next((ix.decisions[d].committee for d in m.items if ix.decisions[d].committee), None)


def _quorum_model(graph: OrgGraph, info: DecisionInfo, mc: MeetingCount, found: list[Found]) -> MeetingQuorum:
    count, by_person = mc.quorum, {f.person: f for f in found}
    excluded = [ExcludedMember(person_id=e.person, person_name=node_name(graph, e.person), member_type=e.member_type,
                               reason=exclusion_reason(e, by_person.get(e.person))) for e in count.excluded]
    return MeetingQuorum(rule=str(count.rule), attendance_recorded=count.attendance_recorded,
                         eligible=list(count.eligible), excluded=excluded, quorate=count.quorate,
                         failing=count.failing, presiding=mc.presiding.person, presiding_role=mc.presiding.role,
                         co_optable=mc.co_optable, explanation=MeetingQuorumWords(graph, info, mc).text(),
                         deputies=dict(count.deputies))


def brief_item(graph: OrgGraph, ix: Index, info: DecisionInfo, max_hops: int) -> BriefItem:
    """One agenda item: its conflicts (as :func:`~orggraph.engine.conflicts` gives them) and its quorum
    after the recommended exclusions."""
    found = decision_conflicts(ix, info, max_hops)
    mc = meeting_count(graph, ix, info, {f.person for f in found}, max_hops)
    return BriefItem(decision_id=info.id, item=info.item, title=node_name(graph, info.id),
                     status=info.status,  # type: ignore[arg-type]
                     date=info.date, parties=list(info.parties),
                     party_names={p: node_name(graph, p) for p in info.parties},
                     conflicts=[conflict_model(graph, ix, f) for f in found],
                     quorum=_quorum_model(graph, info, mc, found))


def meeting_brief(graph: OrgGraph, meeting: str, max_hops: int = DEFAULT_MAX_HOPS) -> MeetingBrief:
    """The chair's brief for one meeting: each agenda item in agenda order with its conflicts (recommended
    action, declaration at the meeting, breach kinds), its quorum after the recommended exclusions (the
    failing clauses, who presides, whom to co-opt), and the committee's composition on the meeting's date."""
    ix = index_for(graph)
    check_hops(max_hops)
    require(ix, meeting, ("Meeting",), "meeting")
    m = ix.meetings[meeting]
    committee = meeting_committee(ix, m)
    items = [brief_item(graph, ix, ix.decisions[d], max_hops) for d in m.items]
    commissioners = sorted(t.node for t in ix.committee_of.get(committee or "", ()) if t.window.live(m.date))
    return MeetingBrief(
        meeting_id=meeting, meeting_name=node_name(graph, meeting), date=m.date, committee_id=committee,
        committee_name=node_name(graph, committee), commissioner_id=commissioners[0] if commissioners else None,
        declarations_recorded=m.declarations_recorded, planned=any(i.status == "planned" for i in items),
        max_hops=max_hops, generated_on=today(),
        composition=composition(graph, committee, m.date) if committee and m.date else None, items=items,
        conflicts=sum(len(i.conflicts) for i in items), breaches=sum(c.breach for i in items for c in i.conflicts),
        inquorate_items=[i.decision_id for i in items if not i.quorum.quorate])


def _summary(graph: OrgGraph, ix: Index, m: MeetingInfo, max_hops: int) -> MeetingSummary:
    conflicts = breaches = inquorate = 0
    for d in m.items:
        info = ix.decisions[d]
        found = decision_conflicts(ix, info, max_hops)
        conflicts += len(found)
        breaches += sum(f.breach for f in found)
        inquorate += not quorum_count(graph, ix, info, {f.person for f in found}).quorate
    return MeetingSummary(meeting_id=m.id, name=node_name(graph, m.id), date=m.date,
                          committee_id=meeting_committee(ix, m), items=len(m.items), conflicts=conflicts,
                          breaches=breaches, inquorate_items=inquorate,
                          planned=any(ix.decisions[d].status == "planned" for d in m.items),
                          declarations_recorded=m.declarations_recorded)


def committee_meetings(graph: OrgGraph, committee: str, max_hops: int = DEFAULT_MAX_HOPS) -> list[MeetingSummary]:
    """The committee's meetings (HELD_BY it, or where it took an item), by date then id, with badge counts."""
    ix = index_for(graph)
    check_hops(max_hops)
    require(ix, committee, ("Committee",), "committee")
    ids = set(ix.meetings_by_committee.get(committee, ()))
    ids.update(m for d in ix.decisions_by_committee.get(committee, ()) for m in ix.decisions[d].meetings)
    ordered = sorted((ix.meetings[m] for m in ids if m in ix.meetings), key=lambda m: (m.date, m.id))
    return [_summary(graph, ix, m, max_hops) for m in ordered]


def next_meetings(graph: OrgGraph, after: Any = None, limit: int = 5,
                  max_hops: int = DEFAULT_MAX_HOPS) -> list[MeetingSummary]:
    """Meetings with any item still planned, soonest first (then by id), at most ``limit``; with ``after``,
    only those on or after that date (without it, every such meeting: a planned item is not yet taken,
    whatever today's date)."""
    ix = index_for(graph)
    check_hops(max_hops)
    if not isinstance(limit, int) or limit < 0:
        raise EngineError(f"limit: expected a whole number of at least 0, got {limit!r}")
    lo = on_date(after) if after is not None else None
    found = [m for m in ix.meetings.values()
             if any(ix.decisions[d].status == "planned" for d in m.items) and (lo is None or m.date >= lo)]
    found.sort(key=lambda m: (m.date, m.id))
    return [_summary(graph, ix, m, max_hops) for m in found[:limit]]
