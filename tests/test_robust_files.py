"""Hostile and broken files (issue 11, items 4, 5, 6, 8, 9, 10): each is refused with one clear line, in
bounded time and memory, and leaves the store as it was. Every file is built here, in tmp_path.

People and organisations are synthetic (practice codes Y9xxxx, made-up names).
"""

from __future__ import annotations

import csv
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from loaders import limits
from loaders.base import FileRejected, read_text
from loaders.pipeline import load_file
from orggraph.models import node, rel
from orggraph.stores.embedded import EmbeddedStore
from orggraph_cli.main import cli

REGISTER_HEADER = ["Name", "Current position(s) held", "Declared Interest", "Type of Interest", "Nature of Interest"]


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    s = EmbeddedStore(tmp_path / "graph.json")
    assert s.write([node("Y90001", "Practice", {"name": "BEECH HOUSE SURGERY"}, source="setup:1"),
                    node("P-1", "Person", {"name": "Oliver Greenmere"}, source="setup:1")]).committed
    return s


def _cli_load(store: EmbeddedStore, *args: str) -> tuple[int, list[str], bytes, bytes]:
    """`orggraph load ARGS` through click: exit code, the non-blank output lines, store bytes before/after."""
    before = store.path.read_bytes()
    result = CliRunner().invoke(cli, ["--store", str(store.path), "load", "--quiet", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, [ln for ln in result.output.splitlines() if ln.strip()], before, store.path.read_bytes()


def _register_xlsx(path: Path, far_cell: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(REGISTER_HEADER)
    ws.append(["Oliver Greenmere", "GP member", "Beech House Surgery", "Financial", "Partner"])
    if far_cell:
        ws[far_cell] = "x"
    wb.save(path)
    return path


def _rewrite_member(path: Path, member: str, data: bytes) -> Path:
    """The workbook at ``path`` with one member's bytes replaced (deflated, as Excel writes them)."""
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, body in items:
            out.writestr(info.filename, data if info.filename == member else body)
    return path


def _bounded(fn, max_mb: float, max_s: float):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        out = fn()
    finally:
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert peak < max_mb, f"peak {peak:.0f} MB"
    assert seconds < max_s, f"{seconds:.1f} s"
    return out


# ---- item 4: workbook bombs ----------------------------------------------------------------------
def test_far_cell_workbook_is_refused_without_building_the_grid(store: EmbeddedStore, tmp_path: Path) -> None:
    path = _register_xlsx(tmp_path / "far.xlsx", far_cell="XFD1048576")
    assert path.stat().st_size < 10_000
    report = _bounded(lambda: load_file(store, path, kind="register"), max_mb=60, max_s=10)
    assert report.status == "rejected"
    assert "XFD1048576" in report.error and "far.xlsx" in report.error


def test_far_cell_workbook_is_refused_when_sniffed(store: EmbeddedStore, tmp_path: Path) -> None:
    path = _register_xlsx(tmp_path / "far.xlsx", far_cell="XFD1048576")
    code, lines, before, after = _bounded(lambda: _cli_load(store, str(path)), max_mb=80, max_s=15)
    assert code == 1 and len(lines) == 1 and "far.xlsx" in lines[0] and "XFD1048576" in lines[0], lines
    assert before == after


def test_sheet_xml_over_the_uncompressed_cap_is_refused(store: EmbeddedStore, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "LIMITS", limits.Limits(max_xml_bytes=1_000_000))
    path = _register_xlsx(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"</sheetData>", b"</sheetData>" + b"<!--" + b" " * 3_000_000 + b"-->")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", padded)
    assert path.stat().st_size < 50_000
    report = _bounded(lambda: load_file(store, path, kind="register"), max_mb=30, max_s=5)
    assert report.status == "rejected"
    assert "xl/worksheets/sheet1.xml" in report.error and "1000000" in report.error.replace(",", "")


def test_compression_ratio_over_the_cap_is_refused(store: EmbeddedStore, tmp_path: Path) -> None:
    path = _register_xlsx(tmp_path / "ratio.xlsx")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    # 20 MB of blanks deflate to ~20 KB: a ratio no real sheet has.
    padded = sheet.replace(b"</sheetData>", b"</sheetData>" + b"<!--" + b" " * 20_000_000 + b"-->")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", padded)
    report = _bounded(lambda: load_file(store, path, kind="register"), max_mb=30, max_s=5)
    assert report.status == "rejected" and "compress" in report.error


# ---- item 5: wide and huge CSVs ------------------------------------------------------------------
def test_csv_row_with_too_many_columns_is_refused_naming_the_row(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":ID", ":LABEL", "name"])
        w.writerow(["Y90002", "Practice", "OAKS"])
        w.writerow(["Y90003", "Practice"] + ["x"] * 200_000)
    report = _bounded(lambda: load_file(store, path, kind="graph-csv"), max_mb=150, max_s=10)
    assert report.status == "rejected"
    assert "wide.csv, row 3" in report.error and "columns" in report.error
    assert str(limits.LIMITS.max_columns) in report.error


def test_csv_cell_over_the_size_cap_is_one_line_not_a_crash(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "huge_cell.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTER_HEADER)
        w.writerow(["Oliver Greenmere", "GP", "Beech House Surgery", "Financial", "Partner"])
        w.writerow(["Oliver Greenmere", "GP", "x" * 200_000, "Financial", "Partner"])
    code, lines, before, after = _cli_load(store, "--kind", "register", str(path))
    assert code == 1 and len(lines) == 1, lines
    assert "huge_cell.csv, row 3" in lines[0] and "characters" in lines[0]
    assert before == after


# ---- item 6: no tracebacks, whatever the file ----------------------------------------------------
def _not_a_zip(tmp_path: Path) -> Path:
    p = tmp_path / "notzip.xlsx"
    p.write_bytes(b"Name,Declared Interest\nthis is text pretending to be a workbook\n")
    return p


def _malformed_sheet(tmp_path: Path) -> Path:
    p = _register_xlsx(tmp_path / "malformed.xlsx")
    return _rewrite_member(p, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r='1'><c r='A1'")


def _entity_sheet(tmp_path: Path) -> Path:
    p = _register_xlsx(tmp_path / "entities.xlsx")
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    return _rewrite_member(p, "xl/worksheets/sheet1.xml", lol)


def _png(tmp_path: Path) -> Path:
    p = tmp_path / "logo.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return p


@pytest.mark.parametrize(("make", "kind", "expect"), [
    (_not_a_zip, "register", "not an xlsx workbook"),
    (_not_a_zip, None, "notzip.xlsx"),
    (_malformed_sheet, "register", "malformed.xlsx"),
    (_entity_sheet, "register", "entit"),
    (lambda t: _register_xlsx(t / "reg.xlsx"), "epraccur", "xlsx workbook"),
    (_png, "register", "PNG"),
    (_png, "epraccur", "PNG"),
], ids=["not-a-zip", "not-a-zip-sniffed", "malformed-xml", "entities", "xlsx-as-epraccur", "png-as-register",
        "png-as-epraccur"])
def test_bad_files_give_one_line_and_leave_the_store(store: EmbeddedStore, tmp_path: Path, make, kind,  # type: ignore[no-untyped-def]
                                                     expect: str) -> None:
    path = make(tmp_path)
    code, lines, before, after = _bounded(
        lambda: _cli_load(store, *(["--kind", kind] if kind else []), str(path)), max_mb=80, max_s=15)
    assert code == 1 and len(lines) == 1, lines
    assert path.name in lines[0] and expect in lines[0], lines
    assert "Error:" not in lines[0] or "Traceback" not in lines[0]
    assert before == after


# ---- item 8: nothing loaded is a failure ---------------------------------------------------------
def test_zero_byte_epraccur_is_not_loaded(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "epraccur.csv"
    path.write_bytes(b"")
    code, lines, before, after = _cli_load(store, "--kind", "epraccur", str(path))
    assert code == 1 and any("nothing loaded from epraccur.csv" in ln for ln in lines), lines
    assert before == after


def test_file_whose_every_row_the_store_refuses_is_a_failure(store: EmbeddedStore, tmp_path: Path) -> None:
    """Rows that parse but every one refused on writing (unknown endpoints): not "loaded 0"."""
    path = tmp_path / "rels.csv"
    path.write_text(":START_ID,:TYPE,:END_ID\nNOPE1,MEMBER_OF,NOPE2\nNOPE3,MEMBER_OF,NOPE4\n")
    code, lines, before, after = _cli_load(store, str(path))
    assert code == 1 and any("nothing loaded from rels.csv" in ln for ln in lines), lines
    assert before == after


# ---- item 9: duplicate ids within one file -------------------------------------------------------
def _epraccur_row(code: str, commissioner: str) -> list[str]:
    cells = [""] * 27
    cells[0], cells[1], cells[9], cells[10], cells[12] = code, f"PRACTICE {code}", "TS1 1AA", "20100101", "A"
    cells[14], cells[15], cells[25] = commissioner, "20130401", "4"
    return cells


def test_epraccur_duplicate_practice_is_reported_not_merged(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "epraccur.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows([_epraccur_row("Y90010", "99A"), _epraccur_row("Y90011", "99A"),
                                  _epraccur_row("Y90010", "99B")])
    report = load_file(store, path, kind="epraccur")
    assert [(r.row, r.column) for r in report.rejected] == [(3, "Organisation Code")]
    assert "also on row 1" in report.rejected[0].reason
    g = store.graph()
    assert [e for e, _, _ in g.out_rels("Y90010", ["COMMISSIONED_BY"])] == ["99A"]


def test_etr_duplicate_trust_is_reported(store: EmbeddedStore, tmp_path: Path) -> None:
    def row(code: str, name: str) -> list[str]:
        cells = [""] * 27
        cells[0], cells[1], cells[9], cells[10], cells[23] = code, name, "TS1 1AA", "19990401", "X"
        return cells

    path = tmp_path / "etr.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows([row("R9A", "ONE NHS TRUST"), row("R9A", "OTHER NHS TRUST")])
    report = load_file(store, path, kind="etr")
    assert [r.row for r in report.rejected] == [2] and "also on row 1" in report.rejected[0].reason
    assert store.graph().g.nodes["R9A"]["name"] == "ONE NHS TRUST"


def test_ons_ccg_in_two_stps_is_reported(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "ons.csv"
    path.write_text("CCG19CD,CCG19CDH,CCG19NM,STP19CD,STP19NM\n"
                    "E38000001,99A,NHS ONE CCG,E54000001,ONE STP\n"
                    "E38000002,99B,NHS TWO CCG,E54000001,ONE STP\n"
                    "E38000001,99A,NHS ONE CCG,E54000002,TWO STP\n")
    report = load_file(store, path, kind="ons")
    assert [r.row for r in report.rejected] == [4] and "also on row 2" in report.rejected[0].reason
    assert [e for e, _, _ in store.graph().out_rels("99A", ["IN_STP"])] == ["E54000001"]


def test_epcn_duplicate_pcn_is_reported(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "pcn_details.csv"
    path.write_text("PCN Code,PCN Name,Current Clinical Commissioning Group Code,Open Date,Close Date\n"
                    "U90001,ONE PCN,99A,20190701,\n"
                    "U90001,ONE PCN,99B,20190701,\n")
    report = load_file(store, path, kind="epcn")
    assert [r.row for r in report.rejected] == [3] and "also on row 2" in report.rejected[0].reason


def test_graph_csv_duplicate_node_id_is_reported(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "nodes.csv"
    path.write_text(":ID,:LABEL,name\nF-1,Federation,ONE FED\nF-2,Federation,TWO FED\nF-1,Federation,OTHER\n")
    report = load_file(store, path)
    assert [r.row for r in report.rejected] == [4] and "also on row 2" in report.rejected[0].reason
    assert store.graph().g.nodes["F-1"]["name"] == "ONE FED"


def test_org_interest_self_loop_and_two_cycle_are_refused(store: EmbeddedStore, tmp_path: Path) -> None:
    assert store.write([node("F-1", "Federation", {"name": "ONE FED"}, source="s:1"),
                        node("F-2", "Federation", {"name": "TWO FED"}, source="s:1"),
                        node("F-3", "Federation", {"name": "THREE FED"}, source="s:1"),
                        rel("F-3", "SUBCONTRACTOR_TO", "F-2", {}, source="s:1")]).committed
    path = tmp_path / "SUBCONTRACTOR_TO.csv"
    path.write_text(":START_ID,:END_ID\nF-1,F-1\nF-1,F-2\nF-2,F-1\nF-2,F-3\n")
    report = load_file(store, path)
    reasons = {r.row: r.reason for r in report.rejected}
    assert set(reasons) == {2, 4, 5}, reasons
    assert "itself" in reasons[2]
    assert "row 3" in reasons[4] and "cycle" in reasons[4]
    assert "already" in reasons[5] and "cycle" in reasons[5]


# ---- item 10: encodings --------------------------------------------------------------------------
def test_utf8_file_with_one_latin1_byte_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("Name,Declared Interest\nZoë Ashby,Café Ltd\n".encode() + b"Ren\xe9e Hart,Beech\n")
    with pytest.raises(FileRejected) as err:
        read_text(path)
    assert "mixed.csv, row 3" in str(err.value) and "UTF-8" in str(err.value)


def test_whole_cp1252_file_is_read_as_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("Name\nRenée Hart – GP\n".encode("cp1252"))
    assert read_text(path) == "Name\nRenée Hart – GP\n"


def test_utf8_with_bom_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffName\nZoë Ashby\n".encode())
    assert read_text(path) == "Name\nZoë Ashby\n"


def test_mixed_encoding_register_loads_nothing_and_says_the_line(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "mixed_register.csv"
    path.write_bytes((",".join(REGISTER_HEADER) + "\nZoë Ashby,GP,Beech House Surgery,Financial,Partner\n").encode()
                     + b"Ren\xe9e Hart,GP,Beech House Surgery,Financial,Partner\n")
    code, lines, before, after = _cli_load(store, str(path))
    assert code == 1 and len(lines) == 1 and "row 3" in lines[0], lines
    assert before == after
