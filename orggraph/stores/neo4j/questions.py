"""One Cypher statement per single question: the neighbourhood the shared walk will ask for, fetched in
one round trip, then the walk itself run over it.

:func:`orggraph.stores.neighbourhood.gather` asks for a question's subgraph by typed steps, each depending
on the last (the decision's committees, then their seats, then the makers' interests...): over
:class:`~orggraph.stores.neo4j.projection.CypherFetch` that is one round trip per step (10 to 20 per
question). Here the same steps are written as one statement (:func:`decision_statement`): typed
expansions through the id index, the seats filtered on the decision's date as the walk filters them,
org-to-org interest edges unrolled layer by layer up to ``max_hops`` (breadth first, never a
variable-length path). It returns the rows it met and, for each expansion, the ids it expanded
("covered": every relationship of those types that way round is among the rows).

:class:`PrefetchedFetch` then answers the walk from those rows wherever they cover the step asked, and
sends only an uncovered step to the database (in the same read transaction). So the answer is the walk's
by construction, whatever the statement misses; the statement only decides how many round trips it
takes (one for a decision, normally).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from orggraph.schema import Schema
from orggraph.stores.neighbourhood import DECISION_IN, DECISION_OUT, MAKER_OF, NodeRow, RelRow
from orggraph.stores.neo4j.cypher import NODE
from orggraph.stores.neo4j.projection import CypherFetch, node_props, public, schema_label

# The decision date's "live" test of orggraph.temporal.is_live, on string dates (a missing or empty
# bound is open).
LIVE = ("(coalesce(r.valid_from, '') = '' OR r.valid_from <= on) AND "
        "(coalesce(r.valid_to, '') = '' OR r.valid_to >= on)")


class Expansion(NamedTuple):
    """One step of the statement: the relationships of ``types`` out of (or into) the nodes of list
    ``nodes``, collected as ``name``."""

    name: str
    nodes: str
    types: tuple[str, ...]
    out: bool


def _expand(e: Expansion) -> str:
    arrow = f"-[r:{'|'.join(e.types)}]->" if e.out else f"<-[r:{'|'.join(e.types)}]-"
    return (f"CALL ({e.nodes}) {{ UNWIND {e.nodes} AS x WITH DISTINCT x MATCH (x){arrow}(:{NODE}) "
            f"RETURN collect(DISTINCT r) AS {e.name} }}")


def _ends(rels: str, out: bool = True, where: str = "true") -> str:
    end = "endNode(r)" if out else "startNode(r)"
    return f"[r IN {rels} WHERE {where} | {end}]"


class Statement(NamedTuple):
    text: str
    expansions: tuple[Expansion, ...]


def _interests(schema: Schema, max_hops: int) -> tuple[list[str], list[Expansion]]:
    """Clauses for the interest neighbourhood of the node list ``makers`` (see ``Gather.interests``)."""
    provider = tuple(sorted(schema.rel_types_of_class("provider_interest")))
    org = tuple(sorted(schema.rel_types_of_class("org_interest")))
    personal = tuple(sorted(schema.rel_types_of_class("personal_link")))
    ex = [Expansion("l_prov", "people", provider, True)]
    lines = ["WITH *, [p IN makers WHERE p:Person] AS people", _expand(ex[-1])]
    frontier = _ends("l_prov")
    if max_hops >= 2:
        ex += [Expansion("l_pout", "people", personal, True), Expansion("l_pin", "people", personal, False)]
        lines += [_expand(ex[-2]), _expand(ex[-1]),
                  f"WITH *, {_ends('l_pout')} + {_ends('l_pin', out=False)} AS relatives"]
        ex.append(Expansion("l_rprov", "relatives", provider, True))
        lines.append(_expand(ex[-1]))
    lines.append(f"WITH *, {frontier} AS f1, {frontier} AS seen1")
    for d in range(1, max_hops):
        ex.append(Expansion(f"l_org{d}", f"f{d}", org, True))
        lines.append(_expand(ex[-1]))
        found = _ends(f"l_org{d}") + (f" + {_ends('l_rprov')}" if d == 1 and max_hops >= 2 else "")
        lines.append(f"WITH *, [x IN {found} WHERE NOT x IN seen{d}] AS f{d + 1}")
        lines.append(f"WITH *, seen{d} + f{d + 1} AS seen{d + 1}")
    ex.append(Expansion("l_decl", "people", ("DECLARED",), True))
    lines.append(_expand(ex[-1]))
    lines.append(f"WITH *, {_ends('l_decl')} AS declarations")
    ex.append(Expansion("l_conc", "declarations", ("CONCERNS",), True))
    lines.append(_expand(ex[-1]))
    return lines, ex


@lru_cache(maxsize=64)
def decision_statement(schema: Schema, max_hops: int) -> Statement:
    """The decision question's statement (parameter ``$id``): what ``_decision`` in
    :mod:`orggraph.stores.neighbourhood` walks, in the walk's order."""
    ex = [Expansion("l_dout", "ds", tuple(sorted(DECISION_OUT)), True),
          Expansion("l_din", "ds", tuple(sorted(DECISION_IN)), False),
          Expansion("l_held", "meetings", ("HELD_BY",), True),
          Expansion("l_att", "meetings", ("ATTENDED",), False),
          Expansion("l_cof", "committees", ("COMMITTEE_OF",), True),
          Expansion("l_seat", "committees", tuple(sorted(MAKER_OF)), False)]
    lines = [f"MATCH (d:{NODE} {{id: $id}}) WHERE d:Decision",
             "WITH d, [d] AS ds, coalesce(d.date, '') AS on",
             _expand(ex[0]), _expand(ex[1]),
             f"WITH *, {_ends('l_dout', where='type(r) = ' + repr('AT_MEETING'))} AS meetings",
             _expand(ex[2]), _expand(ex[3]),
             (f"WITH *, [c IN {_ends('l_dout', where='type(r) = ' + repr('DECIDED_BY'))} + {_ends('l_held')} "
             "WHERE c:Committee] AS committees"),
             _expand(ex[4]), _expand(ex[5]),
             (f"WITH *, {_ends('l_seat', out=False, where=LIVE)} + "
             f"{_ends('l_din', out=False, where='type(r) = ' + repr('VOTED_ON'))} AS makers")]
    more_lines, more = _interests(schema, max_hops)
    lines += more_lines
    ex += more
    rels = " + ".join(e.name for e in ex)
    cover = ", ".join(f"[x IN {e.nodes} | x.id]" for e in ex)
    lines += [f"WITH d, {rels} AS rs, [{cover}] AS cover",
              ("CALL (rs) { UNWIND rs AS r WITH DISTINCT r "
              "RETURN collect([startNode(r).id, type(r), endNode(r).id, properties(r)]) AS rels }"),
              ("CALL (rs, d) { UNWIND [d] + [r IN rs | startNode(r)] + [r IN rs | endNode(r)] AS n "
              "WITH DISTINCT n RETURN collect([n.id, labels(n), properties(n)]) AS nodes }"),
              "RETURN nodes, rels, cover"]
    return Statement("\n".join(lines), tuple(ex))


class PrefetchedFetch:
    """:class:`~orggraph.stores.neighbourhood.Fetch` over a statement's rows: a step the rows cover is
    answered from them; anything else from the database (``live``, the same read transaction)."""

    def __init__(self, live: CypherFetch, schema: Schema):
        self.live, self.schema = live, schema
        self.node_rows: dict[str, NodeRow] = {}
        self.by_end: dict[tuple[str, bool], list[RelRow]] = defaultdict(list)
        self.covered: dict[tuple[str, bool], set[str]] = defaultdict(set)
        self.round_trips = 0

    def load(self, statement: Statement, **params: Any) -> None:
        """Run ``statement`` (one round trip) and keep its rows and what they cover."""
        self.round_trips += 1
        record = self.live.tx.run(statement.text, **params).single()
        if record is None:
            return
        for nid, labels, props in record["nodes"]:
            self.node_rows[nid] = (nid, schema_label(labels, self.schema), node_props(props))
        for start, rtype, end, props in record["rels"]:
            row: RelRow = (start, rtype, end, str(props.get("_key", "")), public(props))
            self.by_end[(start, True)].append(row)
            self.by_end[(end, False)].append(row)
        for expansion, ids in zip(statement.expansions, record["cover"], strict=True):
            for nid in ids:
                self.covered[(nid, expansion.out)].update(expansion.types)

    def ids_of(self, label: str | None, after: str | None, limit: int) -> list[str]:
        """Pages of ids are not prefetched: always the database's."""
        self.round_trips += 1
        return self.live.ids_of(label, after, limit)

    def nodes(self, ids: Collection[str]) -> Iterable[NodeRow]:
        missing = [i for i in ids if i not in self.node_rows]
        yield from (self.node_rows[i] for i in ids if i in self.node_rows)
        if missing:
            self.round_trips += 1
            yield from self.live.nodes(missing)

    def rels(self, ids: Collection[str], types: Collection[str], out: bool) -> Iterable[RelRow]:
        wanted = set(types)
        missing = []
        for nid in ids:
            if wanted <= self.covered.get((nid, out), set()):
                yield from (r for r in self.by_end.get((nid, out), ()) if r[1] in wanted)
            else:
                missing.append(nid)
        if missing:
            self.round_trips += 1
            yield from self.live.rels(missing, types, out)
