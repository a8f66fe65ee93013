"""mapgen.core.dates: relative dates, business days, lenient parsing, human format."""

from __future__ import annotations

import locale
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapgen.cli.app import exit_code_for
from mapgen.core.dates import (
    MissingAnchor,
    RelativeDate,
    RelativeDateError,
    add_business_days,
    format_human,
    is_relative,
    parse_date,
    parse_relative,
    resolve,
)
from mapgen.core.errors import MapgenError

FRI = date(2027, 1, 15)
SAT = date(2027, 1, 16)
SUN = date(2027, 1, 17)
MON = date(2027, 1, 18)


def brute_business_days(d: date, n: int, holidays=()) -> date:
    """Day-by-day reference for add_business_days."""
    closed = set(holidays)

    def ok(x: date) -> bool:
        return x.weekday() < 5 and x not in closed

    if n == 0:
        while not ok(d):
            d += timedelta(days=1)
        return d
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        left -= ok(d)
    return d


# --------------------------------------------------------------------------- relative syntax

@pytest.mark.parametrize("text, expected", [
    ("go_live-6w", RelativeDate("go_live", -6, "w")),
    ("start+10bd", RelativeDate("start", 10, "bd")),
    ("close-3d", RelativeDate("close", -3, "d")),
    ("go_live - 6w", RelativeDate("go_live", -6, "w")),
    ("  start +  10 bd ", RelativeDate("start", 10, "bd")),
    ("start+10BD", RelativeDate("start", 10, "bd")),
    ("go_live", RelativeDate("go_live", 0, "d")),
    ("kickoff+0bd", RelativeDate("kickoff", 0, "bd")),
    ("_private2+1w", RelativeDate("_private2", 1, "w")),
])
def test_parse_relative(text, expected):
    assert is_relative(text)
    assert parse_relative(text) == expected


@pytest.mark.parametrize("text", [
    "go_live-6x", "go_live-", "6w", "go live", "go_live-6", "go_live*2w", "", "2027-01-15",
    "15/01/2027", "go_live-1.5w", "go_live-6w-1d", "start+99999999d",
])
def test_not_relative(text):
    assert not is_relative(text)
    with pytest.raises(ValueError) as info:
        parse_relative(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [None, 5, date(2027, 1, 1), ["go_live"]])
def test_is_relative_non_strings(value):
    assert not is_relative(value)


def test_unknown_unit_is_named():
    with pytest.raises(ValueError, match=r"unknown unit 'x' in relative date 'go_live-6x'"):
        parse_relative("go_live-6x")


def test_relative_date_str_round_trips():
    for text in ["go_live-6w", "start+10bd", "close-3d", "kickoff", "start+0bd"]:
        assert str(parse_relative(text)) == text
        assert parse_relative(str(parse_relative(text))) == parse_relative(text)


def test_relative_date_is_frozen():
    rel = parse_relative("go_live-6w")
    with pytest.raises(AttributeError):
        rel.amount = 3  # type: ignore[misc]


# --------------------------------------------------------------------------- resolve

DEAL = {"start": date(2027, 1, 4), "close": datetime(2027, 3, 31, 17, 30), "go_live": "2027-06-01",
        "kickoff": "2027-01-15T00:00:00", "empty": "", "blank": "  ", "unset": None}


@pytest.mark.parametrize("text, expected", [
    ("go_live-6w", date(2027, 4, 20)),
    ("go_live - 6w", date(2027, 4, 20)),
    ("go_live", date(2027, 6, 1)),
    ("start+10bd", date(2027, 1, 18)),
    ("start+10d", date(2027, 1, 14)),
    ("close-3d", date(2027, 3, 28)),  # a Sunday: calendar days never roll
    ("close", date(2027, 3, 31)),  # a datetime anchor counts as its date
    ("kickoff+1bd", MON),
    ("go_live-5bd", date(2027, 5, 25)),
    ("start+0w", date(2027, 1, 4)),
])
def test_resolve(text, expected):
    assert resolve(text, DEAL) == expected
    assert resolve(parse_relative(text), DEAL) == expected


@pytest.mark.parametrize("anchor", ["missing", "empty", "blank", "unset"])
def test_missing_anchor(anchor):
    text = f"{anchor}-6w"
    with pytest.raises(MissingAnchor) as info:
        resolve(text, DEAL)
    assert str(info.value) == (f"relative date '{text}' needs the deal's '{anchor}' date, "
                               "which is not set")
    assert info.value.anchor == anchor
    assert isinstance(info.value, MapgenError) and exit_code_for(info.value) == 2


def test_missing_anchor_message_from_spec():
    with pytest.raises(MissingAnchor, match=r"^relative date 'go_live-6w' needs the deal's 'go_live' "
                                            r"date, which is not set$"):
        resolve("go_live-6w", {})


def test_resolve_names_a_relative_date_object_canonically():
    with pytest.raises(MissingAnchor, match="'go_live-6w'"):
        resolve(RelativeDate("go_live", -6, "w"), {})


@pytest.mark.parametrize("value", ["next week", "03/04/2027", 42, ["2027-01-01"]])
def test_anchor_that_is_not_a_clear_date(value):
    with pytest.raises(RelativeDateError, match=r"counts from the deal's 'go_live'"):
        resolve("go_live+1d", {"go_live": value})


def test_anchor_in_other_unambiguous_formats():
    assert resolve("go_live+1d", {"go_live": "15 Jan 2027"}) == SAT
    assert resolve("go_live+1d", {"go_live": "25/01/2027"}) == date(2027, 1, 26)


def test_resolve_bad_syntax_is_value_error():
    with pytest.raises(ValueError, match="not a relative date"):
        resolve("go_live-", DEAL)


def test_resolve_out_of_calendar():
    with pytest.raises(RelativeDateError, match="falls outside the calendar"):
        resolve("start+9999999d", DEAL)
    with pytest.raises(RelativeDateError, match="falls outside the calendar"):
        resolve("start+9999999bd", DEAL)


def test_resolve_with_holidays():
    holidays = [date(2027, 1, 5), date(2027, 1, 6)]
    assert resolve("start+1bd", DEAL, holidays) == date(2027, 1, 7)
    assert resolve("start+1d", DEAL, holidays) == date(2027, 1, 5)  # d ignores holidays


# --------------------------------------------------------------------------- business days

def test_weekend_rule():
    assert add_business_days(FRI, 1) == MON
    assert add_business_days(MON, -1) == FRI
    assert add_business_days(FRI, 0) == FRI
    assert add_business_days(SAT, 0) == MON  # +0bd rolls forward
    assert add_business_days(SUN, 0) == MON
    assert add_business_days(SAT, 1) == MON  # first business day after the anchor
    assert add_business_days(SUN, 1) == MON
    assert add_business_days(SAT, -1) == FRI
    assert add_business_days(SUN, -1) == FRI
    assert add_business_days(SAT, 2) == date(2027, 1, 19)
    assert add_business_days(MON, 5) == date(2027, 1, 25)
    assert add_business_days(MON, -5) == date(2027, 1, 11)
    assert resolve("go_live+0bd", {"go_live": SAT}) == MON
    assert resolve("go_live-0bd", {"go_live": SAT}) == MON
    assert resolve("go_live", {"go_live": SAT}) == SAT  # a bare anchor never rolls


def test_holidays():
    christmas = [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]
    # Thu 24 Dec 2026 +1bd: Fri 25 and Mon 28 are holidays -> Tue 29
    assert add_business_days(date(2026, 12, 24), 1, christmas) == date(2026, 12, 29)
    assert add_business_days(date(2026, 12, 29), -1, christmas) == date(2026, 12, 24)
    # A holiday anchor with +0bd rolls past it.
    assert add_business_days(date(2026, 12, 25), 0, christmas) == date(2026, 12, 29)
    # Holidays on weekends change nothing; datetimes and ISO strings are accepted.
    assert add_business_days(FRI, 1, [SAT, SUN]) == MON
    assert add_business_days(FRI, 1, [datetime(2027, 1, 18, 9)]) == date(2027, 1, 19)
    assert add_business_days(FRI, 1, ["2027-01-18"]) == date(2027, 1, 19)
    # Generators are fine (read once).
    assert add_business_days(FRI, 1, (d for d in [MON])) == date(2027, 1, 19)


def test_many_business_days_is_fast_and_right():
    start = date(2027, 1, 4)
    holidays = [start + timedelta(days=i) for i in range(0, 3000, 9)]
    for n in (6, 7, 11, 250, 2500, -2500, 100_000, -100_000):
        assert add_business_days(start, n, holidays) == brute_business_days(start, n, holidays)
    assert add_business_days(start, 2_000_000) == start + timedelta(weeks=400_000)  # Monday + 5bd = Monday


def test_business_days_past_the_calendar():
    with pytest.raises(OverflowError):
        add_business_days(date(9999, 12, 30), 5)


business_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).filter(
    lambda d: d.weekday() < 5)
some_holidays = st.lists(st.dates(min_value=date(1899, 1, 1), max_value=date(2202, 12, 31)), max_size=40)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(-3000, 3000).filter(bool), some_holidays)
def test_never_lands_on_a_weekend_or_holiday(d, n, holidays):
    result = add_business_days(d, n, holidays)
    assert result.weekday() < 5
    assert result not in holidays
    assert (result > d) == (n > 0)


@given(business_days, st.integers(-3000, 3000))
def test_round_trip(d, n):
    assert add_business_days(add_business_days(d, n), -n) == d


@given(business_days, st.integers(-400, 400), some_holidays)
def test_round_trip_with_holidays(d, n, holidays):
    holidays = [h for h in holidays if h != d]
    assert add_business_days(add_business_days(d, n, holidays), -n, holidays) == d


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(-60, 60),
       st.lists(st.dates(min_value=date(1999, 1, 1), max_value=date(2101, 1, 1)), max_size=20))
def test_matches_day_by_day_count(d, n, holidays):
    assert add_business_days(d, n, holidays) == brute_business_days(d, n, holidays)


# --------------------------------------------------------------------------- parse_date

JAN15 = date(2027, 1, 15)


@pytest.mark.parametrize("text", [
    "2027-01-15", "2027-1-15", " 2027-01-15 ", "2027-01-15T00:00:00", "2027-01-15 13:45",
    "2027-01-15T10:00:00.123+01:00", "2027-01-15T10:00Z", "2027/01/15",
    "15/01/2027", "15.01.2027", "15-01-2027", "01/15/2027", "15/1/27", "15/01/27",
    "15 Jan 2027", "15 January 2027", "15 jan 2027", "15 JANUARY 2027", "Jan 15 2027",
    "Jan 15, 2027", "January 15, 2027", "15-Jan-2027", "15-Jan-27", "15th January 2027",
    "Jan. 15, 2027", "Fri 15 Jan 2027", "Friday, 15 January 2027", "15 Jan, 2027",
])
def test_parse_date_formats(text):
    assert parse_date(text) == (JAN15, False)
    assert parse_date(text, day_first=False) == (JAN15, False)


def test_parse_date_month_spellings():
    assert parse_date("5 Sept 2027")[0] == date(2027, 9, 5)
    assert parse_date("5 Sep 2027")[0] == date(2027, 9, 5)
    assert parse_date("May 5 2027")[0] == date(2027, 5, 5)
    assert parse_date("1st Mar 2027")[0] == date(2027, 3, 1)
    assert parse_date("22nd Dec 2027")[0] == date(2027, 12, 22)


def test_ambiguous_dates():
    assert parse_date("03/04/2027") == (date(2027, 4, 3), True)
    assert parse_date("03/04/2027", day_first=False) == (date(2027, 3, 4), True)
    assert parse_date("03.04.27") == (date(2027, 4, 3), True)
    # Same reading both ways: not ambiguous.
    assert parse_date("04/04/2027") == (date(2027, 4, 4), False)
    # Only one reading is valid.
    assert parse_date("13/04/2027", day_first=False) == (date(2027, 4, 13), False)
    assert parse_date("04/13/2027") == (date(2027, 4, 13), False)


def test_one_valid_reading_wins_over_day_first():
    # 02/30: day-first is 2 of month 30 (invalid); month-first is Feb 30 (invalid) -> error.
    with pytest.raises(ValueError):
        parse_date("02/30/2027")
    # 31/01: only day-first works, even when month-first is preferred.
    assert parse_date("31/01/2027", day_first=False) == (date(2027, 1, 31), False)


def test_dates_pass_through():
    assert parse_date(JAN15) == (JAN15, False)  # type: ignore[arg-type]
    assert parse_date(datetime(2027, 1, 15, 8)) == (JAN15, False)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, message", [
    ("next week", "can't read 'next week' as a date"),
    ("soon", "can't read 'soon' as a date"),
    ("", "empty date"),
    ("   ", "empty date"),
    ("2027-02-30", "February 2027 has 28 days"),
    ("2028-02-30", "February 2028 has 29 days"),
    ("2027-13-01", "there is no month 13"),
    ("31/04/2027", "April 2027 has 30 days"),
    ("13/14/2027", "neither 13 nor 14 is a month"),
    ("13/13/2027", "13 is not a month"),
    ("32 Jan 2027", "January 2027 has 31 days"),
    ("Mon 15 Jan 2027", "15 Jan 2027 is a Friday, not a Monday"),
    ("2027-01-15T25:00", "impossible time"),
    ("15 Jan", "can't read"),
    ("15/01", "can't read"),
    ("15/01/202", "can't read"),
    ("15/01-2027", "can't read"),
    ("Foo 15 2027", "can't read"),
    ("0000-01-01", "impossible year"),
])
def test_parse_date_errors(text, message):
    with pytest.raises(ValueError) as info:
        parse_date(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [None, 45000, 1.5, ["2027-01-15"]])
def test_parse_date_non_text(value):
    with pytest.raises(ValueError, match="can't read"):
        parse_date(value)  # type: ignore[arg-type]


def test_two_digit_years_are_this_century():
    assert parse_date("01/02/99")[0] == date(2099, 2, 1)
    assert parse_date("1 Feb 00")[0] == date(2000, 2, 1)


any_date = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@given(any_date)
def test_iso_round_trip(d):
    assert parse_date(d.isoformat()) == (d, False)
    assert parse_date(d.isoformat(), day_first=False) == (d, False)


@given(any_date)
def test_day_first_round_trip(d):
    value, ambiguous = parse_date(d.strftime("%d/%m/%Y"), day_first=True)
    assert value == d
    assert ambiguous == (d.day <= 12 and d.day != d.month)


@given(any_date)
def test_month_first_round_trip(d):
    assert parse_date(d.strftime("%m/%d/%Y"), day_first=False)[0] == d


@given(any_date)
def test_human_round_trip(d):
    assert parse_date(format_human(d)) == (d, False)


# --------------------------------------------------------------------------- format_human

def test_format_human():
    assert format_human(JAN15) == "15 Jan 2027"
    assert format_human(date(2027, 1, 5)) == "5 Jan 2027"
    assert format_human(date(2027, 9, 30)) == "30 Sep 2027"
    assert format_human(datetime(2027, 12, 1, 23, 59)) == "1 Dec 2027"


def test_format_human_ignores_locale():
    saved = locale.setlocale(locale.LC_TIME)
    try:
        for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"):
            try:
                locale.setlocale(locale.LC_TIME, name)
            except locale.Error:
                continue
            assert format_human(date(2027, 3, 5)) == "5 Mar 2027"
    finally:
        locale.setlocale(locale.LC_TIME, saved)
