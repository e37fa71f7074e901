"""Typed records of what a generated world declared and what it planted: register rows as the
generator meant them, and the conflicts, inquorate decisions, composition failures and register
audit rows they imply."""

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

    def composition_fails(self, committee: str, on: str) -> bool:
        return on in set(self.composition_failures.get(committee, ()))
