"""Row identity: ids and standard-row links in plans, blueprints, the view and workbook metadata."""

import textwrap

import pytest

from mapgen.formats.xlsx.meta import WorkbookMeta, match_records
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import plan_from_data
from mapgen.model.rowids import standard_keys
from mapgen.model.view import build_view

SAAS = load_blueprint("saas")
DEAL = {"name": "Rollout", "buyer": "Contoso", "seller": "Nimbus Analytics",
        "start": "2026-12-01", "close": "2027-02-12", "go_live": "2027-03-15"}


def plan(sections=None, **extra):
    return plan_from_data({"blueprint": {"name": "saas"}, "deal": DEAL,
                           "sections": sections or {}, **extra}, SAAS)


def section(view, key):
    return next(s for s in view.sections if s.key == key)


def test_standard_rows_are_keyed_by_identity():
    assert standard_keys(SAAS.section("phases")) == ["1", "2", "3", "4", "5"]
    assert standard_keys(SAAS.section("action_items")) == [
        "security-questionnaire-returned", "redlines-on-order-form-resolved",
        "kick-off-with-customer-success"]


def test_a_fresh_view_links_every_standard_row_and_gives_unique_ids():
    view = build_view(SAAS, plan())
    phases = section(view, "phases")
    assert [m.std for m in phases.marks] == ["1", "2", "3", "4", "5"]
    ids = [m.id for sv in view.sections for m in sv.marks + sv.example_marks]
    assert len(ids) == len(set(ids)) and all(len(i) == 12 for i in ids)
    # the same plan gives the same ids (a workbook written twice is the same workbook)
    assert [m.id for m in section(build_view(SAAS, plan()), "phases").marks] == \
        [m.id for m in phases.marks]
    assert view.standard_rows["phases"] == ["1", "2", "3", "4", "5"]


def test_two_rows_with_one_phase_number_are_both_written():
    rows = [{"phase": 2, "milestone": "Technical validation", "status": "Done"},
            {"phase": 2, "milestone": "Security review", "status": "In progress"}]
    phases = section(build_view(SAAS, plan({"phases": rows})), "phases")
    milestones = [r["milestone"] for r in phases.rows]
    assert milestones == ["Discovery", "Technical validation", "Business case signed off",
                          "Contract signed", "Go-live", "Security review"]
    assert [m.std for m in phases.marks] == ["1", "2", "3", "4", "5", None]
    assert phases.rows[1]["status"] == "Done"


def test_a_reworded_standard_row_never_brings_the_original_back():
    rows = [{"_id": "a1", "_std": "1", "phase": 1, "milestone": "Discovery"},
            {"_id": "a2", "_std": "2", "phase": 7, "milestone": "Hands-on trial"},
            {"_id": "a3", "_std": "4", "phase": 4, "milestone": "Contract signed"},
            {"_id": "a5", "_std": "5", "phase": 5, "milestone": "Go-live"}]
    seen = {"phases": ["1", "2", "3", "4", "5"]}  # phase 3 was deleted by a person
    phases = section(build_view(SAAS, plan({"phases": rows}, standard_rows=seen)), "phases")
    assert [r["milestone"] for r in phases.rows] == ["Discovery", "Hands-on trial",
                                                     "Contract signed", "Go-live"]
    assert [m.id for m in phases.marks] == ["a1", "a2", "a3", "a5"]
    # a standard row the plan never held (a newer blueprint's) is added at the end
    phases = section(build_view(SAAS, plan({"phases": rows}, standard_rows={"phases": ["1", "2", "4", "5"]})),
                     "phases")
    assert [r["milestone"] for r in phases.rows][-1] == "Business case signed off"
    assert phases.marks[-1].std == "3"


def test_people_numbers_are_kept_where_they_do_not_clash():
    rows = [{"_std": "security-questionnaire-returned", "number": 7,
             "description": "Security questionnaire returned"},
            {"number": 7, "description": "Pen test"}, {"number": 2, "description": "DPA"}]
    actions = section(build_view(SAAS, plan({"action_items": rows})), "action_items")
    assert [(r["number"], r["description"]) for r in actions.rows] == [
        (7, "Security questionnaire returned"), (8, "Pen test"), (2, "DPA"),
        (9, "Redlines on order form resolved"), (3, "Kick-off with customer success")]


def test_plan_ids_round_trip_and_bad_ids_are_reported():
    p = plan({"phases": [{"_id": "abc123", "_std": "1", "phase": 1},
                         {"_id": {"x": 1}, "phase": 2}]})
    data = p.to_data()
    assert data["sections"]["phases"][0] == {"_id": "abc123", "_std": "1", "phase": 1}
    assert data["sections"]["phases"][1] == {"phase": 2}
    assert [i.code for i in p.issues] == ["invalid-row-id"]


def test_blueprint_standard_row_keys(tmp_path):
    from mapgen.core.errors import ValidationFailed

    path = tmp_path / "co.yaml"
    path.write_text(textwrap.dedent("""\
        name: co
        extends: map
        sections:
          - key: phases
            rows:
              - {_id: kickoff, phase: 1, milestone: Kick-off}
              - {_id: kickoff, phase: 2, milestone: Pilot}
        """))
    with pytest.raises(ValidationFailed, match="already the key of another standard row"):
        load_blueprint(str(path))
    path.write_text(path.read_text().replace("_id: kickoff, phase: 2", "_id: pilot, phase: 2"))
    assert standard_keys(load_blueprint(str(path)).section("phases")) == ["kickoff", "pilot"]
    path.write_text(textwrap.dedent("""\
        name: co
        extends: map
        sections:
          - key: phases
            columns:
              - {key: _secret, header: Secret}
        """))
    with pytest.raises(ValidationFailed, match="_secret"):
        load_blueprint(str(path))


def test_metadata_records_rows_and_finds_them_after_a_sort_and_an_edit():
    records = [{"id": "e1", "example": True, "cells": {"milestone": "Example"}},
               {"id": "r1", "std": "1", "cells": {"phase": 1, "milestone": "Discovery"}},
               {"id": "r2", "cells": {"phase": 2, "milestone": "Pilot", "status": "Done"}},
               {"id": "r3", "cells": {"phase": 3, "milestone": "Contract"}}]
    meta = WorkbookMeta(blueprint={"name": "saas"}, standard_rows={"phases": ["1"]})
    back = WorkbookMeta.from_rows(meta.rows())
    assert back.standard_rows == {"phases": ["1"]}
    rows = [{"phase": 3, "milestone": "Contract"},                     # moved up by a sort
            {"phase": 1, "milestone": "Discovery and scoping"},        # reworded
            {"phase": 2, "milestone": "Pilot", "status": "Done"},
            {"phase": 9, "milestone": "Brand new"},                    # typed in a blank row
            {"milestone": "Mine now"}]                                 # typed over the example
    found = match_records(records, rows, [3, 1, 2, 4, 0])
    assert [r["id"] if r else None for r in found] == ["r3", "r1", "r2", None, "e1"]
