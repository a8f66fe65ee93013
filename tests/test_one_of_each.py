"""One of each: one day parser for every date a person gives (``--as-of``, ``shift``, plan
files), one date coercion, field capabilities instead of type names, no CLI words in the
library's merge summary."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapgen.cli import main
from mapgen.core.dates import MONTH_ABBR, as_date, parse_day
from mapgen.core.errors import MapgenError

ROOT = Path(__file__).parent.parent
REVIEW = ROOT / "tests" / "fixtures" / "review.yaml"
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2199, 12, 31))


def _forms(day: dt.date) -> list[str]:
    """The ways a person may write ``day`` that read only one way."""
    out = [day.isoformat(), f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}",
           f"{MONTH_ABBR[day.month - 1]} {day.day}, {day.year}"]
    if day.day > 12 or day.day == day.month:  # the numeric forms are clear only then
        out += [f"{day.day:02d}/{day.month:02d}/{day.year}", f"{day.day}.{day.month}.{day.year}"]
    return out


@given(DAYS)
def test_every_clear_form_of_a_day_reads_as_that_day(day):
    for text in _forms(day):
        assert parse_day(text) == day, text
    assert as_date(day.isoformat()) == day and as_date(dt.datetime.combine(day, dt.time(9))) == day


def test_a_day_that_reads_two_ways_is_refused_unless_the_order_is_given():
    with pytest.raises(MapgenError, match=r"^--to: '03/04/2027' could be read two ways; write "
                                          r"it as 2027-04-03"):
        parse_day("03/04/2027", "--to")
    assert parse_day("03/04/2027", day_first=True) == dt.date(2027, 4, 3)
    assert parse_day("03/04/2027", day_first=False) == dt.date(2027, 3, 4)


def test_today_only_where_asked_and_the_reason_said_plainly():
    assert parse_day("Today", today=True) == dt.date.today()
    with pytest.raises(MapgenError, match="'today' is not a date"):
        parse_day("today", "deal 'start'")
    with pytest.raises(MapgenError, match=r"^as-of date: '31/02/2027' is not a date \(February "
                                          r"2027 has 28 days\)$"):
        parse_day("31/02/2027", "as-of date")


def test_the_coercion_takes_typed_values_only():
    assert as_date("15/01/2027") is None  # people's text goes through parse_day
    assert as_date("go_live-1w") is None  # no deal given
    assert as_date("go_live-1w", {"go_live": dt.date(2027, 3, 8)}) == dt.date(2027, 3, 1)
    assert as_date("go_live-1w", {}) is None and as_date(None) is None and as_date(3) is None


def _status(runner, as_of: str) -> dict:
    result = runner.invoke(main, ["status", str(REVIEW), "--as-of", as_of, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_as_of_takes_the_forms_shift_and_plan_files_take(runner):
    iso = _status(runner, "2027-01-20")
    for text in ("20/01/2027", "20 Jan 2027", "Wednesday, 20 January 2027"):
        assert _status(runner, text) == iso
    result = runner.invoke(main, ["status", str(REVIEW), "--as-of", "03/04/2027"])
    assert result.exit_code == 2 and "could be read two ways" in result.output


def _plan(path: Path, go_live: str) -> Path:
    path.write_text(json.dumps({
        "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "map"},
        "deal": {"name": "Pilot", "start": "2027-01-04", "go_live": go_live},
        "sections": {"phases": [{"phase": 1, "milestone": "Kick-off",
                                 "deadline": "go_live-2w"}]}}), encoding="utf-8")
    return path


def test_shift_and_plan_files_read_the_same_forms(runner, tmp_path):
    """A plan file's deal date and shift's --go-live, written as people write dates."""
    iso = _plan(tmp_path / "iso.json", "2027-03-22")
    worded = _plan(tmp_path / "worded.json", "22 Mar 2027")
    outs = []
    for src, when in ((iso, "2027-04-05"), (worded, "5 April 2027"), (iso, "Apr 5, 2027")):
        out = tmp_path / f"out{len(outs)}.json"
        result = runner.invoke(main, ["shift", str(src), "--go-live", when, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "deal go_live: 2027-03-22 -> 2027-04-05" in result.output
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outs[0]["deal"]["go_live"] == outs[1]["deal"]["go_live"] == "2027-04-05"
    assert outs[0]["sections"] == outs[1]["sections"] == outs[2]["sections"]


# --------------------------------------------------------------------------- field capabilities

# Where a column type is declared or named for people, comparing its name is the point: the
# types themselves, the blueprint's models and checks, and blueprint import (which decides the
# type names a new blueprint declares).
TYPE_NAME_HOMES = (Path("mapgen/model/fields.py"), Path("mapgen/model/blueprint/models.py"),
                   Path("mapgen/model/blueprint/checks.py"), Path("mapgen/ops/blueprint_import"))


def _literal_strings(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_literal_strings(e) for e in node.elts)
    return False


def type_name_comparisons(path: Path) -> list[int]:
    """Lines of ``path`` that compare a ``.type`` attribute with a string literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if (any(isinstance(s, ast.Attribute) and s.attr == "type" for s in sides)
                    and any(_literal_strings(s) for s in sides)):
                found.append(node.lineno)
    return found


def test_the_check_finds_a_type_name_comparison(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("a = [c for c in cols if c.type == 'date']\nb = x.type in ('text', 't')\n"
                      "c = x.field.is_date\nd = style.type != kind\n")
    assert sorted(type_name_comparisons(sample)) == [1, 2]


@pytest.mark.parametrize("path", sorted((ROOT / "mapgen").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_ask_the_field_type_never_its_name(path):
    if any(path.relative_to(ROOT).is_relative_to(home) for home in TYPE_NAME_HOMES):
        return
    assert not type_name_comparisons(path), \
        f"{path.relative_to(ROOT)}: ask column.field (is_date, is_text, ...), not column.type"


# --------------------------------------------------------------------------- no CLI words


def test_the_merge_summary_names_no_option_of_its_own():
    from mapgen.model.blueprint import load_blueprint
    from mapgen.model.plan import Plan
    from mapgen.ops.merge import SUMMARY_LIMIT, merge_plans

    bp = load_blueprint("map")
    plans = [Plan(deal={f"fact{i}": who for i in range(SUMMARY_LIMIT + 2)}) for who in "AB"]
    result = merge_plans(plans, bp, sources=["Ann", "Bob"], prefer="last")
    lines = result.summary()
    assert any("last value kept (as asked)" in line for line in lines)
    assert "  ... and 2 more conflicts (see the full report)" in lines
    # (a conflict's own line quotes the workbook note, which says how the value was kept)
    assert not [line for line in lines if "--" in line and not line.startswith("  conflict:")]
    hinted = result.summary(report_hint="see --report", prefer_hint="--prefer {side}")
    assert any("last value kept (--prefer last)" in line for line in hinted)


# --------------------------------------------------------------------------- the line counter


@pytest.mark.parametrize(("text", "per_line", "lines"), [
    ("", 10, 1),
    ("fits on one", 11, 1),
    ("fits on one", 10, 2),                # the second word goes to the next line
    ("a b c d e f", 3, 3),                 # "a b", "c d", "e f"
    ("x" * 25, 10, 3),                     # a long word breaks anywhere
    ("ab " + "x" * 12, 10, 3),             # ... on a line of its own first
    ("one\n\ntwo", 40, 3),                 # every paragraph, even an empty one, is a line
    ("word", 0.4, 4),                      # never less than one character a line
    ("ten chars!", 10.9, 1),               # a part of a character does not count
])
def test_one_line_counter_for_every_renderer(text, per_line, lines):
    from mapgen.core.text import wrapped_lines

    assert wrapped_lines(text, per_line) == lines


@given(st.lists(st.text(alphabet="abc", min_size=1, max_size=15), max_size=12),
       st.integers(1, 20))
def test_wrapped_lines_hold_every_word(words, per_line):
    """A lower bound that any wrapping must respect: the characters, and each long word."""
    from mapgen.core.text import wrapped_lines

    text = " ".join(words)
    lines = wrapped_lines(text, per_line)
    assert lines >= max(1, -(-len(text.replace(" ", "")) // per_line))
    assert lines <= max(1, sum(-(-len(w) // per_line) for w in words))
