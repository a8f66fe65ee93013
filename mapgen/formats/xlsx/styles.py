"""The cell styles of a generated workbook, made once per workbook from the blueprint's branding.

Every styled cell uses a named style registered here (they show in Excel's style gallery as
"MAP ..."), so a thousand rows cost a thousand look-ups, not a thousand new Font objects.
Input styles are unlocked: with sheet protection on, only they can be edited.
"""

from __future__ import annotations

import re
from array import array as _array
from typing import TYPE_CHECKING, Any

from mapgen.core.colors import DARK_TEXT, WHITE, text_on
from mapgen.model.fields import TYPES

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl import Workbook

    from mapgen.model.blueprint import Branding

GRID = "D9D9D9"         # table borders
MUTED = "7F7F7F"        # examples, notes, done rows
SOFT = "F2F2F2"         # legend swatches
DONE_FILL, DONE_FONT = "E2EFDA", "375623"  # done rows: green-tinted, upright (examples: grey italic)
TEXT = DARK_TEXT
OVERDUE_FILL, OVERDUE_FONT = "FFC7CE", "9C0006"
CONFLICT_FILL = "FCE4D6"
DONE_BAR = "70AD47"     # a done item's bar on the timeline
TODAY_FILL = "FFF2CC"   # this week's column on the timeline
# Excel locale codes that print month names (d mmm yyyy) in the workbook's language whatever
# the reader's own settings; English keeps the application's.
DATE_LOCALES = {"sv": "41D", "de": "407", "fr": "40C", "es": "C0A", "nl": "413"}
BODY_SIZE = 10
_new_array = _array.__new__

def excel_date_format(language: str) -> str:
    """The number format that prints a date as the language's handout and page do
    (:meth:`mapgen.core.i18n.Texts.date`): ``d mmm yyyy`` in English, the locale's medium form
    otherwise (``dd.mm.yyyy`` in German), with the locale's month names."""
    if language not in DATE_LOCALES:
        return "d mmm yyyy"
    from babel.dates import get_date_format

    pattern = get_date_format("medium", locale=language).pattern
    code = re.sub(r"y+", "yyyy", pattern).replace("MMM", "mmm").replace("MM", "mm")
    code = re.sub(r"'([^']*)'", r'"\1"', code)  # quoted literals as Excel quotes them
    return (f"[$-{DATE_LOCALES[language]}]" if "mmm" in code else "") + code


def workbook_cache(wb: Any) -> dict[tuple, Any]:
    """A dict kept on ``wb``, for style look-ups that only depend on its style lists (openpyxl
    only ever appends to them, so an index found once stays right)."""
    cache = wb.__dict__.get("_mapgen_style_cache")
    if cache is None:
        cache = wb._mapgen_style_cache = {}
    return cache


def apply_style(cell: Any, name: str) -> None:
    """``cell.style = name`` with the same result, made fast: openpyxl's descriptor lists every
    named style's name twice per assignment; here the style is found by name once a workbook
    (its style array, which openpyxl keeps up to date in place, is what the descriptor copies)."""
    wb = cell.parent.parent
    cache = workbook_cache(wb)
    array = cache.get(("named", name))
    if array is None:
        cell.style = name  # registers a built-in style on first use, raises for an unknown one
        cache["named", name] = wb._named_styles[name].as_tuple()
        return
    cell._style = copy_array(array)  # what the descriptor assigns: copy(array)


def copy_array(array: Any) -> Any:
    """``copy(array)`` of a style array: what StyleArray.__copy__ does (``StyleArray(array)``,
    which is ``array.array.__new__(StyleArray, "i", array)``), without its two Python calls."""
    return _new_array(type(array), "i", array)


class WorkbookStyles:
    """Registers the named styles on a workbook; attributes hold the style names to assign."""

    header = "MAP Header"
    title = "MAP Title"
    subtitle = "MAP Subtitle"
    heading = "MAP Heading"
    band = "MAP Band"
    text = "MAP Text"
    note = "MAP Note"
    label = "MAP Label"
    count = "MAP Count"
    percent = "MAP Percent"
    fact_label = "MAP Fact Label"
    fact = "MAP Fact"
    fact_date = "MAP Fact Date"
    link = "MAP Link"
    deal_date = "MAP Deal Date"
    kpi = "MAP Glance"
    week = "MAP Week"
    week_marker = "MAP Week Marker"
    kpi_alert = "MAP Glance Alert"
    kpi_date = "MAP Glance Date"

    def __init__(self, workbook: Workbook, branding: Branding, language: str = "en"):
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side

        self.font_name = branding.font or "Calibri"
        self.company = branding.company
        self.primary = branding.primary_color
        on_primary = text_on(self.primary)
        # Text in the brand colour on white, unless that colour is too light to read.
        self.accent = self.primary if on_primary == WHITE else TEXT
        self._workbook = workbook
        months = f"[$-{DATE_LOCALES[language]}]" if language in DATE_LOCALES else ""
        date = excel_date_format(language)
        side = Side(style="thin", color=GRID)
        box = Border(left=side, right=side, top=side, bottom=side)
        top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        unlocked = Protection(locked=False)

        def font(**kw: Any) -> Font:
            size, color = kw.pop("size", BODY_SIZE), kw.pop("color", TEXT)
            return Font(name=self.font_name, size=size, color=color, **kw)

        def add(name: str, **kw: Any) -> None:
            workbook.add_named_style(NamedStyle(name=name, **kw))

        primary_fill = PatternFill("solid", start_color=self.primary, end_color=self.primary)
        add(self.header, font=font(bold=True, color=on_primary), fill=primary_fill, border=box,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        add(self.title, font=font(size=18, bold=True, color=self.accent),
            alignment=Alignment(vertical="center"))
        add(self.subtitle, font=font(size=11, color=MUTED), alignment=Alignment(vertical="center"))
        add(self.heading, font=font(size=11, bold=True, color=self.accent),
            alignment=Alignment(vertical="bottom"))
        add(self.band, font=font(size=11, bold=True, color=on_primary), fill=primary_fill,
            alignment=Alignment(vertical="center", indent=0))
        add(self.text, font=font(), alignment=top_left)
        add(self.note, font=font(size=9, italic=True, color=MUTED), alignment=top_left)
        add(self.label, font=font(bold=True), border=box, alignment=top_left)
        add(self.count, font=font(), border=box, number_format="0",
            alignment=Alignment(horizontal="center", vertical="top"))
        add(self.percent, font=font(bold=True, color=self.accent), border=box, number_format="0%",
            alignment=Alignment(horizontal="center", vertical="top"))
        add(self.fact_label, font=font(bold=True, color=MUTED),
            alignment=Alignment(horizontal="left", vertical="top"))
        add(self.fact, font=font(), alignment=Alignment(horizontal="left", vertical="top"))
        add(self.fact_date, font=font(), number_format=date,
            alignment=Alignment(horizontal="left", vertical="top"))
        add(self.link, font=font(color=self.accent, underline="single"), alignment=top_left)
        center = Alignment(horizontal="center", vertical="center")
        add(self.kpi, font=font(size=14, bold=True, color=self.accent), alignment=center,
            number_format="0")
        add(self.kpi_alert, font=font(size=14, bold=True, color=OVERDUE_FONT), alignment=center,
            number_format="0;-0;0")
        add(self.kpi_date, font=font(size=12, bold=True, color=self.accent), alignment=center,
            number_format=date)
        add(self.week, font=font(size=8, bold=True, color=on_primary), fill=primary_fill,
            number_format=f"{months}d mmm", alignment=Alignment(horizontal="center", vertical="center",
                                                       text_rotation=90))
        add(self.week_marker, font=font(size=10, bold=True, color=OVERDUE_FONT),
            alignment=Alignment(horizontal="center", vertical="bottom"))
        add(self.deal_date, font=font(bold=True), border=box, number_format=date,
            alignment=Alignment(horizontal="left", vertical="top"), protection=unlocked)
        # One input style and one example style per column type.
        for field in TYPES.values():
            align = Alignment(horizontal=field.align, vertical="top", wrap_text=field.wrap)
            shown = date if field.name == "date" else field.excel_format
            add(self._body_name(field.name, False), font=font(), border=box, alignment=align,
                number_format=shown, protection=unlocked)
            add(self._body_name(field.name, True), font=font(italic=True, color=MUTED), border=box,
                alignment=align, number_format=shown, protection=unlocked)
        # Shared objects for the few cells styled beyond their named style.
        self.conflict_fill = PatternFill("solid", start_color=CONFLICT_FILL, end_color=CONFLICT_FILL)
        self.soft_fill = PatternFill("solid", start_color=SOFT, end_color=SOFT)
        self.overdue_fill = PatternFill("solid", start_color=OVERDUE_FILL, end_color=OVERDUE_FILL)
        self.overdue_font = font(color=OVERDUE_FONT)
        self.done_fill = PatternFill("solid", start_color=DONE_FILL, end_color=DONE_FILL)
        self.done_font = font(color=DONE_FONT)

    @staticmethod
    def wrapped(alignment: Any) -> Any:
        """``alignment`` with text wrapping on (a rule in words in a date cell)."""
        from copy import copy

        out = copy(alignment)
        out.wrap_text = True
        out.horizontal = "left"
        return out

    @staticmethod
    def _body_name(type_name: str, example: bool) -> str:
        return f"MAP {'Example' if example else 'Input'} {type_name.capitalize()}"

    def body(self, type_name: str, *, example: bool = False) -> str:
        """The style of a table cell of a column type, for data or for an example row."""
        return self._body_name(type_name, example)

    def overdue_rule(self, formula: str) -> Any:
        """Conditional format: a deadline that has passed (light red)."""
        return self._rule(formula, font_color=OVERDUE_FONT, fill=OVERDUE_FILL)

    def done_rule(self, formula: str) -> Any:
        """Conditional format: a row that is done (green-tinted, unlike the grey examples)."""
        return self._rule(formula, font_color=DONE_FONT, fill=DONE_FILL)

    def bar_rule(self, formula: str, kind: str) -> Any:
        """Conditional format of a timeline cell: a bar (brand colour), an overdue or done
        bar, or this week's column (light yellow). Each stops the ones below it."""
        fill = {"bar": self.primary, "overdue": OVERDUE_FONT, "done": DONE_BAR,
                "today": TODAY_FILL}[kind]
        rule = self._rule(formula, font_color=TEXT, fill=fill)
        rule.stopIfTrue = kind != "today"
        return rule

    def conflict_rule(self) -> Any:
        """Conditional format: a value that contributors disagreed on (always true; stops the
        rules below it, so a done or overdue format never hides the mark)."""
        rule = self._rule("TRUE", font_color=TEXT, fill=CONFLICT_FILL)
        rule.stopIfTrue = True
        return rule

    @staticmethod
    def _rule(formula: str, *, font_color: str, fill: str) -> Any:
        from openpyxl.formatting.rule import Rule
        from openpyxl.styles import Font, PatternFill
        from openpyxl.styles.differential import DifferentialStyle

        # Differential fills take the colour as bgColor (Excel and LibreOffice read it there).
        dxf = DifferentialStyle(font=Font(color=font_color),
                                fill=PatternFill(fill_type="solid", bgColor=fill))
        return Rule(type="expression", dxf=dxf, formula=[formula])
