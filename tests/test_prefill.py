"""Pre-fill from deal data: relative dates, the deal in blueprint texts, the sandbox, literal data."""

import datetime as dt
import json
import textwrap

import pytest
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.formats.xlsx.meta import read_meta
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import plan_from_data
from mapgen.model.view import build_view

SAAS = load_blueprint("saas")


def saas_plan(**deal):
    base = {"name": "Rollout", "buyer": "Contoso", "seller": "Nimbus Analytics",
            "start": "2026-12-01", "close": "2027-02-12", "go_live": "2027-03-15"}
    return plan_from_data({"blueprint": {"name": "saas"}, "deal": {**base, **deal}}, SAAS)


def section_rows(view, key):
    return next(s for s in view.sections if s.key == key).rows


def test_standard_phases_are_dated_back_from_go_live():
    view = build_view(SAAS, saas_plan())
    deadlines = [r["deadline"] for r in section_rows(view, "phases")]
    assert deadlines == [dt.date(2026, 12, 21), dt.date(2027, 1, 18), dt.date(2027, 2, 1),
                         dt.date(2027, 2, 12), dt.date(2027, 3, 15)]
    actions = {r["description"]: r["deadline"] for r in section_rows(view, "action_items")}
    assert actions["Security questionnaire returned"] == dt.date(2027, 1, 11)     # go_live-9w
    assert actions["Redlines on order form resolved"] == dt.date(2027, 2, 5)      # Fri - 5bd
    assert actions["Kick-off with customer success"] == dt.date(2027, 3, 1)       # Mon - 10bd


def test_business_days_skip_the_blueprint_holidays():
    # close-5bd from Tue 5 Jan 2027 skips 1 Jan (holiday) and the weekend: Mon 28 Dec 2026.
    view = build_view(SAAS, saas_plan(close="2027-01-05"))
    actions = {r["description"]: r["deadline"] for r in section_rows(view, "action_items")}
    assert actions["Redlines on order form resolved"] == dt.date(2026, 12, 28)


def test_deal_appears_in_blueprint_texts():
    view = build_view(SAAS, saas_plan())
    assert view.title == "Mutual Action Plan: Contoso and Nimbus Analytics"
    assert "Get Contoso live" in section_rows(view, "objective")[0]["description"]


def test_plan_rows_win_over_standard_rows_on_the_same_identity():
    plan = saas_plan()
    plan.sections["phases"] = [{"phase": 2, "milestone": "Security and data review",
                                "deadline": dt.date(2027, 1, 29)}]
    rows = section_rows(build_view(SAAS, plan), "phases")
    assert len(rows) == 5
    assert rows[1] == {"phase": 2, "milestone": "Security and data review",
                       "deadline": dt.date(2027, 1, 29)}


def test_missing_anchor_is_an_error_that_names_it(runner, in_tmp):
    (in_tmp / "deal.json").write_text(json.dumps(
        {"blueprint": {"name": "saas"}, "deal": {"buyer": "Contoso", "close": "2027-02-12"}}))
    result = runner.invoke(main, ["generate", "--plan", "deal.json", "--out", "out"])
    assert result.exit_code == 1
    assert "needs the deal's 'go_live' date" in result.output
    assert not (in_tmp / "out").exists()


def test_prefilled_workbook_holds_real_dates(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--blueprint", "saas", "--plan",
                                  str(_fixture("deal.yaml")), "--format", "xlsx", "--out", "out"])
    assert result.exit_code == 0, result.output
    path = in_tmp / "out" / "Contoso - Analytics rollout.xlsx"
    wb = load_workbook(path)
    sheet = next(s for s in read_meta(wb).sheets if s.section == "phases")
    ws = wb[sheet.sheet]
    col = sheet.first_col + sheet.columns.index("deadline")
    first = sheet.header_row + 1 + len(sheet.examples)
    values = [ws.cell(first + i, col).value for i in range(5)]
    # Relative deadlines stay live: formulas on the Overview's deal dates, which the reader
    # (and any spreadsheet) works out to real dates.
    assert values[0] == '=IF(deal_go_live="","12 weeks before go-live",deal_go_live-84)'
    assert all(v.startswith("=IF(deal_") for v in values)
    from mapgen.formats.xlsx.reader import read_workbook

    read = read_workbook(path)
    assert [r["deadline"] for r in read.sections["phases"]] == [
        dt.date(2026, 12, 21), dt.date(2027, 1, 18), dt.date(2027, 2, 1), dt.date(2027, 2, 12),
        dt.date(2027, 3, 15)]


def _fixture(name):
    from pathlib import Path

    return Path(__file__).parent / "fixtures" / name


def write_blueprint(path, title):
    path.write_text(textwrap.dedent(f"""\
        extends: map
        title: "{title}"
    """), encoding="utf-8")


@pytest.mark.parametrize("title,words", [
    ("Plan for {{{{ deal.buyr }}}}", ["bp.yaml:2:", "deal.buyr"]),
    ("{{{{ ''.__class__.__mro__ }}}}", ["bp.yaml:2:", "unsafe"]),
    ("{{{{ deal.__class__ }}}}", ["unsafe"]),
    ("{{% for i in range(10**9) %}}x{{% endfor %}}", ["bp.yaml:2:"]),
    ("{{{{ 'x' * 10**9 }}}}", ["bp.yaml:2:"]),
    ("{{{{ unclosed", ["bp.yaml:2:", "syntax"]),
])
def test_template_errors_and_sandbox_escapes_exit_2(runner, in_tmp, title, words):
    write_blueprint(in_tmp / "bp.yaml", title.replace("{{{{", "{{").replace("}}}}", "}}")
                    .replace("{{%", "{%").replace("%}}", "%}"))
    result = runner.invoke(main, ["generate", "--blueprint", "bp.yaml", "--out", "out"])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (in_tmp / "out").exists()


def test_data_with_template_code_and_formulas_is_written_literally(runner, in_tmp):
    plan = {"blueprint": {"name": "map"},
            "deal": {"buyer": "=HYPERLINK(\"http://x\",\"y\")", "name": "{{ 7*7 }}"},
            "sections": {"stakeholders": [{"name": "{{ 7*7 }}", "role": "=1+1"},
                                          {"name": "@SUM(A1)", "role": "+31 20 123"}]}}
    (in_tmp / "plan.json").write_text(json.dumps(plan))
    result = runner.invoke(main, ["generate", "--plan", "plan.json", "--out", "out",
                                  "--format", "all"])
    assert result.exit_code == 0, result.output
    xlsx = next((in_tmp / "out").glob("*.xlsx"))
    wb = load_workbook(xlsx)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    formulas = [c.coordinate for ws in wb.worksheets if ws.title not in ("Overview", "Timeline")
                for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert {"{{ 7*7 }}", "=1+1", "@SUM(A1)", "+31 20 123"} <= texts
    assert "49" not in texts and not formulas
    overview = wb["Overview"]
    buyer_cells = [c for row in overview.iter_rows() for c in row
                   if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert buyer_cells and all(c.data_type == "s" for c in buyer_cells)
    from docx import Document

    doc = Document(next((in_tmp / "out").glob("*.docx")))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "{{ 7*7 }}" in cells and "=1+1" in cells
