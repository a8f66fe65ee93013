"""Hostile and broken blueprints: whatever the file holds, the answer is issues, never a crash."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import builtin_dir, check_blueprint

LINES = (builtin_dir() / "examples" / "saas.yaml").read_text(encoding="utf-8").splitlines()
ODD = ["", "  - 3", "key: [", "type: 7", "  columns: null", "sections: {}", "extends: saas",
       "- {key: Bad Key}", "    choices: High", "title: {{ deal.buyr }}", "rows: [1, 2]",
       "  identity: description", "blank_rows: -4", "\t", "&a [*a]", "!!python/object:os.system"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.sampled_from(ODD),
                                st.booleans()), min_size=1, max_size=4))
def test_mangled_blueprints_give_issues_not_tracebacks(tmp_path_factory, edits):
    lines = list(LINES)
    for index, text, replace in edits:
        if replace:
            lines[index] = text
        else:
            lines.insert(index, text)
    path = Path(tmp_path_factory.mktemp("bp")) / "mangled.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        issues = check_blueprint(str(path))
    except MapgenError as exc:  # e.g. a file that is not a blueprint at all
        assert "\n" not in str(exc)
        return
    for issue in issues:
        assert issue.file and "\n" not in str(issue) and issue.message
