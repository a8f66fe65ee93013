"""Date order per column: numeric dates typed as text in a workbook's or a handout's date column
are read one way for the whole column (mapgen.core.date_order), through the CLI on real files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from handout_fill import fill
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.formats.xlsx.meta import read_meta
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate

ACTIONS, PHASES = "Action Items", "Key Phases and Milestones"


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> dict[str, Path]:
    """A blank map workbook and handout, made once."""
    out = tmp_path_factory.mktemp("blank")
    paths = generate(load_blueprint("map"), formats=["xlsx", "docx"], out_dir=out, stem="blank")
    return {p.suffix: p for p in paths}


def workbook(blank, tmp: Path, deadlines: list, phases: list | None = None) -> Path:
    """A copy of the blank workbook with action items (rows 8...) whose deadlines are typed as
    ``deadlines`` (texts stay texts, dates are date cells), and phase deadlines likewise."""
    path = tmp / "filled.xlsx"
    shutil.copy(blank[".xlsx"], path)
    wb = load_workbook(path)
    for n, day in enumerate(deadlines):
        ws = wb[ACTIONS]
        for col, value in zip("BCDE", (n + 2, 1, f"Step {n + 2}", day), strict=True):
            ws[f"{col}{8 + n}"] = value
    for n, day in enumerate(phases or []):
        ws = wb[PHASES]
        for col, value in zip("BCD", (n + 2, f"Milestone {n + 2}", day), strict=True):
            ws[f"{col}{8 + n}"] = value
    wb.save(path)
    return path


def handout(blank, tmp: Path, deadlines: list[str]) -> Path:
    """A filled copy of the blank handout: action items (below the example: rows 2...) whose
    deadlines are ``deadlines``."""
    return fill(blank[".docx"], tmp / "filled.docx", {
        "3.": [(1 + n, [str(2 + n), "1", f"Step {n + 2}", day, "", "", "Ann", ""])
               for n, day in enumerate(deadlines)]})


def read(runner, path: Path, *args: str):
    result = runner.invoke(main, ["read", str(path), *args])
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    return result, data


def deadlines(data: dict, section: str = "action_items") -> list:
    return [r.get("deadline") for r in data["sections"][section] if r.get("description") != (
        "Analysis of the current state")]


def date_issues(data: dict) -> list[dict]:
    return [i for i in data["issues"] if "date" in i["code"]]


# --------------------------------------------------------------------------- a CRM export


def test_the_issues_us_crm_export_lands_close_and_go_live_after_start(runner, in_tmp):
    (in_tmp / "crm.csv").write_text("name,buyer,start,close,go_live\n"
                                    "Rollout,Contoso,04/13/2027,05/01/2027,06/01/2027\n")
    result = runner.invoke(main, ["generate", "--deals", "crm.csv", "--format", "xlsx",
                                  "--out", "o"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    meta = read_meta(load_workbook(in_tmp / "o" / "Contoso - Rollout.xlsx", read_only=True))
    assert {k: meta.deal[k] for k in ("start", "close", "go_live")} == {
        "start": "2027-04-13", "close": "2027-05-01", "go_live": "2027-06-01"}


def test_a_json_crm_export_whose_dates_all_read_both_ways_warns(runner, in_tmp):
    (in_tmp / "crm.json").write_text(json.dumps([
        {"name": "Rollout", "buyer": "Contoso", "start": "03/02/2027", "go_live": "05/06/2027"}]))
    result = runner.invoke(main, ["generate", "--deals", "crm.json", "--format", "xlsx",
                                  "--out", "o"])
    assert result.exit_code == 0, result.output
    assert ("warning: crm.json: every date reads both ways (like '03/02/2027' in column "
            "'start'); read day-first, not month-first; give --date-order dmy or mdy to choose"
            ) in result.output
    meta = read_meta(load_workbook(in_tmp / "o" / "Contoso - Rollout.xlsx", read_only=True))
    assert (meta.deal["start"], meta.deal["go_live"]) == ("2027-02-03", "2027-06-05")


# --------------------------------------------------------------------------- a workbook's column


def test_a_workbook_column_with_a_first_field_over_12_is_day_first(runner, blank, tmp_path):
    path = workbook(blank, tmp_path, ["13/04/2027", "05/01/2027"])
    result, data = read(runner, path)
    assert result.exit_code == 0, result.stderr
    assert deadlines(data) == ["2027-04-13", "2027-01-05"]
    assert date_issues(data) == []


def test_a_workbook_column_with_a_second_field_over_12_is_month_first(runner, blank, tmp_path):
    path = workbook(blank, tmp_path, ["04/13/2027", "05/01/2027", "06/01/2027"])
    result, data = read(runner, path)
    assert result.exit_code == 0, result.stderr
    assert deadlines(data) == ["2027-04-13", "2027-05-01", "2027-06-01"]
    assert date_issues(data) == []
    # A given order decides: dmy is not "as the dates show" (05/01 becomes 5 January).
    _, data = read(runner, path, "--date-order", "dmy")
    assert deadlines(data) == ["2027-04-13", "2027-01-05", "2027-01-06"]


def test_a_workbook_column_written_both_ways_is_refused(runner, blank, tmp_path):
    path = workbook(blank, tmp_path, ["13/04/2027", "05/01/2027", "04/13/2027"])
    before = path.read_bytes()
    out = tmp_path / "plan.json"
    result = runner.invoke(main, ["read", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}, sheet 'Action Items': Deadline: cell E8 has the day first "
        "('13/04/2027') but cell E10 has the month first ('04/13/2027'); write the dates one "
        "way, or give --date-order dmy or mdy"]
    assert not out.exists() and path.read_bytes() == before
    # The person decides: the dates that read one way only stay as they are.
    result, data = read(runner, path, "--date-order", "mdy")
    assert result.exit_code == 0, result.stderr
    assert deadlines(data) == ["2027-04-13", "2027-05-01", "2027-04-13"]


def test_a_workbook_column_that_reads_both_ways_warns_and_date_order_flips_it(
        runner, blank, tmp_path):
    path = workbook(blank, tmp_path, ["03/04/2027", "05/01/2027"])
    result, data = read(runner, path)
    assert result.exit_code == 0, result.stderr
    assert deadlines(data) == ["2027-04-03", "2027-01-05"]
    [issue] = date_issues(data)
    assert issue == {"severity": "warning", "code": "date-order", "file": str(path),
                     "sheet": ACTIONS, "section": "action_items", "column": "deadline",
                     "message": "Deadline: every date reads both ways (like '03/04/2027' in "
                                "cell E8); read day-first, not month-first"}
    assert (f"warning: {path}, sheet 'Action Items': Deadline: every date reads both ways (like "
            "'03/04/2027' in cell E8); read day-first, not month-first; give --date-order dmy or "
            "mdy to choose") in result.stderr.splitlines()
    for flag in (["--date-order", "mdy"], ["--month-first"]):  # the hidden old spelling too
        result, data = read(runner, path, *flag)
        assert result.exit_code == 0, result.stderr
        assert deadlines(data) == ["2027-03-04", "2027-05-01"]
        assert date_issues(data) == []


def test_a_column_whose_dates_all_read_both_ways_follows_the_files_other_columns(
        runner, blank, tmp_path):
    path = workbook(blank, tmp_path, ["03/04/2027"], phases=["04/13/2027", "05/01/2027"])
    result, data = read(runner, path)
    assert result.exit_code == 0, result.stderr
    assert deadlines(data, "phases")[-2:] == ["2027-04-13", "2027-05-01"]
    assert deadlines(data) == ["2027-03-04"]
    [issue] = date_issues(data)
    assert (issue["sheet"], issue["column"], issue["message"]) == (
        ACTIONS, "deadline", "Deadline: every date reads both ways (like '03/04/2027' in cell "
        "E8); read month-first as the file's other dates show, not day-first")


def test_real_date_cells_never_vote_and_never_change(runner, blank, tmp_path):
    path = workbook(blank, tmp_path, [dt.datetime(2027, 3, 4), "04/13/2027", "05/01/2027"])
    for args in ([], ["--date-order", "dmy"]):
        result, data = read(runner, path, *args)
        assert result.exit_code == 0, result.stderr
        assert deadlines(data)[0] == "2027-03-04"
    path = workbook(blank, tmp_path, [dt.datetime(2027, 4, 13), "05/01/2027"])
    _, data = read(runner, path)
    assert deadlines(data) == ["2027-04-13", "2027-01-05"]  # the real date proves nothing
    assert [i["code"] for i in date_issues(data)] == ["date-order"]


# --------------------------------------------------------------------------- a handout's column


@pytest.mark.parametrize("typed, args, expected, codes", [
    (["13/04/2027", "05/01/2027"], [], ["2027-04-13", "2027-01-05"], []),
    (["04/13/2027", "05/01/2027"], [], ["2027-04-13", "2027-05-01"], []),
    (["04/13/2027", "05/01/2027"], ["--date-order", "dmy"], ["2027-04-13", "2027-01-05"], []),
    (["03/04/2027", "05/01/2027"], [], ["2027-04-03", "2027-01-05"], ["date-order"]),
    (["03/04/2027", "05/01/2027"], ["--date-order", "mdy"], ["2027-03-04", "2027-05-01"], []),
])
def test_a_handout_column_is_read_one_way(runner, blank, tmp_path, typed, args, expected, codes):
    result, data = read(runner, handout(blank, tmp_path, typed), *args)
    assert result.exit_code == 0, result.stderr
    assert deadlines(data) == expected
    assert [i["code"] for i in date_issues(data)] == codes


def test_a_handout_column_that_reads_both_ways_names_the_order(runner, blank, tmp_path):
    path = handout(blank, tmp_path, ["03/04/2027", "05/01/2027"])
    _, data = read(runner, path)
    [issue] = date_issues(data)
    assert {k: issue[k] for k in ("table", "column", "message")} == {
        "table": "3. Action Items", "column": "deadline",
        "message": "Deadline: every date reads both ways (like '03/04/2027' in row 2); read "
                   "day-first, not month-first"}


def test_a_handout_column_written_both_ways_is_refused(runner, blank, tmp_path):
    path = handout(blank, tmp_path, ["13/04/2027", "04/13/2027"])
    out = tmp_path / "plan.yaml"
    result = runner.invoke(main, ["read", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}, table '3. Action Items': Deadline: row 2 has the day first "
        "('13/04/2027') but row 3 has the month first ('04/13/2027'); write the dates one way, "
        "or give --date-order dmy or mdy"]
    assert not out.exists()


# --------------------------------------------------------------------------- every command that reads a plan


def test_every_command_that_reads_a_plan_takes_date_order(runner, blank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = workbook(blank, tmp_path, ["03/04/2027", "05/01/2027"])  # reads both ways
    mdy = ["--date-order", "mdy"]

    def status(*args):
        result = runner.invoke(main, ["status", str(path), "--as-of", "2027-01-01", "--format",
                                      "json", *args])
        assert result.exit_code == 0, result.output
        return [i["deadline"] for i in json.loads(result.stdout)["items"]]

    assert status() == ["2027-04-03", "2027-01-05"]
    assert status(*mdy) == ["2027-03-04", "2027-05-01"]

    # diff: against the same dates written as ISO, month-first is no change at all
    (tmp_path / "iso").mkdir()
    iso = workbook(blank, tmp_path / "iso", ["2027-03-04", "2027-05-01"])
    result = runner.invoke(main, ["diff", str(path), str(iso), "--format", "json", *mdy])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sections"] == {}
    result = runner.invoke(main, ["diff", str(path), str(iso), "--format", "json"])
    changed = json.loads(result.stdout)["sections"]["action_items"]["changed"]
    assert [c["fields"]["deadline"] for c in changed] == [
        {"old": "2027-04-03", "new": "2027-03-04", "slip_days": -30},
        {"old": "2027-01-05", "new": "2027-05-01", "slip_days": 116}]

    # merge: the merged plan holds the dates as the order given
    result = runner.invoke(main, ["merge", str(path), "--out", "merged.json", *mdy])
    assert result.exit_code == 0, result.output
    assert deadlines(json.loads((tmp_path / "merged.json").read_text())) == [
        "2027-03-04", "2027-05-01"]

    # shift: a row moved from the date as given
    result = runner.invoke(main, ["shift", str(path), "--row", "action_items:1", "--by", "1w",
                                  "--no-cascade", "--out", "shifted.xlsx", *mdy])
    assert result.exit_code == 0, result.output
    assert "2027-03-04 -> 2027-03-11" in result.stdout

    # generate --plan: the new workbook holds real dates in the order given
    result = runner.invoke(main, ["generate", "--plan", str(path), "--out", "again.xlsx", *mdy])
    assert result.exit_code == 0, result.output
    _, data = read(runner, tmp_path / "again.xlsx")
    assert deadlines(data) == ["2027-03-04", "2027-05-01"]
    result = runner.invoke(main, ["generate", "--out", "blank.xlsx", *mdy])
    assert result.exit_code == 2
    assert "--date-order says how the dates of --deals or --plan are written" in result.output


def test_the_workshop_kit_takes_date_order_for_its_plan(runner, blank, tmp_path):
    """The kit pre-filled from a plan whose dates read both ways: as given, else day-first."""
    path = workbook(blank, tmp_path, ["03/04/2027", "05/01/2027"])
    for args, expected in (([], ["2027-04-03", "2027-01-05"]),
                           (["--date-order", "mdy"], ["2027-03-04", "2027-05-01"])):
        kit = tmp_path / f"kit{len(args)}"
        result = runner.invoke(main, ["workshop", "--plan", str(path), "--participants", "Ann",
                                      "--out", str(kit), *args])
        assert result.exit_code == 0, result.output
        [homework] = (kit / "homework").glob("*.xlsx")
        _, data = read(runner, homework)
        assert deadlines(data) == expected
    result = runner.invoke(main, ["workshop", "--out", str(tmp_path / "bare"), "--date-order", "mdy"])
    assert result.exit_code == 2
    assert "--date-order says how the dates of --plan are written" in result.output
    assert not (tmp_path / "bare").exists()


def test_a_handouts_order_reaches_status(runner, blank, tmp_path):
    path = handout(blank, tmp_path, ["03/04/2027", "05/01/2027"])
    result = runner.invoke(main, ["status", str(path), "--as-of", "2027-01-01", "--format",
                                  "json", "--date-order", "mdy"])
    assert result.exit_code == 0, result.output
    assert [i["deadline"] for i in json.loads(result.stdout)["items"]] == [
        "2027-03-04", "2027-05-01"]


# --------------------------------------------------------------------------- Swedish short months


def test_swedish_months_print_alike_in_workbook_and_handout(runner, in_tmp):
    """The handout prints Swedish dates as the workbook's number format shows them (three
    letters, no dot: ``15 mar 2027``), and reads both forms back."""
    import subprocess

    from conftest import soffice_convert_all

    from mapgen.core.i18n import texts_for

    sv = texts_for("sv")
    assert [sv.date(dt.date(2027, m, 15)) for m in (1, 3, 5, 6, 7, 9, 12)] == [
        "15 jan 2027", "15 mar 2027", "15 maj 2027", "15 jun 2027", "15 jul 2027",
        "15 sep 2027", "15 dec 2027"]
    assert sv.day_month(dt.date(2027, 6, 7)) == "7 jun"
    done = runner.invoke(main, ["generate", "--blueprint", "map-sv", "--plan",
                                str(Path(__file__).parent / "fixtures" / "deal.yaml"),
                                "--format", "all", "--out", "out"])
    assert done.exit_code == 0, done.output
    xlsx, docx = next(Path("out").glob("*.xlsx")), next(Path("out").glob("*.docx"))
    docx = docx.rename(docx.with_stem(docx.stem + "-handout"))
    pdfs = soffice_convert_all([xlsx, docx], "pdf", in_tmp / "pdf")
    shown = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True,
                            check=True).stdout for p in pdfs]
    for text in shown:  # go-live 2027-03-15, start 2026-12-01
        assert "15 mar 2027" in text and "1 dec 2026" in text
        assert "15 mars 2027" not in text and "dec. 2026" not in text
    # Read back: the printed form and Babel's own both mean the same day.
    filled = fill(docx, in_tmp / "typed.docx", {
        "3.": [(1, ["9", "1", "Step 9", "15 mar 2027", "", "", "Ann", ""]),
               (2, ["10", "1", "Step 10", "15 mars 2027", "", "", "Ann", ""]),
               (3, ["11", "1", "Step 11", "3 jun. 2027", "", "", "Ann", ""])]})
    result, data = read(runner, filled)
    assert result.exit_code == 0, result.stderr
    assert [r["deadline"] for r in data["sections"]["action_items"]
            if str(r.get("description", "")).startswith("Step ")] == [
        "2027-03-15", "2027-03-15", "2027-06-03"]


def test_merge_refuses_a_column_written_both_ways_in_its_worker_processes_too(
        runner, blank, tmp_path, monkeypatch):
    from mapgen.ops.merge import PARALLEL_FROM

    monkeypatch.chdir(tmp_path)
    mixed = workbook(blank, tmp_path, ["13/04/2027", "04/13/2027"])
    line = (f"Error: {mixed}, sheet 'Action Items': Deadline: cell E8 has the day first "
            "('13/04/2027') but cell E9 has the month first ('04/13/2027'); write the dates one "
            "way, or give --date-order dmy or mdy")
    plans = []
    for i in range(PARALLEL_FROM + 1):
        plans.append(tmp_path / f"p{i:02}.json")
        plans[-1].write_text(json.dumps({"sections": {"action_items": [
            {"description": f"Task {i}", "deadline": "2027-01-04"}]}}))
    for inputs in ([mixed], [*plans, mixed]):  # one by one, then in worker processes
        result = runner.invoke(main, ["merge", *map(str, inputs), "--out", "merged.json"])
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [line]
        assert not (tmp_path / "merged.json").exists()


def test_a_deal_date_typed_on_the_overview_follows_the_files_order(runner, tmp_path):
    """go-live typed as 06/01/2027 on the Overview of a workbook whose deadlines are US dates:
    1 June, as the file's dates show (and as given with --date-order)."""
    fixture = Path(__file__).parent / "fixtures" / "deal.yaml"
    path = tmp_path / "deal.xlsx"
    done = runner.invoke(main, ["generate", "--plan", str(fixture), "--blueprint", "map",
                                "--out", str(path)])
    assert done.exit_code == 0, done.output
    wb = load_workbook(path)
    wb["Overview"]["C7"] = "06/01/2027"
    wb[ACTIONS]["E8"] = "04/13/2027"
    wb.save(path)
    for args, go_live in (([], "2027-06-01"), (["--date-order", "dmy"], "2027-01-06")):
        result, data = read(runner, path, *args)
        assert result.exit_code == 0, result.stderr
        assert data["deal"]["go_live"] == go_live


def test_an_ods_column_is_read_one_way(runner, blank, tmp_path):
    """A workbook saved by LibreOffice as .ods keeps the texts, and their column's order."""
    from conftest import soffice_convert

    ods = soffice_convert(workbook(blank, tmp_path, ["03/04/2027", "05/01/2027"]), "ods",
                          tmp_path / "ods")
    result, data = read(runner, ods)
    assert result.exit_code == 0, result.stderr
    assert deadlines(data) == ["2027-04-03", "2027-01-05"]
    assert [(i["code"], i["sheet"], i["column"]) for i in date_issues(data)] == [
        ("date-order", ACTIONS, "deadline")]
    _, data = read(runner, ods, "--date-order", "mdy")
    assert deadlines(data) == ["2027-03-04", "2027-05-01"]
