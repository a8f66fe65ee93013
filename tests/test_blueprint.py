"""Blueprints: the default one, extends/overrides, and errors that name file and line."""

import json
import textwrap

import pytest

from mapgen.core.errors import MapgenError, ValidationFailed
from mapgen.model.blueprint import check_blueprint, list_blueprints, load_blueprint, schema

DESIGN_KEYS = {
    "objective": ["rank", "description"],
    "phases": ["phase", "milestone", "deadline", "if_missed", "buyer_deliverable",
               "seller_deliverable", "responsible", "status"],
    "action_items": ["number", "phase", "description", "deadline", "if_missed", "importance",
                     "responsible", "status"],
    "stakeholders": ["name", "role", "expectations", "impact"],
    "communication": ["what", "when", "key_points", "stakeholders"],
    "tools": ["tool", "purpose", "required_for"],
    "monitoring": ["criteria", "frequency", "adjustment"],
    "feedback": ["method", "timing", "reviewer"],
}
DESIGN_TYPES = {("objective", "rank"): "integer", ("phases", "phase"): "integer",
                ("phases", "deadline"): "date", ("phases", "status"): "choice",
                ("action_items", "number"): "integer", ("action_items", "phase"): "integer",
                ("action_items", "deadline"): "date", ("action_items", "importance"): "choice",
                ("action_items", "status"): "choice"}


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_default_blueprint_has_the_design_keys_and_types():
    bp = load_blueprint("map")
    assert {s.key: [c.key for c in s.columns] for s in bp.sections} == DESIGN_KEYS
    assert [s.key for s in bp.sections] == list(DESIGN_KEYS)
    for section in bp.sections:
        for column in section.columns:
            expected = DESIGN_TYPES.get((section.key, column.key), "text")
            assert column.field.name in (expected, "longtext" if expected == "text" else expected)
    importance = bp.section("action_items").column("importance")
    assert importance.internal and importance.choices == ["High", "Low"]
    status = bp.section("action_items").column("status")
    assert status.choices == ["Not started", "In progress", "Done", "Blocked"]


def test_default_blueprint_carries_the_framework_examples():
    bp = load_blueprint("map")
    examples = json.dumps([s.examples for s in bp.sections], default=str)
    for text in ("Discovery", "Analysis of the current state", "Sarah", "CFO",
                 "Business case walkthrough", "GetAccept", "Weekly"):
        assert text in examples
    assert any("2 to 4 hours" in step for step in bp.how_to_use)


def test_buyer_audience_drops_internal_columns_and_sections():
    bp = load_blueprint("saas")
    buyer = bp.for_audience("buyer")
    assert "importance" not in [c.key for c in buyer.section("action_items").columns]
    assert buyer.section("risks") is None and bp.section("risks") is not None
    assert all("importance" not in r for r in buyer.section("action_items").rows)
    # the original is untouched
    assert "importance" in [c.key for c in bp.section("action_items").columns]


def test_example_company_blueprint_extends_map():
    bp = load_blueprint("saas")
    phases = bp.section("phases")
    keys = [c.key for c in phases.columns]
    assert keys.index("exit_criteria") == keys.index("milestone") + 1
    assert phases.column("responsible").title == "Owner"
    assert phases.title == "Phases and Milestones"
    assert phases.rows[0]["deadline"] == "go_live-12w"
    assert [s.key for s in bp.sections].index("risks") == [s.key for s in bp.sections].index(
        "stakeholders") + 1
    assert bp.branding.company == "Nimbus Analytics" and bp.branding.primary_color == "0B6E4F"
    # untouched sections are inherited whole
    assert bp.section("feedback").examples == load_blueprint("map").section("feedback").examples


def test_extends_removes_and_reorders(in_tmp):
    write(in_tmp / "blueprints" / "acme.yaml", """\
        extends: map
        sections:
          - key: feedback
            remove: true
          - key: tools
            before: objective
          - key: stakeholders
            columns:
              - {key: impact, remove: true}
              - {key: email, header: E-mail, type: text, before: role}
    """)
    bp = load_blueprint("acme")
    assert bp.name == "acme"
    assert [s.key for s in bp.sections][:2] == ["tools", "objective"]
    assert bp.section("feedback") is None
    st = bp.section("stakeholders")
    assert [c.key for c in st.columns] == ["name", "email", "role", "expectations"]
    assert all("impact" not in r for r in st.examples)


def test_local_blueprint_shadows_builtin_in_list(in_tmp):
    write(in_tmp / "blueprints" / "acme.yaml", "extends: map\ntitle: Acme MAP\n")
    names = {i.name: i for i in list_blueprints()}
    assert {"map", "saas", "acme"} <= set(names)
    assert names["acme"].title == "Acme MAP" and not names["acme"].builtin


@pytest.mark.parametrize("body,line,words", [
    ("""\
        extends: map
        sections:
          - key: phases
            columns:
              - key: deadline
                type: dat
     """, 6, ["column 'deadline'", "unknown type 'dat'", "did you mean 'date'"]),
    ("extends: nothere\n", 1, ["no blueprint named 'nothere'"]),
    ("""\
        title: x
        sections:
          - key: a
            titel: A
            columns: [{key: x}]
     """, 4, ["unknown field 'titel'", "did you mean 'title'"]),
    ("""\
        sections:
          - key: a
            columns: [{key: x}]
          - key: a
            columns: [{key: y}]
     """, 4, ["section 'a' is defined twice"]),
    ("""\
        sections:
          - key: a
            columns:
              - {key: x}
              - {key: x}
     """, 5, ["column 'x' is defined twice"]),
    ("title: [unclosed\nsections: []\n", 2, ["YAML syntax error"]),
    ("""\
        sections:
          - key: a
            columns:
              - {key: s, type: choice}
     """, 4, ["needs 'choices'"]),
    ("""\
        sections:
          - key: a
            columns: [{key: d, type: date}]
            rows:
              - {d: someday}
     """, 5, ["standard row 1", "'someday' is not a date"]),
    ("""\
        sections:
          - key: a
            identity: [nme]
            columns: [{key: name}]
     """, 3, ["identity column 'nme'"]),
    ("""\
        branding: {primary_color: blue}
        sections: [{key: a, columns: [{key: x}]}]
     """, 1, ["not a 6-digit hex colour"]),
])
def test_broken_blueprints_name_file_and_line(in_tmp, body, line, words):
    path = write(in_tmp / "bad.yaml", body)
    issues = check_blueprint(str(path))
    assert issues, "expected an error"
    first = issues[0]
    assert first.file == "bad.yaml" and first.line == line, str(first)
    for word in words:
        assert word in str(first)
    assert "\n" not in str(first)


def test_cycle_is_reported(in_tmp):
    write(in_tmp / "a.yaml", "extends: ./b.yaml\n")
    write(in_tmp / "b.yaml", "extends: ./a.yaml\n")
    with pytest.raises(ValidationFailed) as err:
        load_blueprint("a.yaml")
    assert "cycle" in str(err.value) and "a.yaml" in str(err.value)


def test_error_in_inherited_value_points_at_the_child_override(in_tmp):
    write(in_tmp / "child.yaml", """\
        extends: map
        sections:
          - key: action_items
            columns:
              - key: importance
                choices: []
    """)
    issues = check_blueprint("child.yaml")
    assert issues[0].file == "child.yaml" and issues[0].line == 6
    assert "needs 'choices'" in issues[0].message or "choices" in issues[0].message


def test_billion_laughs_yaml_is_refused(in_tmp):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    write(in_tmp / "bomb.yaml", "\n".join(lines) + "\nsections: []\n")
    issues = check_blueprint("bomb.yaml")
    assert issues and "too large" in issues[0].message


def test_missing_blueprint_file_is_a_usage_error(in_tmp):
    with pytest.raises(MapgenError) as err:
        load_blueprint("nope/missing.yaml")
    assert "not found" in str(err.value)


def test_schema_describes_the_file_format():
    s = schema()
    assert s["title"] == "mapgen blueprint"
    props = s["properties"]
    for key in ("name", "version", "extends", "title", "intro", "how_to_use", "branding", "sections"):
        assert key in props
    column = s["$defs"]["Column"]["properties"]
    for key in ("key", "header", "type", "help", "width", "required", "internal", "choices"):
        assert key in column


def test_resolved_blueprint_data_uses_file_names():
    data = load_blueprint("saas").to_data()
    assert data["sections"][1]["columns"][0]["key"] == "phase"
    assert "remove" not in data["sections"][0]
    assert all(c["header"] for s in data["sections"] for c in s["columns"])


def test_schema_lists_the_column_types_for_editors():
    column = schema()["$defs"]["Column"]["properties"]["type"]
    assert column["enum"] == ["text", "longtext", "integer", "date", "choice", "percent"]
    assert "a whole number" in column["description"]


@pytest.mark.parametrize("body,line,words", [
    ("sections: [1, 2]\n", 1, "expected a mapping (key: value), got int 1"),
    ("extends: map\nsections:\n  - key: phases\n    columns: [3]\n", 4,
     "section 'phases': column entries must be mappings with a 'key' (got int 3)"),
    ("extends: map\nsections:\n  - 5\n", 3, "section entries must be mappings"),
    ('name: "../x"\nsections: [{key: a, columns: [{key: x}]}]\n', 1, "may hold only letters"),
    ("holidays: [notadate]\nsections: [{key: a, columns: [{key: x}]}]\n", 1,
     "holidays: 'notadate' is not a date"),
])
def test_wrong_shapes_are_plain_errors_in_the_right_file(in_tmp, body, line, words):
    (in_tmp / "t.yaml").write_text(body)
    issues = check_blueprint("t.yaml")
    assert issues and issues[0].file == "t.yaml" and issues[0].line == line, issues
    assert words in issues[0].message


def test_holidays_are_dates():
    import datetime as dt

    assert all(isinstance(h, dt.date) for h in load_blueprint("saas").holidays)
