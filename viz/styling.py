"""How one node or one relationship looks in vis-network: shared by the server-drawn view and by the
neighbours the browser adds when a person expands a node (the same dicts either way).

Captions are words from the schema ("director of", "family of, spouse"), node labels stay distinct (a
short name with the id under it, a decision's date after its id), and every dict carries the plain facts
(label, name, dates, class, source) that the page's filters, time slider and CSV export read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orggraph.schema import Schema

HIGHLIGHT = "#d62728"
PLAIN_EDGE = "#8c8c8c"
SHORT_NAME = 28
# The relationship classes an interest path is made of (a seat, then interests and personal links).
INTEREST_CLASSES = ("commissioning_role", "provider_interest", "org_interest", "personal_link")


def dates_text(data: dict[str, Any]) -> str:
    vf, vt = data.get("valid_from"), data.get("valid_to")
    if not vf and not vt:
        return ""
    return f"{vf or '…'} – {vt or 'open'}"


def node_caption(nid: str, data: dict[str, Any]) -> str:
    """A short name over the id (the id alone when there is no name); a decision's date after its id."""
    name = str(data.get("name") or data.get("title") or nid)
    short = name if len(name) <= SHORT_NAME else name[:SHORT_NAME - 1] + "…"
    tail = nid + (f" · {data['date']}" if data.get("label") == "Decision" and data.get("date") else "")
    return tail if short == nid else f"{short}\n{tail}"


def rel_words(data: dict[str, Any], schema: Schema) -> str:
    """The relationship in words, as the explanations say it: "advises, paid", "family of, spouse"."""
    spec = schema.relationships.get(data["type"])
    if spec is None:
        return str(data["type"]).lower().replace("_", " ")
    words = spec.caption
    for prop in spec.caption_properties:
        extra = prop.words(data)
        if extra:
            words += f", {extra}"
    return words


def rel_class(rtype: str, from_label: str, to_label: str, schema: Schema) -> str | None:
    variant = schema.classify(rtype, from_label, to_label)
    return variant.rel_class if variant else None


def node_tooltip(nid: str, data: dict[str, Any]) -> str:
    lines = [f"{data['label']}: {data.get('name') or nid}", f"id: {nid}"]
    if dates_text(data):
        lines.append(f"valid: {dates_text(data)}")
    for key in ("title", "date", "role_title", "committee_type"):
        if data.get(key):
            lines.append(f"{key}: {data[key]}")
    lines.append(f"source: {data.get('source') or 'not recorded'}")
    return "\n".join(lines)


def edge_tooltip(start: str, end: str, data: dict[str, Any], schema: Schema) -> str:
    spec = schema.relationships.get(data["type"])
    lines = [f"{start} {rel_words(data, schema)} {end} ({data['type']})"]
    if spec:
        lines.append(spec.description)
    lines.append(f"valid: {dates_text(data) or 'no dates recorded'}")
    extra = {k: v for k, v in data.items() if k not in ("type", "valid_from", "valid_to", "source")}
    for key, value in sorted(extra.items()):
        lines.append(f"{key}: {value}")
    lines.append(f"source: {data.get('source') or 'not recorded'}")
    return "\n".join(lines)


def vis_node(nid: str, data: dict[str, Any], schema: Schema, is_hl: bool = False,
             node_url: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The vis-network node: colour and shape by label from the schema, ★ and a red border when highlighted."""
    label = data["label"]
    spec = schema.nodes.get(label)
    color = spec.color if spec else "#999999"
    return {
        "id": nid, "label": ("★ " if is_hl else "") + node_caption(nid, data), "title": node_tooltip(nid, data),
        "shape": spec.shape if spec else "dot",
        "color": {"background": color, "border": HIGHLIGHT if is_hl else color,
                  "highlight": {"background": color, "border": "#000000"}},
        "borderWidth": 5 if is_hl else 1, "size": 22 if is_hl else 14,
        "font": {"color": "#ffffff" if label == "Decision" else "#111111"},
        "nodeLabel": label, "name": data.get("name") or data.get("title") or None,
        "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"),
        "source": data.get("source"), "highlighted": is_hl, "url": node_url(nid) if node_url else None,
    }


def edge_id(start: str, end: str, key: Any) -> str:
    """A stable id, the same whichever view or request drew the relationship (so expanding twice adds nothing)."""
    return f"{start}>{end}#{key}"


def vis_edge(start: str, end: str, key: Any, data: dict[str, Any], schema: Schema, labels: tuple[str, str],
             is_hl: bool = False) -> dict[str, Any]:
    """The vis-network edge: captioned in words with its dates, thick and red when highlighted."""
    dates = dates_text(data)
    return {
        "id": edge_id(start, end, key), "from": start, "to": end, "arrows": "to",
        "label": rel_words(data, schema) + (f"\n{dates}" if dates else ""),
        "title": edge_tooltip(start, end, data, schema), "relType": data["type"],
        "relClass": rel_class(data["type"], labels[0], labels[1], schema),
        "caption": rel_words(data, schema), "valid_from": data.get("valid_from"),
        "valid_to": data.get("valid_to"), "source": data.get("source"), "highlighted": is_hl,
        "color": {"color": HIGHLIGHT if is_hl else PLAIN_EDGE}, "width": 4 if is_hl else 1,
        "dashes": False if is_hl else [4, 3],
    }


def explore_meta(schema: Schema) -> dict[str, Any]:
    """What the page script needs to know of the schema: the classes (key, caption) and label plurals."""
    return {
        "classes": [[key, spec.get("caption", key)] for key, spec in schema.classes.items()],
        "interest_classes": list(INTEREST_CLASSES),
        "labels": {name: {"color": spec.color, "shape": spec.shape} for name, spec in schema.nodes.items()},
    }
