"""Finding what minutes name: meetings, their agenda items, and people, in the graph as it stands.

Built once per file (:class:`MinutesIndex`). Every lookup returns one id or raises
:class:`~orggraph.errors.RecordError` naming the column, the value and what was expected, with the
candidates when the value names several things (never guessed) or the nearest when it names none.

- A meeting: its id, or its exact name (case and spacing aside).
- An agenda item of a meeting (a decision ``AT_MEETING`` it): its ``item`` reference (``PCC19/004``),
  its decision id, or its exact title (or name), case and spacing aside. A decision of another
  meeting is refused: a declaration is made at the meeting the item is on.
- A person: a ``Person`` id, or a name matched as the register loader matches names
  (:class:`loaders.matching.PersonIndex`: titles, post-nominals, "Surname, Forename", then middle
  initials dropped, then first and last name). Unlike a register, a name no person has is refused,
  not created: a declaration at a meeting is made by someone the minutes already list.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz, process

from loaders.matching import NameRule, PersonIndex, person_key
from orggraph.errors import RecordError
from orggraph.graph import OrgGraph

_SHOWN = 6  # candidates named in a message at most
_NEAR = 80.0  # a name scoring this against the value is worth suggesting


def same_text(text: object) -> str:
    """Text as compared when a value must be "exact": case and runs of spaces aside."""
    return " ".join(str(text or "").split()).casefold()


def _listed(items: list[str]) -> str:
    more = f", ... ({len(items) - _SHOWN} more)" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


class MinutesIndex:
    """Meetings, their agendas and people of one graph, for resolving the cells of minutes."""

    def __init__(self, graph: OrgGraph):
        self.graph = graph
        self.people = PersonIndex(graph)
        self.meetings_by_name: dict[str, list[str]] = defaultdict(list)
        for mid, data in graph.nodes("Meeting"):
            if data.get("name"):
                self.meetings_by_name[same_text(data["name"])].append(mid)
        self._agendas: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.loose_matches: list[str] = []  # people found by a looser rule than the whole name

    # ---- meetings ----------------------------------------------------------------------------
    def meeting(self, value: str, column: str) -> str:
        """The id of the meeting ``value`` names."""
        text = value.strip()
        if not text:
            raise RecordError(column, value, "expected the meeting's id or exact name")
        label = self.graph.label(text)
        if label == "Meeting":
            return text
        if label is not None:
            raise RecordError(column, value, f"{text!r} is a {label}, not a Meeting; expected a meeting's id or name")
        ids = sorted(self.meetings_by_name.get(same_text(text), []))
        if len(ids) == 1:
            return ids[0]
        if ids:
            raise RecordError(column, value, f"{len(ids)} meetings have this name: "
                              f"{_listed([self._meeting_text(m) for m in ids])}; expected one: give its id")
        names = {mid: str(data.get("name") or "") for mid, data in self.graph.nodes("Meeting")}
        near = self._nearest(same_text(text), {m: same_text(n) for m, n in names.items()})
        raise RecordError(column, value, "expected the id or exact name of a Meeting in the graph"
                          + (f"; nearest: {_listed([self._meeting_text(m) for m in near])}" if near else ""))

    def _meeting_text(self, mid: str) -> str:
        data = self.graph.node(mid) or {}
        return f"{mid} ({data.get('name') or 'no name'}, {data.get('date') or 'no date'})"

    # ---- agenda items ------------------------------------------------------------------------
    def agenda(self, meeting_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The decisions AT_MEETING the meeting, by id."""
        if meeting_id not in self._agendas:
            found = {start: self.graph.node(start) or {}
                     for start, _, _ in self.graph.in_rels(meeting_id, ["AT_MEETING"])}
            self._agendas[meeting_id] = sorted(found.items())
        return self._agendas[meeting_id]

    def item(self, meeting_id: str, value: str, column: str) -> str:
        """The id of the agenda item of ``meeting_id`` that ``value`` names (reference, id or title)."""
        text = value.strip()
        agenda = self.agenda(meeting_id)
        if not text:
            raise RecordError(column, value, "expected the agenda item: its reference (e.g. PCC19/004), "
                              "decision id or title")
        key = same_text(text)
        for how, matches in (
            ("reference", [d for d, data in agenda if same_text(data.get("item")) == key]),
            ("id", [d for d, _ in agenda if d == text]),
            ("title", [d for d, data in agenda if key in (same_text(data.get("title")), same_text(data.get("name")))]),
        ):
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise RecordError(column, value, f"{len(matches)} agenda items of meeting {meeting_id} have this "
                                  f"{how}: {_listed([self._item_text(d, data) for d, data in agenda if d in matches])}; "
                                  "expected one: give the decision id")
        if not agenda:
            raise RecordError(column, value, f"meeting {meeting_id} has no agenda items (no Decision is "
                              "AT_MEETING it); expected its decisions and AT_MEETING links loaded first")
        listed = _listed([self._item_text(d, data) for d, data in agenda])
        if self.graph.label(text) == "Decision":
            raise RecordError(column, value, f"decision {text} is not an agenda item of meeting {meeting_id} "
                              f"(no AT_MEETING to it); expected one of: {listed}")
        raise RecordError(column, value, f"expected an agenda item of meeting {meeting_id} (reference, "
                          f"decision id or title): {listed}")

    @staticmethod
    def _item_text(decision_id: str, data: dict[str, Any]) -> str:
        title = data.get("title") or data.get("name")
        ref = f"{data['item']} = " if data.get("item") else ""
        return f"{ref}{decision_id}" + (f" ({title})" if title else "")

    # ---- people ------------------------------------------------------------------------------
    def person(self, value: str, column: str, at: str) -> str:
        """The id of the person ``value`` names; ``at`` ("file, row N") words a note on a loose match."""
        text = value.strip()
        label = self.graph.label(text) if text else None
        if label == "Person":
            return text
        if label is not None:
            raise RecordError(column, value, f"{text!r} is a {label}, not a Person; expected a person's id or name")
        key = person_key(text)
        if not key:
            raise RecordError(column, value, "expected a person's id or name")
        found = self.people.match(key)
        if len(found.ids) == 1:
            pid = found.ids[0]
            if found.rule is not NameRule.NAME:
                self.loose_matches.append(f"{at}, column {column}: {text!r} matched {pid} "
                                          f"({self.people.names[pid]!r}) by {found.rule}")
            return pid
        if found.ids:
            raise RecordError(column, value, f"matches {len(found.ids)} persons by {found.rule}: "
                              f"{_listed([f'{p} ({self.people.names[p]})' for p in found.ids])}; not guessed: "
                              "expected one person: give the person's id")
        keys = {pid: person_key(name) for pid, name in self.people.names.items()}
        near = self._nearest(key, keys)
        raise RecordError(column, value, "expected the id or name of a Person in the graph (no person has "
                          "this id or name)" + (f"; nearest: {_listed([f'{p} ({self.people.names[p]})' for p in near])}"
                                                if near else ""))

    @staticmethod
    def _nearest(key: str, choices: dict[str, str]) -> list[str]:
        """Ids whose compared text is closest to ``key`` (at most 3, scoring at least ``_NEAR``)."""
        if not key or not choices:
            return []
        found = process.extract(key, choices, scorer=fuzz.ratio, limit=3, score_cutoff=_NEAR)
        return [str(choice_id) for _, _, choice_id in sorted(found, key=lambda f: (-f[1], str(f[2])))]
