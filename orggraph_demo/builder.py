"""The state the generator's parts share: the world under construction, the random source, names,
id counters, and what each CCG's plan holds so far."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .names import Names
from .ods import OdsData
from .scale import ID_PREFIX, Scale
from .world import World


class Interest(NamedTuple):
    """An interest a person holds (or holds through a relative), as the register should show it."""

    org: str
    rel_type: str
    nature: str
    valid_from: str | None
    valid_to: str | None
    indirect: bool


class Seat(NamedTuple):
    """A committee seat: who sits on which committee, and the SITS_ON properties."""

    person: str
    committee: str
    props: dict[str, Any]


@dataclass
class CcgPlan:
    """Everything generated for one CCG that later parts (committees, register, decisions) build on."""

    index: int
    id: str
    name: str
    practices: list[str] = field(default_factory=list)
    federations: list[str] = field(default_factory=list)
    pcns: list[str] = field(default_factory=list)
    fed_members: dict[str, list[str]] = field(default_factory=dict)
    pcn_members: dict[str, list[str]] = field(default_factory=dict)
    companies: list[str] = field(default_factory=list)
    charities: list[str] = field(default_factory=list)
    care_homes: list[str] = field(default_factory=list)
    trust: str = ""
    stp: str = ""
    vanguard: str | None = None
    partners: dict[str, list[str]] = field(default_factory=dict)  # practice -> partner ids
    pccc: str = ""
    gb: str = ""
    members: list[Seat] = field(default_factory=list)
    fed_directors: dict[str, list[str]] = field(default_factory=dict)
    interests: dict[str, list[Interest]] = field(default_factory=lambda: defaultdict(list))  # by person
    behaviour: dict[str, str] = field(default_factory=dict)  # person -> how they fill in the register
    headline_director: str = ""


@dataclass
class IcbPlan:
    """An ICB (from 2022-07-01) over the sub-ICB locations that were its CCGs, and its committee."""

    index: int
    id: str
    name: str
    sicbls: list[CcgPlan]
    pccc: str = ""
    members: list[Seat] = field(default_factory=list)
    interests: dict[str, list[Interest]] = field(default_factory=lambda: defaultdict(list))  # by person
    behaviour: dict[str, str] = field(default_factory=dict)
    # The finding only the ICB era reveals: a GP member, a partner in a practice one of the ICB's
    # sub-ICB locations commissions (never a party to the ICB's decisions), who declares nothing.
    hidden_partner: str = ""
    hidden_practice: str = ""
    officers: dict[str, str] = field(default_factory=dict)  # chair, vice_chair, chief_executive, ...
    gps: list[tuple[str, str]] = field(default_factory=list)  # (GP member, their practice)


class Builder:
    """The world under construction and the one random source every part draws from, in order."""

    def __init__(self, scale: Scale, seed: int, ods: OdsData | None):
        self.scale = scale
        self.rng = random.Random(seed)
        self.ods = ods
        self.world = World(scale, seed, f"synthetic:{scale.name}:seed{seed}")
        self.names = Names(self.rng)
        self.counter: dict[str, int] = defaultdict(int)
        self.ccgs: list[CcgPlan] = []
        self.icbs: list[IcbPlan] = []
        self.trusts: list[str] = []

    def next_id(self, kind: str, width: int) -> str:
        self.counter[kind] += 1
        return f"{ID_PREFIX}{kind}-{self.counter[kind]:0{width}d}"

    def person(self, role_title: str, surname: str | None = None) -> str:
        pid = self.next_id("PER", 5)
        self.world.add_node(pid, "Person", {"name": self.names.person(surname), "role_title": role_title})
        return pid

    def interest(self, c: CcgPlan | IcbPlan, person: str, rtype: str, org: str, nature: str, vf: str | None,
                 vt: str | None = None, props: dict[str, Any] | None = None) -> None:
        p = dict(props or {})
        if vf:
            p["valid_from"] = vf
        if vt:
            p["valid_to"] = vt
        self.world.add_rel(person, rtype, org, p)
        c.interests[person].append(Interest(org, rtype, nature, vf, vt, False))

    def day_between(self, a: dt.date, b: dt.date) -> str:
        """A random ISO date from ``a`` to ``b`` inclusive."""
        return (a + dt.timedelta(days=self.rng.randint(0, (b - a).days))).isoformat()
