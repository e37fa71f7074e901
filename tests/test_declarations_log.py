"""Meetings on the loading side: the declarations-log kind, and the meeting model in graph CSVs.

Every test writes real files to tmp_path and loads them through the pipeline or the CLI; people are
synthetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from loaders import detect
from loaders.base import FileReport, Rejection
from loaders.pipeline import load_file, load_paths
from orggraph.graph import OrgGraph
from orggraph.stores.base import Store
from orggraph.stores.embedded import EmbeddedStore
from orggraph_cli.main import cli
from tests.helpers import write_csv

LOG_HEADER = ["meeting", "item", "person", "interest", "action", "ruled_by"]
NODE_HEADER = ["id:ID", ":LABEL", "name", "date:date", "item", "status", "title", "committee_type", "quorum_rule",
               "declarations_recorded:boolean"]
REL_HEADER = [":START_ID", ":TYPE", ":END_ID", "role", "member_type", "voting:boolean", "deputy_for", "action",
              "interest", "ruled_by"]


def _node(nid: str, label: str, name: str, **props: str) -> list[str]:
    return [nid, label, name] + [props.get(h.split(":")[0], "") for h in NODE_HEADER[3:]]


def _rel(start: str, rtype: str, end: str, **props: str) -> list[str]:
    return [start, rtype, end] + [props.get(h.split(":")[0], "") for h in REL_HEADER[3:]]


def world(folder: Path) -> list[Path]:
    """A committee with two meetings: March (two decided items) and April (one planned item)."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = write_csv(folder / "nodes.csv", NODE_HEADER, [
        _node("SYN-C-1", "Committee", "Northtown PCCC", committee_type="pccc",
              quorum_rule="3; lay>=1; chair|vice_chair>=1"),
        _node("SYN-P-0001", "Person", "Dr Ann Example"),
        _node("SYN-P-0002", "Person", "Ben Sample"),
        _node("SYN-P-0003", "Person", "Cy Chair"),
        _node("SYN-P-0004", "Person", "Dee Twin"),
        _node("SYN-P-0005", "Person", "Dr Dee Twin"),
        _node("SYN-MTG-0007", "Meeting", "PCCC 14 March 2019", date="2019-03-14"),
        _node("SYN-MTG-0008", "Meeting", "PCCC 11 April 2019", date="2019-04-11", declarations_recorded="false"),
        _node("SYN-D-1", "Decision", "Extended access", date="2019-03-14", item="PCC19/004", status="decided",
              title="Award of extended access"),
        _node("SYN-D-2", "Decision", "Estates", date="2019-03-14", item="PCC19/010", status="deferred",
              title="Estates review"),
        _node("SYN-D-3", "Decision", "Minor surgery", date="2019-04-11", item="PCC19/020", status="planned",
              title="Minor surgery LIS"),
    ])
    rels = write_csv(folder / "rels.csv", REL_HEADER, [
        _rel("SYN-MTG-0007", "HELD_BY", "SYN-C-1"),
        _rel("SYN-MTG-0008", "HELD_BY", "SYN-C-1"),
        _rel("SYN-D-1", "AT_MEETING", "SYN-MTG-0007"),
        _rel("SYN-D-2", "AT_MEETING", "SYN-MTG-0007"),
        _rel("SYN-D-3", "AT_MEETING", "SYN-MTG-0008"),
        _rel("SYN-P-0003", "SITS_ON", "SYN-C-1", role="chair", member_type="lay", voting="true"),
        _rel("SYN-P-0001", "SITS_ON", "SYN-C-1", role="member", member_type="gp", voting="true"),
        _rel("SYN-P-0002", "SITS_ON", "SYN-C-1", role="member", member_type="gp", voting="true",
             deputy_for="SYN-P-0001"),
        _rel("SYN-P-0002", "DECLARED_AT", "SYN-D-3", action="papers_withheld", interest="Practice manager",
             ruled_by="SYN-P-0003"),
    ])
    return [nodes, rels]


@pytest.fixture
def loaded(tmp_path: Path, embedded_store: EmbeddedStore) -> EmbeddedStore:
    reports = load_paths(embedded_store, world(tmp_path / "world"))
    assert [(r.status, r.rejected) for r in reports] == [("loaded", [])] * 2
    return embedded_store


def log(path: Path, rows: list[list[str]], header: list[str] = LOG_HEADER) -> Path:
    return write_csv(path, header, rows)


def declarations(graph: OrgGraph) -> dict[tuple[str, str], dict[str, object]]:
    return {(s, e): {k: v for k, v in d.items() if k != "type"} for s, t, e, d in graph.rels() if t == "DECLARED_AT"}


def reasons(report: FileReport) -> list[tuple[int, str, object]]:
    return [(r.row, r.column, r.value) for r in report.rejected]


# ---- graph CSVs: the meeting model loads through the generic path -------------------------------------

def test_graph_csv_loads_every_new_type_and_property(loaded: EmbeddedStore) -> None:
    g = loaded.graph()
    assert g.node("SYN-C-1")["quorum_rule"] == "3; lay>=1; chair|vice_chair>=1"
    assert (g.node("SYN-D-1")["item"], g.node("SYN-D-1")["status"]) == ("PCC19/004", "decided")
    assert g.node("SYN-D-3")["status"] == "planned"
    assert g.node("SYN-MTG-0008")["declarations_recorded"] is False
    assert "declarations_recorded" not in g.node("SYN-MTG-0007")
    assert [e for _, t, e, _ in g.rels() if t == "HELD_BY"] == ["SYN-C-1", "SYN-C-1"]
    seats = {s: d for s, t, _, d in g.rels() if t == "SITS_ON"}
    assert seats["SYN-P-0002"]["deputy_for"] == "SYN-P-0001" and "deputy_for" not in seats["SYN-P-0001"]
    assert declarations(g)[("SYN-P-0002", "SYN-D-3")] == {
        "action": "papers_withheld", "interest": "Practice manager", "ruled_by": "SYN-P-0003", "source": "rels.csv:10"}


def test_graph_csv_bad_quorum_rule_names_file_row_column_value(tmp_path: Path) -> None:
    store = tmp_path / "g.json"
    committees = write_csv(tmp_path / "committees.csv", ["id:ID", ":LABEL", "name", "quorum_rule"], [
        ["C-OK", "Committee", "Good", "4; lay>=1; chair|vice_chair>=1"],
        ["C-BAD", "Committee", "Bad", "4; lay>=1; chair|vicechair>=1"],
    ])
    result = CliRunner().invoke(cli, ["--store", str(store), "load", "--quiet", str(committees),
                                      "--report", str(tmp_path / "report.json")])
    assert result.exit_code == 0, result.output
    assert "committees.csv, row 3, column quorum_rule: '4; lay>=1; chair|vicechair>=1'" in result.output
    [rejected] = json.loads((tmp_path / "report.json").read_text())[0]["rejected"]
    assert (rejected["file"], rejected["row"], rejected["column"], rejected["value"]) == (
        "committees.csv", 3, "quorum_rule", "4; lay>=1; chair|vicechair>=1")
    assert rejected["reason"].startswith("expected `N; word>=M; ...`") and "'vicechair'" in rejected["reason"]
    graph = EmbeddedStore(store).graph()
    assert "C-OK" in graph and "C-BAD" not in graph


def test_graph_csv_bad_quorum_rule_with_strict_rejects_the_file(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    bad = write_csv(tmp_path / "c.csv", ["id:ID", ":LABEL", "quorum_rule"],
                    [["C-OK", "Committee", "2"], ["C-BAD", "Committee", "two"]])
    report = load_file(embedded_store, bad, strict=True)
    assert report.status == "rejected" and reasons(report) == [(3, "quorum_rule", "two")]
    assert embedded_store.graph().stats()["nodes"] == {}


@pytest.mark.parametrize(("rtype", "column", "value", "reason"), [
    ("SITS_ON", "deputy_for", "SYN-P-0099", "expected the id of a Person already loaded"),
    ("SITS_ON", "deputy_for", "SYN-C-1", "'SYN-C-1' is a Committee; expected the id of a Person"),
    ("SITS_ON", "deputy_for", "SYN-P-0004", "a member cannot deputise for themselves"),
    ("DECLARED_AT", "ruled_by", "SYN-P-0099", "expected the id of a Person already loaded"),
])
def test_graph_csv_person_id_properties_must_name_a_person(loaded: EmbeddedStore, tmp_path: Path, rtype: str,
                                                           column: str, value: str, reason: str) -> None:
    end = "SYN-C-1" if rtype == "SITS_ON" else "SYN-D-1"
    rows = [_rel("SYN-P-0004", rtype, end, **{column: value}), _rel("SYN-P-0005", rtype, end)]
    report = load_file(loaded, write_csv(tmp_path / "more.csv", REL_HEADER, rows))
    assert report.status == "loaded" and report.loaded == 1
    [rej] = report.rejected
    assert (rej.file, rej.row, rej.column, rej.value) == ("more.csv", 2, column, value)
    assert reason in rej.reason
    assert [s for s, t, _, _ in loaded.graph().rels() if t == rtype and s in ("SYN-P-0004", "SYN-P-0005")] == [
        "SYN-P-0005"]


# ---- the declarations log: detection -----------------------------------------------------------------

@pytest.mark.parametrize("header", [
    LOG_HEADER,
    ["Meeting", "Item", "Person", "Interest", "Action", "Ruled By"],
    [" MEETING ", "item", "Person", "action"],
    ["meeting", "item", "person", "interest", "action", "ruled-by", "notes"],
])
def test_sniffed_from_its_header(tmp_path: Path, header: list[str]) -> None:
    assert detect(log(tmp_path / "minutes.csv", [], header)) == "declarations-log"


def test_not_sniffed_without_an_action_column_nor_for_graph_csvs(tmp_path: Path) -> None:
    for path in world(tmp_path):
        assert detect(path) == "graph-csv"
    with pytest.raises(Exception, match="cannot tell what kind"):
        detect(log(tmp_path / "partial.csv", [], ["meeting", "item", "person", "interest"]))


def test_a_utf8_bom_header_is_read(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfMeeting,Item,Person,Interest,Action,Ruled by\r\n"
                     b"SYN-MTG-0007,PCC19/004,SYN-P-0001,Partner,left_room,SYN-P-0003\r\n")
    assert detect(path) == "declarations-log"
    report = load_file(loaded, path)
    assert (report.status, report.kind, report.loaded, report.rejected) == ("loaded", "declarations-log", 1, [])
    assert declarations(loaded.graph())[("SYN-P-0001", "SYN-D-1")]["ruled_by"] == "SYN-P-0003"


# ---- the declarations log: what loads ---------------------------------------------------------------

def test_cli_loads_a_log_by_id_by_name_and_by_item_reference_without_kind(loaded: EmbeddedStore,
                                                                          tmp_path: Path) -> None:
    path = log(tmp_path / "minutes.csv", [
        ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Partner at Example Surgery (a party)", "left_room", "SYN-P-0003"],
        ["PCCC 14 March 2019", "SYN-D-2", "Ben Sample", "", "stayed_no_vote", "Cy Chair"],
        ["pccc 14 march 2019", "Award of Extended Access", "Sample, Ben", "Shareholder", "Participated", ""],
    ])
    result = CliRunner().invoke(cli, ["--store", str(loaded.path), "load", "--quiet", str(path)])
    assert result.exit_code == 0, result.output
    assert "loaded minutes.csv (declarations-log): read 3, loaded 3, rejected 0" in result.output
    graph = EmbeddedStore(loaded.path).graph()
    assert declarations(graph) == {
        ("SYN-P-0001", "SYN-D-1"): {"action": "left_room", "interest": "Partner at Example Surgery (a party)",
                                    "ruled_by": "SYN-P-0003", "source": "minutes.csv:2"},
        ("SYN-P-0002", "SYN-D-2"): {"action": "stayed_no_vote", "ruled_by": "SYN-P-0003", "source": "minutes.csv:3"},
        ("SYN-P-0002", "SYN-D-1"): {"action": "participated", "interest": "Shareholder", "source": "minutes.csv:4"},
        ("SYN-P-0002", "SYN-D-3"): declarations(loaded.graph())[("SYN-P-0002", "SYN-D-3")],
    }
    meeting = graph.node("SYN-MTG-0007")
    assert meeting["declarations_recorded"] is True
    assert meeting["source"] == "nodes.csv:8", "the meeting stays sourced to the file that made it"
    assert graph.node("SYN-MTG-0008")["declarations_recorded"] is False, "a meeting the log does not name"


def test_a_row_with_no_person_records_a_nil_log(loaded: EmbeddedStore, tmp_path: Path) -> None:
    report = load_file(loaded, log(tmp_path / "nil.csv", [["SYN-MTG-0008", "", "", "", "", ""]]))
    assert (report.status, report.read, report.loaded, report.counts) == ("loaded", 1, 1, {"Meeting": 1})
    graph = loaded.graph()
    assert graph.node("SYN-MTG-0008")["declarations_recorded"] is True
    assert len(declarations(graph)) == 1  # only the one the graph CSV gave


def test_a_loosely_matched_name_is_noted(loaded: EmbeddedStore, tmp_path: Path) -> None:
    report = load_file(loaded, log(tmp_path / "m.csv", [["SYN-MTG-0007", "PCC19/004", "Ann B. Example", "",
                                                            "left_room", ""]]))
    assert report.rejected == [] and ("SYN-P-0001", "SYN-D-1") in declarations(loaded.graph())
    assert any("'Ann B. Example' matched SYN-P-0001" in n and "without middle initials" in n for n in report.notes)


def test_two_interests_on_one_item_make_one_declaration(loaded: EmbeddedStore, tmp_path: Path) -> None:
    report = load_file(loaded, log(tmp_path / "m.csv", [
        ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Partner", "left_room", "SYN-P-0003"],
        ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Spouse employed", "left_room", ""],
        ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Shareholder", "participated", ""],
        ["SYN-MTG-0007", "PCC19/004", "Dr Ann Example", "Trustee", "left_room", "Ben Sample"],
    ]))
    assert reasons(report) == [(4, "action", "participated"), (5, "ruled_by", "Ben Sample")]
    assert "one ruling per person and item" in report.rejected[0].reason
    decl = declarations(loaded.graph())[("SYN-P-0001", "SYN-D-1")]
    assert (decl["interest"], decl["action"], decl["source"]) == ("Partner; Spouse employed", "left_room", "m.csv:2")


def test_loading_the_same_log_twice_changes_nothing(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = log(tmp_path / "m.csv", [["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Partner", "left_room", ""]])
    load_file(loaded, path)
    once = loaded.graph().to_data()
    assert load_file(loaded, path).status == "loaded"
    assert loaded.graph().to_data() == once


def test_a_folder_loads_the_log_after_the_graph_csvs(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    folder = tmp_path / "all"
    world(folder)
    log(folder / "a_minutes.csv", [["SYN-MTG-0007", "PCC19/010", "Dr Ann Example", "", "left_room", "Cy Chair"]])
    reports = load_paths(embedded_store, [folder])
    assert [(r.file, r.kind, r.status, r.rejected) for r in reports] == [
        ("nodes.csv", "graph-csv", "loaded", []), ("rels.csv", "graph-csv", "loaded", []),
        ("a_minutes.csv", "declarations-log", "loaded", [])]
    assert ("SYN-P-0001", "SYN-D-2") in declarations(embedded_store.graph())


# ---- the declarations log: bad rows -----------------------------------------------------------------

GOOD = ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Partner", "left_room", "SYN-P-0003"]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("meeting", "SYN-MTG-9999", "expected the id or exact name of a Meeting in the graph"),
    ("meeting", "PCCC 14 Mar 2019", "nearest: SYN-MTG-0007 (PCCC 14 March 2019, 2019-03-14)"),
    ("meeting", "SYN-C-1", "'SYN-C-1' is a Committee, not a Meeting"),
    ("item", "PCC19/999", ("expected an agenda item of meeting SYN-MTG-0007 (reference, decision id or title): "
                           "PCC19/004 = SYN-D-1 (Award of extended access), PCC19/010 = SYN-D-2 (Estates review)")),
    ("item", "SYN-D-3", "decision SYN-D-3 is not an agenda item of meeting SYN-MTG-0007"),
    ("item", "", "expected the agenda item"),
    ("person", "Nobody Known", "expected the id or name of a Person in the graph"),
    ("person", "Ann Exampel", "nearest: SYN-P-0001 (Dr Ann Example)"),
    ("person", "Dee Twin", "matches 2 persons by name: SYN-P-0004 (Dee Twin), SYN-P-0005 (Dr Dee Twin); not guessed"),
    ("person", "SYN-D-1", "'SYN-D-1' is a Decision, not a Person"),
    ("ruled_by", "SYN-P-0099", "expected the id or name of a Person in the graph"),
    ("action", "shouted", "expected one of left_room, stayed_no_vote, participated, papers_withheld"),
    ("action", "", "expected the chair's ruling: one of left_room, stayed_no_vote, participated, papers_withheld"),
])
def test_a_bad_cell_rejects_its_row_naming_file_row_column_value(loaded: EmbeddedStore, tmp_path: Path, field: str,
                                                                 value: str, expected: str) -> None:
    bad = list(GOOD)
    bad[LOG_HEADER.index(field)] = value
    other = ["SYN-MTG-0007", "PCC19/010", "SYN-P-0002", "", "stayed_no_vote", ""]
    report = load_file(loaded, log(tmp_path / "minutes.csv", [other, bad]))
    assert report.status == "loaded" and report.loaded == 1
    [rej] = report.rejected
    assert (rej.file, rej.row, rej.column, rej.value) == ("minutes.csv", 3, field, value)
    assert expected in rej.reason, rej.reason
    assert str(rej).startswith(f"minutes.csv, row 3, column {field}: {value!r}: ")
    assert set(declarations(loaded.graph())) == {("SYN-P-0002", "SYN-D-2"), ("SYN-P-0002", "SYN-D-3")}


def test_columns_are_named_as_written_and_loose_actions_are_read(loaded: EmbeddedStore, tmp_path: Path) -> None:
    header = ["Meeting", "Agenda Item", "Item", "Person", "Action", "Ruled By"]
    report = load_file(loaded, log(tmp_path / "m.csv", [
        ["SYN-MTG-0007", "x", "PCC19/004", "SYN-P-0001", "Left room", ""],
        ["SYN-MTG-0007", "x", "PCC19/010", "SYN-P-0001", "stayed-no-vote", "Nobody"],
    ], header))
    assert reasons(report) == [(3, "Ruled By", "Nobody")]
    assert declarations(loaded.graph())[("SYN-P-0001", "SYN-D-1")]["action"] == "left_room"
    assert "column(s) ignored: Agenda Item" in report.notes


def test_a_nil_row_with_a_ruling_is_a_declaration_missing_its_person(loaded: EmbeddedStore, tmp_path: Path) -> None:
    report = load_file(loaded, log(tmp_path / "m.csv", [GOOD, ["SYN-MTG-0007", "PCC19/004", "", "", "left_room", ""],
                                                        ["SYN-MTG-0007", "PCC19/404", "", "", "", ""]]))
    assert reasons(report) == [(3, "person", ""), (4, "item", "PCC19/404")]
    assert "expected the person declaring" in report.rejected[0].reason


def test_a_meeting_with_a_rejected_row_is_not_marked_recorded(loaded: EmbeddedStore, tmp_path: Path) -> None:
    report = load_file(loaded, log(tmp_path / "m.csv", [
        GOOD,
        ["SYN-MTG-0007", "PCC19/010", "Nobody Known", "", "left_room", ""],
        ["SYN-MTG-0008", "PCC19/020", "SYN-P-0001", "", "papers_withheld", ""],
    ]))
    assert reasons(report) == [(3, "person", "Nobody Known")]
    graph = loaded.graph()
    assert "declarations_recorded" not in graph.node("SYN-MTG-0007")
    assert graph.node("SYN-MTG-0008")["declarations_recorded"] is True
    assert ("SYN-P-0001", "SYN-D-1") in declarations(graph), "the good declarations still load"
    assert any("NOT marked recorded" in n and "SYN-MTG-0007 (row 3)" in n for n in report.notes)


def test_strict_a_bad_row_rejects_the_file_and_the_store_is_unchanged(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = loaded.graph().to_data()
    path = log(tmp_path / "m.csv", [GOOD, ["SYN-MTG-0007", "PCC19/010", "SYN-P-0002", "", "shouted", ""]])
    result = CliRunner().invoke(cli, ["--store", str(loaded.path), "load", "--quiet", "--strict", str(path),
                                      "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 1, result.output
    [report] = json.loads((tmp_path / "r.json").read_text())
    assert report["status"] == "rejected" and "--strict" in report["error"]
    assert [(r["row"], r["column"], r["value"]) for r in report["rejected"]] == [(3, "action", "shouted")]
    assert EmbeddedStore(loaded.path).graph().to_data() == before


def test_a_file_with_no_good_row_is_refused_and_the_store_is_unchanged(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = loaded.graph().to_data()
    report = load_file(loaded, log(tmp_path / "m.csv", [["SYN-MTG-9999", "PCC19/004", "SYN-P-0001", "", "left_room", ""]]))
    assert report.status == "rejected"
    assert "m.csv, row 2, column meeting: 'SYN-MTG-9999'" in (report.error or "")
    assert loaded.graph().to_data() == before


def test_a_header_missing_a_required_column_refuses_the_file(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = log(tmp_path / "m.csv", [["SYN-MTG-0007", "PCC19/004", "SYN-P-0001"]], ["meeting", "item", "person"])
    report = load_file(loaded, path, kind="declarations-log")
    assert report.status == "rejected"
    assert "m.csv, row 1: expected a header row meeting,item,person,interest,action,ruled_by" in (report.error or "")
    assert "missing action" in (report.error or "")


def test_rejections_are_reported_as_rejection_records(loaded: EmbeddedStore, tmp_path: Path) -> None:
    bad = ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "", "sat_there", ""]
    report = load_file(loaded, log(tmp_path / "m.csv", [GOOD, bad]))
    assert report.rejected == [Rejection("m.csv", 3, "action", "sat_there",
                                         "expected one of left_room, stayed_no_vote, participated, papers_withheld")]


# ---- both stores -----------------------------------------------------------------------------------

def _load_everything(store: Store, tmp_path: Path) -> OrgGraph:
    files = world(tmp_path / "world")
    files.append(log(tmp_path / "minutes.csv", [GOOD, ["SYN-MTG-0008", "", "", "", "", ""]]))
    reports = load_paths(store, files)
    assert [(r.status, r.rejected) for r in reports] == [("loaded", [])] * 3
    return store.graph()


def test_neo4j_holds_the_same_meeting_graph_as_the_embedded_store(tmp_path: Path, neo4j_store: Store) -> None:
    embedded = _load_everything(EmbeddedStore(tmp_path / "g.json"), tmp_path / "e")
    from orggraph.stores.neo4j import Neo4jStore

    assert isinstance(neo4j_store, Neo4jStore)
    again = Neo4jStore(neo4j_store.uri, auth=neo4j_store._auth, database=neo4j_store.database)
    _load_everything(neo4j_store, tmp_path / "n")
    try:
        fresh = again.graph()
    finally:
        again.close()
    assert fresh == embedded
    assert fresh.node("SYN-MTG-0008")["declarations_recorded"] is True
    assert declarations(fresh)[("SYN-P-0001", "SYN-D-1")]["ruled_by"] == "SYN-P-0003"


def test_a_declaration_in_advance_on_a_planned_item_may_have_no_ruling(loaded: EmbeddedStore, tmp_path: Path) -> None:
    report = load_file(loaded, log(tmp_path / "m.csv", [
        ["SYN-MTG-0008", "PCC19/020", "SYN-P-0001", "Partner", "", ""],
        ["SYN-MTG-0007", "PCC19/004", "SYN-P-0001", "Partner", "", ""],
    ]))
    assert reasons(report) == [(3, "action", "")]
    assert declarations(loaded.graph())[("SYN-P-0001", "SYN-D-3")] == {"interest": "Partner", "source": "m.csv:2"}
