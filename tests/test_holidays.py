"""Country holiday calendars (the ``holidays`` library) in business-day offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from mapgen import dates

D = dt.date
SE = dates.HolidayCalendar("SE")  # Sweden: Good Friday 26 March, Easter Monday 29 March 2027


def test_business_days_skip_a_countrys_holidays_and_weekends():
    assert dates.add_business_days(D(2027, 3, 25), 1, SE) == D(2027, 3, 30)   # Thu -> Tue
    assert dates.add_business_days(D(2027, 3, 30), -1, SE) == D(2027, 3, 25)  # Tue -> Thu
    assert dates.add_business_days(D(2027, 3, 25), 1) == D(2027, 3, 26)       # no calendar
    assert dates.resolve("go_live-2bd", {"go_live": D(2027, 3, 30)}, SE) == D(2027, 3, 24)
    # Midsummer Eve is no public holiday in the library, Midsummer Day falls on a Saturday;
    # 24 December is a de facto holiday only: extra dates add such days
    extra = dates.HolidayCalendar("SE", extra=(D(2027, 12, 24),))
    assert dates.add_business_days(D(2027, 12, 23), 1, SE) == D(2027, 12, 24)
    assert dates.add_business_days(D(2027, 12, 23), 1, extra) == D(2027, 12, 27)


def test_long_offsets_reach_across_years():
    # 260 business days from 1 Jan 2027: Sweden's weekday holidays on the way (6 Jan, Good
    # Friday, Easter Monday, Ascension Day, then 6 Jan 2028) push it past the new year
    assert dates.add_business_days(D(2027, 1, 1), 260) == D(2027, 12, 31)
    assert dates.add_business_days(D(2027, 1, 1), 260, SE) == D(2028, 1, 7)
    assert dates.add_business_days(D(2028, 1, 7), -260, SE) == D(2026, 12, 31)


def test_calendar_between_and_subdivisions():
    assert D(2027, 6, 6) in SE.between(D(2027, 1, 1), D(2027, 12, 31))       # National Day
    bavaria = dates.HolidayCalendar("DE", "BY")
    assert D(2027, 1, 6) in bavaria.between(D(2027, 1, 1), D(2027, 1, 31))   # Epiphany in BY
    assert D(2027, 1, 6) not in dates.HolidayCalendar("DE").between(D(2027, 1, 1), D(2027, 1, 31))


@pytest.mark.parametrize(("country", "subdivision", "message"), [
    ("XX", None, "no public holidays known for country 'XX'"),
    ("DE", "QQ", "country 'DE' has no subdivision 'QQ'"),
])
def test_unknown_countries_are_one_plain_error(country, subdivision, message):
    with pytest.raises(ValueError, match=message):
        dates.HolidayCalendar(country, subdivision).check()
