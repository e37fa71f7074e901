"""The temporal organisation graph: a networkx MultiDiGraph with schema-checked merges.

Node data holds the node's properties plus ``label``; edge data holds the relationship's properties
plus ``type``, keyed by :attr:`orggraph.models.Rel.key`. Every record merges by id, so applying the
same records twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orggraph.errors import RecordError
from orggraph.models import Node, Record, Rel, identity_start, rel_key
from orggraph.schema import SCHEMA, Schema
from orggraph.temporal import is_live

FORMAT_VERSION = 1


@dataclass
class ApplyResult:
    nodes_created: int = 0
    nodes_updated: int = 0
    rels_created: int = 0
    rels_updated: int = 0
    unchanged: int = 0
    # (index of the record in the batch, the error)
    rejected: list[tuple[int, RecordError]] = field(default_factory=list)
    committed: bool = True

    @property
    def written(self) -> int:
        return self.nodes_created + self.nodes_updated + self.rels_created + self.rels_updated


class OrgGraph:
    """A temporal property graph over networkx; the engine's algorithms read ``self.g`` directly."""

    def __init__(self, g: nx.MultiDiGraph | None = None, schema: Schema = SCHEMA):
        self.g: nx.MultiDiGraph = g if g is not None else nx.MultiDiGraph()
        self.schema = schema

    # ---- reading -----------------------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self.g

    def node(self, node_id: str) -> dict[str, Any] | None:
        data = self.g.nodes.get(node_id)
        return dict(data) if data is not None else None

    def label(self, node_id: str) -> str | None:
        data = self.g.nodes.get(node_id)
        return data["label"] if data is not None else None

    def nodes(self, label: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        for nid, data in self.g.nodes(data=True):
            if label is None or data["label"] == label:
                yield nid, data

    def out_rels(self, node_id: str, types: Iterable[str] | None = None, on: str | None = None
                 ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(end, type, props) for each outgoing relationship, optionally of these types, live on ``on``."""
        wanted = set(types) if types is not None else None
        for _, end, data in self.g.out_edges(node_id, data=True):
            if (wanted is None or data["type"] in wanted) and (on is None or is_live(data, on)):
                yield end, data["type"], data

    def in_rels(self, node_id: str, types: Iterable[str] | None = None, on: str | None = None
                ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(start, type, props) for each incoming relationship."""
        wanted = set(types) if types is not None else None
        for start, _, data in self.g.in_edges(node_id, data=True):
            if (wanted is None or data["type"] in wanted) and (on is None or is_live(data, on)):
                yield start, data["type"], data

    def rels(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for start, end, data in self.g.edges(data=True):
            yield start, data["type"], end, data

    def stats(self) -> dict[str, dict[str, int]]:
        nodes = Counter(data["label"] for _, data in self.g.nodes(data=True))
        rels = Counter(data["type"] for _, _, data in self.g.edges(data=True))
        return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

    # ---- writing -----------------------------------------------------------------------------
    def apply(self, records: Iterable[Record]) -> ApplyResult:
        """Merge records in order; a record that does not fit is rejected, the rest are applied."""
        result = ApplyResult()
        for i, rec in enumerate(records):
            try:
                if isinstance(rec, Node):
                    self._merge_node(rec, result)
                else:
                    self._merge_rel(rec, result)
            except RecordError as err:
                result.rejected.append((i, err))
        if result.written:
            # Lets caches built over this graph (the engine's index) see that it changed, in O(1).
            self.g.graph["version"] = self.g.graph.get("version", 0) + 1
        return result

    def validate(self, records: Iterable[Record]) -> list[tuple[int, RecordError]]:
        """The rejections ``apply`` would make, without changing the graph (for all-or-nothing writes)."""
        pending: dict[str, str] = {}  # node id -> label, for nodes earlier in this batch
        rejected: list[tuple[int, RecordError]] = []
        for i, rec in enumerate(records):
            try:
                if isinstance(rec, Node):
                    known = pending.get(rec.id) or self.label(rec.id)
                    if known is not None and known != rec.label:
                        raise RecordError(":LABEL", rec.label,
                                          f"id {rec.id!r} is already a {known}; expected {known}")
                    pending[rec.id] = rec.label
                    continue
                labels = []
                for col, nid in ((":START_ID", rec.start), (":END_ID", rec.end)):
                    label = pending.get(nid) or self.label(nid)
                    if label is None:
                        raise RecordError(col, nid, "expected the id of a node already loaded")
                    labels.append(label)
                if self.schema.classify(rec.type, labels[0], labels[1]) is None:
                    raise RecordError(":TYPE", rec.type, self._endpoint_reason(rec.type, labels[0], labels[1]))
            except RecordError as err:
                rejected.append((i, err))
        return rejected

    def _endpoint_reason(self, rel_type: str, from_label: str, to_label: str) -> str:
        allowed = "; ".join(
            f"{'/'.join(sorted(v.from_labels))} -> {'/'.join(sorted(v.to_labels))}"
            for v in self.schema.relationships[rel_type].variants
        )
        return f"{from_label} -> {to_label} is not allowed; expected {allowed}"

    def check(self, rec: Record) -> None:
        """Raise RecordError if ``rec`` cannot be merged into the graph as it stands."""
        if isinstance(rec, Node):
            existing = self.g.nodes.get(rec.id)
            if existing is not None and existing["label"] != rec.label:
                raise RecordError(":LABEL", rec.label,
                                  f"id {rec.id!r} is already a {existing['label']}; expected {existing['label']}")
            return
        for col, nid in ((":START_ID", rec.start), (":END_ID", rec.end)):
            if nid not in self.g:
                raise RecordError(col, nid, "expected the id of a node already loaded")
        fl, tl = self.g.nodes[rec.start]["label"], self.g.nodes[rec.end]["label"]
        if self.schema.classify(rec.type, fl, tl) is None:
            raise RecordError(":TYPE", rec.type, self._endpoint_reason(rec.type, fl, tl))

    def _merge_node(self, rec: Node, result: ApplyResult) -> None:
        self.check(rec)
        existing = self.g.nodes.get(rec.id)
        if existing is None:
            self.g.add_node(rec.id, label=rec.label, **rec.props)
            result.nodes_created += 1
            return
        if rec.stub:
            new = {k: v for k, v in rec.props.items() if k not in existing and k != "source"}
        else:
            new = {k: v for k, v in rec.props.items() if existing.get(k) != v}
        if new:
            existing.update(new)
            result.nodes_updated += 1
        else:
            result.unchanged += 1

    def _merge_rel(self, rec: Rel, result: ApplyResult) -> None:
        self.check(rec)
        key = rec.key
        data = self.g.get_edge_data(rec.start, rec.end, key)
        if data is None:
            self.g.add_edge(rec.start, rec.end, key=key, type=rec.type, **rec.props)
            result.rels_created += 1
            return
        new = {k: v for k, v in rec.props.items() if data.get(k) != v}
        if new:
            data.update(new)
            result.rels_updated += 1
        else:
            result.unchanged += 1

    # ---- (de)serialisation -------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        """A canonical, JSON-ready form: sorted, so equal graphs give equal data."""
        nodes = []
        for nid in sorted(self.g.nodes):
            data = dict(self.g.nodes[nid])
            label = data.pop("label")
            nodes.append([nid, label, dict(sorted(data.items()))])
        rels = []
        for start, end, key, data in sorted(self.g.edges(keys=True, data=True), key=lambda e: e[:3]):
            props = dict(data)
            rtype = props.pop("type")
            rels.append([start, rtype, end, dict(sorted(props.items()))])
        return {"format": "orggraph", "version": FORMAT_VERSION, "schema_version": self.schema.version,
                "nodes": nodes, "relationships": rels}

    @classmethod
    def from_data(cls, data: dict[str, Any], schema: Schema = SCHEMA) -> OrgGraph:
        if data.get("format") != "orggraph":
            raise ValueError("not an orggraph store file")
        g = nx.MultiDiGraph()
        for nid, label, props in data["nodes"]:
            g.add_node(nid, label=label, **props)
        for start, rtype, end, props in data["relationships"]:
            g.add_edge(start, end, key=rel_key(rtype, identity_start(props)), type=rtype, **props)
        return cls(g, schema)

    def records(self) -> Iterator[Record]:
        """Every node then every relationship as records (for copying between stores)."""
        data = self.to_data()
        for nid, label, props in data["nodes"]:
            yield Node(nid, label, props)
        for start, rtype, end, props in data["relationships"]:
            yield Rel(start, rtype, end, props)

    def copy(self) -> OrgGraph:
        return OrgGraph(self.g.copy(), self.schema)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OrgGraph) and self.to_data() == other.to_data()

    __hash__ = None  # type: ignore[assignment]
