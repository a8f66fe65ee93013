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
  (numeric ones like 03/04/2027 one way per column: :mod:`mapgen.core.date_order`), whole
  numbers, choices in any case.
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

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import Issue, NotOfBlueprint
from mapgen.formats.xlsx.headers import (
    HEADER_CHARS,
    HEADER_SCAN_CELLS,
    HEADER_SCAN_ROWS,
    _assign,
    _fold,
    _Headers,
    _need,
    _text,
)
from mapgen.formats.xlsx.meta import META_SHEET, SheetMeta, WorkbookMeta, read_meta
from mapgen.formats.xlsx.notes import Notes, read_cell_notes
from mapgen.formats.xlsx.own_texts import _own_texts
from mapgen.formats.xlsx.read_examples import ExampleRows
from mapgen.formats.xlsx.read_overview import OverviewFacts
from mapgen.formats.xlsx.read_values import RowValues, _Cell, _plain, _Table
from mapgen.formats.xlsx.safety import (
    MAX_CELLS,
    MAX_OUTPUT_CHARS,
    MAX_ROWS_PER_SHEET,
    UnusableInput,
    read_boundary,
)
from mapgen.formats.xlsx.table_scan import MAX_COLUMNS, TableScan

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.model.blueprint import Blueprint, Section
    from mapgen.model.plan import Plan, Row

# The reader's public face; its documented bounds are kept with it (they live with their stage).
__all__ = ["HEADER_CHARS", "MAX_COLUMNS", "Cells", "read_workbook", "read_workbook_meta",
           "read_workbook_with"]

# Where a plan's rows were read: section key -> per row, column key -> (sheet title, coordinate)
Cells = dict[str, list[dict[str, tuple[str, str]]]]


# --------------------------------------------------------------------------- public API


def read_workbook(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                  date_order: Order | None = None) -> Plan:
    """Read a completed workbook into a plan; problems in the data are ``plan.issues``.

    ``blueprint`` defaults to the one recorded in the workbook, else ``map``. Date texts like
    03/04/2027 are read one way per column: ``date_order``, else as the column's dates show
    (:mod:`mapgen.core.date_order`; MapgenError for a column written both ways).
    Raises :class:`~mapgen.core.errors.UnusableInput` for a file that is not a usable workbook.
    """
    return read_workbook_meta(path, blueprint=blueprint, date_order=date_order)[0]


def read_workbook_meta(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                       date_order: Order | None = None, cells: Cells
                       | None = None) -> tuple[Plan, WorkbookMeta | None]:
    """:func:`read_workbook`, and the workbook's metadata (``None`` when it has none).

    ``cells``, when given, is filled with where each plan row came from: section key -> per
    row, column key -> (sheet title, cell coordinate) for every column of the table, empty
    cells included (``shift`` edits those cells; ``status`` names them).
    """
    plan, meta, _ = read_workbook_with(path, blueprint=blueprint, date_order=date_order,
                                       cells=cells)
    return plan, meta


def read_workbook_with(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                       date_order: Order | None = None, cells: Cells | None = None
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
        plan = reader.plan(date_order=date_order, cells=cells is not None)
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
    for texts in plan.notes.values():
        total += sum(len(text) + 8 for text in texts)
    for issue in plan.issues:
        total += len(issue.message) + 200
    if total > MAX_OUTPUT_CHARS:
        raise UnusableInput(_too_large(label, f"about {total:,}"))


def _too_large(label: str, size: str) -> str:
    return (f"{label}: the plan read from it would be too large to write safely ({size} characters; "
            f"limit {MAX_OUTPUT_CHARS:,})")


# --------------------------------------------------------------------------- sheets, bounded


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


class _WorkbookReader(TableScan, OverviewFacts, RowValues, ExampleRows):
    """Maps sheets and columns to the blueprint and collects each table's cells (pass one),
    then makes the plan of them. Its stages live in their own modules: the table scan
    (:mod:`~mapgen.formats.xlsx.table_scan`), the Overview's deal facts
    (:mod:`~mapgen.formats.xlsx.read_overview`), the cells' values
    (:mod:`~mapgen.formats.xlsx.read_values`) and examples
    (:mod:`~mapgen.formats.xlsx.read_examples`)."""

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
        self.day_first = True  # the order of deal dates typed as text (see _date_orders)
        self.cells: Cells = {}  # see read_workbook_meta
        self.cell_notes: Notes = {}  # comments and links, read after pass one
        self.overview_cells: dict[str, _Cell | None] = {}  # "deal:buyer", "objective:0" -> cell
        self.overview_sheet: str | None = None  # the sheet those cells were read from
        self.sheets: list[_Sheet] = []
        # a workbook made outside mapgen (see mapgen.formats.xlsx.outside): deal key ->
        # (value, sheet, cell) found by the blueprint's deal labels, and those labels' cells
        self.labelled: dict[str, tuple[Any, str, str | None]] = {}
        self.deal_cells: set[tuple[str, str | None]] = set()

    # -- setup

    def _issue(self, code: str, message: str, severity: str | None = None, **where: Any) -> None:
        self.issues.append(Issue(code=code, message=message, severity=severity, file=self.label,
                                 **where))

    def _blueprint(self, given: Blueprint | None) -> Blueprint:
        from mapgen.model.blueprint import blueprint_to_read

        bp, said = blueprint_to_read(given, dict(self.meta.blueprint) if self.meta else None,
                                     "workbook")
        for code, message in said:
            self._issue(code, message)
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
            raise NotOfBlueprint(self._not_a_map(sheets))
        self.sheets = sheets
        if self.meta is None and self.blueprint.deal_labels:
            self._find_deal(sheets)
        if self.meta is None:
            facts = ("the deal facts were found by their labels" if self.labelled else
                     "the deal facts are empty")
            self._issue("no-metadata", "the workbook carries no mapgen metadata: sections were "
                        f"found by sheet names and headers, and {facts}", "warning")
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

    def _find_deal(self, sheets: list[_Sheet]) -> None:
        """The deal block of a workbook made outside mapgen, by the blueprint's labels."""
        from mapgen.formats.xlsx.outside import find_deal

        for sheet in sheets:
            found = find_deal(sheet.top(HEADER_SCAN_ROWS), self.blueprint.deal_labels)
            for key, (value, label_at, value_at) in found.items():
                if key in self.labelled:
                    continue
                self.labelled[key] = (value, sheet.title, value_at)
                self.deal_cells.update({(sheet.title, label_at), (sheet.title, value_at)})

    def _labelled_deal(self) -> dict[str, Any]:
        """The deal facts found beside the blueprint's deal labels (dates parsed)."""
        from mapgen.model.plan import parse_deal

        deal: dict[str, Any] = {}
        for key, (value, sheet, at) in self.labelled.items():
            if value is None:
                continue
            typed, problems = parse_deal({key: _plain(value)}, file=self.label,
                                         day_first=self.day_first)
            for issue in problems:
                issue.sheet, issue.cell = sheet, at
            self.issues += problems
            if not problems:
                deal[key] = typed[key]
        return deal

    def _own_sheets(self) -> frozenset[str]:
        """The titles (casefolded) of mapgen's own sheets: Overview and Timeline in English and
        in the blueprint's language, and the Overview the metadata records."""
        from mapgen.formats.xlsx.sheets import reserved_sheets

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
                f"such as {looked})")

    def notes(self, notes: list[str]) -> None:
        """Warnings from opening the workbook (damaged shared text, truncated sheets)."""
        for note in notes:
            self._issue("damaged-workbook", note, "warning")

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

    def noted_sheets(self) -> set[str]:
        """The sheets whose comments and links matter: the section sheets read."""
        return {t.sheet for t in self.tables}

    # -- after pass one (and the cached values of formulas, if any)

    def plan(self, *, date_order: Order | None = None, cells: bool = True) -> Plan:
        """The plan read; ``cells``: also record where each row came from (``self.cells``)."""
        from mapgen.model.plan import BlueprintRef, Plan, parse_deal

        self.day_first = self._date_orders(date_order)
        deal: dict[str, Any] = {}
        if self.meta is not None:
            facts = {k: v for k, v in self.meta.deal.items() if v not in (None, "")}
            deal, deal_issues = parse_deal(facts, file=self.label)
            self.issues[:0] = deal_issues
            deal = self._overview_deal(deal)
        elif self.labelled:
            deal = self._labelled_deal()
        self.deal = deal  # before the rows: live formulas without a saved result count from it
        sections: dict[str, list[Row]] = {}
        columns: dict[str, dict[str, str]] = {}
        for table in self.tables:
            numbered = self._rows(table)
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
        notes = {t.section.key: list(t.notes) for t in self.tables if t.notes}
        plan = Plan(blueprint=BlueprintRef(name=self.blueprint.name, version=self.blueprint.version),
                    deal=deal, sections=sections, columns=columns, notes=notes, issues=self.issues)
        if self.meta is not None and self.meta.standard_rows:
            from mapgen.model.rowids import set_seen

            set_seen(plan, self.meta.standard_rows)
        if self.meta is not None and self.meta.relative_dates:
            from mapgen.model.relative_dates import from_workbook

            from_workbook(plan, self.meta.relative_dates, self.blueprint)  # plan.relative_dates
        return plan

    def _row_ids(self, table: Any, rows: list[tuple[int, Row]]) -> None:
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

    def _check_size(self) -> None:
        """Refuse the workbook once the plan read so far would be too large (before the cells
        fill memory)."""
        if self.output > MAX_OUTPUT_CHARS:
            raise UnusableInput(_too_large(self.label, f"more than {MAX_OUTPUT_CHARS:,}"))


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
