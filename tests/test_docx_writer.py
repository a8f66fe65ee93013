"""The Word writer: documents read back with python-docx, then printed with LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import pdf_page_count, soffice_convert
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from mapgen.cli import main
from mapgen.formats.docx.writer import NOTE_FILL, TOC_INSTRUCTION, WRITE_IN_TWIPS, write_docx
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import Plan, plan_from_data
from mapgen.model.view import PREFILLED_SPARE_ROWS, build_view
from mapgen.ops.generate import generate

DEAL = {"name": "Analytics rollout", "buyer": "Contoso", "seller": "Nimbus Analytics",
        "start": "2026-12-01", "close": "2027-02-26", "go_live": "2027-04-30"}
STATUSES = ["Not started", "In progress", "Done", "Blocked"]


def saas_plan(n_actions: int = 1) -> Plan:
    """A SaaS deal: its standard phases come from the blueprint, plus a stakeholder and actions."""
    actions = [{"number": 3 + i, "phase": 1 + i % 5, "description": f"Action item {i}",
                "deadline": (dt.date(2027, 1, 4) + dt.timedelta(days=i % 100)).isoformat(),
                "importance": "High" if i % 2 else "Low", "responsible": f"Owner {i % 7}",
                "status": STATUSES[i % 4]} for i in range(1, n_actions + 1)]
    data = {"blueprint": {"name": "saas"}, "deal": DEAL,
            "sections": {"action_items": actions,
                         "stakeholders": [{"name": "Sarah Lee", "role": "CFO",
                                           "expectations": "ROI within a year\nSigns the budget"}]}}
    plan = plan_from_data(data, load_blueprint("saas"))
    assert not plan.errors, plan.errors
    return plan


def make(out: Path, blueprint: str | Path = "map", plan: Plan | None = None, *,
         audience: str = "internal", participant: str | None = None, stem: str = "plan") -> Path:
    [path] = generate(load_blueprint(blueprint), plan=plan, formats=["docx"], audience=audience,
                      out_dir=out, force=True, participant=participant, stem=stem)
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    """The documents most tests read: written once for the module."""
    out = tmp_path_factory.mktemp("docx")
    return {
        "blank": make(out, stem="blank"),
        "buyer": make(out, audience="buyer", stem="buyer"),
        "saas": make(out, "saas", saas_plan(), stem="saas"),
        "saas_buyer": make(out, "saas", saas_plan(), audience="buyer", stem="saas-buyer"),
        "ann": make(out, participant="Ann Lee", stem="ann"),
    }


# --------------------------------------------------------------------------- reading helpers

def headings(doc, level: int = 1) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def section_tables(doc) -> list:
    """The plan section tables (the first table is the cover's deal facts; the sign-off's
    and a timeline's, after the sections, start with "Role" and "Week of")."""
    return [t for t in doc.tables[1:] if t.rows[0].cells[0].text not in ("Week of", "Role")]


def texts(row) -> list[str]:
    return [cell.text for cell in row.cells]


def row_kinds(table) -> list[str]:
    """header / example / data / blank for each row, from its formatting."""
    kinds = []
    for tr in table._tbl.tr_lst:
        runs = tr.findall(f".//{qn('w:r')}")
        if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None:
            kinds.append("header")
        elif not any(r.find(qn("w:t")) is not None for r in runs):
            kinds.append("blank")
        elif all(r.find(f"{qn('w:rPr')}/{qn('w:i')}") is not None for r in runs):
            kinds.append("example")
        else:
            kinds.append("data")
    return kinds


def spare_rows(kinds: list[str], first: list[str]) -> int:
    """The write-in rows after the rows ``first`` (which the table must start with)."""
    assert kinds[:len(first)] == first, kinds
    assert set(kinds[len(first):]) <= {"blank"}, kinds
    return len(kinds) - len(first)


def all_text(doc) -> str:
    """Every paragraph and table cell of the body."""
    return doc.element.body.xpath("string(.)")


def cover_facts(doc) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}


def view_sections(blueprint: str = "map", plan: Plan | None = None, audience: str = "internal"):
    return build_view(load_blueprint(blueprint), plan, audience=audience).sections


# --------------------------------------------------------------------------- structure

def test_blank_handout_has_cover_introduction_contents_and_one_section_per_blueprint_section(docs):
    doc = Document(str(docs["blank"]))
    bp = load_blueprint("map")
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == ["Mutual Action Plan"]
    assert "Workshop handout" in [p.text for p in doc.paragraphs]
    assert cover_facts(doc) == {"Buyer": "", "Seller": "", "Deal": "", "Go-live": "", "Name": ""}
    assert headings(doc) == ["Introduction"] + [f"{n}. {s.title}" for n, s in enumerate(bp.sections, 1)
                                                ] + ["Sign-off"]
    assert headings(doc, 2) == ["How to use this plan"]
    steps = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert len(steps) == len(bp.how_to_use) and steps[0].startswith("Plan together")
    # Each section: its purpose and instructions, then a table with the blueprint's headers.
    body = [p.text for p in doc.paragraphs]
    for section, table in zip(bp.sections, section_tables(doc), strict=True):
        assert section.purpose.strip() in body
        assert f"Instructions: {section.instructions.strip()}" in body
        assert texts(table.rows[0]) == [c.title for c in section.columns]
    assert len(section_tables(doc)) == len(bp.sections)


def test_examples_are_grey_italic_and_blank_rows_follow_the_blueprint(docs):
    doc = Document(str(docs["blank"]))
    bp = load_blueprint("map")
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert len(captions) == len(bp.sections) and "examples" in captions[0]
    for section, table in zip(bp.sections, section_tables(doc), strict=True):
        kinds = row_kinds(table)
        expected = ["header"] + ["example"] * len(section.examples)
        assert kinds[:len(expected)] == expected
        # At least the blueprint's write-in rows; more where they fill the page.
        assert set(kinds[len(expected):]) == {"blank"}
        assert len(kinds) - len(expected) >= section.blank_rows
        for tr in table._tbl.tr_lst[1 + len(section.examples):]:
            height = tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
            assert int(height.get(qn("w:val"))) >= WRITE_IN_TWIPS
            assert height.get(qn("w:hRule")) == "atLeast"
    action_items = section_tables(doc)[2]
    assert texts(action_items.rows[1])[:3] == ["1", "1", "Analysis of the current state"]
    assert all(run.italic for cell in action_items.rows[1].cells for run in cell.paragraphs[0].runs)
    # A relative example date, with no deal to resolve it, reads in words.
    phases = section_tables(doc)[1]
    assert texts(phases.rows[1])[2] == "2 weeks after start"


def test_header_rows_repeat_and_carry_the_brand_colour(docs):
    for name, colour in (("blank", "1F4E79"), ("saas", "0B6E4F")):
        doc = Document(str(docs[name]))
        for table in section_tables(doc):
            header = table._tbl.tr_lst[0]
            assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            assert all(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
                       for tr in table._tbl.tr_lst[1:])
            fills = {shd.get(qn("w:fill")) for shd in header.iter(qn("w:shd"))}
            assert fills == {colour}
            runs = [r for cell in table.rows[0].cells for r in cell.paragraphs[0].runs]
            assert all(r.bold and str(r.font.color.rgb) == "FFFFFF" for r in runs)


def test_wide_sections_are_landscape_and_the_others_portrait(docs):
    doc = Document(str(docs["blank"]))
    views = view_sections()
    assert {sv.landscape for sv in views} == {True, False}
    # A new page section only where the orientation turns: sections of the same orientation
    # follow each other on the page (the first ones share the introduction's portrait pages).
    turns = [False] + [sv.landscape for sv in views]
    runs = [o for i, o in enumerate(turns) if i == 0 or o != turns[i - 1]]
    assert [s.orientation == WD_ORIENT.LANDSCAPE for s in doc.sections] == runs
    for section in doc.sections:
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        assert (section.page_width > section.page_height) == landscape
        assert round(section.left_margin.cm, 1) == 2.0


def test_footer_numbers_pages_except_on_the_cover(docs):
    doc = Document(str(docs["ann"]))
    first = doc.sections[0]
    assert first.different_first_page_header_footer
    assert first.first_page_footer.paragraphs[0].text == ""
    footer = first.footer._element
    instrs = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert instrs == ["PAGE", "NUMPAGES"]
    assert "Mutual Action Plan" in footer.xpath("string(.)") and "Ann Lee" in footer.xpath("string(.)")
    for section in doc.sections[1:]:
        assert section.footer.is_linked_to_previous
        assert not section.different_first_page_header_footer


def test_contents_is_a_toc_field_whose_cached_result_links_every_heading(docs):
    doc = Document(str(docs["blank"]))
    body = doc.element.body
    instr = [t.text.strip() for t in body.iter(qn("w:instrText"))]
    links = body.findall(f".//{qn('w:hyperlink')}")
    # the TOC, and in each entry a PAGEREF to its heading (its page)
    assert instr == [TOC_INSTRUCTION] + [f"PAGEREF {link.get(qn('w:anchor'))} \\h" for link in links]
    chars = [c.get(qn("w:fldCharType")) for c in body.iter(qn("w:fldChar"))]
    assert chars == ["begin", "separate"] + ["begin", "separate", "end"] * len(links) + ["end"]
    titles = headings(doc)
    texts = [[t.text for t in link.iter(qn("w:t"))] for link in links]  # title, page
    assert [text[0] for text in texts] == [titles[0], "How to use this plan", *titles[1:]]
    assert all(len(text) == 2 and text[1].isdigit() for text in texts)
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert {link.get(qn("w:anchor")) for link in links} == bookmarks
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    # The schema puts updateFields before compat: Word rejects misordered settings.
    order = [child.tag for child in settings]
    assert order.index(qn("w:updateFields")) < order.index(qn("w:compat"))


def test_only_styles_that_the_document_contains_and_the_brand_font(docs):
    for name in ("blank", "saas"):
        doc = Document(str(docs[name]))
        ids = {s.style_id for s in doc.styles}
        parts = [doc.element, doc.sections[0].footer._element]
        used = {el.get(qn("w:val")) for part in parts
                for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for el in part.iter(qn(tag))}
        assert used and used <= ids, used - ids
        for style in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
            fonts = doc.styles[style].element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:ascii")) == "Calibri" and fonts.get(qn("w:asciiTheme")) is None


# --------------------------------------------------------------------------- editions and data

def test_buyer_edition_leaves_internal_columns_and_sections_out(docs):
    internal, buyer = Document(str(docs["blank"])), Document(str(docs["buyer"]))
    assert "Importance" in texts(section_tables(internal)[2].rows[0])
    assert "Importance" not in texts(section_tables(buyer)[2].rows[0])
    assert "High" not in texts(section_tables(buyer)[2].rows[1])
    saas, saas_buyer = Document(str(docs["saas"])), Document(str(docs["saas_buyer"]))
    assert "5. Risks" in headings(saas)
    assert "Internal section: left out of the buyer edition." in [p.text for p in saas.paragraphs]
    assert not any("Risks" in h for h in headings(saas_buyer))
    assert "Budget frozen" in all_text(saas) and "Budget frozen" not in all_text(saas_buyer)
    assert "Buyer edition" in all_text(saas_buyer)
    assert all("Importance" not in texts(t.rows[0]) for t in section_tables(saas_buyer))


def test_prefilled_plan_prints_rows_with_dates_for_people(docs):
    doc = Document(str(docs["saas"]))
    facts = cover_facts(doc)
    assert facts["Buyer"] == "Contoso" and facts["Go-live"] == "30 Apr 2027"
    assert facts["Start"] == "1 Dec 2026" and "Name" not in facts
    assert "Prepared for Contoso" in [p.text for p in doc.paragraphs]
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == [
        "Mutual Action Plan: Contoso and Nimbus Analytics"]
    views = {sv.key: sv for sv in view_sections("saas", saas_plan())}
    tables = dict(zip(views, section_tables(doc), strict=True))
    phases = tables["phases"]
    assert spare_rows(row_kinds(phases), ["header"] + ["data"] * 5) >= PREFILLED_SPARE_ROWS
    headers = texts(phases.rows[0])
    first = dict(zip(headers, texts(phases.rows[1]), strict=True))
    # go_live-12w from 30 Apr 2027
    assert first["Milestone Description"] == "Discovery" and first["Deadline"] == "5 Feb 2027"
    assert "Owner" in headers and "Exit Criteria" in headers
    stakeholders = tables["stakeholders"]
    assert texts(stakeholders.rows[1])[:3] == ["Sarah Lee", "CFO", "ROI within a year\nSigns the budget"]
    # A section without rows keeps its examples, so the reader still sees what to write.
    assert spare_rows(row_kinds(tables["feedback"]), ["header", "example"]) >= PREFILLED_SPARE_ROWS
    actions = tables["action_items"]
    assert [texts(r)[2] for r in actions.rows[1:5]] == [
        "Security questionnaire returned", "Redlines on order form resolved",
        "Kick-off with customer success", "Action item 1"]


def test_merge_sources_and_notes_for_the_seller_only(tmp_path):
    bp = load_blueprint("saas")
    outputs = {}
    for audience in ("internal", "buyer"):
        view = build_view(bp, saas_plan(2), audience=audience)
        actions = next(sv for sv in view.sections if sv.key == "action_items")
        actions.sources = ["Ann", "Bob", "Ann, Cleo", "Bob", "Cleo"]
        actions.notes = {(1, "deadline"): "Bob wrote 20 Feb 2027"}
        outputs[audience] = tmp_path / f"{audience}.docx"
        write_docx(view, outputs[audience])
    doc = Document(str(outputs["internal"]))
    table = section_tables(doc)[2]
    header = texts(table.rows[0])
    assert header[-1] == "Sources"
    assert [texts(r)[-1] for r in table.rows[1:6]] == ["Ann", "Bob", "Ann, Cleo", "Bob", "Cleo"]
    cell = table.rows[2].cells[header.index("Deadline")]
    assert cell.paragraphs[0].text == "19 Feb 2027"
    assert cell.paragraphs[1].text == "Bob wrote 20 Feb 2027" and cell.paragraphs[1].runs[0].italic
    assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == NOTE_FILL
    shaded = [shd for shd in table._tbl.iter(qn("w:shd")) if shd.get(qn("w:fill")) == NOTE_FILL]
    assert len(shaded) == 1
    buyer = Document(str(outputs["buyer"]))
    assert "Sources" not in texts(section_tables(buyer)[2].rows[0])
    # The seller's cover says whose work the plan holds and what is left to settle.
    cover = [p.text for p in doc.paragraphs[:20]]
    assert "Consolidated plan" in cover and "From the work of: Ann, Bob, Cleo" in cover
    assert "1 value to settle together: shaded in the tables, with every contributor's value "\
           "beneath." in cover
    assert not [t for t in (p.text for p in buyer.paragraphs) if t.startswith("From the work of")]


def test_participant_on_cover_and_a_name_line_otherwise(docs):
    assert cover_facts(Document(str(docs["ann"])))["Participant"] == "Ann Lee"
    assert "Name" in cover_facts(Document(str(docs["blank"])))


def test_text_that_xml_cannot_hold_is_cleaned_not_fatal(tmp_path):
    plan = saas_plan(0)
    plan.sections["stakeholders"] = [{"name": "Bell\x07 Ringer", "role": "Excel\x0bline break",
                                      "expectations": "bad \ud800 surrogate"}]
    path = make(tmp_path, "saas", plan)
    row = texts(section_tables(Document(str(path)))[3].rows[1])
    assert row[:3] == ["Bell Ringer", "Excel\nline break", "bad  surrogate"]


# --------------------------------------------------------------------------- logo

def png_bytes(width: int = 40, height: int = 20) -> bytes:
    """A small valid PNG, built by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x0b\x6e\x4f" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def logo_blueprint(folder: Path, logo: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "acme.yaml"
    path.write_text(f"extends: map\nbranding:\n  company: Acme\n  logo: {logo}\n", encoding="utf-8")
    return path


def test_logo_relative_to_the_blueprint_is_on_the_cover(tmp_path, monkeypatch):
    bp_path = logo_blueprint(tmp_path / "company", "art/logo.png")
    (tmp_path / "company" / "art").mkdir()
    (tmp_path / "company" / "art" / "logo.png").write_bytes(png_bytes(400, 100))
    monkeypatch.chdir(tmp_path)  # not the blueprint's folder
    doc = Document(str(make(tmp_path / "out", bp_path)))
    [shape] = doc.inline_shapes
    assert shape.width.cm == pytest.approx(6.0, abs=0.01) and shape.height.cm == pytest.approx(1.5, abs=0.01)
    assert "ACME" in [p.text for p in doc.paragraphs]


@pytest.mark.parametrize(("content", "message"), [
    (None, "not found"),
    (b"<svg/>", "not a PNG, JPEG, GIF, BMP or TIFF image"),
    (png_bytes()[:20], "cannot be used"),
])
def test_unusable_logo_is_one_clear_error_and_nothing_is_written(in_tmp, runner, content, message):
    bp_path = logo_blueprint(in_tmp / "company", "logo.png")
    if content is not None:
        (in_tmp / "company" / "logo.png").write_bytes(content)
    result = runner.invoke(main, ["generate", "--blueprint", str(bp_path), "--format", "docx",
                                  "--out", "out"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "logo 'logo.png'" in lines[0] and message in lines[0]
    assert "acme.yaml" in lines[0]
    assert not list(in_tmp.glob("out/*"))


# --------------------------------------------------------------------------- CLI and speed

def test_cli_generate_docx(in_tmp, runner):
    result = runner.invoke(main, ["generate", "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(Path("output") / "map.docx")
    assert headings(Document("output/map.docx"))[1] == "1. Objective"


def test_blank_handout_is_quick_and_a_thousand_action_items_take_seconds(tmp_path):
    timings: dict[str, float] = {}
    make(tmp_path, "saas", None, stem="warm")  # imports python-docx
    for name, plan in (("blank", None), ("large", saas_plan(1000))):
        start = time.process_time()
        path = make(tmp_path, "saas", plan, stem=name)
        timings[name] = time.process_time() - start
    assert timings["blank"] < 1.0, timings
    assert timings["large"] < 10.0, timings  # about 0.3 s on a laptop; quadratic code takes minutes
    actions = section_tables(Document(str(path)))[2]._tbl
    assert len(actions.tr_lst) == 1 + 3 + 1000 + PREFILLED_SPARE_ROWS


# --------------------------------------------------------------------------- printing

def pdf_text(pdf: Path) -> str | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    return subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True).stdout


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    return (pdf_text(pdf) or "").split("\f")


def landscape_pages(pdf: Path) -> list[int] | None:
    """Page numbers printed landscape, from pdfinfo's page sizes."""
    exe = shutil.which("pdfinfo")
    if exe is None:
        return None
    out = subprocess.run([exe, "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    pages = []
    for line in out.splitlines():
        if line.startswith("Page") and " size: " in line:
            number = int(line.split()[1])
            width, height = (float(x) for x in line.split("size:")[1].split("pts")[0].split(" x "))
            if width > height:
                pages.append(number)
    return pages


@pytest.mark.soffice
def test_libreoffice_prints_blank_buyer_and_prefilled_documents(docs, tmp_path):
    results: dict[str, Any] = {}
    for name in ("blank", "buyer", "saas"):
        pdf = soffice_convert(docs[name], "pdf", tmp_path / name)
        results[name] = (pdf, pdf_page_count(pdf))
    pages = {name: count for name, (_, count) in results.items()}
    # cover, introduction and contents, then the sections, small ones sharing a page
    assert 5 <= pages["blank"] <= 9, pages
    assert 5 <= pages["buyer"] <= 9, pages
    assert 5 <= pages["saas"] <= 11, pages
    text = pdf_text(results["blank"][0])
    if text is not None:
        assert "Workshop handout" in text and f"Page 2 of {pages['blank']}" in text
        contents = text[text.index("Contents"):]
        assert contents.index("1. Objective") < contents.index("8. Feedback and Iteration")
        assert "Rows in grey italics are examples" in text
    saas_text = pdf_text(results["saas"][0])
    if saas_text is not None:
        assert "5 Feb 2027" in saas_text and "Sarah Lee" in saas_text
    landscape = landscape_pages(results["blank"][0])
    if landscape is not None and text is not None:
        # A landscape section prints on a landscape page, the others on portrait pages.
        printed = pdf_pages(results["blank"][0])
        for sv in view_sections():
            # the last page naming it: the contents list every heading on an earlier page
            page = max(n for n, t in enumerate(printed, 1) if f"{sv.number}. {sv.title}" in t)
            assert (page in landscape) == sv.landscape, (sv.key, page, landscape)
        assert 1 not in landscape


def test_sections_flow_on_the_page_and_their_headings_keep_with_their_tables(docs):
    doc = Document(str(docs["blank"]))
    body = doc.element.body
    # No page break before each section: a heading with its texts, kept with the table.
    for paragraph in doc.paragraphs:
        if paragraph.style.name == "Heading 1" and paragraph.text[:1].isdigit():
            assert (paragraph.paragraph_format.keep_with_next
                    or paragraph.style.paragraph_format.keep_with_next)
    header_rows = [t._tbl.tr_lst[0] for t in section_tables(doc)]
    assert all(tr.find(f".//{qn('w:keepNext')}") is not None for tr in header_rows)
    assert len(doc.sections) < 1 + len(view_sections())
    assert not body.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")[1:]  # only the cover's


def test_introduction_flows_as_paragraphs(docs):
    doc = Document(str(docs["blank"]))
    bp = load_blueprint("map")
    texts_ = [p for p in doc.paragraphs if p.style.name == "Normal" and p.text.startswith("A Mutual")]
    assert texts_ and "\n" not in texts_[0].text
    assert texts_[0]._p.find(f".//{qn('w:br')}") is None
    assert bp.intro.count("\n\n") + 1 == len(build_view(bp).intro)


def test_comments_and_links_a_plan_keeps_print_under_their_values(tmp_path):
    """A cell's comment and link (``_notes``, as read from a workbook) go on to the handout:
    the comment small under the value, the link clickable; a merge note takes the comment's
    place, as in the workbook. The round trip starts from a workbook's cells."""
    plan = saas_plan(2)
    row = plan.sections["action_items"][0]
    row["_notes"] = {"deadline": {"comment": "Waiting for IT"},
                     "description": {"comment": "See the spec", "link": "https://example.com/spec"}}
    [xlsx] = generate(load_blueprint("saas"), plan=plan, formats=["xlsx"], out_dir=tmp_path, stem="wb")
    back = mapgen_read(xlsx)
    [kept] = [r for r in back.sections["action_items"] if r.get("description") == row["description"]]
    assert kept["_notes"] == row["_notes"]
    path = make(tmp_path, "saas", back)
    doc = Document(str(path))
    table = section_tables(doc)[2]
    header = texts(table.rows[0])
    column = header.index("Description")
    first = next(r for r in table.rows[1:] if r.cells[column].paragraphs[0].text == row["description"])
    deadline = first.cells[header.index("Deadline")]
    assert [p.text for p in deadline.paragraphs][1:] == ["Waiting for IT"]
    assert deadline.paragraphs[1].runs[0].italic
    description = first.cells[header.index("Description")]
    assert [p.text for p in description.paragraphs][1:] == ["See the spec", "https://example.com/spec"]
    [link] = description._tc.iter(qn("w:hyperlink"))
    assert doc.part.rels[link.get(qn("r:id"))].target_ref == "https://example.com/spec"
    # a merge note in the same cell is shown instead of the comment (the link stays)
    view = build_view(load_blueprint("saas"), back)
    actions = next(sv for sv in view.sections if sv.key == "action_items")
    index = next(i for i, r in enumerate(actions.rows) if r.get("_notes"))
    actions.notes = {(index, "description"): "Bob wrote: Action item one"}
    write_docx(view, tmp_path / "merged.docx")
    table = section_tables(Document(str(tmp_path / "merged.docx")))[2]
    cell = table.rows[1 + len(actions.examples) + index].cells[header.index("Description")]
    assert [p.text for p in cell.paragraphs][1:] == ["Bob wrote: Action item one",
                                                     "https://example.com/spec"]


def mapgen_read(path: Path) -> Plan:
    from mapgen.formats.xlsx.reader import read_workbook

    return read_workbook(path)
