"""Documents look finished when printed: rendered by LibreOffice, no word in a table is broken
across lines, the facilitator guide has page numbers and no page left mostly empty."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from mapgen.cli import main
from tests.conftest import FIXTURES, soffice_convert_all

XHTML = "{http://www.w3.org/1999/xhtml}"
WORD = re.compile(r"\w[\w'’.-]*\w|\w")

pytestmark = [pytest.mark.soffice, pytest.mark.slow]


def table_words(path: Path) -> set[str]:
    """Every word in the tables of a .docx, or in the cells of a .xlsx."""
    words: set[str] = set()
    if path.suffix == ".docx":
        import docx

        for table in docx.Document(str(path)).tables:
            for row in table.rows:
                for cell in row.cells:
                    words.update(WORD.findall(cell.text))
    else:
        import openpyxl

        for sheet in openpyxl.load_workbook(path):
            for row in sheet.iter_rows(values_only=True):
                words.update(w for v in row if isinstance(v, str) for w in WORD.findall(v))
    return words


def pages(pdf: Path) -> list[tuple[float, list[list[list[str]]], list[tuple[float, str]]]]:
    """Per page: its height, its blocks as lines of words, and each word's bottom and text."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    out = []
    for page in root.iter(f"{XHTML}page"):
        blocks = [[[w.text or "" for w in line.iter(f"{XHTML}word")]
                   for line in block.iter(f"{XHTML}line")] for block in page.iter(f"{XHTML}block")]
        bottoms = [(float(w.get("yMax")), w.text or "") for w in page.iter(f"{XHTML}word")]
        out.append((float(page.get("height")), blocks, bottoms))
    return out


def broken_words(pdf: Path, words: set[str]) -> list[str]:
    """``Procureme|nt``: a line of a block (a cell's text) ending in a piece of a word of the
    document whose rest starts the next line (or the next few lines, in a very narrow cell)."""
    prefixes = {w[:n] for w in words for n in range(1, len(w))}
    found = []
    for _, blocks, _ in pages(pdf):
        for lines in blocks:
            lines = [line for line in lines if line]
            for n, line in enumerate(lines[:-1]):
                piece, shown = line[-1].rstrip("-").strip(".,;:()"), [line[-1]]
                if not piece or piece in words or piece not in prefixes:
                    continue
                for after in lines[n + 1:]:
                    piece += after[0].strip(".,;:()")
                    shown.append(after[0])
                    if piece in words:
                        found.append("|".join(shown))
                    if piece not in prefixes or len(after) > 1:
                        break
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """The handouts (internal, buyer, German, blank), the facilitator guide and the German
    workbook, with their PDFs."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("look")
    runner = CliRunner()
    deal = str(FIXTURES / "deal.yaml")
    made = {"internal": ["generate", "--blueprint", "saas", "--plan", deal],
            "buyer": ["generate", "--blueprint", "saas", "--plan", deal, "--audience", "buyer"],
            "german": ["generate", "--blueprint", "map-de", "--plan", deal],
            "blank": ["generate", "--blueprint", "saas"],
            "workbook": ["generate", "--blueprint", "map-de", "--plan", deal]}  # German .xlsx
    docs = {}
    for name, args in made.items():
        suffix = ".xlsx" if name == "workbook" else ".docx"
        done = runner.invoke(main, [*args, "--out", str(folder / f"{name}{suffix}")])
        assert done.exit_code == 0, done.output
        docs[name] = folder / f"{name}{suffix}"
    done = runner.invoke(main, ["workshop", "--blueprint", "map", "--plan", deal,
                                "--participants", "Ann Lee, Bob Diaz", "--out", str(folder / "kit")])
    assert done.exit_code == 0, done.output
    docs["guide"] = folder / "guide.docx"
    shutil.copy(folder / "kit" / "facilitator-guide.docx", docs["guide"])
    pdfs = soffice_convert_all(list(docs.values()), "pdf", folder / "pdf")
    return {name: (doc, pdf) for (name, doc), pdf in zip(docs.items(), pdfs, strict=True)}


@pytest.mark.parametrize("name", ["internal", "buyer", "german", "blank", "guide", "workbook"])
def test_no_word_in_a_table_is_broken_across_lines(rendered, name):
    doc, pdf = rendered[name]
    words = table_words(doc)
    assert len(words) > 20
    assert broken_words(pdf, words) == []


def test_the_detector_finds_a_broken_word(tmp_path):
    """The check above can fail: a cell too narrow for its word is found."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for column, cell, width, text in zip(table.columns, table.rows[0].cells, (Cm(1.2), Cm(14)),
                                         ("Procurement", "wide"), strict=True):
        column.width = cell.width = width
        cell.text = text
    path = tmp_path / "narrow.docx"
    document.save(str(path))
    pdf = soffice_convert_all([path], "pdf", tmp_path / "pdf")[0]
    assert broken_words(pdf, table_words(path))


def test_the_guide_has_page_numbers_and_no_page_mostly_empty(rendered):
    _, pdf = rendered["guide"]
    guide = pages(pdf)
    assert len(guide) >= 2
    for n, (height, _, words) in enumerate(guide, start=1):
        text = " ".join(w for _, w in words)
        assert f"Page {n} of {len(guide)}" in text
        body = [bottom for bottom, word in words if bottom < height * 0.92]  # above the footer
        if n < len(guide):
            assert max(body) > height * 0.6, f"page {n} is mostly empty"


@pytest.mark.parametrize("name", ["internal", "german"])
def test_the_contents_give_each_headings_page(rendered, name):
    """Each entry of the contents ends in the page LibreOffice printed its heading on."""
    doc, pdf = rendered[name]
    import docx

    assert "PAGEREF" in docx.Document(str(doc)).element.xml
    text = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, len(pages(pdf)) + 1)]
    entries = re.findall(r"^(\S.*?)\s*\.{4,}\s*(\d+)$", text[1], flags=re.M)
    assert len(entries) >= 10
    for title, page in entries:
        assert f"\n{title.strip()}\n" in "\n" + text[int(page) - 1], (title, page)


def test_the_objective_gets_a_few_write_in_lines_not_a_page(rendered):
    import docx

    for name in ("internal", "buyer"):
        table = docx.Document(str(rendered[name][0])).tables
        objective = next(t for t in table if t.rows[0].cells[0].text == "Objective")
        assert len(objective.rows) <= 1 + 1 + 6, name  # header, the plan's row, a few to write in
