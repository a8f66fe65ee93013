"""Pass one over a section sheet: the header's columns mapped to the blueprint, text in the
margins reported, and every non-blank row's cells collected (a mixin of the reader)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from mapgen.formats.xlsx.headers import (
    _extra_key,
    _fold,
    _recorded_extras,
    _Sheet,
    _synonyms,
    _text,
    _title_forms,
)
from mapgen.formats.xlsx.meta import SOURCES_KEY
from mapgen.formats.xlsx.outside import is_own_text, section_texts
from mapgen.formats.xlsx.read_examples import _examples
from mapgen.formats.xlsx.read_values import _Cell, _cell, _lenient, _plain, _quote, _Table

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Section

BLANK_RUN = 50  # blank rows (beyond the section's own empty rows) after which a warning says so
MAX_COLUMNS = 200  # columns read from the table's first column on


class TableScan:
    """Finding a section's table on its sheet and collecting its cells (uses the reader's
    ``headers``, ``own``, ``formulas``, ``output``, ``_issue``, ``_sheet_meta`` and
    ``_check_size``)."""

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
            if column.key not in table.columns and not column.internal and not (
                    recorded is None and (column.group or re.fullmatch(r"Column [A-Z]{1,3}",
                                                                       column.title))):
                # a group column has its labels in rows; 'Column J' has no header to find
                self._issue("missing-column", f"column '{column.title}' is missing; its values "
                            "are left empty", "warning", column=column.key, **where)
        table.examples = _examples(section, table, recorded, self.own.texts)
        self._margins(sheet, table, first)
        self._collect_rows(sheet, table, header_at, first, keys)
        if sheet.truncated:
            self._issue("truncated", sheet.truncated, **where)
        return table

    def _positional(self, table: _Table, i: int) -> str | None:
        """The blueprint's column named by its position ('Column J', as ``blueprint import``
        names a column the template left without a header), when no header claimed it."""
        from openpyxl.utils import get_column_letter

        key = self.headers.aliases(table.section, table.recorded).get(
            _fold(f"Column {get_column_letter(i + 1)}"))
        return key if key is not None and key not in table.columns else None

    def _outside(self, sheet: str, coordinate: str, value: Any, section: str, where: str) -> None:
        """A cell that is not data: a warning that names it and quotes its value (the message
        cuts a long one; the issue's ``value`` keeps it whole)."""
        kept = value.isoformat() if isinstance(value, dt.date) else (
            value if isinstance(value, str | int | float | bool) else str(value))
        self._issue("outside-table", f"{_quote(value)} is {where}, so it is not read as data; "
                    "move it into the table (a new column needs a header)", "warning",
                    sheet=sheet, cell=coordinate, section=section, extra={"value": kept})

    def _margins(self, sheet: _Sheet, table: _Table, first: int) -> None:
        """Cells above the header and left of it: mapgen's own text, or a warning each."""
        from openpyxl.utils import get_column_letter

        recorded = table.recorded
        own = {k: _text(v) for k, v in recorded.texts.items()} if recorded is not None else {}
        legacy = recorded is not None and not recorded.texts  # metadata from before texts
        titles = _title_forms(table.section.label) | _title_forms(table.section.title or "")
        section_text = section_texts(table.section)
        for number, row in enumerate(sheet.head[:table.header_row], start=1):
            for i, raw in enumerate(row):
                if raw.value is None or (number == table.header_row and i >= first):
                    continue
                if isinstance(raw.value, str) and not raw.value.strip():
                    continue
                coordinate = f"{get_column_letter(i + 1)}{number}"
                if own.get(coordinate) == _text(raw.value):
                    continue
                if (sheet.title, coordinate) in self.deal_cells:
                    continue  # a deal fact, by the blueprint's deal labels
                if recorded is None and is_own_text([raw.value], section_text):
                    continue  # the section's purpose or instructions, above its table
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
        own_text = section_texts(table.section)
        noted = set(table.recorded.note_cells) if table.recorded is not None else set()
        blank = 0
        after_note = False  # the last non-blank row was a note (notes run on in a block)
        last = first + MAX_COLUMNS
        warned_gap = False
        letters: list[str] = []  # column letters by 0-based index, made as wide rows come
        for number, row in sheet.rows_after(header_at):
            cells: dict[str, _Cell] = {}
            headerless: list[tuple[int, _Cell]] = []  # values in columns without a header
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
                if i not in keys and (key := self._positional(table, i)) is not None:
                    keys[i] = table.headers[key] = key  # a headerless column the blueprint names
                    table.columns[key] = table.section.column(key)
                if i not in keys:
                    headerless.append((i, cell))
                    continue
                key = keys[i]
                if key is None:
                    continue
                cells[key] = cell
                self._account(sheet.title, number, i, cell)
            if cells and table.recorded is None and is_own_text(
                    [c.value for c in cells.values()], own_text):
                continue  # a legend or note under the table: the section's own text
            if len(cells) + len(headerless) == 1 and self._note(
                    table, next(iter(cells.items()), (None, None)), headerless, noted,
                    gap=blank > 0 or after_note):
                after_note, blank = True, 0
                continue
            for i, cell in headerless:  # a value in a column without a header
                key = _extra_key(f"column {get_column_letter(i + 1)}", table.columns,
                                 table.section)
                keys[i] = table.headers[key] = key
                table.columns[key] = None
                table.extras[key] = key
                self._issue("unknown-column", f"values in column {get_column_letter(i + 1)}, "
                            f"which has no header, are kept under '{key}'", "warning",
                            sheet=sheet.title, cell=cell.coordinate,
                            section=table.section.key, column=key)
                cells[key] = cell
                self._account(sheet.title, number, i, cell)
            if cells:
                if blank > limit and not warned_gap:
                    warned_gap = True
                    self._issue("rows-below-gap", f"row {number} lies {blank} blank rows below "
                                "the rows before it; it and the rows after it are read as data",
                                "warning", sheet=sheet.title, cell=f"{get_column_letter(first + 1)}"
                                f"{number}", section=table.section.key)
                table.rows.append((number, cells))
                blank = 0
                after_note = False
                self._check_size()  # refused before the cells fill memory
            else:
                blank += 1

    def _account(self, sheet: str, number: int, i: int, cell: _Cell) -> None:
        """A cell taken as data: its share of the plan's size, its formula's place."""
        self.output += 24 + (len(cell.value) if isinstance(cell.value, str) else 10)
        if cell.kind == "formula":
            self.formulas.setdefault(sheet, {})[(number, i + 1)] = cell

    def _note(self, table: _Table, keyed: tuple[str | None, _Cell | None],
              headerless: list[tuple[int, _Cell]], noted: set[str], *, gap: bool) -> bool:
        """Whether a row's one value is a note under the table rather than a row: a text that
        mapgen wrote there as a note, or one that stands after blank rows in a column whose
        type it does not fit (or in a column without a header). A note is kept in
        ``table.notes`` and, unless mapgen wrote it, reported with its cell."""
        key, cell = keyed if keyed[1] is not None else (None, headerless[0][1])
        if cell.kind != "value" or not isinstance(cell.value, str):
            return False
        text = _plain(cell.value)
        if cell.coordinate in noted:
            table.notes.append(text)
            return True
        from mapgen.model.plan import is_note

        column = table.columns.get(key) if key is not None else None
        raw = _lenient(column.field, cell.value)[0] if column is not None else cell.value
        if not gap or (key is not None and (column is None or not is_note(column, raw))):
            return False  # next to the rows, or a value of its column (a row typed far below)
        where = (f"is not a value of column '{table.headers[key]}'" if key is not None
                 else "stands in a column without a header")
        self._issue("note-under-table", f"{_quote(cell.value)} stands alone under the table and "
                    f"{where}: it is kept as a note of the section, not read as a row", "warning",
                    sheet=table.sheet, cell=cell.coordinate, section=table.section.key)
        table.notes.append(text)
        return True

