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
from orggraph.models import Node, Record, Rel, identity_start
from orggraph.query import normalise_text
from orggraph.schema import Schema
from orggraph.stores.neo4j.cypher import (
    NODE,
    NODES_BY_ID,
    RELS_BY_KEY,
    chunks,
    merge_nodes,
    merge_rels,
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


def read_touched(tx: Any, records: Sequence[Record], schema: Schema) -> nx.MultiDiGraph:
    """The nodes and relationships that ``records`` name, as they stand in the database now."""
    ids = sorted({r.id for r in records if isinstance(r, Node)}
                 | {i for r in records if isinstance(r, Rel) for i in (r.start, r.end)})
    before = nx.MultiDiGraph()
    for id_chunk in chunks(ids):
        for row in tx.run(NODES_BY_ID, ids=id_chunk):
            add_node(before, NodeRow(*row), schema)
    wanted = sorted({(r.start, r.type, r.end, identity_start(r.props) or "")
                     for r in records if isinstance(r, Rel) and r.start in before and r.end in before})
    for key_chunk in chunks(wanted):
        rows = [{"s": s, "t": t, "e": e, "k": k} for s, t, e, k in key_chunk]
        for row in tx.run(RELS_BY_KEY, rows=rows):
            add_rel(before, RelRow(*row))
    return before


def changed_nodes(before: nx.MultiDiGraph, after: OrgGraph) -> dict[str, list[dict[str, Any]]]:
    """Rows ``{id, props}`` per label for every node that is new or has new property values.

    A new or renamed node also gets its folded name and id (``_search``/``_sid``) for search."""
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
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
        by_label[data["label"]].append({"id": nid, "props": changed})
    return by_label


def changed_rels(before: nx.MultiDiGraph, after: OrgGraph) -> dict[str, list[dict[str, Any]]]:
    """Rows ``{s, e, k, props}`` per type for every relationship that is new or has new values."""
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start, end, key, data in after.g.edges(keys=True, data=True):
        old = before.get_edge_data(start, end, key)
        props = {k: v for k, v in data.items() if k != "type"}
        changed = props if old is None else {k: v for k, v in props.items() if old.get(k) != v}
        if old is not None and not changed:
            continue
        by_type[data["type"]].append({"s": start, "e": end, "k": identity_start(props) or "", "props": changed})
    return by_type


def write_changes(tx: Any, before: nx.MultiDiGraph, after: OrgGraph, schema: Schema) -> None:
    """Write what ``after`` changed over ``before`` with batched ``UNWIND ... MERGE`` statements."""
    for label, rows in changed_nodes(before, after).items():
        if label not in schema.nodes:  # labels come from the schema, never from input text
            raise StoreError(f"unknown label {label!r}")
        for node_chunk in chunks(rows):
            tx.run(merge_nodes(label), rows=node_chunk).consume()
    for rtype, rows in changed_rels(before, after).items():
        if rtype not in schema.relationships:
            raise StoreError(f"unknown relationship type {rtype!r}")
        for rel_chunk in chunks(rows):
            tx.run(merge_rels(rtype), rows=rel_chunk).consume()
