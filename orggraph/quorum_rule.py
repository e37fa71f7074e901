"""A committee's quorum rule as data: a total of eligible members, then role clauses.

``4; lay>=1; chair|vice_chair>=1; executive>=1`` means at least four eligible members, of whom at least
one is lay, at least one is the chair or vice-chair and at least one is an executive. A clause counts the
eligible members whose seat ``member_type`` or ``role`` is in its ``|``-separated set. The committee
properties ``quorum`` and ``quorum_lay`` are shorthand for ``N; lay>=M``.

:func:`parse` rejects anything else with a :class:`~orggraph.errors.RecordError` saying what was
expected, so a loader reports the file, row, column and value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orggraph.errors import RecordError

# The words a clause may count: SITS_ON member types and roles (schema.yaml).
MEMBER_TYPES = ("lay", "executive", "gp", "clinical", "other")
ROLES = ("chair", "vice_chair", "member")
WORDS = MEMBER_TYPES + ROLES

_CLAUSE = re.compile(r"^([a-z_]+(?:\s*\|\s*[a-z_]+)*)\s*>=\s*(\d+)$")
EXPECTED = "expected `N; word>=M; ...` (e.g. `4; lay>=1; chair|vice_chair>=1`) with words from " + ", ".join(WORDS)


@dataclass(frozen=True)
class Clause:
    """At least ``at_least`` eligible members whose member type or role is in ``words``."""

    words: tuple[str, ...]
    at_least: int

    def __str__(self) -> str:
        return f"{'|'.join(self.words)}>={self.at_least}"

    def count(self, tags: Iterable[frozenset[str]]) -> int:
        words = set(self.words)
        return sum(1 for t in tags if not words.isdisjoint(t))


@dataclass(frozen=True)
class QuorumRule:
    total: int
    clauses: tuple[Clause, ...] = ()

    def __str__(self) -> str:
        return "; ".join([str(self.total), *(str(c) for c in self.clauses)])

    @property
    def total_clause(self) -> str:
        """How a failing total is named among the failing clauses."""
        return f"total>={self.total}"

    def failing(self, eligible: Mapping[str, frozenset[str]]) -> list[str]:
        """The clauses ``eligible`` (each eligible member's member type and role words) does not meet,
        in the rule's order: ``total>=N`` first, then each role clause as written."""
        out = [self.total_clause] if len(eligible) < self.total else []
        out.extend(str(c) for c in self.clauses if c.count(eligible.values()) < c.at_least)
        return out


def parse(text: str, column: str = "quorum_rule") -> QuorumRule:
    """The rule ``text`` states; :class:`RecordError` (naming ``column``) when it does not parse."""
    parts = [p.strip() for p in str(text).split(";")]
    if not parts or not parts[0].isdigit():
        raise RecordError(column, text, EXPECTED + ": the first part is the total, a whole number")
    clauses: list[Clause] = []
    for part in parts[1:]:
        if not part:
            continue
        m = _CLAUSE.match(part)
        if m is None:
            raise RecordError(column, text, f"{EXPECTED}: cannot read clause {part!r}")
        words = tuple(w.strip() for w in m.group(1).split("|"))
        unknown = [w for w in words if w not in WORDS]
        if unknown:
            raise RecordError(column, text, f"{EXPECTED}: unknown word {unknown[0]!r}")
        clauses.append(Clause(words, int(m.group(2))))
    return QuorumRule(int(parts[0]), tuple(clauses))


def rule_of(props: Mapping[str, object]) -> QuorumRule:
    """A committee's rule: ``quorum_rule`` when given, else the shorthand ``quorum`` / ``quorum_lay``
    (``0`` when neither: any number is quorate)."""
    text = props.get("quorum_rule")
    if text:
        return parse(str(text))
    total = int(str(props.get("quorum") or 0))
    lay = int(str(props.get("quorum_lay") or 0))
    return QuorumRule(total, (Clause(("lay",), lay),) if lay else ())


def tags(member_type: object, role: object) -> frozenset[str]:
    """The words a seat answers to in a clause: its member type and its role."""
    return frozenset(str(w) for w in (member_type, role) if w)
