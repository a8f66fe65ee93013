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

from mapgen.blueprint import load_blueprint
from mapgen.cli import main
from mapgen.errors import MapgenError
from mapgen.merge import merge_plans
from mapgen.plan import BlueprintRef, Plan, row_key

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
                    # the row with the same identity, and only that one, took it in
                    matches = [i for i, r in enumerate(out) if row_key(section, r) == identity]
                    assert len(matches) == 1
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
        assert len({k for k in keyed if k is not None}) == len([k for k in keyed if k is not None])
    assert [r["number"] for r in result.plan.rows("action_items")] == list(
        range(1, len(result.plan.rows("action_items")) + 1))
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
    assert result.plan.rows("action_items") == [
        {"number": 1, "description": "Pilot", "deadline": "go_live-4w", "status": "Done"}]
    assert result.provenance["action_items"] == [["Ann (a.json)", "Ann (b.json)"]]
    stats = result.stats["action_items"]
    assert (stats.rows_in, stats.rows_out, stats.duplicates_merged, stats.gaps_filled) == (3, 1, 2, 1)


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
    assert merged["sections"]["action_items"] == [
        {"number": 1, "description": "Security review", "deadline": "2027-01-15",
         "importance": "High", "responsible": "Bob"},
        {"number": 2, "description": "Pilot"},
        {"number": 3, "description": "Kick-off", "responsible": "Bob", "status": "Done"}]
    assert merged["sections"]["stakeholders"] == [
        {"name": "Dana Smith", "role": "CFO", "impact": "Signs off"}]
    assert merged["provenance"]["action_items"] == [["ann.json", "bob.yaml"], ["ann.json"],
                                                    ["bob.yaml"]]
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
    assert data["totals"] == {"rows_in": 7, "rows_out": 4, "duplicates_merged": 3,
                              "gaps_filled": 4, "conflicts": 1}
    assert data["provenance"]["stakeholders"] == [{"row": "Dana Smith",
                                                   "sources": ["ann.json", "bob.yaml"]}]
    assert "ann.json: 3 rows" in result.stderr
    assert "Rows out: action_items 3, stakeholders 1" in result.stderr
    assert "Duplicates merged: 3, gaps filled: 4, conflicts: 1" in result.stderr
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
    assert [(i["code"], i["file"]) for i in issues] == [("invalid-date", str(bad))]
    assert "cleo.json: 1 rows, 1 error" in result.stderr
    assert f"error: {bad}: section 'action_items' row 1" in result.stderr


@pytest.mark.parametrize("case, message", [
    ("mixed", "ann.json uses blueprint 'map' but saas.json uses 'saas'; merge files made from "
              "the same blueprint"),
    ("extension", "unknown output type '.csv' (use .xlsx, .docx, .json or .yaml)"),
    ("exists", "already exists; use --force to overwrite it"),
    ("missing", "nobody.json: no such file"),
    ("kind", "cannot merge a '.docx' file"),
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
        Path("notes.docx").write_bytes(b"PK")
        files.append(Path("notes.docx"))
    elif case == "twice":
        files.append(ann)
    elif case == "out-is-input":
        out = ann
    elif case == "corrupt":
        pytest.importorskip("mapgen.xlsx.reader")
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
