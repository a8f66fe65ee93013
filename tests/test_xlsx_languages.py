"""Workbooks made from the translated blueprints carry no English: every text mapgen writes
itself comes from the catalog in the blueprint's language, and the workbooks read back (plan,
status) as the English ones do."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from test_languages import SAME_IN_BOTH, texts

from mapgen.cli import main
from mapgen.core.i18n import TEMPLATE, catalog_path, texts_for
from mapgen.model.blueprint import load_blueprint

LANGUAGES = ("sv", "de", "fr", "es", "nl")
AS_OF = "2027-01-10"
# Texts in formulas that are machine tokens (the timeline's hidden State column), not words.
FORMULA_TOKENS = {"done", "overdue", "▼"}


def plan_data(bp) -> dict[str, Any]:
    """A plan with a deal and rows in the blueprint's own choices (by position, so that every
    language's plan means the same), a relative deadline and a yes/no deal fact."""
    phase = bp.section("phases").column("status").choices
    action = bp.section("action_items").column("status").choices
    high, low = bp.section("action_items").column("importance").choices
    return {
        "format": "mapgen-plan", "format_version": 1,
        "blueprint": {"name": bp.name, "version": bp.version},
        "deal": {"name": "Zeta rollout", "buyer": "Contoso", "seller": "Nimbus", "start": "2026-12-01",
                 "close": "2027-02-12", "go_live": "2027-03-15", "region": "EMEA", "nda": True},
        "sections": {
            "objective": [{"rank": 1, "description": "Contoso on Zeta by March"}],
            "phases": [
                {"phase": 1, "milestone": "Zeta one", "deadline": "2026-12-20", "responsible": "AE",
                 "status": phase[2]},
                {"phase": 2, "milestone": "Zeta two", "deadline": "go_live-6w", "responsible": "SE",
                 "status": phase[1]}],
            "action_items": [
                {"number": 1, "phase": 1, "description": "Zeta call", "deadline": "2026-12-03",
                 "importance": high, "responsible": "AE", "status": action[2]},
                {"number": 2, "phase": 2, "description": "Zeta review", "deadline": "2027-01-05",
                 "importance": low, "responsible": "SE", "status": action[3]},
                {"number": 3, "phase": 2, "description": "Zeta sample", "deadline": "2027-01-08",
                 "responsible": "IT", "status": action[0]}],
            "stakeholders": [{"name": "Sarah Chen", "role": "CFO"}],
        },
    }


def run(*args: str) -> str:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Per language (and en): blank and prefilled workbooks, internal and buyer, one protected,
    and a merged workbook (Sources column, conflict)."""
    out: dict[str, dict[str, Path]] = {}
    root = tmp_path_factory.mktemp("books")
    for lang in ("en", *LANGUAGES):
        name = "map" if lang == "en" else f"map-{lang}"
        bp = load_blueprint(name)
        folder = root / lang
        folder.mkdir()
        plan = folder / "plan.yaml"
        plan.write_text(yaml.safe_dump(plan_data(bp), allow_unicode=True), encoding="utf-8")
        other = plan_data(bp)
        other["sections"]["action_items"][0]["responsible"] = "CSM"
        second = folder / "second.yaml"
        second.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
        paths: dict[str, Path] = {}
        for kind, extra in (("blank", []), ("blank-buyer", ["--audience", "buyer"]),
                            ("blank-protected", ["--protect"]),
                            ("filled", ["--plan", str(plan)]),
                            ("filled-buyer", ["--plan", str(plan), "--audience", "buyer"])):
            dest = folder / kind
            run("generate", "--blueprint", name, "--format", "xlsx", "--out", str(dest), *extra)
            paths[kind] = next(dest.glob("*.xlsx"))
        paths["merged"] = folder / "merged.xlsx"
        run("merge", str(plan), str(second), "--out", str(paths["merged"]), "--blueprint", name)
        paths["plan"] = plan
        out[lang] = paths
    return out


def visible_texts(path: Path) -> list[str]:
    """Every text a person can see in the workbook: sheet names, string cells, the words that
    formulas show, input messages, error alerts, comments, headers and footers, properties."""
    wb = load_workbook(path)
    found = [wb.properties.title or "", wb.properties.subject or "", wb.properties.creator or ""]
    for ws in wb.worksheets:
        if ws.sheet_state == "veryHidden":  # _mapgen and _lists: machine data
            continue
        found.append(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith("="):
                    found += [t.replace('""', '"') for t in re.findall(r'"((?:[^"]|"")*)"', value)
                              if t not in FORMULA_TOKENS and re.search(r"[^\W\d_]", t)]
                elif isinstance(value, str):
                    found.append(value)
                elif value is not None and not isinstance(value, int | float) and \
                        type(value).__name__ == "CellRichText":
                    found.append(str(value))
                if cell.comment is not None:
                    found += [cell.comment.text, cell.comment.author or ""]
        for dv in ws.data_validations.dataValidation:
            found += [dv.promptTitle or "", dv.prompt or "", dv.errorTitle or "", dv.error or ""]
        for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter):
            found += [part.text or "" for part in (hf.left, hf.center, hf.right)]
    return [t for t in found if t and t.strip()]


def english_messages(lang: str) -> tuple[set[str], set[str]]:
    """The catalog's English texts that ``lang`` translates differently: (single words, the
    phrases of two words or more: a message's text between its {fields})."""
    words, phrases = set(), set()
    with TEMPLATE.open("rb") as fh:
        template = read_po(fh)
    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        ours = catalog.get(message.id, message.context)
        strings = ours.string if isinstance(ours.string, tuple) else (ours.string,)
        for english in ids:
            if english in strings:  # the same word in both languages (Status, Total)
                continue
            for part in re.split(r"\{\w+\}", english):
                part = part.strip(" :")
                if len(part.split()) >= 2:
                    phrases.add(part)
                elif part and part == english:
                    words.add(part)
    return words, phrases


def blueprint_english(lang: str) -> set[str]:
    """map's texts that map-<lang> writes differently (its own, not mapgen's)."""
    def every(bp) -> dict[tuple, Any]:
        return texts(bp) | {("signoff", i): role for i, role in enumerate(bp.signoff)}

    ours, theirs = every(load_blueprint(f"map-{lang}")), every(load_blueprint("map"))
    return {v for k, v in theirs.items()
            if isinstance(v, str) and v and v != ours.get(k) and v not in SAME_IN_BOTH}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_in_translated_workbooks(lang, books):
    words, phrases = english_messages(lang)
    own = blueprint_english(lang)
    assert "Overview" in words and {"Page &P of &N", "Enter a whole number."} <= phrases
    for kind in ("blank", "blank-buyer", "blank-protected", "filled", "filled-buyer", "merged"):
        shown = visible_texts(books[lang][kind])
        whole = {t.strip() for t in shown}
        leaks = sorted(words & whole)
        leaks += sorted(p for p in phrases if any(p in t for t in shown))
        leaks += sorted(t for t in own if t in whole or (len(t) >= 12 and any(t in s for s in shown)))
        assert leaks == [], f"{kind}: English in the {lang} workbook: {leaks}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translated_sheet_names_and_footer(lang, books):
    _ = texts_for(lang)
    wb = load_workbook(books[lang]["filled"])
    assert wb.sheetnames[:2] == [_("Overview"), _("Timeline")]
    assert "Overview" not in wb.sheetnames and "Timeline" not in wb.sheetnames
    for name in wb.sheetnames:  # valid Excel sheet names
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    footer = wb[wb.sheetnames[2]].oddFooter.right.text
    assert "&P" in footer and "&N" in footer and footer == _("Page &P of &N")
    assert wb.properties.subject == _("Mutual Action Plan")
    # The deal dates' names point at the translated Overview; the rule in words is translated.
    assert wb.defined_names["deal_go_live"].attr_text.startswith(f"'{_('Overview')}'!")
    phases = wb[load_blueprint(f"map-{lang}").section("phases").title]
    formulas = [c.value for row in phases.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=IF(deal_go_live")]
    assert formulas and _.ngettext("{n} week before {anchor}", "{n} weeks before {anchor}", 6,
                                   anchor=_("go-live")) in formulas[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_example_note_begins_with_its_marker(lang):
    """The reader knows an example note by its start (up to the colon)."""
    from mapgen.formats.xlsx.sections import EXAMPLE_MARKER, EXAMPLE_NOTE

    _ = texts_for(lang)
    start = _(EXAMPLE_NOTE).split(":")[0].strip()
    assert start == _(EXAMPLE_MARKER)


def read_json(path: Path, *args: str) -> dict[str, Any]:
    return json.loads(run("read", str(path), "--format", "json", *args))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translated_workbook_reads_back_as_its_plan(lang, books):
    plan = yaml.safe_load(books[lang]["plan"].read_text(encoding="utf-8"))
    back = read_json(books[lang]["filled"])
    errors = [i for i in back["issues"] if i["severity"] == "error"]
    assert errors == []
    expected = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in plan["deal"].items()}
    assert back["deal"] == expected
    for key, rows in plan["sections"].items():
        got = back["sections"][key]
        assert len(got) == len(rows), key
        for want, row in zip(rows, got, strict=True):
            for column, value in want.items():
                if value == "go_live-6w":  # read as its date, the rule kept beside the plan
                    assert row[column] == "2027-02-01"
                    continue
                assert row[column] == (value.isoformat() if hasattr(value, "isoformat") else value)
            assert "_notes" not in row
    assert back["relative_dates"] == {"phases": [{"row": 2, "column": "deadline", "expr": "go_live-6w"}]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blank_translated_workbook_reads_as_the_english_one(lang, books):
    """Untouched examples (a note, dates in words, all in the workbook's language) are skipped."""
    ours, english = read_json(books[lang]["blank"]), read_json(books["en"]["blank"])
    assert {k: len(v) for k, v in ours["sections"].items()} == \
           {k: len(v) for k, v in english["sections"].items()}
    assert [i["code"] for i in ours["issues"]] == [i["code"] for i in english["issues"]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_merged_translated_workbook_reads_as_the_english_one(lang, books):
    """The Sources column and merge's conflict note, both translated, are mapgen's own."""
    from mapgen.model.view import CONFLICT_NOTE

    _ = texts_for(lang)
    wb = load_workbook(books[lang]["merged"])
    notes = [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.comment is not None and c.fill.fgColor.rgb.endswith("FCE4D6")]
    assert len(notes) == 1 and notes[0].startswith(_(CONFLICT_NOTE).split("{")[0])
    ours, english = read_json(books[lang]["merged"]), read_json(books["en"]["merged"])
    assert all("_sources" not in row for rows in ours["sections"].values() for row in rows)
    assert "_notes" not in json.dumps(ours["sections"])
    assert ours.get("columns") == english.get("columns")
    assert [i["code"] for i in ours["issues"]] == [i["code"] for i in english["issues"]]
    assert "unresolved-conflict" in {i["code"] for i in ours["issues"]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_of_a_translated_workbook_counts_as_the_english_one(lang, books):
    def status(path: Path) -> dict[str, Any]:
        return json.loads(run("status", str(path), "--as-of", AS_OF, "--format", "json"))

    ours, english = status(books[lang]["filled"]), status(books["en"]["filled"])
    assert ours["sections"] == english["sections"]
    assert ours["days_to_go_live"] == english["days_to_go_live"]
    assert [i["health"] for i in ours["items"]] == [i["health"] for i in english["items"]]
    assert [f["code"] for f in ours["findings"]] == [f["code"] for f in english["findings"]]


@pytest.mark.parametrize("lang", [*LANGUAGES, "en"])
def test_contents_links_fit_column_b_on_one_line(lang, books, tmp_path):
    """LibreOffice does not wrap a cell with a link: column B is as wide as the longest
    Contents link needs ("8. Feedback und Weiterentwicklung"), and keeps its width otherwise."""
    from mapgen.formats.xlsx.overview import LINK_CHARS_PER_WIDTH, OVERVIEW_WIDTHS

    if lang == "en":
        from mapgen.ops.generate import generate

        [path] = generate(load_blueprint("map"), formats=["xlsx"], out_dir=tmp_path)
    else:
        path = books[lang]["blank"]
    ws = load_workbook(path).worksheets[0]
    links = [c.value for row in ws.iter_rows() for c in row if c.hyperlink is not None and c.column == 2]
    assert len(links) == 8
    width = ws.column_dimensions["B"].width
    assert all(len(link) / LINK_CHARS_PER_WIDTH <= width for link in links)
    needs_more = any(len(link) / LINK_CHARS_PER_WIDTH > OVERVIEW_WIDTHS["B"] for link in links)
    assert (width > OVERVIEW_WIDTHS["B"]) == needs_more
    assert needs_more == (lang == "de")
