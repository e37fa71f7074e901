"""Typed results of the conflict engine: the contract shared by the CLI, the API, the views and tests.

Field names here are public (JSON output of `orggraph conflicts` and the API); change with care.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

InterestType = Literal["financial", "non_financial_professional", "non_financial_personal", "indirect"]
DeclarationStatus = Literal["declared", "partial", "undeclared"]
Participation = Literal["voted", "withdrew", "present", "absent", "unknown"]
Severity = Literal["high", "medium", "low"]
ItemStatus = Literal["planned", "decided", "deferred", "referred"]
MeetingAction = Literal["left_room", "stayed_no_vote", "participated", "papers_withheld"]
RecommendedAction = Literal["exclude", "no_vote"]
BreachKind = Literal["voted_while_conflicted", "not_declared_at_meeting", "acted_against_ruling"]


class Hop(BaseModel):
    """One edge of an interest path, as stored (``from_id`` -[type]-> ``to_id``) plus how it was walked."""

    from_id: str
    from_label: str
    from_name: str | None = None
    type: str
    to_id: str
    to_label: str
    to_name: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    source: str | None = None
    # FAMILY_OF may be walked against its stored direction (the link is symmetric).
    reversed: bool = False
    properties: dict[str, object] = Field(default_factory=dict)


class InterestPath(BaseModel):
    person_id: str
    org_id: str
    interest_type: InterestType
    hops: list[Hop]

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def node_ids(self) -> list[str]:
        """Every node on the path in walking order (person first)."""
        if not self.hops:
            return [self.person_id]
        ids = [self.person_id]
        for h in self.hops:
            ids.append(h.from_id if h.reversed else h.to_id)
        return ids


class Conflict(BaseModel):
    """One decision-maker with at least one live interest path to a party of one decision."""

    person_id: str
    person_name: str | None = None
    decision_id: str
    decision_title: str | None = None
    committee_id: str | None = None
    date: str
    parties: list[str]  # the parties this person has paths to
    paths: list[InterestPath]  # shortest first
    interest_types: list[InterestType]
    direct: bool
    declaration: DeclarationStatus
    declaration_ids: list[str]
    participation: Participation
    breach: bool  # true when any of breach_kinds applies
    severity: Severity
    score: int  # the number behind severity (see README "Severity")
    explanation: str
    # The decision as an agenda item (README "Meetings").
    meeting_id: str | None = None
    item: str | None = None
    status: ItemStatus = "decided"
    recommended_action: RecommendedAction = "no_vote"  # exclude when any path is financial
    # Declared at the meeting: null when the meeting has no declarations log.
    declared_at_meeting: bool | None = None
    ruling: MeetingAction | None = None  # the action minuted with the declaration
    managed: bool | None = None  # declared at the meeting, ruled out of the vote, did not vote
    breach_kinds: list[BreachKind] = Field(default_factory=list)


class ExcludedMember(BaseModel):
    person_id: str
    person_name: str | None = None
    member_type: str | None = None
    reason: str


class QuorumResult(BaseModel):
    decision_id: str
    committee_id: str | None
    date: str
    required: int
    required_lay: int
    attendance_recorded: bool
    eligible: list[str]
    eligible_lay: list[str]
    excluded: list[ExcludedMember]
    quorate: bool
    explanation: str
    rule: str = ""  # the committee's quorum rule, canonical (README "Meetings")
    failing: list[str] = Field(default_factory=list)  # the clauses that fail, in the rule's order
    deputies: dict[str, str] = Field(default_factory=dict)  # deputy -> the absent member they count for


class MemberSeat(BaseModel):
    person_id: str
    person_name: str | None = None
    role: str | None = None
    member_type: str | None = None
    voting: bool
    valid_from: str | None = None
    valid_to: str | None = None
    source: str | None = None


class CompositionResult(BaseModel):
    committee_id: str
    committee_type: str | None
    as_of: str
    members: list[MemberSeat]
    chair_id: str | None
    chair_is_lay: bool
    voting_lay_exec: int
    voting_gp_clinical: int
    lay_exec_majority: bool
    ok: bool
    explanation: str


class AuditFinding(BaseModel):
    """A committee member's interest in an organisation in the commissioner's remit."""

    person_id: str
    person_name: str | None = None
    org_id: str
    org_name: str | None = None
    commissioner_id: str
    as_of: str
    committees: list[str]
    declaration: DeclarationStatus
    declaration_ids: list[str]
    interest_types: list[InterestType]
    paths: list[InterestPath]
    explanation: str


class CompositionFailure(BaseModel):
    committee_id: str
    date: str
    chair_is_lay: bool
    lay_exec_majority: bool


class TellingDecision(BaseModel):
    """A decision the scan ranks among the most telling: its strongest conflict first, then breaches."""

    decision_id: str
    date: str
    conflicts: int
    breaches: int
    max_score: int
    severity: str  # of its strongest conflict


class ScanSummary(BaseModel):
    """What a full scan found: every decision judged on its day, plus a register audit of every commissioner."""

    max_hops: int
    decisions: int
    decisions_with_conflicts: int
    conflicts: int
    people_with_conflicts: int
    breaches: int
    by_declaration: dict[str, int]  # declared / partial / undeclared -> conflicts
    by_participation: dict[str, int]
    by_severity: dict[str, int]
    inquorate: list[str]  # decision ids
    composition_failures: list[CompositionFailure]  # PCCCs that fail on a day they decided something
    audit_as_of: str | None
    commissioners: int
    audit_findings: int
    audit_undeclared: int
    audit_partial: int
    # README "Meetings": conflicts by breach kind (a conflict may have several), and agenda items not yet taken.
    by_breach_kind: dict[str, int] = Field(default_factory=dict)
    planned_items: int = 0
    # The decisions to read first (the home page): highest conflict score, then most breaches, then most
    # conflicts, then latest; at most TOP_DECISIONS.
    top_decisions: list[TellingDecision] = Field(default_factory=list)


class MeetingQuorum(BaseModel):
    """An agenda item's quorum after the recommended exclusions, under the committee's quorum rule."""

    rule: str  # canonical, e.g. "4; lay>=1; chair|vice_chair>=1"
    attendance_recorded: bool
    eligible: list[str]  # voting members (or deputies in their place) who count, by id
    excluded: list[ExcludedMember]
    quorate: bool
    failing: list[str]  # the clauses that fail: "total>=4", "lay>=1", ...
    presiding: str | None  # the chair, else the vice-chair, when unconflicted (and present); else null
    presiding_role: Literal["chair", "vice_chair"] | None
    co_optable: list[str]  # only when inquorate: unconflicted voting members of the commissioner's other committees
    explanation: str
    deputies: dict[str, str] = Field(default_factory=dict)  # deputy -> the absent member they count for


class BriefItem(BaseModel):
    """One agenda item of a meeting, as the chair's brief gives it."""

    decision_id: str
    item: str | None
    title: str | None
    status: ItemStatus
    date: str
    parties: list[str]
    party_names: dict[str, str | None] = Field(default_factory=dict)
    conflicts: list[Conflict]  # by person id
    quorum: MeetingQuorum


class MeetingBrief(BaseModel):
    """The chair's brief for one meeting: each agenda item in order (README "Meetings")."""

    meeting_id: str
    meeting_name: str | None
    date: str
    committee_id: str | None
    committee_name: str | None
    commissioner_id: str | None
    declarations_recorded: bool
    planned: bool  # any item still planned
    max_hops: int
    generated_on: str
    composition: CompositionResult | None  # the committee on the day
    items: list[BriefItem]
    conflicts: int
    breaches: int
    inquorate_items: list[str]  # decision ids


class MeetingSummary(BaseModel):
    """One meeting in a list (a committee's meetings, the next meetings), with badge counts."""

    meeting_id: str
    name: str | None
    date: str
    committee_id: str | None
    items: int  # agenda items
    conflicts: int
    breaches: int
    inquorate_items: int  # items inquorate after the recommended exclusions
    planned: bool  # any item still planned
    declarations_recorded: bool
