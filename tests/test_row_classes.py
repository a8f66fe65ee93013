"""What people do to rows, one class a test, through the command line on real workbooks:
a second milestone in one phase, a reworded or deleted standard row, an example typed over, a
status that is no choice, a note under a table, two rows with one description in a merge."""

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook

from mapgen.cli import main
from tests.test_merge import fill, tables

D = dt.date
DEAL = Path(__file__).parent / "fixtures" / "deal.yaml"


def cli(runner, *args, code=0):
    result = runner.invoke(main, [str(a) for a in args])
    assert code is None or result.exit_code == code, result.output
    return result


def generated(runner, folder: Path, plan=DEAL, blueprint="saas", name="deal") -> Path:
    cli(runner, "generate", "--blueprint", blueprint, "--plan", plan, "--format", "xlsx",
        "--out", folder, "--name", name, "--force")
    return folder / f"{name}.xlsx"


def generated_blank(runner, folder: Path, blueprint="map") -> Path:
    cli(runner, "generate", "--blueprint", blueprint, "--format", "xlsx", "--out", folder,
        "--name", "blank", "--force")
    return folder / "blank.xlsx"


def read(runner, path: Path, out: Path, code=0) -> dict:
    cli(runner, "read", path, "--out", out, "--force", code=code)
    return json.loads(out.read_text())


def plain(rows, *keys):
    return [tuple(r.get(k) for k in keys) for r in rows]


def test_a_second_milestone_in_one_phase_is_kept_everywhere(runner, in_tmp):
    book = generated(runner, in_tmp)
    original = in_tmp / "original.xlsx"
    original.write_bytes(book.read_bytes())
    fill(book, {"phases": [{"phase": 2, "milestone": "Security review", "status": "Done"}]})
    plan = read(runner, book, in_tmp / "read.json")
    phases = plan["sections"]["phases"]
    assert plain(phases, "phase", "milestone", "status") == [
        (1, "Discovery", "Not started"), (2, "Technical validation", "Not started"),
        (3, "Business case signed off", "Not started"), (4, "Contract signed", "Not started"),
        (5, "Go-live", "Not started"), (2, "Security review", "Done")]
    assert [r.get("_std") for r in phases] == ["1", "2", "3", "4", "5", None]
    assert len({r.get("_id") for r in phases[:5]}) == 5 and "_id" not in phases[5]
    # the next round writes both rows of phase 2, and reads them back with their ids
    again = generated(runner, in_tmp, plan=in_tmp / "read.json", name="round2")
    back = read(runner, again, in_tmp / "back.json")["sections"]["phases"]
    assert plain(back, "phase", "milestone", "status") == plain(phases, "phase", "milestone",
                                                                 "status")
    assert [r["_id"] for r in back[:5]] == [r["_id"] for r in phases[:5]]
    assert back[5]["_id"] and "_std" not in back[5]
    # merging the original with the edited copy: the added row stays its own row
    cli(runner, "merge", original, book, "--out", in_tmp / "merged.json", "--report",
        in_tmp / "report.json")
    merged = json.loads((in_tmp / "merged.json").read_text())["sections"]["phases"]
    assert plain(merged, "phase", "milestone", "status") == plain(phases, "phase", "milestone",
                                                                   "status")
    assert json.loads((in_tmp / "report.json").read_text())["conflicts"] == []


def test_a_reworded_standard_row_and_a_deleted_one_never_come_back(runner, in_tmp):
    book = generated(runner, in_tmp)
    wb = load_workbook(book)
    ws, columns, first = tables(wb)["phases"]
    ws.cell(first + 1, columns["milestone"]).value = "Hands-on trial"          # reworded
    ws.cell(first + 1, columns["deadline"]).value = dt.datetime(2027, 1, 29)   # re-dated
    ws.delete_rows(first + 2)                                                   # phase 3 gone
    wb.save(book)
    plan = read(runner, book, in_tmp / "read.json")
    phases = plan["sections"]["phases"]
    assert plain(phases, "phase", "milestone", "deadline", "_std") == [
        (1, "Discovery", "2026-12-21", "1"), (2, "Hands-on trial", "2027-01-29", "2"),
        (4, "Contract signed", "2027-02-12", "4"), (5, "Go-live", "2027-03-15", "5")]
    assert plan["standard_rows"]["phases"] == ["1", "2", "3", "4", "5"]
    for round_ in ("round2", "round3"):
        again = generated(runner, in_tmp, plan=in_tmp / "read.json", name=round_)
        plan = read(runner, again, in_tmp / "read.json")
        assert plain(plan["sections"]["phases"], "phase", "milestone", "deadline") == plain(
            phases, "phase", "milestone", "deadline")


def test_an_example_typed_over_is_a_row_without_its_note(runner, in_tmp):
    book = generated_blank(runner, in_tmp)
    wb = load_workbook(book)
    ws, columns, _ = tables(wb)["action_items"]
    example = 7  # the first row under the header: the action items' example
    assert ws.cell(example, columns["number"]).comment is not None  # the example's note
    for key, value in {"description": "Security questionnaire", "status": "Done",
                       "responsible": "Tom", "deadline": dt.datetime(2027, 1, 15)}.items():
        ws.cell(example, columns[key]).value = value
    wb.save(book)
    plan = read(runner, book, in_tmp / "read.json")
    [row] = plan["sections"]["action_items"]
    assert row["description"] == "Security questionnaire" and row["status"] == "Done"
    assert "_notes" not in row and "_id" not in row
    status = json.loads(cli(runner, "status", book, "--as-of", "2027-01-01", "--format",
                            "json").stdout)
    counts = status["sections"]["action_items"]
    assert (counts["total"], counts["done"]) == (1, 1)


def test_a_status_that_is_no_choice_counts_nowhere_and_a_synonym_counts(runner, in_tmp):
    book = generated(runner, in_tmp)
    original = in_tmp / "original.xlsx"
    original.write_bytes(book.read_bytes())
    fill(book, {}, edit={"action_items": {0: {"status": "Complete"}, 1: {"status": "Kinda"}}})
    plan = read(runner, book, in_tmp / "read.json", code=1)
    actions = plan["sections"]["action_items"]
    assert plain(actions, "description", "status") == [
        ("Security questionnaire returned", "Done"), ("Redlines on order form resolved", "Kinda"),
        ("Kick-off with customer success", "Not started"),
        ("Kick-off call with the buying group", "Done")]
    codes = [(i["code"], i.get("cell")) for i in plan["issues"]]
    assert ("choice-synonym", "I7") in codes and ("invalid-choice", "I8") in codes
    status = json.loads(cli(runner, "status", in_tmp / "read.json", "--as-of", "2026-12-02",
                            "--format", "json", code=1).stdout)  # 1: the plan has an error
    counts = status["sections"]["action_items"]
    assert (counts["total"], counts["done"], counts["not_started"], counts["in_progress"],
            counts["blocked"]) == (4, 2, 1, 0, 0)  # 'Kinda' in the total only
    diff = json.loads(cli(runner, "diff", original, book, "--format", "json", code=None).stdout)
    assert diff["summary"]["completed"] == 1  # 'Complete' is Done; 'Kinda' is nothing
    assert [c["fields"]["status"]["new"] for c in diff["sections"]["action_items"]["changed"]] == [
        "Done", "Kinda"]


def test_merge_keeps_two_rows_of_one_copy_a_valid_value_and_reports_numbers(runner, in_tmp):
    ann = generated(runner, in_tmp, name="ann")
    bob = generated(runner, in_tmp, name="bob")
    fill(ann, {"action_items": [{"number": 4, "description": "Weekly check-in", "phase": 2},
                                {"number": 5, "description": "Weekly check-in", "phase": 3}]},
         edit={"action_items": {1: {"deadline": "next Friday"}}})
    fill(bob, {"action_items": [{"number": 4, "description": "Pen test"}]},
         edit={"action_items": {1: {"deadline": dt.datetime(2027, 1, 22)}}})
    result = cli(runner, "merge", ann, bob, "--out", in_tmp / "merged.json", "--report",
                 in_tmp / "report.json", code=1)  # ann's 'next Friday' is an error of hers
    merged = json.loads((in_tmp / "merged.json").read_text())
    actions = merged["sections"]["action_items"]
    assert plain(actions, "number", "description", "phase") == [
        (1, "Security questionnaire returned", 2), (2, "Redlines on order form resolved", 4),
        (3, "Kick-off with customer success", 5), (4, "Kick-off call with the buying group", None),
        (6, "Weekly check-in", 2), (5, "Weekly check-in", 3), (7, "Pen test", None)]
    report = json.loads((in_tmp / "report.json").read_text())
    [conflict] = [c for c in report["conflicts"] if c["column"] == "deadline"]
    assert conflict["kept"] == "2027-01-22" and conflict["kept_source"] == "bob.xlsx"
    assert [i["message"] for i in report["issues"] if i["code"] == "same-identity"] == [
        "section 'action_items': rows 5 and 6 of ann.xlsx are both 'Weekly check-in'; both kept "
        "as rows of their own"]
    assert [(r["row"], r["source"], r["old"], r["new"]) for r in report["renumbered"]] == [
        ("Weekly check-in", "ann.xlsx", 4, 6), ("Pen test", "bob.xlsx", 4, 7)]
    assert "renumbered: action_items 'Pen test': bob.xlsx's 4 -> 7" in result.output

