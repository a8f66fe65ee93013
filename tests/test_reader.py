"""The reader on real workbooks: each tolerance, each error, the CLI's outputs and exit codes.

Fixtures live in tests/fixtures/read/ (made by make_fixtures.py there) and tests/fixtures/bad/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from pathlib import Path

import pytest
import yaml

from mapgen.cli import main
from mapgen.core.errors import Issue, UnusableInput
from mapgen.formats.xlsx import reader
from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import plan_from_data
from mapgen.ops.generate import generate
from tests.rowids_help import without_ids

FIXTURES = Path(__file__).resolve().parent / "fixtures"
READ = FIXTURES / "read"
BAD = FIXTURES / "bad"
FILLED, ERRORS, HANDMADE = READ / "filled.xlsx", READ / "errors.xlsx", READ / "handmade.xlsx"
DEAL = {"name": "Analytics rollout", "buyer": "Contoso", "seller": "Nimbus",
        "start": dt.date(2026, 12, 1), "close": dt.date(2027, 2, 1), "go_live": dt.date(2027, 3, 1)}


def by_code(issues: list[Issue], code: str) -> list[Issue]:
    return [i for i in issues if i.code == code]


def run(runner, *args: str):
    return runner.invoke(main, ["read", *args])


# --------------------------------------------------------------------------- tolerances


@pytest.fixture(scope="module")
def filled():
    return read_workbook(FILLED)


def test_deal_facts_come_from_the_metadata(filled):
    assert filled.blueprint.name == "map"
    assert filled.deal == DEAL


def test_examples_skipped_numbers_as_text_and_stray_spaces(filled):
    # Objective: the untouched example is not data; "2" typed as text is a number.
    assert filled.sections["objective"] == [{"rank": 2, "description": "Win the renewal as well"}]
    assert filled.sections["tools"] == filled.sections["monitoring"] == []


def test_dates_and_choices_as_people_type_them(filled):
    assert filled.sections["phases"] == [
        {"phase": 1, "milestone": "Discovery", "deadline": dt.date(2026, 12, 15), "status": "Done"},
        {"phase": 2, "milestone": "Technical validation", "deadline": dt.date(2027, 1, 15),
         "status": "In progress"},
        {"phase": 3, "milestone": "Business case signed off", "deadline": dt.date(2027, 2, 1),
         "status": "Done"},
        {"phase": 4, "milestone": "Contract signed", "deadline": dt.date(2027, 4, 3),
         "status": "Not started"},
    ]
    # 03/04/2027 reads both ways, but 15/01/2027 in the same column shows it is day-first.
    assert by_code(filled.issues, "ambiguous-date") == by_code(filled.issues, "date-order") == []


def test_month_first_reads_ambiguous_dates_the_other_way():
    phases = read_workbook(FILLED, date_order="mdy").sections["phases"]
    assert [r["deadline"] for r in phases] == [dt.date(2026, 12, 15), dt.date(2027, 1, 15),
                                               dt.date(2027, 2, 1), dt.date(2027, 3, 4)]


def test_edited_example_guarded_text_and_rows_below_the_table(filled):
    assert filled.sections["action_items"] == [
        # The example with only its description changed is data, with the example's other values.
        {"number": 1, "phase": 1, "description": "Map the current reporting stack",
         "deadline": dt.date(2026, 12, 8), "if_missed": "Discovery phase is delayed",
         "importance": "High", "responsible": "Buyer 1", "status": "Not started"},
        {"number": 2, "description": "=SUM(A1:A3) is not a formula", "importance": "High",
         "status": "Done"},
        {"number": 3, "description": "Added below the table", "deadline": dt.date(2027, 1, 20),
         "importance": "Low"},
        {"number": 4, "description": "Another one further down"},
    ]


def test_renamed_sheet_found_by_its_headers(filled):
    assert filled.sections["stakeholders"] == [{"name": "Priya", "role": "Head of IT"}]


def test_unknown_columns_kept_and_reported(filled):
    assert filled.sections["communication"] == [
        {"what": "Steering committee", "when": "Monthly", "budget": 1200,
         "column_h": "note without a header"}]
    warnings = {(i.cell, i.column) for i in by_code(filled.issues, "unknown-column")}
    assert warnings == {("F6", "budget"), ("H8", "column_h")}


def test_deleted_sheet_is_a_warning(filled):
    assert "feedback" not in filled.sections
    [missing] = by_code(filled.issues, "missing-sheet")
    assert (missing.severity, missing.section) == ("warning", "feedback")
    assert filled.errors == []
    assert len(filled.issues) == 3  # two unknown columns, the deleted sheet


# --------------------------------------------------------------------------- errors


def test_each_bad_value_is_an_error_at_its_cell_with_the_raw_value_kept():
    plan = read_workbook(ERRORS)
    found = {(i.code, i.cell, i.column) for i in plan.issues}
    assert found == {
        ("invalid-integer", "C8", "phase"),
        ("invalid-date", "E8", "deadline"),
        ("invalid-choice", "I8", "status"),
        ("formula-without-value", "E9", "deadline"),
        ("date-serial", "E10", "deadline"),
        ("cell-error", "I10", "status"),
    }
    for issue in plan.issues:
        severity = "warning" if issue.code == "date-serial" else "error"
        assert (issue.severity, issue.file, issue.sheet, issue.section) == (
            severity, str(ERRORS), "Action Items", "action_items")
    assert plan.sections["action_items"] == [
        {"phase": "three", "description": "Security review", "deadline": "next week",
         "status": "Urgent"},
        # =1+1 has a saved result (2); =TODAY()+7 has none: reported, its formula kept.
        {"phase": 2, "description": "Kick-off", "deadline": "=TODAY()+7"},
        # An Excel date serial in a date cell is the date it stands for (a warning says so).
        {"description": "Legal review", "deadline": dt.date(2027, 1, 15), "status": "#N/A"},
    ]
    messages = {i.cell: str(i) for i in plan.issues}
    assert messages["E8"] == (f"{ERRORS}, sheet 'Action Items', cell E8: Deadline: 'next week' is "
                              "not a date (write it as 2027-01-15 or 15/01/2027)")
    assert "no saved result" in messages["E9"] and "save it" in messages["E9"]
    assert messages["E10"].endswith("Deadline: the number 46402 was read as the date 2027-01-15 "
                                    "(format the cell as a date)")


# --------------------------------------------------------------------------- without metadata


def test_handmade_workbook_mapped_by_sheet_names_and_headers():
    plan = read_workbook(HANDMADE)
    assert plan.deal == {}
    assert plan.sections == {
        "phases": [  # "key phases & milestones", headers in another order and case
            {"phase": 1, "milestone": "Discovery", "deadline": dt.date(2026, 12, 15),
             "buyer_deliverable": "Goals", "responsible": "Ann", "status": "Done"},
            {"phase": 2, "milestone": "Technical validation", "deadline": dt.date(2027, 1, 15),
             "responsible": "Bob", "status": "In progress"}],
        "action_items": [  # "3. Action Items", header on row 3, a blank row between the rows
            {"number": 1, "phase": 2, "description": "Security questionnaire",
             "deadline": dt.date(2027, 1, 10), "if_missed": "Go-live slips", "importance": "High",
             "responsible": "SE", "status": "Not started"},
            {"number": 2, "phase": 4, "description": "Order form", "deadline": dt.date(2027, 2, 1),
             "importance": "Low", "responsible": "AE", "status": "Blocked"}],
        "stakeholders": [  # found on "Sheet1" by its headers
            {"name": "Sarah", "role": "CFO", "expectations": "Signs off the budget",
             "impact": "High"}],
        "tools": [{"tool": "Trial workspace", "notes": "for the PoC"}],  # by its title alone
    }
    codes = sorted((i.code, i.section or "", i.column or "") for i in plan.issues)
    assert codes == sorted([
        ("no-metadata", "", ""),
        *(("missing-sheet", k, "") for k in ("objective", "communication", "monitoring", "feedback")),
        ("unknown-column", "tools", "notes"),
        ("missing-column", "tools", "purpose"),
        ("missing-column", "tools", "required_for"),
        ("missing-column", "phases", "if_missed"),
        ("missing-column", "phases", "seller_deliverable"),
        ("unread-sheet", "action_items", ""),  # the copy "Action Items (2)"
        ("outside-table", "stakeholders", ""),  # a title above the header that is not the section's
    ])
    assert all(i.severity == "warning" for i in plan.issues)  # the Sources column: silently ignored


def test_blueprint_recorded_in_the_workbook_or_given(tmp_path):
    saas = load_blueprint("saas")
    [path] = generate(saas, formats=["xlsx"], out_dir=tmp_path)
    assert read_workbook(path).blueprint.name == "saas"
    plan = read_workbook(path, blueprint=load_blueprint("map"))
    assert plan.blueprint.name == "map"
    assert by_code(plan.issues, "blueprint-mismatch")[0].severity == "warning"
    assert "phases" in plan.sections  # the renamed sheet still matches by its headers


# --------------------------------------------------------------------------- limits and safety


@pytest.mark.parametrize(("name", "words"), [
    ("legacy.xls", "not a map workbook"), ("calc.ods", "not a map workbook"),  # read, then refused
    ("export.csv", "csv"), ("word_renamed.xlsx", "word document"), ("empty.xlsx", "empty"),
    ("truncated.xlsx", "damaged"), ("encrypted.xlsx", "password"), ("bomb_ratio.xlsx", "zip bomb"),
    ("billion_laughs_sheet.xlsx", "unsafe xml"),
])
def test_unusable_files_exit_2_with_one_line_and_nothing_written(runner, tmp_path, name, words):
    with pytest.raises(UnusableInput) as exc:
        read_workbook(BAD / name)
    assert words in str(exc.value).lower()
    out = tmp_path / "plan.json"
    result = run(runner, str(FILLED), str(BAD / name), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and str(BAD / name) in errors[0]
    assert list(tmp_path.iterdir()) == [] and not out.exists()


def test_reading_never_modifies_the_input(runner, tmp_path):
    files = [FILLED, ERRORS, HANDMADE]
    before = {f: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in files}
    assert run(runner, *map(str, files), "--out", str(tmp_path)).exit_code == 1
    assert {f: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
            for f in files} == before


def test_row_and_cell_bounds_truncate_with_an_error(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS_PER_SHEET", 12)
    plan = read_workbook(FILLED)
    [issue] = [i for i in by_code(plan.issues, "truncated") if i.section == "action_items"]
    assert issue.severity == "error" and issue.sheet == "Action Items"
    assert "more than 12 rows" in issue.message
    assert [r["number"] for r in plan.sections["action_items"]] == [1, 2]  # rows 7-8 of 12
    monkeypatch.setattr(reader, "MAX_ROWS_PER_SHEET", 100_000)
    monkeypatch.setattr(reader, "MAX_CELLS", 200)
    plan = read_workbook(FILLED)
    assert by_code(plan.issues, "truncated") and "200 cells" in by_code(plan.issues, "truncated")[0].message


def test_reading_1000_rows_takes_well_under_a_second(tmp_path):
    bp = load_blueprint("map")
    rows = [{"number": i, "phase": 1 + i % 5, "description": f"Action item {i}",
             "deadline": dt.date(2027, 1, 4) + dt.timedelta(days=i % 90), "importance": "High",
             "responsible": f"Owner {i % 7}", "status": "In progress"} for i in range(1, 1001)]
    plan = plan_from_data({"deal": {"name": "Big"}, "sections": {"action_items": rows}}, bp)
    [path] = generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path)
    timings = []
    for _ in range(3):
        start = time.process_time()
        back = read_workbook(path, blueprint=bp)
        timings.append(time.process_time() - start)
    assert without_ids(back.sections["action_items"]) == plan.sections["action_items"]
    assert min(timings) < 1.0, timings


# --------------------------------------------------------------------------- the CLI


def test_cli_prints_the_plan_and_exits_by_severity(runner):
    result = run(runner, str(FILLED))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == read_workbook(FILLED).to_data()
    assert data["format"] == "mapgen-plan" and data["deal"]["start"] == "2026-12-01"
    assert result.stderr.splitlines()[-1] == (
        f"{FILLED}: 11 rows (objective 1, phases 4, action_items 4, stakeholders 1, "
        "communication 1); 0 errors, 3 warnings")
    assert "warning: " in result.stderr and "cell D10" not in result.stderr

    result = run(runner, str(ERRORS), "--format", "yaml")
    assert result.exit_code == 1
    data = yaml.safe_load(result.stdout)
    assert [i["cell"] for i in data["issues"]] == ["C8", "E8", "I8", "E9", "E10", "I10"]
    assert data["sections"]["action_items"][0]["deadline"] == "next week"


def test_cli_month_first(runner):
    result = run(runner, str(FILLED), "--month-first")
    deadlines = [r["deadline"] for r in json.loads(result.stdout)["sections"]["phases"]]
    assert deadlines[-1] == "2027-03-04"


def test_cli_several_files_to_stdout_as_a_list(runner):
    result = run(runner, str(FILLED), str(HANDMADE))
    assert result.exit_code == 0
    plans = json.loads(result.stdout)
    assert [p["deal"].get("buyer") for p in plans] == ["Contoso", None]
    assert len([line for line in result.stderr.splitlines() if " rows" in line]) == 2


def test_cli_out_file_never_overwritten_without_force(runner, tmp_path):
    out = tmp_path / "plan.yaml"
    assert run(runner, str(FILLED), "--format", "yaml", "--out", str(out)).exit_code == 0
    assert yaml.safe_load(out.read_text())["deal"]["buyer"] == "Contoso"
    out.write_text("keep me")
    result = run(runner, str(FILLED), "--out", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text() == "keep me"
    assert run(runner, str(FILLED), "--out", str(out), "--force").exit_code == 0
    assert yaml.safe_load(out.read_text())["blueprint"]["name"] == "map"  # YAML by its suffix
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]  # no temporary files left


def test_cli_several_files_into_a_folder_one_file_each(runner, tmp_path):
    other = tmp_path / "copy"
    other.mkdir()
    same_stem = other / "filled.xlsx"
    same_stem.write_bytes(FILLED.read_bytes())
    out = tmp_path / "plans"
    result = run(runner, str(FILLED), str(same_stem), str(ERRORS), "--out", str(out))
    assert result.exit_code == 1  # errors.xlsx has errors; every plan is still written
    assert sorted(p.name for p in out.iterdir()) == ["errors.json", "filled-2.json", "filled.json"]
    assert json.loads((out / "errors.json").read_text())["issues"][0]["cell"] == "C8"


def test_cli_csv_one_file_per_section(runner, tmp_path):
    out = tmp_path / "csv"
    result = run(runner, str(FILLED), "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["deal.csv", "issues.csv", "objective.csv", "phases.csv",
                            "action_items.csv", "stakeholders.csv", "communication.csv",
                            "tools.csv", "monitoring.csv", "feedback.csv"])
    lines = (out / "action_items.csv").read_text().splitlines()
    assert lines[0] == "number,phase,description,deadline,if_missed,importance,responsible,status"
    assert lines[2] == "2,,'=SUM(A1:A3) is not a formula,,,High,,Done"  # guarded again in CSV
    assert (out / "communication.csv").read_text().splitlines()[0].endswith(",budget,column_h")

    several = tmp_path / "many"
    assert run(runner, str(FILLED), str(HANDMADE), "--format", "csv", "--out",
               str(several)).exit_code == 0
    assert sorted(p.name for p in several.iterdir()) == ["filled", "handmade"]
    assert (several / "handmade" / "phases.csv").exists()


@pytest.mark.parametrize("args", [
    ["--format", "csv"],  # CSV needs a folder
    ["--blueprint", "no-such-blueprint"],
])
def test_cli_usage_errors(runner, args):
    result = run(runner, str(FILLED), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1


def test_cli_folder_wanted_but_out_is_a_file(runner, tmp_path):
    out = tmp_path / "plans"  # no suffix: a folder, one file per input
    out.write_text("{}")
    result = run(runner, str(FILLED), str(HANDMADE), "--out", str(out))
    assert result.exit_code == 2 and "must be a folder" in result.stderr
    assert out.read_text() == "{}"
    listed = tmp_path / "plan.json"  # a file: one list, never over a file without --force
    listed.write_text("{}")
    result = run(runner, str(FILLED), str(HANDMADE), "--out", str(listed))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert listed.read_text() == "{}"


def test_cli_relative_paths_in_issues(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(READ)
    result = run(runner, "errors.xlsx", "--out", str(tmp_path / "p.json"))
    assert result.exit_code == 1
    issues = json.loads((tmp_path / "p.json").read_text())["issues"]
    assert {i["file"] for i in issues} == {"errors.xlsx"}
    assert os.path.basename(result.stderr.splitlines()[-1].split(":")[0]) == "errors.xlsx"


# --------------------------------------------------------------------------- damaged metadata


def _generated_map(tmp_path: Path) -> Path:
    plan = plan_from_data({"deal": {k: str(v) for k, v in DEAL.items()},
                           "sections": {"phases": [{"phase": 1, "milestone": "Discovery"}]}},
                          load_blueprint("map"))
    [path] = generate(load_blueprint("map"), plan=plan, formats=["xlsx"], out_dir=tmp_path)
    return path


def test_metadata_removed_examples_still_skipped(tmp_path):
    """A generated workbook whose metadata is gone (an export): the examples, dated for the deal,
    are still recognised by the blueprint's examples, so only the real row is read."""
    from openpyxl import load_workbook

    path = _generated_map(tmp_path)
    wb = load_workbook(path)
    del wb["_mapgen"]
    wb.save(path)
    plan = read_workbook(path)
    assert plan.deal == {}
    assert {k: v for k, v in plan.sections.items() if v} == {
        "phases": [{"phase": 1, "milestone": "Discovery"}]}
    assert [i.code for i in plan.issues] == ["no-metadata"]


def test_damaged_metadata_falls_back_to_names_and_headers(tmp_path):
    from openpyxl import load_workbook

    path = _generated_map(tmp_path)
    wb = load_workbook(path)
    meta = wb["_mapgen"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "section:phases":
            data = json.loads(row[1].value)
            data.update(header_row="six", columns="phase", examples=[1, 2])
            row[1].value = json.dumps(data)
    wb.save(path)
    plan = read_workbook(path)
    assert plan.sections["phases"] == [{"phase": 1, "milestone": "Discovery"}]
    assert [(i.code, i.severity) for i in plan.issues] == [("bad-metadata", "warning")]
    assert "'phases'" in plan.issues[0].message
