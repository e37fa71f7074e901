"""The conflict engine's contract (issue 3, README "Semantics"), rule by rule, on small graphs."""

from __future__ import annotations

import pytest

from orggraph import engine
from orggraph.engine import UnknownNode
from orggraph.models import node, rel
from tests.test_engine_world import DAY, base, dated, declaration, graph, person, seat


def keys(g) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(c.person_id, c.decision_id) for c in engine.conflicts(g)}


def only(g, pid: str = "GP1", did: str = "DEC1"):  # type: ignore[no-untyped-def]
    found = [c for c in engine.conflicts(g) if (c.person_id, c.decision_id) == (pid, did)]
    assert len(found) == 1, [c.person_id for c in engine.conflicts(g)]
    return found[0]


# ---- decision-makers and parties --------------------------------------------------------------------
def test_decision_makers_are_live_seats_plus_voters() -> None:
    g = graph(base(), person("GP3", "Cara Hollins"), seat("GP3", "PCCC1", "gp", vf="2019-06-02"),
              person("OLD", "Dan Ivesley"), seat("OLD", "PCCC1", "gp", vt="2019-05-31"),
              person("COOPT", "Eve Jarrow"), rel("COOPT", "VOTED_ON", "DEC1"),
              rel("DEC1", "AFFECTS", "PRAC1"))
    assert engine.decision_makers(g, "DEC1") == ["COOPT", "EX1", "EX2", "GP1", "GP2", "LAY1", "LAY2"]
    assert engine.decision_parties(g, "DEC1") == ["FED1", "PRAC1"]


def test_direct_interest_through_a_practice_membership() -> None:
    g = graph(base(), rel("GP1", "PARTNER_IN", "PRAC1", dated("2010-01-01")),
              rel("PRAC1", "MEMBER_OF", "FED1", dated("2016-01-01")))
    c = only(g)
    assert [p.node_ids for p in c.paths] == [["GP1", "PRAC1", "FED1"]]
    assert c.interest_types == ["financial"] and c.direct
    assert c.committee_id == "PCCC1" and c.date == DAY and c.parties == ["FED1"]
    hop = c.paths[0].hops[0]
    assert (hop.from_id, hop.type, hop.to_id, hop.valid_from, hop.from_name) == (
        "GP1", "PARTNER_IN", "PRAC1", "2010-01-01", "Ada Fernley")
    assert keys(g) == {("GP1", "DEC1")}


def test_interest_that_ended_before_the_decision_does_not_count() -> None:
    ended = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1", dated("2016-01-01", "2019-05-31")))
    assert keys(ended) == set()
    on_the_day = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1", dated("2016-01-01", DAY)))
    assert keys(on_the_day) == {("GP1", "DEC1")}  # bounds are inclusive
    not_yet = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1", dated("2019-06-02")))
    assert keys(not_yet) == set()
    # A later org link that is not yet live breaks the chain too.
    chain = graph(base(), rel("GP1", "PARTNER_IN", "PRAC1"), rel("PRAC1", "MEMBER_OF", "FED1", dated("2019-07-01")))
    assert keys(chain) == set()


def test_member_who_joined_after_the_decision_is_not_a_decision_maker() -> None:
    g = graph(base(), person("GP3", "Cara Hollins"), seat("GP3", "PCCC1", "gp", vf="2019-06-02"),
              rel("GP3", "DIRECTOR_OF", "FED1"))
    assert keys(g) == set()
    # ...unless they voted on it anyway.
    g2 = graph(base(), person("GP3", "Cara Hollins"), seat("GP3", "PCCC1", "gp", vf="2019-06-02"),
               rel("GP3", "DIRECTOR_OF", "FED1"), rel("GP3", "VOTED_ON", "DEC1"))
    assert keys(g2) == {("GP3", "DEC1")}
    assert only(g2, "GP3").breach


@pytest.mark.parametrize("stored", ["forwards", "backwards"])
def test_indirect_interest_through_family_either_direction(stored: str) -> None:
    family = (rel("GP1", "FAMILY_OF", "SPOUSE", {"relation": "spouse"}) if stored == "forwards"
              else rel("SPOUSE", "FAMILY_OF", "GP1", {"relation": "spouse"}))
    g = graph(base(), person("SPOUSE", "Fay Fernley"), family, rel("SPOUSE", "DIRECTOR_OF", "FED1"))
    c = only(g)
    assert [p.node_ids for p in c.paths] == [["GP1", "SPOUSE", "FED1"]]
    assert c.interest_types == ["indirect"] and not c.direct
    assert c.paths[0].hops[0].reversed == (stored == "backwards")
    assert "spouse" in c.explanation


def test_family_link_only_first_and_only_once() -> None:
    # A relative's relative is not a close associate; and family after the provider edge never counts.
    g = graph(base(), person("R1", "Gil Kenley"), person("R2", "Hana Kenley"),
              rel("GP1", "FAMILY_OF", "R1"), rel("R1", "FAMILY_OF", "R2"), rel("R2", "DIRECTOR_OF", "FED1"))
    assert keys(g) == set()


def test_paths_longer_than_max_hops() -> None:
    records = [base(), node("VAN1", "Vanguard", {"name": "Testford MCP"}),
               rel("DEC1", "AFFECTS", "VAN1"),
               rel("GP2", "PARTNER_IN", "PRAC2"), rel("PRAC2", "MEMBER_OF", "FED1"),
               rel("FED1", "SHAREHOLDER_OF", "PROV1"), rel("PROV1", "VANGUARD_PARTNER", "VAN1")]
    g = graph(*records)
    c = only(g, "GP2")
    assert [p.node_ids for p in c.paths] == [["GP2", "PRAC2", "FED1"], ["GP2", "PRAC2", "FED1", "PROV1", "VAN1"]]
    short = engine.conflicts(g, max_hops=3)
    assert [p.node_ids for p in short[0].paths] == [["GP2", "PRAC2", "FED1"]]
    assert [len(p.hops) for p in engine.interest_paths(g, "GP2", "VAN1", as_of=DAY, max_hops=4)] == [4]
    assert engine.interest_paths(g, "GP2", "VAN1", as_of=DAY, max_hops=3) == []
    # Through a relative the same chain is five links: beyond the default.
    g2 = graph(*records, person("R1", "Ivo Lanning"), rel("GP1", "FAMILY_OF", "R1"), rel("R1", "PARTNER_IN", "PRAC2"))
    assert [p.node_ids for p in engine.interest_paths(g2, "GP1", "VAN1", as_of=DAY)] == []
    assert len(engine.interest_paths(g2, "GP1", "VAN1", as_of=DAY, max_hops=5)) == 1


def test_structural_decision_and_declaration_paths_never_count() -> None:
    g = graph(base(party="PRAC1"),
              rel("GP1", "EMPLOYED_BY", "CCG1"),  # employed by the commissioner: a commissioning role
              rel("PRAC1", "COMMISSIONED_BY", "CCG1"),
              rel("GP2", "DIRECTOR_OF", "FED1"), rel("PRAC1", "MEMBER_OF", "FED1"),  # org edges go forwards only
              *declaration("DECL1", "EX1", "PRAC1"),  # a declaration is not an interest
              rel("LAY1", "ATTENDED", "MTG1"), rel("LAY1", "VOTED_ON", "DEC1"))
    assert keys(g) == set()
    assert engine.interest_paths(g, "GP1", "PRAC1", as_of=DAY) == []
    # The same employment at a practice is a financial interest.
    g2 = graph(base(party="PRAC1"), rel("GP1", "EMPLOYED_BY", "PRAC1"))
    assert only(g2).interest_types == ["financial"]


@pytest.mark.parametrize(("link", "props", "expected"), [
    ("ADVISES", {"paid": True}, "financial"),
    ("ADVISES", {"paid": False}, "non_financial_professional"),
    ("ADVISES", {}, "non_financial_professional"),
    ("TRUSTEE_OF", {}, "non_financial_personal"),
    ("SHAREHOLDER_OF", {"percent": 5.0}, "financial"),
])
def test_interest_types(link: str, props: dict, expected: str) -> None:
    g = graph(base(party="PROV1"), rel("LAY2", link, "PROV1", props))
    assert only(g, "LAY2").interest_types == [expected]


def test_two_links_to_the_same_organisation_are_two_paths() -> None:
    g = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP1", "SHAREHOLDER_OF", "FED1"),
              rel("GP1", "PARTNER_IN", "PRAC1"), rel("PRAC1", "MEMBER_OF", "FED1"))
    c = only(g)
    assert [[h.type for h in p.hops] for p in c.paths] == [["DIRECTOR_OF"], ["SHAREHOLDER_OF"],
                                                           ["PARTNER_IN", "MEMBER_OF"]]


# ---- declarations -------------------------------------------------------------------------------------
def two_paths(*extra):  # type: ignore[no-untyped-def]
    return graph(base(), rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP1", "PARTNER_IN", "PRAC1"),
                 rel("PRAC1", "MEMBER_OF", "FED1"), *extra)


def test_declared_partial_and_undeclared() -> None:
    assert only(two_paths()).declaration == "undeclared"
    both = only(two_paths(*declaration("DECL1", "GP1", "FED1")))
    assert (both.declaration, both.declaration_ids) == ("declared", ["DECL1"])
    partial = only(two_paths(*declaration("DECL2", "GP1", "PRAC1")))
    assert (partial.declaration, partial.declaration_ids) == ("partial", ["DECL2"])
    assert "not path 1" in partial.explanation
    # Expired, not yet made, a nil return, or someone else's declaration do not count.
    for extra in (declaration("D", "GP1", "FED1", vf="2015-01-01", vt="2019-05-31"),
                  declaration("D", "GP1", "FED1", vf="2019-06-02"),
                  declaration("D", "GP1", None),
                  declaration("D", "GP2", "FED1")):
        assert only(two_paths(*extra)).declaration == "undeclared"


def test_declaration_of_an_indirect_interest_covers_the_relatives_organisation() -> None:
    g = graph(base(), person("R1", "Jo Fernley"), rel("R1", "FAMILY_OF", "GP1"), rel("R1", "DIRECTOR_OF", "FED1"),
              *declaration("DECL1", "GP1", "FED1"))
    assert only(g).declaration == "declared"


# ---- participation ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("extra", "expected"), [
    ([rel("GP1", "VOTED_ON", "DEC1"), rel("GP1", "ATTENDED", "MTG1")], "voted"),
    ([rel("GP1", "WITHDREW_FROM", "DEC1"), rel("GP1", "ATTENDED", "MTG1")], "withdrew"),
    ([rel("GP1", "ATTENDED", "MTG1"), rel("LAY1", "ATTENDED", "MTG1")], "present"),
    ([rel("LAY1", "ATTENDED", "MTG1")], "absent"),
    ([], "unknown"),
])
def test_participation(extra: list, expected: str) -> None:
    g = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1"), *extra)
    c = only(g)
    assert c.participation == expected
    assert c.breach == (expected == "voted")


def test_severity_ranks_a_hidden_vote_above_a_declared_withdrawal() -> None:
    bad = only(graph(base(), rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP1", "VOTED_ON", "DEC1")))
    managed = only(graph(base(), rel("GP1", "PARTNER_IN", "PRAC1"), rel("PRAC1", "MEMBER_OF", "FED1"),
                         *declaration("DECL1", "GP1", "PRAC1"), rel("GP1", "WITHDREW_FROM", "DEC1")))
    assert (bad.severity, bad.score) == ("high", 10)
    assert (managed.severity, managed.score) == ("low", 3)
    assert engine.severity_of(["non_financial_personal"], "declared", "voted") == (4, "medium")


def test_explanation_names_hops_dates_declaration_and_participation() -> None:
    g = graph(base(), rel("GP1", "PARTNER_IN", "PRAC1", dated("2010-01-01", source="partners.csv:7")),
              rel("PRAC1", "MEMBER_OF", "FED1", dated("2016-01-01", "2020-03-31")), rel("GP1", "VOTED_ON", "DEC1"))
    text = only(g).explanation
    for fragment in ("Ada Fernley (GP1)", "Testford PCCC (PCCC1)", "Extended access contract", DAY,
                     "partner in (from 2010-01-01; source partners.csv:7) Hillside Surgery (PRAC1)",
                     "member of (2016-01-01 to 2020-03-31", "Testford GP Federation Ltd (FED1)",
                     "undeclared", "voted on the decision", "breach"):
        assert fragment in text, fragment


# ---- quorum -------------------------------------------------------------------------------------------
def test_quorum_counts_attending_voting_members_without_conflicts() -> None:
    attended = [rel(p, "ATTENDED", "MTG1") for p in ("LAY1", "EX1", "GP1", "GP2")]
    quorate = engine.quorum(graph(base(), *attended), "DEC1")
    assert quorate.quorate and quorate.eligible == ["EX1", "GP1", "GP2", "LAY1"]
    assert quorate.eligible_lay == ["LAY1"]
    assert {e.person_id: e.reason for e in quorate.excluded} == {"EX2": "did not attend the meeting",
                                                                  "LAY2": "did not attend the meeting"}
    # Both GPs conflicted: two eligible left, fewer than the three required.
    g = graph(base(), *attended, rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP2", "PARTNER_IN", "PRAC2"),
              rel("PRAC2", "MEMBER_OF", "FED1"))
    q = engine.quorum(g, "DEC1")
    assert not q.quorate and q.eligible == ["EX1", "LAY1"] and (q.required, q.required_lay) == (3, 1)
    assert [e.person_id for e in q.excluded if e.reason.startswith("conflict")] == ["GP1", "GP2"]
    assert "inquorate" in q.explanation


def test_quorum_without_attendance_counts_every_voting_member_and_needs_a_lay_member() -> None:
    g = graph(base(), rel("LAY1", "TRUSTEE_OF", "PROV1"), rel("LAY2", "ADVISES", "PROV1"),
              rel("DEC1", "AFFECTS", "PROV1"))
    q = engine.quorum(g, "DEC1")
    assert not q.attendance_recorded and q.eligible == ["EX1", "EX2", "GP1", "GP2"]
    assert q.eligible_lay == [] and not q.quorate  # four eligible, but no lay member


# ---- composition --------------------------------------------------------------------------------------
def test_pccc_loses_its_lay_executive_majority_when_a_gp_joins() -> None:
    g = graph(base(), person("GP3", "Cara Hollins"), seat("GP3", "PCCC1", "gp"),
              person("GP4", "Ned Mossley"), seat("GP4", "PCCC1", "gp", vf="2019-10-01"),
              person("HW", "Pat Norley"), seat("HW", "PCCC1", "other", voting=False))
    before = engine.composition(g, "PCCC1", "2019-09-30")
    assert (before.voting_lay_exec, before.voting_gp_clinical, before.ok) == (4, 3, True)
    assert before.chair_id == "LAY1" and before.chair_is_lay
    after = engine.composition(g, "PCCC1", "2019-10-01")
    assert (after.voting_lay_exec, after.voting_gp_clinical) == (4, 4)
    assert not after.lay_exec_majority and not after.ok and after.chair_is_lay
    assert "GP4" in [m.person_id for m in after.members] and "GP4" not in [m.person_id for m in before.members]


def test_pccc_with_a_gp_chair_fails() -> None:
    # A GP takes the chair from April 2019 while the lay chair's seat is still live: not a lay chair.
    g = graph(base(), person("GPC", "Quinn Oakley"), seat("GPC", "PCCC1", "gp", role="chair", vf="2019-04-01"))
    result = engine.composition(g, "PCCC1", DAY)
    assert not result.chair_is_lay and not result.ok and "2 chairs" in result.explanation
    assert engine.composition(g, "PCCC1", "2019-03-01").chair_is_lay
    nobody = graph([r for r in base() if getattr(r, "start", None) != "LAY1"])
    assert not engine.composition(nobody, "PCCC1", DAY).chair_is_lay


# ---- register audit -----------------------------------------------------------------------------------
def test_register_audit_lists_undeclared_interests_in_the_remit() -> None:
    g = graph(base(),
              rel("PRAC1", "COMMISSIONED_BY", "CCG1"), rel("GP1", "PARTNER_IN", "PRAC1"),  # remit: commissioned
              rel("GP2", "DIRECTOR_OF", "FED1"), *declaration("DECL1", "GP2", "FED1"),  # remit: a party, declared
              rel("LAY2", "TRUSTEE_OF", "PROV1"),  # not in the remit
              person("LEFT", "Rae Pelling"), seat("LEFT", "PCCC1", "gp", vt="2019-01-31"),
              rel("LEFT", "PARTNER_IN", "PRAC1"))  # no longer sits on a committee
    found = engine.register_audit(g, "CCG1", "2019-12-31")
    assert [(f.person_id, f.org_id, f.declaration) for f in found] == [
        ("GP1", "PRAC1", "undeclared"), ("GP2", "FED1", "declared")]
    assert found[0].committees == ["PCCC1"] and found[1].declaration_ids == ["DECL1"]
    assert "commissioned by" in found[0].explanation and "a party to 1 decision" in found[1].explanation
    # Before the partnership began there is nothing to declare.
    g2 = graph(list(g.records()), rel("GP2", "PARTNER_IN", "PRAC2", dated("2020-01-01")),
               rel("PRAC2", "COMMISSIONED_BY", "CCG1"))
    assert ("GP2", "PRAC2") not in {(f.person_id, f.org_id) for f in engine.register_audit(g2, "CCG1", "2019-12-31")}
    assert ("GP2", "PRAC2") in {(f.person_id, f.org_id) for f in engine.register_audit(g2, "CCG1", "2020-01-02")}


# ---- filters, order, errors, scan, cache ---------------------------------------------------------------
def test_conflict_filters_and_order() -> None:
    g = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP2", "DIRECTOR_OF", "FED1"),
              node("DEC0", "Decision", {"title": "Earlier award", "date": "2019-05-01"}),
              rel("DEC0", "DECIDED_BY", "PCCC1"), rel("DEC0", "AWARDED_TO", "FED1"))
    everything = [(c.date, c.decision_id, c.person_id) for c in engine.conflicts(g)]
    assert everything == [("2019-05-01", "DEC0", "GP1"), ("2019-05-01", "DEC0", "GP2"),
                          (DAY, "DEC1", "GP1"), (DAY, "DEC1", "GP2")]
    assert [c.decision_id for c in engine.conflicts(g, person="GP2")] == ["DEC0", "DEC1"]
    assert [c.person_id for c in engine.conflicts(g, decision="DEC1")] == ["GP1", "GP2"]
    assert len(engine.conflicts(g, date_from="2019-05-02")) == 2
    assert len(engine.conflicts(g, date_to="2019-05-01")) == 2
    assert len(engine.conflicts(g, committee="PCCC1", commissioner="CCG1")) == 4
    for kwargs in ({"decision": "NOPE"}, {"person": "NOPE"}, {"committee": "GP1"}, {"commissioner": "PCCC1"}):
        with pytest.raises(UnknownNode):
            engine.conflicts(g, **kwargs)
    with pytest.raises(engine.EngineError):
        engine.conflicts(g, date_from="01/05/2019")


def test_scan_summarises_conflicts_quorum_composition_and_audit() -> None:
    g = graph(base(), rel("GP1", "DIRECTOR_OF", "FED1"), rel("GP1", "VOTED_ON", "DEC1"),
              rel("GP2", "DIRECTOR_OF", "FED1"), rel("GP2", "WITHDREW_FROM", "DEC1"),
              *[rel(p, "ATTENDED", "MTG1") for p in ("LAY1", "GP1", "GP2")],
              person("GP3", "Cara Hollins"), seat("GP3", "PCCC1", "gp"), person("GP4", "Ned Mossley"),
              seat("GP4", "PCCC1", "gp"))
    s = engine.scan(g)
    assert (s.decisions, s.conflicts, s.breaches, s.people_with_conflicts) == (1, 2, 1, 2)
    assert s.by_participation["voted"] == 1 and s.by_participation["withdrew"] == 1
    assert s.inquorate == ["DEC1"]  # LAY1 alone is eligible
    assert [(f.committee_id, f.date) for f in s.composition_failures] == [("PCCC1", DAY)]  # 4 GPs vs 4
    assert (s.audit_as_of, s.audit_findings, s.audit_undeclared) == (DAY, 2, 2)


def test_index_follows_the_graph_when_it_changes() -> None:
    g = graph(base())
    assert keys(g) == set()
    g.apply([rel("GP1", "DIRECTOR_OF", "FED1")])
    assert keys(g) == {("GP1", "DEC1")}
    g.g.remove_edge("GP1", "FED1")  # a direct networkx edit: the caller says so
    engine.invalidate(g)
    assert keys(g) == set()
    g.apply([rel("GP2", "DIRECTOR_OF", "FED1", dated(vt="2019-01-01"))])
    assert keys(g) == set()
    g.g.edges["GP2", "FED1", "DIRECTOR_OF|"]["valid_to"] = None  # edited in place: counts unchanged
    engine.invalidate(g)
    assert keys(g) == {("GP2", "DEC1")}


def test_any_paths_for_exploring() -> None:
    g = graph(base(), rel("PRAC1", "COMMISSIONED_BY", "CCG1"))
    paths = engine.any_paths(g, "GP1", "CCG1")
    assert [[(h.from_id, h.type, h.to_id, h.reversed) for h in p] for p in paths] == [
        [("GP1", "SITS_ON", "PCCC1", False), ("PCCC1", "COMMITTEE_OF", "CCG1", False)]]
    assert engine.any_paths(g, "GP1", "CCG1", max_hops=1) == []
    back = engine.any_paths(g, "CCG1", "GP1")
    assert [h.reversed for h in back[0]] == [True, True]
    with pytest.raises(UnknownNode):
        engine.any_paths(g, "GP1", "NOPE")
