"""A year of CCG committee meetings (and the parts an ICB's meetings share): attendance, decisions
(awards and schemes), and how members voted or withdrew, as a chair would have managed the conflicts
the register shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from orggraph.temporal import is_live

from .builder import Builder, CcgPlan, Seat
from .names import TOPICS
from .oracle import Walk, declaration_status, declarations_by_person
from .scale import CCG_YEAR, PCN_START, Era
from .world import World


class Statuses:
    """The generator's own view of a person's declaration status for a set of parties, for the chair."""

    def __init__(self, world: World, walk: Walk):
        self.walk = walk
        self.decls = declarations_by_person(world.declarations)

    def declaration(self, person: str, parties: set[str], on: str) -> str | None:
        found = self.walk.paths(person, parties, on)
        if not found:
            return None
        return declaration_status(found, self.decls[person], on)[0]


@dataclass
class Meeting:
    id: str
    committee: str
    on: str
    live: list[Seat]  # seats live on the day
    attendees: list[str]
    recorded: bool  # whether the minutes record attendance and votes


def decisions(b: Builder, c: CcgPlan, walk: Walk) -> None:
    status = Statuses(b.world, walk)
    seats: dict[str, list[Seat]] = defaultdict(list)
    for seat in c.members:
        seats[seat.committee].append(seat)
    for committee in (c.pccc, c.gb):
        for m in range(b.scale.meetings_per_committee):
            meeting = _meeting(b, c, committee, m, seats[committee])
            forced_inquorate = c.index % 3 == 1 and committee == c.pccc and m == 2
            for k in range(b.rng.randint(*b.scale.decisions_per_meeting)):
                kind = "lis" if forced_inquorate and k == 0 else None
                if c.index == 0 and committee == c.pccc and m == 1 and k == 0:
                    kind = "headline"  # the headline decision: an award to the director's federation
                did, parties = decision(b, c, meeting, kind)
                participation(b, c, meeting, did, parties, status)


def new_meeting(b: Builder, committee: str, m: int, n: int, year: Era, seats: list[Seat]) -> Meeting:
    """The ``m``-th of ``n`` meetings in ``year``, spread evenly, with who attended."""
    w, rng, s = b.world, b.rng, b.scale
    span = (year.end - year.start).days
    day = year.start + dt.timedelta(days=int((m + 0.5) * span / n) + rng.randint(-5, 5))
    on = day.isoformat()
    mid = b.next_id("MTG", 5)
    w.add_node(mid, "Meeting", {"name": f"{w.name(committee)}, {day:%d %B %Y}", "date": on})
    w.add_rel(mid, "HELD_BY", committee)
    live = [seat for seat in seats if is_live(seat.props, on)]
    # One meeting in six has no attendance recorded (minutes list apologies only in prose).
    recorded = rng.random() > 1 / 6
    attendees = [seat.person for seat in live if rng.random() < s.attendance_rate] if recorded else []
    return Meeting(mid, committee, on, live, attendees, recorded)


def attend(b: Builder, meeting: Meeting) -> None:
    for p in meeting.attendees:
        b.world.add_rel(p, "ATTENDED", meeting.id)


def _meeting(b: Builder, c: CcgPlan, committee: str, m: int, seats: list[Seat]) -> Meeting:
    """The ``m``-th meeting of the CCG's year, with the planted attendance scenarios."""
    meeting = new_meeting(b, committee, m, b.scale.meetings_per_committee, CCG_YEAR, seats)
    if c.index == 0 and committee == c.pccc and m == 1:
        meeting.recorded = True
        if c.headline_director not in meeting.attendees:
            meeting.attendees.append(c.headline_director)
    if c.index % 3 == 1 and committee == c.pccc and m == 2:
        # Two lay/executive members send apologies to a meeting deciding a local incentive
        # scheme that every GP member has an interest in: it cannot be quorate.
        meeting.recorded = True
        away = [seat.person for seat in meeting.live if seat.props.get("member_type") in ("lay", "executive")][:2]
        meeting.attendees = [seat.person for seat in meeting.live if seat.person not in away]
    attend(b, meeting)
    return meeting


class Award(NamedTuple):
    awarded: list[str]
    affects: list[str]
    title: str
    value: int  # before the random spread


def decision(b: Builder, c: CcgPlan, meeting: Meeting, kind: str | None) -> tuple[str, set[str]]:
    """A decision of ``kind`` (chosen at random when None) at ``meeting``; its id and its parties."""
    w = b.world
    did = b.next_id("DEC", 5)
    if kind == "headline":
        # Awarded to the federation whose director sits on the PCCC and declared nothing.
        kind = "extended_access"
        fed = c.federations[0]
        award = Award([fed], [], f"Extended access service contract: {w.name(fed)}", 400_000)
        w.headline.update(decision=did, person=c.headline_director, committee=meeting.committee)
    else:
        kind = _kind(b, c, meeting, kind)
        award = _AWARDS[kind](b, c)
    return record_decision(b, meeting, award, did, kind)


def record_decision(b: Builder, meeting: Meeting, award: Award, did: str, kind: str, status: str = "decided"
                    ) -> tuple[str, set[str]]:
    """The decision (an agenda item of ``meeting``) and its links; its id and parties."""
    w = b.world
    value_gbp = float(round(award.value * b.rng.uniform(0.6, 1.4), -3))
    decision_type = "lis" if kind == "lis" else "contract_award" if award.awarded else "other"
    w.add_node(did, "Decision", {"name": award.title, "title": award.title, "date": meeting.on,
                                 "value_gbp": value_gbp, "decision_type": decision_type,
                                 "item": agenda_ref(b, meeting.committee, meeting.on), "status": status})
    w.add_rel(did, "DECIDED_BY", meeting.committee)
    w.add_rel(did, "AT_MEETING", meeting.id)
    for org in award.awarded:
        w.add_rel(did, "AWARDED_TO", org)
    for org in award.affects:
        w.add_rel(did, "AFFECTS", org)
    return did, set(award.awarded) | set(award.affects)


def agenda_ref(b: Builder, committee: str, on: str) -> str:
    """The next minute reference of ``committee`` in the financial year of ``on``: ``PCC19/004`` is the
    fourth item a PCCC took in 2019/20 (``GB`` for a governing body or board)."""
    day = dt.date.fromisoformat(on)
    year = day.year if day.month >= 4 else day.year - 1
    prefix = "PCC" if b.world.nodes[committee].props.get("committee_type") == "pccc" else "GB"
    b.counter[f"item:{committee}:{year}"] += 1
    return f"{prefix}{year % 100:02d}/{b.counter[f'item:{committee}:{year}']:03d}"


def _kind(b: Builder, c: CcgPlan, meeting: Meeting, kind: str | None) -> str:
    if meeting.committee == c.pccc:
        kind = kind or b.rng.choice(("extended_access", "lis", "apms", "pcn", "merger"))
        return "apms" if kind == "pcn" and meeting.on < PCN_START else kind
    kind = kind or b.rng.choice(("community", "care_homes", "hospice", "vanguard", "diagnostics"))
    return "community" if kind == "vanguard" and not c.vanguard else kind


def _extended_access(b: Builder, c: CcgPlan) -> Award:
    fed = b.rng.choice(c.federations)
    return Award([fed], [], f"Extended access service contract: {b.world.name(fed)}", 400_000)


def _lis(b: Builder, c: CcgPlan) -> Award:
    return Award([], list(c.practices), f"Local incentive scheme: {b.rng.choice(TOPICS)}", 150_000)


def _apms(b: Builder, c: CcgPlan) -> Award:
    p = b.rng.choice(c.practices)
    return Award([p], [], f"APMS contract variation: {b.world.name(p)}", 90_000)


def _pcn(b: Builder, c: CcgPlan) -> Award:
    pcn = b.rng.choice(c.pcns)
    return Award([], [pcn], f"PCN extended hours funding: {b.world.name(pcn)}", 60_000)


def _merger(b: Builder, c: CcgPlan) -> Award:
    one, other = b.rng.sample(c.practices, 2)
    return Award([], [one, other], f"Practice merger: {b.world.name(one)} and {b.world.name(other)}", 0)


def _community(b: Builder, c: CcgPlan) -> Award:
    org = b.rng.choice([c.trust, *c.companies]) if c.companies else c.trust
    return Award([org], [], f"Community services contract: {b.world.name(org)}", 2_500_000)


def _care_homes(b: Builder, c: CcgPlan) -> Award:
    org = b.rng.choice(c.care_homes or [c.trust])
    return Award([org], [c.federations[0]], "Enhanced health in care homes service", 350_000)


def _hospice(b: Builder, c: CcgPlan) -> Award:
    org = b.rng.choice(c.charities or [c.trust])
    return Award([org], [], f"Palliative care grant: {b.world.name(org)}", 120_000)


def _vanguard(b: Builder, c: CcgPlan) -> Award:
    assert c.vanguard
    return Award([c.vanguard], [], f"MCP contract extension: {b.world.name(c.vanguard)}", 5_000_000)


def _diagnostics(b: Builder, c: CcgPlan) -> Award:
    org = b.rng.choice(c.companies or [c.trust])
    return Award([org], [c.federations[-1]], f"Diagnostics contract: {b.world.name(org)}", 750_000)


_AWARDS: dict[str, Callable[[Builder, CcgPlan], Award]] = {
    "extended_access": _extended_access, "lis": _lis, "apms": _apms, "pcn": _pcn, "merger": _merger,
    "community": _community, "care_homes": _care_homes, "hospice": _hospice, "vanguard": _vanguard,
    "diagnostics": _diagnostics,
}


def participation(b: Builder, c: CcgPlan, meeting: Meeting, did: str, parties: set[str],
                  status: Statuses) -> None:
    """Who voted and who withdrew at a CCG committee; then the co-opted vote."""
    if not meeting.recorded:
        return  # "the committee agreed": no individual votes minuted
    chair_manages(b, meeting, did, parties, status, c.headline_director if c.index == 0 else None)
    _coopted_vote(b, c, meeting, did, parties, status)


def chair_manages(b: Builder, meeting: Meeting, did: str, parties: set[str], status: Statuses,
                  votes_anyway: str | None) -> None:
    """Who voted and who withdrew, as a chair would have managed the conflicts the register shows;
    ``votes_anyway`` votes whatever the register says (a planted breach)."""
    w, rng = b.world, b.rng
    voting = {seat.person for seat in meeting.live if seat.props.get("voting")}
    for person in meeting.attendees:
        declaration = status.declaration(person, parties, meeting.on)
        if declaration is None:
            if person in voting:
                w.add_rel(person, "VOTED_ON", did, {"vote": "for" if rng.random() < 0.9 else "against"})
            continue
        if person == votes_anyway:
            choice = "vote"
        elif declaration == "declared":
            choice = rng.choices(("withdraw", "stay", "vote"), weights=(75, 15, 10))[0]
        elif declaration == "partial":
            choice = rng.choices(("withdraw", "stay", "vote"), weights=(40, 10, 50))[0]
        else:
            choice = rng.choices(("withdraw", "stay", "vote"), weights=(10, 5, 85))[0]
        if choice == "withdraw":
            w.add_rel(person, "WITHDREW_FROM", did)
        elif choice == "vote" and person in voting:
            w.add_rel(person, "VOTED_ON", did, {"vote": "for"})


def _coopted_vote(b: Builder, c: CcgPlan, meeting: Meeting, did: str, parties: set[str],
                  status: Statuses) -> None:
    """A co-opted GP (no seat) votes on one decision in the second CCG: a decision-maker by vote alone."""
    if c.index % 3 == 1 and meeting.committee == c.pccc and "coopted" not in c.behaviour:
        gp = next((g for p in sorted(c.partners) for g in c.partners[p]
                   if status.declaration(g, parties, meeting.on) is not None
                   and all(g != seat.person for seat in c.members)), None)
        if gp is not None:
            c.behaviour["coopted"] = gp
            b.world.add_rel(gp, "VOTED_ON", did, {"vote": "for"})
            b.world.story.append(f"{did}: co-opted GP {b.world.name(gp)} votes without a seat")

