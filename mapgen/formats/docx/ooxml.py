"""Small WordprocessingML builders that python-docx has no API for.

Fields (PAGE, NUMPAGES, TOC), bookmarks, internal hyperlinks, cell shading, style fonts and table
rows built as raw ``w:tr`` XML. Element order inside ``w:rPr``, ``w:pPr`` and ``w:tcPr`` follows
the OOXML schema, since Word rejects documents whose property elements are out of order.
Only imported by the Word writer, so importing it may load python-docx.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from functools import cache

from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from lxml.etree import _Element as Element

from mapgen.core.xmltext import xml_text  # also ox.xml_text for the writers

# Settings that the schema places after w:updateFields; it must be inserted before them.
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def el(tag: str, **attrs: str) -> Element:
    """A ``w:`` element with ``w:`` attributes: ``el("w:shd", val="clear", fill="FFFFFF")``.

    What ``OxmlElement(tag, attrs)`` makes, with the tag's and attributes' names parsed once."""
    name, nsmap = _tag(tag)
    return oxml_parser.makeelement(name, attrib={_attr(k): str(v) for k, v in attrs.items()},
                                   nsmap=nsmap)


def plain_el(tag: str, **attrs: str) -> Element:
    """:func:`el` through python-docx's ``OxmlElement`` (the tests compare the two)."""
    return OxmlElement(tag, {qn(f"w:{k}"): str(v) for k, v in attrs.items()})


@cache
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    nsptag = NamespacePrefixedTag(tag)
    return nsptag.clark_name, nsptag.nsmap


@cache
def _attr(key: str) -> str:
    return qn(f"w:{key}")


def sub(parent: Element, tag: str, **attrs: str) -> Element:
    """Append a new element to ``parent`` and return it."""
    child = el(tag, **attrs)
    parent.append(child)
    return child


# --------------------------------------------------------------------------- runs and fonts

def run_props(*, bold: bool = False, italic: bool = False, color: str | None = None,
              size_pt: float | None = None) -> Element:
    """A ``w:rPr`` with the given direct formatting (schema order: b, i, color, sz)."""
    rpr = el("w:rPr")
    if bold:
        sub(rpr, "w:b")
    if italic:
        sub(rpr, "w:i")
    if color:
        sub(rpr, "w:color", val=color)
    if size_pt:
        half_points = str(round(size_pt * 2))
        sub(rpr, "w:sz", val=half_points)
        sub(rpr, "w:szCs", val=half_points)
    return rpr


def text_run(text: str, rpr: Element | None = None) -> Element:
    """A ``w:r`` holding ``text``; line breaks become ``w:br``, tabs ``w:tab``."""
    run = el("w:r")
    if rpr is not None:
        run.append(rpr)
    set_run_text(run, text)
    return run


def set_run_text(run: Element, text: str) -> None:
    """Append ``text`` to an (empty) run as ``w:t``, ``w:br`` and ``w:tab`` elements."""
    for n, line in enumerate(xml_text(text).split("\n")):
        if n:
            sub(run, "w:br")
        for m, part in enumerate(line.split("\t")):
            if m:
                sub(run, "w:tab")
            if part:
                t = sub(run, "w:t")
                t.text = part
                if part != part.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def set_style_font(style, name: str) -> None:
    """Use font ``name`` for every script of ``style``, dropping the theme fonts that win over it."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = el("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def set_style_bottom_border(style, color: str) -> None:
    """Recolour (or add) the bottom border of a paragraph style, dropping its theme colour."""
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = el("w:pBdr")
        ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc",
                                  "w:outlineLvl", "w:rPr")
    for old in borders.findall(qn("w:bottom")):
        borders.remove(old)
    bottom = el("w:bottom", val="single", sz="8", space="4", color=color)
    later = [c for c in borders if c.tag in {qn("w:right"), qn("w:between"), qn("w:bar")}]
    if later:
        later[0].addprevious(bottom)
    else:
        borders.append(bottom)


# --------------------------------------------------------------------------- fields

def simple_field(instr: str, placeholder: str, rpr: Element | None = None) -> Element:
    """A ``w:fldSimple`` (PAGE, NUMPAGES) with its cached result."""
    field = el("w:fldSimple", instr=f" {instr} ")
    field.append(text_run(placeholder, rpr))
    return field


def field_char(kind: str) -> Element:
    """A run with a complex-field character: ``begin``, ``separate`` or ``end``."""
    run = el("w:r")
    sub(run, "w:fldChar", fldCharType=kind)
    return run


def instr_run(instr: str) -> Element:
    """A run with a complex field's instruction text."""
    run = el("w:r")
    text = sub(run, "w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instr} "
    return run


def enable_update_fields(settings_element: Element) -> None:
    """Ask Word to update fields (the table of contents) when it opens the document."""
    if settings_element.find(qn("w:updateFields")) is not None:
        return
    flag = el("w:updateFields", val="true")
    successors = {qn(f"w:{name}") for name in _AFTER_UPDATE_FIELDS}
    for child in settings_element:
        if child.tag in successors:
            child.addprevious(flag)
            return
    settings_element.append(flag)


# --------------------------------------------------------------------------- links

def add_bookmark(paragraph_element: Element, name: str, bookmark_id: int) -> None:
    """Wrap a paragraph's content in a bookmark (the target of the contents' links)."""
    start = el("w:bookmarkStart", id=str(bookmark_id), name=name)
    ppr = paragraph_element.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph_element.insert(0, start)
    paragraph_element.append(el("w:bookmarkEnd", id=str(bookmark_id)))


def internal_link(anchor: str, children: Iterable[Element]) -> Element:
    """A ``w:hyperlink`` to a bookmark in the same document."""
    link = el("w:hyperlink", anchor=anchor, history="1")
    for child in children:
        link.append(child)
    return link


# --------------------------------------------------------------------------- paragraphs

def para_props(*, align: str | None = None, before: int | None = None, after: int | None = None,
               indent: int | None = None, keep_next: bool = False) -> Element:
    """A ``w:pPr`` with spacing and left indent in twips, and an alignment; ``keep_next``
    keeps the paragraph on the page of the next one (a table row with the row below)."""
    ppr = el("w:pPr")
    if keep_next:
        sub(ppr, "w:keepNext")
    if before is not None or after is not None:
        spacing = sub(ppr, "w:spacing")
        if before is not None:
            spacing.set(qn("w:before"), str(before))
        if after is not None:
            spacing.set(qn("w:after"), str(after))
    if indent is not None:
        sub(ppr, "w:ind", left=str(indent))
    if align:
        sub(ppr, "w:jc", val=align)
    return ppr


# --------------------------------------------------------------------------- tables

def shade_cell(tc: Element, fill: str) -> None:
    """Give a ``w:tc`` a solid background (``w:shd`` goes right after ``w:tcW``)."""
    tcpr = tc.get_or_add_tcPr()
    existing = tcpr.find(qn("w:shd"))
    if existing is not None:
        tcpr.remove(existing)
    shd = el("w:shd", val="clear", color="auto", fill=fill)
    width = tcpr.find(qn("w:tcW"))
    if width is not None:
        width.addnext(shd)
    else:
        tcpr.insert(0, shd)


def table_borders(color: str, size_eighths: int = 4) -> Element:
    """``w:tblBorders``: thin single lines of ``color`` all round and between cells."""
    borders = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        sub(borders, f"w:{side}", val="single", sz=str(size_eighths), space="0", color=color)
    return borders


_TEMPLATES: dict[tuple, Element] = {}  # row_template's rows by their arguments
_TEMPLATES_MAX = 256


def row_template(widths: list[int], aligns: list[str], rpr: Element | list[Element | None] | None,
                 *, header: bool = False, min_height: int | None = None, fill: str | None = None,
                 v_align: str | None = None, spacing: int = 40, keep_next: bool = False) -> Element:
    """A ``w:tr`` with one empty run per cell, to be deep-copied for every row of its kind.

    ``rpr`` formats every cell's run, or each cell's when a list. ``header`` makes the row repeat
    at the top of every page; no row splits across pages. ``min_height`` (twips) gives rows room
    to write in by hand. Each distinct row is built once a process and copied after that.
    """
    from lxml.etree import tostring

    rprs = rpr if isinstance(rpr, list) else [rpr] * len(widths)
    key = (tuple(widths), tuple(aligns), tuple(None if r is None else tostring(r) for r in rprs),
           header, min_height, fill, v_align, spacing, keep_next)
    tr = _TEMPLATES.get(key)
    if tr is None:
        if len(_TEMPLATES) >= _TEMPLATES_MAX:
            _TEMPLATES.clear()
        tr = _TEMPLATES[key] = build_row_template(
            widths, aligns, rprs, header=header, min_height=min_height, fill=fill,
            v_align=v_align, spacing=spacing, keep_next=keep_next)
    return deepcopy(tr)


def build_row_template(widths: list[int], aligns: list[str], rprs: list[Element | None], *,
                       header: bool, min_height: int | None, fill: str | None,
                       v_align: str | None, spacing: int, keep_next: bool) -> Element:
    """:func:`row_template` built afresh (``rprs``: one per cell)."""
    tr = el("w:tr")
    trpr = sub(tr, "w:trPr")
    sub(trpr, "w:cantSplit")
    if min_height:
        sub(trpr, "w:trHeight", val=str(min_height), hRule="atLeast")
    if header:
        sub(trpr, "w:tblHeader")
    for width, align, cell_rpr in zip(widths, aligns, rprs, strict=True):
        tc = sub(tr, "w:tc")
        tcpr = sub(tc, "w:tcPr")
        sub(tcpr, "w:tcW", w=str(width), type="dxa")
        if fill:
            sub(tcpr, "w:shd", val="clear", color="auto", fill=fill)
        if v_align:
            sub(tcpr, "w:vAlign", val=v_align)
        p = sub(tc, "w:p")
        p.append(para_props(align=align, before=spacing, after=spacing, keep_next=keep_next))
        run = sub(p, "w:r")
        if cell_rpr is not None:
            run.append(deepcopy(cell_rpr))
    return tr


_TC, _P, _R = qn("w:tc"), qn("w:p"), qn("w:r")


def row_cells(tr: Element) -> list[Element]:
    """The ``w:tc`` children of a row (no python-docx cell objects: linear time)."""
    return tr.findall(_TC)


def fill_row(tr: Element, texts: Iterable[str]) -> None:
    """Write one text into the first run of each cell of a copied row template."""
    for tc, text in zip(tr.findall(_TC), texts, strict=True):
        if text:
            set_run_text(tc.find(_P).find(_R), text)
