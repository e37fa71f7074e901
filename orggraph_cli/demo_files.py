"""The world as files, and ODS data from files: the demo's way in and out through the real loaders.

It lives in the composition root because it joins two layer-1 packages (``orggraph_demo``, which
knows nothing of files, and ``loaders``).

:func:`write_world` writes a generated world as graph CSVs, registers of interests in the NHS
England template and meetings' declarations logs, the files a user's CCG or ICB would have; :func:`read_ods` takes real practices and CCGs
from an epraccur extract (and an ONS lookup) parsed by the real loaders.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from loaders import epraccur, ons
from loaders.base import FileRejected, LoadContext
from loaders.register import write_register_xlsx
from orggraph.errors import OrgGraphError
from orggraph.export import export_graph
from orggraph.graph import OrgGraph
from orggraph.models import Node
from orggraph_demo import MeetingLog, OdsData, World, ods_from_records

# What write_world writes; a previous run's files are removed first.
DEMO_FILE_PATTERNS = ("nodes_*.csv", "rels_*.csv", "register_*.xlsx", "declarations_*.csv")
# The declarations-log columns (README "Meetings").
LOG_COLUMNS = ("meeting", "item", "person", "interest", "action", "ruled_by")


class OdsFilesMissing(OrgGraphError):
    """The folder given for real ODS data holds no epraccur extract."""


class GeneratedRecordRejected(OrgGraphError):
    """A generated record does not fit the schema: a bug in the generator, never in the user's data."""


@dataclass
class OdsFromFiles:
    """Real practices and CCGs, and notes on what could not be used (e.g. an unreadable ONS lookup)."""

    ods: OdsData
    notes: list[str] = field(default_factory=list)


def read_ods(directory: Path) -> OdsFromFiles:
    """Real practices and CCGs from epraccur (and CCG names from an ONS lookup) in ``directory``,
    parsed by the real loaders. Raises :class:`OdsFilesMissing` or the epraccur's :class:`FileRejected`."""
    epraccur_files = sorted(directory.glob("epraccur*.csv"))
    if not epraccur_files:
        raise OdsFilesMissing(f"no epraccur*.csv in {directory}")
    parsed = epraccur.parse(epraccur_files[-1], LoadContext())
    names: dict[str, str] = {}
    notes: list[str] = []
    for lookup in sorted(directory.glob("ons_ccg*_stp*.csv"))[:1]:
        try:
            for rec in ons.parse(lookup, LoadContext()).records:
                if isinstance(rec, Node) and rec.label == "CCG" and rec.props.get("name"):
                    names[rec.id] = str(rec.props["name"])
        except FileRejected as exc:
            notes.append(f"{exc}; CCGs keep their codes as names")
    return OdsFromFiles(ods_from_records(parsed.records, names or None), notes)


def prepare_out(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # Files a previous demo wrote would otherwise be loaded again (a type no longer generated, say).
    for pattern in DEMO_FILE_PATTERNS:
        for stale in out.glob(pattern):
            stale.unlink()


def strip_sources(graph: OrgGraph) -> None:
    for _, data in graph.g.nodes(data=True):
        data.pop("source", None)
    for _, _, data in graph.g.edges(data=True):
        data.pop("source", None)


def write_log(log: MeetingLog, path: Path) -> Path:
    """A meeting's declarations log as the minutes give it: people by name (by id when their name is
    not theirs alone), items by agenda reference; a log with nothing declared is one row with no person."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(LOG_COLUMNS)
        for d in log.rows:
            out.writerow((d.meeting, d.shown_item, d.shown_person, d.interest, d.action, d.ruled_by))
        if not log.rows:
            out.writerow((log.meeting, "", "", "", "", ""))
    return path


def write_world(world: World, out: Path) -> list[Path]:
    """Write ``world`` to the folder ``out`` as graph CSVs, registers and declarations logs; the files
    in load order."""
    prepare_out(out)
    graph = OrgGraph()
    applied = graph.apply(world.records)
    if applied.rejected:  # the generator validated every record; this would be a generator bug
        index, err = applied.rejected[0]
        raise GeneratedRecordRejected(f"generated record {index} does not fit the schema: {err}")
    # The files are the demo's evidence: drop the generator's provenance so every loaded record
    # cites the file and row it came from, as it would for a real CCG's own files.
    strip_sources(graph)
    written = export_graph(graph, "csv", out)
    registers = [write_register_xlsx(out / reg.filename, reg.entries, title=reg.title) for reg in world.registers]
    logs = [write_log(log, out / log.filename) for log in world.logs]
    # Nodes before relationships before registers (which resolve people and organisations by name),
    # then the declarations logs (which resolve meetings, agenda items and people).
    return sorted(written, key=lambda p: (not p.name.startswith("nodes_"), p.name)) + registers + logs
