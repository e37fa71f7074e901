"""What the engine finds, as data: the finding records, the verdicts, and the points behind severity.

Nothing here reads the graph (:mod:`orggraph.engine.rules` decides) or words anything
(:mod:`orggraph.engine.explain` does). The public result models, dressed from these records, are in
:mod:`orggraph.engine.models`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from orggraph.engine.index import DecisionInfo, Seat, StaticPath
from orggraph.engine.models import (
    BreachKind,
    DeclarationStatus,
    MeetingAction,
    Participation,
    RecommendedAction,
    Severity,
)
from orggraph.quorum_rule import QuorumRule

DEFAULT_MAX_HOPS = 4
INTEREST_ORDER = ("financial", "non_financial_professional", "non_financial_personal", "indirect")

# Severity scoring (README "Severity"): the three things a guardian weighs, added up.
TYPE_POINTS = {"financial": 3, "indirect": 2, "non_financial_professional": 2, "non_financial_personal": 1}
DECLARATION_POINTS: dict[str, int] = {"undeclared": 3, "partial": 2, "declared": 0}
PARTICIPATION_POINTS: dict[str, int] = {"voted": 3, "present": 2, "unknown": 1, "absent": 0, "withdrew": 0}
HIGH_FROM, MEDIUM_FROM = 7, 4
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
BREACH_KINDS: tuple[BreachKind, ...] = ("voted_while_conflicted", "not_declared_at_meeting", "acted_against_ruling")
# Rulings that take a member out of the vote (README "Meetings").
OUT_OF_THE_VOTE = ("left_room", "stayed_no_vote")


class AtMeeting(NamedTuple):
    """What the meeting's minutes say of a conflicted member on one item (README "Meetings"):
    ``declared`` is None when the meeting has no declarations log (and nothing was declared)."""

    declared: bool | None
    ruling: MeetingAction | None
    managed: bool | None
    breach_kinds: list[BreachKind]


NOT_MINUTED = AtMeeting(None, None, None, [])  # shared: never mutate their lists
VOTED_NOT_MINUTED = AtMeeting(None, None, None, ["voted_while_conflicted"])


class DeclarationVerdict(NamedTuple):
    """How a person's register entries, live on a date, cover a set of interest paths.

    ``declared`` when every path touches an organisation that one of them concerns, ``undeclared``
    when none does, ``partial`` otherwise; ``ids`` are the entries that matched, ``covered`` says per
    path (in the paths' order) whether it is covered.
    """

    status: DeclarationStatus
    ids: list[str]
    covered: list[bool]

    @property
    def uncovered(self) -> list[int]:
        """The 1-based numbers of the paths no entry covers."""
        return [i for i, c in enumerate(self.covered, 1) if not c]


@dataclass(slots=True)
class Found:
    """A conflict before it is dressed as a :class:`~orggraph.engine.models.Conflict` (a scan only
    needs these): a decision-maker's live interest paths to the parties of one decision, judged."""

    person: str
    info: DecisionInfo
    paths: list[StaticPath]  # shortest first
    verdict: DeclarationVerdict
    participation: Participation
    types: list[str]  # interest types present, in INTEREST_ORDER
    score: int
    severity: Severity
    recommended: RecommendedAction = "no_vote"  # exclude when any path is financial
    at_meeting: AtMeeting = NOT_MINUTED

    @property
    def breach(self) -> bool:
        return bool(self.at_meeting.breach_kinds)

    @property
    def parties(self) -> list[str]:
        """The parties of the decision this person has paths to."""
        return sorted({p.target for p in self.paths})


@dataclass(slots=True)
class AuditRow:
    """A committee member's live interest paths to one organisation in a commissioner's remit."""

    person: str
    org: str
    committees: list[str]  # the commissioner's committees the person sat on
    paths: list[StaticPath]
    verdict: DeclarationVerdict


class Exclusion(NamedTuple):
    """A voting member who does not count towards a quorum, and why."""

    person: str
    member_type: str | None
    reason: Literal["absent", "conflict"]


# The failing "clause" of an item whose committee is not recorded: its quorum cannot be judged.
NO_COMMITTEE = "committee recorded"


@dataclass(slots=True)
class QuorumCount:
    """The quorum rule applied to one decision (see :func:`orggraph.engine.rules.quorum_count`)."""

    committee: str | None
    rule: QuorumRule
    attendance_recorded: bool
    eligible: dict[str, frozenset[str]]  # each eligible member's words (member type, role), by id
    excluded: list[Exclusion]  # by person id
    deputies: dict[str, str]  # deputy -> the absent member they count for

    @property
    def required(self) -> int:
        return self.rule.total

    @property
    def required_lay(self) -> int:
        """The rule's lay-only clause (the shorthand's ``quorum_lay``), else 0."""
        return max((c.at_least for c in self.rule.clauses if c.words == ("lay",)), default=0)

    @property
    def eligible_lay(self) -> list[str]:
        return [p for p, words in self.eligible.items() if "lay" in words]

    @property
    def failing(self) -> list[str]:
        return [NO_COMMITTEE] if self.committee is None else self.rule.failing(self.eligible)

    @property
    def quorate(self) -> bool:
        """Whether no clause fails (as :attr:`failing` is empty; checked without listing them)."""
        rule, eligible = self.rule, self.eligible
        if self.committee is None or len(eligible) < rule.total:
            return False
        return all(c.count(eligible.values()) >= c.at_least for c in rule.clauses)


@dataclass(slots=True)
class CompositionCount:
    """A committee's live seats on a day, counted for the PCCC composition rules."""

    seats: list[Seat]
    chairs: list[Seat]  # by person, then start of the seat
    chair_is_lay: bool
    lay_exec: int  # voting lay and executive members
    gp_clinical: int  # voting GP and clinical members

    @property
    def lay_exec_majority(self) -> bool:
        return self.lay_exec > self.gp_clinical

    @property
    def ok(self) -> bool:
        return self.chair_is_lay and self.lay_exec_majority


@dataclass(slots=True)
class RemitReasons:
    """Why an organisation is in a commissioner's remit: commissioned by it on the day, by a sub-ICB
    location or hub within it (an ICB's; ids, sorted), and/or a party to decisions of its committees
    (ids, sorted)."""

    commissioned: bool
    decisions: list[str]
    via: list[str] = field(default_factory=list)
