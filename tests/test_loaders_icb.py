"""The ICB-era national files (../shared/data/real2): each loads with the counts the file itself gives.

Every expected number is computed here from the file with the csv module or openpyxl, independently of
the loaders, and compared with what the store holds after loading it. Detection is checked by content
(each file copied under a name that says nothing), and a wrong --kind must give one line and exit 1.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, Settings
from loaders import detect
from loaders.base import LoadContext
from loaders.pipeline import load_file, parse_file
from orggraph.stores.embedded import EmbeddedStore
from tests.conftest import ROOT
from tests.helpers import ORGGRAPH

REAL2 = Path(os.environ.get("ORGGRAPH_REAL2_DATA", ROOT.parent / "shared" / "data" / "real2"))
ICB_ERA = "2022-07-01"


@pytest.fixture(scope="module")
def real2() -> Path:
    if not REAL2.is_dir():
        pytest.skip(f"ICB-era NHS files not found at {REAL2} (needs ../shared beside the checkout)")
    return REAL2


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [[c.strip() for c in r] for r in csv.reader(fh) if any(c.strip() for c in r)]


def iso(d: str) -> str | None:
    return f"{d[:4]}-{d[4:6]}-{d[6:]}" if d else None


def loaded(tmp_path: Path, *paths: Path, kind: str | None = None) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "graph.json")
    for p in paths:
        report = load_file(store, p, kind=kind)
        assert report.status == "loaded", report.error
    return store


def rels(store: EmbeddedStore, rtype: str) -> list[tuple[str, str, dict[str, object]]]:
    g = store.graph().g
    return [(a, b, d) for a, b, d in g.edges(data=True) if d["type"] == rtype]


# ---- epraccur ------------------------------------------------------------------------------------
EPRACCUR = ["epraccur_2021-11.csv", "epraccur_2023-02.csv", "epraccur_2024-05.csv", "epraccur_2025-09.csv"]


@pytest.mark.parametrize("name", EPRACCUR)
def test_epraccur_releases(real2: Path, tmp_path: Path, name: str) -> None:
    rows = [r for r in rows_of(real2 / name) if r[25] == "4"]
    store = loaded(tmp_path, real2 / name)
    g = store.graph()
    practices = dict(g.nodes("Practice"))
    assert len(practices) == len(rows)
    assert Counter(p["status"] for p in practices.values()) == Counter(r[12] for r in rows)
    assert len(rels(store, "COMMISSIONED_BY")) == sum(1 for r in rows if r[14])
    latest = max(d for r in rows for d in (r[10], r[11], r[15], r[16]) if d)
    expected = {(r[14], r[3]) for r in rows if r[12] == "A" and r[3] != "Q99"} if iso(latest) >= ICB_ERA else set()
    in_icb = rels(store, "IN_ICB")
    assert {(a, b) for a, b, _ in in_icb} == expected
    assert all(d["valid_from"] == ICB_ERA for _, _, d in in_icb)
    assert {i for i, _ in g.nodes("ICB")} == {b for _, b in expected}
    if name != "epraccur_2021-11.csv":  # col 4 is the ICB: 106 SICBLs in 42 ICBs (MANIFEST)
        assert len(expected) == 106 and len({b for _, b in expected}) == 42


def test_the_2026_coding_loads_its_12_practices(real2: Path, tmp_path: Path) -> None:
    path = real2 / "derived_excerpt_epraccur_c2025_newformat_first12.csv"
    rows = rows_of(path)
    store = loaded(tmp_path, path)
    practices = dict(store.graph().nodes("Practice"))
    assert set(practices) == {r[0] for r in rows if r[25] == "RO76"} and len(practices) == 12
    letters = {"ACTIVE": "A", "INACTIVE": "C", "DORMANT": "D"}
    assert {k: p["status"] for k, p in practices.items()} == {r[0]: letters[r[12]] for r in rows}
    # The 2026 coding is itself ICB era: active practices' commissioners are tied to col 4's ICB.
    assert {(a, b) for a, b, _ in rels(store, "IN_ICB")} == {(r[14], r[3]) for r in rows if r[12] == "ACTIVE"}


def test_the_resaved_copy_with_a_header_reads_as_the_original(real2: Path, tmp_path: Path) -> None:
    original = loaded(tmp_path / "a", real2 / "epraccur_2023-02.csv").graph()
    copy = loaded(tmp_path / "b", real2 / "thirdparty_epraccur_2023_reformatted_with_header.csv").graph()
    strip = {"source", "release"}  # provenance: which file and which release said it
    for label in ("Practice", "ICB"):
        a = {k: {p: v for p, v in d.items() if p not in strip} for k, d in original.nodes(label)}
        b = {k: {p: v for p, v in d.items() if p not in strip} for k, d in copy.nodes(label)}
        assert a == b and a


# ---- eccg ----------------------------------------------------------------------------------------
def test_eccg_roles(real2: Path, tmp_path: Path) -> None:
    rows = rows_of(real2 / "eccg_c2025.csv")
    store = loaded(tmp_path, real2 / "eccg_c2025.csv")
    g = store.graph()
    ccgs = dict(g.nodes("CCG"))
    blank = [r for r in rows if not r[13]]
    sicbls = [r for r in rows if "RO319" in r[13].split("|")]
    hubs = [r for r in rows if r[13] == "RO218"]
    entities = [r for r in rows if r[13] == "RO327"]
    assert len(ccgs) == len(blank) + len(sicbls)
    assert {r[0]: (ccgs[r[0]]["name"], ccgs[r[0]].get("valid_to")) for r in blank} == \
        {r[0]: (r[1], iso(r[11])) for r in blank}
    for r in sicbls:
        assert ccgs[r[0]]["sicbl_name"] == r[1] and "name" not in ccgs[r[0]] and ccgs[r[0]]["ods_role"] == r[13]
    assert {k: d.get("valid_to") for k, d in g.nodes("CommissioningHub")} == {r[0]: iso(r[11]) for r in hubs}
    assert {k for k, _ in g.nodes("ReportingEntity")} == {r[0] for r in entities}
    expected = {(r[0], r[3], max(ICB_ERA, iso(r[10]) or ICB_ERA)) for r in sicbls + entities if not r[11]}
    assert {(a, b, d["valid_from"]) for a, b, d in rels(store, "IN_ICB")} == expected
    assert len(sicbls) == 106 and len({b for _, b, _ in expected}) == 42


# ---- etr -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["etr_c2022-03.csv", "etr_2026-04.csv"])
def test_etr_any_year(real2: Path, tmp_path: Path, name: str) -> None:
    rows = rows_of(real2 / name)
    store = loaded(tmp_path, real2 / name)
    trusts = dict(store.graph().nodes("Provider"))
    assert {k: d.get("valid_to") for k, d in trusts.items()} == {r[0]: iso(r[11]) for r in rows}
    icb_era = max(d for r in rows for d in (r[10], r[11]) if d) >= "20220701"
    expected = {r[0]: r[3] for r in rows if icb_era and not r[11] and r[3]}
    assert {k: d["icb_code"] for k, d in trusts.items() if "icb_code" in d} == expected
    if name == "etr_2026-04.csv":
        assert rows[0][0] == "G6V2S" and "G6V2S" in trusts and trusts["K0N6A"]["name"] == "THE ONLINE NHS TRUST"
        assert len({c for c in expected.values() if len(c) == 5}) == 6  # the April 2026 ICB codes


# ---- ePCN ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ePCN_2022-04.xlsx", "ePCN_2023-01.xlsx", "ePCN_2024-10.xlsx"])
def test_epcn_any_year(real2: Path, tmp_path: Path, name: str) -> None:
    wb = openpyxl.load_workbook(real2 / name, read_only=True, data_only=True)
    details = [r for r in list(wb["PCNDetails"].iter_rows(values_only=True))[1:] if r[0]]
    partners = [r for r in list(wb["PCN Core Partner Details"].iter_rows(values_only=True))[1:] if r[0]]
    store = loaded(tmp_path, real2 / name)
    g = store.graph()
    assert {k: d.get("valid_to") for k, d in g.nodes("PCN")} == {r[0]: iso(str(r[5] or "")) for r in details}
    assert {(a, b) for a, b, _ in rels(store, "COMMISSIONED_BY")} == {(r[0], r[2]) for r in details}
    members = rels(store, "MEMBER_OF")
    assert len(members) == len(partners)
    ended = sum(1 for r in partners if r[9])
    assert sum(1 for _, _, d in members if d.get("valid_to")) == ended and ended > 800
    # A commissioner named as a sub-ICB location ("NHS ... ICB - 36L") keeps that as sicbl_name, never as name.
    sicbl_named = {r[2]: r[3] for r in details if str(r[3]).endswith(f" - {r[2]}")}
    assert bool(sicbl_named) == (name != "ePCN_2022-04.xlsx")
    for code, sicbl_name in sicbl_named.items():
        ccg = g.node(code)
        assert ccg is not None and ccg.get("sicbl_name") == sicbl_name and ccg.get("name") != sicbl_name


# ---- ONS -----------------------------------------------------------------------------------------
def test_loc22_lookup_csv_and_xlsx_give_the_same_graph(real2: Path, tmp_path: Path) -> None:
    rows = rows_of(real2 / "ons_loc22_icb22_nhser22_jul2022.csv")
    header, data = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(header)}
    from_csv = loaded(tmp_path / "csv", real2 / "ons_loc22_icb22_nhser22_jul2022.csv", kind="ons")
    from_xlsx = loaded(tmp_path / "xlsx", real2 / "ons_loc22_icb22_nhser22_jul2022.xlsx", kind="ons")

    provenance = {"source", "release", "seen_in"}  # which file and which release said it

    def without_source(store: EmbeddedStore) -> object:
        data = store.graph().to_data()
        return ([[n, lab, {k: v for k, v in p.items() if k not in provenance}] for n, lab, p in data["nodes"]
                 if lab != "Release"],
                [[a, t, b, {k: v for k, v in p.items() if k not in provenance}]
                 for a, t, b, p in data["relationships"]])

    assert without_source(from_csv) == without_source(from_xlsx)
    in_icb = {(a, b) for a, b, _ in rels(from_csv, "IN_ICB")}
    assert in_icb == {(r[col["LOC22CDH"]], r[col["ICB22CDH"]]) for r in data}
    assert len(in_icb) == 106 and len({b for _, b in in_icb}) == 42
    in_region = {(a, b) for a, b, _ in rels(from_csv, "IN_REGION")}
    assert in_region == {(r[col["ICB22CDH"]], r[col["NHSER22CDH"]]) for r in data}
    assert len(in_region) == 42 and len({b for _, b in in_region}) == 7
    g = from_csv.graph()
    for r in data:
        sicbl = g.node(r[col["LOC22CDH"]])
        assert sicbl is not None and sicbl["sicbl_name"] == r[col["LOC22NM"]] and "name" not in sicbl
        assert g.node(r[col["ICB22CDH"]])["ons_code"] == r[col["ICB22CD"]]  # type: ignore[index]


@pytest.mark.parametrize("name,release", [("ons_loc22_icb22_nhser22_jul2022.csv", "2022-07-01"),
                                          ("ons_loc22_icb22_nhser22_jul2022.xlsx", "2022-07-01"),
                                          ("ons_icb24_names_codes_dec2024.csv", "2024-12-01")])
def test_ons_release_date_comes_from_the_column_codes(real2: Path, name: str, release: str) -> None:
    assert parse_file(real2 / name, LoadContext()).release_date == release


def test_icb24_names(real2: Path, tmp_path: Path) -> None:
    rows = rows_of(real2 / "ons_icb24_names_codes_dec2024.csv")
    store = loaded(tmp_path, real2 / "ons_icb24_names_codes_dec2024.csv")
    assert {k: (d["name"], d["ons_code"]) for k, d in store.graph().nodes("ICB")} == \
        {r[1]: (r[2], r[0]) for r in rows[1:]}


def test_ccg_era_ons_release_dates(real_data: Path) -> None:
    got = {n: parse_file(real_data / n, LoadContext()).release_date
           for n in ("ons_ccg19_stp19_apr2019.csv", "ons_ccg21_stp21_apr2021.csv", "ons_stp20_nhser20_apr2020.csv")}
    assert got == {"ons_ccg19_stp19_apr2019.csv": "2019-04-01", "ons_ccg21_stp21_apr2021.csv": "2021-04-01",
                   "ons_stp20_nhser20_apr2020.csv": "2020-04-01"}


# ---- gp-reg-pat-prac-map -------------------------------------------------------------------------
def test_gp_reg_pat_prac_map(real2: Path, tmp_path: Path) -> None:
    path = real2 / "gp-reg-pat-prac-map_2022-01.csv"
    rows = rows_of(path)
    col = {h: i for i, h in enumerate(rows[0])}
    data = rows[1:]
    parsed = parse_file(path, LoadContext())
    assert parsed.release_date == "2022-01-01"
    store = loaded(tmp_path, path)
    g = store.graph()
    assert {k for k, _ in g.nodes("Practice")} == {r[col["PRACTICE_CODE"]] for r in data}
    assert all("status" not in d for _, d in g.nodes("Practice"))  # stubs: epraccur gives the status
    members = {(a, b) for a, b, _ in rels(store, "MEMBER_OF")}
    assert members == {(r[col["PRACTICE_CODE"]], r[col["PCN_CODE"]]) for r in data if r[col["PCN_CODE"]] != "U"}
    assert {(a, b) for a, b, _ in rels(store, "IN_STP")} == {(r[col["CCG_CODE"]], r[col["ONS_STP_CODE"]]) for r in data}
    assert len({k for k, _ in g.nodes("CCG")}) == 106 and len(list(g.nodes("Region"))) == 7
    assert rels(store, "COMMISSIONED_BY") == []  # undated: it would give a second live commissioner


def test_gp_reg_icb_era_columns(real2: Path, tmp_path: Path) -> None:
    # No ICB-era copy could be had: rebuild one from the real CCG-era rows with the ICB-era column names
    # and the July 2022 lookup's codes (the SICBL kept the CCG code).
    lookup = rows_of(real2 / "ons_loc22_icb22_nhser22_jul2022.csv")
    icb_of = {r[1]: r for r in lookup[1:]}
    rows = rows_of(real2 / "gp-reg-pat-prac-map_2022-01.csv")
    col = {h: i for i, h in enumerate(rows[0])}
    header = ["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE", "PCN_CODE",
              "PCN_NAME", "ONS_SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME",
              "ONS_ICB_CODE", "ICB_CODE", "ICB_NAME", "ONS_COMM_REGION_CODE", "COMM_REGION_CODE", "COMM_REGION_NAME"]
    out = [header]
    for r in rows[1:40]:
        loc = icb_of[r[col["CCG_CODE"]]]
        out.append([r[0], "01Jul2023", *r[2:7], loc[0], loc[1], loc[2], loc[3], loc[4], loc[5], loc[6], loc[7], loc[8]])
    path = tmp_path / "data.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(out)
    assert detect(path) == "gp-reg"
    assert parse_file(path, LoadContext()).release_date == "2023-07-01"
    store = loaded(tmp_path, path)
    assert {(a, b, d["valid_from"]) for a, b, d in rels(store, "IN_ICB")} == {(r[8], r[11], ICB_ERA) for r in out[1:]}
    assert {(a, b) for a, b, _ in rels(store, "IN_REGION")} == {(r[11], r[14]) for r in out[1:]}
    g = store.graph()
    assert all(g.node(r[8])["sicbl_name"] == r[9] for r in out[1:])  # type: ignore[index]
    assert rels(store, "COMMISSIONED_BY") == [] and rels(store, "IN_STP") == []


# ---- detection and loud failures -----------------------------------------------------------------
REAL2_KINDS = {
    "epraccur_2021-11.csv": "epraccur", "epraccur_2023-02.csv": "epraccur", "epraccur_2024-05.csv": "epraccur",
    "epraccur_2025-09.csv": "epraccur", "derived_excerpt_epraccur_c2025_newformat_first12.csv": "epraccur",
    "thirdparty_epraccur_2023_reformatted_with_header.csv": "epraccur", "eccg_c2025.csv": "eccg",
    "etr_c2022-03.csv": "etr", "etr_2026-04.csv": "etr", "ePCN_2022-04.xlsx": "epcn", "ePCN_2023-01.xlsx": "epcn",
    "ePCN_2024-10.xlsx": "epcn", "ons_loc22_icb22_nhser22_jul2022.xlsx": "ons",
    "ons_loc22_icb22_nhser22_jul2022.csv": "ons", "ons_icb24_names_codes_dec2024.csv": "ons",
    "gp-reg-pat-prac-map_2022-01.csv": "gp-reg",
}


@pytest.mark.parametrize("name", sorted(REAL2_KINDS))
def test_each_kind_is_detected_by_content(real2: Path, tmp_path: Path, name: str) -> None:
    copy = tmp_path / ("data" + Path(name).suffix)
    shutil.copy(real2 / name, copy)
    assert detect(copy) == REAL2_KINDS[name]


def test_an_eccg_named_epraccur_is_still_an_eccg(real2: Path, tmp_path: Path) -> None:
    copy = tmp_path / "epraccur.csv"
    shutil.copy(real2 / "eccg_c2025.csv", copy)
    assert detect(copy) == "eccg"


def _cli_load(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ORGGRAPH), "--store", str(tmp_path / "s.json"), "load", "--quiet", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_wrong_kind_is_one_line_and_exit_1(real2: Path, tmp_path: Path) -> None:
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    cases = [("epraccur", real2 / "ePCN_2023-01.xlsx", "xlsx workbook"), ("register", png, "logo.png"),
             ("graph-csv", real2 / "ePCN_2023-01.xlsx", "xlsx workbook"), ("etr", png, "PNG image"),
             ("epraccur", real2 / "etr_2026-04.csv", "0 GP practices: no row has prescribing setting 4 or role RO76")]
    for kind, path, words in cases:
        proc = _cli_load(tmp_path, "--kind", kind, str(path))
        lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
        assert proc.returncode == 1 and len(lines) == 1 and words in lines[0], (kind, path.name, lines)
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "s.json").exists() or EmbeddedStore(tmp_path / "s.json").graph().stats()["nodes"] == {}


def test_api_load_of_nothing_is_a_422(real2: Path, tmp_path: Path) -> None:
    settings = Settings(api_keys=(ApiKey("admin-key-00003", "admin", "admin-caller"),))
    client = TestClient(create_app(settings, store=EmbeddedStore(tmp_path / "g.json")), raise_server_exceptions=False,
                        base_url="http://localhost")
    head = {"X-API-Key": "admin-key-00003"}
    xlsx = (real2 / "ePCN_2023-01.xlsx").read_bytes()
    resp = client.post("/api/load", headers=head, data={"kind": "epraccur"},
                       files={"files": ("epraccur.csv", xlsx, "text/csv")})
    assert resp.status_code == 422 and "xlsx workbook" in resp.json()["detail"], resp.text
    etr = (real2 / "etr_2026-04.csv").read_bytes()
    resp = client.post("/api/load", headers=head, data={"kind": "epraccur"},
                       files={"files": ("epraccur.csv", etr, "text/csv")})
    assert resp.status_code == 422 and "0 GP practices" in resp.json()["detail"], resp.text


def test_ccg_and_icb_era_files_in_either_order_give_one_graph(real2: Path, real_data: Path, tmp_path: Path) -> None:
    # The acceptance check: all CCG-era and ICB-era files, forwards and backwards. (A subset may
    # still differ in a CCG's `name` where lookups of different years spell it differently: precedence
    # ranks whole nodes, not properties; see loaders.precedence.)
    files = [p for d in (real_data, real2) for p in sorted(d.iterdir())
             if p.suffix in (".csv", ".xlsx") and "sussex" not in p.name]
    forward = loaded(tmp_path / "forward", *files).graph().to_data()
    backward = loaded(tmp_path / "backward", *files[::-1]).graph().to_data()
    assert forward == backward
    g = {n: (label, props) for n, label, props in forward["nodes"]}
    # The CCG-era name survives beside the SICBL name; a closed CCG ends on its eccg close date.
    assert g["16C"][1]["name"] == "NHS Tees Valley CCG" and g["16C"][1]["sicbl_name"].endswith("ICB - 16C")
    assert g["00K"][1]["valid_to"] == "2020-03-31"
