"""The blueprint commands through click's CliRunner."""

import json

from mapgen.cli import main


def test_list_shows_builtin_blueprints(runner):
    result = runner.invoke(main, ["blueprint", "list"])
    assert result.exit_code == 0
    assert "map" in result.output and "saas" in result.output


def test_show_json_gives_the_eight_sections(runner):
    result = runner.invoke(main, ["blueprint", "show", "map", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [s["key"] for s in data["sections"]] == [
        "objective", "phases", "action_items", "stakeholders", "communication", "tools",
        "monitoring", "feedback"]


def test_show_yaml(runner):
    result = runner.invoke(main, ["blueprint", "show", "saas"])
    assert result.exit_code == 0 and "exit_criteria" in result.output


def test_check_passes_builtin_and_example(runner):
    for name in ("blueprints/map.yaml", "blueprints/examples/saas.yaml"):
        result = runner.invoke(main, ["blueprint", "check", name])
        assert result.exit_code == 0, result.output


def test_check_rejects_broken_with_exit_1_and_file_line(runner, in_tmp):
    (in_tmp / "bad.yaml").write_text("extends: map\nsections:\n  - key: phases\n    columns:\n"
                                     "      - key: deadline\n        type: dat\n")
    result = runner.invoke(main, ["blueprint", "check", "bad.yaml"])
    assert result.exit_code == 1
    assert "bad.yaml:6:" in result.output and "unknown type 'dat'" in result.output
    assert "Traceback" not in result.output


def test_check_missing_file_is_exit_2(runner, in_tmp):
    result = runner.invoke(main, ["blueprint", "check", "missing.yaml"])
    assert result.exit_code == 2 and "not found" in result.output


def test_new_writes_a_file_that_passes_check_and_never_overwrites(runner, in_tmp):
    result = runner.invoke(main, ["blueprint", "new", "acme", "--extends", "map"])
    assert result.exit_code == 0, result.output
    path = in_tmp / "blueprints" / "acme.yaml"
    assert path.exists() and path.read_text().startswith("#")
    assert runner.invoke(main, ["blueprint", "check", str(path)]).exit_code == 0
    again = runner.invoke(main, ["blueprint", "new", "acme"])
    assert again.exit_code == 2 and "--force" in again.output
    listed = runner.invoke(main, ["blueprint", "list"])
    assert "acme" in listed.output


def test_new_rejects_odd_names(runner, in_tmp):
    result = runner.invoke(main, ["blueprint", "new", "../evil"])
    assert result.exit_code == 2 and not (in_tmp.parent / "evil.yaml").exists()


def test_schema_is_json(runner):
    result = runner.invoke(main, ["blueprint", "schema"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "mapgen blueprint"
