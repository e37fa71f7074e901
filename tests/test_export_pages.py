"""The streamed export (issue 12 item 1, whole-graph work): graph CSV and node-link JSON read from the
store a page at a time (orggraph/export.py ``export_pages``, orggraph/stores/parts.py ``export_store``)
are byte for byte what the whole-graph export writes, on the demo world and the real files, on the JSON
store, SQLite and (marked ``neo4j``) Neo4j, with pages of the default size and of three ids; a property
the schema does not know (a hand-edited store) still gets its column; stale files are removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.pipeline import load_paths
from orggraph import export
from orggraph.errors import ExportError
from orggraph.export import export_graph, export_pages
from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph.stores.embedded import EmbeddedStore
from orggraph.stores.neighbourhood import GraphFetch
from orggraph.stores.parts import export_store
from tests.test_neighbourhood import demo_files  # noqa: F401  (a fixture)
from tests.test_store_parity import REAL_FILES


@pytest.fixture
def store(each_store: Store) -> Store:
    return each_store


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def assert_same_exports(store: Store, tmp_path: Path) -> None:
    whole = store.graph()
    for fmt in ("csv", "json"):
        old, new = tmp_path / f"old-{fmt}", tmp_path / f"new-{fmt}"
        old.mkdir()
        new.mkdir()
        target = "x.json" if fmt == "json" else "csv"
        want = export_graph(whole, fmt, old / target)
        got = export_store(store, fmt, new / target)
        assert [p.name for p in got] == [p.name for p in want], fmt
        if fmt == "csv":
            assert files(new / target) == files(old / target)
            assert len(want) > 5
        else:
            assert (new / target).read_bytes() == (old / target).read_bytes()


@pytest.mark.parametrize("page", [3, export.PAGE])
def test_streamed_export_of_the_demo_is_byte_identical(store: Store, demo_files: list[Path],  # noqa: F811
                                                       tmp_path: Path, page: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "PAGE", page)
    load_paths(store, demo_files)
    assert_same_exports(store, tmp_path)


def test_streamed_export_of_real_files_is_byte_identical(store: Store, real_data: Path, tmp_path: Path) -> None:
    load_paths(store, [real_data / f for f in REAL_FILES])
    assert_same_exports(store, tmp_path)


def test_streamed_export_of_an_empty_store(store: Store, tmp_path: Path) -> None:
    store.clear()
    assert export_store(store, "csv", tmp_path / "csv") == []
    export_graph(OrgGraph(schema=store.schema), "json", tmp_path / "old.json")
    export_store(store, "json", tmp_path / "new.json")
    assert (tmp_path / "new.json").read_bytes() == (tmp_path / "old.json").read_bytes()


def hand_edited(demo: list[Path], tmp_path: Path) -> OrgGraph:
    store = EmbeddedStore(tmp_path / "edited.json")
    load_paths(store, demo)
    g = store.graph().copy()
    nid = min(n for n, d in g.g.nodes(data=True) if d["label"] == "Practice")
    g.g.nodes[nid]["zz_note"] = "=added by hand"
    u, v, k = min((u, v, k) for u, v, k, d in g.g.edges(keys=True, data=True) if d["type"] == "SITS_ON")
    g.g.edges[u, v, k]["aa_note"] = 7
    return g


def test_a_property_the_schema_does_not_know_still_gets_its_column(demo_files: list[Path],  # noqa: F811
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "PAGE", 5)
    g = hand_edited(demo_files, tmp_path)
    for fmt, target in (("csv", "csv"), ("json", "g.json")):
        want = export_graph(g, fmt, tmp_path / "old" / target)
        got = export_pages(GraphFetch(g), g.schema, fmt, tmp_path / "new" / target, g.stats()["nodes"],
                           g.stats()["relationships"])
        assert [p.read_bytes() for p in got] == [p.read_bytes() for p in want]
    assert "zz_note" in (tmp_path / "new" / "csv" / "nodes_Practice.csv").read_text().splitlines()[0]
    assert "aa_note" in (tmp_path / "new" / "csv" / "rels_SITS_ON.csv").read_text().splitlines()[0]


def test_stale_files_go_and_wrong_targets_fail_in_one_line(store: Store, demo_files: list[Path],  # noqa: F811
                                                            tmp_path: Path) -> None:
    load_paths(store, demo_files)
    out = tmp_path / "csv"
    out.mkdir()
    (out / "nodes_Gone.csv").write_text(":ID\n")
    (out / "notes.txt").write_text("kept")
    export_store(store, "csv", out)
    assert not (out / "nodes_Gone.csv").exists() and (out / "notes.txt").exists()
    (tmp_path / "file").write_text("")
    with pytest.raises(ExportError, match="is a file"):
        export_store(store, "csv", tmp_path / "file")
    with pytest.raises(ExportError, match="is a folder"):
        export_store(store, "json", out)
    with pytest.raises(ExportError, match="unknown export format"):
        export_store(store, "xml", tmp_path / "x")
    assert export_store(store, "graphml", tmp_path / "g.graphml")[0].read_bytes() == export_graph(
        store.graph(), "graphml", tmp_path / "old.graphml")[0].read_bytes()
