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
    day = dates.as_date(value)
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
    return [c.key for c in section.columns if c.field.is_date]


def written_rules(section: Section, rows: list[Row]) -> dict[tuple[int, str], dates.RelativeDate]:
    """(row index, column key) -> the rule, for each date cell of ``rows`` that holds a date
    relative to the deal as written (``go_live-6w``) rather than a date."""
    keys = date_columns(section)
    return {(index, key): expr for index, row in enumerate(rows) for key in keys
            if dates.is_relative(row.get(key)) and (expr := _parse(row[key])) is not None}


def _entries(raw: Any, blueprint: Blueprint
             ) -> Iterable[tuple[Section, Mapping[str, Any], str, dates.RelativeDate]]:
    """The well-formed entries of a ``relative_dates`` record (the plan's key or a workbook's
    metadata): each with its section, the entry itself, its date column and its rule."""
    if not isinstance(raw, Mapping):
        return
    for key, entries in raw.items():
        section = blueprint.section(str(key))
        if section is None or not isinstance(entries, list):
            continue
        columns = date_columns(section)
        for entry in entries:
            if not isinstance(entry, Mapping):
                continue
            column, expr = entry.get("column"), _parse(entry.get("expr"))
            if column in columns and expr is not None:
                yield section, entry, str(column), expr


def _row_number(value: Any, rows: list[Row]) -> int | None:
    """An entry's 1-based ``row`` when it is one of ``rows``."""
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(rows)
    return value if ok else None


def recorded(plan: Plan, blueprint: Blueprint) -> list[Relative]:
    """The plan's ``relative_dates`` entries that still hold (see the module docstring);
    malformed or outdated entries are left out."""
    holidays = blueprint.holiday_dates()
    out: list[Relative] = []
    for section, entry, column, expr in _entries((plan.model_extra or {}).get(PLAN_KEY), blueprint):
        rows = plan.rows(section.key)
        n = _row_number(entry.get("row"), rows)
        if n is not None and _resolves_to(expr, plan.deal, holidays, rows[n - 1].get(column)):
            out.append(Relative(section.key, n - 1, column, expr))
    return out


def relatives(plan: Plan, blueprint: Blueprint) -> list[Relative]:
    """Every date of the plan that follows a deal date: expressions written in the rows, then
    the recorded ones (:func:`recorded`)."""
    out = [Relative(section.key, index, key, expr) for section in blueprint.sections
           for (index, key), expr in written_rules(section, plan.rows(section.key)).items()]
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
    keys: dict[str, list[tuple | None]] = {}
    taken: set[tuple[str, int, str]] = set()
    for section, item, column, expr in _entries(entries, blueprint):
        rows = plan.rows(section.key)
        if section.key not in keys:
            keys[section.key] = [row_key(section, r) for r in rows]
        identity = tuple(item["key"]) if isinstance(item.get("key"), list) else None
        candidates = [i for i, k in enumerate(keys[section.key])
                      if identity is not None and k == identity]
        n = _row_number(item.get("row"), rows)
        if n is not None:
            candidates.append(n - 1)
        for i in candidates:
            if (section.key, i, column) not in taken and _resolves_to(
                    expr, plan.deal, holidays, rows[i].get(column)):
                taken.add((section.key, i, column))
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
