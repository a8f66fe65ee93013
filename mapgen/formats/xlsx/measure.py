"""Measuring text: the rows' heights that wrapped text needs (neither Excel nor LibreOffice
fits merged cells or rows by itself)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from mapgen.core.text import wrapped_lines  # the one line counter (also for the timeline)
from mapgen.core.xmltext import xml_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.formats.xlsx.sheets import TableColumn


def text_height(text: str, width: float, *, size: int = 10, pad: float = 3) -> float:
    """Points of row height that wrapped ``text`` needs in ``width`` characters (an estimate:
    neither Excel nor LibreOffice fits merged cells by itself)."""
    lines = wrapped_lines(text, max(1.0, (width - 1) * 11 / size * 0.95))
    return lines * size * 1.3 + pad


def fit_height(text: str, width: float, minimum: float, *, size: int = 10) -> float:
    """``minimum`` points for a text that fits one line of ``width`` characters, else the
    height of its wrapped lines (a translation may be longer than the English)."""
    if wrapped_lines(text, (width - 1) * 11 / size * 0.95) <= 1:
        return minimum
    return max(minimum, text_height(text, width, size=size))


def row_height(columns: list[TableColumn], values: list[Any], *, size: int = 10,
               wrap: Collection[str] = ()) -> float | None:
    """Points of height a table row needs so that its wrapped texts show whole, or None when
    one line is enough (the default height fits). ``wrap``: keys of cells wrapped although
    their type is not (a relative date shown in words)."""
    return RowHeights(columns, size=size)(values, wrap=wrap)


class RowHeights:
    """:func:`row_height` for the rows of one table: each column's line length and whether its
    type wraps worked out once."""

    def __init__(self, columns: list[TableColumn], *, size: int = 10):
        self.size = size
        # A column of width w holds about w characters of the 11 pt default font; fewer when
        # the text is proportional and mixed: keep a margin so that no line is cut off.
        self.columns = [(col.key, (col.width - 1) * 11 / size * 0.95,
                         col.column.field.wrap if col.column is not None else True)
                        for col in columns]

    def __call__(self, values: list[Any], *, wrap: Collection[str] = ()) -> float | None:
        lines = 1
        for (key, per_line, wraps), value in zip(self.columns, values, strict=True):
            if not isinstance(value, str) or not value:
                continue
            if len(value) <= per_line and "\n" not in value and "\r" not in value and "\x0b" not in value:
                continue  # one line, wrapped or not (xml_text only drops characters or makes breaks)
            if not (wraps or key in wrap):
                continue
            lines = max(lines, wrapped_lines(xml_text(value), per_line))
        if lines == 1:
            return None
        return round(lines * self.size * 1.32 + 4, 1)
