"""Generated workbooks read back to the plan they were made from, through openpyxl and LibreOffice."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from conftest import soffice_convert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import Blueprint, load_blueprint
from mapgen.model.plan import Plan, is_blank_row, plan_from_data
from mapgen.model.view import build_view
from mapgen.ops.generate import generate
from tests.rowids_help import without_ids

READ = Path(__file__).resolve().parent / "fixtures" / "read"
BLUEPRINTS = {name: load_blueprint(name) for name in ("map", "saas")}
BLUEPRINTS["all_types"] = load_blueprint(READ / "all_types.yaml")

# Text as people write it: any printable character (no control characters, which a workbook's
# XML cannot hold, and no unassigned code points), line breaks and tabs inside, and openings
# that a spreadsheet would run as a formula.
_chars = st.characters(blacklist_categories=("Cc", "Cs", "Cn")) | st.sampled_from("\n\t")
_short = st.text(_chars, max_size=40)
text = st.one_of(
    _short,
    st.tuples(st.sampled_from(["=", "+", "-", "@", "=SUM(", "-1", "+44 "]), _short).map("".join),
    _short.map(lambda s: (s + " long text ") * 400),  # several thousand characters
)
dates = st.dates(dt.date(1995, 1, 1), dt.date(2150, 12, 31))
relative = st.sampled_from(["start", "go_live-6w", "close+10bd", "start+3d"])


def value(column, *, relative_dates: bool) -> st.SearchStrategy:
    """Any value a plan may hold in ``column`` (before typing), or nothing."""
    by_type = {
        "text": text, "longtext": text,
        "integer": st.integers(-(10**9), 10**9),
        "date": dates | relative if relative_dates else dates,
        "choice": st.sampled_from(column.choices or ["x"]).flatmap(
            lambda c: st.sampled_from([c, c.upper(), f" {c.lower()} "])),
        "percent": st.integers(0, 10**6).map(lambda n: n / 10**6),
    }
    return st.none() | by_type[column.type]


@st.composite
def plans(draw) -> tuple[Blueprint, Plan, str]:
    bp = BLUEPRINTS[draw(st.sampled_from(sorted(BLUEPRINTS)))]
    audience = draw(st.sampled_from(["internal", "buyer"]))
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
    deal = {"name": draw(_short), "buyer": draw(_short), "seller": "Nimbus", "start": start,
            "close": start + dt.timedelta(days=draw(st.integers(0, 200))),
            "go_live": start + dt.timedelta(days=draw(st.integers(0, 400)))}
    sections = {}
    relative_dates = bp.name != "map"  # map: the plan as it is, compared value for value below
    for section in bp.sections:
        row = st.fixed_dictionaries({c.key: value(c, relative_dates=relative_dates)
                                     for c in section.columns})
        sections[section.key] = draw(st.lists(row, max_size=4))
    plan = plan_from_data({"deal": deal, "sections": sections}, bp)
    assert not plan.errors, plan.errors
    return bp, plan, audience


def expected(bp: Blueprint, plan: Plan, audience: str) -> dict[str, list[dict]]:
    """The rows the workbook shows: the plan over the blueprint's standard rows, relative dates
    resolved, as the audience sees it; blank rows are not rows."""
    view = build_view(bp, plan, audience=audience)
    out = {}
    for sv in view.sections:
        keys = [c.key for c in sv.columns]
        rows = [{k: r[k] for k in keys if r.get(k) is not None} for r in sv.rows]
        out[sv.key] = [r for r in rows if not is_blank_row(r)]
    return {k: v for k, v in out.items() if v}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_generated_workbook_reads_back_as_its_plan(case):
    bp, plan, audience = case
    with tempfile.TemporaryDirectory() as tmp:
        [path] = generate(bp, plan=plan, formats=["xlsx"], audience=audience, out_dir=tmp)
        back = read_workbook(path, blueprint=bp)
    assert back.issues == []
    assert back.deal == {k: v for k, v in plan.deal.items() if v not in (None, "")}
    assert without_ids({k: rows for k, rows in back.sections.items() if rows}) == expected(
        bp, plan, audience)
    if bp.name == "map":  # no standard rows, no relative dates: the read-back is the plan itself
        hidden = {c.key for s in bp.sections for c in s.columns if c.internal and audience == "buyer"}
        original = {k: [{c: v for c, v in r.items() if c not in hidden} for r in rows]
                    for k, rows in plan.sections.items()}
        # a row with something in it is a row, if only its number (blank rows are none)
        original = {k: [r for r in rows if not is_blank_row(r)]
                    for k, rows in original.items()}
        # a running number is the view's: kept where it is a valid, unused one, else the next
        # (compared with the view above), so it is left out of this comparison
        numbered = {c.key for s in bp.sections for c in s.columns if c.sequence}
        original = {k: [{c: v for c, v in r.items() if c not in numbered} for r in rows]
                    for k, rows in original.items()}
        assert {k: [{c: v for c, v in r.items() if c not in numbered} for r in without_ids(rows)]
                for k, rows in back.sections.items() if rows} == {
            k: rows for k, rows in original.items() if rows}


def test_buyer_copy_reads_without_internal_columns(tmp_path):
    bp = BLUEPRINTS["saas"]
    plan = plan_from_data({"deal": {"start": "2027-01-04", "close": "2027-03-01",
                                    "go_live": "2027-04-01"},
                           "sections": {"risks": [{"risk": "Budget freeze"}],
                                        "action_items": [{"description": "Security review",
                                                          "importance": "High"}]}}, bp)
    [path] = generate(bp, plan=plan, formats=["xlsx"], audience="buyer", out_dir=tmp_path)
    back = read_workbook(path)  # the blueprint recorded in the workbook
    assert back.blueprint.name == "saas" and back.issues == []
    assert "risks" not in back.sections
    rows = back.sections["action_items"]
    assert without_ids(rows[-1]) == {"number": 4, "description": "Security review"}  # after 3
    assert all("importance" not in r for r in rows)


@pytest.mark.soffice
def test_workbook_saved_by_libreoffice_reads_back_the_same(tmp_path):
    from openpyxl import load_workbook

    bp = BLUEPRINTS["all_types"]
    plan = plan_from_data({"deal": {"name": "Rollout", "start": "2027-01-04"},
                           "sections": {"items": [{"label": "Kick-off", "due": "2027-01-11"}]}}, bp)
    [made] = generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path / "made")
    wb = load_workbook(made)
    ws = wb["Items & Things"]
    headers = {c.value: c.column for c in ws[6] if c.value}
    typed = [
        {"Label": "Security review", "Notes": "Line one\nLine two – ünïcode ✓", "Count": 3,
         "Due": dt.datetime(2027, 2, 15), "Level": "high", "Share": 0.25, "Secret": "only us"},
        {"Label": "=SUM(A1) stays text", "Count": "7", "Due": "15/03/2027",
         "Level": "Yes, with caveats", "Share": "40%"},
        {"Label": "Added below the table", "Due": "2027-04-01"},
    ]
    for r, values in zip((8, 9, 14), typed, strict=True):
        for header, v in values.items():
            cell = ws.cell(r, headers[header])
            cell.value = v
            if isinstance(v, str) and v.startswith("="):
                cell.data_type, cell.quotePrefix = "s", True
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    saved = soffice_convert(filled, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")

    ours, theirs = read_workbook(filled, blueprint=bp), read_workbook(saved, blueprint=bp)
    assert theirs.issues == ours.issues == []
    assert theirs.deal == ours.deal == {"name": "Rollout", "start": dt.date(2027, 1, 4)}
    assert theirs.sections == ours.sections
    assert without_ids(ours.sections["items"]) == [
        {"label": "Kick-off", "due": dt.date(2027, 1, 11)},
        {"label": "Security review", "notes": "Line one\nLine two – ünïcode ✓", "count": 3,
         "due": dt.date(2027, 2, 15), "level": "High", "share": 0.25, "secret": "only us"},
        {"label": "=SUM(A1) stays text", "count": 7, "due": dt.date(2027, 3, 15),
         "level": "Yes, with caveats", "share": 0.4},
        {"label": "Added below the table", "due": dt.date(2027, 4, 1)},
    ]
