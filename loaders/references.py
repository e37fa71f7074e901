"""Properties that hold a person's id rather than a link: ``SITS_ON.deputy_for`` (the member deputised
for) and ``DECLARED_AT.ruled_by`` (who ruled on the declaration).

Such an id is checked like a relationship's ``:END_ID``: it must name a ``Person`` already in the
graph, else the row is rejected with its column and value. A deputy for nobody would silently never
count towards a quorum, and a ruling by nobody cannot be traced, so a dangling id is an error, not a
warning. A seat cannot deputise for its own holder.
"""

from __future__ import annotations

from orggraph.errors import RecordError
from orggraph.graph import OrgGraph
from orggraph.models import Rel

PERSON_ID_PROPERTIES: dict[str, tuple[str, ...]] = {"SITS_ON": ("deputy_for",), "DECLARED_AT": ("ruled_by",)}


def check_person_ids(rec: Rel, graph: OrgGraph) -> None:
    """RecordError (naming the property) when one of ``rec``'s person-id properties names no person."""
    for prop in PERSON_ID_PROPERTIES.get(rec.type, ()):
        value = rec.props.get(prop)
        if value is None:
            continue
        label = graph.label(str(value))
        if label is None:
            raise RecordError(prop, value, "expected the id of a Person already loaded (no node has this id)")
        if label != "Person":
            raise RecordError(prop, value, f"{value!r} is a {label}; expected the id of a Person")
        if prop == "deputy_for" and value == rec.start:
            raise RecordError(prop, value, "a member cannot deputise for themselves; expected the id of the "
                              "member deputised for")
