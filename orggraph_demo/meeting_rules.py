"""The oracle's meeting rules (README "Meetings"), over :class:`~.minutes.Minutes`, written again from
the contract and never through :mod:`orggraph.engine` (nor the core's quorum-rule parser): a shared
bug would pass every test.

- **Agenda order**: the items of a meeting by natural order of their minute reference (``PCC19/4``
  before ``PCC19/10``; items without one last), then decision id.
- **Recommended action**: ``exclude`` when any interest path is financial, else ``no_vote``.
- **Quorum after the recommended exclusions**: voting members live on the day (deputies only when
  standing in for an absent member, in that member's place), less the absent (when attendance is
  recorded), less the conflicted; every clause of the committee's rule must hold.
- **Presiding**: the chair if unconflicted (and present, when attendance is recorded), else the
  vice-chair on the same terms, else nobody.
- **Co-optable** (only when inquorate): voting members of the commissioner's other committees on the
  day, with no seat on this one and no interest path to a party of the item; by id.
- **After the fact**: declared at the meeting (true / false when the meeting has a declarations log /
  null without one), the ruling, managed, and the breach kinds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from orggraph.temporal import is_live

from .minutes import Minutes
from .planted import PlantedConflict, PlantedItem

PathsTo = Callable[[str, set[str], str], Sequence[Any]]  # (person, parties, day) -> interest paths
OUT_OF_THE_VOTE = ("left_room", "stayed_no_vote")


def agenda_order(items: Mapping[str, str | None]) -> list[str]:
    """Decision ids (with their minute references) in agenda order."""
    def key(did: str) -> tuple[Any, ...]:
        ref = items[did]
        if ref is None:
            return (1, (), did)
        return (0, tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", ref)), did)
    return sorted(items, key=key)


def rule(spec: Mapping[str, Any]) -> tuple[int, list[tuple[frozenset[str], int, str]]]:
    """A committee's quorum: the total, and each role clause as (words, at least, how it is named)."""
    text = spec.get("quorum_rule")
    if not text:
        lay = int(spec.get("quorum_lay") or 0)
        return int(spec.get("quorum") or 0), ([(frozenset({"lay"}), lay, f"lay>={lay}")] if lay else [])
    parts = [p.strip() for p in str(text).split(";") if p.strip()]
    clauses = []
    for part in parts[1:]:
        words, _, least = part.partition(">=")
        names = [w.strip() for w in words.split("|")]
        clauses.append((frozenset(names), int(least), f"{'|'.join(names)}>={int(least)}"))
    return int(parts[0]), clauses


def eligible(minutes: Minutes, did: str, on: str, conflicted: set[str]) -> dict[str, frozenset[str]]:
    """Who counts towards the quorum of ``did``, each with the words their place answers to."""
    present = minutes.present(did)
    out: dict[str, frozenset[str]] = {}
    for seat in minutes.members(minutes.decided_by[did], on):
        if seat.props.get("voting") and (not present or seat.person in present) and seat.person not in conflicted:
            out[seat.person] = _words(seat.props)
    for deputy, their_seat in minutes.deputising(did, on).items():
        if deputy not in conflicted:
            out[deputy] = _words(their_seat.props)
    return out


def _words(props: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(str(props[k]) for k in ("member_type", "role") if props.get(k))


def failing(spec: Mapping[str, Any], counted: Mapping[str, frozenset[str]]) -> list[str]:
    total, clauses = rule(spec)
    out = [f"total>={total}"] if len(counted) < total else []
    return out + [name for words, least, name in clauses
                  if sum(1 for w in counted.values() if w & words) < least]


def presiding(minutes: Minutes, did: str, on: str, conflicted: set[str]) -> tuple[str | None, str | None]:
    present = minutes.present(did)
    for role in ("chair", "vice_chair"):
        for seat in sorted(minutes.members(minutes.decided_by[did], on), key=lambda s: s.person):
            if (seat.props.get("role") == role and seat.person not in conflicted
                    and (not present or seat.person in present)):
                return seat.person, role
    return None, None


def co_optable(minutes: Minutes, paths: PathsTo, did: str, on: str) -> list[str]:
    """Voting members of the commissioner's other committees on ``on``, with no seat on the item's
    committee and no interest path to any of its parties."""
    committee = minutes.decided_by[did]
    owners = {k for k, w in minutes.committee_of[committee] if w.live(on) and minutes.node_window[k].live(on)}
    here = {s.person for s in minutes.seats[committee] if is_live(s.props, on)}
    people: set[str] = set()
    for owner in owners:
        for other, link in minutes.committees_of[owner]:
            if other != committee and link.live(on):
                people |= {s.person for s in minutes.live_seats(other, on) if s.props.get("voting")}
    return sorted(p for p in people - here if not paths(p, set(minutes.parties[did]), on))


def planted_item(minutes: Minutes, paths: PathsTo, spec: Mapping[str, Any], did: str, node: Mapping[str, Any],
                 conflicts: Sequence[PlantedConflict]) -> PlantedItem:
    """One agenda item as the chair's brief should give it."""
    on = str(node["date"])
    conflicted = {c.person_id for c in conflicts}
    counted = eligible(minutes, did, on, conflicted)
    fails = failing(spec, counted)
    chair, role = presiding(minutes, did, on, conflicted)
    return PlantedItem(
        decision_id=did, meeting_id=minutes.at_meeting.get(did), committee_id=minutes.decided_by.get(did),
        item=node.get("item"), status=str(node.get("status") or "decided"), date=on,
        actions=tuple(sorted((c.person_id, c.recommended_action) for c in conflicts)),
        presiding=chair, presiding_role=role, quorate=not fails, failing=tuple(fails),
        co_optable=tuple(co_optable(minutes, paths, did, on)) if fails else (), eligible=frozenset(counted))


def at_the_meeting(minutes: Minutes, node: Mapping[str, Any], conflict: PlantedConflict) -> dict[str, Any]:
    """The conflict's meeting fields: its item, the recommended action, what the declarations log says,
    and the breach kinds."""
    did, person = conflict.decision_id, conflict.person_id
    meeting = minutes.at_meeting.get(did)
    status = str(node.get("status") or "decided")
    ruling = minutes.declared.get((person, did))
    if ruling is not None:
        declared: bool | None = True
    elif status != "planned" and meeting in minutes.logged:
        declared = False
    else:
        declared = None
    voted = conflict.participation == "voted"
    kinds: list[str] = []
    if status != "planned":
        if voted:
            kinds.append("voted_while_conflicted")
        if declared is False and conflict.participation != "absent":
            kinds.append("not_declared_at_meeting")
        if ruling in OUT_OF_THE_VOTE and voted:
            kinds.append("acted_against_ruling")
    return {"meeting_id": meeting, "item": node.get("item"), "status": status,
            "recommended_action": "exclude" if "financial" in conflict.interest_types else "no_vote",
            "declared_at_meeting": declared, "ruling": ruling,
            "managed": None if declared is None else bool(declared and ruling in OUT_OF_THE_VOTE and not voted),
            "breach_kinds": tuple(kinds)}
