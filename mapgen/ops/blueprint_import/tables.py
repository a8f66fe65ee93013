"""Where the tables are in a grid: the header row, the data rows, and what surrounds them.

A sheet's table is the row with the most short texts (none ending in ':') that has data below
it; its rows run down to a gap after which nothing looks like data any more, or to a legend
("Status key", "Note:"). Around it: label/value pairs (a deal block), title and text rows
above, legends and notes below. Inside it: group rows (a label alone in a row), example rows
(italic or grey text, placeholders such as "[Company Name]") and rows without any value.
A Word table's header is its first row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from mapgen.ops.blueprint_import.sources import Cell, Grid

HEADER_CHARS = 80  # a header is a short text
LEGEND_START = re.compile(r"^\s*(status\s+key|key|legend|notes?|how\s+dates\s+work|nb|n\.b\.)\b[\s:.-]",
                          re.I)
PLACEHOLDER = re.compile(r"^\s*(\[[^\]]{1,60}\]|<[^>]{1,60}>|e\.\s?g\.|example\b|xx+\b)", re.I)


@dataclass
class DealPair:
    """A label and the value beside it (a deal block), with their places."""

    label: str
    label_at: str
    value: Any
    value_at: str | None
    ref: str | None = None  # the value cell as an absolute reference ("$E$3"), for formulas


@dataclass
class Table:
    """One table found in a grid (row and column indexes are 0-based)."""

    grid: Grid
    header_at: int
    headers: dict[int, str]  # column -> header text ("" for a column without one)
    columns: list[int]
    rows: list[int] = field(default_factory=list)  # data rows, examples and group rows
    groups: dict[int, tuple[int, str]] = field(default_factory=dict)  # row -> (column, label)
    examples: set[int] = field(default_factory=set)
    example_why: dict[int, str] = field(default_factory=dict)
    empty_rows: int = 0  # rows inside the table with nothing in them (Word: write-in rows)
    title: str | None = None
    title_at: str | None = None
    above: list[tuple[str, str]] = field(default_factory=list)  # (place, text) above the header
    below: list[tuple[str, str]] = field(default_factory=list)  # legends and notes under it

    def cell(self, row: int, col: int) -> Cell | None:
        cells = self.grid.rows[row]
        return cells[col] if col < len(cells) else None

    def place(self, row: int, col: int | None = None) -> str:
        """Where a row or cell is, as a person finds it."""
        if self.grid.word:
            return f"{self.grid.where}, row {row + 1}"
        from openpyxl.utils import get_column_letter

        if col is None:
            return f"{self.grid.where}, row {row + 1}"
        return f"{self.grid.where}, cell {get_column_letter(col + 1)}{row + 1}"


@dataclass
class Layout:
    """Everything found in one grid: its table (if any) and its deal block."""

    table: Table | None
    deal: list[DealPair] = field(default_factory=list)
    leftover: list[tuple[str, str]] = field(default_factory=list)  # texts of a grid without a table


def text_of(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _filled(row: list[Cell | None]) -> list[tuple[int, Cell]]:
    return [(c, cell) for c, cell in enumerate(row) if cell is not None and cell.value is not None
            and text_of(cell)]


def _is_label(cell: Cell) -> bool:
    text = text_of(cell)
    return isinstance(cell.value, str) and text.endswith(":") and 1 < len(text) <= 40


def find_layout(grid: Grid) -> Layout:
    """The table, deal block and texts of one grid."""
    if grid.word:
        return Layout(_word_table(grid))
    header = _header_row(grid)
    if header is None:
        texts = [(f"{grid.where}, cell {cell.coordinate}", text_of(cell))
                 for row in grid.rows for _, cell in _filled(row)]
        return Layout(None, _deal_pairs(grid, range(len(grid.rows)), set()), texts)
    table = _sheet_table(grid, header)
    deal = _deal_pairs(grid, range(header), set())
    taken = {p.label_at for p in deal} | {p.value_at for p in deal if p.value_at}
    for r in range(header):
        cells = _filled(grid.rows[r])
        free = [(c, cell) for c, cell in cells if cell.coordinate not in taken]
        for c, cell in free:
            text = text_of(cell)
            if table.title is None and len(cells) == 1 and len(text) <= HEADER_CHARS and not table.above:
                table.title, table.title_at = text, table.place(r, c)
            else:
                table.above.append((table.place(r, c), text))
    return Layout(table, deal)


def _header_row(grid: Grid) -> int | None:
    """The row with the most header-like cells that has a row with data under it."""
    best: tuple[int, int] | None = None
    for r, row in enumerate(grid.rows[:200]):
        cells = _filled(row)
        if len(cells) < 2:
            continue
        if not all(isinstance(c.value, str) and len(text_of(c)) <= HEADER_CHARS
                   and not text_of(c).endswith(":") for _, c in cells):
            continue
        span = range(cells[0][0], cells[-1][0] + 1)
        below = next((grid.rows[n] for n in range(r + 1, min(r + 4, len(grid.rows)))
                      if _filled(grid.rows[n])), None)
        if below is None or not any(c in span for c, _ in _filled(below)):
            continue
        if best is None or len(cells) > best[1]:
            best = (r, len(cells))
    return best[0] if best else None


def _deal_pairs(grid: Grid, rows: range, taken: set[str]) -> list[DealPair]:
    """Label/value pairs ("Account:" beside "Acme") in ``rows``."""
    pairs = []
    for r in rows:
        row = grid.rows[r]
        for c, cell in _filled(row):
            if not _is_label(cell):
                continue
            value_cell = next((row[n] for n in range(c + 1, min(c + 4, len(row)))
                               if row[n] is not None and text_of(row[n])), None)
            if value_cell is not None and _is_label(value_cell):
                value_cell = None
            ref = None
            if value_cell is not None:
                m = re.fullmatch(r"([A-Z]+)(\d+)", value_cell.coordinate)
                ref = f"${m.group(1)}${m.group(2)}" if m else None
            pairs.append(DealPair(text_of(cell).rstrip(":").strip(), cell.coordinate,
                                  value_cell.value if value_cell else None,
                                  value_cell.coordinate if value_cell else None, ref))
    return pairs


def _sheet_table(grid: Grid, header: int) -> Table:
    row = grid.rows[header]
    headers = {c: text_of(cell) for c, cell in _filled(row)}
    first, last = min(headers), max(headers)
    table = Table(grid, header, {}, [])
    wanted = max(2, (len(headers) + 1) // 2)
    r = header + 1
    end = len(grid.rows)
    used: set[int] = set()
    while r < end:
        cells = _filled(grid.rows[r])
        if not cells:
            # a gap: the table goes on when a data-like row follows before the next gap
            n = r + 1
            while n < end and not _filled(grid.rows[n]):
                n += 1
            block = []
            while n < end and _filled(grid.rows[n]):
                block.append(n)
                n += 1
            if not any(len([c for c, _ in _filled(grid.rows[b]) if first <= c <= last + 2]) >= wanted
                       and not _legend(grid.rows[b]) for b in block):
                break
            r += 1
            continue
        if _legend(grid.rows[r]):
            break
        table.rows.append(r)
        used.update(c for c, _ in cells)
        r += 1
    # columns: every header, and columns right of the table that hold data without one
    columns = sorted(set(headers) | {c for c in used if c >= first})
    table.columns = [c for c in columns if c in headers or c <= last + 3 or c - 1 in columns]
    table.headers = {c: headers.get(c, "") for c in table.columns}
    for n in range(r, end):
        for c, cell in _filled(grid.rows[n]):
            table.below.append((table.place(n, c), text_of(cell)))
    for n in table.rows:
        for c, cell in _filled(grid.rows[n]):
            if c < first:
                table.below.append((table.place(n, c), text_of(cell)))
    _classify_rows(table)
    return table


def _legend(row: list[Cell | None]) -> bool:
    cells = _filled(row)
    return bool(cells) and isinstance(cells[0][1].value, str) and bool(
        LEGEND_START.match(text_of(cells[0][1])))


def _word_table(grid: Grid) -> Table | None:
    start = next((r for r, row in enumerate(grid.rows) if _filled(row)), None)
    if start is None:
        return None
    row = grid.rows[start]
    width = max(len(r) for r in grid.rows)
    headers = {c: text_of(row[c]) if c < len(row) else "" for c in range(width)}
    table = Table(grid, start, headers, list(range(width)))
    for r in range(start + 1, len(grid.rows)):
        if _filled(grid.rows[r]):
            table.rows.append(r)
        else:
            table.empty_rows += 1
    _classify_rows(table)
    return table


def _classify_rows(table: Table) -> None:
    """Group rows, example rows."""
    wide = len([c for c in table.columns if table.headers.get(c)]) >= 3
    for r in table.rows:
        cells = [(c, cell) for c, cell in _filled(table.grid.rows[r]) if c in table.columns]
        if not cells:
            continue
        worded = [cell for _, cell in cells if not _numeric(cell)] or [cell for _, cell in cells]
        if all(cell.italic or cell.grey for cell in worded):
            table.examples.add(r)
            table.example_why[r] = "its text is " + ("italic" if any(c.italic for c in worded)
                                                      else "grey")
            continue
        holder = next((text_of(cell) for _, cell in cells if isinstance(cell.value, str)
                       and PLACEHOLDER.match(text_of(cell))), None)
        if holder is not None:
            table.examples.add(r)
            table.example_why[r] = f"it holds the placeholder '{holder[:40]}'"
            continue
        if (wide and len(cells) == 1 and isinstance(cells[0][1].value, str) and not _numeric(cells[0][1])
                and len(text_of(cells[0][1])) <= HEADER_CHARS and cells[0][1].formula is None):
            table.groups[r] = (cells[0][0], text_of(cells[0][1]))


def _numeric(cell: Cell) -> bool:
    """A number, or a text that is only one ("2" in a Word table)."""
    return isinstance(cell.value, int | float) or re.fullmatch(r"\s*[+-]?\d+([.,]\d+)?\s*",
                                                               text_of(cell)) is not None
