"""The ``pdf`` and ``md`` output formats."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, pdf_page_count, soffice_path

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.formats import pdf
from mapgen.formats import registry as formats
from mapgen.formats.markdown import render
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import load_plan
from mapgen.model.view import build_view
from mapgen.ops.generate import generate


def saas_view(audience: str = "internal"):
    bp = load_blueprint("saas")
    return build_view(bp, load_plan(FIXTURES / "deal.yaml", bp), audience=audience)


def test_both_are_registry_formats():
    assert {"pdf", "md"} <= set(formats.names("document"))
    assert formats.for_path(Path("x.md")).name == "md"
    assert formats.expand(["all"]) == ["xlsx", "docx"]


def test_markdown_has_title_deal_facts_and_a_table_per_section():
    text = render(saas_view())
    assert text.startswith("# Mutual Action Plan: Contoso and Nimbus Analytics\n")
    assert "- **Go-live:** 15 Mar 2027" in text
    assert "## 3. Action Items" in text and " Importance |" in text
    assert "| 2 | 4 | Redlines on order form resolved | 5 Feb 2027 |" in text
    assert "Risks" in text


def test_buyer_markdown_leaves_internal_columns_and_sections_out():
    text = render(saas_view("buyer"))
    assert "*Buyer edition*" in text
    assert "Importance" not in text and "Risks" not in text
    assert "mapgen" not in text.lower()


def test_markdown_escapes_cells_and_shows_examples_of_a_blank_plan():
    view = build_view(load_blueprint("map"))
    items = next(s for s in view.sections if s.key == "action_items")
    items.rows = [{"number": 1, "description": "a | b\nsecond *line*"}]
    text = render(view)
    assert "| 1 |  | a \\| b<br>second \\*line\\* |" in text
    assert "*Examples: what good looks like.*" in text  # the sections still without rows


def test_pdf_without_libreoffice_is_one_clear_error(in_tmp, runner, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    result = runner.invoke(main, ["generate", "--format", "pdf"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "needs LibreOffice" in result.stderr and "apt-get install" in result.stderr
    assert not list(in_tmp.rglob("*.pdf"))


def test_pdf_conversion_that_hangs_times_out(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/usr/bin/soffice")

    def hang(cmd, **kw):
        assert any(a.startswith("-env:UserInstallation=file://") for a in cmd)
        raise subprocess.TimeoutExpired(cmd, kw["timeout"])

    monkeypatch.setattr(pdf.subprocess, "run", hang)
    with pytest.raises(MapgenError, match="within 180 seconds"):
        pdf.write(saas_view(), tmp_path / "x.pdf", formats.WriteOptions())
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.soffice
def test_pdf_is_the_printed_handout(tmp_path):
    if soffice_path() is None:
        pytest.skip("LibreOffice not installed")
    [path] = generate(load_blueprint("map"), formats=["pdf"], out_dir=tmp_path)
    assert path.name == "map.pdf" and path.read_bytes().startswith(b"%PDF")
    assert pdf_page_count(path) >= 4
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Mutual Action Plan" in text and "Action Items" in text
    assert [p.name for p in tmp_path.iterdir()] == ["map.pdf"]
