"""The reusable table reader: tables of Word documents and OpenDocument text with their context."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import soffice_convert
from docx import Document
from docx.oxml import parse_xml

from mapgen.core.errors import UnusableInput
from mapgen.formats.docx.tables import read_document
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    [path] = generate(load_blueprint("map"), formats=["docx"], out_dir=out, force=True, stem="blank")
    return path


def test_handout_tables_with_headings_paragraphs_and_formatting(handout):
    doc = read_document(handout)
    assert doc.kind == "docx"
    cover, objective, phases = doc.tables[:3]
    assert [r[0].text for r in cover.rows] == ["Buyer", "Seller", "Deal", "Go-live", "Name"]
    assert objective.heading == "1. Objective"
    assert objective.paragraphs[0].startswith("Say why you are using a MAP")
    assert objective.header_rows == 1
    assert phases.texts(0) == ["Phase", "Milestone Description", "Deadline", "If Missed",
                               "Deliverable (Buyer)", "Deliverable (Seller)",
                               "Responsible Person", "Status"]
    header, example, blank = phases.rows[0][0], phases.rows[1][1], phases.rows[-1][1]
    assert header.bold and header.fill == "1F4E79" and header.color == "FFFFFF"
    assert example.text == "Discovery" and example.italic and example.color == "7F7F7F"
    assert blank.text == "" and not blank.italic


def test_tracked_changes_merged_cells_content_controls_and_styles(tmp_path):
    doc = Document()
    doc.add_heading("My table", 1)
    doc.add_paragraph("Fill this in.")
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "Wide"
    table.cell(0, 2).text = "Right"
    p = table.cell(1, 0).paragraphs[0]._p
    p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="a"><w:r><w:t>kept</w:t></w:r></w:ins>'))
    p.append(parse_xml(f'<w:del {W} w:id="2" w:author="a"><w:r><w:delText>gone</w:delText>'
                       '</w:r></w:del>'))
    cell = table.cell(1, 1)._tc
    cell.append(parse_xml(f'<w:sdt {W}><w:sdtContent><w:p><w:r><w:rPr><w:i/></w:rPr>'
                          '<w:t>in a control</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    styled = table.cell(1, 2).paragraphs[0]
    styled.style = doc.styles["Quote"]  # italic by its style
    styled.add_run("quoted")
    table.cell(2, 0).paragraphs[0].add_run("a\tb")
    table.cell(2, 0).add_paragraph("second line")
    path = tmp_path / "own.docx"
    doc.save(path)
    [t] = read_document(path).tables
    assert t.heading == "My table" and t.paragraphs == ["Fill this in."]
    assert [c.text for c in t.rows[0]] == ["Wide", "", "Right"]
    assert t.rows[0][1].covered
    assert t.rows[1][0].text == "kept"
    assert t.rows[1][1].text == "in a control" and t.rows[1][1].italic
    assert t.rows[1][2].text == "quoted" and t.rows[1][2].italic
    assert t.rows[2][0].text == "a\tb\nsecond line"


def test_libreoffice_odt_and_docx_read_the_same(handout, tmp_path):
    first = read_document(handout)
    for fmt in ("odt", "docx:MS Word 2007 XML"):
        other = read_document(soffice_convert(handout, fmt, tmp_path / fmt.split(":")[0]))
        assert other.kind == ("odt" if fmt == "odt" else "docx")
        assert len(other.tables) == len(first.tables)
        for a, b in zip(first.tables[1:], other.tables[1:], strict=True):
            assert a.heading == b.heading
            assert [[c.text for c in r] for r in a.rows] == [[c.text for c in r] for r in b.rows]
            assert [[c.italic for c in r] for r in a.rows] == [[c.italic for c in r] for r in b.rows]


def test_refusals_are_one_plain_line(tmp_path, handout):
    cases = {
        "pdf.docx": b"%PDF-1.7 ...",
        "text.docx": b"just some text",
        "empty.docx": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    with zipfile.ZipFile(tmp_path / "book.docx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with zipfile.ZipFile(tmp_path / "dtd.docx", "w") as zf, zipfile.ZipFile(handout) as src:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data.split(b"?>", 1)[1]
            zf.writestr(info, data)
    expected = {
        "pdf.docx": "is a PDF document", "text.docx": "is not a Word document",
        "empty.docx": "the file is empty", "book.docx": "is an Excel workbook, not a Word document",
        "dtd.docx": "the document contains unsafe XML in 'word/document.xml' (a DTD",
    }
    for name, words in expected.items():
        with pytest.raises(UnusableInput) as info:
            read_document(tmp_path / name)
        message = str(info.value)
        assert words in message and "\n" not in message, message
