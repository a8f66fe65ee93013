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

from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.formats.xlsx import shortcuts as fast
from mapgen.formats.xlsx.cells import json_value
from mapgen.formats.xlsx.live_dates import LiveDates
from mapgen.formats.xlsx.meta import SheetMeta, WorkbookMeta, row_records, write_meta
from mapgen.formats.xlsx.overview import write_overview
from mapgen.formats.xlsx.sections import write_section
from mapgen.formats.xlsx.sheets import (
    FIRST_COL,
    HEADER_ROW,
    OVERVIEW_SHEET,
    TIMELINE_SHEET,
    ChoiceLists,
    Progress,
    SheetNames,
    SheetTable,
    reserved_sheets,
)
from mapgen.formats.xlsx.timeline import write_timeline
from mapgen.model.view import property_text

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook import Workbook

    from mapgen.formats.registry import WriteOptions
    from mapgen.model.view import DocumentView


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    """The ``xlsx`` output format (see :mod:`mapgen.formats.registry`)."""
    write_xlsx(view, path, protect=options.protect)


def write_xlsx(view: DocumentView, path: Path, *, protect: bool = False) -> None:
    """Write ``view`` as an .xlsx workbook at ``path`` (protected, without password, if asked).

    Raises ValidationFailed for a value that no Excel cell can hold. The workbook is made
    with the writer's shortcuts, or again with openpyxl's plain calls should they fail
    (:func:`mapgen.formats.xlsx.shortcuts.guarded`).
    """
    fast.guarded(lambda: _write_xlsx(view, path, protect=protect))


def _write_xlsx(view: DocumentView, path: Path, *, protect: bool) -> None:
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
    fast.save_workbook(wb, path)


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
                                texts=t.texts, conflicts=t.conflicts, notes=t.notes,
                                note_cells=t.note_cells,
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
