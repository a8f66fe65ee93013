"""Nothing typed into a workbook is lost on the way back: read, generate --plan and merge.

The workbooks under ``tests/fixtures/read/lossless-*.xlsx`` are generated ones edited the way
people edit them (``tests/fixtures/read/make_lossless.py``); one was re-saved by LibreOffice.
Every test goes through the CLI and checks exact values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.model.blueprint import load_blueprint
from tests.rowids_help import without_ids

READ = Path(__file__).resolve().parent / "fixtures" / "read"
CELLS, CELLS_LO = READ / "lossless-cells.xlsx", READ / "lossless-cells-lo.xlsx"
OVERVIEW, LENIENT = READ / "lossless-overview.xlsx", READ / "lossless-lenient.xlsx"
BAD = READ.parent / "bad"

SECURITY = {"number": 1, "description": "Security review", "deadline": "2027-01-15",
            "status": "In progress", "notes": "Ask Tom first",
            "_notes": {"description": {"link": "https://example.com/security?step=1&who=it"},
                       "deadline": {"comment": "Legal wants two weeks"}}}
EXAMPLE_COPY = {"number": 1, "phase": 1, "description": "Analysis of the current state",
                "deadline": "start+1w", "if_missed": "Discovery phase is delayed",
                "importance": "High", "responsible": "Buyer 1", "status": "Not started"}
FAR_BELOW = {"number": 9, "description": "Typed far below", "responsible": "Bob"}


def cli(runner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def read(runner, path: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / f"{path.stem}-{len(list(tmp_path.iterdir()))}.json"
    code, output = cli(runner, "read", str(path), "--out", str(out), *extra)
    assert out.exists(), output
    return code, json.loads(out.read_text())


def issues(plan: dict, code: str) -> list[tuple[str, str, str]]:
    return [(i.get("sheet"), i.get("cell"), i["message"]) for i in plan["issues"] if i["code"] == code]


# --------------------------------------------------------------------------- every cell counted


@pytest.mark.parametrize("path", [CELLS, CELLS_LO], ids=["openpyxl", "libreoffice"])
def test_cells_below_a_gap_and_in_the_margins_are_data_or_named(runner, tmp_path, path):
    code, plan = read(runner, path, tmp_path)
    assert code == 0
    # The copy of the example typed by hand in row 10 is data; the generated example is not.
    assert plan["sections"]["action_items"] == [SECURITY, EXAMPLE_COPY, FAR_BELOW]
    assert plan["columns"] == {"action_items": {"notes": "Notes"}}
    outside = "so it is not read as data; move it into the table (a new column needs a header)"
    assert issues(plan, "outside-table") == [
        ("Action Items", "D5", f"'above the header' is above the table's header, {outside}"),
        ("Action Items", "GZ8", f"'far right' is more than 200 columns right of the table, {outside}"),
        ("Action Items", "A9", f"'left margin note' is left of the table, {outside}"),
    ]
    assert issues(plan, "rows-below-gap") == [
        ("Action Items", "B700", "row 700 lies 689 blank rows below the rows before it; it and the "
                                 "rows after it are read as data")]
    # The half-cleared example of Stakeholders: skipped, but the cells left are named.
    assert plan["sections"]["stakeholders"] == []
    assert issues(plan, "example-partly-cleared") == [
        ("Stakeholders Identification", "D7", "row 7 is an example with some cells cleared; what "
         "is left (D7, E7) is example text and is not read: clear the row, or type your own values "
         "over it")]
    assert sorted(i["code"] for i in plan["issues"]) == sorted(
        ["unknown-column", "outside-table", "outside-table", "outside-table", "rows-below-gap",
         "example-partly-cleared"])


# --------------------------------------------------------------------------- extra columns


def test_an_added_column_survives_generate_and_merge_in_every_format(runner, tmp_path):
    from docx import Document

    _, plan = read(runner, CELLS, tmp_path)
    plan["sections"]["action_items"].remove(EXAMPLE_COPY)  # its relative date needs a deal
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    code, output = cli(runner, "generate", "--plan", str(tmp_path / "plan.json"),
                       "--out", str(tmp_path / "next"))
    assert code == 0 and "kept as it is" not in output
    wb = load_workbook(tmp_path / "next" / "map.xlsx")
    ws = wb["Action Items"]
    headers = [c.value for c in ws[6] if c.value]
    section = load_blueprint("map").section("action_items")
    assert headers == [c.title for c in section.columns] + ["Notes"]  # after the blueprint's
    notes_col = len(headers) + 1
    assert [ws.cell(r, notes_col).value for r in (7, 8, 9)] == ["Ask Tom first", None, None]
    # Read back: the same rows and no word about an unknown column.
    code, again = read(runner, tmp_path / "next" / "map.xlsx", tmp_path)
    assert code == 0
    assert without_ids(again["sections"]["action_items"]) == without_ids(
        plan["sections"]["action_items"])
    assert again["columns"] == {"action_items": {"notes": "Notes"}}
    assert again["issues"] == []
    # Merge into every output format: the column is there.
    for out in ("merged.json", "merged.xlsx", "merged.docx"):
        code, output = cli(runner, "merge", str(tmp_path / "plan.json"),
                           str(tmp_path / "next" / "map.xlsx"), "--out", str(tmp_path / out))
        assert code == 0, output
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["columns"] == {"action_items": {"notes": "Notes"}}
    assert merged["sections"]["action_items"][0]["notes"] == "Ask Tom first"
    code, back = read(runner, tmp_path / "merged.xlsx", tmp_path)
    assert back["sections"]["action_items"][0]["notes"] == "Ask Tom first"
    doc = Document(str(tmp_path / "merged.docx"))
    table = next(t for t in doc.tables if "Notes" in [c.text for c in t.rows[0].cells])
    column = [c.text for c in table.rows[0].cells].index("Notes")
    assert [r.cells[column].text for r in table.rows[1:3]] == ["Ask Tom first", ""]


# --------------------------------------------------------------------------- the Overview


def test_deal_facts_and_the_objective_typed_on_the_overview_win(runner, tmp_path):
    code, plan = read(runner, OVERVIEW, tmp_path)
    assert code == 0
    assert plan["deal"] == {"name": "Analytics rollout", "buyer": "Fabrikam", "seller": "Nimbus",
                            "start": "2026-12-01", "close": "2027-02-01", "go_live": "2027-04-01"}
    # the sheet's objective is kept too (the workbook holds no record that mapgen wrote it)
    assert plan["sections"]["objective"] == [{"description": "Go live before the March audit"},
                                             {"rank": 1, "description": "Go live before the audit"}]
    assert issues(plan, "deal-from-overview") == [
        ("Overview", "F4", "Buyer on the Overview is 'Fabrikam'; the workbook was made with "
                           "'Contoso': the Overview's value is read"),
        ("Overview", "F6", "Go-live on the Overview is '2027-04-01'; the workbook was made with "
                           "'2027-03-01': the Overview's value is read")]
    assert issues(plan, "objective-twice") == [
        ("Overview", "B10", "the objective typed on the Overview, 'Go live before the March "
                            "audit', differs from 'Go live before the audit' typed on sheet "
                            "'Objective': both are kept, the Overview's first")]


# --------------------------------------------------------------------------- comments and links


def test_comments_and_links_on_data_cells_are_kept_and_written_back(runner, tmp_path):
    _, plan = read(runner, CELLS, tmp_path)
    plan["sections"]["action_items"].remove(EXAMPLE_COPY)  # its relative date needs a deal
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    assert cli(runner, "generate", "--plan", str(tmp_path / "plan.json"), "--format", "xlsx",
               "--out", str(tmp_path / "next"))[0] == 0
    ws = load_workbook(tmp_path / "next" / "map.xlsx")["Action Items"]
    assert ws["E7"].comment.text == "Legal wants two weeks"
    assert ws["D7"].hyperlink.target == "https://example.com/security?step=1&who=it"
    _, again = read(runner, tmp_path / "next" / "map.xlsx", tmp_path)
    assert again["sections"]["action_items"][0]["_notes"] == SECURITY["_notes"]


# --------------------------------------------------------------------------- lenient values


def test_date_serials_percent_numbers_and_formula_errors_in_typed_text(runner, tmp_path):
    code, plan = read(runner, LENIENT, tmp_path, "--blueprint", str(READ / "all_types.yaml"))
    assert code == 1  # the formula error is an error: the person's text is a guess
    assert plan["sections"]["items"] == [
        {"label": "Serial", "due": "2027-01-15"},
        {"label": "Fifty", "share": 0.5},
        {"label": "Fifty text", "share": 0.5},
        {"label": "Fifty percent", "share": 0.5},
        {"label": "Typed text", "notes": "-follow up"},
    ]
    found = {(i["code"], i["cell"], i["severity"]): i["message"] for i in plan["issues"]}
    assert found == {
        ("date-serial", "E8", "warning"):
            "Due: the number 46402 was read as the date 2027-01-15 (format the cell as a date)",
        ("percent-as-number", "G9", "warning"): "Share: 50 was read as 50%",
        ("percent-as-number", "G10", "warning"): "Share: 50 was read as 50%",
        ("formula-error", "C12", "error"):
            "Notes: the cell shows #NAME? from the formula =-follow up: if you meant the text "
            "'-follow up', type an apostrophe first ('-follow up) so that it stays text",
    }


# --------------------------------------------------------------------------- merge


def _plan_file(path: Path, rows: list[dict], blueprint: str = "map") -> Path:
    path.write_text(json.dumps({"format": "mapgen-plan", "format_version": 1,
                                "blueprint": {"name": blueprint, "version": "1"},
                                "deal": {"buyer": "Contoso"},
                                "sections": {"action_items": rows}}))
    return path


def test_keep_going_merges_the_usable_files_and_names_the_others(runner, tmp_path):
    good = _plan_file(tmp_path / "ann.json", [{"description": "Security review"}])
    other = _plan_file(tmp_path / "bob.json", [{"description": "Order form"}])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((BAD / "truncated.xlsx").read_bytes())
    out = tmp_path / "merged.json"
    code, output = cli(runner, "merge", str(good), str(broken), str(other), "--out", str(out))
    assert code == 2 and not out.exists()
    code, output = cli(runner, "merge", str(good), str(broken), str(other), "--out", str(out),
                       "--keep-going", "--report", str(tmp_path / "report.json"))
    assert code == 1, output
    assert [r["description"] for r in json.loads(out.read_text())["sections"]["action_items"]] == [
        "Security review", "Order form"]
    report = json.loads((tmp_path / "report.json").read_text())
    assert [s["file"] for s in report["skipped"]] == [str(broken)]
    assert f"skipped {broken}: " in output
    assert report["skipped"][0]["reason"] in output
    # Nothing usable at all: exit 2 and nothing written.
    code, output = cli(runner, "merge", str(broken), "--out", str(tmp_path / "none.json"),
                       "--keep-going")
    assert code == 2 and not (tmp_path / "none.json").exists()
    assert output.count("\n") == 1 and "no input could be used" in output


def test_conflicts_never_resolved_are_warnings_when_the_merge_is_read_back(runner, tmp_path):
    ann = _plan_file(tmp_path / "ann.json", [{"number": 1, "description": "Security review",
                                              "deadline": "2027-01-15"}])
    bob = _plan_file(tmp_path / "bob.json", [{"number": 1, "description": "Security review",
                                              "deadline": "2027-01-22"}])
    out = tmp_path / "merged.xlsx"
    assert cli(runner, "merge", str(ann), str(bob), "--out", str(out))[0] == 0
    code, plan = read(runner, out, tmp_path)
    assert code == 0
    note = "Conflict: ann.json: 2027-01-15; bob.json: 2027-01-22 (kept ann.json's)"
    wb = load_workbook(out)
    assert wb["Action Items"]["E7"].comment.text == note
    assert issues(plan, "unresolved-conflict") == [
        ("Action Items", "E7", f"Deadline: the conflict marked by merge is still there ('{note}'); "
                               "settle the value and delete the comment")]
    assert "_notes" not in plan["sections"]["action_items"][0]
    # Settled: the person deletes the comment; reading is clean.
    wb["Action Items"]["E7"].comment = None
    wb.save(tmp_path / "settled.xlsx")
    code, plan = read(runner, tmp_path / "settled.xlsx", tmp_path)
    assert code == 0 and plan["issues"] == []


def test_copies_of_a_company_blueprint_and_of_its_parent_merge_with_blueprint(runner, in_tmp):
    from mapgen.model.plan import plan_from_data
    from mapgen.ops.generate import generate

    paths = []
    for name in ("saas", "map"):
        bp = load_blueprint(name)
        plan = plan_from_data({"deal": {"buyer": "Contoso", "start": "2026-12-01",
                                        "close": "2027-03-15", "go_live": "2027-06-01"},
                               "sections": {"action_items": [
                                   {"description": f"From {name}", "responsible": name.upper()}]}},
                              bp)
        [path] = generate(bp, plan=plan, formats=["xlsx"], out_dir=in_tmp, stem=name)
        paths.append(str(path))
    code, output = cli(runner, "merge", *paths, "--out", "merged.json")
    assert code == 2 and "--blueprint" in output and not Path("merged.json").exists()
    code, output = cli(runner, "merge", "--blueprint", "saas", *paths, "--out", "merged.json")
    assert code == 0, output
    merged = json.loads(Path("merged.json").read_text())
    assert merged["blueprint"]["name"] == "saas"
    rows = {r["description"]: r.get("responsible") for r in merged["sections"]["action_items"]}
    # The parent's "Responsible Person" column maps by key onto the company's "Owner".
    assert (rows["From saas"], rows["From map"]) == ("SAAS", "MAP")
    # Read with the company blueprint, the parent's copy lacks the company's added column.
    assert [(i["code"], i["file"], i.get("column")) for i in merged["issues"]] == [
        ("blueprint-mismatch", str(in_tmp / "map.xlsx"), None),
        ("missing-column", str(in_tmp / "map.xlsx"), "exit_criteria")]


# --------------------------------------------------------------------------- header synonyms

SYNONYMS = READ / "lossless-synonyms.xlsx"


def test_headers_renamed_to_synonyms_map_to_their_columns(runner, tmp_path):
    code, plan = read(runner, SYNONYMS, tmp_path)
    assert code == 0
    assert plan["sections"]["action_items"] == [
        {"number": 1, "description": "Security review", "responsible": "Ann"},
        {"number": 2, "description": "Order form", "deadline": "2027-01-29", "responsible": "Bob"}]
    assert "columns" not in plan
    assert issues(plan, "header-alias") == [
        ("Action Items", "D6", "column 'Task' is read as 'Description' (a name it goes by)"),
        ("Action Items", "E6", "column 'Due date' is read as 'Deadline' (a name it goes by)"),
        ("Action Items", "H6", "column 'Owner' is read as 'Responsible Person' (a name it goes by)")]
    assert [i["code"] for i in plan["issues"]] == ["header-alias"] * 3


def test_a_renamed_copy_merges_with_the_original_losing_nothing(runner, tmp_path):
    original = tmp_path / "ann.json"
    original.write_text(json.dumps({"format": "mapgen-plan", "format_version": 1,
                                    "deal": {"buyer": "Contoso"}, "sections": {"action_items": [
                                        {"number": 1, "description": "Security review",
                                         "deadline": "2027-01-15"}]}}))
    out = tmp_path / "merged.json"
    code, output = cli(runner, "merge", str(original), str(SYNONYMS), "--out", str(out))
    assert code == 0, output
    rows = json.loads(out.read_text())["sections"]["action_items"]
    assert rows == [
        {"number": 1, "description": "Security review", "deadline": "2027-01-15",
         "responsible": "Ann"},
        {"number": 2, "description": "Order form", "deadline": "2027-01-29", "responsible": "Bob"}]


def test_a_long_text_outside_the_table_comes_back_whole_in_its_issue(runner, tmp_path):
    """The message quotes a cut of it; the issue's value holds every character typed."""
    from mapgen.ops.generate import generate

    [blank] = generate(load_blueprint("map"), formats=["xlsx"], out_dir=tmp_path, stem="blank")
    text = "Remember to ask legal: " + "the contract needs two weeks of review. " * 6
    wb = load_workbook(blank)
    wb["Action Items"]["A9"] = text
    wb.save(blank)
    _, plan = read(runner, blank, tmp_path)
    [issue] = [i for i in plan["issues"] if i["code"] == "outside-table"]
    assert (issue["sheet"], issue["cell"], issue["value"]) == ("Action Items", "A9", text)
    assert "…" in issue["message"] and text not in issue["message"]
