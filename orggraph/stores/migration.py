"""A JSON store file copied into a new SQLite store: counted, all-or-nothing, the JSON file kept.

Used by ``orggraph migrate`` and by the one automatic migration of the old default store (``graph.json``
in the user data directory) to the new default (``graph.sqlite`` beside it). The copy is written to a
temporary database beside the target and renamed onto it only once every node and relationship is in
and the counts by label and type agree, so a migration that fails or is killed leaves no target behind.
The copy is put in place with a hard link, which never replaces an existing file: of two processes
migrating at once, one puts its copy in place and the other is told the target exists (it never
replaces a store another process may already be writing to).
"""

from __future__ import annotations

import os
from pathlib import Path

from orggraph.errors import StoreError


def migrate_json(source: Path, target: Path) -> tuple[int, int]:
    """Copy the JSON store file ``source`` into the new SQLite store ``target``; (nodes, relationships).
    Raises :class:`StoreError` (nothing written) when ``target`` exists or the copy does not add up."""
    from orggraph.stores.embedded import EmbeddedStore
    from orggraph.stores.sqlite import SQLiteStore

    if target.exists():
        raise StoreError(f"{target} already exists; migrate only into a new SQLite store")
    graph = EmbeddedStore(source).graph()
    want = graph.stats()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.migrating{target.suffix}")
    try:
        with SQLiteStore(tmp) as store, store.batch():
            result = store.write(list(graph.records()), strict=True)
            got = store.stats()
        if not result.committed or got != want:
            problem = (f"{len(result.rejected)} record(s) rejected" if result.rejected
                       else f"counts differ: JSON {want}, SQLite {got}")
            raise StoreError(f"{source} -> {target}: {problem}; nothing was migrated")
        try:
            os.link(tmp, target)  # atomic, and never over an existing file
        except FileExistsError:
            raise StoreError(f"{target} already exists (another process migrated it meanwhile)") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return sum(want["nodes"].values()), sum(want["relationships"].values())
