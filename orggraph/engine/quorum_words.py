"""A committee's quorum rule and its failing clauses in words (README "Meetings"), for the quorum
findings of :mod:`orggraph.engine.explain`."""

from __future__ import annotations

from orggraph.engine.facts import NO_COMMITTEE, QuorumCount
from orggraph.quorum_rule import ROLES


def clause_words(clause: str) -> str:
    """A clause as the rule states it and in words: "`lay>=1`, at least 1 lay member";
    "`chair|vice_chair>=1`, at least 1 chair or vice-chair"."""
    if clause == NO_COMMITTEE:
        return "no committee is recorded"
    words, _, n = clause.partition(">=")
    if words == "total":
        return f"`{clause}`, at least {n} eligible voting members"
    names = words.split("|")
    suffix = "" if all(w in ROLES for w in names) else " member" if n == "1" else " members"
    return f"`{clause}`, at least {n} " + " or ".join(w.replace("_", "-") for w in names) + suffix


def failing_words(failing: list[str]) -> str:
    """The failing clauses, named: "failing `lay>=1`, at least 1 lay member"."""
    return "failing " + "; ".join(clause_words(c) for c in failing)


def rule_words(count: QuorumCount) -> str:
    """A quorum rule in words: "4 eligible voting members, including at least 1 lay member; ..."."""
    rule = count.rule
    parts = [clause_words(str(c)).split(", ", 1)[1] for c in rule.clauses]
    return f"{rule.total} eligible voting members" + (", including " + "; ".join(parts) if parts else "")
