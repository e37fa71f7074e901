"""Bad input to the national reference-file loaders, their detection, and --strict through the CLI.

Every broken file here is a small copy of a real file (from ../shared/data/real) with a few rows
damaged, written to tmp_path and parsed: the rejections must name file, row, column, value and what
was expected, and the rows that are fine must still load.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest

from loaders import detect
from loaders.base import FileRejected, Rejection
from loaders.pipeline import load_file
from loaders.precedence import file_rank
from orggraph.stores.embedded import EmbeddedStore
from tests.helpers import ORGGRAPH


def real_rows(path: Path, n: int | None = None) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows if n is None else rows[:n]


def write_csv(path: Path, rows: list[list[str]], bom: bool = False) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buf.getvalue(), encoding="utf-8")
    return path


def by_row(rejected: list[Rejection]) -> dict[int, Rejection]:
    out = {r.row: r for r in rejected}
    assert len(out) == len(rejected), rejected
    return out


# ---- epraccur ------------------------------------------------------------------------------------

def test_epraccur_bad_rows_are_rejected_precisely(real_data: Path, tmp_path: Path,
                                                  embedded_store: EmbeddedStore) -> None:
    rows = real_rows(real_data / "epraccur_2019-11.csv", 20)
    assert all(r[25] == "4" for r in rows)  # all GP practices, so every good row should load
    rows[2] = rows[2][:-1]  # row 3: 26 columns
    rows[4][10] = "20191301"  # row 5: no month 13
    rows[6][11] = "2019-10-31"  # row 7: not YYYYMMDD
    path = write_csv(tmp_path / "epraccur_broken.csv", rows)
    report = load_file(embedded_store, path)
    assert report.status == "loaded"
    bad = by_row(report.rejected)
    assert set(bad) == {3, 5, 7}
    assert (bad[3].file, bad[3].column, bad[3].value) == ("epraccur_broken.csv", "(row)", 26)
    assert "27 columns" in bad[3].reason
    assert (bad[5].column, bad[5].value) == ("Open Date", "20191301") and "calendar date" in bad[5].reason
    assert (bad[7].column, bad[7].value) == ("Close Date", "2019-10-31") and "YYYYMMDD" in bad[7].reason
    graph = embedded_store.graph()
    loaded = {pid for pid, _ in graph.nodes("Practice")}
    assert loaded == {r[0] for i, r in enumerate(rows, start=1) if i not in (3, 5, 7)}
    assert report.read == 20 and report.loaded == 17
    assert "Rejection" not in str(bad[5]) and "row 5" in str(bad[5])


# ---- ONS -----------------------------------------------------------------------------------------

def test_ons_bad_rows_are_rejected_precisely(real_data: Path, tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    rows = real_rows(real_data / "ons_ccg19_stp19_apr2019.csv", 11)
    header = rows[0]
    rows[3][header.index("CCG19CD")] = "E3800001X"  # row 4
    rows[5][header.index("CCG19CDH")] = ""  # row 6
    rows[7].append("extra")  # row 8
    rows[9][header.index("STP19CD")] = "E38000005"  # row 10: a CCG code where an STP code belongs
    path = write_csv(tmp_path / "lookup.csv", rows, bom=True)
    assert detect(path) == "ons"
    report = load_file(embedded_store, path)
    bad = by_row(report.rejected)
    assert set(bad) == {4, 6, 8, 10}
    assert (bad[4].column, bad[4].value) == ("CCG19CD", "E3800001X") and "E38" in bad[4].reason
    assert (bad[6].column, bad[6].value) == ("CCG19CDH", "") and "ODS CCG code" in bad[6].reason
    assert (bad[8].column, bad[8].value) == ("(row)", 7) and "6 columns" in bad[8].reason
    assert (bad[10].column, bad[10].value) == ("STP19CD", "E38000005") and "E54" in bad[10].reason
    ccgs = {c for c, _ in embedded_store.graph().nodes("CCG")}
    assert ccgs == {r[2] for i, r in enumerate(rows[1:], start=2) if i not in bad}


def test_a_csv_that_is_not_an_ons_lookup_is_rejected_whole(real_data: Path, tmp_path: Path,
                                                           embedded_store: EmbeddedStore) -> None:
    path = write_csv(tmp_path / "pcns.csv", real_rows(real_data / "ePCN_2019-12__PCN_Details.csv", 5))
    report = load_file(embedded_store, path, kind="ons")
    assert report.status == "rejected" and report.error
    assert "pcns.csv" in report.error and "not an ONS lookup" in report.error and "PCN Code" in report.error
    assert embedded_store.graph().stats()["nodes"] == {}

    # An ONS header with the ODS code column missing: the CCG id cannot be had, so the file is refused.
    rows = [[c for j, c in enumerate(r) if j != 2] for r in real_rows(real_data / "ons_ccg19_stp19_apr2019.csv", 5)]
    report = load_file(embedded_store, write_csv(tmp_path / "no_cdh.csv", rows))
    assert report.status == "rejected" and "CCG19CDH" in (report.error or "")


def test_ons_year_prefix_comes_from_the_header(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    rows = [["FID", "CCG17CD", "CCG17CDH", "CCG17NM", "STP17CD", "STP17NM"],
            ["1", "E38000001", "02N", "NHS Somewhere CCG", "E54000005", "Somewhere STP"]]
    report = load_file(embedded_store, write_csv(tmp_path / "lookup_2017.csv", rows))
    assert report.status == "loaded" and any("2017" in n for n in report.notes)
    graph = embedded_store.graph()
    assert graph.node("02N")["ons_code"] == "E38000001"  # type: ignore[index]
    assert [e for e, _, _ in graph.out_rels("02N", ["IN_STP"])] == ["E54000005"]


def test_a_file_of_unknown_kind(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    path = tmp_path / "fruit.csv"
    path.write_text("fruit;colour\napple;red\n")
    with pytest.raises(FileRejected, match="cannot tell what kind"):
        detect(path)
    report = load_file(embedded_store, path)
    assert report.status == "rejected" and "fruit.csv" in (report.error or "")
    store = ["--store", str(tmp_path / "s.json")]
    proc = subprocess.run([str(ORGGRAPH), *store, "load", str(path)], check=False, capture_output=True, text=True)
    assert proc.returncode == 1 and "fruit.csv" in proc.stdout + proc.stderr
    proc = subprocess.run([str(ORGGRAPH), *store, "load", "--kind", "nonsense", str(path)], check=False,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--kind" in proc.stderr and "epcn" in proc.stderr


# ---- ePCN ----------------------------------------------------------------------------------------

def _real_sheet(real_data: Path, sheet: str, n: int) -> list[list[object]]:
    wb = openpyxl.load_workbook(real_data / "ePCN_2019-12.xlsx", read_only=True, data_only=True)
    return [list(r) for _, r in zip(range(n), wb[sheet].iter_rows(values_only=True), strict=False)]


def test_epcn_workbook_bad_rows_name_sheet_and_spreadsheet_row(real_data: Path, tmp_path: Path,
                                                              embedded_store: EmbeddedStore) -> None:
    details = _real_sheet(real_data, "PCN Details", 6)
    partners = _real_sheet(real_data, "PCN Core Partner Details", 8)
    details[3][4] = 20191332  # spreadsheet row 4: day 32
    partners[2][4] = "X123"  # data row 2 of partners: not a PCN code
    partners[5][8] = "1 Oct 2019"  # a date ODS never writes
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "PCN Details"
    for r in details:
        ws.append(r)
    ws2 = wb.create_sheet("PCN Core Partner Details")
    ws2.append(["ePCN extract, hand-saved copy"])  # a title row: the header is found below it
    for r in partners:
        ws2.append(r)
    path = tmp_path / "ePCN_broken.xlsx"
    wb.save(path)

    assert detect(path) == "epcn"
    report = load_file(embedded_store, path)
    assert report.status == "loaded"
    where = {(r.file, r.row): r for r in report.rejected}
    assert set(where) == {("ePCN_broken.xlsx:PCN Details", 4), ("ePCN_broken.xlsx:PCN Core Partner Details", 4),
                          ("ePCN_broken.xlsx:PCN Core Partner Details", 7)}
    rej = where[("ePCN_broken.xlsx:PCN Details", 4)]
    assert (rej.column, rej.value) == ("Open Date", "20191332") and "calendar" in rej.reason
    rej = where[("ePCN_broken.xlsx:PCN Core Partner Details", 4)]
    assert (rej.column, rej.value) == ("PCN Code", "X123") and "U and 5 digits" in rej.reason
    rej = where[("ePCN_broken.xlsx:PCN Core Partner Details", 7)]
    assert (rej.column, rej.value) == ("Practice to PCN Relationship Start Date", "1 Oct 2019")

    graph = embedded_store.graph()
    full_pcns = {p for p, d in graph.nodes("PCN") if "valid_from" in d}
    assert full_pcns == {str(r[0]) for i, r in enumerate(details[1:], start=2) if i != 4}
    members = {s for s, t, _, _ in graph.rels() if t == "MEMBER_OF"}
    assert members == {str(r[0]) for i, r in enumerate(partners[1:], start=3) if i not in (4, 7)}
    practice = str(partners[1][0])
    assert graph.node(practice)["source"] == "ePCN_broken.xlsx:PCN Core Partner Details:3"  # type: ignore[index]


def test_epcn_csv_with_an_extra_cell(real_data: Path, tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    rows = real_rows(real_data / "ePCN_2019-12__PCN_Core_Partner_Details.csv", 6)
    rows[2].append("stray")
    path = write_csv(tmp_path / "partners.csv", rows)
    report = load_file(embedded_store, path)
    (bad,) = report.rejected
    assert (bad.file, bad.row, bad.column, bad.value) == ("partners.csv", 3, "(row)", 12)
    assert "11 columns" in bad.reason
    assert embedded_store.graph().stats()["relationships"]["MEMBER_OF"] == 4


# ---- etr -----------------------------------------------------------------------------------------

def test_etr_bad_rows_and_short_hand_added_rows(real_data: Path, tmp_path: Path,
                                                embedded_store: EmbeddedStore) -> None:
    real = real_rows(real_data / "etr_c2016_nhsparse.csv")
    rows = real[:5] + real[-2:]
    rows[1][10] = "2011070"  # row 2: seven digits
    rows[2] = rows[2][:23]  # row 3: lost one column too many
    path = write_csv(tmp_path / "etr_broken.csv", rows)
    ticks: list[tuple[int, int | None]] = []
    report = load_file(embedded_store, path, progress=lambda done, total: ticks.append((done, total)))
    bad = by_row(report.rejected)
    assert set(bad) == {2, 3}
    assert (bad[2].column, bad[2].value) == ("Open Date", "2011070") and "YYYYMMDD" in bad[2].reason
    assert (bad[3].column, bad[3].value) == ("(row)", 23) and "24 or 27" in bad[3].reason
    trusts = {t for t, _ in embedded_store.graph().nodes("Provider")}
    assert trusts == {rows[0][0], rows[3][0], rows[4][0], "R0A", "R0B"}
    assert ticks[-1] == (7, 7)


def test_etr_refuses_a_practice_file(real_data: Path, tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    path = write_csv(tmp_path / "some.csv", real_rows(real_data / "epraccur_2019-11.csv", 3))
    report = load_file(embedded_store, path, kind="etr")
    assert report.status == "rejected" and "not an ODS etr file" in (report.error or "")
    assert "A81001" in (report.error or "")


# ---- --strict through the CLI --------------------------------------------------------------------

def test_strict_rejects_the_whole_file_and_leaves_the_store(real_data: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    good = write_csv(tmp_path / "etr_good.csv", real_rows(real_data / "etr_c2016_nhsparse.csv", 5))
    rows = real_rows(real_data / "epraccur_2019-11.csv", 10)
    rows[4][10] = "19740431"  # row 5: 31 April
    broken = write_csv(tmp_path / "epraccur_strict.csv", rows)

    def orggraph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ORGGRAPH), "--store", str(store_path), *args], check=False, capture_output=True,
                              text=True, timeout=120)

    assert orggraph("load", str(good)).returncode == 0
    before = store_path.read_bytes()
    proc = orggraph("load", "--strict", str(broken))
    assert proc.returncode == 1
    assert "epraccur_strict.csv, row 5, column Open Date: '19740431'" in proc.stderr
    assert store_path.read_bytes() == before
    # Without --strict the same file loads its nine good rows (so the check above could have failed).
    proc = orggraph("load", str(broken))
    assert proc.returncode == 0
    assert EmbeddedStore(store_path).graph().stats()["nodes"]["Practice"] == 9


# ---- detection -----------------------------------------------------------------------------------

REAL_KINDS = {
    "epraccur_2019-11.csv": "epraccur",
    "etr_c2016_nhsparse.csv": "etr",
    "ePCN_2019-12.xlsx": "epcn",
    "ePCN_2019-12__PCN_Details.csv": "epcn",
    "ePCN_2019-12__PCN_Core_Partner_Details.csv": "epcn",
    "ons_ccg19_stp19_apr2019.csv": "ons",
    "ons_ccg20_stp20_apr2020.csv": "ons",
    "ons_ccg21_stp21_apr2021.csv": "ons",
    "ons_stp20_nhser20_apr2020.csv": "ons",
    "derived_ccg19_stp19_nhser_2019.csv": "ons",
    "derived_stp44_footprints_2017-18.csv": "ons",
}


@pytest.mark.parametrize("name", sorted(REAL_KINDS))
def test_every_real_file_is_detected(real_data: Path, tmp_path: Path, name: str) -> None:
    assert detect(real_data / name) == REAL_KINDS[name]
    # And by header alone, under a name that gives nothing away.
    if name.endswith(".csv"):
        renamed = tmp_path / "upload_1.csv"
        renamed.write_bytes((real_data / name).read_bytes())
        assert detect(renamed) == REAL_KINDS[name]


def test_the_sussex_working_lookup_is_none_of_the_national_kinds(real_data: Path) -> None:
    # Local PCN labels and CCG names, no ODS PCN codes: not an ePCN or ONS file.
    path = real_data / "GP_PCN_CCG_lookup_sussex_final.csv"
    try:
        kind = detect(path)
    except FileRejected:
        return
    assert kind not in {"epraccur", "etr", "epcn", "ons"}


def test_newer_release_ranks_higher() -> None:
    assert file_rank("ons_ccg21_stp21_apr2021.csv") > file_rank("ons_ccg19_stp19_apr2019.csv")
    assert file_rank("derived_stp44_footprints_2017-18.csv") < file_rank("derived_ccg19_stp19_nhser_2019.csv")
    assert file_rank("lookup.csv") < file_rank("epraccur_2019-11.csv")
