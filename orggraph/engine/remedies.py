"""What a chair does about an agenda item's conflicts (README "Meetings"): who presides, and whom the
commissioner could co-opt when the exclusions leave the committee inquorate. With the quorum rule of
:mod:`orggraph.engine.rules`, they make an item's :class:`MeetingCount`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, NamedTuple

from orggraph.engine.facts import QuorumCount
from orggraph.engine.index import DecisionInfo, Index
from orggraph.engine.rules import attendance, live_committees, live_seats, paths_to_parties, quorum_count
from orggraph.graph import OrgGraph

PresidingRole = Literal["chair", "vice_chair"]
PRESIDING_ROLES: tuple[PresidingRole, ...] = ("chair", "vice_chair")


class PassedOver(NamedTuple):
    """A chair or vice-chair who cannot preside over the item, and why."""

    role: PresidingRole
    person: str
    reason: Literal["conflicted", "absent"]


class Presiding(NamedTuple):
    person: str | None
    role: PresidingRole | None
    passed_over: list[PassedOver]  # in the order considered: chairs, then vice-chairs, by id


class MeetingCount(NamedTuple):
    """An agenda item's quorum after the recommended exclusions, who presides, and who could be co-opted."""

    quorum: QuorumCount
    presiding: Presiding
    co_optable: list[str]


def presiding(ix: Index, info: DecisionInfo, conflicted: Collection[str]) -> Presiding:
    """The chair (a seat with role ``chair`` on the item's committee, live on its date) if not
    conflicted in the item and, when attendance was recorded, present; else the vice-chair on the same
    terms; else nobody. Deputies do not preside; several chairs are considered by id."""
    committee = info.committee
    seats = live_seats(ix, committee, info.date) if committee else []
    att = attendance(ix, info)
    passed: list[PassedOver] = []
    for role in PRESIDING_ROLES:
        for person in sorted({s.person for s in seats if s.props.get("role") == role and not s.props.get("deputy_for")}):
            if person in conflicted:
                passed.append(PassedOver(role, person, "conflicted"))
            elif att.recorded and person not in att.present:
                passed.append(PassedOver(role, person, "absent"))
            else:
                return Presiding(person, role, passed)
    return Presiding(None, None, passed)


def co_optable(ix: Index, info: DecisionInfo, max_hops: int) -> list[str]:
    """People with a voting seat (not a deputy's) live on the item's date on another committee of its
    committee's commissioner on that date, holding no live seat on the item's committees, and with no
    interest path live on that date to any party of the item; by id."""
    committee, on = info.committee, info.date
    if committee is None:
        return []
    seated = {s.person for c in info.committees for s in live_seats(ix, c, on)}
    candidates: set[str] = set()
    for k in sorted({t.node for t in ix.committee_of.get(committee, ()) if t.window.live(on)}):
        for other in live_committees(ix, k, on):
            if other in info.committees:
                continue
            candidates.update(s.person for s in live_seats(ix, other, on)
                              if s.props.get("voting") and not s.props.get("deputy_for") and s.person not in seated)
    return sorted(p for p in candidates if not paths_to_parties(ix, info, p, max_hops))


def meeting_count(graph: OrgGraph, ix: Index, info: DecisionInfo, conflicted: Collection[str],
                  max_hops: int) -> MeetingCount:
    """The item's quorum once every conflicted member is out of the vote (both recommended actions take
    them out of the count), who presides, and (only when inquorate) who could be co-opted."""
    count = quorum_count(graph, ix, info, conflicted)
    return MeetingCount(count, presiding(ix, info, conflicted), [] if count.quorate else co_optable(ix, info, max_hops))
