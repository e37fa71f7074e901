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
    breach: bool
    severity: Severity
    score: int  # the number behind severity (see README "Severity")
    explanation: str


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
