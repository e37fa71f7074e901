"""Between Neo4j rows and the graph: project what Cypher returns into an :class:`OrgGraph`, and turn a
write's replayed graph back into the rows that change the database.

Properties whose names start with ``_`` belong to the store (``_key``, ``_search``, ``_sid``) and never
appear in a projected graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import networkx as nx

from orggraph.errors import StoreError
from orggraph.graph import OrgGraph
from orggraph.models import Node, Record, Rel, identity_start, rel_key
from orggraph.query import normalise_text
from orggraph.schema import Schema
from orggraph.stores.neo4j.cypher import (
    NODE,
    NODES_BY_ID,
    chunks,
    create_nodes,
    create_rels,
    merge_nodes,
    merge_rels,
    rels_by_key,
    rels_of,
)


class NodeRow(NamedTuple):
    """A node as Cypher returns it: ``n.id, labels(n), properties(n)``."""

    id: str
    labels: list[str]
    props: dict[str, Any]


class RelRow(NamedTuple):
    """A relationship as Cypher returns it: ``a.id, type(r), b.id, properties(r)``."""

    start: str
    type: str
    end: str
    props: dict[str, Any]

    @property
    def key(self) -> str:
        """The graph's edge key, as :attr:`orggraph.models.Rel.key` makes it (``_key`` is the identity start or "")."""
        return f"{self.type}|{self.props.get('_key', '')}"


def public(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if not k.startswith("_")}


def node_props(props: dict[str, Any]) -> dict[str, Any]:
    """A node's properties as the graph holds them: the id is the node's key, not a property."""
    return {k: v for k, v in props.items() if not k.startswith("_") and k != "id"}


def schema_label(labels: Iterable[str], schema: Schema) -> str:
    """The schema label among a node's labels (every node also carries :data:`NODE`)."""
    for label in labels:
        if label in schema.nodes:
            return label
    return next(iter(sorted(set(labels) - {NODE})), NODE)


def add_node(g: nx.MultiDiGraph, row: NodeRow, schema: Schema) -> None:
    g.add_node(row.id, label=schema_label(row.labels, schema), **node_props(row.props))


def add_rel(g: nx.MultiDiGraph, row: RelRow) -> None:
    g.add_edge(row.start, row.end, key=row.key, type=row.type, **public(row.props))


def subgraph(nodes: Iterable[Sequence[Any]], rels: Iterable[Sequence[Any]], schema: Schema) -> OrgGraph:
    g = nx.MultiDiGraph()
    for node in nodes:
        add_node(g, NodeRow(*node), schema)
    for rel in rels:
        add_rel(g, RelRow(*rel))
    return OrgGraph(g, schema)


def whole_graph(nodes: Iterable[Sequence[Any]], rels: Iterable[Sequence[Any]], schema: Schema) -> OrgGraph:
    """The projection in the order :meth:`OrgGraph.from_data` uses (what a fresh embedded store reads
    from its file), so the engine sees the same iteration order on both backends."""
    g = nx.MultiDiGraph()
    for node in sorted((NodeRow(*n) for n in nodes), key=lambda n: n.id):
        g.add_node(node.id, label=schema_label(node.labels, schema), **dict(sorted(node_props(node.props).items())))
    for rel in sorted((RelRow(*r) for r in rels), key=lambda r: (r.start, r.end, r.key)):
        g.add_edge(rel.start, rel.end, key=rel.key, type=rel.type, **dict(sorted(public(rel.props).items())))
    return OrgGraph(g, schema)


class CypherFetch:
    """:class:`orggraph.stores.neighbourhood.Fetch` inside one read transaction: nodes by the id
    constraint's index; a step's relationships by one typed, bounded ``UNWIND ... MATCH`` (one round trip
    per step of the walk, whatever the number of nodes in it)."""

    def __init__(self, tx: Any, schema: Schema):
        self.tx, self.schema = tx, schema

    def nodes(self, ids: Iterable[str]) -> Iterable[tuple[str, str, dict[str, Any]]]:
        for id_chunk in chunks(sorted(set(ids))):
            for row in self.tx.run(NODES_BY_ID, ids=id_chunk):
                node = NodeRow(*row)
                yield node.id, schema_label(node.labels, self.schema), node_props(node.props)

    def rels(self, ids: Iterable[str], types: Iterable[str], out: bool
             ) -> Iterable[tuple[str, str, str, str, dict[str, Any]]]:
        query = rels_of(sorted(types), out, self.schema)
        for id_chunk in chunks(sorted(set(ids))):
            for row in self.tx.run(query, ids=id_chunk):
                r = RelRow(*row)
                yield r.start, r.type, r.end, str(r.props.get("_key", "")), public(r.props)

    def ids_of(self, label: str | None, after: str | None, limit: int) -> list[str]:
        if label is not None and label not in self.schema.nodes:
            return []  # labels are spliced from the schema only
        match = f"MATCH (n:{NODE}{'' if label is None else ':' + label})"
        query = f"{match} {'' if after is None else 'WHERE n.id > $after '}RETURN n.id ORDER BY n.id LIMIT $limit"
        return [row[0] for row in self.tx.run(query, after=after, limit=limit)]


def touched_ids(records: Sequence[Record]) -> list[str]:
    """The node ids ``records`` name (as nodes or as relationship ends)."""
    return sorted({r.id for r in records if isinstance(r, Node)}
                  | {i for r in records if isinstance(r, Rel) for i in (r.start, r.end)})


def touched_keys(records: Sequence[Record], present: nx.MultiDiGraph) -> dict[str, list[tuple[str, str, str]]]:
    """Per type, the ``(start, end, identity start)`` of each relationship ``records`` name whose ends
    are both in ``present`` (a relationship needs both)."""
    keys: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for r in records:
        if isinstance(r, Rel) and r.start in present and r.end in present:
            keys[r.type].add((r.start, r.end, identity_start(r.props) or ""))
    return {t: sorted(k) for t, k in sorted(keys.items())}


def read_touched(tx: Any, records: Sequence[Record], schema: Schema) -> nx.MultiDiGraph:
    """The nodes and relationships that ``records`` name, as they stand in the database now: nodes in
    batches through the id index, relationships one typed batch per type."""
    before = nx.MultiDiGraph()
    for id_chunk in chunks(touched_ids(records)):
        for row in tx.run(NODES_BY_ID, ids=id_chunk):
            add_node(before, NodeRow(*row), schema)
    for rtype, keys in touched_keys(records, before).items():
        if rtype not in schema.relationships:
            continue  # no such relationship can be stored; apply() rejects the record
        for key_chunk in chunks(keys):
            rows = [{"s": s, "e": e, "k": k} for s, e, k in key_chunk]
            for row in tx.run(rels_by_key(rtype), rows=rows):
                add_rel(before, RelRow(*row))
    return before


def touched_from(graph: OrgGraph, records: Sequence[Record]) -> nx.MultiDiGraph:
    """What :func:`read_touched` would read, taken from a snapshot known to be the database's current
    state (the store's cached projection at the version just before this write's)."""
    before = nx.MultiDiGraph()
    nodes = graph.g.nodes
    for nid in touched_ids(records):
        data = nodes.get(nid)
        if data is not None:
            before.add_node(nid, **data)
    for rtype, keys in touched_keys(records, before).items():
        for start, end, k in keys:
            key = rel_key(rtype, k)
            data = graph.g.get_edge_data(start, end, key)
            if data is not None:
                before.add_edge(start, end, key=key, **data)
    return before


class Changes(NamedTuple):
    """A write's rows per label / type, split into new (created without a lookup) and changed."""

    new_nodes: dict[str, list[dict[str, Any]]]
    set_nodes: dict[str, list[dict[str, Any]]]
    new_rels: dict[str, list[dict[str, Any]]]
    set_rels: dict[str, list[dict[str, Any]]]


def changed_nodes(before: nx.MultiDiGraph, after: OrgGraph
                  ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Rows ``{id, props}`` per label for every node that is new, and for every node with new property
    values (only those values).

    A new or renamed node also gets its folded name and id (``_search``/``_sid``) for search."""
    new: dict[str, list[dict[str, Any]]] = defaultdict(list)
    updated: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for nid, data in after.g.nodes(data=True):
        old = before.nodes.get(nid)
        props = {k: v for k, v in data.items() if k != "label"}
        if old is None:
            changed = props
        else:
            changed = {k: v for k, v in props.items() if old.get(k) != v}
            if not changed:
                continue
        if "name" in changed or old is None:
            changed["_search"] = normalise_text(str(props.get("name") or ""))
            changed["_sid"] = normalise_text(nid)
        (new if old is None else updated)[data["label"]].append({"id": nid, "props": changed})
    return new, updated


def changed_rels(before: nx.MultiDiGraph, after: OrgGraph
                 ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Rows ``{s, e, k, props}`` per type for every relationship that is new, and for every one with
    new values (only those values)."""
    new: dict[str, list[dict[str, Any]]] = defaultdict(list)
    updated: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start, end, key, data in after.g.edges(keys=True, data=True):
        old = before.get_edge_data(start, end, key)
        props = {k: v for k, v in data.items() if k != "type"}
        changed = props if old is None else {k: v for k, v in props.items() if old.get(k) != v}
        if old is not None and not changed:
            continue
        row = {"s": start, "e": end, "k": identity_start(props) or "", "props": changed}
        (new if old is None else updated)[data["type"]].append(row)
    return new, updated


def changes(before: nx.MultiDiGraph, after: OrgGraph) -> Changes:
    return Changes(*changed_nodes(before, after), *changed_rels(before, after))


def by_keys(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """``rows`` grouped by the keys of their ``props``: one statement text per group, each key set
    explicitly (see :func:`orggraph.stores.neo4j.cypher.merge_nodes`)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row["props"]))].append(row)
    return groups


def write_changes(tx: Any, before: nx.MultiDiGraph, after: OrgGraph, schema: Schema) -> Changes:
    """Write what ``after`` changed over ``before`` with batched ``UNWIND`` statements, one per label or
    type and kind of change (``before`` is what the database holds: read in this transaction, or the
    snapshot the counter proves current), so new rows are created without a lookup. Returns the rows."""
    rows = changes(before, after)
    steps = ((rows.new_nodes, schema.nodes, create_nodes), (rows.set_nodes, schema.nodes, merge_nodes),
             (rows.new_rels, schema.relationships, create_rels), (rows.set_rels, schema.relationships, merge_rels))
    for by_name, known, statement in steps:
        for name, named_rows in by_name.items():
            if name not in known:  # labels and types come from the schema, never from input text
                raise StoreError(f"unknown label or relationship type {name!r}")
            for keys, keyed_rows in by_keys(named_rows).items():
                query = statement(name, keys)
                for row_chunk in chunks(keyed_rows):
                    tx.run(query, rows=row_chunk).consume()
    return rows


def patch(graph: OrgGraph, rows: Changes) -> None:
    """Bring a snapshot of the database forward by a write's rows, in place, as the statements of
    :func:`write_changes` changed the database (``SET +=``: values set, none removed)."""
    g = graph.g
    for label_rows in (rows.new_nodes, rows.set_nodes):
        for label, node_rows in label_rows.items():
            for row in node_rows:
                props = public(row["props"])
                if row["id"] in g:
                    g.nodes[row["id"]].update(props, label=label)
                else:
                    g.add_node(row["id"], label=label, **props)
    for type_rows in (rows.new_rels, rows.set_rels):
        for rtype, rel_rows in type_rows.items():
            for row in rel_rows:
                g.add_edge(row["s"], row["e"], key=rel_key(rtype, row["k"]), type=rtype, **row["props"])
