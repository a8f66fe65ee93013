"""Relative dates stay live in workbooks: formulas on the Overview's deal dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import FIXTURES, soffice_convert
from docx import Document
from openpyxl import load_workbook

from mapgen.core import dates
from mapgen.formats.xlsx.meta import read_meta
from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import load_plan
from mapgen.model.view import describe_relative
from mapgen.ops.generate import generate

SAAS_PHASES = ["go_live-12w", "go_live-8w", "go_live-6w", "close", "go_live"]
SAAS_ACTIONS = ["go_live-9w", "close-5bd", "go_live-10bd"]


def make(tmp_path: Path, *, plan: bool, formats=("xlsx",), stem: str = "saas") -> list[Path]:
    bp = load_blueprint("saas")
    given = load_plan(FIXTURES / "deal.yaml", bp) if plan else None
    return generate(bp, plan=given, formats=list(formats), out_dir=tmp_path, force=True, stem=stem)


def deadlines(path: Path, sheet_key: str) -> tuple[object, list]:
    wb = load_workbook(path)
    meta = read_meta(wb)
    sheet = next(s for s in meta.sheets if s.section == sheet_key)
    ws = wb[sheet.sheet]
    col = sheet.first_col + sheet.columns.index("deadline")
    first = sheet.header_row + 1 + len(sheet.examples)
    return wb, [ws.cell(first + i, col) for i in range(5 if sheet_key == "phases" else 3)]


def test_blank_kit_shows_each_rule_in_words_as_a_live_formula_and_in_the_handout(tmp_path):
    xlsx, docx = make(tmp_path, plan=False, formats=("xlsx", "docx"))
    wb, cells = deadlines(xlsx, "phases")
    for cell, rule in zip(cells, SAAS_PHASES, strict=True):
        words = describe_relative(rule)
        assert cell.value.startswith('=IF(deal_') and f'"{words}"' in cell.value
        assert cell.alignment.wrap_text
    assert describe_relative("go_live-12w") == "12 weeks before go-live"
    assert describe_relative("close") == "at close"
    assert {"deal_start", "deal_close", "deal_go_live"} <= set(wb.defined_names)
    meta = read_meta(wb)
    assert sorted(meta.live_dates["formulas"].values()) == sorted(
        {str(dates.parse_relative(r)) for r in SAAS_PHASES + SAAS_ACTIONS})
    # The handout says the same words.
    handout = "\n".join(c.text for t in Document(docx).tables for r in t.rows for c in r.cells)
    for rule in SAAS_PHASES + SAAS_ACTIONS:
        assert describe_relative(rule) in handout
    # Read back without a deal date, the rules come back as they were written.
    plan = read_workbook(xlsx)
    assert not plan.errors
    assert [r["deadline"] for r in plan.sections["phases"]] == SAAS_PHASES


def test_business_days_count_with_the_blueprints_holidays(tmp_path):
    [xlsx] = make(tmp_path, plan=True)
    _, cells = deadlines(xlsx, "action_items")
    assert cells[1].value.startswith('=IF(deal_close="","5 business days before close",WORKDAY(')
    assert "'_lists'!$" in cells[1].value
    assert cells[0].value.endswith(",deal_go_live-63)")


def test_reader_works_the_dates_out_and_follows_a_changed_go_live(tmp_path):
    [xlsx] = make(tmp_path, plan=True)
    bp = load_blueprint("saas")
    deal = load_plan(FIXTURES / "deal.yaml", bp).deal
    plan = read_workbook(xlsx)
    assert not plan.errors, plan.errors
    want = [dates.resolve(r, deal, bp.holiday_dates()) for r in SAAS_PHASES]
    assert [r["deadline"] for r in plan.sections["phases"]] == want
    # Move go-live on the Overview: every deadline counted from it moves, close stays.
    wb = load_workbook(xlsx)
    anchor = read_meta(wb).live_dates["anchors"]["go_live"]
    wb["Overview"][anchor].value = dt.date(2027, 5, 3)
    wb.save(xlsx)
    plan = read_workbook(xlsx)
    moved = {**deal, "go_live": dt.date(2027, 5, 3)}
    assert plan.deal["go_live"] == dt.date(2027, 5, 3)
    assert [r["deadline"] for r in plan.sections["phases"]] == [
        dates.resolve(r, moved, bp.holiday_dates()) for r in SAAS_PHASES]


@pytest.mark.soffice
def test_spreadsheet_computes_the_same_dates_as_mapgen(tmp_path):
    [xlsx] = make(tmp_path, plan=True, stem="live")
    wb = load_workbook(xlsx)
    cells = read_meta(wb).live_dates["anchors"]
    wb["Overview"][cells["close"]].value = dt.date(2027, 1, 4)  # 5 bd before crosses 1 Jan
    wb.save(xlsx)
    bp = load_blueprint("saas")
    deal = {**load_plan(FIXTURES / "deal.yaml", bp).deal, "close": dt.date(2027, 1, 4)}
    saved = soffice_convert(xlsx, "xlsx", tmp_path / "lo")
    values = load_workbook(saved, data_only=True)
    meta = read_meta(load_workbook(xlsx))
    for key, rules in (("phases", SAAS_PHASES), ("action_items", SAAS_ACTIONS)):
        sheet = next(s for s in meta.sheets if s.section == key)
        col = sheet.first_col + sheet.columns.index("deadline")
        first = sheet.header_row + 1 + len(sheet.examples)
        got = [values[sheet.sheet].cell(first + i, col).value for i in range(len(rules))]
        assert [g.date() if isinstance(g, dt.datetime) else g for g in got] == [
            dates.resolve(r, deal, bp.holiday_dates()) for r in rules]


def _read_cli(runner, path: Path, out: Path) -> dict:
    import json

    from mapgen.cli import main

    result = runner.invoke(main, ["read", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def _overview_warnings(plan: dict) -> list[tuple]:
    return [(i["severity"], i["sheet"], i["cell"], i["column"], i["message"])
            for i in plan["issues"] if i["code"] == "deal-from-overview"]


def test_a_deal_date_changed_on_the_overview_is_read_with_a_warning_and_moves_its_dates(
        runner, tmp_path):
    """The Overview's go-live cell, which live formulas count from, is an input cell like the
    other deal facts: changed, a warning names it and the dates that follow it move."""
    [xlsx] = make(tmp_path, plan=True)
    bp = load_blueprint("saas")
    deal = load_plan(FIXTURES / "deal.yaml", bp).deal
    untouched = _read_cli(runner, xlsx, tmp_path / "untouched.json")
    assert _overview_warnings(untouched) == []
    wb = load_workbook(xlsx)
    anchor = read_meta(wb).live_dates["anchors"]["go_live"]
    wb["Overview"][anchor].value = dt.date(2027, 5, 3)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    plan = _read_cli(runner, edited, tmp_path / "edited.json")
    assert _overview_warnings(plan) == [
        ("warning", "Overview", anchor, "go_live",
         f"Go-live on the Overview is '2027-05-03'; the workbook was made with "
         f"'{deal['go_live'].isoformat()}': the Overview's value is read")]
    assert plan["deal"]["go_live"] == "2027-05-03"
    assert plan["deal"]["close"] == deal["close"].isoformat()  # not moved
    moved = {**deal, "go_live": dt.date(2027, 5, 3)}
    for key, rules in (("phases", SAAS_PHASES), ("action_items", SAAS_ACTIONS)):
        assert [r["deadline"] for r in plan["sections"][key][:len(rules)]] == [
            dates.resolve(r, moved, bp.holiday_dates()).isoformat() for r in rules]


def test_a_deal_date_cleared_on_the_overview_leaves_the_deal_with_a_warning(runner, tmp_path):
    [xlsx] = make(tmp_path, plan=True)
    wb = load_workbook(xlsx)
    anchor = read_meta(wb).live_dates["anchors"]["close"]
    wb["Overview"][anchor].value = None
    wb.save(xlsx)
    plan = _read_cli(runner, xlsx, tmp_path / "cleared.json")
    assert [w[:4] for w in _overview_warnings(plan)] == [("warning", "Overview", anchor, "close")]
    assert "close" not in plan["deal"] and "go_live" in plan["deal"]
