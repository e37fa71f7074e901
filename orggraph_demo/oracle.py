"""The test oracle: what the conflict rules say about a generated world, walked WITHOUT the engine.

:func:`compute_planted` is what the tests and the demo compare :mod:`orggraph.engine` against, so it
is independent of the engine by design and must never import it: a bug shared by the engine and its
oracle would pass every test. It is a small, deliberately naive walk (depth-first, no indexes, no
caching) over the generated nodes, relationships and the register rows the generator meant, applying
the rules of the engine's contract (README "Semantics"): interest paths from a person (or a relative)
through provider interests and then organisation-to-organisation links, at most four hops, each link
live on the decision's date; structure relationships are never interests. It also finds the paths
nobody planted on purpose (a partner of a practice that is a member of a federation awarded a
contract has a conflict through PARTNER_IN -> MEMBER_OF).

It shares only the schema's classification of relationships and the one vocabulary for time
(:mod:`orggraph.temporal`) with the engine.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from orggraph.models import Node, Rel
from orggraph.schema import SCHEMA
from orggraph.temporal import Window, is_live, window_of

from .planted import Declaration, Planted, PlantedAudit, PlantedConflict
from .scale import AUDIT_DATES, CCG_YEAR, ICB_YEAR


class InterestPath(NamedTuple):
    """Node ids from the person to a party, and the interest type the path carries."""

    nodes: tuple[str, ...]
    interest_type: str


class _PersonInterest(NamedTuple):
    org: str
    interest_type: str
    window: Window


class _Link(NamedTuple):
    other: str
    window: Window


class Walk:
    """An index of what was generated, and the interest-path rules walked over it."""

    def __init__(self, labels: dict[str, str], rels: Sequence[Rel], max_hops: int = 4):
        self.labels = labels
        self.max_hops = max_hops
        self.person_out: dict[str, list[_PersonInterest]] = defaultdict(list)
        self.org_out: dict[str, list[_Link]] = defaultdict(list)
        self.family: dict[str, list[_Link]] = defaultdict(list)
        for r in rels:
            variant = SCHEMA.classify(r.type, labels[r.start], labels[r.end])
            if variant is None:
                raise ValueError(f"generator made an invalid relationship {r.start} {r.type} {r.end}")
            window = window_of(r.props)
            if variant.rel_class == "provider_interest":
                itype = variant.interest_type_for(r.props) or "financial"
                self.person_out[r.start].append(_PersonInterest(r.end, itype, window))
            elif variant.rel_class == "org_interest":
                self.org_out[r.start].append(_Link(r.end, window))
            elif variant.rel_class == "personal_link":
                self.family[r.start].append(_Link(r.end, window))
                self.family[r.end].append(_Link(r.start, window))

    def paths(self, person: str, targets: set[str], on: str) -> list[InterestPath]:
        """Every interest path from ``person`` (or a relative) to any of ``targets``, live on ``on``."""
        out: list[InterestPath] = []
        self._interests(out, [person], person, False, targets, on)
        for relative in self.family.get(person, ()):
            if relative.other != person and relative.window.live(on):
                self._interests(out, [person, relative.other], relative.other, True, targets, on)
        return out

    def _interests(self, out: list[InterestPath], nodes: list[str], who: str, indirect: bool,
                   targets: set[str], on: str) -> None:
        if len(nodes) - 1 >= self.max_hops:
            return
        for interest in self.person_out.get(who, ()):
            if interest.org not in nodes and interest.window.live(on):
                nodes.append(interest.org)
                self._orgs(out, nodes, "indirect" if indirect else interest.interest_type, targets, on)
                nodes.pop()

    def _orgs(self, out: list[InterestPath], nodes: list[str], itype: str, targets: set[str], on: str) -> None:
        here = nodes[-1]
        if here in targets:
            out.append(InterestPath(tuple(nodes), itype))
        if len(nodes) - 1 >= self.max_hops:
            return
        for link in self.org_out.get(here, ()):
            if link.other not in nodes and link.window.live(on):
                nodes.append(link.other)
                self._orgs(out, nodes, itype, targets, on)
                nodes.pop()


def declaration_status(paths: Iterable[InterestPath], declarations: Iterable[Declaration], on: str
                       ) -> tuple[str, frozenset[str]]:
    """Declared, partial or undeclared: how many of the paths a register row live on ``on`` names an
    organisation of; and the ids of the rows that do."""
    declarations = list(declarations)
    covered: list[bool] = []
    matched: set[str] = set()
    for path in paths:
        hits = [d for d in declarations if d.org in path.nodes and d.window.live(on)]
        covered.append(bool(hits))
        matched |= {d.row_id for d in hits}
    status = "declared" if all(covered) else "undeclared" if not any(covered) else "partial"
    return status, frozenset(matched)


def declarations_by_person(declarations: Iterable[Declaration]) -> dict[str, list[Declaration]]:
    """Register rows that name an organisation, by the person who declared them."""
    out: dict[str, list[Declaration]] = defaultdict(list)
    for d in declarations:
        if d.org:
            out[d.person].append(d)
    return out


class GeneratedWorld(Protocol):
    """What the oracle reads of a world (:class:`orggraph_demo.world.World`)."""

    nodes: dict[str, Node]
    rels: list[Rel]
    declarations: list[Declaration]

    def ids(self, label: str) -> list[str]: ...


class _Seat(NamedTuple):
    person: str
    props: dict[str, Any]


@dataclass
class _Minutes:
    """Who sits where, and what each decision's minutes say, indexed from the relationships."""

    seats: dict[str, list[_Seat]] = field(default_factory=lambda: defaultdict(list))  # by committee
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

    @classmethod
    def of(cls, nodes: dict[str, Node], rels: Iterable[Rel]) -> _Minutes:
        m = cls(node_window={nid: window_of(n.props) for nid, n in nodes.items()})
        for r in rels:
            if r.type in ("COMMITTEE_OF", "COMMISSIONED_BY", "IN_ICB"):
                m.era_link(r)
            elif r.type == "SITS_ON":
                m.seats[r.end].append(_Seat(r.start, r.props))
            elif r.type == "DECIDED_BY":
                m.decided_by[r.start] = r.end
                m.decisions_of[r.end].append(r.start)
            elif r.type == "AT_MEETING":
                m.at_meeting[r.start] = r.end
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

    def live_seats(self, committee: str, on: str) -> list[_Seat]:
        """Seats live on ``on`` of a committee that counts on ``on``."""
        if not self.committee_live(committee, on):
            return []
        return [s for s in self.seats[committee] if is_live(s.props, on)]

    def participation(self, person: str, decision: str) -> str:
        present = self.present(decision)
        if person in self.voted[decision]:
            return "voted"
        if person in self.withdrew[decision]:
            return "withdrew"
        if person in present:
            return "present"
        return "absent" if present else "unknown"


def compute_planted(world: GeneratedWorld, max_hops: int = 4, audit_dates: Sequence[str] = AUDIT_DATES) -> Planted:
    """What the rules say about the generated world, walked independently of the engine: every
    decision's conflicts and quorum, each PCCC's composition through its era's year, and the register
    audit of every commissioner on each of ``audit_dates``."""
    walk = Walk({nid: n.label for nid, n in world.nodes.items()}, world.rels, max_hops)
    minutes = _Minutes.of(world.nodes, world.rels)
    decls = declarations_by_person(world.declarations)
    conflicts: dict[tuple[str, str], PlantedConflict] = {}
    inquorate: set[str] = set()
    for did in world.ids("Decision"):
        on = str(world.nodes[did].props["date"])
        found = _conflicts(walk, minutes, decls, did, on)
        conflicts.update((c.key, c) for c in found)
        committee = minutes.decided_by[did]
        if not _quorate(minutes, world.nodes[committee].props, did, on, {c.person_id for c in found}):
            inquorate.add(did)
    pcccs = [c for c in world.ids("Committee") if world.nodes[c].props.get("committee_type") == "pccc"]
    years = {c: _year_of(world, minutes, c) for c in pcccs}
    failures = {c: bad for c in pcccs if (bad := _composition_failures(minutes, c, years[c]))}
    commissioners = sorted(nid for nid, n in world.nodes.items() if n.label in SCHEMA.commissioner_labels)
    audits = {(k, on): _audit(walk, minutes, decls, k, on) for k in commissioners for on in audit_dates}
    return Planted(conflicts, inquorate, failures, pcccs, composition_years=years, audits=audits)


def _year_of(world: GeneratedWorld, minutes: _Minutes, committee: str) -> tuple[str, str]:
    """The generated year of a committee's era: an ICB's committee decides in 2023/24, a CCG's in 2019/20."""
    icb = any(world.nodes[k].label == "ICB" for k, _ in minutes.committee_of[committee])
    year = ICB_YEAR if icb else CCG_YEAR
    return year.start.isoformat(), year.end.isoformat()


def _conflicts(walk: Walk, minutes: _Minutes, decls: dict[str, list[Declaration]], did: str, on: str
               ) -> list[PlantedConflict]:
    """The conflicts of everyone who made decision ``did`` (a live seat, or a vote)."""
    committee = minutes.decided_by[did]
    makers = {s.person for s in minutes.live_seats(committee, on)} | minutes.voted[did]
    out = []
    for person in sorted(makers):
        found = walk.paths(person, minutes.parties[did], on)
        if not found:
            continue
        declaration, matched = declaration_status(found, decls[person], on)
        out.append(PlantedConflict(
            person_id=person, decision_id=did, committee_id=committee, date=on,
            declaration=declaration, participation=minutes.participation(person, did),
            direct=any(p.interest_type != "indirect" for p in found),
            interest_types=frozenset(p.interest_type for p in found),
            parties=frozenset(p.nodes[-1] for p in found),
            paths=frozenset(p.nodes for p in found), declaration_ids=matched))
    return out


def _quorate(minutes: _Minutes, spec: dict[str, Any], did: str, on: str, conflicted: set[str]) -> bool:
    """Quorum: voting members live on the day who attended (all of them if nobody's attendance was
    recorded), minus everyone with a conflict."""
    present = minutes.present(did)
    voting = [s for s in minutes.live_seats(minutes.decided_by[did], on) if s.props.get("voting")]
    eligible = [s for s in voting if (s.person in present or not present) and s.person not in conflicted]
    lay = {s.person for s in eligible if s.props.get("member_type") == "lay"}
    return (len({s.person for s in eligible}) >= int(spec.get("quorum", 0))
            and len(lay) >= int(spec.get("quorum_lay", 0)))


def _composition_failures(minutes: _Minutes, committee: str, year: tuple[str, str]) -> list[str]:
    """The days of the committee's year on which a PCCC's chair is not lay or lay and executive
    members do not outnumber GP and clinical ones."""
    bad = []
    day, end = dt.date.fromisoformat(year[0]), dt.date.fromisoformat(year[1])
    while day <= end:
        on = day.isoformat()
        live = [s.props for s in minutes.live_seats(committee, on)]
        chairs = [props for props in live if props.get("role") == "chair"]
        chair_is_lay = bool(chairs) and chairs[0].get("member_type") == "lay"
        lay_exec = sum(1 for p in live if p.get("voting") and p.get("member_type") in ("lay", "executive"))
        gp_clin = sum(1 for p in live if p.get("voting") and p.get("member_type") in ("gp", "clinical"))
        if not (chair_is_lay and lay_exec > gp_clin):
            bad.append(on)
        day += dt.timedelta(days=1)
    return bad


def _remit(minutes: _Minutes, commissioner: str, on: str) -> set[str]:
    """What a commissioner's committees' members must declare about on ``on``: what it commissions,
    what the sub-ICB locations whose IN_ICB to it is live commission (links live on ``on``), and every
    party to its committees' decisions."""
    remit = {org for org, w in minutes.commissioned[commissioner] if w.live(on)}
    for sicbl, link in minutes.sicbls[commissioner]:
        if link.live(on):
            remit |= {org for org, w in minutes.commissioned[sicbl] if w.live(on)}
    for committee, _ in minutes.committees_of[commissioner]:
        for did in minutes.decisions_of[committee]:
            remit |= minutes.parties[did]
    return remit


def _audit(walk: Walk, minutes: _Minutes, decls: dict[str, list[Declaration]], commissioner: str, on: str
           ) -> list[PlantedAudit]:
    """The register audit of a commissioner live on ``on``: each member of its committees (seats live
    while the committee counts) with a live interest path to an organisation in its remit."""
    if not minutes.node_window[commissioner].live(on):
        return []
    members: dict[str, set[str]] = defaultdict(set)
    for committee, _ in minutes.committees_of[commissioner]:
        for seat in minutes.live_seats(committee, on):
            members[seat.person].add(committee)
    remit = _remit(minutes, commissioner, on) if members else set()
    rows = []
    for person in sorted(members):
        by_org: dict[str, list[InterestPath]] = defaultdict(list)
        for path in walk.paths(person, remit, on):
            by_org[path.nodes[-1]].append(path)
        for org in sorted(by_org):
            declaration, matched = declaration_status(by_org[org], decls[person], on)
            rows.append(PlantedAudit(
                person_id=person, org_id=org, commissioner_id=commissioner, as_of=on,
                committees=frozenset(members[person]), declaration=declaration,
                interest_types=frozenset(p.interest_type for p in by_org[org]),
                paths=frozenset(p.nodes for p in by_org[org]), declaration_ids=matched))
    return rows
