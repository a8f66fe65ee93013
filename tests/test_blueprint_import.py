"""`mapgen blueprint import`: company templates in each shape, through the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import template_shapes as shapes
import yaml

from mapgen.cli import main


def _import(runner, src: Path, *args: str):
    result = runner.invoke(main, ["blueprint", "import", str(src), "--out", "bp", *args])
    return result


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _resolved(path: Path):
    from mapgen.model.blueprint import load_blueprint

    return load_blueprint(str(path))


def _check(runner, path: Path) -> None:
    result = runner.invoke(main, ["blueprint", "check", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def map_sheet(in_tmp) -> Path:
    return shapes.map_sheet(in_tmp / "Acme MAP.xlsx")


@pytest.fixture
def cutover(in_tmp) -> Path:
    return shapes.cutover_plan(in_tmp / "cutover.xlsx")


@pytest.fixture
def project(in_tmp) -> Path:
    return shapes.project_plan(in_tmp / "project.xlsx")


@pytest.fixture
def framework(in_tmp) -> Path:
    if not shapes.SEED.exists():
        pytest.skip("the framework text is not here")
    return shapes.framework_docx(in_tmp / "framework.docx")


def test_map_sheet_prints_path_and_passes_check(runner, map_sheet):
    result = _import(runner, map_sheet, "--name", "acme")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == str(Path("bp") / "acme.yaml")
    _check(runner, Path("bp/acme.yaml"))


def test_map_sheet_action_table_extends_map_on_its_keys(runner, map_sheet):
    _import(runner, map_sheet, "--name", "acme")
    section = _resolved(Path("bp/acme.yaml")).section("action_items")
    by_key = {c.key: c for c in section.columns}
    headers = [(c.key, c.title, c.type) for c in section.columns]
    assert headers == [("number", "#", "integer"), ("phase", "Phase", "text"),
                       ("description", "Action Item", "text"),
                       ("responsible", "Owner (Us)", "text"), ("owner_them", "Owner (Them)", "text"),
                       ("days_before_go_live", "Days Before Go-Live", "integer"),
                       ("deadline", "Due Date", "date"), ("status", "Status", "choice"),
                       ("notes_blockers", "Notes / Blockers", "text")]
    assert by_key["status"].choices == shapes.MAP_STATUS
    assert by_key["status"].status_meanings() == {"Not Started": "not_started", "In Progress":
                                                  "in_progress", "Done": "done", "Blocked": "blocked"}
    assert [s.key for s in _resolved(Path("bp/acme.yaml")).sections] == ["action_items"]


def test_map_sheet_rows_rules_examples_legend_and_deal(runner, map_sheet):
    result = _import(runner, map_sheet, "--name", "acme")
    section = _resolved(Path("bp/acme.yaml")).section("action_items")
    assert len(section.rows) == len(shapes.MAP_ROWS)
    assert [r["deadline"] for r in section.rows] == [f"go_live-{row[4]}d" for row in shapes.MAP_ROWS]
    # the phase written once per group heads the rows under it
    assert [r["phase"] for r in section.rows] == ["Discovery"] * 3 + ["Evaluation"] * 3 + ["Decision"] * 2
    assert len(section.examples) == 1 and section.examples[0]["description"].startswith("e.g.")
    # the status key and the note are instructions, never rows
    assert "Done: finished and confirmed by both sides" in section.instructions
    assert shapes.MAP_NOTE in section.instructions
    assert not any("Status key" in str(r.values()) for r in section.rows)
    data = _load(Path("bp/acme.yaml"))
    assert data["deal_labels"] == {"buyer": "Account", "name": "Opportunity", "seller": "Vendor",
                                   "go_live": "Target Go-Live", "our_sponsor": "Our Sponsor"}
    assert "'Our Sponsor' -> deal extra key 'our_sponsor'" in result.output
    assert "a legend or note" in result.output and "an example" in result.output


def test_cutover_groups_lists_on_second_sheet_and_own_status_words(runner, cutover):
    result = _import(runner, cutover)
    assert result.exit_code == 0, result.output
    _check(runner, Path("bp/cutover.yaml"))
    bp = _resolved(Path("bp/cutover.yaml"))
    section = bp.section("action_items")
    assert section.title == "Project Phoenix: ERP Cutover Plan"
    status = section.column("status")
    assert status.choices == shapes.CUTOVER_STATUS
    assert status.status_meanings() == {"Not Started": "not_started", "In Progress": "in_progress",
                                        "Completed": "done", "Delayed": "in_progress",
                                        "On Hold": "blocked"}
    assert section.column("responsible").choices == shapes.CUTOVER_TEAMS  # list on sheet 'Lists'
    assert [r["phase"] for r in section.rows] == ["PRE-CUTOVER"] * 3 + ["CUTOVER WEEKEND"] * 3 + [
        "POST GO-LIVE"] * 2
    assert "what does 'Delayed' mean?" in result.output
    assert "sheet 'Lists': holds the dropdown lists of sheet 'Cutover'" in result.output
    assert "'PRE-CUTOVER' is a group row" in result.output
    assert "asked: what does 'Delayed' mean?" in Path("bp/cutover.yaml").read_text()


def test_project_plan_types_and_headerless_columns(runner, project):
    result = _import(runner, project, "--extends", "none")
    assert result.exit_code == 0, result.output
    _check(runner, Path("bp/project.yaml"))
    section = _resolved(Path("bp/project.yaml")).sections[0]
    types = {c.title: c.type for c in section.columns}
    assert types == {"WBS": "text", "Outline Level": "integer", "Task Name": "text",
                     "Duration": "text", "Start": "date", "Finish": "date", "% Complete": "percent",
                     "Predecessors": "text", "Resource Names": "text", "Column J": "choice",
                     "Column K": "integer"}
    assert section.rows[6]["predecessors"] == "5,6" and section.rows[2]["predecessors"] == "2"
    assert section.rows[3]["percent_complete"] == 0.45
    assert section.rows[0]["column_k"] == 40
    assert "no header here" in Path("bp/project.yaml").read_text()  # a guess, commented


def test_framework_document_imports_to_eight_sections(runner, framework):
    result = _import(runner, framework, "--name", "framework")
    assert result.exit_code == 0, result.output
    _check(runner, Path("bp/framework.yaml"))
    bp = _resolved(Path("bp/framework.yaml"))
    assert [s.key for s in bp.sections] == ["objective", "phases", "action_items", "stakeholders",
                                            "communication", "tools", "monitoring", "feedback"]
    assert [c.title for c in bp.section("action_items").columns] == [
        "Action Item", "Description", "Deadline (timeline)", "Importance (High/low)",
        "Responsible Person"]
    assert [c.title for c in bp.section("stakeholders").columns] == [
        "Stakeholder Name", "Role in Project", "Expectations", "Impact on Next Steps"]
    assert bp.section("stakeholders").examples == [{
        "name": "Sarah", "role": "CFO", "expectations": "Needs to sign off on a solution and "
        "budget. Need to understand and confirm business case",
        "impact": "High - needs to be involved early."}]
    assert bp.section("objective").examples[0]["description"].startswith("Guide the buyer")
    assert bp.section("feedback").purpose == "Collect feedback to refine the MAP."
    assert bp.section("tools").instructions.startswith("Specify tools and resources")
    assert bp.title == "Mutual Action Plan (MAP) Framework for Sales Leaders"
    assert len(bp.how_to_use) == 4 and bp.intro.startswith("Welcome to our")
    assert "the table of contents, not a section" in result.output


def test_rows_as_examples_flag(runner, map_sheet):
    _import(runner, map_sheet, "--name", "acme", "--rows-as", "examples")
    section = _resolved(Path("bp/acme.yaml")).section("action_items")
    assert section.rows == [] and len(section.examples) == len(shapes.MAP_ROWS) + 1


def test_extends_none_is_standalone(runner, map_sheet):
    _import(runner, map_sheet, "--name", "acme", "--extends", "none")
    data = _load(Path("bp/acme.yaml"))
    assert "extends" not in data
    _check(runner, Path("bp/acme.yaml"))
    assert [c["key"] for c in data["sections"][0]["columns"]][:3] == ["number", "phase", "action_item"]


def test_report_file_and_no_overwrite_without_force(runner, map_sheet):
    result = _import(runner, map_sheet, "--name", "acme", "--report", "report.txt")
    assert result.exit_code == 0
    assert Path("report.txt").read_text().startswith("Imported ")
    again = _import(runner, map_sheet, "--name", "acme")
    assert again.exit_code == 2 and "exists" in again.output
    assert _import(runner, map_sheet, "--name", "acme", "--force").exit_code == 0


@pytest.mark.parametrize("content,name,words", [
    (None, "missing.xlsx", "no such file"),
    (b"just text", "notes.xlsx", ""),
    (b"just text", "notes.txt", "cannot import"),
    (b"PK\x03\x04broken", "broken.docx", ""),
])
def test_bad_input_exit_2_one_line(runner, in_tmp, content, name, words):
    if content is not None:
        (in_tmp / name).write_bytes(content)
    result = runner.invoke(main, ["blueprint", "import", name, "--out", "bp"])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert words in result.output
    assert not Path("bp").exists()


def test_workbook_without_a_table_is_refused(runner, in_tmp):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Just a note"
    wb.save(in_tmp / "note.xlsx")
    result = runner.invoke(main, ["blueprint", "import", "note.xlsx", "--out", "bp"])
    assert result.exit_code == 2 and "no table found" in result.output


def test_ods_through_the_calamine_reader(runner, cutover, tmp_path):
    from conftest import soffice_convert

    ods = soffice_convert(cutover, "ods", tmp_path / "ods")
    shutil.copy(ods, "cutover.ods")
    result = _import(runner, Path("cutover.ods"), "--name", "cut")
    assert result.exit_code == 0, result.output
    section = _resolved(Path("bp/cut.yaml")).section("action_items")
    assert len(section.rows) == 8 and section.rows[0]["phase"] == "PRE-CUTOVER"


# --------------------------------------------------------------------------- end to end


def _read(runner, src: Path, blueprint: Path, out: str) -> dict:
    import json

    result = runner.invoke(main, ["read", str(src), "--blueprint", str(blueprint), "--out", out])
    assert result.exit_code == 0, result.output
    return json.loads(Path(out).read_text(encoding="utf-8"))


def _rows(plan: dict, section: str = "action_items") -> list[dict]:
    return [{k: v for k, v in row.items() if not k.startswith("_")}
            for row in plan["sections"][section]]


def test_map_sheet_reads_back_with_its_blueprint(runner, map_sheet):
    _import(runner, map_sheet, "--name", "acme")
    plan = _read(runner, map_sheet, Path("bp/acme.yaml"), "acme.json")
    assert [i for i in plan["issues"] if i["severity"] == "error"] == []
    assert [i["code"] for i in plan["issues"]] == ["no-metadata"]  # the deal block, legend: no warnings
    assert plan["deal"] == {"buyer": "Acme Corp", "name": "Acme analytics rollout",
                            "seller": "Nimbus Analytics", "go_live": "2027-03-01",
                            "our_sponsor": "Jordan Vale"}
    rows = _rows(plan)
    assert [(r["number"], r["phase"], r["description"], r["responsible"], r["owner_them"],
             r["days_before_go_live"], r["status"], r.get("notes_blockers", ""))
            for r in rows] == [(n + 1, phase, *rest[:-1], rest[-1])
                               for n, (phase, *rest) in enumerate(_phases(shapes.MAP_ROWS))]
    assert rows[0]["deadline"] == "2026-12-21"  # go-live minus 70 days


def _phases(rows):
    phase = None
    for row in rows:
        phase = row[0] or phase
        yield (phase, *row[1:])


def test_status_counts_by_the_meanings_found(runner, cutover):
    import json

    _import(runner, cutover, "--name", "cut")
    Path("blueprints").mkdir()
    shutil.copy("bp/cut.yaml", "blueprints/cut.yaml")
    _read(runner, cutover, Path("bp/cut.yaml"), "cut.json")
    result = runner.invoke(main, ["status", "cut.json", "--as-of", "2027-03-12", "--format", "json",
                                  "--out", "status.json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(Path("status.json").read_text())["sections"]["action_items"]
    # Completed x2 done; In Progress and Delayed in progress; On Hold blocked; Not Started x3
    assert (counts["done"], counts["in_progress"], counts["blocked"], counts["not_started"]) == (
        2, 2, 1, 3)


def test_generate_writes_the_company_template_that_reads_back(runner, cutover):
    _import(runner, cutover, "--name", "cut")
    plan = _read(runner, cutover, Path("bp/cut.yaml"), "cut.json")
    assert [i["code"] for i in plan["issues"]] == ["no-metadata"]
    assert [r["phase"] for r in _rows(plan)] == ["PRE-CUTOVER"] * 3 + ["CUTOVER WEEKEND"] * 3 + [
        "POST GO-LIVE"] * 2
    result = runner.invoke(main, ["generate", "--blueprint", "bp/cut.yaml", "--plan", "cut.json",
                                  "--format", "all", "--out", "made"])
    assert result.exit_code == 0, result.output
    made = sorted(Path("made").iterdir())
    assert [p.suffix for p in made] == [".docx", ".xlsx"]
    for n, path in enumerate(made):
        back = _read(runner, path, Path("bp/cut.yaml"), f"back{n}.json")
        assert _rows(back) == _rows(plan), path
        assert [i for i in back["issues"] if i["severity"] == "error"] == []


def test_project_plan_reads_back_with_headerless_columns(runner, project):
    _import(runner, project, "--name", "proj")
    plan = _read(runner, project, Path("bp/proj.yaml"), "proj.json")
    assert [i["code"] for i in plan["issues"]] == ["no-metadata"]
    rows = _rows(plan)
    assert len(rows) == len(shapes.PROJECT)
    assert [(r["column_j"], r["column_k"]) for r in rows] == [(p[9], p[10]) for p in shapes.PROJECT]
    assert rows[3]["percent_complete"] == 0.45 and rows[3]["deadline"] == "2027-03-12"


def test_template_code_and_formulas_in_cells_stay_text(runner, in_tmp):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A1"] = "Read me: {{ 7*7 }} {% if x %}"
    for c, header in enumerate(["Task", "Owner", "Due"], start=1):
        ws.cell(3, c, header)
    rows = [("Total {{ 7*7 }}", "{# note #} Ann", "2027-01-05"),
            ("=HYPERLINK(\"http://x\")", "Bob", "2027-01-06")]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
            ws.cell(r, c).data_type = "s"
    wb.save("hostile.xlsx")
    result = _import(runner, Path("hostile.xlsx"), "--name", "hostile", "--extends", "none")
    assert result.exit_code == 0, result.output
    _check(runner, Path("bp/hostile.yaml"))
    made = runner.invoke(main, ["generate", "--blueprint", "bp/hostile.yaml", "--format", "xlsx",
                                "--out", "made"])
    assert made.exit_code == 0, made.output
    section = _resolved(Path("bp/hostile.yaml")).sections[0]
    assert section.title == "{% raw %}Read me: {{ 7*7 }} {% if x %}{% endraw %}"
    back = _read(runner, next(Path("made").glob("*.xlsx")), Path("bp/hostile.yaml"), "back.json")
    assert [r["task"] for r in _rows(back, section.key)] == [rows[0][0], rows[1][0]]
    assert _rows(back, section.key)[0]["owner"] == "{# note #} Ann"
