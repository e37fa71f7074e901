"""The quorum rule as data (orggraph/quorum_rule.py): what parses, what is rejected and how, the
shorthand, and which clauses fail."""

from __future__ import annotations

import pytest

from orggraph.errors import RecordError
from orggraph.models import node
from orggraph.quorum_rule import Clause, QuorumRule, parse, rule_of, tags


@pytest.mark.parametrize(("text", "canonical", "total", "clauses"), [
    ("4", "4", 4, []),
    ("4; lay>=1", "4; lay>=1", 4, [(("lay",), 1)]),
    (" 4 ;lay >= 1; chair | vice_chair>=1;executive>=1 ", "4; lay>=1; chair|vice_chair>=1; executive>=1", 4,
     [(("lay",), 1), (("chair", "vice_chair"), 1), (("executive",), 1)]),
    ("3; lay>=1;", "3; lay>=1", 3, [(("lay",), 1)]),  # a trailing separator is allowed
    ("0", "0", 0, []),
])
def test_parse_reads_the_total_and_each_clause(text: str, canonical: str, total: int,
                                               clauses: list[tuple[tuple[str, ...], int]]) -> None:
    rule = parse(text)
    assert (str(rule), rule.total, [(c.words, c.at_least) for c in rule.clauses]) == (canonical, total, clauses)
    assert parse(str(rule)) == rule  # the canonical text reads back as the same rule


@pytest.mark.parametrize(("text", "why"), [
    ("", "the first part is the total"),
    ("four; lay>=1", "the first part is the total"),
    ("-1", "the first part is the total"),
    ("4; lay>1", "cannot read clause 'lay>1'"),
    ("4; lay>=x", "cannot read clause 'lay>=x'"),
    ("4; >=1", "cannot read clause '>=1'"),
    ("4; trustee>=1", "unknown word 'trustee'"),
    ("4; lay|boss>=1", "unknown word 'boss'"),
])
def test_parse_rejects_with_the_column_value_and_what_was_expected(text: str, why: str) -> None:
    with pytest.raises(RecordError) as err:
        parse(text, column="quorum_rule")
    assert err.value.column == "quorum_rule" and err.value.value == text
    assert why in str(err.value) and "expected `N; word>=M; ...`" in str(err.value)


def test_a_committee_record_with_a_bad_rule_is_rejected_naming_the_column() -> None:
    assert node("C1", "Committee", {"quorum_rule": "4; lay>=1"}).props["quorum_rule"] == "4; lay>=1"
    with pytest.raises(RecordError) as err:
        node("C1", "Committee", {"quorum_rule": "4 lay"})
    assert err.value.column == "quorum_rule"


def test_rule_of_prefers_quorum_rule_then_the_shorthand() -> None:
    assert str(rule_of({"quorum_rule": "4; executive>=2", "quorum": 3, "quorum_lay": 1})) == "4; executive>=2"
    assert rule_of({"quorum": 3, "quorum_lay": 1}) == parse("3; lay>=1")
    assert rule_of({"quorum": "3"}) == QuorumRule(3)
    assert rule_of({}) == QuorumRule(0)


def test_failing_names_the_total_then_each_unmet_clause_in_order() -> None:
    rule = parse("3; lay>=1; chair|vice_chair>=1; executive>=2")
    lay_chair, gp, ex = tags("lay", "chair"), tags("gp", "member"), tags("executive", None)
    assert rule.failing({"a": lay_chair, "b": ex, "c": ex}) == []
    assert rule.failing({"a": lay_chair, "b": ex}) == ["total>=3", "executive>=2"]
    assert rule.failing({"a": gp, "b": gp, "c": ex}) == ["lay>=1", "chair|vice_chair>=1", "executive>=2"]
    assert rule.failing({}) == ["total>=3", "lay>=1", "chair|vice_chair>=1", "executive>=2"]
    assert Clause(("lay", "executive"), 2).count([lay_chair, gp, ex]) == 2
    assert tags(None, "") == frozenset()
