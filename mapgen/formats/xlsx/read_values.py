"""Cells to plan values: each cell parsed by its column's type (with what a person meant where
the type alone would refuse it), formulas and error cells, notes kept with their rows, and
where each row came from (a mixin of the reader)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import Issue
from mapgen.formats.xlsx.headers import _text
from mapgen.formats.xlsx.meta import SheetMeta
from mapgen.formats.xlsx.notes import CellNote
from mapgen.formats.xlsx.outside import group_key, group_label
from mapgen.formats.xlsx.own_texts import _is_own_note
from mapgen.model.fields import FieldError, fold_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.model.blueprint import Column, Section
    from mapgen.model.plan import Row

QUOTE_CHARS = 60  # characters of a value quoted in an issue


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
    notes: list[str] = field(default_factory=list)  # notes under the table (no rows), in order
    day_first: dict[str, bool] = field(default_factory=dict)  # date column -> its order


class RowValues:
    """Parsing a table's rows (uses the reader's ``cell_notes``, ``own``, ``issues``, ``label``,
    ``_issue``, ``_live_date`` and ``_example``)."""

    def _date_orders(self, given: Order | None) -> bool:
        """Decide the order of each date column's numeric date texts (``table.day_first``;
        :mod:`mapgen.core.date_order`) and return the order of the file's other dates.

        A column written both ways is refused (BadArgument naming the file, sheet and column);
        one whose dates all read both ways gets a ``date-order`` warning naming the order."""
        from mapgen.core.date_order import settle_columns

        columns: dict[tuple[int, str], list[tuple[str, object]]] = {}
        for n, table in enumerate(self.tables):
            dated = {k for k, c in table.columns.items() if c is not None and c.field.is_date}
            for key in dated:
                columns[n, key] = [(f"cell {c.coordinate}", c.value) for _, cells in table.rows
                                   if (c := cells.get(key)) is not None and c.kind == "value"]

        def report(column: tuple[int, str], code: str, message: str) -> tuple[Issue, str]:
            table, key = self.tables[column[0]], column[1]
            header = table.headers.get(key, key)
            return Issue(code=code, file=self.label, sheet=table.sheet, column=key,
                         section=table.section.key, message=f"{header}: {message}"), header

        day_first, shown, issues = settle_columns(columns, given, report)
        for (n, key), first in day_first.items():
            self.tables[n].day_first[key] = first
        self.issues += issues
        return shown

    def _rows(self, table: _Table) -> list[tuple[int, Row]]:
        """Parse every row's cells by their columns' types; skip untouched examples; attach
        each data cell's comment and link (``_notes``); report conflicts still marked."""
        from mapgen.model.plan import NOTES_KEY

        order = [c.key for c in table.section.columns]
        order += [k for k in table.columns if k not in order]
        notes = self.cell_notes.get(table.sheet, {})
        columns = {key: i + 1 for i, key in table.positions.items() if key is not None}
        self._conflicts_left(table, notes)
        conflict_cells = {c["cell"] for c in table.recorded.conflicts} if table.recorded else set()
        merge_notes = [n["note"] for n in table.recorded.notes] if table.recorded else []
        marked_rows = {r for (r, _), note in notes.items()
                       if note.comment and note.comment.startswith(self.own.example_notes)}
        noted_rows = {r for r, _ in notes}
        rows: list[tuple[int, Row]] = []
        grouped = group_key(table.section) if table.recorded is None else None
        if grouped is not None and grouped not in table.columns:
            table.columns[grouped] = table.section.column(grouped)  # from group rows alone
        label = None
        table.rows.reverse()  # consumed from the end: each row's cells are freed once parsed
        while table.rows:
            number, cells = table.rows.pop()
            if grouped is not None:
                heading = group_label([c.value for c in cells.values() if c.kind == "value"]
                                      if len(cells) == 1 else [])
                if heading is not None:
                    label = heading  # a group row: the label of the rows under it
                    continue
                if grouped not in cells and label is not None:
                    cells[grouped] = _Cell(label, next(iter(cells.values())).coordinate)
                elif grouped in cells and cells[grouped].kind == "value":
                    label = " ".join(str(cells[grouped].value).split())
            row: Row = {}
            issues: list[Issue] = []
            for key, cell in cells.items():
                value, issue = self._value(table, key, cell)
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
                comment = _without_merge_note(note.comment, merge_notes)
                entry = {k: v for k, v in (("comment", comment), ("link", note.link)) if v}
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

    def _value(self, table: _Table, key: str, cell: _Cell) -> tuple[Any, Issue | None]:
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
            parsed = field.parse(raw, column, day_first=table.day_first.get(key, True),
                                 allow_relative=True)
        except FieldError as exc:
            return _plain(cell.value), self._cell_issue(table, key, cell, exc.code, exc.message)
        warning = parsed.warning
        if warning is not None and warning[0] == "ambiguous-date":
            warning = None  # the column's one order decided it (see _date_orders)
        if lenient is None and warning is None:
            return parsed.value, None
        code, message = lenient or warning
        return parsed.value, self._cell_issue(table, key, cell, code, message, "warning")

    def _cell_issue(self, table: _Table, key: str, cell: _Cell, code: str, message: str,
                    severity: str | None = None) -> Issue:
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


def _without_merge_note(comment: str | None, merge_notes: list[str]) -> str | None:
    """A cell's comment without a note merge wrote for information (a renumbered row's old
    number, :data:`mapgen.model.view.RENUMBERED_NOTE`), wherever the row went since (a sort
    moves comments with their cells): what a person wrote after it is theirs."""
    if not comment or not merge_notes:
        return comment
    for note in merge_notes:
        if fold_text(comment) == fold_text(note):
            return None
        if comment.startswith(note):
            return comment[len(note):].strip() or None
    return comment
