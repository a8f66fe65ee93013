"""Column types: how a value is parsed, validated, stored and shown, one class per type.

Every writer and reader goes through this module, so a type behaves the same in Word, Excel,
JSON, YAML and CSV. Adding a type means adding one class here and registering it in ``TYPES``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, Protocol

from mapgen.core.dealkeys import DEAL_DATE_KEYS
from mapgen.core.i18n import N_
from mapgen.core.text import is_blank

# Text that a spreadsheet would run as a formula when it starts with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Deal dates that a bare relative date may name (``go_live``); offsets may use any deal key.
RELATIVE_ANCHORS = DEAL_DATE_KEYS


class ColumnLike(Protocol):
    """What a type needs of a column: its choices (a blueprint's Column has them). A column may
    also offer ``choice_for(text)``, the choice that another spelling names (a translated
    blueprint's Column knows the English ones)."""

    @property
    def choices(self) -> Sequence[str] | None: ...


class FieldError(ValueError):
    """A value that does not fit its column's type; ``code`` is the stable issue code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Parsed:
    """A parsed value and, when the input was doubtful, a warning (code, message)."""

    value: Any
    warning: tuple[str, str] | None = None


@dataclass(frozen=True)
class Validation:
    """What a spreadsheet should check in an input cell, independent of the file format."""

    kind: str  # "whole", "decimal", "date", "list", "textLength"
    operator: str | None = None
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()
    error: str = ""  # a catalog message (N_): the writer shows it in the workbook's language


def clean_text(raw: object) -> str:
    """Text as people meant it: stray spaces at the ends gone, line breaks normalised."""
    if not isinstance(raw, str):  # text, the common case, goes straight to the last line
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, dt.datetime):
            raw = raw.date() if raw.time() == dt.time() else raw
        if isinstance(raw, dt.date | dt.datetime):
            raw = raw.isoformat()
        raw = str(raw)
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


class FieldType:
    """Base class: a column type. Subclasses override ``_parse`` and the presentation hints.

    Writers and readers ask a type what it is (``is_date``, ``has_choices``, ``is_text``),
    never its name.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    is_text: ClassVar[bool] = False      # free text (short or long)
    is_date: ClassVar[bool] = False      # a date, or a date relative to the deal
    has_choices: ClassVar[bool] = False  # one of the column's choices
    is_percent: ClassVar[bool] = False   # a fraction shown as a percentage
    default_width: ClassVar[float] = 18
    excel_format: ClassVar[str] = "@"  # Excel number format for input cells
    wrap: ClassVar[bool] = True
    align: ClassVar[str] = "left"

    def parse(self, raw: object, column: ColumnLike | None = None, *, day_first: bool = True,
              allow_relative: bool = False) -> Parsed:
        """Parse what a person or a file holds; ``Parsed(None)`` for blank; FieldError if unusable."""
        if is_blank(raw):
            return Parsed(None)
        return self._parse(raw, column, day_first=day_first, allow_relative=allow_relative)

    def _parse(self, raw: object, column: ColumnLike | None, *, day_first: bool,
               allow_relative: bool) -> Parsed:
        raise NotImplementedError

    def reads(self, raw: object, column: ColumnLike | None = None) -> bool:
        """Whether ``raw`` is a value of this type at all (a date in either order, a relative
        date too): what tells a row typed far below a table from a note written there."""
        for day_first in (True, False):
            try:
                self.parse(raw, column, day_first=day_first, allow_relative=True)
                return True
            except FieldError:
                continue
        return False

    def to_json(self, value: Any) -> Any:
        """The plan-format (JSON/YAML/CSV) form of a parsed value."""
        return value

    def display(self, value: Any) -> str:
        """How a value reads in a printed document."""
        return "" if value is None else str(value)

    def validation(self, column: ColumnLike) -> Validation | None:
        """The spreadsheet validation for this column's input cells, if any."""
        return None


class TextType(FieldType):
    name = "text"
    description = "a short text"
    default_width = 22
    is_text = True

    def _parse(self, raw, column, *, day_first, allow_relative):
        text = clean_text(raw)
        return Parsed(text or None)


class LongTextType(TextType):
    name = "longtext"
    description = "a longer text, wrapped over several lines"
    default_width = 45


class IntegerType(FieldType):
    name = "integer"
    description = "a whole number"
    default_width = 9
    excel_format = "0"
    wrap = False
    align = "center"

    def _parse(self, raw, column, *, day_first, allow_relative):
        if isinstance(raw, bool):
            raise FieldError("invalid-integer", f"expected a whole number, got {raw!r}")
        if isinstance(raw, int):
            return Parsed(raw)
        if isinstance(raw, float):
            if math.isfinite(raw) and raw.is_integer():
                return Parsed(int(raw))
            raise FieldError("invalid-integer", f"expected a whole number, got {raw:g}")
        text = clean_text(raw)
        # ASCII digits only: int() would read other scripts' digits ('꧒' as 2) without a word.
        match = re.fullmatch(r"([+-]?\d{1,15})(?:[.,]0+)?", text.replace(" ", ""), re.ASCII)
        if not match:
            raise FieldError("invalid-integer", f"expected a whole number, got '{_short(text)}'")
        return Parsed(int(match.group(1)))

    def validation(self, column):
        return Validation("whole", "between", -(10**9), 10**9, error=N_("Enter a whole number."))


class DateType(FieldType):
    name = "date"
    description = "a date (or, in blueprints and plans, a date relative to the deal like go_live-6w)"
    default_width = 13
    excel_format = "yyyy-mm-dd"
    is_date = True
    wrap = False
    align = "center"

    def _parse(self, raw, column, *, day_first, allow_relative):
        from mapgen.core import dates

        if isinstance(raw, dt.datetime):
            return Parsed(raw.date())
        if isinstance(raw, dt.date):
            return Parsed(raw)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raise FieldError("invalid-date", f"expected a date, got the number {raw:g}")
        text = clean_text(raw)
        if allow_relative and dates.is_relative(text):
            try:
                rel = dates.parse_relative(text)
            except ValueError as exc:
                raise FieldError("invalid-date", str(exc)) from None
            # A bare word is a date only when it names a deal date ("go_live", not "TBD").
            if rel.amount or rel.anchor in RELATIVE_ANCHORS:
                return Parsed(str(rel))
        try:
            value, ambiguous = dates.parse_date(text, day_first=day_first)
        except ValueError:
            raise FieldError(
                "invalid-date",
                f"'{_short(text)}' is not a date (write it as 2027-01-15 or 15/01/2027)",
            ) from None
        if ambiguous:
            order = "day-first" if day_first else "month-first"
            return Parsed(value, ("ambiguous-date",
                                  f"'{text}' could be read two ways; read {order} as {value.isoformat()}"))
        return Parsed(value)

    def to_json(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value

    def display(self, value):
        from mapgen.core import dates

        if isinstance(value, dt.date):
            return dates.format_human(value)
        return "" if value is None else str(value)

    def validation(self, column):
        return Validation("date", "between", dt.date(1990, 1, 1), dt.date(2199, 12, 31),
                          error=N_("Enter a date, for example 2027-01-15."))


class ChoiceType(FieldType):
    name = "choice"
    description = "one of a fixed list of choices (a dropdown)"
    default_width = 14
    wrap = False
    has_choices = True

    def _parse(self, raw, column, *, day_first, allow_relative):
        text = clean_text(raw)
        choices = tuple(column.choices or ()) if column is not None else ()
        if not choices:
            return Parsed(text)
        choice = _folded_choices(choices).get(fold_text(text))
        if choice is not None:
            return Parsed(choice)
        spelled = getattr(column, "choice_for", None)  # e.g. English choices of a translation
        choice = spelled(text) if spelled is not None else None
        if choice is not None:
            return Parsed(choice)
        synonym = getattr(column, "synonym_for", None)
        choice = synonym(text) if synonym is not None else None
        if choice is not None:
            return Parsed(choice, ("choice-synonym", f"'{_short(text)}' read as '{choice}'"))
        raise FieldError(
            "invalid-choice", f"'{_short(text)}' is not one of: {', '.join(choices)}")

    def validation(self, column):
        return Validation("list", choices=tuple(column.choices or ()),
                          error=N_("Pick one of the choices in the list."))


class PercentType(FieldType):
    name = "percent"
    description = "a percentage from 0% to 100%, stored as a fraction (0.75 is 75%)"
    is_percent = True
    default_width = 10
    excel_format = "0%"
    wrap = False
    align = "center"

    def _parse(self, raw, column, *, day_first, allow_relative):
        if isinstance(raw, bool):
            raise FieldError("invalid-percent", f"expected a percentage, got {raw!r}")
        if isinstance(raw, int | float):
            value = float(raw)
        else:
            text = clean_text(raw).replace(" ", "").replace(",", ".")
            match = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)(%?)", text, re.ASCII)
            if not match:
                raise FieldError("invalid-percent",
                                 f"expected a percentage like 75% or 0.75, got '{_short(text)}'")
            value = float(match.group(1)) / (100 if match.group(2) else 1)
        if not math.isfinite(value) or not 0 <= value <= 1:
            raise FieldError("invalid-percent",
                             f"a percentage must be from 0% to 100% (got {raw}); write 75% or 0.75")
        return Parsed(round(value, 10))

    def display(self, value):
        return "" if value is None else f"{value * 100:.0f}%"

    def validation(self, column):
        return Validation("decimal", "between", 0, 1, error=N_("Enter a percentage from 0% to 100%."))


TYPES: dict[str, FieldType] = {t.name: t for t in
                               (TextType(), LongTextType(), IntegerType(), DateType(),
                                ChoiceType(), PercentType())}


def field_type(name: str) -> FieldType:
    """The type object for a type name (names are checked when a blueprint loads)."""
    return TYPES[name]


@lru_cache(maxsize=256)
def _folded_choices(choices: tuple[str, ...]) -> dict[str, str]:
    """Folded choice -> the first choice that folds to it (a column's choices, folded once)."""
    out: dict[str, str] = {}
    for choice in choices:
        out.setdefault(fold_text(choice), choice)
    return out


def fold_text(text: str) -> str:
    """Text in the form values are compared in: case and runs of white space folded."""
    return " ".join(text.split()).casefold()


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def needs_formula_guard(value: object) -> bool:
    """True for text that a spreadsheet would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
