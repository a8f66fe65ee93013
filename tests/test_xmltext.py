"""One cleaner of the characters that XML cannot hold, used by the Word and the Excel writer."""

from openpyxl import Workbook, load_workbook

import mapgen.formats.docx.ooxml as ox
import mapgen.formats.xlsx.cells as xw
from mapgen.core.xmltext import xml_text


def test_xml_text_keeps_line_breaks_and_drops_what_xml_cannot_hold():
    assert xml_text("a\r\nb\rc\x0bd") == "a\nb\nc\nd"
    assert xml_text("bell\x07 tab\t nul\x00 \ud800x\ufffe\uffff") == "bell tab\t nul x"
    assert xml_text(42) == "42"


def test_both_writers_use_it():
    assert ox.xml_text is xml_text and xw.xml_text is xml_text


def test_a_workbook_cell_takes_any_text(tmp_path):
    wb = Workbook()
    cell = wb.active["A1"]
    xw.put(cell, "Excel\x0bline break, bad \ud800 surrogate\x07")
    wb.save(tmp_path / "t.xlsx")
    assert load_workbook(tmp_path / "t.xlsx").active["A1"].value == "Excel\nline break, bad  surrogate"
