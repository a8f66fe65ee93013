"""Live dates: relative deadlines written as formulas on the deal's dates."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mapgen.formats.xlsx.cells import excel_string, quote_sheet
from mapgen.model.view import describe_relative

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook import Workbook

    from mapgen.formats.xlsx.sheets import ChoiceLists
    from mapgen.model.view import DocumentView


class LiveDates:
    """Relative deadlines as formulas on the deal's dates.

    The deal dates are input cells on the Overview with workbook names (``deal_go_live``);
    ``go_live-12w`` becomes ``=IF(deal_go_live="","12 weeks before go-live",deal_go_live-84)``
    and business days count with WORKDAY over the blueprint's holidays (a named range on the
    hidden list sheet). The metadata records each formula's expression, so that the reader
    works the date out itself where a formula has no saved result.
    """

    def __init__(self, view: DocumentView, lists: ChoiceLists):
        self.texts = view.texts
        self.anchors = view.anchors()
        self.holidays = view.blueprint.holiday_dates()
        self.lists = lists
        self.cells: dict[str, str] = {}       # anchor -> its cell on the Overview (A1)
        self.formulas: dict[str, str] = {}    # formula -> relative date it stands for

    @staticmethod
    def name(anchor: str) -> str:
        return f"deal_{anchor}"

    def place(self, anchor: str, coordinate: str) -> None:
        self.cells[anchor] = coordinate

    def formula(self, text: str) -> str:
        """The live formula of a relative date (shows the rule in words while its deal date
        is empty)."""
        from mapgen.core import dates

        rel = dates.parse_relative(text)
        name = self.name(rel.anchor)
        if rel.unit == "bd":
            holidays = f",{self.lists.dates(self.holidays)}" if self.holidays else ""
            start, n = (f"{name}-1", 1) if rel.amount == 0 else (name, rel.amount)
            expr = f"WORKDAY({start},{n}{holidays})"
        else:
            days = rel.amount * (7 if rel.unit == "w" else 1)
            expr = name if days == 0 else f"{name}{'+' if days > 0 else '-'}{abs(days)}"
        formula = f'=IF({name}="","{excel_string(describe_relative(text, self.texts))}",{expr})'
        self.formulas[formula] = str(rel)
        return formula

    def define(self, wb: Workbook, overview: str) -> None:
        """The workbook names of the deal dates (after the Overview, titled ``overview``, placed
        them)."""
        from openpyxl.workbook.defined_name import DefinedName

        for anchor, coordinate in self.cells.items():
            letters = re.match(r"([A-Z]+)(\d+)", coordinate)
            ref = f"{quote_sheet(overview)}!${letters.group(1)}${letters.group(2)}"
            wb.defined_names[self.name(anchor)] = DefinedName(self.name(anchor), attr_text=ref)

    def meta(self) -> dict[str, Any]:
        return {"anchors": dict(self.cells), "formulas": dict(self.formulas)}
