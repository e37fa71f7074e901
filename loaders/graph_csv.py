"""Generic graph CSVs in the Neo4j bulk-import header convention, for everything without a national file.

A *node file* has an id column (``:ID``, ``id:ID`` or ``:ID(Group)``), a ``:LABEL`` column and property
columns; a *relationship file* has ``:START_ID``, ``:END_ID`` and ``:TYPE`` columns and property
columns. A property column is ``name`` or ``name:type`` with type ``string``, ``int``, ``float``,
``boolean`` or ``date`` (Neo4j's ``long``/``short``/``byte``, ``double`` and ``char`` are read as
``int``, ``float`` and ``string``); ``name:IGNORE`` columns are skipped. An untyped column takes the
schema's type for that property, so a hand-written ``quorum`` column still reads as an integer; a
declared type that contradicts the schema (``quorum:string``) rejects the whole file, because every
row would be wrong in the same way.

Every row is validated against the schema (label, type, property names, typed values, enums, required
properties, formats such as a committee's ``quorum_rule``); wrong endpoints are found when the records
meet the graph, and the pipeline reports them against their rows. A property holding a person's id
(``SITS_ON.deputy_for``, ``DECLARED_AT.ruled_by``) must name a person already loaded, else the row is
rejected (:mod:`loaders.references`). A non-empty ``source`` column is kept as the record's source, so an export loads
back exactly; otherwise the source is ``file:row``.

Neo4j ID groups (``:ID(Person)``, ``:START_ID(Person)``) are accepted but ids are global in orggraph
(ODS codes are unique across labels); a node file without ``:LABEL`` takes its label from the ID
group, or failing that from the file name (``Committee.csv``, ``nodes_Committee.csv``), and a
relationship file without ``:TYPE`` from its file name (``SITS_ON.csv``, ``rels_SITS_ON.csv``).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.base import (
    PHASE_NODES,
    PHASE_RELATIONSHIPS,
    FileRejected,
    FormatLoader,
    LoadContext,
    ParsedFile,
    read_csv_rows,
)
from loaders.references import check_person_ids
from orggraph.errors import RecordError
from orggraph.models import Record, Rel, node, rel
from orggraph.schema import SCHEMA

KIND = "graph-csv"
DESCRIPTION = "generic graph CSVs, Neo4j bulk-import headers (:ID/:LABEL nodes, :START_ID/:TYPE/:END_ID rels)"

# Neo4j header types -> orggraph property types.
TYPE_ALIASES = {
    "string": "string", "char": "string",
    "int": "int", "long": "int", "short": "int", "byte": "int",
    "float": "float", "double": "float",
    "boolean": "boolean",
    "date": "date",
}
NODE_FIELDS = ("ID", "LABEL")
REL_FIELDS = ("START_ID", "END_ID", "TYPE")
# Header field: `name`, `name:type`, `:ID`, `id:ID`, `:ID(Group)`, `:START_ID(Group)`, `x:IGNORE`.
_HEADER = re.compile(r"^(?P<name>[^:()]*)(?::(?P<type>[A-Za-z_\[\]]+)(?:\((?P<group>[^)]*)\))?)?$")
_INT = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_PROGRESS_EVERY = 5000


def _header_types(head: list[str]) -> set[str]:
    """The upper-cased `:TYPE` parts of the first line's header fields (ID, START_ID, LABEL, int...)."""
    if not head:
        return set()
    try:
        header = next(csv.reader([head[0]]))
    except (csv.Error, StopIteration):
        return set()
    out = set()
    for field in header:
        m = _HEADER.match(field.strip())
        if m and m.group("type"):
            out.add(m.group("type").upper())
    return out


def sniff(path: Path, head: list[str]) -> bool:
    return bool(_header_types(head) & {"ID", "START_ID"})


def load_phase(path: Path, head: list[str]) -> int:
    """Node files load before relationship files, both after national reference files (phase 0)."""
    return PHASE_RELATIONSHIPS if "START_ID" in _header_types(head) else PHASE_NODES


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as written, for error messages
    name: str  # property name ('' for the special fields)
    special: str | None  # ID, LABEL, START_ID, END_ID, TYPE, or None for a property
    ptype: str | None  # declared orggraph type, None when untyped
    group: str | None = None


def _parse_header(file: str, header: list[str]) -> list[Column]:
    cols: list[Column] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(header):
        text = raw.strip()
        m = _HEADER.match(text)
        if not text or not m:
            raise FileRejected(file, "expected a header field like name, name:type, :ID, :LABEL, "
                               ":START_ID, :END_ID or :TYPE", 1, f"#{i + 1}", raw)
        name, typ, group = m.group("name").strip(), m.group("type"), m.group("group")
        special = None
        ptype = None
        if typ is not None:
            upper = typ.upper()
            if upper in NODE_FIELDS + REL_FIELDS:
                special = upper
            elif upper == "IGNORE":
                continue
            elif typ.lower() in TYPE_ALIASES:
                ptype = TYPE_ALIASES[typ.lower()]
            else:
                raise FileRejected(file, f"unsupported column type {typ!r}; expected one of "
                                   f"{', '.join(sorted(set(TYPE_ALIASES)))} (or IGNORE)", 1, text, typ)
        if special is None and not name:
            raise FileRejected(file, "expected a property name before the ':'", 1, text, raw)
        key = special or name
        if key in seen:
            raise FileRejected(file, f"duplicate column (also {seen[key]!r})", 1, text, raw)
        seen[key] = text
        cols.append(Column(i, text, "" if special else name, special, ptype, group))
    return cols


def _check_declared_types(file: str, cols: list[Column], is_rels: bool) -> None:
    """A declared type must agree with the schema for every label/type that has the property."""
    for c in cols:
        if c.special or c.ptype is None:
            continue
        owners: list[tuple[str, str]] = []
        if is_rels:
            for rtype in SCHEMA.relationships:
                t = SCHEMA.rel_property_types(rtype).get(c.name)
                if t is not None:
                    owners.append((rtype, t))
        else:
            for label in SCHEMA.nodes:
                t = SCHEMA.node_property_types(label).get(c.name)
                if t is not None:
                    owners.append((label, t))
        for owner, schema_type in owners:
            # An int column is a fine way to write whole numbers into a float property.
            if c.ptype != schema_type and not (c.ptype == "int" and schema_type == "float"):
                raise FileRejected(
                    file, f"declared type {c.ptype} contradicts the schema: {owner}.{c.name} is "
                    f"{schema_type}; expected {c.name}:{schema_type}", 1, c.header, c.ptype)


def _schema_type(name: str, owner: str | None, is_rels: bool) -> str | None:
    if owner is None:
        return None
    if is_rels:
        if owner not in SCHEMA.relationships:
            return None
        return SCHEMA.rel_property_types(owner).get(name)
    if owner not in SCHEMA.nodes:
        return None
    return SCHEMA.node_property_types(owner).get(name)


def convert(value: str, ptype: str | None, column: str) -> Any:
    """A CSV cell as a typed value (None when empty); RecordError saying what was expected."""
    v = value.strip()
    if v == "":
        return None
    if ptype is None or ptype == "string":
        return v
    if ptype == "int":
        if not _INT.match(v):
            raise RecordError(column, value, "expected an integer")
        return int(v)
    if ptype == "float":
        try:
            f = float(v)
        except ValueError:
            raise RecordError(column, value, "expected a number") from None
        if not math.isfinite(f):
            raise RecordError(column, value, "expected a finite number")
        return f
    if ptype == "boolean":
        low = v.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise RecordError(column, value, "expected true or false")
    if ptype == "date":
        try:
            # Length check: Python 3.11 also accepts the basic form 20190401, which is not the convention.
            if len(v) != 10:
                raise ValueError(v)
            return dt.date.fromisoformat(v).isoformat()
        except ValueError:
            raise RecordError(column, value, "expected an ISO date yyyy-mm-dd") from None
    raise RecordError(column, value, f"unsupported type {ptype}")  # pragma: no cover - header checked


def _name_default(path: Path, prefix: str, known: Any) -> str | None:
    """``Committee.csv`` / ``nodes_Committee.csv`` -> Committee, if that is a schema name."""
    stem = path.stem
    for candidate in (stem, stem.removeprefix(prefix)):
        if candidate in known:
            return candidate
    return None


@dataclass(frozen=True)
class Layout:
    """What a file's header says about every row."""

    is_nodes: bool  # else relationships
    by_special: dict[str, Column]  # ID, LABEL / START_ID, END_ID, TYPE -> its column
    props: list[Column]
    default_owner: str | None  # the label/type of every row when there is no :LABEL/:TYPE column
    width: int

    @property
    def owner_col(self) -> Column | None:
        return self.by_special.get("LABEL" if self.is_nodes else "TYPE")


def _read_layout(path: Path, rows: list[list[str]]) -> Layout:
    """The header row checked and read; FileRejected when no row of the file could load."""
    if not rows or not any(c.strip() for c in rows[0]):
        raise FileRejected(path.name, "empty file: expected a header row with :ID or :START_ID", 1)
    cols = _parse_header(path.name, rows[0])
    by_special: dict[str, Column] = {c.special: c for c in cols if c.special}
    is_nodes, is_rels = "ID" in by_special, "START_ID" in by_special
    if is_nodes and is_rels:
        raise FileRejected(path.name, "a file holds either nodes (:ID) or relationships (:START_ID), "
                           "not both", 1, ":ID", None)
    if not (is_nodes or is_rels):
        raise FileRejected(path.name, "expected an :ID column (nodes) or :START_ID/:END_ID columns "
                           "(relationships)", 1)
    if is_rels and "END_ID" not in by_special:
        raise FileRejected(path.name, "a relationship file needs an :END_ID column", 1, ":END_ID")
    stray = [c.header for c in cols if c.special in (REL_FIELDS if is_nodes else NODE_FIELDS)]
    if stray:
        raise FileRejected(path.name, f"column not allowed in a {'node' if is_nodes else 'relationship'} "
                           "file", 1, stray[0])
    _check_declared_types(path.name, cols, is_rels)
    return Layout(is_nodes, by_special, [c for c in cols if not c.special],
                  _default_owner(path, by_special, is_nodes), len(rows[0]))


def _default_owner(path: Path, by_special: dict[str, Column], is_nodes: bool) -> str | None:
    """The label/type for rows whose file declares no :LABEL/:TYPE column (None when it does)."""
    if is_nodes and "LABEL" not in by_special:
        group = by_special["ID"].group
        owner = group if group in SCHEMA.nodes else _name_default(path, "nodes_", SCHEMA.nodes)
        if owner is None:
            raise FileRejected(path.name, "no :LABEL column, and neither the :ID group nor the file name "
                               "is a node label", 1, ":LABEL")
        return owner
    if not is_nodes and "TYPE" not in by_special:
        owner = _name_default(path, "rels_", SCHEMA.relationships)
        if owner is None:
            raise FileRejected(path.name, "no :TYPE column, and the file name is not a relationship type",
                               1, ":TYPE")
        return owner
    return None


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    out = ParsedFile(path, KIND)
    rows = read_csv_rows(path)
    layout = _read_layout(path, rows)
    total = len(rows)
    for i, row in enumerate(rows[1:], start=2):
        if i % _PROGRESS_EVERY == 0:
            ctx.tick(i, total)
        if not any(c.strip() for c in row):
            continue
        with out.row(i) as recs:
            rec = _record(layout, row, out.source(i))
            if isinstance(rec, Rel):
                _check_person_ids(layout, row, rec, ctx)
            recs.append(rec)
    ctx.tick(total, total)
    return out


def _record(layout: Layout, row: list[str], row_source: str) -> Record:
    """One row's node or relationship; RecordError naming the column as written in the header."""
    if len(row) != layout.width:
        raise RecordError("(row)", len(row), f"expected {layout.width} columns as in the header")
    owner_col, by_special = layout.owner_col, layout.by_special
    owner = row[owner_col.index].strip() if owner_col else layout.default_owner
    if owner_col and ";" in (owner or ""):
        raise RecordError(owner_col.header, owner, "expected exactly one label")
    values: dict[str, Any] = {}
    header_of: dict[str, tuple[str, str]] = {}
    for c in layout.props:
        ptype = c.ptype or _schema_type(c.name, owner, not layout.is_nodes)
        value = convert(row[c.index], ptype, c.header)
        header_of[c.name] = (c.header, row[c.index])
        if value is not None:
            values[c.name] = value
    # A `source` column (as written by export) wins; otherwise the file and row.
    source = values.pop("source", None) or row_source
    try:
        if layout.is_nodes:
            return node(row[by_special["ID"].index], owner or "", values, source=source)
        return rel(row[by_special["START_ID"].index], owner or "", row[by_special["END_ID"].index], values,
                   source=source)
    except RecordError as err:
        # Name the column as written in the header (e.g. `quorum:int`, `:LABEL`).
        special = _special_header(err.column, by_special)
        if special is not None:
            raise RecordError(special, err.value, err.reason) from None
        if err.column in header_of:  # a property: the cell as written, not the converted value
            column, value = header_of[err.column]
            raise RecordError(column, value, err.reason) from None
        raise


def _check_person_ids(layout: Layout, row: list[str], rec: Rel, ctx: LoadContext) -> None:
    """``deputy_for`` / ``ruled_by`` must name a person in the graph (see :mod:`loaders.references`)."""
    try:
        check_person_ids(rec, ctx.graph)
    except RecordError as err:
        col = next((c for c in layout.props if c.name == err.column), None)
        if col is None:
            raise
        raise RecordError(col.header, row[col.index], err.reason) from None


def _special_header(column: str, by_special: dict[str, Column]) -> str | None:
    mapping = {"id": "ID", ":LABEL": "LABEL", ":TYPE": "TYPE", ":START_ID": "START_ID", ":END_ID": "END_ID"}
    special = mapping.get(column)
    return by_special[special].header if special in by_special else None


LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse, phase=load_phase)
