"""The Excel writer: lays a :class:`~mapgen.model.view.DocumentView` out as a workbook to fill in.

Layout (the reader relies on the metadata, not on these positions, but they are stable):

- ``Overview`` first: title, deal facts, "Prepared for", the objective (live links to the
  Objective sheet), progress per section that has a ``status`` choice column (COUNTIFS over
  plain A1 ranges, recalculated by Excel and LibreOffice without macros), contents with links,
  how to use the plan and the workbook, and a legend.
- One sheet per section, in blueprint order, named after the section: title, purpose,
  instructions and a hint in rows 1-4, then an Excel table ``tbl_<section key>`` whose header is
  row 6 from column B. The table holds, top to bottom, the example rows, the data rows and the
  empty rows, so it covers the header down to the last empty row.
- Examples are grey italic rows at the top of the table, listed in the metadata so that the
  reader skips a row that still equals one. Each also carries a note (cell comment) on its first
  cell saying it is an example: the marker is not a value in any column, and, like the grey
  italics, it moves with its row when the table is sorted (a marker beside the table would not).
- Values are typed: real dates with the field's number format, numbers, percentages as
  fractions. Every string is written as a string, never as a formula or an error value; strings
  that a spreadsheet would run (``=``, ``+``, ``-``, ``@``, tab, CR) also get ``quotePrefix``
  so that editing the cell in Excel keeps it text. Unresolved relative dates stay text
  (``go_live-8w``). Control characters that XML cannot hold are dropped.
- Metadata for the reader in the very hidden ``_mapgen`` sheet (:mod:`mapgen.formats.xlsx.meta`);
  dropdowns whose choices do not fit Excel's 255-character inline list read from the very
  hidden ``_lists`` sheet.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import Issue, ValidationFailed
from mapgen.core.i18n import N_
from mapgen.core.xmltext import xml_text
from mapgen.formats.xlsx.meta import (
    META_SHEET,
    SOURCES_KEY,
    SheetMeta,
    WorkbookMeta,
    row_records,
    write_meta,
)
from mapgen.formats.xlsx.sheetxml import save_workbook
from mapgen.formats.xlsx.styles import apply_style, copy_array, workbook_cache
from mapgen.model.fields import Validation, needs_formula_guard
from mapgen.model.health import Tracking, tracking
from mapgen.model.view import (
    SIGNOFF_HEADERS,
    deal_label,
    describe_relative,
    display_value,
    property_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.cell import Cell
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from mapgen.core.i18n import Texts
    from mapgen.formats.registry import WriteOptions
    from mapgen.formats.xlsx.styles import WorkbookStyles
    from mapgen.model.blueprint import Column
    from mapgen.model.view import DocumentView, SectionView

# mapgen's own texts are English msgids, shown in the blueprint's language (mapgen.core.i18n).
OVERVIEW_SHEET = N_("Overview")
TIMELINE_SHEET = N_("Timeline")
TIMELINE_WEEKS = (12, 52)  # the fewest and the most weeks the timeline grid shows
TIMELINE_ROWS = 60         # the most rows of one section on the timeline (more is no picture)
LISTS_SHEET = "_lists"
HEADER_ROW = 6          # the tables' header row on section sheets
FIRST_COL = 2           # tables start in column B; column A is a narrow margin
HEADROOM = 500          # rows below a table that the overview's counts still cover
INLINE_LIST_LIMIT = 255
MAX_CELL_TEXT = 32_767
EXAMPLE_MARKER = N_("Example")
EXAMPLE_NOTE = N_("Example: this row shows what good looks like. Type over it or leave it; an "
                  "untouched example is never read as data.")
# Sheet names Excel refuses or that this workbook uses itself (in English; see reserved_sheets).
RESERVED_SHEETS = (OVERVIEW_SHEET, TIMELINE_SHEET, META_SHEET, LISTS_SHEET, "History")
OVERVIEW_WIDTHS = {"A": 2, "B": 26, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14}
OVERVIEW_LAST_COL = 7
OVERVIEW_TEXT_WIDTH = sum(OVERVIEW_WIDTHS.values()) - OVERVIEW_WIDTHS["A"]
# Characters of a Contents link that fit a unit of column width on one line (measured on
# LibreOffice's PDF: 30 fit column B's 26); LibreOffice does not wrap a cell with a link.
LINK_CHARS_PER_WIDTH = 1.17


def reserved_sheets(texts: Texts) -> tuple[str, ...]:
    """The reserved sheet names in English and in the language of ``texts``: a section sheet
    takes neither (the reader knows the Overview and Timeline by both)."""
    return (*RESERVED_SHEETS, texts(OVERVIEW_SHEET), texts(TIMELINE_SHEET))


# --------------------------------------------------------------------------- geometry


@dataclass
class TableColumn:
    """One column of a section table: a blueprint column, or the merge's Sources column."""

    key: str
    header: str
    width: float
    type_name: str
    column: Column | None = None
    help: str = ""

    @property
    def is_date(self) -> bool:
        return self.column is not None and self.column.field.is_date


@dataclass
class SheetTable:
    """Where one section's table lies: what the overview's formulas and the metadata need."""

    view: SectionView
    sheet: str
    columns: list[TableColumn]
    first_data: int     # first row after the examples
    last_row: int       # last row of the table (the last empty row)
    rules: set[str] = field(default_factory=set)  # conditional formats used: "overdue", "done"
    texts: dict[str, str] = field(default_factory=dict)  # own text outside the table, by cell
    conflicts: list[dict[str, str]] = field(default_factory=list)  # cells marked by merge

    @property
    def name(self) -> str:
        return f"tbl_{self.view.key}"

    @property
    def last_col(self) -> int:
        return FIRST_COL + len(self.columns) - 1

    def letter(self, key: str) -> str | None:
        from openpyxl.utils import get_column_letter

        for i, col in enumerate(self.columns):
            if col.key == key:
                return get_column_letter(FIRST_COL + i)
        return None

    def data_range(self, key: str) -> str:
        """``'Sheet'!$H$8:$H$530``: the column's data rows (no examples) plus headroom."""
        letter = self.letter(key)
        return f"{quote_sheet(self.sheet)}!${letter}${self.first_data}:${letter}${self.last_row + HEADROOM}"

    def cell(self, key: str, row: int) -> str:
        return f"{quote_sheet(self.sheet)}!${self.letter(key)}${row}"


@dataclass(frozen=True)
class Progress:
    """What the overview counts in one section: a table and how it is tracked."""

    table: SheetTable
    track: Tracking

    @property
    def status(self) -> Column:
        return self.track.status

    @property
    def done(self) -> str | None:
        return self.track.done

    @property
    def deadline(self) -> str | None:
        return self.track.deadline

    @property
    def label(self) -> str:
        return self.track.label

    @classmethod
    def of(cls, table: SheetTable) -> Progress | None:
        track = tracking(table.view.columns, table.view.key)
        return None if track is None or not track.status.field.has_choices else cls(table, track)


# --------------------------------------------------------------------------- entry point


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    """The ``xlsx`` output format (see :mod:`mapgen.formats.registry`)."""
    write_xlsx(view, path, protect=options.protect)


def write_xlsx(view: DocumentView, path: Path, *, protect: bool = False) -> None:
    """Write ``view`` as an .xlsx workbook at ``path`` (protected, without password, if asked).

    Raises ValidationFailed for a value that no Excel cell can hold.
    """
    from openpyxl import Workbook

    from mapgen.formats.xlsx.styles import WorkbookStyles

    _ = view.texts
    wb = Workbook()
    styles = WorkbookStyles(wb, view.branding, view.blueprint.language)
    overview = wb.active
    overview.title = _(OVERVIEW_SHEET)
    names = SheetNames(reserved_sheets(_))
    lists = ChoiceLists()
    internal = view.audience == "internal"
    live = LiveDates(view, lists)
    tables = []
    for sv in view.sections:
        ws = wb.create_sheet(names.make(sv.title, fallback=sv.key))
        tables.append(write_section(ws, sv, styles, lists, live, internal=internal, protect=protect,
                                    texts=_))
        tables[-1].texts = outside_texts(ws, tables[-1])
    cells = write_overview(overview, view, tables, styles, live, protect=protect)
    progress = [p for p in (Progress.of(t) for t in tables) if p is not None and p.deadline]
    if progress:
        write_timeline(wb.create_sheet(_(TIMELINE_SHEET), 1), view, progress, styles, live)
    live.define(wb, overview.title)
    lists.write(wb)
    meta = workbook_meta(view, tables, live)
    meta.overview = {"sheet": overview.title, **(cells or {})}
    write_meta(wb, meta)
    wb.properties.title = property_text(view.title)
    wb.properties.subject = _("Mutual Action Plan")
    wb.properties.creator = property_text(view.author)
    wb.calculation.fullCalcOnLoad = True
    if protect:
        protect_workbook(wb)
    wb.active = 0
    save_workbook(wb, path)


# --------------------------------------------------------------------------- section sheets


def table_columns(sv: SectionView, *, internal: bool, texts: Texts | None = None) -> list[TableColumn]:
    """The section's columns, with a final Sources column on a merged plan's internal copy."""
    _ = texts or _english()
    cols = [TableColumn(c.key, c.title, c.display_width, c.type, c, c.help) for c in sv.columns]
    if internal and sv.sources is not None:
        cols.append(TableColumn(SOURCES_KEY, _("Sources"), 24, "text",
                                help=_("Who contributed this row (from merge); not read back.")))
    taken: set[str] = set()
    for col in cols:  # table column names: one line, unique regardless of case
        base = " ".join(xml_text(col.header).split()) or col.key
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} {n}"
        taken.add(name.casefold())
        col.header = name
    return cols


def write_section(ws: Worksheet, sv: SectionView, styles: WorkbookStyles, lists: ChoiceLists,
                  live: LiveDates, *, internal: bool, protect: bool = False,
                  texts: Texts | None = None) -> SheetTable:
    """Lay out one section sheet and return where its table lies."""
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    _ = texts or _english()
    columns = table_columns(sv, internal=internal, texts=_)
    author = styles.company or _("Mutual Action Plan")  # comments name who they are from
    n_ex, n_rows = len(sv.examples), len(sv.rows)
    n_blank = sv.blank_rows if (n_ex + n_rows + sv.blank_rows) else 1  # a table needs a body row
    first_data = HEADER_ROW + 1 + n_ex
    table = SheetTable(sv, ws.title, columns, first_data, first_data + n_rows + n_blank - 1)
    last_letter = get_column_letter(table.last_col)

    # Texts above the table.
    ws.column_dimensions["A"].width = 2
    for i, col in enumerate(columns):
        ws.column_dimensions[get_column_letter(FIRST_COL + i)].width = col.width
    width = sum(c.width for c in columns)
    hint = [_("Select a cell to see what belongs in it.")]
    if n_ex:
        hint.append(_("Grey italic rows are examples of what good looks like: type over them or "
                      "leave them; they are never read as data."))
    if not protect:
        hint.append(_("Type below the last row to add one: the table grows."))
    hint = " ".join(hint)
    put(ws.cell(1, FIRST_COL), f"{sv.number}. {sv.title}", style=styles.title)
    ws.row_dimensions[1].height = 30
    purpose, instructions = (_("{label}:", label=word) for word in (_("Purpose"), _("Instructions")))
    for row, label, text, style in ((2, purpose, sv.purpose, styles.text),
                                    (3, instructions, sv.instructions, styles.text),
                                    (4, None, hint, styles.note)):
        if not text:
            continue
        text = " ".join(xml_text(text).split())
        cell = ws.cell(row, FIRST_COL)
        if label:
            apply_style(cell, style)
            cell.value = labelled(label, text, styles)
        else:
            put(cell, text, style=style)
        merge(ws, start_row=row, start_column=FIRST_COL, end_row=row, end_column=table.last_col)
        ws.row_dimensions[row].height = text_height(
            f"{label} {text}" if label else text, width, size=10 if label else 9)
    ws.row_dimensions[HEADER_ROW - 1].height = 8

    # Header and body.
    for i, col in enumerate(columns):
        put(ws.cell(HEADER_ROW, FIRST_COL + i), col.header, style=styles.header)
    ws.row_dimensions[HEADER_ROW].height = max(
        text_height(c.header, c.width, size=10, pad=6) for c in columns)
    body = [(row, True) for row in sv.examples] + [(row, False) for row in sv.rows]
    body += [({}, False)] * n_blank
    sources = sv.sources if internal and sv.sources is not None else []
    # What each column's cells share, worked out once: (sheet column, key, blueprint column,
    # input style, example style, is a date).
    per_column = [(FIRST_COL + i, col.key, col.column, styles.body(col.type_name),
                   styles.body(col.type_name, example=True), col.is_date)
                  for i, col in enumerate(columns)]
    section_key = sv.key
    date_keys = {c.key for c in columns if c.is_date}
    relative = sv.relative
    heights = RowHeights(columns)
    for r, (values, example) in enumerate(body, start=HEADER_ROW + 1):
        if example:
            note = Comment(_(EXAMPLE_NOTE), author)
            note.width, note.height = 260, 70
            ws.cell(r, FIRST_COL).comment = note
        data_index = r - first_data
        shown: list[Any] = []
        for column_index, key, column, input_style, example_style, is_date in per_column:
            cell = cell_at(ws, r, column_index, example_style if example else input_style)
            rule = relative.get((data_index, key)) if relative and not example else None
            value = values.get(key)
            if key == SOURCES_KEY:
                value = sources[data_index] if 0 <= data_index < len(sources) else None
            elif column is not None and (rule or is_date) and isinstance(value, str):
                value = display_value(column, value, _)  # a rule in words
            if rule:  # the cell has its style
                put(cell, live.formula(rule), formula=True)
            else:
                put(cell, yes_no(value, _) if type(value) is bool else value, section=section_key,
                    column=key)
            if is_date and isinstance(value, str):  # a rule in words
                cell.alignment = styles.wrapped(cell.alignment)
            shown.append(value)
        wrap = date_keys
        if sv.relative:
            wrap = date_keys | {c.key for c in columns if (data_index, c.key) in sv.relative}
        height = heights(shown, wrap=wrap)
        if height is not None:
            ws.row_dimensions[r].height = height
    for (index, key), note in sv.notes.items():
        letter = table.letter(key)
        if letter is None or not 0 <= index < n_rows:
            continue
        cell = ws[f"{letter}{first_data + index}"]
        cell.fill = styles.conflict_fill
        comment = Comment(xml_text(note)[:MAX_CELL_TEXT], author)
        comment.width, comment.height = 320, 140
        cell.comment = comment
        table.conflicts.append({"cell": cell.coordinate, "column": key, "note": comment.text})
    write_cell_notes(ws, table)

    ref = f"{get_column_letter(FIRST_COL)}{HEADER_ROW}:{last_letter}{table.last_row}"
    tbl = Table(displayName=table.name, ref=ref)
    tbl.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(tbl)
    # The column names openpyxl's writer would read from the header cells, taken here without
    # it making a list of every cell of the table's range to read the first row.
    tbl._initialise_columns()
    for i, table_column in enumerate(tbl.tableColumns):
        table_column.name = str(ws.cell(HEADER_ROW, FIRST_COL + i).value)
    add_validations(ws, table, lists, _)
    add_conditional_formats(ws, table, styles)

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.sheet_view.showGridLines = False
    set_print(ws, landscape=sv.landscape, company=styles.company, title_rows=HEADER_ROW, texts=_)
    return table


def write_cell_notes(ws: Worksheet, table: SheetTable) -> None:
    """Comments and links that the plan's rows keep for their cells (``_notes``), written back."""
    from openpyxl.comments import Comment
    from openpyxl.worksheet.hyperlink import Hyperlink

    from mapgen.model.plan import NOTES_KEY

    for index, row in enumerate(table.view.rows):
        for key, note in (row.get(NOTES_KEY) or {}).items():
            letter = table.letter(key)
            if letter is None or not isinstance(note, dict):
                continue
            cell = ws[f"{letter}{table.first_data + index}"]
            if note.get("comment") and cell.comment is None:  # a conflict's note comes first
                comment = Comment(xml_text(str(note["comment"]))[:MAX_CELL_TEXT], "mapgen")
                comment.width, comment.height = 260, 90
                cell.comment = comment
            link = str(note.get("link") or "")
            if link:
                target, _, location = link.partition("#")
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target or None,
                                           location=location or None)


def outside_texts(ws: Worksheet, table: SheetTable) -> dict[str, str]:
    """Every text the writer put on a section sheet outside the table (title, purpose,
    instructions, hints), by cell: the reader tells them from text a person typed."""
    top, bottom, last_col = HEADER_ROW, table.last_row, table.last_col
    out = {}
    for (row, col), cell in ws._cells.items():
        if (top <= row <= bottom and FIRST_COL <= col <= last_col) or cell.value is None:
            continue
        out[cell.coordinate] = " ".join(str(cell.value).split())
    return out


def add_validations(ws: Worksheet, table: SheetTable, lists: ChoiceLists,
                    texts: Texts | None = None) -> None:
    """One data validation per column over the table body: type checks and the help text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    first = HEADER_ROW + 1
    for col in table.columns:
        rule = col.column.field.validation(col.column) if col.column is not None else None
        dv = excel_validation(rule, lists, texts) if rule else None
        if dv is None and not col.help:
            continue
        dv = dv or DataValidation()
        if col.help:
            dv.showInputMessage = True
            dv.promptTitle = shorten(col.header, 32)
            dv.prompt = shorten(xml_text(col.help), 255)
        letter = table.letter(col.key)
        dv.add(f"{letter}{first}:{letter}{table.last_row}")
        ws.add_data_validation(dv)


def excel_validation(rule: Validation, lists: ChoiceLists, texts: Texts | None = None) -> Any:
    """An openpyxl DataValidation for a format-neutral :class:`Validation`, or None (its
    messages in the language of ``texts``: a rule's error is a catalog message)."""
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    def bound(value: Any) -> str:
        return str(int(to_excel(value))) if isinstance(value, dt.date) else str(value)

    if rule.kind == "list":
        if not rule.choices:
            return None
        dv = DataValidation(type="list", formula1=lists.source(rule.choices), allow_blank=True)
    elif rule.kind in ("whole", "decimal", "date", "textLength") and rule.minimum is not None:
        between = rule.maximum is not None
        dv = DataValidation(type=rule.kind, operator=rule.operator or "between", allow_blank=True,
                            formula1=bound(rule.minimum),
                            formula2=bound(rule.maximum) if between else None)
    else:
        return None
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    _ = texts or _english()
    dv.errorTitle = shorten(_("Not valid here"), 32)
    dv.error = shorten(_(rule.error) if rule.error else "", 255)
    return dv


def add_conditional_formats(ws: Worksheet, table: SheetTable, styles: WorkbookStyles) -> None:
    """Conflict marks first (they win over every other rule and stop the ones below), then
    overdue deadlines in light red and done rows in green, on the data rows (not examples)."""
    for coordinate in (c["cell"] for c in table.conflicts):
        # A cell's own fill loses to any conditional format that applies to it, so the
        # conflict mark is a rule too, at the top of the list.
        ws.conditional_formatting.add(coordinate, styles.conflict_rule())
    progress = Progress.of(table)
    if progress is None or table.last_row < table.first_data:
        return
    from openpyxl.utils import get_column_letter

    row = table.first_data
    status = f"${table.letter('status')}{row}"
    not_done = f',{status}<>"{excel_string(progress.done)}"' if progress.done else ""
    if progress.deadline:
        d = f"{table.letter(progress.deadline)}{row}"
        ws.conditional_formatting.add(f"{d}:{table.letter(progress.deadline)}{table.last_row}",
                                      styles.overdue_rule(f"AND(ISNUMBER({d}),{d}<TODAY(){not_done})"))
        table.rules.add("overdue")
    if progress.done:
        span = f"{get_column_letter(FIRST_COL)}{row}:{get_column_letter(table.last_col)}{table.last_row}"
        ws.conditional_formatting.add(span, styles.done_rule(f'{status}="{excel_string(progress.done)}"'))
        table.rules.add("done")


# --------------------------------------------------------------------------- overview


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
        merge(ws, start_row=row + 2, start_column=3, end_row=row + 2, end_column=OVERVIEW_LAST_COL)
        ws.row_dimensions[row + 2].height = 28
    for r in range(row, row + 2):
        ws.row_dimensions[r].height = 22
    sheet.row = row + (3 if milestones is not None else 2)


def status_count(p: Progress, choice: str, texts: Texts | None = None) -> str:
    """The live count of a section's rows whose status reads as ``choice``: the choice and
    its synonyms, as ``read`` takes them, and each example row a person typed over."""
    # (a translated workbook's formulas hold its own words only: no English in it anywhere)
    words = (p.status.spellings(choice, english=False) if hasattr(p.status, "spellings")
             else [choice])
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
                value = yes_no(value, texts or _english())
            parts.append(f"{table.cell(col.key, r)}<>{excel_literal(value)}")
        if parts:
            out.append((r, f"OR({','.join(parts)})"))
    return out


def excel_literal(value: Any) -> str:
    """A value as a formula writes it: text quoted, a date as DATE(), empty as ""."""
    if value is None or value == "":
        return '""'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return f"DATE({value.year},{value.month},{value.day})"
    if isinstance(value, int | float):
        return repr(value)
    return f'"{excel_string(xml_text(str(value)))}"'


def overdue_count(p: Progress) -> str:
    """COUNTIFS of a section's open items whose deadline has passed."""
    deadline, status = p.table.data_range(p.deadline), p.table.data_range("status")
    not_done = f',{status},"<>{criteria(p.done)}"' if p.done else ""
    return f'COUNTIFS({deadline},"<"&TODAY(){not_done},{deadline},"<>")'


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
        fallback = _("Write the objective on the '{sheet}' sheet.", sheet=table.sheet) if i == 0 else ""
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
        overdue = f"={overdue_count(p)}" if p.deadline else None
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
    _ = texts or _english()
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
            merge(ws, start_row=sheet.row, start_column=first, end_row=sheet.row, end_column=last)
    sheet.row += 1
    dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dv.showErrorMessage, dv.error = True, _("Type a date, like 2027-01-15.")
    for role in roles:
        put(ws.cell(sheet.row, 2), role, style=styles.label)
        for first, last in spans[1:]:
            for col in range(first, last + 1):
                apply_style(ws.cell(sheet.row, col), styles.body("date" if first == 6 else "text"))
            if last > first:
                merge(ws, start_row=sheet.row, start_column=first, end_row=sheet.row,
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
        self.texts = texts or _english()
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
            apply_style(self.ws.cell(self.row, col), self.styles.band)
        self.ws.row_dimensions[self.row].height = 20
        self.row += 1
        self.gap(4)

    def merged(self, text: str, style: str, *, height: float, first_col: int = 2,
               formula: bool = False) -> None:
        """A text (or, only when asked, a formula) across the rest of the row."""
        cell = self.ws.cell(self.row, first_col)
        put(cell, text, style=style, formula=formula)
        merge(self.ws, start_row=self.row, start_column=first_col, end_row=self.row,
                            end_column=OVERVIEW_LAST_COL)
        self.ws.row_dimensions[self.row].height = height
        self.row += 1


# --------------------------------------------------------------------------- timeline


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
    merge(ws, start_row=2, start_column=2, end_row=2, end_column=grid + 12)
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
            done = excel_string(p.done or "")
            values = (f'=IF({label}="","",{label})', f'=IF({label}="","","{excel_string(t.sheet)}")',
                      f'=IF({due}="","",{start[1:]})', f'=IF({due}="","",{due})',
                      f'=IF({status}="","",{status})',
                      f'=IF(AND($F{row}<>"",$F{row}="{done}"),"{state_done}",IF(AND(ISNUMBER($E{row}),'
                      f'$E{row}<TODAY()),"{state_overdue}",""))')
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


# --------------------------------------------------------------------------- live dates


class LiveDates:
    """Relative deadlines as formulas on the deal's dates.

    The deal dates are input cells on the Overview with workbook names (``deal_go_live``);
    ``go_live-12w`` becomes ``=IF(deal_go_live="","12 weeks before go-live",deal_go_live-84)``
    and business days count with WORKDAY over the blueprint's holidays (a named range on the
    hidden list sheet). The metadata records each formula's expression, so that the reader
    works the date out itself where a formula has no saved result.
    """

    def __init__(self, view: DocumentView, lists: ChoiceLists):
        self.texts = view.texts
        self.anchors = view.anchors()
        self.holidays = view.blueprint.holiday_dates()
        self.lists = lists
        self.cells: dict[str, str] = {}       # anchor -> its cell on the Overview (A1)
        self.formulas: dict[str, str] = {}    # formula -> relative date it stands for

    @staticmethod
    def name(anchor: str) -> str:
        return f"deal_{anchor}"

    def place(self, anchor: str, coordinate: str) -> None:
        self.cells[anchor] = coordinate

    def formula(self, text: str) -> str:
        """The live formula of a relative date (shows the rule in words while its deal date
        is empty)."""
        from mapgen.core import dates

        rel = dates.parse_relative(text)
        name = self.name(rel.anchor)
        if rel.unit == "bd":
            holidays = f",{self.lists.dates(self.holidays)}" if self.holidays else ""
            start, n = (f"{name}-1", 1) if rel.amount == 0 else (name, rel.amount)
            expr = f"WORKDAY({start},{n}{holidays})"
        else:
            days = rel.amount * (7 if rel.unit == "w" else 1)
            expr = name if days == 0 else f"{name}{'+' if days > 0 else '-'}{abs(days)}"
        formula = f'=IF({name}="","{excel_string(describe_relative(text, self.texts))}",{expr})'
        self.formulas[formula] = str(rel)
        return formula

    def define(self, wb: Workbook, overview: str) -> None:
        """The workbook names of the deal dates (after the Overview, titled ``overview``, placed
        them)."""
        from openpyxl.workbook.defined_name import DefinedName

        for anchor, coordinate in self.cells.items():
            letters = re.match(r"([A-Z]+)(\d+)", coordinate)
            ref = f"{quote_sheet(overview)}!${letters.group(1)}${letters.group(2)}"
            wb.defined_names[self.name(anchor)] = DefinedName(self.name(anchor), attr_text=ref)

    def meta(self) -> dict[str, Any]:
        return {"anchors": dict(self.cells), "formulas": dict(self.formulas)}


# --------------------------------------------------------------------------- workbook-wide


class SheetNames:
    """Valid, unique Excel sheet names: at most 31 characters, none of []:*?/\\, not reserved."""

    def __init__(self, reserved: Iterable[str]):
        self.taken = {r.casefold() for r in reserved}

    def make(self, title: str, *, fallback: str) -> str:
        name = re.sub(r"[\[\]:*?]", "", xml_text(title).replace("/", "-").replace("\\", "-"))
        name = " ".join(name.split()).strip("'")[:31].strip().strip("'") or fallback[:31]
        base, n = name, 1
        while name.casefold() in self.taken:
            n += 1
            suffix = f" ({n})"
            name = base[:31 - len(suffix)].rstrip() + suffix
        self.taken.add(name.casefold())
        return name


class ChoiceLists:
    """Dropdown sources: an inline list when it fits, else a column of a very hidden sheet
    (which also holds the holidays that business-day formulas skip)."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str | dt.date, ...], str] = {}  # values -> range on the list sheet

    def source(self, choices: tuple[str, ...], *, inline: bool = True) -> str:
        """The validation's formula1 for these choices."""
        text = ",".join(choices)
        if inline and len(text) <= INLINE_LIST_LIMIT and not any(
                "," in c or '"' in c or c != c.strip() or not c for c in choices):
            return f'"{text}"'
        return self._column(choices)

    def _column(self, values: tuple[str | dt.date, ...]) -> str:
        """The absolute range of a column of the list sheet that holds ``values``."""
        if values not in self.columns:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(len(self.columns) + 1)
            self.columns[values] = f"{quote_sheet(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"
        return self.columns[values]

    def dates(self, days: list[dt.date]) -> str:
        """A range on the list sheet holding these dates (the holidays of WORKDAY)."""
        return self.source(tuple(f"\0date:{d.isoformat()}" for d in days), inline=False)

    def write(self, workbook: Workbook) -> None:
        """Add the list sheet (after the section sheets) when any dropdown needs it."""
        if not self.columns:
            return
        ws = workbook.create_sheet(LISTS_SHEET)
        ws.sheet_state = "veryHidden"
        for col, choices in enumerate(self.columns, start=1):
            for row, choice in enumerate(choices, start=1):
                if choice.startswith("\0date:"):
                    put(ws.cell(row, col), dt.date.fromisoformat(choice[6:]))
                else:
                    put(ws.cell(row, col), choice)


def workbook_meta(view: DocumentView, tables: list[SheetTable], live: LiveDates) -> WorkbookMeta:
    """What the reader needs to map sheets and columns back to the blueprint."""
    sheets = []
    for t in tables:
        by_key = {c.key: c for c in t.view.columns}
        examples = [{k: by_key[k].field.to_json(v) for k, v in row.items()
                     if k in by_key and v is not None} for row in t.view.examples]
        sheets.append(SheetMeta(section=t.view.key, sheet=t.sheet, table=t.name, header_row=HEADER_ROW,
                                first_col=FIRST_COL, columns=[c.key for c in t.columns],
                                headers=[c.header for c in t.columns], examples=examples,
                                texts=t.texts, conflicts=t.conflicts,
                                rows=row_records(t.view, [c.column for c in t.columns
                                                          if c.column is not None])))
    bp = view.blueprint
    from mapgen.model.relative_dates import workbook_entries

    relative = {t.view.key: workbook_entries(t.view.section, t.view.rows, t.view.relative)
                for t in tables if t.view.relative}
    return WorkbookMeta(blueprint={"name": bp.name, "version": bp.version}, audience=view.audience,
                        mode="prefilled" if view.prefilled else "blank", participant=view.participant,
                        deal={k: json_value(v) for k, v in view.deal.items()}, sheets=sheets,
                        live_dates=live.meta(),
                        relative_dates=relative, standard_rows=view.standard_rows)


def protect_workbook(wb: Workbook) -> None:
    """Lock the structure and every sheet, without a password; input cells stay editable."""
    from openpyxl.workbook.protection import WorkbookProtection

    wb.security = WorkbookProtection(lockStructure=True)
    for ws in wb.worksheets:
        p = ws.protection
        p.sheet = True
        # False means "allowed" in the file format: people may still sort, filter and resize.
        p.sort = p.autoFilter = p.formatColumns = p.formatRows = False


def set_print(ws: Worksheet, *, landscape: bool, company: str, title_rows: int | None,
              one_page: bool = False, texts: Texts | None = None) -> None:
    """A4 fitted to the page's width (and, when asked, to one page: nothing is stranded)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = f"{title_rows}:{title_rows}"
    if company:
        ws.oddHeader.right.text = company.replace("&", "&&")
    ws.oddFooter.left.text = "&A"
    _ = texts or _english()
    # &P and &N are the page number and count: every translation keeps both.
    ws.oddFooter.right.text = _("Page &P of &N")


# --------------------------------------------------------------------------- cells and text


def merge(ws: Worksheet, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """``ws.merge_cells`` with the same result, made fast: openpyxl re-registers the top-left
    cell's protection and each edge border once per covered cell; here each distinct style is
    registered once a workbook and the covered cells share its index."""
    import copy

    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles.borders import Border
    from openpyxl.utils import get_column_letter as column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    from mapgen.formats.xlsx.styles import workbook_cache

    mcr = MergedCellRange(ws, f"{column_letter(start_column)}{start_row}:"
                              f"{column_letter(end_column)}{end_row}")
    ws.merged_cells.add(mcr)
    cells = ws._cells
    for row, col in list(mcr.cells)[1:]:
        cells[row, col] = MergedCell(ws, row, col)
    start = mcr.start_cell
    cache = workbook_cache(ws.parent)
    for name in ("top", "left", "right", "bottom"):
        side = getattr(start.border, name)
        if side and side.style is None:
            continue
        start_border = start._style.borderId if start._style else 0
        for coord in getattr(mcr, name):
            cell = cells.get(coord)
            if cell is None:
                cell = cells[coord] = MergedCell(ws, *coord)
            # (start's border, side, this cell's border) -> this cell's border with that side
            key = ("border", start_border, name, cell._style.borderId if cell._style else 0)
            derived = cache.get(key)
            if derived is None:
                cell.border += Border(**{name: side})
                cache[key] = cell._style.borderId
            else:
                _style_of(cell).borderId = derived
    if start.protection is not None:
        key = ("protection", start._style.protectionId if start._style else 0)
        first = cache.get(key)
        for coord in mcr.cells:
            cell = cells.get(coord)
            if cell is None:
                cell = cells[coord] = MergedCell(ws, *coord)
            if first is None:
                cell.protection = copy.copy(start.protection)
                first = cache[key] = cell._style.protectionId
            else:
                _style_of(cell).protectionId = first


def _style_of(cell: Any) -> Any:
    """The cell's style array, made when it has none yet (as openpyxl's descriptors do)."""
    if not cell._style:
        from openpyxl.styles.cell_style import StyleArray

        cell._style = StyleArray()
    return cell._style


_CELL_CLASS: Any = None  # openpyxl's Cell, imported on first use


def cell_at(ws: Worksheet, row: int, column: int, style: str | None = None) -> Cell:
    """``ws.cell(row, column)``, then ``apply_style(cell, style)`` if given, with the same
    result, made fast: no keyword handling, a new cell made and added in one step, with the
    style's array once the workbook has one (what apply_style would copy)."""
    global _CELL_CLASS
    key = (row, column)
    cell = ws._cells.get(key)
    if cell is None:
        if not (0 < row < 1048577 and column > 0):
            return ws.cell(row, column)  # openpyxl's error
        if _CELL_CLASS is None:
            from openpyxl.cell.cell import Cell as _CELL_CLASS
        cell = ws._cells[key] = _CELL_CLASS(ws, row, column)
        if row > ws._current_row:
            ws._current_row = row
        array = workbook_cache(ws.parent).get(("named", style)) if style is not None else None
        if array is not None:
            cell._style = copy_array(array)
            return cell
    if style is not None:
        apply_style(cell, style)
    return cell


def bind(cell: Cell, value: Any) -> None:
    """``cell.value = value`` with the same result, made fast for what :func:`put` writes: a
    plain int or float, a text that fits a cell and that XML can hold (put has made sure; it
    then marks it as text), a date or datetime in a cell whose number format shows dates.
    openpyxl's type inference and checks would store just that."""
    kind = type(value)
    if kind is str:
        cell._value = value
        cell.data_type = "s"
    elif kind is int or kind is float:
        cell._value = value
        cell.data_type = "n"
    elif (kind is dt.date or kind is dt.datetime) and _shows_dates(cell):
        cell._value = value
        cell.data_type = "d"
    else:
        cell.value = value  # a date where the format shows none: openpyxl sets one


def _shows_dates(cell: Cell) -> bool:
    """Whether the cell's number format shows dates (found once a workbook per format)."""
    cache = workbook_cache(cell.parent.parent)
    key = ("shows dates", cell._style.numFmtId if cell._style else 0)
    shows = cache.get(key)
    if shows is None:
        from openpyxl.styles import is_date_format

        shows = cache[key] = is_date_format(cell.number_format)
    return shows


def put(cell: Cell, value: Any, *, style: str | None = None, formula: bool = False,
        section: str | None = None, column: str | None = None) -> None:
    """Style a cell and write a value: strings always as text unless ``formula`` is set."""
    if style is not None:
        apply_style(cell, style)
    if value is None:
        return
    kind = type(value)
    if kind is str:
        if formula and value.startswith("="):
            cell.value = value
            return
    elif (kind is int or kind is dt.date or kind is dt.datetime
          or (kind is float and math.isfinite(value))):
        bind(cell, value)
        return
    elif formula and isinstance(value, str) and value.startswith("="):
        cell.value = value
        return
    elif isinstance(value, bool):
        value = "Yes" if value else "No"
    elif not isinstance(value, int | float | dt.date | str) or (
            isinstance(value, float) and not math.isfinite(value)):
        value = str(value)
    if isinstance(value, str):
        value = xml_text(value)
        if len(value) > MAX_CELL_TEXT:
            where = f"section '{section}', column '{column}': " if section else ""
            raise ValidationFailed([Issue(
                code="text-too-long", section=section, column=column,
                message=f"{where}a text of {len(value):,} characters does not fit in an Excel cell "
                        f"(at most {MAX_CELL_TEXT:,})")])
        bind(cell, value)  # xml_text dropped what openpyxl's check refuses
        cell.data_type = "s"  # never a formula or an error value
        if needs_formula_guard(value):
            cell.quotePrefix = True
        return
    cell.value = value


def _english() -> Texts:
    from mapgen.core.i18n import texts_for

    return texts_for()


def yes_no(value: Any, texts: Texts) -> Any:
    """A yes/no value as a word in the workbook's language; any other value as it is."""
    if isinstance(value, bool):
        return texts("Yes") if value else texts("No")
    return value


def labelled(label: str, text: str, styles: WorkbookStyles) -> Any:
    """Rich text "**Label:** text" (``label`` with its colon, as the language writes it)."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    bold = InlineFont(rFont=styles.font_name, sz=10, b=True, color=styles.accent)
    plain = InlineFont(rFont=styles.font_name, sz=10)
    return CellRichText(TextBlock(bold, f"{label} "), TextBlock(plain, text))


def text_height(text: str, width: float, *, size: int = 10, pad: float = 3) -> float:
    """Points of row height that wrapped ``text`` needs in ``width`` characters (an estimate:
    neither Excel nor LibreOffice fits merged cells by itself)."""
    lines = wrapped_lines(text, max(1.0, (width - 1) * 11 / size * 0.95))
    return lines * size * 1.3 + pad


def fit_height(text: str, width: float, minimum: float, *, size: int = 10) -> float:
    """``minimum`` points for a text that fits one line of ``width`` characters, else the
    height of its wrapped lines (a translation may be longer than the English)."""
    if wrapped_lines(text, (width - 1) * 11 / size * 0.95) <= 1:
        return minimum
    return max(minimum, text_height(text, width, size=size))


def wrapped_lines(text: str, per_line: float) -> int:
    """Lines that ``text`` takes when wrapped at word boundaries in ``per_line`` characters."""
    per_line = max(1, int(per_line))
    if len(text) <= per_line and "\n" not in text:
        return 1  # its words and the spaces between them fit (the loop below counts 1)
    lines = 0
    for paragraph in (text or "").split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            size = len(word)
            while size > per_line:  # a word longer than the line breaks anywhere
                if used:
                    count += 1
                size -= per_line
                used = per_line
            if used and used + 1 + size > per_line:
                count += 1
                used = size
            else:
                used += size + (1 if used else 0)
        lines += count
    return lines


def row_height(columns: list[TableColumn], values: list[Any], *, size: int = 10,
               wrap: Collection[str] = ()) -> float | None:
    """Points of height a table row needs so that its wrapped texts show whole, or None when
    one line is enough (the default height fits). ``wrap``: keys of cells wrapped although
    their type is not (a relative date shown in words)."""
    return RowHeights(columns, size=size)(values, wrap=wrap)


class RowHeights:
    """:func:`row_height` for the rows of one table: each column's line length and whether its
    type wraps worked out once."""

    def __init__(self, columns: list[TableColumn], *, size: int = 10):
        self.size = size
        # A column of width w holds about w characters of the 11 pt default font; fewer when
        # the text is proportional and mixed: keep a margin so that no line is cut off.
        self.columns = [(col.key, (col.width - 1) * 11 / size * 0.95,
                         col.column.field.wrap if col.column is not None else True)
                        for col in columns]

    def __call__(self, values: list[Any], *, wrap: Collection[str] = ()) -> float | None:
        lines = 1
        for (key, per_line, wraps), value in zip(self.columns, values, strict=True):
            if not isinstance(value, str) or not value:
                continue
            if len(value) <= per_line and "\n" not in value and "\r" not in value and "\x0b" not in value:
                continue  # one line, wrapped or not (xml_text only drops characters or makes breaks)
            if not (wraps or key in wrap):
                continue
            lines = max(lines, wrapped_lines(xml_text(value), per_line))
        if lines == 1:
            return None
        return round(lines * self.size * 1.32 + 4, 1)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def excel_string(text: str) -> str:
    """Text inside a formula's double quotes."""
    return text.replace('"', '""')


def criteria(text: str) -> str:
    """A COUNTIFS criterion matching ``text`` exactly: wildcards escaped, quotes doubled."""
    return excel_string(re.sub(r"([~*?])", r"~\1", text))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scalar(value: Any) -> Any:
    return value if isinstance(value, str | int | float | dt.date) or value is None else str(value)


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
