"""Releases: every ODS/ONS file is a snapshot of the NHS as of its release date.

A file's release date is, in this order of preference:

1. the date given with ``orggraph load --as-of DATE`` (basis ``--as-of``), for every file of that
   command;
2. the date the file states itself, when its loader reads one (``ParsedFile.release_date``: the ONS
   lookups' year code, gp-reg's EXTRACT_DATE; basis ``stated in the file``);
3. the latest date in the file (basis ``latest date in the file``): the loader's
   ``ParsedFile.content_date`` when it reads one over all its rows (epraccur: every row of any
   prescribing setting, leaving out proposed organisations, whose dates are plans; a file in ODS's
   2026 coding is from April 2026 at the earliest), else the maximum of every record's
   ``valid_from``, ``valid_to``, ``open_date`` and ``close_date``. ODS publishes a file shortly after
   the last change it records, so this is the day the snapshot was true, within days (epraccur
   2019-11: 2019-11-06; 2023-02: 2023-02-07, published 2023-02-20).

A file with none of these (an ONS lookup whose loader states no year, say) has no release date: it is
loaded as before, ranked by its name only, and its links are not reconciled (the report says so);
its records carry ``release:<kind>:undated:<digest>`` and no Release node is made.

Graph-CSV and register files are not snapshots: they have no release.

Each loaded snapshot file is recorded as a ``Release`` node (see ``orggraph/schema.yaml``) whose id
is ``release:<kind>:<date>:<digest>``, the digest being a hash of the file's name and bytes, so the
same file loaded twice is one release and two releases that ODS both names ``epraccur.csv`` are two.
Every record the file writes carries that id in its ``release`` property: with ``source`` (file:row)
it says which release a record came from, and on what date that release was true.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.base import FileRejected
from orggraph.graph import OrgGraph
from orggraph.models import Node, Record, node
from orggraph.temporal import iso

RELEASE_LABEL = "Release"
NON_SNAPSHOT_KINDS = frozenset({"graph-csv", "register", "declarations-log"})
# Kinds whose files list every entity of what they cover (every CCG of England, every SICBL): a link
# they do not repeat has ended even when its entity is missing altogether.
COMPLETE_KINDS = frozenset({"ons", "eccg"})
BASIS_AS_OF = "--as-of"
BASIS_STATED = "stated in the file"
BASIS_LATEST = "latest date in the file"
DATE_PROPERTIES = ("valid_from", "valid_to", "open_date", "close_date")
_PREFIX = "release:"
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True)
class ReleaseInfo:
    """One snapshot file: what it is, the date it describes and how that date was found."""

    kind: str
    file: str
    digest: str
    date: str | None
    basis: str | None

    @property
    def id(self) -> str:
        return f"{_PREFIX}{self.kind}:{self.date or 'undated'}:{self.digest}"

    @property
    def rank(self) -> tuple[str, str]:
        """What decides which file's version of a record wins: (release date, file name)."""
        return (self.date or "", self.file)

    def describe(self) -> str:
        """The report's wording: "release 2023-02-20 (latest date in the file)"."""
        if self.date is None:
            return "release date unknown (no dates in the file; give one with --as-of): links kept as loaded"
        return f"release {self.date} ({self.basis})"

    def node(self, covers: list[str]) -> Node:
        return node(self.id, RELEASE_LABEL, {
            "name": f"{self.kind} {self.date} ({self.file})", "kind": self.kind, "release_date": self.date,
            "basis": self.basis, "file": self.file, "covers": " ".join(covers),
        }, source=self.file)


def is_snapshot(kind: str) -> bool:
    return kind not in NON_SNAPSHOT_KINDS


def latest_date(records: list[Record]) -> str | None:
    """The latest of the records' validity, open and close dates (ISO strings compare as dates)."""
    best: str | None = None
    for rec in records:
        props = rec.props
        for p in DATE_PROPERTIES:
            v = props.get(p)
            if v and (best is None or v > best):
                best = v
    return best


def file_digest(path: Path, name: str) -> str:
    h = hashlib.sha1(name.encode("utf-8") + b"\0")
    h.update(path.read_bytes())
    return h.hexdigest()[:12]


def infer(path: Path, name: str, kind: str, records: list[Record], stated: str | None,
          as_of: str | None, content: str | None = None) -> ReleaseInfo | None:
    """The release a parsed file describes; None for files that are not snapshots. ``content`` is the
    latest date among all the file's rows when its loader knows it (``ParsedFile.content_date``)."""
    if not is_snapshot(kind):
        return None
    date, basis = as_of, BASIS_AS_OF
    if date is None:
        date, basis = stated, BASIS_STATED
    if date is None:
        date, basis = content or latest_date(records), BASIS_LATEST
    if date is not None:
        try:
            iso(date)
        except ValueError:
            raise FileRejected(name, f"release date ({basis}): expected a date as yyyy-mm-dd", value=date) from None
    return ReleaseInfo(kind, name, file_digest(path, name), date, basis if date else None)


def stamp(records: list[Record], info: ReleaseInfo) -> None:
    """Mark every record with its release (records are fresh from the loader: changed in place)."""
    for rec in records:
        rec.props["release"] = info.id


def release_date_of(release_id: Any) -> str:
    """The date in a release id ('' for none): ``release:epraccur:2023-02-20:ab12...`` -> 2023-02-20."""
    if not isinstance(release_id, str) or not release_id.startswith(_PREFIX):
        return ""
    parts = release_id.split(":")
    return parts[2] if len(parts) == 4 and _DATE.match(parts[2]) else ""


@dataclass(frozen=True)
class Loaded:
    """A release already in the graph, as far as reconciling needs it."""

    kind: str
    date: str
    file: str
    covers: frozenset[str]


def loaded_releases(graph: OrgGraph) -> list[Loaded]:
    """The releases the graph records (one scan of the nodes)."""
    out = []
    for _, data in graph.nodes(RELEASE_LABEL):
        if data.get("release_date"):
            out.append(Loaded(str(data.get("kind")), str(data["release_date"]), str(data.get("file")),
                              frozenset(str(data.get("covers") or "").split())))
    return out
