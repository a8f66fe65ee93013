"""Rescheduling a plan (``mapgen shift``): a deal date with every date that follows it, or one
row with the rows after it.

- **A deal date** (``start``, ``close``, ``go_live``): the deal's date is set, and every date
  written relative to it moves with it (an expression in a row, or one recorded in
  ``relative_dates``: :mod:`mapgen.model.relative_dates`). Dates that people typed stay.
- **A row** (``SECTION:N``, N counted from 1 over the section's rows as ``mapgen read`` gives
  them): the row's date moves by an offset (``2w``, ``5bd``, ``-3d``; business days skip
  weekends and the blueprint's holidays) or to a date. With cascade (the default) every later
  row of the section (in date order: a later date, or the same date further down) moves by the
  same offset (``--to`` by the same number of days), and when the section is ``phases``, so do
  the action items (rows of any other section with a ``phase`` column) of every phase moved. A
  moved row's date becomes a plain date: it no longer follows the deal.

:func:`shift_plan` works on a plan in memory; :func:`shift_file` reads a plan file or a
workbook and writes a new one (never the input): a plan file as the same data with the moved
dates; a workbook as a copy in which only the moved date cells (and the deal's date on the
Overview and in the metadata) change, checked by reading the copy back before it lands.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core import dates
from mapgen.core.errors import BadArgument, MapgenError, ValidationFailed
from mapgen.core.text import plural
from mapgen.model.relative_dates import PLAN_KEY, Relative, recorded, relatives, set_recorded

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.formats.xlsx.reader import Cells
    from mapgen.model.blueprint import Blueprint, Section
    from mapgen.model.plan import Plan

DEAL = "deal"
PHASE_KEY = "phase"


@dataclass(frozen=True)
class Move:
    """One date moved. ``section`` is ``"deal"`` for a deal date; ``row`` is 1-based."""

    section: str
    row: int | None
    column: str
    label: str
    old: dt.date | None
    new: dt.date
    rule: str | None = None   # the relative date it follows (a deal shift), if any
    cell: bool = True         # False: the row holds the rule itself, so its value stays

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "row": self.row, "column": self.column,
                "label": self.label, "old": self.old.isoformat() if self.old else None,
                "new": self.new.isoformat(), "rule": self.rule}

    def __str__(self) -> str:
        old = self.old.isoformat() if self.old else "(not set)"
        if self.section == DEAL:
            where = f"deal {self.column}"
        else:
            where = f"{self.section} row {self.row}" + (f" ({self.label})" if self.label else "")
            where += f" {self.column}"
        rule = f"  [{self.rule}]" if self.rule else ""
        return f"{where}: {old} -> {self.new.isoformat()}{rule}"


@dataclass
class ShiftResult:
    """What a shift did: the moves (in order), the shifted plan, and the file written.

    ``origins`` (with the standard rows counted) says, per section, where each row of the
    shifted plan comes from: ``("plan", i)``, the plan's own i-th row, or ``("standard", j)``,
    the blueprint's j-th standard row.
    """

    moves: list[Move]
    plan: Plan
    path: Path | None = None
    written_as: str | None = None  # set when the output is of another kind than the input
    origins: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_data(self) -> list[dict[str, Any]]:
        return [m.to_dict() for m in self.moves]


# --------------------------------------------------------------------------- parsing

def parse_row_ref(text: str | tuple[str, int]) -> tuple[str, int]:
    """``phases:2`` -> ``("phases", 2)``."""
    if isinstance(text, tuple):
        return text
    name, sep, number = str(text).rpartition(":")
    if not sep or not name.strip() or not number.strip().isdigit() or int(number) < 1:
        raise BadArgument("{-row} '{text}': write it as SECTION:N, like phases:2 (N counts the "
                          "section's rows from 1)", text=text)
    return name.strip(), int(number)


def _day(value: Any, name: str) -> dt.date:
    """The day given for the parameter ``name`` (``to``, ``go_live``); BadArgument naming it."""
    try:
        return dates.parse_day(value, "", today=True)
    except MapgenError as exc:  # ": '31/02/2027' is not a date (...)"
        raise BadArgument("{-" + name + "}{why}", why=exc) from None


def _section(blueprint: Blueprint, name: str) -> Section:
    from mapgen.model.fields import fold_text

    wanted = fold_text(name.replace("_", " "))
    for section in blueprint.sections:
        if wanted in {fold_text(section.key.replace("_", " ")), fold_text(section.label),
                      fold_text(section.title or "")}:
            return section
    dated = [s.key for s in blueprint.sections if _date_column(s)]
    raise BadArgument("{-row}: no section '{name}' in blueprint '{blueprint}' (sections with "
                      "dates: {dated})", name=name, blueprint=blueprint.name,
                      dated=", ".join(dated) or "none")


def _date_column(section: Section) -> str | None:
    from mapgen.model.health import date_column

    return date_column(section.columns, section.key)


def _label(section: Section, row: Mapping[str, Any]) -> str:
    from mapgen.model.health import label_column

    key = label_column(section.columns, section.key)
    value = row.get(key) if key else None
    return " ".join(str(value).split())[:60] if value not in (None, "") else ""


# --------------------------------------------------------------------------- the shift

def with_standard_rows(plan: Plan, blueprint: Blueprint) -> tuple[Plan, dict[str, list[tuple[str, int]]]]:
    """The plan as documents made from it show it: in each section that has a date column,
    the blueprint's standard rows with the plan's rows laid over them, recorded relative dates
    written as their rules. Returns that plan and the origin of each row (see ShiftResult)."""
    from mapgen.model.relative_dates import restored_rows
    from mapgen.model.rowids import seen_keys, standard_keys
    from mapgen.model.view import overlaid, overlay_origins, standard_rows

    out = plan.model_copy(deep=True)
    origins: dict[str, list[tuple[str, int]]] = {}
    for section in blueprint.sections:
        if _date_column(section) is None:
            continue
        own = restored_rows(plan, blueprint, section.key)
        standard = standard_rows(blueprint, section, plan.deal)
        keys, seen = standard_keys(section), seen_keys(plan, section.key)
        origins[section.key] = [(kind, n) for kind, n, _ in
                                overlay_origins(section, keys, standard, own, seen)]
        if standard or own:
            out.sections[section.key] = overlaid(section, keys, standard, own, seen)
    (out.model_extra or {}).pop(PLAN_KEY, None)
    return out, origins


def shift_plan(plan: Plan, blueprint: Blueprint, *, deal: Mapping[str, Any] | None = None,
               row: str | tuple[str, int] | None = None, by: str | None = None,
               to: Any = None, cascade: bool = True, standard: bool = True) -> ShiftResult:
    """Shift a plan in memory (see the module docstring); the given plan is not changed.

    Give ``deal`` (deal key -> new date, e.g. ``{"go_live": "2027-04-01"}``), or ``row``
    (``"phases:2"``) with ``by`` (an offset) or ``to`` (a date). ``standard``: the blueprint's
    standard rows count as rows of the plan, as generated documents show them (a plan read
    from a workbook holds them already: give ``False`` to count its rows as read). Raises
    MapgenError for a bad offset, date, section or row, ValidationFailed for a plan with errors.
    """
    if plan.errors:
        raise ValidationFailed(plan.errors)
    if bool(deal) == (row is not None):
        raise MapgenError("shift: give the new deal dates, or a row to move (not both)")
    origins: dict[str, list[tuple[str, int]]] = {}
    if standard:
        shifted, origins = with_standard_rows(plan, blueprint)
    else:
        shifted = plan.model_copy(deep=True)
    if deal:
        moves = _shift_deal(shifted, blueprint, deal)
    else:
        if (by is None) == (to is None):
            raise BadArgument("{-row} needs {-by} OFFSET or {-to} DATE (one of them)")
        moves = _shift_row(shifted, blueprint, parse_row_ref(row), by, to, cascade)
    return ShiftResult(moves=moves, plan=shifted, origins=origins)


def _shift_deal(plan: Plan, blueprint: Blueprint, wanted: Mapping[str, Any]) -> list[Move]:
    from mapgen.model.view import DEAL_LABELS

    holidays = blueprint.holiday_dates()
    old_deal = dict(plan.deal)
    new_deal = dict(old_deal)
    moves: list[Move] = []
    for key, value in wanted.items():
        if not dates.is_relative(key) or "+" in key or "-" in key:
            raise MapgenError(f"'{key}' is not a deal date key")
        day = _day(value, key)
        old = dates.as_date(old_deal.get(key))
        new_deal[key] = day
        if old != day:
            moves.append(Move(DEAL, None, key, DEAL_LABELS.get(key, key), old, day))
    changed = {m.column for m in moves}
    for rel in relatives(plan, blueprint):
        if rel.expr.anchor not in changed:
            continue
        try:
            old = dates.resolve(rel.expr, old_deal, holidays)
        except dates.RelativeDateError:
            old = None
        new = dates.resolve(rel.expr, new_deal, holidays)
        if old == new:
            continue
        section = blueprint.section(rel.section)
        row = plan.sections[rel.section][rel.index]
        written = not dates.is_relative(row.get(rel.column))
        if written:
            row[rel.column] = new
        moves.append(Move(rel.section, rel.index + 1, rel.column, _label(section, row), old, new,
                          rule=str(rel.expr), cell=written))
    plan.deal = new_deal
    return moves


def _shift_row(plan: Plan, blueprint: Blueprint, ref: tuple[str, int], by: str | None, to: Any,
               cascade: bool) -> list[Move]:
    holidays = blueprint.holiday_dates()
    section = _section(blueprint, ref[0])
    column = _date_column(section)
    if column is None:
        raise BadArgument("{-row}: section '{key}' has no date column to move", key=section.key)
    rows = plan.rows(section.key)
    n = ref[1]
    if n > len(rows):
        raise BadArgument("{-row} {ref}: section '{key}' has {rows}", ref=f"{ref[0]}:{n}",
                          key=section.key, rows=plural(len(rows), "row"))
    start = dates.as_date(rows[n - 1].get(column), plan.deal, holidays)
    if start is None:
        raise BadArgument("{-row} {ref}: the row has no {title} to move", ref=f"{ref[0]}:{n}",
                          title=section.column(column).title)
    move: Callable[[dt.date], dt.date]
    if to is not None:
        target = _day(to, "to")
        delta = target - start
        move = lambda d: d + delta  # noqa: E731
    else:
        try:
            amount, unit = dates.parse_offset(by)
        except ValueError as exc:
            raise BadArgument("{-by}: {why}", why=exc) from None
        move = lambda d: dates.add_offset(d, amount, unit, holidays)  # noqa: E731
    targets: list[tuple[Section, int, str, dt.date]] = [(section, n - 1, column, start)]
    if cascade:
        later = []
        for i, row in enumerate(rows):
            day = dates.as_date(row.get(column), plan.deal, holidays)
            if i != n - 1 and day is not None and (day > start or (day == start and i > n - 1)):
                later.append((day, i))
        targets += [(section, i, column, day) for day, i in sorted(later)]
        if section.key == "phases" and section.column(PHASE_KEY) is not None:
            phases = [rows[i].get(PHASE_KEY) for _, i, _, _ in targets]
            phases = [p for p in phases if p not in (None, "")]
            for other in blueprint.sections:
                other_column = _date_column(other)
                if other.key == section.key or other.column(PHASE_KEY) is None or not other_column:
                    continue
                items = []
                for i, row in enumerate(plan.rows(other.key)):
                    day = dates.as_date(row.get(other_column), plan.deal, holidays)
                    if day is not None and row.get(PHASE_KEY) in phases:
                        items.append((day, i))
                targets += [(other, i, other_column, day) for day, i in sorted(items)]
    moves: list[Move] = []
    try:
        for where, i, key, old in targets:
            new = move(old)
            row = plan.sections[where.key][i]
            row[key] = new
            moves.append(Move(where.key, i + 1, key, _label(where, row), old, new))
    except (OverflowError, dates.RelativeDateError):
        raise MapgenError("the move takes a date outside the calendar") from None
    moved = {(m.section, m.row - 1, m.column) for m in moves if m.row}
    set_recorded(plan, [r for r in recorded_before(plan, blueprint, moved)])
    return [m for m in moves if m.old != m.new]


def recorded_before(plan: Plan, blueprint: Blueprint, moved: set[tuple[str, int, str]]
                    ) -> list[Relative]:
    """The plan's recorded relative dates that a row shift did not touch. (Moved rows no
    longer resolve to their rule, so :func:`recorded` drops them by itself; ``moved`` is
    excluded explicitly all the same.)"""
    return [r for r in recorded(plan, blueprint) if (r.section, r.index, r.column) not in moved]


# --------------------------------------------------------------------------- files

def shift_file(path: str | os.PathLike, out: str | os.PathLike, *,
               blueprint: str | Blueprint | None = None, deal: Mapping[str, Any] | None = None,
               row: str | tuple[str, int] | None = None, by: str | None = None, to: Any = None,
               cascade: bool = True, force: bool = False,
               date_order: Order | None = None) -> ShiftResult:
    """Shift a plan file or a workbook into a new file ``out`` (see the module docstring).

    The input is never changed (an ``out`` naming it is refused); an existing ``out`` needs
    ``force``. A workbook shifts into a workbook, a plan file into a plan file (.json/.yaml).
    Numeric date texts in the input are read in ``date_order``, else as they show
    (:mod:`mapgen.core.date_order`).
    """
    from mapgen.core.fileio import check_writable
    from mapgen.ops.inputs import HANDOUT_SUFFIXES, PLAN_SUFFIXES, WORKBOOK_SUFFIXES

    src, dst = Path(path), Path(out)
    is_plan = src.suffix.lower() in PLAN_SUFFIXES
    is_handout = src.suffix.lower() in HANDOUT_SUFFIXES
    if src.suffix.lower() not in (*PLAN_SUFFIXES, *WORKBOOK_SUFFIXES, *HANDOUT_SUFFIXES):
        raise MapgenError(f"{src}: cannot shift a '{src.suffix or src.name}' file; give a "
                          "workbook (.xlsx), a handout (.docx, .odt) or a plan file (.json, .yaml)")
    if is_handout:
        if dst.suffix.lower() not in (*PLAN_SUFFIXES, ".xlsx"):
            raise BadArgument("{-out} {dst}: a handout shifts into a plan file (.json or .yaml) "
                              "or a workbook (.xlsx), not into a handout", dst=dst)
    else:
        want = PLAN_SUFFIXES if is_plan else WORKBOOK_SUFFIXES
        if dst.suffix.lower() not in want:
            kind = "plan file (.json or .yaml)" if is_plan else f"workbook ({src.suffix.lower()})"
            raise BadArgument("{-out} {dst}: a {what} shifts into a {kind}", dst=dst, kind=kind,
                              what="plan file" if is_plan else "workbook")
    if not src.exists():
        raise MapgenError(f"{src}: no such file")
    if dst.exists() and dst.resolve() == src.resolve():
        raise BadArgument("{-out} {dst} is the input; shift writes a new file and never changes "
                          "its input", dst=dst)
    check_writable(dst, force)
    if is_handout:
        return _shift_handout(src, dst, blueprint, force, date_order, deal=deal, row=row,
                              by=by, to=to, cascade=cascade)
    if is_plan:
        return _shift_plan_file(src, dst, blueprint, force, date_order, deal=deal, row=row,
                                by=by, to=to, cascade=cascade)
    return _shift_workbook(src, dst, blueprint, force, date_order, deal=deal, row=row, by=by,
                           to=to, cascade=cascade)


def _plain(value: Any) -> Any:
    """YAML's line-remembering containers as plain dicts and lists (for dumping)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _shift_plan_file(src: Path, dst: Path, ref: str | Blueprint | None, force: bool,
                     date_order: Order | None, **how: Any) -> ShiftResult:
    from mapgen.core.fileio import atomic_write, read_text
    from mapgen.model.plan import MAX_PLAN_BYTES
    from mapgen.ops.inputs import load_input

    found, bp = load_input(src, ref, date_order=date_order, what="shift")
    result = shift_plan(found.plan, bp, **how)
    text = read_text(src, what="plan file", limit=MAX_PLAN_BYTES)
    if src.suffix.lower() == ".json":
        raw = json.loads(text)
    else:
        from mapgen.core.yamlsrc import load_yaml_text

        raw = _plain(load_yaml_text(text, str(src)))
    as_json = dst.suffix.lower() == ".json"
    as_text = src.suffix.lower() == ".json"  # dates as the input writes them: text, or YAML dates

    def value(day: dt.date) -> Any:
        return day.isoformat() if as_text else day

    sections = raw.setdefault("sections", {})
    moved_plan_cells: set[tuple[str, int, str]] = set()
    for move in result.moves:
        if move.section == DEAL:
            raw.setdefault("deal", {})[move.column] = value(move.new)
            continue
        kind, n = result.origins[move.section][move.row - 1]
        if kind == "plan":
            target = sections[move.section][n]
            if not dates.is_relative(target.get(move.column)) or move.rule is None:
                target[move.column] = value(move.new)  # a date it holds, or a row moved
                moved_plan_cells.add((move.section, n + 1, move.column))
        elif move.rule is None:  # a standard row moved by --row: the plan now holds it
            section = bp.section(move.section)
            if not section.identity:
                raise MapgenError(f"section '{move.section}' has no identity columns, so a "
                                  "moved standard row could not replace the blueprint's")
            rows = sections.setdefault(move.section, [])
            shifted = result.plan.rows(move.section)[move.row - 1]
            rows.append({k: value(v) if isinstance(v, dt.date) else v
                         for k, v in shifted.items() if v not in (None, "")})
            result.origins[move.section][move.row - 1] = ("plan", len(rows) - 1)
    entries = raw.get(PLAN_KEY)
    if moved_plan_cells and isinstance(entries, dict):
        for key, items in list(entries.items()):
            if isinstance(items, list):
                items[:] = [e for e in items if not isinstance(e, dict)
                            or (key, e.get("row"), e.get("column")) not in moved_plan_cells]
                if not items:
                    del entries[key]
        if not entries:
            raw.pop(PLAN_KEY)
    if as_json:
        content = json.dumps(raw, ensure_ascii=False, indent=2, default=_iso) + "\n"
    else:
        import yaml

        content = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)
    result.path = atomic_write(dst, content, force=force)
    return result


def _shift_handout(src: Path, dst: Path, ref: str | Blueprint | None, force: bool,
                   date_order: Order | None, **how: Any) -> ShiftResult:
    """A handout read as ``read`` reads it, shifted, and written as a plan file or a workbook
    (a handout is never edited in place: its layout follows its texts)."""
    from mapgen.core.fileio import atomic_write
    from mapgen.ops.generate import view_writer
    from mapgen.ops.inputs import PLAN_SUFFIXES, load_input

    found, bp = load_input(src, ref, date_order=date_order, what="shift")
    result = shift_plan(found.plan, bp, standard=False, **how)
    suffix = dst.suffix.lower()
    if suffix in PLAN_SUFFIXES:
        text = result.plan.to_json() if suffix == ".json" else result.plan.to_yaml()
        result.path = atomic_write(dst, text, force=force)
        result.written_as = "plan file"
    else:
        from mapgen.model.view import build_view

        audience = getattr(result.plan, "audience", None)
        view = build_view(bp, result.plan, audience=audience if audience == "buyer" else "internal")
        result.path = atomic_write(dst, view_writer(view, "xlsx"), force=force)
        result.written_as = "workbook"
    return result


def _iso(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def _shift_workbook(src: Path, dst: Path, ref: str | Blueprint | None, force: bool,
                    date_order: Order | None, **how: Any) -> ShiftResult:
    from mapgen.core.fileio import atomic_write
    from mapgen.formats.xlsx.reader import read_workbook_meta
    from mapgen.ops.inputs import blueprint_for

    given = blueprint_for(ref) if ref is not None else None
    cells: Cells = {}
    plan, meta = read_workbook_meta(src, blueprint=given, date_order=date_order, cells=cells)
    bp = given or blueprint_for(None, (meta.blueprint.get("name") or None) if meta else None)
    if meta is None and how.get("deal"):
        raise BadArgument("{src}: the workbook carries no mapgen metadata, so its deal dates are "
                          "not known; only {-row} can shift it", src=src)
    result = shift_plan(plan, bp, standard=False, **how)

    def write(tmp: Path) -> None:
        _edit_workbook(src, tmp, result, cells, meta, bp)
        _check_copy(tmp, result, bp)

    result.path = atomic_write(dst, write, force=force)
    return result


def _edit_workbook(src: Path, tmp: Path, result: ShiftResult,
                   cells: Cells, meta: Any,
                   blueprint: Blueprint) -> None:
    """Copy the workbook, changing only the moved date cells, the deal's date on the Overview
    and the metadata's deal and relative dates."""
    import openpyxl

    from mapgen.formats.xlsx.meta import META_SHEET, replace_facts

    wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm", keep_links=True)
    for move in result.moves:
        if move.section == DEAL:
            _set_deal_cell(wb, move, blueprint.language)
        elif move.cell:
            sheet, coordinate = cells[move.section][move.row - 1][move.column]
            cell = wb[sheet][coordinate]
            if move.rule is not None and _is_live(cell.value):
                continue  # a live formula on the Overview's deal date: it follows by itself
            cell.value = move.new
    if meta is not None and META_SHEET in wb.sheetnames:
        facts: dict[str, Any] = {}
        if any(m.section == DEAL for m in result.moves):
            facts["deal"] = {k: v.isoformat() if isinstance(v, dt.date) else v
                             for k, v in result.plan.deal.items()}
        entries = _meta_entries(result.plan, blueprint)
        if entries != (meta.relative_dates or {}):
            facts["relative_dates"] = entries or None
        if facts:
            replace_facts(wb[META_SHEET], facts)
    wb.save(tmp)


def _meta_entries(plan: Plan, blueprint: Blueprint) -> dict[str, list[dict[str, Any]]]:
    from mapgen.model.plan import row_key

    out: dict[str, list[dict[str, Any]]] = {}
    for rel in recorded(plan, blueprint):
        identity = row_key(blueprint.section(rel.section), plan.rows(rel.section)[rel.index])
        out.setdefault(rel.section, []).append(
            {**rel.to_entry(), "key": list(identity) if identity is not None else None})
    return out


def _is_live(value: Any) -> bool:
    """A deadline that the workbook computes from a deal date (see "Relative dates in
    workbooks"): a formula naming one of the Overview's deal-date cells."""
    return isinstance(value, str) and value.startswith("=") and "deal_" in value


def _set_deal_cell(wb: Any, move: Move, language: str = "en") -> None:
    """The deal date on the Overview: its named input cell (``deal_go_live``), else the cell
    right of its label (in English or the blueprint's ``language``) that holds the old date."""
    from mapgen.core.i18n import texts_for
    from mapgen.model.fields import fold_text
    from mapgen.model.view import deal_label

    name = wb.defined_names.get(f"deal_{move.column}")
    if name is not None:
        for sheet, coordinate in name.destinations:
            wb[sheet][coordinate.replace("$", "")].value = move.new
            return
    if move.old is None or not wb.worksheets:
        return
    ws = wb.worksheets[0]
    labels = {fold_text(move.column)} | {fold_text(deal_label(move.column, texts_for(lang)))
                                         for lang in ("en", language)}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 60)):
        for cell in row[1:]:
            value = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
            left = row[cell.column - 2].value if cell.column >= 2 else None
            if (isinstance(value, dt.date) and value == move.old and isinstance(left, str)
                    and fold_text(left) in labels):
                cell.value = move.new
                return


def _check_copy(tmp: Path, result: ShiftResult, blueprint: Blueprint) -> None:
    """Read the new workbook back: every moved date must read as its new value."""
    from mapgen.formats.xlsx.reader import read_workbook

    back = read_workbook(tmp, blueprint=blueprint)
    for move in result.moves:
        if move.section == DEAL:
            got = back.deal.get(move.column)
        else:
            rows = back.rows(move.section)
            got = rows[move.row - 1].get(move.column) if move.row <= len(rows) else None
            if not move.cell:
                got = dates.as_date(got, back.deal, blueprint.holiday_dates())
        if isinstance(got, dt.datetime):
            got = got.date()
        if got != move.new:
            raise MapgenError(f"the shifted workbook does not read back as expected ({move}: "
                              f"reads {got}); nothing written")
