"""Declarations log of meetings, as minuted (kind ``declarations-log``): who declared what on which
agenda item, and the chair's ruling.

One header row, then one row per declaration; one file per meeting or many::

    meeting,item,person,interest,action,ruled_by
    SYN-MTG-0007,PCC19/004,Dr Ann Example,Partner at Example Surgery (a party),left_room,SYN-P-0003
    SYN-MTG-0008,,,,,

Header names are case-, space- and punctuation-insensitive (``Ruled By`` is ``ruled_by``); ``meeting``,
``item``, ``person`` and ``action`` are required, ``interest`` and ``ruled_by`` optional, any other
column is ignored (and noted). Cells (see :mod:`loaders.agenda` for how each is found):

- ``meeting``: the meeting's id or exact name.
- ``item``: the agenda item's reference (its decision's ``item``, e.g. ``PCC19/004``), decision id or
  exact title; it must be an agenda item of that meeting (``AT_MEETING``).
- ``person`` / ``ruled_by``: a person's id or name; a name several persons match, or none, rejects the
  row (never guessed, never created).
- ``action``: ``left_room``, ``stayed_no_vote``, ``participated`` or ``papers_withheld`` (case,
  spaces and hyphens aside: ``Left room`` is ``left_room``).
- A row with an empty ``person`` (and no interest, action or ruling) records that the meeting's log
  was taken with nothing declared (a nil log).

Each declaration becomes ``Person -DECLARED_AT-> Decision`` {action, interest, ruled_by, source
``file:row``}; a person declaring twice on one item (two interests) makes one declaration whose
interests are joined by ``; `` (different rulings for the two reject the later row). Every meeting
the file names gets ``declarations_recorded = true`` -- unless a row naming it was rejected: a log
missing a row would turn that person's declaration into a ``not_declared_at_meeting`` breach, so
that meeting's declarations load but it stays unrecorded (noted) until the file is fixed and loaded
again. Rejected rows follow every loader's rule: reported with file, row, column, value and what was
expected, the rest loads; with ``--strict`` one bad row rejects the whole file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from loaders.agenda import MinutesIndex
from loaders.base import PHASE_MEETING_LOGS, FileRejected, FormatLoader, LoadContext, ParsedFile, read_text
from loaders.matching import fold
from orggraph.errors import RecordError
from orggraph.models import Node, Rel, node, rel
from orggraph.schema import SCHEMA

KIND = "declarations-log"
DESCRIPTION = "declarations at meetings, as minuted (meeting,item,person,interest,action,ruled_by)"
COLUMNS = ("meeting", "item", "person", "interest", "action", "ruled_by")
REQUIRED = ("meeting", "item", "person", "action")
ACTIONS: tuple[str, ...] = SCHEMA.relationships["DECLARED_AT"].properties["action"].enum or ()
_PROGRESS_EVERY = 500


def column_name(heading: str) -> str:
    """A header cell as the column it names: ``Ruled By`` -> ``ruled_by``."""
    return fold(heading).replace(" ", "_")


def _csv_records(path: Path) -> list[tuple[int, list[str]]]:
    """(line the record starts on, cells) for each CSV record: a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            out.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected(path.name, f"not a readable CSV file ({exc})", start) from None
    return out


def sniff(path: Path, head: list[str]) -> bool:
    """A header row (the first non-blank line) naming at least meeting, item, person and action."""
    first = next((line for line in head if line.strip()), "")
    try:
        names = {column_name(h) for h in next(csv.reader([first]), [])}
    except csv.Error:
        return False
    return set(REQUIRED) <= names


@dataclass
class Header:
    row: int
    index: dict[str, int]  # column -> position
    written: dict[str, str]  # column -> its heading as written, for messages
    ignored: list[str] = field(default_factory=list)

    def cell(self, cells: list[str], name: str) -> str:
        i = self.index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""


def _header(path: Path, rows: list[tuple[int, list[str]]]) -> Header:
    row, cells = next(((n, c) for n, c in rows if any(x.strip() for x in c)), (1, []))
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for i, heading in enumerate(cells):
        name = column_name(heading)
        if name in index:
            raise FileRejected(path.name, f"duplicate column (also {written[name]!r})", row, heading, heading)
        if name in COLUMNS:
            index[name], written[name] = i, heading.strip()
        elif heading.strip():
            ignored.append(heading.strip())
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise FileRejected(path.name, f"expected a header row {','.join(COLUMNS)} (ruled_by and interest "
                           f"optional); missing {', '.join(missing)}", row)
    return Header(row, index, written, ignored)


def _action(value: str, column: str) -> str:
    action = column_name(value)
    if action not in ACTIONS:
        raise RecordError(column, value, f"expected one of {', '.join(ACTIONS)}")
    return action


class _LogReader:
    """One declarations log being read: the rows resolved against the graph, and what they make."""

    def __init__(self, path: Path, ctx: LoadContext):
        self.path, self.ctx = path, ctx
        self.out = ParsedFile(path, KIND)
        self.index = MinutesIndex(ctx.graph)
        self.meeting_rows: dict[str, list[int]] = {}  # meeting id -> rows naming it (accepted or not)
        self.row_meeting: dict[int, str] = {}
        self.declared: dict[tuple[str, str], tuple[int, Rel]] = {}  # (person, decision) -> first row, record
        self.merged: list[str] = []

    def parse(self) -> ParsedFile:
        rows = _csv_records(self.path)
        header = _header(self.path, rows)
        total = len(rows)
        for done, (rownum, cells) in enumerate(rows, start=1):
            if done % _PROGRESS_EVERY == 0:
                self.ctx.tick(done, total)
            if rownum <= header.row or not any(c.strip() for c in cells):
                continue
            with self.out.row(rownum) as recs:
                recs.extend(self.row(header, rownum, cells))
        self.ctx.tick(total, total)
        self.record_meetings()
        self.finish_notes(header)
        return self.out

    def row(self, header: Header, rownum: int, cells: list[str]) -> list[Rel]:
        """The row's declaration (none for a nil row); RecordError naming the column as written."""
        w = header.written
        meeting = self.index.meeting(header.cell(cells, "meeting"), w["meeting"])
        self.row_meeting[rownum] = meeting
        self.meeting_rows.setdefault(meeting, []).append(rownum)
        at = f"{self.path.name}, row {rownum}"
        person_text, item_text = header.cell(cells, "person"), header.cell(cells, "item")
        action_text, interest = header.cell(cells, "action"), header.cell(cells, "interest")
        ruled_text = header.cell(cells, "ruled_by")
        if not person_text:
            if action_text or interest or ruled_text:
                raise RecordError(w["person"], person_text, "expected the person declaring (a row with no person "
                                  "records that nothing was declared, and leaves interest, action and ruled_by empty)")
            if item_text:
                self.index.item(meeting, item_text, w["item"])  # checked, so a wrong reference is still caught
            return []
        decision = self.index.item(meeting, item_text, w["item"])
        person = self.index.person(person_text, w["person"], at)
        if not action_text:
            raise RecordError(w["action"], action_text, f"expected the chair's ruling: one of {', '.join(ACTIONS)}")
        props: dict[str, object] = {"action": _action(action_text, w["action"]), "interest": interest or None}
        if ruled_text:
            props["ruled_by"] = self.index.person(ruled_text, w["ruled_by"], at)
        return self.declaration(person, decision, props, rownum, header)

    def declaration(self, person: str, decision: str, props: dict[str, object], rownum: int,
                    header: Header) -> list[Rel]:
        """A new declaration, or a further interest of one made earlier in the file (merged into it)."""
        earlier = self.declared.get((person, decision))
        if earlier is None:
            record = rel(person, "DECLARED_AT", decision, props, source=self.out.source(rownum))
            self.declared[(person, decision)] = (rownum, record)
            return [record]
        first, record = earlier
        for name in ("action", "ruled_by"):
            if props.get(name) and record.props.get(name) and props[name] != record.props[name]:
                raise RecordError(header.written[name], props[name], f"{person} already declared on {decision} "
                                  f"at row {first} with {name} {record.props[name]!r}; expected one ruling per "
                                  "person and item")
        interests = [i for i in (record.props.get("interest"), props.get("interest")) if i]
        if interests:
            record.props["interest"] = "; ".join(dict.fromkeys(str(i) for i in interests))
        if props.get("ruled_by"):
            record.props["ruled_by"] = props["ruled_by"]
        self.merged.append(f"row {rownum} (a further declaration by {person} on {decision}) merged into row {first}")
        return []

    def record_meetings(self) -> None:
        """``declarations_recorded`` on each meeting whose rows all loaded, with its first row."""
        bad_rows = {r.row for r in self.out.report.rejected}
        withheld = []
        for meeting, rows in self.meeting_rows.items():
            bad = [r for r in rows if r in bad_rows]
            if bad:
                withheld.append(f"{meeting} (row{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))})")
                continue
            data = self.ctx.graph.node(meeting) or {}
            props = {"date": data.get("date"), "declarations_recorded": True}
            # No source: the meeting stays sourced to the file that made it.
            self.out.records.append(node(meeting, "Meeting", props, stub=not data.get("date")))
            self.out.rows.append(rows[0])
        if withheld:
            self.out.report.notes.append(
                "declarations log NOT marked recorded for meeting(s) with a rejected row, so that a missing "
                f"row cannot read as an undeclared interest: {'; '.join(withheld)}; fix the rows and load again")

    def finish_notes(self, header: Header) -> None:
        notes = self.out.report.notes
        if header.ignored:
            notes.append(f"column(s) ignored: {', '.join(header.ignored)}")
        notes.extend(self.index.loose_matches)
        notes.extend(self.merged)
        recorded = sorted({r.id for r in self.out.records if isinstance(r, Node)})
        if recorded:
            notes.append(f"declarations log recorded for {len(recorded)} meeting(s): {', '.join(recorded)}")


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    return _LogReader(path, ctx).parse()


# Declarations name decisions, meetings and people (registers create people), so they load last.
LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse, phase=PHASE_MEETING_LOGS)
