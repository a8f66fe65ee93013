"""openpyxl's read-only sheet and cell parser, with two shortcuts, guarded at run time.

- The sheet (:func:`sheet_class`) skips openpyxl's size probe, which parses a whole sheet whose
  ``<dimension>`` is missing (the reader reads what is there anyway: no recorded size), and
  walks the rows itself.
- The parser (:func:`parser_class`) reads plain inline text straight from its ``<t>`` elements:
  openpyxl writes every text cell as an inline string, and its parser builds a rich-text object
  for each one just to join its runs (about a third of the time of reading a workbook it wrote).
  A cell whose ``<is>`` holds one ``<t>``, or runs each with one ``<t>`` (phonetic hints
  skipped, as openpyxl skips them), gives the same text directly; anything else (a formula,
  another shape) goes to openpyxl's own parser.

Both subclass openpyxl's private classes, which a new release may change. Once a process, before
the first sheet, a probe sheet is read both ways; any exception or difference turns the
shortcuts off and openpyxl's own classes read every sheet. A shortcut that raises while a sheet
is read turns them off too, and openpyxl's own walk goes on from the row where it stopped (the
same rows by construction); when openpyxl's walk fails there as well, the file is at fault and
the shortcuts stay on. :func:`off_reason` says why they are off. tests/test_reader_fast_paths.py
compares the shortcuts with openpyxl's classes; tests/test_shortcut_guards.py breaks them.
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["off_reason", "parser_class", "sheet_class", "turn_off", "turn_on"]

_OFF: list[str] = []  # why the shortcuts are off (empty: they are on)
_CLASSES: dict[str, Any] = {}  # "sheet", "parser": the shortcut classes, once made and probed


def off_reason() -> str | None:
    """Why the reader's shortcuts are off, or None while they are on."""
    return _OFF[0] if _OFF else None


def turn_off(reason: str) -> None:
    _OFF[:] = [reason]


def turn_on() -> None:
    _OFF.clear()


def sheet_class() -> Any:
    """The read-only sheet class to use: mapgen's, or openpyxl's own when the shortcuts are off."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    _checked()
    return ReadOnlyWorksheet if _OFF else _CLASSES["sheet"]


def parser_class() -> Any:
    """The sheet parser class to use: mapgen's, or openpyxl's own when the shortcuts are off."""
    from openpyxl.worksheet._reader import WorkSheetParser

    _checked()
    return WorkSheetParser if _OFF else _CLASSES["parser"]


def _checked() -> None:
    """Make the shortcut classes and probe them, once a process; any exception or difference
    turns them off."""
    if _CLASSES or _OFF:
        return
    try:
        _CLASSES["parser"] = _make_parser_class()
        _CLASSES["sheet"] = _make_sheet_class(_CLASSES["parser"])
        same = _probe(_CLASSES["sheet"]) == _probe(None)
    except Exception as exc:  # a class or attribute moved in another openpyxl, ...
        _CLASSES.clear()
        turn_off(f"the probe failed: {type(exc).__name__}: {exc}")
        return
    if not same:
        turn_off("the probe came out other than with openpyxl's own classes")


# --------------------------------------------------------------------------- the shortcuts


def _make_sheet_class(parser_class: type) -> type:
    from openpyxl.cell.read_only import EMPTY_CELL, ReadOnlyCell
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class _Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            self._max_column = self._max_row = None

        def _cells_by_row(self, min_col, min_row, max_col, max_row, values_only=False):
            """The shortcut's rows; should it raise, openpyxl's own from where it stopped (and
            openpyxl's own from the start once the shortcuts are off)."""
            plain = ReadOnlyWorksheet._cells_by_row(self, min_col, min_row, max_col, max_row,
                                                    values_only)
            if _OFF:
                yield from plain
                return
            given = 0
            try:
                for row in self._rows(min_col, min_row, max_col, max_row, values_only):
                    yield row
                    given += 1
            except Exception as exc:
                was_on = not _OFF
                turn_off(f"reading a sheet failed: {type(exc).__name__}: {exc}")
                try:
                    for _ in range(given):
                        next(plain)
                    yield from plain
                except Exception:
                    if was_on:
                        turn_on()  # openpyxl fails too: the file is at fault
                    raise

        def _rows(self, min_col, min_row, max_col, max_row, values_only=False):
            """Rows from ``min_row`` to the sheet's last (or ``max_row``, where a later row
            exists) as tuples of cells (or values) from ``min_col`` to ``max_col`` (to the
            row's last, without one); a row missing from the part is an empty tuple."""
            filler = None if values_only else EMPTY_CELL
            empty = (filler,) * (max_col + 1 - min_col) if max_col else ()
            expected = min_row
            with self._get_source() as src:
                parser = parser_class(src, self._shared_strings, data_only=self.parent.data_only,
                                      epoch=self.parent.epoch,
                                      date_formats=self.parent._date_formats,
                                      timedelta_formats=self.parent._timedelta_formats)
                for number, cells in parser.parse():
                    if max_row is not None and number > max_row:
                        while expected <= max_row:  # empty rows up to a later one
                            expected += 1
                            yield empty
                        return
                    if number < expected:
                        continue  # above min_row, or a row number given twice
                    while expected < number:
                        expected += 1
                        yield empty
                    expected += 1
                    if not cells and not max_col:
                        yield ()
                        continue
                    last = max_col or cells[-1]["column"]
                    row = [filler] * (last + 1 - min_col)
                    for cell in cells:
                        if min_col <= cell["column"] <= last:
                            row[cell["column"] - min_col] = (
                                cell["value"] if values_only else ReadOnlyCell(self, **cell))
                    yield tuple(row)

    return _Sheet


def _make_parser_class() -> type:
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    ns = f"{{{SHEET_MAIN_NS}}}"
    inline, formula, text, run = f"{ns}is", f"{ns}f", f"{ns}t", f"{ns}r"
    skipped = (f"{ns}rPh", f"{ns}phoneticPr")

    def inline_text(node: Any) -> str | None:
        parts: list[str] = []
        plain = 0
        for child in node:
            if child.tag == text:
                plain += 1
                if plain > 1:
                    return None
                parts.insert(0, child.text or "")  # openpyxl puts the plain text first
            elif child.tag == run:
                t = [c for c in child if c.tag == text]
                if len(t) > 1:
                    return None
                if t:
                    parts.append(t[0].text or "")
            elif child.tag not in skipped:
                return None
        return "".join(parts)

    class _Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            if _OFF or element.get("t") != "inlineStr" or self.rich_text or (
                    not self.data_only and element.find(formula) is not None):
                return super().parse_cell(element)
            try:
                cell = self._inline_cell(element)
            except Exception as exc:  # nothing changed yet: openpyxl's parser takes the cell
                turn_off(f"parsing a cell failed: {type(exc).__name__}: {exc}")
                cell = None
            return super().parse_cell(element) if cell is None else cell

        def _inline_cell(self, element: Any) -> dict[str, Any] | None:
            node = element.find(inline)
            value = inline_text(node) if node is not None else None
            if value is None:
                return None
            style_id = element.get("s", 0)
            if style_id:
                style_id = int(style_id)
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
            else:
                row, column = self.row_counter, self.col_counter + 1
            self.col_counter = column  # the parser's own state, changed last
            return {"row": row, "column": column, "value": value, "data_type": "s",
                    "style_id": style_id}

    return _Parser


# --------------------------------------------------------------------------- the probe

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PROBE = (
    f'<worksheet xmlns="{_NS}"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Kick-off</t></is></c>'
    '<c r="C1" s="2" t="inlineStr"><is><t xml:space="preserve"> two &amp; &lt;x&gt; </t></is></c>'
    '<c r="D1"><v>3.5</v></c><c r="E1" t="b"><v>1</v></c></row>'
    '<row r="3"><c r="B3" t="inlineStr"><is><r><t>Go</t></r><r><rPr><b/></rPr><t>-live</t></r></is></c>'
    '<c r="C3" t="inlineStr"><is><t>one</t><t>two</t></is></c>'
    '<c r="D3" t="inlineStr"><f>1+1</f><is><t>2</t></is></c><c r="E3" t="e"><v>#N/A</v></c></row>'
    '<row><c t="inlineStr"><is><t>no</t></is></c><c t="inlineStr"><is><t>coordinates</t></is></c></row>'
    '<row r="7"/><row r="8"><c r="A8" s="1"><v>46000</v></c><c r="B8" t="s"><v>0</v></c></row>'
    '</sheetData></worksheet>').encode()


class _ProbeParent:
    """What a read-only sheet asks of its workbook, for the probe sheet."""

    data_only = False
    _date_formats = frozenset({1})
    _timedelta_formats: frozenset[int] = frozenset()

    def __init__(self) -> None:
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

        self.epoch = CALENDAR_WINDOWS_1900
        self._archive = self

    def open(self, name: str) -> io.BytesIO:
        return io.BytesIO(_PROBE)


def _probe(sheet: type | None) -> list:
    """The probe sheet's rows in a few windows, as cells and as values, read by ``sheet`` (None:
    openpyxl's own read-only sheet, its size reset as the reader resets it)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    out = []
    for data_only in (False, True):
        parent = _ProbeParent()
        parent.data_only = data_only
        ws = (sheet or ReadOnlyWorksheet)(parent, "probe", "probe.xml", ["shared"])
        ws.reset_dimensions()
        for window in ({}, {"min_row": 2}, {"max_row": 9}, {"min_col": 2, "max_col": 4}):
            out.append([[(c.value, c.data_type, getattr(c, "_style_id", None)) for c in row]
                        for row in ws.iter_rows(**window)])
            out.append([tuple(row) for row in ws.iter_rows(**window, values_only=True)])
    return out
