"""Conflicts with filters, gathered without reading the whole graph.

``orggraph.engine.conflicts(graph, decision=, meeting=, person=, committee=, commissioner=, date_from=,
date_to=)`` keeps the decisions every filter allows. When one of the ids is given, those decisions lie
in a bounded part of the graph, and :func:`conflicts_walk` gathers exactly that part in one read:

- a decision, meeting or person: that question's neighbourhood (:mod:`orggraph.stores.neighbourhood`),
  whatever the other filters (they only narrow what it holds);
- else a committee: the union of the neighbourhoods of its decisions (``DECIDED_BY`` it, or at a meeting
  ``HELD_BY`` it), within the dates;
- else a commissioner: the same for every committee ``COMMITTEE_OF`` it (on a decision's date or not:
  the engine keeps those whose link was live then).

The other ids named are read as nodes too, so an unknown or wrong kind of id fails as on the whole
graph. With no id at all (dates only, or nothing) every decision may be kept: there is no walk
(:func:`conflicts_walk` returns None) and the caller reads the whole graph.
"""

from __future__ import annotations

from collections.abc import Callable

from orggraph.graph import OrgGraph
from orggraph.schema import Schema
from orggraph.stores.neighbourhood import WALKS, Fetch, Gather, Reads
from orggraph.stores.question import DEFAULT_HOPS
from orggraph.temporal import iso


def _day(value: object) -> str | None:
    """``value`` as an ISO date, or None when it is none (or not a date: the engine then says so)."""
    try:
        return iso(value) if isinstance(value, str) else None
    except ValueError:
        return None


def conflicts_walk(*, decision: str | None = None, meeting: str | None = None, person: str | None = None,
                   committee: str | None = None, commissioner: str | None = None, date_from: str | None = None,
                   date_to: str | None = None, max_hops: int = DEFAULT_HOPS, schema: Schema | None = None
                   ) -> Callable[[Fetch], OrgGraph] | None:
    """The walk (for ``store.read_with``) that gathers what ``engine.conflicts`` needs with these filters
    to give the whole graph's answer; None when no id is given (see the module docstring)."""
    if decision is None and meeting is None and person is None and committee is None and commissioner is None:
        return None
    lo, hi = _day(date_from), _day(date_to)

    def walk(fetch: Fetch) -> OrgGraph:
        from orggraph.schema import SCHEMA

        ga = Gather(fetch, schema or SCHEMA)
        hops = min(max_hops if isinstance(max_hops, int) and max_hops >= 1 else DEFAULT_HOPS, 32)
        ga.add_nodes(i for i in (decision, meeting, person, committee, commissioner) if i is not None)
        one = [(q, i) for q, i in (("decision", decision), ("meeting", meeting), ("person", person)) if i]
        if one:
            WALKS[one[0][0]](ga, one[0][1], hops)
            return ga.graph()
        if committee is not None:
            committees = [committee]
        else:
            committees = [r[0] for r in ga.step([str(commissioner)], ("COMMITTEE_OF",), False)]
        ids = ga.decisions_of(committees)
        ga.add_nodes(ids)
        ids = [d for d in ids if (lo is None or str(ga.nodes[d][2].get("date") or "") >= lo)
               and (hi is None or str(ga.nodes[d][2].get("date") or "") <= hi)]
        ga.interests(ga.makers(ga.decisions(ids)), hops)
        return ga.graph()

    return walk


def conflicts_neighbourhood(store: Reads, *, max_hops: int = DEFAULT_HOPS, **filters: str | None) -> OrgGraph | None:
    """:func:`conflicts_walk` read from ``store`` in one consistent read; None when no id is given."""
    walk = conflicts_walk(max_hops=max_hops, schema=store.schema, **filters)
    if walk is None:
        return None
    return store.read_with(walk, "reading the decisions asked about")
