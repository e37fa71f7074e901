"""A synthetic local health economy for the demo, the tests and the national-scale benchmarks.

``generate(scale, seed)`` builds CCGs with a PCCC and a governing body each, GP practices and their
partners, federations owned by their member practices, PCNs, vanguards, other providers, committee
members, relatives, a register of interests per CCG with realistic gaps, and a financial year
(2019-04-01 to 2020-03-31) of decisions with meetings, attendance, votes and withdrawals. The same
code makes both scales; only the :class:`Scale` parameters differ.

**People are synthetic**: names are drawn from a list of common first names and a surname list built
from word parts, never from a list of real people.

**Ids cannot clash with ODS codes**: every generated id starts ``SYN-`` and contains hyphens
(``SYN-PRAC-0001``, ``SYN-CCG-001``); ODS and ONS codes are letters and digits only. With ``ods=``
(already-parsed epraccur/ONS data, see :class:`OdsData`) real practices and CCGs are used instead, keyed
by their real codes; everything else stays synthetic.

**What was planted** (:attr:`World.planted`) is computed from the generator's own knowledge, by a small
independent walk over what it generated (this module never imports :mod:`orggraph.engine`): every
expected conflict with its declaration status, participation and paths, the inquorate decisions and
the days each PCCC fails its composition rules. The rules walked are those of the engine's contract
(README "Semantics"), including the paths nobody planted on purpose (a partner of a practice that is
a member of a federation awarded a contract has a conflict through PARTNER_IN -> MEMBER_OF).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from orggraph.models import Node, Record, Rel, node, rel
from orggraph.schema import SCHEMA

YEAR_START = dt.date(2019, 4, 1)
YEAR_END = dt.date(2020, 3, 31)
PCN_START = "2019-07-01"  # PCNs began on 1 July 2019
VANGUARD_PROGRAMME_END = "2018-03-31"
ID_PREFIX = "SYN-"

# ---- names: synthetic by construction -----------------------------------------------------------
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Aaron Abigail Adam Aisha Alan Alice Amara Amy Andrew Angela Anita Anna Arjun Ben Beth Bilal Carl "
    "Caroline Catherine Chloe Chris Claire Colin Dan Daniel David Deborah Dev Diana Dominic Eleanor "
    "Elena Eliza Emma Eric Esther Farah Fiona Frances Gareth Gemma George Grace Hamid Hannah Harriet "
    "Helen Henry Holly Ian Imogen Isaac Isla Jack James Jane Jasmine Jenny Joan Jonah Joseph Julia "
    "Karen Kate Kavita Keith Kieran Laura Leo Lila Lucy Luke Mala Marcus Maria Mark Martin Maya "
    "Megan Michael Mina Miriam Naomi Nathan Neil Nia Nina Oliver Olivia Omar Owen Paul Peter Philip "
    "Priya Rachel Rahul Rebecca Robert Rosa Ruth Ryan Sam Sara Sean Simon Sofia Sophie Stephen "
    "Susan Tariq Theo Thomas Tom Vera Victor Will Yasmin Zara Zoe"
)
_SURNAME_HEADS = _words("Ash Black Bram Brook Castle Clay Cole Crane Dale East Elm Fair Fern Fox Gold Green "
                  "Hart Hawk Hay Hol Kings Lang Lind Marsh Mill Moor Nor Oak Pem Red Rook Rose Shaw "
                  "Stan Stone Thorn Wal West Whit Wood")
_SURNAME_TAILS = _words("by bourne bridge brook burn by combe croft dale den field ford gate ham hurst ley "
                  "low mere more ridge ton well wick wood worth")
SURNAMES = tuple(dict.fromkeys(h + t for h in _SURNAME_HEADS for t in _SURNAME_TAILS))
_PLACE_HEADS = _words("Ald Amber Arn Bar Bel Birch Brad Bride Bur Cald Carr Chap Chil Dun Eld Farn Glen "
                "Graf Hal Hen Heron Ivy Kes Kin Lark Lee Lock Lyn Mab Mead Nether Orch Pen Quar Ray "
                "Rush Sal Sand Sel Sil Sum Tan Thurl Tid Up Ver Wen Wil Wyn Yar")
_PLACE_TAILS = _words("bury caster chester cott dene don field ford grove ham holt ingham leigh minster "
                "mouth port stead stow thorpe wich")
PLACES = tuple(h + t for h in _PLACE_HEADS for t in _PLACE_TAILS)
PLACE_QUALIFIERS = ("Heath", "Vale", "Marsh", "Park", "Hill", "Down", "Wood", "End", "Cross", "Green",
                    "Bridge", "Moor", "Common", "Fields")
TOPICS = ("diabetes", "atrial fibrillation", "frailty", "COPD", "childhood immunisations", "dementia",
          "anticoagulation", "wound care", "phlebotomy", "minor surgery", "learning disability checks")


@dataclass(frozen=True)
class Scale:
    """Everything that differs between the demo and the national-scale graph."""

    name: str
    n_ccgs: int
    practices_per_ccg: tuple[int, int]
    federations_per_ccg: int
    pcns_per_ccg: int
    n_vanguards: int
    companies_per_ccg: int
    charities_per_ccg: int
    care_homes_per_ccg: int
    ccgs_per_stp: int
    meetings_per_committee: int
    decisions_per_meeting: tuple[int, int]
    partners_per_practice: tuple[int, int]
    salaried_per_practice: tuple[int, int]
    relatives_per_ccg: int
    attendance_rate: float = 0.9
    # With real ODS data: at most this many practices per CCG (None: all of them).
    ods_practice_cap: int | None = None


SCALES: dict[str, Scale] = {
    "demo": Scale("demo", n_ccgs=3, practices_per_ccg=(16, 24), federations_per_ccg=2, pcns_per_ccg=3,
                  n_vanguards=1, companies_per_ccg=2, charities_per_ccg=1, care_homes_per_ccg=1,
                  ccgs_per_stp=3, meetings_per_committee=6, decisions_per_meeting=(1, 3),
                  partners_per_practice=(2, 4), salaried_per_practice=(0, 1), relatives_per_ccg=6,
                  ods_practice_cap=24),
    # ~7,000 practices, ~45,000 people, 200 CCGs, 1,000 federations, 50 vanguards, ~10,000 decisions.
    "national": Scale("national", n_ccgs=200, practices_per_ccg=(30, 40), federations_per_ccg=5,
                      pcns_per_ccg=6, n_vanguards=50, companies_per_ccg=3, charities_per_ccg=2,
                      care_homes_per_ccg=3, ccgs_per_stp=5, meetings_per_committee=10,
                      decisions_per_meeting=(2, 3), partners_per_practice=(3, 5),
                      salaried_per_practice=(0, 1), relatives_per_ccg=50),
}


@dataclass(frozen=True)
class OdsPractice:
    code: str
    name: str
    postcode: str
    ccg: str
    source: str = ""


@dataclass
class OdsData:
    """Real practices and CCGs, already parsed by the real loaders (the core never imports loaders)."""

    practices: list[OdsPractice]
    ccg_names: dict[str, str] = field(default_factory=dict)
    ccg_stp: dict[str, tuple[str, str]] = field(default_factory=dict)  # ccg -> (stp code, stp name)


# ---- what the generator planted -------------------------------------------------------------------
@dataclass(frozen=True)
class PlantedConflict:
    person_id: str
    decision_id: str
    committee_id: str
    date: str
    declaration: str  # declared | partial | undeclared
    participation: str  # voted | withdrew | present | absent | unknown
    direct: bool
    interest_types: frozenset[str]
    parties: frozenset[str]
    paths: frozenset[tuple[str, ...]]  # node ids, person first
    declaration_ids: frozenset[str] = frozenset()  # register rows (file, row) that cover it

    @property
    def key(self) -> tuple[str, str]:
        return (self.person_id, self.decision_id)


@dataclass
class Planted:
    conflicts: dict[tuple[str, str], PlantedConflict]
    inquorate: set[str]
    # committee id -> sorted ISO dates within the year on which it fails (chair not lay, or no majority)
    composition_failures: dict[str, list[str]]
    pccc_ids: list[str]
    notes: list[str] = field(default_factory=list)

    def composition_fails(self, committee: str, on: str) -> bool:
        return on in set(self.composition_failures.get(committee, ()))


@dataclass
class Register:
    commissioner_id: str
    title: str
    filename: str
    entries: list[dict[str, Any]]


@dataclass
class _Decl:
    person: str
    org: str | None  # the organisation the entry is about, as the register loader should resolve it
    date_from: str | None
    date_to: str | None
    register: str
    row_index: int


# ---- the independent walk --------------------------------------------------------------------------
def _live(vf: str | None, vt: str | None, on: str) -> bool:
    return not ((vf and vf > on) or (vt and vt < on))


class _Walk:
    """An index of what was generated, and the interest-path rules walked over it."""

    def __init__(self, labels: dict[str, str], rels: Sequence[Rel], max_hops: int = 4):
        self.labels = labels
        self.max_hops = max_hops
        self.person_out: dict[str, list[tuple[str, str, str | None, str | None]]] = defaultdict(list)
        self.org_out: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        self.family: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        for r in rels:
            variant = SCHEMA.classify(r.type, labels[r.start], labels[r.end])
            if variant is None:
                raise ValueError(f"generator made an invalid relationship {r.start} {r.type} {r.end}")
            vf, vt = r.props.get("valid_from"), r.props.get("valid_to")
            if variant.rel_class == "provider_interest":
                itype = variant.interest_type_for(r.props) or "financial"
                self.person_out[r.start].append((r.end, itype, vf, vt))
            elif variant.rel_class == "org_interest":
                self.org_out[r.start].append((r.end, vf, vt))
            elif variant.rel_class == "personal_link":
                self.family[r.start].append((r.end, vf, vt))
                self.family[r.end].append((r.start, vf, vt))

    def paths(self, person: str, targets: set[str], on: str) -> list[tuple[tuple[str, ...], str]]:
        """(node ids, interest type) of every interest path from ``person`` to any of ``targets``."""
        out: list[tuple[tuple[str, ...], str]] = []
        max_hops = self.max_hops

        def orgs(nodes: list[str], itype: str) -> None:
            here = nodes[-1]
            if here in targets:
                out.append((tuple(nodes), itype))
            if len(nodes) - 1 >= max_hops:
                return
            for end, vf, vt in self.org_out.get(here, ()):
                if end not in nodes and _live(vf, vt, on):
                    nodes.append(end)
                    orgs(nodes, itype)
                    nodes.pop()

        def interests(nodes: list[str], who: str, indirect: bool) -> None:
            if len(nodes) - 1 >= max_hops:
                return
            for end, itype, vf, vt in self.person_out.get(who, ()):
                if end not in nodes and _live(vf, vt, on):
                    nodes.append(end)
                    orgs(nodes, "indirect" if indirect else itype)
                    nodes.pop()

        interests([person], person, False)
        for relative, vf, vt in self.family.get(person, ()):
            if relative != person and _live(vf, vt, on):
                interests([person, relative], relative, True)
        return out


# ---- the world -----------------------------------------------------------------------------------
class World:
    """Generated records, register rows, and (computed on first use) what was planted."""

    def __init__(self, scale: Scale, seed: int, source: str):
        self.scale = scale
        self.seed = seed
        self.source = source
        self.nodes: dict[str, Node] = {}
        self.rels: list[Rel] = []
        self.registers: list[Register] = []
        self.declarations: list[_Decl] = []
        self.headline: dict[str, str] = {}  # named scenarios (e.g. the most telling decision)
        self.story: list[str] = []  # what was planted on purpose, in words

    # -- building
    def add_node(self, nid: str, label: str, props: dict[str, Any]) -> str:
        if nid in self.nodes:
            raise ValueError(f"generator made the id {nid} twice")
        self.nodes[nid] = node(nid, label, props, source=self.source)
        return nid

    def add_rel(self, start: str, rtype: str, end: str, props: dict[str, Any] | None = None) -> None:
        self.rels.append(rel(start, rtype, end, props or {}, source=self.source))

    # -- reading
    @property
    def records(self) -> list[Record]:
        return [*self.nodes.values(), *self.rels]

    @property
    def register_entries(self) -> list[dict[str, Any]]:
        return [e for reg in self.registers for e in reg.entries]

    def label(self, nid: str) -> str:
        return self.nodes[nid].label

    def name(self, nid: str) -> str:
        return str(self.nodes[nid].props.get("name", nid))

    def ids(self, label: str) -> list[str]:
        return [nid for nid, n in self.nodes.items() if n.label == label]

    def counts(self) -> dict[str, dict[str, int]]:
        nodes: dict[str, int] = defaultdict(int)
        rels: dict[str, int] = defaultdict(int)
        for n in self.nodes.values():
            nodes[n.label] += 1
        for r in self.rels:
            rels[r.type] += 1
        return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

    def walk(self) -> _Walk:
        return _Walk({nid: n.label for nid, n in self.nodes.items()}, self.rels)

    @cached_property
    def planted(self) -> Planted:
        return compute_planted(self)


def compute_planted(world: World, max_hops: int = 4) -> Planted:
    """What the rules say about the generated world, walked independently of the engine."""
    walk = _Walk({nid: n.label for nid, n in world.nodes.items()}, world.rels, max_hops)
    seats: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)  # committee -> (person, props)
    decided_by: dict[str, str] = {}
    at_meeting: dict[str, str] = {}
    parties: dict[str, set[str]] = defaultdict(set)
    voted: dict[str, set[str]] = defaultdict(set)
    withdrew: dict[str, set[str]] = defaultdict(set)
    attended: dict[str, set[str]] = defaultdict(set)
    for r in world.rels:
        if r.type == "SITS_ON":
            seats[r.end].append((r.start, r.props))
        elif r.type == "DECIDED_BY":
            decided_by[r.start] = r.end
        elif r.type == "AT_MEETING":
            at_meeting[r.start] = r.end
        elif r.type in ("AWARDED_TO", "AFFECTS"):
            parties[r.start].add(r.end)
        elif r.type == "VOTED_ON":
            voted[r.end].add(r.start)
        elif r.type == "WITHDREW_FROM":
            withdrew[r.end].add(r.start)
        elif r.type == "ATTENDED":
            attended[r.end].add(r.start)
    decls: dict[str, list[_Decl]] = defaultdict(list)
    for d in world.declarations:
        if d.org is not None:
            decls[d.person].append(d)

    conflicts: dict[tuple[str, str], PlantedConflict] = {}
    inquorate: set[str] = set()
    for did in world.ids("Decision"):
        on = str(world.nodes[did].props["date"])
        committee = decided_by[did]
        meeting = at_meeting.get(did)
        present = attended.get(meeting, set()) if meeting else set()
        makers = {p for p, props in seats[committee] if _live(props.get("valid_from"), props.get("valid_to"), on)}
        makers |= voted[did]
        conflicted: set[str] = set()
        for person in sorted(makers):
            found = walk.paths(person, parties[did], on)
            if not found:
                continue
            conflicted.add(person)
            covered = []
            matched: set[str] = set()
            for nodes, _ in found:
                hits = [d for d in decls[person] if d.org in nodes and _live(d.date_from, d.date_to, on)]
                covered.append(bool(hits))
                matched |= {f"{d.register}:{d.row_index}" for d in hits}
            declaration = "declared" if all(covered) else "undeclared" if not any(covered) else "partial"
            if person in voted[did]:
                participation = "voted"
            elif person in withdrew[did]:
                participation = "withdrew"
            elif person in present:
                participation = "present"
            elif present:
                participation = "absent"
            else:
                participation = "unknown"
            conflicts[(person, did)] = PlantedConflict(
                person_id=person, decision_id=did, committee_id=committee, date=on,
                declaration=declaration, participation=participation,
                direct=any(t != "indirect" for _, t in found),
                interest_types=frozenset(t for _, t in found),
                parties=frozenset(n[-1] for n, _ in found),
                paths=frozenset(n for n, _ in found), declaration_ids=frozenset(matched))
        # Quorum: voting members live on the day who attended (all of them if nobody's attendance was
        # recorded), minus everyone with a conflict.
        voting = [(p, props) for p, props in seats[committee]
                  if props.get("voting") and _live(props.get("valid_from"), props.get("valid_to"), on)]
        eligible = [(p, props) for p, props in voting if (p in present or not present) and p not in conflicted]
        spec = world.nodes[committee].props
        lay = [p for p, props in eligible if props.get("member_type") == "lay"]
        if len({p for p, _ in eligible}) < int(spec.get("quorum", 0)) or len(set(lay)) < int(spec.get("quorum_lay", 0)):
            inquorate.add(did)

    pcccs = [c for c in world.ids("Committee") if world.nodes[c].props.get("committee_type") == "pccc"]
    failures: dict[str, list[str]] = {}
    for c in pcccs:
        bad = []
        day = YEAR_START
        while day <= YEAR_END:
            on = day.isoformat()
            live = [props for _, props in seats[c] if _live(props.get("valid_from"), props.get("valid_to"), on)]
            chairs = [props for props in live if props.get("role") == "chair"]
            chair_is_lay = bool(chairs) and chairs[0].get("member_type") == "lay"
            lay_exec = sum(1 for p in live if p.get("voting") and p.get("member_type") in ("lay", "executive"))
            gp_clin = sum(1 for p in live if p.get("voting") and p.get("member_type") in ("gp", "clinical"))
            if not (chair_is_lay and lay_exec > gp_clin):
                bad.append(on)
            day += dt.timedelta(days=1)
        if bad:
            failures[c] = bad
    return Planted(conflicts, inquorate, failures, pcccs)


# ---- the generator ----------------------------------------------------------------------------------
class _Names:
    """Unique synthetic names: people (first + surname) and places."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.people: set[str] = set()
        self.places = list(PLACES)
        rng.shuffle(self.places)
        self.place_i = 0

    def person(self, surname: str | None = None) -> str:
        for _ in range(200):
            name = f"{self.rng.choice(FIRST_NAMES)} {surname or self.rng.choice(SURNAMES)}"
            if name not in self.people:
                self.people.add(name)
                return name
        raise RuntimeError("ran out of synthetic names")

    def place(self) -> str:
        # Places are never reused, so every organisation name is distinct (the register loader
        # resolves organisations by name). One-word places first; a national graph needs more.
        if self.place_i >= len(self.places):
            self.place_i = 0
            self.places = [f"{p} {q}" for p in PLACES for q in PLACE_QUALIFIERS]
            self.rng.shuffle(self.places)
        place = self.places[self.place_i]
        self.place_i += 1
        return place


def _d(day: dt.date) -> str:
    return day.isoformat()


def _between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


@dataclass
class _Ccg:
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
    vanguard: str | None = None
    partners: dict[str, list[str]] = field(default_factory=dict)  # practice -> partner ids
    pccc: str = ""
    gb: str = ""
    # person -> (committee, seat props)
    members: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    fed_directors: dict[str, list[str]] = field(default_factory=dict)
    # person -> list of (org, kind of interest, nature, valid_from, valid_to, indirect)
    interests: dict[str, list[tuple[str, str, str, str | None, str | None, bool]]] = field(
        default_factory=lambda: defaultdict(list))
    behaviour: dict[str, str] = field(default_factory=dict)
    headline_director: str = ""


class _Generator:
    def __init__(self, scale: Scale, seed: int, ods: OdsData | None):
        self.scale = scale
        self.rng = random.Random(seed)
        self.ods = ods
        self.world = World(scale, seed, f"synthetic:{scale.name}:seed{seed}")
        self.names = _Names(self.rng)
        self.counter: dict[str, int] = defaultdict(int)
        self.ccgs: list[_Ccg] = []
        self.trusts: list[str] = []

    def next_id(self, kind: str, width: int) -> str:
        self.counter[kind] += 1
        return f"{ID_PREFIX}{kind}-{self.counter[kind]:0{width}d}"

    # -- people
    def person(self, role_title: str, surname: str | None = None) -> str:
        pid = self.next_id("PER", 5)
        self.world.add_node(pid, "Person", {"name": self.names.person(surname), "role_title": role_title})
        return pid

    def interest(self, c: _Ccg, person: str, rtype: str, org: str, nature: str, vf: str | None,
                 vt: str | None = None, props: dict[str, Any] | None = None) -> None:
        p = dict(props or {})
        if vf:
            p["valid_from"] = vf
        if vt:
            p["valid_to"] = vt
        self.world.add_rel(person, rtype, org, p)
        c.interests[person].append((org, rtype, nature, vf, vt, False))

    # -- the whole thing
    def run(self) -> World:
        self.organisations()
        for c in self.ccgs:
            self.people_and_interests(c)
        self.vanguards()
        for c in self.ccgs:
            self.committees(c)
            self.relatives(c)
        for c in self.ccgs:
            self.register(c)
        walk = self.world.walk()
        for c in self.ccgs:
            self.decisions(c, walk)
        return self.world

    def organisations(self) -> None:
        w, rng, s = self.world, self.rng, self.scale
        region = "SYN-REG-1"
        w.add_node(region, "Region", {"name": "Synthetic Region"})
        ccg_specs: list[tuple[str, str, list[OdsPractice]]] = []
        if self.ods:
            by_ccg: dict[str, list[OdsPractice]] = defaultdict(list)
            for p in self.ods.practices:
                by_ccg[p.ccg].append(p)
            lo, hi = s.practices_per_ccg
            # Prefer CCGs of about the scale's size (a demo wants small ones), in code order.
            fits = sorted(code for code, ps in by_ccg.items() if lo <= len(ps) <= hi)
            others = sorted(code for code in by_ccg if code not in fits)
            chosen = (fits + others)[: s.n_ccgs]
            for code in chosen:
                ps = sorted(by_ccg[code], key=lambda p: p.code)[: s.ods_practice_cap]
                ccg_specs.append((code, self.ods.ccg_names.get(code) or f"NHS CCG {code}", ps))
        else:
            for _ in range(s.n_ccgs):
                ccg_specs.append((self.next_id("CCG", 3), f"NHS {self.names.place()} CCG", []))
        stp = ""
        for i, (code, name, real_practices) in enumerate(ccg_specs):
            if i % s.ccgs_per_stp == 0:
                stp = self.next_id("STP", 2)
                w.add_node(stp, "STP", {"name": f"{self.names.place()} and {self.names.place()} STP"})
                w.add_rel(stp, "IN_REGION", region)
                trust = self.next_id("PROV", 4)
                w.add_node(trust, "Provider", {"name": f"{self.names.place()} Hospitals NHS Foundation Trust",
                                               "provider_type": "nhs_trust"})
                self.trusts.append(trust)
            w.add_node(code, "CCG", {"name": name, "delegation_level": 3})
            w.add_rel(code, "IN_STP", stp, {"valid_from": "2016-04-01"})
            c = _Ccg(i, code, name, trust=self.trusts[-1])
            w.add_rel(c.trust, "COMMISSIONED_BY", code, {"valid_from": "2013-04-01"})
            self.ccgs.append(c)
            if real_practices:
                for p in real_practices:
                    w.add_node(p.code, "Practice", {"name": p.name, "postcode": p.postcode, "status": "A"})
                    w.add_rel(p.code, "COMMISSIONED_BY", code, {"valid_from": "2013-04-01"})
                    c.practices.append(p.code)
            else:
                for _ in range(rng.randint(*s.practices_per_ccg)):
                    pid = self.next_id("PRAC", 4)
                    kind = rng.choice(("Surgery", "Medical Centre", "Health Centre", "Medical Practice",
                                       "Family Practice"))
                    w.add_node(pid, "Practice", {"name": f"{self.names.place()} {kind}", "status": "A"})
                    w.add_rel(pid, "COMMISSIONED_BY", code, {"valid_from": "2013-04-01"})
                    c.practices.append(pid)
            self.federations_and_pcns(c)
            self.providers(c)

    def federations_and_pcns(self, c: _Ccg) -> None:
        w, rng, s = self.world, self.rng, self.scale
        practices = list(c.practices)
        rng.shuffle(practices)
        # Most practices belong to one federation; a few stand alone.
        joined = practices[: max(2, int(len(practices) * 0.9))]
        for k in range(s.federations_per_ccg):
            fid = self.next_id("FED", 4)
            kind = rng.choice(("GP Federation Ltd", "Health Partnership Ltd", "Primary Care Ltd"))
            w.add_node(fid, "Federation", {"name": f"{self.names.place()} {kind}",
                                           "company_number": f"SYN{self.counter['FED']:05d}"})
            members = sorted(joined[k:: s.federations_per_ccg])
            c.federations.append(fid)
            c.fed_members[fid] = members
            for p in members:
                w.add_rel(p, "MEMBER_OF", fid, {"valid_from": "2015-10-01"})
                w.add_rel(p, "SHAREHOLDER_OF", fid, {"valid_from": "2015-10-01",
                                                      "percent": round(100.0 / len(members), 2)})
        ordered = sorted(c.practices)
        size = max(1, len(ordered) // s.pcns_per_ccg)
        for k in range(s.pcns_per_ccg):
            nid = self.next_id("PCN", 4)
            w.add_node(nid, "PCN", {"name": f"{self.names.place()} PCN", "valid_from": PCN_START})
            w.add_rel(nid, "COMMISSIONED_BY", c.id, {"valid_from": PCN_START})
            members = ordered[k * size:(k + 1) * size] if k < s.pcns_per_ccg - 1 else ordered[k * size:]
            c.pcns.append(nid)
            c.pcn_members[nid] = members
            for p in members:
                w.add_rel(p, "MEMBER_OF", nid, {"valid_from": PCN_START})

    def providers(self, c: _Ccg) -> None:
        w, rng, s = self.world, self.rng, self.scale
        for kind, n, ptype, suffixes in (
            ("companies", s.companies_per_ccg, "company",
             ("Diagnostics Ltd", "Community Healthcare Ltd", "Physiotherapy Services Ltd", "Dermatology Ltd")),
            ("charities", s.charities_per_ccg, "charity", ("Hospice", "Carers Trust", "Mind")),
            ("care_homes", s.care_homes_per_ccg, "care_home", ("House Care Home", "Lodge Nursing Home")),
        ):
            for _ in range(n):
                pid = self.next_id("PROV", 4)
                w.add_node(pid, "Provider", {"name": f"{self.names.place()} {rng.choice(suffixes)}",
                                             "provider_type": ptype})
                w.add_rel(pid, "COMMISSIONED_BY", c.id, {"valid_from": "2014-04-01"})
                getattr(c, kind).append(pid)
        # The first federation owns part of the first company, which subcontracts to it: a federation
        # award reaches the company's directors, and a company award reaches the federation's owners.
        if c.companies and c.federations:
            w.add_rel(c.federations[0], "SHAREHOLDER_OF", c.companies[0], {"valid_from": "2017-01-01",
                                                                           "percent": 40.0})
            w.add_rel(c.companies[0], "SUBCONTRACTOR_TO", c.federations[-1], {"valid_from": "2018-04-01"})

    def people_and_interests(self, c: _Ccg) -> None:
        rng, s = self.rng, self.scale
        for p in c.practices:
            partners = []
            for _ in range(rng.randint(*s.partners_per_practice)):
                gp = self.person("GP partner")
                since = _d(_between(rng, dt.date(1998, 1, 1), dt.date(2018, 12, 31)))
                # A few partners retire during the year: interests that ended before later decisions.
                until = _d(_between(rng, YEAR_START, YEAR_END)) if rng.random() < 0.04 else None
                self.interest(c, gp, "PARTNER_IN", p, "GP partner", since, until)
                partners.append(gp)
            c.partners[p] = partners
            for _ in range(rng.randint(*s.salaried_per_practice)):
                gp = self.person("Salaried GP")
                self.interest(c, gp, "EMPLOYED_BY", p, "Salaried GP",
                              _d(_between(rng, dt.date(2010, 1, 1), dt.date(2019, 1, 1))))
        for fid in c.federations:
            pool = sorted({gp for p in c.fed_members[fid] for gp in c.partners[p]})
            directors = rng.sample(pool, min(len(pool), 2 if s.name == "demo" else 3))
            c.fed_directors[fid] = directors
            for gp in directors:
                self.interest(c, gp, "DIRECTOR_OF", fid, "Director of the GP federation", "2015-10-01")
        for comp in c.companies:
            for _ in range(2):
                d = self.person("Company director")
                self.interest(c, d, "DIRECTOR_OF", comp, "Director", "2012-06-01")
                self.interest(c, d, "SHAREHOLDER_OF", comp, "Shareholder", "2012-06-01", props={"percent": 30.0})
        for ch in c.charities:
            for _ in range(2):
                t = self.person("Charity trustee")
                self.interest(c, t, "TRUSTEE_OF", ch, "Trustee", "2014-01-01")
        for home in c.care_homes:
            d = self.person("Care home director")
            self.interest(c, d, "DIRECTOR_OF", home, "Director", "2011-03-01")

    def vanguards(self) -> None:
        w, rng, s = self.world, self.rng, self.scale
        n = min(s.n_vanguards, len(self.ccgs))
        for k in range(n):
            c = self.ccgs[k * len(self.ccgs) // n]
            vid = self.next_id("VAN", 3)
            vtype = ("mcp", "pacs", "ehch", "uec", "acc")[k % 5] if k else "mcp"
            w.add_node(vid, "Vanguard", {"name": f"{self.names.place()} Together {vtype.upper()} Vanguard",
                                         "vanguard_type": vtype, "valid_from": "2015-03-10"})
            c.vanguard = vid
            w.add_rel(c.federations[0], "VANGUARD_PARTNER", vid, {"lead": True, "valid_from": "2016-04-01"})
            w.add_rel(c.trust, "VANGUARD_PARTNER", vid, {"lead": False, "valid_from": "2016-04-01"})
            w.add_rel(c.id, "VANGUARD_PARTNER", vid, {"lead": False, "valid_from": "2016-04-01"})
            if c.care_homes:
                # The care home left when the national programme ended: an interest that ended.
                w.add_rel(c.care_homes[0], "VANGUARD_PARTNER", vid,
                          {"lead": False, "valid_from": "2016-04-01", "valid_to": VANGUARD_PROGRAMME_END})
            for p in sorted(rng.sample(c.practices, min(3, len(c.practices)))):
                w.add_rel(p, "VANGUARD_PARTNER", vid, {"lead": False, "valid_from": "2016-04-01"})

    def committees(self, c: _Ccg) -> None:
        w, rng = self.world, self.rng
        c.pccc = f"{ID_PREFIX}COM-{c.index + 1:03d}-PCCC"
        c.gb = f"{ID_PREFIX}COM-{c.index + 1:03d}-GB"
        w.add_node(c.pccc, "Committee", {"name": f"{c.name} Primary Care Commissioning Committee",
                                         "committee_type": "pccc", "quorum": 3, "quorum_lay": 1})
        w.add_node(c.gb, "Committee", {"name": f"{c.name} Governing Body", "committee_type": "governing_body",
                                       "quorum": 6, "quorum_lay": 1})
        w.add_rel(c.pccc, "COMMITTEE_OF", c.id, {"valid_from": "2015-04-01"})
        w.add_rel(c.gb, "COMMITTEE_OF", c.id, {"valid_from": "2013-04-01"})

        def seat(person: str, committee: str, role: str, mtype: str, voting: bool = True,
                 vf: str = "2018-04-01", vt: str | None = None) -> None:
            props: dict[str, Any] = {"role": role, "member_type": mtype, "voting": voting, "valid_from": vf}
            if vt:
                props["valid_to"] = vt
            w.add_rel(person, "SITS_ON", committee, props)
            c.members.append((person, committee, props))

        lay_chair = self.person("Lay member (governance)")
        lay_ppi = self.person("Lay member (patient and public involvement)")
        accountable = self.person("Accountable officer")
        finance = self.person("Chief finance officer")
        nurse = self.person("Chief nurse")
        hospital_doc = self.person("Secondary care doctor")
        healthwatch = self.person("Healthwatch representative")
        for exec_ in (accountable, finance, nurse):
            w.add_rel(exec_, "EMPLOYED_BY", c.id, {"valid_from": "2015-01-01"})
        # Lay members have interests too: a trusteeship and an unpaid advisory role.
        if c.charities:
            self.interest(c, lay_ppi, "TRUSTEE_OF", c.charities[0], "Trustee", "2016-09-01")
        if c.companies:
            self.interest(c, lay_chair, "ADVISES", c.companies[-1], "Unpaid adviser", "2018-01-01",
                          props={"paid": False})

        # GPs on the committees: partners of distinct practices; one PCCC GP directs a federation.
        fed0 = c.federations[0]
        director = c.fed_directors[fed0][0]
        practice_of = {gp: p for p, gps in c.partners.items() for gp in gps}
        others = [gp for p in sorted(c.partners) for gp in c.partners[p][:1]
                  if gp != director and practice_of[director] != p]
        rng.shuffle(others)
        pccc_gps = [director, *others[:2]]
        gb_gps = others[2:6]
        # PCCC: lay chair, lay, two executives, three GPs (4 > 3), a non-voting Healthwatch seat; quorum 3.
        seat(lay_chair, c.pccc, "chair", "lay")
        seat(lay_ppi, c.pccc, "member", "lay")
        seat(accountable, c.pccc, "member", "executive")
        seat(finance, c.pccc, "member", "executive")
        for gp in pccc_gps:
            seat(gp, c.pccc, "member", "gp")
        seat(healthwatch, c.pccc, "member", "other", voting=False)
        if c.index % 3 == 0 and len(others) > 6:
            # A GP joins the PCCC mid-year: from then on lay + executive (4) no longer outnumber GPs (4).
            joiner = others[6]
            seat(joiner, c.pccc, "member", "gp", vf="2019-10-01")
            self.world.story.append(f"{c.pccc}: {self.world.name(joiner)} joins as a GP member on 2019-10-01 "
                                    "and the lay/executive majority is lost")
        # Governing body: clinical chair (a GP), lay vice chair, executives, nurse, hospital doctor.
        seat(gb_gps[0], c.gb, "chair", "gp")
        seat(lay_chair, c.gb, "vice_chair", "lay")
        seat(lay_ppi, c.gb, "member", "lay")
        seat(accountable, c.gb, "member", "executive")
        seat(finance, c.gb, "member", "executive")
        seat(nurse, c.gb, "member", "clinical")
        seat(hospital_doc, c.gb, "member", "clinical")
        for k, gp in enumerate(gb_gps[1:], start=1):
            # One GP leaves the governing body in the autumn: later decisions are not theirs.
            seat(gp, c.gb, "member", "gp", vt="2019-09-30" if k == 3 else None)
        # Declaration behaviour of each committee member (what reaches the register).
        for person, _, _ in c.members:
            if person in c.behaviour:
                continue
            c.behaviour[person] = rng.choices(
                ("full", "partial", "nil", "stale", "late"), weights=(50, 20, 12, 10, 8))[0]
        c.behaviour[director] = "nil"  # the headline: a federation director who declares nothing
        c.headline_director = director
        # The federation directorship of one PCCC GP ended in June: later awards are not conflicts via it.
        if len(pccc_gps) > 2 and len(c.federations) > 1 and pccc_gps[2] not in c.fed_directors[c.federations[1]]:
            gp = pccc_gps[2]
            self.interest(c, gp, "DIRECTOR_OF", c.federations[1], "Director of the GP federation (resigned)",
                          "2016-01-01", "2019-06-30")

    def relatives(self, c: _Ccg) -> None:
        w, rng = self.world, self.rng
        members = sorted({p for p, _, _ in c.members})
        partners = [gp for p in sorted(c.partners) for gp in c.partners[p]]
        for k in range(self.scale.relatives_per_ccg):
            # The first few relatives belong to committee members (the conflicts that matter); the
            # rest to other GPs, as in any town.
            member = members[k] if k < min(8, len(members)) else rng.choice(partners)
            surname = self.world.name(member).split()[-1]
            relation = rng.choice(("spouse", "spouse", "sibling", "child", "parent"))
            relative = self.person("Relative", surname if relation != "sibling" or rng.random() < 0.5 else None)
            # Stored in either direction: FAMILY_OF is symmetric in meaning.
            if k % 2:
                w.add_rel(member, "FAMILY_OF", relative, {"relation": relation})
            else:
                w.add_rel(relative, "FAMILY_OF", member, {"relation": relation})
            options: list[tuple[str, str, str]] = [(c.trust, "EMPLOYED_BY", "employed by")]
            if c.care_homes:
                options.append((c.care_homes[0], "DIRECTOR_OF", "director of"))
            if c.companies:
                options.append((c.companies[0], "SHAREHOLDER_OF", "shareholder of"))
            other_practices = [p for p in c.practices if member not in c.partners.get(p, [])]
            options.append((rng.choice(other_practices), "PARTNER_IN", "partner in"))
            org, rtype, verb = options[k % len(options)]
            props: dict[str, Any] = {"percent": 10.0} if rtype == "SHAREHOLDER_OF" else {}
            vf = _d(_between(rng, dt.date(2008, 1, 1), dt.date(2019, 8, 31)))
            props["valid_from"] = vf
            w.add_rel(relative, rtype, org, props)
            c.interests[member].append((org, rtype, f"{relation.capitalize()} is {verb} {w.name(org)}",
                                        vf, None, True))

    def register(self, c: _Ccg) -> None:
        """The CCG's register of interests: what each committee member chose to declare."""
        rng, w = self.rng, self.world
        filename = f"register_{c.id}.xlsx"
        reg = Register(c.id, f"{c.name}: Register of interests 2019/20", filename, [])
        positions: dict[str, list[str]] = defaultdict(list)
        for person, committee, props in c.members:
            positions[person].append(f"{'PCCC' if committee == c.pccc else 'Governing body'} "
                                     f"{props['role'].replace('_', ' ')} ({props['member_type']})")
        for person in sorted(positions):
            behaviour = c.behaviour.get(person, "full")
            interests = c.interests.get(person, [])
            name = w.name(person)
            is_gp = any(p.get("member_type") == "gp" for q, _, p in c.members if q == person)
            # How registers print names: titles, capitals, "Surname, Forename".
            style = rng.random()
            first, _, last = name.partition(" ")
            shown = (f"Dr {name}" if is_gp and style < 0.6 else name.upper() if style < 0.7
                     else f"{last}, {first}" if style < 0.8 else name)
            position = "; ".join(positions[person])
            chosen = list(interests)
            if behaviour == "nil" or not chosen:
                reg.entries.append(self.entry(shown, position, "Nil", None, None, None, None, None, True))
                continue
            if behaviour == "partial" and len(chosen) > 1:
                chosen.pop(rng.randrange(len(chosen)))
            elif behaviour == "partial":
                behaviour = "stale"
            for j, (org, rtype, nature, vf, vt, indirect) in enumerate(chosen):
                date_from, date_to = vf, vt
                if behaviour == "stale" and j == 0:
                    date_to = "2019-03-31"  # says the interest ended; it did not
                elif behaviour == "late" and j == 0:
                    date_from = "2019-11-01"  # declared only from November
                if date_to and date_from and date_to < date_from:
                    date_to = date_from
                itype = "indirect" if indirect else _interest_type(rtype)
                text = self.org_text(org, nature)
                # Dates as registers write them: "April 2016" (read as the 1st), "ongoing" for open.
                shown_from: str | None = date_from
                if date_from and rng.random() < 0.2:
                    day = dt.date.fromisoformat(date_from)
                    shown_from, date_from = f"{day:%B %Y}", _d(day.replace(day=1))
                shown_to = date_to or ("ongoing" if rng.random() < 0.3 else None)
                reg.entries.append(self.entry(shown, position, text, itype, not indirect, nature,
                                              shown_from, shown_to, False))
                w.declarations.append(_Decl(person, org, date_from, date_to, filename, len(reg.entries)))
        if self.scale.n_ccgs > 10 and self.world.registers:
            # At national scale one combined register file stands in for two hundred.
            combined = self.world.registers[0]
            for d in w.declarations:
                if d.register == filename:
                    d.register, d.row_index = combined.filename, d.row_index + len(combined.entries)
            combined.entries.extend(reg.entries)
            return
        if self.scale.n_ccgs > 10:
            reg.filename, reg.title = "register_all_ccgs.xlsx", "Registers of interests 2019/20: all CCGs"
            for d in w.declarations:
                if d.register == filename:
                    d.register = reg.filename
        self.world.registers.append(reg)

    def org_text(self, org: str, nature: str) -> str:
        """The organisation as a declarant writes it: mostly its name, sometimes a little differently."""
        name = self.world.name(org)
        if not org.startswith(ID_PREFIX):
            return f"{name} ({org})"  # a real practice: the ODS code in the text settles it
        style = self.rng.random()
        if style < 0.55:
            return name
        if style < 0.65 and name.endswith(" Ltd"):
            return name[:-4] + " Limited"
        if style < 0.75:
            return name.upper()
        if style < 0.85 and " Centre" in name and not set(name.split()) & set(PLACE_QUALIFIERS):
            # A near miss the loader matches by fuzzy score; not for "Penleigh Bridge ...", which
            # would come within the loader's ambiguity margin of "Penleigh Moor ...".
            return name.replace(" Centre", " Center")
        if style < 0.9:
            return name.replace(" and ", " & ") if " and " in name else f"The {name}"
        if nature in ("GP partner", "Director", "Trustee"):
            return f"{nature} at {name}"
        return f"{name} - {nature.lower()}" if "(" not in nature else name

    @staticmethod
    def entry(name: str, position: str, declared: str, itype: str | None, direct: bool | None,
              nature: str | None, date_from: str | None, date_to: str | None, nil: bool) -> dict[str, Any]:
        return {"name": name, "position": position, "declared_interest": declared,
                "interest_type": itype, "direct": direct, "nature": nature,
                "date_from": date_from, "date_to": date_to,
                "mitigation": None if nil else "Declared at meetings; withdraws from relevant decisions"}

    def decisions(self, c: _Ccg, walk: _Walk) -> None:
        w, rng, s = self.world, self.rng, self.scale
        status = _Statuses(w, walk)
        members = defaultdict(list)
        for person, committee, props in c.members:
            members[committee].append((person, props))
        span = (YEAR_END - YEAR_START).days
        for committee in (c.pccc, c.gb):
            n = s.meetings_per_committee
            for m in range(n):
                day = YEAR_START + dt.timedelta(days=int((m + 0.5) * span / n) + rng.randint(-5, 5))
                on = _d(day)
                mid = self.next_id("MTG", 5)
                w.add_node(mid, "Meeting", {"name": f"{w.name(committee)}, {day:%d %B %Y}", "date": on})
                live = [(p, props) for p, props in members[committee]
                        if _live(props.get("valid_from"), props.get("valid_to"), on)]
                # One meeting in six has no attendance recorded (minutes list apologies only in prose).
                recorded = rng.random() > 1 / 6
                attendees = [p for p, _ in live if rng.random() < s.attendance_rate] if recorded else []
                forced_inquorate = c.index % 3 == 1 and committee == c.pccc and m == 2
                if c.index == 0 and committee == c.pccc and m == 1:
                    recorded = True
                    if c.headline_director not in attendees:
                        attendees.append(c.headline_director)
                if forced_inquorate:
                    # Two lay/executive members send apologies to a meeting deciding a local incentive
                    # scheme that every GP member has an interest in: it cannot be quorate.
                    recorded = True
                    away = [p for p, props in live if props.get("member_type") in ("lay", "executive")][:2]
                    attendees = [p for p, _ in live if p not in away]
                for p in attendees:
                    w.add_rel(p, "ATTENDED", mid)
                for k in range(rng.randint(*s.decisions_per_meeting)):
                    kind = "lis" if forced_inquorate and k == 0 else None
                    if c.index == 0 and committee == c.pccc and m == 1 and k == 0:
                        kind = "headline"  # the headline decision: an award to the director's federation
                    did, parties = self.decision(c, committee, mid, on, kind)
                    self.participation(c, committee, did, parties, on, live, attendees, recorded, status)

    def decision(self, c: _Ccg, committee: str, meeting: str, on: str, kind: str | None
                 ) -> tuple[str, set[str]]:
        w, rng = self.world, self.rng
        did = self.next_id("DEC", 5)
        feds, comps = c.federations, c.companies
        if committee == c.pccc:
            kind = kind or rng.choice(("extended_access", "lis", "apms", "pcn", "merger"))
            if kind == "pcn" and on < PCN_START:
                kind = "apms"
        else:
            kind = kind or rng.choice(("community", "care_homes", "hospice", "vanguard", "diagnostics"))
            if kind == "vanguard" and not c.vanguard:
                kind = "community"
        awarded: list[str] = []
        affects: list[str] = []
        if kind == "headline":
            # Awarded to the federation whose director sits on the PCCC and declared nothing.
            kind, fed = "extended_access", feds[0]
            awarded, title, value = [fed], f"Extended access service contract: {w.name(fed)}", 400_000
            self.world.headline.update(decision=did, person=c.headline_director, committee=committee)
        elif kind == "extended_access":
            fed = rng.choice(feds)
            awarded, title, value = [fed], f"Extended access service contract: {w.name(fed)}", 400_000
        elif kind == "lis":
            affects = list(c.practices)
            title, value = f"Local incentive scheme: {rng.choice(TOPICS)}", 150_000
        elif kind == "apms":
            p = rng.choice(c.practices)
            awarded, title, value = [p], f"APMS contract variation: {w.name(p)}", 90_000
        elif kind == "pcn":
            pcn = rng.choice(c.pcns)
            affects, title, value = [pcn], f"PCN extended hours funding: {w.name(pcn)}", 60_000
        elif kind == "merger":
            a, b = rng.sample(c.practices, 2)
            affects, title, value = [a, b], f"Practice merger: {w.name(a)} and {w.name(b)}", 0
        elif kind == "community":
            org = rng.choice([c.trust, *comps]) if comps else c.trust
            awarded, title, value = [org], f"Community services contract: {w.name(org)}", 2_500_000
        elif kind == "care_homes":
            org = rng.choice(c.care_homes or [c.trust])
            awarded, affects = [org], [feds[0]]
            title, value = "Enhanced health in care homes service", 350_000
        elif kind == "hospice":
            org = rng.choice(c.charities or [c.trust])
            awarded, title, value = [org], f"Palliative care grant: {w.name(org)}", 120_000
        elif kind == "vanguard":
            assert c.vanguard
            awarded, title, value = [c.vanguard], f"MCP contract extension: {w.name(c.vanguard)}", 5_000_000
        else:
            org = rng.choice(comps or [c.trust])
            awarded, affects = [org], [feds[-1]]
            title, value = f"Diagnostics contract: {w.name(org)}", 750_000
        value_gbp = float(round(value * rng.uniform(0.6, 1.4), -3))
        decision_type = "lis" if kind == "lis" else "contract_award" if awarded else "other"
        w.add_node(did, "Decision", {"name": title, "title": title, "date": on, "value_gbp": value_gbp,
                                     "decision_type": decision_type})
        w.add_rel(did, "DECIDED_BY", committee)
        w.add_rel(did, "AT_MEETING", meeting)
        for org in awarded:
            w.add_rel(did, "AWARDED_TO", org)
        for org in affects:
            w.add_rel(did, "AFFECTS", org)
        return did, set(awarded) | set(affects)

    def participation(self, c: _Ccg, committee: str, did: str, parties: set[str], on: str, live: list[tuple[str, dict[str, Any]]],
                      attendees: list[str], recorded: bool, status: _Statuses) -> None:
        """Who voted and who withdrew, as a chair would have managed the conflicts the register shows."""
        w, rng = self.world, self.rng
        if not recorded:
            return  # "the committee agreed": no individual votes minuted
        voting = {p for p, props in live if props.get("voting")}
        for person in attendees:
            declaration = status.declaration(person, parties, on)
            if declaration is None:
                if person in voting:
                    w.add_rel(person, "VOTED_ON", did, {"vote": "for" if rng.random() < 0.9 else "against"})
                continue
            if person == c.headline_director and c.index == 0:
                choice = "vote"  # the headline breach
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
        # A co-opted GP (no seat) votes on one decision in the second CCG: a decision-maker by vote alone.
        if c.index % 3 == 1 and committee == c.pccc and "coopted" not in c.behaviour:
            gp = next((g for p in sorted(c.partners) for g in c.partners[p]
                       if status.declaration(g, parties, on) is not None
                       and all(g != m for m, _, _ in c.members)), None)
            if gp is not None:
                c.behaviour["coopted"] = gp
                w.add_rel(gp, "VOTED_ON", did, {"vote": "for"})
                self.world.story.append(f"{did}: co-opted GP {w.name(gp)} votes without a seat")


class _Statuses:
    """The generator's own view of a person's declaration status for a set of parties, for the chair."""

    def __init__(self, world: World, walk: _Walk):
        self.world = world
        self.walk = walk
        self.decls: dict[str, list[_Decl]] = defaultdict(list)
        for d in world.declarations:
            if d.org:
                self.decls[d.person].append(d)

    def declaration(self, person: str, parties: set[str], on: str) -> str | None:
        found = self.walk.paths(person, parties, on)
        if not found:
            return None
        covered = [any(d.org in nodes and _live(d.date_from, d.date_to, on) for d in self.decls[person])
                   for nodes, _ in found]
        return "declared" if all(covered) else "undeclared" if not any(covered) else "partial"


def _interest_type(rtype: str) -> str:
    if rtype == "TRUSTEE_OF":
        return "non_financial_personal"
    if rtype == "ADVISES":
        return "non_financial_professional"
    return "financial"


def generate(scale: str | Scale = "demo", seed: int = 42, ods: OdsData | None = None) -> World:
    """Build a synthetic health economy. Same scale, seed and ods give identical output."""
    spec = SCALES[scale] if isinstance(scale, str) else scale
    return _Generator(spec, seed, ods).run()


def ods_from_records(records: Iterable[Record], ccg_names: dict[str, str] | None = None) -> OdsData:
    """Active practices and their CCG from records an epraccur loader produced."""
    practices: dict[str, Node] = {}
    ccg_of: dict[str, str] = {}
    for r in records:
        if isinstance(r, Node) and r.label == "Practice" and r.props.get("status") == "A":
            practices[r.id] = r
        elif isinstance(r, Rel) and r.type == "COMMISSIONED_BY" and not r.props.get("valid_to"):
            ccg_of[r.start] = r.end
    out = [OdsPractice(code, str(n.props.get("name", code)), str(n.props.get("postcode", "")), ccg_of[code],
                       str(n.props.get("source", "")))
           for code, n in sorted(practices.items()) if code in ccg_of]
    if ccg_names:
        out = [p for p in out if p.ccg in ccg_names]
    return OdsData(out, dict(ccg_names or {}))
