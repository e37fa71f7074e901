"""Typed records of what a generated world declared and what it planted: register rows and minuted
declarations as the generator meant them, and the conflicts, inquorate decisions, agenda items,
composition failures and register audit rows they imply."""

from __future__ import annotations

from dataclasses import dataclass, field

from orggraph.temporal import OPEN_HI, OPEN_LO, Window


@dataclass
class Declaration:
    """One register row as the generator meant it: who declared an interest in which organisation."""

    person: str
    org: str | None  # the organisation the entry is about, as the register loader should resolve it
    date_from: str | None
    date_to: str | None
    register: str
    row_index: int

    @property
    def window(self) -> Window:
        return Window(self.date_from or OPEN_LO, self.date_to or OPEN_HI)

    @property
    def row_id(self) -> str:
        return f"{self.register}:{self.row_index}"


@dataclass(frozen=True)
class MinutedDeclaration:
    """One row of a meeting's declarations log as the generator meant it (ids), and as it is written."""

    meeting: str
    decision: str
    person: str
    interest: str
    action: str  # left_room | stayed_no_vote | participated | papers_withheld
    ruled_by: str
    shown_person: str  # how the log names the person (a name or an id)
    shown_item: str  # how the log names the item (its agenda reference)


@dataclass
class MeetingLog:
    """A meeting's declarations log (the minutes' standing item): one file; no rows means nothing
    was declared."""

    meeting: str
    filename: str
    rows: list[MinutedDeclaration] = field(default_factory=list)


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
    # The decision as an agenda item, and what its meeting's declarations log says (README "Meetings").
    meeting_id: str | None = None
    item: str | None = None
    status: str = "decided"
    recommended_action: str = "no_vote"  # exclude | no_vote
    declared_at_meeting: bool | None = None
    ruling: str | None = None
    managed: bool | None = None
    breach_kinds: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.person_id, self.decision_id)

    @property
    def breach(self) -> bool:
        return bool(self.breach_kinds)


@dataclass(frozen=True)
class PlantedItem:
    """One agenda item as the chair's brief should give it: who is conflicted and what they should do,
    who presides, and whether the item is quorate after the recommended exclusions."""

    decision_id: str
    meeting_id: str | None  # None: a decision taken at no recorded meeting
    committee_id: str | None
    item: str | None
    status: str
    date: str
    actions: tuple[tuple[str, str], ...]  # (person, recommended action), by person id
    presiding: str | None
    presiding_role: str | None
    quorate: bool
    failing: tuple[str, ...]
    co_optable: tuple[str, ...]
    eligible: frozenset[str]


@dataclass(frozen=True)
class PlantedAudit:
    """One row of a register audit: a committee member's live interest in an organisation in the
    commissioner's remit on the audit date, and whether the register covers it."""

    person_id: str
    org_id: str
    commissioner_id: str
    as_of: str
    committees: frozenset[str]
    declaration: str  # declared | partial | undeclared
    interest_types: frozenset[str]
    paths: frozenset[tuple[str, ...]]
    declaration_ids: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[str, str]:
        return (self.person_id, self.org_id)


@dataclass
class Planted:
    conflicts: dict[tuple[str, str], PlantedConflict]
    inquorate: set[str]
    # committee id -> sorted ISO dates within its era's year on which it fails (chair not lay, or no majority)
    composition_failures: dict[str, list[str]]
    pccc_ids: list[str]
    notes: list[str] = field(default_factory=list)
    # committee id -> (first, last) ISO day of the year its composition was judged over
    composition_years: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (commissioner id, audit date) -> the register audit rows, by person then organisation
    audits: dict[tuple[str, str], list[PlantedAudit]] = field(default_factory=dict)
    # Every meeting's agenda items in agenda order, and each item as the chair's brief gives it.
    agendas: dict[str, list[str]] = field(default_factory=dict)
    items: dict[str, PlantedItem] = field(default_factory=dict)
    next_meeting: str | None = None  # the planned meeting (the latest with a planned item)

    @property
    def breaches(self) -> list[PlantedConflict]:
        return [c for c in self.conflicts.values() if c.breach]

    def by_breach_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.conflicts.values():
            for kind in c.breach_kinds:
                out[kind] = out.get(kind, 0) + 1
        return out

    def composition_fails(self, committee: str, on: str) -> bool:
        return on in set(self.composition_failures.get(committee, ()))
