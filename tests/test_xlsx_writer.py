"""The Excel writer: workbook structure checked with openpyxl, formulas checked in LibreOffice."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import pdf_page_count, soffice_convert
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from mapgen.cli import main
from mapgen.formats.xlsx.meta import read_meta
from mapgen.formats.xlsx.writer import write_xlsx
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import Plan, plan_from_data
from mapgen.model.view import build_view, describe_relative
from mapgen.ops.generate import generate

TODAY = dt.date.today()
STATUSES = ["Not started", "In progress", "Done", "Blocked"]
INJECTIONS = ["=1+1", "+SUM(1,2)", "-3 days", "@here", '=HYPERLINK("http://x","y")', "#N/A"]


def make_plan(n: int, blueprint: str = "map", **sections: list[dict[str, Any]]) -> Plan:
    """A plan with ``n`` generated action items (cycling statuses), plus any given sections."""
    items = [{"number": i, "phase": 1 + i % 5, "description": f"Action item {i}",
              "deadline": (TODAY + dt.timedelta(days=i % 90 - 30)).isoformat(),
              "importance": "High" if i % 2 else "Low", "responsible": f"Owner {i % 7}",
              "status": STATUSES[i % 4]} for i in range(1, n + 1)]
    data = {"blueprint": {"name": blueprint},
            "deal": {"name": "Rollout", "buyer": "Contoso", "seller": "Nimbus",
                     "start": "2026-10-01", "close": "2027-01-29", "go_live": "2027-03-01"},
            "sections": {"action_items": items, **sections} if n else sections}
    plan = plan_from_data(data, load_blueprint(blueprint))
    assert not plan.errors, plan.errors
    return plan


def write(tmp_path: Path, blueprint: str | Path = "map", plan: Plan | None = None, *,
          audience: str = "internal", protect: bool = False, participant: str | None = None,
          stem: str = "plan") -> Path:
    bp = load_blueprint(blueprint)
    [path] = generate(bp, plan=plan, formats=["xlsx"], audience=audience, out_dir=tmp_path,
                      force=True, protect=protect, participant=participant, stem=stem)
    return path


def table_of(wb, section: str):
    """(worksheet, sheet metadata) of a section, found through the metadata."""
    meta = read_meta(wb)
    sheet = next(s for s in meta.sheets if s.section == section)
    return wb[sheet.sheet], sheet


def column_cells(ws, sheet, key: str) -> list:
    """The body cells of one table column, examples included."""
    col = sheet.first_col + sheet.columns.index(key)
    last = int(ws.tables[sheet.table].ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return [ws.cell(r, col) for r in range(sheet.header_row + 1, last + 1)]


def overview_progress(ws) -> dict[tuple[str, str], Any]:
    """{(row label, column header): value} of the overview's progress matrix."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Status")
    heads = {c: ws.cell(header, c).value for c in range(3, 8) if ws.cell(header, c).value}
    out = {}
    for r in range(header + 1, header + 12):
        label = ws.cell(r, 2).value
        if label is None:
            break
        for c, head in heads.items():
            out[label, head] = ws.cell(r, c).value
    return out


def all_values(wb) -> list[str]:
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


@pytest.fixture
def custom_bp(in_tmp) -> Path:
    """A blueprint with awkward titles, a long choice list, a percent column, no status column."""
    long_choices = [f"Option number {i:02}" for i in range(1, 31)]
    path = in_tmp / "custom.yaml"
    path.write_text(
        "name: custom\nversion: '7'\ntitle: Custom plan\n"
        "branding: {company: 'Acme & Co', primary_color: 'FFD700', font: Arial}\n"
        "sections:\n"
        "  - key: risks\n    title: 'Risks/Issues: [draft]*?'\n"
        "    columns:\n"
        "      - {key: risk, type: text, required: true, help: What could go wrong}\n"
        f"      - {{key: kind, type: choice, choices: {long_choices!r}}}\n"
        "      - {key: odd, type: choice, choices: ['Yes, surely', 'No']}\n"
        "      - {key: done, header: Done %, type: percent}\n"
        "  - key: history\n    title: History\n    columns: [{key: note}]\n"
        "  - key: twin_a\n    title: A very long section title that Excel cannot hold\n"
        "    columns: [{key: note}]\n"
        "  - key: twin_b\n    title: A very long section title that Excel cannot hold too\n"
        "    blank_rows: 0\n    columns: [{key: note, header: Note}, {key: note2, header: NOTE}]\n",
        encoding="utf-8")
    return path


# --------------------------------------------------------------------------- structure


def test_blank_default_workbook_structure(tmp_path):
    bp = load_blueprint("map")
    wb = load_workbook(write(tmp_path))
    meta = read_meta(wb)
    assert wb.sheetnames[:2] == ["Overview", "Timeline"]
    assert wb.sheetnames[2:10] == [s.title for s in bp.sections]
    assert wb["_mapgen"].sheet_state == "veryHidden"
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == wb.sheetnames[:10]
    assert meta.blueprint == {"name": "map", "version": "1"}
    assert (meta.audience, meta.mode, meta.participant) == ("internal", "blank", None)
    assert [s.section for s in meta.sheets] == [s.key for s in bp.sections]

    for section, sheet in zip(bp.sections, meta.sheets, strict=True):
        ws = wb[sheet.sheet]
        assert sheet.table == f"tbl_{section.key}" and sheet.table in ws.tables
        assert sheet.columns == [c.key for c in section.columns]
        assert sheet.headers == [c.title for c in section.columns]
        ref = ws.tables[sheet.table].ref
        n_body = len(section.examples) + section.blank_rows
        last = get_column_letter(sheet.first_col + len(section.columns) - 1)
        assert ref == f"B{sheet.header_row}:{last}{sheet.header_row + n_body}"
        headers = [ws.cell(sheet.header_row, sheet.first_col + i).value
                   for i in range(len(section.columns))]
        assert headers == sheet.headers
        assert ws.freeze_panes == f"A{sheet.header_row + 1}"
        for i, column in enumerate(section.columns):
            letter = get_column_letter(sheet.first_col + i)
            assert ws.column_dimensions[letter].width == column.display_width
        # Examples: first rows of the table, grey italic, noted as examples, in the metadata.
        assert sheet.examples == section.examples
        for n, example in enumerate(section.examples):
            row = sheet.header_row + 1 + n
            assert ws.cell(row, sheet.first_col).comment.text.startswith("Example:")
            assert ws.cell(row, 1).value is None  # nothing outside the table
            for i, key in enumerate(sheet.columns):
                cell = ws.cell(row, sheet.first_col + i)
                value = example.get(key)
                if section.column(key).type == "date" and isinstance(value, str):
                    value = describe_relative(value)  # a relative date in words
                assert cell.value == value
                assert cell.font.i and cell.font.color.rgb.endswith("7F7F7F")
        first_blank = ws.cell(sheet.header_row + 1 + len(section.examples), sheet.first_col)
        assert first_blank.value is None and not first_blank.font.i and not first_blank.comment
        assert ws.cell(1, 2).value.endswith(section.title)


def test_typed_cells_validations_and_conditional_formats(tmp_path):
    wb = load_workbook(write(tmp_path, plan=make_plan(5)))
    ws, sheet = table_of(wb, "action_items")
    deadlines = column_cells(ws, sheet, "deadline")
    assert all(c.number_format == "d mmm yyyy" for c in deadlines)  # as the handout prints them
    assert isinstance(deadlines[0].value, dt.datetime) and deadlines[0].is_date
    assert deadlines[0].value.date() == TODAY + dt.timedelta(days=1 - 30)
    numbers = column_cells(ws, sheet, "number")
    assert [c.value for c in numbers[:5]] == [1, 2, 3, 4, 5] and numbers[0].data_type == "n"
    assert len(numbers) == 5 + 3  # pre-filled: no example, the rows, three spare rows
    assert all(c.alignment.wrap_text for c in column_cells(ws, sheet, "description"))

    by_column: dict[str, Any] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_column[rng.coord[0]] = (dv, rng.coord)
    letter = {k: get_column_letter(sheet.first_col + i) for i, k in enumerate(sheet.columns)}
    dv, coord = by_column[letter["status"]]
    assert dv.type == "list" and dv.formula1 == '"Not started,In progress,Done,Blocked"'
    assert coord == f"{letter['status']}7:{letter['status']}14"
    assert dv.prompt == "Where the action stands today." and dv.showInputMessage
    dv, _ = by_column[letter["deadline"]]
    assert (dv.type, dv.operator, dv.showErrorMessage) == ("date", "between", True)
    assert by_column[letter["number"]][0].type == "whole"
    dv, _ = by_column[letter["description"]]
    assert dv.type is None and dv.prompt == "What has to be done."

    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    s, d = letter["status"], letter["deadline"]
    done = ",".join(f'${s}7="{w}"' for w in ("Done", "Complete", "Completed", "Finished"))
    assert rules[f"{d}7:{d}14"] == [f"AND(ISNUMBER({d}7),{d}7<TODAY(),NOT(OR({done})))"]
    assert rules[f"B7:{s}14"] == [f"OR({done})"]  # Done and its synonyms


def test_prefilled_overview_facts_objective_and_formula_ranges(tmp_path):
    objective = [{"rank": 1, "description": "Contoso live by March"}]
    wb = load_workbook(write(tmp_path, plan=make_plan(4, objective=objective)))
    ov = wb["Overview"]
    values = all_values(wb)
    assert "Contoso" in values and "Rollout" in values
    dates = [c.value for row in ov.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert dt.datetime(2027, 3, 1) in dates  # go-live as a real date
    assert any(v.startswith("=IF('Objective'!$C$7=\"\"") for v in values)  # live, no example above
    progress = overview_progress(ov)
    assert set(progress) >= {("Done", "Action Items"), ("Overdue", "Key Phases and Milestones")}
    _, phases = table_of(wb, "phases")
    first = phases.header_row + 1 + len(phases.examples)  # phases keeps its example: not counted
    done = progress["Done", "Key Phases and Milestones"]
    phases = f"'Key Phases and Milestones'!$I${first}:$I${first + 2 + 500}"
    assert done.startswith(  # Done and its synonyms, then the example row if typed over
        f'=COUNTIFS({phases},"=Done")+COUNTIFS({phases},"=Complete")+COUNTIFS({phases},'
        f'"=Completed")+COUNTIFS({phases},"=Finished")+IF(AND(OR(')
    assert done.endswith("'Key Phases and Milestones'!$I$7=\"Finished\")),1,0)")
    status = "'Action Items'!$I$7:$I$513"
    assert progress["Overdue", "Action Items"] == (  # open: neither Done nor a synonym of it
        "=COUNTIFS('Action Items'!$E$7:$E$513,\"<\"&TODAY()," + "".join(
            f'{status},"<>{w}",' for w in ("Done", "Complete", "Completed", "Finished"))
        + "'Action Items'!$E$7:$E$513,\"<>\")")
    meta = read_meta(wb)
    assert meta.mode == "prefilled" and meta.deal["go_live"] == "2027-03-01"


def test_buyer_edition_leaves_internal_parts_out(tmp_path):
    wb = load_workbook(write(tmp_path, "saas", make_plan(3, "saas"), audience="buyer"))
    meta = read_meta(wb)
    assert meta.audience == "buyer"
    assert "Risks" not in wb.sheetnames and "risks" not in [s.section for s in meta.sheets]
    ws, sheet = table_of(wb, "action_items")
    assert "importance" not in sheet.columns and "Importance" not in sheet.headers
    assert ws.max_column == sheet.first_col + len(sheet.columns) - 1
    assert all("importance" not in e for s in meta.sheets for e in s.examples)
    assert not any(v in ("High", "Low") for v in all_values(wb))  # no importance value anywhere
    assert "Buyer edition" in " ".join(all_values(wb))

    internal = load_workbook(write(tmp_path, "saas", make_plan(3, "saas"), stem="internal"))
    assert "Risks" in internal.sheetnames
    assert "importance" in table_of(internal, "action_items")[1].columns


def test_blank_mode_shows_relative_dates_in_words(tmp_path):
    wb = load_workbook(write(tmp_path, "saas"))
    ws, sheet = table_of(wb, "phases")
    deadlines = [c.value for c in column_cells(ws, sheet, "deadline")]
    # The example first (words), then the blueprint's standard rows (live formulas that show
    # the words while the Overview has no go-live), then the blank rows.
    assert deadlines[0] == "12 weeks before go-live"
    assert [d.split('"')[3] for d in deadlines[1:6]] == [
        "12 weeks before go-live", "8 weeks before go-live", "6 weeks before go-live",
        "at close", "at go-live"]
    assert deadlines[6:] == [None] * 5


def test_formula_injection_is_written_as_text(tmp_path):
    view = build_view(load_blueprint("map"), make_plan(len(INJECTIONS) + 1))
    items = next(s for s in view.sections if s.key == "action_items")
    for row, text in zip(items.rows, [*INJECTIONS, "\tTabbed"], strict=True):
        row["description"] = text
    view.deal["name"], view.participant = "=2+2", "@Ann"
    path = tmp_path / "inject.xlsx"
    write_xlsx(view, path)
    wb = load_workbook(path)
    ws, sheet = table_of(wb, "action_items")
    cells = column_cells(ws, sheet, "description")[: len(INJECTIONS) + 1]
    assert [c.value for c in cells] == [*INJECTIONS, "\tTabbed"]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if c.value != "#N/A")
    texts = {c.value: c.data_type for row in wb["Overview"].iter_rows() for c in row if c.value}
    assert texts["=2+2"] == "s" and texts["Prepared for: @Ann"] == "s"
    formulas = [v for v, t in texts.items() if t == "f"]  # only the writer's own formulas
    assert formulas and all(v.startswith(("=IF(", "=COUNTIFS(", "=SUMPRODUCT(")) for v in formulas)


def test_merge_sources_and_conflict_notes(tmp_path):
    view = build_view(load_blueprint("map"), make_plan(3))
    items = next(s for s in view.sections if s.key == "action_items")
    items.sources = ["Ann", "Ann, Bob", "=Bob"]
    items.notes = {(1, "deadline"): "Ann: 2027-01-10; Bob: 2027-01-12"}
    path = tmp_path / "merged.xlsx"
    write_xlsx(view, path)
    ws, sheet = table_of(load_workbook(path), "action_items")
    assert sheet.columns[-1] == "_sources" and sheet.headers[-1] == "Sources"
    assert [c.value for c in column_cells(ws, sheet, "_sources")] == [
        "Ann", "Ann, Bob", "=Bob", None, None, None]
    noted = column_cells(ws, sheet, "deadline")[1]
    assert noted.comment.text == "Ann: 2027-01-10; Bob: 2027-01-12"
    assert noted.fill.fgColor.rgb.endswith("FCE4D6")
    assert column_cells(ws, sheet, "deadline")[0].comment is None
    assert "Conflict" in all_values(load_workbook(path))  # in the legend

    buyer = build_view(load_blueprint("map"), make_plan(3), audience="buyer")
    next(s for s in buyer.sections if s.key == "action_items").sources = ["Ann"] * 3
    write_xlsx(buyer, tmp_path / "buyer.xlsx")
    _, sheet = table_of(load_workbook(tmp_path / "buyer.xlsx"), "action_items")
    assert "_sources" not in sheet.columns


def test_participant_and_protection(tmp_path):
    path = write(tmp_path, plan=make_plan(2), protect=True, participant="Ann Lee")
    wb = load_workbook(path)
    assert "Prepared for: Ann Lee" in all_values(wb)
    assert read_meta(wb).participant == "Ann Lee"
    assert wb.security.lockStructure and not wb.security.workbookPassword
    ws, sheet = table_of(wb, "action_items")
    assert ws.protection.sheet and not ws.protection.password
    assert not ws.protection.autoFilter and not ws.protection.sort  # still allowed
    assert ws.cell(sheet.header_row, sheet.first_col).protection.locked
    assert ws.cell(1, 2).protection.locked
    assert not any(c.protection.locked for c in column_cells(ws, sheet, "status"))
    assert wb["Overview"].protection.sheet

    plain = load_workbook(write(tmp_path, stem="open"))
    assert not plain.security or not plain.security.lockStructure
    assert not plain["Action Items"].protection.sheet


def test_custom_blueprint_names_lists_branding_percent(custom_bp, tmp_path):
    plan = plan_from_data({"sections": {"risks": [{"risk": "=cmd|' /C calc'!A0", "done": "75%",
                                                   "kind": "Option number 30", "odd": "No"}]}},
                          load_blueprint(custom_bp))
    wb = load_workbook(write(tmp_path, custom_bp, plan))
    assert wb.sheetnames[:5] == ["Overview", "Risks-Issues draft", "History (2)",
                                 "A very long section title that", "A very long section title t (2)"]
    assert all(len(n) <= 31 for n in wb.sheetnames)
    assert wb["_lists"].sheet_state == "veryHidden"
    ws, sheet = table_of(wb, "risks")
    assert sheet.headers == ["Risk", "Kind", "Odd", "Done %"]
    dvs = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation}
    assert dvs["C"].formula1 == "'_lists'!$A$1:$A$30"  # 30 choices: longer than 255 characters
    assert dvs["D"].formula1 == "'_lists'!$B$1:$B$2"   # a choice with a comma
    assert [wb["_lists"].cell(r, 1).value for r in (1, 30)] == ["Option number 01", "Option number 30"]
    assert (dvs["E"].type, dvs["E"].formula1, dvs["E"].formula2) == ("decimal", "0", "1")
    done = ws.cell(sheet.header_row + 1, 5)
    assert done.value == 0.75 and done.number_format == "0%"
    assert ws.cell(sheet.header_row + 1, 2).data_type == "s"
    header = ws.cell(sheet.header_row, 2)
    assert header.fill.fgColor.rgb.endswith("FFD700") and header.font.name == "Arial"
    assert not header.font.color.rgb.endswith("FFFFFF")  # dark text on a light colour
    assert not wb["Overview"]["B1"].font.color.rgb.endswith("FFD700")  # readable title on white
    twin_ws, twin = table_of(load_workbook(write(tmp_path, custom_bp, stem="blank")), "twin_b")
    assert twin.headers == ["Note", "NOTE 2"]  # table column names are unique regardless of case
    assert twin_ws.tables[twin.table].ref == "B6:C7"  # no rows at all: still one body row
    values = all_values(wb)
    assert "Progress" not in values  # no status column: no progress block
    assert any(v.startswith("Acme & Co · Generated") for v in values)


def test_unusable_values_never_break_the_file(in_tmp, runner):
    plan_path = in_tmp / "plan.json"
    plan_path.write_text('{"sections": {"objective": [{"description": "bell\\u0007 here"}]}}')
    result = runner.invoke(main, ["generate", "--plan", str(plan_path), "--format", "xlsx",
                                  "--out", "out"])
    assert result.exit_code == 0, result.output
    ws, sheet = table_of(load_workbook(in_tmp / "out" / "map.xlsx"), "objective")
    assert column_cells(ws, sheet, "description")[0].value == "bell here"

    plan_path.write_text('{"sections": {"objective": [{"description": "%s"}]}}' % ("x" * 40_000))
    result = runner.invoke(main, ["generate", "--plan", str(plan_path), "--format", "xlsx",
                                  "--out", "big"])
    assert result.exit_code == 1
    assert "does not fit in an Excel cell" in result.output and "Traceback" not in result.output
    assert not (in_tmp / "big").exists() or not list((in_tmp / "big").iterdir())


def test_generation_is_fast(tmp_path):
    bp = load_blueprint("map")
    plan = make_plan(1000)
    timings = {}
    generate(bp, formats=["xlsx"], out_dir=tmp_path, force=True, stem="warm")  # imports
    for name, p in (("blank", None), ("big", plan)):
        start = time.process_time()
        generate(bp, plan=p, formats=["xlsx"], out_dir=tmp_path, force=True, stem=name)
        timings[name] = time.process_time() - start
    assert timings["blank"] < 1.0, timings
    assert timings["big"] < 2.0, timings
    ws, sheet = table_of(load_workbook(tmp_path / "big.xlsx", read_only=False), "action_items")
    assert ws.tables[sheet.table].ref.endswith(str(sheet.header_row + 1003))


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.soffice
def test_libreoffice_opens_and_recalculates(tmp_path):
    """Known statuses and dates; LibreOffice's recalculated counts must match."""
    past, future = TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=10)
    items = [("Done", past), ("In progress", past), ("Not started", past), ("Blocked", future),
             ("Not started", None), ("In progress", TODAY), (None, past)]
    rows = [{"number": i, "description": f"Item {i}", "status": s,
             "deadline": d.isoformat() if d else None} for i, (s, d) in enumerate(items, start=1)]
    rows[0]["responsible"] = INJECTIONS[0]
    rows[1]["responsible"] = INJECTIONS[4]
    plan = make_plan(0, action_items=rows)  # phases stays blank: its example must not count
    path = write(tmp_path, plan=plan)

    resaved = soffice_convert(path, "xlsx", tmp_path / "lo")
    wb = load_workbook(resaved, data_only=True)
    progress = overview_progress(wb["Overview"])
    counts = {label: progress[label, "Action Items"] for label in
              ("Not started", "In progress", "Done", "Blocked", "Total", "Overdue", "% complete")}
    assert counts == {"Not started": 2, "In progress": 2, "Done": 1, "Blocked": 1, "Total": 7,
                      "Overdue": 3, "% complete": pytest.approx(1 / 7)}
    phases = {label: progress[label, "Key Phases and Milestones"] for label in STATUSES}
    assert phases == dict.fromkeys(STATUSES, 0)  # the example's "In progress" is left out
    ws = wb["Action Items"]
    assert [ws.cell(r, 8).value for r in (7, 8)] == [INJECTIONS[0], INJECTIONS[4]]
    assert all(ws.cell(r, 8).data_type == "s" for r in (7, 8))
    assert wb["_mapgen"].sheet_state != "visible"  # LibreOffice keeps it hidden (not "very")
    assert read_meta(wb).sheets[2].table == "tbl_action_items"

    pdf = soffice_convert(path, "pdf", tmp_path / "lo")
    assert pdf_page_count(pdf) >= 1 + 8  # the overview, then a page per section at least


def test_wrapped_data_rows_get_a_height_and_short_rows_keep_the_default(tmp_path):
    long = "A description long enough to wrap over several lines of its column " * 3
    plan = make_plan(0, action_items=[
        {"number": 1, "description": long, "status": "Done"},
        {"number": 2, "description": "Short", "status": "Done"}])
    wb = load_workbook(write(tmp_path, plan=plan))
    ws, sheet = table_of(wb, "action_items")
    first = sheet.header_row + 1
    assert ws.row_dimensions[first].height >= 4 * 13
    assert ws.row_dimensions[first + 1].height is None
    # Examples are measured too (the blank workbook's long example rows).
    wb = load_workbook(write(tmp_path, stem="blank"))
    ws, sheet = table_of(wb, "phases")
    assert ws.row_dimensions[sheet.header_row + 1].height > 20


def test_wrapped_lines_breaks_at_words():
    from mapgen.formats.xlsx.measure import wrapped_lines

    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("one two three", 13) == 1
    assert wrapped_lines("one two three", 12) == 2
    assert wrapped_lines("a\nb\n\nc", 10) == 4
    assert wrapped_lines("x" * 25, 10) == 3


def test_conflict_rule_comes_first_and_done_rows_are_not_styled_like_examples(tmp_path):
    from mapgen.formats.xlsx.styles import CONFLICT_FILL, DONE_FILL
    from mapgen.model.plan import write_json
    from mapgen.ops.merge import merge_files

    a, b = make_plan(0, action_items=[{"number": 1, "description": "Review", "status": "Done",
                                       "deadline": "2027-01-15"}]), make_plan(
        0, action_items=[{"number": 1, "description": "Review", "status": "Done",
                          "deadline": "2027-01-22"}])
    for name, plan in (("a", a), ("b", b)):
        write_json(plan, tmp_path / f"{name}.json")
    result = merge_files([tmp_path / "a.json", tmp_path / "b.json"])
    out = tmp_path / "merged.xlsx"
    write_xlsx(result.view(), out)
    ws, sheet = table_of(load_workbook(out), "action_items")
    rules = [(str(cf.sqref), r) for cf in ws.conditional_formatting for r in cf.rules]
    rules.sort(key=lambda x: x[1].priority)
    sqref, top = rules[0]
    assert top.stopIfTrue and top.dxf.fill.bgColor.rgb.endswith(CONFLICT_FILL)
    assert sqref == f"E{sheet.header_row + 1}"  # the deadline of the first row
    done = next(r for _, r in rules if r.formula[0].startswith("OR(") and '="Done"' in r.formula[0])
    assert done.dxf.fill.bgColor.rgb.endswith(DONE_FILL) and not done.dxf.font.i


def test_overview_at_a_glance_is_live_and_prints_on_one_page(tmp_path):
    from conftest import FIXTURES

    from mapgen.model.plan import load_plan

    bp = load_blueprint("saas")
    plan = load_plan(FIXTURES / "deal.yaml", bp)
    # One phase overdue and blocked, one done: the next milestone is the first open one ahead.
    phases = [dict(r) for r in build_view(bp, plan).sections[1].rows]
    phases[0].update(deadline=TODAY - dt.timedelta(days=3), status="Blocked")
    phases[1].update(deadline=TODAY + dt.timedelta(days=5), status="Done")
    phases[2].update(deadline=TODAY + dt.timedelta(days=9), status="In progress")
    plan.sections["phases"] = phases
    plan.deal["go_live"] = TODAY + dt.timedelta(days=40)
    path = write(tmp_path, "saas", plan, stem="glance")
    wb = load_workbook(path)
    ws = wb["Overview"]
    assert ws.page_setup.fitToHeight == 1 and ws.page_setup.fitToWidth == 1
    labels: dict[str, Any] = {}  # the first cell of each text: the glance comes first
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                labels.setdefault(c.value, c)
    assert {"At a glance", "Days to go-live", "Next milestone", "Overdue", "Blocked"} <= set(labels)
    pdf = soffice_convert(path, "pdf", tmp_path / "pdf")
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    glance = lines[next(i for i, t in enumerate(lines) if t == "At a glance"):][:8]
    flat = " | ".join(glance)
    assert "40" in flat and "Business case signed off" in flat
    from mapgen.core.dates import format_human
    assert format_human(TODAY + dt.timedelta(days=9)) in flat
    # Counted by the spreadsheet: overdue, the blocked phase (3 days late) and the action item
    # due 9 weeks before go-live (23 days ago); blocked, that phase.
    saved = load_workbook(soffice_convert(path, "xlsx", tmp_path / "xlsx"), data_only=True)
    values = saved["Overview"]

    def right_of(label: str) -> Any:
        cell = labels[label]
        return values.cell(cell.row, cell.column + 1).value

    assert right_of("Days to go-live") == 40
    assert right_of("Overdue") == 2 and right_of("Blocked") == 1
    nxt = right_of("Next milestone")
    assert (nxt.date() if isinstance(nxt, dt.datetime) else nxt) == TODAY + dt.timedelta(days=9)
    # The whole overview is page 1, its legend included; page 2 is the first section.
    assert "Legend" in text and "How to use this plan" in text
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
                           capture_output=True, text=True).stdout
    assert "Legend" not in page2


def test_fast_merge_writes_exactly_what_openpyxl_merge_cells_writes(tmp_path, monkeypatch):
    """The writer's own merge (styles registered once) gives the same file as openpyxl's."""
    import zipfile

    import mapgen
    from mapgen.formats.xlsx import shortcuts as writer

    bp = mapgen.load_blueprint("saas")
    plan = mapgen.load_plan(Path(__file__).parent / "fixtures" / "deal.yaml", bp)
    fast = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "fast")[0]

    def slow(ws, **where):
        ws.merge_cells(**where)

    monkeypatch.setattr(writer, "merge", slow)
    plain = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "plain")[0]
    a, b = zipfile.ZipFile(fast), zipfile.ZipFile(plain)
    assert a.namelist() == b.namelist()
    differ = [n for n in a.namelist() if a.read(n) != b.read(n) and n != "docProps/core.xml"]
    assert differ == []
