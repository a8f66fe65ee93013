"""Which dates of a plan were written relative to a deal date, and what they were written as.

A plan's row may hold the expression itself (``deadline: go_live-6w``). Once a plan has been
generated into a workbook and read back, its dates are real dates; the plan then records the
expressions they came from in an optional top-level key (format_version stays 1)::

    "relative_dates": {"phases": [{"row": 2, "column": "deadline", "expr": "go_live-8w"}]}

``row`` is the 1-based position of the row in the plan's section, ``column`` the date column's
key. An entry counts only while the row's date still equals the expression resolved for the
plan's deal (with the blueprint's holidays): a date that someone changed by hand is theirs,
and no longer follows the deal.

A generated workbook records the same entries in its metadata (:mod:`mapgen.formats.xlsx.meta`, fact
``relative_dates``), with ``row`` counted over the table's data rows as written and ``key``, the
row's identity (:func:`mapgen.model.plan.row_key`), so that the reader still finds a row after the
table was sorted; the reader turns them into the plan's key. ``shift --start/--close/--go-live``
moves exactly these dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mapgen.core import dates
from mapgen.model.health import as_date

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint, Section
    from mapgen.model.plan import Plan, Row

PLAN_KEY = "relative_dates"


@dataclass(frozen=True)
class Relative:
    """One date of a plan that follows a deal date: section, 0-based row index, column, rule."""

    section: str
    index: int
    column: str
    expr: dates.RelativeDate

    def to_entry(self) -> dict[str, Any]:
        return {"row": self.index + 1, "column": self.column, "expr": str(self.expr)}


def _resolves_to(expr: dates.RelativeDate, deal: Mapping[str, Any], holidays: Iterable[dt.date],
                 value: Any) -> bool:
    day = as_date(value)
    if day is None:
        return False
    try:
        return dates.resolve(expr, deal, holidays) == day
    except dates.RelativeDateError:
        return False


def _parse(text: Any) -> dates.RelativeDate | None:
    if not isinstance(text, str):
        return None
    try:
        return dates.parse_relative(text)
    except ValueError:
        return None


def date_columns(section: Section) -> list[str]:
    return [c.key for c in section.columns if c.type == "date"]


def recorded(plan: Plan, blueprint: Blueprint) -> list[Relative]:
    """The plan's ``relative_dates`` entries that still hold (see the module docstring);
    malformed or outdated entries are left out."""
    raw = (plan.model_extra or {}).get(PLAN_KEY)
    if not isinstance(raw, Mapping):
        return []
    holidays = blueprint.holiday_dates()
    out: list[Relative] = []
    for key, entries in raw.items():
        section = blueprint.section(str(key))
        if section is None or not isinstance(entries, list):
            continue
        rows = plan.rows(section.key)
        for entry in entries:
            if not isinstance(entry, Mapping):
                continue
            n, column, expr = entry.get("row"), entry.get("column"), _parse(entry.get("expr"))
            if (not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(rows)
                    or column not in date_columns(section) or expr is None):
                continue
            if _resolves_to(expr, plan.deal, holidays, rows[n - 1].get(column)):
                out.append(Relative(section.key, n - 1, str(column), expr))
    return out


def relatives(plan: Plan, blueprint: Blueprint) -> list[Relative]:
    """Every date of the plan that follows a deal date: expressions written in the rows, then
    the recorded ones (:func:`recorded`)."""
    out: list[Relative] = []
    for section in blueprint.sections:
        keys = date_columns(section)
        for index, row in enumerate(plan.rows(section.key)):
            for key in keys:
                value = row.get(key)
                if dates.is_relative(value) and (expr := _parse(value)) is not None:
                    out.append(Relative(section.key, index, key, expr))
    written = {(r.section, r.index, r.column) for r in out}
    return out + [r for r in recorded(plan, blueprint)
                  if (r.section, r.index, r.column) not in written]


def restored_rows(plan: Plan, blueprint: Blueprint, section: str) -> list[Row]:
    """The section's rows with each recorded relative date written back as its expression
    (so that pre-filling resolves it, and a workbook records it again)."""
    rows = [dict(r) for r in plan.rows(section)]
    for rel in recorded(plan, blueprint):
        if rel.section == section:
            rows[rel.index][rel.column] = str(rel.expr)
    return rows


def resolved_map(section: Section, before: list[Row], after: list[Row]) -> dict[tuple[int, str], str]:
    """(row index, column key) -> expression, for each date that resolving turned from an
    expression (in ``before``) into a date (in ``after``)."""
    out: dict[tuple[int, str], str] = {}
    keys = date_columns(section)
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        for key in keys:
            value = old.get(key)
            if dates.is_relative(value) and isinstance(new.get(key), dt.date):
                expr = _parse(value)
                if expr is not None:
                    out[(index, key)] = str(expr)
    return out


def workbook_entries(section: Section, rows: list[Row], relative: Mapping[tuple[int, str], str]
                     ) -> list[dict[str, Any]]:
    """The metadata entries of one section's relative dates (``row``, ``column``, ``expr``,
    ``key``)."""
    from mapgen.model.plan import row_key

    out = []
    for (index, column), expr in sorted(relative.items()):
        identity = row_key(section, rows[index]) if index < len(rows) else None
        out.append({"row": index + 1, "column": column, "expr": expr,
                    "key": list(identity) if identity is not None else None})
    return out


def from_workbook(plan: Plan, entries: Mapping[str, Any], blueprint: Blueprint) -> None:
    """Fill ``plan.relative_dates`` from a workbook's metadata entries: each entry's row is
    found by its identity, else by its position, and counts only while its date still equals
    the expression resolved for the workbook's deal."""
    from mapgen.model.plan import row_key

    holidays = blueprint.holiday_dates()
    found: dict[str, list[dict[str, Any]]] = {}
    for key, items in entries.items():
        section = blueprint.section(str(key))
        if section is None or not isinstance(items, list):
            continue
        rows = plan.rows(section.key)
        keys = [row_key(section, r) for r in rows]
        taken: set[tuple[int, str]] = set()
        for item in items:
            if not isinstance(item, Mapping):
                continue
            column, expr, n = item.get("column"), _parse(item.get("expr")), item.get("row")
            if column not in date_columns(section) or expr is None:
                continue
            identity = tuple(item["key"]) if isinstance(item.get("key"), list) else None
            candidates = [i for i, k in enumerate(keys) if identity is not None and k == identity]
            if isinstance(n, int) and 1 <= n <= len(rows):
                candidates.append(n - 1)
            for i in candidates:
                if (i, column) not in taken and _resolves_to(expr, plan.deal, holidays,
                                                             rows[i].get(column)):
                    taken.add((i, column))
                    found.setdefault(section.key, []).append(
                        Relative(section.key, i, column, expr).to_entry())
                    break
    if found:
        for items in found.values():
            items.sort(key=lambda e: (e["row"], e["column"]))
        setattr(plan, PLAN_KEY, found)


def set_recorded(plan: Plan, items: Iterable[Relative]) -> None:
    """Replace the plan's ``relative_dates`` with ``items`` (the key is dropped when empty)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for rel in sorted(items, key=lambda r: (r.section, r.index, r.column)):
        found.setdefault(rel.section, []).append(rel.to_entry())
    extra = plan.model_extra if plan.model_extra is not None else {}
    if found:
        setattr(plan, PLAN_KEY, found)
    else:
        extra.pop(PLAN_KEY, None)
