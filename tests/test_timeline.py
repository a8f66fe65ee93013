"""The timeline: a live Timeline sheet in the workbook and a drawn week table in the handout."""

from __future__ import annotations

import datetime as dt

from conftest import FIXTURES
from docx import Document
from openpyxl import load_workbook

from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import load_plan
from mapgen.model.view import build_view, timeline, timeline_weeks
from mapgen.ops.generate import generate


def deal_view():
    bp = load_blueprint("saas")
    return bp, load_plan(FIXTURES / "deal.yaml", bp)


def test_timeline_items_span_phases_and_mark_action_items():
    bp, plan = deal_view()
    items = timeline(build_view(bp, plan))
    phases = [t for t in items if t.phase]
    assert [t.label for t in phases][:2] == ["Discovery", "Technical validation"]
    assert phases[0].start == plan.deal["start"] and phases[1].start == phases[0].end
    actions = [t for t in items if not t.phase]
    assert actions and all(t.start == t.end for t in actions)
    weeks = timeline_weeks(items, dt.date(2026, 12, 1))
    assert weeks[0].weekday() == 0 and weeks[0] <= min(t.start for t in items)
    assert weeks[-1] + dt.timedelta(days=7) > max(t.end for t in items)


def test_workbook_timeline_sheet_links_the_tables_and_draws_bars(tmp_path):
    bp, plan = deal_view()
    [path] = generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Overview", "Timeline"]
    ws = wb["Timeline"]
    assert ws["B5"].value == "=IF('Phases and Milestones'!$C$7=\"\",\"\",'Phases and Milestones'!$C$7)"
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert len(formulas) == 4 and "TODAY()" in formulas[-1] and '"overdue"' in formulas[0]
    assert ws.column_dimensions["G"].hidden
    # The reader leaves the sheet alone.
    read = read_workbook(path)
    assert not [i for i in read.issues if i.sheet == "Timeline"]


def test_handout_ends_with_a_timeline_page_only_when_rows_are_dated(tmp_path):
    bp, plan = deal_view()
    [deal] = generate(bp, plan=plan, formats=["docx"], out_dir=tmp_path)
    doc = Document(str(deal))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "Timeline"
    table = doc.tables[-1]
    assert table.rows[0].cells[0].text == "Week of" and table.rows[1].cells[0].text == "Discovery"
    shaded = [tc for tc in table._tbl.tr_lst[1].tc_lst
              if tc.tcPr is not None and tc.tcPr.find(
                  "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd") is not None]
    assert shaded
    [blank] = generate(load_blueprint("map"), formats=["docx"], out_dir=tmp_path)
    assert "Timeline" not in [p.text for p in Document(str(blank)).paragraphs]
