"""merge: consolidating homework workbooks and plan files, losing nothing.

The nothing-lost property runs on random plans through the pure ``merge_plans``; the rest goes
through the CLI on real files: plan files, and workbooks generated, filled in and merged.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import BlueprintRef, Plan, row_key
from mapgen.ops.merge import merge_plans
from tests.rowids_help import without_ids

MAP = load_blueprint("map")
D = dt.date


def fold(value: Any) -> Any:
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def write_plan(path: Path, sections: dict, deal: dict | None = None, blueprint: str = "map",
               **extra: Any) -> Path:
    data = {"format": "mapgen-plan", "format_version": 1, "blueprint": {"name": blueprint},
            "deal": deal or {}, "sections": sections, **extra}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(runner, *args: str):
    return runner.invoke(main, ["merge", *args], catch_exceptions=False)


# --------------------------------------------------------------------------- nothing lost

NAMES = ["Dana Smith", "dana  smith", "Lee Wong", "Ravi Patel", None]
TEXTS = ["Security review", "SECURITY review ", "Pilot on buyer data", "Kick-off", None]
SMALL = ["CFO", "cfo", "CIO", "Sponsor", "", None]
DATES = [D(2027, 1, 15), D(2027, 1, 22), None]


def _row(draw, columns: dict[str, list]) -> dict[str, Any]:
    row = {key: draw(st.sampled_from(pool)) for key, pool in columns.items()}
    return {k: v for k, v in row.items() if v is not None}


@st.composite
def plans(draw) -> list[Plan]:
    """1-5 plans with overlapping identities, empty cells and buyer copies without
    internal columns (importance) or internal-only data."""
    out = []
    for _ in range(draw(st.integers(1, 5))):
        buyer_copy = draw(st.booleans())
        items = [_row(draw, {"number": [1, 2, 7, None], "description": TEXTS, "deadline": DATES,
                             "importance": [None] if buyer_copy else ["High", "Low", None],
                             "status": ["Done", "done", "Blocked", None],
                             "responsible": SMALL})
                 for _ in range(draw(st.integers(0, 5)))]
        people = [_row(draw, {"name": NAMES, "role": SMALL, "impact": SMALL})
                  for _ in range(draw(st.integers(0, 4)))]
        deal = _row(draw, {"buyer": ["Contoso", "contoso", "Fabrikam", None],
                           "go_live": [D(2027, 6, 1), D(2027, 7, 1), None]})
        out.append(Plan(blueprint=BlueprintRef(name="map"), deal=deal,
                        sections={"action_items": items, "stakeholders": people}))
    return out


def _cited(result, section: str, index: int | None, column: str, value: Any, source: str) -> bool:
    """The value is the output's, or listed under its source in a conflict on that cell."""
    rows = result.plan.rows(section) if index is not None else None
    kept = result.plan.deal.get(column) if rows is None else rows[index].get(column)
    if fold(kept) == fold(value):
        return True
    return any(c.section == section and c.index == index and c.column == column
               and (value, source) in c.values for c in result.conflicts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.sampled_from([None, "first", "last"]))
def test_nothing_is_lost(inputs: list[Plan], prefer) -> None:
    labels = [f"p{i}" for i in range(len(inputs))]
    result = merge_plans(inputs, MAP, sources=labels, prefer=prefer)
    for plan, label in zip(inputs, labels, strict=True):
        for key, value in plan.deal.items():
            assert _cited(result, "deal", None, key, value, label)
        for key in ("action_items", "stakeholders"):
            section = MAP.section(key)
            out = result.plan.rows(key)
            for row in plan.rows(key):
                values = {k: v for k, v in row.items() if v not in (None, "") and k != "number"}
                if not values:
                    continue
                identity = row_key(section, row)
                if identity is not None:
                    # a row with the same identity took it in (two rows of one input never
                    # share an output row)
                    matches = [i for i, r in enumerate(out) if row_key(section, r) == identity
                               and label in result.provenance[key][i]
                               and all(_cited(result, key, i, k, v, label)
                                       for k, v in values.items())]
                    assert matches, f"{label}'s row {row} is not in the output"
                else:
                    matches = [i for i, r in enumerate(out) if row_key(section, r) is None
                               and label in result.provenance[key][i]
                               and all(_cited(result, key, i, k, v, label)
                                       for k, v in values.items())]
                    assert matches, f"{label}'s row {row} is not in the output"
                index = matches[0]
                assert label in result.provenance[key][index]
                for column, value in values.items():
                    assert _cited(result, key, index, column, value, label), (column, value)
    for key in ("action_items", "stakeholders"):
        rows = result.plan.rows(key)
        assert len(result.provenance.get(key, [])) == len(rows)
        assert all(result.provenance[key][i] for i in range(len(rows)))
        keyed = [row_key(MAP.section(key), r) for r in rows]
        for k in {k for k in keyed if k is not None}:  # as many rows as the input with most
            most = max(sum(1 for r in p.rows(key) if row_key(MAP.section(key), r) == k
                           and any(v not in (None, "") and c != "number" for c, v in r.items()))
                       for p in inputs)
            assert keyed.count(k) == most
    numbers = [r["number"] for r in result.plan.rows("action_items")]
    assert len(set(numbers)) == len(numbers) and all(n >= 1 for n in numbers)
    reported = {(r["index"], r["source"]) for r in result.renumbered}
    for plan, label in zip(inputs, labels, strict=True):  # a number changed is reported
        for row in plan.rows("action_items"):
            typed = any(v not in (None, "") for c, v in row.items() if c != "number")
            if typed and row.get("number") is not None and row["number"] not in numbers:
                assert any(source == label for _, source in reported)
    for conflict in result.conflicts:
        assert conflict.column != "number"
        assert len({fold(v) for v, _ in conflict.values}) > 1  # an empty cell never conflicts
        expected = conflict.values[-1][0] if prefer == "last" else conflict.values[0][0]
        assert conflict.kept == expected
        assert conflict.resolution == (prefer or "marked")


def test_merge_plans_refuses_different_blueprints() -> None:
    a, b = Plan(blueprint=BlueprintRef(name="saas")), Plan(blueprint=BlueprintRef(name="map"))
    with pytest.raises(MapgenError, match=r"ann\.xlsx uses blueprint 'saas' but bob\.xlsx uses 'map'"):
        merge_plans([a, b], MAP, sources=["Ann", "Bob"], files=["ann.xlsx", "bob.xlsx"])


def test_relative_and_resolved_dates_agree_and_duplicate_labels_stay_apart() -> None:
    deal = {"go_live": D(2027, 6, 1)}
    a = Plan(deal=deal, sections={"action_items": [{"description": "Pilot", "deadline": "go_live-4w"}]})
    b = Plan(sections={"action_items": [{"description": "pilot", "deadline": D(2027, 5, 4)},
                                        {"description": "Pilot", "status": "Done"}]})
    result = merge_plans([a, b], MAP, sources=["Ann", "Ann"], files=["a.json", "b.json"])
    assert result.conflicts == []
    # b's two Pilot rows are two rows (never folded into one); a's Pilot is b's first
    assert result.plan.rows("action_items") == [
        {"number": 1, "description": "Pilot", "deadline": "go_live-4w"},
        {"number": 2, "description": "Pilot", "status": "Done"}]
    assert result.provenance["action_items"] == [["Ann (a.json)", "Ann (b.json)"], ["Ann (b.json)"]]
    stats = result.stats["action_items"]
    assert (stats.rows_in, stats.rows_out, stats.duplicates_merged, stats.gaps_filled) == (3, 2, 1, 0)
    assert [i.code for i in result.issues] == ["same-identity"]


# --------------------------------------------------------------------------- plan files

@pytest.fixture
def homework(in_tmp: Path) -> list[Path]:
    """Ann and Bob's plan files (relative paths, in a temporary folder): overlapping rows, a
    clashing deadline, a gap filled, a duplicate within one file."""
    ann = write_plan(Path("ann.json"), deal={"buyer": "Contoso", "go_live": "2027-06-01"},
                     sections={
                         "action_items": [
                             {"number": 1, "description": "Security review",
                              "deadline": "2027-01-15", "importance": "High"},
                             {"number": 2, "description": "Pilot"}],
                         "stakeholders": [{"name": "Dana Smith", "role": "CFO"}]})
    bob = write_plan(Path("bob.yaml"), deal={"buyer": "contoso", "seller": "Nimbus"},
                     sections={
                         "action_items": [
                             {"number": 1, "description": "Kick-off", "responsible": "Bob"},
                             {"number": 2, "description": "security  review",
                              "deadline": "2027-01-22", "responsible": "Bob"},
                             {"number": 3, "description": "Kick-off", "status": "Done"}],
                         "stakeholders": [{"name": "dana smith", "impact": "Signs off"}]})
    return [ann, bob]


def test_merge_plan_files_to_json_with_report(runner, homework, tmp_path) -> None:
    out, report = tmp_path / "merged.json", tmp_path / "report.json"
    result = run(runner, *map(str, homework), "--out", str(out), "--report", str(report))
    assert result.exit_code == 0, result.output
    merged = json.loads(out.read_text())
    assert merged["deal"] == {"buyer": "Contoso", "go_live": "2027-06-01", "seller": "Nimbus"}
    # Bob's two Kick-off rows stay two rows; people's numbers are kept where they do not clash
    assert merged["sections"]["action_items"] == [
        {"number": 1, "description": "Security review", "deadline": "2027-01-15",
         "importance": "High", "responsible": "Bob"},
        {"number": 2, "description": "Pilot"},
        {"number": 4, "description": "Kick-off", "responsible": "Bob"},
        {"number": 3, "description": "Kick-off", "status": "Done"}]
    assert merged["sections"]["stakeholders"] == [
        {"name": "Dana Smith", "role": "CFO", "impact": "Signs off"}]
    assert merged["provenance"]["action_items"] == [["ann.json", "bob.yaml"], ["ann.json"],
                                                    ["bob.yaml"], ["bob.yaml"]]
    conflict = {"section": "action_items", "row": "Security review", "index": 0,
                "column": "deadline", "values": [{"value": "2027-01-15", "source": "ann.json"},
                                                 {"value": "2027-01-22", "source": "bob.yaml"}],
                "kept": "2027-01-15", "kept_source": "ann.json", "resolution": "marked"}
    assert merged["conflicts"] == [conflict]
    data = json.loads(report.read_text())
    assert data["conflicts"] == [conflict]
    assert data["output"] == str(out)
    assert [(i["file"], i["rows"]) for i in data["inputs"]] == [
        ("ann.json", {"action_items": 2, "stakeholders": 1}),
        ("bob.yaml", {"action_items": 3, "stakeholders": 1})]
    assert data["totals"] == {"rows_in": 7, "rows_out": 5, "duplicates_merged": 2,
                              "gaps_filled": 3, "conflicts": 1}
    assert [(r["row"], r["source"], r["old"], r["new"]) for r in data["renumbered"]] == [
        ("Security review", "bob.yaml", 2, 1), ("Kick-off", "bob.yaml", 1, 4)]
    assert [(i["code"], i["message"]) for i in data["issues"]] == [
        ("same-identity", "section 'action_items': rows 1 and 3 of bob.yaml are both "
                          "'Kick-off'; both kept as rows of their own")]
    assert data["provenance"]["stakeholders"] == [{"row": "Dana Smith",
                                                   "sources": ["ann.json", "bob.yaml"]}]
    assert "ann.json: 3 rows" in result.stderr
    assert "Rows out: action_items 4, stakeholders 1" in result.stderr
    assert "Duplicates merged: 2, gaps filled: 3, conflicts: 1" in result.stderr
    assert "renumbered: action_items 'Kick-off': bob.yaml's 1 -> 4" in result.stderr
    assert ("conflict: action_items 'Security review', Deadline: ann.json: 2027-01-15; "
            "bob.yaml: 2027-01-22 (kept ann.json's)") in result.stderr


def test_prefer_last_keeps_the_later_value_in_yaml(runner, homework, tmp_path) -> None:
    import yaml

    out = tmp_path / "merged.yaml"
    result = run(runner, *map(str, homework), "--out", str(out), "--prefer", "last")
    assert result.exit_code == 0, result.output
    merged = yaml.safe_load(out.read_text())
    assert merged["sections"]["action_items"][0]["deadline"] == "2027-01-22"
    assert merged["conflicts"][0]["resolution"] == "last"
    assert "last value kept (--prefer last)" in result.stderr


def test_inputs_with_errors_are_merged_and_exit_1(runner, homework, tmp_path) -> None:
    bad = write_plan(tmp_path / "cleo.json", sections={
        "action_items": [{"description": "Pilot", "deadline": "next Tuesday-ish"}]})
    out, report = tmp_path / "merged.json", tmp_path / "report.json"
    result = run(runner, *map(str, [*homework, bad]), "--out", str(out), "--report", str(report))
    assert result.exit_code == 1
    merged = json.loads(out.read_text())
    assert merged["sections"]["action_items"][1] == {"number": 2, "description": "Pilot",
                                                     "deadline": "next Tuesday-ish"}
    issues = json.loads(report.read_text())["issues"]
    assert [(i["code"], i.get("file")) for i in issues] == [("invalid-date", str(bad)),
                                                            ("same-identity", None)]
    assert "cleo.json: 1 rows, 1 error" in result.stderr
    assert f"error: {bad}: section 'action_items' row 1" in result.stderr


@pytest.mark.parametrize("case, message", [
    ("mixed", "ann.json uses blueprint 'map' but saas.json uses 'saas'; merge files made from "
              "the same blueprint"),
    ("extension", "unknown output type '.csv' (use .xlsx, .docx, .pdf, .md, .html, .ics, .json or .yaml)"),
    ("exists", "already exists; use --force to overwrite it"),
    ("missing", "nobody.json: no such plan file"),
    ("kind", "cannot merge a '.txt' file"),
    ("twice", "is given twice"),
    ("out-is-input", "is one of the inputs"),
    ("corrupt", "corrupt.xlsx"),
])
def test_unusable_merges_exit_2_and_write_nothing(runner, homework, case, message):
    ann = homework[0]
    out, report = Path("merged.json"), Path("report.json")
    files = [ann, homework[1]]
    if case == "mixed":
        files.append(write_plan(Path("saas.json"), {}, blueprint="saas"))
    elif case == "extension":
        out = Path("merged.csv")
    elif case == "exists":
        out.write_text("keep me")
    elif case == "missing":
        files.append(Path("nobody.json"))
    elif case == "kind":
        Path("notes.txt").write_text("PK")
        files.append(Path("notes.txt"))
    elif case == "twice":
        files.append(ann)
    elif case == "out-is-input":
        out = ann
    elif case == "corrupt":
        pytest.importorskip("mapgen.formats.xlsx.reader")
        Path("corrupt.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        files.append(Path("corrupt.xlsx"))
    before = {p: p.read_bytes() for p in files if p.exists()}
    result = run(runner, *map(str, files), "--out", str(out), "--report", str(report),
                 *(["--force"] if case == "out-is-input" else []))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not report.exists()
    assert not out.exists() or case in ("exists", "out-is-input")
    assert {p: p.read_bytes() for p in before} == before
    if case == "exists":
        assert out.read_text() == "keep me"


# --------------------------------------------------------------------------- real workbooks

DEAL = {"name": "Rollout", "buyer": "Contoso", "seller": "Nimbus", "start": D(2026, 12, 1),
        "close": D(2027, 3, 15), "go_live": D(2027, 6, 1)}


def make_workbook(folder: Path, stem: str, participant: str, audience: str = "internal") -> Path:
    """A pre-filled homework workbook of the SaaS blueprint, stamped for ``participant``."""
    from mapgen.ops.generate import generate

    plan = Plan(blueprint=BlueprintRef(name="saas"), deal=DEAL)
    [path] = generate(load_blueprint("saas"), plan=plan, formats=["xlsx"], audience=audience,
                      out_dir=folder, participant=participant, stem=stem)
    return path


def tables(wb) -> dict[str, tuple[Any, dict[str, int], int]]:
    """section key -> (sheet, column key -> column number, first data row), from the metadata."""
    from mapgen.formats.xlsx.meta import read_meta

    meta = read_meta(wb)
    out = {}
    for sm in meta.sheets:
        ws = wb[sm.sheet]
        columns = {k.lstrip("_"): sm.first_col + i for i, k in enumerate(sm.columns)}  # _sources
        out[sm.section] = (ws, columns, sm.header_row + 1 + len(sm.examples))
    return out


def fill(path: Path, add: dict[str, list[dict]], edit: dict[str, dict[int, dict]] | None = None):
    """Type rows into a workbook below its data, and change cells of existing rows."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    found = tables(wb)
    for key, changes in (edit or {}).items():
        ws, columns, first = found[key]
        for index, values in changes.items():
            for column, value in values.items():
                ws.cell(first + index, columns[column]).value = value
    for key, rows in add.items():
        ws, columns, row = found[key]
        while any(ws.cell(row, c).value is not None for c in columns.values()):
            row += 1
        for values in rows:
            for column, value in values.items():
                ws.cell(row, columns[column]).value = value
            row += 1
    wb.save(path)


def table_rows(ws, columns: dict[str, int], first: int) -> list[dict[str, Any]]:
    """The data rows of a table as typed cells, up to the first empty row."""
    rows = []
    for r in range(first, ws.max_row + 1):
        row = {k: ws.cell(r, c).value for k, c in columns.items()}
        if all(v is None for v in row.values()):
            break
        rows.append({k: v.date() if isinstance(v, dt.datetime) else v
                     for k, v in row.items() if v is not None})
    return rows


STANDARD_PHASES = [  # the SaaS blueprint's standard phases for DEAL (deadlines resolved)
    (1, "Discovery", D(2027, 3, 9)), (2, "Technical validation", D(2027, 4, 6)),
    (3, "Business case signed off", D(2027, 4, 20)), (4, "Contract signed", D(2027, 3, 15)),
    (5, "Go-live", D(2027, 6, 1))]


@pytest.fixture
def workbooks(in_tmp: Path) -> list[Path]:
    """Three participants' homework: overlapping stakeholders, clashing deadlines, and a buyer
    copy (no Importance column, no Risks sheet)."""
    ann = make_workbook(in_tmp, "ann", "Ann Lee")
    bob = make_workbook(in_tmp, "bob", "Bob Diaz")
    cleo = make_workbook(in_tmp, "cleo", "Cleo Park", audience="buyer")
    fill(ann, {
        "stakeholders": [{"name": "Dana Smith", "role": "CFO", "expectations": "ROI in year one"},
                         {"name": "Lee Wong", "role": "CIO"}],
        "action_items": [{"number": 4, "phase": 3, "description": "Reference call with a peer",
                          "deadline": dt.datetime(2027, 1, 20), "importance": "High"}],
        "risks": [{"risk": "Budget freeze", "likelihood": "Medium"}]})
    fill(bob, {
        "stakeholders": [{"name": "dana  SMITH", "impact": "Signs the budget"},
                         {"name": "Priya Nair", "role": "Procurement"}],
        "action_items": [{"number": 4, "description": "Legal review of the DPA",
                          "deadline": dt.datetime(2027, 2, 10), "responsible": "Bob Diaz"},
                         {"number": 5, "description": "reference call with a peer",
                          "deadline": "27/01/2027", "responsible": "Bob Diaz"}],
        "risks": [{"risk": "budget freeze", "mitigation": "Offer a phased start"}]},
        edit={"phases": {2: {"deadline": dt.datetime(2027, 4, 27)}}})
    fill(cleo, {
        "stakeholders": [{"name": "Lee Wong", "expectations": "Single sign-on on day one"},
                         {"name": "Sam Ortiz", "role": "IT Security"}],
        "action_items": [{"number": 4, "description": "Reference call with a peer",
                          "status": "Not started"},
                         {"number": 5, "description": "SSO test with IT",
                          "deadline": dt.datetime(2027, 2, 1), "responsible": "Sam Ortiz"}]},
        edit={"action_items": {0: {"status": "In progress"}}})
    return [ann, bob, cleo]


def test_merge_three_homework_workbooks(runner, workbooks, in_tmp) -> None:
    from openpyxl import load_workbook

    from mapgen.formats.xlsx.reader import read_workbook

    result = run(runner, "ann.xlsx", "bob.xlsx", "cleo.xlsx", "--out", "merged.xlsx",
                 "--report", "report.json")
    assert result.exit_code == 0, result.output
    everyone, ann_bob = "Ann Lee, Bob Diaz, Cleo Park", "Ann Lee, Bob Diaz"

    wb = load_workbook(in_tmp / "merged.xlsx")
    found = tables(wb)
    cells = {key: table_rows(*found[key]) for key in found}
    assert [(r["phase"], r["deadline"], r["sources"]) for r in cells["phases"]] == [
        (n, d, everyone) for n, _, d in STANDARD_PHASES]
    assert cells["action_items"] == [
        {"number": 1, "phase": 2, "description": "Security questionnaire returned",
         "deadline": D(2027, 3, 30), "importance": "High", "responsible": "SE",
         "status": "Not started", "sources": everyone},
        {"number": 2, "phase": 4, "description": "Redlines on order form resolved",
         "deadline": D(2027, 3, 8), "importance": "High", "responsible": "AE",
         "status": "Not started", "sources": everyone},
        {"number": 3, "phase": 5, "description": "Kick-off with customer success",
         "deadline": D(2027, 5, 18), "importance": "Low", "responsible": "CSM",
         "status": "Not started", "sources": everyone},
        {"number": 4, "phase": 3, "description": "Reference call with a peer",
         "deadline": D(2027, 1, 20), "importance": "High", "responsible": "Bob Diaz",
         "status": "Not started", "sources": everyone},
        {"number": 6, "description": "Legal review of the DPA", "deadline": D(2027, 2, 10),
         "responsible": "Bob Diaz", "sources": "Bob Diaz"},
        {"number": 5, "description": "SSO test with IT", "deadline": D(2027, 2, 1),
         "responsible": "Sam Ortiz", "sources": "Cleo Park"}]
    assert cells["stakeholders"] == [
        {"name": "Dana Smith", "role": "CFO", "expectations": "ROI in year one",
         "impact": "Signs the budget", "sources": ann_bob},
        {"name": "Lee Wong", "role": "CIO", "expectations": "Single sign-on on day one",
         "sources": "Ann Lee, Cleo Park"},
        {"name": "Priya Nair", "role": "Procurement", "sources": "Bob Diaz"},
        {"name": "Sam Ortiz", "role": "IT Security", "sources": "Cleo Park"}]
    assert cells["risks"] == [{"risk": "Budget freeze", "likelihood": "Medium",
                               "mitigation": "Offer a phased start", "sources": ann_bob}]
    assert cells["objective"][0]["sources"] == everyone

    # The conflicting cells, and only they, are highlighted with a comment listing every value;
    # a number merge changed has a comment saying whose it was, not highlighted.
    notes, renumbered = {}, {}
    for key, (ws, columns, first) in found.items():
        for name, c in columns.items():
            for r in range(first, first + len(cells[key])):
                cell = ws.cell(r, c)
                if cell.comment is not None and name == "number":
                    renumbered[(key, r - first)] = cell.comment.text
                    assert not str(cell.fill.fgColor.rgb).endswith("FCE4D6")
                elif cell.comment is not None:
                    notes[(key, r - first, name)] = cell.comment.text
                    assert cell.fill.fgColor.rgb.endswith("FCE4D6")
                else:
                    assert not str(cell.fill.fgColor.rgb).endswith("FCE4D6")
    assert notes == {
        ("phases", 2, "deadline"): "Conflict: Ann Lee, Cleo Park: 2027-04-20; Bob Diaz: "
                                   "2027-04-27 (kept Ann Lee's)",
        ("action_items", 0, "status"): "Conflict: Ann Lee, Bob Diaz: Not started; Cleo Park: "
                                       "In progress (kept Ann Lee's)",
        ("action_items", 3, "deadline"): "Conflict: Ann Lee: 2027-01-20; Bob Diaz: 2027-01-27 "
                                         "(kept Ann Lee's)"}
    assert renumbered == {("action_items", 3): "Renumbered: Bob Diaz's 5 is now 4",
                          ("action_items", 4): "Renumbered: Bob Diaz's 4 is now 6"}

    # The consolidated workbook reads back as the merged plan (the Sources column is not data),
    # the same plan that a JSON output holds.
    assert run(runner, "ann.xlsx", "bob.xlsx", "cleo.xlsx", "--out", "merged.json").exit_code == 0
    as_json = json.loads((in_tmp / "merged.json").read_text())
    merged = read_workbook(in_tmp / "merged.xlsx")
    assert merged.errors == []
    assert without_ids(merged.to_data()["sections"]) == without_ids(as_json["sections"])
    assert merged.deal == DEAL
    assert as_json["provenance"]["stakeholders"] == [["Ann Lee", "Bob Diaz"], ["Ann Lee", "Cleo Park"],
                                                     ["Bob Diaz"], ["Cleo Park"]]
    report = json.loads((in_tmp / "report.json").read_text())
    assert as_json["conflicts"] == report["conflicts"]

    # The report: inputs, totals, conflicts and provenance.
    assert [(i["file"], i["participant"], i["audience"], i["rows"]["action_items"])
            for i in report["inputs"]] == [("ann.xlsx", "Ann Lee", "internal", 4),
                                           ("bob.xlsx", "Bob Diaz", "internal", 5),
                                           ("cleo.xlsx", "Cleo Park", "buyer", 5)]
    assert report["totals"]["conflicts"] == 3
    assert [(r["row"], r["source"], r["old"], r["new"]) for r in report["renumbered"]] == [
        ("Reference call with a peer", "Bob Diaz", 5, 4), ("Legal review of the DPA", "Bob Diaz", 4, 6)]
    assert report["sections"]["stakeholders"] == {"rows_in": 6, "rows_out": 4,
                                                  "duplicates_merged": 2, "gaps_filled": 2,
                                                  "conflicts": 0}
    assert {(c["section"], c["row"], c["column"], c["kept"]) for c in report["conflicts"]} == {
        ("phases", "Phase 3", "deadline", "2027-04-20"),
        ("action_items", "Security questionnaire returned", "status", "Not started"),
        ("action_items", "Reference call with a peer", "deadline", "2027-01-20")}
    assert report["provenance"]["stakeholders"][1] == {"row": "Lee Wong",
                                                       "sources": ["Ann Lee", "Cleo Park"]}
    assert "cleo.xlsx (Cleo Park, buyer copy): " in result.stderr
    assert "conflicts: 3 (first value kept and marked)" in result.stderr
    assert "Wrote merged.xlsx and report.json" in result.stderr

    # The Word handout of the merge carries the same sources and conflict notes.
    from docx import Document

    assert run(runner, "ann.xlsx", "bob.xlsx", "cleo.xlsx", "--out", "merged.docx").exit_code == 0
    docx_tables = [[[c.text for c in row.cells] for row in t.rows]
                   for t in Document(str(in_tmp / "merged.docx")).tables]
    stakeholders = next(t for t in docx_tables if t[0][0] == "Stakeholder Name")
    assert stakeholders[0][-1] == "Sources"
    assert [(r[0], r[-1]) for r in stakeholders[1:5]] == [
        ("Dana Smith", ann_bob), ("Lee Wong", "Ann Lee, Cleo Park"), ("Priya Nair", "Bob Diaz"),
        ("Sam Ortiz", "Cleo Park")]
    items = next(t for t in docx_tables if t[0][0] == "Action Item")
    deadline = items[0].index("Deadline")
    assert items[4][deadline].endswith(notes[("action_items", 3, "deadline")])



def test_a_large_batch_is_read_in_parallel_like_one_by_one(runner, in_tmp) -> None:
    from mapgen.ops.merge import PARALLEL_FROM, merge_files

    paths = [write_plan(Path(f"p{i:02}.json"), deal={"buyer": "Contoso"}, sections={
        "stakeholders": [{"name": f"Person {i % 5}", "role": f"Role {i % 3}"}],
        "action_items": [{"description": f"Task {i % 7}", "deadline": f"2027-01-{1 + i % 4:02}"}]})
        for i in range(PARALLEL_FROM + 2)]
    one_by_one = merge_files(paths, jobs=1)
    read = []
    parallel = merge_files(paths, jobs=2, on_read=read.append)
    assert read == paths
    assert parallel.plan == one_by_one.plan
    assert parallel.report == one_by_one.report
    assert len(parallel.plan.rows("stakeholders")) == 5
    assert parallel.report["totals"]["conflicts"] == 5 + 7

    result = run(runner, *map(str, paths), "--out", "merged.yaml")
    assert result.exit_code == 0, result.output
    assert "  ... and 2 more conflicts (see --report)" in result.stderr

    Path(paths[-1]).write_text("{not json")
    result = run(runner, *map(str, paths), "--out", "other.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {paths[-1]}:1: invalid JSON")
    assert len(result.stderr.splitlines()) == 1
    assert not Path("other.yaml").exists()


def test_deal_facts_merge_like_a_row() -> None:
    a = Plan(deal={"buyer": "Contoso", "go_live": D(2027, 6, 1)})
    b = Plan(deal={"buyer": "Fabrikam", "seller": "Nimbus", "go_live": D(2027, 6, 1)})
    result = merge_plans([a, b], MAP, sources=["Ann", "Bob"], prefer="first")
    assert result.plan.deal == {"buyer": "Contoso", "go_live": D(2027, 6, 1), "seller": "Nimbus"}
    [conflict] = result.conflicts
    assert conflict.to_dict() == {
        "section": "deal", "row": None, "index": None, "column": "buyer",
        "values": [{"value": "Contoso", "source": "Ann"}, {"value": "Fabrikam", "source": "Bob"}],
        "kept": "Contoso", "kept_source": "Ann", "resolution": "first"}
    assert result.report["totals"]["gaps_filled"] == 1
    assert ("  conflict: deal, buyer: Ann: Contoso; Bob: Fabrikam (kept Ann's, the first copy's value)"
            in result.summary())
