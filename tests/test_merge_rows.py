"""Rows through merge and status, on real files through the command line: two rows of one copy
with the same description, a conflict with a value that is not a date, numbers people typed and
the ones merge had to change (in the report and in the merged workbook and handout), handouts
merged with workbooks of the same plan, and where a handout's status items are."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from handout_fill import fill
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.comments import Comment
from test_merge import fill as fill_workbook
from test_merge import tables

from mapgen.cli import main
from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import NOTES_KEY, load_plan
from mapgen.ops.generate import generate

MAP = load_blueprint("map")


def run(runner, *args: str):
    return runner.invoke(main, [*map(str, args)])


def blank_handout(out: Path) -> Path:
    [path] = generate(MAP, formats=["docx"], out_dir=out, force=True, stem="blank")
    return path


# --------------------------------------------------------------------------- status of a handout

def test_a_handouts_status_items_name_their_table_and_row(runner, tmp_path):
    # action items: body row 0 is the grey example, 1.. are write-in rows; the empty row 2
    # is no item, so the plan's second item is the table's fourth row
    filled = fill(blank_handout(tmp_path), tmp_path / "ann.docx", {"3.": [
        (0, ["1", "1", "Security review with IT", "2027-01-15", "", "High", "Tom", "In progress"]),
        (1, ["2", "1", "Kick-off call", "2027-01-20", "", "Low", "", "Not started"]),
        (3, ["3", "1", "Pricing workshop", "2027-02-03", "", "", "Bob", "Done"])]})
    result = run(runner, "status", filled, "--as-of", "2027-02-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    items = [(i["label"], i["row"], i.get("table"), i.get("table_row"), i.get("sheet"))
             for i in report["items"] if i["section"] == "action_items"]
    assert items == [("Security review with IT", 1, "3. Action Items", 1, None),
                     ("Kick-off call", 2, "3. Action Items", 2, None),
                     ("Pricing workshop", 3, "3. Action Items", 4, None)]
    unowned = [f for f in report["findings"] if f["code"] == "unowned"]
    assert [(f["row"], f["table"], f["table_row"], f["column"]) for f in unowned] == [
        (2, "3. Action Items", 2, "responsible")]

    text = run(runner, "status", filled, "--as-of", "2027-02-01").stdout
    assert "Security review with IT" in text
    [line] = [x for x in text.splitlines() if x.startswith("stalled (17 days late)")]
    assert "table '3. Action Items', row 1" in line
    assert ("  unowned: table '3. Action Items', row 2: 'Kick-off call' has no one responsible"
            in text.splitlines())
    markdown = run(runner, "status", filled, "--as-of", "2027-02-01", "--format", "markdown").stdout
    assert ("- `unowned` (Action Items, table '3. Action Items', row 2): 'Kick-off call' has no "
            "one responsible") in markdown.splitlines()


# --------------------------------------------------------------------------- two copies, merged

def ids_aside(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("_id", "_std")} for row in rows]


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    """Ann's and Bob's workbooks (stamped for them): Ann typed "Weekly check-in" twice and a
    deadline that is no date; Bob typed one "Weekly check-in" under another number, the same
    "Security review" with a date, and two rows of his own, one under a number Ann used."""
    folder = tmp_path_factory.mktemp("copies")
    for stem, who in (("ann", "Ann"), ("bob", "Bob")):
        generate(MAP, formats=["xlsx"], out_dir=folder, force=True, stem=stem, participant=who)
    fill_workbook(folder / "ann.xlsx", {"action_items": [
        {"number": 1, "description": "Weekly check-in", "deadline": dt.datetime(2027, 1, 8),
         "responsible": "Ann"},
        {"number": 2, "description": "Weekly check-in", "deadline": dt.datetime(2027, 1, 15),
         "responsible": "Ann"},
        {"number": 3, "description": "Security review", "deadline": "next Friday"}]})
    fill_workbook(folder / "bob.xlsx", {"action_items": [
        {"number": 4, "description": "weekly check-in", "status": "In progress"},
        {"number": 1, "description": "Legal review", "deadline": dt.datetime(2027, 1, 20),
         "responsible": "Bob"},
        {"number": 3, "description": "Security review", "deadline": dt.datetime(2027, 1, 22)},
        {"number": 7, "description": "Pricing call", "responsible": "Bob"}]})
    return folder


MERGED_ITEMS = [  # Ann's rows first, then Bob's own; numbers kept unless an earlier row has it
    {"number": 1, "description": "Weekly check-in", "deadline": "2027-01-08", "responsible": "Ann",
     "status": "In progress"},
    {"number": 2, "description": "Weekly check-in", "deadline": "2027-01-15", "responsible": "Ann"},
    {"number": 3, "description": "Security review", "deadline": "2027-01-22"},
    {"number": 8, "description": "Legal review", "deadline": "2027-01-20", "responsible": "Bob"},
    {"number": 7, "description": "Pricing call", "responsible": "Bob"}]


@pytest.fixture(scope="module")
def merged(copies) -> tuple[Path, object]:
    """The two copies merged into a workbook with its report (through the command line)."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["merge", str(copies / "ann.xlsx"), str(copies / "bob.xlsx"),
                                       "--out", str(copies / "merged.xlsx"),
                                       "--report", str(copies / "report.json")])
    return copies, result


def test_two_rows_of_one_copy_with_one_description_stay_two(merged):
    folder, result = merged
    assert result.exit_code == 1  # Ann's 'next Friday' is an error of her copy
    report = json.loads((folder / "report.json").read_text())
    plan = read_workbook(folder / "merged.xlsx")
    assert ids_aside(plan.to_data()["sections"]["action_items"]) == MERGED_ITEMS
    assert [p["sources"] for p in report["provenance"]["action_items"]] == [
        ["Ann", "Bob"], ["Ann"], ["Ann", "Bob"], ["Bob"], ["Bob"]]
    assert report["sections"]["action_items"] == {"rows_in": 7, "rows_out": 5,
                                                  "duplicates_merged": 2, "gaps_filled": 1,
                                                  "conflicts": 1}
    [same] = [i for i in report["issues"] if i["code"] == "same-identity"]
    assert same["message"] == ("section 'action_items': rows 1 and 2 of Ann are both 'Weekly "
                               "check-in'; both kept as rows of their own")
    assert same["severity"] == "warning"


def test_a_conflict_keeps_the_valid_date_and_is_still_marked(merged, runner, tmp_path):
    folder, result = merged
    report = json.loads((folder / "report.json").read_text())
    note = "Conflict: Ann: next Friday; Bob: 2027-01-22 (kept Bob's, the first valid value)"
    assert report["conflicts"] == [{
        "section": "action_items", "row": "Security review", "index": 2, "column": "deadline",
        "values": [{"value": "next Friday", "source": "Ann"}, {"value": "2027-01-22", "source": "Bob"}],
        "kept": "2027-01-22", "kept_source": "Bob", "resolution": "marked"}]
    assert f"  conflict: action_items 'Security review', Deadline: {note.removeprefix('Conflict: ')}" \
        in result.stderr.splitlines()
    ws, columns, first = tables(load_workbook(folder / "merged.xlsx"))["action_items"]
    cell = ws.cell(first + 2, columns["deadline"])
    assert cell.value == dt.datetime(2027, 1, 22)
    assert cell.comment.text == note and cell.fill.fgColor.rgb.endswith("FCE4D6")
    # read back, the conflict is still there until someone settles it
    back = read_workbook(folder / "merged.xlsx")
    assert [(i.code, i.cell) for i in back.issues] == [("unresolved-conflict", cell.coordinate)]
    # the other side, as asked: still the valid value, and the note says why
    out = tmp_path / "last.json"
    last = run(runner, "merge", folder / "ann.xlsx", folder / "bob.xlsx", "--out", out,
               "--prefer", "last")
    assert last.exit_code == 1
    [conflict] = json.loads(out.read_text())["conflicts"]
    assert (conflict["kept"], conflict["resolution"]) == ("2027-01-22", "last")
    assert "(kept Bob's, the last valid value)" in last.stderr
    assert "--prefer" not in "".join(line for line in last.stderr.splitlines()
                                     if line.startswith("  conflict:"))


def test_renumbering_is_reported_per_row_and_noted_in_the_merged_documents(merged, runner):
    folder, result = merged
    report = json.loads((folder / "report.json").read_text())
    assert report["renumbered"] == [
        {"section": "action_items", "row": "Weekly check-in", "index": 0, "column": "number",
         "old": 4, "new": 1, "source": "Bob"},
        {"section": "action_items", "row": "Legal review", "index": 3, "column": "number",
         "old": 1, "new": 8, "source": "Bob"}]
    lines = result.stderr.splitlines()
    assert "  renumbered: action_items 'Weekly check-in': Bob's 4 -> 1" in lines
    assert "  renumbered: action_items 'Legal review': Bob's 1 -> 8" in lines

    # the merged workbook: a comment on each number changed (not highlighted), no other number
    path = folder / "merged.xlsx"
    wb = load_workbook(path)
    ws, columns, first = tables(wb)["action_items"]
    notes = {}
    for index in range(len(MERGED_ITEMS)):
        cell = ws.cell(first + index, columns["number"])
        if cell.comment is not None:
            notes[index] = cell.comment.text
            assert not str(cell.fill.fgColor.rgb).endswith("FCE4D6")
    assert notes == {0: "Renumbered: Bob's 4 is now 1", 3: "Renumbered: Bob's 1 is now 8"}
    legend = [row for row in wb["Overview"].iter_rows(values_only=True) if "Renumbered" in row]
    assert len(legend) == 1
    # mapgen's note is not a person's comment when the workbook is read back; what a person
    # writes after it is theirs
    assert NOTES_KEY not in str(read_workbook(path).to_data()["sections"])
    cell = ws.cell(first + 3, columns["number"])
    cell.comment = Comment(cell.comment.text + "\n\nAsk Bob why", "Ann")
    wb.save(folder / "commented.xlsx")
    back = read_workbook(folder / "commented.xlsx").to_data()["sections"]["action_items"]
    assert back[3][NOTES_KEY] == {"number": {"comment": "Ask Bob why"}}
    assert [NOTES_KEY in row for row in back] == [False, False, False, True, False]

    # the merged handout: the note under the row's sources (a number's column is too narrow)
    out = folder / "merged.docx"
    assert run(runner, "merge", folder / "ann.xlsx", folder / "bob.xlsx", "--out", out).exit_code == 1
    from docx import Document

    doc = Document(str(out))
    items = next(t for t in doc.tables if t.rows[0].cells[0].text == "Action Item")
    body = [[c.text for c in row.cells] for row in items.rows[1:6]]
    assert [row[0] for row in body] == ["1", "2", "3", "8", "7"]
    assert [row[-1] for row in body] == [
        "Ann, Bob\nRenumbered: Bob's 4 is now 1", "Ann", "Ann, Bob",
        "Bob\nRenumbered: Bob's 1 is now 8", "Bob"]
    cover = "\n".join(p.text for p in doc.paragraphs[:20])
    assert ("2 rows renumbered, as other rows had their numbers: each old number is noted under "
            "the row's sources.") in cover
    code = run(runner, "read", out, "--out", folder / "handout.json").exit_code
    assert code == 0
    again = json.loads((folder / "handout.json").read_text())
    assert ids_aside(again["sections"]["action_items"]) == MERGED_ITEMS
    assert [i["code"] for i in again["issues"]] == ["unresolved-conflict"]


# --------------------------------------------------------------------------- handouts and workbooks

def test_a_handout_and_a_workbook_of_one_plan_merge_without_duplicate_rows(runner, tmp_path):
    """The same plan as a workbook and a handout, the same rows typed into both (one with an
    identity, one without: no description), and a row only in the handout."""
    saas = load_blueprint("saas")
    plan = load_plan(FIXTURES / "deal.yaml", saas)
    paths = generate(saas, plan=plan, formats=["xlsx", "docx"], out_dir=tmp_path, stem="deal")
    book = next(p for p in paths if p.suffix == ".xlsx")
    handout = next(p for p in paths if p.suffix == ".docx")
    base = read_workbook(book).to_data()["sections"]  # the plan's rows, as the documents hold them
    fill_workbook(book, {"action_items": [
        {"number": 5, "description": "Weekly check-in", "deadline": dt.datetime(2027, 1, 8),
         "responsible": "Ann"},
        {"number": 6, "phase": 2, "deadline": dt.datetime(2027, 1, 9), "responsible": "Bob"}]})
    filled = fill(handout, tmp_path / "filled.docx", {}, added={"3.": [
        ["5", "", "Weekly check-in", "2027-01-08", "", "", "Ann", ""],
        ["6", "2", "", "9 Jan 2027", "", "", "Bob", ""],
        ["7", "", "Pricing call", "", "", "", "Cleo", ""]]})
    out, report_path = tmp_path / "merged.json", tmp_path / "report.json"
    result = run(runner, "merge", book, filled, "--out", out, "--report", report_path)
    assert result.exit_code == 0, result.output
    merged = json.loads(out.read_text())
    items = ids_aside(merged["sections"]["action_items"])
    assert len(base["action_items"]) == 4
    assert items == [*ids_aside(base["action_items"]),
                     {"number": 5, "description": "Weekly check-in", "deadline": "2027-01-08",
                      "responsible": "Ann"},
                     {"number": 6, "phase": 2, "deadline": "2027-01-09", "responsible": "Bob"},
                     {"number": 7, "description": "Pricing call", "responsible": "Cleo"}]
    both = ["deal.xlsx", "filled.docx"]
    assert merged["provenance"]["action_items"] == [both] * 6 + [["filled.docx"]]
    for key in ("phases", "stakeholders", "objective"):  # the plan's rows once each
        assert ids_aside(merged["sections"][key]) == ids_aside(base[key]), key
        assert merged["provenance"][key] == [both] * len(base[key]), key
    report = json.loads(report_path.read_text())
    assert report["renumbered"] == [] and report["conflicts"] == []
    [paired] = [i for i in report["issues"] if i["code"] == "paired-by-values"]
    assert paired == {
        "severity": "warning", "code": "paired-by-values", "section": "action_items",
        "message": "section 'action_items': row 6 of filled.docx has no Description, and its "
                   "values are exactly those of a row of deal.xlsx: taken for one row"}


# --------------------------------------------------------------------------- property

# Rows people type into their copies: two of one description (one identity), one of its own,
# and two with no identity (no description). Numbers are drawn apart.
CANDIDATES = [
    {"description": "Weekly check-in", "responsible": "Ann"},
    {"description": "Weekly check-in", "deadline": dt.date(2027, 1, 15)},
    {"description": "Legal review", "deadline": dt.date(2027, 1, 20), "responsible": "Bob"},
    {"phase": 2, "deadline": dt.date(2027, 1, 9), "responsible": "Bob"},
    {"phase": 3, "responsible": "Cleo"},
]
BASE_ITEMS = [{"number": n, "description": d, "deadline": dt.date(2027, 2, n)}
              for n, d in ((1, "Security review"), (2, "Pilot on buyer data"), (3, "Kick-off"))]
HANDOUT_COLUMNS = ["number", "phase", "description", "deadline", "if_missed", "importance",
                   "responsible", "status"]

copy_edits = st.fixed_dictionaries({
    "kind": st.sampled_from(["xlsx", "docx"]),
    "typed": st.lists(st.tuples(st.integers(0, len(CANDIDATES) - 1),
                                st.sampled_from([None, 1, 2, 4, 9])), max_size=4),
    "owners": st.dictionaries(st.integers(0, len(BASE_ITEMS) - 1),
                              st.sampled_from(["Ann", "Bob", "Dana"]), max_size=2)})


@pytest.fixture(scope="module")
def base_copies(tmp_path_factory) -> dict[str, Path]:
    """A workbook and a handout of one plan (three action items)."""
    from mapgen.model.plan import Plan

    folder = tmp_path_factory.mktemp("base")
    plan = Plan(sections={"action_items": BASE_ITEMS})
    paths = generate(MAP, plan=plan, formats=["xlsx", "docx"], out_dir=folder, stem="base")
    return {p.suffix[1:]: p for p in paths}


def type_copy(src: Path, dst: Path, typed: list[dict], owners: dict[int, str]) -> None:
    """``typed`` rows added at the end of the action items, ``owners`` typed into the plan's
    rows, as a person does in Excel or Word."""
    import shutil

    shutil.copy(src, dst)
    if dst.suffix == ".xlsx":
        fill_workbook(dst, {"action_items": [
            {k: dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v
             for k, v in row.items()} for row in typed]},
            edit={"action_items": {i: {"responsible": who} for i, who in owners.items()}})
        return
    from docx import Document
    from handout_fill import add_row, section_table, type_into

    doc = Document(str(dst))
    table = section_table(doc, "3.")
    for i, who in owners.items():
        row = next(r for r in table.rows if r.cells[2].text == BASE_ITEMS[i]["description"])
        type_into(row.cells[HANDOUT_COLUMNS.index("responsible")], who)
    for values in typed:
        cells = add_row(table).cells
        for key, value in values.items():
            type_into(cells[HANDOUT_COLUMNS.index(key)], str(value))
    doc.save(str(dst))


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(copy_edits, min_size=2, max_size=4))
def test_merging_copies_keeps_every_typed_value_once(base_copies, tmp_path, copies):
    from mapgen.model.plan import row_key
    from mapgen.ops.merge import merge_to

    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    paths, typed_by = [], {}
    for n, copy in enumerate(copies):
        typed = [{**CANDIDATES[c], **({"number": number} if number else {})}
                 for c, number in copy["typed"]]
        path = folder / f"c{n}.{copy['kind']}"
        type_copy(base_copies[copy["kind"]], path, typed, copy["owners"])
        paths.append(path)
        typed_by[path.name] = (typed, copy["owners"])
    result = merge_to(paths, folder / "merged.xlsx")
    out = result.plan.rows("action_items")
    sources = result.provenance["action_items"]
    section = MAP.section("action_items")

    def holds(i: int, column: str, value, label: str) -> bool:
        if out[i].get(column) == value:
            return True
        if column == "number":
            return any(r["index"] == i and r["old"] == value and r["source"] == label
                       for r in result.renumbered)
        return any(c.section == "action_items" and c.index == i and c.column == column
                   and (value, label) in c.values for c in result.conflicts)

    for label, (typed, owners) in typed_by.items():
        # every row typed is one output row from this copy, holding each of its values (or
        # citing it in a conflict; a number changed is reported)
        for row in typed:
            assert any(label in sources[i] and all(holds(i, k, v, label) for k, v in row.items())
                       for i in range(len(out))), (label, row)
        for i, who in owners.items():
            at = next(j for j, r in enumerate(out) if r["description"] == BASE_ITEMS[i]["description"])
            assert holds(at, "responsible", who, label), (label, i, who)
        # never two rows of one copy in one output row: as many output rows cite it as it has
        read = next(x for x in result.inputs if x.source == label).rows["action_items"]
        assert sum(label in s for s in sources) == read == len(BASE_ITEMS) + len(typed)
    # a row typed in several copies is one row: as many as the copy that typed it most holds
    for key in {row_key(section, c) for c in CANDIDATES} - {None}:
        most = max(sum(row_key(section, r) == key for r in typed) for typed, _ in typed_by.values())
        assert sum(row_key(section, r) == key for r in out) == most, key
    for candidate in (c for c in CANDIDATES if row_key(section, c) is None):
        most = max(sum({k: v for k, v in r.items() if k != "number"} == candidate for r in typed)
                   for typed, _ in typed_by.values())
        same = [r for r in out if {k: v for k, v in r.items()
                                   if k != "number" and not k.startswith("_")} == candidate]
        assert len(same) == most, candidate
    # the numbers are whole, distinct, and a typed number clashes with no other row's
    numbers = [r["number"] for r in out]
    assert len(set(numbers)) == len(numbers) and all(isinstance(n, int) and n > 0 for n in numbers)
    # the merged workbook reads back as the merged plan: merge's notes are never values or comments
    back = read_workbook(folder / "merged.xlsx").to_data()["sections"]
    assert ids_aside(back["action_items"]) == ids_aside(result.plan.to_data()["sections"]["action_items"])
