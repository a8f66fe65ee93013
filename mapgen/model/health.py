"""The plan-status model: what a row's status means, when it is due, whether it is late.

Status choices carry *meanings* (``not_started``, ``in_progress``, ``done``, ``blocked``), so that
a renamed or translated status list still counts right. Everything that tracks progress goes
through this module: the Excel overview's live counts, the status report, calendars, timelines.
It holds no writer and no file format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from mapgen.core.dates import as_date

Meaning = Literal["not_started", "in_progress", "done", "blocked"]
MEANINGS: tuple[Meaning, ...] = ("not_started", "in_progress", "done", "blocked")
Health = Literal["blocked", "stalled", "at_risk", "due_soon", "unowned", "undated"]
HEALTH_FLAGS: tuple[Health, ...] = ("blocked", "stalled", "at_risk", "due_soon", "unowned",
                                    "undated")
# The health flags that put an item on the "needs attention" list, most urgent first.
ATTENTION: tuple[Health, ...] = ("stalled", "at_risk", "blocked", "due_soon", "unowned", "undated")
# What a section's progress counts (see :func:`count_items`).
COUNT_KEYS = ("total", *MEANINGS, "percent_complete", "at_risk", "stalled", "due_soon",
              "unowned", "undated")
STATUS_KEY = "status"
DEADLINE_KEY = "deadline"
OWNER_KEY = "responsible"

# The English names that say what a choice means when a blueprint gives no ``meanings``
# (compared folded: case, spaces, "_" and "-" aside).
ENGLISH_MEANINGS: dict[str, Meaning] = {
    "not started": "not_started", "to do": "not_started", "todo": "not_started",
    "open": "not_started", "planned": "not_started", "new": "not_started",
    "in progress": "in_progress", "ongoing": "in_progress", "started": "in_progress",
    "doing": "in_progress", "in review": "in_progress",
    "done": "done", "complete": "done", "completed": "done", "finished": "done",
    "closed": "done",
    "blocked": "blocked", "on hold": "blocked", "stuck": "blocked", "waiting": "blocked",
}


class StatusColumn(Protocol):
    """What this module needs of a column (the blueprint's Column is one)."""

    key: str
    choices: list[str] | None

    def status_meanings(self) -> dict[str, str]: ...


def fold_name(text: str) -> str:
    """A status name compared loosely: case, spacing, ``_`` and ``-`` aside."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").casefold().split())


def default_meanings(key: str, choices: Sequence[str]) -> dict[str, Meaning]:
    """The meanings of choices that a blueprint does not map itself.

    English names when they name every choice; else, for a ``status`` column of exactly four
    choices, the choices in order (not started, in progress, done, blocked); else the choices
    that English names recognise.
    """
    by_name = {c: ENGLISH_MEANINGS[fold_name(c)] for c in choices if fold_name(c) in ENGLISH_MEANINGS}
    if len(by_name) < len(choices) and key == STATUS_KEY and len(choices) == len(MEANINGS):
        return dict(zip(choices, MEANINGS, strict=True))
    return by_name


def status_meanings(column: StatusColumn) -> dict[str, Meaning]:
    """Each choice of a status column and what it means (see ``Column.status_meanings``)."""
    return column.status_meanings()  # type: ignore[return-value]


@dataclass(frozen=True)
class Tracking:
    """How one section's progress is followed: its status column and what each choice means,
    the column that holds its deadline, the column that names an item, and its owner column."""

    section: str
    status: StatusColumn
    meanings: Mapping[str, Meaning]
    deadline: str | None
    label: str
    owner: str | None

    def choices(self, meaning: Meaning) -> list[str]:
        """The status choices that mean ``meaning``, in the blueprint's order."""
        return [c for c in self.status.choices or () if self.meanings.get(c) == meaning]

    @property
    def done(self) -> str | None:
        """The (first) choice that means done, for formulas that compare with one value."""
        return next(iter(self.choices("done")), None)

    def meaning(self, row: Mapping[str, Any]) -> Meaning | None:
        """What the row's status means; None when it has none (or one no meaning is known for)."""
        value = row.get(self.status.key)
        if value in (None, ""):
            return None
        if value in self.meanings:
            return self.meanings[value]
        folded = fold_name(value)
        found = next((m for c, m in self.meanings.items() if fold_name(c) == folded), None)
        if found is not None:
            return found
        # Another spelling the column knows (English in a translation, a synonym): its choice's
        # meaning. Any other text counts nowhere, as the workbook's live counts do not count it.
        for spelling in ("choice_for", "synonym_for"):
            named = getattr(self.status, spelling, None)
            choice = named(str(value)) if named is not None else None
            if choice is not None and choice in self.meanings:
                return self.meanings[choice]
        return None

    def is_done(self, row: Mapping[str, Any]) -> bool:
        return self.meaning(row) == "done"

    def due(self, row: Mapping[str, Any], deal: Mapping[str, Any] | None = None,
            holidays: Iterable[dt.date] = ()) -> dt.date | None:
        """The row's deadline as a date (None when it has none, or it is not a date yet).

        A deadline relative to the deal (``go_live-6w``) counts when ``deal`` is given and holds
        its anchor date."""
        value = row.get(self.deadline) if self.deadline else None
        return as_date(value, deal, holidays)

    def owner_of(self, row: Mapping[str, Any]) -> str | None:
        """The row's responsible person (None when the section has no owner column or it is
        empty)."""
        value = row.get(self.owner) if self.owner else None
        text = " ".join(str(value).split()) if value is not None else ""
        return text or None

    def days_overdue(self, row: Mapping[str, Any], as_of: dt.date,
                     deal: Mapping[str, Any] | None = None,
                     holidays: Iterable[dt.date] = ()) -> int:
        """Days past the deadline of an open item (0 when done, undated or not yet due)."""
        due = self.due(row, deal, holidays)
        if due is None or self.is_done(row):
            return 0
        return max(0, (as_of - due).days)

    def health(self, row: Mapping[str, Any], as_of: dt.date, rules: HealthRules | None = None,
               deal: Mapping[str, Any] | None = None,
               holidays: Iterable[dt.date] = ()) -> list[Health]:
        """The health flags of one row on ``as_of``, in :data:`HEALTH_FLAGS` order.

        A done item has none: it is never late, and its owner and date no longer matter. An
        open item is ``blocked`` by its status; ``at_risk`` or ``stalled`` by the days past its
        deadline; ``due_soon`` when its deadline is today or within ``rules.due_soon`` days;
        ``unowned`` when the section has an owner column and it is empty; ``undated`` when the
        section has a deadline column and it holds no date.
        """
        rules = rules or DEFAULT_HEALTH
        if self.is_done(row):
            return []
        flags: set[Health] = set()
        if self.meaning(row) == "blocked":
            flags.add("blocked")
        due = self.due(row, deal, holidays)
        if due is not None:
            late = (as_of - due).days
            if late >= rules.stalled:
                flags.add("stalled")
            elif late >= rules.at_risk:
                flags.add("at_risk")
            elif -rules.due_soon <= late <= 0:
                flags.add("due_soon")
        elif self.deadline:
            flags.add("undated")
        if self.owner and self.owner_of(row) is None:
            flags.add("unowned")
        return [f for f in HEALTH_FLAGS if f in flags]

    def item(self, row: Mapping[str, Any], as_of: dt.date, rules: HealthRules | None = None,
             deal: Mapping[str, Any] | None = None,
             holidays: Iterable[dt.date] = ()) -> dict[str, Any]:
        """One row's progress on ``as_of`` as JSON-ready data: ``deadline`` (ISO), ``responsible``,
        ``status`` (as written), ``meaning`` (an empty status counts as not started; a word that is
        no choice, nor a synonym of one, has none and counts nowhere by meaning),
        ``health``, ``days_overdue`` and ``days_left`` (None when undated)."""
        due = self.due(row, deal, holidays)
        status = row.get(self.status.key)
        return {
            "deadline": due.isoformat() if due else None,
            "responsible": self.owner_of(row),
            "status": " ".join(str(status).split()) or None if status is not None else None,
            "meaning": self.meaning(row) or (None if _typed(status) else "not_started"),
            "health": self.health(row, as_of, rules, deal, holidays),
            "days_overdue": self.days_overdue(row, as_of, deal, holidays),
            "days_left": (due - as_of).days if due else None,
        }

    def next_due(self, rows: Sequence[Mapping[str, Any]], deal: Mapping[str, Any] | None = None,
                 holidays: Iterable[dt.date] = ()) -> tuple[int, dt.date] | None:
        """The open row with the earliest deadline (late ones included) as (index, deadline);
        None when no open row has a date. The next milestone, among phases."""
        dated = [(due, n) for n, row in enumerate(rows) if not self.is_done(row)
                 and (due := self.due(row, deal, holidays)) is not None]
        if not dated:
            return None
        due, n = min(dated)
        return n, due


def tracking(columns: Sequence[Any], section: str = "") -> Tracking | None:
    """The :class:`Tracking` of a section with these columns, or None when it has no status
    choice column (nothing to track)."""
    status = next((c for c in columns if c.key == STATUS_KEY), None)
    if status is None or not status.choices:
        return None
    dates = [c.key for c in columns if c.field.is_date]
    deadline = DEADLINE_KEY if DEADLINE_KEY in dates else (dates[0] if dates else None)
    required = [c.key for c in columns if c.required and c.key != STATUS_KEY]
    texts = [c.key for c in columns if c.field.is_text]
    label = (required or texts or [STATUS_KEY])[0]
    owner = OWNER_KEY if any(c.key == OWNER_KEY for c in columns) else None
    return Tracking(section, status, status_meanings(status), deadline, label, owner)


def date_column(columns: Sequence[Any], section: str = "") -> str | None:
    """The column that dates a section's rows: a tracked section's deadline, else the first
    date column (None without one)."""
    track = tracking(columns, section)
    if track is not None:
        return track.deadline
    return next((c.key for c in columns if c.field.is_date), None)


def label_column(columns: Sequence[Any], section: str = "") -> str | None:
    """The column that names a section's rows: a tracked section's label, else the first text
    column (None without one)."""
    track = tracking(columns, section)
    if track is not None:
        return track.label
    return next((c.key for c in columns if c.field.is_text), None)


@dataclass(frozen=True)
class HealthRules:
    """The thresholds of the health rules, in days: an open item is at risk from ``at_risk``
    days past its deadline, stalled from ``stalled`` days, due soon within ``due_soon`` days."""

    at_risk: int = 1
    stalled: int = 7
    due_soon: int = 14


DEFAULT_HEALTH = HealthRules()


def health_rules(blueprint: Any) -> HealthRules:
    """The blueprint's health thresholds: its ``health:`` key where it has one (a mapping, or
    an object with the same attributes), the defaults for what it leaves out.

    Raises MapgenError for a threshold that is not a whole number of days, or for at_risk after
    stalled.
    """
    from mapgen.core.errors import MapgenError

    given = getattr(blueprint, "health", None)
    if given is None:
        return DEFAULT_HEALTH
    values: dict[str, int] = {}
    for name in ("at_risk", "stalled", "due_soon"):
        value = given.get(name) if isinstance(given, Mapping) else getattr(given, name, None)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise MapgenError(f"blueprint '{getattr(blueprint, 'name', '?')}': health "
                              f"'{name}' must be a whole number of days, not {value!r}")
        values[name] = value
    if isinstance(given, Mapping):
        unknown = sorted(str(k) for k in given if k not in ("at_risk", "stalled", "due_soon"))
        if unknown:
            raise MapgenError(f"blueprint '{getattr(blueprint, 'name', '?')}': unknown health "
                              f"key '{unknown[0]}' (known: at_risk, stalled, due_soon)")
    rules = HealthRules(**{**DEFAULT_HEALTH.__dict__, **values})
    if not 1 <= rules.at_risk <= rules.stalled:
        raise MapgenError(f"blueprint '{getattr(blueprint, 'name', '?')}': health thresholds "
                          f"must satisfy 1 <= at_risk <= stalled (got at_risk {rules.at_risk}, "
                          f"stalled {rules.stalled})")
    return rules


def _typed(value: Any) -> bool:
    return value is not None and bool(str(value).strip())


def percent_complete(done: int, total: int) -> int:
    """Done items as a whole percentage of all items (0 for an empty section)."""
    return round(100 * done / total) if total else 0


def count_items(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Progress of items (as :meth:`Tracking.item` gives them): the total, how many have each
    status meaning, percent complete, and how many carry each health flag (blocked counts by
    its status meaning)."""
    out = dict.fromkeys(COUNT_KEYS, 0)
    for item in items:
        out["total"] += 1
        if item["meaning"]:
            out[item["meaning"]] += 1
        for flag in item["health"]:
            if flag in out and flag != "blocked":
                out[flag] += 1
    out["percent_complete"] = percent_complete(out["done"], out["total"])
    return out


def needing_attention(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The items with a flag of :data:`ATTENTION`, most urgent first (stalled, at risk, blocked,
    due soon, then unowned and undated), the latest first, then by deadline and row."""
    def rank(item: Mapping[str, Any]) -> tuple:
        first = min(ATTENTION.index(f) for f in item["health"] if f in ATTENTION)
        return first, -(item["days_overdue"] or 0), item["deadline"] or "9999", item.get("row", 0)

    return sorted((i for i in items if set(i["health"]) & set(ATTENTION)), key=rank)
