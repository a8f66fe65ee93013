"""Column types: parse, validate, store and display, one test group per type."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapgen.model.blueprint import Column
from mapgen.model.fields import TYPES, FieldError, field_type, needs_formula_guard

CHOICE = Column(key="status", type="choice", choices=["Not started", "In progress", "Done"])


def parse(type_name, raw, column=None, **kw):
    return field_type(type_name).parse(raw, column, **kw)


def test_every_type_is_registered():
    assert set(TYPES) == {"text", "longtext", "integer", "date", "choice", "percent"}


@pytest.mark.parametrize("type_name", list(TYPES))
@pytest.mark.parametrize("blank", [None, "", "   ", "\n"])
def test_blank_is_none_for_every_type(type_name, blank):
    assert field_type(type_name).parse(blank, CHOICE).value is None


def test_text_strips_stray_spaces_and_keeps_inner_lines():
    assert parse("text", "  Sarah \u00a0").value == "Sarah"
    assert parse("longtext", "line one\r\nline two ").value == "line one\nline two"
    assert parse("text", 42.0).value == "42"
    assert parse("text", "=SUM(A1)").value == "=SUM(A1)"


@pytest.mark.parametrize("raw,expected", [(3, 3), (3.0, 3), ("7", 7), (" 12 ", 12), ("4.0", 4),
                                          ("-2", -2)])
def test_integer_parses(raw, expected):
    assert parse("integer", raw).value == expected


@pytest.mark.parametrize("raw", ["three", 2.5, "2.5", True, "1e3", "\ua9d2", "\u0663", "\uff17"])
def test_integer_rejects(raw):  # other scripts' digits too: int() would read them silently
    with pytest.raises(FieldError) as err:
        parse("integer", raw)
    assert err.value.code == "invalid-integer"


@pytest.mark.parametrize("raw", ["\u0665\u0660%", "\uff15\uff10"])
def test_percent_rejects_other_scripts_digits(raw):
    with pytest.raises(FieldError) as err:
        parse("percent", raw)
    assert err.value.code == "invalid-percent"


def test_date_parses_real_dates_and_strings():
    assert parse("date", dt.datetime(2027, 1, 15, 0, 0)).value == dt.date(2027, 1, 15)
    assert parse("date", "2027-01-15").value == dt.date(2027, 1, 15)
    assert parse("date", "15/01/2027").value == dt.date(2027, 1, 15)


def test_date_ambiguity_is_reported_and_follows_the_option():
    day_first = parse("date", "03/04/2027")
    month_first = parse("date", "03/04/2027", day_first=False)
    assert day_first.value == dt.date(2027, 4, 3) and day_first.warning[0] == "ambiguous-date"
    assert month_first.value == dt.date(2027, 3, 4)


def test_date_rejects_words_and_numbers():
    for raw in ("next week", 45000):
        with pytest.raises(FieldError) as err:
            parse("date", raw)
        assert err.value.code == "invalid-date"


def test_relative_date_only_where_allowed():
    assert parse("date", "go_live - 6w", allow_relative=True).value == "go_live-6w"
    with pytest.raises(FieldError):
        parse("date", "go_live-6w")


def test_date_json_and_display():
    d = dt.date(2027, 1, 5)
    assert field_type("date").to_json(d) == "2027-01-05"
    assert field_type("date").display(d) == "5 Jan 2027"


def test_choice_matches_case_and_spacing_and_normalises():
    assert parse("choice", "  in   PROGRESS ", CHOICE).value == "In progress"
    with pytest.raises(FieldError) as err:
        parse("choice", "Finished", CHOICE)
    assert "Not started, In progress, Done" in err.value.message


@pytest.mark.parametrize("raw,expected", [("75%", 0.75), (0.5, 0.5), ("0.25", 0.25), (1, 1.0),
                                          ("100 %", 1.0), ("12,5%", 0.125)])
def test_percent_parses(raw, expected):
    assert parse("percent", raw).value == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["150%", 75, "-5%", "lots"])
def test_percent_rejects(raw):
    with pytest.raises(FieldError):
        parse("percent", raw)


def test_percent_display():
    assert field_type("percent").display(0.75) == "75%"


def test_validations_describe_each_input_cell():
    assert field_type("choice").validation(CHOICE).choices == ("Not started", "In progress", "Done")
    assert field_type("date").validation(CHOICE).kind == "date"
    assert field_type("integer").validation(CHOICE).kind == "whole"
    assert field_type("text").validation(CHOICE) is None


@pytest.mark.parametrize("text,guard", [("=1+1", True), ("+31 20", True), ("-x", True),
                                        ("@me", True), ("\tx", True), ("ok", False), ("", False)])
def test_formula_guard(text, guard):
    assert needs_formula_guard(text) is guard


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integer_text_round_trip(n):
    assert parse("integer", str(n)).value == n


@given(st.text().filter(lambda s: s.strip()))
def test_text_parse_is_idempotent(s):
    once = parse("text", s).value
    assert once is None or parse("text", once).value == once


def test_types_say_what_they_are():
    assert {n for n, t in TYPES.items() if t.is_date} == {"date"}
    assert {n for n, t in TYPES.items() if t.has_choices} == {"choice"}
    assert {n for n, t in TYPES.items() if t.is_text} == {"text", "longtext"}
    assert CHOICE.field is field_type("choice") and CHOICE.field.has_choices


def test_a_choice_type_needs_only_the_columns_choices():
    class Choices:  # anything with ``choices`` will do: the types know nothing of blueprints
        choices = ("Yes", "No")

    assert parse("choice", " yes ", Choices()).value == "Yes"
    assert field_type("choice").validation(Choices()).choices == ("Yes", "No")


def test_fields_imports_nothing_from_the_blueprint():
    import ast
    from pathlib import Path

    import mapgen.model.fields

    tree = ast.parse(Path(mapgen.model.fields.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not [m for m in imported if m and m.startswith("mapgen.model.blueprint")]
