"""One contrast rule: the Word and the Excel writer put the same text colour on a brand colour."""

from __future__ import annotations

import textwrap

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from mapgen.core.colors import DARK_TEXT, WHITE, contrast_ratio, relative_luminance, text_on
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate

# Every 17th step of each channel: 4,096 colours.
SWEEP = [f"{r:02X}{g:02X}{b:02X}" for r in range(0, 256, 17) for g in range(0, 256, 17)
         for b in range(0, 256, 17)]
# For the writers themselves: extremes, brand colours, and colours on which the two writers'
# former formulas disagreed (00CC00, 00BBDD) or that sit near the white/dark boundary.
WRITTEN = ["000000", "FFFFFF", "1F4E79", "0B6E4F", "FFD700", "00CC00", "00BBDD", "808080",
           "4CAF50", "E53935", "2E75B6", "9E9E9E"]


def test_wcag_luminance_and_contrast():
    assert relative_luminance("000000") == 0 and relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("000000", "FFFFFF") == pytest.approx(21)
    assert contrast_ratio("777777", "777777") == pytest.approx(1)


def test_the_text_colour_has_the_higher_contrast():
    for fill in SWEEP:
        chosen = text_on(fill)
        other = DARK_TEXT if chosen == WHITE else WHITE
        assert chosen in (WHITE, DARK_TEXT), fill
        assert contrast_ratio(chosen, fill) >= contrast_ratio(other, fill), fill


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Header text colour per brand colour, as each writer wrote it: {fill: (xlsx, docx)}."""
    out = {}
    root = tmp_path_factory.mktemp("colours")
    for fill in WRITTEN:
        path = root / f"b{fill}.yaml"
        path.write_text(textwrap.dedent(f"""\
            name: b{fill}
            branding: {{primary_color: "{fill}"}}
            sections:
              - key: notes
                title: Notes
                blank_rows: 1
                columns: [{{key: note, header: Note}}]
        """), encoding="utf-8")
        xlsx, docx = generate(load_blueprint(path), formats=["xlsx", "docx"], out_dir=root,
                              force=True, stem=fill)
        ws = load_workbook(xlsx)["Notes"]
        header = next(c for row in ws.iter_rows() for c in row if c.value == "Note")
        assert header.fill.fgColor.rgb.endswith(fill)
        doc = Document(str(docx))
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Note")
        shading = {s.get(qn("w:fill")) for s in table._tbl.tr_lst[0].iter(qn("w:shd"))}
        assert shading == {fill}
        run = table.rows[0].cells[0].paragraphs[0].runs[0]
        out[fill] = (header.font.color.rgb[-6:], str(run.font.color.rgb))
    return out


@pytest.mark.parametrize("fill", WRITTEN)
def test_both_writers_pick_the_same_text_colour(written, fill):
    xlsx, docx = written[fill]
    assert xlsx == docx == text_on(fill)
