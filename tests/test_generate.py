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


def test_control_characters_in_deal_facts_are_dropped_not_fatal(runner, in_tmp):
    """A CRM field with an escape or a bell in it (a name pasted from a terminal): every format
    is written, the properties and texts without the character XML cannot hold."""
    import zipfile

    (in_tmp / "deal.yaml").write_text(
        'deal:\n  name: "Road\\x1bmap"\n  buyer: "Con\\x07toso"\n  seller: Nimbus\n'
        "  start: 2026-12-01\n  close: 2027-02-01\n  go_live: 2027-03-01\n", encoding="utf-8")
    written = []
    for fmt in ("xlsx", "docx", "md", "ics"):
        result = runner.invoke(main, ["generate", "--blueprint", "saas", "--plan", "deal.yaml",
                                      "--format", fmt, "--out", "out"])
        assert result.exit_code == 0, result.output
        written += [in_tmp / p for p in result.stdout.splitlines()]
    assert len(written) == 4 and all(p.stat().st_size for p in written)
    for path in written:
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as zf:
                core = zf.read("docProps/core.xml").decode()
            assert "Contoso" in core and "\x07" not in core and "\x1b" not in core
