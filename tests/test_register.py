"""Register of interests loader: real XLSX/CSV files written into tmp_path, loaded through the pipeline.

Every person and organisation here is synthetic (names and codes made up; practice codes Y9xxxx).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from loaders import detect
from loaders.base import LoadContext
from loaders.matching import person_key
from loaders.pipeline import load_file, parse_file
from loaders.register import parse_register_date, write_register_csv, write_register_xlsx
from orggraph.models import node
from orggraph.stores.embedded import EmbeddedStore

PEOPLE = {
    "P-JDOE": "Jane Doe",
    "P-AROE1": "Alan Roe",
    "P-AROE2": "Alan Roe",  # two people of the same name: never guessed
    "P-KMOSS": "Kim Moss",
    "P-SLEE": "Sam Lee",
}
ORGS = [
    ("Y90001", "Practice", "BEECH HOUSE SURGERY"),
    ("Y90002", "Practice", "THE OAKS MEDICAL CENTRE"),
    ("Y90003", "Practice", "ELM TREE PRACTICE"),
    ("Y90004", "Practice", "ELM TREE PRACTICE"),  # same name, another practice
    ("FED-001", "Federation", "Seaside GP Federation Ltd"),
    ("R9X", "Provider", "Seaside Community NHS Trust"),
    ("U90001", "PCN", "Seaside Central PCN"),
    ("99X", "CCG", "NHS Seaside CCG"),
]


@pytest.fixture
def store(embedded_store: EmbeddedStore) -> EmbeddedStore:
    """A store that already holds the people and organisations the registers name."""
    recs = [node(pid, "Person", {"name": name}, source="setup:1") for pid, name in PEOPLE.items()]
    recs += [node(oid, label, {"name": name}, source="setup:1") for oid, label, name in ORGS]
    result = embedded_store.write(recs)
    assert result.committed and not result.rejected
    return embedded_store


def declarations(store: EmbeddedStore) -> dict[str, dict[str, Any]]:
    """Declarations by their source row ("file:row"), each with who declared it and what it concerns."""
    g = store.graph()
    out = {}
    for did, data in g.nodes("Declaration"):
        out[data["source"]] = {
            **data,
            "id": did,
            "declared_by": sorted(s for s, t, _ in g.in_rels(did, ["DECLARED"])),
            "concerns": sorted(e for e, t, _ in g.out_rels(did, ["CONCERNS"])),
        }
    return out


def rejections(report: Any) -> set[tuple[str, int, str, Any]]:
    return {(r.file, r.row, r.column, r.value) for r in report.rejected}


# ---- the template's own layout -----------------------------------------------------------------
def write_template_xlsx(path: Path) -> Path:
    """The NHS England template as a CCG publishes it: title rows, a two-row merged header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "GB register"
    ws["A1"] = "NHS Seaside CCG"
    ws.merge_cells("A1:K1")
    ws["A2"] = "Register of Interests - Governing Body and PCCC members, as at 1 April 2016"
    ws.merge_cells("A2:K2")
    for col, heading in (("A", "Name"), ("B", ("Current position (s) held- i.e. Governing Body, Member "
                                              "practice, Employee or other")),
                         ("C", "Declared Interest (Name of the organisation and nature of business)"),
                         ("G", "Is the interest direct or indirect?"), ("H", "Nature of Interest"),
                         ("K", "Action taken to mitigate risk")):
        ws[f"{col}4"] = heading
        ws.merge_cells(f"{col}4:{col}5")
    ws["D4"] = "Type of Interest"
    ws.merge_cells("D4:F4")
    ws["D5"], ws["E5"], ws["F5"] = "Financial Interests", "Non-Financial Professional Interests", \
        "Non-Financial Personal Interests"
    ws["I4"] = "Date of Interest"
    ws.merge_cells("I4:J4")
    ws["I5"], ws["J5"] = "From", "To"
    rows: list[list[Any]] = [
        # row 6 and 7: Dr Jane Doe's name cell merged down over her two interests
        ["Dr Jane Doe", "Governing Body GP member", "Beech House Surgery - GP practice", "X", None, None,
         "Direct", "Partner", dt.datetime(2015, 4, 1), "Ongoing", "Withdraws from PCCC items on the practice"],
        [None, None, "Seaside GP Federation Ltd (FED-001) - extended access", "✓", None, None, "Direct",
         "Shareholder", "April 2015", None, "Declared at each meeting"],
        ["Mr Kim Moss", "Lay member (PCCC chair)", "Nil", None, None, None, None, None, None, None, None],
        ["Sam Lee", "Employee", "Seaside Hospice (charity)", None, None, "Yes", "Direct", "Trustee", 2014,
         dt.datetime(2016, 3, 31), "None required"],
        ["Sam Lee", "Employee", "The Oaks Medical Centre", None, "?", None, "Indirect", "Spouse is a GP",
         "01/04/2015", None, None],
        ["Kim Moss", "Lay member", "Seaside Community NHS Trust", "X", None, None, "Direct", "Consultant",
         "31/02/2016", None, None],
    ]
    for i, values in enumerate(rows, start=6):
        for j, value in enumerate(values):
            ws.cell(row=i, column=j + 1, value=value)
    ws.merge_cells("A6:A7")
    ws.merge_cells("B6:B7")
    wb.save(path)
    return path


def test_template_xlsx_two_row_merged_header(store: EmbeddedStore, tmp_path: Path) -> None:
    path = write_template_xlsx(tmp_path / "seaside_register_2016.xlsx")
    assert detect(path) == "register"
    report = load_file(store, path)

    assert report.status == "loaded", report.error
    assert report.read == 6 and report.loaded == 4
    assert rejections(report) == {
        ("seaside_register_2016.xlsx", 10, "Type of Interest: Non-Financial Professional Interests", "?"),
        ("seaside_register_2016.xlsx", 11, "Date of Interest: From", "31/02/2016"),
    }
    by_row = {r.row: r.reason for r in report.rejected}
    assert "expected a tick" in by_row[10]
    assert "expected a real calendar date" in by_row[11]

    decl = declarations(store)
    assert set(decl) == {f"seaside_register_2016.xlsx:{r}" for r in (6, 7, 8, 9)}
    partner = decl["seaside_register_2016.xlsx:6"]
    assert partner["interest_type"] == "financial" and partner["direct"] is True
    assert partner["valid_from"] == "2015-04-01" and "valid_to" not in partner
    assert partner["declared_by"] == ["P-JDOE"] and partner["concerns"] == ["Y90001"]
    assert partner["resolution"] == "exact" and partner["match_score"] == 100.0
    assert partner["position"] == "Governing Body GP member"
    assert partner["mitigation"] == "Withdraws from PCCC items on the practice"
    # Row 7: the merged name cell carries Dr Jane Doe down; the id in the text wins.
    shares = decl["seaside_register_2016.xlsx:7"]
    assert shares["declared_by"] == ["P-JDOE"] and shares["concerns"] == ["FED-001"]
    assert shares["resolution"] == "ods_code" and shares["valid_from"] == "2015-04-01"
    nil = decl["seaside_register_2016.xlsx:8"]
    assert nil["nil_return"] is True and nil["declared_by"] == ["P-KMOSS"] and nil["concerns"] == []
    assert "resolution" not in nil
    trustee = decl["seaside_register_2016.xlsx:9"]
    assert trustee["interest_type"] == "non_financial_personal"
    assert (trustee["valid_from"], trustee["valid_to"]) == ("2014-01-01", "2016-03-31")
    assert trustee["resolution"] == "unresolved" and trustee["concerns"] == []
    assert [u.row for u in report.unresolved] == [9]
    assert "Seaside Hospice" in report.unresolved[0].text


# ---- a messy CSV ------------------------------------------------------------------------------
MESSY_HEADER = [" NAME ", "Position / Role", "Interest  Declared", "Financial", "Non Financial Professional",
                "Non-financial  Personal", "Direct/Indirect", "Nature", "Start date", "End date",
                "Mitigating actions"]


def write_messy_csv(path: Path) -> Path:
    """A register as real ones come: title rows, header variants, odd ticks and dates, broken rows."""
    lines: list[list[str]] = [
        ["NHS Seaside CCG"] + [""] * 10,                                                     # 1
        ["Register of Interests 2016/17 - Governing Body"] + [""] * 10,                        # 2
        [],                                                                                    # 3
        MESSY_HEADER,                                                                          # 4
        ["Dr Jane Doe", "GP member", "Partner at Beech House Surgery", "✓", "", "", "Direct", "Partner",
         "01/04/2015", "ongoing", "Withdraws from PCCC items"],                                 # 5
        ["Prof. JANE DOE FRCGP", "", "Seaside GP Federation Ltd - extended access provider", "X", "", "",
         "Direct", "Shareholder", "1 April 2015", "present", ""],                              # 6
        ["Doe, Jane", "", "Trustee of Seaside Hospice Charity", "", "", "Yes", "Direct", "Trustee",
         "April 2015", "March 2017", ""],                                                      # 7
        ["Kim Moss", "Lay member", "Nil", "", "", "", "", "", "", "", ""],                       # 8
        ["Mr Sam Lee", "Employee", "None", "", "", "", "", "", "", "", ""],                     # 9
        ["Jane A. Doe", "", "Seaside Central PCN (U90001) - clinical director", "", "Yes", "", "Direct",
         "Clinical director", "2015", "", ""],                                                 # 10
        ["Jane Doe", "", "Beech House Surgery\nspouse is a salaried GP", "X", "", "", "Indirect",
         "Spouse employed", "1st April 2015", "to date", ""],                                  # 11-12
        ["Jane Doe", "", "Seaside Community NHS Trust", "X", "", "", "Direct", "Honorary contract",
         "31/02/2016", "", ""],                                                                # 13
        ["Kim Moss", "", "Beech House Surgery - patient group", "", "maybe", "", "Direct", "Member", "", "",
         ""],                                                                                  # 14
        ["Sam Lee", "Employee", "", "", "", "", "", "", "", "", ""],                            # 15
        ["Dr Alan Roe", "", "Elm Tree Practice - partner", "X", "", "", "Direct", "Partner", "", "", ""],  # 16
        ["Kim Moss", "", "Director, Seaside GP Federaton", "X", "", "", "Direct", "Director", "", "", ""],  # 17
        ["Kim Moss", "", "The Oaks Medical Centre - locum", "X", "", "", "Direct", "Locum", "Feb 2016",
         "Feb 2016", ""],                                                                      # 18
        ["Sam Lee", "Employee", "Secondment to R9X", "X", "", "", "Direct", "Secondment", "2016/17",
         "2016/17", ""],                                                                       # 19
        [],                                                                                    # 20
        ["", "", "Beech House Surgery - locum sessions", "X", "", "", "Direct", "Locum", "From 2017",
         "31/12/2017", ""],                                                                    # 21
        ["Kim Moss", "", "Oaks Medical Centre", "X", "", "", "Direct", "Locum", "01/05/2016", "01/04/2016",
         ""],                                                                                  # 22
        ["Kim Moss", "", "Seaside Central PCN", "", "", "", "Sideways", "", "", "", ""],         # 23
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(lines)
    return path


def test_messy_csv_loads_what_is_valid_and_reports_each_problem(store: EmbeddedStore, tmp_path: Path) -> None:
    path = write_messy_csv(tmp_path / "roi_gb_2016.csv")
    assert detect(path) == "register"
    report = load_file(store, path)
    assert report.status == "loaded", report.error
    name = "roi_gb_2016.csv"
    # Line numbers as an editor shows them: the quoted two-line cell makes row 13 the next record.
    assert rejections(report) == {
        (name, 13, "Start date", "31/02/2016"),
        (name, 14, "Non Financial Professional", "maybe"),
        (name, 15, "Interest Declared", ""),  # spacing tidied
        (name, 22, "End date", "01/04/2016"),
        (name, 23, "Direct/Indirect", "Sideways"),
    }
    reasons = {r.row: r.reason for r in report.rejected}
    assert "expected a real calendar date" in reasons[13]
    assert "expected a tick" in reasons[14]
    assert "Nil/None" in reasons[15]
    assert "on or after the From date (2016-05-01)" in reasons[22]
    assert "expected Direct or Indirect" in reasons[23]
    assert report.read == 17 and report.loaded == 12

    decl = declarations(store)
    assert len(decl) == 12

    def at(row: int) -> dict[str, Any]:
        return decl[f"{name}:{row}"]

    # Every date form, with From at the start and To at the end of its precision.
    dates = {row: (at(row).get("valid_from"), at(row).get("valid_to")) for row in (5, 6, 7, 10, 11, 18, 19, 21)}
    assert dates == {
        5: ("2015-04-01", None), 6: ("2015-04-01", None), 7: ("2015-04-01", "2017-03-31"),
        10: ("2015-01-01", None), 11: ("2015-04-01", None), 18: ("2016-02-01", "2016-02-29"),
        19: ("2016-04-01", "2017-03-31"), 21: ("2017-01-01", "2017-12-31"),
    }
    # Ticks ✓, X and Yes in one-row tick columns.
    assert at(5)["interest_type"] == "financial" and at(6)["interest_type"] == "financial"
    assert at(7)["interest_type"] == "non_financial_personal"
    assert at(10)["interest_type"] == "non_financial_professional"
    assert at(11)["direct"] is False and at(5)["direct"] is True
    # Person matching ignores titles, case, post-nominals, "Surname, Forename" and middle initials.
    for row in (5, 6, 7, 10, 11):
        assert at(row)["declared_by"] == ["P-JDOE"], row
    assert at(21)["declared_by"] == ["P-SLEE"]  # blank name: the person above continues
    # Nil returns: declared, not about any organisation, not unresolved.
    for row, pid in ((8, "P-KMOSS"), (9, "P-SLEE")):
        assert at(row)["nil_return"] is True and at(row)["declared_by"] == [pid]
        assert at(row)["concerns"] == [] and "resolution" not in at(row)
    # Organisations: exact names, codes in the text, a fuzzy match with its score.
    assert (at(5)["concerns"], at(5)["resolution"]) == (["Y90001"], "exact")
    assert (at(6)["concerns"], at(6)["resolution"]) == (["FED-001"], "exact")
    assert (at(10)["concerns"], at(10)["resolution"]) == (["U90001"], "ods_code")
    assert (at(19)["concerns"], at(19)["resolution"]) == (["R9X"], "ods_code")
    assert (at(18)["concerns"], at(18)["resolution"]) == (["Y90002"], "exact")
    fuzzy = at(17)
    assert fuzzy["concerns"] == ["FED-001"] and fuzzy["resolution"] == "fuzzy"
    assert 90 <= fuzzy["match_score"] < 100
    assert any("row 17" in n and "FED-001" in n and f"score {fuzzy['match_score']}" in n for n in report.notes)

    unresolved = {u.row: u for u in report.unresolved}
    assert set(unresolved) == {7, 16}
    assert at(7)["resolution"] == "unresolved" and at(7)["concerns"] == []
    assert "no organisation" in unresolved[7].reason
    # Row 16: the person (two Alan Roes) and the organisation (two Elm Tree Practices) are ambiguous.
    assert at(16)["declared_by"] == [] and at(16)["concerns"] == []
    assert "matches 2 persons" in unresolved[16].reason and "ambiguous" in unresolved[16].reason
    cands = {(c["kind"], c["id"]) for c in unresolved[16].candidates}
    assert cands == {("person", "P-AROE1"), ("person", "P-AROE2"),
                     ("organisation", "Y90003"), ("organisation", "Y90004")}
    assert any("1 row(s) with a blank name" in n for n in report.notes)


def test_csv_two_row_header_with_blank_group_cells(store: EmbeddedStore, tmp_path: Path) -> None:
    """A CSV export of the merged template header: group headings over blanks."""
    path = tmp_path / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Register of interests"])
        w.writerow(["Name", "Current position(s) held", ("Declared Interest (Name of the organisation and nature "
                    "of business)"), "Type of Interest", "", "", "Is the interest direct or indirect?",
                    "Nature of Interest", "Date of Interest", "", "Action taken to mitigate risk"])
        w.writerow(["", "", "", "Financial Interest", "Non-Financial Professional Interest",
                    "Non-Financial Personal Interest", "", "", "From", "To", ""])
        w.writerow(["Kim Moss", "Lay member", "Seaside Central PCN", "", "", "✔", "Direct", "Volunteer",
                    "Sept 2016", "2018", ""])
        w.writerow(["Kim Moss", "Lay member", "Seaside Central PCN", "", "", "", "Direct", "Volunteer",
                    "not a date", "", ""])
        w.writerow(["Lay Members"] + [""] * 10)  # a section heading, not a person
        w.writerow(["Kim Moss"] + [""] * 10)  # a name and nothing declared
    assert detect(path) == "register"
    report = load_file(store, path)
    assert rejections(report) == {("register.csv", 5, "Date of Interest: From", "not a date"),
                                  ("register.csv", 7, ("Declared Interest (Name of the organisation and nature "
                                                      "of business)"), "")}
    assert any("section heading rows skipped: rows 6 ('Lay Members')" in n for n in report.notes)
    decl = declarations(store)["register.csv:4"]
    assert decl["interest_type"] == "non_financial_personal"
    assert (decl["valid_from"], decl["valid_to"]) == ("2016-09-01", "2018-12-31")
    assert decl["concerns"] == ["U90001"] and decl["declared_by"] == ["P-KMOSS"]


# ---- organisations ------------------------------------------------------------------------------
def test_fuzzy_threshold_is_the_contexts(store: EmbeddedStore, tmp_path: Path) -> None:
    path = write_register_csv(tmp_path / "r.csv", [
        {"name": "Kim Moss", "declared_interest": "Director, Seaside GP Federaton", "interest_type": "financial"},
    ])
    loose = parse_file(path, LoadContext(graph=store.graph()), "register")
    strict = parse_file(path, LoadContext(graph=store.graph(), fuzzy_threshold=99.0), "register")
    loose_decl = next(r for r in loose.records if getattr(r, "label", None) == "Declaration")
    strict_decl = next(r for r in strict.records if getattr(r, "label", None) == "Declaration")
    assert loose_decl.props["resolution"] == "fuzzy"  # type: ignore[union-attr]
    assert strict_decl.props["resolution"] == "unresolved"  # type: ignore[union-attr]
    assert [u.row for u in strict.report.unresolved] == [2]
    # The near miss is offered as a candidate with its score.
    cand = strict.report.unresolved[0].candidates[0]
    assert cand["id"] == "FED-001" and cand["score"] == loose_decl.props["match_score"]  # type: ignore[union-attr]


def test_code_not_in_graph_is_not_trusted(store: EmbeddedStore, tmp_path: Path) -> None:
    path = write_register_csv(tmp_path / "r.csv", [
        {"name": "Kim Moss", "declared_interest": "Partner at practice Y99999", "interest_type": "financial"},
        {"name": "Kim Moss", "declared_interest": "Beech House Surgery (y90001)", "interest_type": "financial"},
    ])
    load_file(store, path)
    decl = declarations(store)
    assert decl["r.csv:2"]["resolution"] == "unresolved" and decl["r.csv:2"]["concerns"] == []
    assert decl["r.csv:3"]["resolution"] == "ods_code" and decl["r.csv:3"]["concerns"] == ["Y90001"]


# ---- people -------------------------------------------------------------------------------------
def test_person_names_normalise() -> None:
    for variant in ("Dr Jane Doe", "DR. JANE DOE", "Prof. Jane Doe FRCGP MBE", "Doe, Jane", "Mrs  jane  doe",
                    "Jane Doe (Chair)", "Dame Jane Doe, OBE"):
        assert person_key(variant) == "jane doe", variant
    assert person_key("Jane O'Doe") == "jane odoe"


def test_unknown_person_is_created_once_with_a_stable_id(store: EmbeddedStore, tmp_path: Path) -> None:
    entries = [
        {"name": "Dr Robin Newcomer", "declared_interest": "Beech House Surgery", "interest_type": "financial"},
        {"name": "ROBIN NEWCOMER", "declared_interest": "Seaside Central PCN", "interest_type": "financial"},
    ]
    report = load_file(store, write_register_csv(tmp_path / "a.csv", entries))
    g = store.graph()
    created = [pid for pid, d in g.nodes("Person") if pid not in PEOPLE]
    assert len(created) == 1 and created[0].startswith("PERSON-")
    assert sorted(d["source"] for d in declarations(store).values()) == ["a.csv:2", "a.csv:3"]
    assert all(d["declared_by"] == created for d in declarations(store).values())
    assert any(created[0] in n and "Dr Robin Newcomer" in n for n in report.notes)


# ---- store behaviour ----------------------------------------------------------------------------
def test_reload_is_idempotent(store: EmbeddedStore, tmp_path: Path) -> None:
    xlsx = write_template_xlsx(tmp_path / "t.xlsx")
    messy = write_messy_csv(tmp_path / "m.csv")
    load_file(store, xlsx)
    load_file(store, messy)
    first = store.graph().to_data()
    assert len(first["nodes"]) > len(PEOPLE) + len(ORGS)
    load_file(store, xlsx)
    load_file(store, messy)
    assert store.graph().to_data() == first
    assert EmbeddedStore(store.path).graph().to_data() == first  # as persisted


def test_strict_rejects_the_whole_file(store: EmbeddedStore, tmp_path: Path) -> None:
    before = store.graph().to_data()
    report = load_file(store, write_messy_csv(tmp_path / "m.csv"), strict=True)
    assert report.status == "rejected" and "--strict" in (report.error or "")
    assert len({r.row for r in report.rejected}) == 5
    assert store.graph().to_data() == before


def test_file_without_a_register_header_is_rejected(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "not_a_register.csv"
    path.write_text("Register of interests\nfoo,bar\n1,2\n", encoding="utf-8")
    before = store.graph().to_data()
    report = load_file(store, path, kind="register")
    assert report.status == "rejected" and "no register header" in (report.error or "")
    assert store.graph().to_data() == before


# ---- writers ------------------------------------------------------------------------------------
ENTRIES: list[dict[str, Any]] = [
    {"name": "Dr Jane Doe", "position": "GP member", "declared_interest": "Beech House Surgery (Y90001) - partner",
     "interest_type": "financial", "direct": True, "nature": "Partner", "date_from": dt.date(2015, 4, 1),
     "date_to": None, "mitigation": "Withdraws"},
    {"name": "Sam Lee", "position": "Employee", "declared_interest": "Seaside Central PCN - volunteer",
     "interest_type": "non_financial_personal", "direct": True, "nature": "Volunteer",
     "date_from": "2016-01-01", "date_to": "ongoing"},
    {"name": "Kim Moss", "position": "Lay member", "nil_return": True},
    {"name": "Kim Moss", "declared_interest": "The Oaks Medical Centre", "interest_type": "indirect",
     "nature": "Spouse is a partner", "date_from": "April 2016", "date_to": "2017"},
    {"name": "Kim Moss", "declared_interest": "Seaside Community NHS Trust", "interest_type": "financial",
     "date_from": "31/02/2016"},
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_writers_round_trip(store: EmbeddedStore, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"demo_register.{fmt}"
    if fmt == "xlsx":
        write_register_xlsx(path, ENTRIES, title="NHS Seaside CCG register of interests")
        ws = load_workbook(path).active
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert {"D4:F4", "I4:J4", "A4:A5", "C4:C5"} <= merged
        assert ws["A1"].value == "NHS Seaside CCG register of interests"
        first = 6
    else:
        write_register_csv(path, ENTRIES)
        first = 2
    assert detect(path) == "register"
    report = load_file(store, path)
    assert rejections(report) == {(path.name, first + 4, "Date of Interest: From" if fmt == "xlsx"
                                   else "Date of Interest From", "31/02/2016")}
    decl = declarations(store)
    rows = [decl[f"{path.name}:{first + i}"] for i in range(4)]
    assert [(d.get("interest_type"), d.get("direct"), d.get("valid_from"), d.get("valid_to")) for d in rows] == [
        ("financial", True, "2015-04-01", None),
        ("non_financial_personal", True, "2016-01-01", None),
        (None, None, None, None),
        ("indirect", False, "2016-04-01", "2017-12-31"),
    ]
    assert rows[2]["nil_return"] is True
    assert [d["concerns"] for d in rows] == [["Y90001"], ["U90001"], [], ["Y90002"]]
    assert [d["declared_by"] for d in rows] == [["P-JDOE"], ["P-SLEE"], ["P-KMOSS"], ["P-KMOSS"]]
    json.dumps(report.to_dict(), default=str)  # the --report form serialises


def test_date_forms() -> None:
    cases = {
        ("01/04/2015", False): "2015-04-01", ("1 April 2015", False): "2015-04-01",
        ("1-Apr-15", False): "2015-04-01", ("April 2015", False): "2015-04-01",
        ("April 2015", True): "2015-04-30", ("04/2015", True): "2015-04-30", ("2015", False): "2015-01-01",
        ("2015", True): "2015-12-31", ("2015/16", True): "2016-03-31", ("2015-04-01", True): "2015-04-01",
        ("Feb 2016", True): "2016-02-29", ("ongoing", True): None, ("Present", True): None, ("", False): None,
    }
    for (text, end), expected in cases.items():
        assert parse_register_date(text, end=end) == expected, text
    for bad in ("31/02/2016", "13/13/2015", "Smarch 2015", "soon"):
        with pytest.raises(ValueError, match="expected"):
            parse_register_date(bad, end=False)


def test_committed_example_loads(store: EmbeddedStore) -> None:
    """The README example (tests/data/registers/example_register.csv) loads cleanly."""
    path = Path(__file__).parent / "data" / "registers" / "example_register.csv"
    assert detect(path) == "register"
    report = load_file(store, path)
    assert report.status == "loaded" and not report.rejected
    assert report.read == 5 and report.loaded == 5
    decl = declarations(store)
    assert decl["example_register.csv:7"]["declared_by"] == ["P-JDOE"]  # blank name: Dr Jane Doe continues
    assert decl["example_register.csv:10"]["concerns"] == ["Y90002"]
    assert decl["example_register.csv:10"]["direct"] is False
    assert [u.row for u in report.unresolved] == [9]  # the hospice is not in the graph


def test_workbook_with_several_register_sheets(store: EmbeddedStore, tmp_path: Path) -> None:
    wb = Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "This workbook lists the declarations of governing body members and staff."
    header = ["Name", "Role", "Declared interest", "Type of interest", "Date from", "Date to"]
    for title, rows in (("Governing Body", [["Jane Doe", "GP", "Beech House Surgery", "Financial", "2015", ""]]),
                        ("Staff", [["Sam Lee", "Officer", "Seaside Central PCN", "Unsure", "", ""],
                                   ["Sam Lee", "Officer", "Seaside Central PCN", "Non-financial professional",
                                    "", ""]])):
        ws = wb.create_sheet(title)
        ws.append([f"{title} register"])
        ws.append(header)
        for r in rows:
            ws.append(r)
    path = tmp_path / "multi.xlsx"
    wb.save(path)
    assert detect(path) == "register"
    report = load_file(store, path)
    assert rejections(report) == {("multi.xlsx[Staff]", 3, "Type of interest", "Unsure")}
    decl = declarations(store)
    assert set(decl) == {"multi.xlsx[Governing Body]:3", "multi.xlsx[Staff]:4"}
    assert decl["multi.xlsx[Staff]:4"]["interest_type"] == "non_financial_professional"
    assert any("Read me" in n for n in report.notes)
