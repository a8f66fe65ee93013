"""Output paths by their suffix, through the CLI: a file's suffix says what it holds, a suffix that
fits no format of the command is refused in one line (exit 2, nothing written), and several
inputs to one file become one JSON (or YAML) list, never a folder named like a file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml

from mapgen.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def filled(in_tmp, runner) -> Path:
    done = runner.invoke(main, ["generate", "--plan", str(FIXTURES / "deal.yaml"), "--format",
                                "xlsx", "--name", "filled", "--out", "."])
    assert done.exit_code == 0, done.output
    return in_tmp / "filled.xlsx"


def refused(runner, *args: str) -> str:
    """Run a command that must be refused: exit 2, one line on stderr, nothing new written."""
    before = set(Path().rglob("*"))
    done = runner.invoke(main, list(args))
    assert done.exit_code == 2, done.output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert set(Path().rglob("*")) == before
    return lines[0]


def test_read_writes_yaml_by_suffix(filled, runner):
    for name in ("plan.yaml", "plan.yml"):
        assert runner.invoke(main, ["read", str(filled), "--out", name]).exit_code == 0
        data = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
        assert data["format"] == "mapgen-plan" and not Path(name).read_text().startswith("{")
    assert runner.invoke(main, ["read", str(filled), "--out", "plan.json"]).exit_code == 0
    assert json.loads(Path("plan.json").read_text())["format"] == "mapgen-plan"


def test_several_inputs_to_one_file_are_one_list(filled, runner):
    second = filled.with_name("second.xlsx")
    second.write_bytes(filled.read_bytes())
    for name, load in (("both.json", json.loads), ("both.yaml", yaml.safe_load)):
        done = runner.invoke(main, ["read", str(filled), str(second), "--out", name])
        assert done.exit_code == 0, done.output
        assert Path(name).is_file()
        plans = load(Path(name).read_text(encoding="utf-8"))
        assert [p["deal"]["buyer"] for p in plans] == ["Contoso", "Contoso"]
    done = runner.invoke(main, ["read", ".", "--out", "plans"])  # a folder: one file each
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in Path("plans").iterdir()) == ["filled.json", "second.json"]


@pytest.mark.parametrize("out, words", [
    ("plan.docx", "not '.docx'"), ("plan.csv", "give a folder, e.g. --out plan-csv/"),
    ("plan.txt", "not '.txt'")])
def test_read_refuses_a_suffix_of_no_plan_format(filled, runner, out, words):
    assert words in refused(runner, "read", str(filled), "--out", out)


def test_read_refuses_a_format_its_suffix_contradicts(filled, runner):
    line = refused(runner, "read", str(filled), "--format", "yaml", "--out", "plan.json")
    assert "JSON by its suffix" in line
    refused(runner, "read", str(filled), "--format", "csv", "--out", "plan.json")


def test_read_csv_into_a_folder(filled, runner):
    done = runner.invoke(main, ["read", str(filled), "--format", "csv", "--out", "plan-csv"])
    assert done.exit_code == 0, done.output
    assert (Path("plan-csv") / "phases.csv").is_file()


@pytest.mark.parametrize("command", ["status", "diff"])
def test_reports_refuse_a_suffix_of_no_report_format(in_tmp, runner, command):
    inputs = [str(FIXTURES / "review.yaml")] * (2 if command == "diff" else 1)
    line = refused(runner, command, *inputs, "--out", "report.docx")
    assert "'.docx'" in line
    refused(runner, command, *inputs, "--format", "json", "--out", "report.md")
    done = runner.invoke(main, [command, *inputs, "--out", "report.json"])
    assert done.exit_code == 0, done.output
    assert isinstance(json.loads(Path("report.json").read_text()), dict)
    assert runner.invoke(main, [command, *inputs, "--out", "report.md"]).exit_code == 0
    assert Path("report.md").read_text().lstrip().startswith(("#", "|", "**"))


def test_generate_writes_one_file_by_its_suffix(in_tmp, runner):
    done = runner.invoke(main, ["generate", "--plan", str(FIXTURES / "deal.yaml"), "--out",
                                "deal.docx"])
    assert done.exit_code == 0, done.output
    assert done.stdout.split() == ["deal.docx"]
    assert zipfile.ZipFile("deal.docx").namelist()  # a document, not a folder
    assert runner.invoke(main, ["generate", "--format", "xlsx", "--out", "blank.xlsx"]).exit_code == 0
    assert Path("blank.xlsx").is_file()
    assert "--force" not in refused(runner, "generate", "--out", "blank.txt")
    assert "mapgen read" in refused(runner, "generate", "--out", "plan.json")
    refused(runner, "generate", "--format", "xlsx", "--out", "x.docx")
    refused(runner, "generate", "--deals", str(FIXTURES / "deals" / "deals.csv"), "--out", "x.docx")
    done = runner.invoke(main, ["generate", "--format", "xlsx", "--out", "v1.2"])  # a folder
    assert done.exit_code == 0 and Path("v1.2", "map.xlsx").is_file(), done.output


@pytest.mark.parametrize("args", [["workshop", "--out", "kit.docx"],
                                  ["blueprint", "new", "acme", "--out", "acme.yaml"]])
def test_folder_outputs_refuse_a_files_name(in_tmp, runner, args):
    assert "folder" in refused(runner, *args)


def test_merge_report_by_suffix(filled, runner):
    done = runner.invoke(main, ["merge", str(filled), "--out", "m.xlsx", "--report", "r.yaml"])
    assert done.exit_code == 0, done.output
    assert yaml.safe_load(Path("r.yaml").read_text())["output"] == "m.xlsx"
    assert not Path("r.yaml").read_text().startswith("{")
    refused(runner, "merge", str(filled), "--out", "m2.xlsx", "--report", "r.txt")
    refused(runner, "merge", str(filled), "--out", "m2.txt")
