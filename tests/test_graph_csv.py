"""Generic graph CSVs (Neo4j bulk-import headers): what loads, how each bad row is reported, the CLI contract.

Every test writes real CSV files with the csv module and loads them through the pipeline or the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders import detect
from loaders.base import Rejection
from loaders.pipeline import expand_paths, load_file, load_paths
from orggraph.stores.embedded import EmbeddedStore
from tests.helpers import run_cli, write_csv

NODE_HEADER = ["id:ID", ":LABEL", "name", "committee_type", "quorum:int", "quorum_lay:int",
               "company_number", "date:date", "value_gbp:float", "title", "valid_from:date", "valid_to:date"]


def _nodes(**cols: object) -> list[object]:
    return [cols.get(h.split(":")[0] if h[0] != ":" else h, "") for h in NODE_HEADER]


def economy(folder: Path) -> dict[str, Path]:
    """A small synthetic local health economy as graph CSVs: committees, members, federations,
    shareholdings, decisions, meetings, attendance and votes."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    files["nodes"] = write_csv(folder / "nodes.csv", NODE_HEADER, [
        _nodes(id="00X", **{":LABEL": "CCG"}, name="Northtown CCG"),
        _nodes(id="00X-PCCC", **{":LABEL": "Committee"}, name="Northtown PCCC", committee_type="pccc",
               quorum=4, quorum_lay=2, valid_from="2015-04-01"),
        _nodes(id="P-LAY1", **{":LABEL": "Person"}, name="Ada Synthetic"),
        _nodes(id="P-GP1", **{":LABEL": "Person"}, name="Dr Ben Fictional"),
        _nodes(id="P-GP2", **{":LABEL": "Person"}, name="Dr Cy Invented"),
        _nodes(id="Z99001", **{":LABEL": "Practice"}, name="Riverside Surgery, Northtown"),
        _nodes(id="FED1", **{":LABEL": "Federation"}, name="Northtown GP Federation Ltd",
               company_number="09999999", valid_from="2016-01-01"),
        _nodes(id="D-2017-01", **{":LABEL": "Decision"}, name="Extended access award",
               title="Award of the extended access contract", date="2017-03-14", value_gbp="1250000.50"),
        _nodes(id="M-2017-03", **{":LABEL": "Meeting"}, name="PCCC March 2017", date="2017-03-14"),
    ])
    files["rels"] = write_csv(
        folder / "rels.csv",
        [":START_ID", ":TYPE", ":END_ID", "role", "member_type", "voting:boolean", "percent:float", "vote",
         "valid_from:date", "valid_to:date"],
        [
            ["00X-PCCC", "COMMITTEE_OF", "00X", "", "", "", "", "", "", ""],
            ["P-LAY1", "SITS_ON", "00X-PCCC", "chair", "lay", "true", "", "", "2015-04-01", ""],
            ["P-GP1", "SITS_ON", "00X-PCCC", "member", "gp", "TRUE", "", "", "2015-04-01", "2018-03-31"],
            ["P-GP2", "SITS_ON", "00X-PCCC", "member", "gp", "false", "", "", "2016-04-01", ""],
            ["P-GP1", "SHAREHOLDER_OF", "FED1", "", "", "", "12.5", "", "2016-01-01", ""],
            ["Z99001", "SHAREHOLDER_OF", "FED1", "", "", "", "10", "", "2016-01-01", ""],
            ["Z99001", "MEMBER_OF", "FED1", "", "", "", "", "", "2016-01-01", ""],
            ["D-2017-01", "DECIDED_BY", "00X-PCCC", "", "", "", "", "", "", ""],
            ["D-2017-01", "AT_MEETING", "M-2017-03", "", "", "", "", "", "", ""],
            ["D-2017-01", "AWARDED_TO", "FED1", "", "", "", "", "", "", ""],
            ["P-LAY1", "ATTENDED", "M-2017-03", "", "", "", "", "", "", ""],
            ["P-GP1", "ATTENDED", "M-2017-03", "", "", "", "", "", "", ""],
            ["P-LAY1", "VOTED_ON", "D-2017-01", "", "", "", "", "for", "", ""],
            ["P-GP1", "VOTED_ON", "D-2017-01", "", "", "", "", "for", "", ""],
        ],
    )
    return files


def test_detects_graph_csv_headers(tmp_path: Path) -> None:
    for i, header in enumerate([["id:ID", ":LABEL", "name"], [":ID", ":LABEL"], ["personId:ID(Person)", "name"],
                                [":START_ID", ":TYPE", ":END_ID"], [":START_ID(Person)", ":END_ID(Committee)"]]):
        assert detect(write_csv(tmp_path / f"f{i}.csv", header, [])) == "graph-csv", header
    plain = write_csv(tmp_path / "plain.csv", ["id", "label", "name"], [["A", "Person", "x"]])
    with pytest.raises(Exception, match="cannot tell what kind"):
        detect(plain)


def test_loads_committees_members_shareholdings_decisions_votes(tmp_path: Path,
                                                                 embedded_store: EmbeddedStore) -> None:
    files = economy(tmp_path / "in")
    reports = load_paths(embedded_store, [files["nodes"], files["rels"]])
    assert [(r.status, r.read, r.loaded, r.rejected) for r in reports] == [
        ("loaded", 9, 9, []), ("loaded", 14, 14, [])]
    g = embedded_store.graph()
    pccc = g.node("00X-PCCC")
    assert pccc is not None
    assert (pccc["label"], pccc["committee_type"], pccc["quorum"], pccc["quorum_lay"]) == ("Committee", "pccc", 4, 2)
    assert isinstance(pccc["quorum"], int)
    assert pccc["source"] == "nodes.csv:3"  # header is row 1
    assert g.node("FED1")["company_number"] == "09999999"  # untyped: string, leading zero kept
    decision = g.node("D-2017-01")
    assert decision["date"] == "2017-03-14" and decision["value_gbp"] == 1250000.5
    seats = {s: d for s, _, d in g.in_rels("00X-PCCC", ["SITS_ON"])}
    assert seats["P-LAY1"]["role"] == "chair" and seats["P-LAY1"]["member_type"] == "lay"
    assert seats["P-LAY1"]["voting"] is True and seats["P-GP1"]["voting"] is True
    assert seats["P-GP2"]["voting"] is False
    assert seats["P-GP1"]["valid_to"] == "2018-03-31"
    shares = {s: d["percent"] for s, _, d in g.in_rels("FED1", ["SHAREHOLDER_OF"])}
    assert shares == {"P-GP1": 12.5, "Z99001": 10.0}
    assert {s for s, _, _ in g.in_rels("D-2017-01", ["VOTED_ON"])} == {"P-LAY1", "P-GP1"}
    assert g.stats()["relationships"] == {
        "ATTENDED": 2, "AT_MEETING": 1, "AWARDED_TO": 1, "COMMITTEE_OF": 1, "DECIDED_BY": 1, "MEMBER_OF": 1,
        "SHAREHOLDER_OF": 2, "SITS_ON": 3, "VOTED_ON": 2}
    first_seat = next(d for s, _, d in g.in_rels("00X-PCCC", ["SITS_ON"]) if s == "P-LAY1")
    assert first_seat["source"] == "rels.csv:3"


def test_label_from_id_group_or_file_name_and_type_from_file_name(tmp_path: Path,
                                                                   embedded_store: EmbeddedStore) -> None:
    people = write_csv(tmp_path / "people.csv", ["personId:ID(Person)", "name", "notes:IGNORE"],
                       [["P1", "Ann Made-Up", "anything at all: ignored"]])
    meetings = write_csv(tmp_path / "nodes_Meeting.csv", [":ID", "name", "date:date"], [["M1", "AGM", "2018-06-01"]])
    family = write_csv(tmp_path / "rels_FAMILY_OF.csv", [":START_ID(Person)", ":END_ID(Person)", "relation"],
                       [["P1", "P2", "sibling"]])
    people2 = write_csv(tmp_path / "Person.csv", [":ID", "name"], [["P2", "Bo Made-Up"]])
    reports = load_paths(embedded_store, [people, meetings, people2, family])
    assert [r.status for r in reports] == ["loaded"] * 4, [r.error for r in reports]
    g = embedded_store.graph()
    assert (g.label("P1"), g.label("M1"), g.label("P2")) == ("Person", "Meeting", "Person")
    assert "notes" not in g.node("P1") and "personId" not in g.node("P1")
    assert [(e, t, d["relation"]) for e, t, d in g.out_rels("P1")] == [("P2", "FAMILY_OF", "sibling")]


def test_a_source_column_is_kept_as_the_records_source(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    f = write_csv(tmp_path / "n.csv", [":ID", ":LABEL", "name", "source"],
                  [["P1", "Person", "Ann", "register-2018.xlsx:14"], ["P2", "Person", "Bo", ""]])
    load_file(embedded_store, f)
    g = embedded_store.graph()
    assert g.node("P1")["source"] == "register-2018.xlsx:14"
    assert g.node("P2")["source"] == "n.csv:3"


# (header, row, column as reported, value, words expected in the reason)
BAD_NODE_ROWS = [
    ([":ID", ":LABEL", "name"], ["X1", "Persn", "Ann"], ":LABEL", "Persn", "expected one of Person"),
    ([":ID", ":LABEL", "name"], ["", "Person", "Ann"], ":ID", "", "expected a non-empty id"),
    ([":ID", ":LABEL", "name"], ["X1", "Person;Lay", "Ann"], ":LABEL", "Person;Lay", "exactly one label"),
    ([":ID", ":LABEL", "quorum:int"], ["C1", "Committee", "three"], "quorum:int", "three", "expected an integer"),
    ([":ID", ":LABEL", "quorum"], ["C1", "Committee", "4.5"], "quorum", "4.5", "expected an integer"),
    ([":ID", ":LABEL", "value_gbp:float", "date:date"], ["D1", "Decision", "£1m", "2017-01-01"],
     "value_gbp:float", "£1m", "expected a number"),
    ([":ID", ":LABEL", "date:date"], ["M1", "Meeting", "14/03/2017"], "date:date", "14/03/2017",
     "expected an ISO date yyyy-mm-dd"),
    ([":ID", ":LABEL", "date:date"], ["M1", "Meeting", "2017-02-30"], "date:date", "2017-02-30",
     "expected an ISO date yyyy-mm-dd"),
    ([":ID", ":LABEL", "date:date"], ["M1", "Meeting", ""], "date:date", "", "required for Meeting"),
    ([":ID", ":LABEL", "committee_type"], ["C1", "Committee", "board"], "committee_type", "board",
     "expected 'pccc', 'governing_body' or 'other'"),
    ([":ID", ":LABEL", "quorum:int"], ["P1", "Person", "3"], "quorum:int", "3", "unknown property"),
    ([":ID", ":LABEL", "shoe_size"], ["P1", "Person", "9"], "shoe_size", "9", "unknown property"),
    ([":ID", ":LABEL", "valid_from:date", "valid_to:date"], ["P1", "Person", "2019-01-01", "2018-01-01"],
     "valid_to:date", "2018-01-01", "on or after valid_from"),
    ([":ID", ":LABEL", "name"], ["P1", "Person"], "(row)", 2, "expected 3 columns"),
]


@pytest.mark.parametrize(("header", "bad", "column", "value", "reason"), BAD_NODE_ROWS,
                         ids=[f"{c}={v}" for _, _, c, v, _ in BAD_NODE_ROWS])
def test_each_bad_node_row_is_reported_precisely(tmp_path: Path, embedded_store: EmbeddedStore,
                                                 header: list[str], bad: list[str], column: str,
                                                 value: object, reason: str) -> None:
    good_before = ["OK1", "Person"] + [""] * (len(header) - 2)
    good_after = ["OK2", "Person"] + [""] * (len(header) - 2)
    f = write_csv(tmp_path / "people.csv", header, [good_before, bad, good_after])
    report = load_file(embedded_store, f)
    assert report.status == "loaded" and report.read == 3 and report.loaded == 2
    assert len(report.rejected) == 1, report.rejected
    rej = report.rejected[0]
    assert (rej.file, rej.row, rej.column, rej.value) == ("people.csv", 3, column, value)
    assert reason in rej.reason
    g = embedded_store.graph()
    assert "OK1" in g and "OK2" in g and g.stats()["nodes"] == {"Person": 2}


BAD_REL_ROWS = [
    (["P1", "SITS_ONN", "C1"], ":TYPE", "SITS_ONN", "expected one of SITS_ON"),
    (["P1", "SITS_ON", "NOBODY"], ":END_ID", "NOBODY", "expected the id of a node already loaded"),
    (["GHOST", "SITS_ON", "C1"], ":START_ID", "GHOST", "expected the id of a node already loaded"),
    (["P1", "SITS_ON", "F1"], ":TYPE", "SITS_ON", "Person -> Federation is not allowed; expected Person -> Committee"),
    (["C1", "SITS_ON", "P1"], ":TYPE", "SITS_ON", "Committee -> Person is not allowed"),
    (["P1", "SITS_ON", "C1", "boss"], "role", "boss", "expected 'chair', 'vice_chair' or 'member'"),
    (["P1", "SITS_ON", "C1", "member", "gp", "maybe"], "voting:boolean", "maybe", "expected true or false"),
    (["P1", "SHAREHOLDER_OF", "F1", "", "", "", "a tenth"], "percent:float", "a tenth", "expected a number"),
    (["P1", "SITS_ON", "C1", "", "", "", "5"], "percent:float", "5", "unknown property"),
    (["P1", "SITS_ON", "C1", "", "", "", "", "2015-13-01"], "valid_from:date", "2015-13-01", "ISO date"),
    (["P1", "", "C1"], ":TYPE", "", "expected one of"),
]


@pytest.mark.parametrize(("bad", "column", "value", "reason"), BAD_REL_ROWS,
                         ids=[f"{c}={v}" for _, c, v, _ in BAD_REL_ROWS])
def test_each_bad_relationship_row_is_reported_precisely(tmp_path: Path, embedded_store: EmbeddedStore,
                                                         bad: list[str], column: str, value: object,
                                                         reason: str) -> None:
    load_file(embedded_store, write_csv(tmp_path / "n.csv", [":ID", ":LABEL", "name"], [
        ["P1", "Person", "Ann Made-Up"], ["C1", "Committee", "PCCC"], ["F1", "Federation", "Fed Ltd"]]))
    header = [":START_ID", ":TYPE", ":END_ID", "role", "member_type", "voting:boolean", "percent:float",
              "valid_from:date"]
    bad = bad + [""] * (len(header) - len(bad))
    good = ["P1", "SITS_ON", "C1", "member", "lay", "true", "", "2016-01-01"]
    f = write_csv(tmp_path / "r.csv", header, [bad, good])
    report = load_file(embedded_store, f)
    assert report.status == "loaded" and (report.read, report.loaded) == (2, 1)
    assert report.rejected == [Rejection("r.csv", 2, column, value, report.rejected[0].reason)]
    assert reason in report.rejected[0].reason
    rels = list(embedded_store.graph().rels())
    assert [(s, t, e, d["source"]) for s, t, e, d in rels] == [("P1", "SITS_ON", "C1", "r.csv:3")]


FILE_ERRORS = [
    (["id:ID", ":LABEL", "quorum:string"], "quorum:string", "Committee.quorum is int; expected quorum:int"),
    (["id:ID", ":LABEL", "date:int"], "date:int", "is date"),
    ([":START_ID", ":TYPE", ":END_ID", "voting:int"], "voting:int", "SITS_ON.voting is boolean"),
    (["id:ID", ":LABEL", "where:point"], "where:point", "unsupported column type"),
    (["id:ID", ":LABEL", ":START_ID"], ":ID", "either nodes (:ID) or relationships"),
    ([":START_ID", ":TYPE"], ":END_ID", "needs an :END_ID column"),
    (["id:ID", ":LABEL", "name", "name"], "name", "duplicate column"),
    (["id:ID", "name"], ":LABEL", "no :LABEL column"),
    ([":START_ID", ":END_ID"], ":TYPE", "no :TYPE column"),
    (["id:ID", ":LABEL", ":TYPE"], ":TYPE", "not allowed in a node file"),
]


@pytest.mark.parametrize(("header", "column", "reason"), FILE_ERRORS, ids=[c for _, c, _ in FILE_ERRORS])
def test_a_header_that_cannot_be_read_rejects_the_file_with_the_column(
        tmp_path: Path, embedded_store: EmbeddedStore, header: list[str], column: str, reason: str) -> None:
    f = write_csv(tmp_path / "things.csv", header, [["X"] * len(header)])
    report = load_file(embedded_store, f, kind="graph-csv")
    assert report.status == "rejected"
    assert report.error is not None and reason in report.error and f"column {column}" in report.error
    assert "things.csv, row 1" in report.error
    assert not embedded_store.path.exists()  # nothing written


def test_a_folder_loads_node_files_before_relationship_files(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    folder = tmp_path / "economy"
    files = economy(folder)
    # Names chosen so that alphabetical order would load the relationships first.
    files["rels"].rename(folder / "a_relationships.csv")
    files["nodes"].rename(folder / "z_nodes.csv")
    (folder / "notes.md").write_text("not data")
    (folder / ".hidden.csv").write_text("x")
    assert [p.name for p in expand_paths([folder])] == ["z_nodes.csv", "a_relationships.csv"]
    reports = load_paths(embedded_store, [folder])
    assert [(r.file, r.status, len(r.rejected)) for r in reports] == [
        ("z_nodes.csv", "loaded", 0), ("a_relationships.csv", "loaded", 0)]
    assert sum(embedded_store.graph().stats()["relationships"].values()) == 14


def test_an_empty_folder_is_reported(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    (tmp_path / "empty").mkdir()
    [report] = load_paths(embedded_store, [tmp_path / "empty"])
    assert report.status == "rejected" and "no data files" in (report.error or "")


# ---- the CLI contract: exit 0 all loaded, 1 a file rejected whole, 2 usage --------------------------

def test_cli_load_exit_codes_and_report(tmp_path: Path) -> None:
    store = tmp_path / "graph.json"
    files = economy(tmp_path / "in")
    ok = run_cli(store, "load", str(tmp_path / "in"))
    assert ok.returncode == 0, ok.stderr
    assert "loaded nodes.csv (graph-csv): read 9, loaded 9, rejected 0" in ok.stderr

    bad_rows = write_csv(tmp_path / "more.csv", [":ID", ":LABEL", "quorum:int"],
                         [["C9", "Committee", "x"], ["C8", "Committee", "3"]])
    partial = run_cli(store, "load", str(bad_rows), "--report", str(tmp_path / "report.json"))
    assert partial.returncode == 0, partial.stderr
    assert "more.csv, row 2, column quorum:int: 'x': expected an integer" in partial.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report[0]["rejected"] == [{"file": "more.csv", "row": 2, "column": "quorum:int", "value": "x",
                                      "reason": "expected an integer"}]
    assert (report[0]["read"], report[0]["loaded"], report[0]["status"]) == (2, 1, "loaded")

    whole = write_csv(tmp_path / "contradicts.csv", [":ID", ":LABEL", "quorum:date"], [["C7", "Committee", ""]])
    rejected = run_cli(store, "load", str(files["nodes"]), str(whole))
    assert rejected.returncode == 1
    assert "contradicts.csv, row 1, column quorum:date" in rejected.stderr
    assert "Traceback" not in rejected.stderr

    missing = run_cli(store, "load", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "no such file" in missing.stderr

    for usage in (["load"], ["load", str(files["nodes"]), "--kind", "nonsense"], ["load", "--bogus", "x"]):
        result = run_cli(store, *usage)
        assert result.returncode == 2, (usage, result.stderr)
        assert "Traceback" not in result.stderr
