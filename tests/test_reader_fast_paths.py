"""The reader's sheet parsing gives exactly what openpyxl's own read-only parsing gives.

mapgen reads plain inline text straight from its ``<t>`` elements and walks rows itself
(:mod:`mapgen.formats.xlsx.read_shortcuts`: ``parser_class``, ``sheet_class``); every cell
dictionary and every row must be the one openpyxl makes, for workbooks openpyxl writes and
for inline-string shapes other programs write.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._reader import WorkSheetParser

from mapgen.formats.xlsx.book import open_book
from mapgen.formats.xlsx.read_shortcuts import parser_class as _parser_class

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(cells: str) -> bytes:
    return (f'<worksheet xmlns="{NS}"><sheetData>{cells}</sheetData></worksheet>').encode()


def parsed(parser_class, xml: bytes, **kw) -> list:
    return list(parser_class(io.BytesIO(xml), ["shared"], **kw).parse())


def same_parse(xml: bytes) -> None:
    for data_only in (False, True):
        assert parsed(_parser_class(), xml, data_only=data_only) == \
            parsed(WorkSheetParser, xml, data_only=data_only)


SHAPES = {
    "plain": '<c r="A1" t="inlineStr"><is><t>Kick-off</t></is></c>',
    "spaces kept": '<c r="B2" t="inlineStr"><is><t xml:space="preserve">  two  </t></is></c>',
    "empty t": '<c r="A1" t="inlineStr"><is><t/></is></c>',
    "empty is": '<c r="A1" t="inlineStr"><is/></c>',
    "no is": '<c r="A1" t="inlineStr"/>',
    "runs": '<c r="A1" t="inlineStr"><is><r><t>Go</t></r><r><rPr><b/></rPr><t>-live</t></r></is></c>',
    "plain and runs": '<c r="A1" t="inlineStr"><is><r><t>b</t></r><t>a</t></is></c>',
    "phonetic": '<c r="A1" t="inlineStr"><is><t>東京</t><rPh sb="0" eb="2"><t>とうきょう</t></rPh>'
                '<phoneticPr fontId="1"/></is></c>',
    "run without t": '<c r="A1" t="inlineStr"><is><r><rPr><b/></rPr></r><t>x</t></is></c>',
    "two t": '<c r="A1" t="inlineStr"><is><t>one</t><t>two</t></is></c>',
    "run with two t": '<c r="A1" t="inlineStr"><is><r><t>one</t><t>two</t></r></is></c>',
    "unknown child": '<c r="A1" t="inlineStr"><is><x>?</x><t>y</t></is></c>',
    "formula": '<c r="A1" t="inlineStr"><f>1+1</f><is><t>2</t></is></c>',
    "style": '<c r="A1" s="3" t="inlineStr"><is><t>styled</t></is></c>',
    "no coordinates": '<c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c>',
    "escapes": '<c r="A1" t="inlineStr"><is><t>_x000D_ &amp; &lt;x&gt; _x005F_x000D_</t></is></c>',
    "numbers beside": '<c r="A1"><v>3</v></c><c r="B1" t="inlineStr"><is><t>t</t></is></c>'
                      '<c r="C1" t="s"><v>0</v></c><c r="D1" t="b"><v>1</v></c>',
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_inline_text_shapes_parse_as_openpyxl_parses_them(shape):
    cells = SHAPES[shape]
    row = "<row>" if "no coordinates" in shape else '<row r="1">'
    same_parse(sheet_xml(f"{row}{cells}</row>"))


def test_the_direct_path_is_taken_for_plain_text(monkeypatch):
    """The shortcut is used (so the comparisons above compare two different paths)."""
    calls = []
    original = WorkSheetParser.parse_cell
    monkeypatch.setattr(WorkSheetParser, "parse_cell", lambda self, el: calls.append(1) or original(self, el))
    rows = parsed(_parser_class(), sheet_xml('<row r="1">' + SHAPES["plain"] + SHAPES["two t"] + "</row>"))
    assert rows[0][1][0]["value"] == "Kick-off" and calls == [1]  # only "two t" went to openpyxl


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"), max_size=30)
values = st.one_of(texts, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                   st.booleans(), st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
                   texts.map(lambda t: "=LEN(\"" + t.replace('"', "") + "\")"))


def openpyxl_bytes(rows: list[list], rich: bool) -> bytes:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            try:
                if rich and isinstance(value, str) and value and not value.startswith("="):
                    half = len(value) // 2
                    value = CellRichText([value[:half], TextBlock(InlineFont(b=True), value[half:])]) \
                        if half else CellRichText([value])
                ws.cell(r, 2 * c - 1 + r % 2, value)  # gaps between cells and rows
            except IllegalCharacterError:
                ws.cell(r, c, "illegal")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(values, max_size=6), max_size=8), st.booleans())
def test_sheets_openpyxl_writes_parse_the_same(rows, rich):
    data = openpyxl_bytes(rows, rich)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        same_parse(zf.read("xl/worksheets/sheet1.xml"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(values, max_size=5), max_size=6),
       st.sampled_from([{}, {"min_row": 2}, {"max_row": 3}, {"max_col": 2}, {"min_col": 2, "max_col": 4},
                        {"min_row": 2, "max_row": 9, "max_col": 7}]),
       st.booleans())
def test_rows_come_as_openpyxl_gives_them(tmp_path_factory, rows, window, values_only):
    """The sheet's own row walk: gaps, windows and values, as openpyxl's read-only sheet."""
    path = tmp_path_factory.mktemp("rows") / "rows.xlsx"
    path.write_bytes(openpyxl_bytes(rows, rich=False))
    wb = load_workbook(path, read_only=True)
    theirs = wb.active
    theirs.reset_dimensions()  # as mapgen reads: what is there, not the recorded size
    want = list(theirs.iter_rows(**window, values_only=values_only))
    wb.close()
    mine = open_book(path).worksheets[0]._rows  # mapgen's subclass of openpyxl's read-only sheet
    got = list(mine.iter_rows(**window, values_only=values_only))
    if values_only:  # (openpyxl gives a missing row as a list, mapgen as a tuple)
        assert [tuple(r) for r in got] == [tuple(r) for r in want]
    else:
        assert [[(c.value, c.data_type) for c in r] for r in got] == \
            [[(c.value, c.data_type) for c in r] for r in want]


@pytest.mark.parametrize("pad", [0, (1 << 20) - 60, (1 << 20) - 5, 3 << 20])
def test_links_after_many_rows_are_found_without_holding_the_sheet(tmp_path, pad):
    """The sheet part is read in 1 MB chunks up to its hyperlinks: links are found wherever
    the chunk boundary falls (inside the word "hyperlink" too), with a namespace prefix."""
    from mapgen.formats.xlsx.notes import read_cell_notes

    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    filler = "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>" + "a" * pad + \
        "</x:t></x:is></x:c></x:row>"
    sheet = (f'<x:worksheet xmlns:x="{NS}" xmlns:r="{rel}"><x:sheetData>{filler}</x:sheetData>'
             '<x:hyperlinks><x:hyperlink ref="B7" r:id="rId1"/>'
             '<x:hyperlink ref="C2" location="\'Plan\'!A1"/></x:hyperlinks></x:worksheet>')
    path = tmp_path / "links.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{NS}" xmlns:r="{rel}"><sheets>'
                    '<sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                    "</Relationships>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        zf.writestr("xl/worksheets/_rels/sheet1.xml.rels",
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{rel}/hyperlink" Target="https://example.com/x" '
                    'TargetMode="External"/></Relationships>')
    notes = read_cell_notes(path)["Plan"]
    assert notes[(7, 2)].link == "https://example.com/x"
    assert notes[(2, 3)].link == "#'Plan'!A1"
