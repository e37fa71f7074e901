"""Every sentence the engine writes, in one place: a finding is data, its words are written per kind.

As BloodHound gives each edge kind its own help with fixed sections, each kind of finding has a
:class:`Words` class in the :data:`WORDS` registry, with the same four sections, always in this order:

- **what**: what the finding is about (who, which committee or decision, which day);
- **evidence**: each interest path hop by hop, with its dates, worded properties and source;
- **rule**: the rule applied and its verdict (declaration, participation, quorum, composition);
- **action**: what follows (severity).

The explanation is the sections' sentences joined by single spaces. How a hop's properties are worded
(", paid", ", spouse") is read from the schema (``caption_properties`` in ``schema.yaml``). These
sentences are quoted in tests and in the README: change them with care.
"""

from __future__ import annotations

from abc import ABC
from typing import ClassVar, Literal, TypeVar

from orggraph.engine.era import ICB_ERA_START
from orggraph.engine.evidence import node_name
from orggraph.engine.facts import (
    AuditRow,
    CompositionCount,
    DeclarationVerdict,
    Exclusion,
    Found,
    QuorumCount,
    RemitReasons,
)
from orggraph.engine.index import DecisionInfo
from orggraph.engine.models import DeclarationStatus, Hop, InterestPath
from orggraph.engine.quorum_words import failing_words, rule_words
from orggraph.engine.remedies import MeetingCount, PassedOver
from orggraph.graph import OrgGraph
from orggraph.temporal import describe

FindingKind = Literal["conflict", "audit", "quorum", "composition", "meeting_quorum"]

PARTICIPATION_TEXT = {
    "voted": "voted on the decision, which is a breach of the conflicts of interest rules",
    "withdrew": "withdrew from the decision, as minuted",
    "present": "attended the meeting and neither voted nor withdrew",
    "absent": "was not among those recorded as attending the meeting",
    "unknown": "no attendance was recorded for the meeting, so participation is unknown",
}
PLANNED_PARTICIPATION = "the item has not been taken yet"

# How an agenda item's outcome is worded after "decision D", by status (README "Meetings").
STATUS_VERB = {"planned": "is due to be taken on", "decided": "was taken on", "deferred": "was deferred on",
               "referred": "was referred elsewhere on"}
RULING_TEXT = {"left_room": "left the room", "stayed_no_vote": "stayed for the discussion but did not vote",
               "participated": "took part", "papers_withheld": "papers withheld"}
ACTION_TEXT = {"exclude": ("exclude (leave the room for the item: neither discussion nor vote), as an interest "
                           "path is financial"),
               "no_vote": ("no vote (may take part in the discussion but does not vote), as no interest path is "
                           "financial")}
BREACH_TEXT = {"voted_while_conflicted": "voted while conflicted",
               "not_declared_at_meeting": "the interest was not declared at the meeting",
               "acted_against_ruling": "voted although the chair ruled the member out of the vote"}

# The one wording of a declaration verdict, per kind of finding and status. Fields: {ids} the matching
# entries, {on} the date, {missing} the uncovered path numbers, {s} their plural, {these} the paths.
DECLARATION_WORDS: dict[tuple[FindingKind, DeclarationStatus], str] = {
    ("conflict", "declared"): "Declaration: declared; register entries {ids} live on {on} cover every path.",
    ("conflict", "partial"): ("Declaration: partial; register entries {ids} live on {on} cover some paths, "
                              "but not path{s} {missing}."),
    ("conflict", "undeclared"): ("Declaration: undeclared; no register entry live on {on} concerns any "
                                 "organisation on {these}."),
    ("audit", "declared"): "Declared: register entries {ids} cover every path.",
    ("audit", "partial"): "Partly declared: entries {ids} do not cover path(s) {missing}.",
    ("audit", "undeclared"): ("Undeclared: the register has no entry live on that date about any organisation "
                              "on these paths; it should."),
}


# ---- shared words ---------------------------------------------------------------------------------------
def who(graph: OrgGraph, nid: str) -> str:
    """A node as "Name (id)", or the id alone when it has no other name."""
    name = node_name(graph, nid)
    return f"{name} ({nid})" if name and name != nid else nid


# How a commissioner within an ICB is worded after its name, by label.
WITHIN_ICB_WORDS = {"CCG": "a sub-ICB location of", "CommissioningHub": "a commissioning hub in"}


def who_on(graph: OrgGraph, nid: str, on: str) -> str:
    """A node as :func:`who`, but a sub-ICB location under its ICB-era name from 2022-07-01."""
    sicbl_name = graph.g.nodes[nid].get("sicbl_name") if nid in graph.g else None
    return f"{sicbl_name} ({nid})" if sicbl_name and on >= ICB_ERA_START else who(graph, nid)


def hop_words(graph: OrgGraph, h: Hop) -> str:
    """One hop: "caption (dates, worded properties; source X) Next node"."""
    rel = graph.schema.relationships.get(h.type)
    caption = rel.caption if rel is not None else h.type.lower()
    extra = ""
    for prop in rel.caption_properties if rel is not None else ():
        words = prop.words(h.properties)
        if words is not None:
            extra += f", {words}"
    src = f"; source {h.source}" if h.source else ""
    walked_to = h.from_id if h.reversed else h.to_id
    return f"{caption} ({describe(h.valid_from, h.valid_to)}{extra}{src}) {who(graph, walked_to)}"


def path_words(graph: OrgGraph, path: InterestPath) -> str:
    return " → ".join([who(graph, path.person_id), *(hop_words(graph, h) for h in path.hops)])


def path_lines(graph: OrgGraph, paths: list[InterestPath]) -> list[str]:
    """The numbered paths of a finding: "(1) financial: A → director of (...) B."."""
    return [f"({i}) {p.interest_type.replace('_', ' ')}: {path_words(graph, p)}." for i, p in enumerate(paths, 1)]


def declaration_words(kind: FindingKind, verdict: DeclarationVerdict, on: str) -> str:
    """The declaration verdict in words (:data:`DECLARATION_WORDS`)."""
    missing = ", ".join(str(i) for i in verdict.uncovered)
    return DECLARATION_WORDS[(kind, verdict.status)].format(
        ids=", ".join(verdict.ids), on=on, missing=missing, s="s" if "," in missing else "",
        these="this path" if len(verdict.covered) == 1 else "these paths")


def exclusion_reason(e: Exclusion, found: Found | None) -> str:
    """Why a voting member does not count towards the quorum."""
    if e.reason == "absent":
        return "did not attend the meeting"
    assert found is not None, "a member excluded for a conflict has one"
    types = ", ".join(t.replace("_", " ") for t in found.types)
    return f"conflict of interest ({types}; {found.verdict.status}) in {', '.join(found.parties)}"


# ---- the registry -----------------------------------------------------------------------------------------
class Words(ABC):
    """The words for one finding, in the fixed sections of the module docstring."""

    kind: ClassVar[FindingKind]

    def what(self) -> list[str]:
        return []

    def evidence(self) -> list[str]:
        return []

    def rule(self) -> list[str]:
        return []

    def action(self) -> list[str]:
        return []

    def text(self) -> str:
        return " ".join([*self.what(), *self.evidence(), *self.rule(), *self.action()])


WORDS: dict[FindingKind, type[Words]] = {}
W = TypeVar("W", bound=type[Words])


def _register(cls: W) -> W:
    WORDS[cls.kind] = cls
    return cls


@_register
class ConflictWords(Words):
    """A decision-maker's conflict in one decision."""

    kind = "conflict"

    def __init__(self, graph: OrgGraph, found: Found, paths: list[InterestPath], seated: bool) -> None:
        self.graph, self.found, self.paths, self.seated = graph, found, paths, seated

    def what(self) -> list[str]:
        g, f, info = self.graph, self.found, self.found.info
        committee = info.committee
        where = f"{'sat on' if self.seated else 'had no seat on'} {who(g, committee)}" if committee else "took part"
        if info.status == "planned" and committee:
            where = f"{'sits on' if self.seated else 'has no seat on'} {who(g, committee)}"
        title = node_name(g, info.id)
        at = ""
        if info.meetings:
            at = f" at {who(g, info.meetings[0])}" + (f", item {info.item}" if info.item else "")
        return [f"{who(g, f.person)} {where} {'and' if info.status == 'planned' else 'when'} decision {info.id}"
                + (f" \"{title}\"" if title and title != info.id else "")
                + f" {STATUS_VERB.get(info.status, 'was taken on')} {info.date}{at}"
                + (" and voted on it without a seat" if not self.seated and f.person in info.voters else "") + "."]

    def evidence(self) -> list[str]:
        n = len(self.paths)
        parties = sorted({p.org_id for p in self.paths})
        return [f"On that date {'there was' if n == 1 else 'there were'} {n} interest "
                f"path{'s' if n != 1 else ''} to the {'party' if len(parties) == 1 else 'parties'} "
                + ", ".join(who(self.graph, o) for o in parties) + ":", *path_lines(self.graph, self.paths)]

    def rule(self) -> list[str]:
        f = self.found
        took_part = PLANNED_PARTICIPATION if f.info.status == "planned" else PARTICIPATION_TEXT[f.participation]
        return [declaration_words("conflict", f.verdict, f.info.date), f"Participation: {took_part}.",
                *self._at_meeting()]

    def _at_meeting(self) -> list[str]:
        """What the minutes say (nothing when the meeting has no declarations log)."""
        f, g = self.found, self.graph
        m, decl = f.at_meeting, f.info.declared_at.get(f.person)
        if m.declared is None:
            return []
        if decl is None:
            return ["At the meeting: not declared, although the meeting's declarations were minuted."]
        when = "in advance of the meeting" if f.info.status == "planned" else "at the meeting"
        minuted = f" as \"{decl.interest}\"" if decl.interest else ""
        ruling = f"; ruling: {RULING_TEXT.get(m.ruling, m.ruling)}" if m.ruling else "; no ruling minuted"
        by = f" (ruled by {who(g, decl.ruled_by)})" if decl.ruled_by else ""
        managed = {True: " Managed: kept out of the vote, as ruled.", False: " Not managed.", None: ""}[m.managed]
        return [f"Declared {when}{minuted}{ruling}{by}.{managed}"]

    def action(self) -> list[str]:
        f = self.found
        out = [f"Recommended action: {ACTION_TEXT[f.recommended]}."]
        if f.at_meeting.breach_kinds:
            out.append("Breach: " + "; ".join(BREACH_TEXT[k] for k in f.at_meeting.breach_kinds) + ".")
        return [*out, f"Severity: {f.severity} (score {f.score})."]


@_register
class AuditWords(Words):
    """A committee member's interest in an organisation in a commissioner's remit."""

    kind = "audit"

    def __init__(self, graph: OrgGraph, row: AuditRow, commissioner: str, on: str, reasons: RemitReasons,
                 paths: list[InterestPath]) -> None:
        self.graph, self.row, self.commissioner, self.on = graph, row, commissioner, on
        self.reasons, self.paths = reasons, paths

    def what(self) -> list[str]:
        g, row, n = self.graph, self.row, len(self.paths)
        why = []
        if self.reasons.commissioned:
            why.append(f"commissioned by {who(g, self.commissioner)}")
        for k in self.reasons.via:
            within = WITHIN_ICB_WORDS.get(g.g.nodes[k]["label"], "within")
            why.append(f"commissioned by {who_on(g, k, self.on)}, {within} {who(g, self.commissioner)}")
        decided = self.reasons.decisions
        if decided:
            why.append(f"a party to {len(decided)} decision{'s' if len(decided) != 1 else ''} of its committees "
                       f"({', '.join(decided[:5])}{', ...' if len(decided) > 5 else ''})")
        return [(f"On {self.on} {who(g, row.person)} sat on {', '.join(who(g, c) for c in row.committees)} "
                f"and had {n} interest path{'s' if n != 1 else ''} to {who(g, row.org)}, "
                f"which is in the remit of {who(g, self.commissioner)} ({'; '.join(why)}):")]

    def evidence(self) -> list[str]:
        return path_lines(self.graph, self.paths)

    def rule(self) -> list[str]:
        return [declaration_words("audit", self.row.verdict, self.on)]


@_register
class QuorumWords(Words):
    """Whether a decision's committee was quorate once conflicted and absent members are taken out."""

    kind = "quorum"

    def __init__(self, graph: OrgGraph, info: DecisionInfo, count: QuorumCount) -> None:
        self.graph, self.info, self.count = graph, info, count

    def what(self) -> list[str]:
        c = self.count
        if c.committee is None:
            return [f"Decision {self.info.id} has no DECIDED_BY committee recorded, so its quorum cannot be judged."]
        if all(cl.words == ("lay",) for cl in c.rule.clauses):
            return [(f"{who(self.graph, c.committee)} needs {c.required} eligible voting members including "
                    f"{c.required_lay} lay on {self.info.date}.")]
        return [f"{who(self.graph, c.committee)} needs {rule_words(c)} on {self.info.date} (rule `{c.rule}`)."]

    def evidence(self) -> list[str]:
        c = self.count
        if c.committee is None:
            return []
        n_conf = sum(1 for e in c.excluded if e.reason == "conflict")
        basis = ("voting members who attended" if c.attendance_recorded
                 else "all voting members (no attendance was recorded)")
        return [(f"Counting {basis}, {len(c.excluded) - n_conf} absent and {n_conf} excluded for a conflict of "
                f"interest leave {len(c.eligible)} eligible ({len(c.eligible_lay)} lay):")]

    def rule(self) -> list[str]:
        if self.count.committee is None:
            return []
        if self.count.quorate:
            return ["quorate."]
        return [f"inquorate ({failing_words(self.count.failing)}); the decision should have been deferred or referred."]



ROLE_TEXT = {"chair": "chair", "vice_chair": "vice-chair"}
PASSED_OVER_TEXT = {"conflicted": "is conflicted in the item", "absent": "did not attend"}


@_register
class MeetingQuorumWords(Words):
    """An agenda item's quorum after the recommended exclusions, who presides, and whom to co-opt."""

    kind = "meeting_quorum"

    def __init__(self, graph: OrgGraph, info: DecisionInfo, mc: MeetingCount) -> None:
        self.graph, self.info, self.mc = graph, info, mc

    def what(self) -> list[str]:
        c, info = self.mc.quorum, self.info
        item = f"Item {info.item} (decision {info.id})" if info.item else f"Decision {info.id}"
        if c.committee is None:
            return [f"{item} has no committee recorded, so its quorum cannot be judged."]
        return [f"{item}: {who(self.graph, c.committee)} needs {rule_words(c)} on {info.date} (rule `{c.rule}`)."]

    def evidence(self) -> list[str]:
        g, c = self.graph, self.mc.quorum
        if c.committee is None:
            return []
        conflicted = [who(g, e.person) for e in c.excluded if e.reason == "conflict"]
        basis = ("voting members who attended" if c.attendance_recorded
                 else "all voting members (no attendance was recorded)")
        out = [f"Counting {basis}, {len(c.excluded) - len(conflicted)} absent and {len(conflicted)} out of the vote "
               f"for a conflict of interest" + (f" ({', '.join(conflicted)})" if conflicted else "")
               + f" leave {len(c.eligible)} eligible."]
        out += [f"{who(g, d)} counts in place of {who(g, m)}, who did not attend, as their deputy."
                for d, m in sorted(c.deputies.items())]
        return out

    def _passed(self, p: PassedOver) -> str:
        return f"the {ROLE_TEXT[p.role]} {who(self.graph, p.person)} {PASSED_OVER_TEXT[p.reason]}"

    def rule(self) -> list[str]:
        c, pr = self.mc.quorum, self.mc.presiding
        if c.committee is None:
            return []
        out = ["Quorate after the recommended exclusions." if c.quorate
               else f"Inquorate after the recommended exclusions ({failing_words(c.failing)})."]
        if pr.person is not None and pr.role is not None:
            why = f", as {' and '.join(self._passed(p) for p in pr.passed_over)}" if pr.passed_over else ""
            out.append(f"Presiding: {who(self.graph, pr.person)}, the {ROLE_TEXT[pr.role]}{why}.")
        else:
            why = ("; ".join(self._passed(p) for p in pr.passed_over) if pr.passed_over
                   else f"no chair or vice-chair sits on {who(self.graph, c.committee)} on {self.info.date}")
            out.append(f"No one can preside: {why}; the committee must choose who presides (flagged).")
        return out

    def action(self) -> list[str]:
        c, co = self.mc.quorum, self.mc.co_optable
        if c.quorate or c.committee is None:
            return []
        remedy = ("The item should be deferred, referred to another committee, or unconflicted members co-opted"
                  if self.info.status == "planned" else
                  "The decision should have been deferred, referred, or taken with unconflicted members co-opted")
        whom = (f"co-optable: {', '.join(who(self.graph, p) for p in co)}." if co else
                "no unconflicted voting member of the commissioner's other committees can be co-opted.")
        return [f"{remedy}; {whom}"]


@_register
class CompositionWords(Words):
    """A committee's seats on a day against the PCCC composition rules."""

    kind = "composition"

    def __init__(self, graph: OrgGraph, committee: str, committee_type: str | None, on: str,
                 count: CompositionCount) -> None:
        self.graph, self.committee, self.committee_type, self.on, self.count = graph, committee, committee_type, on, count

    def _chair(self) -> str:
        g, chairs = self.graph, self.count.chairs
        if not chairs:
            return "has no chair"
        if len(chairs) == 1:
            return f"is chaired by {who(g, chairs[0].person)} ({chairs[0].props.get('member_type') or 'member type not recorded'})"
        return "has " + str(len(chairs)) + " chairs (" + ", ".join(
            f"{who(g, s.person)}, {s.props.get('member_type')}" for s in chairs) + ")"

    def what(self) -> list[str]:
        c = self.count
        return [(f"On {self.on} {who(self.graph, self.committee)} {self._chair()} and has {len(c.seats)} live seats; "
                f"voting lay and executive members {c.lay_exec}, voting GP and clinical members {c.gp_clinical}.")]

    def rule(self) -> list[str]:
        c, ctype = self.count, self.committee_type
        return [(f"Lay chair: {'yes' if c.chair_is_lay else 'no'}; "
                f"lay/executive majority: {'yes' if c.lay_exec_majority else 'no'}."),
                ("Meets" if c.ok else "Fails") + " the PCCC composition rules"
                + ("." if ctype == "pccc" else f" (which apply to PCCCs; this committee is a {ctype or 'committee'}).")]
