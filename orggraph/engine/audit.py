"""The register audit: every committee member's live interest paths to organisations in a
commissioner's remit, with what the register of interests says about each (person, organisation)."""

from __future__ import annotations

from typing import Any

from orggraph.engine.checks import check_hops, on_date, require
from orggraph.engine.evidence import interest_path, node_name
from orggraph.engine.explain import AuditWords
from orggraph.engine.facts import DEFAULT_MAX_HOPS, AuditRow
from orggraph.engine.index import Index, index_for
from orggraph.engine.models import AuditFinding
from orggraph.engine.paths import live_paths, static_paths
from orggraph.engine.rules import (
    declaration_verdict,
    interest_types,
    live_committees,
    live_seats,
    remit,
    remit_reasons,
)
from orggraph.graph import OrgGraph


def audit_rows(ix: Index, commissioner: str, on: str, max_hops: int) -> list[AuditRow]:
    """The audit's findings as records (what the scan counts), by person, then organisation."""
    members: dict[str, set[str]] = {}
    for c in live_committees(ix, commissioner, on):
        for s in live_seats(ix, c, on):
            members.setdefault(s.person, set()).add(c)
    if not members:
        return []
    in_remit = remit(ix, commissioner, on)
    rows = []
    for person in sorted(members):
        targets = static_paths(ix, person, max_hops)
        for org in sorted(in_remit.intersection(targets)):
            live = live_paths(targets[org], on)
            if live:
                verdict = declaration_verdict(ix, person, live, on)
                rows.append(AuditRow(person, org, sorted(members[person]), live, verdict))
    return rows


def register_audit(graph: OrgGraph, commissioner: str, as_of: Any = None,
                   max_hops: int = DEFAULT_MAX_HOPS) -> list[AuditFinding]:
    """Every committee member's live interest paths to organisations in the commissioner's remit, with
    the declaration status of each (person, organisation); the undeclared ones are what the register misses.
    Ordered by person id, then organisation id."""
    ix = index_for(graph)
    check_hops(max_hops)
    require(ix, commissioner, graph.schema.commissioner_labels, "commissioner")
    on = on_date(as_of)
    out = []
    for row in audit_rows(ix, commissioner, on, max_hops):
        paths = [interest_path(graph, ix, p) for p in row.paths]
        words = AuditWords(graph, row, commissioner, on, remit_reasons(ix, commissioner, row.org, on), paths)
        out.append(AuditFinding(
            person_id=row.person, person_name=node_name(graph, row.person), org_id=row.org,
            org_name=node_name(graph, row.org), commissioner_id=commissioner, as_of=on, committees=row.committees,
            declaration=row.verdict.status, declaration_ids=row.verdict.ids,
            interest_types=interest_types(row.paths),  # type: ignore[arg-type]
            paths=paths, explanation=words.text()))
    return out
