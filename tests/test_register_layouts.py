"""Registers as they are really published (issue 11, items 12 and 13): people are never silently invented,
and nothing in the layout is lost without a word. Every person and organisation here is synthetic.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from loaders.pipeline import load_file
from loaders.register.cells import parse_date_range, parse_direct, parse_interest_type
from orggraph.models import node
from orggraph.stores.embedded import EmbeddedStore
from orggraph_cli.main import cli


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    s = EmbeddedStore(tmp_path / "graph.json")
    assert s.write([node("P-OG", "Person", {"name": "Oliver Greenmere"}, source="setup:1"),
                    node("P-AB", "Person", {"name": "Ada Brightwater"}, source="setup:1"),
                    node("Y90001", "Practice", {"name": "BEECH HOUSE SURGERY"}, source="setup:1"),
                    node("Y90002", "Practice", {"name": "THE OAKS MEDICAL CENTRE"}, source="setup:1")]).committed
    return s


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _declarations(store: EmbeddedStore) -> dict[int, dict[str, Any]]:
    g = store.graph()
    return {int(d["source"].rsplit(":", 1)[1]): {**d, "by": sorted(s for s, _, _ in g.in_rels(i, ["DECLARED"]))}
            for i, d in g.nodes("Declaration")}


# ---- item 12: people ------------------------------------------------------------------------------
PEOPLE_HEADER = ["Name", "Current position(s) held", "Declared Interest", "Type of Interest"]


def test_near_names_get_candidates_and_are_not_invented(store: EmbeddedStore, tmp_path: Path) -> None:
    path = _write(tmp_path / "people.csv", PEOPLE_HEADER, [
        ["Dr Oliver Greenmeer", "GP member", "Beech House Surgery", "Financial"],   # 2: a typo
        ["Greenmere Oliver", "GP member", "The Oaks Medical Centre", "Financial"],  # 3: no comma
        ["Dr Zed Quillfeather", "Lay member", "Beech House Surgery", "Financial"],  # 4: nobody close
    ])
    report = load_file(store, path)
    assert report.status == "loaded", report.error
    decl = _declarations(store)
    assert decl[3]["by"] == ["P-OG"]
    assert decl[2]["by"] == []
    (unresolved,) = report.unresolved
    assert unresolved.row == 2
    cand = next(c for c in unresolved.candidates if c["kind"] == "person")
    assert cand["id"] == "P-OG" and 85 <= cand["score"] < 100
    people = {d["name"] for _, d in store.graph().nodes("Person")}
    assert people == {"Oliver Greenmere", "Ada Brightwater", "Dr Zed Quillfeather"}
    assert any("created" in n and "Dr Zed Quillfeather" in n for n in report.notes)
    assert any("Greenmere Oliver" in n and "P-OG" in n for n in report.notes)


def test_the_cli_lists_created_and_unresolved_people(store: EmbeddedStore, tmp_path: Path) -> None:
    path = _write(tmp_path / "people.csv", PEOPLE_HEADER, [
        ["Dr Oliver Greenmeer", "GP member", "Beech House Surgery", "Financial"],
        ["Dr Zed Quillfeather", "Lay member", "Beech House Surgery", "Financial"],
    ])
    result = CliRunner().invoke(cli, ["--store", str(store.path), "load", "--quiet", str(path)])
    assert result.exit_code == 0, result.output
    assert "unresolved 1" in result.output
    assert "Oliver Greenmere" in result.output and "P-OG" in result.output  # the candidate, on screen
    assert "Dr Zed Quillfeather" in result.output and "created" in result.output


# ---- item 13: layouts ----------------------------------------------------------------------------
def test_date_range_cells() -> None:
    assert parse_date_range("2010 Ongoing") == ("2010-01-01", None)
    assert parse_date_range("April 2018 Ongoing") == ("2018-04-01", None)
    assert parse_date_range("01/01/2014 - 31/03/2016") == ("2014-01-01", "2016-03-31")
    assert parse_date_range("2014 to 2016") == ("2014-01-01", "2016-12-31")
    assert parse_date_range("March 2015") == ("2015-03-01", None)
    assert parse_date_range("") == (None, None)


def test_typos_in_interest_words_are_tolerated() -> None:
    assert parse_interest_type("Finanical")[0] == ["financial"]
    assert parse_interest_type("Non-financial Profesional")[0] == ["non_financial_professional"]
    assert parse_direct("Indriect") is False


REAL_HEADER = ["Name", "Current position(s) held", "Committee Member", "Declared Interest", "Type of Interest",
               "Date of Interest", "Action taken to mitigate risk", "Internal ref"]


def test_a_published_layout_loses_nothing_silently(store: EmbeddedStore, tmp_path: Path) -> None:
    path = _write(tmp_path / "published.csv", REAL_HEADER, [
        ["Dr Ada Brightwater", "GP Parter", "Governing Body; PCCC", "Beech House Surgery - partner", "Financial",
         "2010 Ongoing", "Withdraws from items on the practice", "A-17"],                               # 2
        ["", "", "", "The Oaks Medical Centre - wife is a GP there, indirect through the practice", "Financial",
         "April 2018 Ongoing", "", ""],                                                                   # 3
        ["Ada Brightwater", "GP Parter", "PCCC", "Seaside Hospice - trustee", "Non-financial personal",
         "01/01/2014 - 31/03/2016", "", ""],                                                              # 4
    ])
    report = load_file(store, path)
    assert report.status == "loaded" and not report.rejected, report.rejected
    decl = _declarations(store)
    assert (decl[2]["valid_from"], decl[2].get("valid_to")) == ("2010-01-01", None)
    assert (decl[3]["valid_from"], decl[3].get("valid_to")) == ("2018-04-01", None)
    assert (decl[4]["valid_from"], decl[4]["valid_to"]) == ("2014-01-01", "2016-03-31")
    assert decl[3]["by"] == ["P-AB"]  # the blank name continues the person above
    assert decl[3]["direct"] is False and "direct" not in decl[2]  # said in the text, or not said at all
    assert "Governing Body; PCCC" in decl[2]["position"] and "PCCC" in decl[4]["position"]
    assert not any("repeat" in n for n in report.notes)
    assert any("not used" in n and "Internal ref" in n for n in report.notes), report.notes
