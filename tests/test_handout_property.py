"""Property: random values typed into random cells of a generated handout, in its write-in rows
and in rows added at the end (Tab in the last cell), come back exactly: through ``read``, and
through a merge with a workbook of the same plan.

Normalisation, as documented: text is stripped at its ends; dates come back as dates however
they were typed (ISO, day-first with a day over 12, or with the month's name); choices as the
choice however they were cased.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from handout_fill import add_row, section_table, type_into
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.formats.docx.reader import read_handout
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate
from mapgen.ops.merge import merge_files

BP = load_blueprint("map")
SECTIONS = [s for s in BP.sections if not s.internal]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

words = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
                min_size=1, max_size=24).filter(lambda s: s.strip())


@st.composite
def typed(draw, column) -> tuple[str, object]:
    """(what a person types, what the plan holds) for one cell of ``column``."""
    field = column.field
    if field.is_date:
        day = draw(st.dates(dt.date(2020, 1, 13), dt.date(2040, 12, 31)).filter(lambda d: d.day > 12))
        form = draw(st.sampled_from(["iso", "dmy", "words"]))
        text = {"iso": day.isoformat(), "dmy": f"{day.day}/{day.month:02d}/{day.year}",
                "words": f"{day.day} {MONTHS[day.month - 1]} {day.year}"}[form]
        return text, day
    if field.has_choices:
        choice = draw(st.sampled_from(list(column.choices)))
        return draw(st.sampled_from([choice, choice.upper(), choice.lower()])), choice
    if column.type == "integer":
        number = draw(st.integers(-999, 99_999))
        return str(number), number
    text = draw(words)
    return text, text.strip()


@st.composite
def fillings(draw):
    """Per section: rows of (column index -> (typed, expected)); some in write-in rows, some added."""
    out = {}
    keys = draw(st.lists(st.sampled_from([s.key for s in SECTIONS]), min_size=1, max_size=3,
                         unique=True))
    for section in (BP.section(k) for k in keys):
        columns = list(section.columns)  # the seller's handout prints internal columns too
        texts = [i for i, c in enumerate(columns) if c.field.is_text]
        rows = []
        for _ in range(draw(st.integers(1, 4))):
            chosen = set(draw(st.lists(st.integers(0, len(columns) - 1), min_size=1, max_size=4)))
            chosen.add(draw(st.sampled_from(texts)))  # a text of its own: never an example's
            rows.append({i: draw(typed(columns[i])) for i in sorted(chosen)})
        out[section.key] = (rows, draw(st.integers(0, len(rows))))  # how many are added rows
    return out


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    [path] = generate(BP, formats=["docx"], out_dir=tmp_path_factory.mktemp("prop"), force=True,
                      stem="blank")
    return path


def _fill(blank: Path, dst: Path, plan: dict) -> None:
    from docx import Document

    doc = Document(str(blank))
    for key, (rows, added) in plan.items():
        section = BP.section(key)
        table = section_table(doc, f"{BP.sections.index(section) + 1}.")
        first = 1 + len(section.examples)
        inside = rows[:len(rows) - added]
        for n, values in enumerate(inside):
            cells = table.rows[first + n].cells
            for i, (text, _) in values.items():
                type_into(cells[i], text)
        for values in rows[len(rows) - added:]:
            row = add_row(table)
            for i, (text, _) in values.items():
                type_into(row.cells[i], text)
    doc.save(str(dst))


def _expected(plan: dict) -> dict[str, list[dict]]:
    out = {}
    for key, (rows, _) in plan.items():
        columns = list(BP.section(key).columns)
        out[key] = [{columns[i].key: value for i, (_, value) in values.items()} for values in rows]
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan=fillings())
def test_typed_values_come_back_through_read_and_merge(blank, plan):
    with tempfile.TemporaryDirectory() as tmp:
        filled = Path(tmp) / "filled.docx"
        _fill(blank, filled, plan)
        read = read_handout(filled)
        assert not read.errors, read.errors
        expected = _expected(plan)
        for key, rows in expected.items():
            assert read.rows(key) == rows
        # The same plan as a workbook, merged with the handout: every typed row is there and
        # nothing else (rows typed without identity values cannot be told to be the same row,
        # so the merge may hold such a row twice), no conflict.
        [book] = generate(BP, plan=read, formats=["xlsx"], out_dir=tmp, force=True, stem="book")
        merged = merge_files([filled, book])
        assert not merged.conflicts
        for key, rows in expected.items():
            numbers = {c.key for c in BP.section(key).columns if c.sequence}  # merge renumbers
            rows = [{k: v for k, v in r.items() if k not in numbers} for r in rows]
            got = [{k: v for k, v in r.items() if not k.startswith("_") and k not in numbers}
                   for r in merged.plan.rows(key)]
            assert all(row in got for row in rows) and all(row in rows for row in got)
