"""Country holiday calendars (the ``holidays`` library) in business-day offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from mapgen.core import dates

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


# ----------------------------------------------------------------- in blueprints (holidays: {country})

COUNTRY_BLUEPRINT = """\
name: sweden
extends: map
holidays: {country: SE, dates: [2027-04-01]}    # Sweden's public holidays, and one more day
sections:
  - key: phases
    rows:
      - {phase: 1, milestone: Sign-off, deadline: go_live-2bd}
      - {phase: 2, milestone: Go-live, deadline: go_live}
"""


@pytest.fixture
def sweden(in_tmp):
    (in_tmp / "blueprints").mkdir()
    (in_tmp / "blueprints" / "sweden.yaml").write_text(COUNTRY_BLUEPRINT)
    (in_tmp / "plan.yaml").write_text(
        "blueprint: {name: sweden}\ndeal: {name: Rollout, buyer: Volvo, go_live: 2027-03-30}\n")
    return in_tmp


def test_a_blueprint_names_its_country(runner, sweden):
    import mapgen
    from mapgen.cli import main

    bp = mapgen.load_blueprint("sweden")
    plan = mapgen.load_plan(sweden / "plan.yaml", bp)
    # Tue 30 March 2027 - 2bd: Mon 29 (Easter Monday) and Fri 26 (Good Friday) are holidays
    from mapgen.model.view import build_view

    phases = next(s for s in build_view(bp, plan).sections if s.key == "phases")
    assert [r["deadline"] for r in phases.rows] == [D(2027, 3, 24), D(2027, 3, 30)]
    # shift a row: Wed 24 March + 1bd is Thu 25 March
    result = runner.invoke(main, ["shift", "plan.yaml", "--row", "phases:1", "--by", "1bd",
                                  "--out", "moved.yaml"])
    assert result.exit_code == 0, result.output
    assert "2027-03-24 -> 2027-03-25" in result.stdout
    result = runner.invoke(main, ["shift", "plan.yaml", "--go-live", "2027-04-02",
                                  "--out", "later.yaml"])
    assert result.exit_code == 0, result.output
    assert "phases row 1 (Sign-off) deadline: 2027-03-24 -> 2027-03-30  [go_live-2bd]" \
        in result.stdout  # Fri 2 April - 2bd: Thu 1 April, the extra date, is skipped
    shown = runner.invoke(main, ["blueprint", "show", "sweden", "--format", "json"])
    assert '"country": "SE"' in shown.output


@pytest.mark.parametrize(("holidays", "message"), [
    ("{country: XX}", "no public holidays known for country 'XX'"),
    ("{country: DE, subdivision: QQ}", "country 'DE' has no subdivision 'QQ'"),
    ("{country: SE, colour: blue}", "unknown field 'colour'"),
    ("{dates: [2027-01-01]}", "missing required field 'country'"),
    ("{country: SE, dates: [soon]}", "'soon' is not a date"),
    ("[2027-01-01, soon]", "'soon' is not a date"),
    ("SE", "neither a list of dates (2026-12-25) nor a country's calendar ({country: SE})"),
])
def test_bad_holidays_are_plain_messages_at_their_line(runner, in_tmp, holidays, message):
    from mapgen.cli import main

    (in_tmp / "bp.yaml").write_text(f"name: bp\nextends: map\nholidays: {holidays}\n")
    result = runner.invoke(main, ["blueprint", "check", "bp.yaml"])
    assert result.exit_code == 1, result.output
    assert message in result.output and "bp.yaml:3" in result.output
    assert "Traceback" not in result.output
