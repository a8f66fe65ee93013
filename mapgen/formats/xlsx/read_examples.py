"""Examples left as generated are skipped: each example's forms (its value as typed, parsed and
shown in words), and whether a row still equals one (a mixin of the reader)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import MapgenError
from mapgen.formats.xlsx.meta import SheetMeta
from mapgen.formats.xlsx.read_values import _norm
from mapgen.model.fields import FieldError

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.formats.xlsx.read_values import _Cell, _Table
    from mapgen.model.blueprint import Section
    from mapgen.model.plan import Row

_ANY_DATE = "\0any date"  # an example's form that any date matches (see _examples)


class ExampleRows:
    """Recognising an untouched example row (uses the reader's ``_issue``)."""

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
