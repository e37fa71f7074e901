"""A register's rows to records: one ``Declaration`` per row, ``DECLARED`` from its person and
``CONCERNS`` to the organisations its text names (see :mod:`loaders.register` for the rules)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from loaders.base import FileRejected, LoadContext, ParsedFile, Rejection, Unresolved
from loaders.matching import (
    AMBIGUITY_MARGIN,
    NameRule,
    OrgIndex,
    OrgMatch,
    PersonIndex,
    Resolution,
    Unmatched,
    fold,
    person_key,
    short_hash,
    stub_person_id,
)
from loaders.register.cells import (
    TEMPLATE_HEADINGS,
    TICK_TYPES,
    TYPE_RANK,
    BadValue,
    cell_text,
    direct_in_text,
    is_nil,
    parse_date_range,
    parse_direct,
    parse_interest_type,
    parse_register_date,
    parse_tick,
)
from loaders.register.sheet import (
    HEADER_SEARCH_ROWS,
    Header,
    Sheet,
    classify_heading,
    find_header,
    is_section_heading,
    read_sheets,
)
from orggraph import temporal
from orggraph.errors import RecordError
from orggraph.models import Record, node, rel

KIND = "register"
T = TypeVar("T")


class CellError(Exception):
    """A cell of a row that cannot be read: its field, its value, and what was expected."""

    def __init__(self, field: str, value: Any, reason: str):
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


@dataclass
class _Row:
    """One data row's cells by field."""

    cells: dict[str, Any]

    def text(self, f: str) -> str:
        return cell_text(self.cells.get(f))

    def read(self, f: str, reader: Callable[[Any], T]) -> T:
        """The cell read by ``reader``; a value it cannot read is a CellError naming the field."""
        value = self.cells.get(f)
        try:
            return reader(value)
        except BadValue as exc:
            raise CellError(f, value, str(exc)) from None


@dataclass
class _Open:
    """Why a row's declaration stays unresolved, and the candidates a person may pick from."""

    reasons: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)


def _declaration_name(person: str, text: str) -> str:
    name = f"{person}: {text}".replace("\n", " / ")
    return name if len(name) <= 120 else name[:117] + "..."


def _declared_text(row: _Row, header: Header) -> tuple[str, str, bool]:
    """The row's person name, declared text and whether it is a nil return; CellError if it has no
    name, or neither an interest nor a nil return."""
    name = row.text("name")
    declared = row.text("declared_interest") or ("" if "declared_interest" in header.columns
                                                 else row.text("nature"))
    if not name:
        raise CellError("name", row.cells.get("name"), "expected the name of the person declaring")
    nil = (is_nil(declared) if declared else
           any(is_nil(row.text(f)) for f in ("nature", "interest_type") if row.text(f)))
    if not declared and not nil:
        raise CellError("declared_interest", row.cells.get("declared_interest"),
                        "expected the organisation and nature of the interest, or Nil/None for a nil "
                        "return")
    return name, declared, nil


def _merged_down(sheet: Sheet, header: Header) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, column) of each cell under a vertical merge below the header -> the merge's top cell."""
    merged_from: dict[tuple[int, int], tuple[int, int]] = {}
    for m in sheet.merges:
        if m.max_row > m.min_row > header.row:
            for r in range(m.min_row + 1, m.max_row + 1):
                merged_from[(r, m.min_col)] = (m.min_row, m.min_col)
    return merged_from


class RegisterParser:
    """Reads one register file; notes are gathered across its sheets and written at the end."""

    def __init__(self, path: Path, ctx: LoadContext):
        self.path = path
        self.ctx = ctx
        self.out = ParsedFile(path, KIND)
        self.people = PersonIndex(ctx.graph)
        self.orgs = OrgIndex(ctx.graph, ctx.fuzzy_threshold)
        self.created: dict[str, str] = {}  # person id -> name, persons created by this file
        self.fuzzy_notes: list[str] = []
        self.multi_tick_notes: list[str] = []
        self.resolutions: dict[str, int] = defaultdict(int)
        self.continued = 0
        self.repeated_headers = 0
        self.section_headings: list[str] = []
        self.decl_rows: dict[str, int] = {}
        self.duplicate_notes: list[str] = []

    # Sources and messages name the sheet when a workbook holds several register sheets.
    def where(self, sheet: Sheet, multi: bool) -> str:
        return f"{self.path.name}[{sheet.name}]" if multi and sheet.name else self.path.name

    def parse(self) -> ParsedFile:
        sheets = read_sheets(self.path)
        found = [(s, h) for s in sheets if (h := find_header(s)) is not None]
        if not found:
            raise FileRejected(self.path.name, "no register header found in the first "
                               f"{HEADER_SEARCH_ROWS} rows: expected a row with Name and Declared Interest "
                               "(or Nature of Interest) columns and at least one more template column")
        multi = len(found) > 1
        skipped = [s.name for s in sheets if s not in [f[0] for f in found] and any(
            any(cell_text(c) for c in row.cells) for row in s.rows)]
        if skipped:
            self.out.report.notes.append(f"sheets without a register header skipped: {', '.join(map(str, skipped))}")
        total = sum(len(s.rows) for s, _ in found)
        done = 0
        for sheet, header in found:
            where = self.where(sheet, multi)
            if header.unused:
                self.out.report.notes.append(f"{where}: columns not used: {', '.join(header.unused)}")
            if header.duplicates:
                self.out.report.notes.append(
                    f"{where}: columns {', '.join(header.duplicates)} repeat a column already read; ignored")
            self.parse_sheet(sheet, header, where)
            done += len(sheet.rows)
            self.ctx.tick(done, total)
        self.finish_notes()
        return self.out

    def parse_sheet(self, sheet: Sheet, header: Header, where: str) -> None:
        merged_from = _merged_down(sheet, header)
        values = {row.number: row.cells for row in sheet.rows}
        previous: _Row | None = None
        for rownum, cells in sheet.rows:
            if rownum <= header.row or not any(cell_text(c) for c in cells):
                continue
            row_cells: dict[str, Any] = {}
            for f, i in header.columns.items():
                value = cells[i] if i < len(cells) else None
                origin = merged_from.get((rownum, i + 1))
                if origin is not None and not cell_text(value):
                    top_row, col = origin
                    src = values.get(top_row, [])
                    value = src[col - 1] if col - 1 < len(src) else None
                row_cells[f] = value
            row = _Row(row_cells)
            if self.skipped(row, rownum, cells):
                continue
            self.continue_person(row, previous)
            with self.out.row(rownum) as recs:
                try:
                    recs.extend(self.parse_row(row, header, rownum, where))
                except CellError as err:
                    raise RecordError(header.headings.get(err.field, TEMPLATE_HEADINGS.get(err.field, err.field)),
                                      err.value, err.reason) from None
            if row.text("name"):
                previous = row
        # Rejections and unresolved rows are filed under this sheet's name.
        items: list[Rejection | Unresolved] = [*self.out.report.rejected, *self.out.report.unresolved]
        for item in items:
            if item.file == self.path.name:
                item.file = where

    def skipped(self, row: _Row, rownum: int, cells: list[Any]) -> bool:
        """A header repeated on each printed page, or a section heading: skipped and counted."""
        if classify_heading(row.text("name")) == "name" and classify_heading(
                row.text("declared_interest") or row.text("nature")) in ("declared_interest", "nature"):
            self.repeated_headers += 1
            return True
        if is_section_heading(cells):
            self.section_headings.append(f"{rownum} ({cell_text(next(c for c in cells if cell_text(c)))!r})")
            return True
        return False

    def continue_person(self, row: _Row, previous: _Row | None) -> None:
        """A row with no name but an interest: a further interest of the person above (name cell
        merged down or left blank)."""
        if not row.text("name") and previous is not None and any(
                row.text(f) for f in ("declared_interest", "nature")):
            row.cells["name"] = previous.cells.get("name")
            for f in ("position", "committees"):
                if not row.text(f):
                    row.cells[f] = previous.cells.get(f)
            self.continued += 1

    def parse_row(self, row: _Row, header: Header, rownum: int, where: str) -> list[Record]:
        name, declared, nil = _declared_text(row, header)
        source = f"{where}:{rownum}"
        key = person_key(name)
        if not key:
            raise CellError("name", row.cells.get("name"), "expected a person's name")
        committees = row.text("committees")
        position = "; ".join(p for p in (row.text("position"), committees and f"committees: {committees}") if p)
        props: dict[str, Any] = {"position": position or None, "declared_text": declared or None}
        if nil:
            props.update({"nil_return": True, "name": _declaration_name(name, "nil return")})
        else:
            props.update(self.interest_props(row, rownum))
            props["name"] = _declaration_name(name, declared)
        decl_id = "DECL-" + short_hash(key, fold(declared), props.get("interest_type"), props.get("direct"),
                                       fold(props.get("nature") or ""), props.get("valid_from"),
                                       props.get("valid_to"), nil)
        records: list[Record] = []
        still_open = _Open()
        person_id = self.person(name, key, f"{where}, row {rownum}", source, records, still_open)
        match = None if nil else self.organisation(declared, props, f"{where}, row {rownum}", still_open)
        if match is None:
            self.resolutions["nil_return"] += 1
        records.insert(0, node(decl_id, "Declaration", props, source=source))
        dates = {"valid_from": props.get("valid_from"), "valid_to": props.get("valid_to")}
        if person_id is not None:
            records.append(rel(person_id, "DECLARED", decl_id, dates, source=source))
        if match is not None:
            for oid in match.ids:
                records.append(rel(decl_id, "CONCERNS", oid, dates, source=source))
        if still_open.reasons:
            self.out.unresolved(rownum, f"{name}: {declared}", "; ".join(still_open.reasons),
                                still_open.candidates)
        if decl_id in self.decl_rows:
            self.duplicate_notes.append(f"{where}, row {rownum} repeats row {self.decl_rows[decl_id]}")
        else:
            self.decl_rows[decl_id] = rownum
        return records

    def person(self, name: str, key: str, at: str, source: str, records: list[Record],
               still_open: _Open) -> str | None:
        """The declaring person's id: one match, or a stub person created from the name (appended to
        ``records``); None when several persons match (never guessed)."""
        found = self.people.match(key)
        if len(found.ids) == 1:
            person_id = found.ids[0]
            if found.rule is not NameRule.NAME:
                self.out.report.notes.append(f"{at}: {name!r} matched {person_id} "
                                             f"({self.people.names[person_id]!r}) by {found.rule}")
            return person_id
        if found.ids:
            still_open.reasons.append(
                f"person name {name!r} matches {len(found.ids)} persons by {found.rule}; not guessed: "
                "declaration kept without DECLARED")
            still_open.candidates += [{"kind": "person", "id": pid, "name": self.people.names[pid]}
                                      for pid in found.ids]
            return None
        near = self.people.near(key)
        if near:
            close = ", ".join(f"{self.people.names[pid]} ({pid}, score {score:g})" for pid, score in near)
            still_open.reasons.append(
                f"person name {name!r} is not in the graph but is close to {close}; not guessed and no person "
                "created: declaration kept without DECLARED")
            still_open.candidates += [{"kind": "person", "id": pid, "name": self.people.names[pid], "score": score}
                                      for pid, score in near]
            return None
        person_id = stub_person_id(key)
        display = " ".join(name.split())
        self.people.add(person_id, display, key)
        self.created[person_id] = display
        records.append(node(person_id, "Person", {"name": display}, source=source, stub=True))
        return person_id

    def organisation(self, declared: str, props: dict[str, Any], at: str, still_open: _Open) -> OrgMatch:
        """The organisations the declared text names, judged; the judgement is kept on the record."""
        match = self.orgs.resolve(declared)
        props["resolution"] = match.resolution.value
        props["match_score"] = match.score
        self.resolutions[match.resolution.value] += 1
        if match.resolution is Resolution.FUZZY:
            oid = match.ids[0]
            self.fuzzy_notes.append(
                f"{at}: {declared!r} matched {oid} ({self.orgs.name(oid)!r}) by fuzzy name, score {match.score}")
        elif match.resolution is Resolution.UNRESOLVED:
            if match.reason is Unmatched.AMBIGUOUS:
                still_open.reasons.append(
                    f"organisation ambiguous: {len(match.candidates)} organisations score within "
                    f"{AMBIGUITY_MARGIN:g} of the best ({match.score}); not guessed: declaration kept "
                    "without CONCERNS")
            else:
                best = f" (best {match.score})" if match.score is not None else ""
                still_open.reasons.append(
                    f"no organisation in the graph has an ODS code in this text or a name scoring at "
                    f"least {self.orgs.threshold:g}{best}: declaration kept without CONCERNS")
            still_open.candidates += match.candidates
        return match

    def interest_props(self, row: _Row, rownum: int) -> dict[str, Any]:
        types, direct = self.interest_types(row)
        if len(types) > 1:
            self.multi_tick_notes.append(f"row {rownum}: {', '.join(types)} (recorded as {types[0]})")
        interest_type = types[0] if types else ("indirect" if direct is False else None)
        date_from = row.read("date_from", lambda v: parse_register_date(v, end=False))
        date_to = row.read("date_to", lambda v: parse_register_date(v, end=True))
        ends = "date_to"
        if date_from is None and date_to is None and "date_range" in row.cells:
            # One "Date of Interest" column holding both ends ("2010 Ongoing", "01/01/2014 - 31/03/2016").
            date_from, date_to = row.read("date_range", parse_date_range)
            ends = "date_range"
        if temporal.window_of({"valid_from": date_from, "valid_to": date_to}).empty:
            raise CellError(ends, row.cells.get(ends), f"expected a date on or after the From date ({date_from})")
        if direct is None and not ({"direct", "tick_direct", "tick_indirect"} & set(row.cells)):
            direct = direct_in_text(row.text("declared_interest"), row.text("nature"))
        return {"interest_type": interest_type, "direct": direct, "nature": row.text("nature") or None,
                "mitigation": row.text("mitigation") or None, "valid_from": date_from, "valid_to": date_to}

    @staticmethod
    def interest_types(row: _Row) -> tuple[list[str], bool | None]:
        """The interest types the row ticks or names, strongest first, and whether it is direct."""
        types = [itype for f, itype in TICK_TYPES.items() if f in row.cells and row.read(f, parse_tick)]
        direct: bool | None = None
        for f, value in (("tick_direct", True), ("tick_indirect", False)):
            if f in row.cells and row.read(f, parse_tick):
                direct = value
        if "interest_type" in row.cells:
            named, indirect = row.read("interest_type", parse_interest_type)
            types += [t for t in named if t not in types]
            if indirect is False:
                direct = False
                if not named:
                    types.append("indirect")
        if "direct" in row.cells:
            stated = row.read("direct", parse_direct)
            if stated is not None:
                direct = stated
        types.sort(key=TYPE_RANK.index)
        return types, direct

    def finish_notes(self) -> None:
        notes = self.out.report.notes
        if self.created:
            names = ", ".join(f"{n} ({pid})" for pid, n in sorted(self.created.items(), key=lambda kv: kv[1]))
            notes.append(f"{len(self.created)} person(s) not in the graph were created from their names: {names}")
        if self.resolutions:
            notes.append("declarations by organisation resolution: " + ", ".join(
                f"{k} {v}" for k, v in sorted(self.resolutions.items())))
        notes.extend(self.fuzzy_notes)
        if self.multi_tick_notes:
            notes.append("rows with several interest types (the strongest is recorded): "
                         + "; ".join(self.multi_tick_notes))
        if self.continued:
            notes.append(f"{self.continued} row(s) with a blank name taken as further interests of the person "
                         "above")
        if self.section_headings:
            notes.append("section heading rows skipped: rows " + ", ".join(self.section_headings))
        if self.repeated_headers:
            notes.append(f"{self.repeated_headers} repeated header row(s) skipped")
        notes.extend(f"duplicate entry: {d}" for d in self.duplicate_notes)


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    return RegisterParser(path, ctx).parse()
