"""Releases as dated snapshots: precedence by release date, links ended across releases, any load order
gives the same graph. Real files from ../shared/data/real and real2 (skipped only when absent)."""

from __future__ import annotations

import csv
import random
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from loaders import available_kinds
from loaders.pipeline import load_paths
from orggraph.graph import OrgGraph
from orggraph.stores.embedded import EmbeddedStore
from orggraph.temporal import day_after, is_live
from orggraph_cli.main import cli
from tests.conftest import REAL_DATA

REAL2 = REAL_DATA.parent / "real2"
EPRACCUR = [REAL_DATA / "epraccur_2019-11.csv"] + [
    REAL2 / f"epraccur_{m}.csv" for m in ("2021-11", "2023-02", "2024-05", "2025-09")]
ECCG = REAL2 / "eccg_c2025.csv"
HAS_ECCG = "eccg" in available_kinds()
NO_ECCG = "no `eccg` loader in this branch (it comes with the formats work): eccg-dependent checks skipped"


@pytest.fixture(scope="module")
def real2() -> Path:
    if not all(f.is_file() for f in EPRACCUR):
        pytest.skip(f"real NHS files not found under {REAL_DATA.parent} (needs ../shared beside the checkout)")
    return REAL2


def _files() -> list[Path]:
    return EPRACCUR + ([ECCG] if HAS_ECCG else [])


def _load(store: EmbeddedStore, files: list[Path]) -> OrgGraph:
    for f in files:
        [rep] = load_paths(store, [f])
        assert rep.status == "loaded", (f.name, rep.error)
    return store.graph()


def _practice_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [r for r in csv.reader(fh) if len(r) == 27 and r[25].strip() == "4"]


def _iso(v: str) -> str:
    return f"{v[:4]}-{v[4:6]}-{v[6:]}"


def _all_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [r for r in csv.reader(fh) if len(r) == 27]


def _latest_date(path: Path) -> str:
    """The release date as documented: the latest open, close, join or left date on any row of the
    file, proposed organisations (status P) left out."""
    return max(_iso(r[i].strip()) for r in _all_rows(path) if r[12].strip() != "P"
               for i in (10, 11, 15, 16) if r[i].strip())


@pytest.fixture(scope="module")
def forward(real2: Path, tmp_path_factory: pytest.TempPathFactory) -> OrgGraph:
    return _load(EmbeddedStore(tmp_path_factory.mktemp("fwd") / "g.json"), _files())


def test_any_order_gives_the_same_graph(forward: OrgGraph, tmp_path: Path) -> None:
    shuffled = _files()
    random.Random(9).shuffle(shuffled)
    assert shuffled not in (_files(), _files()[::-1])
    for n, order in enumerate((_files()[::-1], shuffled)):
        graph = _load(EmbeddedStore(tmp_path / f"{n}.json"), order)
        assert graph.to_data() == forward.to_data(), [f.name for f in order]


def test_on_each_release_date_each_active_practice_has_the_one_commissioner_it_names(forward: OrgGraph) -> None:
    releases = {data["file"]: data["release_date"] for _, data in forward.nodes("Release")}
    for path in EPRACCUR:
        rows = _practice_rows(path)
        day = _latest_date(path)
        assert releases[path.name] == day
        active = {r[0].strip(): r[14].strip() for r in rows if r[12].strip() == "A" and r[14].strip()}
        assert len(active) > 6000
        wrong = {}
        for code, named in active.items():
            live = [end for end, _, _ in forward.out_rels(code, ["COMMISSIONED_BY"], on=day)]
            if live != [named]:
                wrong[code] = (named, live)
        assert not wrong, (path.name, len(wrong), list(wrong.items())[:5])


def test_a81001_moves_from_00k_to_16c(forward: OrgGraph) -> None:
    def on(day: str) -> list[str]:
        return [end for end, _, _ in forward.out_rels("A81001", ["COMMISSIONED_BY"], on=day)]

    assert on("2020-03-31") == ["00K"]
    assert on("2020-04-01") == ["16C"]
    old = next(d for end, _, d in forward.out_rels("A81001", ["COMMISSIONED_BY"]) if end == "00K")
    # eccg gives 00K's close date (stated); without it the next link's start gives the same day (inferred).
    assert old["valid_to"] == "2020-03-31"
    assert old["valid_to_inferred"] is (not HAS_ECCG)


@pytest.mark.skipif(not HAS_ECCG, reason=NO_ECCG)
def test_a_link_to_a_closed_ccg_ends_by_its_close_date(forward: OrgGraph) -> None:
    closed = {nid: d["valid_to"] for nid, d in forward.nodes("CCG") if d.get("valid_to")}
    assert closed
    late = [(s, e, d["valid_to"]) for s, t, e, d in forward.rels()
            if t == "COMMISSIONED_BY" and e in closed and (d.get("valid_to") or "9999") > closed[e]]
    assert not late, late[:5]


def test_the_newer_release_wins_whatever_the_name_and_order(real2: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "epraccur.csv", tmp_path / "new" / "epraccur.csv"
    for src, dst in ((EPRACCUR[0], old), (EPRACCUR[2], new)):
        dst.parent.mkdir()
        shutil.copy(src, dst)
    before = {r[0]: r[12] for r in _practice_rows(old)}
    after = {r[0]: r[12] for r in _practice_rows(new)}
    changed = {c: s for c, s in after.items() if c in before and before[c] != s}
    assert len(changed) > 100
    graphs = []
    for n, order in enumerate(([old, new], [new, old])):
        graph = _load(EmbeddedStore(tmp_path / f"{n}.json"), order)
        assert {c: graph.g.nodes[c]["status"] for c in changed} == changed
        graphs.append(graph.to_data())
    assert graphs[0] == graphs[1]
    releases = [d for _, d in OrgGraph.from_data(graphs[0]).nodes("Release")]
    assert sorted(d["file"] for d in releases) == ["epraccur.csv", "epraccur.csv"]


def test_as_of_overrides_and_is_printed(real2: Path, tmp_path: Path) -> None:
    store = tmp_path / "g.json"
    result = CliRunner().invoke(cli, ["--store", str(store), "load", "--quiet", "--as-of", "2020-01-15",
                                      str(EPRACCUR[0])])
    assert result.exit_code == 0, result.output
    assert "release 2020-01-15 (--as-of)" in result.output
    result = CliRunner().invoke(cli, ["--store", str(store), "load", "--quiet", str(EPRACCUR[1])])
    day = _latest_date(EPRACCUR[1])
    assert f"release {day} (latest date in the file)" in result.output
    graph = EmbeddedStore(store).graph()
    assert sorted(d["release_date"] for _, d in graph.nodes("Release")) == ["2020-01-15", day]
    assert graph.g.nodes["A81001"]["release"].split(":")[2] == day
    result = CliRunner().invoke(cli, ["--store", str(store), "load", "--as-of", "2020-13-01", str(EPRACCUR[0])])
    assert result.exit_code != 0 and "2020-13-01" in result.output


# ---- synthetic: the inferred end -------------------------------------------------------------------
def _row(code: str, commissioner: str, opened: str, joined: str = "", status: str = "A") -> str:
    cells = [""] * 27
    cells[0], cells[1], cells[9], cells[10], cells[12] = code, f"Practice {code}", "TS1 1AA", opened, status
    cells[14], cells[15], cells[25] = commissioner, joined, "4"
    return ",".join(f'"{c}"' for c in cells)


def test_a_link_a_later_release_drops_ends_the_day_before_it(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "epraccur.csv", tmp_path / "b" / "epraccur.csv"
    first.parent.mkdir()
    second.parent.mkdir()
    # P00001 under 00X in the release of 2018-05-01 (its latest date: P00002 opened then); under 00Y,
    # with no join date, in the release of 2019-06-01.
    # P00003 moves from 00X to 00Z, which it joined on 2019-03-01: the old link ends the day before.
    first.write_text("\n".join([_row("P00001", "00X", "20100101", "20150101"), _row("P00002", "00X", "20180501"),
                                _row("P00003", "00X", "20100101", "20150101")]) + "\n")
    second.write_text("\n".join([_row("P00001", "00Y", "20100101"), _row("P00002", "00X", "20190601"),
                                 _row("P00003", "00Z", "20100101", "20190301")]) + "\n")
    exports = []
    for n, order in enumerate(([first, second], [second, first])):
        graph = _load(EmbeddedStore(tmp_path / f"{n}.json"), order)
        links = {end: d for end, _, d in graph.out_rels("P00001", ["COMMISSIONED_BY"])}
        assert links["00X"]["valid_to"] == "2019-05-31"
        assert links["00X"]["valid_to_inferred"] is True
        assert links["00X"]["seen_in"] == "2018-05-01"
        assert "valid_to" not in links["00Y"] and links["00Y"]["valid_to_inferred"] is False
        # 00Y has no start date, so it reaches back (the 2019 release says only that it holds on 2019-06-01).
        assert sorted(e for e, _, _ in graph.out_rels("P00001", ["COMMISSIONED_BY"], on="2018-05-01")) == ["00X", "00Y"]
        assert [e for e, _, d in graph.out_rels("P00001", ["COMMISSIONED_BY"]) if is_live(d, "2019-06-01")] == ["00Y"]
        moved = {end: d for end, _, d in graph.out_rels("P00003", ["COMMISSIONED_BY"])}
        assert (moved["00X"]["valid_to"], moved["00X"]["valid_to_inferred"]) == ("2019-02-28", True)
        for day, commissioner in (("2018-05-01", "00X"), ("2019-02-28", "00X"), ("2019-03-01", "00Z")):
            assert [e for e, _, _ in graph.out_rels("P00003", ["COMMISSIONED_BY"], on=day)] == [commissioner]
        # P00002 stays with 00X in both: one link, seen in both releases, open.
        [(end, _, d)] = list(graph.out_rels("P00002", ["COMMISSIONED_BY"]))
        assert (end, d["seen_in"], d.get("valid_to")) == ("00X", "2018-05-01 2019-06-01", None)
        exports.append(graph.to_data())
    assert exports[0] == exports[1]


def test_a_practices_commissioners_never_overlap(forward: OrgGraph) -> None:
    windows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for start, rtype, _, d in forward.rels():
        if rtype == "COMMISSIONED_BY" and forward.label(start) == "Practice":
            windows[start].append((d.get("valid_from") or "", d.get("valid_to") or "9999-12-31"))
    moved = [w for w in windows.values() if len(w) > 1]
    assert len(moved) > 3000  # the 3,206 practices whose commissioner changed between 2019 and 2023, and more
    overlapping = {p: sorted(w) for p, w in windows.items()
                   if any(a[1] >= b[0] for a, b in zip(sorted(w), sorted(w)[1:], strict=False))}
    assert not overlapping, list(overlapping.items())[:5]


def test_a_new_commissioner_with_the_old_join_date_starts_when_the_old_one_ends(forward: OrgGraph) -> None:
    # A81630: 00M "from 2013-04-01" in the 2019 release, 16C "from 2013-04-01" from 2021 (ODS kept the
    # join date). The 16C link keeps that date as its identity (clipped_from) and starts the day after
    # the 00M link ends (00M closed on 2020-03-31 by eccg, else the day before the 2021 release).
    links = {end: d for end, _, d in forward.out_rels("A81630", ["COMMISSIONED_BY"])}
    assert sorted(links) == ["00M", "16C"]
    assert links["00M"]["valid_from"] == "2013-04-01" and "clipped_from" not in links["00M"]
    assert links["16C"]["clipped_from"] == "2013-04-01"
    assert links["16C"]["valid_from"] == day_after(links["00M"]["valid_to"])
    if HAS_ECCG:
        assert links["16C"]["valid_from"] == "2020-04-01"
