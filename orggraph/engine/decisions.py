"""Questions about decisions and committees: who decided, who was a party, which decision-makers were
conflicted, whether the committee was quorate, and whether it was composed as the PCCC rules require.

Each public function checks its arguments, applies :mod:`orggraph.engine.rules` and dresses the result
as a public model with its explanation from :mod:`orggraph.engine.explain`.
"""

from __future__ import annotations

from typing import Any

from orggraph.engine.checks import check_hops, on_date, require
from orggraph.engine.evidence import interest_path, node_name
from orggraph.engine.explain import CompositionWords, ConflictWords, QuorumWords, exclusion_reason
from orggraph.engine.facts import DEFAULT_MAX_HOPS, Found
from orggraph.engine.index import DecisionInfo, Index, index_for
from orggraph.engine.models import CompositionResult, Conflict, ExcludedMember, MemberSeat, QuorumResult
from orggraph.engine.rules import (
    committee_of_on,
    composition_count,
    decision_conflicts,
    decision_info,
    live_seats,
    makers,
    person_conflict,
    quorum_count,
    sat_on,
)
from orggraph.graph import OrgGraph


def decision_makers(graph: OrgGraph, decision: str) -> list[str]:
    """Everyone with a SITS_ON live on the decision's date to its committee, plus anyone who voted on it."""
    ix = index_for(graph)
    return makers(ix, decision_info(ix, decision))


def decision_parties(graph: OrgGraph, decision: str) -> list[str]:
    """Every organisation the decision is AWARDED_TO or AFFECTS."""
    ix = index_for(graph)
    return list(decision_info(ix, decision).parties)


# ---- conflicts ----------------------------------------------------------------------------------------
def conflict_model(graph: OrgGraph, ix: Index, f: Found) -> Conflict:
    info = f.info
    paths = [interest_path(graph, ix, p) for p in f.paths]
    words = ConflictWords(graph, f, paths, sat_on(ix, info, f.person))
    return Conflict(
        person_id=f.person, person_name=node_name(graph, f.person), decision_id=info.id,
        decision_title=node_name(graph, info.id), committee_id=info.committee, date=info.date, parties=f.parties,
        paths=paths, interest_types=f.types,  # type: ignore[arg-type]
        direct=any(p.interest_type != "indirect" for p in f.paths), declaration=f.verdict.status,
        declaration_ids=f.verdict.ids, participation=f.participation, breach=f.breach,
        severity=f.severity, score=f.score, explanation=words.text(),
        meeting_id=info.meetings[0] if info.meetings else None, item=info.item,
        status=info.status,  # type: ignore[arg-type]
        recommended_action=f.recommended, declared_at_meeting=f.at_meeting.declared, ruling=f.at_meeting.ruling,
        managed=f.at_meeting.managed, breach_kinds=list(f.at_meeting.breach_kinds))


def _select_decisions(ix: Index, decision: str | None, committee: str | None, commissioner: str | None,
                      date_from: str | None, date_to: str | None, person: str | None = None,
                      meeting: str | None = None) -> list[DecisionInfo]:
    if decision is not None:
        infos = [decision_info(ix, decision)]
    elif meeting is not None:
        infos = [ix.decisions[d] for d in ix.meetings[meeting].items]
    elif person is not None:
        # Only decisions the person could have made: their committees' and those they voted on.
        ids = {d for seat in ix.seats_of.get(person, ()) for d in ix.decisions_by_committee.get(seat.committee, ())}
        ids.update(ix.decisions_voted.get(person, ()))
        infos = [ix.decisions[d] for d in ids]
    elif committee is not None:
        infos = [ix.decisions[d] for d in ix.decisions_by_committee.get(committee, ())]
    else:
        infos = list(ix.decisions.values())
    if committee is not None:
        infos = [i for i in infos if committee in i.committees]
    if commissioner is not None:
        # A committee is the commissioner's on the decision's date (the link and the commissioner live).
        infos = [i for i in infos if any(committee_of_on(ix, c, commissioner, i.date) for c in i.committees)]
    if date_from is not None:
        infos = [i for i in infos if i.date >= date_from]
    if date_to is not None:
        infos = [i for i in infos if i.date <= date_to]
    if meeting is not None:
        infos = [i for i in infos if meeting in i.meetings]  # in agenda order
    else:
        infos.sort(key=lambda i: (i.date, i.id))
    return infos


def conflicts(graph: OrgGraph, decision: str | None = None, person: str | None = None,
              committee: str | None = None, commissioner: str | None = None, date_from: Any = None,
              date_to: Any = None, max_hops: int = DEFAULT_MAX_HOPS, meeting: str | None = None) -> list[Conflict]:
    """One record per (decision-maker, decision) with a live interest path to a party of the decision.

    Filters combine (all must hold); ``meeting`` keeps the meeting's agenda items. Ordered by date, then
    decision id (with ``meeting``: in agenda order), then person id.
    """
    ix = index_for(graph)
    check_hops(max_hops)
    if meeting is not None:
        require(ix, meeting, ("Meeting",), "meeting")
    if person is not None:
        require(ix, person, ("Person",), "person")
    if committee is not None:
        require(ix, committee, ("Committee",), "committee")
    if commissioner is not None:
        require(ix, commissioner, graph.schema.commissioner_labels, "commissioner")
    lo = on_date(date_from) if date_from is not None else None
    hi = on_date(date_to) if date_to is not None else None
    out: list[Conflict] = []
    for info in _select_decisions(ix, decision, committee, commissioner, lo, hi, person, meeting):
        if person is not None:
            if person not in makers(ix, info):
                continue
            found = person_conflict(ix, info, person, max_hops)
            rows = [found] if found is not None else []
        else:
            rows = decision_conflicts(ix, info, max_hops)
        out.extend(conflict_model(graph, ix, f) for f in rows)
    return out


# ---- quorum and composition -------------------------------------------------------------------------------
def quorum(graph: OrgGraph, decision: str, max_hops: int = DEFAULT_MAX_HOPS) -> QuorumResult:
    """Whether the decision's committee was quorate once conflicted members are taken out."""
    ix = index_for(graph)
    info = decision_info(ix, decision)
    conflicted = {f.person: f for f in decision_conflicts(ix, info, max_hops)}
    count = quorum_count(graph, ix, info, conflicted)
    excluded = [ExcludedMember(person_id=e.person, person_name=node_name(graph, e.person), member_type=e.member_type,
                               reason=exclusion_reason(e, conflicted.get(e.person))) for e in count.excluded]
    return QuorumResult(decision_id=info.id, committee_id=count.committee, date=info.date, required=count.required,
                        required_lay=count.required_lay, attendance_recorded=count.attendance_recorded,
                        eligible=list(count.eligible), eligible_lay=count.eligible_lay, excluded=excluded,
                        quorate=count.quorate, explanation=QuorumWords(graph, info, count).text(),
                        rule=str(count.rule), failing=count.failing, deputies=dict(count.deputies))


def composition(graph: OrgGraph, committee: str, as_of: Any = None) -> CompositionResult:
    """A committee's live seats on ``as_of`` and the PCCC rules: a lay chair and a lay/executive majority."""
    ix = index_for(graph)
    require(ix, committee, ("Committee",), "committee")
    on = on_date(as_of)
    count = composition_count(live_seats(ix, committee, on))
    ctype = graph.g.nodes[committee].get("committee_type")
    members = [MemberSeat(person_id=s.person, person_name=node_name(graph, s.person), role=s.props.get("role"),
                          member_type=s.props.get("member_type"), voting=bool(s.props.get("voting")),
                          valid_from=s.props.get("valid_from"), valid_to=s.props.get("valid_to"),
                          source=s.props.get("source")) for s in count.seats]
    return CompositionResult(committee_id=committee, committee_type=ctype, as_of=on, members=members,
                             chair_id=count.chairs[0].person if count.chairs else None,
                             chair_is_lay=count.chair_is_lay, voting_lay_exec=count.lay_exec,
                             voting_gp_clinical=count.gp_clinical, lay_exec_majority=count.lay_exec_majority,
                             ok=count.ok, explanation=CompositionWords(graph, committee, ctype, on, count).text())
