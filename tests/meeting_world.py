"""A small committee with a planned meeting and a past one, written as graph CSVs and loaded through
the real loader, for the faces of the chair's brief (CLI, API, pages, HTML/PDF).

Testford PCCC (rule ``5; lay>=1; chair|vice_chair>=1``): Lena Ashby chairs, Omar Brookfield is vice-chair,
two executives, two GPs. The governing body of the same CCG has two more voting members.

- ``MTG-PLAN`` (2019-09-05, planned), agenda in natural order ``PCC19/2``, ``PCC19/10``, ``PCC19/11``
  (written to the file out of order):
  - ``DEC-EA`` (PCC19/2) to the federation: both GPs are conflicted through financial interests
    (director; partner in a member practice), so the item has 4 eligible of the 5 it needs, and the
    governing body's Gita Hollins (no interest) is co-optable, but not Ivo Jarrow (employed by the
    federation);
  - ``DEC-DX`` (PCC19/10) to the diagnostics company: the chair is its trustee (non-financial), so
    she does not vote and the vice-chair presides;
  - ``DEC-GR`` (PCC19/11) to the other practice: nobody is conflicted.
- ``MTG-PAST`` (2019-06-06, declarations recorded): ``DEC-OLD`` (PCC19/1) to the federation; the
  director voted without declaring; the partner declared, was ruled out and left the room.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_csv

PLANNED = "MTG-PLAN"
PAST = "MTG-PAST"
PLANNED_ITEMS = ["DEC-EA", "DEC-DX", "DEC-GR"]  # agenda order
TITLES = {"DEC-EA": "Extended access contract: Testford GP Federation",
          "DEC-DX": "Diagnostics subcontract: Testford Diagnostics",
          "DEC-GR": "Minor improvement grant: Riverside Practice",
          "DEC-OLD": "Enhanced service: Testford GP Federation"}
NAMES = {"LAY1": "Lena Ashby", "LAY2": "Omar Brookfield", "EX1": "Claire Dunmore", "EX2": "Victor Elmwood",
         "GP1": "Ada Fernley", "GP2": "Ben Goldby", "GB1": "Gita Hollins", "GB2": "Ivo Jarrow"}

NODE_HEADER = ["id:ID", ":LABEL", "name", "committee_type", "quorum_rule", "date:date", "title", "item",
               "status", "declarations_recorded:boolean", "provider_type"]
REL_HEADER = [":START_ID", ":TYPE", ":END_ID", "role", "member_type", "voting:boolean", "valid_from:date",
              "valid_to:date", "action", "interest", "ruled_by"]


def _node(nid: str, label: str, name: str, **props: str) -> list[object]:
    return [nid, label, name, *(props.get(c.split(":")[0], "") for c in NODE_HEADER[3:])]


def _rel(start: str, rtype: str, end: str, **props: object) -> list[object]:
    return [start, rtype, end, *(props.get(c.split(":")[0], "") for c in REL_HEADER[3:])]


def _nodes() -> list[list[object]]:
    rows = [
        _node("CCG1", "CCG", "NHS Testford CCG"),
        _node("PCCC1", "Committee", "Testford Primary Care Commissioning Committee", committee_type="pccc",
              quorum_rule="5; lay>=1; chair|vice_chair>=1"),
        _node("GB", "Committee", "Testford Governing Body", committee_type="governing_body"),
        _node("FED1", "Federation", "Testford GP Federation Ltd"),
        _node("PRAC1", "Practice", "Hillside Surgery"),
        _node("PRAC2", "Practice", "Riverside Practice"),
        _node("PROV1", "Provider", "Testford Diagnostics Ltd", provider_type="company"),
        _node(PLANNED, "Meeting", "PCCC meeting, September 2019", date="2019-09-05"),
        _node(PAST, "Meeting", "PCCC meeting, June 2019", date="2019-06-06", declarations_recorded="true"),
        _node("DEC-OLD", "Decision", TITLES["DEC-OLD"], title=TITLES["DEC-OLD"], date="2019-06-06",
              item="PCC19/1", status="decided"),
    ]
    # Written out of agenda order: the brief sorts them.
    for did, item in (("DEC-GR", "PCC19/11"), ("DEC-DX", "PCC19/10"), ("DEC-EA", "PCC19/2")):
        rows.append(_node(did, "Decision", TITLES[did], title=TITLES[did], date="2019-09-05", item=item,
                          status="planned"))
    rows += [_node(pid, "Person", name) for pid, name in NAMES.items()]
    return rows


def _rels() -> list[list[object]]:
    seat = {"voting": "true", "valid_from": "2018-04-01"}
    rows = [
        _rel("PCCC1", "COMMITTEE_OF", "CCG1"), _rel("GB", "COMMITTEE_OF", "CCG1"),
        _rel("LAY1", "SITS_ON", "PCCC1", role="chair", member_type="lay", **seat),
        _rel("LAY2", "SITS_ON", "PCCC1", role="vice_chair", member_type="lay", **seat),
        _rel("EX1", "SITS_ON", "PCCC1", role="member", member_type="executive", **seat),
        _rel("EX2", "SITS_ON", "PCCC1", role="member", member_type="executive", **seat),
        _rel("GP1", "SITS_ON", "PCCC1", role="member", member_type="gp", **seat),
        _rel("GP2", "SITS_ON", "PCCC1", role="member", member_type="gp", **seat),
        _rel("GB1", "SITS_ON", "GB", role="member", member_type="lay", **seat),
        _rel("GB2", "SITS_ON", "GB", role="member", member_type="gp", **seat),
        _rel("GP1", "DIRECTOR_OF", "FED1", valid_from="2016-01-01"),
        _rel("GP2", "PARTNER_IN", "PRAC1", valid_from="2010-01-01"),
        _rel("PRAC1", "MEMBER_OF", "FED1", valid_from="2016-01-01"),
        _rel("LAY1", "TRUSTEE_OF", "PROV1", valid_from="2017-01-01"),
        _rel("GB2", "EMPLOYED_BY", "FED1", valid_from="2017-01-01"),
        _rel(PLANNED, "HELD_BY", "PCCC1"), _rel(PAST, "HELD_BY", "PCCC1"),
        _rel("DEC-OLD", "DECIDED_BY", "PCCC1"), _rel("DEC-OLD", "AT_MEETING", PAST),
        _rel("DEC-OLD", "AWARDED_TO", "FED1"),
        _rel("GP1", "VOTED_ON", "DEC-OLD"), _rel("GP2", "WITHDREW_FROM", "DEC-OLD"),
        _rel("GP2", "DECLARED_AT", "DEC-OLD", action="left_room", interest="Partner at Hillside Surgery",
             ruled_by="LAY1"),
        _rel("DEC-EA", "AWARDED_TO", "FED1"), _rel("DEC-DX", "AWARDED_TO", "PROV1"),
        _rel("DEC-GR", "AWARDED_TO", "PRAC2"),
    ]
    for did in PLANNED_ITEMS:
        rows += [_rel(did, "DECIDED_BY", "PCCC1"), _rel(did, "AT_MEETING", PLANNED)]
    return rows


def write_meeting_files(folder: Path) -> list[Path]:
    """The graph CSVs of this small world, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(folder / "nodes.csv", NODE_HEADER, _nodes()),
            write_csv(folder / "rels.csv", REL_HEADER, _rels())]


def build_meeting_store(folder: Path) -> Path:
    """The files written and loaded by the real loader into an embedded store; its path."""
    from loaders.pipeline import load_paths
    from orggraph.stores.embedded import EmbeddedStore

    files = write_meeting_files(folder / "csv")
    store_path = folder / "graph.json"
    reports = load_paths(EmbeddedStore(store_path), files)
    bad = [(r.file, r.error, r.rejected[:3], r.unresolved[:3]) for r in reports
           if r.status != "loaded" or r.rejected or r.unresolved]
    assert not bad, f"meeting files did not load cleanly: {bad}"
    return store_path
