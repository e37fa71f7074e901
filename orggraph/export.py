"""Export the graph: bulk-import CSVs (which `orggraph load` reads back exactly), GraphML, node-link JSON.

CSV: one ``nodes_<Label>.csv`` per label (``:ID``, ``:LABEL``, ``name``, the label's schema properties
with typed headers such as ``quorum:int``, ``valid_from:date``, ``valid_to:date``, ``source``) and one
``rels_<TYPE>.csv`` per relationship type (``:START_ID``, ``:TYPE``, ``:END_ID``, typed properties,
``source``). Rows are sorted by id (nodes) and by start, end, key (relationships), so the same graph
always gives the same bytes. Text cells that a spreadsheet would run as a formula (starting ``=``, ``+``,
``-``, ``@``, tab, CR) carry a leading quote (:mod:`orggraph.csvsafe`); the graph-CSV loader removes
exactly that quote, so the export still loads back the same values. Numbers are never quoted. The headers follow the Neo4j bulk-import convention (``neo4j-admin
database import`` reads the same header syntax; that path is not exercised by the tests here).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

import networkx as nx

from orggraph.csvsafe import CsvWriter, guard_cell
from orggraph.errors import ExportError
from orggraph.graph import OrgGraph
from orggraph.models import identity_start, rel_key
from orggraph.schema import COMMON_NODE_PROPERTIES, COMMON_REL_PROPERTIES, Schema

FORMATS = ("csv", "graphml", "json")
NODE_FILE = "nodes_{}.csv"
REL_FILE = "rels_{}.csv"


def export_graph(graph: OrgGraph, fmt: str, out: Path) -> list[Path]:
    """Write ``graph`` as ``fmt`` to ``out`` (a folder for csv, a file otherwise); the paths written."""
    out = Path(out)
    if fmt == "csv":
        return export_csv(graph, out)
    if fmt == "graphml":
        return [export_graphml(graph, out)]
    if fmt == "json":
        return [export_json(graph, out)]
    raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


# ---- CSV ---------------------------------------------------------------------------------------
def _header(name: str, ptype: str) -> str:
    # Strings stay untyped, as in Neo4j's convention; everything else says its type.
    return name if ptype == "string" else f"{name}:{ptype}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    if isinstance(value, str):
        return str(guard_cell(value))
    return str(value)


def _columns(declared: dict[str, str], leading: Iterable[str], present: set[str]) -> list[tuple[str, str]]:
    """(property, header) in a stable order: leading common ones, the schema's, then the trailing
    common ones; properties the schema does not know (only possible in a hand-edited store) go last,
    untyped, so a reload reports them rather than the export dropping them."""
    order = [p for p in leading if p in declared]
    order += [p for p in declared if p not in order and p not in ("valid_from", "valid_to", "source")]
    order += [p for p in ("valid_from", "valid_to", "source") if p in declared]
    cols = [(p, _header(p, declared[p])) for p in order]
    cols += [(p, p) for p in sorted(present - set(declared))]
    return cols


def _node_columns(schema: Schema, label: str, present: set[str]) -> list[tuple[str, str]]:
    declared = dict(COMMON_NODE_PROPERTIES)
    declared.update(schema.node_property_types(label) if label in schema.nodes else {})
    return _columns(declared, ("name",), present)


def _rel_columns(schema: Schema, rel_type: str, present: set[str]) -> list[tuple[str, str]]:
    declared = dict(COMMON_REL_PROPERTIES)
    declared.update(schema.rel_property_types(rel_type) if rel_type in schema.relationships else {})
    return _columns(declared, (), present)


def export_csv(graph: OrgGraph, out: Path) -> list[Path]:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: is a file; csv export writes a folder (give a folder path with --out)")
    out.mkdir(parents=True, exist_ok=True)
    data = graph.to_data()
    nodes: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for nid, label, props in data["nodes"]:
        nodes[label].append((nid, props))
    rels: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for start, rtype, end, props in data["relationships"]:
        rels[rtype].append((start, end, props))

    written: list[Path] = []
    for label in sorted(nodes):
        present = {k for _, props in nodes[label] for k in props}
        cols = _node_columns(graph.schema, label, present)
        path = out / NODE_FILE.format(label)
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = CsvWriter(fh)
            w.writerow([":ID", ":LABEL", *(h for _, h in cols)])
            for nid, props in nodes[label]:  # to_data is sorted by id
                w.writerow([_cell(nid), label, *(_cell(props.get(p)) for p, _ in cols)])
        written.append(path)
    for rtype in sorted(rels):
        present = {k for _, _, props in rels[rtype] for k in props}
        cols = _rel_columns(graph.schema, rtype, present)
        path = out / REL_FILE.format(rtype)
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = CsvWriter(fh)
            w.writerow([":START_ID", ":TYPE", ":END_ID", *(h for _, h in cols)])
            for start, end, props in rels[rtype]:  # to_data is sorted by start, end, key
                w.writerow([_cell(start), rtype, _cell(end), *(_cell(props.get(p)) for p, _ in cols)])
        written.append(path)
    # Files from an earlier export of labels/types no longer in the graph would load stale data back.
    keep = set(written)
    for old in sorted([*out.glob(NODE_FILE.format("*")), *out.glob(REL_FILE.format("*"))]):
        if old not in keep:
            old.unlink()
    return written


# ---- GraphML and node-link JSON ----------------------------------------------------------------
def _plain_graph(graph: OrgGraph) -> nx.MultiDiGraph:
    """A copy in canonical order with None values dropped (GraphML cannot hold None)."""
    data = graph.to_data()
    g = nx.MultiDiGraph(format="orggraph", schema_version=graph.schema.version)
    for nid, label, props in data["nodes"]:
        g.add_node(nid, label=label, **{k: v for k, v in props.items() if v is not None})
    for start, rtype, end, props in data["relationships"]:
        clean = {k: v for k, v in props.items() if v is not None}
        g.add_edge(start, end, key=rel_key(rtype, identity_start(props)), type=rtype, **clean)
    return g


def _file_target(out: Path) -> Path:
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; this format writes one file (give a file path with --out)")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def export_graphml(graph: OrgGraph, out: Path) -> Path:
    target = _file_target(out)
    nx.write_graphml(_plain_graph(graph), target, encoding="utf-8", prettyprint=True)
    return target


def export_json(graph: OrgGraph, out: Path) -> Path:
    target = _file_target(out)
    data = nx.node_link_data(_plain_graph(graph), edges="links")
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


# ---- streamed: read by page from a store, written as it goes ------------------------------------------
PAGE = 1000  # node ids per page

NodeRow = tuple[str, str, dict[str, Any]]  # id, label, properties
RelRow = tuple[str, str, str, str, dict[str, Any]]  # start, type, end, identity key, properties


class Pages(Protocol):
    """The reads a streamed export takes from a store (the store's ``Fetch``, inside one read)."""

    def ids_of(self, label: str | None, after: str | None, limit: int) -> Sequence[str]: ...

    def nodes(self, ids: Collection[str]) -> Iterable[NodeRow]: ...

    def rels(self, ids: Collection[str], types: Collection[str], out: bool) -> Iterable[RelRow]: ...


def node_pages(pages: Pages, label: str | None) -> Iterator[list[NodeRow]]:
    """Every node of ``label`` (any label when None), by id, a page at a time."""
    after: str | None = None
    while ids := pages.ids_of(label, after, PAGE):
        yield sorted(pages.nodes(ids))
        after = ids[-1]


def rel_pages(pages: Pages, types: Collection[str]) -> Iterator[list[RelRow]]:
    """Every relationship of ``types``, by start, end and edge key (the graph's export order), a page of
    start nodes at a time."""
    after: str | None = None
    while ids := pages.ids_of(None, after, PAGE):
        yield sorted(pages.rels(ids, types, True), key=lambda r: (r[0], r[2], rel_key(r[1], r[3])))
        after = ids[-1]


def export_pages(pages: Pages, schema: Schema, fmt: str, out: Path, labels: Iterable[str], types: Iterable[str]
                 ) -> list[Path]:
    """:func:`export_graph` of the graph ``pages`` reads, page by page, never holding it: the same bytes.
    ``labels`` and ``types`` are those that may occur (a label or type without rows gets no file)."""
    out = Path(out)
    if fmt == "csv":
        return _csv_pages(pages, schema, out, sorted(set(labels)), sorted(set(types)))
    if fmt == "json":
        return [_json_pages(pages, schema, out, sorted(set(types)))]
    raise ExportError(f"streamed export writes csv or json, not {fmt!r}")


class _CsvFile:
    """One export file, opened on its first row; ``extra`` when a row has a property its columns lack
    (only in a hand-edited store), so it is written again with every property's column."""

    def __init__(self, path: Path, head: list[str], cols: list[tuple[str, str]]):
        self.path, self.cols, self.known = path, cols, {p for p, _ in cols}
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.w = CsvWriter(self.fh)
        self.w.writerow([*head, *(h for _, h in cols)])
        self.extra = False

    def row(self, head: list[str], props: dict[str, Any]) -> None:
        self.extra = self.extra or not self.known.issuperset(props)
        self.w.writerow([*head, *(_cell(props.get(p)) for p, _ in self.cols)])


def _csv_pages(pages: Pages, schema: Schema, out: Path, labels: list[str], types: list[str]) -> list[Path]:
    """Long because it is one pass per file kind with the same two-pass fallback; each step is short."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: is a file; csv export writes a folder (give a folder path with --out)")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for label in labels:
        def node_file(present: set[str], lab: str = label) -> _CsvFile | None:
            f = None
            for page in node_pages(pages, lab):
                for nid, _, props in page:
                    f = f or _CsvFile(out / NODE_FILE.format(lab), [":ID", ":LABEL"],
                                      _node_columns(schema, lab, present))
                    f.row([_cell(nid), lab], props)
            if f is not None:
                f.fh.close()
            return f
        f = node_file(set())
        if f is not None and f.extra:  # again, with the properties present
            f = node_file({k for page in node_pages(pages, label) for _, _, props in page for k in props})
        written += [f.path] if f is not None else []
    files = _rel_files(pages, schema, out, types, {})
    for rtype in sorted(t for t, f in files.items() if f.extra):
        present = {k for page in rel_pages(pages, [rtype]) for *_, props in page for k in props}
        files.update(_rel_files(pages, schema, out, [rtype], {rtype: present}))
    written += [files[t].path for t in sorted(files)]
    keep = set(written)  # files from an earlier export of labels/types no longer here would load stale data
    for old in sorted([*out.glob(NODE_FILE.format("*")), *out.glob(REL_FILE.format("*"))]):
        if old not in keep:
            old.unlink()
    return written


def _rel_files(pages: Pages, schema: Schema, out: Path, types: list[str], present: dict[str, set[str]]
               ) -> dict[str, _CsvFile]:
    """One pass over the relationships of ``types``, each type's rows into its file."""
    files: dict[str, _CsvFile] = {}
    try:
        for page in rel_pages(pages, types):
            for start, rtype, end, _, props in page:
                f = files.get(rtype)
                if f is None:
                    f = files[rtype] = _CsvFile(out / REL_FILE.format(rtype), [":START_ID", ":TYPE", ":END_ID"],
                                                _rel_columns(schema, rtype, present.get(rtype, set())))
                f.row([_cell(start), rtype, _cell(end)], props)
    finally:
        for f in files.values():
            f.fh.close()
    return files


def _json_list(fh: TextIO, items: Iterable[dict[str, Any]]) -> None:
    """A list as ``json.dumps(..., indent=1)`` writes it as the value of a top-level key."""
    first = True
    for item in items:
        fh.write("[\n  " if first else ",\n  ")
        fh.write(json.dumps(item, indent=1, ensure_ascii=False).replace("\n", "\n  "))
        first = False
    fh.write("[]" if first else "\n ]")


def _json_pages(pages: Pages, schema: Schema, out: Path, types: list[str]) -> Path:
    """:func:`export_json`, a page at a time (the same ``node_link_data`` layout, key for key)."""
    target = _file_target(out)
    empty = nx.MultiDiGraph(format="orggraph", schema_version=schema.version)
    head = json.dumps(nx.node_link_data(empty, edges="links"), indent=1, ensure_ascii=False)
    before, rest = head.split('"nodes": []', 1)
    middle, after = rest.split('"links": []', 1)
    nodes = ({"label": label, **{k: v for k, v in sorted(props.items()) if v is not None}, "id": nid}
             for page in node_pages(pages, None) for nid, label, props in page)
    links = ({"type": rtype, **{k: v for k, v in sorted(props.items()) if v is not None}, "source": start,
              "target": end, "key": rel_key(rtype, identity_start(props))}
             for page in rel_pages(pages, types) for start, rtype, end, _, props in page)
    with target.open("w", encoding="utf-8") as fh:
        fh.write(before + '"nodes": ')
        _json_list(fh, nodes)
        fh.write(middle + '"links": ')
        _json_list(fh, links)
        fh.write(after + "\n")
    return target
