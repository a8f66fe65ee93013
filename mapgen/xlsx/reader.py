"""The Excel reader: a completed workbook back to a :class:`~mapgen.plan.Plan`, with issues.

Workbooks come back from Excel, LibreOffice and Google Sheets after people have used them, so
the reader is tolerant by design and strict only about values:

- **Sheets** are found by the title recorded in the metadata (:mod:`mapgen.xlsx.meta`), else by
  a title that matches the section's title or key (case, spacing, punctuation and a leading
  "3." ignored), else by a sheet whose header row holds most of the section's headers (a
  renamed sheet, a hand-made workbook, an export that dropped the metadata).
- **Header row** is the row among the top ones with most of the section's headers; each header
  maps to a column by the recorded header text, then the blueprint's, then the key, folded the
  same way. Column order does not matter. An unknown header keeps its values under a key made
  from it (``unknown-column`` warning); values in columns without a header likewise
  (``column_k``). The merge's "Sources" column is ignored: provenance is not plan data.
- **Rows**: everything below the header, including rows added below the table, until a run of
  blank rows longer than the section's empty rows plus :data:`BLANK_RUN`. Blank rows are
  skipped, and so is a row that still equals an example (a partly edited example is data).
  Cells left of the table (the writer's "Example" markers) are not data.
- **Values** are parsed by their column type (:mod:`mapgen.fields`): real dates, date texts
  (ambiguous ones are read ``day_first`` and reported), whole numbers, choices in any case.
  A value that does not parse is an error naming the cell, and its raw value is kept.
- **Languages**: a translated blueprint (``language: de``...) also accepts its English parent's
  headers and choices, as a buyer may have pasted from an English copy.
- **Formulas**: the cached result is read; a formula without one is an error
  (``formula-without-value``), never evaluated. Formulas are rare in data cells, so the file is
  opened with formulas visible, and a second pass for cached results runs only when needed.
- **Safety**: every file is checked and opened by :func:`mapgen.xlsx.book.open_book` (zip
  bombs, XML entities, wrong file kinds; .ods/.xls/.xlsb through calamine), and the whole read
  runs inside :func:`mapgen.xlsx.safety.read_boundary`, where any library error becomes one
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
from typing import TYPE_CHECKING, Any

from mapgen.errors import Issue, MapgenError
from mapgen.fields import fold_text
from mapgen.xlsx.meta import META_SHEET, SOURCES_KEY, SheetMeta, WorkbookMeta, read_meta
from mapgen.xlsx.safety import (
    MAX_CELLS,
    MAX_OUTPUT_CHARS,
    MAX_ROWS_PER_SHEET,
    UnusableInput,
    read_boundary,
)

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.blueprint import Blueprint, Column, Section
    from mapgen.plan import Plan, Row

HEADER_SCAN_ROWS = 30  # rows at the top of a sheet searched for a table header
HEADER_CHARS = 300  # characters of a cell compared with headers, and kept as a header's text
HEADER_SCAN_CELLS = 1000  # cells of a top row compared with headers
BLANK_RUN = 50  # blank rows (beyond the section's own empty rows) that end a table
MAX_COLUMNS = 200  # columns read from the table's first column on
_ANY_DATE = "\0any date"  # an example's form that any date matches (see _examples)
_SOURCES_HEADER = "sources"  # the merge's provenance column (SOURCES_KEY): never read back


# --------------------------------------------------------------------------- public API


def read_workbook(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                  day_first: bool = True) -> Plan:
    """Read a completed workbook into a plan; problems in the data are ``plan.issues``.

    ``blueprint`` defaults to the one recorded in the workbook, else ``map``. ``day_first``
    decides how an ambiguous date text like 03/04/2027 is read (the choice is reported).
    Raises :class:`~mapgen.errors.UnusableInput` for a file that is not a usable workbook.
    """
    return read_workbook_meta(path, blueprint=blueprint, day_first=day_first)[0]


def read_workbook_meta(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                       day_first: bool = True, cells: dict[str, list[dict[str, tuple[str, str]]]]
                       | None = None) -> tuple[Plan, WorkbookMeta | None]:
    """:func:`read_workbook`, and the workbook's metadata (``None`` when it has none).

    ``cells``, when given, is filled with where each plan row came from: section key -> per
    row, column key -> (sheet title, cell coordinate) (``shift`` edits those cells).
    """
    from mapgen.xlsx.book import open_book

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
        plan = reader.plan(day_first=day_first)
        _check_output(plan, label)
    if cells is not None:
        cells.update(reader.cells)
    return plan, reader.meta


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
    rows: list[dict[str, _Cell]] = field(default_factory=list)


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
        self.tables: list[_Table] = []
        self.output = 0  # the plan's written size so far, estimated (see _check_output)
        # sheet title -> (row, column) -> cell whose formula needs its cached result
        self.formulas: dict[str, dict[tuple[int, int], _Cell]] = {}
        self.deal_dates: dict[str, Any] = {}  # deal dates as typed on the Overview
        self.deal: dict[str, Any] = {}
        self.cells: dict[str, list[dict[str, tuple[str, str]]]] = {}  # see read_workbook_meta

    # -- setup

    def _issue(self, code: str, message: str, severity: str = "error", **where: Any) -> None:
        self.issues.append(Issue(code=code, message=message, severity=severity, file=self.label,
                                 **where))

    def _blueprint(self, given: Blueprint | None) -> Blueprint:
        from mapgen.blueprint import load_blueprint

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
        self._read_deal_dates()
        budget = _Budget()
        sheets = [_Sheet(ws, budget) for ws in self.wb.worksheets
                  if ws.title != META_SHEET and ws.sheet_state != "veryHidden"]
        found = _assign(self.blueprint.sections, self._sheet_meta, sheets)
        if self.meta is None and not any(_header_score(sheet, section, None)[1]
                                         for section, sheet in self._found(found)):
            raise UnusableInput(self._not_a_map(sheets))
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

    def _found(self, found: dict[str, _Sheet]) -> list[tuple[Section, _Sheet]]:
        return [(s, found[s.key]) for s in self.blueprint.sections if s.key in found]

    def _not_a_map(self, sheets: list[_Sheet]) -> str:
        """One line for a workbook in which nothing looks like a section of the blueprint."""
        if not sheets:
            return f"{self.label}: is not a MAP workbook: it has no worksheets"
        scored = []
        for n, section in enumerate(self.blueprint.sections):
            best = max((_header_score(sheet, section, None)[1] for sheet in sheets), default=0)
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

    def _read_deal_dates(self) -> None:
        """The deal's date cells on the Overview (they may have been changed since)."""
        anchors = self.meta.live_dates.get("anchors", {}) if self.meta else {}
        ws = next((w for w in self.wb.worksheets if w.sheet_state == "visible"), None)
        if not anchors or ws is None:
            return
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        for key, coordinate in anchors.items():
            try:
                letters, number = coordinate_from_string(coordinate)
                col = column_index_from_string(letters)
            except ValueError:
                continue
            row = next(ws.iter_rows(min_row=number, max_row=number, max_col=col,
                                    values_only=True), ())
            self.deal_dates[key] = row[col - 1] if len(row) >= col else None

    def _live_date(self, cell: _Cell) -> tuple[bool, Any]:
        """(True, value) for a formula that keeps a relative date live and has no saved date:
        the date worked out here from the deal, else the relative date itself."""
        from mapgen import dates

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
                if _header_score(sheet, section, self._sheet_meta(section.key))[1] >= _need(section):
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
        header_at, score = _header_score(sheet, section, recorded)
        if score == 0:
            self._issue("missing-header", f"sheet '{sheet.title}' has no header row with the "
                        f"columns of section '{section.label}' (like "
                        f"'{section.columns[0].title}'); the section is left out", **where)
            return None
        header = [_text(c.value) for c in sheet.head[header_at - 1]]
        first = next(i for i, text in enumerate(header) if text)
        aliases = _aliases(section, recorded)
        keys: dict[int, str | None] = {}
        table = _Table(section, sheet.title, {}, {}, [])
        for i in range(first, min(len(header), first + MAX_COLUMNS)):
            text = header[i]
            if not text:
                continue
            key = aliases.get(_fold(text))
            if key == SOURCES_KEY:
                keys[i] = None
                continue
            coordinate = f"{get_column_letter(i + 1)}{header_at}"
            if key is None or key in table.columns:
                key = _extra_key(text, table.columns, section)
                what = ("appears twice" if aliases.get(_fold(text)) else "is not in the blueprint")
                self._issue("unknown-column", f"column '{text}' {what}; its values are kept "
                            f"under '{key}'", "warning", cell=coordinate, column=key, **where)
                table.columns[key] = None
            else:
                table.columns[key] = section.column(key)
            table.headers[key] = text
            keys[i] = key
        for column in section.columns:
            if column.key not in table.columns and not column.internal:
                self._issue("missing-column", f"column '{column.title}' is missing; its values "
                            "are left empty", "warning", column=column.key, **where)
        table.examples = _examples(section, table, recorded)
        self._collect_rows(sheet, table, header_at, first, keys)
        if sheet.truncated:
            self._issue("truncated", sheet.truncated, **where)
        return table

    def _collect_rows(self, sheet: _Sheet, table: _Table, header_at: int, first: int,
                      keys: dict[int, str | None]) -> None:
        from openpyxl.utils import get_column_letter

        limit = BLANK_RUN + table.section.blank_rows
        blank = 0
        last = first + MAX_COLUMNS
        for number, row in sheet.rows_after(header_at):
            cells: dict[str, _Cell] = {}
            for i in range(first, min(len(row), last)):
                if row[i].value is None:
                    continue
                cell = _cell(row[i], f"{get_column_letter(i + 1)}{number}")
                if cell is None:
                    continue
                if i not in keys:  # a value in a column without a header
                    key = _extra_key(f"column {get_column_letter(i + 1)}", table.columns,
                                     table.section)
                    keys[i] = table.headers[key] = key
                    table.columns[key] = None
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
                table.rows.append(cells)
                blank = 0
                if self.output > MAX_OUTPUT_CHARS:  # refused before the cells fill memory
                    raise UnusableInput(_too_large(self.label, f"more than {MAX_OUTPUT_CHARS:,}"))
            else:
                blank += 1
                if blank > limit:
                    break

    # -- after pass one (and the cached values of formulas, if any)

    def plan(self, *, day_first: bool) -> Plan:
        from mapgen.plan import BlueprintRef, Plan, parse_deal

        deal: dict[str, Any] = {}
        if self.meta is not None:
            facts = {k: v for k, v in self.meta.deal.items() if v not in (None, "")}
            for key, value in self.deal_dates.items():  # the Overview's dates win
                if value in (None, ""):
                    facts.pop(key, None)
                else:
                    facts[key] = value
            deal, deal_issues = parse_deal(facts, file=self.label)
            self.issues[:0] = deal_issues
        self.deal = deal
        sections: dict[str, list[Row]] = {}
        for table in self.tables:
            sections[table.section.key] = self._rows(table, day_first)
        plan = Plan(blueprint=BlueprintRef(name=self.blueprint.name, version=self.blueprint.version),
                    deal=deal, sections=sections, issues=self.issues)
        if self.meta is not None and self.meta.relative_dates:
            from mapgen.relative import from_workbook

            from_workbook(plan, self.meta.relative_dates, self.blueprint)  # plan.relative_dates
        return plan

    def _rows(self, table: _Table, day_first: bool) -> list[Row]:
        """Parse every row's cells by their columns' types; skip untouched examples."""
        order = [c.key for c in table.section.columns]
        order += [k for k in table.columns if k not in order]
        rows: list[Row] = []
        table.rows.reverse()  # consumed from the end: each row's cells are freed once parsed
        while table.rows:
            cells = table.rows.pop()
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
            if _is_example(cells, row, table):  # untouched (a rule in words is no date)
                continue
            rows.append({k: row[k] for k in order if k in row})
            self.cells.setdefault(table.section.key, []).append(
                {k: (table.sheet, c.coordinate) for k, c in cells.items()})
            self.issues += issues
        return rows

    def _value(self, table: _Table, key: str, cell: _Cell, day_first: bool
               ) -> tuple[Any, Issue | None]:
        """A cell's value for the plan, and the issue it raises if any (its raw value is kept)."""
        from mapgen.fields import FieldError

        def issue(code: str, message: str, severity: str = "error") -> Issue:
            return Issue(code=code, severity=severity, file=self.label, sheet=table.sheet,
                         cell=cell.coordinate, section=table.section.key, column=key,
                         message=f"{table.headers[key]}: {message}")

        column = table.columns[key]
        if cell.kind == "formula":
            live, value = self._live_date(cell)
            if live:
                return value, None
        if cell.kind == "formula" and cell.value is None:
            return cell.formula, issue(
                "formula-without-value", f"the formula {cell.formula} has no saved result; open "
                "the file in Excel or LibreOffice, save it and read it again")
        if cell.kind == "error":
            return cell.value, issue("cell-error", f"the cell shows the error {cell.value}")
        if column is None:
            return _plain(cell.value), None
        try:
            parsed = column.field.parse(cell.value, column, day_first=day_first, allow_relative=True)
        except FieldError as exc:
            return _plain(cell.value), issue(exc.code, exc.message)
        return parsed.value, issue(*parsed.warning, "warning") if parsed.warning else None


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


def _aliases(section: Section, recorded: SheetMeta | None) -> dict[str, str]:
    """Folded header text -> column key: recorded headers first, then blueprint headers, keys."""
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
    out.setdefault(_SOURCES_HEADER, SOURCES_KEY)
    out.pop("", None)
    return out


def _need(section: Section) -> int:
    """Headers a sheet must show to be taken for the section by headers alone: a majority."""
    visible = [c for c in section.columns if not c.internal] or section.columns
    return len(visible) // 2 + 1


def _header_score(sheet: _Sheet, section: Section, recorded: SheetMeta | None) -> tuple[int, int]:
    """``(row number, number of the section's columns)`` of the best header row on the sheet."""
    aliases = _aliases(section, recorded)
    depth = max(HEADER_SCAN_ROWS, (recorded.header_row + 10) if recorded else 0)
    best = (0, 0)
    for number, texts in enumerate(sheet.folded_top(depth), start=1):
        keys = {aliases.get(text) for text in texts}
        score = len(keys - {None, SOURCES_KEY})
        if score > best[1]:
            best = (number, score)
    return best


def _assign(sections: list[Section], recorded: Callable[[str], SheetMeta | None],
            sheets: list[_Sheet]) -> dict[str, _Sheet]:
    """Section key -> sheet: by recorded or matching title first, then by headers."""
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
            if _header_score(sheet, section, meta)[1]:
                take(section.key, sheet)
                break
            fallback.setdefault(section.key, sheet)
    for section in sections:
        if section.key in found:
            continue
        meta = recorded(section.key)
        scored = [(_header_score(s, section, meta)[1], -n, s) for n, s in enumerate(sheets)
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
    from mapgen.fields import clean_text

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


def _examples(section: Section, table: _Table, recorded: SheetMeta | None
              ) -> list[dict[str, set[str | None]]]:
    """Each example as key -> the forms its value may take in a cell, for the columns present."""
    from mapgen import dates
    from mapgen.fields import FieldError
    from mapgen.layout import display_value

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
                forms[key] |= {_norm(typed), _norm(display_value(column, typed))}
            except (FieldError, ValueError, MapgenError):
                continue
            if recorded is None and column.field.is_date and dates.is_relative(typed):
                forms[key].add(_ANY_DATE)  # resolved for a deal that the workbook no longer records
        out.append(forms)
    return out


def _is_example(cells: dict[str, _Cell], row: Row, table: _Table) -> bool:
    """True when every column of the row holds what one of the examples shows."""
    def same(key: str, want: set[str | None]) -> bool:
        value = row.get(key)
        if _ANY_DATE in want and isinstance(value, dt.date):
            return True
        return bool({_norm(value), _norm(cells[key].value if key in cells else None)} & want)

    return any(all(same(key, want) for key, want in forms.items()) for forms in table.examples)


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
