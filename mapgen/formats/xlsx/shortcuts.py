"""The writer's shortcuts past openpyxl's public API, each giving the same workbook as the plain
call it stands for: a cell made and styled in one step (``cell_at``), a value bound without type
inference (``bind``), merged cells whose styles are registered once (``merge``), named styles
found once (``apply_style``, :mod:`mapgen.formats.xlsx.styles`), a table's column names taken
from its header cells (``name_columns``) and the sheet XML formatted directly (``save_workbook``,
:mod:`mapgen.formats.xlsx.sheetxml`). Callers reach them through this module
(``fast.merge(...)``), so that each is swapped for its plain call in one place.

They use openpyxl's private attributes (``ws._cells``, ``cell._style``, ``wb._named_styles``),
which a new release may move or change, so they are guarded at run time:

- once a process, before the first workbook, a probe sheet is made both ways and written by
  openpyxl's own sheet writer (its styles and a table too): any exception or byte difference
  turns the shortcuts off (:func:`check`); a pass is kept between runs for the same openpyxl,
  lxml, Python and mapgen code (:mod:`mapgen.formats.verdicts`);
- a workbook whose writing with the shortcuts raises anything but mapgen's own errors or an OS
  error is written again with the plain calls (:func:`guarded`); when that works the shortcuts
  stay off for the process, otherwise they were not the cause and the error stands.

:func:`off_reason` says why they are off. tests/test_writer_fast_paths.py compares each
shortcut with its plain call on whole workbooks; tests/test_shortcut_guards.py breaks them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import MapgenError
from mapgen.formats.xlsx import sheetxml
from mapgen.formats.xlsx.styles import apply_style as _fast_apply_style
from mapgen.formats.xlsx.styles import copy_array, workbook_cache

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["apply_style", "bind", "cell_at", "check", "guarded", "merge", "name_columns", "off_reason",
           "save_workbook", "turn_off", "turn_on"]

_OFF: list[str] = []  # why the shortcuts are off (empty: they are on)


def _fast_merge(ws: Worksheet, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """``ws.merge_cells`` with the same result, made fast: openpyxl re-registers the top-left
    cell's protection and each edge border once per covered cell; here each distinct style is
    registered once a workbook and the covered cells share its index."""
    import copy

    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles.borders import Border
    from openpyxl.utils import get_column_letter as column_letter
    from openpyxl.worksheet.merge import MergedCellRange


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


def _fast_cell_at(ws: Worksheet, row: int, column: int, style: str | None = None) -> Cell:
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
        _fast_apply_style(cell, style)
    return cell


def _fast_bind(cell: Cell, value: Any) -> None:
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


def _fast_name_columns(ws: Worksheet, table: Any, header_row: int, first_col: int) -> None:
    """The column names openpyxl's writer gives a table from its header cells, given here
    without it making a list of every cell of the table's range to read the first row."""
    table._initialise_columns()
    for i, column in enumerate(table.tableColumns):
        column.name = str(ws.cell(header_row, first_col + i).value)


# --------------------------------------------------------------------------- the plain calls


def _plain_cell_at(ws: Worksheet, row: int, column: int, style: str | None = None) -> Cell:
    cell = ws.cell(row, column)
    if style is not None:
        cell.style = style
    return cell


def _plain_bind(cell: Cell, value: Any) -> None:
    cell.value = value


def _plain_merge(ws: Worksheet, **where: int) -> None:
    ws.merge_cells(**where)


def _plain_apply_style(cell: Any, name: str) -> None:
    cell.style = name


def _plain_name_columns(ws: Worksheet, table: Any, header_row: int, first_col: int) -> None:
    """Nothing: openpyxl names the columns from the header cells when it writes the table."""


def _plain_save(wb: Any, path: Any) -> None:
    wb.save(path)


FAST: dict[str, Callable[..., Any]] = {
    "cell_at": _fast_cell_at, "bind": _fast_bind, "merge": _fast_merge, "apply_style": _fast_apply_style,
    "name_columns": _fast_name_columns, "save_workbook": sheetxml.save_workbook}
PLAIN: dict[str, Callable[..., Any]] = {
    "cell_at": _plain_cell_at, "bind": _plain_bind, "merge": _plain_merge,
    "apply_style": _plain_apply_style, "name_columns": _plain_name_columns, "save_workbook": _plain_save}

# What callers call (module attributes, looked up at each call: swapped in one place).
cell_at = FAST["cell_at"]
bind = FAST["bind"]
merge = FAST["merge"]
apply_style = FAST["apply_style"]
name_columns = FAST["name_columns"]
save_workbook = FAST["save_workbook"]


# --------------------------------------------------------------------------- the guards


def turn_off(reason: str) -> None:
    """The plain calls from now on, in this process."""
    _OFF[:] = [reason]
    globals().update(PLAIN)


def turn_on() -> None:
    """The shortcuts again (after a plain retry that failed too: they were not the cause)."""
    _OFF.clear()
    globals().update(FAST)


def off_reason() -> str | None:
    """Why the shortcuts are off, or None while they are on."""
    return _OFF[0] if _OFF else None


# The code the probe's verdict depends on (mapgen.formats.verdicts keeps a pass between runs).
PROBED = ("openpyxl", "lxml.etree", "openpyxl.cell.cell", "openpyxl.styles.cell_style",
          "openpyxl.styles.named_styles", "openpyxl.worksheet.merge", "openpyxl.worksheet.table",
          "openpyxl.worksheet._writer", "mapgen.formats.xlsx.shortcuts", "mapgen.formats.xlsx.styles")


@functools.cache
def check() -> None:
    """Once a process: the probe sheet made with the plain calls and with the shortcuts; any
    exception or difference turns the shortcuts off. A pass recorded by an earlier process
    with the same code (:mod:`mapgen.formats.verdicts`) stands for the probe."""
    from mapgen.formats import verdicts

    if verdicts.passed("xlsx-writer", PROBED):
        return
    try:
        plain, shortcut = _probe()
    except Exception as exc:  # an attribute moved in another openpyxl, ...
        turn_off(f"the probe failed: {type(exc).__name__}: {exc}")
        return
    if plain != shortcut:
        turn_off("the probe came out other than with openpyxl's plain calls")
        return
    verdicts.record_pass("xlsx-writer", PROBED)


def guarded(write: Callable[[], None]) -> None:
    """Run ``write`` (a whole workbook, made afresh each time it runs) with the shortcuts; if it
    raises anything but mapgen's own errors or an OS error, turn them off and run it again
    with the plain calls. If that fails too, the shortcuts were not the cause: they stay on."""
    check()
    if _OFF:
        write()
        return
    try:
        write()
    except (MapgenError, OSError, MemoryError, RecursionError):
        raise
    except Exception as exc:
        turn_off(f"writing a workbook failed: {type(exc).__name__}: {exc}")
        try:
            write()
        except BaseException:
            turn_on()
            raise


def _probe() -> tuple[tuple, tuple]:
    """The probe sheet (every shortcut, each path through it) made twice in one workbook, with
    the plain calls and with the shortcuts: each as openpyxl's own writer writes it (its style
    ids say whether the styles are the same), with its merged ranges and its table."""
    import io

    from lxml.etree import tostring
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Protection, Side
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    side = Side(style="thin", color="D9D9D9")
    box = Border(left=side, right=side, top=side, bottom=side)
    wb.add_named_style(NamedStyle("probe date", font=Font(bold=True), border=box,
                                  protection=Protection(locked=False), number_format="d mmm yyyy"))
    wb.add_named_style(NamedStyle("probe text", alignment=Alignment(wrap_text=True), border=box))
    values = ["text", 42, -1.5, dt.date(2027, 1, 4), dt.datetime(2027, 1, 4, 12, 30)]
    out = []
    for calls in (PLAIN, FAST):
        cell_at, bind, merge, apply_style = (calls[k] for k in ("cell_at", "bind", "merge",
                                                                 "apply_style"))
        ws = wb.create_sheet()
        for col in (2, 3):
            cell_at(ws, 1, col, "probe text").value = f"Head {col}"
        for row, value in enumerate(values, start=2):
            for col, style in ((2, "probe date"), (3, "probe text"), (4, None)):
                bind(cell_at(ws, row, col, style), value)
        apply_style(cell_at(ws, 2, 4), "probe text")  # an existing cell
        cell_at(ws, 2, 2, "probe text")
        bind(cell_at(ws, 9, 5), dt.date(2027, 1, 5))  # a date where the format shows none
        table = Table(displayName=f"tbl_probe{len(out)}", ref="B1:C6")
        ws.add_table(table)
        calls["name_columns"](ws, table, 1, 2)
        merge(ws, start_row=12, start_column=2, end_row=13, end_column=4)  # styled: borders
        apply_style(ws.cell(15, 2), "probe date")
        merge(ws, start_row=15, start_column=2, end_row=15, end_column=4)
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        out.append((writer.read(), sorted(str(r) for r in ws.merged_cells.ranges),
                    tostring(table.to_tree()).replace(table.displayName.encode(), b"")))
        writer.close()
    return out[0], out[1]
