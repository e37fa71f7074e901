"""A generated world: its records, its registers of interests, and (on first use) what was planted."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from orggraph.models import Node, Record, Rel, node, rel

from .oracle import Walk, compute_planted
from .planted import Declaration, MeetingLog, Planted
from .scale import Scale


@dataclass
class Register:
    """One register of interests file: its rows in the NHS England template's columns."""

    commissioner_id: str
    title: str
    filename: str
    entries: list[dict[str, Any]]


class World:
    """Generated records, register rows, and (computed on first use) what was planted."""

    def __init__(self, scale: Scale, seed: int, source: str):
        self.scale = scale
        self.seed = seed
        self.source = source
        self.nodes: dict[str, Node] = {}
        self.rels: list[Rel] = []
        self.registers: list[Register] = []
        self.declarations: list[Declaration] = []
        self.logs: list[MeetingLog] = []  # meetings' declarations logs (each written as its own file)
        self.headline: dict[str, str] = {}  # named scenarios (e.g. the most telling decision)
        self.story: list[str] = []  # what was planted on purpose, in words

    # -- building
    def add_node(self, nid: str, label: str, props: dict[str, Any]) -> str:
        if nid in self.nodes:
            raise ValueError(f"generator made the id {nid} twice")
        self.nodes[nid] = node(nid, label, props, source=self.source)
        return nid

    def update_node(self, nid: str, props: dict[str, Any]) -> None:
        """Add properties to a node already generated (a CCG that becomes a sub-ICB location)."""
        old = self.nodes[nid]
        self.nodes[nid] = node(nid, old.label, {**old.props, **props}, source=self.source)

    def add_rel(self, start: str, rtype: str, end: str, props: dict[str, Any] | None = None) -> None:
        self.rels.append(rel(start, rtype, end, props or {}, source=self.source))

    # -- reading
    @property
    def records(self) -> list[Record]:
        return [*self.nodes.values(), *self.rels]

    @property
    def register_entries(self) -> list[dict[str, Any]]:
        return [e for reg in self.registers for e in reg.entries]

    def label(self, nid: str) -> str:
        return self.nodes[nid].label

    def name(self, nid: str) -> str:
        return str(self.nodes[nid].props.get("name", nid))

    def ids(self, label: str) -> list[str]:
        return [nid for nid, n in self.nodes.items() if n.label == label]

    def counts(self) -> dict[str, dict[str, int]]:
        nodes: dict[str, int] = defaultdict(int)
        rels: dict[str, int] = defaultdict(int)
        for n in self.nodes.values():
            nodes[n.label] += 1
        for r in self.rels:
            rels[r.type] += 1
        return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

    def walk(self) -> Walk:
        return Walk({nid: n.label for nid, n in self.nodes.items()}, self.rels)

    @cached_property
    def planted(self) -> Planted:
        return compute_planted(self)
