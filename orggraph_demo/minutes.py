"""What the minutes of a generated world say, indexed for the oracle from the relationships (never
through :mod:`orggraph.engine`): who sits where (and who deputises for whom), each committee's
commissioner, each decision's meeting, parties, votes and withdrawals, who attended, and what each
meeting's declarations log minuted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from orggraph.models import Node, Rel
from orggraph.temporal import Window, is_live, window_of

from .planted import MeetingLog


class Seat(NamedTuple):
    person: str
    props: dict[str, Any]


@dataclass
class Minutes:
    """Who sits where, and what each decision's minutes say, indexed from the relationships."""

    seats: dict[str, list[Seat]] = field(default_factory=lambda: defaultdict(list))  # by committee
    decided_by: dict[str, str] = field(default_factory=dict)
    at_meeting: dict[str, str] = field(default_factory=dict)
    parties: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    voted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    withdrew: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    attended: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # by meeting
    # The era: when each node is live, each committee's commissioner, what each commissioner
    # commissions, and each ICB's sub-ICB locations (all with the link's window).
    node_window: dict[str, Window] = field(default_factory=dict)
    committee_of: dict[str, list[tuple[str, Window]]] = field(default_factory=lambda: defaultdict(list))
    committees_of: dict[str, list[tuple[str, Window]]] = field(default_factory=lambda: defaultdict(list))
    commissioned: dict[str, list[tuple[str, Window]]] = field(default_factory=lambda: defaultdict(list))
    sicbls: dict[str, list[tuple[str, Window]]] = field(default_factory=lambda: defaultdict(list))
    decisions_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # by committee
    # Meetings: each one's committee and agenda items; what its declarations log says, if it has one.
    held_by: dict[str, str] = field(default_factory=dict)
    agenda: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # by meeting
    logged: set[str] = field(default_factory=set)  # meetings with a declarations log
    declared: dict[tuple[str, str], str] = field(default_factory=dict)  # (person, decision) -> action

    @classmethod
    def of(cls, nodes: dict[str, Node], rels: Iterable[Rel], logs: Iterable[MeetingLog] = ()) -> Minutes:
        m = cls(node_window={nid: window_of(n.props) for nid, n in nodes.items()})
        for log in logs:
            m.logged.add(log.meeting)
            m.declared.update(((d.person, d.decision), d.action) for d in log.rows)
        for r in rels:
            if r.type in ("COMMITTEE_OF", "COMMISSIONED_BY", "IN_ICB"):
                m.era_link(r)
            elif r.type == "SITS_ON":
                m.seats[r.end].append(Seat(r.start, r.props))
            elif r.type == "DECIDED_BY":
                m.decided_by[r.start] = r.end
                m.decisions_of[r.end].append(r.start)
            elif r.type == "AT_MEETING":
                m.at_meeting[r.start] = r.end
                m.agenda[r.end].append(r.start)
            elif r.type == "HELD_BY":
                m.held_by[r.start] = r.end
            elif r.type in ("AWARDED_TO", "AFFECTS"):
                m.parties[r.start].add(r.end)
            elif r.type == "VOTED_ON":
                m.voted[r.end].add(r.start)
            elif r.type == "WITHDREW_FROM":
                m.withdrew[r.end].add(r.start)
            elif r.type == "ATTENDED":
                m.attended[r.end].add(r.start)
        return m

    def era_link(self, r: Rel) -> None:
        window = window_of(r.props)
        if r.type == "COMMITTEE_OF":
            self.committee_of[r.start].append((r.end, window))
            self.committees_of[r.end].append((r.start, window))
        elif r.type == "COMMISSIONED_BY":
            self.commissioned[r.end].append((r.start, window))
        else:
            self.sicbls[r.end].append((r.start, window))

    def committee_live(self, committee: str, on: str) -> bool:
        """A committee counts while its COMMITTEE_OF link and its commissioner are both live."""
        return any(w.live(on) and self.node_window[k].live(on) for k, w in self.committee_of[committee])

    def present(self, decision: str) -> set[str]:
        meeting = self.at_meeting.get(decision)
        return self.attended.get(meeting, set()) if meeting else set()

    def live_seats(self, committee: str, on: str) -> list[Seat]:
        """Seats live on ``on`` of a committee that counts on ``on`` (deputies' seats included)."""
        if not self.committee_live(committee, on):
            return []
        return [s for s in self.seats[committee] if is_live(s.props, on)]

    def members(self, committee: str, on: str) -> list[Seat]:
        """Live seats that are no deputy's."""
        return [s for s in self.live_seats(committee, on) if not s.props.get("deputy_for")]

    def deputising(self, did: str, on: str) -> dict[str, Seat]:
        """Deputies who stand in at decision ``did``: attendance recorded, the deputy present and the
        member they deputise for not; each with the seat of the member whose place they take."""
        present = self.present(did)
        committee = self.decided_by[did]
        out: dict[str, Seat] = {}
        for seat in self.live_seats(committee, on):
            member = seat.props.get("deputy_for")
            if member and present and seat.person in present and member not in present:
                theirs = [s for s in self.members(committee, on) if s.person == member]
                if theirs:
                    out[seat.person] = theirs[0]
        return out

    def makers(self, did: str, on: str) -> set[str]:
        """Who made decision ``did``: the members live on the day, deputies standing in, and voters."""
        committee = self.decided_by[did]
        return ({s.person for s in self.members(committee, on)} | set(self.deputising(did, on))
                | self.voted[did])

    def participation(self, person: str, decision: str) -> str:
        present = self.present(decision)
        if person in self.voted[decision]:
            return "voted"
        if person in self.withdrew[decision]:
            return "withdrew"
        if person in present:
            return "present"
        return "absent" if present else "unknown"
