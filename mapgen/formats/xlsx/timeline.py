"""The Timeline sheet: every row of the dated sections as a bar on a week grid, all live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mapgen.core.text import wrapped_lines
from mapgen.formats.xlsx import shortcuts as fast
from mapgen.formats.xlsx.cells import excel_string, put
from mapgen.formats.xlsx.measure import text_height
from mapgen.formats.xlsx.sheets import TIMELINE_SHEET, Progress, set_print

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from mapgen.formats.xlsx.live_dates import LiveDates
    from mapgen.formats.xlsx.styles import WorkbookStyles
    from mapgen.model.view import DocumentView

TIMELINE_WEEKS = (12, 52)  # the fewest and the most weeks the timeline grid shows
TIMELINE_ROWS = 60         # the most rows of one section on the timeline (more is no picture)


def write_timeline(ws: Worksheet, view: DocumentView, progress: list[Progress],
                   styles: WorkbookStyles, live: LiveDates) -> None:
    """Every row of the dated sections as a bar on a week grid, all live: the rows link to
    the section tables (rows typed in later included, up to each table's last row, at most
    TIMELINE_ROWS of a section: a longer list is no picture any more), the
    grid starts in the week of the earliest date, and conditional formats draw the bars
    (phases from the previous milestone to their own, action items in their week), overdue
    in the overdue colour, done in green, and this week's column marked."""
    from openpyxl.utils import get_column_letter

    _ = view.texts
    head, first_row, grid = 4, 5, 8  # header row, first item row, first week column
    weeks = timeline_columns(view)
    put(ws.cell(1, 2), _(TIMELINE_SHEET), style=styles.title)
    ws.row_dimensions[1].height = 30
    note = _("Phases run from one milestone to the next; action items show in the week they are "
             "due. Red: overdue; green: done; ▼ this week. Linked live to the section sheets.")
    put(ws.cell(2, 2), note, style=styles.note)
    fast.merge(ws, start_row=2, start_column=2, end_row=2, end_column=grid + 12)
    headers = ((_("Item"), 34), (_("Section"), 22), (_("From"), 11), (_("Due"), 11),
               (_("Status"), max(12, 1 + max((len(c) for p in progress for c in p.status.choices or ()),
                                             default=0))), (_("State"), 8))
    for col, (title, width) in enumerate(headers, start=2):
        put(ws.cell(head, col), title, style=styles.header)
        ws.column_dimensions[get_column_letter(col)].width = width
    note_width = sum(w for _t, w in headers[:-1]) + 5.5 * (grid + 12 - grid + 1)  # State is hidden
    if wrapped_lines(note, (note_width - 1) * 11 / 9 * 0.95) > 1:
        ws.row_dimensions[2].height = text_height(note, note_width, size=9)
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions[get_column_letter(grid - 1)].hidden = True  # State: for the formats
    # The hidden State column's words, in the workbook's language like every text it shows.
    state_done = excel_string(_.pgettext("timeline state", "done"))
    state_overdue = excel_string(_.pgettext("timeline state", "overdue"))
    row = first_row
    for p in progress:
        t = p.table
        previous = None
        for r in range(t.first_data, min(t.last_row, t.first_data + TIMELINE_ROWS - 1) + 1):
            label, due, status = t.cell(p.label, r), t.cell(p.deadline, r), t.cell("status", r)
            span = t.view.key == "phases"
            if span:
                start = (f"=IF(ISNUMBER({previous}),{previous},{due})" if previous else
                         f"=IF(AND(ISNUMBER({live.name('start')}),ISNUMBER({due})),"
                         f"MIN({live.name('start')},{due}),{due})" if "start" in live.cells
                         else f"={due}")
            else:
                start = f"={due}"
            values = (f'=IF({label}="","",{label})', f'=IF({label}="","","{excel_string(t.sheet)}")',
                      f'=IF({due}="","",{start[1:]})', f'=IF({due}="","",{due})',
                      f'=IF({status}="","",{status})',
                      f'=IF(AND($F{row}<>"",{p.is_done(f"$F{row}")}),"{state_done}",'
                      f'IF(AND(ISNUMBER($E{row}),$E{row}<TODAY()),"{state_overdue}",""))')
            for col, value in enumerate(values, start=2):
                style = styles.fact_date if col in (4, 5) else styles.fact
                put(ws.cell(row, col), value, style=style, formula=True)
            previous = due
            row += 1
    last = row - 1
    g0, gl = get_column_letter(grid), get_column_letter(grid + weeks - 1)
    for n in range(weeks):
        letter = get_column_letter(grid + n)
        ws.column_dimensions[letter].width = 5.5
        cell = ws.cell(head, grid + n)
        if n == 0:
            dates = f"$D${first_row}:$E${last}"
            formula = (f"=IF(COUNT({dates})=0,TODAY()-WEEKDAY(TODAY(),3),"
                       f"MIN({dates})-WEEKDAY(MIN({dates}),3))")
        else:
            formula = f"={get_column_letter(grid + n - 1)}{head}+7"
        put(cell, formula, style=styles.week, formula=True)
        put(ws.cell(head - 1, grid + n), f'=IF(AND({letter}${head}<=TODAY(),TODAY()<{letter}${head}+7),'
                                         f'"▼","")', style=styles.week_marker, formula=True)
    ws.row_dimensions[head].height = 34
    area = f"{g0}{first_row}:{gl}{last}"
    d, e, week = f"$D{first_row}", f"$E{first_row}", f"{g0}${head}"
    bar = f"AND(ISNUMBER({d}),ISNUMBER({e}),{week}<={e},{week}+7>{d})"
    state = f"$G{first_row}"
    cf = ws.conditional_formatting
    cf.add(area, styles.bar_rule(f'AND({bar},{state}="{state_overdue}")', "overdue"))
    cf.add(area, styles.bar_rule(f'AND({bar},{state}="{state_done}")', "done"))
    cf.add(area, styles.bar_rule(bar, "bar"))
    cf.add(f"{g0}{first_row}:{gl}{last}", styles.bar_rule(
        f"AND({g0}${head}<=TODAY(),TODAY()<{g0}${head}+7)", "today"))
    ws.freeze_panes = ws.cell(first_row, grid).coordinate
    ws.sheet_view.showGridLines = False
    set_print(ws, landscape=True, company=styles.company, title_rows=head, texts=_)


def timeline_columns(view: DocumentView) -> int:
    """The week columns of the timeline grid: the weeks of the view's dated rows and two
    more, at least TIMELINE_WEEKS[0]. The one thing of the workbook that the deal's dates
    decide beyond their own cells (the grid's weeks are formulas over the dates)."""
    from mapgen.model.view import timeline, timeline_weeks

    known = timeline_weeks(timeline(view), view.generated, limit=TIMELINE_WEEKS[1])
    return max(TIMELINE_WEEKS[0], len(known) + 2)
