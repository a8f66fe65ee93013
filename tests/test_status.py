"""``mapgen status``: the weekly review's numbers, known exactly for a fixed day.

tests/fixtures/review.yaml is built so that on 2027-01-20 every health rule and every finding
shows, with the boundaries: 0, 1, 6 and 7 days late, due in 14 and in 15 days, done items
past their deadline. The same numbers must come from the plan file, from the workbook generated
from it, and from that workbook after LibreOffice saved it again.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, soffice_convert
from hypothesis import given, settings
from hypothesis import strategies as st

import mapgen
from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.model.health import HealthRules, health_rules, tracking

REVIEW = FIXTURES / "review.yaml"
AS_OF = "2027-01-20"

COUNTS = {
    "phases": {"total": 5, "not_started": 3, "in_progress": 1, "done": 1, "blocked": 0,
               "percent_complete": 20, "at_risk": 0, "stalled": 0, "due_soon": 1, "unowned": 1,
               "undated": 0},
    "action_items": {"total": 10, "not_started": 5, "in_progress": 2, "done": 2, "blocked": 1,
                     "percent_complete": 20, "at_risk": 2, "stalled": 1, "due_soon": 2,
                     "unowned": 1, "undated": 1},
}
OVERALL = {"total": 15, "not_started": 8, "in_progress": 3, "done": 3, "blocked": 1,
           "percent_complete": 20, "at_risk": 2, "stalled": 1, "due_soon": 3, "unowned": 2,
           "undated": 1}
# (section, row) -> (health, days overdue)
HEALTH = {
    ("phases", 1): ([], 0),                       # done
    ("phases", 2): (["due_soon"], 0),             # due in 5 days
    ("phases", 3): ([], 0),                       # due in 21 days
    ("phases", 4): (["unowned"], 0),
    ("phases", 5): ([], 0),
    ("action_items", 1): ([], 0),                 # done, 48 days past its deadline: never late
    ("action_items", 2): (["due_soon"], 0),       # due today: 0 days late
    ("action_items", 3): (["at_risk"], 1),        # 1 day late
    ("action_items", 4): (["at_risk"], 6),        # 6 days late
    ("action_items", 5): (["blocked", "stalled"], 7),  # 7 days late, and blocked
    ("action_items", 6): (["undated"], 0),
    ("action_items", 7): (["due_soon", "unowned"], 0),  # due in exactly 14 days
    ("action_items", 8): ([], 0),                 # due in 15 days
    ("action_items", 9): ([], 0),
    ("action_items", 10): ([], 0),                # done, 10 days past its deadline
}
FINDINGS = [
    ("unknown-phase", "action_items", 7),
    ("action-after-milestone", "action_items", 9),
    ("phase-without-actions", "phases", 4),
    ("after-go-live", "phases", 5),
    ("after-go-live", "action_items", 9),
    ("stakeholder-not-engaged", "stakeholders", 4),  # Ann Lee ("Ann Leeds" is someone else)
    ("unowned", "phases", 4),
    ("unowned", "action_items", 7),
    ("undated", "action_items", 6),
]


def check_review(report: dict) -> None:
    """Every number of the review of tests/fixtures/review.yaml on 2027-01-20."""
    assert report["as_of"] == AS_OF
    assert report["days_to_go_live"] == 40
    assert report["deal"]["go_live"] == "2027-03-01"
    assert report["sections"] == COUNTS
    assert report["overall"] == OVERALL
    got = {(i["section"], i["row"]): (i["health"], i["days_overdue"]) for i in report["items"]}
    assert got == HEALTH
    assert report["next_milestone"] == {"row": 2, "label": "Phase 2: Technical validation",
                                        "deadline": "2027-01-25", "days": 5, "phase": 2}
    found = sorted((f["code"], f["section"], f["row"]) for f in report["findings"])
    assert found == sorted(FINDINGS)
    assert all(f["severity"] == "warning" and f["message"] for f in report["findings"])


def comparable(report: dict) -> dict:
    """The report without what depends on the input's kind (its name, sheets and cells)."""
    report = json.loads(json.dumps(report))
    report.pop("source")
    for entry in report["items"] + report["findings"]:
        entry.pop("sheet", None)
        entry.pop("cell", None)
    return report


@pytest.fixture(scope="module")
def plan_report() -> dict:
    return mapgen.plan_status(REVIEW, as_of=AS_OF)[0]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review")
    bp = mapgen.load_blueprint("map")
    plan = mapgen.load_plan(REVIEW, bp)
    (path,) = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=out)
    return path


def test_plan_file_review_is_exact(plan_report):
    check_review(plan_report)
    assert plan_report["source"] == str(REVIEW)
    assert plan_report["health_rules"] == {"at_risk": 1, "stalled": 7, "due_soon": 14}


def test_api_status_report_from_a_plan_object():
    bp = mapgen.load_blueprint("map")
    report = mapgen.status_report(mapgen.load_plan(REVIEW, bp), bp, as_of=dt.date(2027, 1, 20))
    check_review(report)
    assert report["source"] is None
    json.dumps(report)  # plain data


def test_workbook_gives_the_same_numbers_with_cells(plan_report, workbook):
    report, plan = mapgen.plan_status(workbook, as_of=AS_OF)
    assert plan.errors == []
    check_review(report)
    assert comparable(report) == comparable(plan_report)
    assert_cells_point_at_the_rows(report, workbook)


@pytest.mark.soffice
def test_libreoffice_resaved_workbook_gives_the_same_numbers(plan_report, workbook, tmp_path):
    resaved = soffice_convert(workbook, "xlsx", tmp_path / "lo")
    report, plan = mapgen.plan_status(resaved, as_of=AS_OF)
    assert plan.errors == []
    check_review(report)
    assert comparable(report) == comparable(plan_report)
    assert_cells_point_at_the_rows(report, resaved)
    # ... and diff sees no change between the workbook and its re-saved copy
    changes, _ = mapgen.diff_files(workbook, resaved)
    assert changes["sections"] == {} and changes["deal"] == {}


def assert_cells_point_at_the_rows(report: dict, path: Path) -> None:
    """Each finding's cell holds that row's value of the finding's column (or is empty where
    the finding says a value is missing)."""
    from openpyxl import load_workbook

    bp = mapgen.load_blueprint("map")
    plan = mapgen.load_plan(REVIEW, bp)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        assert all(f.get("cell") for f in report["findings"])
        assert all(i.get("cell") for i in report["items"])
        for f in report["findings"]:
            value = wb[f["sheet"]][f["cell"]].value
            want = plan.rows(f["section"])[f["row"] - 1].get(f["column"])
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            assert value == want, f
    finally:
        wb.close()


# --------------------------------------------------------------------------- the rules


def _actions():
    return tracking(mapgen.load_blueprint("map").section("action_items").columns, "action_items")


@pytest.mark.parametrize(("late", "status", "flags"), [
    (-15, "Not started", []),
    (-14, "Not started", ["due_soon"]),
    (0, "In progress", ["due_soon"]),
    (1, "Not started", ["at_risk"]),
    (6, "Not started", ["at_risk"]),
    (7, "Not started", ["stalled"]),
    (30, "Blocked", ["blocked", "stalled"]),
    (7, "Done", []),
    (400, "done", []),  # any case
])
def test_health_boundaries(late, status, flags):
    track = _actions()
    today = dt.date(2027, 1, 20)
    row = {"description": "x", "responsible": "AE", "status": status,
           "deadline": today - dt.timedelta(days=late)}
    assert track.health(row, today) == flags
    assert track.days_overdue(row, today) == (max(late, 0) if status.lower() != "done" else 0)


def test_unowned_undated_and_empty_status():
    track = _actions()
    today = dt.date(2027, 1, 20)
    assert track.health({"description": "x"}, today) == ["unowned", "undated"]
    assert track.health({"description": "x", "status": "Done"}, today) == []


def test_relative_deadline_counts_from_the_deal():
    track = _actions()
    deal = {"go_live": dt.date(2027, 2, 1)}
    row = {"description": "x", "responsible": "AE", "deadline": "go_live-3w"}
    assert track.due(row, deal) == dt.date(2027, 1, 11)
    assert track.health(row, dt.date(2027, 1, 20), deal=deal) == ["stalled"]
    assert track.due(row) is None  # without the deal it is no date yet


class _WithHealth:
    """A blueprint carrying a ``health:`` key (the blueprint model gains it elsewhere)."""

    def __init__(self, blueprint, health):
        self._bp, self.health = blueprint, health

    def __getattr__(self, name):
        return getattr(self._bp, name)


def test_blueprint_health_overrides_thresholds():
    bp = mapgen.load_blueprint("map")
    assert health_rules(bp) == HealthRules(1, 7, 14)
    custom = _WithHealth(bp, {"at_risk": 3, "stalled": 10, "due_soon": 7})
    assert health_rules(custom) == HealthRules(3, 10, 7)
    report = mapgen.status_report(mapgen.load_plan(REVIEW, bp), custom, as_of=AS_OF)
    got = {(i["section"], i["row"]): i["health"] for i in report["items"]}
    assert got[("action_items", 3)] == []            # 1 day late: not yet at risk
    assert got[("action_items", 4)] == ["at_risk"]   # 6 days late
    assert got[("action_items", 5)] == ["blocked", "at_risk"]  # 7 days: stalled only from 10
    assert got[("action_items", 7)] == ["unowned"]   # due in 14 days: beyond 7
    assert report["health_rules"] == {"at_risk": 3, "stalled": 10, "due_soon": 7}
    assert health_rules(_WithHealth(bp, {"stalled": 9})) == HealthRules(1, 9, 14)


@pytest.mark.parametrize("health", [{"stalled": "a week"}, {"at_risk": 0}, {"late": 3},
                                    {"at_risk": 8, "stalled": 7}, {"due_soon": -1}])
def test_bad_health_thresholds_are_one_line_errors(health):
    with pytest.raises(MapgenError) as exc:
        health_rules(_WithHealth(mapgen.load_blueprint("map"), health))
    assert "\n" not in str(exc.value) and "health" in str(exc.value)


def test_stakeholder_names_match_as_words(tmp_path):
    plan = {"format": "mapgen-plan", "blueprint": {"name": "map"}, "sections": {
        "stakeholders": [{"name": "Ann Lee"}, {"name": "Bo Li"}, {"name": "Cy  Ng"}],
        "action_items": [{"description": "x", "responsible": "bo li (IT)"}],
        "communication": [{"what": "Review", "stakeholders": "Ann Leeds, cy ng"}]}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(plan))
    report, _ = mapgen.plan_status(path, as_of=AS_OF)
    names = [f["message"] for f in report["findings"] if f["code"] == "stakeholder-not-engaged"]
    assert len(names) == 1 and "'Ann Lee'" in names[0]


def test_empty_plan_reports_zeros(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text('{"format": "mapgen-plan"}')
    report, _ = mapgen.plan_status(path, as_of=AS_OF)
    assert report["overall"]["total"] == 0 and report["overall"]["percent_complete"] == 0
    assert report["next_milestone"] is None and report["days_to_go_live"] is None
    assert report["findings"] == []
    assert "Nothing needs attention" in mapgen.render_status(report)


# --------------------------------------------------------------------------- the command


def test_cli_json_is_the_api_report(runner):
    result = runner.invoke(main, ["status", str(REVIEW), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    check_review(report)
    for key in ("as_of", "deal", "days_to_go_live", "sections", "items", "next_milestone",
                "findings"):
        assert key in report
    for item in report["items"]:
        assert {"section", "row", "label", "deadline", "responsible", "status", "health",
                "days_overdue"} <= set(item)


def test_cli_text_is_a_compact_table_without_colour_off_a_terminal(runner):
    result = runner.invoke(main, ["status", str(REVIEW), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b[" not in out
    assert out.splitlines()[:2] == [
        "Analytics rollout (Contoso and Nimbus), status as of 2027-01-20",
        "20% complete (3 of 15 done); 1 stalled; 2 at risk; 1 blocked; 3 due soon; "
        "go-live 2027-03-01: 40 days to go"]
    assert "Next milestone: Phase 2: Technical validation, due 2027-01-25 (in 5 days)" in out
    assert "blocked, stalled (7 days late)  Legal review" in out
    assert "Findings (9)" in out
    table = out[:out.index("Findings")].splitlines()
    assert max(len(line) for line in table) <= 130


def test_cli_colour_on_a_terminal():
    report = mapgen.plan_status(REVIEW, as_of=AS_OF)[0]
    import click

    from mapgen.cli.status import COLOURS

    text = mapgen.render_status(report, "text",
                                lambda t, kind: click.style(t, **COLOURS[kind])
                                if kind in COLOURS else t)
    assert "\x1b[31m" in text  # stalled in red


def test_cli_markdown(runner, tmp_path):
    out = tmp_path / "weekly.md"
    result = runner.invoke(main, ["status", str(REVIEW), "--as-of", AS_OF, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("**Analytics rollout (Contoso and Nimbus), status as of 2027-01-20")
    assert "| **Action Items** | 10 | 2 | 2 | 5 | 1 | 20% | 1 | 2 | 2 | 1 | 1 |" in text
    assert "### Needs attention (8)" in text and "### Findings (9)" in text
    assert "- `after-go-live` (Action Items, row 9): " in text
    again = runner.invoke(main, ["status", str(REVIEW), "--as-of", AS_OF, "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = runner.invoke(main, ["status", str(REVIEW), "--out", str(out), "--force",
                                  "--format", "markdown"])
    assert forced.exit_code == 0 and "status as of" in out.read_text()
    other = runner.invoke(main, ["status", str(REVIEW), "--out", str(out), "--force",
                                 "--format", "json"])  # JSON in a .md file: refused
    assert other.exit_code == 2 and "by its suffix" in other.stderr


def test_markdown_escapes_table_text(tmp_path):
    plan = {"format": "mapgen-plan", "blueprint": {"name": "map"}, "sections": {
        "action_items": [{"description": "a | b *c*", "deadline": "2027-01-01"}]}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(plan))
    text = mapgen.render_status(mapgen.plan_status(path, as_of=AS_OF)[0], "markdown")
    assert r"a \| b \*c\*" in text


@pytest.mark.parametrize(("fail_on", "code"), [
    ([], 0), (["stalled"], 1), (["at_risk"], 1), (["finding"], 1), (["stalled", "finding"], 1)])
def test_fail_on(runner, fail_on, code):
    args = ["status", str(REVIEW), "--as-of", AS_OF, "--format", "json"]
    for name in fail_on:
        args += ["--fail-on", name]
    assert runner.invoke(main, args).exit_code == code


def test_fail_on_nothing_present(runner):
    # Two weeks before: nothing late yet, but the findings stay.
    args = ["status", str(REVIEW), "--as-of", "2026-12-01", "--format", "json"]
    assert runner.invoke(main, [*args, "--fail-on", "stalled", "--fail-on", "at_risk"]).exit_code == 0
    assert runner.invoke(main, [*args, "--fail-on", "finding"]).exit_code == 1


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize("as_of", ["2027-13-01", "next monday", "31/02/2027", ""])
def test_bad_as_of(runner, as_of):
    line = _one_line_error(runner.invoke(main, ["status", str(REVIEW), "--as-of", as_of]))
    assert "is not a date" in line


def test_bad_inputs(runner, tmp_path):
    assert "no such" in _one_line_error(runner.invoke(main, ["status", str(tmp_path / "x.json")]))
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    _one_line_error(runner.invoke(main, ["status", str(notes)]))
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else"}')
    assert "not a mapgen plan" in _one_line_error(runner.invoke(main, ["status", str(other)]))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("a,b\n1,2\n")
    _one_line_error(runner.invoke(main, ["status", str(fake)]))
    _one_line_error(runner.invoke(main, ["status", str(tmp_path)]))  # a folder


def test_input_errors_exit_1_with_the_report(runner, tmp_path):
    plan = {"format": "mapgen-plan", "blueprint": {"name": "map"}, "sections": {
        "action_items": [{"description": "x", "deadline": "next week"}]}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(plan))
    result = runner.invoke(main, ["status", str(path), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["items"][0]["health"] == ["unowned", "undated"]
    assert "not a date" in result.stderr


def readme_output(command: str) -> str:
    """The output the README shows for ``command`` (the text block right after it)."""
    from conftest import ROOT

    text = (ROOT / "README.md").read_text()
    start = text.index(f"{command}\n```\n```text\n") + len(command) + len("\n```\n```text\n")
    return text[start:text.index("```", start)]


def test_readme_shows_the_real_output(runner, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    command = "mapgen status tests/fixtures/review.yaml --as-of 2027-01-20"
    result = runner.invoke(main, command.split()[1:])
    assert result.stdout == readme_output(command)


def test_cells_follow_rows_moved_by_blank_rows(plan_report, workbook, tmp_path):
    """Blank rows inserted in the table: the plan is the same, the cells move with the rows."""
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    ws = wb["Action Items"]
    at = next(c.row for row in ws.iter_rows() for c in row if c.value == "Legal review")
    ws.insert_rows(at, 2)
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    report, _ = mapgen.plan_status(moved, as_of=AS_OF)
    assert comparable(report) == comparable(plan_report)
    assert_cells_point_at_the_rows(report, moved)
    legal = next(i for i in report["items"] if i["label"] == "Legal review")
    assert legal["cell"] == f"D{at + 2}"


def _table(ws, header: str) -> tuple[int, dict[str, str]]:
    """The header row of the table holding ``header``, and its headers' column letters."""
    row = next(r for r in ws.iter_rows() if any(c.value == header for c in r))
    return row[0].row, {c.value: c.column_letter for c in row if isinstance(c.value, str)}


def _row_of(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def _gap(wb):  # far below the rows before it (a rows-below-gap warning)
    ws = wb["Action Items"]
    ws.insert_rows(_row_of(ws, "Budget approval"), 70)


def _swap(wb):  # Responsible and Description change places, headers and values
    ws = wb["Action Items"]
    at, letters = _table(ws, "Responsible Person")
    a, b = letters["Description"], letters["Responsible Person"]
    for n in range(at, ws.max_row + 1):
        ws[f"{a}{n}"].value, ws[f"{b}{n}"].value = ws[f"{b}{n}"].value, ws[f"{a}{n}"].value


def _alias(wb):  # a header renamed to a name the column goes by
    ws = wb["Action Items"]
    at, letters = _table(ws, "Responsible Person")
    ws[f"{letters['Responsible Person']}{at}"] = "Owner"


def _no_metadata(wb):
    for name in [n for n in wb.sheetnames if n.startswith("_")]:
        wb.remove(wb[name])


@pytest.mark.parametrize("edit", [_gap, _swap, _alias, _no_metadata])
def test_cells_name_the_edited_workbooks_cells(plan_report, workbook, tmp_path, edit):
    """Wherever the rows and columns went, each item and finding names its own cell, and the
    unowned/undated findings name the empty cell of the missing value."""
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    edit(wb)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    report, _ = mapgen.plan_status(edited, as_of=AS_OF)
    if edit is not _no_metadata:  # without metadata the deal (and what follows from it) is gone
        assert comparable(report) == comparable(plan_report)
    assert_cells_point_at_the_rows(report, edited)
    ws = load_workbook(edited)["Action Items"]
    _, letters = _table(ws, "Owner" if edit is _alias else "Responsible Person")
    owner = letters["Owner" if edit is _alias else "Responsible Person"]
    found = {(f["code"], f["row"]): f["cell"] for f in report["findings"]
             if f["section"] == "action_items"}
    assert found[("unowned", 7)] == f"{owner}{_row_of(ws, 'Admin training')}"
    assert found[("undated", 6)] == f"{letters['Deadline']}{_row_of(ws, 'ROI model')}"
    budget = next(i for i in report["items"] if i["label"] == "Budget approval")
    assert budget["cell"] == f"{letters['Description']}{_row_of(ws, 'Budget approval')}"


def test_cells_skip_the_examples(tmp_path):
    """Rows typed below the examples of a blank workbook: the untouched examples are not
    rows, and every cell named is the typed row's."""
    from openpyxl import load_workbook

    bp = mapgen.load_blueprint("map")
    plan = mapgen.load_plan(REVIEW, bp)
    (blank,) = mapgen.generate(bp, formats=["xlsx"], out_dir=tmp_path)
    wb = load_workbook(blank)
    for title, section, below in (("Action Items", "action_items", 3),
                                  ("Key Phases and Milestones", "phases", 2)):
        ws = wb[title]
        titles = {c.key: c.title for c in bp.section(section).columns}
        at, letters = _table(ws, "Responsible Person")
        for n, row in enumerate(plan.rows(section)):
            for key, value in row.items():
                ws[f"{letters[titles[key]]}{at + below + n}"] = value
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    report, read = mapgen.plan_status(filled, as_of=AS_OF)
    assert read.sections["action_items"] == plan.sections["action_items"]
    assert_cells_point_at_the_rows(report, filled)
    first = next(i for i in report["items"] if i["section"] == "action_items")
    assert (first["label"], first["cell"]) == ("Kick-off call", "D9")  # the example is row 7


def test_a_translated_status_list_counts_by_meaning(tmp_path):
    bp_path = tmp_path / "sv.yaml"
    bp_path.write_text("name: sv\nextends: map\nsections:\n  - key: action_items\n    columns:\n"
                       "      - {key: status, choices: [Ej påbörjad, Pågår, Klar, Blockerad]}\n",
                       encoding="utf-8")
    plan = {"format": "mapgen-plan", "blueprint": {"name": "sv"}, "sections": {"action_items": [
        {"description": "a", "responsible": "AE", "deadline": "2027-01-01", "status": "Klar"},
        {"description": "b", "responsible": "AE", "deadline": "2027-01-01", "status": "Blockerad"},
        {"description": "c", "responsible": "AE", "deadline": "2027-01-19", "status": "Pågår"}]}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    report, found = mapgen.plan_status(path, str(bp_path), as_of=AS_OF)
    assert found.errors == []
    counts = report["sections"]["action_items"]
    assert (counts["done"], counts["blocked"], counts["in_progress"]) == (1, 1, 1)
    assert [i["health"] for i in report["items"]] == [[], ["blocked", "stalled"], ["at_risk"]]


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    import io

    from mapgen.cli import reports
    from mapgen.cli.status import COLOURS

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(reports.sys, "stdout", Tty())
    style = reports.terminal_style(None, COLOURS)
    assert style is not None and style("x", "stalled") != "x" and style("x", "other") == "x"
    assert reports.terminal_style("weekly.txt", COLOURS) is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert reports.terminal_style(None, COLOURS) is None
    monkeypatch.setattr(reports.sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert reports.terminal_style(None, COLOURS) is None


def _hostile_plans():
    value = st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 12),
                      st.sampled_from(["Done", "done", "Blocked", "2027-01-19", "go_live-1w",
                                       "start+3bd", "(", "a|b", "Ann Lee"]))
    row = st.dictionaries(st.sampled_from(["phase", "milestone", "description", "deadline",
                                           "responsible", "status", "name", "stakeholders",
                                           "what", "number"]), value, max_size=6)
    section = st.lists(row, max_size=4)
    return st.fixed_dictionaries({
        "deal": st.dictionaries(st.sampled_from(["go_live", "start", "name"]),
                                st.sampled_from(["2027-03-01", "soon", "", "2026-12-01"]),
                                max_size=3),
        "sections": st.fixed_dictionaries({k: section for k in (
            "phases", "action_items", "stakeholders", "communication")})})


@settings(max_examples=60, deadline=None)
@given(_hostile_plans(), _hostile_plans())
def test_hostile_plans_report_and_diff_without_tracebacks(a, b):
    bp = mapgen.load_blueprint("map")
    plans = [mapgen.plan_from_data({"format": "mapgen-plan", **d}, bp) for d in (a, b)]
    report = mapgen.status_report(plans[0], bp, as_of=AS_OF)
    json.dumps(report)
    for fmt in ("text", "markdown", "json"):
        assert mapgen.render_status(report, fmt)
    changes = mapgen.diff_plans(plans[0], plans[1], bp)
    json.dumps(changes)
    assert mapgen.diff_plans(plans[0], plans[0], bp)["sections"] == {}
    for fmt in ("text", "markdown", "json"):
        assert mapgen.render_diff(changes, fmt)


def test_health_thresholds_from_a_blueprint_file(runner, tmp_path):
    custom = tmp_path / "slow.yaml"
    custom.write_text("name: slow\nextends: map\nhealth: {at_risk: 3, stalled: 10, due_soon: 7}\n")
    result = runner.invoke(main, ["status", str(REVIEW), "--blueprint", str(custom),
                                  "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["health_rules"] == {"at_risk": 3, "stalled": 10, "due_soon": 7}
    got = {(i["section"], i["row"]): i["health"] for i in report["items"]}
    assert got[("action_items", 4)] == ["at_risk"] and got[("action_items", 3)] == []


@pytest.mark.parametrize(("health", "message"), [
    ("{stale: 10}", "3: unknown field 'stale' (did you mean 'stalled'?)"),
    ("{at_risk: 8, stalled: 7}", "3: health: at_risk (8) must not be after stalled (7)"),
    ("{due_soon: soon}", "3:"),
])
def test_bad_health_in_a_blueprint_file_is_a_line_error(runner, tmp_path, health, message):
    custom = tmp_path / "bad.yaml"
    custom.write_text(f"name: bad\nextends: map\nhealth: {health}\n")
    result = runner.invoke(main, ["blueprint", "check", str(custom)])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
