"""What changed between two versions of one plan: rows added, removed and changed, slips.

Rows are matched by their section's identity (:func:`mapgen.model.plan.row_key`, as merge matches
them), so reordered rows are not changes; rows whose identity columns are all empty match a row
with exactly the same values, or count as added and removed. A changed date field carries
``slip_days`` (signed calendar days, positive: later); dates relative to the deal are compared
as the dates they stand for, each plan's own deal deciding. A status that comes to mean done is
``completed`` (a row added already done is listed as added, not counted as completed; one
whose status leaves done is ``reopened``). :func:`diff_plans` returns the contract's "diff
JSON"; :func:`render_diff` turns it into terminal text or Markdown.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from mapgen.core.dates import as_date
from mapgen.core.errors import MapgenError
from mapgen.model.health import tracking
from mapgen.model.plan import NOTES_KEY, row_key
from mapgen.model.rowids import own_ids

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.model.blueprint import Blueprint, Section
    from mapgen.model.plan import Plan, Row

FORMATS = ("text", "markdown", "json")
Style = Callable[[str, str], str]


def diff_plans(old: Plan, new: Plan, blueprint: Blueprint, *, old_name: str | None = None,
               new_name: str | None = None) -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (two plans of ``blueprint``) as plain data."""
    holidays = blueprint.holiday_dates()
    deal = _deal_changes(old.deal, new.deal)
    keys = [s.key for s in blueprint.sections]
    keys += [k for k in [*old.sections, *new.sections] if k not in keys]
    sections: dict[str, Any] = {}
    titles: dict[str, str] = {}
    summary = {"added": 0, "removed": 0, "changed": 0, "slipped": 0, "completed": 0}
    for key in dict.fromkeys(keys):
        section = blueprint.section(key)
        changes = _SectionDiff(section, old, new, holidays).run(old.rows(key), new.rows(key))
        if not any(changes[k] for k in ("added", "removed", "changed")):
            continue
        sections[key] = changes
        titles[key] = section.label if section else key
        summary["added"] += len(changes["added"])
        summary["removed"] += len(changes["removed"])
        summary["changed"] += len(changes["changed"])
        summary["slipped"] += sum(1 for c in changes["changed"]
                                  if any((f.get("slip_days") or 0) > 0 for f in c["fields"].values()))
        summary["completed"] += sum(1 for c in changes["changed"] if c.get("completed"))
    summary["deal"] = len(deal)
    return {"old": old_name, "new": new_name, "blueprint": new.blueprint.model_dump(),
            "deal": deal, "titles": titles, "sections": sections, "summary": summary}


def diff_files(old_path: str | os.PathLike, new_path: str | os.PathLike,
               blueprint: str | Blueprint | None = None, *, date_order: Order | None = None
               ) -> tuple[dict[str, Any], list[Plan]]:
    """Read two plan files or completed workbooks (as ``mapgen read`` does, numeric dates in
    ``date_order`` if given) and diff them.

    Raises MapgenError when they were made from different blueprints. Returns the diff and the
    two plans (whose ``issues`` say what was wrong in the inputs).
    """
    from mapgen.ops.inputs import load_input

    old, bp = load_input(old_path, blueprint, date_order=date_order, what="compare")
    new, _ = load_input(new_path, bp, date_order=date_order, what="compare")
    names = [i.recorded or i.plan.blueprint.name for i in (old, new)]
    if names[0] and names[1] and names[0] != names[1]:
        raise MapgenError(f"{old_path} and {new_path} are plans of different blueprints "
                          f"('{names[0]}' and '{names[1]}'); diff compares two versions of "
                          "one plan")
    result = diff_plans(old.plan, new.plan, bp, old_name=str(old_path), new_name=str(new_path))
    return result, [old.plan, new.plan]


# --------------------------------------------------------------------------- comparing


def _norm(value: Any) -> Any:
    """A value as compared and reported: dates as ISO text, text with its spacing folded,
    whole floats as integers, empty as None."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


def _deal_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in dict.fromkeys([*old, *new]):
        before, after = _norm(old.get(key)), _norm(new.get(key))
        if before != after:
            out[key] = _field(before, after, as_date(before), as_date(after))
    return out


def _field(before: Any, after: Any, old_date: dt.date | None, new_date: dt.date | None,
           ) -> dict[str, Any]:
    change: dict[str, Any] = {"old": before, "new": after}
    if old_date is not None and new_date is not None:
        change["slip_days"] = (new_date - old_date).days
    return change


def _notes(row: Row) -> dict[str, str]:
    """A row's cell comments and links as fields of their own: ``deadline.comment``."""
    notes = row.get(NOTES_KEY)
    if not isinstance(notes, Mapping):
        return {}
    return {f"{column}.{kind}": text for column, note in notes.items() if isinstance(note, Mapping)
            for kind, text in note.items()}


def _keys(row: Row) -> list[str]:
    """The fields a row is compared by: its values, then its notes one by one."""
    return [k for k in row if not str(k).startswith("_")] + list(_notes(row))


class _SectionDiff:
    def __init__(self, section: Section | None, old: Plan, new: Plan, holidays: list[dt.date]):
        self.section = section
        self.deals = (old.deal, new.deal)
        self.holidays = holidays
        self.track = tracking(section.columns, section.key) if section else None
        self.dates = {c.key for c in section.columns if c.field.is_date} if section else set()

    def key(self, row: Row) -> tuple | None:
        if self.section is None:
            return self.whole(row)
        return row_key(self.section, row)

    @staticmethod
    def whole(row: Row) -> tuple:
        return tuple(sorted((k, str(_norm(v))) for k, v in row.items()
                            if not str(k).startswith("_") and _norm(v) is not None))

    def value(self, row: Row, key: str, side: int) -> tuple[Any, dt.date | None]:
        """A field as reported, and the date it stands for (relative dates resolved)."""
        raw = row.get(key) if key in row else _notes(row).get(key)
        if key in self.dates:
            day = as_date(raw, self.deals[side], self.holidays)
            if day is not None:
                return day.isoformat(), day
        return _norm(raw), None

    def run(self, old_rows: list[Row], new_rows: list[Row]) -> dict[str, Any]:
        """Rows matched by row id first; the rest by identity (or, without one, whole values)."""
        old_ids, new_ids = own_ids(old_rows), own_ids(new_rows)
        by_id = {rid: i for i, rid in enumerate(old_ids) if rid}
        paired = {j: by_id[rid] for j, rid in enumerate(new_ids) if rid in by_id}
        by_key: dict[tuple, list[int]] = {}
        loose: dict[tuple, list[int]] = {}  # rows without identity, by their whole values
        taken = set(paired.values())
        for i, row in enumerate(old_rows):
            if i in taken:
                continue
            k = self.key(row)
            (by_key.setdefault(k, []) if k is not None
             else loose.setdefault(self.whole(row), [])).append(i)
        matched: set[int] = set()
        added, changed = [], []
        for j, row in enumerate(new_rows):
            if j in paired:
                i = paired[j]
            else:
                k = self.key(row)
                pool = by_key.get(k) if k is not None else loose.get(self.whole(row))
                if not pool:
                    added.append(self.shown(row, j, 1))
                    continue
                i = pool.pop(0)
            matched.add(i)
            change = self.compare(old_rows[i], row, j)
            if change is not None:
                changed.append(change)
        removed = [self.shown(r, i, 0) for i, r in enumerate(old_rows) if i not in matched]
        out: dict[str, Any] = {"added": added, "removed": removed, "changed": changed}
        if self.track is not None:
            out["label_column"] = self.track.label  # what names a row, for the renderers
        return out

    def shown(self, row: Row, index: int, side: int) -> dict[str, Any]:
        """A row as the diff lists it: its values (dates as ISO text), nothing empty."""
        out = {}
        for key in _keys(row):
            value, _ = self.value(row, key, side)
            if value is not None:
                out[key] = value
        return out

    def compare(self, before: Row, after: Row, index: int) -> dict[str, Any] | None:
        fields: dict[str, Any] = {}
        for key in dict.fromkeys([*_keys(before), *_keys(after)]):
            (old, old_day), (new, new_day) = self.value(before, key, 0), self.value(after, key, 1)
            if old != new:
                fields[key] = _field(old, new, old_day, new_day)
        if not fields:
            return None
        identity_keys = self.section.identity_keys if self.section else list(after)
        change: dict[str, Any] = {
            "identity": {k: _norm(after.get(k)) for k in identity_keys
                         if _norm(after.get(k)) is not None},
            "row": index + 1, "label": self.label(after, index), "fields": fields}
        if self.track is not None and self.track.status.key in fields:
            done_before, done_after = self.track.is_done(before), self.track.is_done(after)
            if done_after and not done_before:
                change["completed"] = True
            elif done_before and not done_after:
                change["reopened"] = True
        return change

    def label(self, row: Row, index: int) -> str:
        from mapgen.ops.status_report import row_label

        if self.section is None:
            return next((str(_norm(v)) for v in row.values() if _norm(v) is not None),
                        f"row {index + 1}")
        return row_label(self.section, row, index, self.track)


# --------------------------------------------------------------------------- rendering


def render_diff(diff: Mapping[str, Any], fmt: str = "text", style: Style | None = None) -> str:
    """The diff as ``text`` (``style(text, kind)`` may colour it: ``added``, ``removed``,
    ``changed``, ``slipped``, ``completed``, ``heading``), ``markdown`` or ``json``."""
    if fmt == "json":
        import json

        return json.dumps(diff, ensure_ascii=False, indent=2) + "\n"
    if fmt not in FORMATS:
        raise MapgenError(f"unknown diff format '{fmt}' (use {', '.join(FORMATS)})")
    md = fmt == "markdown"
    paint = (lambda text, kind: text) if md or style is None else style
    lines = [_headline(diff, md), ""]
    if diff["deal"]:
        lines += ["### Deal" if md else paint("Deal", "heading")]
        for key, change in diff["deal"].items():
            lines.append(f"{'-' if md else ' '} {_esc(key, md)}: {_change(change, md)}")
        lines.append("")
    for key, changes in diff["sections"].items():
        title = (diff.get("titles") or {}).get(key, key)
        lines.append(f"### {_esc(title, md)}" if md else paint(title, "heading"))
        named = changes.get("label_column")
        for what in ("added", "removed"):
            for row in changes[what]:
                lines.append(paint(f"{'-' if md else ' '} {what}: {_row_text(row, named, md)}",
                                   what))
        for change in changes["changed"]:
            kind = ("completed" if change.get("completed") else
                    "slipped" if any((f.get("slip_days") or 0) > 0
                                     for f in change["fields"].values()) else "changed")
            fields = "; ".join(f"{_esc(k, md)} {_change(f, md)}"
                               for k, f in change["fields"].items())
            mark = " (completed)" if change.get("completed") else (
                " (reopened)" if change.get("reopened") else "")
            lines.append(paint(f"{'-' if md else ' '} changed: {_bold(change['label'], md)}"
                               f"{mark}: {fields}", kind))
        lines.append("")
    if not diff["deal"] and not diff["sections"]:
        lines.append("No changes.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _headline(diff: Mapping[str, Any], md: bool) -> str:
    s = diff["summary"]
    parts = [f"{s[k]} {k}" for k in ("added", "removed", "changed", "slipped", "completed")]
    if s.get("deal"):
        parts.append(f"{s['deal']} deal fact{'s' * (s['deal'] != 1)} changed")
    names = (f" from {diff['old']} to {diff['new']}" if diff.get("old") and diff.get("new")
             else "")
    text = f"Changes{names}: " + ", ".join(parts)
    return f"**{_esc(text, md)}**" if md else text


def _change(change: Mapping[str, Any], md: bool) -> str:
    old, new = (_esc("(empty)" if v is None else str(v), md)
                for v in (change["old"], change["new"]))
    text = f"{old} -> {new}" if not md else f"{old} → {new}"
    slip = change.get("slip_days")
    if slip:
        days = f"{abs(slip)} day{'s' * (abs(slip) != 1)}"
        text += f" ({'slipped' if slip > 0 else 'earlier by'} {days})"
    return text


def _row_text(row: Mapping[str, Any], named: str | None, md: bool) -> str:
    """A row in one line: its name first when it has one, then its other values."""
    rest = ", ".join(f"{_esc(k, md)} {_esc(str(v), md)}" for k, v in row.items() if k != named)
    if named and row.get(named) is not None:
        return f"{_bold(str(row[named]), md)}" + (f" ({rest})" if rest else "")
    return rest


def _bold(text: str, md: bool) -> str:
    return f"**{_esc(text, md)}**" if md else f"'{text}'"


def _esc(text: str, md: bool) -> str:
    if not md:
        return text
    import re

    return re.sub(r"([\\*_`<>\[\]|#])", r"\\\1", " ".join(str(text).split()))


__all__ = ["diff_files", "diff_plans", "render_diff"]
