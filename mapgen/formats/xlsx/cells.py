"""Writing one cell: a value typed as the workbook shows it (strings always text, never a
formula unless asked, control characters dropped, too long refused), rich-text labels, and the
small texts of formulas (quoted sheet names, strings, COUNTIFS criteria).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import Issue, ValidationFailed
from mapgen.core.xmltext import xml_text
from mapgen.formats.xlsx import shortcuts as fast
from mapgen.model.fields import needs_formula_guard

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.cell import Cell

    from mapgen.core.i18n import Texts
    from mapgen.formats.xlsx.styles import WorkbookStyles

MAX_CELL_TEXT = 32_767


def put(cell: Cell, value: Any, *, style: str | None = None, formula: bool = False,
        section: str | None = None, column: str | None = None) -> None:
    """Style a cell and write a value: strings always as text unless ``formula`` is set."""
    if style is not None:
        fast.apply_style(cell, style)
    if value is None:
        return
    kind = type(value)
    if kind is str:
        if formula and value.startswith("="):
            cell.value = value
            return
    elif (kind is int or kind is dt.date or kind is dt.datetime
          or (kind is float and math.isfinite(value))):
        fast.bind(cell, value)
        return
    elif formula and isinstance(value, str) and value.startswith("="):
        cell.value = value
        return
    elif isinstance(value, bool):
        value = "Yes" if value else "No"
    elif not isinstance(value, int | float | dt.date | str) or (
            isinstance(value, float) and not math.isfinite(value)):
        value = str(value)
    if isinstance(value, str):
        value = xml_text(value)
        if len(value) > MAX_CELL_TEXT:
            where = f"section '{section}', column '{column}': " if section else ""
            raise ValidationFailed([Issue(
                code="text-too-long", section=section, column=column,
                message=f"{where}a text of {len(value):,} characters does not fit in an Excel cell "
                        f"(at most {MAX_CELL_TEXT:,})")])
        fast.bind(cell, value)  # xml_text dropped what openpyxl's check refuses
        cell.data_type = "s"  # never a formula or an error value
        if needs_formula_guard(value):
            cell.quotePrefix = True
        return
    cell.value = value


def english() -> Texts:
    from mapgen.core.i18n import texts_for

    return texts_for()


def yes_no(value: Any, texts: Texts) -> Any:
    """A yes/no value as a word in the workbook's language; any other value as it is."""
    if isinstance(value, bool):
        return texts("Yes") if value else texts("No")
    return value


def labelled(label: str, text: str, styles: WorkbookStyles) -> Any:
    """Rich text "**Label:** text" (``label`` with its colon, as the language writes it)."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    bold = InlineFont(rFont=styles.font_name, sz=10, b=True, color=styles.accent)
    plain = InlineFont(rFont=styles.font_name, sz=10)
    return CellRichText(TextBlock(bold, f"{label} "), TextBlock(plain, text))


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def excel_string(text: str) -> str:
    """Text inside a formula's double quotes."""
    return text.replace('"', '""')


def criteria(text: str) -> str:
    """A COUNTIFS criterion matching ``text`` exactly: wildcards escaped, quotes doubled."""
    return excel_string(re.sub(r"([~*?])", r"~\1", text))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scalar(value: Any) -> Any:
    return value if isinstance(value, str | int | float | dt.date) or value is None else str(value)


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
