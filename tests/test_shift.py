"""``mapgen shift``: deal dates with everything that follows them, rows with cascade, workbooks
edited in place (every other cell kept), inputs untouched, clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
import yaml

import mapgen
from mapgen.cli import main

D = dt.date
# Thursday 1 April 2027 is a holiday of this blueprint; 3-4 April is a weekend.
BLUEPRINT = """\
name: sched
extends: map
holidays: [2027-04-01]
sections:
  - key: phases
    rows:
      - {phase: 1, milestone: Discovery, deadline: go_live-2w, responsible: AE}
      - {phase: 2, milestone: Validation, deadline: go_live-3d, responsible: SE}
      - {phase: 3, milestone: Sign-off, deadline: go_live-2bd, responsible: AE}
      - {phase: 4, milestone: Go-live, deadline: go_live+1bd, responsible: CSM}
"""
DEAL = {"name": "Rollout", "buyer": "Contoso", "seller": "Nimbus", "start": "2027-01-04",
        "close": "2027-03-01", "go_live": "2027-03-22"}
ACTIONS = [
    {"number": 1, "phase": 2, "description": "Security review", "deadline": "go_live-1w",
     "responsible": "SE"},
    {"number": 2, "phase": 3, "description": "Typed by hand", "deadline": "2027-03-10",
     "responsible": "AE"},
    {"number": 3, "phase": 1, "description": "Kick-off", "deadline": "2027-03-01",
     "responsible": "AE", "status": "Done"},
]
OLD = {"Discovery": D(2027, 3, 8), "Validation": D(2027, 3, 19), "Sign-off": D(2027, 3, 18),
       "Go-live": D(2027, 3, 23)}
# go-live moves from Mon 22 March to Mon 5 April:
NEW = {"Discovery": D(2027, 3, 22),   # -2w
       "Validation": D(2027, 4, 2),   # -3d: calendar days, lands on the Friday
       "Sign-off": D(2027, 3, 31),    # -2bd: Fri 2 Apr, then Thu 1 Apr is a holiday -> Wed 31
       "Go-live": D(2027, 4, 6)}      # +1bd: Tuesday


@pytest.fixture
def deal_files(in_tmp) -> dict[str, Path]:
    (in_tmp / "blueprints").mkdir()
    (in_tmp / "blueprints" / "sched.yaml").write_text(BLUEPRINT)
    plan = {"format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "sched"},
            "deal": DEAL, "sections": {"action_items": ACTIONS}}
    (in_tmp / "plan.json").write_text(json.dumps(plan, indent=2))
    bp = mapgen.load_blueprint("sched")
    (path,) = mapgen.generate(bp, plan=mapgen.load_plan(in_tmp / "plan.json", bp),
                              formats=["xlsx"], out_dir=in_tmp / "wb", stem="plan")
    return {"plan": in_tmp / "plan.json", "workbook": path}


def run(runner, *args):
    result = runner.invoke(main, ["shift", *map(str, args)])
    return result


def dates_of(plan, section="phases", label="milestone"):
    return {r[label]: r.get("deadline") for r in plan.rows(section)}


def read(path) -> mapgen.Plan:
    plan = mapgen.read_workbook(path) if Path(path).suffix == ".xlsx" else mapgen.load_plan(path)
    assert not plan.errors, plan.errors
    return plan


def resolved(path) -> dict[str, dt.date]:
    """Phase deadlines of a plan file (relative ones resolved) or of a workbook."""
    from mapgen.model.view import build_view

    plan = read(path)
    view = build_view(mapgen.load_blueprint("sched"), plan)
    phases = next(s for s in view.sections if s.key == "phases")
    return {r["milestone"]: r["deadline"] for r in phases.rows}


def test_generated_workbook_records_and_reads_its_relative_dates(deal_files):
    plan = read(deal_files["workbook"])
    assert dates_of(plan) == OLD
    rules = {(e["row"], e["expr"]) for e in plan.relative_dates["phases"]}
    assert rules == {(1, "go_live-2w"), (2, "go_live-3d"), (3, "go_live-2bd"), (4, "go_live+1bd")}
    assert plan.relative_dates["action_items"] == [
        {"row": 1, "column": "deadline", "expr": "go_live-1w"}]


@pytest.mark.parametrize("kind", ["workbook", "plan"])
def test_go_live_moves_weeks_days_and_business_days_across_holiday_and_weekend(
        runner, deal_files, kind, in_tmp):
    src = deal_files[kind]
    out = in_tmp / ("moved" + src.suffix)
    before = src.read_bytes()
    result = run(runner, src, "--go-live", "2027-04-05", "--out", out)
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == before  # the input is never changed
    lines = result.stdout.splitlines()
    assert lines[0] == "deal go_live: 2027-03-22 -> 2027-04-05"
    assert "phases row 3 (Sign-off) deadline: 2027-03-18 -> 2027-03-31  [go_live-2bd]" in lines
    assert "action_items row 1 (Security review) deadline: 2027-03-15 -> 2027-03-29  [go_live-1w]" \
        in lines
    assert len(lines) == 1 + 4 + 1  # the deal, four phases, one action item; typed dates stay
    assert resolved(out) == NEW
    shifted = read(out)
    assert shifted.deal["go_live"] == D(2027, 4, 5)
    typed = {r["description"]: r["deadline"] for r in shifted.rows("action_items")}
    assert typed["Typed by hand"] == D(2027, 3, 10) and typed["Kick-off"] == D(2027, 3, 1)
    # shifting again keeps following the rules: they are still recorded
    again = run(runner, out, "--go-live", "2027-03-22", "--out", in_tmp / ("back" + src.suffix))
    assert again.exit_code == 0, again.output
    assert resolved(in_tmp / ("back" + src.suffix)) == OLD


def test_plan_file_keeps_everything_else(runner, deal_files, in_tmp):
    result = run(runner, deal_files["plan"], "--go-live", "2027-04-05", "--out", "moved.json")
    assert result.exit_code == 0, result.output
    old = json.loads(deal_files["plan"].read_text())
    new = json.loads((in_tmp / "moved.json").read_text())
    assert new["deal"].pop("go_live") == "2027-04-05"
    old["deal"].pop("go_live")
    assert new == old  # the rows hold their rules, which now resolve to the new dates
    # YAML output of the same shift: the same data
    assert run(runner, deal_files["plan"], "--go-live", "2027-04-05", "--out", "m.yaml").exit_code == 0
    assert yaml.safe_load((in_tmp / "m.yaml").read_text())["sections"] == old["sections"]


def cells(path: Path) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    out[(ws.title, cell.coordinate)] = cell.value
                if cell.comment is not None:
                    out[(ws.title, cell.coordinate + " comment")] = cell.comment.text
        out[(ws.title, "merged")] = sorted(str(r) for r in ws.merged_cells.ranges)
        out[(ws.title, "tables")] = sorted((t.name, t.ref) for t in ws.tables.values())
        out[(ws.title, "validations")] = len(ws.data_validations.dataValidation)
    return out


def changed(a: Path, b: Path) -> dict[tuple[str, str], tuple]:
    left, right = cells(a), cells(b)
    return {k: (left.get(k), right.get(k)) for k in left.keys() | right.keys()
            if left.get(k) != right.get(k)}


def day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def test_workbook_copy_changes_only_the_moved_date_cells(runner, deal_files, in_tmp):
    src = in_tmp / "edited.xlsx"
    wb = openpyxl.load_workbook(deal_files["workbook"])
    ws = _phases_sheet(wb)
    assert ws["B6"].value == "Phase"
    extra = max(c.column for c in ws[6] if c.value) + 1
    ws.cell(6, extra, "Notes")               # an extra column beside the table
    ws.cell(7, extra, "call Sarah first")
    ws["C7"].comment = openpyxl.comments.Comment("agreed on the call", "Ann")
    wb.save(src)
    before = src.read_bytes()
    result = run(runner, src, "--go-live", "2027-04-05", "--out", "moved.xlsx")
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == before
    diff = changed(src, in_tmp / "moved.xlsx")
    meta = {k for k in diff if k[0] == "_mapgen"}
    assert meta and all(k[1].startswith("B") for k in meta)  # the deal fact's JSON only
    rest = {k: (day(a), day(b)) for k, (a, b) in diff.items() if k[0] != "_mapgen"}
    assert rest[("Overview", next(c for s, c in rest if s == "Overview"))] == (
        D(2027, 3, 22), D(2027, 4, 5))
    # every deadline that follows go-live is a live formula on the Overview's go-live cell, so
    # that input is the only cell of the plan that changes; the formulas give the new dates
    assert [k for k in rest if k[0] != "Overview"] == []
    back = read(in_tmp / "moved.xlsx")
    assert dates_of(back) == NEW
    assert back.rows("phases")[0]["notes"] == "call Sarah first"
    # and it reads back with the new dates through the CLI as well
    out = runner.invoke(main, ["read", "moved.xlsx", "--out", "back.json"])
    assert out.exit_code == 0, out.output
    data = json.loads((in_tmp / "back.json").read_text())
    assert {r["milestone"]: r["deadline"] for r in data["sections"]["phases"]} == {
        k: v.isoformat() for k, v in NEW.items()}


def test_row_cascade_moves_later_rows_and_the_phases_actions(runner, deal_files, in_tmp):
    src = deal_files["workbook"]
    # phases in date order: Discovery 8 Mar, Sign-off 18 Mar, Validation 19 Mar, Go-live 23 Mar
    result = run(runner, src, "--row", "phases:3", "--by", "2bd", "--out", "r.xlsx")
    assert result.exit_code == 0, result.output
    plan = read(in_tmp / "r.xlsx")
    assert dates_of(plan) == {"Discovery": OLD["Discovery"],
                              "Sign-off": D(2027, 3, 22),      # Thu 18 + 2bd over the weekend
                              "Validation": D(2027, 3, 23),    # later: Fri 19 + 2bd
                              "Go-live": D(2027, 3, 25)}       # later: Tue 23 + 2bd
    actions = {r["description"]: r["deadline"] for r in plan.rows("action_items")}
    assert actions == {"Security review": D(2027, 3, 17),  # phase 2 moved: Mon 15 + 2bd
                       "Typed by hand": D(2027, 3, 12),    # phase 3 moved: Wed 10 + 2bd
                       "Kick-off": D(2027, 3, 1)}          # phase 1 did not move
    assert [line.split(" deadline")[0] for line in result.stdout.splitlines()] == [
        "phases row 3 (Sign-off)", "phases row 2 (Validation)", "phases row 4 (Go-live)",
        "action_items row 2 (Typed by hand)", "action_items row 1 (Security review)"]
    # moved rows are plain dates now: a later go-live shift leaves them alone
    rules = {(e["row"], e["expr"]) for e in plan.relative_dates["phases"]}
    assert rules == {(1, "go_live-2w")}
    assert "action_items" not in plan.relative_dates


def test_no_cascade_and_to_date(runner, deal_files, in_tmp):
    result = run(runner, deal_files["plan"], "--row", "action_items:2", "--to", "2027-03-31",
                 "--no-cascade", "--out", "n.json")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "action_items row 2 (Typed by hand) deadline: 2027-03-10 -> 2027-03-31"]
    rows = json.loads((in_tmp / "n.json").read_text())["sections"]["action_items"]
    assert [r["deadline"] for r in rows] == ["go_live-1w", "2027-03-31", "2027-03-01"]
    # --to with cascade moves later rows by the same number of days
    result = run(runner, deal_files["workbook"], "--row", "phases:2", "--to", "2027-03-26",
                 "--out", "t.xlsx")
    assert result.exit_code == 0, result.output
    assert dates_of(read(in_tmp / "t.xlsx"))["Go-live"] == D(2027, 3, 30)  # +7 days


def test_library_api_returns_moves_as_data(deal_files, in_tmp):
    result = mapgen.shift_file(deal_files["plan"], in_tmp / "api.json", deal={"go_live": "2027-04-05"})
    data = result.to_data()
    assert data[0] == {"section": "deal", "row": None, "column": "go_live", "label": "Go-live",
                       "old": "2027-03-22", "new": "2027-04-05", "rule": None}
    assert {"section": "phases", "row": 3, "column": "deadline", "label": "Sign-off",
            "old": "2027-03-18", "new": "2027-03-31", "rule": "go_live-2bd"} in data
    bp = mapgen.load_blueprint("sched")
    plan = read(deal_files["workbook"])
    shifted = mapgen.shift_plan(plan, bp, row="phases:1", by="1w", cascade=False)
    assert dates_of(shifted.plan)["Discovery"] == D(2027, 3, 15)
    assert dates_of(plan)["Discovery"] == OLD["Discovery"]  # the given plan is not changed


@pytest.mark.parametrize(("args", "message"), [
    (["--row", "phases:2", "--by", "2x"], "'2x' is not an offset"),
    (["--row", "phases:2", "--by", "w2"], "is not an offset"),
    (["--row", "phases:9", "--by", "1w"], "section 'phases' has 4 rows"),
    (["--row", "phases:0", "--by", "1w"], "write it as SECTION:N"),
    (["--row", "phases", "--by", "1w"], "write it as SECTION:N"),
    (["--row", "risks:1", "--by", "1w"], "no section 'risks'"),
    (["--row", "stakeholders:1", "--by", "1w"], "has no date column"),
    (["--row", "phases:2", "--to", "31/02/2027"], "--to"),
    (["--row", "phases:2", "--to", "03/04/2027"], "could be read two ways"),
    (["--go-live", "someday"], "--go-live"),
    (["--row", "phases:2"], "--by OFFSET or --to DATE"),
    (["--go-live", "2027-04-05", "--row", "phases:1", "--by", "1w"], "not both"),
    ([], "--go-live"),
])
def test_bad_offsets_and_rows_exit_2_with_one_line(runner, deal_files, in_tmp, args, message):
    for src in deal_files.values():
        result = run(runner, src, *args, "--out", in_tmp / ("x" + src.suffix))
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1 or result.output.startswith("Usage")
        assert not (in_tmp / ("x" + src.suffix)).exists()


def test_out_is_never_the_input_and_needs_force(runner, deal_files, in_tmp):
    src = deal_files["workbook"]
    before = src.read_bytes()
    result = run(runner, src, "--go-live", "2027-04-05", "--out", src, "--force")
    assert result.exit_code == 2 and "is the input" in result.output
    (in_tmp / "taken.xlsx").write_bytes(b"old")
    result = run(runner, src, "--go-live", "2027-04-05", "--out", "taken.xlsx")
    assert result.exit_code == 2 and "--force" in result.output
    assert (in_tmp / "taken.xlsx").read_bytes() == b"old"
    assert run(runner, src, "--go-live", "2027-04-05", "--out", "taken.xlsx", "--force").exit_code == 0
    result = run(runner, src, "--go-live", "2027-04-05", "--out", "plan.yaml")
    assert result.exit_code == 2 and "shifts into a workbook" in result.output
    assert src.read_bytes() == before


def test_plan_file_and_its_workbook_shift_alike(runner, deal_files, in_tmp):
    """A plan file's rows count as generated documents show them (the blueprint's standard
    rows included); a moved standard row is written into the plan, replacing the standard one."""
    for src, out in ((deal_files["plan"], "p.yaml"), (deal_files["workbook"], "w.xlsx")):
        result = run(runner, src, "--row", "phases:3", "--by", "2bd", "--out", out)
        assert result.exit_code == 0, result.output
    assert resolved(in_tmp / "p.yaml") == dates_of(read(in_tmp / "w.xlsx"))
    data = yaml.safe_load((in_tmp / "p.yaml").read_text())
    phases = {r["milestone"]: r["deadline"] for r in data["sections"]["phases"]}
    assert phases == {"Sign-off": "2027-03-22", "Validation": "2027-03-23",
                      "Go-live": "2027-03-25"}  # Discovery still comes from the blueprint
    actions = {r["description"]: r["deadline"] for r in data["sections"]["action_items"]}
    assert actions == {"Security review": "2027-03-17", "Typed by hand": "2027-03-12",
                       "Kick-off": "2027-03-01"}


@pytest.mark.parametrize(("text", "expected"), [
    ("2w", (2, "w")), ("+5bd", (5, "bd")), ("-3d", (-3, "d")), (" - 3 D ", (-3, "d")),
    ("0bd", (0, "bd")), ("10BD", (10, "bd")),
])
def test_offsets_are_written_as_in_relative_dates(text, expected):
    from mapgen.core.dates import parse_offset

    assert parse_offset(text) == expected


@pytest.mark.parametrize("text", ["", "w", "2", "2x", "2 weeks", "go_live-2w", "1.5d", "++2d"])
def test_bad_offsets_say_how_to_write_one(text):
    from mapgen.core.dates import parse_offset

    with pytest.raises(ValueError, match="write it like 2w, 5bd, -3d"):
        parse_offset(text)


def _phases_sheet(wb):
    """The Key Phases and Milestones sheet (its table's header starts with Phase)."""
    return next(ws for ws in wb.worksheets if ws["B6"].value == "Phase")


def test_a_date_changed_by_hand_stays_when_go_live_moves(runner, deal_files, in_tmp):
    """Reading a workbook, a recorded rule counts only while its cell still holds the rule's
    date: a date that someone typed over is theirs."""
    src = in_tmp / "typed.xlsx"
    wb = openpyxl.load_workbook(deal_files["workbook"])
    ws = _phases_sheet(wb)
    col = next(c.column for c in ws[6] if c.value == "Deadline")
    row = next(c.row for c in ws["C"] if c.value == "Validation")
    ws.cell(row, col).value = dt.datetime(2027, 3, 17)
    wb.save(src)
    result = run(runner, src, "--go-live", "2027-04-05", "--out", "t.xlsx")
    assert result.exit_code == 0, result.output
    assert "Validation" not in result.stdout
    moved = dates_of(read(in_tmp / "t.xlsx"))
    assert moved == {**NEW, "Validation": D(2027, 3, 17)}


@pytest.mark.soffice
def test_shifted_workbook_opens_in_libreoffice_with_the_new_dates(runner, deal_files, in_tmp):
    from conftest import soffice_convert

    result = run(runner, deal_files["workbook"], "--go-live", "2027-04-05", "--out", "moved.xlsx")
    assert result.exit_code == 0, result.output
    saved = soffice_convert(in_tmp / "moved.xlsx", "xlsx:Calc MS Excel 2007 XML", in_tmp / "lo")
    plan = read(saved)
    assert dates_of(plan) == NEW and plan.deal["go_live"] == D(2027, 4, 5)
