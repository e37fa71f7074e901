"""Meetings (issue 10, README "Meetings"), rule by rule on small graphs built through the record path:
agenda order, recommended action, presiding, the quorum rule's clauses, deputies, co-optable members,
the minutes' side of a conflict (declared at the meeting, ruling, managed, breach kinds), planned items,
and the meeting questions (brief, committee meetings, next meetings, conflicts of a meeting)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orggraph import engine
from orggraph.engine import UnknownNode
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel
from orggraph.temporal import today
from tests.test_engine_world import DAY, dated, graph, person, seat

LATER = "2019-09-05"


def world(*extra: Record | list[Record], rule: dict[str, Any] | None = None, held_by: bool = True,
          meeting: dict[str, Any] | None = None, items: dict[str, dict[str, Any]] | None = None,
          roles: tuple[str, str] = ("chair", "vice_chair")) -> OrgGraph:
    """A CCG with a PCCC (lay chair CHAIR, lay vice-chair VICE, executives EX1 EX2, GPs GP1 GP2) and a
    governing body GB1 (GB_A lay, GB_Z gp, both voting); meeting MTG1 on DAY held by the PCCC with items
    DEC1 (PCC19/10), DEC2 (PCC19/4) and DEC3 (no reference), each awarded to FED1."""
    spec = rule if rule is not None else {"quorum_rule": "3; lay>=1"}
    items = items if items is not None else {"DEC1": {"item": "PCC19/10"}, "DEC2": {"item": "PCC19/4"}, "DEC3": {}}
    records: list[Record] = [
        node("CCG1", "CCG", {"name": "NHS Testford CCG"}),
        node("PCCC1", "Committee", {"name": "Testford PCCC", "committee_type": "pccc", **spec}),
        rel("PCCC1", "COMMITTEE_OF", "CCG1", {"valid_from": "2015-04-01"}),
        node("GB1", "Committee", {"name": "Testford governing body", "committee_type": "governing_body"}),
        rel("GB1", "COMMITTEE_OF", "CCG1", {"valid_from": "2015-04-01"}),
        person("CHAIR", "Lena Ashby"), person("VICE", "Omar Brookfield"), person("EX1", "Claire Dunmore"),
        person("EX2", "Victor Elmwood"), person("GP1", "Ada Fernley"), person("GP2", "Ben Goldby"),
        seat("CHAIR", "PCCC1", "lay", role=roles[0]), seat("VICE", "PCCC1", "lay", role=roles[1]),
        seat("EX1", "PCCC1", "executive"), seat("EX2", "PCCC1", "executive"),
        seat("GP1", "PCCC1", "gp"), seat("GP2", "PCCC1", "gp"),
        person("GB_Z", "Zoe Hartley"), person("GB_A", "Amir Ingram"),
        seat("GB_Z", "GB1", "gp"), seat("GB_A", "GB1", "lay"),
        node("FED1", "Federation", {"name": "Testford GP Federation Ltd"}),
        node("PRAC1", "Practice", {"name": "Hillside Surgery"}),
        node("MTG1", "Meeting", {"name": "PCCC meeting", "date": DAY, **(meeting or {})}),
    ]
    if held_by:
        records.append(rel("MTG1", "HELD_BY", "PCCC1"))
    for did, props in items.items():
        records += [node(did, "Decision", {"title": f"Contract {did}", "date": DAY, **props}),
                    rel(did, "AT_MEETING", "MTG1"), rel(did, "AWARDED_TO", "FED1")]
    return graph(records, *extra)


def director(pid: str, org: str = "FED1") -> Record:
    return rel(pid, "DIRECTOR_OF", org, dated("2016-01-01"))


def attended(*people: str, meeting: str = "MTG1") -> list[Record]:
    return [rel(p, "ATTENDED", meeting) for p in people]


def declared_at(pid: str, did: str, action: str, ruled_by: str | None = "CHAIR") -> Record:
    return rel(pid, "DECLARED_AT", did, {"action": action, "interest": "Director of the federation",
                                          "ruled_by": ruled_by})


def conflict(g: OrgGraph, pid: str = "GP1", did: str = "DEC1") -> engine.Conflict:
    found = [c for c in engine.conflicts(g, decision=did) if c.person_id == pid]
    assert len(found) == 1, [c.person_id for c in engine.conflicts(g, decision=did)]
    return found[0]


def item_quorum(g: OrgGraph, did: str = "DEC1") -> engine.MeetingQuorum:
    return next(i.quorum for i in engine.meeting_brief(g, "MTG1").items if i.decision_id == did)


EVERYONE = ("CHAIR", "VICE", "EX1", "EX2", "GP1", "GP2")


# ---- agenda and committee -----------------------------------------------------------------------------
def test_agenda_is_in_natural_order_of_item_then_id_and_items_take_the_meetings_committee() -> None:
    g = world(director("GP1"))
    brief = engine.meeting_brief(g, "MTG1")
    assert [(i.decision_id, i.item) for i in brief.items] == [("DEC2", "PCC19/4"), ("DEC1", "PCC19/10"),
                                                              ("DEC3", None)]
    assert (brief.committee_id, brief.commissioner_id, brief.date) == ("PCCC1", "CCG1", DAY)
    # No DECIDED_BY: the decision-makers are the members of the committee that held the meeting.
    assert engine.decision_makers(g, "DEC1") == sorted(EVERYONE)
    assert conflict(g).committee_id == "PCCC1" and conflict(g).meeting_id == "MTG1"
    assert conflict(g).item == "PCC19/10" and conflict(g).status == "decided"


def test_without_held_by_or_decided_by_an_item_has_no_committee() -> None:
    g = world(director("GP1"), held_by=False)
    assert engine.decision_makers(g, "DEC1") == []
    q = item_quorum(g)
    assert not q.quorate and q.failing == ["committee recorded"] and "no committee recorded" in q.explanation


def test_decided_by_wins_over_the_meetings_committee() -> None:
    g = world(node("OTHER", "Committee", {"name": "Other"}), person("X", "Xan Yorke"), seat("X", "OTHER", "lay"),
              rel("DEC1", "DECIDED_BY", "OTHER"))
    assert engine.decision_makers(g, "DEC1") == ["X"]
    assert engine.decision_makers(g, "DEC2") == sorted(EVERYONE)


# ---- recommended action ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("links", "expected"), [
    ([director("GP1")], "exclude"),
    ([rel("GP1", "ADVISES", "FED1", {"paid": True})], "exclude"),
    ([rel("GP1", "ADVISES", "FED1", {"paid": False})], "no_vote"),
    ([person("SP", "Sam Fernley"), rel("GP1", "FAMILY_OF", "SP", {"relation": "spouse"}), director("SP")], "no_vote"),
    ([rel("GP1", "ADVISES", "FED1", {"paid": False}), rel("GP1", "PARTNER_IN", "PRAC1"),
      rel("PRAC1", "MEMBER_OF", "FED1")], "exclude"),
])
def test_recommended_action_is_exclude_when_any_path_is_financial(links: list[Record], expected: str) -> None:
    c = conflict(world(*links))
    assert c.recommended_action == expected
    assert ("Recommended action: exclude" if expected == "exclude" else "Recommended action: no vote") in c.explanation


# ---- presiding ------------------------------------------------------------------------------------------
def test_the_unconflicted_chair_presides() -> None:
    q = item_quorum(world())
    assert (q.presiding, q.presiding_role) == ("CHAIR", "chair")
    assert "Presiding: Lena Ashby (CHAIR), the chair." in q.explanation


def test_vice_chair_presides_when_the_chair_is_conflicted() -> None:
    q = item_quorum(world(director("CHAIR")))
    assert (q.presiding, q.presiding_role) == ("VICE", "vice_chair")
    assert "the vice-chair, as the chair Lena Ashby (CHAIR) is conflicted in the item" in q.explanation


def test_vice_chair_presides_when_the_chair_did_not_attend() -> None:
    g = world(attended("VICE", "EX1", "EX2", "GP1", "GP2"))
    q = item_quorum(g)
    assert (q.presiding, q.presiding_role) == ("VICE", "vice_chair")
    assert "the chair Lena Ashby (CHAIR) did not attend" in q.explanation
    # With no attendance recorded the chair is presumed present.
    assert item_quorum(world()).presiding == "CHAIR"


def test_nobody_presides_when_chair_and_vice_chair_are_conflicted() -> None:
    q = item_quorum(world(director("CHAIR"), director("VICE")))
    assert (q.presiding, q.presiding_role) == (None, None)
    assert "No one can preside" in q.explanation and "(flagged)" in q.explanation


def test_nobody_presides_without_a_chair_or_vice_chair() -> None:
    q = item_quorum(world(roles=("member", "member")))
    assert q.presiding is None and "no chair or vice-chair sits on Testford PCCC (PCCC1)" in q.explanation


# ---- the quorum rule's clauses ---------------------------------------------------------------------------
ROLE_RULE = {"quorum_rule": "3; lay>=1; chair|vice_chair>=1; executive>=2"}


@pytest.mark.parametrize(("links", "failing"), [
    ([], []),
    ([director("EX1")], ["executive>=2"]),
    ([director("CHAIR"), director("VICE")], ["lay>=1", "chair|vice_chair>=1"]),
    ([attended("CHAIR", "EX1")], ["total>=3", "executive>=2"]),
    ([attended("GP1", "GP2"), director("GP1")], ["total>=3", "lay>=1", "chair|vice_chair>=1", "executive>=2"]),
])
def test_each_failing_clause_is_named_in_the_rules_order(links: list[Record], failing: list[str]) -> None:
    q = item_quorum(world(*links, rule=ROLE_RULE))
    assert q.rule == "3; lay>=1; chair|vice_chair>=1; executive>=2"
    assert (q.quorate, q.failing) == (not failing, failing)
    if failing:
        assert "Inquorate after the recommended exclusions (failing " in q.explanation
        for clause in failing:
            assert f"`{clause}`" in q.explanation
    else:
        assert "Quorate after the recommended exclusions." in q.explanation


def test_failing_clause_in_words_and_in_the_decision_quorum() -> None:
    g = world(director("EX1"), rule=ROLE_RULE)
    assert "(failing `executive>=2`, at least 2 executive members)" in item_quorum(g).explanation
    q = engine.quorum(g, "DEC1")
    assert (q.quorate, q.failing, q.rule, q.required, q.required_lay) == (
        False, ["executive>=2"], "3; lay>=1; chair|vice_chair>=1; executive>=2", 3, 1)
    assert "inquorate (failing `executive>=2`, at least 2 executive members)" in q.explanation
    chair = item_quorum(world(director("CHAIR"), director("VICE"), rule=ROLE_RULE)).explanation
    assert "`chair|vice_chair>=1`, at least 1 chair or vice-chair" in chair


@pytest.mark.parametrize("links", [
    [], [director("CHAIR")], [director("CHAIR"), director("VICE")], [attended("CHAIR", "GP1", "GP2")],
    [attended("EX1", "EX2", "GP1", "VICE"), director("VICE")], [director("EX1"), director("GP1"), director("GP2")],
])
def test_quorum_and_quorum_lay_are_shorthand_for_the_rule(links: list[Record]) -> None:
    short = world(*links, rule={"quorum": 3, "quorum_lay": 2})
    full = world(*links, rule={"quorum_rule": "3; lay>=2"})
    for did in ("DEC1", "DEC2"):
        a, b = engine.quorum(short, did), engine.quorum(full, did)
        assert (a.quorate, a.failing, a.eligible, a.required, a.required_lay, a.rule) == (
            b.quorate, b.failing, b.eligible, b.required, b.required_lay, b.rule)
        qa, qb = item_quorum(short, did), item_quorum(full, did)
        assert (qa.quorate, qa.failing, qa.eligible, qa.rule) == (qb.quorate, qb.failing, qb.eligible, qb.rule)


def test_a_committee_without_a_rule_is_quorate_with_anyone() -> None:
    q = item_quorum(world(director("CHAIR"), director("VICE"), director("EX1"), rule={}))
    assert (q.rule, q.quorate, q.failing) == ("0", True, [])


# ---- deputies -------------------------------------------------------------------------------------------
EXEC_RULE = {"quorum_rule": "2; executive>=2"}


def deputy(for_whom: str = "EX1") -> list[Record]:
    return [person("DEP", "Dee Paxton"),
            rel("DEP", "SITS_ON", "PCCC1", {"role": "member", "member_type": "gp", "voting": False,
                                             "deputy_for": for_whom, "valid_from": "2018-04-01"})]


def test_a_deputy_counts_in_the_absent_members_place_and_type() -> None:
    g = world(deputy(), attended("EX2", "DEP", "CHAIR"), rule=EXEC_RULE)
    q = item_quorum(g)
    assert q.quorate and "DEP" in q.eligible and q.deputies == {"DEP": "EX1"}
    assert "Dee Paxton (DEP) counts in place of Claire Dunmore (EX1), who did not attend, as their deputy." in q.explanation
    assert "DEP" in engine.decision_makers(g, "DEC1")
    assert engine.quorum(g, "DEC1").deputies == {"DEP": "EX1"}


def test_a_deputy_does_not_count_when_the_member_attended() -> None:
    g = world(deputy(), attended("EX1", "EX2", "DEP"), rule={"quorum_rule": "3"})
    q = item_quorum(g)
    assert "DEP" not in q.eligible and q.deputies == {} and q.failing == ["total>=3"]
    assert "DEP" not in engine.decision_makers(g, "DEC1")


def test_a_deputy_never_counts_without_attendance_recorded() -> None:
    g = world(deputy(), director("DEP"), rule=EXEC_RULE)
    assert "DEP" not in item_quorum(g).eligible
    assert "DEP" not in engine.decision_makers(g, "DEC1")
    assert [c.person_id for c in engine.conflicts(g)] == []  # not a decision-maker, so no conflict
    # ...unless the deputy voted.
    voted = world(deputy(), director("DEP"), rel("DEP", "VOTED_ON", "DEC1"), rule=EXEC_RULE)
    assert conflict(voted, "DEP").breach_kinds == ["voted_while_conflicted"]


def test_a_conflicted_deputy_is_out_of_the_count_and_the_members_place_stays_empty() -> None:
    g = world(deputy(), director("DEP"), attended("EX2", "DEP"), rule=EXEC_RULE)
    q = item_quorum(g)
    assert not q.quorate and q.failing == ["total>=2", "executive>=2"] and q.eligible == ["EX2"]
    assert [(e.person_id, e.member_type) for e in q.excluded if e.person_id in ("DEP", "EX1")] == [
        ("DEP", "executive"), ("EX1", "executive")]
    assert conflict(g, "DEP").recommended_action == "exclude"


# ---- co-optable -----------------------------------------------------------------------------------------
def test_co_optable_are_unconflicted_live_voting_members_of_the_commissioners_other_committees() -> None:
    extra = [
        director("GP1"),
        person("GB_C", "Cal Jensen"), seat("GB_C", "GB1", "executive", voting=False),  # not voting
        person("GB_D", "Dora Kemp"), seat("GB_D", "GB1", "lay", vt="2019-05-31"),  # seat ended
        person("GB_E", "Eli Lowther"), seat("GB_E", "GB1", "gp"), director("GB_E"),  # conflicted in the item
        person("GB_F", "Fern Moss"), seat("GB_F", "GB1", "gp"), rel("GB_F", "PARTNER_IN", "PRAC1"),  # not a party
        seat("EX2", "GB1", "executive"),  # holds a seat on the PCCC itself
        node("CCG2", "CCG", {"name": "NHS Otherford CCG"}), node("GB2", "Committee", {"name": "Otherford GB"}),
        rel("GB2", "COMMITTEE_OF", "CCG2"), person("GB_G", "Gil North"), seat("GB_G", "GB2", "lay"),  # other CCG
    ]
    q = item_quorum(world(*extra, rule={"quorum_rule": "6"}))
    assert not q.quorate and q.co_optable == ["GB_A", "GB_F", "GB_Z"]
    assert "co-optable: Amir Ingram (GB_A), Fern Moss (GB_F), Zoe Hartley (GB_Z)." in q.explanation
    # Only when inquorate.
    assert item_quorum(world(*extra, rule={"quorum_rule": "5"})).co_optable == []


def test_co_optable_needs_the_other_committee_to_be_the_commissioners_on_the_day() -> None:
    g = world(director("GP1"), rule={"quorum_rule": "6"})
    ended = OrgGraph()
    ended.apply([*world_records_without_gb_link(), rel("GB1", "COMMITTEE_OF", "CCG1",
                                                       {"valid_from": "2015-04-01", "valid_to": "2019-05-31"})])
    assert item_quorum(g).co_optable == ["GB_A", "GB_Z"]
    assert item_quorum(ended).co_optable == []


def world_records_without_gb_link() -> list[Record]:
    g = world(director("GP1"), rule={"quorum_rule": "6"})
    out: list[Record] = [node(n, d["label"], {k: v for k, v in d.items() if k not in ("label", "source")})
                         for n, d in g.g.nodes(data=True)]
    out += [rel(u, d["type"], v, {k: val for k, val in d.items() if k not in ("type", "source")})
            for u, v, d in g.g.edges(data=True) if not (u == "GB1" and d["type"] == "COMMITTEE_OF")]
    return out


# ---- the minutes: declared at the meeting, ruling, managed, breach kinds ---------------------------------
LOGGED = {"declarations_recorded": True}


@pytest.mark.parametrize(("extra", "declared", "ruling", "managed", "kinds"), [
    # no log: declared at the meeting is unknown
    ([rel("GP1", "VOTED_ON", "DEC1")], None, None, None, ["voted_while_conflicted"]),
    ([attended("GP1", "CHAIR")], None, None, None, []),
    # a log, nothing declared
    ([rel("GP1", "VOTED_ON", "DEC1"), LOGGED], False, None, False, ["voted_while_conflicted", "not_declared_at_meeting"]),
    ([attended("GP1", "CHAIR"), LOGGED], False, None, False, ["not_declared_at_meeting"]),
    ([attended("CHAIR"), LOGGED], False, None, False, []),  # absent: nothing to declare
    # declared, ruled out of the vote
    ([declared_at("GP1", "DEC1", "left_room"), LOGGED], True, "left_room", True, []),
    ([declared_at("GP1", "DEC1", "stayed_no_vote"), attended("GP1"), LOGGED], True, "stayed_no_vote", True, []),
    ([declared_at("GP1", "DEC1", "left_room"), rel("GP1", "VOTED_ON", "DEC1"), LOGGED], True, "left_room", False,
     ["voted_while_conflicted", "acted_against_ruling"]),
    # declared, allowed to take part
    ([declared_at("GP1", "DEC1", "participated"), rel("GP1", "VOTED_ON", "DEC1"), LOGGED], True, "participated",
     False, ["voted_while_conflicted"]),
    # a declaration is minuted even when the log flag was not set
    ([declared_at("GP1", "DEC1", "left_room")], True, "left_room", True, []),
])
def test_declared_at_meeting_ruling_managed_and_breach_kinds(extra: list[Any], declared: bool | None,
                                                            ruling: str | None, managed: bool | None,
                                                            kinds: list[str]) -> None:
    meeting = next((x for x in extra if isinstance(x, dict)), None)
    g = world(director("GP1"), *[x for x in extra if not isinstance(x, dict)], meeting=meeting)
    c = conflict(g)
    assert (c.declared_at_meeting, c.ruling, c.managed, c.breach_kinds, c.breach) == (
        declared, ruling, managed, kinds, bool(kinds))
    if declared is False:
        assert "At the meeting: not declared" in c.explanation
    if declared:
        assert "Declared at the meeting as \"Director of the federation\"" in c.explanation
    for k in kinds:
        assert {"voted_while_conflicted": "voted while conflicted", "not_declared_at_meeting": "not declared at the meeting",
                "acted_against_ruling": "ruled the member out of the vote"}[k] in c.explanation


# ---- planned items --------------------------------------------------------------------------------------
def test_planned_items_speak_in_the_future_and_are_never_a_breach() -> None:
    items = {"DEC1": {"item": "PCC19/10", "status": "planned"}}
    g = world(director("GP1"), rel("GP1", "VOTED_ON", "DEC1"), attended("CHAIR"), items=items, meeting=LOGGED,
              rule={"quorum_rule": "6"})
    c = conflict(g)
    assert (c.status, c.participation, c.breach_kinds, c.breach, c.declared_at_meeting, c.managed) == (
        "planned", "unknown", [], False, None, None)
    assert f"is due to be taken on {DAY} at PCCC meeting (MTG1), item PCC19/10" in c.explanation
    assert "sits on Testford PCCC (PCCC1)" in c.explanation and "has not been taken yet" in c.explanation
    q = item_quorum(g)
    assert not q.quorate and "The item should be deferred, referred to another committee, or unconflicted" in q.explanation
    brief = engine.meeting_brief(g, "MTG1")
    assert brief.planned and brief.breaches == 0


def test_a_planned_item_declared_in_advance_is_declared() -> None:
    items = {"DEC1": {"status": "planned"}}
    c = conflict(world(director("GP1"), declared_at("GP1", "DEC1", "left_room"), items=items))
    assert (c.declared_at_meeting, c.ruling, c.managed, c.breach_kinds) == (True, "left_room", None, [])
    assert "Declared in advance of the meeting" in c.explanation


def test_past_statuses_are_worded() -> None:
    g = world(director("GP1"), items={"DEC1": {"status": "deferred"}, "DEC2": {"status": "referred"}})
    assert "was deferred on" in conflict(g).explanation
    assert "was referred elsewhere on" in conflict(g, did="DEC2").explanation


# ---- the meeting questions ------------------------------------------------------------------------------
def two_meetings(*extra: Record | list[Record]) -> OrgGraph:
    """MTG1 (DAY, past, logged) and MTG2 (LATER, planned items) of the PCCC, and MTG0 of the governing body."""
    return world(
        director("GP1"), rel("GP1", "VOTED_ON", "DEC1"), attended("GP1", "CHAIR", "VICE", "EX1"),
        node("MTG2", "Meeting", {"name": "PCCC September", "date": LATER}), rel("MTG2", "HELD_BY", "PCCC1"),
        node("DEC4", "Decision", {"title": "LIS 2019/20", "date": LATER, "item": "PCC19/20", "status": "planned"}),
        rel("DEC4", "AT_MEETING", "MTG2"), rel("DEC4", "AFFECTS", "FED1"),
        node("DEC5", "Decision", {"title": "Estates", "date": LATER, "item": "PCC19/21", "status": "planned"}),
        rel("DEC5", "AT_MEETING", "MTG2"), rel("DEC5", "AFFECTS", "PRAC1"),
        node("MTG0", "Meeting", {"name": "GB June", "date": "2019-06-10"}), rel("MTG0", "HELD_BY", "GB1"),
        node("DEC6", "Decision", {"title": "Budget", "date": "2019-06-10", "status": "planned"}),
        rel("DEC6", "AT_MEETING", "MTG0"), *extra,
        meeting=LOGGED, rule={"quorum_rule": "4; lay>=1"})


def test_meeting_brief_counts_and_composition() -> None:
    g = two_meetings()
    brief = engine.meeting_brief(g, "MTG1", max_hops=3)
    assert (brief.meeting_name, brief.declarations_recorded, brief.planned, brief.max_hops) == (
        "PCCC meeting", True, False, 3)
    # GP1 conflicted in all three items (voted on DEC1); attendance GP1, CHAIR, VICE, EX1 leaves 3 < 4.
    assert brief.conflicts == 3 and brief.breaches == 3
    assert brief.inquorate_items == ["DEC2", "DEC1", "DEC3"]
    assert brief.composition is not None and brief.composition.chair_id == "CHAIR"
    assert brief.generated_on == today()
    assert [c.person_id for c in brief.items[1].conflicts] == ["GP1"]
    assert brief.items[1].party_names == {"FED1": "Testford GP Federation Ltd"}


def test_committee_meetings_with_badges() -> None:
    g = two_meetings()
    rows = engine.committee_meetings(g, "PCCC1")
    assert [(r.meeting_id, r.date, r.items, r.conflicts, r.breaches, r.inquorate_items, r.planned) for r in rows] == [
        ("MTG1", DAY, 3, 3, 3, 3, False), ("MTG2", LATER, 2, 1, 0, 0, True)]
    assert [r.meeting_id for r in engine.committee_meetings(g, "GB1")] == ["MTG0"]
    with pytest.raises(UnknownNode):
        engine.committee_meetings(g, "MTG1")


def test_next_meetings_are_those_with_planned_items_soonest_first() -> None:
    g = two_meetings()
    assert [m.meeting_id for m in engine.next_meetings(g)] == ["MTG0", "MTG2"]
    assert [m.meeting_id for m in engine.next_meetings(g, after="2019-06-11")] == ["MTG2"]
    assert [m.meeting_id for m in engine.next_meetings(g, after=LATER)] == ["MTG2"]  # on the day counts
    assert [m.meeting_id for m in engine.next_meetings(g, limit=1)] == ["MTG0"]
    assert engine.next_meetings(g, after="2020-01-01") == []
    with pytest.raises(engine.EngineError):
        engine.next_meetings(g, limit=-1)


def test_conflicts_of_a_meeting_are_its_items_in_agenda_order() -> None:
    g = two_meetings()
    assert [c.decision_id for c in engine.conflicts(g, meeting="MTG1")] == ["DEC2", "DEC1", "DEC3"]
    assert [c.decision_id for c in engine.conflicts(g, meeting="MTG2")] == ["DEC4"]
    assert engine.conflicts(g, meeting="MTG1", decision="DEC4") == []
    with pytest.raises(UnknownNode):
        engine.conflicts(g, meeting="DEC1")
    with pytest.raises(UnknownNode):
        engine.meeting_brief(g, "NOPE")


def test_scan_counts_breach_kinds_and_planned_items() -> None:
    g = two_meetings(person("GP9", "Gus Oakes"), seat("GP9", "PCCC1", "gp"), director("GP9"),
                     declared_at("GP9", "DEC2", "left_room"), rel("GP9", "VOTED_ON", "DEC2"), attended("GP9"))
    s = engine.scan(g)
    every = engine.conflicts(g)
    assert s.planned_items == 3
    assert s.breaches == sum(1 for c in every if c.breach_kinds)
    assert s.by_breach_kind == {k: sum(k in c.breach_kinds for c in every) for k in (
        "voted_while_conflicted", "not_declared_at_meeting", "acted_against_ruling")}
    assert s.by_breach_kind["acted_against_ruling"] == 1 and s.by_breach_kind["not_declared_at_meeting"] >= 1


# ---- properties -----------------------------------------------------------------------------------------
MEMBER_TYPES = ("lay", "executive", "gp", "clinical")
ROLES = ("chair", "vice_chair", "member")
CLAUSE_WORDS = ("lay", "executive", "gp", "chair|vice_chair", "lay|executive")


@st.composite
def meetings(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 6))
    members = [(f"M{i}", draw(st.sampled_from(MEMBER_TYPES)), draw(st.sampled_from(ROLES)), draw(st.booleans()))
               for i in range(n)]
    clauses = draw(st.lists(st.tuples(st.sampled_from(CLAUSE_WORDS), st.integers(0, 2)), max_size=3))
    rule = "; ".join([str(draw(st.integers(0, n + 1))), *(f"{w}>={k}" for w, k in clauses)])
    record_attendance = draw(st.booleans())
    return {
        "members": members, "rule": rule, "attendance": record_attendance,
        "present": {m for m, *_ in members if record_attendance and draw(st.booleans())},
        "conflicted": {m for m, *_ in members if draw(st.booleans())},
        "voted": {m for m, *_ in members if draw(st.booleans())},
        "declared": {m: draw(st.sampled_from(("left_room", "stayed_no_vote", "participated")))
                     for m, *_ in members if draw(st.booleans())},
        "status": draw(st.sampled_from(("decided", "planned", "deferred"))),
        "logged": draw(st.sampled_from((None, False, True))),
        "deputy": draw(st.booleans()),
    }


def meeting_world(spec: dict[str, Any], extra: list[Record] | None = None) -> OrgGraph:
    records: list[Record] = [
        node("CCG1", "CCG", {"name": "CCG"}), node("C", "Committee", {"quorum_rule": spec["rule"]}),
        rel("C", "COMMITTEE_OF", "CCG1"), node("FED1", "Federation", {"name": "Fed"}),
        node("PRAC1", "Practice", {"name": "Prac"}),
        node("MTG", "Meeting", {"date": DAY, **({"declarations_recorded": spec["logged"]}
                                               if spec["logged"] is not None else {})}),
        rel("MTG", "HELD_BY", "C"),
        node("D1", "Decision", {"date": DAY, "item": "2", "status": spec["status"]}),
        node("D2", "Decision", {"date": DAY, "item": "10"}),
        rel("D1", "AT_MEETING", "MTG"), rel("D2", "AT_MEETING", "MTG"),
        rel("D1", "AWARDED_TO", "FED1"), rel("D2", "AFFECTS", "PRAC1"), rel("PRAC1", "MEMBER_OF", "FED1"),
    ]
    for pid, mtype, role, voting in spec["members"]:
        records += [person(pid, pid), seat(pid, "C", mtype, role=role, voting=voting)]
        if pid in spec["present"]:
            records.append(rel(pid, "ATTENDED", "MTG"))
        if pid in spec["conflicted"]:
            records.append(director(pid, "FED1") if int(pid[1:]) % 2 else rel(pid, "PARTNER_IN", "PRAC1"))
        if pid in spec["voted"]:
            records.append(rel(pid, "VOTED_ON", "D1"))
        if pid in spec["declared"]:
            records.append(declared_at(pid, "D1", spec["declared"][pid]))
    if spec["deputy"]:
        records += [person("DEP", "DEP"), rel("DEP", "SITS_ON", "C", {"member_type": "gp", "deputy_for": "M0"}),
                    rel("DEP", "ATTENDED", "MTG")]
    return graph(records, *(extra or []))


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(meetings(), st.sampled_from(MEMBER_TYPES), st.sampled_from(ROLES))
def test_an_unconflicted_attending_voting_member_never_makes_a_quorate_item_inquorate(
        spec: dict[str, Any], mtype: str, role: str) -> None:
    before = meeting_world(spec)
    newcomer: list[Record] = [person("NEW", "NEW"), seat("NEW", "C", mtype, role=role)]
    if spec["attendance"]:
        newcomer.append(rel("NEW", "ATTENDED", "MTG"))
    after = meeting_world(spec, newcomer)
    for a, b in zip(engine.meeting_brief(before, "MTG").items, engine.meeting_brief(after, "MTG").items, strict=True):
        assert not a.quorum.quorate or b.quorum.quorate, (a.quorum.explanation, b.quorum.explanation)
        assert engine.quorum(before, a.decision_id).quorate <= engine.quorum(after, a.decision_id).quorate


@PROPS
@given(meetings())
def test_a_meeting_without_a_log_never_yields_not_declared_at_meeting(spec: dict[str, Any]) -> None:
    spec = {**spec, "logged": None if spec["logged"] is None else False}  # no log, or a log not taken
    for c in engine.conflicts(meeting_world(spec)):
        assert "not_declared_at_meeting" not in c.breach_kinds
        assert c.declared_at_meeting in (None, True)


@PROPS
@given(meetings())
def test_a_meetings_conflicts_are_its_items_conflicts_and_the_briefs(spec: dict[str, Any]) -> None:
    g = meeting_world(spec)
    brief = engine.meeting_brief(g, "MTG")
    assert [i.decision_id for i in brief.items] == ["D1", "D2"]  # 2 before 10
    per_item = [c for i in brief.items for c in engine.conflicts(g, decision=i.decision_id)]
    assert engine.conflicts(g, meeting="MTG") == per_item
    for i in brief.items:
        assert i.conflicts == engine.conflicts(g, decision=i.decision_id)
    assert brief.conflicts == len(per_item) and brief.breaches == sum(c.breach for c in per_item)
    for c in per_item:
        assert c.breach == bool(c.breach_kinds)
        if c.status == "planned":
            assert c.breach_kinds == [] and c.participation == "unknown"
        assert c.recommended_action == ("exclude" if "financial" in c.interest_types else "no_vote")
