"""Snapshot links across releases: one deterministic function of what every release said.

A snapshot file says what was true on its release date: practice A81001's commissioner is 16C, CCG
00C is in STP E54000048. It rarely says when that stopped being true. So each link of the snapshot
types (:data:`RECONCILED`) remembers the releases that reported it, and its end is worked out from
every release loaded, whatever the order they came in:

- ``seen_in``: the release dates that reported the link (space-separated); ``seen_first`` and
  ``seen_last`` their first and last.
- ``valid_to_stated``: an end date a file gave for the link itself (epraccur's left date, ePCN's
  relationship end date); the earliest when several releases give one.
- ``valid_to``: the earliest of
  (a) the stated end;
  (b) the end of the node the link points to (a CCG that eccg says closed on 2020-03-31 commissions
  nothing after that day);
  (c) for a link with a start date, the day before a later-starting link of the same entity and type
  starts (a practice's commissioners, PCNs, STPs never overlap: when the next starts on J, this one
  ends on J-1 at the latest);
  (d) the day before the first release after the link was first seen that does not report it.
  A release counts for (d) when it reports the same entity with another link of that type, or,
  for files that list everything they cover (:data:`loaders.releases.COMPLETE_KINDS`: ONS lookups,
  eccg), whenever it covers that type for that label: a CCG missing from next year's lookup has left
  its STP.
  Ends before the link's own start are ignored (the file contradicts itself).
- ``valid_to_inferred``: true when ``valid_to`` comes from (c) or (d), i.e. no file gave that date.

The link's ``source`` and ``release`` are those of the highest-ranked release that reported it.

Why (d) takes the first gap after the first sighting, not the last sighting: the graph only ever
gains facts (a store write sets properties, it never removes one), so an end once set must stay set
whatever is loaded later; this rule has that property, so every load order reaches the same graph. A
link reported again after a release that dropped it (with the same start date) therefore stays ended
at the gap: ODS gives a returning link a new join date, which makes it a new link.

For the same reason a link's identity (part of its key in both stores) is the start date the files
gave, and stays so: when ODS names a new target but keeps the old start date (A81630: 00M "from
2013-04-01" in 2019, 16C "from 2013-04-01" from 2021), the link first reported later starts the day
after the earlier-reported ones with that start end: its ``valid_from`` moves there and
``clipped_from`` keeps the files' date, which is its identity (:func:`orggraph.models.identity_start`).
The clip is a property recomputed from the ends each time, not a new relationship, so when an end
moves (eccg loaded after the 2021 release moves 00M's end to its close date) the clip moves with it.

Only entities the file touched are recomputed: the starts of the links it reports, the starts of
links into nodes whose end date it changed, and, for files that list everything, every entity of
the types it covers. Everything is computed on a private copy of that neighbourhood and written as
ordinary records in the same store write as the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from loaders.precedence import record_rank
from loaders.releases import COMPLETE_KINDS, Loaded, ReleaseInfo
from orggraph.errors import RecordError
from orggraph.graph import OrgGraph
from orggraph.models import Node, Record, Rel, identity_start
from orggraph.temporal import day_after, day_before

RECONCILED = frozenset({"COMMISSIONED_BY", "MEMBER_OF", "IN_STP", "IN_REGION", "IN_ICB"})
EdgeKey = tuple[str, str, str]  # (start, end, key)


@dataclass
class Plan:
    """What to write for one file: its records with every reported link merged, then the other links
    whose end changed."""

    records: list[Record]
    covers: list[str]
    ended: int = 0  # links (reported or not) whose end date this file changed
    stuck_open: list[str] = field(default_factory=list)  # ends the graph holds that no release now gives


class _Neighbourhood:
    """A private copy of the part of the graph a file's links touch."""

    def __init__(self, graph: OrgGraph):
        self.graph = graph
        self.sub = OrgGraph(nx.MultiDiGraph(), graph.schema)
        self.copied: set[str] = set()

    def node(self, nid: str) -> None:
        if nid not in self.sub.g and nid in self.graph.g:
            self.sub.g.add_node(nid, **dict(self.graph.g.nodes[nid]))

    def entity(self, nid: str) -> None:
        """Copy a node with its snapshot links and the nodes they point to."""
        self.node(nid)
        if nid in self.copied or nid not in self.graph.g:
            return
        self.copied.add(nid)
        for _, end, key, data in self.graph.g.out_edges(nid, keys=True, data=True):
            if data["type"] in RECONCILED and not self.sub.g.has_edge(nid, end, key):
                self.node(end)
                self.sub.g.add_edge(nid, end, key=key, **dict(data))


def _observe(sub: OrgGraph, rec: Rel, info: ReleaseInfo) -> EdgeKey | None:
    """Merge one reported link into the copy; None when its ends do not fit (the store reports it)."""
    try:
        sub.check(rec)
    except RecordError:
        return None
    key = rec.key
    if not sub.g.has_edge(rec.start, rec.end, key):
        sub.g.add_edge(rec.start, rec.end, key=key, type=rec.type)
    data = sub.g.edges[rec.start, rec.end, key]
    assert info.date is not None
    seen = sorted(set(str(data.get("seen_in") or "").split()) | {info.date})
    data.update(seen_in=" ".join(seen), seen_first=seen[0], seen_last=seen[-1])
    props = dict(rec.props)
    stated = props.pop("valid_to", None)
    if stated:
        data["valid_to_stated"] = min(stated, data.get("valid_to_stated") or stated)
    if not data.get("source") or info.rank >= record_rank(data):
        data.update(props)
    return rec.start, rec.end, key


def _end(candidates: list[tuple[str, bool]], valid_from: str | None) -> tuple[str, bool] | None:
    fitting = [c for c in candidates if valid_from is None or c[0] >= valid_from]
    return min(fitting) if fitting else None  # on a tie a stated date (False) beats an inferred one


def _reconcile_entity(sub: OrgGraph, start: str, rel_type: str, complete: Iterable[str]
                      ) -> list[tuple[str, str, dict[str, Any]]]:
    """Work out the end of each of ``start``'s snapshot links of one type; (end, key, data) of each."""
    links = [(end, key, data) for _, end, key, data in sub.g.out_edges(start, keys=True, data=True)
             if data["type"] == rel_type and data.get("seen_in")]
    seen = {(end, key): set(str(data["seen_in"]).split()) for end, key, data in links}
    stated_from = {(end, key): identity_start(data) for end, key, data in links}
    scope = set(complete).union(*seen.values()) if seen else set(complete)
    for end, key, data in links:
        mine, valid_from = seen[(end, key)], stated_from[(end, key)]
        first = min(mine)
        candidates: list[tuple[str, bool]] = []
        gaps = [r for r in scope if r > first and r not in mine]
        if gaps:
            candidates.append((day_before(min(gaps)), True))
        # A link without a start date says nothing about which came first: only dated links end so.
        later = [s for k2, s in stated_from.items() if valid_from and k2 != (end, key) and (s or "") > valid_from]
        if later:
            candidates.append((day_before(min(str(s) for s in later)), True))
        for stated in (data.get("valid_to_stated"), sub.g.nodes[end].get("valid_to")):
            if stated:
                candidates.append((str(stated), False))
        found = _end(candidates, valid_from)
        if found is None:
            data.pop("valid_to", None)
            data["valid_to_inferred"] = False
        else:
            data["valid_to"], data["valid_to_inferred"] = found
    _clip(links, seen, stated_from)
    return [(end, key, data) for end, key, data in links]


def _clip(links: list[tuple[str, str, dict[str, Any]]], seen: dict[tuple[str, str], set[str]],
          stated_from: dict[tuple[str, str], str | None]) -> None:
    """Start a link the day after the links with its start date that earlier releases reported end.

    ODS sometimes names a new target but keeps the old start (A81630: 00M "from 2013-04-01" in 2019,
    16C "from 2013-04-01" from 2021): the link first reported later cannot hold while the one first
    reported earlier does, so its ``valid_from`` becomes the day after the latest end among those
    (when they all have one) and ``clipped_from`` keeps the start the files gave, which stays its
    identity (:func:`orggraph.models.identity_start`). Set from the ends alone, so it is recomputed,
    never accumulated: a clip that moves (00M's end moves from the day before the 2021 release to
    its close date when eccg is loaded) moves the one link."""
    for end, key, data in links:
        valid_from = stated_from[(end, key)]
        if not valid_from:
            continue  # an undated link says nothing about which came first
        first = min(seen[(end, key)])
        ends = [d.get("valid_to") for e, k, d in links
                if e != end and stated_from[(e, k)] == valid_from and min(seen[(e, k)]) < first]
        clip = str(valid_from)
        if ends and all(ends):
            clip = max(clip, day_after(max(str(e) for e in ends)))
        if data.get("valid_to") and clip > str(data["valid_to"]):
            clip = str(valid_from)  # it ended before they did: the files contradict each other, left as given
        if clip != valid_from or "clipped_from" in data:
            data["valid_from"], data["clipped_from"] = clip, valid_from


def plan(graph: OrgGraph, records: list[Record], info: ReleaseInfo, loaded: list[Loaded]) -> Plan:
    """Records to write for a parsed, stamped snapshot file: see the module docstring."""
    hood = _Neighbourhood(graph)
    touched = {r.id for r in records if isinstance(r, Node)}
    for r in records:
        if isinstance(r, Rel):
            touched.update((r.start, r.end))
    for nid in sorted(touched):
        hood.entity(nid)
    sub = hood.sub
    ends_before = {nid: sub.g.nodes[nid].get("valid_to") for nid in touched if nid in sub.g}
    sub.apply([r for r in records if isinstance(r, Node)])
    reported: dict[int, EdgeKey] = {}
    entities: set[tuple[str, str]] = set()
    covers: set[str] = set()
    for i, r in enumerate(records):
        if isinstance(r, Rel) and r.type in RECONCILED:
            got = _observe(sub, r, info)
            if got is not None:
                reported[i] = got
                entities.add((r.start, r.type))
                covers.add(f"{r.type}:{sub.g.nodes[r.start]['label']}")
    _widen(graph, hood, entities, touched, ends_before)
    complete = _complete_scope(loaded, info, sorted(covers))
    if info.kind in COMPLETE_KINDS:
        _add_covered(graph, hood, entities, covers)
    return _records(graph, sub, records, reported, entities, complete, sorted(covers))


def _widen(graph: OrgGraph, hood: _Neighbourhood, entities: set[tuple[str, str]], touched: set[str],
           ends_before: dict[str, Any]) -> None:
    """Entities whose links point to a node whose end date the file changed."""
    for nid in sorted(touched):
        if nid not in graph.g or hood.sub.g.nodes[nid].get("valid_to") == ends_before.get(nid):
            continue
        for start, _, data in graph.g.in_edges(nid, data=True):
            if data["type"] in RECONCILED and data.get("seen_in"):
                hood.entity(start)
                entities.add((start, data["type"]))


def _complete_scope(loaded: list[Loaded], info: ReleaseInfo, covers: list[str]) -> dict[str, set[str]]:
    """TYPE:Label -> dates of the releases of complete kinds that cover it (this file included)."""
    out: dict[str, set[str]] = {}
    for rel in loaded:
        if rel.kind in COMPLETE_KINDS:
            for c in rel.covers:
                out.setdefault(c, set()).add(rel.date)
    if info.kind in COMPLETE_KINDS and info.date:
        for c in covers:
            out.setdefault(c, set()).add(info.date)
    return out


def _add_covered(graph: OrgGraph, hood: _Neighbourhood, entities: set[tuple[str, str]], covers: set[str]) -> None:
    """A complete file covers every entity of its labels: ones it no longer lists must end too."""
    wanted = {tuple(c.split(":", 1)) for c in covers}
    labels = {label for _, label in wanted}
    for nid, data in graph.nodes():
        if data["label"] not in labels:
            continue
        for _, _, edge in graph.g.out_edges(nid, data=True):
            if (edge["type"], data["label"]) in wanted and edge.get("seen_in"):
                hood.entity(nid)
                entities.add((nid, edge["type"]))


def _records(graph: OrgGraph, sub: OrgGraph, records: list[Record], reported: dict[int, EdgeKey],
             entities: set[tuple[str, str]], complete: dict[str, set[str]], covers: list[str]) -> Plan:
    out = Plan(list(records), covers)
    final: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for start, rel_type in sorted(entities):
        label = sub.g.nodes[start]["label"]
        for end, key, data in _reconcile_entity(sub, start, rel_type, complete.get(f"{rel_type}:{label}", ())):
            props = {k: v for k, v in data.items() if k != "type"}
            final[(start, rel_type, end, key)] = props
            before = graph.g.get_edge_data(start, end, key) if start in graph.g and end in graph.g else None
            if before is not None and before.get("valid_to") and "valid_to" not in props:
                out.stuck_open.append(f"{start} {rel_type} {end}")
            if before is None or before.get("valid_to") != props.get("valid_to"):
                out.ended += "valid_to" in props
    written: set[tuple[str, str, str, str]] = set()
    for i, (start, end, key) in reported.items():
        rec = records[i]
        assert isinstance(rec, Rel)
        k = (start, rec.type, end, key)
        out.records[i] = Rel(start, rec.type, end, final[k])
        written.add(k)
    for k, props in sorted(final.items()):
        if k in written:
            continue
        start, rel_type, end, key = k
        before = graph.g.get_edge_data(start, end, key)
        if before is None or any(before.get(p) != v for p, v in props.items()):
            out.records.append(Rel(start, rel_type, end, props))
    return out
