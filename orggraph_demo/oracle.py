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
from dataclasses import replace
from typing import NamedTuple, Protocol

from orggraph.models import Node, Rel
from orggraph.schema import SCHEMA
from orggraph.temporal import Window, window_of

from .meeting_rules import agenda_order, at_the_meeting, planted_item
from .minutes import Minutes
from .planted import Declaration, Planted, PlantedAudit, PlantedConflict, PlantedItem
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


def compute_planted(world: GeneratedWorld, max_hops: int = 4, audit_dates: Sequence[str] = AUDIT_DATES) -> Planted:
    """What the rules say about the generated world, walked independently of the engine: every
    decision's conflicts and quorum, every meeting's agenda as the chair's brief gives it, each PCCC's
    composition through its era's year, and the register audit of every commissioner on each of
    ``audit_dates``."""
    walk = Walk({nid: n.label for nid, n in world.nodes.items()}, world.rels, max_hops)
    # A world that keeps no declarations logs (an older or hand-made one) has none for any meeting.
    minutes = Minutes.of(world.nodes, world.rels, getattr(world, "logs", ()))
    decls = declarations_by_person(world.declarations)
    conflicts: dict[tuple[str, str], PlantedConflict] = {}
    items: dict[str, PlantedItem] = {}
    for did in world.ids("Decision"):
        node = world.nodes[did].props
        found = [replace(c, **at_the_meeting(minutes, node, c))
                 for c in _conflicts(walk, minutes, decls, did, str(node["date"]))]
        conflicts.update((c.key, c) for c in found)
        spec = world.nodes[minutes.decided_by[did]].props
        items[did] = planted_item(minutes, walk.paths, spec, did, node, found)
    inquorate = {did for did, item in items.items() if not item.quorate}
    agendas = {m: agenda_order({d: world.nodes[d].props.get("item") for d in ds}) for m, ds in minutes.agenda.items()}
    planned = sorted((items[d].date, m) for m, ds in agendas.items() for d in ds if items[d].status == "planned")
    pcccs = [c for c in world.ids("Committee") if world.nodes[c].props.get("committee_type") == "pccc"]
    years = {c: _year_of(world, minutes, c) for c in pcccs}
    failures = {c: bad for c in pcccs if (bad := _composition_failures(minutes, c, years[c]))}
    commissioners = sorted(nid for nid, n in world.nodes.items() if n.label in SCHEMA.commissioner_labels)
    audits = {(k, on): _audit(walk, minutes, decls, k, on) for k in commissioners for on in audit_dates}
    return Planted(conflicts, inquorate, failures, pcccs, composition_years=years, audits=audits,
                   agendas=agendas, items=items, next_meeting=planned[-1][1] if planned else None)


def _year_of(world: GeneratedWorld, minutes: Minutes, committee: str) -> tuple[str, str]:
    """The generated year of a committee's era: an ICB's committee decides in 2023/24, a CCG's in 2019/20."""
    icb = any(world.nodes[k].label == "ICB" for k, _ in minutes.committee_of[committee])
    year = ICB_YEAR if icb else CCG_YEAR
    return year.start.isoformat(), year.end.isoformat()


def _conflicts(walk: Walk, minutes: Minutes, decls: dict[str, list[Declaration]], did: str, on: str
               ) -> list[PlantedConflict]:
    """The conflicts of everyone who made decision ``did`` (a member's live seat, a deputy standing
    in, or a vote)."""
    committee = minutes.decided_by[did]
    out = []
    for person in sorted(minutes.makers(did, on)):
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


def _composition_failures(minutes: Minutes, committee: str, year: tuple[str, str]) -> list[str]:
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


def _remit(minutes: Minutes, commissioner: str, on: str) -> set[str]:
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


def _audit(walk: Walk, minutes: Minutes, decls: dict[str, list[Declaration]], commissioner: str, on: str
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
