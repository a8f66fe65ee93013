"""The Overview sheet: what the plan is, the deal facts and dates (input cells that live
deadlines count from), the plan at a glance, the objective, live progress per section,
contents, tips, a legend, the sign-off block and how to use the plan.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from mapgen.core.xmltext import xml_text
from mapgen.formats.xlsx import shortcuts as fast
from mapgen.formats.xlsx.cells import (
    criteria,
    english,
    excel_string,
    put,
    quote_sheet,
    scalar,
    shorten,
    yes_no,
)
from mapgen.formats.xlsx.measure import fit_height, text_height
from mapgen.formats.xlsx.own_texts import OBJECTIVE_POINTER
from mapgen.formats.xlsx.sections import EXAMPLE_MARKER
from mapgen.formats.xlsx.sheets import HEADER_ROW, Progress, SheetTable, set_print
from mapgen.model.view import SIGNOFF_HEADERS, deal_label

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from mapgen.core.i18n import Texts
    from mapgen.formats.xlsx.live_dates import LiveDates
    from mapgen.formats.xlsx.styles import WorkbookStyles
    from mapgen.model.view import DocumentView

OVERVIEW_WIDTHS = {"A": 2, "B": 26, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14}
OVERVIEW_LAST_COL = 7
OVERVIEW_TEXT_WIDTH = sum(OVERVIEW_WIDTHS.values()) - OVERVIEW_WIDTHS["A"]
# Characters of a Contents link that fit a unit of column width on one line (measured on
# LibreOffice's PDF: 30 fit column B's 26); LibreOffice does not wrap a cell with a link.
LINK_CHARS_PER_WIDTH = 1.17


def write_overview(ws: Worksheet, view: DocumentView, tables: list[SheetTable],
                   styles: WorkbookStyles, live: LiveDates, *, protect: bool = False) -> dict[str, Any]:
    """The first sheet: what this plan is, live progress, contents, how to use, legend.
    Returns its input cells for the metadata: ``{"deal": {fact: cell}, "objective": [cell]}``."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    _ = view.texts
    labels = [f"{t.view.number}. {t.sheet}" for t in tables]
    sheet = _Cursor(ws, styles, _, label_width=label_width(labels))
    for letter, width in {**OVERVIEW_WIDTHS, "B": sheet.label_width}.items():
        ws.column_dimensions[letter].width = width
    text_width = sheet.text_width

    sheet.line(view.title, styles.title, height=34)
    if view.participant:
        sheet.line(_("Prepared for: {name}", name=view.participant), styles.heading, height=20)
    byline = [view.branding.company, _("Generated {date}", date=_.date(view.generated))]
    if view.audience == "buyer":
        byline.insert(1, _("Buyer edition"))
    sheet.line(" · ".join(p for p in byline if p), styles.subtitle, height=18)
    inputs: dict[str, Any] = {"deal": write_deal(sheet, view, live), "objective": []}

    progress = [p for p in (Progress.of(t) for t in tables) if p is not None]
    write_glance(sheet, progress, live)
    objective = next((t for t in tables if t.view.key == "objective"), None)
    if objective is not None:
        inputs["objective"] = write_objective(sheet, objective, text_width)
    if progress:
        write_progress(sheet, progress)

    sheet.band(_("Contents"))
    for t, label in zip(tables, labels, strict=True):
        cell = ws.cell(sheet.row, 2)
        put(cell, label, style=styles.link)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheet(t.sheet)}!A1")
        purpose = xml_text(t.view.purpose)
        height = max(text_height(purpose, text_width - sheet.label_width),
                     text_height(cell.value, sheet.label_width))  # a long title wraps in Excel
        sheet.merged(purpose, styles.text, first_col=3, height=height)

    sheet.band(_("Working in this workbook"))
    for text in workbook_tips(tables, protect=protect, texts=_):
        sheet.merged(f"• {text}", styles.text, height=text_height(text, text_width))
    write_legend(sheet, tables)
    if view.signoff:
        write_signoff(sheet, view.signoff)
    if view.how_to_use:
        sheet.band(_("How to use this plan"))
        for n, step in enumerate(view.how_to_use, start=1):
            text = f"{n}. {' '.join(xml_text(step).split())}"
            sheet.merged(text, styles.text, height=text_height(text, text_width))

    ws.sheet_view.showGridLines = False
    ws.sheet_properties.tabColor = styles.primary
    set_print(ws, landscape=False, company=styles.company, title_rows=None, one_page=True, texts=_)
    return inputs


def write_deal(sheet: _Cursor, view: DocumentView, live: LiveDates) -> dict[str, str]:
    """The deal facts, and its dates as input cells (named ``deal_<key>``) that the relative
    deadlines of every sheet count from: change go-live here and they all move. Returns the
    cell of each fact (by deal key), for the reader."""
    from openpyxl.worksheet.datavalidation import DataValidation

    ws, styles, _ = sheet.ws, sheet.styles, sheet.texts
    anchors = set(live.anchors)
    facts = [(key, label, value) for key, label, value in view.deal_items()
             if not (isinstance(value, dt.date) and key in anchors)]
    dates = [(a, deal_label(a, _), view.deal.get(a)) for a in live.anchors]
    cells: dict[str, str] = {}
    if not facts and not dates:
        return cells
    sheet.gap()
    for i in range(0, len(facts), 2):
        for (key, label, value), col in zip(facts[i:i + 2], (2, 5), strict=False):
            put(ws.cell(sheet.row, col), label, style=styles.fact_label)
            style = styles.fact_date if isinstance(value, dt.date) else styles.fact
            put(ws.cell(sheet.row, col + 1), yes_no(scalar(value), _), style=style)
            cells[key] = ws.cell(sheet.row, col + 1).coordinate
        sheet.row += 1
    if not dates:
        return cells
    dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorTitle, dv.error = shorten(_("Not a date"), 32), _("Type a date, like 2027-01-15.")
    dv.promptTitle = shorten(_("Deal date"), 32)
    dv.prompt = _("Deadlines written relative to this date follow it when you change it.")
    for i in range(0, len(dates), 2):
        for (key, label, value), col in zip(dates[i:i + 2], (2, 5), strict=False):
            put(ws.cell(sheet.row, col), label, style=styles.fact_label)
            cell = ws.cell(sheet.row, col + 1)
            put(cell, value if isinstance(value, dt.date) else None, style=styles.deal_date)
            live.place(key, cell.coordinate)
            cells[key] = cell.coordinate
            dv.add(cell.coordinate)
        sheet.row += 1
    ws.add_data_validation(dv)
    return cells


def write_glance(sheet: _Cursor, progress: list[Progress], live: LiveDates) -> None:
    """The plan at a glance, all live: days to go-live, the next milestone (the earliest
    deadline from today of an open phase), and how many items are overdue and blocked."""
    ws, styles, _ = sheet.ws, sheet.styles, sheet.texts
    dated = [p for p in progress if p.deadline]
    milestones = next((p for p in dated if p.table.view.key == "phases"), dated[0] if dated else None)
    if "go_live" not in live.cells and milestones is None and not progress:
        return
    sheet.band(_("At a glance"))
    row = sheet.row
    if "go_live" in live.cells:
        name = live.name("go_live")
        put(ws.cell(row, 2), _("Days to go-live"), style=styles.fact_label)
        put(ws.cell(row, 3), f'=IF({name}="","",{name}-TODAY())', style=styles.kpi, formula=True)
    if progress:
        overdue = "+".join(overdue_count(p) for p in dated) or "0"
        blocked = "+".join(f'COUNTIFS({p.table.data_range("status")},"={criteria(c)}")'
                           for p in progress for c in p.track.choices("blocked")) or "0"
        put(ws.cell(row, 5), _("Overdue"), style=styles.fact_label)
        put(ws.cell(row, 6), f"={overdue}", style=styles.kpi_alert, formula=True)
        put(ws.cell(row + 1, 5), _("Blocked"), style=styles.fact_label)
        put(ws.cell(row + 1, 6), f"={blocked}", style=styles.kpi_alert, formula=True)
    if milestones is not None:
        deadline = milestones.table.data_range(milestones.deadline)
        status = milestones.table.data_range("status")
        label = milestones.table.data_range(milestones.label)
        open_ = f',{status},"<>{criteria(milestones.done)}"' if milestones.done else ""
        put(ws.cell(row + 1, 2), _("Next milestone"), style=styles.fact_label)
        date = ws.cell(row + 1, 3)
        put(date, f'=IF(COUNTIFS({deadline},">="&TODAY(){open_})=0,"",'
                  f'_xlfn.MINIFS({deadline},{deadline},">="&TODAY(){open_}))',
            style=styles.kpi_date, formula=True)
        put(ws.cell(row + 2, 3), f'=IF({date.coordinate}="","",INDEX({label},MATCH('
                                 f'{date.coordinate},{deadline},0)))', style=styles.fact, formula=True)
        fast.merge(ws, start_row=row + 2, start_column=3, end_row=row + 2, end_column=OVERVIEW_LAST_COL)
        ws.row_dimensions[row + 2].height = 28
    for r in range(row, row + 2):
        ws.row_dimensions[r].height = 22
    sheet.row = row + (3 if milestones is not None else 2)


def status_count(p: Progress, choice: str, texts: Texts | None = None) -> str:
    """The live count of a section's rows whose status reads as ``choice``: the choice and
    its synonyms, as ``read`` takes them, and each example row a person typed over."""
    # (a translated workbook's formulas hold its own words only: no English in it anywhere)
    words = p.status.spellings(choice, english=False)
    status = p.table.data_range("status")
    terms = [f'COUNTIFS({status},"={criteria(w)}")' for w in words]
    for r, changed in example_changes(p.table, texts):
        cell = p.table.cell("status", r)
        said = ",".join(f'{cell}="{excel_string(w)}"' for w in words)
        terms.append(f"IF(AND({changed},OR({said})),1,0)")
    return "+".join(terms)


def example_changes(table: SheetTable, texts: Texts | None = None) -> list[tuple[int, str]]:
    """(sheet row, condition) of each example row of ``table``: the condition holds once a
    person has typed over the example (a cell other than a date differs from what was
    written), when the reader takes the row as data."""
    out = []
    for i, example in enumerate(table.view.examples):
        r = HEADER_ROW + 1 + i
        parts = []
        for col in table.columns:
            if col.column is None or col.is_date:
                continue  # the Sources column of a merge; a date follows the deal's dates
            value = example.get(col.key)
            if type(value) is bool:
                value = yes_no(value, texts or english())
            parts.append(f"{table.cell(col.key, r)}<>{excel_literal(value)}")
        if parts:
            out.append((r, f"OR({','.join(parts)})"))
    return out


def excel_literal(value: Any) -> str:
    """A value as a formula writes it: text quoted, a number as it is, empty as ""."""
    if value is None or value == "":
        return '""'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return f'"{excel_string(xml_text(str(value)))}"'


def overdue_count(p: Progress, texts: Texts | None = None) -> str:
    """The live count of a section's open items whose deadline has passed: neither done nor
    a synonym of done, each example typed over counted as a row."""
    deadline, status = p.table.data_range(p.deadline), p.table.data_range("status")
    not_done = "".join(f',{status},"<>{criteria(w)}"' for w in p.done_words)
    out = f'COUNTIFS({deadline},"<"&TODAY(){not_done},{deadline},"<>")'
    for r, changed in example_changes(p.table, texts):
        due = p.table.cell(p.deadline, r)
        out += (f"+IF(AND({changed},ISNUMBER({due}),{due}<TODAY(),"
                f"NOT({p.is_done(p.table.cell('status', r))})),1,0)")
    return out


def write_objective(sheet: _Cursor, table: SheetTable, text_width: float) -> list[str]:
    """Live links to the first objectives, with a pointer to the sheet while it is empty;
    returns their cells (a person may type an objective over one: the reader takes it)."""
    texts = [c.key for c in table.view.columns if c.field.is_text]
    if not texts:
        return []
    cells = []
    key = "description" if "description" in texts else texts[0]
    _ = sheet.texts
    sheet.band(_("Objective"))
    rows = table.view.rows
    for i in range(max(1, min(len(rows), 3))):
        ref = table.cell(key, table.first_data + i)
        fallback = _(OBJECTIVE_POINTER, sheet=table.sheet) if i == 0 else ""
        known = xml_text(rows[i].get(key) or "") if i < len(rows) else fallback
        cells.append(sheet.ws.cell(sheet.row, 2).coordinate)
        sheet.merged(f'=IF({ref}="","{excel_string(fallback)}",{ref})', sheet.styles.text,
                     height=text_height(known, text_width), formula=True)
    return cells


def write_progress(sheet: _Cursor, progress: list[Progress]) -> None:
    """A status-by-section matrix of live counts, with totals, overdue and % complete."""
    from openpyxl.utils import get_column_letter

    styles, ws, _ = sheet.styles, sheet.ws, sheet.texts
    sheet.band(_("Progress"))
    put(ws.cell(sheet.row, 2), _("Status"), style=styles.header)
    for j, p in enumerate(progress):
        put(ws.cell(sheet.row, 3 + j), p.table.sheet, style=styles.header)
        if 3 + j > OVERVIEW_LAST_COL:  # more sections with a status than the layout's columns
            ws.column_dimensions[get_column_letter(3 + j)].width = OVERVIEW_WIDTHS["G"]
    ws.row_dimensions[sheet.row].height = max(text_height(p.table.sheet, 14, pad=6) for p in progress)
    sheet.row += 1
    statuses = list(dict.fromkeys(c for p in progress for c in p.status.choices or ()))
    first_status_row = sheet.row
    for status in statuses:
        put(ws.cell(sheet.row, 2), status, style=styles.label)
        for j, p in enumerate(progress):
            formula = (f"={status_count(p, status, _)}" if status in (p.status.choices or ())
                       else None)
            put(ws.cell(sheet.row, 3 + j), formula, style=styles.count, formula=True)
        sheet.row += 1
    total_row = sheet.row
    put(ws.cell(total_row, 2), _("Total"), style=styles.label)
    put(ws.cell(total_row + 1, 2), _("Overdue"), style=styles.label)
    put(ws.cell(total_row + 2, 2), _("% complete"), style=styles.label)
    for j, p in enumerate(progress):
        col = 3 + j
        label, status = p.table.data_range(p.label), p.table.data_range("status")
        total = (f'=SUMPRODUCT(--((({label}<>"")+({status}<>""))>0))' if p.label != "status"
                 else f'=COUNTIF({status},"<>")')
        for r, changed in example_changes(p.table, _):  # an example typed over is a row
            filled = (f'{p.table.cell(p.label, r)}<>"",' if p.label != "status" else "")
            total += f'+IF(AND({changed},OR({filled}{p.table.cell("status", r)}<>"")),1,0)'
        put(ws.cell(total_row, col), total, style=styles.count, formula=True)
        overdue = f"={overdue_count(p, _)}" if p.deadline else None
        put(ws.cell(total_row + 1, col), overdue, style=styles.count, formula=True)
        percent = None
        if p.done:
            letter = get_column_letter(col)
            done_row = first_status_row + statuses.index(p.done)
            percent = f"=IF({letter}{total_row}=0,0,{letter}{done_row}/{letter}{total_row})"
        put(ws.cell(total_row + 2, col), percent, style=styles.percent, formula=True)
    sheet.row = total_row + 3
    note = _("Counted live from the sheets, examples left out. Overdue: the deadline has passed "
             "and the item is not Done.")
    sheet.merged(note, styles.note, height=fit_height(note, sheet.text_width, 14, size=9))


def workbook_tips(tables: list[SheetTable], *, protect: bool, texts: Texts | None = None) -> list[str]:
    _ = texts or english()
    tips = [_("Each section has its own sheet. Fill in the white cells of its table; selecting a "
              "cell shows what belongs in it, and dates, numbers and dropdowns are checked as you "
              "type.")]
    if protect:
        tips.append(_("The layout is locked so that it cannot break by accident (no password: "
                      "Review > Unprotect Sheet lifts it). Only the table cells can be edited."))
    else:
        tips.append(_("To add a row, type just below a table: it grows and keeps its checks. "
                      "Filter and sort with the arrows in the header."))
    if any(t.view.examples for t in tables):
        tips.append(_("Rows in grey italics are examples of what good looks like (their note says "
                      "so). Type over them or leave them: they are never read back as data."))
    tips.append(_("Dates: type them as 2027-01-15 or in your usual date format."))
    return tips


def write_legend(sheet: _Cursor, tables: list[SheetTable]) -> None:
    styles, ws, _ = sheet.styles, sheet.ws, sheet.texts
    sheet.band(_("Legend"))
    entry, example = styles.body("text"), styles.body("text", example=True)
    # (swatch text, meaning, swatch style, fill and font laid over that style)
    entries: list[tuple[str, str, str, Any, Any]] = [
        (_("Your entry"), _("A cell to fill in."), entry, None, None)]
    if any(t.view.examples for t in tables):
        entries.append((_(EXAMPLE_MARKER), _("An example: guidance only, never read as data."),
                        example, None, None))
    if any("overdue" in t.rules for t in tables):
        entries.append((_.pgettext("legend: a late item's cell", "Overdue"),
                        _("The deadline has passed and the item is not Done."), entry,
                        styles.overdue_fill, styles.overdue_font))
    if any("done" in t.rules for t in tables):
        entries.append((_.pgettext("legend: a done item's row", "Done"), _("The item is done."),
                        entry, styles.done_fill, styles.done_font))
    if any(t.view.notes for t in tables):
        entries.append((_("Conflict"), _("Contributors disagreed on this value; its comment says how."),
                        entry, styles.conflict_fill, None))
    if any(t.view.merge_notes for t in tables):
        entries.append((_("Renumbered"), _("The merge gave this row a new number, as another row "
                                           "had its own; the number's comment says whose it was."),
                        entry, None, None))
    for label, meaning, style, fill, font in entries:
        cell = ws.cell(sheet.row, 2)
        put(cell, label, style=style)
        if fill is not None:
            cell.fill = fill
        if font is not None:
            cell.font = font
        sheet.merged(meaning, styles.text, first_col=3,
                     height=fit_height(meaning, sheet.text_width - sheet.label_width, 16))


def write_signoff(sheet: _Cursor, roles: list[str]) -> None:
    """A block to sign the plan off: per role (the buyer's and the seller's sponsors) a row
    for the name, title, date and signature."""
    from openpyxl.worksheet.datavalidation import DataValidation

    ws, styles, _ = sheet.ws, sheet.styles, sheet.texts
    sheet.band(_("Sign-off"))
    spans = ((2, 2), (3, 4), (5, 5), (6, 6), (7, OVERVIEW_LAST_COL))
    for (first, last), header in zip(spans, SIGNOFF_HEADERS, strict=True):
        put(ws.cell(sheet.row, first), _(header), style=styles.header)
        if last > first:
            fast.merge(ws, start_row=sheet.row, start_column=first, end_row=sheet.row, end_column=last)
    sheet.row += 1
    dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dv.showErrorMessage, dv.error = True, _("Type a date, like 2027-01-15.")
    for role in roles:
        put(ws.cell(sheet.row, 2), role, style=styles.label)
        for first, last in spans[1:]:
            for col in range(first, last + 1):
                fast.apply_style(ws.cell(sheet.row, col), styles.body("date" if first == 6 else "text"))
            if last > first:
                fast.merge(ws, start_row=sheet.row, start_column=first, end_row=sheet.row,
                               end_column=last)
        dv.add(ws.cell(sheet.row, 6).coordinate)
        ws.row_dimensions[sheet.row].height = 34
        sheet.row += 1
    ws.add_data_validation(dv)


def label_width(labels: list[str]) -> float:
    """The Overview's column B: its usual width, or wider where a Contents link would not fit
    on one line (with a character to spare)."""
    needed = max((len(label) for label in labels), default=0) / LINK_CHARS_PER_WIDTH
    return OVERVIEW_WIDTHS["B"] if needed <= OVERVIEW_WIDTHS["B"] else math.ceil(needed) + 1


class _Cursor:
    """Writes the overview top to bottom."""

    def __init__(self, ws: Worksheet, styles: WorkbookStyles, texts: Texts | None = None, *,
                 label_width: float = OVERVIEW_WIDTHS["B"]):
        self.ws, self.styles, self.row = ws, styles, 1
        self.texts = texts or english()
        self.label_width = label_width  # column B: labels, Contents links
        self.text_width = OVERVIEW_TEXT_WIDTH - OVERVIEW_WIDTHS["B"] + label_width  # B to G

    def line(self, text: str, style: str, *, height: float) -> None:
        self.merged(text, style, height=height)

    def gap(self, height: float = 8) -> None:
        self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def band(self, title: str) -> None:
        self.gap(14)
        put(self.ws.cell(self.row, 2), title, style=self.styles.band)
        for col in range(3, OVERVIEW_LAST_COL + 1):
            fast.apply_style(self.ws.cell(self.row, col), self.styles.band)
        self.ws.row_dimensions[self.row].height = 20
        self.row += 1
        self.gap(4)

    def merged(self, text: str, style: str, *, height: float, first_col: int = 2,
               formula: bool = False) -> None:
        """A text (or, only when asked, a formula) across the rest of the row."""
        cell = self.ws.cell(self.row, first_col)
        put(cell, text, style=style, formula=formula)
        fast.merge(self.ws, start_row=self.row, start_column=first_col, end_row=self.row,
                            end_column=OVERVIEW_LAST_COL)
        self.ws.row_dimensions[self.row].height = height
        self.row += 1
