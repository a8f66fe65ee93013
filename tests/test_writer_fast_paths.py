"""The writers' fast paths write byte for byte what the plain openpyxl and python-docx calls write.

Each fast path (styles found once a workbook or document, borders derived once, elements made
with names parsed once, row templates built once) is swapped for the plain library call, and
every part of the two files is compared (docProps/core.xml aside: it holds the time).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

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
    from mapgen.xlsx import writer

    bp = mapgen.load_blueprint(name)
    plan = mapgen.load_plan(FIXTURES / fixture, bp) if fixture else None
    fast = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "fast", **kw)[0]

    def plain_style(cell, style):
        cell.style = style

    def plain_merge(ws, **where):
        ws.merge_cells(**where)

    monkeypatch.setattr(writer, "apply_style", plain_style)
    monkeypatch.setattr(writer, "merge", plain_merge)
    plain = mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "plain", **kw)[0]
    same_files(fast, plain)


@pytest.mark.parametrize(("name", "fixture", "kw"), CASES)
def test_docx_fast_paths_write_what_python_docx_writes(tmp_path, monkeypatch, name, fixture, kw):
    from mapgen.docx import ooxml, writer

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
