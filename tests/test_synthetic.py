"""The synthetic health economy: deterministic, valid, synthetic people, ids that cannot be ODS codes,
both scales from the same code, and the scenarios the demo promises actually planted."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from orggraph.graph import OrgGraph
from orggraph.models import Node, node, rel
from orggraph_demo import FIRST_NAMES, SURNAMES, World, generate

# ODS and ONS codes are capital letters and digits only (A81001, 00C, RXX01, E38000001, U12345).
ODS_SHAPE = re.compile(r"^[A-Z0-9]{3,9}$")


def canonical(world: World) -> dict:
    g = OrgGraph()
    result = g.apply(world.records)
    assert not result.rejected
    return g.to_data()


@pytest.fixture(scope="module")
def demo() -> World:
    return generate("demo", 42)


@pytest.fixture(scope="module")
def national() -> World:
    return generate("national", 42)


def test_same_seed_same_world_and_register(demo: World) -> None:
    again = generate("demo", 42)
    assert canonical(again) == canonical(demo)
    assert again.register_entries == demo.register_entries
    assert again.planted == demo.planted


def test_different_seed_differs(demo: World) -> None:
    other = generate("demo", 7)
    assert canonical(other) != canonical(demo)
    assert other.register_entries != demo.register_entries


def test_every_record_validates_and_fits_the_graph(demo: World) -> None:
    for rec in demo.records:
        if isinstance(rec, Node):
            again = node(rec.id, rec.label, rec.props)
        else:
            again = rel(rec.start, rec.type, rec.end, rec.props)
        assert again == rec
    g = OrgGraph()
    result = g.apply(demo.records)
    assert result.rejected == []
    assert g.g.number_of_nodes() == len(demo.nodes)
    assert g.g.number_of_edges() == len(demo.rels)


def test_every_record_says_it_is_synthetic(demo: World) -> None:
    sources = Counter(rec.props.get("source") for rec in demo.records)
    assert sources == {"synthetic:demo:seed42": len(demo.records)}


def test_people_are_synthetic_and_uniquely_named(demo: World) -> None:
    names = [n.props["name"] for n in demo.nodes.values() if n.label == "Person"]
    assert len(names) == len(set(names)), "register matching by name needs unique names"
    first, surnames = set(FIRST_NAMES), set(SURNAMES)
    for name in names:
        given, family = name.split(" ")
        assert given in first and family in surnames, name


def test_ids_cannot_be_ods_codes(demo: World, real_data: Path) -> None:
    real: set[str] = set()
    with (real_data / "epraccur_2019-11.csv").open(newline="", encoding="utf-8-sig") as fh:
        real |= {row[0] for row in csv.reader(fh) if row}
    with (real_data / "etr_c2016_nhsparse.csv").open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        real |= {row[0] for row in csv.reader(fh) if row}
    with (real_data / "ons_ccg19_stp19_apr2019.csv").open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            real |= {row["CCG19CD"], row["CCG19CDH"], row["STP19CD"]}
    assert len(real) > 14_000
    ids = set(demo.nodes)
    assert not ids & real
    assert all(i.startswith("SYN-") and not ODS_SHAPE.match(i) for i in ids)


def test_register_rows_have_the_writer_keys(demo: World) -> None:
    keys = {"name", "position", "declared_interest", "interest_type", "direct", "nature", "date_from",
            "date_to", "mitigation"}
    assert demo.register_entries and all(set(e) == keys for e in demo.register_entries)
    texts = [e["declared_interest"] for e in demo.register_entries]
    assert "Nil" in texts  # nil returns
    assert any(e["name"].startswith("Dr ") for e in demo.register_entries)
    assert any(e["date_to"] == "2019-03-31" for e in demo.register_entries)  # a stale entry
    names = {n.props["name"] for n in demo.nodes.values() if n.label != "Person"}
    assert any(t not in names and t != "Nil" for t in texts)  # organisations written differently


def test_demo_plants_every_kind_of_finding(demo: World) -> None:
    planted = demo.planted
    conflicts = list(planted.conflicts.values())
    assert {c.declaration for c in conflicts} == {"declared", "partial", "undeclared"}
    assert {c.participation for c in conflicts} == {"voted", "withdrew", "present", "absent", "unknown"}
    assert any(not c.direct for c in conflicts) and any("indirect" in c.interest_types for c in conflicts)
    assert {"financial", "non_financial_personal"} <= {t for c in conflicts for t in c.interest_types}
    assert planted.inquorate
    # Indirect conflicts through relatives, with the FAMILY_OF link stored in both directions.
    family = {(r.start, r.end) for r in demo.rels if r.type == "FAMILY_OF"}
    first_hops = {p[:2] for c in conflicts if not c.direct for p in c.paths if len(p) > 1}
    assert {hop for hop in first_hops if hop in family}, "a link stored person -> relative"
    assert {hop for hop in first_hops if hop[::-1] in family}, "a link stored relative -> person"

    # The headline: a federation director on the PCCC who declared nothing and voted on its award.
    head = planted.conflicts[(demo.headline["person"], demo.headline["decision"])]
    assert (head.declaration, head.participation, head.direct) == ("undeclared", "voted", True)
    assert "financial" in head.interest_types


def test_pccc_loses_its_majority_when_a_gp_joins(demo: World) -> None:
    failures = demo.planted.composition_failures
    assert list(failures) == ["SYN-COM-001-PCCC"]
    days = failures["SYN-COM-001-PCCC"]
    assert days[0] == "2019-10-01" and days[-1] == "2020-03-31" and len(days) == 183
    joiner = [r for r in demo.rels if r.type == "SITS_ON" and r.props.get("valid_from") == "2019-10-01"]
    assert len(joiner) == 1 and joiner[0].props["member_type"] == "gp"


def test_members_who_joined_after_and_interests_that_ended(demo: World) -> None:
    planted = demo.planted
    joiner = next(r.start for r in demo.rels if r.type == "SITS_ON" and r.props.get("valid_from") == "2019-10-01")
    joined = [c for c in planted.conflicts.values() if c.person_id == joiner]
    assert joined and all(c.date >= "2019-10-01" for c in joined)
    ended = [r for r in demo.rels if r.props.get("valid_to") and "2019-04-01" <= r.props["valid_to"] < "2020-03-31"
             and r.type in ("PARTNER_IN", "DIRECTOR_OF", "SITS_ON")]
    assert ended


def test_walk_follows_the_rules_on_a_small_world() -> None:
    """The generator's own walk: family either way, structure never, max 4 hops, dates respected."""
    from orggraph_demo.oracle import Walk as _Walk

    labels = {"gp": "Person", "wife": "Person", "p1": "Practice", "f1": "Federation", "co": "Provider",
              "v1": "Vanguard", "ccg": "CCG"}
    rels = [rel("gp", "PARTNER_IN", "p1", {"valid_from": "2010-01-01"}),
            rel("p1", "MEMBER_OF", "f1", {}), rel("f1", "SHAREHOLDER_OF", "co", {}),
            rel("co", "VANGUARD_PARTNER", "v1", {}),
            rel("p1", "COMMISSIONED_BY", "ccg", {}),
            rel("wife", "FAMILY_OF", "gp", {}),
            rel("wife", "DIRECTOR_OF", "co", {"valid_to": "2019-05-31"})]
    walk = _Walk(labels, rels)
    assert sorted(walk.paths("gp", {"co"}, "2019-05-01")) == [
        (("gp", "p1", "f1", "co"), "financial"), (("gp", "wife", "co"), "indirect")]
    assert walk.paths("gp", {"co"}, "2019-06-01") == [(("gp", "p1", "f1", "co"), "financial")]
    assert walk.paths("gp", {"v1"}, "2019-06-01") == [(("gp", "p1", "f1", "co", "v1"), "financial")]
    assert walk.paths("gp", {"ccg"}, "2019-06-01") == []  # structure is never an interest
    assert walk.paths("wife", {"v1"}, "2019-05-01") == [(("wife", "co", "v1"), "financial")]
    assert walk.paths("wife", {"p1"}, "2019-05-01") == [(("wife", "gp", "p1"), "indirect")]
    assert walk.paths("gp", {"p1"}, "2009-12-31") == []


def test_national_scale_from_the_same_code(national: World) -> None:
    counts = national.counts()["nodes"]
    assert 6_500 <= counts["Practice"] <= 7_500
    assert 40_000 <= counts["Person"] <= 50_000
    assert counts["CCG"] == 200 and counts["Federation"] == 1_000 and counts["Vanguard"] == 50
    assert 9_000 <= counts["Decision"] <= 11_000
    # The ICB era: one ICB per STP footprint (five CCGs each), each with its own PCCC.
    assert counts["ICB"] == counts["STP"] == 40
    types = Counter(n.props["committee_type"] for n in national.nodes.values() if n.label == "Committee")
    assert types == {"pccc": 240, "governing_body": 201}  # the CCGs' governing bodies and the first ICB's board
    committees_of = Counter(r.end for r in national.rels if r.type == "COMMITTEE_OF")
    assert {k: v for k, v in committees_of.items() if national.label(k) == "CCG"} == dict.fromkeys(
        national.ids("CCG"), 2)
    # Each ICB's PCCC, and the first ICB's board (its members can be co-opted: test_demo_meetings).
    assert {k: v for k, v in committees_of.items() if national.label(k) == "ICB"} == {
        k: 2 if k == "SYN-ICB-1" else 1 for k in national.ids("ICB")}
    in_icb = Counter(r.end for r in national.rels if r.type == "IN_ICB")
    assert set(in_icb.values()) == {5} and len(in_icb) == 40
    names = [n.props["name"] for n in national.nodes.values() if n.label == "Person"]
    assert len(names) == len(set(names))
    assert {r.props["source"] for r in national.rels[:1000]} == {"synthetic:national:seed42"}


def test_real_practices_and_ccgs_with_ods(real_data: Path) -> None:
    from orggraph_cli.demo_command import load_ods

    ods = load_ods(real_data)
    world = generate("demo", 42, ods)
    real_codes = {p.code for p in ods.practices}
    practices = [nid for nid, n in world.nodes.items() if n.label == "Practice"]
    ccgs = [nid for nid, n in world.nodes.items() if n.label == "CCG"]
    assert practices and set(practices) <= real_codes
    assert len(ccgs) == 3 and set(ccgs) <= set(ods.ccg_names)
    ccg_of = {p.code: p.ccg for p in ods.practices}
    for r in world.rels:
        if r.type == "COMMISSIONED_BY" and r.start in real_codes:
            assert ccg_of[r.start] == r.end
    # Everything else stays synthetic.
    others = [nid for nid in world.nodes if nid not in real_codes and nid not in ccgs]
    assert all(nid.startswith("SYN-") for nid in others)
    assert world.planted.conflicts


def test_ccgs_become_sub_icb_locations_of_one_icb(demo: World) -> None:
    """On 2022-07-01 the CCGs' committees, seats and STP links end; each CCG node carries on as a
    sub-ICB location of SYN-ICB-1, which is in the region and has its own PCCC from 2022-07-01."""
    assert demo.ids("ICB") == ["SYN-ICB-1"]
    icb = demo.nodes["SYN-ICB-1"].props
    assert icb["valid_from"] == "2022-07-01" and icb["name"].startswith("NHS ") and icb["name"].endswith(" ICB")
    assert [(r.end, r.props) for r in demo.rels if r.type == "IN_REGION" and r.start == "SYN-ICB-1"] == [
        ("SYN-REG-1", {"source": demo.source})]
    ccgs = demo.ids("CCG")
    assert len(ccgs) == 3
    for ccg in ccgs:
        props = demo.nodes[ccg].props
        assert props["sicbl_name"] == f"{icb['name']} - {ccg}" and props["ods_role"] == "RO319"
        assert "valid_to" not in props  # the node keeps existing as the SICBL
        links = [r for r in demo.rels if r.start == ccg and r.type in ("IN_ICB", "IN_STP")]
        assert sorted((r.type, r.end, r.props.get("valid_from"), r.props.get("valid_to")) for r in links) == [
            ("IN_ICB", "SYN-ICB-1", "2022-07-01", None), ("IN_STP", "SYN-STP-01", "2016-04-01", "2022-06-30")]
    committee_of = {r.start: r for r in demo.rels if r.type == "COMMITTEE_OF"}
    ccg_committees = {c for c, r in committee_of.items() if r.end in ccgs}
    assert len(ccg_committees) == 6 and all(committee_of[c].props["valid_to"] == "2022-06-30" for c in ccg_committees)
    seats = [r for r in demo.rels if r.type == "SITS_ON"]
    assert all(r.props["valid_to"] <= "2022-06-30" for r in seats if r.end in ccg_committees)
    icb_seats = [r for r in seats if r.end not in ccg_committees]
    assert {r.end for r in icb_seats} == {"SYN-COM-ICB-1-PCCC", "SYN-COM-ICB-1-BOARD"} == {
        c for c, r in committee_of.items() if r.end == "SYN-ICB-1"}
    # Every seat from the ICB's start, but the nominated deputy's (test_demo_meetings).
    assert all(r.props["valid_from"] == "2022-07-01" and "valid_to" not in r.props for r in icb_seats
               if not r.props.get("deputy_for"))
    icb_seats = [r for r in icb_seats if r.end == "SYN-COM-ICB-1-PCCC"]
    # Some of its GP members are partners in practices its sub-ICB locations commission.
    commissioner = {r.start: r.end for r in demo.rels if r.type == "COMMISSIONED_BY"}
    gps = {r.start for r in icb_seats if r.props["member_type"] == "gp"}
    partners = {(r.start, commissioner[r.end]) for r in demo.rels if r.type == "PARTNER_IN" and r.start in gps}
    assert len(gps) == 3 and {gp for gp, _ in partners} == gps and {c for _, c in partners} <= set(ccgs)


def test_icb_committee_decides_in_2023_24_within_its_area(demo: World) -> None:
    decided = {r.start for r in demo.rels if r.type == "DECIDED_BY" and r.end == "SYN-COM-ICB-1-PCCC"
               and demo.nodes[r.start].props.get("status") != "planned"}  # the next meeting's items are not
    dates = sorted(str(demo.nodes[d].props["date"]) for d in decided)
    assert len(decided) >= 6 and dates[0] >= "2023-04-01" and dates[-1] <= "2024-03-31"
    area = {r.start for r in demo.rels if r.type == "COMMISSIONED_BY"}
    area |= {r.end for r in demo.rels if r.type == "MEMBER_OF" and r.start in area}
    parties = {r.end for r in demo.rels if r.type in ("AWARDED_TO", "AFFECTS") and r.start in decided}
    assert parties and parties <= area
    assert {demo.label(p) for p in parties} >= {"Federation", "Practice"}
    voted = {r.start for r in demo.rels if r.type == "VOTED_ON" and r.end in decided}
    attended = {r.end for r in demo.rels if r.type == "ATTENDED" and r.start in voted}
    assert voted and attended
    icb_conflicts = [c for c in demo.planted.conflicts.values() if c.committee_id == "SYN-COM-ICB-1-PCCC"]
    planted = demo.planted.conflicts[(demo.headline["icb_person"], demo.headline["icb_decision"])]
    assert planted in icb_conflicts
    assert (planted.declaration, planted.participation) == ("undeclared", "voted")
    # CCG committees decided only in 2019/20; their composition is judged over that year, the ICB's over 2023/24.
    assert demo.planted.composition_years["SYN-COM-ICB-1-PCCC"] == ("2023-04-01", "2024-03-31")
    assert "SYN-COM-ICB-1-PCCC" not in demo.planted.composition_failures


def test_audits_of_both_eras(demo: World) -> None:
    """The CCG audits find their committee members in 2019 and nobody after the CCG era; the ICB's audit
    finds its GP member's undeclared partnership in a practice a sub-ICB location commissions, which no
    decision of the ICB's committee names: only the ICB era's remit reveals it."""
    audits = demo.planted.audits
    assert set(audits) == {(k, on) for k in ["SYN-CCG-001", "SYN-CCG-002", "SYN-CCG-003", "SYN-ICB-1"]
                           for on in ("2019-12-31", "2024-03-31")}
    for ccg in demo.ids("CCG"):
        assert audits[(ccg, "2019-12-31")] and audits[(ccg, "2024-03-31")] == []
    assert audits[("SYN-ICB-1", "2019-12-31")] == []  # the ICB did not exist yet
    head = demo.headline["person"]  # the CCG-era headline director: found in 2019, not after the era
    assert any(r.person_id == head for r in audits[("SYN-CCG-001", "2019-12-31")])
    assert not any(r.person_id == head for (_, on), rows in audits.items() if on == "2024-03-31" for r in rows)
    rows = {r.key: r for r in audits[("SYN-ICB-1", "2024-03-31")]}
    hidden = rows[(demo.headline["icb_person"], demo.headline["icb_practice"])]
    assert hidden.declaration == "undeclared" and hidden.committees == {"SYN-COM-ICB-1-PCCC"}
    icb_decisions = {r.start for r in demo.rels if r.type == "DECIDED_BY" and r.end == "SYN-COM-ICB-1-PCCC"}
    assert not any(r.end == hidden.org_id for r in demo.rels if r.start in icb_decisions)
    assert {r.declaration for r in rows.values()} == {"declared", "undeclared"}


def test_oracle_era_rules_on_a_small_world() -> None:
    """A committee counts while its COMMITTEE_OF and its commissioner are live; an ICB's remit takes
    in what a sub-ICB location commissions only while the IN_ICB link is live."""
    from orggraph_demo import compute_planted
    from orggraph_demo.planted import Declaration

    nodes = {n.id: n for n in (
        node("gp", "Person", {"name": "Ann Ashby"}), node("p1", "Practice", {"name": "One Surgery"}),
        node("p2", "Practice", {"name": "Two Surgery"}), node("ccg", "CCG", {"name": "NHS A CCG"}),
        node("icb", "ICB", {"name": "NHS B ICB", "valid_from": "2022-07-01"}),
        node("old", "Committee", {"committee_type": "pccc", "quorum": 1}),
        node("new", "Committee", {"committee_type": "pccc", "quorum": 1}),
        node("d1", "Decision", {"date": "2022-08-01"}), node("d2", "Decision", {"date": "2022-08-01"}))}
    rels = [rel("gp", "PARTNER_IN", "p1", {}), rel("gp", "PARTNER_IN", "p2", {}),
            rel("p1", "COMMISSIONED_BY", "ccg", {}), rel("ccg", "IN_ICB", "icb", {"valid_from": "2022-07-01",
                                                                                  "valid_to": "2023-12-31"}),
            rel("old", "COMMITTEE_OF", "ccg", {"valid_to": "2022-06-30"}), rel("new", "COMMITTEE_OF", "icb", {}),
            rel("gp", "SITS_ON", "old", {"voting": True}), rel("gp", "SITS_ON", "new", {"voting": True}),
            rel("d1", "DECIDED_BY", "old", {}), rel("d1", "AWARDED_TO", "p2", {}),
            rel("d2", "DECIDED_BY", "new", {}), rel("d2", "AWARDED_TO", "p2", {})]

    class Small:
        def __init__(self) -> None:
            self.nodes, self.rels = nodes, rels
            self.declarations = [Declaration("gp", "p2", None, None, "r.xlsx", 1)]

        def ids(self, label: str) -> list[str]:
            return sorted(n for n, v in nodes.items() if v.label == label)

    planted = compute_planted(Small(), audit_dates=("2021-01-01", "2023-06-30", "2024-01-01"))
    # After 2022-06-30 the CCG's committee no longer counts: only the ICB committee's decision has a maker.
    assert set(planted.conflicts) == {("gp", "d2")}
    audits = planted.audits
    assert [r.org_id for r in audits[("ccg", "2021-01-01")]] == ["p1", "p2"]  # commissioned, and a party
    assert audits[("icb", "2021-01-01")] == []  # not live yet
    icb_2023 = {r.org_id: r.declaration for r in audits[("icb", "2023-06-30")]}
    assert icb_2023 == {"p1": "undeclared", "p2": "declared"}  # p1 through the live IN_ICB
    assert {r.org_id for r in audits[("icb", "2024-01-01")]} == {"p2"}  # IN_ICB ended
    assert audits[("ccg", "2023-06-30")] == []  # its committee ended
