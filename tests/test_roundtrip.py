"""Export then load gives the identical graph; loading the same inputs twice gives the identical store file.

The graph is varied on purpose: real ODS practices and ONS CCGs/STPs, plus a generated graph CSV with
every relationship type (every endpoint variant) and every property type the schema knows, including
text with commas, quotes, a line break and non-ASCII characters.
"""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from loaders.pipeline import load_paths
from orggraph.export import export_graph
from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA
from orggraph.stores.embedded import EmbeddedStore
from tests.helpers import ORGGRAPH

REAL_PRACTICE = "A81001"  # in epraccur_2019-11.csv; the generated file links a synthetic partner to it


# Properties whose text has a grammar or names a person (checked at load): a value that means something.
_MEANINGFUL = {"quorum_rule": lambda i: f"{i + 3}; lay>=1; chair|vice_chair>=1",
               "deputy_for": lambda i: "GEN-Person-partner", "ruled_by": lambda i: "GEN-Person-partner"}


def _value(ptype: str, enum: tuple[str, ...] | None, i: int, name: str) -> Any:
    if name in _MEANINGFUL:
        return _MEANINGFUL[name](i)
    if enum:
        return enum[i % len(enum)]
    if ptype == "int":
        return i + 2
    if ptype == "float":
        return 1234.5 + i / 3  # not exactly representable in decimal: tests the float text round trip
    if ptype == "boolean":
        return i % 2 == 0
    if ptype == "date":
        return f"201{i % 10}-0{1 + i % 9}-2{i % 8}"
    return f"{name} {i}: Smith & Co, \"trading\" as Café £"  # comma, quotes, non-ASCII


def _cell(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _columns(types_of: dict[str, dict[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for types in types_of.values():
        for name, ptype in types.items():
            assert merged.setdefault(name, ptype) == ptype, f"schema gives {name} two types"
    merged.pop("source")
    return merged


def generate_graph_csv(folder: Path) -> tuple[Path, Path, int, int]:
    """One mixed-label node file and one mixed-type relationship file built from the schema itself."""
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = _columns({label: SCHEMA.node_property_types(label) for label in SCHEMA.nodes})
    node_rows: list[list[str]] = []
    for label, spec in SCHEMA.nodes.items():
        for i in range(3):
            nid = f"GEN-{label}-{i}"
            props: dict[str, Any] = {}
            if i < 2:  # two full nodes, one sparse one
                for name, ptype in SCHEMA.node_property_types(label).items():
                    enum = spec.properties[name].enum if name in spec.properties else None
                    props[name] = _value(ptype, enum, i, name)
                props["valid_from"], props["valid_to"] = "2015-04-01", f"202{i}-03-31"
            else:
                props = {p: _value(s.type, s.enum, i, p) for p, s in spec.properties.items() if s.required}
            if label == "Declaration" and i == 0:
                props["declared_text"] = "Director, Example Health Ltd\nsince 2016 (spouse)"
            node_rows.append([nid, label] + [_cell(props[c]) if c in props else "" for c in node_cols])
    node_rows.append(["GEN-Person-partner", "Person", "Synthetic Partner"] + [""] * (len(node_cols) - 1))
    nodes = folder / "generated_nodes.csv"
    with nodes.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":ID", ":LABEL"] + [c if t == "string" else f"{c}:{t}" for c, t in node_cols.items()])
        w.writerows(node_rows)

    rel_cols = _columns({t: SCHEMA.rel_property_types(t) for t in SCHEMA.relationships})
    rel_rows: list[list[str]] = []
    for rtype, spec in SCHEMA.relationships.items():
        for vi, variant in enumerate(spec.variants):
            for i, (fl, tl) in enumerate(zip(sorted(variant.from_labels), sorted(variant.to_labels)[::-1])):
                props = {name: _value(ptype, spec.properties[name].enum if name in spec.properties else None,
                                      i + vi, name)
                         for name, ptype in SCHEMA.rel_property_types(rtype).items()}
                props["valid_from"], props["valid_to"] = "2016-01-01", "2019-12-31"
                start, end = f"GEN-{fl}-{i % 2}", f"GEN-{tl}-{(i + 1) % 2}"
                if start == end:
                    end = f"GEN-{tl}-2"
                rel_rows.append([start, rtype, end] + [_cell(props[c]) if c in props else "" for c in rel_cols])
    blank = [""] * len(rel_cols)
    vf = list(rel_cols).index("valid_from")
    # A seat held twice (two terms) and once open-ended with no dates: three edges, one pair.
    for from_date in ("2015-04-01", "2019-04-01", ""):
        row = list(blank)
        row[vf] = from_date
        rel_rows.append(["GEN-Person-2", "SITS_ON", "GEN-Committee-2", *row])
    rel_rows.append(["GEN-Person-partner", "PARTNER_IN", REAL_PRACTICE, *blank])
    rels = folder / "generated_rels.csv"
    with rels.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":TYPE", ":END_ID"] + [c if t == "string" else f"{c}:{t}" for c, t in rel_cols.items()])
        w.writerows(rel_rows)
    return nodes, rels, len(node_rows), len(rel_rows)


@pytest.fixture(scope="module")
def inputs(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    nodes, rels, _, _ = generate_graph_csv(tmp_path_factory.mktemp("generated"))
    return [real_data / "epraccur_2019-11.csv", real_data / "ons_ccg19_stp19_apr2019.csv", nodes, rels]


@pytest.fixture(scope="module")
def original(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("original") / "graph.json")
    reports = load_paths(store, inputs)
    assert [r.status for r in reports] == ["loaded"] * 4
    assert [r.rejected for r in reports[2:]] == [[], []], "the generated graph CSV must load cleanly"
    return store


def test_the_generated_graph_covers_every_type_and_property(original: EmbeddedStore) -> None:
    g = original.graph()
    stats = g.stats()
    assert set(stats["nodes"]) == set(SCHEMA.nodes)
    assert set(stats["relationships"]) == set(SCHEMA.relationships)
    assert stats["nodes"]["Practice"] > 8000 and stats["nodes"]["CCG"] >= 191  # the real files are in
    for rtype, spec in SCHEMA.relationships.items():
        seen = {(g.label(s), g.label(e)) for s, t, e, _ in g.rels() if t == rtype}
        for variant in spec.variants:
            assert any(fl in variant.from_labels and tl in variant.to_labels for fl, tl in seen), rtype
    typed = {type(v) for _, data in g.nodes() for v in data.values()}
    assert {str, int, float, bool} <= typed
    assert len([d for s, t, e, d in g.rels() if (s, t, e) == ("GEN-Person-2", "SITS_ON", "GEN-Committee-2")]) == 3
    assert "\n" in g.node("GEN-Declaration-0")["declared_text"]


def test_csv_export_then_load_gives_the_identical_graph(original: EmbeddedStore, tmp_path: Path) -> None:
    before = original.graph()
    written = export_graph(before, "csv", tmp_path / "export")
    assert {p.name for p in written} == ({f"nodes_{label}.csv" for label in before.stats()["nodes"]}
                                         | {f"rels_{t}.csv" for t in before.stats()["relationships"]})
    header = (tmp_path / "export" / "nodes_Committee.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(":ID,:LABEL,name,") and "quorum:int" in header and "valid_from:date" in header
    rel_header = (tmp_path / "export" / "rels_SITS_ON.csv").read_text(encoding="utf-8").splitlines()[0]
    assert rel_header.startswith(":START_ID,:TYPE,:END_ID,") and "voting:boolean" in rel_header

    fresh = tmp_path / "fresh.json"
    result = subprocess.run([str(ORGGRAPH), "--store", str(fresh), "load", str(tmp_path / "export")],
                            check=False, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "rejected 0" in result.stderr and "rejected 1" not in result.stderr
    after = EmbeddedStore(fresh).graph()
    assert after.stats() == before.stats()
    assert after == before, _first_difference(before, after)

    # Same graph, same bytes: the export is stable.
    again = export_graph(after, "csv", tmp_path / "export2")
    for a, b in zip(written, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_loading_an_export_onto_its_own_store_changes_nothing(original: EmbeddedStore, tmp_path: Path) -> None:
    copy = tmp_path / "graph.json"
    copy.write_bytes(original.path.read_bytes())
    export_graph(original.graph(), "csv", tmp_path / "export")
    reports = load_paths(EmbeddedStore(copy), [tmp_path / "export"])
    assert all(r.status == "loaded" and not r.rejected for r in reports)
    assert copy.read_bytes() == original.path.read_bytes()


def test_graphml_export_parses_back_with_the_right_counts(original: EmbeddedStore, tmp_path: Path) -> None:
    g = original.graph()
    [path] = export_graph(g, "graphml", tmp_path / "graph.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == g.g.number_of_nodes()
    assert back.number_of_edges() == g.g.number_of_edges()
    assert back.nodes["GEN-Committee-0"]["label"] == "Committee"
    assert back.nodes["GEN-Committee-0"]["quorum"] == g.node("GEN-Committee-0")["quorum"]
    assert back.nodes[REAL_PRACTICE]["status"] == g.node(REAL_PRACTICE)["status"]
    types = {d["type"] for _, _, d in back.edges(data=True)}
    assert types == set(g.stats()["relationships"])
    seats = [d for s, e, d in back.edges(data=True) if d["type"] == "SITS_ON" and s == "GEN-Person-0"]
    assert seats and isinstance(seats[0]["voting"], bool)


def test_json_export_is_node_link_with_the_right_counts(original: EmbeddedStore, tmp_path: Path) -> None:
    g = original.graph()
    [path] = export_graph(g, "json", tmp_path / "graph.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="links")
    assert back.is_multigraph() and back.is_directed()
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.g.number_of_nodes(), g.g.number_of_edges())
    assert back.nodes["GEN-Decision-0"]["value_gbp"] == g.node("GEN-Decision-0")["value_gbp"]
    assert {d["type"] for _, _, d in back.edges(data=True)} == set(g.stats()["relationships"])


def test_export_refuses_a_file_where_a_folder_is_needed(original: EmbeddedStore, tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = subprocess.run([str(ORGGRAPH), "--store", str(original.path), "export", "--format", "csv",
                             "--out", str(target)], check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "is a file" in result.stderr and "Traceback" not in result.stderr


def test_loading_the_same_inputs_twice_gives_an_identical_store(inputs: list[Path], original: EmbeddedStore,
                                                                tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.json")
    load_paths(store, inputs)
    first = store.path.read_bytes()
    assert first == original.path.read_bytes()  # a fresh store from the same inputs: same bytes
    reports = load_paths(store, inputs)
    assert all(r.status == "loaded" for r in reports)
    assert store.path.read_bytes() == first
    assert OrgGraph.from_data(json.loads(first)) == original.graph()


def _first_difference(a: OrgGraph, b: OrgGraph) -> str:
    da, db = a.to_data(), b.to_data()
    for key in ("nodes", "relationships"):
        for x, y in zip(da[key], db[key], strict=False):
            if x != y:
                return f"{key}: {x!r} != {y!r}"
        if len(da[key]) != len(db[key]):
            return f"{key}: {len(da[key])} != {len(db[key])}"
    return "no difference"
