"""The house style of every Word document mapgen writes (the handout, the facilitator guide):
A4 pages with 2 cm margins, the brand font, body and heading sizes, the brand colour on the
title and headings, and a grey footer ``title · company · Page N of M`` from PAGE and NUMPAGES
fields, which Word and LibreOffice keep up to date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

PAGE_CM = (21.0, 29.7)  # A4 portrait (width, height); landscape sections swap them
MARGIN_CM = 2.0
BODY_PT = 10
TEXT_GREY = "595959"  # labels, subtitles, captions, footer
FOOTER_PT = 8
# (style, size in points, space before, space after)
HEADINGS = (("Title", 30, 0, 10), ("Heading 1", 16, 14, 6), ("Heading 2", 12, 12, 4))


def house_styles(doc: Any, brand: str, font: str | None, names: Iterable[str]) -> None:
    """Body text, title and headings (kept with the text after them) and footer in the house
    style; the brand ``font`` on every style in ``names`` but tables'."""
    from docx.shared import Pt, RGBColor

    from mapgen.formats.docx.ooxml import set_style_bottom_border, set_style_font

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    colour = RGBColor.from_string(brand)
    for name, size, before, after in HEADINGS:
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = colour
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    set_style_bottom_border(styles["Title"], brand)
    footer = styles["Footer"]
    footer.font.size = Pt(FOOTER_PT)
    footer.font.color.rgb = RGBColor.from_string(TEXT_GREY)
    for name in names:
        if name != "Table Grid":
            set_style_font(styles[name], font or "Calibri")


def house_page(section: Any, *, landscape: bool = False) -> None:
    """An A4 page (portrait or landscape) with the house margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    short, long = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    section.header_distance = section.footer_distance = Cm(1)


def page_footer(section: Any, label: str, pattern: str, *, cover: bool = False) -> None:
    """``label · Page N of M`` centred in ``section``'s footer (later sections inherit it).

    ``pattern`` is the language's ``Page {page} of {pages}``; ``cover``: the first page (a
    cover) has no footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from mapgen.formats.docx import ooxml as ox

    if cover:
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False  # the cover's footer: empty
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    runs = []
    text = f"{label}  ·  " if label else ""
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece in ("{page}", "{pages}"):
            if text:
                runs.append(ox.text_run(text))
            runs.append(ox.simple_field("PAGE" if piece == "{page}" else "NUMPAGES", "1"))
            text = ""
        else:
            text += piece
    if text:
        runs.append(ox.text_run(text))
    paragraph._p.extend(runs)
