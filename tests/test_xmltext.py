"""One cleaner of the characters that XML cannot hold, used by the Word and the Excel writer."""

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import mapgen.formats.docx.ooxml as ox
import mapgen.formats.xlsx.cells as xw
from mapgen.core.xmltext import xml_attribute, xml_escape, xml_text


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


@given(st.text(alphabet=st.sampled_from("ab &<>\"'\n\r\t;#\u00e9")))
def test_the_escapes_write_what_xml_sax_writes(text):
    from xml.sax.saxutils import escape, quoteattr

    assert xml_escape(text) == escape(text)
    assert xml_attribute(text) == quoteattr(text)
