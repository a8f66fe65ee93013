"""``generate --format ics``: RFC 5545 all-day events, stable UIDs, exact dates, done items,
``--owner`` filtering. Each calendar is parsed by icalendar and by the strict checker below."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import icalendar
import pytest

from mapgen.cli import main

CONTENT_LINE = re.compile(r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:\"[^\"]*\"|[^\";:,]*)"
                          r"(?:,(?:\"[^\"]*\"|[^\";:,]*))*)*):(.*)$")
TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "X-WR-CALNAME"}
REQUIRED = {"VCALENDAR": {"PRODID", "VERSION"}, "VEVENT": {"UID", "DTSTAMP", "DTSTART"}}


def strict_parse(data: bytes) -> list[dict[str, list[tuple[str, str]]]]:
    """A small, strict RFC 5545 reader: CRLF line ends, lines of at most 75 octets, folding,
    content-line grammar, balanced BEGIN/END, required properties, TEXT escaping, DATE values.
    Returns the VEVENTs as {property name: [(parameters, value), ...]}."""
    assert data.endswith(b"\r\n"), "the last line must end with CRLF"
    raw_lines = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in raw_lines), "bare CR or LF"
    assert all(len(line) <= 75 for line in raw_lines), "a line longer than 75 octets"
    lines: list[str] = []
    for line in raw_lines:
        text = line.decode("utf-8")
        if text[:1] in (" ", "\t"):
            assert lines, "a continuation line first"
            lines[-1] += text[1:]
        else:
            lines.append(text)
    stack: list[tuple[str, dict]] = []
    events = []
    for line in lines:
        match = CONTENT_LINE.match(line)
        assert match, f"not a content line: {line!r}"
        name, params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            stack.append((value, {}))
            continue
        if name == "END":
            component, props = stack.pop()
            assert component == value, f"END:{value} closes BEGIN:{component}"
            missing = REQUIRED.get(component, set()) - set(props)
            assert not missing, f"{component} lacks {missing}"
            if component == "VEVENT":
                events.append(props)
            continue
        assert stack, f"property outside any component: {line!r}"
        if name in TEXT_PROPERTIES:
            assert not re.search(r"(?<!\\)[;,]", value.replace("\\\\", "")), f"unescaped: {value!r}"
            assert not re.search(r"\\[^\\;,nN]", value.replace("\\\\", "")), f"bad escape: {value!r}"
        if "VALUE=DATE" in params.upper():
            assert is_date(value), f"not a DATE: {value!r}"
        stack[-1][1].setdefault(name, []).append((params, value))
    assert not stack, "unclosed components"
    assert len(lines) > 0 and lines[0] == "BEGIN:VCALENDAR"
    return events


def is_date(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{8}", value)) and bool(dt.datetime.strptime(value, "%Y%m%d"))
    except ValueError:
        return False


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


PLAN = {
    "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "saas", "version": "1"},
    "deal": {"name": "Analytics rollout", "buyer": "Contoso", "seller": "Nimbus",
             "start": "2026-12-01", "close": "2027-02-12", "go_live": "2027-03-15"},
    "sections": {"action_items": [
        {"description": "Kick-off call; agenda, roles", "deadline": "2026-12-03",
         "responsible": "Ann Lee", "status": "Done", "if_missed": "No sponsor, no deal"},
        {"description": "Security review", "phase": 2, "deadline": "2027-01-15",
         "responsible": "ann lee / Bob Diaz", "status": "In progress"},
        {"description": "Pricing approved", "deadline": "2027-01-20", "responsible": "Cleo Park"},
        {"description": "No date yet", "responsible": "Ann Lee"},
    ]},
}


@pytest.fixture
def plan_file(tmp_path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN))
    return path


def make_ics(runner, plan: Path, out: Path, *extra: str) -> bytes:
    result = runner.invoke(main, ["generate", "--plan", str(plan), "--format", "ics",
                                  "--out", str(out), "--force", *extra])
    assert result.exit_code == 0, result.output
    (path,) = result.stdout.splitlines()
    assert path.endswith(".ics")
    return Path(path).read_bytes()


def by_summary(events) -> dict[str, dict]:
    return {unescape(e["SUMMARY"][0][1]): e for e in events}


def test_calendar_parses_both_ways_with_exact_dates(runner, plan_file, tmp_path):
    data = make_ics(runner, plan_file, tmp_path / "out")
    cal = icalendar.Calendar.from_ical(data)
    parsed = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    strict = by_summary(strict_parse(data))
    assert set(parsed) == set(strict)
    # the saas blueprint's standard phases, dated back from go-live 2027-03-15 (a Monday)
    expected = {
        "Discovery (Contoso)": dt.date(2026, 12, 21),               # go_live-12w
        "Technical validation (Contoso)": dt.date(2027, 1, 18),     # go_live-8w
        "Business case signed off (Contoso)": dt.date(2027, 2, 1),  # go_live-6w
        "Contract signed (Contoso)": dt.date(2027, 2, 12),          # close
        "Go-live (Contoso)": dt.date(2027, 3, 15),                  # go_live
        "Done: Kick-off call; agenda, roles (Contoso)": dt.date(2026, 12, 3),
        "Security review (Contoso)": dt.date(2027, 1, 15),
        "Pricing approved (Contoso)": dt.date(2027, 1, 20),
        # standard action items: go_live-9w, close-5bd (Fri 12 Feb -> Fri 5 Feb), go_live-10bd
        "Security questionnaire returned (Contoso)": dt.date(2027, 1, 11),
        "Redlines on order form resolved (Contoso)": dt.date(2027, 2, 5),
        "Kick-off with customer success (Contoso)": dt.date(2027, 3, 1),
    }
    assert {k: v["dtstart"].dt for k, v in parsed.items()} == expected
    for summary, event in parsed.items():
        start = event["dtstart"].dt
        assert type(start) is dt.date and event["dtend"].dt == start + dt.timedelta(days=1)
        (params, value), = strict[summary]["DTSTART"]
        assert params.upper() == ";VALUE=DATE" and value == start.strftime("%Y%m%d")
    assert len({str(e["uid"]) for e in parsed.values()}) == len(parsed)


def test_description_and_done_marking(runner, plan_file, tmp_path):
    events = by_summary(strict_parse(make_ics(runner, plan_file, tmp_path / "out")))
    done = events["Done: Kick-off call; agenda, roles (Contoso)"]
    text = unescape(done["DESCRIPTION"][0][1]).splitlines()
    assert text == ["Action Items", "Owner: Ann Lee", "Status: Done",
                    "Deal: Analytics rollout / Contoso", "If missed: No sponsor, no deal"]
    assert "Done" in unescape(done["CATEGORIES"][0][1]).split(",")
    review = unescape(events["Security review (Contoso)"]["DESCRIPTION"][0][1]).splitlines()
    assert "Phase: 2" in review and "Status: In progress" in review
    phase = unescape(events["Discovery (Contoso)"]["DESCRIPTION"][0][1]).splitlines()
    assert phase[:3] == ["Phases and Milestones", "Phase: 1", "Owner: AE"]
    assert not any(s.startswith("Done:") for s in events if "Kick-off call" not in s)


def test_uids_are_stable_across_regenerations(runner, plan_file, tmp_path):
    first = {unescape(e["SUMMARY"][0][1]): e["UID"][0][1]
             for e in strict_parse(make_ics(runner, plan_file, tmp_path / "a"))}
    again = {unescape(e["SUMMARY"][0][1]): e["UID"][0][1]
             for e in strict_parse(make_ics(runner, plan_file, tmp_path / "b"))}
    assert first == again
    # a later version of the plan: a row added above, a date moved, an item done
    changed = json.loads(json.dumps(PLAN))
    items = changed["sections"]["action_items"]
    items[1].update(deadline="2027-01-22", status="Done")
    items.insert(0, {"description": "New first item", "deadline": "2026-12-02"})
    plan2 = tmp_path / "plan2.json"
    plan2.write_text(json.dumps(changed))
    later = {unescape(e["SUMMARY"][0][1]): e["UID"][0][1]
             for e in strict_parse(make_ics(runner, plan2, tmp_path / "c"))}
    assert later["Done: Security review (Contoso)"] == first["Security review (Contoso)"]
    assert later["Discovery (Contoso)"] == first["Discovery (Contoso)"]
    assert later["New first item (Contoso)"] not in first.values()
    # another deal with the same rows gets other UIDs
    other = json.loads(json.dumps(PLAN))
    other["deal"]["buyer"] = "Fabrikam"
    plan3 = tmp_path / "plan3.json"
    plan3.write_text(json.dumps(other))
    uids = {e["UID"][0][1] for e in strict_parse(make_ics(runner, plan3, tmp_path / "d"))}
    assert not uids & set(first.values())


def test_owner_keeps_only_their_items(runner, plan_file, tmp_path):
    events = by_summary(strict_parse(make_ics(runner, plan_file, tmp_path / "o",
                                              "--owner", "ANN LEE")))
    assert set(events) == {"Done: Kick-off call; agenda, roles (Contoso)",
                           "Security review (Contoso)"}
    two = by_summary(strict_parse(make_ics(runner, plan_file, tmp_path / "p", "--owner", "cleo park",
                                           "--owner", "SE")))
    assert set(two) == {"Pricing approved (Contoso)", "Technical validation (Contoso)",
                        "Security questionnaire returned (Contoso)"}
    assert strict_parse(make_ics(runner, plan_file, tmp_path / "q", "--owner", "Nobody")) == []


def test_owner_needs_the_calendar_and_all_stays_two_formats(runner, plan_file, tmp_path):
    result = runner.invoke(main, ["generate", "--plan", str(plan_file), "--owner", "Ann",
                                  "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--format ics" in result.output
    assert not (tmp_path / "x").exists()
    result = runner.invoke(main, ["generate", "--format", "all", "--out", str(tmp_path / "all")])
    assert [Path(p).suffix for p in result.stdout.splitlines()] == [".xlsx", ".docx"]
    help_text = runner.invoke(main, ["generate", "--help"]).output
    assert "ics" in help_text and "--owner" in help_text


def test_blank_template_has_no_dated_events(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--format", "ics", "--out", "cal"])
    assert result.exit_code == 0, result.output
    data = (in_tmp / "cal" / "map.ics").read_bytes()
    assert strict_parse(data) == []
    assert icalendar.Calendar.from_ical(data)["prodid"]


@pytest.mark.parametrize("broken", [
    b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nEND:VCALENDAR\n",                   # LF only
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + b"x" * 80 + b"\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:20270230\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART;VALUE=DATE:20270201\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",                 # no DTSTAMP
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:a, b\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n",
])
def test_the_strict_checker_refuses_broken_calendars(broken):
    with pytest.raises(AssertionError):
        strict_parse(broken)
