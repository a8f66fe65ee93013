"""A command says what it skipped and why, says "Nothing written." when it writes nothing, takes
--name only where it names something, and does not repeat a plan's stored issues as news."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapgen.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def folder(in_tmp, runner) -> Path:
    """A folder of returned homework: a workbook, and what is not read beside it."""
    done = runner.invoke(main, ["generate", "--plan", str(FIXTURES / "deal.yaml"), "--format",
                                "xlsx", "--name", "ann", "--out", "returned"])
    assert done.exit_code == 0, done.output
    returned = in_tmp / "returned"
    (returned / "old").mkdir()
    (returned / "~$ann.xlsx").write_bytes(b"lock")
    (returned / "notes.txt").write_text("call Bob")
    (returned / ".DS_Store").write_bytes(b"")
    return returned


SKIPPED = {"old": "sub-folder", "~$ann.xlsx": "lock file", "notes.txt": "not one of the workbooks",
           ".DS_Store": "hidden file"}


@pytest.mark.parametrize("command", ["read", "merge"])
def test_a_folders_skipped_entries_are_named_with_the_reason(folder, runner, command):
    out = ["--out", "plan.json"]
    done = runner.invoke(main, [command, str(folder), *out, "--verbose"])
    assert done.exit_code == 0, done.output
    lines = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    assert len(lines) == len(SKIPPED)
    for name, reason in SKIPPED.items():
        assert any(f"{folder / name}: " in line and reason in line for line in lines), lines
    done = runner.invoke(main, [command, str(folder), "--out", "plan2.json"])  # a count
    counted = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    assert counted == [counted[0]] and "skipped 4 entries" in counted[0]
    assert "--verbose" in counted[0]


def test_read_skips_a_plan_file_in_a_folder_instead_of_failing(folder, runner):
    (folder / "plan.json").write_text("{}")
    done = runner.invoke(main, ["read", str(folder), "--out", "all.json", "-v"])
    assert done.exit_code == 0, done.output
    assert f"skipped {folder / 'plan.json'}: a plan file" in done.stderr


def test_shift_with_errors_says_nothing_was_written(in_tmp, runner):
    plan = Path("bad.yaml")
    plan.write_text((FIXTURES / "deal.yaml").read_text(encoding="utf-8").replace(
        "deadline: 2026-12-03", "deadline: someday", 1), encoding="utf-8")
    done = runner.invoke(main, ["shift", str(plan), "--go-live", "2027-04-01", "--out", "v2.yaml"])
    assert done.exit_code == 1, done.output
    assert "someday" in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "Nothing written."
    assert not Path("v2.yaml").exists()
    check = runner.invoke(main, ["blueprint", "check", str(plan)])  # only looks: no such line
    assert "Nothing written." not in check.stderr


def test_name_without_deals_names_the_files_or_is_refused(in_tmp, runner):
    done = runner.invoke(main, ["generate", "--plan", str(FIXTURES / "deal.yaml"),
                                "--name", "{buyer} plan", "--out", "."])
    assert done.exit_code == 0, done.output
    assert sorted(done.stdout.split("\n"))[1:] == ["Contoso plan.docx", "Contoso plan.xlsx"]
    done = runner.invoke(main, ["generate", "--name", "{buyer}", "--out", "blank"])
    assert done.exit_code == 2 and "gives no file name" in done.stderr
    assert not Path("blank").exists()
    assert runner.invoke(main, ["generate", "--name", "blank", "--out", "b"]).exit_code == 0
    assert Path("b", "blank.xlsx").is_file()


def test_stored_issues_are_counted_once_not_repeated(in_tmp, runner):
    data = json.loads(json.dumps(_plan_data(), default=str))
    data["issues"] = [{"severity": "warning", "code": "unknown-column", "file": "old.xlsx",
                       "message": f"stale warning {n}"} for n in range(13)]
    Path("plan.json").write_text(json.dumps(data), encoding="utf-8")
    for args in (["generate", "--plan", "plan.json", "--out", "out"],
                 ["status", "plan.json"]):
        done = runner.invoke(main, args)
        assert done.exit_code == 0, done.output
        assert "stale warning" not in done.stderr
        notes = [line for line in done.stderr.splitlines() if "13 issues" in line]
        assert len(notes) == 1 and "carried over" in notes[0] and "plan.json" in notes[0]
    Path("plan.json").write_text(json.dumps({**data, "issues": []}), encoding="utf-8")
    done = runner.invoke(main, ["generate", "--plan", "plan.json", "--out", "out2"])
    assert "carried over" not in done.stderr


def _plan_data() -> dict:
    import yaml

    return yaml.safe_load((FIXTURES / "deal.yaml").read_text(encoding="utf-8"))
