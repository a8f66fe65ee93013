"""Issue codes are a contract: one registry, every issue made from it, the docs written from it."""

import ast
import json
import re
from pathlib import Path

import pytest

from mapgen.core.errors import Issue
from mapgen.core.issue_codes import CODES, GROUPS, REGISTRY, UnknownIssueCode, lookup, markdown

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "mapgen"
DOC = ROOT / "docs" / "issue-codes.md"

# Calls whose first positional argument is an issue code.
_CODE_FIRST = {"Issue", "FieldError", "_issue", "issue", "finding"}
# Calls whose code is a later positional argument (its place differs between the readers):
# any positional argument shaped like a code (a message has spaces), severities aside.
_CODE_LATER = {"_cell_issue"}
_CODE = re.compile(r"[a-z]+(-[a-z]+)*")


def _strings(node: ast.AST | None) -> list[str]:
    """The string constants an expression may give: a literal, or either side of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                                and isinstance(node.value, str))


def code_literals() -> dict[str, list[str]]:
    """Every string literal that stands where an issue code goes in mapgen/, with its places."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            codes: list[str] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in _CODE_FIRST and node.args:
                    codes += _strings(node.args[0])
                if name in _CODE_LATER:
                    codes += [s for a in node.args for s in _strings(a)
                              if _CODE.fullmatch(s) and s not in ("error", "warning")]
                codes += [s for k in node.keywords if k.arg == "code" for s in _strings(k.value)]
            elif isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                    codes += [s for s in _strings(node.value) if _CODE.fullmatch(s)]
            elif isinstance(node, ast.arguments):
                args = node.args[len(node.args) - len(node.defaults):] + node.kwonlyargs
                defaults = node.defaults + node.kw_defaults
                codes += [s for a, d in zip(args, defaults, strict=False) if a.arg == "code"
                          for s in _strings(d)]
            elif isinstance(node, ast.Dict):
                codes += [s for k, v in zip(node.keys, node.values, strict=True)
                          if isinstance(k, ast.Constant) and k.value == "code" for s in _strings(v)]
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _is_text(node.elts[1]):
                # a doubtful value's warning: ("ambiguous-date", "... read as ...")
                codes += [s for s in _strings(node.elts[0]) if _CODE.fullmatch(s) and "-" in s]
            for code in codes:
                found.setdefault(code, []).append(f"{where}:{getattr(node, 'lineno', '?')}")
    return found


def test_every_code_literal_is_registered_and_every_registered_code_is_used():
    found = code_literals()
    assert len(found) > 50 and "outside-table" in found and "unknown-phase" in found
    unknown = {code: places for code, places in found.items() if code not in REGISTRY}
    assert not unknown, f"add these codes to mapgen/core/issue_codes.py: {unknown}"
    unused = sorted(set(REGISTRY) - set(found))
    assert not unused, f"registered but made nowhere: {unused}"


def test_registry_entries_are_well_formed():
    assert len(REGISTRY) == len(CODES), "a code is registered twice"
    for entry in CODES:
        assert _CODE.fullmatch(entry.code), entry.code
        assert entry.severity in ("error", "warning"), entry.code
        assert entry.group in GROUPS, entry.code
        assert entry.means.endswith(".") and entry.do.endswith("."), entry.code


def test_an_issue_with_an_unregistered_code_cannot_be_made():
    with pytest.raises(UnknownIssueCode, match="'no-such-code' is not registered"):
        Issue("no-such-code", "message")
    with pytest.raises(UnknownIssueCode):
        lookup("Outside-Table")
    with pytest.raises(ValueError, match="severity"):
        Issue("outside-table", "message", severity="fatal")


def test_severity_defaults_to_the_registered_one_and_may_be_given():
    assert Issue("outside-table", "m").severity == "warning"
    assert Issue("invalid-date", "m").severity == "error"
    assert Issue("invalid-date", "m", severity="warning").severity == "warning"


def test_a_code_read_from_a_plan_file_is_kept_as_it_is():
    """A plan written by another version of mapgen may carry codes this one does not know."""
    issue = Issue.from_dict({"code": "from-the-future", "message": "m", "hint": "kept"})
    assert (issue.code, issue.severity, issue.extra) == ("from-the-future", "error", {"hint": "kept"})
    assert issue.to_dict() == {"severity": "error", "code": "from-the-future", "message": "m",
                               "hint": "kept"}


def test_status_findings_of_the_contract_are_registered_as_warnings():
    for code in ("unknown-phase", "phase-without-actions", "after-go-live",
                 "action-after-milestone", "stakeholder-not-engaged", "unowned", "undated"):
        assert (REGISTRY[code].group, REGISTRY[code].severity) == ("status", "warning")


def test_the_issue_codes_page_is_written_from_the_registry():
    assert DOC.read_text(encoding="utf-8") == markdown(), \
        "docs/issue-codes.md is out of date: run `make issue-codes`"
    for entry in CODES:
        assert f"| `{entry.code}` | {entry.severity} |" in DOC.read_text(encoding="utf-8")


def test_the_issue_codes_page_is_linked_from_the_architecture_and_the_readme():
    for page in (ROOT / "README.md", ROOT / "docs" / "architecture.md"):
        assert "issue-codes.md" in page.read_text(encoding="utf-8"), page


def test_codes_met_on_a_real_read_are_registered_with_their_severity(tmp_path, runner):
    """Through the CLI: a plan file with a bad date and an unknown column."""
    from mapgen.cli import main

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({
        "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "map"},
        "deal": {"name": "Pilot"},
        "sections": {"action_items": [{"description": "Pilot", "deadline": "next week",
                                       "colour": "red"}]}}), encoding="utf-8")
    result = runner.invoke(main, ["status", str(plan), "--format", "json", "--as-of",
                                  "2027-01-20"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    for finding in report["findings"]:
        assert lookup(finding["code"]).severity == finding["severity"]
    assert {f["code"] for f in report["findings"]} >= {"undated"}
