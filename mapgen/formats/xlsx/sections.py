"""The section sheets: a title and the section's texts above an Excel table of its rows
(examples, data, empty rows to fill in), with each column's checks, help and conditional formats.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from mapgen.core.i18n import N_
from mapgen.core.xmltext import xml_text
from mapgen.formats.xlsx import shortcuts as fast
from mapgen.formats.xlsx.cells import (
    MAX_CELL_TEXT,
    english,
    labelled,
    put,
    shorten,
    yes_no,
)
from mapgen.formats.xlsx.measure import RowHeights, text_height
from mapgen.formats.xlsx.meta import SOURCES_KEY
from mapgen.formats.xlsx.sheets import (
    FIRST_COL,
    HEADER_ROW,
    ChoiceLists,
    Progress,
    SheetTable,
    TableColumn,
    set_print,
)
from mapgen.model.view import display_value

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from mapgen.core.i18n import Texts
    from mapgen.formats.xlsx.live_dates import LiveDates
    from mapgen.formats.xlsx.styles import WorkbookStyles
    from mapgen.model.fields import Validation
    from mapgen.model.view import SectionView

EXAMPLE_MARKER = N_("Example")
EXAMPLE_NOTE = N_("Example: this row shows what good looks like. Type over it or leave it; an "
                  "untouched example is never read as data.")


def table_columns(sv: SectionView, *, internal: bool, texts: Texts | None = None) -> list[TableColumn]:
    """The section's columns, with a final Sources column on a merged plan's internal copy."""
    _ = texts or english()
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

    _ = texts or english()
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
    cell = ws.cell(1, FIRST_COL)
    put(cell, f"{sv.number}. {sv.title}", style=styles.title)
    outside = {cell.coordinate: cell.value}  # the texts outside the table, as written
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
            fast.apply_style(cell, style)
            cell.value = labelled(label, text, styles)
        else:
            put(cell, text, style=style)
        outside[cell.coordinate] = cell.value
        fast.merge(ws, start_row=row, start_column=FIRST_COL, end_row=row, end_column=table.last_col)
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
    cell_at = fast.cell_at  # looked up once a sheet (the shortcut or its plain call)
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
    for (index, key), note in sv.merge_notes.items():  # for information: a comment, no mark
        letter = table.letter(key)
        if letter is None or not 0 <= index < n_rows:
            continue
        cell = ws[f"{letter}{first_data + index}"]
        if cell.comment is not None:
            continue  # a conflict's note (a running number never conflicts)
        comment = Comment(xml_text(note)[:MAX_CELL_TEXT], author)
        comment.width, comment.height = 260, 70
        cell.comment = comment
        table.notes.append({"cell": cell.coordinate, "column": key, "note": comment.text})
    write_cell_notes(ws, table)
    write_table_notes(ws, table, styles, width)

    ref = f"{get_column_letter(FIRST_COL)}{HEADER_ROW}:{last_letter}{table.last_row}"
    tbl = Table(displayName=table.name, ref=ref)
    tbl.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(tbl)
    fast.name_columns(ws, tbl, HEADER_ROW, FIRST_COL)
    add_validations(ws, table, lists, _)
    add_conditional_formats(ws, table, styles)

    # Every text the writer put outside the table (title, purpose, instructions, hint), by
    # cell: the reader tells them from text a person typed.
    table.texts = {k: " ".join(str(v).split()) for k, v in outside.items() if v is not None}
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.sheet_view.showGridLines = False
    set_print(ws, landscape=sv.landscape, company=styles.company, title_rows=HEADER_ROW, texts=_)
    return table


def write_table_notes(ws: Worksheet, table: SheetTable, styles: WorkbookStyles,
                      width: float) -> None:
    """The section's notes (text people wrote under the table, which is no row), one a line
    under the table after an empty row, each across the table's width; their cells are
    recorded, so that the reader takes them for notes again whatever column they stand in."""
    for n, text in enumerate(table.view.table_notes):
        row = table.last_row + 2 + n
        text = xml_text(text)[:MAX_CELL_TEXT]
        cell = ws.cell(row, FIRST_COL)
        put(cell, text, style=styles.text)
        fast.merge(ws, start_row=row, start_column=FIRST_COL, end_row=row, end_column=table.last_col)
        ws.row_dimensions[row].height = text_height(text, width)
        table.note_cells.append(cell.coordinate)


def write_cell_notes(ws: Worksheet, table: SheetTable) -> None:
    """Comments and links that the plan's rows keep for their cells (``_notes``), written back."""
    from openpyxl.comments import Comment
    from openpyxl.worksheet.hyperlink import Hyperlink

    from mapgen.model.plan import NOTES_KEY

    noted = {n["cell"] for n in table.notes}
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
            elif note.get("comment") and cell.coordinate in noted:  # after merge's own note
                text = f"{cell.comment.text}\n\n{xml_text(str(note['comment']))}"
                cell.comment = Comment(text[:MAX_CELL_TEXT], cell.comment.author, 90, 260)
            link = str(note.get("link") or "")
            if link:
                target, _, location = link.partition("#")
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target or None,
                                           location=location or None)


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
    _ = texts or english()
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
    not_done = f",NOT({progress.is_done(status)})" if progress.done else ""
    if progress.deadline:
        d = f"{table.letter(progress.deadline)}{row}"
        ws.conditional_formatting.add(f"{d}:{table.letter(progress.deadline)}{table.last_row}",
                                      styles.overdue_rule(f"AND(ISNUMBER({d}),{d}<TODAY(){not_done})"))
        table.rules.add("overdue")
    if progress.done:
        span = f"{get_column_letter(FIRST_COL)}{row}:{get_column_letter(table.last_col)}{table.last_row}"
        ws.conditional_formatting.add(span, styles.done_rule(progress.is_done(status)))
        table.rules.add("done")
