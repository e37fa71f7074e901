"""The rules of the contract (README "Semantics"), over the index: who decides, who is a party, how a
person took part, what their declarations cover, when a committee is quorate and well composed, and how
severe a conflict is. Each rule is written once here; the public functions and the scan both use them.
"""

from __future__ import annotations

from collections.abc import Container
from functools import lru_cache
from typing import NamedTuple, cast

from orggraph.engine.checks import require
from orggraph.engine.facts import (
    DECLARATION_POINTS,
    HIGH_FROM,
    INTEREST_ORDER,
    MEDIUM_FROM,
    NOT_MINUTED,
    OUT_OF_THE_VOTE,
    PARTICIPATION_POINTS,
    TYPE_POINTS,
    VOTED_NOT_MINUTED,
    AtMeeting,
    CompositionCount,
    DeclarationVerdict,
    Exclusion,
    Found,
    QuorumCount,
    RemitReasons,
)
from orggraph.engine.index import DecisionInfo, Index, Seat, StaticPath, path_order
from orggraph.engine.models import (
    BreachKind,
    DeclarationStatus,
    MeetingAction,
    Participation,
    RecommendedAction,
    Severity,
)
from orggraph.engine.paths import live_paths, static_paths
from orggraph.graph import OrgGraph
from orggraph.quorum_rule import QuorumRule, rule_of

LAY_EXEC = ("lay", "executive")
GP_CLINICAL = ("gp", "clinical")


# ---- decisions: makers, parties, participation --------------------------------------------------------
def decision_info(ix: Index, decision: str) -> DecisionInfo:
    require(ix, decision, ("Decision",), "decision")
    return ix.decisions[decision]


def committee_counts(ix: Index, committee: str, on: str) -> bool:
    """A committee counts on ``on`` while one of its COMMITTEE_OF links is live and so is the
    commissioner it leads to; a committee with no commissioner recorded always counts."""
    ties = ix.committee_of.get(committee)
    return ties is None or any(t.window.live(on) for t in ties)


def live_seats(ix: Index, committee: str, on: str) -> list[Seat]:
    """The seats on ``committee`` that count on ``on``: live themselves, on a committee that counts."""
    if not committee_counts(ix, committee, on):
        return []
    return [s for s in ix.seats.get(committee, ()) if s.window.live(on)]


def makers(ix: Index, info: DecisionInfo) -> list[str]:
    """Everyone with a seat live on the decision's date on its committees, plus everyone who voted; a
    deputy's seat (``deputy_for``) only when the deputy :func:`deputises`."""
    out = set(info.voters)
    att: Attendance | None = None
    for c in info.committees:
        if c not in ix.deputy_committees:  # the common case, kept fast
            out.update(s.person for s in live_seats(ix, c, info.date))
            continue
        for s in live_seats(ix, c, info.date):
            if s.props.get("deputy_for"):
                att = att or attendance(ix, info)
                if not deputises(s, att):
                    continue
            out.add(s.person)
    return sorted(out)


def deputises(seat: Seat, att: Attendance) -> bool:
    """A deputy's seat is taken up when attendance was recorded, the deputy attended and the member
    deputised for did not (with no attendance recorded, members are presumed present)."""
    return att.recorded and seat.person in att.present and seat.props.get("deputy_for") not in att.present


def sat_on(ix: Index, info: DecisionInfo, person: str) -> bool:
    """Whether ``person`` had a seat on one of the decision's committees on its date."""
    return any(s.person == person for c in info.committees for s in live_seats(ix, c, info.date))


class Attendance(NamedTuple):
    recorded: bool  # anyone recorded as attending the decision's meetings
    present: set[str]


def attendance(ix: Index, info: DecisionInfo) -> Attendance:
    present: set[str] = set()
    for m in info.meetings:
        present |= ix.attended.get(m, set())
    return Attendance(bool(present), present)


def participation(ix: Index, info: DecisionInfo, person: str) -> Participation:
    if info.status == "planned":
        return "unknown"  # not taken yet
    if person in info.voters:
        return "voted"
    if person in info.withdrew:
        return "withdrew"
    recorded, present = attendance(ix, info)
    if person in present:
        return "present"
    return "absent" if recorded else "unknown"


# ---- declarations and severity --------------------------------------------------------------------------
def declaration_verdict(ix: Index, person: str, paths: list[StaticPath], on: str) -> DeclarationVerdict:
    """How ``person``'s register entries live on ``on`` cover ``paths`` (the one declaration rule)."""
    covered_by: dict[str, list[str]] = {}
    for decl in ix.declarations.get(person, ()):
        if decl.window.live(on):
            for tie in decl.concerns:
                if tie.window.live(on):
                    covered_by.setdefault(tie.node, []).append(decl.id)
    matched: set[str] = set()
    covered: list[bool] = []
    for path in paths:
        hits = False
        for n in path.nodes:
            ids = covered_by.get(n)
            if ids:
                matched.update(ids)
                hits = True
        covered.append(hits)
    status: DeclarationStatus = "declared" if all(covered) else "partial" if any(covered) else "undeclared"
    return DeclarationVerdict(status, sorted(matched), covered)


def interest_types(paths: list[StaticPath]) -> list[str]:
    """The interest types present among ``paths``, strongest first."""
    present = {p.interest_type for p in paths}
    return [t for t in INTEREST_ORDER if t in present]


def severity_of(interest_types: list[str], declaration: str, participation: str, held_in_party: bool = False
                ) -> tuple[int, Severity]:
    """(score, severity): see the package docstring. ``held_in_party``: a one-link path, the person's own
    stake in the party itself (a partner of the practice, a director of the federation)."""
    score = (max((TYPE_POINTS.get(t, 0) for t in interest_types), default=0)
             + DECLARATION_POINTS[declaration] + PARTICIPATION_POINTS[participation] + int(held_in_party))
    return score, "high" if score >= HIGH_FROM else "medium" if score >= MEDIUM_FROM else "low"


# ---- conflicts -------------------------------------------------------------------------------------------
def paths_to_parties(ix: Index, info: DecisionInfo, person: str, max_hops: int) -> list[StaticPath]:
    targets = static_paths(ix, person, max_hops)
    if not targets:
        return []
    found: list[StaticPath] = []
    parties = info.parties
    if len(parties) <= len(targets):
        for party in parties:
            found.extend(live_paths(targets.get(party, ()), info.date))
    else:
        wanted = set(parties)
        for org, paths in targets.items():
            if org in wanted:
                found.extend(live_paths(paths, info.date))
    found.sort(key=path_order)
    return found


def person_conflict(ix: Index, info: DecisionInfo, person: str, max_hops: int) -> Found | None:
    """``person``'s conflict in the decision, judged, or None when no interest path to a party is live."""
    found = paths_to_parties(ix, info, person, max_hops)
    if not found:
        return None
    verdict = declaration_verdict(ix, person, found, info.date)
    took_part = participation(ix, info, person)
    types = interest_types(found)
    score, severity = severity_of(types, verdict.status, took_part, len(found[0].edges) == 1)
    return Found(person, info, found, verdict, took_part, types, score, severity, recommended_action(found),
                 at_meeting(ix, info, person, took_part))


def logged(ix: Index, info: DecisionInfo) -> bool:
    """Whether a declarations log was taken at one of the decision's meetings."""
    for m in info.meetings:
        meeting = ix.meetings.get(m)
        if meeting is not None and meeting.declarations_recorded:
            return True
    return False


def recommended_action(paths: list[StaticPath]) -> RecommendedAction:
    """``exclude`` (leave the room) when any interest path is financial, else ``no_vote``."""
    for p in paths:
        if p.interest_type == "financial":
            return "exclude"
    return "no_vote"


def at_meeting(ix: Index, info: DecisionInfo, person: str, took_part: Participation) -> AtMeeting:
    """The minutes' side of a conflict (README "Meetings"): declared at the meeting (None without a
    declarations log), the ruling, whether it was managed, and the breach kinds that apply."""
    decl = info.declared_at.get(person)
    if decl is None and info.status != "planned" and not logged(ix, info):  # the common case: no minutes
        return VOTED_NOT_MINUTED if took_part == "voted" else NOT_MINUTED
    ruling = cast(MeetingAction, decl.action) if decl is not None and decl.action else None
    if info.status == "planned":  # declared in advance, or not known yet; nothing can be a breach
        return AtMeeting(True, ruling, None, []) if decl is not None else NOT_MINUTED
    declared = decl is not None  # else the meeting's declarations log was taken (see above)
    voted = took_part == "voted"
    kinds: list[BreachKind] = []
    if voted:
        kinds.append("voted_while_conflicted")
    if not declared and took_part != "absent":
        kinds.append("not_declared_at_meeting")
    if voted and ruling in OUT_OF_THE_VOTE:
        kinds.append("acted_against_ruling")
    managed = declared and ruling in OUT_OF_THE_VOTE and not voted
    return AtMeeting(declared, ruling, managed, kinds)


def decision_conflicts(ix: Index, info: DecisionInfo, max_hops: int) -> list[Found]:
    """Every decision-maker's conflict in the decision, by person id."""
    out = []
    for person in makers(ix, info):
        f = person_conflict(ix, info, person, max_hops)
        if f is not None:
            out.append(f)
    return out


# ---- quorum and composition ------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _rule(quorum_rule: object, quorum: object, quorum_lay: object) -> QuorumRule:
    return rule_of({"quorum_rule": quorum_rule, "quorum": quorum, "quorum_lay": quorum_lay})


def committee_rule(graph: OrgGraph, ix: Index, committee: str | None) -> QuorumRule:
    """The committee's quorum rule (``quorum_rule``, else the shorthand; none recorded: total 0)."""
    rule: QuorumRule | None = ix.rule_cache.get(committee)
    if rule is None:
        spec = graph.g.nodes[committee] if committee else {}
        rule = ix.rule_cache[committee] = _rule(spec.get("quorum_rule"), spec.get("quorum"), spec.get("quorum_lay"))
    return rule


def quorum_count(graph: OrgGraph, ix: Index, info: DecisionInfo, conflicted: Container[str]) -> QuorumCount:
    """The quorum rule (the one both :func:`~orggraph.engine.quorum` and the scan apply).

    Counted: each voting member of the decision's committees on its date (their words for the rule's
    clauses: member type and role of every voting seat), plus each deputy who :func:`deputises` for a
    voting member, in that member's place and words; less those not recorded as attending (when
    attendance was recorded) and those in ``conflicted``. The first committee's rule applies.
    """
    att = attendance(ix, info)
    words: dict[str, frozenset[str]] = {}
    member_type: dict[str, str | None] = {}  # from the first voting seat
    deputy_seats: list[Seat] = []
    for c in info.committees:
        any_deputies = c in ix.deputy_committees
        for s in live_seats(ix, c, info.date):
            props = s.props
            if any_deputies and props.get("deputy_for"):
                deputy_seats.append(s)
            elif props.get("voting"):
                before = words.get(s.person)
                if before is None:
                    member_type[s.person] = props.get("member_type")
                    words[s.person] = s.words
                else:
                    words[s.person] = before | s.words
    deputies: dict[str, str] = {}  # deputy -> member; one deputy per member, the first by id
    for s in sorted(deputy_seats, key=lambda s: (s.person, s.committee)):
        member = str(s.props["deputy_for"])
        if (member in words and s.person not in words and s.person not in deputies
                and member not in deputies.values() and deputises(s, att)):
            deputies[s.person] = member
    eligible: dict[str, frozenset[str]] = {}
    excluded: list[Exclusion] = []
    for person in sorted(words.keys() | deputies.keys()) if deputies else sorted(words):
        place = deputies.get(person, person) if deputies else person
        if att.recorded and person not in att.present:
            excluded.append(Exclusion(person, member_type[place], "absent"))
        elif person in conflicted:
            excluded.append(Exclusion(person, member_type[place], "conflict"))
        else:
            eligible[person] = words[place]
    return QuorumCount(info.committee, committee_rule(graph, ix, info.committee), att.recorded, eligible, excluded,
                       deputies)


def composition_count(seats: list[Seat]) -> CompositionCount:
    """The PCCC composition rules' counts over a committee's live seats: its chairs, whether the chair is
    lay (every chair, if several), and the voting lay/executive and GP/clinical members."""
    chairs = sorted((s for s in seats if s.props.get("role") == "chair"), key=lambda s: (s.person, s.window.lo))
    chair_is_lay = bool(chairs) and all(s.props.get("member_type") == "lay" for s in chairs)
    lay_exec = sum(1 for s in seats if s.props.get("voting") and s.props.get("member_type") in LAY_EXEC)
    gp_clin = sum(1 for s in seats if s.props.get("voting") and s.props.get("member_type") in GP_CLINICAL)
    return CompositionCount(seats, chairs, chair_is_lay, lay_exec, gp_clin)


# ---- a commissioner's remit ------------------------------------------------------------------------------
def live_committees(ix: Index, commissioner: str, on: str) -> list[str]:
    """The commissioner's committees on ``on`` (link and commissioner both live), by id."""
    return sorted(t.node for t in ix.committees_of.get(commissioner, ()) if t.window.live(on))


def committee_of_on(ix: Index, committee: str, commissioner: str, on: str) -> bool:
    """Whether ``committee`` was a committee of ``commissioner`` on ``on`` (link and commissioner live)."""
    return any(t.node == commissioner and t.window.live(on) for t in ix.committee_of.get(committee, ()))


def members_on(ix: Index, icb: str, on: str) -> list[str]:
    """The sub-ICB locations and hubs in ``icb`` on ``on`` (IN_ICB and the member both live), by id;
    empty for any other commissioner."""
    return sorted(t.node for t in ix.in_icb.get(icb, ()) if t.window.live(on))


def remit(ix: Index, commissioner: str, on: str) -> set[str]:
    """The providers it commissions on ``on``, itself or (an ICB) through a sub-ICB location or hub in
    it on that day, and every party to a decision of its committees."""
    out = {t.node for t in ix.commissioned.get(commissioner, ()) if t.window.live(on)}
    for k in members_on(ix, commissioner, on):
        out.update(t.node for t in ix.commissioned.get(k, ()) if t.window.live(on))
    for c in ix.committees_of.get(commissioner, ()):
        for d in ix.decisions_by_committee.get(c.node, ()):
            out.update(ix.decisions[d].parties)
    return out


def remit_reasons(ix: Index, commissioner: str, org: str, on: str) -> RemitReasons:
    """Why ``org`` is in the commissioner's :func:`remit` on ``on``."""
    def commissions(k: str) -> bool:
        return any(t.node == org and t.window.live(on) for t in ix.commissioned.get(k, ()))

    decided = sorted({d for c in ix.committees_of.get(commissioner, ())
                      for d in ix.decisions_by_committee.get(c.node, ()) if org in ix.decisions[d].parties})
    via = [k for k in members_on(ix, commissioner, on) if commissions(k)]
    return RemitReasons(commissions(commissioner), decided, via)
