"""Status meanings: the ``meanings`` key of a choice column, its checks and its defaults."""

import textwrap

import pytest

from mapgen.model.blueprint import MEANINGS, Column, check_blueprint, load_blueprint, schema

DEFAULT = {"Not started": "not_started", "In progress": "in_progress", "Done": "done",
           "Blocked": "blocked"}


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_default_blueprint_writes_the_meanings_of_its_status_columns():
    bp = load_blueprint("map")
    for key in ("phases", "action_items"):
        status = bp.section(key).column("status")
        assert status.meanings == DEFAULT
        assert status.status_meanings() == DEFAULT
    assert bp.section("action_items").column("importance").status_meanings() == {}
    assert bp.section("objective").column("description").status_meanings() == {}


def test_show_and_schema_carry_meanings():
    data = load_blueprint("map").to_data()
    phases = next(s for s in data["sections"] if s["key"] == "phases")
    assert next(c for c in phases["columns"] if c["key"] == "status")["meanings"] == DEFAULT
    prop = schema()["$defs"]["Column"]["properties"]["meanings"]
    obj = next(t for t in prop["anyOf"] if t.get("type") == "object")
    assert obj["additionalProperties"]["enum"] == list(MEANINGS)


@pytest.mark.parametrize("key,choices,expected", [
    # A status column of four choices in any language: by position.
    ("status", ["Ej påbörjad", "Pågår", "Klar", "Blockerad"],
     dict(zip(["Ej påbörjad", "Pågår", "Klar", "Blockerad"], MEANINGS, strict=True))),
    # English names, whatever the order and the case.
    ("status", ["done", "To do", "ON HOLD", "Ongoing"],
     {"done": "done", "To do": "not_started", "ON HOLD": "blocked", "Ongoing": "in_progress"}),
    ("state", ["Open", "In progress", "Completed", "Cancelled"],
     {"Open": "not_started", "In progress": "in_progress", "Completed": "done"}),
    ("status", ["Open", "Complete", "Other"], {"Open": "not_started", "Complete": "done"}),
    ("importance", ["High", "Low"], {}),
])
def test_default_meanings(key, choices, expected):
    assert Column(key=key, type="choice", choices=choices).status_meanings() == expected


@pytest.mark.parametrize("key,choices", [
    ("status", ["Ej påbörjad", "Pågår", "Klar", "Blockerad"]),
    ("status", ["Done", "Not started", "Blocked", "In progress"]),
    ("status", ["to-do", "In_Progress", "Finished"]),
    ("phase_state", ["New", "Doing", "Closed", "Waiting", "Parked"]),
])
def test_the_plan_status_model_reads_the_same_meanings(key, choices):
    from mapgen.model.health import status_meanings

    column = Column(key=key, type="choice", choices=choices)
    assert status_meanings(column) == column.status_meanings()


def test_explicit_meanings_win_and_text_columns_have_none():
    column = Column(key="status", type="choice", choices=["Open", "Shut"],
                    meanings={"Open": "in_progress", "Shut": "done"})
    assert column.status_meanings() == {"Open": "in_progress", "Shut": "done"}
    assert Column(key="status", type="text").status_meanings() == {}


def test_a_company_blueprint_names_its_own_choices_and_meanings(in_tmp):
    write(in_tmp / "blueprints" / "acme.yaml", """\
        extends: map
        sections:
          - key: action_items
            columns:
              - key: status
                choices: [Backlog, Doing, Shipped, Waiting, Dropped]
                meanings: {Backlog: not_started, Doing: in_progress, Shipped: done,
                           Waiting: blocked, Dropped: done}
          - key: phases
            columns:
              - key: status
                choices: [Ej påbörjad, Pågår, Klar, Blockerad]
    """)
    bp = load_blueprint("acme")
    assert bp.section("action_items").column("status").status_meanings()["Dropped"] == "done"
    # New choices without new meanings: the parent's meanings no longer apply; the defaults do.
    phases = bp.section("phases").column("status")
    assert phases.meanings is None
    assert phases.status_meanings() == dict(zip(phases.choices, MEANINGS, strict=True))


@pytest.mark.parametrize("columns,line,words", [
    ("""\
              - key: status
                type: choice
                choices: [Open, Done]
                meanings:
                  Open: not_started
                  Done: finished
     """, 10, ["column 'status'", "unknown meaning 'finished'", "expected one of not_started"]),
    ("""\
              - key: status
                type: choice
                choices: [Open, Done]
                meanings:
                  Open: in progress
                  Done: done
     """, 9, ["unknown meaning 'in progress'", "did you mean 'in_progress'?"]),
    ("""\
              - key: status
                type: choice
                choices: [Open, Done]
                meanings:
                  Open: not_started
                  Done: complete
     """, 10, ["unknown meaning 'complete'", "did you mean 'done'?"]),
    ("""\
              - key: status
                type: choice
                choices: [Open, Done]
                meanings:
                  Open: [not_started]
                  Done: done
     """, 9, ["meanings: 'Open': unknown meaning", "expected one of not_started"]),
    ("""\
              - key: status
                type: choice
                choices: [Open, Done]
                meanings:
                  Open: not_started
                  Dnoe: done
     """, 10, ["'Dnoe' is not one of its choices", "did you mean 'Done'?"]),
    ("""\
              - key: status
                type: choice
                choices: [Open, Done, Parked]
                meanings: {Open: not_started, Done: done}
     """, 8, ["no meaning for 'Parked'"]),
    ("""\
              - key: note
                type: text
                meanings: {Open: not_started}
     """, 7, ["'meanings' only apply to type 'choice'", "this column is 'text'"]),
])
def test_wrong_meanings_are_plain_errors_with_file_and_line(in_tmp, columns, line, words):
    body = "sections:\n  - key: a\n    columns:\n      - {key: x}\n" + textwrap.indent(
        textwrap.dedent(columns), "      ")
    write(in_tmp / "bad.yaml", body)
    issues = check_blueprint("bad.yaml")
    assert issues, "expected an error"
    first = issues[0]
    assert first.file == "bad.yaml" and first.line == line, (str(first), body)
    for word in words:
        assert word in str(first)


def test_an_inherited_meaning_error_points_at_the_child(in_tmp):
    write(in_tmp / "child.yaml", """\
        extends: map
        sections:
          - key: phases
            columns:
              - key: status
                meanings: {Not started: not_started, In progress: in_progress, Done: done,
                           Blocked: stuck}
    """)
    issues = check_blueprint("child.yaml")
    assert issues and issues[0].file == "child.yaml" and issues[0].line == 7, issues
    assert "unknown meaning 'stuck'" in issues[0].message
