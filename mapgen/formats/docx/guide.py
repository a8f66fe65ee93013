"""The facilitator guide laid out in Word: the parts of :mod:`mapgen.core.outline`, in the
handouts' house style (:mod:`mapgen.formats.docx.house`: page, fonts, headings, a footer with
page numbers).

Only the default template's styles are used (Title, Heading 1/2, List Bullet, List Number,
Table Grid), so that the file opens the same in Word and LibreOffice. Headings stay with the
text after them, and so does a paragraph that introduces a list, table or commands; a table
longer than a few rows may run on to the next page (its header row repeated) rather than leave
a page mostly empty. Low-level XML comes from :mod:`mapgen.formats.docx.ooxml`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core.outline import Bullets, Checklist, Commands, Heading, Paragraph, Part, Steps, Table

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Branding

KEEP_TABLE_ROWS = 6  # tables up to this many rows stay on one page; longer ones may break
KEEP_LEADING_ROWS = 2  # rows of a longer table kept with its header (and the heading above)
CODE_FONT = "Consolas"
CODE_SHADE = "F2F2F2"
CODE_PT, TABLE_PT = 9, 9
STYLES_USED = ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "List Number",
               "Footer")
# A monospace character's width in em, measured generously: Consolas is 0.55, the fonts that
# stand in for it where it is missing (Liberation Mono, DejaVu Sans Mono) about 0.6.
CODE_EM = 0.62
MIN_CODE_PT = 6  # a line with an argument too long for the page is set smaller, down to this
INDENT = "  "  # before a command's continued lines


def write_guide(parts: Sequence[Part], branding: Branding, path: Path, *,
                page: str = "Page {page} of {pages}") -> None:
    """Write the guide's ``parts`` as a .docx at ``path``; ``page`` is the footer's
    ``Page {page} of {pages}`` in the guide's language."""
    from docx import Document

    from mapgen.formats.docx.house import house_page, house_styles, page_footer
    from mapgen.formats.docx.ooxml import enable_update_fields
    from mapgen.formats.docx.ooxml import xml_text as x

    doc = Document()
    house_styles(doc, branding.primary_color, branding.font, STYLES_USED)
    house_page(doc.sections[0])
    title = next((p.text for p in parts if isinstance(p, Heading) and p.level == 0), "")
    page_footer(doc.sections[0], "  ·  ".join(x(s) for s in (title, branding.company) if s), x(page))
    for n, part in enumerate(parts):
        if isinstance(part, Heading):
            doc.add_heading(x(part.text), part.level)
        elif isinstance(part, Paragraph):
            p = doc.add_paragraph()
            if part.lead:
                p.add_run(x(part.lead) + " ").bold = True
            p.add_run(x(part.text))
            # a paragraph that introduces a table, list or commands stays with it
            p.paragraph_format.keep_with_next = isinstance(
                _next(parts, n), (Table, Bullets, Steps, Checklist, Commands))
        elif isinstance(part, Bullets):
            for item in part.items:
                doc.add_paragraph(x(item), style="List Bullet")
        elif isinstance(part, Steps):
            paragraphs = [doc.add_paragraph(x(item), style="List Number") for item in part.items]
            _restart_numbering(doc, paragraphs)
        elif isinstance(part, Checklist):
            for item in part.items:
                doc.add_paragraph("☐  " + x(item))
        elif isinstance(part, Table):
            _table(doc, part, branding.primary_color)
        elif isinstance(part, Commands):
            _commands(doc, part.lines)
    enable_update_fields(doc.settings.element)
    doc.core_properties.title = x(title)
    doc.core_properties.author = x(branding.company) or "mapgen"
    doc.save(str(path))


def _next(parts: Sequence[Part], n: int) -> Part | None:
    return parts[n + 1] if n + 1 < len(parts) else None


def _restart_numbering(doc: Any, paragraphs: list[Any]) -> None:
    """Number these paragraphs from 1: each list gets its own numbering instance."""
    if not paragraphs:
        return
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    for p in paragraphs:
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num.numId


def _table(doc: Any, part: Any, colour: str) -> None:
    from docx.shared import Emu, Pt, RGBColor

    from mapgen.formats.docx.ooxml import shade_cell, xml_text

    table = doc.add_table(rows=1, cols=len(part.headers))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    ratios = part.widths or (1,) * len(part.headers)
    widths = [Emu(int(usable * r / sum(ratios))) for r in ratios]
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, part.headers, strict=True):
        shade_cell(cell._tc, colour)
        _tight(cell.paragraphs[0])
        run = cell.paragraphs[0].add_run(xml_text(text))
        run.bold = True
        run.font.size = Pt(TABLE_PT)
        run.font.color.rgb = RGBColor.from_string("FFFFFF")
    last = len(part.rows) - 1
    kept = last if last < KEEP_TABLE_ROWS else KEEP_LEADING_ROWS  # rows kept with the next
    for n, values in enumerate(part.rows):
        row = table.add_row()
        _keep_row_together(row)
        for cell, text in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            _tight(paragraph)
            paragraph.add_run(xml_text(text)).font.size = Pt(TABLE_PT)
            # the first rows stay with the header, and the last two together
            paragraph.paragraph_format.keep_with_next = n < kept or n == last - 1
    for cell in header.cells:
        cell.paragraphs[0].paragraph_format.keep_with_next = bool(part.rows)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    doc.add_paragraph()


def _tight(paragraph: Any) -> None:
    """A table cell's paragraph: no space after it, single line spacing."""
    from docx.shared import Pt

    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0


def _shade_paragraph(paragraph: Any, fill: str) -> None:
    """A fill behind a paragraph; call it before other paragraph settings, so that python-docx
    inserts those in schema order around the ``w:shd``."""
    from mapgen.formats.docx.ooxml import el

    paragraph._p.get_or_add_pPr().append(el("w:shd", val="clear", color="auto", fill=fill))


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _keep_row_together(row: Any) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def command_lines(command: str, width: int) -> list[str]:
    """A shell command as lines of at most ``width`` characters where it can be: broken only
    between arguments (an option stays with its value), each line but the last ending in `` \\``.

    So a command on paper never wraps inside a file name, and still runs when copied. A comment,
    or a command that fits, stays one line; an argument longer than a line gets a line of its own
    (:func:`_commands` sets that line smaller).
    """
    if len(command) <= width or command.lstrip().startswith("#"):
        return [command]
    units: list[str] = []
    words = _shell_words(command)
    n = 0
    while n < len(words):
        pair = " ".join(words[n:n + 2])
        if (words[n].startswith("-") and n + 1 < len(words) and not words[n + 1].startswith("-")
                and len(INDENT + pair + " \\") <= width):
            units.append(pair)  # --out FILE, when they fit on one line
            n += 2
        else:
            units.append(words[n])
            n += 1
    lines = [units[0]]
    for n, unit in enumerate(units[1:], start=2):
        room = width - (0 if n == len(units) else len(" \\"))
        if len(lines[-1]) + 1 + len(unit) <= room:
            lines[-1] += " " + unit
        else:
            lines.append(INDENT + unit)
    return [line + " \\" for line in lines[:-1]] + lines[-1:]


def _shell_words(command: str) -> list[str]:
    """The words of a command as written (quotes and escapes kept), split at unquoted spaces."""
    words: list[str] = []
    word, quote, escaped = "", "", False
    for ch in command:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == " ":
            if word:
                words.append(word)
            word = ""
            continue
        word += ch
    return [*words, word] if word else words


def _code_width(doc: Any) -> int:
    """How many monospace characters fit across the page."""
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin  # EMU
    return int(usable / (CODE_PT * 12700 * CODE_EM))


def _code_size(line: str, width: int) -> float:
    """The code size, or (for a line longer than ``width``) one that fits it, in half points."""
    if len(line) <= width:
        return CODE_PT
    return max(MIN_CODE_PT, int(2 * CODE_PT * width / len(line)) / 2)


def _commands(doc: Any, commands: Sequence[str]) -> None:
    """Shell commands in a monospace block, comments greyed, kept on one page; a command too
    long for a line is continued on the next (see :func:`command_lines`)."""
    from docx.shared import Pt, RGBColor

    from mapgen.formats.docx.ooxml import xml_text

    width = _code_width(doc)
    lines = [line for command in commands for line in command_lines(command, width)]
    for n, line in enumerate(lines):
        p = doc.add_paragraph()
        _shade_paragraph(p, CODE_SHADE)
        fmt = p.paragraph_format
        fmt.space_before = Pt(6 if n == 0 else 0)
        fmt.space_after = Pt(6 if n == len(lines) - 1 else 0)
        fmt.keep_with_next = n < len(lines) - 1
        run = p.add_run(xml_text(line))
        run.font.name = CODE_FONT
        run.font.size = Pt(_code_size(line, width))
        if line.lstrip().startswith("#"):
            run.font.color.rgb = RGBColor.from_string("666666")
