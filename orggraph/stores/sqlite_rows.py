"""Rows of the SQLite store's tables (:mod:`orggraph.stores.sqlite_sql`) to and from an :class:`OrgGraph`:
reading a graph or part of one, the rows a write touches and the rows it changes, search, and the
:class:`~orggraph.stores.neighbourhood.Fetch` reads the walks use.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import networkx as nx
import orjson

from orggraph.graph import ApplyResult, OrgGraph
from orggraph.models import Node, Record, Rel, identity_start, rel_key
from orggraph.query import node_detail, normalise_text, search_graph
from orggraph.schema import Schema
from orggraph.stores.neighbourhood import GraphFetch
from orggraph.stores.sqlite_sql import (
    ALL_NODES,
    ALL_RELS,
    CHUNK,
    REL_BY_KEY,
    RELS_OF,
    SEARCH,
    UPSERT_NODE,
    UPSERT_REL,
    chunks,
)

__all__ = [  # its own, and what the store reaches through this module (imported when a graph is read)
    "ALL_NODES", "ALL_RELS", "ApplyResult", "GraphFetch", "OrgGraph", "RowFetch", "add_node_row",
    "add_rel_row", "dumps", "fold", "neighbourhood", "node_detail", "nodes_by_id", "normalise_text",
    "read_touched", "rows_graph", "search_candidates", "search_graph", "touched_copy", "write_changes",
]


def dumps(props: dict[str, Any]) -> str:
    return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode()


def add_node_row(g: nx.MultiDiGraph, row: Sequence[Any]) -> None:
    nid, label, props = row
    g.add_node(nid, label=label, **orjson.loads(props))


def add_rel_row(g: nx.MultiDiGraph, row: Sequence[Any]) -> None:
    start, rtype, end, key, props = row
    g.add_edge(start, end, key=rel_key(rtype, key), type=rtype, **orjson.loads(props))


def rows_graph(nodes: Iterable[Sequence[Any]], rels: Iterable[Sequence[Any]], schema: Schema) -> OrgGraph:
    g = nx.MultiDiGraph()
    for row in nodes:
        add_node_row(g, row)
    for row in rels:
        add_rel_row(g, row)
    return OrgGraph(g, schema)


def nodes_by_id(db: sqlite3.Connection, ids: Iterable[str]) -> Iterator[Sequence[Any]]:
    wanted = sorted(set(ids))
    for part in chunks(wanted):
        yield from db.execute(f"SELECT id, label, props FROM nodes WHERE id IN ({','.join('?' * len(part))})", part)


def read_touched(db: sqlite3.Connection, records: Sequence[Record]) -> nx.MultiDiGraph:
    """The nodes and relationships that ``records`` name, as they stand in the database now: all that
    :meth:`OrgGraph.apply` looks at to merge them (so its result there is its result on the whole graph)."""
    before = nx.MultiDiGraph()
    ids = {r.id for r in records if isinstance(r, Node)} | {i for r in records if isinstance(r, Rel)
                                                             for i in (r.start, r.end)}
    for row in nodes_by_id(db, ids):
        add_node_row(before, row)
    if not db.execute("SELECT 1 FROM rels LIMIT 1").fetchone():
        return before  # an empty store (a first load, a migration): nothing to look up
    wanted = {(r.start, r.type, r.end, identity_start(r.props) or "")
              for r in records if isinstance(r, Rel) and r.start in before and r.end in before}
    for key in sorted(wanted):
        row = db.execute(REL_BY_KEY, key).fetchone()
        if row is not None:
            add_rel_row(before, row)
    return before


def touched_copy(g: nx.MultiDiGraph, records: Sequence[Record]) -> nx.MultiDiGraph:
    """Copies of the nodes and relationships of ``g`` that ``records`` name (what a merge may change)."""
    before = nx.MultiDiGraph()
    for r in records:
        if isinstance(r, Node):
            data = g.nodes.get(r.id)
            if data is not None:
                before.add_node(r.id, **data)
        else:
            old = g.get_edge_data(r.start, r.end, r.key)
            if old is not None:
                before.add_edge(r.start, r.end, key=r.key, **old)
    return before


def write_changes(db: sqlite3.Connection, before: nx.MultiDiGraph, after: OrgGraph,
                  records: Sequence[Record]) -> None:
    """Upsert, whole, each node and relationship named by ``records`` that ``after`` (the graph they
    were merged into) adds or changes over ``before`` (the same items before the merge)."""
    node_rows = []
    for nid in sorted({r.id for r in records if isinstance(r, Node)}):
        data = after.g.nodes.get(nid)
        if data is None or before.nodes.get(nid) == data:  # rejected, or unchanged
            continue
        props = {k: v for k, v in data.items() if k != "label"}
        node_rows.append((nid, data["label"], dumps(props), fold(nid), fold(str(props.get("name") or ""))))
    db.executemany(UPSERT_NODE, node_rows)
    rel_rows = []
    for start, end, key in sorted({(r.start, r.end, r.key) for r in records if isinstance(r, Rel)}):
        data = after.g.get_edge_data(start, end, key)
        if data is None or before.get_edge_data(start, end, key) == data:
            continue
        props = {k: v for k, v in data.items() if k != "type"}
        rel_rows.append((start, data["type"], end, identity_start(props) or "", dumps(props)))
    db.executemany(UPSERT_REL, rel_rows)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """:func:`orggraph.query.normalise_text`, with a quicker path for ASCII text (most ids and names)."""
    if not text.isascii():
        return normalise_text(text)
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def neighbourhood(db: sqlite3.Connection, node_id: str, schema: Schema) -> OrgGraph:
    """One node, its relationships both ways and the nodes at their other ends."""
    rels = list(db.execute(RELS_OF, (node_id, node_id)))
    ids = {node_id} | {r[0] for r in rels} | {r[2] for r in rels}
    return rows_graph(nodes_by_id(db, ids), rels, schema)


def search_candidates(db: sqlite3.Connection, text: str, schema: Schema) -> OrgGraph:
    """The nodes :func:`orggraph.query.search_graph` could score for ``text`` (id equal or prefix, name
    containing it), found over the folded columns without reading any properties' JSON."""
    q = fold(text)
    return rows_graph(db.execute(SEARCH, (q, len(q), q, q)), [], schema)


class RowFetch:
    """:class:`orggraph.stores.neighbourhood.Fetch` over the tables: nodes by primary key, a node's
    relationships of some types by the ``(start, type)`` primary key or the ``("end", type)`` index, a
    page of ids by the primary key or the ``nodes_label`` index (which holds ``(label, id)`` in order)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def nodes(self, ids: Iterable[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for nid, label, props in nodes_by_id(self.db, ids):
            yield nid, label, orjson.loads(props)

    def rels(self, ids: Iterable[str], types: Iterable[str], out: bool
             ) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
        column = "start" if out else '"end"'
        kinds = sorted(types)
        for part in chunks(sorted(set(ids)), CHUNK - len(kinds)):
            query = (f'SELECT start, type, "end", key, props FROM rels WHERE {column} IN ({",".join("?" * len(part))})'
                     f' AND type IN ({",".join("?" * len(kinds))})')
            loads = orjson.loads
            yield from [(start, rtype, end, key, loads(props))
                        for start, rtype, end, key, props in self.db.execute(query, [*part, *kinds])]

    def ids_of(self, label: str | None, after: str | None, limit: int) -> list[str]:
        where = [] if label is None else ["label = ?"]
        args: list[Any] = [] if label is None else [label]
        if after is not None:
            where.append("id > ?")
            args.append(after)
        query = f"SELECT id FROM nodes {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id LIMIT ?"
        return [row[0] for row in self.db.execute(query, [*args, limit])]
