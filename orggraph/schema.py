"""The schema, read from ``schema.yaml``: node labels, relationship types and their classes.

Everything that needs to know the shape of the graph (validation, the engine's edge classes, Neo4j
constraints, the README table, the browser legend) asks this module rather than hard-coding names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

PROPERTY_TYPES = ("string", "int", "float", "boolean", "date")
COMMON_NODE_PROPERTIES: dict[str, str] = {
    "name": "string",
    "valid_from": "date",
    "valid_to": "date",
    "source": "string",
    "release": "string",
}
COMMON_REL_PROPERTIES: dict[str, str] = {
    "valid_from": "date",
    "valid_to": "date",
    "source": "string",
    "release": "string",
}
ORGANISATION = "Organisation"


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    description: str = ""
    # A named text format checked beyond its type (see orggraph.models.FORMATS), e.g. quorum_rule.
    format: str | None = None


@dataclass(frozen=True)
class NodeLabel:
    name: str
    description: str
    properties: dict[str, PropertySpec]
    organisation: bool = False
    provider: bool = False
    commissioner: bool = False
    color: str = "#999999"
    shape: str = "dot"


@dataclass(frozen=True)
class Variant:
    """One allowed (from-labels, to-labels) pair of a relationship type, with its class."""

    from_labels: frozenset[str]
    to_labels: frozenset[str]
    rel_class: str
    interest_type: str | None = None
    # e.g. ADVISES: interest type switches to `financial` when paid is true.
    interest_type_when: dict[str, Any] | None = None

    def interest_type_for(self, props: dict[str, Any]) -> str | None:
        rule = self.interest_type_when
        if rule and props.get(rule["property"]) == rule["value"]:
            return str(rule["interest_type"])
        return self.interest_type


@dataclass(frozen=True)
class CaptionProperty:
    """A property that an explanation words after a hop's dates (``caption_properties`` in the YAML).

    With ``when_true`` / ``when_false`` the property is a flag, worded by its truth (a missing flag is
    false); without them its value is written when it is present and not empty.
    """

    property: str
    when_true: str | None = None
    when_false: str | None = None

    def words(self, props: Mapping[str, Any]) -> str | None:
        value = props.get(self.property)
        if self.when_true is not None or self.when_false is not None:
            return self.when_true if value else self.when_false
        return str(value) if value else None


@dataclass(frozen=True)
class RelType:
    name: str
    caption: str
    description: str
    properties: dict[str, PropertySpec]
    variants: tuple[Variant, ...]
    symmetric: bool = False
    caption_properties: tuple[CaptionProperty, ...] = ()

    def variant_for(self, from_label: str, to_label: str) -> Variant | None:
        for v in self.variants:
            if from_label in v.from_labels and to_label in v.to_labels:
                return v
        return None

    @property
    def classes(self) -> set[str]:
        return {v.rel_class for v in self.variants}


@dataclass(frozen=True, eq=False)
class Schema:
    version: int
    classes: dict[str, dict[str, str]]
    interest_types: tuple[str, ...]
    nodes: dict[str, NodeLabel]
    relationships: dict[str, RelType]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @cached_property
    def organisation_labels(self) -> frozenset[str]:
        return frozenset(n for n, spec in self.nodes.items() if spec.organisation)

    @cached_property
    def commissioner_labels(self) -> frozenset[str]:
        return frozenset(n for n, spec in self.nodes.items() if spec.commissioner)

    def rel_types_of_class(self, rel_class: str) -> frozenset[str]:
        return frozenset(r.name for r in self.relationships.values() if rel_class in r.classes)

    def classify(self, rel_type: str, from_label: str, to_label: str) -> Variant | None:
        spec = self.relationships.get(rel_type)
        return spec.variant_for(from_label, to_label) if spec else None

    def node_property_types(self, label: str) -> dict[str, str]:
        out = dict(COMMON_NODE_PROPERTIES)
        out.update({k: p.type for k, p in self.nodes[label].properties.items()})
        return out

    def rel_property_types(self, rel_type: str) -> dict[str, str]:
        out = dict(COMMON_REL_PROPERTIES)
        out.update({k: p.type for k, p in self.relationships[rel_type].properties.items()})
        return out


def _props(raw: dict[str, Any] | None, where: str) -> dict[str, PropertySpec]:
    out: dict[str, PropertySpec] = {}
    for name, spec in (raw or {}).items():
        ptype = spec.get("type", "string")
        if ptype not in PROPERTY_TYPES:
            raise ValueError(f"schema: {where}.{name}: unknown property type {ptype!r}")
        enum = tuple(spec["enum"]) if spec.get("enum") else None
        out[name] = PropertySpec(name, ptype, bool(spec.get("required")), enum, spec.get("description", ""),
                                 spec.get("format"))
    return out


def parse_schema(raw: dict[str, Any]) -> Schema:
    nodes = {
        name: NodeLabel(
            name=name,
            description=spec.get("description", ""),
            properties=_props(spec.get("properties"), name),
            organisation=bool(spec.get("organisation")),
            provider=bool(spec.get("provider")),
            commissioner=bool(spec.get("commissioner")),
            color=spec.get("color", "#999999"),
            shape=spec.get("shape", "dot"),
        )
        for name, spec in raw["nodes"].items()
    }
    orgs = frozenset(n for n, s in nodes.items() if s.organisation)
    classes = raw["classes"]

    def expand(labels: list[str], where: str) -> frozenset[str]:
        out: set[str] = set()
        for label in labels:
            if label == ORGANISATION:
                out |= orgs
            elif label in nodes:
                out.add(label)
            else:
                raise ValueError(f"schema: {where}: unknown label {label!r}")
        return frozenset(out)

    rels = {name: _rel_type(name, spec, classes, expand) for name, spec in raw["relationships"].items()}
    return Schema(
        version=int(raw.get("version", 1)),
        classes=classes,
        interest_types=tuple(raw["interest_types"]),
        nodes=nodes,
        relationships=rels,
        raw=raw,
    )


def _rel_type(name: str, spec: dict[str, Any], classes: dict[str, Any],
              expand: Callable[[list[str], str], frozenset[str]]) -> RelType:
    variants = []
    for v in spec["variants"]:
        if v["class"] not in classes:
            raise ValueError(f"schema: {name}: unknown class {v['class']!r}")
        variants.append(
            Variant(
                from_labels=expand(v["from"], name),
                to_labels=expand(v["to"], name),
                rel_class=v["class"],
                interest_type=v.get("interest_type"),
                interest_type_when=v.get("interest_type_when"),
            )
        )
    properties = _props(spec.get("properties"), name)
    captioned = tuple(CaptionProperty(**c) for c in spec.get("caption_properties") or ())
    for c in captioned:
        if c.property not in properties:
            raise ValueError(f"schema: {name}: caption property {c.property!r} is not one of its properties")
    return RelType(
        name=name,
        caption=spec.get("caption", name.lower().replace("_", " ")),
        description=spec.get("description", ""),
        properties=properties,
        variants=tuple(variants),
        symmetric=bool(spec.get("symmetric")),
        caption_properties=captioned,
    )


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    text = (Path(__file__).parent / "schema.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when PyYAML has it: the same document, a tenth of the time (every process reads
    # the schema at import; the pure-Python loader took ~45 ms of a CLI question's start).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return parse_schema(yaml.load(text, Loader=loader))


SCHEMA = load_schema()


def schema_markdown(schema: Schema = SCHEMA) -> str:
    """The README's schema tables, generated from the schema file."""
    lines = ["| label | organisation | properties | description |", "|---|---|---|---|"]
    for label in schema.nodes.values():
        props = ", ".join(
            f"`{p.name}`" + (f" ({'/'.join(p.enum)})" if p.enum else f" ({p.type})")
            for p in label.properties.values()
        )
        lines.append(
            f"| `{label.name}` | {'yes' if label.organisation else ''} | {props} | {label.description} |"
        )
    lines += ["", "| type | from → to | class | interest type | properties |", "|---|---|---|---|---|"]
    for rel in schema.relationships.values():
        props = ", ".join(f"`{p.name}` ({p.type})" for p in rel.properties.values())
        for v in rel.variants:
            fr = _label_set(v.from_labels, schema)
            to = _label_set(v.to_labels, schema)
            itype = v.interest_type or ""
            if v.interest_type_when:
                w = v.interest_type_when
                itype = f"{w['interest_type']} if {w['property']}={str(w['value']).lower()}, else {itype}"
            lines.append(
                f"| `{rel.name}` | {fr} → {to} | {schema.classes[v.rel_class]['caption']} | {itype} | {props} |"
            )
    return "\n".join(lines)


def _label_set(labels: frozenset[str], schema: Schema) -> str:
    if labels == schema.organisation_labels:
        return "any organisation"
    return "/".join(sorted(labels))
