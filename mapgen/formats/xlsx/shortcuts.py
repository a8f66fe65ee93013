"""The writer's shortcuts past openpyxl's public API, each giving the same workbook as the plain
call it stands for (tests/test_writer_fast_paths.py compares them part by part): a cell made
and styled in one step, a value bound without type inference, merged cells whose styles are
registered once, named styles found once (:mod:`mapgen.formats.xlsx.styles`) and the sheet XML
written directly (:mod:`mapgen.formats.xlsx.sheetxml`). Callers reach them through this module
(``fast.merge(...)``), so that a shortcut is swapped for its plain call in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from mapgen.formats.xlsx.sheetxml import save_workbook
from mapgen.formats.xlsx.styles import apply_style, copy_array, workbook_cache

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["apply_style", "bind", "cell_at", "merge", "save_workbook"]


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
