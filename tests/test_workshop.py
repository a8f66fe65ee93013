"""The workshop kit: participants, the derived agenda, the kit's files, refusals and failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.workshop import (
    SESSION_MAX,
    SESSION_MIN,
    Session,
    agenda,
    make_workshop,
    parse_participants,
)


def _blueprint(tmp_path: Path, sections: int, columns: int = 6, blank_rows: int = 8):
    """A blueprint file with ``sections`` plain sections, loaded."""
    data = {"name": f"wide{sections}", "title": "Wide plan", "sections": [
        {"key": f"s{i}", "title": f"Part {i}", "blank_rows": blank_rows,
         "instructions": f"Fill part {i}.",
         "columns": [{"key": f"c{j}", "type": "text"} for j in range(columns)]}
        for i in range(sections)]}
    path = tmp_path / f"wide{sections}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_blueprint(path)


def _assert_well_formed(session: Session) -> None:
    """2-4 hours, 5-minute boxes back to back, a break exactly when over 2 hours."""
    assert SESSION_MIN <= session.minutes <= SESSION_MAX
    items = session.items
    assert items[0].kind == "welcome" and items[-1].kind == "wrapup"
    assert all(i.minutes > 0 and i.minutes % 5 == 0 for i in items)
    assert [i.start for i in items] == [sum(x.minutes for x in items[:n]) for n in range(len(items))]
    breaks = [i for i in items if i.kind == "break"]
    assert len(breaks) == (1 if session.minutes > SESSION_MIN else 0)
    assert all(i.minutes >= 10 for i in items if i.kind == "sections")


# --------------------------------------------------------------------------- participants

def test_participants_from_names_tidy_spacing():
    assert parse_participants(" Ann   Lee, Bob Diaz ,Cleo Park") == ["Ann Lee", "Bob Diaz", "Cleo Park"]
    assert parse_participants(None) == [] and parse_participants("  ") == []
    assert parse_participants("Ann,,Bob,") == ["Ann", "Bob"]  # empty entries are dropped
    assert parse_participants("A/B,") == ["A/B"]  # a comma says: names, not a file


def test_participants_from_file_skip_comments_and_keep_commas(tmp_path):
    team = tmp_path / "team.txt"
    team.write_text("\ufeff# sales\nAnn Lee\n\n   Bob   Diaz \n# customer success\nLee, Ann\n"
                    "{{ deal.buyer }}\n", encoding="utf-8")
    assert parse_participants(str(team)) == ["Ann Lee", "Bob Diaz", "Lee, Ann", "{{ deal.buyer }}"]


def test_participants_file_duplicate_names_its_line(tmp_path):
    team = tmp_path / "team.txt"
    team.write_text("Ann Lee\n# comment\nann lee\n", encoding="utf-8")
    with pytest.raises(MapgenError, match=r"team\.txt:3: 'ann lee' is listed twice"):
        parse_participants(str(team))


@pytest.mark.parametrize(("value", "message"), [
    ("Ann, Bob, ANN", "'ANN' is listed twice"),
    ("missing.txt", "no such participants file"),
    ("people/team", "no such participants file"),
    (",".join(f"P{i}" for i in range(201)), "201 participants; at most 200"),
    ("x" * 101 + ", Bob", "longer than 100 characters"),
    ("Ann\x07, Bob", "control"),
])
def test_participants_refused(value, message, in_tmp):
    with pytest.raises(MapgenError, match=message):
        parse_participants(value)


def test_participants_file_not_utf8(tmp_path):
    team = tmp_path / "team.txt"
    team.write_bytes("Zoë\n".encode("latin-1"))
    with pytest.raises(MapgenError, match="not UTF-8"):
        parse_participants(str(team))


# --------------------------------------------------------------------------- agenda

def test_default_agenda_splits_the_eight_sections():
    one, two = agenda(load_blueprint("map")).sessions
    assert one.sections == ["objective", "phases", "action_items", "stakeholders"]
    assert two.sections == ["communication", "tools", "monitoring", "feedback"]
    for session in (one, two):
        _assert_well_formed(session)
    assert [i.kind for i in one.items if i.kind not in ("sections", "break")] == [
        "welcome", "homework", "wrapup"]
    assert [i.kind for i in two.items if i.kind not in ("sections", "break")] == [
        "welcome", "review", "owners", "feedback", "wrapup"]
    assert two.items[1].kind == "review"  # the merged homework comes first
    blocks = {i.sections[0]: i.minutes for s in (one, two) for i in s.items if i.sections}
    assert blocks["action_items"] > blocks["objective"]  # 8 columns and 8 rows vs 2 and 3
    owners = next(i for i in two.items if i.kind == "owners")
    assert "Action Items" in owners.produce


def test_company_blueprint_gets_its_own_agenda():
    plan = agenda(load_blueprint("saas"))
    one, two = plan.sessions
    assert one.sections == ["objective", "phases", "action_items", "stakeholders", "risks"]
    assert plan.section_titles["risks"] == "5. Risks (seller only)"
    assert plan.section_titles["phases"] == "2. Phases and Milestones"
    assert plan.session_of("risks") == 1 and plan.session_of("feedback") == 2
    assert one.minutes != agenda(load_blueprint("map")).sessions[0].minutes
    for session in (one, two):
        _assert_well_formed(session)


def test_twelve_sections_still_fit_in_four_hours(tmp_path):
    bp = _blueprint(tmp_path, 12, columns=10, blank_rows=20)  # 45 minutes each before fitting
    sessions = agenda(bp).sessions
    assert [k for s in sessions for k in s.sections] == [f"s{i}" for i in range(12)]
    for session in sessions:
        _assert_well_formed(session)
        assert session.minutes == SESSION_MAX
    assert all(i.minutes < 45 for s in sessions for i in s.items if i.sections)


def test_many_sections_share_blocks(tmp_path):
    sessions = agenda(_blueprint(tmp_path, 60, columns=3)).sessions
    assert [k for s in sessions for k in s.sections] == [f"s{i}" for i in range(60)]
    for session in sessions:
        _assert_well_formed(session)
    assert any(len(i.sections) > 1 for s in sessions for i in s.items)


def test_one_section_blueprint_stretches_to_two_hours(tmp_path):
    one, two = agenda(_blueprint(tmp_path, 1, columns=1, blank_rows=0)).sessions
    assert one.minutes == two.minutes == SESSION_MIN
    assert one.sections == ["s0"] and two.sections == []
    for session in (one, two):
        _assert_well_formed(session)


# --------------------------------------------------------------------------- the kit

def _docx_text(path: Path) -> tuple[list[tuple[str, str]], list[list[list[str]]]]:
    """(style, text) of each paragraph, and each table as rows of cell texts."""
    import docx

    doc = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return paragraphs, tables


def test_kit_for_participants(tmp_path):
    from openpyxl import load_workbook

    from mapgen.formats.xlsx.meta import read_meta

    kit = tmp_path / "kit"
    names = ["Ann Lee", "A/B", "A-B", "{{ deal.buyer }}"]
    seen: list[Path] = []
    paths = make_workshop(load_blueprint("saas"), participants=names, out_dir=kit,
                          progress=seen.append)
    assert seen == paths
    rel = sorted(p.relative_to(kit).as_posix() for p in paths)
    stems = ["A-B", "A-B-2", "Ann Lee", "{{ deal.buyer }}"]
    assert rel == sorted(["CHECKLIST.md", "facilitator-guide.docx", "deal.yaml",
                          *(f"handouts/{s}.docx" for s in stems),
                          *(f"homework/{s}.xlsx" for s in stems)])
    assert (kit / "returned").is_dir() and not any((kit / "returned").iterdir())

    for name, stem in zip(names, ["Ann Lee", "A-B", "A-B-2", "{{ deal.buyer }}"], strict=True):
        wb = load_workbook(kit / "homework" / f"{stem}.xlsx", read_only=True)
        meta = read_meta(wb)
        wb.close()
        assert meta is not None and meta.participant == name  # a name is data, never rendered
        assert meta.blueprint["name"] == "saas" and meta.audience == "internal"

    checklist = (kit / "CHECKLIST.md").read_text(encoding="utf-8")
    assert "| {{ deal.buyer }} | handouts/{{ deal.buyer }}.docx |" in checklist
    # the commands run from the kit folder, wherever it is: no absolute path in the kit
    assert "# cd into the kit folder (the one holding CHECKLIST.md), then:" in checklist
    assert str(tmp_path) not in checklist and str(tmp_path.resolve()) not in checklist
    # saas dates its standard rows from go_live and close: the merge reads them from deal.yaml
    assert ("mapgen merge deal.yaml returned/ --out session-2/consolidated.xlsx "
            "--report session-2/merge-report.json" in checklist)
    assert "Fill in the deal's close and go\\_live dates in deal.yaml" in checklist
    stub = yaml.safe_load((kit / "deal.yaml").read_text(encoding="utf-8"))
    assert stub["deal"] == {"close": None, "go_live": None}
    assert stub["blueprint"]["name"] == "saas"
    assert "--blueprint" not in checklist  # a built-in blueprint is found by its name

    paragraphs, tables = _docx_text(kit / "facilitator-guide.docx")
    headings = [t for s, t in paragraphs if s.startswith("Heading")]
    assert headings == ["The goal of the workshops", "Who to invite", "Agenda",
                        "Session 1 (3 h 20 min)", "Session 2 (3 h 10 min)",
                        "Homework between the sessions",
                        "Collect and merge the homework with mapgen",
                        "After session 2: feedback and training"]
    text = "\n".join(t for _, t in paragraphs)
    assert "sales enablement" in text.lower() and "customer success" in text.lower()
    assert "champion" in text
    assert "Plan together: build the MAP" in text  # the blueprint's how_to_use
    assert "mapgen merge deal.yaml returned/ --out session-2/consolidated.docx" in text
    assert str(tmp_path) not in text and str(tmp_path.resolve()) not in text
    people, session1, session2 = tables
    assert [r[0] for r in people[1:]] == names
    assert session1[0] == ["Time", "Min", "Block", "What to produce"]
    assert [r[2] for r in session1[1:]] == [
        "Welcome and goal", "1. Objective", "2. Phases and Milestones", "Break", "3. Action Items",
        "4. Stakeholders Identification", "5. Risks (seller only)", "Homework brief", "Wrap-up"]
    assert session2[2][2] == "Review the merged homework"
    assert sum(int(r[1]) for r in session1[1:]) == 200

    import docx

    doc = docx.Document(str(kit / "facilitator-guide.docx"))
    assert str(doc.styles["Heading 1"].font.color.rgb) == "0B6E4F"  # saas brand colour
    assert doc.styles["Normal"].font.name == "Calibri"


def test_kit_without_participants_and_with_a_plan(tmp_path):
    from openpyxl import load_workbook

    from mapgen.formats.xlsx.meta import read_meta

    plan_file = tmp_path / "deal.json"
    plan_file.write_text(json.dumps({
        "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "saas"},
        # the bell is a control character that XML cannot hold
        "deal": {"name": "Pilot\u0007", "buyer": "Acme", "start": "2026-12-01", "close": "2027-02-15",
                 "go_live": "2027-04-01"},
        "sections": {"stakeholders": [{"name": "Sarah", "role": "CFO"}]}}), encoding="utf-8")
    from mapgen.model.plan import load_plan

    plan = load_plan(plan_file)
    kit = tmp_path / "kit"
    paths = make_workshop(load_blueprint("saas"), plan=plan, participants=[], out_dir=kit)
    assert sorted(p.relative_to(kit).as_posix() for p in paths) == [
        "CHECKLIST.md", "facilitator-guide.docx", "handouts/Acme - Pilot.docx",
        "homework/Acme - Pilot.xlsx"]
    wb = load_workbook(kit / "homework" / "Acme - Pilot.xlsx", read_only=True)
    meta = read_meta(wb)
    wb.close()
    assert meta.participant is None and meta.mode == "prefilled" and meta.deal["buyer"] == "Acme"
    paragraphs, _ = _docx_text(kit / "facilitator-guide.docx")
    text = "\n".join(t for _, t in paragraphs)
    assert "Deal facts: Deal: Pilot, Buyer: Acme" in text and "1 Apr 2027" in text
    assert "Mutual Action Plan: Acme and Nimbus Analytics" in text  # blueprint title rendered
    checklist = (kit / "CHECKLIST.md").read_text(encoding="utf-8")
    assert "no participant names" in checklist
    assert "deal.yaml" not in checklist  # the plan gave the dates


def test_prepared_kit_gives_its_warnings_without_printing(tmp_path, capsys):
    from mapgen.core.errors import Issue
    from mapgen.ops.workshop import prepare_workshop

    kit = tmp_path / "kit"
    prepared = prepare_workshop(load_blueprint("saas"), participants=["Ann", "Bob"], out_dir=kit)
    assert not kit.exists()  # nothing written yet
    (warning,) = prepared.warnings
    assert isinstance(warning, Issue) and warning.severity == "warning"
    assert str(warning) == (f"blueprint 'saas' dates its standard rows from the deal's close and "
                            f"go_live dates; fill them in {kit / 'deal.yaml'} before the merge")
    # the library names no option: the command line adds ", or make the kit with --plan"
    # (tests/test_workshop_loop.py)
    assert prepared.names == ["Ann", "Bob"]
    seen: list[Path] = []
    assert prepared.write(seen.append) == seen == prepared.paths
    assert capsys.readouterr() == ("", "")


def test_prepared_kit_tells_of_the_missing_deal_dates(tmp_path):
    from mapgen.ops.workshop import prepare_workshop

    saas = prepare_workshop(load_blueprint("saas"), participants=[], out_dir=tmp_path / "kit")
    assert [(w.severity, w.code) for w in saas.warnings] == [("warning", "deal-dates-missing")]
    assert prepare_workshop(load_blueprint("map"), participants=[], out_dir=tmp_path).warnings == ()
    assert not (tmp_path / "kit").exists()


def test_names_must_come_as_a_list(tmp_path):
    with pytest.raises(TypeError, match="parse_participants"):
        make_workshop(load_blueprint("map"), participants="Ann, Bob", out_dir=tmp_path)


def test_local_blueprint_commands_name_its_path(tmp_path):
    bp = _blueprint(tmp_path, 3)
    kit = tmp_path / "kit"
    make_workshop(bp, participants=["Ann"], out_dir=kit)
    checklist = (kit / "CHECKLIST.md").read_text(encoding="utf-8")
    assert f"mapgen merge returned/ --blueprint {bp.source}" in checklist


def _guide_commands(path: Path) -> list[tuple[str, float]]:
    """The lines of the guide's command blocks (its monospace paragraphs), with their size."""
    import docx

    from mapgen.formats.docx.guide import CODE_FONT

    return [(p.text, p.runs[0].font.size.pt) for p in docx.Document(str(path)).paragraphs
            if p.runs and p.runs[0].font.name == CODE_FONT]


def test_guide_commands_break_between_arguments_only(tmp_path):
    import re

    from mapgen.formats.docx.guide import CODE_PT, INDENT

    # a company blueprint whose path (95 characters) is too long for a line of its own
    folder = tmp_path / ("b" * (95 - len(str(tmp_path)) - len("/wide3.yaml") - 1))
    folder.mkdir()
    bp = _blueprint(folder, 3)
    assert len(str(bp.source)) == 95
    kit = tmp_path / "kit"
    make_workshop(bp, participants=["Ann"], out_dir=kit)
    lines = _guide_commands(kit / "facilitator-guide.docx")
    assert any(line.endswith(" \\") for line, _ in lines)  # the long ones are continued
    width = 89  # 9 pt monospace across a Letter page, measured generously
    for line, size in lines:
        assert not line.rstrip(" \\").endswith(("/", "-"))  # lines end between words
        if line.strip(" \\") == str(bp.source):  # alone on its line, set smaller to fit
            assert size * len(line) <= CODE_PT * width
        else:
            assert len(line) <= width and size == CODE_PT
    # joined again, the guide's commands are the checklist's, word for word
    joined = re.sub(r" \\\n" + INDENT, " ", "\n".join(t for t, _ in lines)).splitlines()
    checklist = (kit / "CHECKLIST.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", checklist, flags=re.S)
    assert joined == [line for block in blocks for line in block.splitlines()]
    assert f"--blueprint {bp.source}" in joined[1]


@pytest.mark.parametrize(("command", "width", "lines"), [
    ("mapgen read a.xlsx --out b.json", 40, ["mapgen read a.xlsx --out b.json"]),
    ("mapgen merge r/*.xlsx --out s-2/c.xlsx --report s-2/m.json", 30,
     ["mapgen merge r/*.xlsx \\", "  --out s-2/c.xlsx \\", "  --report s-2/m.json"]),
    ("mapgen merge x --blueprint '/my blueprints/it'\"'\"'s.yaml' --out o", 30,
     ["mapgen merge x --blueprint \\", "  '/my blueprints/it'\"'\"'s.yaml' \\", "  --out o"]),
    ("# a comment that is longer than the line", 10, ["# a comment that is longer than the line"]),
])
def test_command_lines(command, width, lines):
    import shlex

    from mapgen.formats.docx.guide import command_lines

    assert command_lines(command, width) == lines
    assert shlex.split(" ".join(lines).replace(" \\ ", " ")) == shlex.split(command)


# --------------------------------------------------------------------------- refusals

def test_existing_target_writes_nothing_without_force(runner, in_tmp):
    guide = in_tmp / "kit" / "facilitator-guide.docx"
    guide.parent.mkdir()
    guide.write_bytes(b"mine")
    result = runner.invoke(main, ["workshop", "--participants", "Ann, Bob", "--out", "kit"])
    assert result.exit_code == 2
    assert "already exists; use --force" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in (in_tmp / "kit").rglob("*")) == ["facilitator-guide.docx"]
    assert guide.read_bytes() == b"mine"
    forced = runner.invoke(main, ["workshop", "--participants", "Ann, Bob", "--out", "kit",
                                  "--force"])
    assert forced.exit_code == 0, forced.output
    assert guide.read_bytes()[:2] == b"PK"
    assert len(forced.stdout.splitlines()) == 6  # guide, checklist, 2 handouts, 2 workbooks


@pytest.mark.parametrize(("args", "message"), [
    (["--participants", "Ann, ann"], "'ann' is listed twice"),
    (["--participants", "team.txt"], "team.txt: no such participants file"),
    (["--blueprint", "nosuch"], "no blueprint named 'nosuch'"),
    (["--plan", "missing.json"], "missing.json: no such plan file"),
])
def test_unusable_input_is_exit_2_and_writes_nothing(runner, in_tmp, args, message):
    result = runner.invoke(main, ["workshop", "--out", "kit", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (in_tmp / "kit").exists()


def test_plan_warnings_are_told_and_the_kit_is_made(runner, in_tmp):
    (in_tmp / "deal.json").write_text(json.dumps({
        "blueprint": {"name": "map"}, "sections": {"stakeholders": [{"name": "Sarah", "hat": "red"}]}}),
        encoding="utf-8")
    result = runner.invoke(main, ["workshop", "--plan", "deal.json", "--out", "kit"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ("warning: deal.json: section 'stakeholders' row 1: 'hat' is not a "
                             "column of the blueprint; kept as an extra column\n")
    assert len(result.stdout.splitlines()) == 4 and (in_tmp / "kit" / "CHECKLIST.md").is_file()


def test_plan_without_the_dates_the_blueprint_needs_is_exit_1(runner, in_tmp):
    (in_tmp / "deal.json").write_text(json.dumps({"blueprint": {"name": "saas"},
                                                  "deal": {"buyer": "Acme"}}), encoding="utf-8")
    result = runner.invoke(main, ["workshop", "--plan", "deal.json", "--out", "kit"])
    assert result.exit_code == 1
    assert "go_live" in result.stderr and "Traceback" not in result.output
    assert not (in_tmp / "kit").exists()


def test_a_failing_writer_leaves_no_files_behind(tmp_path, monkeypatch):
    import mapgen.ops.generate

    def failing(view, fmt, protect=False):
        def write(path):
            if fmt == "xlsx":
                raise OSError("disk full")
            path.write_bytes(b"docx")
        return write

    monkeypatch.setattr(mapgen.ops.generate, "view_writer", failing)
    with pytest.raises(OSError, match="disk full"):
        make_workshop(load_blueprint("map"), participants=["Ann", "Bob"],
                      out_dir=tmp_path / "out" / "kit")
    assert not (tmp_path / "out").exists()
