"""Properties of the loop: what people add to a workbook survives it, and no typed cell vanishes.

1. Random plans with random extra columns, cell comments and links, and headers renamed to
   their aliases, survive
   generate -> fill -> read -> merge -> generate -> read unchanged. Normalisation, as documented:
   text is stripped at its ends, empty cells are absent, extra columns hold text.
2. A random set of cells typed anywhere on a section sheet (outside its header row) is always
   either in the plan or in an issue that names the cell.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.comments import Comment

from mapgen.formats.xlsx.meta import read_meta
from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import plan_from_data
from mapgen.ops.generate import generate
from mapgen.ops.merge import merge_files
from tests.rowids_help import without_ids

BP = load_blueprint("map")
SECTION = BP.section("action_items")
DEAL = {"name": "Rollout", "buyer": "Contoso", "start": "2026-12-01", "close": "2027-02-01",
        "go_live": "2027-03-01"}
SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

words = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12)
phrase = st.lists(words, min_size=1, max_size=3).map(" ".join)
def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# Headers a person might add: none of the blueprint's own headers, keys or aliases, unique folded.
TAKEN = {_folded(t) for c in SECTION.columns for t in (c.title, c.key, *c.aliases)} | {"sources"}
headers = st.lists(phrase.filter(lambda h: _folded(h) not in TAKEN), max_size=2,
                   unique_by=_folded)


@st.composite
def cases(draw):
    n = draw(st.integers(1, 4))
    names = draw(st.lists(phrase, min_size=n, max_size=n, unique_by=str.casefold))
    rows = [{"number": i + 1, "description": names[i],
             "deadline": draw(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))),
             "status": draw(st.none() | st.sampled_from(["Not started", "Done"]))}
            for i in range(n)]
    extra = draw(headers)
    values = [{h: draw(st.none() | phrase) for h in extra} for _ in rows]
    keys = ["description", "deadline", "status"]
    notes = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(keys),
                                    st.none() | phrase, st.none() | st.sampled_from(
                                        ["https://example.com/a", "https://example.com/b?x=1"])),
                          max_size=3, unique_by=lambda t: t[:2]))
    renamable = [c for c in SECTION.columns if c.aliases]
    renames = draw(st.dictionaries(st.sampled_from([c.key for c in renamable]),
                                   st.integers(0, 10), max_size=3))
    renames = {k: SECTION.column(k).aliases[n % len(SECTION.column(k).aliases)]
               for k, n in renames.items()}
    renames = {k: a for k, a in renames.items()  # an alias another rename does not also use
               if list(renames.values()).count(a) == 1 and a.casefold() not in
               {h.casefold() for h in extra}}
    return rows, extra, values, notes, renames


def fill(path: Path, rows: list[dict], extra: list[str], values: list[dict], notes,
         renames: dict[str, str]) -> None:
    """What a person does in Excel: add columns with their values, comments and links, and
    rename headers to names the columns also go by."""
    wb = load_workbook(path)
    meta = next(s for s in read_meta(wb).sheets if s.section == "action_items")
    ws = wb[meta.sheet]
    first = meta.header_row + 1 + len(meta.examples)
    col = {k: meta.first_col + i for i, k in enumerate(meta.columns)}
    after = meta.first_col + len(meta.columns)
    for j, header in enumerate(extra):
        ws.cell(meta.header_row, after + j).value = header
        for i, row_values in enumerate(values):
            if row_values[header] is not None:
                ws.cell(first + i, after + j).value = row_values[header]
    for key, alias in renames.items():
        ws.cell(meta.header_row, col[key]).value = alias
    for i, key, comment, link in notes:
        cell = ws.cell(first + i, col[key])
        if comment:
            cell.comment = Comment(comment, "Ann")
        if link and cell.value is not None:  # a link needs a text to click
            cell.hyperlink = link
    wb.save(path)


def expected_rows(rows, extra, values, notes, keys: dict[str, str]) -> list[dict]:
    out = []
    for i, row in enumerate(rows):
        want = {k: v for k, v in row.items() if v is not None}
        want.update({keys[h]: v for h, v in values[i].items() if v is not None})
        row_notes = {}
        for j, key, comment, link in notes:
            link = link if row.get(key) is not None else None
            if j == i and (comment or link):  # a comment is kept on an empty cell of the row too
                row_notes[key] = {k: v for k, v in (("comment", comment), ("link", link)) if v}
        if row_notes:
            want["_notes"] = row_notes
        out.append(want)
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(cases())
def test_extra_columns_comments_and_links_survive_the_whole_loop(case):
    rows, extra, values, notes, renames = case
    plan = plan_from_data({"deal": DEAL, "sections": {"action_items": rows}}, BP)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        [path] = generate(BP, plan=plan, formats=["xlsx"], out_dir=tmp, stem="first")
        fill(path, rows, extra, values, notes, renames)
        first = read_workbook(path)
        assert sorted(i.column for i in first.issues if i.code == "header-alias") == sorted(renames)
        keys = {h: k for k, h in first.columns.get("action_items", {}).items()}
        assert sorted(keys) == sorted(h for h in extra if any(v[h] for v in values))
        keys.update({h: None for h in extra if h not in keys})
        want = expected_rows(rows, extra, values, notes, keys)
        assert without_ids(first.sections["action_items"]) == want, (first.sections, want)
        assert [i for i in first.issues if i.code not in ("header-alias", "unknown-column")] == []
        (tmp / "first.json").write_text(first.to_json())
        merged = merge_files([tmp / "first.json", path]).plan  # the same rows twice: merged
        assert without_ids(merged.sections["action_items"]) == want
        [again] = generate(BP, plan=merged, formats=["xlsx"], out_dir=tmp, stem="again")
        last = read_workbook(again)
    assert without_ids(last.sections["action_items"]) == want
    ids = [r.get("_id") for r in first.sections["action_items"]]
    assert all(ids) and [r.get("_id") for r in last.sections["action_items"]] == ids  # kept
    assert last.columns == first.columns
    assert last.issues == []
    assert json.loads(last.to_json())["sections"] == json.loads(first.to_json())["sections"]


# --------------------------------------------------------------------------- typed anywhere


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    [path] = generate(BP, formats=["xlsx"], out_dir=tmp_path_factory.mktemp("blank"), stem="blank")
    return path


sheet_titles = st.sampled_from(["Action Items", "Stakeholders Identification", "Objective"])
typed = st.lists(st.tuples(st.integers(1, 120), st.integers(1, 12), words),
                 min_size=1, max_size=8, unique_by=lambda t: t[:2])


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(title=sheet_titles, cells=typed)
def test_every_cell_typed_anywhere_is_in_the_plan_or_named_by_an_issue(blank, tmp_path, title,
                                                                       cells):
    wb = load_workbook(blank)
    meta = next(s for s in read_meta(wb).sheets if s.sheet == title)
    ws = wb[title]
    done = {}
    for row, col, word in cells:
        if row == meta.header_row:
            continue  # renamed headers: the rename property's business
        cell = ws.cell(row, col)
        if type(cell).__name__ == "MergedCell":
            continue  # the hidden part of a merged range: no one can type there
        cell.value = word
        cell.data_type = "s"
        done[cell.coordinate] = word
    path = tmp_path / f"typed-{abs(hash(tuple(cells)))}.xlsx"
    wb.save(path)
    plan = read_workbook(path)
    named = {i.cell for i in plan.issues if i.sheet == title}
    values = {str(v).casefold() for rows in plan.sections.values() for r in rows
              for v in r.values()}
    for coordinate, word in done.items():
        assert coordinate in named or word.casefold() in values, (coordinate, word, plan.issues)
