"""Which file's version of a record wins when several reference files describe the same thing.

The national files overlap: several releases of epraccur name the same practices, three years of
ONS lookups name the same CCGs and STPs, the ePCN workbook and its CSV exports carry the same PCNs.
The graph merges by id and a full record overwrites the properties it names, so without a rule the
last file loaded would win, and loading the same files in a different order would give a different
graph. The rule here makes the result independent of order: every record a loader writes is ranked
by the file it comes from, and a node record that ranks below what the graph already holds is
demoted to a stub that only fills gaps.

Rank = (the file's release date, the file name): the release date is the date the snapshot was true
(see :mod:`loaders.releases`), never a year read from the file name, so ODS's own name
``epraccur.csv`` for every release still lets the newer release win. Two files of the same release
(the ePCN workbook and its CSV exports) are ordered by name, which is arbitrary but fixed. A file
without a release date (graph CSVs, registers, a lookup with no date) ranks below every dated one. A
record's rank is read from what it carries: the date in its ``release`` id and the file of its
``source``.

The rank of the file being parsed is set by the pipeline (:func:`ranking`), which learns the release
date only from the parsed records: it parses once as if the file outranked everything, and again
with its real rank when the graph holds a release that ranks as high. Links of the snapshot types are
not demoted at all while the pipeline reconciles them (:mod:`loaders.reconcile` merges every
observation of a link and keeps the highest-ranked source), so :func:`rel_outranked` answers False.
Outside the pipeline (a loader called directly) a file ranks as undated.

Stubs have no rank: a stub (a CCG named only in passing by ePCN, say) records the file that created
it, but only a full record should hold the node against a lower-ranked full record. A loader names
the property only its full records carry (``ons_code`` for a CCG, ``status`` for a practice); a node
without it is a stub whatever its source says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from loaders.releases import release_date_of
from orggraph.graph import OrgGraph
from orggraph.models import Node
from orggraph.temporal import OPEN_HI

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def source_file(source: str | None) -> str:
    """The file part of a ``file:row`` or ``file:sheet:row`` source string."""
    return (source or "").split(":", 1)[0]


def file_rank(file_name: str) -> tuple[int, str]:
    """(year, name): the last four-digit year in a file name, 0 if it has none. No longer used for
    precedence (a name says nothing reliable about a release); kept for callers that sort names."""
    years = _YEAR.findall(file_name)
    return (int(years[-1]) if years else 0, file_name)


Rank = tuple[str, str]  # (release date or "", file name)
TOP_RANK: Rank = (OPEN_HI, "\uffff")


@dataclass(frozen=True)
class Ranking:
    """The rank of the file being parsed, and whether its snapshot links are reconciled after."""

    rank: Rank
    reconcile: bool = False
    # node id -> ("full" | "mention", full marker): what each precedence question asked while parsing
    # under TOP_RANK, so that the pipeline can answer it again once the file's rank is known.
    asked: dict[str, tuple[str, str]] = field(default_factory=dict)


_CURRENT: ContextVar[Ranking | None] = ContextVar("orggraph_ranking", default=None)


@contextmanager
def ranking(current: Ranking) -> Iterator[None]:
    """Parse a file under this rank (the pipeline's job)."""
    token = _CURRENT.set(current)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def own_rank(file_name: str) -> Rank:
    current = _CURRENT.get()
    return current.rank if current is not None else ("", file_name)


def record_rank(data: dict[str, Any]) -> Rank:
    """The rank of what the graph holds: the date of its release, the file of its source."""
    return (release_date_of(data.get("release")), source_file(data.get("source")))


def outranked(existing: dict[str, Any] | None, file_name: str) -> bool:
    """True when ``existing`` (node or relationship data) came from a file that ranks above ours."""
    if not existing or not existing.get("source"):
        return False
    return record_rank(existing) > own_rank(file_name)


def node_outranked(graph: OrgGraph, node_id: str, file_name: str, full_marker: str = "name") -> bool:
    """True when the graph holds ``node_id`` as a full record (it has ``full_marker``) from a higher-ranked
    file: the caller then writes its own record as a stub, filling only what is missing."""
    current = _CURRENT.get()
    if current is not None:
        current.asked[node_id] = ("full", full_marker)
    existing = graph.g.nodes.get(node_id)
    if existing is None or full_marker not in existing:
        return False
    return outranked(existing, file_name)


def rel_outranked(graph: OrgGraph, start: str, rel_type: str, end: str, valid_from: str | None,
                  file_name: str) -> bool:
    current = _CURRENT.get()
    if current is not None and current.reconcile:
        return False  # every observation is merged by loaders.reconcile, which ranks them itself
    if start not in graph.g or end not in graph.g:
        return False
    return outranked(graph.g.get_edge_data(start, end, f"{rel_type}|{valid_from or ''}"), file_name)


def demote(records: list[Any], graph: OrgGraph, parsed_as: Ranking, rank: Rank) -> int:
    """Answer again, under the file's real ``rank``, the node questions a parse under TOP_RANK asked:
    a full record the graph outranks, or a first mention replacing a stub that now ranks as high,
    becomes a stub. (Under TOP_RANK every answer was "write in full"; only those can change.) Returns
    how many records were demoted."""
    demoted = 0
    for rec in records:
        asked = parsed_as.asked.get(rec.id) if isinstance(rec, Node) else None
        if asked is None or rec.stub:
            continue
        existing = graph.g.nodes.get(rec.id)
        if existing is None:
            continue
        which, marker = asked
        if which == "full":
            stub = marker in existing and bool(existing.get("source")) and record_rank(existing) > rank
        else:
            stub = marker in existing or not record_rank(existing) < rank
        if stub:
            rec.stub = True
            demoted += 1
    return demoted


class Mentions:
    """Nodes a file names only in passing (a practice in ePCN, a CCG in epraccur), written as stubs.

    A stub never overwrites, so two files that only mention the same node would otherwise leave it
    with whichever file came first as its source. Here the higher-ranked file's mention wins: when
    the graph holds the node as a stub (no ``full_marker``) from a lower-ranked file, the first
    mention in this file is written as a record that replaces the stub's name and source. Later
    mentions in the file stay stubs, so the source is the first row, as it would be if the node had
    not existed. Call :meth:`row_loaded` after each row that loaded, so a rejected row's mention does
    not count.
    """

    def __init__(self, graph: OrgGraph, file_name: str):
        self.graph, self.file_name = graph, file_name
        self.rank = own_rank(file_name)
        self.done: set[str] = set()
        self.pending: list[str] = []

    def stub(self, node_id: str, full_marker: str) -> bool:
        """Whether to write this mention of ``node_id`` as a stub (True) or as a replacing record."""
        if node_id in self.done:
            return True
        current = _CURRENT.get()
        if current is not None:
            current.asked.setdefault(node_id, ("mention", full_marker))
        existing = self.graph.g.nodes.get(node_id)
        self.pending.append(node_id)
        if existing is None or full_marker in existing:
            return True
        return not record_rank(existing) < self.rank

    def written(self, node_id: str) -> None:
        """This file writes ``node_id`` in full itself: later mentions in the file must not replace it."""
        self.pending.append(node_id)

    def row_loaded(self, loaded: bool) -> None:
        if loaded:
            self.done.update(self.pending)
        self.pending.clear()
