"""The national reference files in ../shared/data/real, loaded through the pipeline into the embedded store.

Expected figures come from MANIFEST.md beside the files, and where a figure can be recomputed from the
file itself with the csv module or openpyxl, the test does that instead of trusting a constant.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import openpyxl
import pytest

from loaders.pipeline import load_file
from orggraph.graph import OrgGraph
from orggraph.stores.embedded import EmbeddedStore

EPRACCUR = "epraccur_2019-11.csv"
ONS19 = "ons_ccg19_stp19_apr2019.csv"
ONS_FILES = (ONS19, "ons_ccg20_stp20_apr2020.csv", "ons_ccg21_stp21_apr2021.csv")
STP_REGION = "ons_stp20_nhser20_apr2020.csv"
CHAIN = "derived_ccg19_stp19_nhser_2019.csv"
FOOTPRINTS = "derived_stp44_footprints_2017-18.csv"
EPCN_XLSX = "ePCN_2019-12.xlsx"
EPCN_CSVS = ("ePCN_2019-12__PCN_Details.csv", "ePCN_2019-12__PCN_Core_Partner_Details.csv")
ETR = "etr_c2016_nhsparse.csv"
ALL_FILES = (EPRACCUR, *ONS_FILES, STP_REGION, CHAIN, FOOTPRINTS, EPCN_XLSX, *EPCN_CSVS, ETR)
SNAPSHOT_DAY = "2019-12-01"  # the ePCN release: practices' and PCNs' CCGs compared on this day


def load(store: EmbeddedStore, real: Path, *names: str) -> OrgGraph:
    for name in names:
        report = load_file(store, real / name)
        assert report.status == "loaded", (name, report.error)
        assert not report.rejected, (name, [str(r) for r in report.rejected[:5]])
    return store.graph()


def csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def commissioners(graph: OrgGraph, node_id: str, on: str | None = None) -> set[str]:
    return {end for end, _, _ in graph.out_rels(node_id, ["COMMISSIONED_BY"], on=on)}


@pytest.fixture(scope="module")
def all_loaded(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("all") / "graph.json")
    load(store, real_data, *ALL_FILES)
    return store


def test_epraccur_gp_practices_and_their_ccgs(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, EPRACCUR)
    practices = dict(graph.nodes("Practice"))
    assert len(practices) == 8204
    active = [pid for pid, p in practices.items() if p["status"] == "A"]
    assert len(active) == 6830
    ccgs = set().union(*(commissioners(graph, pid) for pid in active))
    assert len(ccgs) == 191
    # Before an ONS lookup the CCGs are stubs: known by code only.
    assert all("ons_code" not in (graph.node(c) or {}) for c in ccgs)
    closed = [p for p in practices.values() if p["status"] == "C"]
    assert closed and all(p.get("valid_to") for p in closed)
    assert practices["A81001"]["source"] == f"{EPRACCUR}:1"


def test_ons_2019_names_191_ccgs_in_42_stps(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, EPRACCUR, ONS19)
    active = [pid for pid, p in graph.nodes("Practice") if p.get("status") == "A"]
    ccgs = set().union(*(commissioners(graph, pid) for pid in active))
    lookup = {r["CCG19CDH"]: r for r in csv_dicts(real_data / ONS19)}
    assert ccgs == set(lookup)  # the 191 commissioners of active practices are the 191 CCGs, none missing
    stps = set()
    for ccg in ccgs:
        data = graph.node(ccg)
        assert data is not None and data["label"] == "CCG"
        assert data["ons_code"] == lookup[ccg]["CCG19CD"] and data["name"] == lookup[ccg]["CCG19NM"]
        (stp,) = [end for end, _, _ in graph.out_rels(ccg, ["IN_STP"])]
        stps.add(stp)
    assert len(stps) == 42 and all(re.fullmatch(r"E54\d{6}", s) for s in stps)
    assert graph.stats()["nodes"]["STP"] == 42


def test_stp_to_region_and_the_derived_chain(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, STP_REGION)
    regions = dict(graph.nodes("Region"))
    assert len(regions) == 7 and all(re.fullmatch(r"Y\d\d", r) for r in regions)
    assert all(re.fullmatch(r"E40\d{6}", r["ons_code"]) for r in regions.values())
    stps = dict(graph.nodes("STP"))
    assert len(stps) == 42 and all(s.get("ods_code") for s in stps.values())
    assert all(len(list(graph.out_rels(s, ["IN_REGION"]))) == 1 for s in stps)

    graph = load(embedded_store, real_data, CHAIN)
    chain = csv_dicts(real_data / CHAIN)
    reached = set()
    for row in chain:
        (stp,) = {e for e, _, _ in graph.out_rels(row["CCG19CDH"], ["IN_STP"])}
        reached |= {e for e, _, _ in graph.out_rels(stp, ["IN_REGION"])}
    assert reached == {r["NHSER_CDH"] for r in chain} and len(reached) == 7


def test_stp_footprints(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, FOOTPRINTS)
    stps = dict(graph.nodes("STP"))
    assert len(stps) == 44
    assert set(stps) == {f"E54{n:06d}" for n in range(5, 49)}


def test_several_years_of_lookups_give_each_link_once(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, *ONS_FILES)
    pairs, ccgs = set(), set()
    for name in ONS_FILES:
        yy = re.search(r"ccg(\d\d)", name).group(1)  # type: ignore[union-attr]
        for r in csv_dicts(real_data / name):
            pairs.add((r[f"CCG{yy}CDH"], r[f"STP{yy}CD"]))
            ccgs.add(r[f"CCG{yy}CDH"])
    in_stp = {(s, e) for s, t, e, _ in graph.rels() if t == "IN_STP"}
    assert in_stp == pairs
    assert graph.stats()["relationships"]["IN_STP"] == len(pairs)  # no duplicate per year
    assert {c for c, _ in graph.nodes("CCG")} == ccgs
    # A name in several years comes from the newest file.
    assert graph.node("00T")["source"].startswith("ons_ccg21_stp21_apr2021.csv:")  # type: ignore[index]


def _memberships(graph: OrgGraph) -> set[tuple[str, str, str | None, str | None]]:
    return {(s, e, d.get("valid_from"), d.get("valid_to")) for s, t, e, d in graph.rels() if t == "MEMBER_OF"}


def _pcns(graph: OrgGraph) -> dict[str, dict[str, object]]:
    return {pid: {k: v for k, v in p.items() if k not in ("source", "release")} for pid, p in graph.nodes("PCN")}


def test_epcn_workbook_and_csv_exports_agree(real_data: Path, tmp_path: Path) -> None:
    from_xlsx = load(EmbeddedStore(tmp_path / "x.json"), real_data, EPCN_XLSX)
    from_csv = load(EmbeddedStore(tmp_path / "c.json"), real_data, *EPCN_CSVS)
    for graph in (from_xlsx, from_csv):
        assert graph.stats()["nodes"]["PCN"] == 1250
        assert graph.stats()["relationships"]["MEMBER_OF"] == 6757
        assert graph.stats()["relationships"]["COMMISSIONED_BY"] == 1250
    assert _memberships(from_xlsx) == _memberships(from_csv)
    assert _pcns(from_xlsx) == _pcns(from_csv)
    # Each practice is in exactly one PCN.
    members = [s for s, _, _, _ in _memberships(from_xlsx)]
    assert len(members) == len(set(members)) == 6757

    # Sources are spreadsheet rows and name the sheet; check one against openpyxl itself.
    wb = openpyxl.load_workbook(real_data / EPCN_XLSX, read_only=True, data_only=True)
    row_no, cells = next((i, r) for i, r in enumerate(wb["PCN Details"].iter_rows(values_only=True), start=1)
                         if i == 12)
    pcn = from_xlsx.node(str(cells[0]))
    assert pcn is not None and pcn["source"] == f"{EPCN_XLSX}:PCN Details:{row_no}"
    assert pcn["name"] == cells[1] and pcn["valid_from"] == "2019-10-01"
    assert from_csv.node(str(cells[0]))["source"] == f"{EPCN_CSVS[0]}:12"  # type: ignore[index]


def test_partner_sheet_alone_creates_stubs(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, EPCN_CSVS[1])
    assert graph.stats()["relationships"]["MEMBER_OF"] == 6757
    assert graph.stats()["nodes"]["PCN"] == 1250
    assert graph.node("A83005")["name"] == "WHINFIELD MEDICAL PRACTICE"  # type: ignore[index]
    assert "valid_from" not in graph.node("U45102")  # type: ignore[operator]
    graph = load(embedded_store, real_data, EPRACCUR, EPCN_CSVS[0])
    assert graph.node("U45102")["valid_from"] == "2019-10-01"  # type: ignore[index]
    assert graph.node("A83005")["status"] == "A"  # type: ignore[index]


def test_etr_trusts(real_data: Path, embedded_store: EmbeddedStore) -> None:
    graph = load(embedded_store, real_data, ETR)
    with (real_data / ETR).open(newline="") as fh:
        codes = [r[0] for r in csv.reader(fh) if r]
    trusts = dict(graph.nodes("Provider"))
    assert set(trusts) == set(codes) and len(trusts) == 241
    assert all(t["provider_type"] == "nhs_trust" for t in trusts.values())
    # The two hand-added rows with only code, name and postcode.
    assert trusts["R0A"]["postcode"] == "M13 9WL" and "valid_from" not in trusts["R0A"]
    assert trusts["R0B"]["name"] == "SOUTH TYNESIDE AND SUNDERLAND NHS FOUNDATION TRUST"
    assert trusts["RFW"]["valid_to"] == "2015-08-31"


def test_manifest_facts(all_loaded: EmbeddedStore, real_data: Path) -> None:
    graph = all_loaded.graph()
    practices = {pid: p for pid, p in graph.nodes("Practice") if "status" in p}  # from epraccur
    assert len(practices) == 8204
    active = {pid for pid, p in practices.items() if p["status"] == "A"}
    memberships = _memberships(graph)
    assert len({s for s, *_ in memberships} & active) == 6712
    mismatched = {(practice, pcn) for practice, pcn, _, _ in memberships
                  if commissioners(graph, practice, SNAPSHOT_DAY)
                  and commissioners(graph, practice, SNAPSHOT_DAY) != commissioners(graph, pcn, SNAPSHOT_DAY)}
    expected = {(r["Partner Organisation Code"], r["PCN Code"]) for r in csv_dicts(real_data / EPCN_CSVS[1])
                if r["Practice Parent CCG Code"] != r["PCN Parent CCG Code"]}
    assert mismatched == expected and len(mismatched) == 30
    # Every active practice's CCG reaches an STP and a region.
    for ccg in set().union(*(commissioners(graph, p) for p in active)):
        stps = {e for e, _, _ in graph.out_rels(ccg, ["IN_STP"])}
        assert stps and any(list(graph.out_rels(s, ["IN_REGION"])) for s in stps), ccg
    assert graph.stats()["nodes"]["Region"] == 7


def test_any_order_gives_the_same_graph(all_loaded: EmbeddedStore, real_data: Path, tmp_path: Path) -> None:
    reference = all_loaded.graph()
    orders = [list(reversed(ALL_FILES))]
    shuffled = list(ALL_FILES)
    random.Random(2019).shuffle(shuffled)
    orders.append(shuffled)
    for n, order in enumerate(orders):
        graph = load(EmbeddedStore(tmp_path / f"{n}.json"), real_data, *order)
        assert graph == reference, order


def test_loading_twice_changes_nothing(all_loaded: EmbeddedStore, real_data: Path) -> None:
    before = all_loaded.path.read_bytes()
    graph_before = all_loaded.graph().copy()
    load(all_loaded, real_data, *ALL_FILES)
    assert all_loaded.graph() == graph_before
    assert all_loaded.path.read_bytes() == before
