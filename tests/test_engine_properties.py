"""Property tests of the conflict engine on random small graphs (hypothesis).

The reference below is the brute force the optimised engine must equal: every simple path between a
decision-maker and a party over all edges (each also walkable backwards), filtered afterwards by the
rules. It shares nothing with the engine but the schema.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orggraph import engine
from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel
from orggraph.schema import SCHEMA
from orggraph.temporal import is_live

PEOPLE = ["P0", "P1", "P2", "P3"]
ORGS = {"PR0": "Practice", "PR1": "Practice", "F0": "Federation", "F1": "Federation", "PV0": "Provider",
        "V0": "Vanguard", "PCN0": "PCN", "CCG0": "CCG"}
DATES = [None, "2019-01-01", "2019-06-01", "2019-09-01", "2020-01-01", "2020-06-01"]
DECISIONS = {"D0": "2019-06-01", "D1": "2020-01-01"}
# Every (type, start, end) the schema allows among these nodes, except the decision-side ones added below.
SKIP = {"SITS_ON", "DECIDED_BY", "AT_MEETING", "AWARDED_TO", "AFFECTS", "ATTENDED", "VOTED_ON", "WITHDREW_FROM",
        "DECLARED", "CONCERNS", "COMMITTEE_OF", "IN_STP", "IN_REGION"}
LABELS = {**dict.fromkeys(PEOPLE, "Person"), **ORGS}
CANDIDATES = sorted((t, a, b) for t in SCHEMA.relationships if t not in SKIP for a in LABELS for b in LABELS
                    if a != b and SCHEMA.classify(t, LABELS[a], LABELS[b]) is not None)


def base_records() -> list[Record]:
    out: list[Record] = [node(p, "Person", {"name": f"Person {p}"}) for p in PEOPLE]
    out += [node(o, label, {"name": f"Org {o}"}) for o, label in ORGS.items()]
    out += [node("C", "Committee", {"committee_type": "pccc", "quorum": 2, "quorum_lay": 0}),
            rel("C", "COMMITTEE_OF", "CCG0"), node("M0", "Meeting", {"date": "2019-06-01"})]
    for d, day in DECISIONS.items():
        out += [node(d, "Decision", {"date": day}), rel(d, "DECIDED_BY", "C")]
    out.append(rel("D0", "AT_MEETING", "M0"))
    return out


def window(draw: Any) -> dict[str, Any]:
    a, b = draw(st.sampled_from(DATES)), draw(st.sampled_from(DATES))
    if a and b and b < a:
        a, b = b, a
    return {"valid_from": a, "valid_to": b}


@st.composite
def worlds(draw: Any) -> dict[str, list[Record]]:
    drawn = [rel(a, t, b, {**window(draw), **({"paid": draw(st.booleans())} if t == "ADVISES" else {})})
             for t, a, b in draw(st.lists(st.sampled_from(CANDIDATES), max_size=14))]
    # One record per stored edge (a repeat of the same key would merge into it, not add an edge).
    links = list({(r.start, r.end, r.key): r for r in reversed(drawn)}.values())
    decision_side: list[Record] = []
    for p in ("P0", "P1"):
        decision_side.append(rel(p, "SITS_ON", "C", {"voting": True, "member_type": draw(
            st.sampled_from(["lay", "gp"])), **window(draw)}))
    for d in DECISIONS:
        for org in draw(st.lists(st.sampled_from(sorted(ORGS)), min_size=1, max_size=3, unique=True)):
            decision_side.append(rel(d, draw(st.sampled_from(["AWARDED_TO", "AFFECTS"])), org))
    for p in draw(st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True)):
        decision_side.append(rel(p, "VOTED_ON", draw(st.sampled_from(sorted(DECISIONS)))))
    for p in draw(st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True)):
        decision_side.append(rel(p, "ATTENDED", "M0"))
    declarations: list[Record] = []
    for i, (p, org) in enumerate(draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(sorted(ORGS))),
                                               max_size=3))):
        w = window(draw)
        declarations += [node(f"DECL{i}", "Declaration", w), rel(p, "DECLARED", f"DECL{i}", w),
                         rel(f"DECL{i}", "CONCERNS", org, w)]
    return {"links": links, "decision": decision_side, "declarations": declarations}


def build(*parts: list[Record]) -> OrgGraph:
    g = OrgGraph()
    result = g.apply([r for part in (base_records(), *parts) for r in part])
    assert not result.rejected, result.rejected
    return g


# ---- the brute-force reference ----------------------------------------------------------------------
def reference(g: OrgGraph, max_hops: int = 4) -> dict[tuple[str, str], tuple[frozenset[Any], str]]:
    both = nx.MultiDiGraph()
    both.add_nodes_from(g.g.nodes)
    for u, v, k, data in g.g.edges(keys=True, data=True):
        both.add_edge(u, v, key=(u, v, k, False), data=data)
        both.add_edge(v, u, key=(u, v, k, True), data=data)
    out = {}
    for d, data in g.nodes("Decision"):
        on = data["date"]
        makers = {p for p, t, props in g.in_rels("C", ["SITS_ON"]) if is_live(props, on)}
        makers |= {p for p, _, _ in g.in_rels(d, ["VOTED_ON"])}
        parties = {o for o, _, _ in g.out_rels(d, ["AWARDED_TO", "AFFECTS"])}
        for p in makers:
            paths = set()
            for party in parties:
                for edge_path in nx.all_simple_edge_paths(both, p, party, cutoff=max_hops):
                    refs = [k for _, _, k in edge_path]
                    if shaped(g, refs, on):
                        paths.add(tuple((u, v, g.g.edges[u, v, k]["type"], g.g.edges[u, v, k].get("valid_from"))
                                        for u, v, k, _ in refs))
            if paths:
                out[(p, d)] = (frozenset(paths), declaration_status(g, p, paths, on))
    return out


def shaped(g: OrgGraph, refs: list[tuple[str, str, str, bool]], on: str) -> bool:
    classes = []
    for u, v, k, backwards in refs:
        data = g.g.edges[u, v, k]
        if not is_live(data, on):
            return False
        variant = SCHEMA.classify(data["type"], g.label(u), g.label(v))
        cls = variant.rel_class if variant else None
        if backwards and cls != "personal_link":
            return False
        classes.append(cls)
    i = 1 if classes and classes[0] == "personal_link" else 0
    return (len(classes) > i and classes[i] == "provider_interest"
            and all(c == "org_interest" for c in classes[i + 1:]))


def declaration_status(g: OrgGraph, person: str, paths: set[tuple[Any, ...]], on: str) -> str:
    concerned = set()
    for decl, _, props in g.out_rels(person, ["DECLARED"]):
        if is_live(props, on) and is_live(g.g.nodes[decl], on):
            concerned |= {o for o, _, p in g.out_rels(decl, ["CONCERNS"]) if is_live(p, on)}
    covered = [bool(concerned & {n for hop in path for n in hop[:2]}) for path in paths]
    return "declared" if all(covered) else "partial" if any(covered) else "undeclared"


def found(g: OrgGraph, max_hops: int = 4) -> dict[tuple[str, str], tuple[frozenset[Any], str]]:
    return {(c.person_id, c.decision_id): (
        frozenset(tuple((h.from_id, h.to_id, h.type, h.valid_from) for h in p.hops) for p in c.paths), c.declaration)
        for c in engine.conflicts(g, max_hops=max_hops)}


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(worlds(), st.integers(min_value=1, max_value=4))
def test_optimised_search_equals_brute_force(world: dict[str, list[Record]], max_hops: int) -> None:
    g = build(world["links"], world["decision"], world["declarations"])
    assert found(g, max_hops) == reference(g, max_hops)


@SETTINGS
@given(worlds())
def test_every_reported_path_is_live_short_simple_and_shaped(world: dict[str, list[Record]]) -> None:
    g = build(world["links"], world["decision"], world["declarations"])
    for c in engine.conflicts(g, max_hops=3):
        assert c.paths and c.person_id in engine.decision_makers(g, c.decision_id)
        for p in c.paths:
            nodes = p.node_ids
            assert len(p.hops) <= 3 and len(set(nodes)) == len(nodes)
            assert nodes[0] == c.person_id and nodes[-1] in engine.decision_parties(g, c.decision_id)
            refs = []
            for h in p.hops:
                assert (h.valid_from or "") <= c.date and (h.valid_to is None or h.valid_to >= c.date)
                key = f"{h.type}|{h.valid_from or ''}"
                assert g.g.has_edge(h.from_id, h.to_id, key)
                refs.append((h.from_id, h.to_id, key, h.reversed))
            assert shaped(g, refs, c.date)
            assert (p.interest_type == "indirect") == (p.hops[0].type == "FAMILY_OF")


@SETTINGS
@given(worlds(), st.data())
def test_removing_an_edge_never_creates_a_conflict(world: dict[str, list[Record]], data: st.DataObject) -> None:
    links = world["links"]
    before = set(found(build(links, world["decision"], world["declarations"])))
    if not links:
        return
    drop = data.draw(st.integers(min_value=0, max_value=len(links) - 1))
    after = set(found(build(links[:drop] + links[drop + 1:], world["decision"], world["declarations"])))
    assert after <= before


@SETTINGS
@given(worlds())
def test_declarations_never_change_which_conflicts_exist(world: dict[str, list[Record]]) -> None:
    with_register = build(world["links"], world["decision"], world["declarations"])
    without = build(world["links"], world["decision"])
    assert set(found(with_register)) == set(found(without))
    assert all(status == "undeclared" for _, status in found(without).values())


@SETTINGS
@given(worlds())
def test_filters_select_exactly_the_matching_records(world: dict[str, list[Record]]) -> None:
    """Each filter narrows the full scan; it never finds or loses a record (the person filter is indexed)."""
    g = build(world["links"], world["decision"], world["declarations"])
    everything = engine.conflicts(g)
    for person in {nid for nid, _ in g.nodes("Person")}:
        assert engine.conflicts(g, person=person) == [c for c in everything if c.person_id == person]
    for decision in {nid for nid, _ in g.nodes("Decision")}:
        assert engine.conflicts(g, decision=decision) == [c for c in everything if c.decision_id == decision]
