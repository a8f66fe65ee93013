"""The library names no command-line option: it raises typed errors, the command line
(mapgen/cli/) says them with the options that help."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import click
import pytest

import mapgen
from mapgen.cli import main
from mapgen.core.errors import BadArgument, FileExists, MapgenError
from mapgen.core.fileio import check_writable

ROOT = Path(mapgen.__file__).parent
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")

# Other programs' options: LibreOffice's and apt-get's (never mapgen's: checked below).
OTHER_PROGRAMS = {"--headless", "--norestore", "--nologo", "--convert-to", "--outdir",
                  "--no-install-recommends"}
# Options a library module may spell, and why. Keep it short; a fixed one goes from the list
# (test_the_list_holds_no_more_than_is_there fails while it stays).
ALLOWED = {
    "formats/pdf.py": OTHER_PROGRAMS,
    # the kit's guide and checklist show the facilitator the commands to type: the command
    # lines are the documents' content, not advice on an error
    "ops/workshop/kit.py": {"--blueprint", "--out", "--report", "--plan", "--audience",
                            "--format", "--participants"},
    # the registry's "what to do", printed for users in docs/issue-codes.md
    "core/issue_codes.py": {"--blueprint", "--date-order"},
}


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """The string constants of a module, docstrings left out (they document the command line)."""
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            docs.add(id(body[0].value))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docs]


def _library_flags() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("cli/"):
            continue
        for node in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            for flag in FLAG.findall(node.value):
                found.setdefault(rel, set()).add(flag)
    return found


def test_no_library_string_names_a_command_line_option():
    spelled = {rel: flags - ALLOWED.get(rel, set()) for rel, flags in _library_flags().items()}
    assert {rel: sorted(flags) for rel, flags in spelled.items() if flags} == {}


def test_the_list_holds_no_more_than_is_there():
    found = _library_flags()
    assert {rel: sorted(flags - found.get(rel, set())) for rel, flags in ALLOWED.items()
            if flags - found.get(rel, set())} == {}


def test_the_scan_finds_a_flag_where_one_is_written():
    tree = ast.parse('"""Docs may say --force."""\nX = f"{path} exists; use --force"\n')
    assert [FLAG.findall(n.value) for n in _strings(tree)] == [["--force"]]


def _options(command: click.Command) -> set[str]:
    opts = {o for p in command.params for o in p.opts + p.secondary_opts if o.startswith("--")}
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            opts |= _options(command.get_command(ctx, name))
    return opts


def test_other_programs_options_are_none_of_mapgens():
    assert "--force" in _options(main) and not OTHER_PROGRAMS & _options(main)


def test_an_existing_file_is_a_typed_error(tmp_path):
    taken = tmp_path / "plan.json"
    taken.write_text("{}")
    with pytest.raises(FileExists) as caught:
        check_writable(taken, force=False)
    assert caught.value.path == taken and str(caught.value) == f"{taken} already exists"
    again = pickle.loads(pickle.dumps(caught.value))  # as a worker process sends it
    assert isinstance(again, FileExists) and again.path == taken
    # the command line's words: tests/test_merge.py, tests/test_workshop.py


def test_a_bad_argument_names_the_parameter_and_the_command_line_its_option():
    exc = BadArgument("{-row} '{text}': write it as SECTION:N; or {-go_live}", text="{x}")
    assert str(exc) == "row '{x}': write it as SECTION:N; or go_live" and exc.names == ["row", "go_live"]
    assert exc.say(lambda name: "--" + name.replace("_", "-")) == (
        "--row '{x}': write it as SECTION:N; or --go-live")
    again = pickle.loads(pickle.dumps(exc))
    assert isinstance(again, BadArgument) and str(again) == str(exc)
    assert isinstance(exc, MapgenError)


def test_shift_says_its_options_on_the_command_line_only(runner, in_tmp):
    import json

    from mapgen.model.blueprint import load_blueprint
    from mapgen.ops.inputs import load_input
    from mapgen.ops.shift import shift_plan

    (in_tmp / "plan.json").write_text(json.dumps({
        "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "map"},
        "deal": {"go_live": "2027-05-03"}, "sections": {}}))
    found, bp = load_input(in_tmp / "plan.json")
    with pytest.raises(BadArgument) as caught:
        shift_plan(found.plan, bp, row="phases:99", by="1w")
    assert str(caught.value).startswith("row phases:99: section 'phases' has ")
    with pytest.raises(BadArgument, match=r"^go_live: 'someday' is not a date"):
        shift_plan(found.plan, load_blueprint("map"), deal={"go_live": "someday"})
    result = runner.invoke(main, ["shift", "plan.json", "--row", "phases:99", "--by", "1w",
                                  "--out", "x.json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --row phases:99: section 'phases' has ")


def test_a_batch_over_existing_files_says_force(runner, in_tmp):
    (in_tmp / "crm.csv").write_text("name,buyer,go_live\nRollout,Contoso,2027-05-03\n")
    args = ["generate", "--deals", "crm.csv", "--format", "md", "--out", "o"]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert "already exists" in again.stderr and "use --force to overwrite 1 existing file" in again.stderr


def test_an_issue_gets_its_option_on_the_command_line_only(runner, in_tmp):
    import json

    Path("blueprints").mkdir()
    Path("blueprints/acme.yaml").write_text("name: acme\nextends: map\n", encoding="utf-8")
    made = runner.invoke(main, ["generate", "-b", "acme", "--format", "xlsx", "--out", "out"])
    assert made.exit_code == 0, made.output
    Path("blueprints/acme.yaml").unlink()
    (book,) = Path("out").glob("*.xlsx")
    result = runner.invoke(main, ["read", str(book), "--out", "plan.json"])
    assert result.exit_code == 0, result.output
    assert ("the workbook was made from blueprint 'acme', which is not found here; read with "
            "'map' (give --blueprint to choose)") in result.stderr
    (issue,) = [i for i in json.loads(Path("plan.json").read_text())["issues"]
                if i["code"] == "unknown-blueprint"]
    assert issue["message"].endswith("read with 'map'")  # the plan's issue names no option
