"""A worksheet's cells written as text, byte for byte what openpyxl's own writer writes.

openpyxl writes each cell through lxml's incremental writer, element by element
(``openpyxl.cell._writer.lxml_write_cell``): for a workbook of a thousand rows that is most of
the time of ``wb.save``. :func:`save_workbook` saves a workbook as ``wb.save`` does, except that
the ``<sheetData>`` of each worksheet is formatted here as text and written straight into the
stream lxml writes to (flushed first), for the cells whose bytes are known:

- ``<row>``: ``r`` then the row dimension's attributes, as openpyxl lists them;
- ``<c>``: ``r``, ``s`` (the style id from ``wb._cell_styles``, found in the same order, which
  fixes the order of ``cellXfs``) and ``t`` (``inlineStr`` for text, none for a formula, the
  data type otherwise, ``n`` for a date), in that order; an empty cell as ``<c ...></c>``;
- text as ``<is><t>`` (``xml:space="preserve"`` when it has leading or trailing white space),
  a formula as ``<f>...</f><v></v>``, numbers as ``%.16g`` (none for NaN and infinity), a
  boolean as 1 or 0, a date as its Excel serial;
- lxml's escaping: ``&``, ``<``, ``>`` and carriage return as references, every character
  beyond ASCII as a decimal character reference (the stream has no encoding declared),
  quotes as they are.

Every other cell (rich text, a hyperlink, an error value, an array or data-table formula, a
text that XML cannot hold, a date with a time zone, other value types) is written by openpyxl's
own ``write_cell`` into the same stream, so its bytes are openpyxl's by construction. Comments
and hyperlinks are collected as openpyxl's ``write_row`` collects them. The rest of each sheet
is openpyxl's own writing; the sheet is kept in memory instead of a temporary file and added
to the zip as openpyxl adds its file (same member metadata, compressed in the same chunks).

Nothing in openpyxl is patched: the writer classes here are subclasses used only by
:func:`save_workbook`. Once a process, before the first use, a probe sheet of awkward cells is
written both ways; if any byte differs (another openpyxl or lxml), every sheet is written by
openpyxl's own writer. A pass is kept between runs for the same code
(:mod:`mapgen.formats.verdicts`). tests/test_writer_fast_paths.py compares the two writers
cell by cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import shutil
import stat
import time
import zipfile
from typing import Any

__all__ = ["save_workbook", "sheet_writer_class"]

# What lxml refuses in a text (openpyxl's ILLEGAL_CHARACTERS_RE refuses the first ranges itself).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r]")
_DATES = (dt.date, dt.datetime, dt.time, dt.timedelta)
_UNKNOWN = object()


def _text(value: str) -> str:
    """Text content as lxml escapes it (characters beyond ASCII are referenced at the end)."""
    if _SPECIAL.search(value) is None:
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(value: str) -> str:
    """An attribute value as lxml escapes it."""
    return (_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _row_attrs(dim: Any) -> str:
    """A row dimension's attributes as openpyxl lists them (``dict(dim)``), escaped."""
    return "".join(f' {k}="{_attr(v)}"' for k, v in dim)


def _number(value: int | float) -> str:
    """openpyxl's ``safe_string`` of an int or float."""
    if type(value) is float and not math.isfinite(value):
        return ""
    return "%.16g" % value  # noqa: UP031 (openpyxl's own spelling)


@functools.cache
def _writer_classes() -> tuple[type, type]:
    """(SheetWriter, BookWriter): made on first use, as openpyxl is imported only then."""
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet import _writer as sheet_writer
    from openpyxl.worksheet.dimensions import RowDimension
    from openpyxl.writer.excel import ExcelWriter

    class SheetWriter(sheet_writer.WorksheetWriter):
        """openpyxl's WorksheetWriter, its ``<sheetData>`` formatted as text (see the module).

        It writes into memory, not a temporary file (written, read back and removed)."""

        def __init__(self, ws: Any):
            super().__init__(ws, out=io.BytesIO())
            self._file = self.out

        def write_rows(self) -> None:
            xf = self.xf.send(True)
            with xf.element("sheetData"):
                xf.flush()
                self._write_cells(xf)
            self.xf.send(None)

        def _write_cells(self, xf: Any) -> None:
            ws = self.ws
            wb = ws.parent
            add_style = wb._cell_styles.add
            style_ids: dict[bytes, str] = {}
            epoch = wb.epoch
            iso_dates = wb.iso_dates
            dims = ws.row_dimensions
            comments = ws._comments
            letters: dict[int, str] = {}
            # data type -> value -> what follows the cell's r and s, for texts, dates and empty
            # cells (a table repeats them; no text or date equals a value of another type, and
            # a date equals no datetime, unlike 1 and 1.0 or True). No key tuple per cell: the
            # allocations would bring the garbage collector round more often.
            bodies: dict[str, dict[Any, str | None]] = {}
            plain = StyleArray().tobytes()  # an unstyled cell's style array
            out: list[str] = []
            put = out.append

            def flush() -> None:
                if out:
                    self._file.write("".join(out).encode("ascii", "xmlcharrefreplace"))
                    out.clear()

            # A plain row dimension's attributes by the values they come from (a table's rows
            # share a few heights); any other dimension lists its own.
            row_attrs: dict[tuple, str] = {}
            for row_idx, row in self.rows():
                dim = dims.get(row_idx)
                if dim is None:
                    attrs = ""
                elif type(dim) is RowDimension and dim._style is None:
                    key = (dim.hidden, dim.outlineLevel, dim.collapsed, dim.ht, dim.thickBot,
                           dim.thickTop)
                    attrs = row_attrs.get(key)
                    if attrs is None:
                        attrs = row_attrs[key] = _row_attrs(dim)
                else:
                    attrs = _row_attrs(dim)
                put(f'<row r="{row_idx}"{attrs}>')
                for cell in row:
                    comment = cell._comment
                    if comment is not None:
                        comments.append(CommentRecord.from_cell(cell))
                    value = cell._value
                    style = cell._style
                    # any(style), and the key its style id is found by
                    style_key = style.tobytes() if style is not None else plain
                    styled = style_key != plain if len(style_key) == len(plain) else any(style)
                    if value is None and not styled and not comment:
                        continue
                    kind = type(value)
                    if kind is str or value is None or kind in _DATES:
                        data_type = cell.data_type
                        known = bodies.get(data_type)
                        if known is None:
                            known = bodies[data_type] = {}
                        body = known.get(value, _UNKNOWN)
                        if body is _UNKNOWN:
                            body = known[value] = _cell_body(data_type, value, epoch, iso_dates,
                                                             to_excel)
                    else:
                        body = _cell_body(cell.data_type, value, epoch, iso_dates, to_excel)
                    if body is None or cell.hyperlink is not None:
                        flush()  # openpyxl's own writer, into the same stream
                        sheet_writer.write_cell(xf, ws, cell, styled)
                        xf.flush()
                        continue
                    column = cell.column
                    letter = letters.get(column)
                    if letter is None:
                        letter = letters[column] = get_column_letter(column)
                    if styled:  # the style's ` s="id"`, found by its key
                        sid = style_ids.get(style_key)
                        if sid is None:
                            sid = style_ids[style_key] = f' s="{add_style(style)}"'
                    else:
                        sid = ""
                    put(f'<c r="{letter}{cell.row}"{sid}{body}')
                put("</row>")
            flush()

        def cleanup(self) -> None:
            self.close()

    class BookWriter(ExcelWriter):
        """openpyxl's ExcelWriter, its worksheets written by :class:`SheetWriter`."""

        def write_worksheet(self, ws: Any) -> None:
            if self.workbook.write_only:
                return super().write_worksheet(ws)
            # ExcelWriter.write_worksheet with the writer class swapped.
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = SheetWriter(ws)
            writer.write()
            ws._rels = writer._rels
            _add_member(self._archive, ws.path[1:], writer.out.getvalue())
            self.manifest.append(ws)
            writer.cleanup()

    return SheetWriter, BookWriter


def _add_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """``archive.write(path, name)`` of a temporary file holding ``data``, as openpyxl adds a
    sheet, without the file: the same member (its metadata as ``ZipInfo.from_file`` makes it
    for a file that ``mkstemp`` made, the data compressed in the same chunks)."""
    info = zipfile.ZipInfo(name, time.localtime(time.time())[:6])
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    info.file_size = len(data)
    info.compress_type = archive.compression
    info._compresslevel = archive.compresslevel
    with archive.open(info, "w") as dest:
        shutil.copyfileobj(io.BytesIO(data), dest, 1024 * 8)


def _cell_body(data_type: str, value: Any, epoch: Any, iso_dates: bool, to_excel: Any) -> str | None:
    """What follows ``<c r="..." s="..."`` for a cell: its ``t`` and content, or None when
    openpyxl's own writer is to write the cell."""
    if data_type == "s":
        if value is None or value == "":
            return ' t="inlineStr"></c>'
        if type(value) is not str or _NOT_XML.search(value):
            return None
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if data_type == "n":
        if value is None or value == "":
            return ' t="n"></c>'
        if type(value) is int or type(value) is float:
            return f' t="n"><v>{_number(value)}</v></c>'
        return None
    if data_type == "f":
        if value is None or value == "":
            return "></c>"
        if type(value) is not str or _NOT_XML.search(value):
            return None
        return f"><f>{_text(value[1:])}</f><v></v></c>"
    if data_type == "b":
        if value is None or value == "":
            return ' t="b"></c>'
        if type(value) is bool:
            return f' t="b"><v>{1 if value else 0}</v></c>'
        return None
    if data_type == "d":
        if iso_dates or type(value) not in _DATES or getattr(value, "tzinfo", None) is not None:
            return None
        serial = to_excel(value, epoch)
        if type(serial) is not int and type(serial) is not float:
            return None
        return f' t="n"><v>{_number(serial)}</v></c>'
    return None


# The code the probe's verdict depends on (mapgen.formats.verdicts keeps a pass between runs).
PROBED = ("openpyxl", "lxml.etree", "openpyxl.cell._writer", "openpyxl.comments.comment_sheet",
          "openpyxl.utils.datetime", "openpyxl.worksheet._writer", "openpyxl.writer.excel",
          "mapgen.formats.xlsx.sheetxml")


@functools.cache
def _classes() -> tuple[type, type] | None:
    """The writer classes, or None when they do not write what openpyxl writes here: making
    them and the probe both run inside the ``try``, so that a class or attribute moved in
    another openpyxl or lxml turns the shortcut off instead of failing every save."""
    try:
        import openpyxl

        if not openpyxl.LXML:
            return None
        classes = _writer_classes()
        from mapgen.formats import verdicts

        if verdicts.passed("xlsx-sheet-xml", PROBED):
            return classes
        if not _probe_matches(classes[0]):
            return None
        verdicts.record_pass("xlsx-sheet-xml", PROBED)
        return classes
    except Exception:
        return None


def _probe_sheet() -> Any:
    """A sheet of awkward cells: what the writer formats itself, and what it leaves to openpyxl."""
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment
    from openpyxl.styles import Border, Font, Side

    wb = Workbook()
    ws = wb.active
    values = ["plain", " lead", "trail\n", "a&b<c>d\"e'f", "tab\tcr\rlf\n",
              "Ma\u00dfnahme \u00e9\u4e2d\U0001f600", "\u00a0nbsp", "\u2028",
              "=SUM(A1:A2)&\"<\"", "=", 0, -1, 10**20, 2**53 + 1, 1.5, 0.1, 1e-7,
              float("nan"), float("inf"), True, False, dt.date(2027, 1, 4), dt.datetime(1900, 2, 1, 12),
              dt.time(6, 30), dt.timedelta(days=1.5), "", None,
              CellRichText(TextBlock(InlineFont(b=True), "bold "), "plain")]
    for i, value in enumerate(values, start=1):
        cell = ws.cell(i, 1 + i % 3)
        cell.value = value
        if i % 2:
            cell.font = Font(bold=bool(i % 4))
    ws.cell(2, 5).hyperlink = "https://example.com/?a=1&b=2"
    ws.cell(3, 6).comment = Comment("note", "me")
    ws.cell(4, 7).value = "#N/A"
    ws.cell(5, 8).font = Font(italic=True)  # styled, no value
    ws.row_dimensions[6].height = 20
    ws.row_dimensions[40].height = 30  # a row with a height and no cells
    side = Side(style="thin")
    ws.cell(30, 2).border = Border(left=side, right=side, top=side, bottom=side)
    ws.merge_cells("B30:D31")  # merged cells with borders
    return ws


def _probe_matches(sheet_writer: type) -> bool:
    from openpyxl.worksheet._writer import WorksheetWriter

    outputs = []
    for cls in (WorksheetWriter, sheet_writer):
        ws = _probe_sheet()
        writer = cls(ws, out=io.BytesIO()) if cls is WorksheetWriter else cls(ws)
        writer.write()
        outputs.append((writer.read(), len(ws._comments), len(ws._hyperlinks),
                        list(ws.parent._cell_styles)))
    return outputs[0] == outputs[1]


def sheet_writer_class() -> type | None:
    """:class:`SheetWriter`, or None when openpyxl's own writer is to be used."""
    classes = _classes()
    return classes[0] if classes else None


def save_workbook(wb: Any, path: Any) -> None:
    """``wb.save(path)``, the worksheets' cells formatted by :class:`SheetWriter` (same bytes)."""
    classes = _classes()
    if classes is None or wb.read_only or wb.write_only:
        wb.save(path)
        return
    # openpyxl.writer.excel.save_workbook with the writer class swapped.
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    classes[1](wb, archive).save()
