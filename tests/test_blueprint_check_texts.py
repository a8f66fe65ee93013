"""``blueprint check`` renders every text as generate would and names each misspelled key: what
generate refuses, check finds first, with file:line and the name meant."""

from __future__ import annotations

from pathlib import Path

from mapgen.cli import main


def check(runner, text: str) -> tuple[int, list[str]]:
    Path("blueprints").mkdir(exist_ok=True)
    Path("blueprints/acme.yaml").write_text(text, encoding="utf-8")
    done = runner.invoke(main, ["blueprint", "check", "blueprints/acme.yaml"])
    return done.exit_code, done.stderr.strip().splitlines()


def test_template_errors_are_found_with_line_and_suggestion(in_tmp, runner):
    code, lines = check(runner, """name: acme
extends: map
title: "{{ deal.buyer }"
intro: "Welcome {{ dael.name }} and {{ deal.buyr }}; {{ deal.region }}"
sections:
  - key: phases
    instructions:
      internal: fine
      buyer: "Due {{ deal.go_live.year }}"
""")
    assert code == 1
    assert lines[0].startswith("error: blueprints/acme.yaml:3: template syntax error")
    assert "blueprints/acme.yaml:4: unknown variable 'dael'" in lines[1]
    assert "did you mean 'deal'?" in lines[1]
    assert "'deal.buyr'" in lines[2] and "did you mean 'deal.buyer'?" in lines[2]
    assert "'deal.region'" in lines[3] and "is defined" in lines[3]
    assert "buyr" not in lines[3]  # stand-ins for unknown names are not listed as known
    assert "acme.yaml:7:" in lines[4] and "{% if deal.go_live %}" in lines[4]
    assert len(lines) == 5
    # what check finds, generate refuses (exit 2) and a blank one too
    for args in (["generate", "--blueprint", "acme", "--out", "out"],):
        assert runner.invoke(main, args).exit_code == 2
    code, lines = check(runner, "name: acme\nextends: map\ntitle: \"{{ deal.buyer or 'Buyer' }}\"\n")
    assert code == 0 and lines == []


def test_misspelled_section_and_column_keys_get_did_you_mean(in_tmp, runner):
    code, lines = check(runner, """name: acme
extends: map
sections:
  - key: action_itmes
    purpose: ours
""")
    assert code == 1 and "acme.yaml:4:" in lines[0] and "did you mean 'action_items'?" in lines[0]
    owner_misspelled = """name: acme
extends: map
sections:
  - key: phases
    columns:
      - {key: responsable, header: Owner}
"""
    code, lines = check(runner, owner_misspelled + """  - key: stakeholders
    remove: true
  - key: tool
    remove: true
""")
    assert code == 1 and "'tool' cannot be removed" in lines[0] and "did you mean 'tools'?" in lines[0]
    code, lines = check(runner, owner_misspelled + """  - key: stakeholdrs
    columns: [{key: name}]
""")
    assert code == 0, lines  # warnings: the blueprint works, but likely not as meant
    assert lines[0].startswith("warning: blueprints/acme.yaml:6:") and "'responsible'" in lines[0]
    assert lines[1].startswith("warning: blueprints/acme.yaml:7:") and "'stakeholders'" in lines[1]
