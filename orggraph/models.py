"""Records that go into the graph, validated against the schema by pydantic.

A loader builds records with :func:`node` and :func:`rel`; both raise :class:`RecordError` naming the
offending field, value and what was expected, so the loader can report file, row and column.
Dates are stored as ISO strings (``yyyy-mm-dd``); :mod:`orggraph.temporal` says what they mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from orggraph import quorum_rule
from orggraph.errors import RecordError
from orggraph.schema import SCHEMA, PropertySpec, Schema

_PY_TYPES: dict[str, Any] = {"string": str, "int": int, "float": float, "boolean": bool, "date": dt.date}

# Text formats a schema property may name (`format:`), each a check that raises RecordError.
FORMATS: dict[str, Any] = {"quorum_rule": quorum_rule.parse}


@dataclass(slots=True)
class Node:
    id: str
    label: str
    props: dict[str, Any] = field(default_factory=dict)
    # A stub only creates a node that does not exist yet; it never overwrites a fuller record
    # (e.g. a CCG named only by code in epraccur, filled in later by an ONS lookup).
    stub: bool = False

    @property
    def source(self) -> str | None:
        return self.props.get("source")


@dataclass(slots=True)
class Rel:
    start: str
    type: str
    end: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity within (start, type, end): the same link may recur with different start dates."""
        return rel_key(self.type, identity_start(self.props))

    @property
    def source(self) -> str | None:
        return self.props.get("source")


Record = Node | Rel


def rel_key(rel_type: str, valid_from: str | None) -> str:
    """A relationship's identity within (start, end): its type and start date, as every store keys it."""
    return f"{rel_type}|{valid_from or ''}"


def identity_start(props: Mapping[str, Any]) -> str | None:
    """The start date that is part of a relationship's identity: the one its file gave.

    That is ``valid_from``, except on a link reconciling clipped (``clipped_from``, see
    :mod:`loaders.reconcile`): there ``valid_from`` is the later day the link really starts and
    ``clipped_from`` the start the files gave, which stays its identity whatever is loaded later."""
    return props.get("clipped_from") or props.get("valid_from")


def _field_type(ptype: str, enum: tuple[str, ...] | None) -> Any:
    if enum:
        return Literal[enum] | None  # type: ignore[valid-type, unused-ignore]
    return _PY_TYPES[ptype] | None


def _build_model(name: str, types: dict[str, str], enums: dict[str, tuple[str, ...] | None]) -> type[BaseModel]:
    fields: dict[str, Any] = {k: (_field_type(t, enums.get(k)), None) for k, t in types.items()}
    return create_model(  # type: ignore[call-overload, no-any-return, unused-ignore]
        name, __config__=ConfigDict(extra="forbid", str_strip_whitespace=True), **fields
    )


@cache
def node_props_model(label: str, schema: Schema = SCHEMA) -> type[BaseModel]:
    spec = schema.nodes[label]
    enums = {k: p.enum for k, p in spec.properties.items()}
    return _build_model(f"{label}Props", schema.node_property_types(label), enums)


@cache
def rel_props_model(rel_type: str, schema: Schema = SCHEMA) -> type[BaseModel]:
    spec = schema.relationships[rel_type]
    enums = {k: p.enum for k, p in spec.properties.items()}
    return _build_model(f"{rel_type}Props", schema.rel_property_types(rel_type), enums)


def _clean(model: type[BaseModel], props: dict[str, Any]) -> dict[str, Any]:
    # Empty strings mean "not given" in every file format we read.
    given = {k: v for k, v in props.items() if v is not None and v != ""}
    try:
        validated = model.model_validate(given)
    except ValidationError as exc:
        err = exc.errors()[0]
        column = ".".join(str(p) for p in err["loc"]) or "?"
        if err["type"] == "extra_forbidden":
            reason = "unknown property for this label/type"
        elif err["type"] == "literal_error":
            reason = "expected " + err["msg"].removeprefix("Input should be ")
        else:
            reason = err["msg"]
        raise RecordError(column, given.get(column, err.get("input")), reason) from None
    out: dict[str, Any] = {}
    for k, v in validated.model_dump(exclude_none=True).items():
        out[k] = v.isoformat() if isinstance(v, dt.date) else v
    return out


def _check_formats(props: dict[str, Any], specs: Mapping[str, PropertySpec]) -> None:
    for name, spec in specs.items():
        if spec.format and name in props:
            FORMATS[spec.format](props[name], name)


def _check_dates(props: dict[str, Any]) -> None:
    vf, vt = props.get("valid_from"), props.get("valid_to")
    if vf and vt and vt < vf:
        raise RecordError("valid_to", vt, f"expected a date on or after valid_from ({vf})")


def node(id: str, label: str, props: dict[str, Any] | None = None, *, source: str | None = None,
         stub: bool = False, schema: Schema = SCHEMA) -> Node:
    """A validated node record."""
    if label not in schema.nodes:
        raise RecordError(":LABEL", label, f"expected one of {', '.join(schema.nodes)}")
    node_id = (id or "").strip()
    if not node_id:
        raise RecordError("id", id, "expected a non-empty id")
    p = dict(props or {})
    if source is not None:
        p["source"] = source
    clean = _clean(node_props_model(label, schema), p)
    for pname, pspec in schema.nodes[label].properties.items():
        if pspec.required and pname not in clean and not stub:
            raise RecordError(pname, None, f"required for {label}")
    _check_formats(clean, schema.nodes[label].properties)
    _check_dates(clean)
    return Node(node_id, label, clean, stub)


def rel(start: str, type: str, end: str, props: dict[str, Any] | None = None, *,
        source: str | None = None, schema: Schema = SCHEMA) -> Rel:
    """A validated relationship record (endpoint labels are checked when it meets the graph)."""
    if type not in schema.relationships:
        raise RecordError(":TYPE", type, f"expected one of {', '.join(schema.relationships)}")
    for col, value in ((":START_ID", start), (":END_ID", end)):
        if not (value or "").strip():
            raise RecordError(col, value, "expected a non-empty id")
    p = dict(props or {})
    if source is not None:
        p["source"] = source
    clean = _clean(rel_props_model(type, schema), p)
    _check_formats(clean, schema.relationships[type].properties)
    _check_dates(clean)
    return Rel(start.strip(), type, end.strip(), clean)
