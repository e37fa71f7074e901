"""Which file's version of a record wins when several reference files describe the same thing.

The national files overlap: three years of ONS lookups all name the same CCGs and STPs, the ePCN
workbook and its CSV exports carry the same PCNs. The graph merges by id and a full record overwrites
the properties it names, so without a rule the last file loaded would win, and loading the same files
in a different order would give a different graph. The rule here makes the result independent of
order: every record a loader writes is ranked by the file it comes from, and a record that ranks below
what the graph already holds is demoted (a node becomes a stub that only fills gaps; a relationship is
left as it is).

Rank = (the snapshot year in the file name, the file name). Reference files are named by their
release (``ons_ccg20_stp20_apr2020.csv``, ``epraccur_2019-11.csv``), so a newer release wins; two
files of the same release (the ePCN workbook and its CSV exports) are ordered by name, which is
arbitrary but fixed. A file name without a year ranks below every dated one.

Stubs have no rank: a stub (a CCG named only in passing by ePCN, say) records the file that created
it, but only a full record should hold the node against a lower-ranked full record. A loader names
the property only its full records carry (``ons_code`` for a CCG, ``status`` for a practice); a node
without it is a stub whatever its source says.
"""

from __future__ import annotations

import re
from typing import Any

from orggraph.graph import OrgGraph

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def source_file(source: str | None) -> str:
    """The file part of a ``file:row`` or ``file:sheet:row`` source string."""
    return (source or "").split(":", 1)[0]


def file_rank(file_name: str) -> tuple[int, str]:
    """(snapshot year, name): the last four-digit year in the file name, 0 if it has none."""
    years = _YEAR.findall(file_name)
    return (int(years[-1]) if years else 0, file_name)


def outranked(existing: dict[str, Any] | None, file_name: str) -> bool:
    """True when ``existing`` (node or relationship data) came from a file that ranks above ours."""
    if not existing or not existing.get("source"):
        return False
    return file_rank(source_file(existing["source"])) > file_rank(file_name)


def node_outranked(graph: OrgGraph, node_id: str, file_name: str, full_marker: str = "name") -> bool:
    """True when the graph holds ``node_id`` as a full record (it has ``full_marker``) from a higher-ranked
    file: the caller then writes its own record as a stub, filling only what is missing."""
    existing = graph.g.nodes.get(node_id)
    if existing is None or full_marker not in existing:
        return False
    return outranked(existing, file_name)


def rel_outranked(graph: OrgGraph, start: str, rel_type: str, end: str, valid_from: str | None,
                  file_name: str) -> bool:
    if start not in graph.g or end not in graph.g:
        return False
    return outranked(graph.g.get_edge_data(start, end, f"{rel_type}|{valid_from or ''}"), file_name)


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
        self.rank = file_rank(file_name)
        self.done: set[str] = set()
        self.pending: list[str] = []

    def stub(self, node_id: str, full_marker: str) -> bool:
        """Whether to write this mention of ``node_id`` as a stub (True) or as a replacing record."""
        if node_id in self.done:
            return True
        existing = self.graph.g.nodes.get(node_id)
        self.pending.append(node_id)
        if existing is None or full_marker in existing:
            return True
        return not file_rank(source_file(existing.get("source"))) < self.rank

    def written(self, node_id: str) -> None:
        """This file writes ``node_id`` in full itself: later mentions in the file must not replace it."""
        self.pending.append(node_id)

    def row_loaded(self, loaded: bool) -> None:
        if loaded:
            self.done.update(self.pending)
        self.pending.clear()
