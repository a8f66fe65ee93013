"""Word handouts come back: filled in with python-docx as people fill them, read through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from handout_fill import fill

from mapgen.cli import main
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate


def make(out: Path, blueprint: str = "map", stem: str = "blank", **kw) -> Path:
    [path] = generate(load_blueprint(blueprint), formats=["docx"], out_dir=out, force=True,
                      stem=stem, **kw)
    return path


def read(runner, path: Path, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(main, ["read", str(path), *args])
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, data, result.stderr


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return make(tmp_path_factory.mktemp("blank"))


def test_filled_blank_handout_reads_every_value(runner, blank, tmp_path):
    # Action items: row 0 is the example, rows 1.. are write-in rows.
    filled = fill(blank, tmp_path / "filled.docx", {
        "1.": [(1, ["1", "Win the pilot together"])],
        "3.": [(0, [None, None, "Security review with IT", "15/01/2027", None, "High", "Tom",
                    "In progress"]),  # typed over the example
               (1, ["2", "1", "Kick-off call", "2027-01-20", "", "Low", "Ann", "Done"]),
               (2, ["3", "2", "Pricing workshop", "3 Feb 2027", "", "", "Bob", "not started"])],
    }, added={"3.": [["4", "2", "Sign the order form", "1 March 2027", "", "High", "Cleo",
                      "Blocked"]]},
        cover={"Buyer": "Contoso", "Go-live": "30 Apr 2027", "Name": "Ann Lee"})
    code, plan, err = read(runner, filled)
    assert code == 0, err
    assert plan["deal"] == {"buyer": "Contoso", "go_live": "2027-04-30"}
    assert plan["participant"] == "Ann Lee"
    assert plan["sections"]["objective"] == [{"rank": 1, "description": "Win the pilot together"}]
    assert plan["sections"]["action_items"] == [
        {"number": 1, "phase": 1, "description": "Security review with IT", "deadline": "2027-01-15",
         "if_missed": "Discovery phase is delayed",
         "importance": "High", "responsible": "Tom", "status": "In progress"},
        {"number": 2, "phase": 1, "description": "Kick-off call", "deadline": "2027-01-20",
         "importance": "Low", "responsible": "Ann", "status": "Done"},
        {"number": 3, "phase": 2, "description": "Pricing workshop", "deadline": "2027-02-03",
         "responsible": "Bob", "status": "Not started"},
        {"number": 4, "phase": 2, "description": "Sign the order form", "deadline": "2027-03-01",
         "importance": "High", "responsible": "Cleo", "status": "Blocked"},
    ]


def test_a_bad_value_is_an_issue_naming_table_row_and_column(runner, blank, tmp_path):
    filled = fill(blank, tmp_path / "bad.docx", {
        "3.": [(2, ["7", "1", "Call", "next Friday", "", "Urgent", "Ann", "Done"])]})
    code, plan, err = read(runner, filled)
    assert code == 1
    issues = {(i["code"], i.get("table"), i.get("row"), i.get("column")): i["message"]
              for i in plan["issues"] if i["severity"] == "error"}
    assert set(issues) == {("invalid-date", "3. Action Items", 3, "deadline"),
                           ("invalid-choice", "3. Action Items", 3, "importance")}
    assert issues[("invalid-date", "3. Action Items", 3, "deadline")].startswith("Deadline: 'next Friday'")
    row = plan["sections"]["action_items"][0]
    assert row["deadline"] == "next Friday" and row["importance"] == "Urgent"
    assert "table '3. Action Items', row 3" in err


def test_german_handout_dates_and_choices_in_both_languages(runner, tmp_path):
    blank = make(tmp_path, "map-de", stem="de")
    filled = fill(blank, tmp_path / "de-filled.docx", {
        "3.": [(1, ["1", "1", "Auftakt", "15. Januar 2027", "", "Hoch", "Ann", "Erledigt"]),
               (2, ["2", "1", "Review", "03.02.2027", "", "Low", "Bob", "In progress"])]})
    code, plan, err = read(runner, filled, "--blueprint", "map-de")
    assert code == 0, err
    rows = plan["sections"]["action_items"]
    de = load_blueprint("map-de").section("action_items")
    status = de.column("status").choices
    importance = de.column("importance").choices
    assert [(r["deadline"], r["status"], r["importance"]) for r in rows] == [
        ("2027-01-15", status[2], importance[0]), ("2027-02-03", status[1], importance[1])]


def test_foreign_word_document_by_headers_and_one_without_tables(runner, tmp_path):
    doc = Document()
    doc.add_heading("Our actions", 1)
    table = doc.add_table(rows=3, cols=4)
    for row, values in zip(table.rows, [["Description", "Deadline", "Owner", "Notes"],
                                         ["Send proposal", "2027-01-10", "Ann", "draft ready"],
                                         ["Legal review", "12 Jan 2027", "Bob", ""]], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "foreign.docx"
    doc.save(path)
    code, plan, err = read(runner, path)
    assert code == 0, err
    assert plan["sections"]["action_items"] == [
        {"description": "Send proposal", "deadline": "2027-01-10", "responsible": "Ann",
         "notes": "draft ready"},
        {"description": "Legal review", "deadline": "2027-01-12", "responsible": "Bob"}]
    codes = {i["code"] for i in plan["issues"]}
    assert {"no-record", "unknown-column", "header-alias"} <= codes
    empty = Document()
    empty.add_paragraph("Just a letter.")
    empty.save(tmp_path / "letter.docx")
    result = runner.invoke(main, ["read", str(tmp_path / "letter.docx")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "is not a MAP handout: it has no tables" in result.stderr


def test_prefilled_handout_reads_as_its_workbook(runner, tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "deal.yaml"
    generate_args = ["generate", "--blueprint", "saas", "--plan", str(fixture), "--format", "all",
                     "--out", str(tmp_path)]
    result = runner.invoke(main, generate_args)
    assert result.exit_code == 0, result.output
    docx, xlsx = sorted(tmp_path.glob("*.docx"))[0], sorted(tmp_path.glob("*.xlsx"))[0]
    _, from_docx, _ = read(runner, docx, "--blueprint", "saas")
    _, from_xlsx, _ = read(runner, xlsx)
    assert from_docx["deal"] == from_xlsx["deal"]
    assert from_docx["blueprint"] == {"name": "saas", "version": "1"}

    def plain(sections: dict) -> dict:
        return {k: [{c: v for c, v in r.items() if not c.startswith("_")} for r in rows]
                for k, rows in sections.items()}

    assert plain(from_docx["sections"]) == plain(from_xlsx["sections"])
    assert from_docx["relative_dates"] == from_xlsx["relative_dates"]
    assert all(r.get("_id") for rows in from_docx["sections"].values() for r in rows)


def test_merged_handout_reads_back_without_sources_or_conflict_notes(runner, blank, tmp_path):
    ann = fill(blank, tmp_path / "ann.docx", {
        "3.": [(1, ["1", "1", "Kick-off call", "2027-01-20", "", "Low", "Ann", "Done"])]},
        cover={"Name": "Ann Lee"})
    bob = fill(blank, tmp_path / "bob.docx", {
        "3.": [(1, ["1", "1", "Kick-off call", "2027-01-22", "", "Low", "Ann", "Done"])]},
        cover={"Name": "Bob Diaz"})
    merged = tmp_path / "merged.docx"
    result = runner.invoke(main, ["merge", str(ann), str(bob), "--out", str(merged)])
    assert result.exit_code == 0, result.output
    code, plan, err = read(runner, merged)
    assert code == 0, err
    assert [{k: v for k, v in r.items() if k != "_id"} for r in plan["sections"]["action_items"]] == [
        {"number": 1, "phase": 1, "description": "Kick-off call", "deadline": "2027-01-20",
         "importance": "Low", "responsible": "Ann", "status": "Done"}]
    [conflict] = [i for i in plan["issues"] if i["code"] == "unresolved-conflict"]
    assert (conflict["table"], conflict["row"], conflict["column"]) == ("3. Action Items", 1,
                                                                       "deadline")


def test_the_record_picks_blueprint_keeps_ids_through_deleted_and_inserted_rows(runner, tmp_path):
    from copy import deepcopy

    from docx import Document
    from handout_fill import add_row, section_table, type_into

    fixture = Path(__file__).parent / "fixtures" / "deal.yaml"
    result = runner.invoke(main, ["generate", "--plan", str(fixture), "--format", "docx", "--out",
                                  str(tmp_path), "--name", "deal"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "deal.docx"
    _, before, _ = read(runner, path)  # no --blueprint: the record says saas
    assert before["blueprint"]["name"] == "saas"
    assert not [i for i in before["issues"] if i["code"] == "no-record"]
    phases = before["sections"]["phases"]
    doc = Document(str(path))
    table = section_table(doc, "2.")
    gone = table.rows[2]._tr  # phase 2 deleted
    gone.getparent().remove(gone)
    inserted = deepcopy(table.rows[3]._tr)  # a row inserted between phases 4 and 5
    table.rows[3]._tr.addnext(inserted)
    for cell, value in zip(table.rows[4].cells, ["", "Pilot", "", "1 Mar 2027"], strict=False):
        type_into(cell, value)
    for cell in table.rows[4].cells[4:]:
        type_into(cell, "")
    type_into(table.rows[3].cells[1], "Business case signed by the CFO")  # phase 4 reworded
    row = add_row(table)
    type_into(row.cells[1], "Hypercare")
    doc.save(str(tmp_path / "edited.docx"))
    _, after, _ = read(runner, tmp_path / "edited.docx")
    got = after["sections"]["phases"]
    assert [r.get("milestone") for r in got] == [
        "Discovery", phases[2]["milestone"], "Business case signed by the CFO", "Pilot",
        phases[4]["milestone"], "Hypercare"]
    assert [r.get("_id") for r in got] == [phases[0]["_id"], phases[2]["_id"], phases[3]["_id"],
                                          None, phases[4]["_id"], None]
    assert got[2]["_std"] == phases[3]["_std"]
    assert got[3]["deadline"] == "2027-03-01"


def test_german_handout_without_blueprint_option(runner, tmp_path):
    blank = make(tmp_path, "map-de", stem="de")
    filled = fill(blank, tmp_path / "de.docx", {
        "3.": [(1, ["1", "1", "Auftakt", "15. Januar 2027", "", "Hoch", "Ann", "Erledigt"])]},
        cover={"Go-live": "30. April 2027"})
    code, plan, err = read(runner, filled)
    assert code == 0, err
    assert plan["blueprint"]["name"] == "map-de"
    assert plan["sections"]["action_items"][0]["deadline"] == "2027-01-15"


def test_shift_go_live_of_a_prefilled_handout_moves_its_relative_dates(runner, tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "deal.yaml"
    runner.invoke(main, ["generate", "--plan", str(fixture), "--format", "docx", "--out",
                         str(tmp_path), "--name", "deal"])
    out = tmp_path / "shifted.json"
    result = runner.invoke(main, ["shift", str(tmp_path / "deal.docx"), "--go-live", "2027-03-22",
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "phases row 5 (Go-live) deadline: 2027-03-15 -> 2027-03-22" in result.stdout
    plan = json.loads(out.read_text())
    assert plan["deal"]["go_live"] == "2027-03-22"
    assert plan["sections"]["phases"][4]["deadline"] == "2027-03-22"


def test_a_damaged_record_is_a_warning_and_tables_are_found_by_headers(runner, blank, tmp_path):
    import zipfile

    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(blank) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/custom.xml":
                data = data.replace(b"mapgen.handout.001", b"mapgen.handout.009")
            dst.writestr(info, data)
    code, plan, err = read(runner, damaged)
    assert code == 0, err
    assert "bad-record" in {i["code"] for i in plan["issues"]}
    assert "the handout's own record is damaged (a part of it is missing)" in err


@pytest.mark.parametrize("dates, expected, code", [
    (["04/13/2027", "05/01/2027"], ["2027-04-13", "2027-05-01"], None),  # a US reader
    (["13/04/2027", "05/01/2027"], ["2027-04-13", "2027-01-05"], None),
    (["03/04/2027", "05/01/2027"], ["2027-04-03", "2027-01-05"], "date-order"),
])
def test_numeric_dates_are_read_one_way_for_the_column(runner, blank, tmp_path, dates, expected, code):
    filled = fill(blank, tmp_path / "dates.docx", {
        "3.": [(1 + n, [str(1 + n), "1", f"Step {n}", day, "", "", "Ann", ""])
               for n, day in enumerate(dates)]})
    _, plan, _ = read(runner, filled)
    assert [r["deadline"] for r in plan["sections"]["action_items"]] == expected
    assert {i["code"] for i in plan["issues"]} - {"no-record"} == ({code} if code else set())


def test_handout_from_a_plan_gives_each_row_its_id_back(runner, tmp_path):
    """A plan read from a workbook (every row with its id), written as a handout, filled in
    (a milestone reworded, a status set, a stakeholder typed into an empty row) and read back:
    each written row has the plan's id and standard row link; the typed-in row has none."""
    from docx import Document
    from handout_fill import section_table, type_into

    fixture = Path(__file__).parent / "fixtures" / "deal.yaml"
    result = runner.invoke(main, ["generate", "--plan", str(fixture), "--format", "xlsx",
                                  "--out", str(tmp_path), "--name", "deal"])
    assert result.exit_code == 0, result.output
    plan_file = tmp_path / "plan.json"
    result = runner.invoke(main, ["read", str(tmp_path / "deal.xlsx"), "--out", str(plan_file)])
    assert result.exit_code == 0, result.output
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    ids = {k: [(r["_id"], r.get("_std")) for r in rows] for k, rows in plan["sections"].items()}
    assert all(rid for rows in ids.values() for rid, _ in rows)
    assert any(std for rows in ids.values() for _, std in rows)  # saas has standard rows
    result = runner.invoke(main, ["generate", "--plan", str(plan_file), "--format", "docx",
                                  "--out", str(tmp_path / "h"), "--name", "deal"])
    assert result.exit_code == 0, result.output
    doc = Document(str(tmp_path / "h" / "deal.docx"))
    type_into(section_table(doc, "2.").rows[2].cells[1], "Technical validation with IT")
    type_into(section_table(doc, "3.").rows[1].cells[-1], "Done")
    people = section_table(doc, "4.")
    typed = len(plan["sections"]["stakeholders"]) + 1  # the first empty row
    for cell, value in zip(people.rows[typed].cells, ["Ann Lee", "Procurement"], strict=False):
        type_into(cell, value)
    doc.save(str(tmp_path / "filled.docx"))
    code, back, err = read(runner, tmp_path / "filled.docx")
    assert code == 0, err
    got = {k: [(r.get("_id"), r.get("_std")) for r in rows] for k, rows in back["sections"].items()}
    assert got == {**ids, "stakeholders": [*ids["stakeholders"], (None, None)]}
    assert back["sections"]["phases"][1]["milestone"] == "Technical validation with IT"
    assert back["sections"]["action_items"][0]["status"] == "Done"
    assert back["sections"]["stakeholders"][-1] == {"name": "Ann Lee", "role": "Procurement"}
