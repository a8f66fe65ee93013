"""What people see: generated files rendered by headless LibreOffice and measured on the page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import soffice_convert

from mapgen.ops.merge import merge_to

LONG = ("Security review with the buyer's IT security team, including the questionnaire, the "
        "penetration test report and the data processing agreement")


def plan_file(path: Path, deal: dict, items: list[dict]) -> Path:
    path.write_text(json.dumps({"format": "mapgen-plan", "format_version": 1,
                                "blueprint": {"name": "map", "version": "1"}, "deal": deal,
                                "sections": {"action_items": items}}))
    return path


def merged_with_conflict_on_done_row(folder: Path) -> Path:
    """Two homework files that agree a long action item is Done and disagree on its deadline."""
    ann = plan_file(folder / "ann.json", {"buyer": "Contoso"}, [
        {"number": 1, "description": LONG, "deadline": "2027-01-15", "status": "Done"},
        {"number": 2, "description": "Pilot", "deadline": "2026-01-10", "status": "In progress"}])
    bob = plan_file(folder / "bob.json", {"buyer": "Contoso"}, [
        {"number": 1, "description": LONG, "deadline": "2027-01-22", "status": "Done"}])
    out = folder / "merged.xlsx"
    result = merge_to([ann, bob], out)
    assert len(result.conflicts) == 1
    return out


def page_pixels(pdf: Path, page: int, folder: Path, dpi: int = 40) -> tuple[int, int, bytes]:
    """(width, height, RGB bytes) of one rendered page (pdftoppm's binary PPM)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler not installed")
    stem = folder / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, timeout=60)
    data = stem.with_suffix(".ppm").read_bytes()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6"
    width, height = int(parts[1]), int(parts[2])
    return width, height, parts[4][-width * height * 3:]


def count_colour(pixels: bytes, rgb: str, tolerance: int = 6) -> int:
    want = bytes.fromhex(rgb)
    n = 0
    for i in range(0, len(pixels), 3):
        if all(abs(pixels[i + k] - want[k]) <= tolerance for k in range(3)):
            n += 1
    return n


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, laid out (pdftotext -layout), split at form feeds."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler not installed")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.mark.soffice
def test_conflict_mark_shows_on_a_done_row_when_printed(tmp_path):
    from mapgen.formats.xlsx.styles import CONFLICT_FILL, DONE_FILL

    xlsx = merged_with_conflict_on_done_row(tmp_path)
    pdf = soffice_convert(xlsx, "pdf", tmp_path / "pdf")
    texts = page_texts(pdf)
    page = next(n for n, t in enumerate(texts, start=1) if "Pilot" in t and "Sources" in t)
    _, _, pixels = page_pixels(pdf, page, tmp_path)
    assert count_colour(pixels, DONE_FILL) > 200      # the done row is green-tinted
    assert count_colour(pixels, CONFLICT_FILL) > 50   # and its conflicting deadline still shows
    # The long description wraps inside its row: all of it is printed, on lines of its own.
    flat = " ".join(texts[page - 1].split())
    assert "data processing agreement" in flat and "Pilot" in flat


def page_orientations(pdf: Path) -> list[bool]:
    """Per page, whether it is landscape (pdfinfo's page sizes)."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)
    return [float(w) > float(h) for w, h in sizes]


def page_fills(pdf: Path, folder: Path, dpi: int = 30) -> list[float]:
    """Per page, how far down the text area the content reaches (0: empty, 1: full), the
    footer left out: the last row of pixels with ink above the bottom margin."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler not installed")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf), str(folder / "fill")], check=True,
                   timeout=120)
    fills = []
    for ppm in sorted(folder.glob("fill*.ppm")):
        data = ppm.read_bytes()
        parts = data.split(maxsplit=4)
        width, height = int(parts[1]), int(parts[2])
        pixels = parts[4][-width * height * 3:]
        margin = round(2.0 / 2.54 * dpi)  # the 2 cm page margins
        last = margin
        for y in range(margin, height - margin):
            row = pixels[y * width * 3:(y + 1) * width * 3]
            if min(row) < 200:
                last = y
        fills.append(round((last - margin) / (height - 2 * margin), 2))
    return fills


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, Path]:
    """The blank and buyer handouts (map), and a buyer handout of a deal (saas), as PDFs made
    by the pdf format itself."""
    from conftest import FIXTURES, soffice_path

    from mapgen.model.blueprint import load_blueprint
    from mapgen.model.plan import load_plan
    from mapgen.ops.generate import generate

    if soffice_path() is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path_factory.mktemp("handouts")
    saas = load_blueprint("saas")
    deal = load_plan(FIXTURES / "deal.yaml", saas)
    made = {"blank": generate(load_blueprint("map"), formats=["pdf"], out_dir=out, stem="blank"),
            "buyer": generate(load_blueprint("map"), formats=["pdf"], out_dir=out,
                              audience="buyer", stem="buyer"),
            "deal": generate(saas, plan=deal, formats=["pdf"], out_dir=out, audience="buyer",
                             stem="deal")}
    return {name: paths[0] for name, paths in made.items()}


@pytest.mark.soffice
@pytest.mark.parametrize("name", ["blank", "buyer", "deal"])
def test_printed_pages_are_filled(handouts, name, tmp_path):
    from conftest import pdf_page_count

    pdf = handouts[name]
    pages = pdf_page_count(pdf)
    assert 4 <= pages <= (10 if name == "deal" else 9), pages  # a deal's ends with its timeline
    fills = page_fills(pdf, tmp_path)
    assert len(fills) == pages
    # The cover and the last page may be short, and a page before the paper turns (a section
    # printed landscape after a portrait one): write-in rows are sized to what a section needs,
    # not stretched to fill its page. No other page is more than half empty.
    turns = page_orientations(pdf)
    assert all(f >= 0.5 for n, f in enumerate(fills[1:-1], start=1)
               if turns[n] == turns[n + 1]), (fills, turns)


@pytest.mark.soffice
def test_a_heading_is_never_the_last_thing_on_a_page(handouts):
    from mapgen.model.blueprint import load_blueprint

    titles = [f"{n}. {s.title}" for n, s in enumerate(load_blueprint("map").sections, 1)]
    for text in page_texts(handouts["blank"])[2:]:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = lines[:-1]  # the footer
        assert body and body[-1] not in titles, body[-3:]
