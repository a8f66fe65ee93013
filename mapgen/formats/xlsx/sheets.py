"""What every sheet of a written workbook shares: the fixed positions and the reserved names,
where each section's table lies (and what the Overview counts in it), valid sheet names, the
dropdown lists of the hidden list sheet, and the page setup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mapgen.core.i18n import N_
from mapgen.core.xmltext import xml_text
from mapgen.formats.xlsx.cells import english, excel_string, put, quote_sheet
from mapgen.formats.xlsx.meta import META_SHEET
from mapgen.model.health import Tracking, tracking

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from mapgen.core.i18n import Texts
    from mapgen.model.blueprint import Column
    from mapgen.model.view import SectionView

# mapgen's own texts are English msgids, shown in the blueprint's language (mapgen.core.i18n).
OVERVIEW_SHEET = N_("Overview")
TIMELINE_SHEET = N_("Timeline")
LISTS_SHEET = "_lists"
HEADER_ROW = 6          # the tables' header row on section sheets
FIRST_COL = 2           # tables start in column B; column A is a narrow margin
HEADROOM = 500          # rows below a table that the overview's counts still cover
INLINE_LIST_LIMIT = 255
# Sheet names Excel refuses or that this workbook uses itself (in English; see reserved_sheets).
RESERVED_SHEETS = (OVERVIEW_SHEET, TIMELINE_SHEET, META_SHEET, LISTS_SHEET, "History")


def reserved_sheets(texts: Texts) -> tuple[str, ...]:
    """The reserved sheet names in English and in the language of ``texts``: a section sheet
    takes neither (the reader knows the Overview and Timeline by both)."""
    return (*RESERVED_SHEETS, texts(OVERVIEW_SHEET), texts(TIMELINE_SHEET))


# --------------------------------------------------------------------------- geometry


@dataclass
class TableColumn:
    """One column of a section table: a blueprint column, or the merge's Sources column."""

    key: str
    header: str
    width: float
    type_name: str
    column: Column | None = None
    help: str = ""

    @property
    def is_date(self) -> bool:
        return self.column is not None and self.column.field.is_date


@dataclass
class SheetTable:
    """Where one section's table lies: what the overview's formulas and the metadata need."""

    view: SectionView
    sheet: str
    columns: list[TableColumn]
    first_data: int     # first row after the examples
    last_row: int       # last row of the table (the last empty row)
    rules: set[str] = field(default_factory=set)  # conditional formats used: "overdue", "done"
    texts: dict[str, str] = field(default_factory=dict)  # own text outside the table, by cell
    conflicts: list[dict[str, str]] = field(default_factory=list)  # cells marked by merge
    notes: list[dict[str, str]] = field(default_factory=list)  # merge's notes for information
    note_cells: list[str] = field(default_factory=list)  # cells of the plan's notes, under the table

    @property
    def name(self) -> str:
        return f"tbl_{self.view.key}"

    @property
    def last_col(self) -> int:
        return FIRST_COL + len(self.columns) - 1

    def letter(self, key: str) -> str | None:
        from openpyxl.utils import get_column_letter

        for i, col in enumerate(self.columns):
            if col.key == key:
                return get_column_letter(FIRST_COL + i)
        return None

    def data_range(self, key: str) -> str:
        """``'Sheet'!$H$8:$H$530``: the column's data rows (no examples) plus headroom."""
        letter = self.letter(key)
        return f"{quote_sheet(self.sheet)}!${letter}${self.first_data}:${letter}${self.last_row + HEADROOM}"

    def cell(self, key: str, row: int) -> str:
        return f"{quote_sheet(self.sheet)}!${self.letter(key)}${row}"


@dataclass(frozen=True)
class Progress:
    """What the overview counts in one section: a table and how it is tracked."""

    table: SheetTable
    track: Tracking

    @property
    def status(self) -> Column:
        return self.track.status

    @property
    def done(self) -> str | None:
        return self.track.done

    @property
    def done_words(self) -> list[str]:
        """The done choice and its synonyms, as the workbook's formulas name them (in its own
        language only: a translated workbook holds no English)."""
        return self.status.spellings(self.done, english=False) if self.done else []

    def is_done(self, cell: str) -> str:
        """A formula's test that ``cell`` reads as done, as ``read`` and ``status`` take it
        (Excel compares texts without case, as they do); FALSE without a done choice."""
        said = ",".join(f'{cell}="{excel_string(w)}"' for w in self.done_words)
        return f"OR({said})" if said else "FALSE"

    @property
    def deadline(self) -> str | None:
        return self.track.deadline

    @property
    def label(self) -> str:
        return self.track.label

    @classmethod
    def of(cls, table: SheetTable) -> Progress | None:
        track = tracking(table.view.columns, table.view.key)
        return None if track is None or not track.status.field.has_choices else cls(table, track)


# --------------------------------------------------------------------------- workbook-wide


class SheetNames:
    """Valid, unique Excel sheet names: at most 31 characters, none of []:*?/\\, not reserved."""

    def __init__(self, reserved: Iterable[str]):
        self.taken = {r.casefold() for r in reserved}

    def make(self, title: str, *, fallback: str) -> str:
        name = re.sub(r"[\[\]:*?]", "", xml_text(title).replace("/", "-").replace("\\", "-"))
        name = " ".join(name.split()).strip("'")[:31].strip().strip("'") or fallback[:31]
        base, n = name, 1
        while name.casefold() in self.taken:
            n += 1
            suffix = f" ({n})"
            name = base[:31 - len(suffix)].rstrip() + suffix
        self.taken.add(name.casefold())
        return name


class ChoiceLists:
    """Dropdown sources: an inline list when it fits, else a column of a very hidden sheet
    (which also holds the holidays that business-day formulas skip)."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str | dt.date, ...], str] = {}  # values -> range on the list sheet

    def source(self, choices: tuple[str, ...], *, inline: bool = True) -> str:
        """The validation's formula1 for these choices."""
        text = ",".join(choices)
        if inline and len(text) <= INLINE_LIST_LIMIT and not any(
                "," in c or '"' in c or c != c.strip() or not c for c in choices):
            return f'"{text}"'
        return self._column(choices)

    def _column(self, values: tuple[str | dt.date, ...]) -> str:
        """The absolute range of a column of the list sheet that holds ``values``."""
        if values not in self.columns:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(len(self.columns) + 1)
            self.columns[values] = f"{quote_sheet(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"
        return self.columns[values]

    def dates(self, days: list[dt.date]) -> str:
        """A range on the list sheet holding these dates (the holidays of WORKDAY)."""
        return self.source(tuple(f"\0date:{d.isoformat()}" for d in days), inline=False)

    def write(self, workbook: Workbook) -> None:
        """Add the list sheet (after the section sheets) when any dropdown needs it."""
        if not self.columns:
            return
        ws = workbook.create_sheet(LISTS_SHEET)
        ws.sheet_state = "veryHidden"
        for col, choices in enumerate(self.columns, start=1):
            for row, choice in enumerate(choices, start=1):
                if choice.startswith("\0date:"):
                    put(ws.cell(row, col), dt.date.fromisoformat(choice[6:]))
                else:
                    put(ws.cell(row, col), choice)


def set_print(ws: Worksheet, *, landscape: bool, company: str, title_rows: int | None,
              one_page: bool = False, texts: Texts | None = None) -> None:
    """A4 fitted to the page's width (and, when asked, to one page: nothing is stranded)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = f"{title_rows}:{title_rows}"
    if company:
        ws.oddHeader.right.text = company.replace("&", "&&")
    ws.oddFooter.left.text = "&A"
    _ = texts or english()
    # &P and &N are the page number and count: every translation keeps both.
    ws.oddFooter.right.text = _("Page &P of &N")
