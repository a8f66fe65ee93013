"""Plans: the plan format of docs/architecture.md, typed values, JSON/YAML round trip, CSV export."""

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import Plan, load_plan, plan_csv_files, plan_from_data, row_key

MAP = load_blueprint("map")

SAMPLE = {
    "format": "mapgen-plan", "format_version": 1,
    "blueprint": {"name": "map", "version": "1"},
    "deal": {"name": "Analytics rollout", "buyer": "Contoso", "seller": "Nimbus",
             "start": "2026-12-01", "go_live": "2027-03-01", "region": "EMEA"},
    "sections": {
        "action_items": [{"number": 1, "description": "Security review", "deadline": "2027-01-15",
                          "importance": "high", "status": "done"}],
        "stakeholders": [{"name": "Sarah", "role": "CFO"}],
    },
    "issues": [],
}


def test_plan_from_data_types_values():
    plan = plan_from_data(SAMPLE)
    row = plan.sections["action_items"][0]
    assert row["deadline"] == dt.date(2027, 1, 15)
    assert row["importance"] == "High" and row["status"] == "Done"
    assert plan.deal["start"] == dt.date(2026, 12, 1) and plan.deal["region"] == "EMEA"
    assert plan.issues == []


def test_plan_json_has_exactly_the_design_shape(tmp_path):
    data = json.loads(plan_from_data(SAMPLE).to_json())
    assert list(data)[:6] == ["format", "format_version", "blueprint", "deal", "sections", "issues"]
    assert data["sections"]["action_items"][0]["deadline"] == "2027-01-15"
    assert data["deal"]["go_live"] == "2027-03-01"


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_plan_file_round_trip(tmp_path, suffix):
    plan = plan_from_data(SAMPLE)
    path = tmp_path / f"plan{suffix}"
    path.write_text(plan.to_json() if suffix == ".json" else plan.to_yaml(), encoding="utf-8")
    again = load_plan(path)
    assert again.sections == plan.sections and again.deal == plan.deal


def test_bad_values_are_kept_and_reported():
    data = json.loads(json.dumps(SAMPLE))
    data["sections"]["action_items"][0]["deadline"] = "next week"
    data["sections"]["action_items"][0]["extra"] = "kept"
    plan = plan_from_data(data)
    row = plan.sections["action_items"][0]
    assert row["deadline"] == "next week" and row["extra"] == "kept"
    codes = {(i.code, i.severity) for i in plan.issues}
    assert ("invalid-date", "error") in codes and ("unknown-column", "warning") in codes


@pytest.mark.parametrize("text,words", [
    ('{"format": "other"}', "not a mapgen plan"),
    ('{"format_version": 9}', "version 9"),
    ("[1, 2]", "not a mapgen plan"),
    ('{"sections": {"phases": 3}}', "must be a list"),
    ("{broken", "invalid JSON"),
])
def test_unusable_plan_files(tmp_path, text, words):
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(MapgenError) as err:
        load_plan(path)
    assert words in str(err.value)


def test_csv_export_one_file_per_section_with_formula_guard():
    data = json.loads(json.dumps(SAMPLE))
    data["sections"]["stakeholders"][0]["role"] = "=HYPERLINK(\"x\")"
    files = plan_csv_files(plan_from_data(data), MAP)
    assert {"deal.csv", "issues.csv", "action_items.csv", "stakeholders.csv"} <= set(files)
    assert files["action_items.csv"].splitlines()[0].startswith("number,phase,description,deadline")
    assert "2027-01-15" in files["action_items.csv"]
    assert "'=HYPERLINK" in files["stakeholders.csv"]


def test_row_identity_folds_case_and_spacing():
    section = MAP.section("stakeholders")
    assert row_key(section, {"name": " sarah  "}) == row_key(section, {"name": "Sarah"})
    assert row_key(section, {"role": "CFO"}) is None


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=40).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "number": st.integers(1, 999), "description": texts,
    "deadline": st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    "importance": st.sampled_from(["High", "Low"])}), max_size=5))
def test_json_yaml_round_trip_property(rows):
    plan = Plan(deal={"buyer": "B"}, sections={"action_items": rows})
    for text in (plan.to_json(), plan.to_yaml()):
        import yaml

        again = plan_from_data(yaml.safe_load(text))
        assert again.sections["action_items"] == rows


def test_rows_that_are_not_mappings_are_reported_not_crashed():
    data = json.loads(json.dumps(SAMPLE))
    data["sections"]["mystery"] = ["just text", {"a": 1}]
    data["sections"]["stakeholders"].append(42)
    plan = plan_from_data(data)
    assert plan.sections["mystery"] == [{"a": 1}]
    bad = [i for i in plan.issues if i.code == "invalid-row"]
    assert len(bad) == 2 and "'just text'" in bad[0].message + bad[1].message


def test_standard_deal_facts_must_be_single_values():
    data = json.loads(json.dumps(SAMPLE))
    data["deal"]["buyer"] = {"x": 1}
    data["deal"]["contacts"] = ["extra keys may hold lists"]
    plan = plan_from_data(data)
    assert [(i.code, i.column) for i in plan.errors] == [("invalid-deal", "buyer")]
    assert plan.deal["contacts"] == ["extra keys may hold lists"]
