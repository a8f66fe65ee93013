"""The translated built-in blueprints (map-sv, map-de, map-fr, map-es, map-nl) speak to the buyer in
the buyer edition: every text that ``map`` gives per audience has a translated buyer variant, and
the buyer's workbook and handout show it instead of the seller's text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from docx import Document
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.model.blueprint import load_blueprint

LANGUAGES = ("sv", "de", "fr", "es", "nl")
AUDIENCES = {"internal", "buyer"}


def per_audience(data: dict[str, Any]) -> dict[tuple, Any]:
    """The texts of a resolved blueprint (``to_data``) that are given per audience, by where they
    stand: ``("intro",)``, ``("objective", "purpose")``..."""
    def given(value: Any) -> bool:
        return isinstance(value, dict) and bool(value) and set(value) <= AUDIENCES

    out = {(k,): v for k, v in data.items() if given(v)}
    for section in data["sections"]:
        out |= {(section["key"], k): v for k, v in section.items() if given(v)}
    return out


def shown(value: Any) -> list[str]:
    """A text (or list of steps) as the documents print it: paragraphs with their lines joined."""
    items = value if isinstance(value, list) else [value]
    return [" ".join(p.split()) for item in items for p in re.split(r"\n[ \t]*\n", item) if p.strip()]


def docx_texts(path: Path) -> str:
    doc = Document(path)
    out = [p.text for p in doc.paragraphs]

    def tables(items) -> None:
        for table in items:
            for row in table.rows:
                for cell in row.cells:
                    out.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    tables(doc.tables)
    for section in doc.sections:
        out += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(" ".join(t.split()) for t in out)


def xlsx_texts(path: Path) -> str:
    """The texts of the visible sheets: cells, input messages and comments."""
    wb = load_workbook(path)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    out.append(cell.value)
                if cell.comment is not None:
                    out.append(cell.comment.text)
        for dv in ws.data_validations.dataValidation:
            out += [dv.promptTitle or "", dv.prompt or ""]
    return "\n".join(" ".join(t.split()) for t in out)


@pytest.fixture(scope="module")
def english() -> dict[tuple, Any]:
    texts = per_audience(load_blueprint("map").to_data())
    assert ("intro",) in texts and ("how_to_use",) in texts and ("objective", "purpose") in texts
    return texts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_per_audience_text_of_map_is_translated_for_both(lang, english, runner):
    bp = load_blueprint(f"map-{lang}")
    assert bp.source.resolve() == (ROOT / "blueprints" / f"map-{lang}.yaml").resolve()
    result = runner.invoke(main, ["blueprint", "check", str(bp.source)])
    assert result.exit_code == 0, result.output
    ours = per_audience(bp.to_data())
    missing = sorted(set(english) - set(ours))
    assert not missing, f"map-{lang} gives these as one text for both audiences: {missing}"
    for where, theirs in english.items():
        text = ours[where]
        assert set(text) == AUDIENCES and all(text.values()), (where, text)
        assert text["buyer"] != text["internal"], where
        for audience in AUDIENCES:  # translated, not inherited from map
            assert text[audience] != theirs[audience], (where, audience)
            assert not set(shown(text[audience])) & set(shown(theirs[audience])), (where, audience)


def generate(runner, lang: str, audience: str, out: Path) -> dict[str, str]:
    result = runner.invoke(main, ["generate", "--blueprint", f"map-{lang}", "--audience", audience,
                                  "--format", "all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    paths = [Path(p) for p in result.stdout.splitlines()]
    assert sorted(p.suffix for p in paths) == [".docx", ".xlsx"]
    return {p.suffix: (docx_texts(p) if p.suffix == ".docx" else xlsx_texts(p)) for p in paths}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_buyer_edition_shows_the_buyer_text_and_no_internal_one(lang, runner, in_tmp):
    texts = per_audience(load_blueprint(f"map-{lang}").to_data())
    internal = generate(runner, lang, "internal", in_tmp / "internal")
    buyer = generate(runner, lang, "buyer", in_tmp / "buyer")
    for suffix, words in buyer.items():
        checked = 0
        for where, text in texts.items():
            seller_only = [p for p in shown(text["internal"]) if p not in shown(text["buyer"])]
            leaked = [p for p in seller_only if p in words]
            assert not leaked, (suffix, where, leaked)
            if any(p in internal[suffix] for p in shown(text["internal"])):
                # where the seller's edition prints this text, the buyer's prints the buyer's
                absent = [p for p in shown(text["buyer"]) if p not in words]
                assert not absent, (suffix, where, absent)
                checked += 1
        # The handout prints every one of them; the workbook some (not the intro).
        assert checked == len(texts) if suffix == ".docx" else checked, suffix
        assert "mapgen" not in words.lower()  # the seller's steps name the tool; the buyer's don't
