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
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.blueprint import Column

Meaning = Literal["not_started", "in_progress", "done", "blocked"]
MEANINGS: tuple[Meaning, ...] = ("not_started", "in_progress", "done", "blocked")
STATUS_KEY = "status"
DEADLINE_KEY = "deadline"
OWNER_KEY = "responsible"

# English names a status choice is recognised by when a blueprint gives no meanings.
_WORDS: dict[str, Meaning] = {
    "not started": "not_started", "to do": "not_started", "todo": "not_started",
    "open": "not_started", "planned": "not_started", "new": "not_started",
    "in progress": "in_progress", "ongoing": "in_progress", "started": "in_progress",
    "doing": "in_progress", "in review": "in_progress",
    "done": "done", "complete": "done", "completed": "done", "finished": "done",
    "closed": "done",
    "blocked": "blocked", "on hold": "blocked", "stuck": "blocked", "waiting": "blocked",
}


def _fold(text: str) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").casefold().split())


def status_meanings(column: Column) -> dict[str, Meaning]:
    """Each choice of a status column and what it means.

    The column's own ``meanings`` when the blueprint gives them; else a ``status`` column of
    exactly four choices maps them in order (not started, in progress, done, blocked); else
    choices are recognised by their English names. Choices with no meaning are left out.
    """
    explicit = getattr(column, "meanings", None)
    if explicit:
        return dict(explicit)
    choices = list(column.choices or ())
    words = _by_words(choices)
    if len(words) < len(choices) and column.key == STATUS_KEY and len(choices) == len(MEANINGS):
        return dict(zip(choices, MEANINGS, strict=True))
    return words


def _by_words(choices: Iterable[str]) -> dict[str, Meaning]:
    return {c: _WORDS[_fold(c)] for c in choices if _fold(c) in _WORDS}


@dataclass(frozen=True)
class Tracking:
    """How one section's progress is followed: its status column and what each choice means,
    the column that holds its deadline, the column that names an item, and its owner column."""

    section: str
    status: Column
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
        folded = _fold(value)
        return next((m for c, m in self.meanings.items() if _fold(c) == folded),
                    _WORDS.get(folded))

    def is_done(self, row: Mapping[str, Any]) -> bool:
        return self.meaning(row) == "done"

    def due(self, row: Mapping[str, Any]) -> dt.date | None:
        """The row's deadline as a date (None when it has none, or it is not a date yet)."""
        value = row.get(self.deadline) if self.deadline else None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return None
        return None

    def days_overdue(self, row: Mapping[str, Any], as_of: dt.date) -> int:
        """Days past the deadline of an open item (0 when done, undated or not yet due)."""
        due = self.due(row)
        if due is None or self.is_done(row):
            return 0
        return max(0, (as_of - due).days)


def tracking(columns: Sequence[Column], section: str = "") -> Tracking | None:
    """The :class:`Tracking` of a section with these columns, or None when it has no status
    choice column (nothing to track)."""
    status = next((c for c in columns if c.key == STATUS_KEY), None)
    if status is None or not status.choices:
        return None
    dates = [c.key for c in columns if _is_date(c)]
    deadline = DEADLINE_KEY if DEADLINE_KEY in dates else (dates[0] if dates else None)
    required = [c.key for c in columns if c.required and c.key != STATUS_KEY]
    texts = [c.key for c in columns if _is_text(c)]
    label = (required or texts or [STATUS_KEY])[0]
    owner = OWNER_KEY if any(c.key == OWNER_KEY for c in columns) else None
    return Tracking(section, status, status_meanings(status), deadline, label, owner)


def _is_date(column: Column) -> bool:
    return column.type == "date"


def _is_text(column: Column) -> bool:
    return column.type in ("text", "longtext")


def percent_complete(done: int, total: int) -> int:
    """Done items as a whole percentage of all items (0 for an empty section)."""
    return round(100 * done / total) if total else 0
