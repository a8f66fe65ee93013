"""``mapgen generate``: paths printed, never overwriting, all formats or none, odd targets."""

import os

from mapgen.cli import main


def test_generate_prints_the_paths_it_wrote(runner, in_tmp):
    result = runner.invoke(main, ["generate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["output/map.xlsx", "output/map.docx"]
    assert (in_tmp / "output" / "map.xlsx").stat().st_size > 5000


def test_generate_never_overwrites_without_force(runner, in_tmp):
    assert runner.invoke(main, ["generate", "--format", "xlsx"]).exit_code == 0
    target = in_tmp / "output" / "map.xlsx"
    os.utime(target, (1, 1))
    again = runner.invoke(main, ["generate", "--format", "xlsx"])
    assert again.exit_code == 2 and "--force" in again.output
    assert target.stat().st_mtime == 1
    forced = runner.invoke(main, ["generate", "--format", "xlsx", "--force"])
    assert forced.exit_code == 0 and target.stat().st_mtime > 1


def test_buyer_edition_gets_its_own_name(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--audience", "buyer", "--out", "b"])
    assert result.stdout.splitlines() == ["b/map-buyer.xlsx", "b/map-buyer.docx"]


def test_a_failing_format_leaves_no_file_at_all(runner, in_tmp):
    # the .docx needs the logo, which is missing: the .xlsx must not be left behind either
    (in_tmp / "acme.yaml").write_text("extends: map\nbranding: {logo: missing-logo.png}\n")
    result = runner.invoke(main, ["generate", "--blueprint", "acme.yaml", "--out", "out"])
    assert result.exit_code == 2 and "missing-logo.png" in result.output
    assert "Traceback" not in result.output
    out = in_tmp / "out"
    assert not out.exists() or [p.name for p in out.iterdir()] == []


def test_unwritable_target_is_one_line_exit_2(runner, in_tmp):
    (in_tmp / "blocker").write_text("a file where a folder should be")
    result = runner.invoke(main, ["generate", "--out", "blocker/sub"])
    assert result.exit_code == 2
    assert "cannot write there" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
