"""The Word document: a workshop handout to write on, or a pre-filled plan ready to print.

:func:`write_docx` lays out a :class:`~mapgen.model.view.DocumentView` (it never walks the blueprint
itself): a cover, the introduction with its "how to use" steps and the contents, then one page
section per plan section (landscape when its table is wide) with purpose, instructions and a
table: examples in grey italics, the plan's rows, and empty rows tall enough to write in.

Table rows are raw ``w:tr`` XML, one template per kind of row deep-copied for each row, so a plan
with thousands of rows is written in linear time (python-docx's ``table.cell(r, c)`` and
``table.rows[i]`` are linear per call, so quadratic in a loop). Only styles that python-docx's
default template contains are used; the brand font and colour are set on those styles.
This module is imported only when a Word document is written (python-docx loads with it).
"""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from pathlib import Path
from typing import Any, Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml.etree import _Element as Element

from mapgen.core.apportion import apportion
from mapgen.core.colors import text_on
from mapgen.core.i18n import N_, Texts, texts_for
from mapgen.formats.docx import ooxml as ox
from mapgen.formats.docx.house import MARGIN_CM, PAGE_CM, TEXT_GREY, house_page, house_styles, page_footer
from mapgen.formats.docx.pages import BOLD_CHAR_TWIPS, TABLE_CHAR_TWIPS, TABLE_PT, Page, min_width, row_twips
from mapgen.formats.docx.record import (
    EXAMPLES_CAPTION,
    INTERNAL_NOTE,
    add_record,
    handout_record,
    merge_lines,
)
from mapgen.formats.docx.timeline import handout_timeline, timeline_fills, week_label
from mapgen.formats.registry import WriteOptions
from mapgen.model.plan import NOTES_KEY
from mapgen.model.view import (
    SIGNOFF_HEADERS,
    SIGNOFF_TEXT,
    WEB_LINK,
    DocumentView,
    SectionView,
    TimelineItem,
    display_value,
    kept_lines,
    property_text,
)

WRITE_IN_TWIPS = 510  # 0.9 cm: the height of a row to write in by hand
WRITE_IN_ROW_TWIPS = WRITE_IN_TWIPS + 20  # with its border
# Heights that the page estimate uses (twips; 20 a point), measured generously.
# Measured on LibreOffice's PDF of the default blueprint, rounded up.
HEADING1_TWIPS = 850   # 16 pt heading, 14 pt before and 6 pt after
HEADING2_TWIPS = 650   # 12 pt heading, 12 pt before
TOC_HEADING_TWIPS = 1000
CAPTION_TWIPS = 330
TOC_LINE_TWIPS = 330
LOGO_BOX_CM = (6.0, 2.2)  # the largest the logo may be on the cover (width, height)
SOURCES_WIDTH = 16  # characters, like a blueprint column width
NOTE_PT = 7.5
GREY = "7F7F7F"  # examples and small print
BORDER_GREY = "A6A6A6"
NOTE_FILL = "FCE4D6"  # light orange: a cell with a merge note (e.g. a conflict)
LINK_BLUE = "0563C1"  # a link a plan keeps for a cell, as office suites show links
SIGNOFF_ROW_TWIPS = 850  # 1.5 cm: room to sign
BLANK_COVER_FIELDS = (N_("Buyer"), N_("Seller"), N_("Deal"), N_("Go-live"))
TOC_INSTRUCTION = r'TOC \o "1-2" \h \z \u'
STYLES_USED = ("Normal", "Title", "Heading 1", "Heading 2", "TOC Heading", "Caption",
               "List Number", "Footer", "Table Grid")


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    """The ``docx`` output format (see :mod:`mapgen.formats.registry`)."""
    write_docx(view, path)


def write_docx(view: DocumentView, path: Path) -> None:
    """Write ``view`` as a Word document at ``path`` (the temporary file of atomic_write).

    Raises MapgenError, before anything is written, when the blueprint's logo cannot be used.
    """
    logo = view.logo(_usable_logo)
    doc = Document()
    _DocxWriter(doc, view, logo).write()
    add_record(doc, handout_record(view))  # what the reader needs, where no page shows it
    doc.save(str(path))


def _usable_logo(path: Path) -> Path:
    """``path`` if python-docx can place the image; ValueError saying why not (OSError as raised)."""
    try:
        Image.from_file(str(path))
    except UnrecognizedImageError:
        raise ValueError("not a PNG, JPEG, GIF, BMP or TIFF image") from None
    except OSError:
        raise
    except Exception as exc:  # a truncated image fails inside python-docx's header parsers
        raise ValueError(f"unreadable image ({type(exc).__name__})") from None
    return path


def fact_text(value: Any, texts: Texts | None = None) -> str:
    """A deal fact as people read it (dates as 15 Jan 2027, in the language of ``texts``)."""
    if isinstance(value, dt.date):
        return (texts or texts_for()).date(value)
    return "" if value is None else str(value)


class _DocxWriter:
    """Lays out one view in one python-docx document."""

    def __init__(self, doc: DocxDocument, view: DocumentView, logo: Path | None):
        self.doc = doc
        self.view = view
        self._ = view.texts
        self.logo = logo
        self.brand = view.branding.primary_color
        # (level, text, bookmark, estimated page): the contents
        self.headings: list[tuple[int, str, str, int]] = []
        self.page = Page(Cm(PAGE_CM[1] - 2 * MARGIN_CM).twips, Cm(PAGE_CM[0] - 2 * MARGIN_CM).twips)
        self.landscape = False
        self._style_ids: dict[tuple[str, Any], str | None] = {}
        self._style_objects: dict[str, Any] = {}
        self._defaults: dict[Any, Any] = {}

    def _style(self, name: str) -> Any:
        """``doc.styles[name]``, found once a document (python-docx searches by XPath)."""
        if name not in self._style_objects:
            self._style_objects[name] = self.doc.styles[name]
        return self._style_objects[name]

    def _style_id(self, name: str, kind: Any = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The id of style ``name`` (None for the default style), worked out once a document as
        python-docx's ``get_style_id`` does, which scans every style for the default each call."""
        key = (name, kind)
        if key not in self._style_ids:
            style = self._style(name)
            if style.type != kind:
                raise ValueError(f"assigned style is type {style.type}, need type {kind}")
            if kind not in self._defaults:
                self._defaults[kind] = self.doc.styles.default(kind)
            self._style_ids[key] = None if style == self._defaults[kind] else style.style_id
        return self._style_ids[key]

    def _styled(self, text: str, style: str) -> Paragraph:
        """``doc.add_paragraph(text, style=style)``, the style's id from :meth:`_style_id`."""
        paragraph = self.doc.add_paragraph(text)
        paragraph._p.style = self._style_id(style)
        return paragraph

    def write(self) -> None:
        self._styles()
        first = self.doc.sections[0]
        self._page(first, landscape=False)
        self._footer(first)
        self._properties()
        self._cover()
        contents = self._introduction()
        sections = self.view.sections
        items, weeks = handout_timeline(self.view)
        for n, section_view in enumerate(sections):
            self._section(section_view, sections[n + 1:])
        if self.view.signoff:
            self._signoff()
        if weeks:
            self._timeline(items, weeks)
        self._contents(contents)
        ox.enable_update_fields(self.doc.settings.element)

    # ----------------------------------------------------------------------- document setup

    def _styles(self) -> None:
        """The house style (:mod:`mapgen.formats.docx.house`), and the handout's own: the
        contents' heading, captions."""
        house_styles(self.doc, self.brand, self.view.branding.font, STYLES_USED)
        styles = self._style  # each style found once
        styles("TOC Heading").paragraph_format.space_before = Pt(20)
        caption = styles("Caption")
        caption.font.bold = False
        caption.font.italic = True
        caption.font.size = Pt(8.5)
        caption.font.color.rgb = RGBColor.from_string(TEXT_GREY)
        caption.paragraph_format.space_after = Pt(3)

    @staticmethod
    def _page(section: Section, *, landscape: bool) -> None:
        house_page(section, landscape=landscape)

    @staticmethod
    def _text_width(section: Section) -> int:
        """The width between the margins, in twips."""
        return Emu(section.page_width - section.left_margin - section.right_margin).twips

    def _footer(self, section: Section) -> None:
        """``title · company · participant · Page N of M`` on every page but the cover.

        Later sections inherit this footer (python-docx links them to the previous one)."""
        parts = [self.view.title, self.view.branding.company, self.view.participant]
        page_footer(section, "  ·  ".join(p for p in parts if p),
                    self._("Page {page} of {pages}"), cover=True)

    def _properties(self) -> None:
        props = self.doc.core_properties
        bp = self.view.blueprint
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.title = ox.xml_text(property_text(self.view.title))
        props.subject = self._("Mutual Action Plan")
        props.author = props.last_modified_by = ox.xml_text(property_text(self.view.author))
        props.comments = self._("Made from blueprint '{name}' version {version}", name=bp.name,
                                version=bp.version)
        props.keywords = self._("MAP; mutual action plan")
        props.created = props.modified = now
        props.revision = 1

    # ----------------------------------------------------------------------- cover and introduction

    def _cover(self) -> None:
        doc, view = self.doc, self.view
        if self.logo is not None:
            width, height = self._logo_size()
            doc.add_paragraph().add_run().add_picture(str(self.logo), width=width, height=height)
        doc.add_paragraph().paragraph_format.space_before = Cm(3 if self.logo is None else 1.5)
        if view.branding.company:
            self._run(doc.add_paragraph(), view.branding.company.upper(), size=13, color=self.brand,
                      bold=True)
        self._styled(ox.xml_text(view.title), "Title")
        self._run(doc.add_paragraph(), self._subtitle(), size=15, color=TEXT_GREY)
        note = doc.add_paragraph()
        note.paragraph_format.space_after = Pt(24)
        edition = self._edition()
        self._run(note, self._("Prepared {date}", date=self._.date(view.generated))
                  + (f"   ·   {edition}" if edition else ""), color=GREY)
        self._facts_table()
        if view.audience == "internal" and any(sv.sources is not None for sv in view.sections):
            self._merge_summary()
        doc.add_page_break()
        self.page.new_page()

    def _merge_summary(self) -> None:
        """On a merged plan's cover (the session-2 handout): whose work it holds, how many
        rows each section now has, and the conflicts to settle together."""
        view, doc = self.view, self.doc
        people: dict[str, None] = {}
        for sv in view.sections:
            for text in sv.sources or ():
                people.update(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
        conflicts = sum(len(sv.notes) for sv in view.sections)
        renumbered = sum(len(sv.merge_notes) for sv in view.sections)
        heading = doc.add_paragraph()
        heading.paragraph_format.space_before = Pt(18)
        _ = self._
        self._run(heading, _("Consolidated for the next session"), size=12, bold=True,
                  color=self.brand)
        if people:
            self._run(doc.add_paragraph(), _("From the work of: {names}", names=", ".join(people)))
        counts = [f"{sv.title}: {len(sv.rows)}" for sv in view.sections if sv.rows]
        if counts:
            self._run(doc.add_paragraph(), _("Rows: {counts}", counts="; ".join(counts)),
                      color=TEXT_GREY)
        self._run(doc.add_paragraph(), (
            _.ngettext("{n} value to settle together: shaded in the tables, with every "
                       "contributor's value beneath.",
                       "{n} values to settle together: shaded in the tables, with every "
                       "contributor's value beneath.", conflicts) if conflicts else
            _("No conflicting values: the contributions agree.")), bold=bool(conflicts))
        if renumbered:
            self._run(doc.add_paragraph(), _.ngettext(
                "{n} row renumbered, as another row had its number: its old number is noted "
                "under its sources.",
                "{n} rows renumbered, as other rows had their numbers: each old number is noted "
                "under the row's sources.", renumbered))

    @staticmethod
    def _run(paragraph: Paragraph, text: str, *, size: float | None = None,
             color: str | None = None, bold: bool = False, italic: bool = False) -> None:
        run = paragraph.add_run(ox.xml_text(text))
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)

    def _subtitle(self) -> str:
        _ = self._
        if self.view.audience == "internal" and any(sv.sources is not None
                                                    for sv in self.view.sections):
            return _("Consolidated plan")
        if not self.view.prefilled:
            return _("Plan to fill in") if self.view.audience == "buyer" else _("Workshop handout")
        buyer = self.view.deal.get("buyer")
        return _("Prepared for {buyer}", buyer=buyer) if buyer else _("Plan")

    def _edition(self) -> str:
        if self.view.audience == "buyer":
            return self._("Buyer edition")
        if self.view.prefilled:
            return self._("Internal copy with seller-only columns: not for the buyer")
        return ""

    def _logo_size(self) -> tuple[int, int]:
        """The logo scaled into LOGO_BOX_CM with its proportions, in EMU."""
        image = Image.from_file(str(self.logo))
        scale = min(Cm(LOGO_BOX_CM[0]) / image.width, Cm(LOGO_BOX_CM[1]) / image.height)
        return int(image.width * scale), int(image.height * scale)

    def _facts_table(self) -> None:
        """The deal facts that are known and, on a blank handout, lines to fill in by hand;
        then who the copy is for ("Participant") or a "Name" line to write on."""
        view = self.view
        _ = self._
        facts = [(label, fact_text(value, _)) for label, value in view.deal_facts()]
        if not view.prefilled:
            known = {label for label, _value in facts}
            facts += [(_(label), "") for label in BLANK_COVER_FIELDS if _(label) not in known]
        if view.participant:
            facts.append((_("Participant"), view.participant))
        elif not view.prefilled:
            facts.append((_("Name"), ""))
        if not facts:
            return
        widths = [Cm(3.5).twips, Cm(10.5).twips]
        table = self._table(widths, lines="rows")
        template = ox.row_template(widths, ["left", "left"],
                                   [ox.run_props(bold=True, color=TEXT_GREY), None],
                                   min_height=WRITE_IN_TWIPS, v_align="bottom", spacing=20)
        for label, value in facts:
            tr = deepcopy(template)
            ox.fill_row(tr, [label, value])
            table.append(tr)

    def _introduction(self) -> Paragraph:
        """The intro, the "how to use" steps, and the contents heading (filled in at the end)."""
        view, doc, page = self.view, self.doc, self.page
        if view.intro or view.how_to_use:
            self._heading(self._("Introduction"), 1)
            page.add(HEADING1_TWIPS)
            for text in view.intro:
                doc.add_paragraph(ox.xml_text(text))
                page.add(page.text(text))
        if view.how_to_use:
            self._heading(self._("How to use this plan"), 2)
            page.add(HEADING2_TWIPS)
            for step in view.how_to_use:
                self._styled(ox.xml_text(step), "List Number")
                page.add(page.text(step, indent=360, after=0))
        # "TOC Heading" is outside the outline, so the contents do not list themselves.
        heading = self._styled(self._("Contents"), "TOC Heading")
        heading.paragraph_format.keep_with_next = True
        entries = len(self.headings) + len(view.sections)
        page.add(TOC_HEADING_TWIPS)
        for _ in range(entries):
            page.add(TOC_LINE_TWIPS)
        return heading

    def _heading(self, text: str, level: int) -> None:
        """A heading with a bookmark that the contents link to."""
        paragraph = self._styled(ox.xml_text(text), f"Heading {level}")
        number = len(self.headings) + 1
        bookmark = f"_Toc_mapgen_{number}"
        ox.add_bookmark(paragraph._p, bookmark, number)
        self.headings.append((level, text, bookmark, self.page.number))

    def _contents(self, heading: Paragraph) -> None:
        """A real TOC field after ``heading``: each entry links to its heading, and a PAGEREF
        field after a dotted tab gives its page. Word rebuilds the whole field on open
        (``updateFields``); LibreOffice shows each PAGEREF's page as it lays the document out.
        The cached page numbers are the writer's estimate."""
        if not self.headings:
            return
        right = self._text_width(self.doc.sections[0])
        paragraphs: list[Element] = []
        for n, (level, text, bookmark, page) in enumerate(self.headings):
            p = ox.el("w:p")
            props = ox.para_props(before=0, after=60, indent=360 * (level - 1) or None)
            tabs = ox.el("w:tabs")
            ox.sub(tabs, "w:tab", val="right", leader="dot", pos=str(right))
            spacing = props.find(ox.el("w:spacing").tag)
            (spacing.addprevious if spacing is not None else props.append)(tabs)
            p.append(props)
            if n == 0:
                p.extend([ox.field_char("begin"), ox.instr_run(TOC_INSTRUCTION),
                          ox.field_char("separate")])
            p.append(ox.internal_link(bookmark, [ox.text_run(text), ox.text_run("\t"),
                                                 ox.field_char("begin"),
                                                 ox.instr_run(f"PAGEREF {bookmark} \\h"),
                                                 ox.field_char("separate"),
                                                 ox.text_run(str(page)),
                                                 ox.field_char("end")]))
            paragraphs.append(p)
        paragraphs[-1].append(ox.field_char("end"))
        anchor = heading._p
        for p in paragraphs:
            anchor.addnext(p)
            anchor = p

    # ----------------------------------------------------------------------- plan sections

    def _section(self, sv: SectionView, rest: list[SectionView]) -> None:
        """One plan section: texts, then its table. It follows the previous one on the same
        page when both have the same orientation (a wide table turns the page: landscape),
        its heading and texts kept with the table's first rows. The table's write-in rows
        fill what the page has left when the next section would start on a new page anyway."""
        if sv.landscape != self.landscape:
            section = self.doc.add_section(WD_SECTION.NEW_PAGE)
            section.different_first_page_header_footer = False
            self._page(section, landscape=sv.landscape)
            self._shrink_break_paragraph()
            self.landscape = sv.landscape
            self.page.new_page(landscape=sv.landscape)
        section = self.doc.sections[-1]
        width = self._text_width(section)
        forced = self.page.used > 0 and self._new_page(sv, rest[:1], self.page.used)
        if forced:
            self.page.new_page()
        self.page.keep(self._opening(sv, width))
        self._heading(f"{sv.number}. {sv.title}", 1)
        if forced:
            self.doc.paragraphs[-1].paragraph_format.page_break_before = True
        self.page.add(HEADING1_TWIPS)
        texts = []
        if sv.section.internal:
            paragraph = self.doc.add_paragraph()
            self._run(paragraph, self._(INTERNAL_NOTE), italic=True, color=GREY)
            texts.append(paragraph)
        if sv.purpose:
            texts.append(self.doc.add_paragraph(ox.xml_text(sv.purpose)))
        if sv.instructions:
            paragraph = self.doc.add_paragraph()
            self._run(paragraph, self._("Instructions:") + " ", bold=True)
            self._run(paragraph, sv.instructions)
            texts.append(paragraph)
        if sv.examples:
            texts.append(self._styled(self._(EXAMPLES_CAPTION), "Caption"))
        for paragraph in texts:
            paragraph.paragraph_format.keep_with_next = True
        self.page.add(self._texts_height(sv))
        self._section_table(sv, width, rest)
        for n, text in enumerate(sv.table_notes):  # the plan's notes: text, never rows
            paragraph = self.doc.add_paragraph(ox.xml_text(text))
            if n == 0:
                paragraph.paragraph_format.space_before = Pt(6)  # clear of the table
        self.page.add(self._notes_height(sv))

    def _new_page(self, sv: SectionView, after: list[SectionView], used: int) -> bool:
        """Whether ``sv``, starting ``used`` twips down the page, begins on a new page: when
        its opening does not fit (it moves there by itself), or when it is the last section
        of its orientation and its whole table does not fit (its last rows would otherwise
        print alone on the page before the next orientation's)."""
        page, width = self.page, self._text_width(self.doc.sections[-1])
        opening = self._opening(sv, width)
        if used + opening > page.height:
            return True
        if after and after[0].landscape == sv.landscape:
            return False
        signoff = 0 if after else self._signoff_height()
        return used + self._whole(sv, width) + signoff + page.safety() > page.height

    def _whole(self, sv: SectionView, width: int) -> int:
        """Twips of a section with its whole table (the blueprint's write-in rows included)."""
        widths = self._widths(sv, width)
        rows = [self._row_height(sv, widths, r) for r in sv.examples]
        rows += [self._row_height(sv, widths, r, i) for i, r in enumerate(sv.rows)]
        first = rows[0] if rows else WRITE_IN_ROW_TWIPS
        return (self._opening(sv, width) - first + sum(rows)
                + WRITE_IN_ROW_TWIPS * (sv.blank_rows - (0 if rows else 1)))

    def _signoff(self) -> None:
        """Sign-off: per role a row to write the name, title, date and signature in."""
        width = self._text_width(self.doc.sections[-1])
        self.page.keep(self._signoff_height())
        self._heading(self._("Sign-off"), 1)
        paragraph = self.doc.add_paragraph(self._(SIGNOFF_TEXT))
        paragraph.paragraph_format.keep_with_next = True
        widths = apportion(width, [22, 26, 20, 14, 28], [0] * 5, rest="last")
        table = self._table(widths)
        header = ox.row_template(widths, ["left"] * 5, ox.run_props(
            bold=True, size_pt=TABLE_PT, color=text_on(self.brand)), header=True, fill=self.brand,
            v_align="center", keep_next=True)
        ox.fill_row(header, [self._(h) for h in SIGNOFF_HEADERS])
        table.append(header)
        row = ox.row_template(widths, ["left"] * 5, ox.run_props(bold=True, size_pt=TABLE_PT),
                              min_height=SIGNOFF_ROW_TWIPS, v_align="bottom")
        for role in self.view.signoff:
            tr = deepcopy(row)
            ox.fill_row(tr, [role, "", "", "", ""])
            table.append(tr)
        self.page.add(self._signoff_height())

    def _signoff_height(self) -> int:
        if not self.view.signoff:
            return 0
        return (HEADING1_TWIPS + self.page.text(self._(SIGNOFF_TEXT)) + 350
                + (SIGNOFF_ROW_TWIPS + 20) * len(self.view.signoff))

    def _timeline(self, items: list[TimelineItem], weeks: list[dt.date]) -> None:
        """A landscape page: each dated phase and action item as a bar across week columns
        (overdue items in red, done ones in green), this week's column shaded."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        self._page(section, landscape=True)
        self._shrink_break_paragraph()
        self.landscape = True
        self.page.new_page(landscape=True)
        self._heading(self._("Timeline"), 1)
        today = self.view.generated
        self._styled(ox.xml_text(self._(
            "Phases run from one milestone to the next; action items show in the week they "
            "are due. Red: overdue; green: done; the shaded column is the week of {date}.",
            date=self._.date(today))), "Caption")
        width = self._text_width(section)
        label_w = Cm(7).twips
        week_w = (width - label_w) // len(weeks)
        widths = [label_w] + [week_w] * (len(weeks) - 1) + [width - label_w - week_w * (len(weeks) - 1)]
        table = self._table(widths)
        aligns = ["left"] + ["center"] * len(weeks)
        header = ox.row_template(widths, aligns, ox.run_props(bold=True, size_pt=6.5,
                                                              color=text_on(self.brand)),
                                 header=True, fill=self.brand, v_align="center", spacing=10)
        ox.fill_row(header, [self._("Week of")] + [week_label(w, self._) for w in weeks])
        table.append(header)
        row_tpl = ox.row_template(widths, aligns, ox.run_props(size_pt=8), spacing=20)
        for item, fills in zip(items, timeline_fills(items, weeks, today, self.brand), strict=True):
            tr = deepcopy(row_tpl)
            ox.fill_row(tr, [item.label] + [""] * len(weeks))
            for tc, fill in zip(ox.row_cells(tr)[1:], fills, strict=True):
                if fill:
                    ox.shade_cell(tc, fill)
            table.append(tr)

    def _texts_height(self, sv: SectionView) -> int:
        page = self.page
        _ = self._
        height = page.text(_(INTERNAL_NOTE)) if sv.section.internal else 0
        height += page.text(sv.purpose) if sv.purpose else 0
        height += page.text(_("Instructions:") + " " + sv.instructions) if sv.instructions else 0
        return height + (CAPTION_TWIPS if sv.examples else 0)

    def _notes_height(self, sv: SectionView) -> int:
        """Twips of the plan's notes printed under the section's table (6 pt above them)."""
        if not sv.table_notes:
            return 0
        return 120 + sum(self.page.text(text) for text in sv.table_notes)

    def _opening(self, sv: SectionView, width: int) -> int:
        """Twips from a section's heading to the end of its table's first body row: what
        moves to the next page as one block when it does not fit."""
        widths = self._widths(sv, width)
        first = (sv.examples or sv.rows or [None])[0]
        body = (self._row_height(sv, widths, first) if first is not None else WRITE_IN_ROW_TWIPS)
        return (HEADING1_TWIPS + self._texts_height(sv) + self._header_height(sv, widths) + body)

    def _shrink_break_paragraph(self) -> None:
        """``add_section`` ended the previous section with an empty paragraph: make it 1 pt
        high, so that a page filled to the bottom never pushes it onto a page of its own."""
        fmt = Paragraph(self.doc.element.body[-2], self.doc._body).paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(1)

    def _sources(self, sv: SectionView) -> list[str] | None:
        return sv.sources if self.view.audience == "internal" else None

    def _titles(self, sv: SectionView) -> list[str]:
        return [c.title for c in sv.columns] + ([] if self._sources(sv) is None
                                                 else [self._("Sources")])

    def _widths(self, sv: SectionView, text_width: int) -> list[int]:
        columns, sources = sv.columns, self._sources(sv)
        titles = self._titles(sv)
        weights = [c.display_width for c in columns] + ([] if sources is None else [SOURCES_WIDTH])
        minimums = [min_width(c, t, self._) for c, t in zip([*columns, None], titles, strict=False)]
        return apportion(text_width, weights, minimums, rest="last")

    def _header_height(self, sv: SectionView, widths: list[int]) -> int:
        return row_twips(self._titles(sv), widths, BOLD_CHAR_TWIPS)

    def _row_height(self, sv: SectionView, widths: list[int], row: dict, index: int = -1) -> int:
        texts = [display_value(c, row.get(c.key), self._) for c in sv.columns]
        sources = self._sources(sv)
        if sources is not None:
            texts.append(sources[index] if 0 <= index < len(sources) else "")
        if (sv.notes or sv.merge_notes) and index >= 0:
            own, under = merge_lines(sv, index, sources is not None)
            texts = [t + "".join(f"\n{line}" for line in [*([sv.notes[(index, c.key)]] if
                                                           (index, c.key) in sv.notes else []),
                                                         *own.get(c.key, [])])
                     for t, c in zip(texts, sv.columns, strict=False)] + [
                         "\n".join([t, *under]) for t in texts[len(sv.columns):]]
        kept = kept_lines(sv, row, index)
        if kept:
            texts = [t + "".join(f"\n{line}" for line, _link in kept.get(c.key, ()))
                     for t, c in zip(texts, sv.columns, strict=False)] + texts[len(sv.columns):]
        return row_twips(texts, widths, TABLE_CHAR_TWIPS)

    def _section_table(self, sv: SectionView, text_width: int, rest: list[SectionView]) -> None:
        columns, page = sv.columns, self.page
        sources = self._sources(sv)
        extra = [] if sources is None else [""]
        titles = self._titles(sv)
        widths = self._widths(sv, text_width)
        aligns = [c.field.align for c in columns] + ["left"] * len(extra)
        table = self._table(widths)
        header_height = self._header_height(sv, widths)

        header = ox.row_template(widths, aligns, ox.run_props(bold=True, size_pt=TABLE_PT,
                                                              color=text_on(self.brand)),
                                 header=True, fill=self.brand, v_align="center", keep_next=True)
        ox.fill_row(header, titles)
        table.append(header)
        page.add(header_height)

        def add_row(tr: Element, height: int) -> None:
            table.append(tr)
            page.add_row(height, header_height)

        example = ox.row_template(widths, aligns, ox.run_props(italic=True, color=GREY, size_pt=TABLE_PT))
        for row in sv.examples:
            tr = deepcopy(example)
            ox.fill_row(tr, [display_value(c, row.get(c.key), self._) for c in columns] + extra)
            add_row(tr, self._row_height(sv, widths, row))

        data = ox.row_template(widths, aligns, ox.run_props(size_pt=TABLE_PT))
        for index, row in enumerate(sv.rows):
            tr = deepcopy(data)
            texts = [display_value(c, row.get(c.key), self._) for c in columns]
            if sources is not None:
                texts.append(sources[index] if index < len(sources) else "")
            ox.fill_row(tr, texts)
            if sv.notes or sv.merge_notes:
                self._notes(tr, sv, index, sources is not None)
            if NOTES_KEY in row:
                self._write_kept_notes(tr, sv, row, index)
            add_row(tr, self._row_height(sv, widths, row, index))

        blank = ox.row_template(widths, aligns, None, min_height=WRITE_IN_TWIPS)
        count = sv.blank_rows + self._fill_rows(sv, rest)
        for _ in range(count):
            add_row(deepcopy(blank), WRITE_IN_ROW_TWIPS)

    def _fill_rows(self, sv: SectionView, rest: list[SectionView]) -> int:
        """Write-in rows beyond the blueprint's count that fill the rest of the page, when the
        next section starts on a new page anyway (or there is none), up to as many again as the
        blueprint gives the section. Called before the blueprint's write-in rows are added to
        the page estimate."""
        page = self.page
        after = page.used + WRITE_IN_ROW_TWIPS * sv.blank_rows
        if after > page.height:  # the table runs on to a new page
            after = after % page.height + self._header_height(sv, self._widths(
                sv, self._text_width(self.doc.sections[-1])))
        left = (page.height - after - page.safety() - self._notes_height(sv)
                - (0 if rest else self._signoff_height()))
        if left <= 0:
            return 0
        if rest and rest[0].landscape == sv.landscape and not self._new_page(rest[0], rest[1:2], after):
            return 0  # the next section starts on this page
        # no more than the blueprint asks of a blank handout: the objective gets a few lines
        return min(left // WRITE_IN_ROW_TWIPS, sv.section.blank_rows)

    @staticmethod
    def _notes(tr: Element, sv: SectionView, index: int, sources: bool) -> None:
        """Shade the cells of data row ``index`` that carry a conflict's note, and print the
        note small; merge's notes for information (a number it changed) are printed unshaded,
        under the Sources cell when there is one (:func:`merge_lines`)."""
        cells = ox.row_cells(tr)
        own, under = merge_lines(sv, index, sources)
        for n, tc in enumerate(cells):
            column = sv.columns[n] if n < len(sv.columns) else None
            note = sv.notes.get((index, column.key)) if column is not None else None
            if note:
                ox.shade_cell(tc, NOTE_FILL)
            lines = [note] if note else []
            lines += own.get(column.key, []) if column is not None else under
            for line in lines:
                p = ox.sub(tc, "w:p")
                p.append(ox.para_props(before=0, after=40))
                p.append(ox.text_run(line, ox.run_props(italic=True, color=TEXT_GREY,
                                                        size_pt=NOTE_PT)))

    def _write_kept_notes(self, tr: Element, sv: SectionView, row: dict, index: int) -> None:
        """A cell's comment and link that the plan keeps (``_notes``, as a workbook's cells
        carry them): printed small under the value, the link clickable where it is a web or
        mail address."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        kept = kept_lines(sv, row, index)
        for tc, column in zip(ox.row_cells(tr), sv.columns, strict=False):
            for line, link in kept.get(column.key, ()):
                p = ox.sub(tc, "w:p")
                p.append(ox.para_props(before=0, after=40))
                if not link:
                    p.append(ox.text_run(line, ox.run_props(italic=True, color=TEXT_GREY,
                                                            size_pt=NOTE_PT)))
                    continue
                run = ox.text_run(line, ox.run_props(color=LINK_BLUE, size_pt=NOTE_PT))
                if WEB_LINK.match(line):
                    rid = self.doc.part.relate_to(line, RT.HYPERLINK, is_external=True)
                    hyperlink = ox.el("w:hyperlink", history="1")
                    hyperlink.set(qn("r:id"), rid)
                    hyperlink.append(run)
                    run = hyperlink
                p.append(run)

    def _table(self, widths: list[int], *, lines: Literal["grid", "rows"] = "grid") -> Element:
        """An empty fixed-layout ``Table Grid`` table of these column widths (twips), with thin
        grey lines all round (``grid``) or between rows only (``rows``); returns its ``w:tbl``."""
        table = self.doc.add_table(rows=0, cols=len(widths))
        tbl = table._tbl
        tbl.tblStyle_val = self._style_id("Table Grid", WD_STYLE_TYPE.TABLE)  # as table.style does
        table.autofit = False
        tbl_w = tbl.tblPr.find(qn("w:tblW"))
        tbl_w.set(qn("w:w"), str(sum(widths)))
        tbl_w.set(qn("w:type"), "dxa")
        borders = ox.table_borders(BORDER_GREY)
        if lines == "rows":
            for side in ("left", "right", "insideV"):
                borders.find(qn(f"w:{side}")).set(qn("w:val"), "nil")
        tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar",
                                        "w:tblLook", "w:tblCaption", "w:tblDescription")
        for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            grid_col.set(qn("w:w"), str(width))
        return tbl


