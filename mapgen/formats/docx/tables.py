"""A word-processing document's tables, each with what precedes it: the reusable table reader.

:func:`read_document` opens a checked Word document (.docx, .docm: only its text parts are
read, never its macros) or OpenDocument text (.odt) and returns a :class:`WordDocument`: every
table of the body in reading order (tables inside content controls, sections and lists
included), each with the heading and the paragraphs printed before it and, per row, each
cell's text and formatting (italic, bold, colour, shading), plus the document's custom
properties. The handout reader (:mod:`mapgen.formats.docx.reader`) and ``blueprint import``
read tables through it.

Text is what the page shows: tracked insertions are kept and tracked deletions left out, a
field shows its result, a tab is ``\\t``, a line break ``\\n``, and a cell's paragraphs are
joined with ``\\n``. A cell spanning several grid columns is followed by empty ``covered``
cells, so that a row's cells line up with the table's columns; so are the lower parts of a
vertically merged cell. The parts are parsed with entities and network access off, after
:func:`mapgen.formats.xlsx.safety.inspect_document` has checked the package (DTDs refused,
zip bombs, sizes).
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
               "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
MAX_TABLE_ROWS = 20_000  # rows read from one table (more: the table is cut, ``truncated`` says so)
MAX_ROW_CELLS = 200  # cells read from one row


@dataclass
class WordCell:
    """One cell: its text as printed and its formatting (``None``: mixed or none)."""

    text: str
    italic: bool = False  # every piece of text in it is italic
    bold: bool = False
    color: str | None = None  # the text's colour (hex) when all of it has the same one
    fill: str | None = None  # the cell's shading (hex)
    paragraphs: list[str] = field(default_factory=list)
    covered: bool = False  # part of a cell spanning from the left or from above


@dataclass
class WordTable:
    """A table of the body and what is printed before it."""

    index: int  # 0-based among the body's tables
    heading: str | None  # the last heading before the table
    paragraphs: list[str]  # the non-empty paragraphs between the previous table (or heading) and it
    rows: Sequence[list[WordCell]]  # each row read when first used
    header_rows: int = 0  # rows marked to repeat as the header on each page
    truncated: bool = False
    # the non-empty paragraphs after the table, up to the next heading or table
    after: list[str] = field(default_factory=list)

    def texts(self, row: int) -> list[str]:
        return [c.text for c in self.rows[row]]


@dataclass
class WordDocument:
    """What :func:`read_document` found."""

    kind: str  # "docx", "docm" or "odt"
    tables: list[WordTable]
    properties: dict[str, str]  # custom document properties (name -> text)
    # every heading (None: before the first) with the paragraphs under it, tables aside
    passages: list[tuple[str | None, list[str]]] = field(default_factory=list)


def read_document(path: str | os.PathLike) -> WordDocument:
    """The tables and custom properties of a Word document or OpenDocument text.

    Raises :class:`~mapgen.core.errors.UnusableInput` (one line) for a file that is not a safe,
    readable document."""
    from mapgen.formats.xlsx.safety import inspect_document, read_boundary

    with read_boundary(path):
        data, kind = inspect_document(path)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if kind == "odt":
                return _read_odt(zf)
            return _read_docx(zf, kind)


# --------------------------------------------------------------------------- XML


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    return etree.fromstring(data, parser)


def _member(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """A part by name, found as Office finds it (case and a leading slash ignored)."""
    wanted = name.lstrip("/").lower()
    for info in zf.infolist():
        if info.filename.replace("\\", "/").lstrip("/").lower() == wanted:
            return zf.read(info)
    return None


def _custom_properties(root: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for prop in root.iter(f"{{{_CUSTOM}}}property"):
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext())
    return out


# --------------------------------------------------------------------------- Word


def _main_part(zf: zipfile.ZipFile) -> str:
    rels = _member(zf, "_rels/.rels")
    if rels is not None:
        for rel in _parse(rels).iter(f"{{{_REL}}}Relationship"):
            if rel.get("Type") in _OFFICE_DOC and rel.get("TargetMode") != "External":
                return posixpath.normpath(rel.get("Target", "").replace("\\", "/")).lstrip("/")
    return "word/document.xml"


def _read_docx(zf: zipfile.ZipFile, kind: str) -> WordDocument:
    from mapgen.core.errors import UnusableInput

    name = _main_part(zf)
    data = _member(zf, name)
    if data is None:
        raise UnusableInput(f"the document's text ({name}) is missing")
    styles_xml = _member(zf, posixpath.join(posixpath.dirname(name), "styles.xml"))
    styles = _WordStyles(_parse(styles_xml) if styles_xml else None)
    custom = _member(zf, "docProps/custom.xml")
    properties = _custom_properties(_parse(custom)) if custom else {}
    body = _parse(data).find(f"{_W}body")
    walker = _Walker()
    if body is not None:
        _walk_word(body, walker, styles)
    return WordDocument(kind, walker.tables, properties, walker.passages)


class _WordStyles:
    """Which paragraph and character styles make text italic or bold, or are headings."""

    def __init__(self, root: Any):
        self.styles: dict[str, Any] = {}
        if root is not None:
            for style in root.iter(f"{_W}style"):
                sid = style.get(f"{_W}styleId")
                if sid:
                    self.styles[sid] = style
        self._flags: dict[tuple[str, str], bool] = {}

    def flag(self, sid: str | None, what: str, depth: int = 0) -> bool:
        """Whether style ``sid`` (or one it is based on) sets ``w:i``/``w:b``."""
        if not sid or depth > 20:
            return False
        key = (sid, what)
        if key not in self._flags:
            style = self.styles.get(sid)
            value = False
            if style is not None:
                mark = style.find(f"{_W}rPr/{_W}{what}")
                if mark is not None:
                    value = _on(mark)
                else:
                    based = style.find(f"{_W}basedOn")
                    value = self.flag(based.get(f"{_W}val") if based is not None else None, what,
                                      depth + 1)
            self._flags[key] = value
        return self._flags[key]

    def heading(self, sid: str | None) -> bool:
        style = self.styles.get(sid or "")
        name = style.find(f"{_W}name") if style is not None else None
        text = (name.get(f"{_W}val") if name is not None else sid or "").casefold()
        if text.startswith(("heading", "title")):
            return True
        return style is not None and style.find(f"{_W}pPr/{_W}outlineLvl") is not None


def _on(mark: Any) -> bool:
    return mark.get(f"{_W}val", "true").lower() not in ("0", "false", "off", "none")


class _Walker:
    """Collects tables with the heading and paragraphs before each."""

    def __init__(self) -> None:
        self.tables: list[WordTable] = []
        self.heading: str | None = None
        self.paragraphs: list[str] = []
        self.passages: list[tuple[str | None, list[str]]] = []
        self.last: WordTable | None = None  # the table that paragraphs follow (no heading since)

    def paragraph(self, text: str, heading: bool) -> None:
        text = text.strip()
        if not text:
            return
        if heading:
            self.heading, self.paragraphs = text, []
            self.passages.append((text, []))
            self.last = None
        else:
            self.paragraphs.append(text)
            if self.last is not None:
                self.last.after.append(text)
            if not self.passages:
                self.passages.append((None, []))
            self.passages[-1][1].append(text)

    def table(self, rows: Sequence[list[WordCell]], header_rows: int, truncated: bool) -> None:
        self.last = WordTable(len(self.tables), self.heading, self.paragraphs, rows, header_rows,
                              truncated)
        self.tables.append(self.last)
        self.paragraphs = []


_SKIPPED = {f"{_W}{t}" for t in ("del", "moveFrom", "instrText", "delInstrText", "footnoteReference",
                                "endnoteReference", "commentReference", "rPr", "pPr")}
_WRAPPERS = {f"{_W}{t}" for t in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo")}


def _walk_word(parent: Any, walker: _Walker, styles: _WordStyles) -> None:
    for child in parent:
        tag = child.tag
        if tag == f"{_W}p":
            style = child.find(f"{_W}pPr/{_W}pStyle")
            sid = style.get(f"{_W}val") if style is not None else None
            outline = child.find(f"{_W}pPr/{_W}outlineLvl") is not None
            walker.paragraph(_word_text(child), styles.heading(sid) or outline)
        elif tag == f"{_W}tbl":
            _word_table(child, walker, styles)
        elif tag in _WRAPPERS:
            _walk_word(child, walker, styles)


def _word_parts(parent: Any, tag: str) -> list[Any]:
    """The children of ``parent`` with ``tag`` (``tr`` of a table, ``tc`` of a row), those
    inside wrappers (content controls, tracked insertions) included."""
    found = []
    for child in parent:
        if child.tag == f"{_W}{tag}":
            found.append(child)
        elif child.tag in _WRAPPERS:
            found += _word_parts(child, tag)
    return found


def _word_table(tbl: Any, walker: _Walker, styles: _WordStyles) -> None:
    kept: list[Any] = []
    header_rows = 0
    truncated = False
    for tr in _word_parts(tbl, "tr"):
        props = tr.find(f"{_W}trPr")
        if props is not None and props.find(f"{_W}del") is not None:
            continue  # a row deleted with changes tracked
        if len(kept) >= MAX_TABLE_ROWS:
            truncated = True
            break
        if props is not None and props.find(f"{_W}tblHeader") is not None and len(kept) == header_rows:
            header_rows += 1
        kept.append(tr)
    walker.table(_Rows(kept, lambda tr: _word_row(tr, styles)), header_rows, truncated)


def _word_row(tr: Any, styles: _WordStyles) -> list[WordCell]:
    props = tr.find(f"{_W}trPr")
    before = props.find(f"{_W}gridBefore") if props is not None else None
    row = [WordCell("", covered=True) for _ in range(_int(before, f"{_W}val"))]
    for tc in _word_parts(tr, "tc")[:MAX_ROW_CELLS]:
        tcpr = tc.find(f"{_W}tcPr")
        span = _int(tcpr.find(f"{_W}gridSpan") if tcpr is not None else None, f"{_W}val") or 1
        merge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
        continued = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
        cell = WordCell("", covered=True) if continued else _word_cell(tc, tcpr, styles)
        row.append(cell)
        row += [WordCell("", covered=True) for _ in range(min(span, MAX_ROW_CELLS) - 1)]
    return row[:MAX_ROW_CELLS]


class _Rows(Sequence):
    """A table's rows, each read into cells when it is first asked for (a reader that looks
    at a large table's header only never pays for its body)."""

    def __init__(self, items: list[Any], convert: Callable[[Any], list[WordCell]]):
        self._items, self._convert = items, convert
        self._done: dict[int, list[WordCell]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self._items):
            raise IndexError(index)
        if index not in self._done:
            self._done[index] = self._convert(self._items[index])
        return self._done[index]


def _int(el: Any, attr: str) -> int:
    try:
        return max(0, int(el.get(attr))) if el is not None else 0
    except (TypeError, ValueError):
        return 0


def _word_cell(tc: Any, tcpr: Any, styles: _WordStyles) -> WordCell:
    paragraphs: list[str] = []
    runs: list[tuple[bool, bool, str | None]] = []  # (italic, bold, colour) of each run with text
    for p in tc.iter(f"{_W}p"):
        if _inside_skipped(p, tc):
            continue
        paragraphs.append(_word_text(p, runs, styles))
    paragraphs = _trimmed(paragraphs)
    shading = tcpr.find(f"{_W}shd") if tcpr is not None else None
    fill = shading.get(f"{_W}fill") if shading is not None else None
    colours = {c for _, _, c in runs}
    return WordCell("\n".join(paragraphs), italic=bool(runs) and all(i for i, _, _ in runs),
                    bold=bool(runs) and all(b for _, b, _ in runs),
                    color=next(iter(colours)) if len(colours) == 1 else None,
                    fill=None if fill in (None, "auto") else fill, paragraphs=paragraphs)


def _trimmed(paragraphs: list[str]) -> list[str]:
    """Without the empty paragraphs before and after the text (a cell's first paragraph is
    often left empty above a pasted one)."""
    start, end = 0, len(paragraphs)
    while start < end and not paragraphs[start].strip():
        start += 1
    while end > start and not paragraphs[end - 1].strip():
        end -= 1
    return paragraphs[start:end]


def _inside_skipped(el: Any, stop: Any) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIPPED:
            return True
        parent = parent.getparent()
    return False


def _word_text(p: Any, runs: list | None = None, styles: _WordStyles | None = None) -> str:
    """A paragraph's text as printed (see the module docstring)."""
    out: list[str] = []
    pstyle = p.find(f"{_W}pPr/{_W}pStyle")
    psid = pstyle.get(f"{_W}val") if pstyle is not None else None

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIPPED or tag == f"{_W}p" or tag == f"{_W}tbl":
                continue
            if tag == f"{_W}r":
                text = _run_text(child)
                out.append(text)
                if runs is not None and styles is not None and text.strip():
                    runs.append(_run_format(child, psid, styles))
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _run_text(r: Any) -> str:
    out = []
    for child in r:
        tag = child.tag
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif tag == f"{_W}sym":
            try:
                out.append(chr(int(child.get(f"{_W}char", ""), 16)))
            except ValueError:
                continue
    return "".join(out)


def _run_format(r: Any, psid: str | None, styles: _WordStyles) -> tuple[bool, bool, str | None]:
    rpr = r.find(f"{_W}rPr")
    rstyle = rpr.find(f"{_W}rStyle") if rpr is not None else None
    rsid = rstyle.get(f"{_W}val") if rstyle is not None else None
    flags = []
    for what in ("i", "b"):
        mark = rpr.find(f"{_W}{what}") if rpr is not None else None
        flags.append(_on(mark) if mark is not None
                     else styles.flag(rsid, what) or styles.flag(psid, what))
    colour = rpr.find(f"{_W}color") if rpr is not None else None
    value = colour.get(f"{_W}val") if colour is not None else None
    return flags[0], flags[1], None if value in (None, "auto") else value.upper()


# --------------------------------------------------------------------------- OpenDocument


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_ODF[prefix]}}}{local}"


def _read_odt(zf: zipfile.ZipFile) -> WordDocument:
    from mapgen.core.errors import UnusableInput

    content = _member(zf, "content.xml")
    if content is None:
        raise UnusableInput("the OpenDocument text is damaged (content.xml is missing)")
    root = _parse(content)
    styles = _OdfStyles()
    styles_xml = _member(zf, "styles.xml")
    if styles_xml:
        styles.add(_parse(styles_xml))
    styles.add(root)
    meta = _member(zf, "meta.xml")
    properties: dict[str, str] = {}
    if meta:
        for prop in _parse(meta).iter(_q("meta:user-defined")):
            name = prop.get(_q("meta:name"))
            if name:
                properties[name] = "".join(prop.itertext())
    walker = _Walker()
    text = root.find(f"{_q('office:body')}/{_q('office:text')}")
    if text is not None:
        _walk_odt(text, walker, styles)
    return WordDocument("odt", walker.tables, properties, walker.passages)


class _OdfStyles:
    """Text properties of named and automatic styles (italic, bold, colour), with parents."""

    def __init__(self) -> None:
        self.styles: dict[str, tuple[dict[str, str], str | None]] = {}

    def add(self, root: Any) -> None:
        for style in root.iter(_q("style:style")):
            name = style.get(_q("style:name"))
            props = style.find(_q("style:text-properties"))
            attrs = {}
            cell = style.find(_q("style:table-cell-properties"))
            if cell is not None and cell.get(_q("fo:background-color")) not in (None, "transparent"):
                attrs["fill"] = cell.get(_q("fo:background-color"))
            if props is not None:
                for key in ("fo:font-style", "fo:font-weight", "fo:color"):
                    if props.get(_q(key)) is not None:
                        attrs[key] = props.get(_q(key))
            if name:
                self.styles[name] = (attrs, style.get(_q("style:parent-style-name")))

    def prop(self, name: str | None, key: str, depth: int = 0) -> str | None:
        while name and depth < 20:
            attrs, parent = self.styles.get(name, ({}, None))
            if key in attrs:
                return attrs[key]
            name, depth = parent, depth + 1
        return None



def _walk_odt(parent: Any, walker: _Walker, styles: _OdfStyles) -> None:
    for child in parent:
        tag = child.tag
        if tag == _q("text:h"):
            walker.paragraph(_odt_text(child), True)
        elif tag == _q("text:p"):
            walker.paragraph(_odt_text(child), False)
        elif tag == _q("table:table"):
            _odt_table(child, walker, styles)
        elif tag in {_q(t) for t in ("text:section", "text:list", "text:list-item", "text:list-header")}:
            _walk_odt(child, walker, styles)


def _odt_rows(table: Any, header: bool = False) -> list[tuple[Any, bool]]:
    rows = []
    for child in table:
        if child.tag == _q("table:table-row"):
            rows.append((child, header))
        elif child.tag == _q("table:table-header-rows"):
            rows += _odt_rows(child, True)
        elif child.tag in (_q("table:table-rows"), _q("table:table-row-group")):
            rows += _odt_rows(child, header)
    return rows


def _odt_table(table: Any, walker: _Walker, styles: _OdfStyles) -> None:
    rows: list[list[WordCell]] = []
    header_rows = 0
    truncated = False
    for tr, header in _odt_rows(table):
        repeat = min(_int(tr, _q("table:number-rows-repeated")) or 1, MAX_TABLE_ROWS)
        row: list[WordCell] = []
        for tc in tr:
            if tc.tag not in (_q("table:table-cell"), _q("table:covered-table-cell")):
                continue
            times = min(_int(tc, _q("table:number-columns-repeated")) or 1, MAX_ROW_CELLS)
            for _ in range(times):
                if len(row) >= MAX_ROW_CELLS:
                    break
                if tc.tag == _q("table:covered-table-cell"):
                    row.append(WordCell("", covered=True))
                else:
                    row.append(_odt_cell(tc, styles))
                    fill = styles.prop(tc.get(_q("table:style-name")), "fill")
                    row[-1].fill = fill.lstrip("#").upper() if fill else None
        for _ in range(repeat):
            if len(rows) >= MAX_TABLE_ROWS:
                truncated = True
                break
            rows.append([WordCell(c.text, c.italic, c.bold, c.color, c.fill, list(c.paragraphs),
                                  c.covered) for c in row])
            if header and len(rows) == header_rows + 1:
                header_rows += 1
    walker.table(rows, header_rows, truncated)


def _odt_cell(tc: Any, styles: _OdfStyles) -> WordCell:
    paragraphs: list[str] = []
    runs: list[tuple[bool, bool, str | None]] = []
    for p in tc.iter(_q("text:p"), _q("text:h")):
        paragraphs.append(_odt_text(p, runs, styles))
    paragraphs = _trimmed(paragraphs)
    colours = {c for _, _, c in runs}
    return WordCell("\n".join(paragraphs), italic=bool(runs) and all(i for i, _, _ in runs),
                    bold=bool(runs) and all(b for _, b, _ in runs),
                    color=next(iter(colours)) if len(colours) == 1 else None,
                    paragraphs=paragraphs)


def _odt_text(p: Any, runs: list | None = None, styles: _OdfStyles | None = None) -> str:
    out: list[str] = []
    skip = {_q("text:note"), _q("text:tracked-changes"), _q("office:annotation")}

    def fmt(style: str | None) -> tuple[bool, bool, str | None]:
        italic = styles.prop(style, "fo:font-style") in ("italic", "oblique")
        weight = styles.prop(style, "fo:font-weight") or ""
        colour = styles.prop(style, "fo:color")
        return italic, weight == "bold" or (weight.isdigit() and int(weight) >= 600), \
            colour.lstrip("#").upper() if colour else None

    def walk(el: Any, style: str | None) -> None:
        if el.text:
            out.append(el.text)
            if runs is not None and styles is not None and el.text.strip():
                runs.append(fmt(style))
        for child in el:
            tag = child.tag
            if tag in skip:
                pass
            elif tag == _q("text:s"):
                out.append(" " * max(1, _int(child, _q("text:c"))))
            elif tag == _q("text:tab"):
                out.append("\t")
            elif tag == _q("text:line-break"):
                out.append("\n")
            else:
                walk(child, child.get(_q("text:style-name")) or style)
            if child.tail:
                out.append(child.tail)
                if runs is not None and styles is not None and child.tail.strip():
                    runs.append(fmt(style))

    walk(p, p.get(_q("text:style-name")))
    return "".join(out)
