"""`orggraph brief` and `orggraph conflicts --meeting` as a user runs them, on a meeting loaded from graph CSVs:
JSON (the documented fields, agenda order), CSV, HTML and a PDF read back with pypdf, and every error
in one line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from orggraph.engine.models import MeetingBrief
from tests.helpers import ORGGRAPH, run_cli
from tests.meeting_world import NAMES, PAST, PLANNED, PLANNED_ITEMS, TITLES, build_meeting_store

CONFLICTED = {"DEC-EA": ["GP1", "GP2"], "DEC-DX": ["LAY1"], "DEC-GR": []}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_meeting_store(tmp_path_factory.mktemp("brief-cli"))


def brief_json(store: Path, meeting: str = PLANNED) -> dict:
    out = run_cli(store, "brief", "--meeting", meeting)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_json_is_the_meeting_brief_in_agenda_order(store: Path) -> None:
    data = brief_json(store)
    MeetingBrief.model_validate(data)  # every documented field, typed
    assert (data["meeting_id"], data["date"], data["committee_id"], data["planned"]) == (
        PLANNED, "2019-09-05", "PCCC1", True)
    assert [i["decision_id"] for i in data["items"]] == PLANNED_ITEMS  # PCC19/2 < PCC19/10 < PCC19/11
    assert {i["decision_id"]: [c["person_id"] for c in i["conflicts"]] for i in data["items"]} == CONFLICTED


def test_json_gives_the_actions_and_the_quorum_of_each_item(store: Path) -> None:
    items = {i["decision_id"]: i for i in brief_json(store)["items"]}
    # Financial interests (director; partner in a member practice): leave the room.
    assert {c["person_id"]: c["recommended_action"] for c in items["DEC-EA"]["conflicts"]} == {
        "GP1": "exclude", "GP2": "exclude"}
    # The chair is a trustee (non-financial): no vote, and the vice-chair presides.
    assert [c["recommended_action"] for c in items["DEC-DX"]["conflicts"]] == ["no_vote"]
    q = {d: (i["quorum"]["quorate"], i["quorum"]["failing"], i["quorum"]["presiding"], i["quorum"]["co_optable"])
         for d, i in items.items()}
    assert q == {"DEC-EA": (False, ["total>=5"], "LAY1", ["GB1"]),
                 "DEC-DX": (True, [], "LAY2", []),
                 "DEC-GR": (True, [], "LAY1", [])}


def test_conflicts_for_a_meeting_are_the_briefs(store: Path) -> None:
    data = brief_json(store)
    out = run_cli(store, "conflicts", "--meeting", PLANNED)
    assert out.returncode == 0, out.stderr
    from_brief = sorted((c["decision_id"], c["person_id"]) for i in data["items"] for c in i["conflicts"])
    assert sorted((c["decision_id"], c["person_id"]) for c in json.loads(out.stdout)) == from_brief
    assert all(c["meeting_id"] == PLANNED and c["status"] == "planned" for c in json.loads(out.stdout))


def test_conflicts_csv_carries_the_meeting_columns(store: Path) -> None:
    out = run_cli(store, "conflicts", "--meeting", PAST, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = {r["person_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    # The director voted and declared nothing at a meeting whose declarations log was recorded.
    assert rows["GP1"]["breach_kinds"] == "voted_while_conflicted;not_declared_at_meeting"
    assert rows["GP1"]["declared_at_meeting"] == "False"
    # The partner declared, was ruled out, left the room: managed, no breach.
    assert (rows["GP2"]["declared_at_meeting"], rows["GP2"]["ruling"], rows["GP2"]["managed"],
            rows["GP2"]["breach_kinds"]) == ("True", "left_room", "True", "")
    assert rows["GP2"]["item"] == "PCC19/1" and rows["GP2"]["meeting_id"] == PAST


def test_brief_csv_has_a_row_per_conflicted_member_per_item(store: Path) -> None:
    out = run_cli(store, "brief", "--meeting", PLANNED, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["decision_id"], r["person_id"]) for r in rows] == [
        ("DEC-EA", "GP1"), ("DEC-EA", "GP2"), ("DEC-DX", "LAY1"), ("DEC-GR", "")]
    assert rows[0]["co_optable"] == "GB1" and rows[0]["failing"] == "total>=5"


def test_html_brief_prints_on_a4_with_every_item(store: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "brief.html"
    out = run_cli(store, "brief", "--meeting", PLANNED, "--format", "html", "--out", str(out_file))
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and "wrote" in out.stderr
    html = out_file.read_text()
    assert "size: A4" in html and "counter(pages)" in html and "Generated on" in html
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")  # loads nothing
    positions = [html.index(TITLES[d]) for d in PLANNED_ITEMS]
    assert positions == sorted(positions)
    for people in CONFLICTED.values():
        for p in people:
            assert NAMES[p] in html


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_brief_reads_back_with_every_title_and_conflicted_member(store: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "brief.pdf"
    out = run_cli(store, "brief", "--meeting", PLANNED, "--format", "pdf", "--out", str(out_file))
    assert out.returncode == 0, out.stderr
    assert out_file.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(out_file)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages, text = pdf_text(out_file)
    flat = " ".join(text.split())
    for d in PLANNED_ITEMS:
        assert " ".join(TITLES[d].split()) in flat, d
    for p in {p for people in CONFLICTED.values() for p in people}:
        assert NAMES[p] in flat, p
    assert "Testford Primary Care Commissioning" in flat and "2019-09-05" in flat
    assert f"Page 1 of {pages}" in flat and "Generated on" in flat
    assert "Gita Hollins" in flat  # co-optable for the inquorate item


def test_pdf_to_standard_output_when_redirected(store: Path) -> None:
    out = subprocess.run([str(ORGGRAPH), "--store", str(store), "brief", "--meeting", PAST, "--format", "pdf"],
                         capture_output=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(out.stdout)).pages).split())
    assert TITLES["DEC-OLD"] in text and "not declared at the meeting" in text


@pytest.mark.parametrize(("meeting", "words"), [("NOPE", "no meeting with id 'NOPE'"),
                                                ("DEC-EA", "'DEC-EA' is a Decision, not a Meeting")])
def test_a_bad_meeting_id_is_one_line(store: Path, meeting: str, words: str) -> None:
    for args in (("brief", "--meeting", meeting), ("conflicts", "--meeting", meeting)):
        out = run_cli(store, *args)
        assert out.returncode == 1, out.stdout + out.stderr
        assert words in out.stderr and "Traceback" not in out.stderr and out.stdout == ""
        assert len(out.stderr.strip().splitlines()) == 1


def test_an_unwritable_out_is_one_line_and_leaves_nothing(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "brief.pdf"
    out = run_cli(store, "brief", "--meeting", PLANNED, "--format", "pdf", "--out", str(target))
    assert out.returncode == 1
    assert f"cannot write {target}" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not target.parent.exists()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    usage = run_cli(store, "brief", "--meeting", PLANNED, "--out", str(folder))
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_a_missing_pdf_library_is_one_line(store: Path, tmp_path: Path) -> None:
    # A WeasyPrint whose system library cannot be loaded, as on a machine without Pango.
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "weasyprint.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file\")\n")
    env = {**os.environ, "PYTHONPATH": str(fake)}
    out = subprocess.run([str(ORGGRAPH), "--store", str(store), "brief", "--meeting", PLANNED, "--format", "pdf",
                          "--out", str(tmp_path / "b.pdf")], capture_output=True, text=True, env=env, timeout=120,
                         check=False)
    assert out.returncode == 1
    assert "Pango" in out.stderr and "libpango-1.0-0" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not (tmp_path / "b.pdf").exists()
