"""Nodes by what a person types: suggestions as they type, and names accepted wherever ids are.

The candidates for a text are the store's own search (:meth:`Store.search`: an id equal to or starting
with the text, a name containing it; over SQLite's folded columns, never the whole graph), kept per text
and store version in the :class:`~api.graph_cache.GraphMemo`; they are ranked here. Ranking: the exact id, the exact name, a name or id starting with the text, a word of the
name starting with it, then the text anywhere in the name or id; ties by shorter name (or code), then alphabetically.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from api.graph_cache import GraphMemo
from api.problems import ApiError
from api.store_reads import node_data, require_kind
from api.templating import page_url
from orggraph.query import SearchHit, normalise_text
from orggraph.schema import SCHEMA
from orggraph.stores.base import Store

COMMISSIONER = "Commissioner"  # a pseudo-label for the suggestions: any of the schema's commissioner labels
MAX_CANDIDATES = 10  # listed in a 422 for an ambiguous name
SEARCH_ALL = 10_000  # candidates asked of the store for one text


class Entry(NamedTuple):
    folded_name: str
    folded_id: str
    id: str
    label: str
    name: str | None


class NameIndex:
    def __init__(self, hits: Iterable[SearchHit]):
        self.by_label: dict[str, list[Entry]] = {}
        for hit in hits:
            entry = Entry(normalise_text(hit.name or ""), normalise_text(hit.id), hit.id, hit.label, hit.name)
            self.by_label.setdefault(entry.label, []).append(entry)

    def entries(self, labels: Iterable[str] | None) -> Iterable[Entry]:
        for label in (self.by_label if labels is None else labels):
            yield from self.by_label.get(label, ())

    def suggest(self, text: str, labels: Iterable[str] | None, limit: int) -> list[Entry]:
        q = normalise_text(text)
        if not q:
            return []
        word = " " + q
        ranked: list[tuple[int, int, str, str, Entry]] = []  # (rank, length, text, id): ids by id, names by name
        for e in self.entries(labels):
            if e.folded_id == q:
                rank = 0
            elif e.folded_name == q:
                rank = 1
            elif e.folded_name.startswith(q):
                rank = 2
            elif e.folded_id.startswith(q):
                ranked.append((2, len(e.folded_id), e.folded_id, e.id, e))
                continue
            elif word in e.folded_name:
                rank = 3
            elif q in e.folded_name or q in e.folded_id:
                rank = 4
            else:
                continue
            ranked.append((rank, len(e.folded_name), e.folded_name, e.id, e))
        ranked.sort()
        return [r[-1] for r in ranked[:limit]]

    def named(self, text: str, labels: Iterable[str]) -> list[Entry]:
        q = normalise_text(text)
        return sorted((e for e in self.entries(labels) if q and e.folded_name == q), key=lambda e: e.id)


def name_index(store: Store, memo: GraphMemo, text: str) -> NameIndex:
    """The nodes ``text`` could name or be typed towards, from the store's search."""
    q = normalise_text(text)
    return memo.get(store.version(), ("names", q), lambda: NameIndex(store.search(text, SEARCH_ALL) if q else []))


def expand_labels(labels: str | None) -> list[str] | None:
    """``Person,Committee`` as a list; ``Commissioner`` stands for every commissioner label; empty: any."""
    if not labels or labels.strip() in ("", "*"):
        return None
    out: list[str] = []
    for label in (part.strip() for part in labels.split(",")):
        if label == COMMISSIONER:
            out.extend(sorted(SCHEMA.commissioner_labels))
        elif label:
            out.append(label)
    return out


def suggestions(store: Store, memo: GraphMemo, text: str, labels: str | None, limit: int) -> list[dict[str, str | None]]:
    wanted = expand_labels(labels)
    hits = memo.get(store.version(), ("suggest", normalise_text(text), tuple(wanted or ()), limit),
                    lambda: name_index(store, memo, text).suggest(text, wanted, limit))
    return [{"id": e.id, "label": e.label, "name": e.name, "url": page_url(e.id, e.label)} for e in hits]


def resolve_node(store: Store, memo: GraphMemo, value: str, labels: Iterable[str], what: str) -> str:
    """The id ``value`` names: itself when it is a node's id, else the one node of ``labels`` with that
    name (case, accents and punctuation ignored). 404 when nothing matches, 422 listing the candidates
    when the name is ambiguous."""
    labels = tuple(labels)
    data = node_data(store, value)
    if data is not None:
        require_kind(data, value, labels, what)
        return value
    found = name_index(store, memo, value).named(value, labels)
    if len(found) == 1:
        return found[0].id
    if not found:
        raise ApiError(404, f"no {what} with id or name {value!r}; try GET /api/suggest?q=...&label={labels[0]}")
    listed = "; ".join(f"{e.id} ({e.name})" for e in found[:MAX_CANDIDATES])
    more = f" and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
    raise ApiError(422, f"{what}={value!r} names {len(found)} {what}s: {listed}{more}; give one id",
                   errors=[{"id": e.id, "label": e.label, "name": e.name} for e in found[:MAX_CANDIDATES]])
