"""Translated built-in blueprints (map-sv, map-de, map-fr, map-es, map-nl): complete, keyed like
``map``, generated through the CLI, and read back from workbooks with English headers and choices.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FIXTURES
from docx import Document
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.model.blueprint import list_blueprints, load_blueprint
from mapgen.model.health import MEANINGS, status_meanings

LANGUAGES = ("sv", "de", "fr", "es", "nl")
# Words that the language shares with English, or names and placeholders no one translates.
SAME_IN_BOTH = {"Status", "Phase", "Description", "Deadline", "Action", "CFO", "Sarah",
                "XX / YY", "GetAccept"}
LONG = 12  # a text at least this long that equals one of map's texts was left untranslated


def texts(bp) -> dict[tuple, str]:
    """Every text the blueprint writes itself, by where it stands (keys, not positions)."""
    out: dict[tuple, Any] = {("title",): bp.title, ("intro",): bp.intro}
    out |= {("how_to_use", i): step for i, step in enumerate(bp.how_to_use)}
    for s in bp.sections:
        out |= {(s.key, f): getattr(s, f) for f in ("title", "purpose", "instructions")}
        for c in s.columns:
            out |= {(s.key, c.key, "header"): c.header, (s.key, c.key, "help"): c.help}
            out |= {(s.key, c.key, "choice", i): ch for i, ch in enumerate(c.choices or ())}
        words = {c.key for c in s.columns if c.type in ("text", "longtext", "choice")}
        for n, row in enumerate(s.examples):
            out |= {(s.key, "example", n, k): v for k, v in row.items() if k in words}
    return out


@pytest.fixture(scope="module")
def english():
    return load_blueprint("map")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translated_blueprint_is_listed_and_keeps_every_key(lang, english):
    assert f"map-{lang}" in {i.name for i in list_blueprints() if i.builtin}
    bp = load_blueprint(f"map-{lang}")
    assert bp.extends == "map"
    assert [s.key for s in bp.sections] == [s.key for s in english.sections]
    for ours, theirs in zip(bp.sections, english.sections, strict=True):
        assert [(c.key, c.type, c.internal) for c in ours.columns] == \
               [(c.key, c.type, c.internal) for c in theirs.columns]
        assert [sorted(r) for r in ours.examples] == [sorted(r) for r in theirs.examples]
        assert len(ours.title) <= 31  # an Excel sheet name, not cut short


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_text_is_left(lang, english):
    ours, theirs = texts(load_blueprint(f"map-{lang}")), texts(english)
    assert ours.keys() == theirs.keys()  # every text of map has its translation
    untranslated = {k: v for k, v in ours.items()
                    if v == theirs[k] and v and v not in SAME_IN_BOTH}
    assert untranslated == {}
    long_english = {v for v in theirs.values() if len(v) >= LONG}
    assert {k: v for k, v in ours.items() if v in long_english} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_choices_cover_every_meaning(lang, english):
    bp = load_blueprint(f"map-{lang}")
    for key in ("phases", "action_items"):
        status = bp.section(key).column("status")
        meanings = status.status_meanings()
        assert status.meanings == meanings == status_meanings(status)  # given, not guessed
        assert sorted(meanings.values()) == sorted(MEANINGS)
        assert set(meanings) == set(status.choices)
        english_status = english.section(key).column("status")
        assert not set(status.choices) & set(english_status.choices)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_generate_translated_xlsx_and_docx(lang, runner, in_tmp):
    result = runner.invoke(main, ["generate", "--blueprint", f"map-{lang}", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"out/map-{lang}.xlsx", f"out/map-{lang}.docx"]
    bp = load_blueprint(f"map-{lang}")
    wb = load_workbook(in_tmp / "out" / f"map-{lang}.xlsx")
    actions = bp.section("action_items")
    assert actions.title in wb.sheetnames
    cells = {c.value for row in wb[actions.title].iter_rows(max_row=30) for c in row}
    assert {c.header for c in actions.columns} <= cells
    doc = Document(in_tmp / "out" / f"map-{lang}.docx")
    words = "\n".join(p.text for p in doc.paragraphs)
    words += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert bp.section("phases").title in words
    assert {c.header for c in bp.section("phases").columns} <= set(words.split("\n"))


def test_german_headers_in_the_german_workbook(runner, in_tmp):
    assert runner.invoke(main, ["generate", "--blueprint", "map-de", "--format", "xlsx"]).exit_code == 0
    wb = load_workbook(in_tmp / "output" / "map-de.xlsx")
    assert {"Maßnahmen", "Phasen und Meilensteine", "Stakeholder-Analyse"} <= set(wb.sheetnames)
    cells = {c.value for row in wb["Maßnahmen"].iter_rows(max_row=30) for c in row}
    assert {"Maßnahme", "Frist", "Priorität", "Verantwortlich", "Status"} <= cells
    assert "Responsible Person" not in cells and "Importance" not in cells


# --------------------------------------------------------------------------- language


def test_language_defaults_to_english_and_is_inherited(in_tmp):
    assert load_blueprint("map").language == "en"
    assert {lang: load_blueprint(f"map-{lang}").language for lang in LANGUAGES} == \
           {lang: lang for lang in LANGUAGES}
    (in_tmp / "acme.yaml").write_text("extends: map-de\nbranding: {company: Acme}\n")
    assert load_blueprint(in_tmp / "acme.yaml").language == "de"


@pytest.mark.parametrize("value,hint", [("German", "did you mean 'de'?"), ("DE", "did you mean 'de'?"),
                                        ("en-GB", "did you mean 'en'?"), ("svenska", "did you mean 'sv'?"),
                                        ("dk", "")])
def test_unknown_language_is_one_plain_line_with_a_hint(value, hint, runner, in_tmp):
    (in_tmp / "acme.yaml").write_text(f"extends: map\ntitle: Acme\nlanguage: {value}\n")
    result = runner.invoke(main, ["blueprint", "check", "acme.yaml"])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: acme.yaml:3: unknown language '{value}' ("
                                     + (f"{hint} " if hint else "")
                                     + "expected one of en, sv, de, fr, es, nl)")


def test_new_blueprint_extending_a_translated_one(runner, in_tmp):
    result = runner.invoke(main, ["blueprint", "new", "acme", "--extends", "map-de"])
    assert result.exit_code == 0, result.output
    text = (in_tmp / "blueprints" / "acme.yaml").read_text(encoding="utf-8")
    assert "extends: map-de" in text and '"Ziel"' in text
    assert runner.invoke(main, ["blueprint", "check", "blueprints/acme.yaml"]).exit_code == 0
    bp = load_blueprint("acme")
    assert bp.language == "de" and bp.section("action_items").title == "Maßnahmen"
    made = runner.invoke(main, ["generate", "--blueprint", "acme", "--format", "xlsx"])
    assert made.exit_code == 0, made.output
    assert "Maßnahmen" in load_workbook(in_tmp / "output" / "acme.xlsx").sheetnames


# --------------------------------------------------------------------------- English fallbacks


def test_a_translated_column_accepts_its_english_header_and_choices():
    actions = load_blueprint("map-de").section("action_items")
    assert actions.column("responsible").accepted_headers() == ["Verantwortlich", "Responsible Person"]
    assert actions.column("status").accepted_headers() == ["Status"]
    status, importance = actions.column("status"), actions.column("importance")
    assert [status.choice_for(t) for t in ("Done", " in PROGRESS ", "Not started", "blocked")] == \
           ["Erledigt", "In Arbeit", "Nicht begonnen", "Blockiert"]
    assert status.choice_for("erledigt") == "Erledigt"
    assert [importance.choice_for(t) for t in ("High", "low", "Hoch")] == ["Hoch", "Niedrig", "Hoch"]
    assert status.choice_for("Fertig") is None and importance.choice_for("Medium") is None
    english = load_blueprint("map").section("action_items").column("status")
    assert english.accepted_headers() == ["Status"] and english.choice_for("Erledigt") is None


def test_a_company_blueprint_over_a_translation_keeps_the_english_spellings(in_tmp):
    (in_tmp / "acme.yaml").write_text(
        "extends: map-de\nsections:\n  - key: action_items\n    columns:\n"
        "      - {key: responsible, header: Zuständig}\n"
        "      - {key: importance, choices: [Niedrig, Hoch]}\n", encoding="utf-8")
    actions = load_blueprint(in_tmp / "acme.yaml").section("action_items")
    assert actions.column("responsible").accepted_headers() == ["Zuständig", "Responsible Person"]
    assert actions.column("status").choice_for("done") == "Erledigt"
    # reordered, so not by place: English choices map to what map-de's stood for
    assert [actions.column("importance").choice_for(t) for t in ("High", "Low")] == ["Hoch", "Niedrig"]


def _header_row(ws, text: str) -> int:
    return next(r[0].row for r in ws.iter_rows(max_row=30) if text in [c.value for c in r])


def _fill(ws, header_at: int, values: dict[str, Any]) -> None:
    """Write a row two below the header (below the example), by header text."""
    headers = {c.value: c.column for c in ws[header_at] if c.value}
    for header, value in values.items():
        ws.cell(header_at + 2, headers[header], value)


def test_read_back_a_german_workbook_filled_in_english(tmp_path, runner):
    from mapgen.formats.xlsx.reader import read_workbook
    from mapgen.ops.generate import generate

    [path] = generate(load_blueprint("map-de"), formats=["xlsx"], out_dir=tmp_path)
    wb = load_workbook(path)
    ws = wb["Maßnahmen"]
    at = _header_row(ws, "Verantwortlich")
    for cell in ws[at]:  # pasted over from an English copy
        cell.value = {"Verantwortlich": "Responsible Person", "Priorität": "Importance"}.get(
            cell.value, cell.value)
    _fill(ws, at, {"Beschreibung": "Sicherheitsfragebogen", "Importance": "High",
                   "Responsible Person": "Anna", "Status": "Done"})
    phases = wb["Phasen und Meilensteine"]
    _fill(phases, _header_row(phases, "Meilenstein"), {"Meilenstein": "Vertrag", "Status": "in progress"})
    wb.save(path)
    plan = read_workbook(path)
    assert plan.sections["action_items"] == [{"description": "Sicherheitsfragebogen",
                                              "importance": "Hoch", "responsible": "Anna",
                                              "status": "Erledigt"}]
    assert plan.sections["phases"] == [{"milestone": "Vertrag", "status": "In Arbeit"}]
    assert [i for i in plan.issues if i.code != "no-metadata"] == []


def test_an_english_workbook_read_with_the_german_blueprint(tmp_path):
    from mapgen.formats.xlsx.reader import read_workbook
    from mapgen.ops.generate import generate

    [path] = generate(load_blueprint("map"), formats=["xlsx"], out_dir=tmp_path)
    wb = load_workbook(path)
    ws = wb["Action Items"]
    _fill(ws, _header_row(ws, "Responsible Person"),
          {"Description": "Security review", "Importance": "Low", "Status": "Blocked"})
    wb.save(path)
    plan = read_workbook(path, blueprint=load_blueprint("map-de"))
    assert plan.sections["action_items"] == [{"description": "Security review",
                                              "importance": "Niedrig", "status": "Blockiert"}]
    assert [i.code for i in plan.issues] == ["blueprint-mismatch"]


def test_a_plan_with_english_choices_prefills_the_german_documents(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--blueprint", "map-de", "--format", "xlsx",
                                  "--plan", str(FIXTURES / "deal.yaml"), "--out", "de"])
    assert result.exit_code == 0, result.output
    [path] = (in_tmp / "de").glob("*.xlsx")
    cells = [c.value for row in load_workbook(path)["Maßnahmen"].iter_rows() for c in row]
    assert "Erledigt" in cells and "Hoch" in cells and "Done" not in cells
