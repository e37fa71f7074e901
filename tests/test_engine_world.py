"""Small graphs for the engine's tests, built in a few lines from validated records.

``base()`` is one CCG with a PCCC (lay chair, lay member, two executives, two GPs; quorum 3, one lay),
a practice, a federation and one decision on 2019-06-01 awarded to the federation at a meeting.
Tests add the links they are about and build with ``graph(*records)``.
"""

from __future__ import annotations

from typing import Any

from orggraph.graph import OrgGraph
from orggraph.models import Record, node, rel

DAY = "2019-06-01"


def graph(*records: Record | list[Record]) -> OrgGraph:
    flat: list[Record] = []
    for r in records:
        flat.extend(r if isinstance(r, list) else [r])
    g = OrgGraph()
    result = g.apply(flat)
    assert not result.rejected, result.rejected
    return g


def person(pid: str, name: str) -> Record:
    return node(pid, "Person", {"name": name})


def seat(pid: str, committee: str, member_type: str, role: str = "member", voting: bool = True,
         vf: str | None = "2018-04-01", vt: str | None = None) -> Record:
    return rel(pid, "SITS_ON", committee, {"role": role, "member_type": member_type, "voting": voting,
                                           "valid_from": vf, "valid_to": vt})


def dated(vf: str | None = None, vt: str | None = None, **props: Any) -> dict[str, Any]:
    return {"valid_from": vf, "valid_to": vt, **props}


def base(decision_date: str = DAY, party_rel: str = "AWARDED_TO", party: str = "FED1") -> list[Record]:
    return [
        node("CCG1", "CCG", {"name": "NHS Testford CCG"}),
        node("PCCC1", "Committee", {"name": "Testford PCCC", "committee_type": "pccc", "quorum": 3, "quorum_lay": 1}),
        rel("PCCC1", "COMMITTEE_OF", "CCG1", {"valid_from": "2015-04-01"}),
        person("LAY1", "Lena Ashby"), person("LAY2", "Omar Brookfield"), person("EX1", "Claire Dunmore"),
        person("EX2", "Victor Elmwood"), person("GP1", "Ada Fernley"), person("GP2", "Ben Goldby"),
        seat("LAY1", "PCCC1", "lay", role="chair"), seat("LAY2", "PCCC1", "lay"),
        seat("EX1", "PCCC1", "executive"), seat("EX2", "PCCC1", "executive"),
        seat("GP1", "PCCC1", "gp"), seat("GP2", "PCCC1", "gp"),
        node("PRAC1", "Practice", {"name": "Hillside Surgery"}),
        node("PRAC2", "Practice", {"name": "Riverside Practice"}),
        node("FED1", "Federation", {"name": "Testford GP Federation Ltd"}),
        node("PROV1", "Provider", {"name": "Testford Diagnostics Ltd", "provider_type": "company"}),
        node("MTG1", "Meeting", {"name": "PCCC meeting", "date": decision_date}),
        node("DEC1", "Decision", {"title": "Extended access contract", "date": decision_date}),
        rel("DEC1", "DECIDED_BY", "PCCC1"), rel("DEC1", "AT_MEETING", "MTG1"),
        rel("DEC1", party_rel, party),
    ]


def declaration(did: str, pid: str, org: str | None, vf: str | None = "2018-01-01", vt: str | None = None
                ) -> list[Record]:
    out: list[Record] = [node(did, "Declaration", {"name": f"Declaration {did}", "valid_from": vf, "valid_to": vt}),
                         rel(pid, "DECLARED", did, dated(vf, vt))]
    if org is not None:
        out.append(rel(did, "CONCERNS", org, dated(vf, vt)))
    return out
