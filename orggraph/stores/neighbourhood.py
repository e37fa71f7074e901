"""Neighbourhood queries: the bounded subgraph one question needs, gathered by typed steps.

A single question (one decision, one meeting, one person, one committee) only touches the nodes within
``max_hops`` of the people involved. :func:`gather` walks out from the question's node by typed steps,
each a batch of "these nodes' relationships of these types, this way round", and returns the
:class:`OrgGraph` of everything it met: every node and relationship the engine could use to answer the
question, exactly as stored (so the engine's answer on it equals its answer on the whole graph; see
tests/test_neighbourhood.py), and nothing it could not use beyond a few cheap rows (all the seats of a
committee, all the relationships of a decision).

The walk is written once here; a store supplies only the two primitives of :class:`Fetch` (nodes by
id; relationships by (node, type) one way round), each over its own indexes: networkx adjacency for the
in-memory graph (:class:`GraphFetch`), indexed SQL for SQLite, typed Cypher for Neo4j.

What each question gathers (the rules are the engine's, README "Semantics"):

- **decision**: the decision, its ``DECIDED_BY`` committees, ``AT_MEETING`` meetings (their
  ``HELD_BY`` committees and ``ATTENDED``), parties, votes, withdrawals and ``DECLARED_AT`` (with the
  nodes a ruling or a deputy's seat names); each committee's ``COMMITTEE_OF`` (with its commissioners)
  and every ``SITS_ON``; then the interest neighbourhood of each possible decision-maker (a seat live on
  the decision's date, or a vote).
- **interest neighbourhood** of people: ``FAMILY_OF`` either way, the provider-interest edges of them
  and their relatives, then org-to-org interest edges forwards while within ``max_hops``; their
  ``DECLARED`` register entries and what those ``CONCERNS``.
- **meeting**: the meeting, its ``HELD_BY`` committees, every agenda item as a decision; the
  composition of its committee; and for co-opting: the other committees of each item's commissioners,
  their seats, and the interest neighbourhood of each voting member live on an item's date.
- **person**: their interest neighbourhood; their seats, and every decision of those committees or
  that they voted on (each decision's own relationships, without the other makers' neighbourhoods).
- **committee**: the committee, its ``COMMITTEE_OF`` with the commissioners and every ``SITS_ON``.
- **commissioner** (the register audit): its committees (``COMMITTEE_OF`` into it), their commissioners and
  seats; the interest neighbourhood of every seat holder; its remit: ``COMMISSIONED_BY`` into it and into
  each sub-ICB location or hub ``IN_ICB`` of it; and the decisions of its committees (``DECIDED_BY`` them,
  or at a meeting ``HELD_BY`` them) with their committees, meetings and parties.

Paths between two nodes need two ids, so they are a walk of their own (:func:`paths_walk`, read with
``store.read_with`` or :func:`paths_neighbourhood`): the interest neighbourhood of the first node (when it
is a person) and, for shortest paths of any kind, every relationship of every node closer than
``ceil(max_hops / 2)`` to either end. Every edge of a shortest path of at most ``max_hops`` edges has an
end at that distance or less from one of the two ends, so the breadth-first search finds the same paths
(and the same predecessors, in the same order) on this subgraph as on the whole graph.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Protocol, TypeVar

import networkx as nx

from orggraph.graph import OrgGraph
from orggraph.models import rel_key
from orggraph.schema import Schema
from orggraph.stores.question import DEFAULT_HOPS, QUESTIONS, Question
from orggraph.temporal import is_live

T = TypeVar("T")
NodeRow = tuple[str, str, dict[str, Any]]  # id, label, properties
RelRow = tuple[str, str, str, str, dict[str, Any]]  # start, type, end, identity key ("" or a date), properties

DECISION_OUT = frozenset({"DECIDED_BY", "AT_MEETING", "AWARDED_TO", "AFFECTS"})
DECISION_IN = frozenset({"VOTED_ON", "WITHDREW_FROM", "DECLARED_AT"})
MAKER_OF = frozenset({"SITS_ON"})
# Properties of a relationship that name another node the explanation words by name.
NAMED_BY = ("ruled_by", "deputy_for")


class Fetch(Protocol):
    """The reads a store answers for :func:`gather` (and the whole-graph walks of
    :mod:`orggraph.stores.parts`), each over its indexes."""

    def nodes(self, ids: Collection[str]) -> Iterable[NodeRow]:
        """The nodes among ``ids`` that exist."""
        ...

    def rels(self, ids: Collection[str], types: Collection[str], out: bool) -> Iterable[RelRow]:
        """Every relationship of one of ``types`` starting (``out``) or ending at one of ``ids``."""
        ...

    def ids_of(self, label: str | None, after: str | None, limit: int) -> Sequence[str]:
        """A page of node ids in id order: the first ``limit`` of ``label`` (any label when None) that
        sort after ``after`` (from the first when None)."""
        ...


class GraphFetch:
    """:class:`Fetch` over a graph in memory (the JSON store's, or any snapshot)."""

    def __init__(self, graph: OrgGraph):
        self.g: nx.MultiDiGraph = graph.g
        self._sorted: dict[str | None, list[str]] = {}  # label -> its ids, sorted (for ids_of)

    def nodes(self, ids: Collection[str]) -> Iterable[NodeRow]:
        nodes = self.g.nodes
        for nid in ids:
            data = nodes.get(nid)
            if data is not None:
                yield nid, data["label"], {k: v for k, v in data.items() if k != "label"}

    def rels(self, ids: Collection[str], types: Collection[str], out: bool) -> Iterable[RelRow]:
        adj = self.g._succ if out else self.g._pred
        for nid in ids:
            for other, keyed in adj.get(nid, {}).items():
                for key, data in keyed.items():
                    if data["type"] in types:
                        start, end = (nid, other) if out else (other, nid)
                        props = {k: v for k, v in data.items() if k != "type"}
                        yield start, data["type"], end, key.partition("|")[2], props

    def ids_of(self, label: str | None, after: str | None, limit: int) -> Sequence[str]:
        ids = self._sorted.get(label)
        if ids is None:
            ids = self._sorted[label] = sorted(n for n, data in self.g.nodes(data=True)
                                               if label is None or data["label"] == label)
        first = 0 if after is None else bisect_right(ids, after)
        return ids[first:first + limit]


class Gather:
    """The nodes and relationships met so far, and the typed steps that meet more."""

    def __init__(self, fetch: Fetch, schema: Schema):
        self.fetch, self.schema = fetch, schema
        self.nodes: dict[str, NodeRow] = {}
        self.rels: dict[tuple[str, str, str], RelRow] = {}
        self.asked: dict[tuple[str, str, bool], list[RelRow]] = {}  # (node, types, out) -> what it gave
        self.provider = schema.rel_types_of_class("provider_interest")
        self.org = schema.rel_types_of_class("org_interest")
        self.personal = schema.rel_types_of_class("personal_link")

    def label(self, nid: str) -> str | None:
        row = self.nodes.get(nid)
        return row[1] if row is not None else None

    def add_nodes(self, ids: Iterable[Any]) -> None:
        wanted = sorted({i for i in ids if isinstance(i, str) and i not in self.nodes})
        if wanted:
            for row in self.fetch.nodes(wanted):
                self.nodes[row[0]] = row

    def step(self, ids: Iterable[str], types: Collection[str], out: bool, rel_class: str | None = None
             ) -> list[RelRow]:
        """The relationships of ``types`` out of (or into) ``ids``, with the nodes at their other ends;
        with ``rel_class``, only those the schema puts in that class (the others are not kept). Each
        (node, types, way) is fetched once; asking again answers from what was met."""
        tag = ",".join(sorted(types)) + f"/{rel_class}"
        ids = sorted(set(ids))
        todo = [i for i in ids if (i, tag, out) not in self.asked]
        for i in todo:
            self.asked[(i, tag, out)] = []
        rows = list(self.fetch.rels(todo, types, out)) if todo else []
        self.add_nodes(r[2] if out else r[0] for r in rows)
        for row in rows:
            start, rtype, end, key, _ = row
            if rel_class is not None:
                fl, tl = self.label(start), self.label(end)
                variant = self.schema.classify(rtype, fl, tl) if fl and tl else None
                if variant is None or variant.rel_class != rel_class:
                    continue
            self.rels[(start, end, rel_key(rtype, key))] = row
            self.asked[(start if out else end, tag, out)].append(row)
        return [row for i in ids for row in self.asked[(i, tag, out)]]

    def graph(self) -> OrgGraph:
        """What was met, as a graph (nodes by id, relationships in the whole graph's order)."""
        g = nx.MultiDiGraph()
        for nid in sorted(self.nodes):
            _, label, props = self.nodes[nid]
            g.add_node(nid, label=label, **props)
        for (start, end, key) in sorted(self.rels):
            _, rtype, _, _, props = self.rels[(start, end, key)]
            g.add_edge(start, end, key=key, type=rtype, **props)
        return OrgGraph(g, self.schema)

    def balls(self, ids: Iterable[str], radius: int) -> None:
        """Every relationship, of any type either way, of every node fewer than ``radius`` steps (any
        type, either way) from one of ``ids``."""
        every = frozenset(self.schema.relationships)
        seen = {i for i in ids if i in self.nodes}
        frontier = sorted(seen)
        for _ in range(radius):
            rows = self.step(frontier, every, True) + self.step(frontier, every, False)
            reached = {r[2] for r in rows} | {r[0] for r in rows}
            frontier = sorted(reached - seen)
            seen |= reached

    # ---- the walks ------------------------------------------------------------------------------
    def interests(self, people: Iterable[str], max_hops: int) -> None:
        """The interest neighbourhood of ``people``: the edges any interest path of at most ``max_hops``
        from one of them could take, and their register entries."""
        people = sorted({p for p in people if self.label(p) == "Person"})
        if not people:
            return
        depth: dict[str, int] = {}  # organisation -> fewest edges from one of the people
        for row in self.step(people, self.provider, True, "provider_interest"):
            depth[row[2]] = 1
        if max_hops >= 2:
            relatives = {r[2] for r in self.step(people, self.personal, True, "personal_link")}
            relatives |= {r[0] for r in self.step(people, self.personal, False, "personal_link")}
            for row in self.step(sorted(relatives), self.provider, True, "provider_interest"):
                depth.setdefault(row[2], 2)
        for d in range(1, max_hops):
            frontier = sorted(o for o, k in depth.items() if k == d)
            for row in self.step(frontier, self.org, True, "org_interest"):
                depth.setdefault(row[2], d + 1)
        declarations = [r[2] for r in self.step(people, ("DECLARED",), True)]
        self.step(declarations, ("CONCERNS",), True)

    def committees(self, ids: Iterable[str]) -> list[RelRow]:
        """Each committee with its commissioners (``COMMITTEE_OF``) and every seat on it; the seats."""
        ids = sorted({c for c in ids if self.label(c) == "Committee"})
        self.step(ids, ("COMMITTEE_OF",), True)
        seats = self.step(ids, MAKER_OF, False)
        self.add_nodes(r[4].get("deputy_for") for r in seats)
        return [r for r in self.rels.values() if r[1] == "SITS_ON" and r[2] in ids]

    def decisions(self, ids: Iterable[str]) -> dict[str, str]:
        """The decisions' own relationships, meetings and committees (not their makers' interests); each
        decision's date, by id."""
        ids = sorted(set(ids))
        self.add_nodes(ids)
        ids = [d for d in ids if self.label(d) == "Decision"]
        outs = self.step(ids, DECISION_OUT, True)
        ins = self.step(ids, DECISION_IN, False)
        self.add_nodes(r[4].get(p) for r in ins for p in NAMED_BY)
        meetings = sorted({r[2] for r in outs if r[1] == "AT_MEETING"})
        held = self.step(meetings, ("HELD_BY",), True)
        self.step(meetings, ("ATTENDED",), False)
        self.committees([r[2] for r in outs if r[1] == "DECIDED_BY"] + [r[2] for r in held])
        return {d: str(self.nodes[d][2].get("date") or "") for d in ids}

    def decisions_of(self, committees: Iterable[str]) -> list[str]:
        """Every decision that may be one of ``committees``': ``DECIDED_BY`` one, or at a meeting
        ``HELD_BY`` one (a decision with no ``DECIDED_BY`` is its meetings' committees'); not gathered."""
        committees = sorted(set(committees))
        decided = [r[0] for r in self.step(committees, ("DECIDED_BY",), False)]
        meetings = [r[0] for r in self.step(committees, ("HELD_BY",), False)]
        return sorted({r[0] for r in self.step(meetings, ("AT_MEETING",), False)} | set(decided))

    def makers(self, dates: dict[str, str]) -> set[str]:
        """Everyone who could make one of these decisions: a seat on one of its committees (or its
        meetings' committees) live on its date, or a vote on it (a superset of the engine's makers),
        found in one pass over what was met, however many decisions."""
        out_of: defaultdict[tuple[str, str], list[str]] = defaultdict(list)  # (start, type) -> ends
        seats: defaultdict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)  # committee -> seats
        for start, rtype, end, _, props in self.rels.values():
            if rtype == "SITS_ON":
                seats[end].append((start, props))
            elif rtype == "VOTED_ON":
                out_of[(end, "VOTED_ON<")].append(start)
            else:
                out_of[(start, rtype)].append(end)
        out: set[str] = set()
        for d, on in dates.items():
            committees = set(out_of[(d, "DECIDED_BY")])
            committees.update(c for m in out_of[(d, "AT_MEETING")] for c in out_of[(m, "HELD_BY")])
            out.update(p for c in committees for p, props in seats[c] if is_live(props, on))
            out.update(out_of[(d, "VOTED_ON<")])
        return out


def _decision(ga: Gather, decision: str, max_hops: int) -> None:
    ga.interests(ga.makers(ga.decisions([decision])), max_hops)


def _meeting(ga: Gather, meeting: str, max_hops: int) -> None:
    ga.add_nodes([meeting])
    if ga.label(meeting) != "Meeting":
        return
    items = [r[0] for r in ga.step([meeting], ("AT_MEETING",), False)]
    held = [r[2] for r in ga.step([meeting], ("HELD_BY",), True)]
    dates = ga.decisions(items)
    ga.committees(held)
    ga.interests(ga.makers(dates), max_hops)
    # Co-opting: the other committees of the item committees' commissioners, and their voting members.
    item_committees = {r[2] for r in ga.rels.values() if r[1] in ("DECIDED_BY", "HELD_BY")}
    commissioners = {r[2] for r in ga.rels.values() if r[1] == "COMMITTEE_OF" and r[0] in item_committees}
    others = [r[0] for r in ga.step(sorted(commissioners), ("COMMITTEE_OF",), False)]
    seats = ga.committees(others)
    on = set(dates.values())
    ga.interests({s[0] for s in seats if s[4].get("voting") and any(is_live(s[4], d) for d in on)}, max_hops)


def _person(ga: Gather, person: str, max_hops: int) -> None:
    ga.add_nodes([person])
    if ga.label(person) != "Person":
        return
    ga.interests([person], max_hops)
    committees = [r[2] for r in ga.step([person], MAKER_OF, True)]
    ga.committees(committees)
    decided = [r[0] for r in ga.step(committees, ("DECIDED_BY",), False)]
    meetings = [r[0] for r in ga.step(committees, ("HELD_BY",), False)]
    on_agenda = [r[0] for r in ga.step(meetings, ("AT_MEETING",), False)]
    voted = [r[2] for r in ga.step([person], ("VOTED_ON",), True)]
    ga.decisions(decided + on_agenda + voted)


def _committee(ga: Gather, committee: str, max_hops: int) -> None:
    ga.add_nodes([committee])
    ga.committees([committee])


def _commissioner(ga: Gather, commissioner: str, max_hops: int) -> None:
    ga.add_nodes([commissioner])
    if ga.label(commissioner) not in ga.schema.commissioner_labels:
        return
    committees = sorted({r[0] for r in ga.step([commissioner], ("COMMITTEE_OF",), False)})
    seats = ga.committees(committees)
    located = [r[0] for r in ga.step([commissioner], ("IN_ICB",), False)]
    ga.step([commissioner, *located], ("COMMISSIONED_BY",), False)
    # The parties of its committees' decisions, and what makes a decision one of theirs.
    decisions = ga.decisions_of(committees)
    outs = ga.step(decisions, DECISION_OUT, True)
    ga.step({r[2] for r in outs if r[1] == "AT_MEETING"}, ("HELD_BY",), True)
    ga.interests({s[0] for s in seats}, max_hops)


WALKS = {"decision": _decision, "meeting": _meeting, "person": _person, "committee": _committee,
         "commissioner": _commissioner}


def gather(fetch: Fetch, schema: Schema, question: Question, node_id: str, max_hops: int = DEFAULT_HOPS) -> OrgGraph:
    """The subgraph that answers ``question`` about ``node_id`` within ``max_hops`` (see the module
    docstring); an empty graph when the node does not exist, the node alone when it is of another kind."""
    if question not in WALKS:
        raise ValueError(f"question: expected one of {', '.join(QUESTIONS)}, got {question!r}")
    ga = Gather(fetch, schema)
    hops = max_hops if isinstance(max_hops, int) and max_hops >= 1 else DEFAULT_HOPS
    WALKS[question](ga, node_id, min(hops, 32))
    ga.add_nodes([node_id])
    return ga.graph()


def graph_question(graph: OrgGraph, question: Question, node_id: str, max_hops: int = DEFAULT_HOPS) -> OrgGraph:
    """:func:`gather` over a graph in memory."""
    return gather(GraphFetch(graph), graph.schema, question, node_id, max_hops)


def paths_walk(from_id: str, to_id: str, max_hops: int = DEFAULT_HOPS, any_kind: bool = False,
               schema: Schema | None = None) -> Callable[[Fetch], OrgGraph]:
    """The walk (for ``store.read_with``) that gathers what the paths between ``from_id`` and ``to_id``
    need (``orggraph.findings.paths_report``): the interest neighbourhood of ``from_id`` within
    ``max_hops``, and with ``any_kind`` every relationship of every node closer than
    ``ceil(max_hops / 2)`` to either end (see the module docstring). ``schema``: the store's."""
    def walk(fetch: Fetch) -> OrgGraph:
        from orggraph.schema import SCHEMA

        ga = Gather(fetch, schema or SCHEMA)
        hops = min(max_hops if isinstance(max_hops, int) and max_hops >= 1 else DEFAULT_HOPS, 32)
        ga.add_nodes([from_id, to_id])
        ga.interests([from_id], hops)
        if any_kind:
            ga.balls([from_id, to_id], (hops + 1) // 2)
        return ga.graph()

    return walk


class Reads(Protocol):
    """What :func:`paths_neighbourhood` needs of a store."""

    schema: Schema

    def read_with(self, walk: Callable[[Fetch], T], what: str = ...) -> T: ...


def paths_neighbourhood(store: Reads, from_id: str, to_id: str, max_hops: int = DEFAULT_HOPS,
                        any_kind: bool = False) -> OrgGraph:
    """The subgraph on which ``paths_report(graph, from_id, to_id, as_of, max_hops, any_kind)`` gives the
    whole graph's answer, read from ``store`` in one consistent read."""
    return store.read_with(paths_walk(from_id, to_id, max_hops, any_kind, store.schema),
                           f"reading the paths between {from_id} and {to_id}")


def chunked(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
