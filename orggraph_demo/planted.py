"""Typed records of what a generated world declared and what it planted: register rows as the
generator meant them, and the conflicts, inquorate decisions and composition failures they imply."""

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
