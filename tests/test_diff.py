"""``mapgen diff``: every kind of change, and no false ones (reordered rows, workbook vs file)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES

import mapgen
from mapgen.cli import main

REVIEW = FIXTURES / "review.yaml"


def base() -> dict:
    data = yaml.safe_load(REVIEW.read_text())
    return json.loads(json.dumps(data, default=str))


def write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def rows(data: dict, section: str) -> list[dict]:
    return data["sections"][section]


def by_description(data: dict, text: str) -> dict:
    return next(r for r in rows(data, "action_items") if r["description"] == text)


def diff(tmp_path: Path, old: dict, new: dict) -> dict:
    result, _ = mapgen.diff_files(write(tmp_path, "old.json", old), write(tmp_path, "new.json", new))
    return result


def test_identical_plans_have_no_changes(tmp_path):
    result = diff(tmp_path, base(), base())
    assert result["sections"] == {} and result["deal"] == {}
    assert result["summary"] == {"added": 0, "removed": 0, "changed": 0, "slipped": 0,
                                 "completed": 0, "deal": 0}
    assert "No changes." in mapgen.render_diff(result)


def test_every_kind_of_change(tmp_path):
    old, new = base(), base()
    new["deal"]["go_live"] = "2027-04-01"                          # deal fact slips
    new["deal"]["region"] = "EMEA"                                 # deal fact added
    by_description(new, "Security review").update(status="Done")   # completed
    by_description(new, "Data export")["deadline"] = "2027-02-02"  # slips 14 days
    by_description(new, "Pilot users named")["deadline"] = "2027-01-11"  # 3 days earlier
    by_description(new, "Reference call")["status"] = "In progress"      # reopened
    by_description(new, "Legal review")["responsible"] = "Legal team"    # a text field
    del by_description(new, "ROI model")["responsible"]                  # a field emptied
    rows(new, "action_items").remove(by_description(new, "Admin training"))  # removed
    rows(new, "action_items").append({"number": 11, "phase": 4, "description": "Order form",
                                      "deadline": "2027-02-10"})           # added
    rows(new, "stakeholders").append({"name": "Dan Ek", "role": "COO"})
    result = diff(tmp_path, old, new)

    assert result["old"].endswith("old.json") and result["new"].endswith("new.json")
    assert result["deal"] == {"go_live": {"old": "2027-03-01", "new": "2027-04-01",
                                          "slip_days": 31},
                              "region": {"old": None, "new": "EMEA"}}
    actions = result["sections"]["action_items"]
    assert actions["added"] == [{"number": 11, "phase": 4, "description": "Order form",
                                 "deadline": "2027-02-10"}]
    assert [r["description"] for r in actions["removed"]] == ["Admin training"]
    changed = {c["identity"]["description"]: c for c in actions["changed"]}
    assert set(changed) == {"Security review", "Data export", "Pilot users named",
                            "Reference call", "Legal review", "ROI model"}
    assert changed["Security review"]["fields"] == {"status": {"old": "In progress",
                                                               "new": "Done"}}
    assert changed["Security review"]["completed"] is True
    assert changed["Data export"]["fields"]["deadline"] == {
        "old": "2027-01-19", "new": "2027-02-02", "slip_days": 14}
    assert changed["Pilot users named"]["fields"]["deadline"]["slip_days"] == -3
    assert changed["Reference call"]["reopened"] is True
    assert "completed" not in changed["Reference call"]
    assert changed["Legal review"]["fields"] == {"responsible": {"old": "Legal",
                                                                 "new": "Legal team"}}
    assert changed["ROI model"]["fields"] == {"responsible": {"old": "AE", "new": None}}
    assert result["sections"]["stakeholders"]["added"] == [{"name": "Dan Ek", "role": "COO"}]
    assert result["summary"] == {"added": 2, "removed": 1, "changed": 6, "slipped": 1,
                                 "completed": 1, "deal": 2}

    text = mapgen.render_diff(result)
    assert text.splitlines()[0].endswith(": 2 added, 1 removed, 6 changed, 1 slipped, "
                                         "1 completed, 2 deal facts changed")
    assert "go_live: 2027-03-01 -> 2027-04-01 (slipped 31 days)" in text
    assert "'Security review' (completed): status In progress -> Done" in text
    assert "deadline 2027-01-14 -> 2027-01-11 (earlier by 3 days)" in text
    md = mapgen.render_diff(result, "markdown")
    assert "### Action Items" in md and "**Security review** (completed)" in md
    assert "go\\_live: 2027-03-01 → 2027-04-01 (slipped 31 days)" in md


def test_identity_is_folded_and_order_does_not_matter(tmp_path):
    old, new = base(), base()
    rows(new, "action_items").reverse()
    rows(new, "phases").reverse()
    rows(new, "stakeholders").reverse()
    by_description(new, "Kick-off call")["description"] = "  KICK-OFF   call "
    result = diff(tmp_path, old, new)
    # The identity matched; the text itself is a change of spelling, and only that.
    assert result["summary"]["added"] == result["summary"]["removed"] == 0
    (change,) = result["sections"]["action_items"]["changed"]
    assert change["fields"] == {"description": {"old": "Kick-off call", "new": "KICK-OFF call"}}


def test_relative_deadlines_slip_with_the_deal(tmp_path):
    old = {"format": "mapgen-plan", "blueprint": {"name": "map"},
           "deal": {"go_live": "2027-03-01"},
           "sections": {"phases": [{"phase": 1, "milestone": "Pilot",
                                    "deadline": "go_live-2w"}]}}
    new = copy.deepcopy(old)
    new["deal"]["go_live"] = "2027-03-08"
    result = diff(tmp_path, old, new)
    (change,) = result["sections"]["phases"]["changed"]
    assert change["fields"]["deadline"] == {"old": "2027-02-15", "new": "2027-02-22",
                                            "slip_days": 7}
    assert result["summary"]["slipped"] == 1


def test_rows_without_identity_match_by_their_values(tmp_path):
    old = {"format": "mapgen-plan", "blueprint": {"name": "map"},
           "sections": {"action_items": [{"number": 1, "responsible": "AE"},
                                         {"number": 2, "responsible": "SE"}]}}
    new = copy.deepcopy(old)
    rows(new, "action_items").reverse()
    assert diff(tmp_path, old, new)["sections"] == {}
    rows(new, "action_items")[0]["responsible"] = "CSM"
    actions = diff(tmp_path, old, new)["sections"]["action_items"]
    assert actions["added"] == [{"number": 2, "responsible": "CSM"}]
    assert actions["removed"] == [{"number": 2, "responsible": "SE"}]


def test_duplicate_identities_pair_in_order(tmp_path):
    old = {"format": "mapgen-plan", "blueprint": {"name": "map"},
           "sections": {"action_items": [{"description": "Call", "responsible": "AE"},
                                         {"description": "Call", "responsible": "SE"}]}}
    new = copy.deepcopy(old)
    rows(new, "action_items").pop()
    actions = diff(tmp_path, old, new)["sections"]["action_items"]
    assert actions["removed"] == [{"description": "Call", "responsible": "SE"}]
    assert actions["changed"] == []


# --------------------------------------------------------------------------- workbooks


def generate(data: dict, out: Path) -> Path:
    bp = mapgen.load_blueprint("map")
    plan = mapgen.plan_from_data(data, bp)
    (path,) = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=out)
    return path


def test_workbooks_with_reordered_rows_have_no_changes(tmp_path):
    old, new = base(), base()
    for key in ("phases", "action_items", "stakeholders"):
        rows(new, key).reverse()
    a, b = generate(old, tmp_path / "a"), generate(new, tmp_path / "b")
    result, plans = mapgen.diff_files(a, b)
    assert all(p.errors == [] for p in plans)
    assert result["sections"] == {} and result["deal"] == {}
    assert sum(v for v in result["summary"].values()) == 0
    # ... and a workbook against the plan it was made from
    result, _ = mapgen.diff_files(REVIEW, a)
    assert result["sections"] == {} and result["deal"] == {}


def test_an_edited_workbook_shows_its_edits(tmp_path):
    from openpyxl import load_workbook

    path = generate(base(), tmp_path / "a")
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(path)
    ws = wb["Action Items"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    row = cells["Data export"].row
    header = next(r for r in ws.iter_rows() if any(c.value == "Deadline" for c in r))
    col = next(c.column_letter for c in header if c.value == "Deadline")
    ws[f"{col}{row}"] = dt.date(2027, 1, 26)
    wb.save(edited)
    result, _ = mapgen.diff_files(path, edited)
    (change,) = result["sections"]["action_items"]["changed"]
    assert change["label"] == "Data export"
    assert change["fields"] == {"deadline": {"old": "2027-01-19", "new": "2027-01-26",
                                             "slip_days": 7}}


# --------------------------------------------------------------------------- the command


def test_cli_json_text_and_markdown(runner, tmp_path):
    old, new = base(), base()
    by_description(new, "Data export")["deadline"] = "2027-02-02"
    a, b = write(tmp_path, "a.json", old), write(tmp_path, "b.json", new)
    result = runner.invoke(main, ["diff", str(a), str(b), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"old", "new", "deal", "sections", "summary"}
    assert data["summary"]["slipped"] == 1
    text = runner.invoke(main, ["diff", str(a), str(b)])
    assert text.exit_code == 0 and "\x1b[" not in text.stdout
    assert "'Data export': deadline 2027-01-19 -> 2027-02-02 (slipped 14 days)" in text.stdout
    out = tmp_path / "changes.md"
    md = runner.invoke(main, ["diff", str(a), str(b), "--out", str(out)])
    assert md.exit_code == 0 and out.read_text().startswith("**Changes from ")


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_different_blueprints_are_refused(runner, tmp_path):
    saas = base()
    saas["blueprint"] = {"name": "saas", "version": "1"}
    a, b = write(tmp_path, "a.json", base()), write(tmp_path, "b.json", saas)
    line = _one_line_error(runner.invoke(main, ["diff", str(a), str(b)]))
    assert "different blueprints" in line and "'map'" in line and "'saas'" in line
    _one_line_error(runner.invoke(main, ["diff", str(a), str(b), "--blueprint", "map"]))


def test_bad_inputs(runner, tmp_path):
    a = write(tmp_path, "a.json", base())
    assert "no such" in _one_line_error(runner.invoke(main, ["diff", str(a), str(tmp_path / "x.json")]))
    notes = tmp_path / "notes.txt"
    notes.write_text("hi")
    _one_line_error(runner.invoke(main, ["diff", str(notes), str(a)]))
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert "not a mapgen plan" in _one_line_error(runner.invoke(main, ["diff", str(a), str(bad)]))
    _one_line_error(runner.invoke(main, ["diff", str(tmp_path), str(a)]))  # a folder


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_render_formats(fmt, tmp_path):
    result = diff(tmp_path, base(), base())
    assert mapgen.render_diff(result, fmt).endswith("\n")


def test_readme_shows_the_real_output(runner, monkeypatch):
    from conftest import ROOT
    from test_status import readme_output

    monkeypatch.chdir(ROOT)
    command = "mapgen diff tests/fixtures/review.yaml tests/fixtures/review-week2.yaml"
    result = runner.invoke(main, command.split()[1:])
    assert result.stdout == readme_output(command)


def test_comments_and_links_are_fields_of_their_own(tmp_path):
    old, new = base(), base()
    by_description(old, "Data export")["_notes"] = {"deadline": {"comment": "Waiting for IT"}}
    by_description(new, "Data export")["_notes"] = {
        "deadline": {"comment": "IT confirmed"}, "description": {"link": "https://example.com/spec"}}
    by_description(new, "Legal review")["_notes"] = {"status": {"comment": "Signed"}}
    result = diff(tmp_path, old, new)
    changed = {c["label"]: c["fields"] for c in result["sections"]["action_items"]["changed"]}
    assert changed["Data export"] == {
        "deadline.comment": {"old": "Waiting for IT", "new": "IT confirmed"},
        "description.link": {"old": None, "new": "https://example.com/spec"}}
    assert changed["Legal review"] == {"status.comment": {"old": None, "new": "Signed"}}
    assert "_notes" not in mapgen.render_diff(result)
    assert "deadline.comment Waiting for IT -> IT confirmed" in mapgen.render_diff(result)
