"""The demo's meetings (README "Meetings"): what the generator planted on the first ICB's committee, as
its oracle computes it from the world (the story holds), then found exactly by the engine on the store
the demo loaded through the real loaders (its graph CSVs and declarations logs).

The oracle's own rules are checked on small hand-made worlds at the end: each one can fail on its own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from orggraph import engine
from orggraph.models import node, rel
from orggraph.stores.embedded import EmbeddedStore
from orggraph_demo import MeetingLog, MinutedDeclaration, PlantedConflict, World, compute_planted, generate
from orggraph_demo.meeting_rules import agenda_order, failing, rule
from tests.test_demo import run_demo

needs_engine = pytest.mark.skipif(not hasattr(engine, "meeting_brief"), reason="orggraph.engine has no meeting_brief")


@pytest.fixture(scope="module")
def world() -> World:
    return generate("demo", 42)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    base = tmp_path_factory.mktemp("demo_meetings")
    proc = run_demo(base / "graph.json", base / "files")
    return base / "graph.json", proc


def _conflicts_of(world: World, decision: str) -> dict[str, PlantedConflict]:
    return {c.person_id: c for c in world.planted.conflicts.values() if c.decision_id == decision}


# ---- the story, as the oracle computes it from the generated world ----------------------------------------
def test_the_next_meeting_is_planned_after_its_committees_last_decided_one(world: World) -> None:
    planted = world.planted
    nxt = planted.next_meeting
    assert nxt == world.headline["next_meeting"]
    agenda = planted.agendas[nxt]
    assert 3 <= len(agenda) <= 5
    items = [planted.items[d] for d in agenda]
    assert {i.status for i in items} == {"planned"}
    assert [i.item for i in items] == ["PCC24/001", "PCC24/002", "PCC24/003", "PCC24/004"]
    committee = items[0].committee_id
    assert committee == world.headline["icb_committee"]
    decided = [i.date for i in planted.items.values() if i.committee_id == committee and i.status == "decided"]
    assert decided and items[0].date > max(decided)


def test_one_planned_item_is_inquorate_with_co_optable_board_members(world: World) -> None:
    planted = world.planted
    items = [planted.items[d] for d in planted.agendas[planted.next_meeting]]
    inquorate = [i for i in items if not i.quorate]
    assert [i.decision_id for i in inquorate] == [world.headline["next_inquorate_item"]]
    item = inquorate[0]
    assert item.failing == ("total>=4",)
    board = world.headline["icb_board"]
    board_voters = {r.start for r in world.rels if r.type == "SITS_ON" and r.end == board and r.props.get("voting")}
    pccc = {r.start for r in world.rels if r.type == "SITS_ON" and r.end == item.committee_id}
    assert item.co_optable and set(item.co_optable) <= board_voters - pccc
    # A board member with an interest in a party, and board members who sit on the PCCC, are left out.
    assert board_voters - pccc - set(item.co_optable), "every board member is co-optable: nothing is tested"
    assert {a for _, a in item.actions} == {"exclude", "no_vote"}
    assert all(i.co_optable == () for i in items if i.quorate)


def test_the_chair_is_conflicted_in_one_planned_item_and_the_vice_chair_presides(world: World) -> None:
    planted = world.planted
    items = {d: planted.items[d] for d in planted.agendas[planted.next_meeting]}
    chair_item = items[world.headline["next_chair_item"]]
    assert chair_item.presiding_role == "vice_chair" and chair_item.quorate
    chairs = {i.presiding for i in items.values() if i.presiding_role == "chair"}
    assert len(chairs) == 1 and chairs.pop() in dict(chair_item.actions)
    assert [d for d, i in items.items() if i.presiding_role != "chair"] == [chair_item.decision_id]
    # Planned items: nobody has taken part yet, so no breach and nothing known from the meeting.
    for d in items:
        for c in _conflicts_of(world, d).values():
            assert (c.participation, c.breach_kinds, c.declared_at_meeting, c.managed) == ("unknown", (), None, None)


def test_past_meetings_with_logs_plant_each_breach_kind_and_a_managed_conflict(world: World) -> None:
    h = world.headline
    managed = _conflicts_of(world, h["managed_item"])
    assert [(c.declared_at_meeting, c.ruling, c.managed, c.breach_kinds) for c in managed.values()] == [
        (True, "left_room", True, ())]
    against = _conflicts_of(world, h["against_ruling_item"])
    assert [(c.ruling, c.breach_kinds) for c in against.values()] == [
        ("stayed_no_vote", ("voted_while_conflicted", "acted_against_ruling"))]
    silent = _conflicts_of(world, h["silent_vote_item"])
    assert [(c.declared_at_meeting, c.breach_kinds) for c in silent.values()] == [
        (False, ("voted_while_conflicted", "not_declared_at_meeting"))]
    chair_silent = _conflicts_of(world, h["chair_silent_item"])
    assert [(c.participation, c.declared_at_meeting, c.breach_kinds) for c in chair_silent.values()] == [
        ("present", False, ("not_declared_at_meeting",))]
    # Each kind at least once; a meeting without a log leaves declared_at_meeting null.
    kinds = world.planted.by_breach_kind()
    assert {"voted_while_conflicted", "not_declared_at_meeting", "acted_against_ruling"} <= set(kinds)
    headline_icb = _conflicts_of(world, h["icb_decision"])[h["icb_person"]]
    assert (headline_icb.declared_at_meeting, headline_icb.managed, headline_icb.breach_kinds) == (
        None, None, ("voted_while_conflicted",))
    assert world.planted.breaches == [c for c in world.planted.conflicts.values() if c.breach_kinds]


def test_the_deputy_counts_where_the_member_is_absent_and_only_there(world: World) -> None:
    planted, deputy = world.planted, world.headline["icb_deputy"]
    logged = planted.agendas[world.headline["logged_meeting"]]
    assert all(deputy in planted.items[d].eligible for d in logged)
    elsewhere = [i for d, i in planted.items.items() if d not in logged and i.committee_id == world.headline["icb_committee"]]
    assert elsewhere and not any(deputy in i.eligible for i in elsewhere)


# ---- found exactly by the engine on the loaded store --------------------------------------------------------
@needs_engine
def test_the_engine_briefs_the_next_meeting_as_planted(world: World, demo_store: tuple[Path, object]) -> None:
    graph = EmbeddedStore(demo_store[0]).graph()
    planted = world.planted
    brief = engine.meeting_brief(graph, planted.next_meeting)
    assert brief.planned and brief.committee_id == world.headline["icb_committee"]
    assert [i.decision_id for i in brief.items] == planted.agendas[planted.next_meeting]
    assert brief.inquorate_items == [world.headline["next_inquorate_item"]]
    assert [s.meeting_id for s in engine.next_meetings(graph)] == [planted.next_meeting]


@needs_engine
def test_conflicts_by_meeting_are_the_planted_ones(world: World, demo_store: tuple[Path, object]) -> None:
    graph = EmbeddedStore(demo_store[0]).graph()
    planted = world.planted
    for meeting in (world.headline["logged_meeting"], world.headline["silent_meeting"], planted.next_meeting):
        found = {(c.person_id, c.decision_id): tuple(c.breach_kinds) for c in engine.conflicts(graph, meeting=meeting)}
        want = {c.key: c.breach_kinds for c in planted.conflicts.values() if c.meeting_id == meeting}
        assert found == want and want, meeting


# ---- the oracle's rules on small worlds ---------------------------------------------------------------------
def test_agenda_order_is_natural_then_id_with_unreferenced_items_last() -> None:
    items = {"D1": "PCC19/10", "D2": "PCC19/4", "D3": None, "D0": None, "D4": "PCC19/004b"}
    assert agenda_order(items) == ["D2", "D4", "D1", "D0", "D3"]


def test_quorum_rule_and_its_shorthand() -> None:
    assert rule({"quorum_rule": "4; lay>=1; chair | vice_chair>=1"})[0] == 4
    assert failing({"quorum_rule": "3; lay>=1; chair|vice_chair>=1"},
                   {"a": frozenset({"gp", "member"}), "b": frozenset({"lay", "member"})}) == [
        "total>=3", "chair|vice_chair>=1"]
    assert failing({"quorum": 2, "quorum_lay": 1}, {"a": frozenset({"gp"}), "b": frozenset({"executive"})}) == ["lay>=1"]
    assert failing({}, {}) == []


class _Tiny:
    """A world of a few records: a committee with a chair, a vice-chair, members, a deputy, and one item."""

    def __init__(self, logs: list[MeetingLog] | None = None, attended: tuple[str, ...] = (),
                 voted: tuple[str, ...] = (), status: str = "decided"):
        n = [node("K", "CCG", {"name": "K"}), node("C", "Committee", {"name": "C", "quorum_rule": "3; lay>=1; chair|vice_chair>=1"}),
             node("M", "Meeting", {"name": "M", "date": "2020-01-10"}), node("P", "Practice", {"name": "P"}),
             node("D", "Decision", {"title": "D", "date": "2020-01-10", "item": "X/1", "status": status})]
        seats = [("chair", "chair", "lay", None), ("vice", "vice_chair", "lay", None), ("gp", "member", "gp", None),
                 ("exec", "member", "executive", None), ("dep", "member", "executive", "exec")]
        n += [node(p, "Person", {"name": p}) for p, *_ in seats]
        r = [rel("C", "COMMITTEE_OF", "K", {}), rel("M", "HELD_BY", "C", {}), rel("D", "AT_MEETING", "M", {}),
             rel("D", "DECIDED_BY", "C", {}), rel("D", "AWARDED_TO", "P", {}),
             rel("gp", "PARTNER_IN", "P", {}), rel("chair", "ADVISES", "P", {"paid": False})]
        for p, role, mtype, deputy_for in seats:
            r.append(rel(p, "SITS_ON", "C", {"role": role, "member_type": mtype, "voting": True,
                                              **({"deputy_for": deputy_for} if deputy_for else {})}))
        r += [rel(p, "ATTENDED", "M", {}) for p in attended] + [rel(p, "VOTED_ON", "D", {}) for p in voted]
        self.nodes = {x.id: x for x in n}
        self.rels = r
        self.declarations: list = []
        self.logs = logs or []

    def ids(self, label: str) -> list[str]:
        return [k for k, v in self.nodes.items() if v.label == label]


def _log(*rows: tuple[str, str]) -> list[MeetingLog]:
    return [MeetingLog("M", "declarations_M.csv", [MinutedDeclaration("M", "D", p, "", a, "vice", p, "X/1")
                                                   for p, a in rows])]


def test_oracle_actions_presiding_and_quorum_on_a_small_committee() -> None:
    planted = compute_planted(_Tiny())
    item = planted.items["D"]
    # The GP's partnership is financial (exclude); the chair's unpaid advice is not (no vote).
    assert item.actions == (("chair", "no_vote"), ("gp", "exclude"))
    assert (item.presiding, item.presiding_role) == ("vice", "vice_chair")
    # No attendance recorded: members are presumed present, deputies never count: vice and exec = 2 < 3.
    assert (item.quorate, item.failing, item.eligible) == (False, ("total>=3",), frozenset({"vice", "exec"}))


def test_oracle_deputy_stands_in_for_an_absent_member_only() -> None:
    absent = compute_planted(_Tiny(attended=("chair", "vice", "gp", "dep"))).items["D"]
    assert "dep" in absent.eligible and absent.quorate is False
    present = compute_planted(_Tiny(attended=("chair", "vice", "gp", "exec", "dep"))).items["D"]
    assert "dep" not in present.eligible and "exec" in present.eligible


def test_oracle_breach_kinds_and_null_without_a_log() -> None:
    no_log = compute_planted(_Tiny(voted=("gp",))).conflicts[("gp", "D")]
    assert (no_log.declared_at_meeting, no_log.managed, no_log.breach_kinds) == (None, None, ("voted_while_conflicted",))
    silent = compute_planted(_Tiny(logs=_log(), attended=("gp",))).conflicts[("gp", "D")]
    assert (silent.declared_at_meeting, silent.breach_kinds) == (False, ("not_declared_at_meeting",))
    against = compute_planted(_Tiny(logs=_log(("gp", "stayed_no_vote")), voted=("gp",))).conflicts[("gp", "D")]
    assert (against.managed, against.breach_kinds) == (False, ("voted_while_conflicted", "acted_against_ruling"))
    managed = compute_planted(_Tiny(logs=_log(("gp", "left_room")), attended=("gp",))).conflicts[("gp", "D")]
    assert (managed.declared_at_meeting, managed.managed, managed.breach_kinds) == (True, True, ())
    planned = compute_planted(_Tiny(logs=_log(), status="planned")).conflicts[("gp", "D")]
    assert (planned.declared_at_meeting, planned.breach_kinds) == (None, ())
