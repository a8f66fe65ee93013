"""The writers' fast paths write byte for byte what the plain openpyxl and python-docx calls write.

Each fast path (styles found once a workbook or document, borders derived once, elements made
with names parsed once, row templates built once, worksheet cells formatted as text) is swapped
for the plain library call, and every part of the two files is compared (docProps/core.xml
aside: it holds the time). The worksheet cell writer is also compared with openpyxl's own, cell
kind by cell kind and on random sheets.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mapgen

FIXTURES = Path(__file__).parent / "fixtures"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def same_files(a: Path, b: Path) -> None:
    pa, pb = parts(a), parts(b)
    assert list(pa) == list(pb)
    assert [n for n in pa if pa[n] != pb[n]] == []


CASES = [("saas", "deal.yaml", {}), ("saas", "deal.yaml", {"audience": "buyer", "protect": True}),
         ("map-fr", "review.yaml", {}), ("map", None, {"protect": True})]


@pytest.mark.parametrize(("name", "fixture", "kw"), CASES)
def test_xlsx_fast_paths_write_what_openpyxl_writes(tmp_path, monkeypatch, name, fixture, kw):
    from mapgen.formats.xlsx import shortcuts as writer

    bp = mapgen.load_blueprint(name)
    plan = mapgen.load_plan(FIXTURES / fixture, bp) if fixture else None
    fast = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "fast", **kw)[0]

    def plain_style(cell, style):
        cell.style = style

    def plain_merge(ws, **where):
        ws.merge_cells(**where)

    monkeypatch.setattr(writer, "apply_style", plain_style)
    monkeypatch.setattr(writer, "merge", plain_merge)
    monkeypatch.setattr(writer, "save_workbook", lambda wb, path: wb.save(path))
    def plain_cell(ws, row, column, style=None):
        cell = ws.cell(row, column)
        if style is not None:
            cell.style = style
        return cell

    monkeypatch.setattr(writer, "cell_at", plain_cell)
    monkeypatch.setattr(writer, "bind", lambda cell, value: setattr(cell, "value", value))
    plain = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "plain", **kw)[0]
    same_files(fast, plain)
    same_members(fast, plain)


def same_members(a: Path, b: Path) -> None:
    """The zip members' metadata too (the time aside): how each is stored and compressed."""
    def infos(path):
        with zipfile.ZipFile(path) as zf:
            return [(i.filename, i.compress_type, i.external_attr, i.create_system, i.flag_bits,
                     i.extract_version, i.file_size, i.compress_size, i.CRC)
                    for i in zf.infolist() if i.filename != "docProps/core.xml"]

    assert infos(a) == infos(b)


@pytest.mark.parametrize(("name", "fixture", "kw"), CASES)
def test_docx_fast_paths_write_what_python_docx_writes(tmp_path, monkeypatch, name, fixture, kw):
    from mapgen.formats.docx import ooxml, writer

    bp = mapgen.load_blueprint(name)
    plan = mapgen.load_plan(FIXTURES / fixture, bp) if fixture else None
    fast = mapgen.generate(bp, plan=plan, formats=["docx"], out_dir=tmp_path / "fast", **kw)[0]

    def plain_styled(self, text, style):
        return self.doc.add_paragraph(text, style=style)

    def plain_style_id(self, name, kind):
        return self.doc.part.get_style_id(name, kind)

    monkeypatch.setattr(ooxml, "el", ooxml.plain_el)
    monkeypatch.setattr(ooxml, "_TEMPLATES_MAX", 0)  # every row template built afresh
    monkeypatch.setattr(writer._DocxWriter, "_styled", plain_styled)
    monkeypatch.setattr(writer._DocxWriter, "_style_id", plain_style_id)
    plain = mapgen.generate(bp, plan=plan, formats=["docx"], out_dir=tmp_path / "plain", **kw)[0]
    same_files(fast, plain)


# --------------------------------------------------------------------------- worksheet cells


def sheet_xml(build, writer_class) -> tuple:
    """A fresh sheet made by ``build`` written by ``writer_class``: its bytes, or the error it
    raised, and what writing leaves on the sheet and workbook (comments, links, cell styles)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    build(ws)
    writer = writer_class(ws)
    try:
        writer.write()
        data: object = writer.read()
    except Exception as exc:
        data = type(exc)
    finally:
        writer.close()
        writer.cleanup()  # openpyxl's removes its temporary file
    return (data, len(ws._comments), [h.target for h in ws._hyperlinks], list(wb._cell_styles))


def same_sheet_xml(build) -> bytes:
    from openpyxl.worksheet._writer import WorksheetWriter

    from mapgen.formats.xlsx.sheetxml import sheet_writer_class

    fast = sheet_writer_class()
    assert fast is not None, "the installed openpyxl and lxml should take the fast writer"
    plain = sheet_xml(build, WorksheetWriter)
    assert sheet_xml(build, fast) == plain
    return plain[0]


NASTY = ["plain", " lead", "trail ", "\n", "a&b<c>d\"e'f;&amp;", "tab\tcr\rlf\n", "\r\n",
         "Maßnahme é 中文 😀", "\u00a0", "\u2028x", "\x85", "\ufeffbom", "]]>", "x" * 5000,
         "#N/A", "#DIV/0!", "=", "==", "=SUM(A1:A2)&\"<>\"", "=1+\r1", "'quoted", "\U0010ffff"]
NUMBERS = [0, -1, 1, 10**15, 10**16 + 1, 2**63, -(10**20), 1.5, 0.1, -0.0, 1e-300, 1e300, 123456789.123456789,
           float("nan"), float("inf"), float("-inf"), True, False]
DATES = [dt.date(2027, 1, 4), dt.date(1900, 1, 1), dt.date(1900, 3, 1), dt.date(9999, 12, 31),
         dt.datetime(1900, 2, 28, 23, 59, 59, 999999), dt.datetime(2027, 6, 1, 12, 30), dt.time(6, 30, 15),
         dt.time(0), dt.timedelta(days=1.5), dt.timedelta(seconds=-3)]


@pytest.mark.parametrize("values", [NASTY, NUMBERS, DATES], ids=["text", "numbers", "dates"])
def test_cells_of_each_kind_as_openpyxl_writes_them(values):
    from openpyxl.styles import Font

    def build(ws):
        for i, value in enumerate(values, start=1):
            for col, styled in ((1, False), (2, True)):
                cell = ws.cell(i, col, value)
                if styled:
                    cell.font = Font(bold=True, size=8 + i % 5)
            if isinstance(value, str):  # as text, never a formula or an error (as put writes it)
                ws.cell(i, 3, value).data_type = "s"

    xml = same_sheet_xml(build)
    assert b"<c " in xml


def test_other_cells_as_openpyxl_writes_them():
    """Rich text, links, comments, errors, array formulas, styled empty and merged cells, row
    heights: what the fast writer formats and what it leaves to openpyxl, in one sheet."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.formula import ArrayFormula

    def build(ws):
        ws["B2"] = CellRichText(TextBlock(InlineFont(b=True, rFont="Calibri"), "Bold: "), " plain & <x>")
        ws["B3"] = "link"
        ws["B3"].hyperlink = "https://example.com/?a=1&b=2"
        ws["B4"] = "noted"
        ws["B4"].comment = Comment("a note", "me")
        ws["C4"].comment = Comment("on an empty cell", "me")
        ws["B5"] = "#REF!"
        ws["B6"] = ArrayFormula("B6:B7", "=SUM(A1:A2)")
        ws["B8"].fill = PatternFill("solid", start_color="FF0000")  # styled, no value
        ws["B9"] = 5
        ws["B9"].alignment = Alignment(wrap_text=True)
        ws["B9"].quotePrefix = True
        ws["B10"] = "x"
        ws["B10"].data_type = "e"
        side = Side(style="thin", color="D9D9D9")
        ws["B12"] = "merged"
        ws["B12"].border = Border(left=side, right=side, top=side, bottom=side)
        ws.merge_cells("B12:E14")
        ws.row_dimensions[2].height = 31.5
        ws.row_dimensions[20].height = 8  # a row with no cells
        ws.row_dimensions[21].hidden = True
        ws.row_dimensions[22].font = Font(italic=True)  # a styled row
        ws.cell(22, 2, "styled row")
        ws.cell(1048576, 16384, "last cell")

    xml = same_sheet_xml(build)
    assert b"<r><rPr>" in xml and b"<mergeCells" in xml


def test_bad_text_fails_as_in_openpyxl():
    """Text that XML cannot hold (set past openpyxl's own check) is openpyxl's to refuse."""
    def build(ws):
        ws["A1"] = "ok"
        cell = ws["A2"]
        cell._value, cell.data_type = "lone \ud800 surrogate", "s"

    from openpyxl.worksheet._writer import WorksheetWriter

    from mapgen.formats.xlsx.sheetxml import sheet_writer_class

    plain = sheet_xml(build, WorksheetWriter)
    assert isinstance(plain[0], type) and issubclass(plain[0], Exception)
    assert sheet_xml(build, sheet_writer_class()) == plain


CELL_VALUES = st.one_of(
    st.none(),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-1000), max_value=dt.timedelta(days=1000)),
    st.sampled_from([*NASTY, "=A1", '=IF(A1<>"",1,0)', "#NUM!", "#NULL!"]),
)
CELLS = st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), CELL_VALUES,
                           st.sampled_from(["", "bold", "fill", "text"])), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=CELLS, heights=st.dictionaries(st.integers(1, 45), st.floats(1, 400), max_size=5))
def test_random_sheets_as_openpyxl_writes_them(cells, heights):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font, PatternFill

    def build(ws):
        for row, col, value, how in cells:
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if isinstance(value, float) and math.isnan(value) and how == "text":
                how = ""
            cell = ws.cell(row, col, value)
            if how == "bold":
                cell.font = Font(bold=True)
            elif how == "fill":
                cell.fill = PatternFill("solid", start_color="FFC7CE")
            elif how == "text" and isinstance(value, str):
                cell.data_type = "s"
        for row, height in heights.items():
            ws.row_dimensions[row].height = height

    same_sheet_xml(build)
