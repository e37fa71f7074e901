"""Real practices and CCGs for a generated world, taken from records the real loaders produced."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from orggraph.models import Node, Record, Rel


@dataclass(frozen=True)
class OdsPractice:
    code: str
    name: str
    postcode: str
    ccg: str
    source: str = ""


@dataclass
class OdsData:
    """Real practices and CCGs, already parsed by the real loaders (see :mod:`orggraph_cli.demo_files`)."""

    practices: list[OdsPractice]
    ccg_names: dict[str, str] = field(default_factory=dict)
    ccg_stp: dict[str, tuple[str, str]] = field(default_factory=dict)  # ccg -> (stp code, stp name)


def ods_from_records(records: Iterable[Record], ccg_names: dict[str, str] | None = None) -> OdsData:
    """Active practices and their CCG from records an epraccur loader produced."""
    practices: dict[str, Node] = {}
    ccg_of: dict[str, str] = {}
    for r in records:
        if isinstance(r, Node) and r.label == "Practice" and r.props.get("status") == "A":
            practices[r.id] = r
        elif isinstance(r, Rel) and r.type == "COMMISSIONED_BY" and not r.props.get("valid_to"):
            ccg_of[r.start] = r.end
    out = [OdsPractice(code, str(n.props.get("name", code)), str(n.props.get("postcode", "")), ccg_of[code],
                       str(n.props.get("source", "")))
           for code, n in sorted(practices.items()) if code in ccg_of]
    if ccg_names:
        out = [p for p in out if p.ccg in ccg_names]
    return OdsData(out, dict(ccg_names or {}))
