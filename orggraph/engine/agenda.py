"""Meetings as the index keeps them: each meeting's committee, date, declarations log and agenda, and
the declarations made at it on each item (README "Meetings").

A meeting's agenda is the decisions ``AT_MEETING`` it in agenda order: a natural sort of ``item``
(``PCC19/4`` before ``PCC19/10``), items without a reference last, then decision id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

_RUNS = re.compile(r"(\d+)")


class DeclaredAt(NamedTuple):
    """A declaration minuted at a meeting on one item (``DECLARED_AT``), with the chair's ruling."""

    person: str
    action: str | None
    interest: str | None
    ruled_by: str | None
    source: str | None


@dataclass(slots=True)
class MeetingInfo:
    id: str
    date: str
    committees: list[str]  # HELD_BY, by id
    declarations_recorded: bool
    items: list[str]  # decision ids in agenda order

    @property
    def committee(self) -> str | None:
        return self.committees[0] if self.committees else None


def natural_key(item: str | None) -> tuple[Any, ...]:
    """Agenda order of an item reference: digit runs compare as numbers; no reference sorts last."""
    if not item:
        return (1, ())
    return (0, tuple((0, int(run), "") if run.isdigit() else (1, 0, run) for run in _RUNS.split(item) if run))


def declared_at(edges: Iterable[tuple[str, str, Mapping[str, Any]]]) -> dict[str, DeclaredAt]:
    """One declaration per person on an item (several: the first by edge key), from (person, key, data)."""
    out: dict[str, DeclaredAt] = {}
    for person, _key, data in sorted(edges, key=lambda e: (e[0], e[1])):
        out.setdefault(person, DeclaredAt(person, data.get("action"), data.get("interest"), data.get("ruled_by"),
                                          data.get("source")))
    return out


def meeting_table(nodes: Iterable[tuple[str, Mapping[str, Any]]], held_by: Mapping[str, set[str]],
                  at_meeting: Mapping[str, set[str]], item_of: Mapping[str, str | None]) -> dict[str, MeetingInfo]:
    """Every meeting with its committees and agenda; ``at_meeting`` maps decision -> meetings and
    ``item_of`` decision -> its agenda reference."""
    agendas: dict[str, list[str]] = {}
    for decision, meetings in at_meeting.items():
        for m in meetings:
            agendas.setdefault(m, []).append(decision)
    out: dict[str, MeetingInfo] = {}
    for nid, data in nodes:
        if data["label"] != "Meeting":
            continue
        items = sorted(agendas.get(nid, ()), key=lambda d: (natural_key(item_of.get(d)), d))
        out[nid] = MeetingInfo(nid, str(data.get("date") or ""), sorted(held_by.get(nid, ())),
                               str(data.get("declarations_recorded")).lower() == "true", items)
    return out
