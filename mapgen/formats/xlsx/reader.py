"""The Excel reader: a completed workbook back to a :class:`~mapgen.model.plan.Plan`, with issues.

Workbooks come back from Excel, LibreOffice and Google Sheets after people have used them, so
the reader is tolerant by design and strict only about values:

- **Sheets** are found by the title recorded in the metadata (:mod:`mapgen.formats.xlsx.meta`), else by
  a title that matches the section's title or key (case, spacing, punctuation and a leading
  "3." ignored), else by a sheet whose header row holds most of the section's headers (a
  renamed sheet, a hand-made workbook, an export that dropped the metadata).
- **Header row** is the row among the top ones with most of the section's headers; each header
  maps to a column by the recorded header text, then the blueprint's, then the key, folded the
  same way. Column order does not matter. An unknown header keeps its values under a key made
  from it (``unknown-column`` warning); values in columns without a header likewise
  (``column_k``). The merge's "Sources" column is ignored: provenance is not plan data.
- **Rows**: everything below the header to the end of the sheet (bounded only by the safety
  limits), including rows typed far below the table (a warning says so after a long gap).
  Blank rows are skipped, and so is an example left as it was generated: with metadata, a row
  at an example's place (or carrying the example note) whose values are the example's; a copy
  of an example typed elsewhere is data, a partly edited example is data, a partly cleared one
  is skipped with a warning.
- **Every cell is accounted for**: on a section sheet a non-empty cell is data, mapgen's own
  text (recorded in the metadata), or a warning that names the cell and quotes the value (text
  in the margins: above the header, left of the table, beyond :data:`MAX_COLUMNS`).
- **Notes**: a comment or hyperlink on a data cell is kept in the row's ``_notes``; the
  example note and merge's conflict notes are mapgen's own (a conflict note still in place is a
  warning: the conflict was not resolved).
- **Overview**: the deal facts and objective boxes that the metadata records are input cells:
  a value typed there wins over the metadata, with a warning. The deal dates that live
  formulas count from are read the same way (a cleared one leaves the deal), before the rows,
  so that formulas without a saved result follow them.
- **Values** are parsed by their column type (:mod:`mapgen.model.fields`): real dates, date texts
  (ambiguous ones are read ``day_first`` and reported), whole numbers, choices in any case.
  A value that does not parse is an error naming the cell, and its raw value is kept.
- **Languages**: a translated blueprint (``language: de``...) also accepts its English parent's
  headers and choices, as a buyer may have pasted from an English copy.
- **Formulas**: the cached result is read; a formula without one is an error
  (``formula-without-value``), never evaluated. Formulas are rare in data cells, so the file is
  opened with formulas visible, and a second pass for cached results runs only when needed.
- **Safety**: every file is checked and opened by :func:`mapgen.formats.xlsx.book.open_book` (zip
  bombs, XML entities, wrong file kinds; .ods/.xls/.xlsb through calamine), and the whole read
  runs inside :func:`mapgen.formats.xlsx.safety.read_boundary`, where any library error becomes one
  plain line and library output is swallowed. Cell text is bounded per use, header matching
  looks at the first :data:`HEADER_CHARS` characters of a cell, rows per sheet and cells per
  workbook are bounded (truncation is an error issue), and so is the plan's size. A workbook
  without metadata in which no section is found is refused ("not a MAP workbook").
  Reading never writes to the input.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import Issue, MapgenError
from mapgen.formats.xlsx.meta import META_SHEET, SOURCES_KEY, SheetMeta, WorkbookMeta, read_meta
from mapgen.formats.xlsx.notes import CellNote, Notes, read_cell_notes
from mapgen.formats.xlsx.safety import (
    MAX_CELLS,
    MAX_OUTPUT_CHARS,
    MAX_ROWS_PER_SHEET,
    UnusableInput,
    read_boundary,
)
from mapgen.model.fields import FieldError, fold_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint, Column, Section
    from mapgen.model.plan import Plan, Row

HEADER_SCAN_ROWS = 30  # rows at the top of a sheet searched for a table header
HEADER_CHARS = 300  # characters of a cell compared with headers, and kept as a header's text
HEADER_SCAN_CELLS = 1000  # cells of a top row compared with headers
BLANK_RUN = 50  # blank rows (beyond the section's own empty rows) after which a warning says so
MAX_COLUMNS = 200  # columns read from the table's first column on
_ANY_DATE = "\0any date"  # an example's form that any date matches (see _examples)
_SOURCES_HEADER = "sources"  # the merge's provenance column (SOURCES_KEY): never read back
EXAMPLE_NOTE_START = "Example:"  # the writer's note on an example row's first cell (English)
EXAMPLE_MARKER = "Example"  # what older versions wrote left of an example row
CONFLICT_NOTE_START = "Conflict:"  # merge's note on a conflicting cell
QUOTE_CHARS = 60  # characters of a value quoted in an issue
# Where a plan's rows were read: section key -> per row, column key -> (sheet title, coordinate)
Cells = dict[str, list[dict[str, tuple[str, str]]]]
# How the writer's texts above a table begin (mapgen.formats.xlsx.writer.write_section): recognised
# when a workbook's metadata, which records them exactly, is gone.
LAYOUT_TEXT_STARTS = ("Purpose:", "Instructions:", "Select a cell to see what belongs in it.")


@dataclass(frozen=True)
class _OwnTexts:
    """How the writer's own texts begin, in English and in the blueprint's language (a
    workbook is written in its blueprint's language; older ones, and pasted rows, in English)."""

    texts: Any  # mapgen.core.i18n.Texts of the blueprint's language
    example_notes: tuple[str, ...]
    example_markers: tuple[str, ...]
    layout: tuple[str, ...]
    conflict_notes: tuple[str, ...]
    words: dict[bool, frozenset[str]]  # how the writer shows yes and no (folded)
    example_note_texts: frozenset[str] = frozenset()  # the whole example notes (folded)


@cache
def _own_texts(language: str) -> _OwnTexts:
    from mapgen.core.i18n import texts_for
    from mapgen.formats.xlsx.writer import EXAMPLE_MARKER as MARKER
    from mapgen.formats.xlsx.writer import EXAMPLE_NOTE
    from mapgen.model.view import CONFLICT_NOTE

    _, english = texts_for(language), texts_for()
    def start(text: str) -> str:  # "Beispiel:", "Exemple :"
        return text[:text.index(":") + 1] if ":" in text else text

    layout = (*(_("{label}:", label=word) for word in (_("Purpose"), _("Instructions"))),
              _("Select a cell to see what belongs in it."))
    return _OwnTexts(_, tuple(dict.fromkeys((EXAMPLE_NOTE_START, start(_(EXAMPLE_NOTE))))),
                     tuple(dict.fromkeys((EXAMPLE_MARKER, _(MARKER)))),
                     tuple(dict.fromkeys(LAYOUT_TEXT_STARTS + layout)),
                     tuple(dict.fromkeys((CONFLICT_NOTE_START, start(_(CONFLICT_NOTE))))),
                     {flag: frozenset(fold_text(t(word)) for t in (_, english))
                      for flag, word in ((True, "Yes"), (False, "No"))},
                     frozenset(fold_text(t(EXAMPLE_NOTE)) for t in (_, english)))


@cache
def _sources_headers(language: str) -> frozenset[str]:
    """The merge's Sources column header, folded, in English and in ``language`` (the
    blueprint's: a merge writes it in the workbook's language, and the metadata records it)."""
    from mapgen.core.i18n import texts_for

    return frozenset({_SOURCES_HEADER, _fold(texts_for(language)("Sources"))})


# --------------------------------------------------------------------------- public API


def read_workbook(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                  day_first: bool = True) -> Plan:
    """Read a completed workbook into a plan; problems in the data are ``plan.issues``.

    ``blueprint`` defaults to the one recorded in the workbook, else ``map``. ``day_first``
    decides how an ambiguous date text like 03/04/2027 is read (the choice is reported).
    Raises :class:`~mapgen.core.errors.UnusableInput` for a file that is not a usable workbook.
    """
    return read_workbook_meta(path, blueprint=blueprint, day_first=day_first)[0]


def read_workbook_meta(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                       day_first: bool = True, cells: Cells
                       | None = None) -> tuple[Plan, WorkbookMeta | None]:
    """:func:`read_workbook`, and the workbook's metadata (``None`` when it has none).

    ``cells``, when given, is filled with where each plan row came from: section key -> per
    row, column key -> (sheet title, cell coordinate) for every column of the table, empty
    cells included (``shift`` edits those cells; ``status`` names them).
    """
    plan, meta, _ = read_workbook_with(path, blueprint=blueprint, day_first=day_first, cells=cells)
    return plan, meta


def read_workbook_with(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                       day_first: bool = True, cells: Cells | None = None
                       ) -> tuple[Plan, WorkbookMeta | None, Blueprint]:
    """:func:`read_workbook_meta`, and the blueprint it was read with (``blueprint``, else the
    one the workbook records, else ``map``), so that a caller need not load it again."""
    from mapgen.formats.xlsx.book import open_book

    label = os.fspath(path)
    with read_boundary(path):
        book = open_book(path)
        try:
            reader = _WorkbookReader(book, label, blueprint)
            reader.read()
        finally:
            book.close()
        if reader.formulas:
            _fill_cached_values(book, reader.formulas)
        book.finish()
        reader.notes(book.notes)
        reader.cell_notes = read_cell_notes(path, reader.noted_sheets())
        plan = reader.plan(day_first=day_first, cells=cells is not None)
        _check_output(plan, label)
    if cells is not None:
        cells.update(reader.cells)
    return plan, reader.meta, reader.blueprint


def _check_output(plan: Plan, label: str) -> None:
    """Refuse a plan whose written form (estimated as indented JSON: keys, values, the raw
    values and messages of issues, and the punctuation around them) exceeds the bound."""
    total = 0
    for rows in plan.sections.values():
        for row in rows:
            total += 8 + sum(len(k) + (len(v) if isinstance(v, str) else 10) + 14 for k, v in row.items())
    for issue in plan.issues:
        total += len(issue.message) + 200
    if total > MAX_OUTPUT_CHARS:
        raise UnusableInput(_too_large(label, f"about {total:,}"))


def _too_large(label: str, size: str) -> str:
    return (f"{label}: the plan read from it would be too large to write safely ({size} characters; "
            f"limit {MAX_OUTPUT_CHARS:,})")


# --------------------------------------------------------------------------- cells and rows


@dataclass(slots=True)
class _Cell:
    """A non-empty cell of a table: its value, where it is, and what kind of value it holds."""

    value: Any
    coordinate: str
    kind: str = "value"  # "value", "error" (#N/A...), "formula" (value: its cached result)
    formula: str | None = None


@dataclass
class _Table:
    """One section's table as found on a sheet, before its values are parsed."""

    section: Section
    sheet: str
    headers: dict[str, str]  # row key -> header text as found on the sheet
    columns: dict[str, Column | None]  # row key -> blueprint column (None: an unknown column)
    examples: list[dict[str, set[str | None]]]
    rows: list[tuple[int, dict[str, _Cell]]] = field(default_factory=list)  # (row number, cells)
    header_row: int = 0
    positions: dict[int, str | None] = field(default_factory=dict)  # 0-based column -> key
    recorded: SheetMeta | None = None
    extras: dict[str, str] = field(default_factory=dict)  # unknown columns: key -> header
    letters: dict[str, str] | None = None  # column key -> letter (see _row_cells)


class _Sheet:
    """A worksheet read once, top to bottom; the top rows are kept to look for headers."""

    def __init__(self, ws: Any, budget: _Budget):
        ws.reset_dimensions()  # some writers record a wrong size; read what is there
        self.title: str = ws.title
        self._rows = ws.iter_rows()
        self._budget = budget
        self.head: list[tuple] = []
        self._folded: list[set[str]] = []  # the folded texts of each row in ``head``
        self.count = 0
        self.truncated: str | None = None  # why reading stopped early, if it did

    def _next(self) -> tuple | None:
        if self.truncated:
            return None
        row = next(self._rows, None)
        if row is None:
            return None
        self.count += 1
        if self.count > MAX_ROWS_PER_SHEET:
            self.truncated = (f"the sheet has more than {MAX_ROWS_PER_SHEET:,} rows; rows after "
                              f"{MAX_ROWS_PER_SHEET:,} were not read")
            return None
        self._budget.cells += len(row)
        if self._budget.cells > MAX_CELLS:
            self.truncated = (f"the workbook has more than {MAX_CELLS:,} cells; rows from "
                              f"{self.count} on were not read")
            return None
        return row

    def top(self, n: int) -> list[tuple]:
        while len(self.head) < n and (row := self._next()) is not None:
            self.head.append(row)
        return self.head[:n]

    def folded_top(self, n: int) -> list[set[str]]:
        """The folded texts of the top ``n`` rows (see :func:`_fold`), for header matching."""
        top = self.top(n)
        for row in top[len(self._folded):]:
            self._folded.append({_fold(_text(c.value)) for c in row[:HEADER_SCAN_CELLS]
                                 if c.value is not None})
        return self._folded[:n]

    def rows_after(self, header_row: int) -> Iterator[tuple[int, tuple]]:
        """``(row number, cells)`` below ``header_row`` to the end of the sheet."""
        yield from enumerate(self.head[header_row:], start=header_row + 1)
        number = len(self.head)
        while (row := self._next()) is not None:
            number += 1
            yield number, row


@dataclass
class _Budget:
    cells: int = 0


# --------------------------------------------------------------------------- the reader


class _WorkbookReader:
    """Maps sheets and columns to the blueprint and collects each table's cells (pass one)."""

    def __init__(self, wb: Any, label: str, blueprint: Blueprint | None):
        self.wb = wb
        self.label = label
        self.meta: WorkbookMeta | None = read_meta(wb)
        self.issues: list[Issue] = []
        self._check_meta()
        self.blueprint = self._blueprint(blueprint)
        self.own = _own_texts(self.blueprint.language)
        self.headers = _Headers(self.blueprint.language)
        self.tables: list[_Table] = []
        self.output = 0  # the plan's written size so far, estimated (see _check_output)
        # sheet title -> (row, column) -> cell whose formula needs its cached result
        self.formulas: dict[str, dict[tuple[int, int], _Cell]] = {}
        self.deal: dict[str, Any] = {}
        self.cells: Cells = {}  # see read_workbook_meta
        self.cell_notes: Notes = {}  # comments and links, read after pass one
        self.overview_cells: dict[str, _Cell | None] = {}  # "deal:buyer", "objective:0" -> cell
        self.overview_sheet: str | None = None  # the sheet those cells were read from
        self.sheets: list[_Sheet] = []

    # -- setup

    def _issue(self, code: str, message: str, severity: str = "error", **where: Any) -> None:
        self.issues.append(Issue(code=code, message=message, severity=severity, file=self.label,
                                 **where))

    def _blueprint(self, given: Blueprint | None) -> Blueprint:
        from mapgen.model.blueprint import load_blueprint

        recorded = dict(self.meta.blueprint) if self.meta else {}
        name = recorded.get("name")
        bp = given
        if bp is None and name:
            try:
                bp = load_blueprint(name)
            except MapgenError:
                self._issue("unknown-blueprint", f"the workbook was made from blueprint '{name}', "
                            "which is not found here; read with 'map' (give --blueprint to choose)",
                            "warning")
        bp = bp or load_blueprint("map")
        if name and name != bp.name:
            self._issue("blueprint-mismatch", f"the workbook was made from blueprint '{name}' but "
                        f"is read with '{bp.name}'", "warning")
        elif name and recorded.get("version") not in (None, bp.version):
            self._issue("blueprint-version", f"the workbook was made from version "
                        f"{recorded['version']} of blueprint '{name}'; read with version "
                        f"{bp.version}", "warning")
        return bp

    # -- pass one

    def read(self) -> None:
        budget = _Budget()
        sheets = [_Sheet(ws, budget) for ws in self.wb.worksheets
                  if ws.title != META_SHEET and ws.sheet_state != "veryHidden"]
        found = _assign(self.blueprint.sections, self._sheet_meta, sheets, self.headers,
                        self._own_sheets())
        if self.meta is None and not any(self.headers.score(sheet, section, None)[1]
                                         for section, sheet in self._found(found)):
            raise UnusableInput(self._not_a_map(sheets))
        self.sheets = sheets
        if self.meta is None:
            self._issue("no-metadata", "the workbook carries no mapgen metadata: sections were "
                        "found by sheet names and headers, and the deal facts are empty", "warning")
        for section in self.blueprint.sections:
            sheet = found.get(section.key)
            if sheet is None:
                self._missing(section)
                continue
            table = self._read_table(section, sheet)
            if table is not None:
                self.tables.append(table)
        self._unread(sheets, found)
        self._read_overview()

    def _own_sheets(self) -> frozenset[str]:
        """The titles (casefolded) of mapgen's own sheets: Overview and Timeline in English and
        in the blueprint's language, and the Overview the metadata records."""
        from mapgen.formats.xlsx.writer import reserved_sheets

        names = set(reserved_sheets(self.own.texts))
        if self.meta is not None and isinstance(self.meta.overview.get("sheet"), str):
            names.add(self.meta.overview["sheet"])
        return frozenset(n.casefold() for n in names)

    def _found(self, found: dict[str, _Sheet]) -> list[tuple[Section, _Sheet]]:
        return [(s, found[s.key]) for s in self.blueprint.sections if s.key in found]

    def _not_a_map(self, sheets: list[_Sheet]) -> str:
        """One line for a workbook in which nothing looks like a section of the blueprint."""
        if not sheets:
            return f"{self.label}: is not a MAP workbook: it has no worksheets"
        scored = []
        for n, section in enumerate(self.blueprint.sections):
            best = max((self.headers.score(sheet, section, None)[1] for sheet in sheets), default=0)
            scored.append((-best, n, section))
        scored.sort(key=lambda t: t[:2])
        closest = [section for _, _, section in scored[:3]]
        looked = "; ".join(f"'{s.label}' ({', '.join(c.title for c in s.columns[:3])}...)"
                           for s in closest)
        return (f"{self.label}: is not a MAP workbook: it has no mapgen metadata and no sheet with the "
                f"headers of any section of blueprint '{self.blueprint.name}' (looked for sections "
                f"such as {looked}); give --blueprint if it was made from another blueprint")

    def notes(self, notes: list[str]) -> None:
        """Warnings from opening the workbook (damaged shared text, truncated sheets)."""
        for note in notes:
            self._issue("damaged-workbook", note, "warning")

    def _live_date(self, cell: _Cell) -> tuple[bool, Any]:
        """(True, value) for a formula that keeps a relative date live and has no saved date:
        the date worked out here from the deal, else the relative date itself."""
        from mapgen.core import dates

        formulas = self.meta.live_dates.get("formulas", {}) if self.meta else {}
        text = formulas.get(cell.formula or "")
        if text is None:
            return False, None
        if isinstance(cell.value, dt.date):
            return False, None  # the saved result, read like any date
        try:
            return True, dates.resolve(text, self.deal, self.blueprint.holiday_dates())
        except (ValueError, dates.RelativeDateError):
            return True, text

    def _sheet_meta(self, key: str) -> SheetMeta | None:
        if self.meta is None:
            return None
        return next((s for s in self.meta.sheets if s.section == key), None)

    def _check_meta(self) -> None:
        """Report section entries of the metadata that were damaged (edited by hand)."""
        for key in self.meta.damaged if self.meta else []:
            self._issue("bad-metadata", f"the metadata for section '{key}' is damaged; "
                        "the section is found by sheet names and headers", "warning")

    def _missing(self, section: Section) -> None:
        recorded = self._sheet_meta(section.key)
        if self.meta is not None and recorded is None:
            return  # never written to this workbook (a buyer copy, or a newer blueprint)
        if self.meta is None and section.internal:
            return
        name = recorded.sheet if recorded else section.label
        self._issue("missing-sheet", f"no sheet for section '{section.label}' (expected a sheet "
                    f"named '{name}'); the section is left out", "warning", section=section.key)

    def _unread(self, sheets: list[_Sheet], found: dict[str, _Sheet]) -> None:
        """Warn about a sheet that looks like a section's table but was not read (a copy)."""
        used = {id(s) for s in found.values()}
        for sheet in sheets:
            if id(sheet) in used:
                continue
            for section in self.blueprint.sections:
                if self.headers.score(sheet, section, self._sheet_meta(section.key))[1] >= _need(section):
                    where = found.get(section.key)
                    why = f"that section was read from sheet '{where.title}'" if where else ""
                    self._issue("unread-sheet", f"sheet '{sheet.title}' looks like section "
                                f"'{section.label}' but was not read" + (f": {why}" if why else ""),
                                "warning", sheet=sheet.title, section=section.key)
                    break

    def _read_table(self, section: Section, sheet: _Sheet) -> _Table | None:
        """Find the header, map its columns, and collect the cells of every non-blank row."""
        from openpyxl.utils import get_column_letter

        recorded = self._sheet_meta(section.key)
        where = {"sheet": sheet.title, "section": section.key}
        header_at, score = self.headers.score(sheet, section, recorded)
        if score == 0:
            self._issue("missing-header", f"sheet '{sheet.title}' has no header row with the "
                        f"columns of section '{section.label}' (like "
                        f"'{section.columns[0].title}'); the section is left out", **where)
            return None
        header = [_text(c.value) for c in sheet.head[header_at - 1]]
        first = next(i for i, text in enumerate(header) if text)
        aliases = self.headers.aliases(section, recorded)
        extras = _recorded_extras(section, recorded)
        synonyms = _synonyms(section)
        recorded_headers = {_fold(h) for h in recorded.headers} if recorded is not None else set()
        keys: dict[int, str | None] = {}
        table = _Table(section, sheet.title, {}, {}, [], header_row=header_at, positions=keys,
                       recorded=recorded)
        for i in range(first, len(header)):
            text = header[i]
            if not text:
                continue
            coordinate = f"{get_column_letter(i + 1)}{header_at}"
            if i >= first + MAX_COLUMNS:
                self._outside(sheet.title, coordinate, sheet.head[header_at - 1][i].value,
                              section.key, f"more than {MAX_COLUMNS} columns right of the table")
                continue
            key = aliases.get(_fold(text))
            if key == SOURCES_KEY:
                keys[i] = None
                continue
            if key is None and _fold(text) in extras and extras[_fold(text)] not in table.columns:
                key = extras[_fold(text)]  # a column a person added, written back by generate
                table.columns[key] = None
                table.extras[key] = text
            elif key is None or key in table.columns:
                key = _extra_key(text, table.columns, section)
                what = ("appears twice" if aliases.get(_fold(text)) else "is not in the blueprint")
                self._issue("unknown-column", f"column '{text}' {what}; its values are kept "
                            f"under '{key}'", "warning", cell=coordinate, column=key, **where)
                table.columns[key] = None
                table.extras[key] = text
            else:
                table.columns[key] = section.column(key)
                if _fold(text) in synonyms and _fold(text) not in recorded_headers:
                    column = section.column(key)
                    self._issue("header-alias", f"column '{text}' is read as '{column.title}' "
                                "(a name it goes by)", "warning", cell=coordinate, column=key,
                                **where)
            table.headers[key] = text
            keys[i] = key
        for column in section.columns:
            if column.key not in table.columns and not column.internal:
                self._issue("missing-column", f"column '{column.title}' is missing; its values "
                            "are left empty", "warning", column=column.key, **where)
        table.examples = _examples(section, table, recorded, self.own.texts)
        self._margins(sheet, table, first)
        self._collect_rows(sheet, table, header_at, first, keys)
        if sheet.truncated:
            self._issue("truncated", sheet.truncated, **where)
        return table

    def _outside(self, sheet: str, coordinate: str, value: Any, section: str, where: str) -> None:
        """A cell that is not data: a warning that names it and quotes its value."""
        self._issue("outside-table", f"{_quote(value)} is {where}, so it is not read as data; "
                    "move it into the table (a new column needs a header)", "warning",
                    sheet=sheet, cell=coordinate, section=section)

    def _margins(self, sheet: _Sheet, table: _Table, first: int) -> None:
        """Cells above the header and left of it: mapgen's own text, or a warning each."""
        from openpyxl.utils import get_column_letter

        recorded = table.recorded
        own = {k: _text(v) for k, v in recorded.texts.items()} if recorded is not None else {}
        legacy = recorded is not None and not recorded.texts  # metadata from before texts
        titles = _title_forms(table.section.label) | _title_forms(table.section.title or "")
        for number, row in enumerate(sheet.head[:table.header_row], start=1):
            for i, raw in enumerate(row):
                if raw.value is None or (number == table.header_row and i >= first):
                    continue
                if isinstance(raw.value, str) and not raw.value.strip():
                    continue
                coordinate = f"{get_column_letter(i + 1)}{number}"
                if own.get(coordinate) == _text(raw.value):
                    continue
                if legacy and i == recorded.first_col - 1 and number < table.header_row:
                    continue  # the title and texts of an older mapgen workbook
                if number < table.header_row and _title_forms(_text(raw.value)) & titles:
                    continue  # the section's title above the table
                if (not own and i == first and number < table.header_row
                        and _text(raw.value).startswith(self.own.layout)):
                    continue  # the writer's texts above a table whose metadata is gone
                where = ("above the table's header" if number < table.header_row
                         else "left of the table's header")
                self._outside(sheet.title, coordinate, raw.value, table.section.key, where)

    def _collect_rows(self, sheet: _Sheet, table: _Table, header_at: int, first: int,
                      keys: dict[int, str | None]) -> None:
        from openpyxl.utils import get_column_letter

        limit = BLANK_RUN + table.section.blank_rows
        blank = 0
        last = first + MAX_COLUMNS
        warned_gap = False
        letters: list[str] = []  # column letters by 0-based index, made as wide rows come
        for number, row in sheet.rows_after(header_at):
            cells: dict[str, _Cell] = {}
            while len(letters) < len(row):
                letters.append(get_column_letter(len(letters) + 1))
            for i, raw in enumerate(row):
                if raw.value is None:
                    continue
                coordinate = f"{letters[i]}{number}"
                if i < first or i >= last:
                    text = raw.value
                    if isinstance(text, str) and (not text.strip() or (
                            text in self.own.example_markers
                            and number - header_at <= len(table.examples))):
                        continue  # blank, or an older mapgen's marker beside an example row
                    self._outside(sheet.title, coordinate, text, table.section.key,
                                  "left of the table" if i < first
                                  else f"more than {MAX_COLUMNS} columns right of the table")
                    continue
                cell = _cell(raw, coordinate)
                if cell is None:
                    continue
                if i not in keys:  # a value in a column without a header
                    key = _extra_key(f"column {get_column_letter(i + 1)}", table.columns,
                                     table.section)
                    keys[i] = table.headers[key] = key
                    table.columns[key] = None
                    table.extras[key] = key
                    self._issue("unknown-column", f"values in column {get_column_letter(i + 1)}, "
                                f"which has no header, are kept under '{key}'", "warning",
                                sheet=sheet.title, cell=cell.coordinate,
                                section=table.section.key, column=key)
                key = keys[i]
                if key is None:
                    continue
                cells[key] = cell
                self.output += 24 + (len(cell.value) if isinstance(cell.value, str) else 10)
                if cell.kind == "formula":
                    self.formulas.setdefault(sheet.title, {})[(number, i + 1)] = cell
            if cells:
                if blank > limit and not warned_gap:
                    warned_gap = True
                    self._issue("rows-below-gap", f"row {number} lies {blank} blank rows below "
                                "the rows before it; it and the rows after it are read as data",
                                "warning", sheet=sheet.title, cell=f"{get_column_letter(first + 1)}"
                                f"{number}", section=table.section.key)
                table.rows.append((number, cells))
                blank = 0
                if self.output > MAX_OUTPUT_CHARS:  # refused before the cells fill memory
                    raise UnusableInput(_too_large(self.label, f"more than {MAX_OUTPUT_CHARS:,}"))
            else:
                blank += 1

    def noted_sheets(self) -> set[str]:
        """The sheets whose comments and links matter: the section sheets read."""
        return {t.sheet for t in self.tables}

    def _read_overview(self) -> None:
        """The Overview's recorded input cells (deal facts and the deal dates that live
        formulas count from, objective boxes), as they are now. A formula's saved result is
        read in pass two."""
        overview = self.meta.overview if self.meta is not None else {}
        anchors = self._anchors()
        sheet = next((s for s in self.sheets if s.title == overview.get("sheet")), None)
        if sheet is None and anchors and self.sheets:  # renamed: the first sheet, as Excel's names
            read = {t.sheet for t in self.tables}
            sheet = self.sheets[0] if self.sheets[0].title not in read else None
        if sheet is None:
            return
        self.overview_sheet = sheet.title
        wanted = {**{f"deal:{k}": c for k, c in anchors.items()},
                  **{f"deal:{k}": c for k, c in overview.get("deal", {}).items()},
                  **{f"objective:{n}": c for n, c in enumerate(overview.get("objective", []))}}
        positions = {k: p for k, c in wanted.items() if (p := _position(c)) is not None}
        rows = sheet.top(max((r for r, _ in positions.values()), default=0))
        for name, (r, c) in positions.items():
            raw = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None
            value = getattr(raw, "value", None)
            cell = None if raw is None or value is None else _cell(raw, wanted[name])
            self.overview_cells[name] = cell
            if cell is not None and cell.kind == "formula" and name.startswith("deal:"):
                self.formulas.setdefault(sheet.title, {})[(r, c)] = cell

    def _anchors(self) -> dict[str, str]:
        """The deal dates that live formulas count from: deal key -> its cell on the Overview."""
        anchors = self.meta.live_dates.get("anchors", {}) if self.meta is not None else {}
        return {k: c for k, c in anchors.items() if isinstance(k, str) and isinstance(c, str)}

    # -- after pass one (and the cached values of formulas, if any)

    def plan(self, *, day_first: bool, cells: bool = True) -> Plan:
        """The plan read; ``cells``: also record where each row came from (``self.cells``)."""
        from mapgen.model.plan import BlueprintRef, Plan, parse_deal

        deal: dict[str, Any] = {}
        if self.meta is not None:
            facts = {k: v for k, v in self.meta.deal.items() if v not in (None, "")}
            deal, deal_issues = parse_deal(facts, file=self.label)
            self.issues[:0] = deal_issues
            deal = self._overview_deal(deal)
        self.deal = deal  # before the rows: live formulas without a saved result count from it
        sections: dict[str, list[Row]] = {}
        columns: dict[str, dict[str, str]] = {}
        for table in self.tables:
            numbered = self._rows(table, day_first)
            if table.section.key == "objective":
                numbered = self._overview_objective(table, numbered)
            self._row_ids(table, numbered)
            sections[table.section.key] = [row for _, row in numbered]
            if cells:
                self.cells[table.section.key] = [self._row_cells(table, n) for n, _ in numbered]
            used = {k for _, row in numbered for k in row}
            extras = {k: h for k, h in table.extras.items() if k in used}
            if extras:
                columns[table.section.key] = extras
        plan = Plan(blueprint=BlueprintRef(name=self.blueprint.name, version=self.blueprint.version),
                    deal=deal, sections=sections, columns=columns, issues=self.issues)
        if self.meta is not None and self.meta.standard_rows:
            from mapgen.model.rowids import set_seen

            set_seen(plan, self.meta.standard_rows)
        if self.meta is not None and self.meta.relative_dates:
            from mapgen.model.relative_dates import from_workbook

            from_workbook(plan, self.meta.relative_dates, self.blueprint)  # plan.relative_dates
        return plan

    def _row_ids(self, table: _Table, rows: list[tuple[int, Row]]) -> None:
        """Give each read row the id (and standard row link) the metadata records for it
        (mapgen.formats.xlsx.meta.match_records); an example typed over, or a row typed into
        an empty one, is a new row and gets none."""
        from mapgen.formats.xlsx.meta import match_records
        from mapgen.model.rowids import ID_KEY, STD_KEY

        records = table.recorded.rows if table.recorded is not None else []
        if not records or not rows:
            return
        columns = {c.key: c for c in table.section.columns}
        cells = [{k: columns[k].field.to_json(v) for k, v in row.items() if k in columns}
                 for _, row in rows]
        places = [number - table.header_row - 1 for number, _ in rows]
        ignore = frozenset(c.key for c in table.section.columns if c.sequence)
        for (_, row), record in zip(rows, match_records(records, cells, places, ignore=ignore),
                                    strict=True):
            if record is None or record["example"] or not record["id"]:
                continue
            row[ID_KEY] = record["id"]
            if record["std"]:
                row[STD_KEY] = record["std"]

    def _overview_deal(self, deal: dict[str, Any]) -> dict[str, Any]:
        """Deal facts typed on the Overview win over the metadata (a warning says which). A deal
        date that live formulas count from (an anchor) is read the same way; cleared, it
        leaves the deal (those formulas then show their rule in words)."""
        from mapgen.model.plan import DEAL_DATE_KEYS, parse_deal
        from mapgen.model.view import deal_label

        out = dict(deal)
        anchors = self._anchors()
        for name, cell in self.overview_cells.items():
            if not name.startswith("deal:"):
                continue
            key = name.removeprefix("deal:")
            label = deal_label(key)
            where = {"sheet": self.overview_sheet, "section": "deal", "column": key}
            if cell is None:
                if key in anchors and deal.get(key) not in (None, ""):
                    at = self.meta.overview.get("deal", {}).get(key) or anchors[key]
                    self._issue("deal-from-overview", f"{label} on the Overview is empty; the "
                                f"workbook was made with {_quote(deal[key])}: the date is left "
                                "out", "warning", cell=at, **where)
                    out.pop(key, None)
                continue
            if cell.kind == "error" or cell.value is None:
                continue  # an error, or a formula without a saved result: the recorded value
            value = _plain(cell.value)
            if key in DEAL_DATE_KEYS:
                typed, problems = parse_deal({key: value}, file=self.label)
                if problems:
                    for issue in problems:
                        issue.sheet, issue.cell = self.overview_sheet, cell.coordinate
                    self.issues += problems
                    continue
                value = typed[key]
            if _norm(value) == _norm(deal.get(key)):
                continue
            recorded = deal.get(key)
            if isinstance(recorded, bool) and fold_text(str(value)) in self.own.words[recorded]:
                continue  # a yes/no fact as the writer showed it
            self._issue("deal-from-overview", f"{label} on the Overview is {_quote(value)}; the "
                        f"workbook was made with {_quote(deal.get(key))}: the Overview's value is "
                        "read", "warning", cell=cell.coordinate, **where)
            out[key] = value
        return out

    def _overview_objective(self, table: _Table, rows: list[tuple[int, Row]]
                            ) -> list[tuple[int, Row]]:
        """An objective typed over one of the Overview's objective boxes (which otherwise show
        the Objective sheet) wins over the sheet's row, with a warning."""
        cells = self.overview_cells
        texts = [c.key for c in table.section.columns if c.field.is_text]
        if not texts or table.recorded is None:
            return rows
        key = "description" if "description" in texts else texts[0]
        first_data = table.header_row + 1 + len(table.recorded.examples)
        out = list(rows)
        for name, cell in cells.items():
            if not name.startswith("objective:") or cell is None or cell.kind != "value":
                continue
            text = _plain(cell.value)
            text = text if isinstance(text, str) else str(text)
            if not text:
                continue
            number = first_data + int(name.removeprefix("objective:"))
            at = next((n for n, (r, _) in enumerate(out) if r == number), None)
            if at is not None and _norm(out[at][1].get(key)) == _norm(text):
                continue
            was = out[at][1].get(key) if at is not None else None
            self._issue("objective-from-overview", f"the objective typed on the Overview, "
                        f"{_quote(text)}, replaces " + (f"{_quote(was)} on sheet '{table.sheet}'"
                                                        if was else f"the empty row {number} of "
                                                        f"sheet '{table.sheet}'"),
                        "warning", sheet=self.meta.overview.get("sheet"), cell=cell.coordinate,
                        section=table.section.key, column=key)
            if at is not None:
                out[at] = (number, {**out[at][1], key: text})
            else:
                out.append((number, {key: text}))
                out.sort(key=lambda t: t[0])
        return out

    def _rows(self, table: _Table, day_first: bool) -> list[tuple[int, Row]]:
        """Parse every row's cells by their columns' types; skip untouched examples; attach
        each data cell's comment and link (``_notes``); report conflicts still marked."""
        from mapgen.model.plan import NOTES_KEY

        order = [c.key for c in table.section.columns]
        order += [k for k in table.columns if k not in order]
        notes = self.cell_notes.get(table.sheet, {})
        columns = {key: i + 1 for i, key in table.positions.items() if key is not None}
        self._conflicts_left(table, notes)
        conflict_cells = {c["cell"] for c in table.recorded.conflicts} if table.recorded else set()
        marked_rows = {r for (r, _), note in notes.items()
                       if note.comment and note.comment.startswith(self.own.example_notes)}
        noted_rows = {r for r, _ in notes}
        rows: list[tuple[int, Row]] = []
        table.rows.reverse()  # consumed from the end: each row's cells are freed once parsed
        while table.rows:
            number, cells = table.rows.pop()
            row: Row = {}
            issues: list[Issue] = []
            for key, cell in cells.items():
                value, issue = self._value(table, key, cell, day_first)
                if value is not None:
                    row[key] = value
                if issue is not None:
                    issues.append(issue)
            if not row and not issues:
                continue  # only formulas whose results are empty
            if self._example(table, number, cells, row, marked_rows):
                continue  # untouched (a rule in words is no date: its error goes with it)
            kept = {k: row[k] for k in order if k in row}
            row_notes = {}
            for key, col in columns.items() if number in noted_rows else ():
                note = notes.get((number, col))
                if note is None or _is_own_note(note, f"{_letter(col)}{number}", conflict_cells,
                                                self.own.example_notes, self.own.conflict_notes):
                    continue
                if note.comment and not note.link and \
                        fold_text(note.comment) in self.own.example_note_texts:
                    continue  # the note of an example typed over (whoever the writer named)
                entry = {k: v for k, v in (("comment", note.comment), ("link", note.link)) if v}
                if entry:
                    row_notes[key] = entry
            if row_notes:
                kept[NOTES_KEY] = row_notes
            rows.append((number, kept))
            self.issues += issues
        return rows

    def _row_cells(self, table: _Table, number: int) -> dict[str, tuple[str, str]]:
        """Column key -> (sheet, coordinate) of every column of the table in row ``number``
        (empty cells too: the header's column letter), in the sheet's column order."""
        letters = table.letters
        if letters is None:  # once per table, after every column (headerless ones too) is known
            letters = table.letters = {k: _letter(i + 1) for i, k in sorted(table.positions.items())
                                       if k is not None}
        sheet, row = table.sheet, str(number)
        return {k: (sheet, letter + row) for k, letter in letters.items()}

    def _example(self, table: _Table, number: int, cells: dict[str, _Cell], row: Row,
                 marked_rows: set[int]) -> bool:
        """True for an example left as generated (skipped); a partly cleared one is skipped
        with a warning naming the cells that still hold example text."""
        if table.recorded is None:  # no metadata: an example is recognised wherever it is
            return _is_example(cells, row, table)
        marked = number in marked_rows  # the row carries the example note
        place = number - table.header_row - 1
        candidates = [table.examples[place]] if 0 <= place < len(table.examples) else []
        if marked:
            candidates += [e for e in table.examples if e not in candidates]
        for forms in candidates:
            if not all(_same(key, forms.get(key, {None}), cells, row) for key in cells):
                continue
            missing = [k for k, want in forms.items() if want - {None, _ANY_DATE}
                       and k not in cells and table.columns.get(k) is not None]
            if missing:
                where = ", ".join(cells[k].coordinate for k in cells)
                self._issue("example-partly-cleared", f"row {number} is an example with some "
                            f"cells cleared; what is left ({where}) is example text and is not "
                            "read: clear the row, or type your own values over it", "warning",
                            sheet=table.sheet, cell=next(iter(cells.values())).coordinate,
                            section=table.section.key)
            return True
        return False

    def _conflicts_left(self, table: _Table, notes: dict[tuple[int, int], CellNote]) -> None:
        """A conflict that merge marked and whose note is still on its cell: not resolved."""
        for conflict in table.recorded.conflicts if table.recorded else []:
            position = _position(conflict["cell"])
            note = notes.get(position) if position else None
            if note is None or not note.comment or _text(note.comment) != _text(conflict["note"]):
                continue  # the note was removed: the conflict was settled
            column = table.headers.get(conflict["column"], conflict["column"])
            self._issue("unresolved-conflict", f"{column}: the conflict marked by merge is still "
                        f"there ({_quote(conflict['note'], 120)}); settle the value and delete "
                        "the comment", "warning", sheet=table.sheet, cell=conflict["cell"],
                        section=table.section.key, column=conflict["column"])

    def _value(self, table: _Table, key: str, cell: _Cell, day_first: bool
               ) -> tuple[Any, Issue | None]:
        """A cell's value for the plan, and the issue it raises if any (its raw value is kept)."""
        if cell.kind != "value":
            special = self._formula_or_error(table, key, cell)
            if special is not None:
                return special
        column = table.columns[key]
        if column is None:
            return _plain(cell.value), None
        field = column.field
        raw, lenient = _lenient(field, cell.value)
        try:
            parsed = field.parse(raw, column, day_first=day_first, allow_relative=True)
        except FieldError as exc:
            return _plain(cell.value), self._cell_issue(table, key, cell, exc.code, exc.message)
        if lenient is None and parsed.warning is None:
            return parsed.value, None
        code, message = lenient or parsed.warning
        return parsed.value, self._cell_issue(table, key, cell, code, message, "warning")

    def _cell_issue(self, table: _Table, key: str, cell: _Cell, code: str, message: str,
                    severity: str = "error") -> Issue:
        return Issue(code=code, severity=severity, file=self.label, sheet=table.sheet,
                     cell=cell.coordinate, section=table.section.key, column=key,
                     message=f"{table.headers[key]}: {message}")

    def _formula_or_error(self, table: _Table, key: str, cell: _Cell
                          ) -> tuple[Any, Issue | None] | None:
        """:meth:`_value` of a formula that keeps a date live or has no saved result, or of an
        error cell; None for a formula's saved result (read like a typed value)."""

        def issue(code: str, message: str) -> Issue:
            return self._cell_issue(table, key, cell, code, message)

        if cell.kind == "formula":
            live, value = self._live_date(cell)
            if live:
                return value, None
        if cell.kind == "formula" and cell.value is None:
            return cell.formula, issue(
                "formula-without-value", f"the formula {cell.formula} has no saved result; open "
                "the file in Excel or LibreOffice, save it and read it again")
        if cell.kind == "error":
            if cell.formula:
                text = cell.formula.lstrip("=")
                return text, issue("formula-error", f"the cell shows {cell.value} from the formula "
                                   f"={text}: if you meant the text {_quote(text)}, type an "
                                   f"apostrophe first ('{text}) so that it stays text")
            return cell.value, issue("cell-error", f"the cell shows the error {cell.value}")
        return None


def _lenient(field: Any, value: Any) -> tuple[Any, tuple[str, str] | None]:
    """What a person meant where the type alone would refuse it: an Excel date serial in a date
    cell (a date formatted as a number), a percentage typed as 50 or "50" in a percent cell.
    ``field`` is the column's type (:class:`mapgen.model.fields.FieldType`)."""
    if isinstance(value, bool) or not (field.is_date or field.is_percent):
        return value, None
    if field.is_date and isinstance(value, int | float) and 1 <= value < 2_958_466:
        from openpyxl.utils.datetime import from_excel

        try:
            date = from_excel(value).date()
        except (ValueError, OverflowError):
            return value, None
        if not 1990 <= date.year <= 2199:
            return value, None
        shown = int(value) if float(value).is_integer() else value
        return date, ("date-serial", f"the number {shown} was read as the date "
                                     f"{date.isoformat()} (format the cell as a date)")
    if field.is_percent:
        number = value
        if isinstance(value, str):
            text = value.strip().replace(",", ".").replace(" ", "")
            if text.endswith("%"):
                return value, None
            try:
                number = float(text)
            except ValueError:
                return value, None
        if isinstance(number, int | float) and 1 < number <= 100:
            shown = int(number) if float(number).is_integer() else number
            return number / 100, ("percent-as-number", f"{shown} was read as {shown}%")
    return value, None


def _is_own_note(note: CellNote, coordinate: str, conflicts: set[str],
                 example_notes: tuple[str, ...] = (EXAMPLE_NOTE_START,),
                 conflict_notes: tuple[str, ...] = (CONFLICT_NOTE_START,)) -> bool:
    """mapgen's own notes: the example note (as ``example_notes`` begin), and a merge
    conflict's note on its cell."""
    text = note.comment or ""
    if note.link:
        return False
    if text.startswith(example_notes) and (note.author or "mapgen") == "mapgen":
        return True
    return text.startswith(conflict_notes) and coordinate in conflicts


def _quote(value: Any, limit: int = QUOTE_CHARS) -> str:
    """A value quoted in an issue, on one line and cut to ``limit`` characters."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = " ".join(text.split())
    return "'" + (text if len(text) <= limit else text[:limit - 1] + "…") + "'"


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _position(coordinate: str) -> tuple[int, int] | None:
    """(row, column) of ``B7``; None for anything else."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    try:
        letters, row = coordinate_from_string(coordinate.replace("$", ""))
        return row, column_index_from_string(letters)
    except (ValueError, TypeError):
        return None


def _recorded_extras(section: Section, recorded: SheetMeta | None) -> dict[str, str]:
    """Folded header -> key of the extra columns a generated workbook records (not the
    blueprint's: columns a person added, written back by ``generate --plan``)."""
    if recorded is None:
        return {}
    return {_fold(h): k for k, h in zip(recorded.columns, recorded.headers, strict=False)
            if k != SOURCES_KEY and section.column(k) is None and _fold(h)}


# --------------------------------------------------------------------------- mapping helpers


def _fold(text: str) -> str:
    """Header/sheet text compared loosely: case, spacing and punctuation ignored; & is and.
    Only the first :data:`HEADER_CHARS` characters count (no header is longer)."""
    text = unicodedata.normalize("NFKC", text[:HEADER_CHARS]).casefold().replace("&", "and")
    return re.sub(r"[\W_]+", "", text)


def _title_forms(text: str) -> set[str]:
    """A sheet title folded, with and without a leading number like '3.'."""
    return {_fold(text), _fold(re.sub(r"^\s*\d+\s*[.):-]?\s*", "", text))} - {""}


def _text(value: Any) -> str:
    """A cell's text on one line, as far as a header is compared or shown (:data:`HEADER_CHARS`)."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > HEADER_CHARS:
        text = text[:HEADER_CHARS] + "..."
    return " ".join(text.split())


def _aliases(section: Section, recorded: SheetMeta | None, language: str) -> dict[str, str]:
    """Folded header text -> column key: recorded headers first, then blueprint headers, keys,
    then the other names a column goes by (its ``aliases``: Owner for Responsible Person), and
    the merge's Sources header in English and in ``language``."""
    out: dict[str, str] = {}
    if recorded is not None:
        for key, header in zip(recorded.columns, recorded.headers, strict=False):
            if key == SOURCES_KEY or section.column(key) is not None:
                out.setdefault(_fold(header), key)
    for column in section.columns:
        out.setdefault(_fold(column.title), column.key)
    for column in section.columns:
        out.setdefault(_fold(column.key), column.key)
    for column in section.columns:  # a translated blueprint's English headers too
        for header in column.accepted_headers():
            out.setdefault(_fold(header), column.key)
    for header in sorted(_sources_headers(language)):
        out.setdefault(header, SOURCES_KEY)
    for folded, key in _synonyms(section).items():
        out.setdefault(folded, key)
    out.pop("", None)
    return out


def _synonyms(section: Section) -> dict[str, str]:
    """Folded alias -> column key, for the aliases that no column's header or key claims."""
    own = {_fold(c.title) for c in section.columns} | {_fold(c.key) for c in section.columns}
    out: dict[str, str] = {}
    for column in section.columns:
        for alias in getattr(column, "aliases", None) or ():
            folded = _fold(str(alias))
            if folded and folded not in own:
                out.setdefault(folded, column.key)
    return out


def _need(section: Section) -> int:
    """Headers a sheet must show to be taken for the section by headers alone: a majority."""
    visible = [c for c in section.columns if not c.internal] or section.columns
    return len(visible) // 2 + 1


class _Headers:
    """Header matching for one read: each section's header texts (:func:`_aliases`) made once,
    in the blueprint's language."""

    def __init__(self, language: str):
        self.language = language
        self._aliases: dict[tuple[str, int], dict[str, str]] = {}

    def aliases(self, section: Section, recorded: SheetMeta | None) -> dict[str, str]:
        # ``recorded`` lives in the reader's metadata as long as this object: its id is stable
        key = (section.key, id(recorded))
        if key not in self._aliases:
            self._aliases[key] = _aliases(section, recorded, self.language)
        return self._aliases[key]

    def score(self, sheet: _Sheet, section: Section, recorded: SheetMeta | None) -> tuple[int, int]:
        """``(row number, number of the section's columns)`` of the best header row on the sheet."""
        aliases = self.aliases(section, recorded)
        if recorded is not None and recorded.header_row > 0:
            # Where the metadata says the header is, with every recorded column: no search needed.
            top = sheet.folded_top(recorded.header_row)
            if len(top) == recorded.header_row:
                found = {aliases.get(text) for text in top[-1]} - {None, SOURCES_KEY}
                wanted = {aliases.get(_fold(h)) for h in recorded.headers} - {None, SOURCES_KEY}
                if wanted and wanted <= found:
                    return recorded.header_row, len(found)
        depth = max(HEADER_SCAN_ROWS, (recorded.header_row + 10) if recorded else 0)
        best = (0, 0)
        for number, texts in enumerate(sheet.folded_top(depth), start=1):
            keys = {aliases.get(text) for text in texts}
            score = len(keys - {None, SOURCES_KEY})
            if score > best[1]:
                best = (number, score)
        return best


def _assign(sections: list[Section], recorded: Callable[[str], SheetMeta | None],
            sheets: list[_Sheet], headers: _Headers,
            reserved: frozenset[str] = frozenset()) -> dict[str, _Sheet]:
    """Section key -> sheet: by recorded or matching title first, then by headers. A sheet
    titled as one of mapgen's own (``reserved``, casefolded: the Overview, the Timeline) is
    taken by its headers only, never by its title alone."""
    found: dict[str, _Sheet] = {}
    used: set[int] = set()
    fallback: dict[str, _Sheet] = {}  # a title matches but no header does

    def take(key: str, sheet: _Sheet) -> None:
        found[key] = sheet
        used.add(id(sheet))

    for section in sections:
        meta = recorded(section.key)
        exact = next((s for s in sheets if meta and s.title == meta.sheet), None)
        names = _title_forms(section.label) | _title_forms(section.key)
        names |= _title_forms(meta.sheet) if meta else set()
        candidates = [exact] if exact else []
        candidates += [s for s in sheets if s is not exact and _title_forms(s.title) & names]
        for sheet in candidates:
            if id(sheet) in used:
                continue
            if headers.score(sheet, section, meta)[1]:
                take(section.key, sheet)
                break
            if sheet.title.casefold() not in reserved:
                fallback.setdefault(section.key, sheet)
    for section in sections:
        if section.key in found:
            continue
        meta = recorded(section.key)
        scored = [(headers.score(s, section, meta)[1], -n, s) for n, s in enumerate(sheets)
                  if id(s) not in used]
        best = max(scored, key=lambda t: t[:2], default=None)
        if best and best[0] >= _need(section):
            take(section.key, best[2])
        elif (sheet := fallback.get(section.key)) is not None and id(sheet) not in used:
            take(section.key, sheet)
    return found


def _extra_key(header: str, taken: dict[str, Any], section: Section) -> str:
    """A row key for an unknown column, made from its header and unique in the table."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40] or "column"
    key, n = base, 1
    while key in taken or section.column(key) is not None or key == SOURCES_KEY:
        n += 1
        key = f"{base}_{n}"
    return key


# --------------------------------------------------------------------------- values


def _cell(raw: Any, coordinate: str) -> _Cell | None:
    """A read-only cell as a :class:`_Cell`; None for a blank one."""
    value, kind = raw.value, raw.data_type
    if kind == "f":
        return _Cell(None, coordinate, "formula", formula=str(getattr(value, "text", value)))
    if kind == "e":
        return _Cell(value, coordinate, "error")
    if isinstance(value, str) and not value.strip():
        return None
    return _Cell(value, coordinate)


def _plain(value: Any) -> Any:
    """A raw value as a plan keeps it: midnight datetimes as dates, text with stray spaces gone."""
    from mapgen.model.fields import clean_text

    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _norm(value: Any) -> str | None:
    """A value in the form used to compare a row with an example."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return fold_text(str(value)) or None


def _examples(section: Section, table: _Table, recorded: SheetMeta | None, texts: Any = None
              ) -> list[dict[str, set[str | None]]]:
    """Each example as key -> the forms its value may take in a cell, for the columns present
    (a date in words in English and in the language of ``texts``)."""
    from mapgen.core import dates
    from mapgen.model.view import display_value

    rows = recorded.examples if recorded is not None else section.examples
    out = []
    for example in rows:
        forms: dict[str, set[str | None]] = {}
        for key, column in table.columns.items():
            value = example.get(key)
            forms[key] = {_norm(value)}
            if column is None or value is None:
                continue
            try:
                typed = column.field.parse(value, column, allow_relative=True).value
                forms[key] |= {_norm(typed), _norm(display_value(column, typed)),
                               _norm(display_value(column, typed, texts))}
            except (FieldError, ValueError, MapgenError):
                continue
            if recorded is None and column.field.is_date and dates.is_relative(typed):
                forms[key].add(_ANY_DATE)  # resolved for a deal that the workbook no longer records
        out.append(forms)
    return out


def _same(key: str, want: set[str | None], cells: dict[str, _Cell], row: Row) -> bool:
    """True when the row's value in ``key`` is one of the forms an example shows there."""
    value = row.get(key)
    if _ANY_DATE in want and isinstance(value, dt.date):
        return True
    return bool({_norm(value), _norm(cells[key].value if key in cells else None)} & want)


def _is_example(cells: dict[str, _Cell], row: Row, table: _Table) -> bool:
    """True when every column of the row holds what one of the examples shows."""
    return any(all(_same(key, want, cells, row) for key, want in forms.items())
               for forms in table.examples)


# --------------------------------------------------------------------------- formulas, pass two


def _fill_cached_values(book: Any, formulas: dict[str, dict[tuple[int, int], _Cell]]) -> None:
    """Set each formula cell's value to the result the spreadsheet saved (None if there is none)."""
    wb = book.reopen(data_only=True)
    try:
        for title, cells in formulas.items():
            by_row: dict[int, list[tuple[int, _Cell]]] = {}
            for (r, c), cell in cells.items():
                by_row.setdefault(r, []).append((c, cell))
            ws = wb[title]
            ws.reset_dimensions()
            for number, row in enumerate(ws.iter_rows(max_row=max(by_row)), start=1):
                for c, cell in by_row.get(number, ()):
                    raw = row[c - 1] if c <= len(row) else None
                    value = None if raw is None else raw.value
                    if raw is not None and raw.data_type == "e":
                        cell.kind = "error"
                    cell.value = None if isinstance(value, str) and not value.strip() else value
    finally:
        wb.close()
