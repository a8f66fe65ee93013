"""A template file as grids of cells: what the import looks at, whatever the format.

- **.xlsx / .xlsm**: openpyxl in full mode (after the safety gate), so that the import sees
  formulas and their saved results, fonts (italic, grey), number formats, column widths and
  data-validation lists (also lists kept on another sheet or behind a defined name).
- **.ods / .xls / .xlsb**: the reader's calamine path (:func:`mapgen.formats.xlsx.book.open_book`):
  values only.
- **.docx / .docm / .odt**: the shared Word table reader (:mod:`mapgen.formats.docx.tables`,
  behind the same safety gate); each table is a grid under the heading above it, with the
  paragraphs between heading and table; a cell is italic when all its text is.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapgen.core.errors import UnusableInput

MAX_GRID_ROWS = 2000  # rows of one sheet or table looked at (a template is small)
MAX_GRID_COLS = 100
MAX_TABLES = 200  # Word tables looked at
WORD_SUFFIXES = (".docx", ".docm", ".odt")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb")


@dataclass
class Cell:
    """One non-empty cell: its value (a formula's saved result) and how it looks."""

    value: Any
    coordinate: str = ""
    formula: str | None = None
    italic: bool = False
    grey: bool = False
    bold: bool = False
    number_format: str = "General"
    validation: str | None = None  # a data validation's kind: list, whole, date, decimal...
    choices: tuple[str, ...] | None = None  # a list validation's entries


@dataclass
class Grid:
    """A sheet, or a Word table, as rows of cells (None: empty)."""

    title: str
    where: str  # "sheet 'MAP'", "table 3 (under '3. Action Items')"
    rows: list[list[Cell | None]]
    widths: dict[int, float] = field(default_factory=dict)  # 0-based column -> width
    word: bool = False  # a Word table: its first row is the header
    texts: list[str] = field(default_factory=list)  # Word: paragraphs between heading and table
    truncated: str | None = None
    # (row, column), 0-based -> (kind, list entries) of the data validation covering the cell
    validations: dict[tuple[int, int], tuple[str, tuple[str, ...] | None]] = field(
        default_factory=dict)


@dataclass
class Source:
    """The grids of one file, and what else it says (Word: title, texts under headings)."""

    label: str
    kind: str  # "xlsx", "calamine", "docx"
    grids: list[Grid]
    title: str | None = None
    texts: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, paragraphs)
    list_sheets: dict[str, str] = field(default_factory=dict)  # sheet -> what its lists feed
    skipped: list[str] = field(default_factory=list)  # what was not looked at, and why


def load_source(path: str | os.PathLike) -> Source:
    """The file's grids, after the safety gate; UnusableInput (one line) for unusable input."""
    from mapgen.formats.xlsx.safety import _display

    label = _display(path)
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise UnusableInput(f"{label}: no such file")
    if suffix in WORD_SUFFIXES:
        return _word(path, label)
    if suffix not in SHEET_SUFFIXES:
        raise UnusableInput(f"{label}: cannot import a '{suffix or 'file without a suffix'}' file; "
                            "give a workbook (.xlsx, .xlsm, .ods, .xls) or a Word document (.docx)")
    from mapgen.formats.xlsx.safety import inspect, read_boundary

    with read_boundary(path):
        _, kind = inspect(path)
        if kind == "xlsx":
            return _openpyxl(path, label)
        return _calamine(path, label)


# --------------------------------------------------------------------------- workbooks


def _openpyxl(path: str | os.PathLike, label: str) -> Source:
    from openpyxl.utils import get_column_letter

    wb, values = _full_workbooks(path)
    source = Source(label, "xlsx", [])
    own = _own_sheets(wb)
    for ws in wb.worksheets:
        if ws.title == "_mapgen" or ws.title in own:
            source.skipped.append(f"sheet '{ws.title}': mapgen's own "
                                  + ("metadata" if ws.title == "_mapgen" else "sheet"))
            continue
        if ws.sheet_state != "visible":
            if ws.max_row > 1 or ws.max_column > 1:
                source.skipped.append(f"sheet '{ws.title}': hidden")
            continue
        grid = Grid(ws.title, f"sheet '{ws.title}'", [])
        saved = values[ws.title]
        n_rows, n_cols = min(ws.max_row, MAX_GRID_ROWS), min(ws.max_column, MAX_GRID_COLS)
        if ws.max_row > MAX_GRID_ROWS or ws.max_column > MAX_GRID_COLS:
            grid.truncated = (f"only the first {MAX_GRID_ROWS} rows and {MAX_GRID_COLS} columns "
                              "were looked at")
        lists = _validations(ws, values, source)
        for r in range(1, n_rows + 1):
            row: list[Cell | None] = []
            for c in range(1, n_cols + 1):
                cell = ws.cell(r, c)
                raw = cell.value
                formula = None
                if isinstance(raw, str) and raw.startswith("=") and cell.data_type == "f":
                    formula, raw = raw, saved.cell(r, c).value
                elif getattr(raw, "text", None) is not None and cell.data_type == "f":
                    formula, raw = str(raw.text), saved.cell(r, c).value
                dv = lists.get((r, c))
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    row.append(None if formula is None else Cell(None, f"{get_column_letter(c)}{r}",
                                                                 formula=formula))
                    continue
                font = cell.font
                row.append(Cell(raw, f"{get_column_letter(c)}{r}", formula=formula,
                                italic=bool(font and font.i), grey=_grey(font),
                                bold=bool(font and font.b),
                                number_format=cell.number_format or "General",
                                validation=dv[0] if dv else None, choices=dv[1] if dv else None))
            grid.rows.append(row)
        for c in range(1, n_cols + 1):
            dim = ws.column_dimensions.get(get_column_letter(c))
            if dim is not None and dim.width:
                grid.widths[c - 1] = float(dim.width)
        grid.validations = {(r - 1, c - 1): dv for (r, c), dv in lists.items()}
        source.grids.append(grid)
    return source


Validations = dict[tuple[int, int], tuple[str, tuple[str, ...] | None]]


def _own_sheets(wb: Any) -> set[str]:
    """In a workbook mapgen made (it has the metadata sheet): its Overview and Timeline."""
    if "_mapgen" not in wb.sheetnames:
        return set()
    from mapgen.core.i18n import texts_for
    from mapgen.formats.xlsx.writer import reserved_sheets

    return set(reserved_sheets(texts_for()))


def _full_workbooks(path: str | os.PathLike) -> tuple[Any, Any]:
    """openpyxl's full workbooks (formulas, and their saved results) from the checked bytes;
    a package openpyxl cannot load as it is goes through the reader's normalised one (which
    keeps sheets, texts and styles, not tables or comments)."""
    import io

    from mapgen.formats.xlsx.book import open_workbook
    from mapgen.formats.xlsx.safety import _openpyxl_loader, inspect

    data, _ = inspect(path)
    load = _openpyxl_loader()
    try:
        return (load(io.BytesIO(data), read_only=False, data_only=False),
                load(io.BytesIO(data), read_only=False, data_only=True))
    except Exception:
        return (open_workbook(path, read_only=False, data_only=False),
                open_workbook(path, read_only=False, data_only=True))


def _validations(ws: Any, values: Any, source: Source) -> Validations:
    """(row, column) -> (kind, list entries) for every cell a data validation covers (within
    the grid's bounds)."""
    out: Validations = {}
    for dv in ws.data_validations.dataValidation:
        kind = dv.type or "any"
        choices = _list_entries(dv.formula1, ws, values, source) if kind == "list" else None
        for rng in dv.sqref.ranges:
            r1, r2 = rng.min_row, min(rng.max_row, MAX_GRID_ROWS)
            c1, c2 = rng.min_col, min(rng.max_col, MAX_GRID_COLS)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    out[(r, c)] = (kind, choices)
    return out


def _list_entries(formula: str | None, ws: Any, values: Any, source: Source) -> tuple[str, ...] | None:
    """A list validation's entries: ``"a,b,c"``, a range (on this or another sheet), or a
    defined name for one."""
    from openpyxl.utils.cell import range_boundaries

    if not formula:
        return None
    text = formula.strip().lstrip("=")
    if text.startswith('"'):
        return tuple(p.strip() for p in text.strip('"').split(",") if p.strip())
    defined = values.defined_names.get(text) if hasattr(values.defined_names, "get") else None
    if defined is not None:
        text = defined.attr_text.lstrip("=")
    sheet_title, _, ref = text.rpartition("!")
    sheet_title = sheet_title.strip("'").replace("''", "'") or ws.title
    if sheet_title not in values.sheetnames:
        return None
    try:
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    except ValueError:
        return None
    target = values[sheet_title]
    entries = []
    for r in range(r1, min(r2, r1 + 500) + 1):
        for c in range(c1, min(c2, c1 + 20) + 1):
            v = target.cell(r, c).value
            if v is not None and str(v).strip():
                entries.append(str(v).strip())
    if sheet_title != ws.title:
        source.list_sheets.setdefault(sheet_title, ws.title)
    return tuple(dict.fromkeys(entries)) or None


def _grey(font: Any) -> bool:
    """A grey font colour (equal red, green and blue, neither black nor white)."""
    color = getattr(font, "color", None) if font is not None else None
    return _grey_hex(getattr(color, "rgb", None) if color is not None else None)


def _grey_hex(rgb: Any) -> bool:
    if not isinstance(rgb, str) or not re.fullmatch(r"[0-9A-Fa-f]{6,8}", rgb):
        return False
    r, g, b = (int(rgb[-6:][i:i + 2], 16) for i in (0, 2, 4))
    return r == g == b and 0x50 <= r <= 0xD8


def _calamine(path: str | os.PathLike, label: str) -> Source:
    from openpyxl.utils import get_column_letter

    from mapgen.formats.xlsx.book import open_book

    book = open_book(path)
    source = Source(label, "calamine", [])
    for ws in book.worksheets:
        if ws.title == "_mapgen" or ws.sheet_state != "visible":
            continue
        grid = Grid(ws.title, f"sheet '{ws.title}'", [])
        for r, row in enumerate(ws.iter_rows(max_col=MAX_GRID_COLS), start=1):
            if r > MAX_GRID_ROWS:
                grid.truncated = f"only the first {MAX_GRID_ROWS} rows were looked at"
                break
            grid.rows.append([
                None if c.value is None or (isinstance(c.value, str) and not c.value.strip())
                else Cell(c.value, f"{get_column_letter(i)}{r}") for i, c in enumerate(row, start=1)])
        source.grids.append(grid)
    book.close()
    source.skipped.append("formats, fonts and dropdown lists: a .ods/.xls file is read for its "
                          "values only (save it as .xlsx for those)")
    return source


# --------------------------------------------------------------------------- Word


def _word(path: str | os.PathLike, label: str) -> Source:
    """Tables with the heading and paragraphs before each, through the shared Word table
    reader (:mod:`mapgen.formats.docx.tables`); the texts under headings that head no table."""
    from mapgen.formats.docx.tables import read_document

    doc = read_document(path)
    source = Source(label, "docx", [])
    for table in doc.tables[:MAX_TABLES]:
        grid = _word_table(table)
        grid.texts = list(table.paragraphs)
        source.grids.append(grid)
    if len(doc.tables) > MAX_TABLES:
        source.skipped.append(f"tables after the first {MAX_TABLES}")
    before = {id(t): set(t.paragraphs) for t in doc.tables}
    used = set().union(*before.values()) if before else set()
    for n, (heading, paragraphs) in enumerate(doc.passages):
        if n == 0 and heading is not None and source.title is None:
            source.title = heading
            if not paragraphs:
                continue
        rest = [p for p in paragraphs if p not in used]
        source.texts.append((heading or "", rest))
    return source


def _word_table(table: Any) -> Grid:
    number = table.index + 1
    heading = table.heading or ""
    where = f"table {number}" + (f" (under '{heading}')" if heading else "")
    grid = Grid(heading or f"Table {number}", where, [], word=True)
    for r, row in enumerate(table.rows[:MAX_GRID_ROWS], start=1):
        cells: list[Cell | None] = []
        for c, cell in enumerate(row[:MAX_GRID_COLS], start=1):
            text = cell.text.strip()
            cells.append(None if cell.covered or not text else Cell(
                text, f"row {r}, column {c}", italic=cell.italic, bold=cell.bold,
                grey=_grey_hex(cell.color)))
        grid.rows.append(cells)
    if table.truncated or len(table.rows) > MAX_GRID_ROWS:
        grid.truncated = f"only the first {MAX_GRID_ROWS} rows were looked at"
    return grid
