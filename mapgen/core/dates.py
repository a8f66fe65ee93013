"""Dates: relative dates such as ``go_live-6w``, business days, lenient parsing, human format.

Relative dates
    ``ANCHOR``, or ``ANCHOR+N<unit>`` / ``ANCHOR-N<unit>`` with optional spaces around the sign,
    where ANCHOR is a deal key (any identifier: ``start``, ``go_live``, ``kickoff``) and the unit
    is ``d`` (calendar days), ``bd`` (business days) or ``w`` (weeks of 7 days). Units are read
    case-insensitively; anchors are case-sensitive because they are deal keys. Note that any bare
    identifier (``kickoff``, but also ``TBD``) is syntactically a relative date.

Business days
    Monday to Friday, minus the given holidays: dates, or a :class:`HolidayCalendar` (a
    country's public holidays from the ``holidays`` library, plus extra dates), whose years
    are computed only as far as an offset reaches. ``+N bd`` (N > 0) is the N-th business day
    strictly after the anchor, ``-N bd`` the N-th strictly before it, so the anchor itself
    need not be a business day: Saturday +1bd is Monday, Saturday -1bd is Friday.
    ``+0bd`` (and ``-0bd``) is the anchor when it is a business day, else the next business
    day after it. ``d`` and ``w`` never roll: ``close+2d`` may fall on a Sunday.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from mapgen.core.errors import MapgenError
from mapgen.core.text import is_blank

Unit = Literal["d", "bd", "w"]

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name] = _MONTHS[_name[:3]] = _i
_MONTHS["sept"] = 9
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(_WEEKDAY_NAMES):
    _WEEKDAYS[_name] = _WEEKDAYS[_name[:3]] = _i
_WEEKDAYS.update(tues=1, thur=3, thurs=3)

# Amounts have at most 7 digits: more than any date range, and cheap to turn into an int.
_RELATIVE = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:([+-])\s*(\d{1,7})\s*(bd|d|w)\s*)?", re.ASCII | re.I)
_RELATIVE_LOOSE = re.compile(r"\s*([A-Za-z_]\w*)\s*[+-]\s*\d+\s*([A-Za-z]+)\s*", re.ASCII)
_ONE_DAY = timedelta(days=1)


class RelativeDateError(MapgenError):
    """A relative date that cannot be resolved against the deal."""


class MissingAnchor(RelativeDateError):
    """The deal date a relative date counts from is not set."""

    def __init__(self, text: str, anchor: str):
        self.text = text
        self.anchor = anchor
        super().__init__(f"relative date '{text}' needs the deal's '{anchor}' date, which is not set")


@dataclass(frozen=True)
class RelativeDate:
    """``anchor`` moved by ``amount`` ``unit``s; a bare anchor is ``amount=0, unit='d'``."""

    anchor: str
    amount: int = 0
    unit: Unit = "d"

    def __str__(self) -> str:
        if self.amount == 0 and self.unit == "d":
            return self.anchor
        sign = "-" if self.amount < 0 else "+"
        return f"{self.anchor}{sign}{abs(self.amount)}{self.unit}"


def is_relative(value: object) -> bool:
    """True for a string written in the relative-date grammar (``go_live-6w``, ``start``)."""
    return isinstance(value, str) and _RELATIVE.fullmatch(value) is not None


def parse_relative(text: str) -> RelativeDate:
    """Parse ``go_live-6w``, ``start + 10bd`` or a bare ``close``; ValueError on bad syntax."""
    match = _RELATIVE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        loose = _RELATIVE_LOOSE.fullmatch(text) if isinstance(text, str) else None
        if loose and loose.group(2).lower() not in ("d", "bd", "w"):
            raise ValueError(f"unknown unit '{loose.group(2)}' in relative date '{text.strip()}' "
                             "(use d for days, bd for business days or w for weeks)")
        raise ValueError(f"'{text}' is not a relative date (write it like go_live-6w, "
                         "start+10bd or close)")
    anchor, sign, number, unit = match.groups()
    if number is None:
        return RelativeDate(anchor)
    amount = int(number)
    return RelativeDate(anchor, -amount if sign == "-" else amount, unit.lower())  # type: ignore[arg-type]


def resolve(value: str | RelativeDate, deal: Mapping[str, object], holidays: Iterable[date] = ()) -> date:
    """The calendar date of a relative date for ``deal``.

    The anchor's value may be a date, a datetime or a date string (anything :func:`parse_date`
    reads without ambiguity). Raises ValueError for bad syntax, :class:`MissingAnchor` when the
    anchor is not set and :class:`RelativeDateError` when it is not a date or the result falls
    outside the calendar.
    """
    rel = parse_relative(value) if isinstance(value, str) else value
    text = value.strip() if isinstance(value, str) else str(rel)
    base = _anchor_date(text, rel.anchor, deal.get(rel.anchor))
    try:
        if rel.unit == "bd":
            return add_business_days(base, rel.amount, holidays)
        return base + timedelta(days=rel.amount * (7 if rel.unit == "w" else 1))
    except OverflowError:
        raise RelativeDateError(f"relative date '{text}' falls outside the calendar") from None


_OFFSET = re.compile(r"\s*([+-]?)\s*(\d{1,7})\s*(bd|d|w)\s*", re.ASCII | re.I)


def parse_offset(text: str) -> tuple[int, Unit]:
    """An offset as in relative dates, without the anchor: ``2w``, ``+5bd``, ``-3d`` ->
    ``(amount, unit)``; ValueError (saying how to write one) otherwise."""
    match = _OFFSET.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"'{text}' is not an offset (write it like 2w, 5bd, -3d: d for days, "
                         "bd for business days, w for weeks)")
    sign, number, unit = match.groups()
    amount = int(number)
    return (-amount if sign == "-" else amount), unit.lower()  # type: ignore[return-value]


def add_offset(d: date, amount: int, unit: Unit, holidays: Iterable[date] = ()) -> date:
    """``d`` moved by ``amount`` ``unit``s, by the rules of relative dates (``bd`` skips
    weekends and ``holidays``). RelativeDateError when the result leaves the calendar."""
    try:
        if unit == "bd":
            return add_business_days(d, amount, holidays)
        return d + timedelta(days=amount * (7 if unit == "w" else 1))
    except OverflowError:
        raise RelativeDateError(f"moving {d.isoformat()} by {amount}{unit} leaves the calendar") from None


def _anchor_date(text: str, anchor: str, raw: object) -> date:
    """The deal's anchor value as a date."""
    if is_blank(raw):
        raise MissingAnchor(text, anchor)
    if isinstance(raw, date | str):
        try:
            return parse_day(raw, anchor)
        except MapgenError:
            pass
    raise RelativeDateError(f"relative date '{text}' counts from the deal's '{anchor}', "
                            f"but {raw!r} is not a clear date (write it as 2027-01-15)")


def as_date(value: object, deal: Mapping[str, object] | None = None,
            holidays: Iterable[date] = ()) -> date | None:
    """The one coercion of a value that should already be a date (a plan's cell or deal fact,
    a holiday): a date, a datetime's day, an ISO date text, or (with ``deal``) a relative date
    resolved for the deal; None for anything else. What people type goes through
    :func:`parse_day` or :func:`parse_date` instead."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        pass
    if deal is not None and is_relative(value):
        try:
            return resolve(value, deal, holidays)
        except (ValueError, RelativeDateError):
            return None
    return None


def _holiday(value: object) -> date:
    day = as_date(value)
    if day is None:
        raise TypeError(f"not a date: {value!r}")
    return day


@dataclass(frozen=True)
class HolidayCalendar:
    """A country's public holidays (``country``: ISO 3166 code such as ``SE``; optionally a
    ``subdivision`` such as ``BY`` for Bavaria), plus ``extra`` dates. It stands wherever
    holidays are taken; :meth:`between` gives the dates of a span, computed per year on demand
    (the ``holidays`` library is imported only then)."""

    country: str
    subdivision: str | None = None
    extra: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", tuple(sorted(set(map(_holiday, self.extra)))))

    def check(self) -> None:
        """ValueError (in plain words) for a country or subdivision the library does not know."""
        _country_year(self.country, self.subdivision, date.today().year)

    def between(self, first: date, last: date) -> list[date]:
        """The holidays from ``first`` to ``last`` (both included), sorted."""
        days = set()
        for year in range(max(first.year, 1), min(last.year, 9999) + 1):
            days.update(_country_year(self.country, self.subdivision, year))
        days.update(self.extra)
        return sorted(h for h in days if first <= h <= last)

    def __iter__(self):
        """The holidays of the years around today (for callers that want plain dates)."""
        this = date.today().year
        return iter(self.between(date(this - 5, 1, 1), date(this + 10, 12, 31)))


@functools.lru_cache(maxsize=512)
def _country_year(country: str, subdivision: str | None, year: int) -> tuple[date, ...]:
    try:
        import holidays as holiday_library
    except ImportError:  # pragma: no cover - a dependency; said plainly all the same
        raise ValueError("country holidays need the 'holidays' package (pip install holidays)"
                         ) from None
    try:
        found = holiday_library.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        if subdivision is not None and _known_country(country):
            raise ValueError(f"holidays: country '{country}' has no subdivision "
                             f"'{subdivision}'") from None
        raise ValueError(f"holidays: no public holidays known for country '{country}' (use an "
                         "ISO 3166 code such as SE, DE, GB or US)") from None
    except Exception as exc:  # an unknown subdivision and the like, in the library's words
        raise ValueError(f"holidays: {exc}") from None
    return tuple(sorted(found))


def _known_country(country: str) -> bool:
    try:
        _country_year(country, None, date.today().year)
    except ValueError:
        return False
    return True


def _span(d: date, n: int) -> tuple[date, date]:
    """Dates that ``n`` business days from ``d`` cannot leave: two calendar days per business
    day covers the weekends and more holidays than any country has, plus a fortnight."""
    reach = timedelta(days=2 * abs(n) + 14)
    try:
        low = d - reach
    except OverflowError:
        low = date.min
    try:
        high = d + reach
    except OverflowError:
        high = date.max
    return low, high


def add_business_days(d: date, n: int, holidays: Iterable[date] | HolidayCalendar = ()) -> date:
    """``d`` moved by ``n`` business days (see the module docstring for the rules).

    Holidays may be dates, datetimes or ISO strings, or a :class:`HolidayCalendar`. Runs in
    about ``n / 5`` steps of one week plus the holidays crossed, so large ``n`` is cheap.
    OverflowError past the calendar.
    """
    d = _holiday(d)
    if isinstance(holidays, HolidayCalendar):
        holidays = holidays.between(*_span(d, n))
    weekday_holidays = sorted({h for h in map(_holiday, holidays) if h.weekday() < 5})
    closed = set(weekday_holidays)

    def is_business(x: date) -> bool:
        return x.weekday() < 5 and x not in closed

    if n == 0:
        while not is_business(d):
            d += _ONE_DAY
        return d
    forward = n > 0
    step = _ONE_DAY if forward else -_ONE_DAY
    left = abs(n)  # invariant: the answer is the left-th business day past d
    while left > 5:
        weeks = (left - 1) // 5  # leaves at least one business day to count one by one
        target = d + step * (7 * weeks)
        # Any 7 consecutive days hold 5 weekdays; subtract the holidays among them.
        if forward:
            closed_days = bisect.bisect_right(weekday_holidays, target) - bisect.bisect_right(
                weekday_holidays, d)
        else:
            closed_days = bisect.bisect_left(weekday_holidays, d) - bisect.bisect_left(
                weekday_holidays, target)
        left -= 5 * weeks - closed_days
        d = target
    while left:
        d += step
        if is_business(d):
            left -= 1
    return d


_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"
                  r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", re.ASCII)
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})", re.ASCII)
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?", re.ASCII)
_YEAR = re.compile(r"\d{4}|\d{2}", re.ASCII)


class DateTextError(ValueError):
    """A text that is not a date; ``reason`` says why without repeating the text."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def parse_day(value: object, what: str = "date", *, day_first: bool | None = None,
              today: bool = False) -> date:
    """The one reader of a single day that a person gives: ``status --as-of``, ``shift``'s
    dates, a plan file's deal dates. It takes a date, or a text in any form of
    :func:`parse_date` (ISO 2027-01-15 above all; 15/01/2027, 15.01.2027 or 01/15/2027 where
    only one reading is a date; 15 Jan 2027, Jan 15, 2027, ...); ``today`` too where ``today``
    is set (on the command line, not in files).

    A numeric date that reads two ways (03/04/2027) is refused unless ``day_first`` gives the
    order: the one place where a file's date order (day- or month-first, decided once for the
    whole file) comes in. MapgenError, starting with ``what``, for anything else.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip() if value is not None else ""
    if today and text.casefold() == "today":
        return date.today()
    shown = text[:40] if text.isprintable() else repr(text[:40])
    try:
        day, ambiguous = parse_date(text, day_first=day_first is not False)
    except DateTextError as exc:
        raise MapgenError(f"{what}: '{shown}' is not a date ({exc.reason})") from None
    if ambiguous and day_first is None:
        raise MapgenError(f"{what}: '{shown}' could be read two ways; write it as "
                          f"{day.isoformat()} (year-month-day)")
    return day


def parse_date(text: str, *, day_first: bool = True) -> tuple[date, bool]:
    """Read a date as people type it; returns ``(date, ambiguous)``.

    Accepts ISO ``2027-01-15`` (a time part is ignored), ``15/01/2027``, ``15.01.2027``,
    ``15-01-2027``, ``01/15/2027``, ``15 Jan 2027``, ``15th January 2027``, ``Jan 15, 2027``,
    ``15-Jan-27`` and an optional leading weekday (checked). Two-digit years are 20xx.
    ``ambiguous`` is True when a numeric date reads as two different valid dates (03/04/2027);
    ``day_first`` decides which wins. Dates and datetimes pass through. ValueError otherwise.
    """
    if isinstance(text, datetime):
        return text.date(), False
    if isinstance(text, date):
        return text, False
    if not isinstance(text, str):
        raise DateTextError(f"can't read {text!r} as a date", "it is not a text")
    s = text.strip()
    if not s:
        raise DateTextError("empty date", "it is empty")
    if match := _ISO.fullmatch(s):
        year, _, month, day, hour, minute, second = match.groups()
        if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
            raise DateTextError(f"'{s}' has an impossible time of day", "an impossible time of day")
        return _make(s, int(year), int(month), int(day)), False
    if match := _NUMERIC.fullmatch(s):
        first, _, second, year_text = match.groups()
        a, b, year = int(first), int(second), _year(year_text)
        day_month = _valid(year, b, a)
        month_day = _valid(year, a, b)
        if day_month and month_day:
            ambiguous = a != b
            return (date(year, b, a) if day_first else date(year, a, b)), ambiguous
        if day_month:
            return date(year, b, a), False
        if month_day:
            return date(year, a, b), False
        if a > 12 and b > 12:
            months = f"{a} is not a month" if a == b else f"neither {a} nor {b} is a month"
            raise DateTextError(f"'{s}' is not a valid date: {months}", months)
        # Neither reading is valid: _make explains the one whose month exists.
        return (_make(s, year, b, a) if b <= 12 else _make(s, year, a, b)), False
    return _parse_words(s), False


def _parse_words(s: str) -> date:
    """``15 Jan 2027``, ``Jan 15, 2027``, ``Friday, 15 January 2027``."""
    words = [w for w in re.split(r"[\s,./-]+", s.lower()) if w]
    weekday = _WEEKDAYS.get(words[0]) if words else None
    if weekday is not None:
        words = words[1:]
    if len(words) == 3 and _YEAR.fullmatch(words[2]):
        if words[1] in _MONTHS and (day := _DAY.fullmatch(words[0])):
            month = _MONTHS[words[1]]
        elif words[0] in _MONTHS and (day := _DAY.fullmatch(words[1])):
            month = _MONTHS[words[0]]
        else:
            day = None
        if day is not None:
            result = _make(s, _year(words[2]), month, int(day.group(1)))
            if weekday is not None and result.weekday() != weekday:
                reason = (f"{format_human(result)} is a "
                          f"{_WEEKDAY_NAMES[result.weekday()].capitalize()}, "
                          f"not a {_WEEKDAY_NAMES[weekday].capitalize()}")
                raise DateTextError(f"'{s}': {reason}", reason)
            return result
    raise DateTextError(f"can't read '{s}' as a date (write it like 2027-01-15 or 15 Jan 2027)",
                        "write it like 2027-01-15 or 15 Jan 2027")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _make(text: str, year: int, month: int, day: int) -> date:
    """The date, or a ValueError that says what is wrong with it."""
    if not 1 <= year <= 9999:
        raise DateTextError(f"'{text}' has an impossible year", "an impossible year")
    if not 1 <= month <= 12:
        raise DateTextError(f"'{text}' is not a valid date: there is no month {month}",
                            f"there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        reason = f"{_MONTH_NAMES[month - 1].capitalize()} {year} has {last} days"
        raise DateTextError(f"'{text}' is not a valid date: {reason}", reason)
    return date(year, month, day)


def format_human(d: date) -> str:
    """``15 Jan 2027``: English month abbreviation, no leading zero, whatever the locale."""
    return f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}"
