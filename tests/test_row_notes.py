"""Notes are not rows: a lone text under a table, after blank rows, in a column whose type it
does not fit, is a note of the section (the plan's ``notes``), reported with its cell, written
back under the table and counted nowhere. And an objective typed over the Overview's box.

Every fixture is a generated workbook edited with openpyxl as people edit them; every test goes
through the command line and checks exact values and counts.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from mapgen.cli import main
from tests.rowids_help import without_ids

NOTE = "Remember: legal needs two weeks"
PLAN = {
    "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "map", "version": "1"},
    "deal": {"name": "Rollout", "buyer": "Fabrikam", "seller": "Nimbus", "start": "2027-01-04",
             "close": "2027-03-01", "go_live": "2027-05-03"},
    "sections": {"objective": [{"rank": 1, "description": "Cut onboarding time in half"}],
                 "action_items": [{"number": 1, "phase": 1, "description": "Kick-off",
                                   "deadline": "2027-01-11", "responsible": "Ann",
                                   "status": "Done"}]},
}
KICKOFF = PLAN["sections"]["action_items"][0]


def cli(runner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def read(runner, path: Path, *extra: str) -> tuple[int, dict, str]:
    out = path.with_name(f"{path.stem}-read.json")
    code, output = cli(runner, "read", str(path), "--out", str(out), "--force", *extra)
    assert out.exists(), output
    return code, json.loads(out.read_text()), output


def issues(plan: dict, code: str) -> list[tuple[str | None, str | None, str]]:
    return [(i.get("sheet"), i.get("cell"), i["message"]) for i in plan["issues"] if i["code"] == code]


def regenerate(runner, source: Path, out: Path) -> Path:
    """``generate --plan source --out out`` in ``out``'s format (its suffix); it must succeed."""
    code, output = cli(runner, "generate", "--plan", str(source), "--format", out.suffix[1:],
                       "--out", str(out))
    assert code == 0, output
    return out


def notes_round_trip(runner, path: Path, expected: dict[str, list[str]], again: Path) -> None:
    """``path`` reads with exactly the ``expected`` notes (a warning each), and generating from
    it (in ``again``'s format) gives a file that reads with the same notes and rows, no issue."""
    code, first, _ = read(runner, path)
    assert code == 0
    assert first["notes"] == expected
    assert len(issues(first, "note-under-table")) == sum(len(v) for v in expected.values())
    regenerate(runner, path, again)
    code, second, _ = read(runner, again)
    assert code == 0
    assert second["notes"] == expected
    assert second["sections"] == first["sections"]
    assert second["issues"] == []



def workbook(runner, tmp_path: Path, name: str = "plan.xlsx", plan: dict | None = None) -> Path:
    """A generated workbook: pre-filled from ``plan`` (default PLAN), or a blank kit."""
    out = tmp_path / name
    args = ["generate", "--format", "xlsx", "--out", str(out)]
    if plan is not False:
        source = tmp_path / f"{out.stem}-source.json"
        source.write_text(json.dumps(plan or PLAN))
        args += ["--plan", str(source)]
    code, output = cli(runner, *args)
    assert code == 0, output
    return out


def edit(path: Path, sheet: str, cells: dict[str, object], out: Path | None = None) -> Path:
    wb = load_workbook(path)
    for coordinate, value in cells.items():
        wb[sheet][coordinate] = value
    out = out or path
    wb.save(out)
    return out


def table_end(path: Path, sheet: str) -> int:
    """The last row of the sheet's Excel table."""
    ws = load_workbook(path)[sheet]
    (table,) = ws.tables.values()
    return int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def note_message(text: str, where: str) -> str:
    return (f"'{text}' stands alone under the table and {where}: it is kept as a note of the "
            "section, not read as a row")


# --------------------------------------------------------------------------- reading a note


def test_a_note_under_the_table_is_a_note_and_a_row_far_below_is_a_row(runner, tmp_path):
    path = workbook(runner, tmp_path)
    end = table_end(path, "Action Items")  # 10: one data row and three spare rows
    edit(path, "Action Items", {f"B{end + 4}": NOTE,  # in the number column, after a gap
                                f"E{end + 5}": "Ask Sam about the DPA",  # the note goes on
                                f"D{end + 9}": "Typed far below", f"E{end + 9}": "2027-02-01"})
    code, plan, output = read(runner, path)
    assert code == 0
    assert without_ids(plan["sections"]["action_items"]) == [
        KICKOFF, {"description": "Typed far below", "deadline": "2027-02-01"}]
    assert plan["notes"] == {"action_items": [NOTE, "Ask Sam about the DPA"]}
    assert issues(plan, "note-under-table") == [
        ("Action Items", f"B{end + 4}", note_message(NOTE, "is not a value of column 'Action Item'")),
        ("Action Items", f"E{end + 5}", note_message("Ask Sam about the DPA",
                                                     "is not a value of column 'Deadline'"))]
    assert [i for i in plan["issues"] if i["severity"] == "error"] == []
    assert len(plan["issues"]) == 2
    assert "plan.xlsx: 3 rows (objective 1, action_items 2); 2 notes; 0 errors, 2 warnings" in output


def test_without_a_gap_the_text_is_a_row_with_an_error(runner, tmp_path):
    """Right under the last row, the same text is a row that went wrong, not a note."""
    path = workbook(runner, tmp_path)
    edit(path, "Action Items", {"B8": NOTE})  # the first spare row, just under Kick-off
    code, plan, _ = read(runner, path)
    assert code == 1
    assert without_ids(plan["sections"]["action_items"]) == [KICKOFF, {"number": NOTE}]
    assert "notes" not in plan
    assert [(i["code"], i["cell"]) for i in plan["issues"]] == [("invalid-integer", "B8")]


def test_a_value_read_leniently_far_below_is_a_row(runner, tmp_path):
    """"50" typed alone far below, in a percent column, is 50 % (as in the table), not a note."""
    blueprint = tmp_path / "co.yaml"
    blueprint.write_text("name: co\nextends: map\nsections:\n  - key: action_items\n    columns:\n"
                         "      - {key: progress, header: Progress, type: percent}\n")
    path = tmp_path / "co.xlsx"
    code, output = cli(runner, "generate", "--blueprint", str(blueprint), "--format", "xlsx",
                       "--out", str(path))
    assert code == 0, output
    edit(path, "Action Items", {"J20": "50"})
    code, plan, _ = read(runner, path, "--blueprint", str(blueprint))
    assert code == 0
    assert plan["sections"]["action_items"] == [{"progress": 0.5}]
    assert "notes" not in plan
    assert [(i["code"], i["cell"]) for i in plan["issues"]] == [("percent-as-number", "J20")]


def test_text_in_the_status_column_stays_a_row(runner, tmp_path):
    """The Overview counts any text in a status cell as an item, so a lone text there is a
    row with its error (read, status and the Overview agree), not a note."""
    path = workbook(runner, tmp_path)
    end = table_end(path, "Action Items")
    edit(path, "Action Items", {f"I{end + 4}": "Waiting for legal"})
    code, plan, _ = read(runner, path)
    assert code == 1
    assert without_ids(plan["sections"]["action_items"]) == [KICKOFF, {"status": "Waiting for legal"}]
    assert "notes" not in plan
    assert [(i["code"], i["cell"]) for i in plan["issues"]] == [("invalid-choice", f"I{end + 4}")]


def test_text_in_a_column_without_a_header_is_a_note_and_text_that_fits_is_a_row(runner, tmp_path):
    path = workbook(runner, tmp_path)
    end = table_end(path, "Stakeholders Identification")
    edit(path, "Stakeholders Identification", {f"B{end + 3}": "Maria Lopez"})  # a name: a row
    edit(path, "Action Items", {"M20": "Budget frozen until March"})  # no header above M
    code, plan, _ = read(runner, path)
    assert code == 0
    assert without_ids(plan["sections"]["stakeholders"]) == [{"name": "Maria Lopez"}]
    assert plan["notes"] == {"action_items": ["Budget frozen until March"]}
    assert issues(plan, "note-under-table") == [
        ("Action Items", "M20", note_message("Budget frozen until March",
                                             "stands in a column without a header"))]
    assert issues(plan, "unknown-column") == []


# --------------------------------------------------------------------------- counted nowhere


def test_status_diff_and_calendar_do_not_count_a_note(runner, tmp_path):
    path = workbook(runner, tmp_path)
    noted = edit(path, "Action Items", {"B14": NOTE}, tmp_path / "noted.xlsx")
    def status_of(path: Path) -> dict:
        out = tmp_path / f"{path.stem}-status.json"
        code, output = cli(runner, "status", str(path), "--as-of", "2027-01-20", "--out", str(out))
        assert code == 0, output
        return json.loads(out.read_text())

    status = status_of(noted)
    assert status["sections"]["action_items"]["total"] == 1
    assert status["sections"]["action_items"]["done"] == 1
    assert [(i["section"], i["label"]) for i in status["items"]
            if i["section"] == "action_items"] == [("action_items", "Kick-off")]
    assert status["findings"] == status_of(path)["findings"]  # no finding about the note
    out = tmp_path / "diff.json"
    code, output = cli(runner, "diff", str(path), str(noted), "--out", str(out))
    assert code == 0, output
    diff = json.loads(out.read_text())
    assert diff["summary"] == {"added": 0, "removed": 0, "changed": 0, "slipped": 0, "completed": 0,
                              "deal": 0}
    ics = tmp_path / "plan.ics"
    regenerate(runner, noted, ics)
    assert ics.read_text().count("BEGIN:VEVENT") == 1
    assert "legal needs" not in ics.read_text()


def test_the_overview_does_not_count_a_note(runner, tmp_path):
    """The Overview's live counts, recalculated by LibreOffice, agree with status."""
    from tests.conftest import soffice_convert

    path = workbook(runner, tmp_path)
    edit(path, "Action Items", {"B14": NOTE})
    again = tmp_path / "again.xlsx"
    regenerate(runner, path, again)
    recalculated = soffice_convert(again, "xlsx", tmp_path / "lo")
    ws = load_workbook(recalculated, data_only=True)["Overview"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Status")
    labels = {}
    for r in range(header + 1, header + 12):  # the progress matrix: a row per status, Total
        labels.setdefault(ws.cell(r, 2).value, r)
    column = next(c for c in range(3, 10) if ws.cell(header, c).value == "Action Items")
    assert ws.cell(labels["Total"], column).value == 1
    assert ws.cell(labels["Done"], column).value == 1
    code, plan, _ = read(runner, recalculated)
    assert code == 0
    assert plan["notes"] == {"action_items": [NOTE]}
    assert without_ids(plan["sections"]["action_items"]) == [KICKOFF]


# --------------------------------------------------------------------------- written back


def test_generate_writes_the_note_under_the_table_and_reads_it_back(runner, tmp_path):
    path = workbook(runner, tmp_path)
    edit(path, "Action Items", {"B15": NOTE})
    again = tmp_path / "again.xlsx"
    regenerate(runner, path, again)
    end = table_end(again, "Action Items")
    ws = load_workbook(again)["Action Items"]
    assert ws[f"B{end + 2}"].value == NOTE  # under the table, after an empty row
    assert f"B{end + 2}:I{end + 2}" in {str(r) for r in ws.merged_cells.ranges}
    assert all(ws.cell(end + 1, c).value is None for c in range(2, 10))
    code, plan, _ = read(runner, again)
    assert code == 0
    assert without_ids(plan["sections"]["action_items"]) == [KICKOFF]
    assert plan["notes"] == {"action_items": [NOTE]}
    assert plan["issues"] == []  # a note mapgen wrote is no news


def test_a_note_in_a_text_column_comes_back_as_a_note(runner, tmp_path):
    """A note that a plan file gives a section whose first column takes any text (a name)
    stays a note through the workbook: its cell is recorded. Edited there, it is still a note."""
    plan = {**PLAN, "notes": {"stakeholders": ["Ask who signs for legal"]}}
    path = workbook(runner, tmp_path, plan=plan)
    code, back, _ = read(runner, path)
    assert code == 0
    assert back["notes"] == {"stakeholders": ["Ask who signs for legal"]}
    assert without_ids(back["sections"]["stakeholders"]) == []
    end = table_end(path, "Stakeholders Identification")
    edit(path, "Stakeholders Identification", {f"B{end + 2}": "Ask who signs for procurement"})
    code, back, _ = read(runner, path)
    assert back["notes"] == {"stakeholders": ["Ask who signs for procurement"]}
    assert without_ids(back["sections"]["stakeholders"]) == []


def test_merge_keeps_every_copys_notes_once(runner, tmp_path):
    path = workbook(runner, tmp_path)
    first = edit(path, "Action Items", {"B14": NOTE}, tmp_path / "ann.xlsx")
    second = edit(path, "Action Items", {"B16": "remember:  legal needs two WEEKS",
                                         "B17": "Ask Sam about the DPA"}, tmp_path / "bob.xlsx")
    merged = tmp_path / "merged.json"
    code, output = cli(runner, "merge", str(first), str(second), "--out", str(merged))
    assert code == 0, output
    data = json.loads(merged.read_text())
    assert data["notes"] == {"action_items": [NOTE, "Ask Sam about the DPA"]}
    assert without_ids(data["sections"]["action_items"]) == [KICKOFF]


def test_a_plan_files_notes_of_the_wrong_shape_are_reported(runner, tmp_path):
    plan = {**PLAN, "notes": {"action_items": [NOTE, {"x": 1}], "phases": 5}}
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(plan))
    out = tmp_path / "plan-out.json"
    code, output = cli(runner, "merge", str(source), "--out", str(out))
    assert code == 0, output
    data = json.loads(out.read_text())
    assert data["notes"] == {"action_items": [NOTE]}
    assert [(i["code"], i["severity"]) for i in data["issues"]] == [
        ("invalid-section-notes", "warning")]


# --------------------------------------------------------------------------- handouts


def handout(runner, tmp_path: Path, plan: dict | None = None) -> Path:
    source = tmp_path / "handout-source.json"
    source.write_text(json.dumps(plan or PLAN))
    out = tmp_path / "plan.docx"
    regenerate(runner, source, out)
    return out


def write_around(path: Path, above: str | None = None, row_note: str | None = None,
                 below: str | None = None, out: Path | None = None) -> Path:
    """Edit the handout's Action Items as people do in Word: a paragraph under the heading,
    a note typed in the last write-in row's first cell, a paragraph under the table."""
    from docx import Document

    from tests.handout_fill import section_table, type_into

    doc = Document(str(path))
    table = section_table(doc, "3.")
    if row_note:
        type_into(table.rows[-1].cells[0], row_note)
    if above:
        table._tbl.addprevious(doc.add_paragraph(above)._p)
    if below:
        table._tbl.addnext(doc.add_paragraph(below)._p)
    out = out or path
    doc.save(str(out))
    return out


def test_handout_text_around_a_table_and_a_note_in_a_row_are_notes(runner, tmp_path):
    path = write_around(handout(runner, tmp_path), above="Bring the security questionnaire",
                        row_note=NOTE, below="Call legal on Monday")
    code, plan, output = read(runner, path)
    assert code == 0, output
    assert without_ids(plan["sections"]["action_items"]) == [KICKOFF]
    assert plan["notes"] == {"action_items": ["Bring the security questionnaire", NOTE,
                                              "Call legal on Monday"]}
    table = "3. Action Items"
    assert [(i["code"], i.get("table"), i.get("row"), i["message"]) for i in plan["issues"]] == [
        ("note-under-table", table, None, "'Bring the security questionnaire' is written above "
                                          "the table, under its heading: it is kept as a note of "
                                          "the section"),
        ("note-under-table", table, 4, note_message(NOTE, "is not a value of column 'Action Item'")),
        ("note-under-table", table, None, "'Call legal on Monday' is written under the table: it "
                                          "is kept as a note of the section")]
    # the next round prints them under the table, and they come back without a word
    again = tmp_path / "again.docx"
    regenerate(runner, path, again)
    code, back, _ = read(runner, again)
    assert code == 0
    assert back["notes"] == plan["notes"]
    assert without_ids(back["sections"]["action_items"]) == [KICKOFF]
    assert back["issues"] == []


def test_the_handout_prints_the_notes_under_their_table(runner, tmp_path):
    from docx import Document

    plan = {**PLAN, "notes": {"action_items": [NOTE, "Ask Sam about the DPA"]}}
    out = handout(runner, tmp_path, plan)
    body = [p.text for p in Document(str(out)).paragraphs]
    assert body.count(NOTE) == 1 and body.count("Ask Sam about the DPA") == 1
    code, back, _ = read(runner, out)
    assert code == 0
    assert back["notes"] == {"action_items": [NOTE, "Ask Sam about the DPA"]}
    assert without_ids(back["sections"]["action_items"]) == [KICKOFF]
    assert back["issues"] == []


def test_markdown_and_the_buyers_page_show_the_notes_under_their_table(runner, tmp_path):
    source = tmp_path / "plan.json"
    source.write_text(json.dumps({**PLAN, "notes": {"action_items": [NOTE, "<b>Sam</b> & co"]}}))
    for fmt in ("md", "html"):
        out = tmp_path / f"plan.{fmt}"
        regenerate(runner, source, out)
        text = out.read_text()
        assert text.count(NOTE) == 1
        kickoff = text.index("Kick-off")
        assert kickoff < text.index(NOTE) < text.index("4. Stakeholders")
    assert "\n\\<b\\>Sam\\</b\\> & co\n" in (tmp_path / "plan.md").read_text()
    page = (tmp_path / "plan.html").read_text()
    assert '<p class="section-note">&lt;b&gt;Sam&lt;/b&gt; &amp; co</p>' in page


# --------------------------------------------------------------------------- the property


NOTE_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")),
                    min_size=1, max_size=40).map(lambda t: "Note " + " ".join(t.split()))
PLACES = st.sampled_from([("action_items", "Action Items"), ("phases", "Key Phases and Milestones"),
                          ("objective", "Objective")])


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(notes=st.lists(st.tuples(PLACES, st.integers(2, 6), NOTE_TEXT), min_size=1, max_size=4))
def test_notes_under_tables_survive_read_generate_read(runner, tmp_path_factory, notes):
    tmp_path = tmp_path_factory.mktemp("notes")
    path = workbook(runner, tmp_path)
    wb = load_workbook(path)
    expected: dict[str, list[str]] = {}
    for (key, sheet), gap, text in notes:
        ws = wb[sheet]
        (table,) = ws.tables.values()
        below = max(int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                    max((r for r in range(1, ws.max_row + 1)
                         if any(c.value is not None for c in ws[r])), default=0))
        ws.cell(below + gap, 2).value = text  # the first (a whole-number) column
        expected.setdefault(key, []).append(text)
    wb.save(path)
    notes_round_trip(runner, path, expected, tmp_path / "again.xlsx")


HANDOUT_TABLES = st.sampled_from([("objective", "1."), ("phases", "2."), ("action_items", "3.")])


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(notes=st.lists(st.tuples(HANDOUT_TABLES, st.booleans(), NOTE_TEXT), min_size=1, max_size=4))
def test_handout_notes_survive_read_generate_read(runner, tmp_path_factory, notes):
    """Notes typed into a handout (in the last write-in row's first cell, or as paragraphs
    under a table) come back as the same notes through read -> generate --plan -> read."""
    from docx import Document

    from tests.handout_fill import section_table, type_into

    tmp_path = tmp_path_factory.mktemp("handout-notes")
    path = handout(runner, tmp_path)
    doc = Document(str(path))
    in_row: dict[str, str] = {}
    below: dict[str, list[str]] = {}
    for (key, heading), as_row, text in notes:
        table = section_table(doc, heading)
        if as_row and key not in in_row:
            assert not any(c.text for r in table.rows[-2:] for c in r.cells)  # empty rows
            type_into(table.rows[-1].cells[0], text)
            in_row[key] = text
        else:
            after = table._tbl
            for _ in below.get(key, []):
                after = after.getnext()
            after.addnext(doc.add_paragraph(text)._p)
            below.setdefault(key, []).append(text)
    doc.save(str(path))
    expected = {key: ([in_row[key]] if key in in_row else []) + below.get(key, [])
                for key in ("objective", "phases", "action_items") if key in in_row or key in below}
    notes_round_trip(runner, path, expected, tmp_path / "again.docx")


# --------------------------------------------------------------------------- the objective box


def test_an_objective_typed_over_the_overview_box_of_a_blank_kit_is_the_objective(runner, tmp_path):
    path = workbook(runner, tmp_path, plan=False)
    ws = load_workbook(path)["Overview"]
    box = next(c.coordinate for row in ws.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith("=IF('Objective'!"))
    edit(path, "Overview", {box: "Win the security audit by March"})
    code, plan, _ = read(runner, path)
    assert code == 0
    assert without_ids(plan["sections"]["objective"]) == [{"description": "Win the security audit by March"}]
    assert issues(plan, "objective-from-overview") == [
        ("Overview", box, "the objective typed on the Overview, 'Win the security audit by "
                          "March', replaces the empty row 8 of sheet 'Objective'")]


def test_an_objective_typed_over_the_box_replaces_the_one_mapgen_wrote(runner, tmp_path):
    path = workbook(runner, tmp_path)
    ws = load_workbook(path)["Overview"]
    box = next(c.coordinate for row in ws.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith("=IF('Objective'!"))
    edit(path, "Overview", {box: "Cut onboarding time by two thirds"})
    code, plan, _ = read(runner, path)
    assert code == 0
    assert [{k: v for k, v in r.items() if k != "_id"} for r in plan["sections"]["objective"]] == [
        {"rank": 1, "description": "Cut onboarding time by two thirds"}]
    assert issues(plan, "objective-from-overview") == [
        ("Overview", box, "the objective typed on the Overview, 'Cut onboarding time by two "
                          "thirds', replaces 'Cut onboarding time in half' on sheet 'Objective'")]
    assert issues(plan, "objective-twice") == []


def test_two_objectives_typed_in_both_places_are_both_kept(runner, tmp_path):
    path = workbook(runner, tmp_path)
    ws = load_workbook(path)["Overview"]
    box = next(c.coordinate for row in ws.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith("=IF('Objective'!"))
    edit(path, "Overview", {box: "Typed on the Overview"})
    edit(path, "Objective", {"C7": "Typed on the sheet"})
    code, plan, _ = read(runner, path)
    assert code == 0
    assert without_ids(plan["sections"]["objective"]) == [{"description": "Typed on the Overview"},
                                             {"rank": 1, "description": "Typed on the sheet"}]
    assert issues(plan, "objective-twice") == [
        ("Overview", box, "the objective typed on the Overview, 'Typed on the Overview', differs "
                          "from 'Typed on the sheet' typed on sheet 'Objective': both are kept, "
                          "the Overview's first")]
    again = tmp_path / "again.xlsx"
    regenerate(runner, path, again)
    code, back, _ = read(runner, again)
    assert [r["description"] for r in back["sections"]["objective"]] == [
        "Typed on the Overview", "Typed on the sheet"]
    assert back["issues"] == []
