"""The Overview's input cells: deal facts, the deal dates that live formulas count from, and
objectives typed over the Overview's boxes, which win over the metadata (a mixin of the reader)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from mapgen.formats.xlsx.read_values import _Cell, _cell, _norm, _plain, _position, _quote
from mapgen.model.fields import fold_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.formats.xlsx.read_values import _Table
    from mapgen.model.plan import Row


class OverviewFacts:
    """The Overview's part of a read (uses the reader's ``meta``, ``sheets``, ``tables``,
    ``deal``, ``formulas``, ``overview_cells``, ``own`` and ``_issue``)."""

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
                typed, problems = parse_deal({key: value}, file=self.label,
                                             day_first=self.day_first)
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
        the Objective sheet) is read, with a warning: it replaces the sheet's row where that
        holds what mapgen wrote there (or nothing); where a person typed another objective on
        the sheet too, both are kept, the Overview's first."""
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
            if not text or fold_text(text) in self.own.objective_pointer(table.sheet):
                continue  # the box's own words, saved as a value (.ods keeps no formula result apart)
            number = first_data + int(name.removeprefix("objective:"))
            at = next((n for n, (r, _) in enumerate(out) if r == number), None)
            if at is not None and _norm(out[at][1].get(key)) == _norm(text):
                continue
            was = out[at][1].get(key) if at is not None else None
            where = {"sheet": self.meta.overview.get("sheet"), "cell": cell.coordinate,
                     "section": table.section.key, "column": key}
            if was is not None and not _as_written(table, number, key, was):
                # the sheet's objective was typed by a person too: both are kept, the
                # Overview's first (where it was typed), the sheet's row as it is after it
                self._issue("objective-twice", f"the objective typed on the Overview, "
                            f"{_quote(text)}, differs from {_quote(was)} typed on sheet "
                            f"'{table.sheet}': both are kept, the Overview's first", "warning",
                            **where)
                out.insert(at, (number, {key: text}))
                continue
            self._issue("objective-from-overview", f"the objective typed on the Overview, "
                        f"{_quote(text)}, replaces " + (f"{_quote(was)} on sheet '{table.sheet}'"
                                                        if was else f"the empty row {number} of "
                                                        f"sheet '{table.sheet}'"),
                        "warning", **where)
            if at is not None:
                out[at] = (number, {**out[at][1], key: text})
            else:
                out.append((number, {key: text}))
                out.sort(key=lambda t: t[0])
        return out


def _as_written(table: _Table, number: int, key: str, value: object) -> bool:
    """Whether ``value`` in row ``number`` of the table is what mapgen wrote there (the
    metadata's record of the row), rather than text a person typed (so, without a record,
    never)."""
    records = table.recorded.rows if table.recorded is not None else []
    index = number - table.header_row - 1
    if not 0 <= index < len(records) or records[index]["example"]:
        return False
    return _norm(records[index]["cells"].get(key)) == _norm(value)
