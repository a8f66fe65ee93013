"""mapgen's own texts in the documents of a translated blueprint (map-sv, map-de, ...): the
handouts, the session-2 handout, the workshop kit, Markdown and the calendar carry no English
message of the catalog and no English text of ``map`` where the language has its own.

Every visible text is collected from the files themselves: the Word parts' XML (body, headers,
footers, table cells), CHECKLIST.md and deal.yaml, the Markdown, the calendar's events.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from functools import cache
from pathlib import Path

import icalendar
import pytest
import yaml
from babel.messages.pofile import read_po
from lxml import etree
from test_languages import texts as own_blueprint_texts

from mapgen.cli import main
from mapgen.core.i18n import catalog_path
from mapgen.model.blueprint import load_blueprint

LANGUAGES = ("sv", "de", "fr", "es", "nl")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG = 12  # an English blueprint text this long is searched for inside paragraphs


# --------------------------------------------------------------------------- what to look for


def blueprint_texts(bp) -> dict[tuple, str]:
    """The blueprint's own texts (test_languages' list) and its sign-off roles."""
    return own_blueprint_texts(bp) | {("signoff", i): r for i, r in enumerate(bp.signoff)}


@cache
def own_texts(lang: str) -> str:
    """Every text map-<lang> writes itself, one string."""
    return "\n".join(" ".join(str(v).split())
                     for v in blueprint_texts(load_blueprint(f"map-{lang}")).values() if v)


@cache
def english_messages(lang: str) -> tuple[tuple[re.Pattern, bool, str], ...]:
    """(pattern, inside, msgid) for each English message whose translation differs and that
    the blueprint's own texts do not quote (map-sv's intro names the "Mutual Action Plan"):
    the pattern matches the message with anything in its ``{fields}``; ``inside``: also
    searched within a paragraph (messages of two or more words), else only as a whole one."""
    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings or english in own_texts(lang):
                continue
            parts = re.split(r"\{\w*\}", english)
            pattern = re.compile(".+?".join(re.escape(p) for p in parts), re.S)
            words = len(re.findall(r"\w+", " ".join(parts)))
            if words < 2 and len(parts) > 1:
                continue  # "Complete {sections}.": one word and a field match real Spanish
            out.append((pattern, words >= 2, english))
    return tuple(out)


@cache
def english_blueprint_texts(lang: str) -> tuple[str, ...]:
    """Texts of ``map`` that ``map-<lang>`` says differently, and that its own texts do not
    quote (map-de's intro names the "Mutual Action Plan")."""
    ours, theirs = blueprint_texts(load_blueprint(f"map-{lang}")), blueprint_texts(load_blueprint("map"))
    return tuple(sorted({str(v) for k, v in theirs.items() if v and str(v) != str(ours.get(k))
                         and " ".join(str(v).split()) not in own_texts(lang)}))


def leaks(lang: str, paragraphs: list[str]) -> list[tuple[str, str]]:
    """(English text, paragraph) for each English text found."""
    found = []
    bp_texts = english_blueprint_texts(lang)
    for paragraph in {" ".join(p.split()) for p in paragraphs if p.strip()}:
        for pattern, inside, english in english_messages(lang):
            if (pattern.search(paragraph) if inside else pattern.fullmatch(paragraph)):
                found.append((english, paragraph))
        for english in bp_texts:
            flat = " ".join(english.split())
            if paragraph == flat or (len(flat) >= LONG and flat in paragraph):
                found.append((english, paragraph))
    return sorted(found)


# --------------------------------------------------------------------------- visible texts


def docx_paragraphs(path: Path) -> list[str]:
    """The text of every paragraph of the body, the headers and the footers (table cells'
    paragraphs included), read from the XML parts; the document's subject too."""
    out = []
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        assert "word/document.xml" in names
        for name in names:
            root = etree.fromstring(z.read(name))
            for p in root.iter(f"{W}p"):
                out.append("".join(t.text or "" for t in p.iter(f"{W}t")))
        core = etree.fromstring(z.read("docProps/core.xml"))
        out += [e.text or "" for e in core.iter() if etree.QName(e).localname in ("subject", "keywords")]
    return out


def markdown_paragraphs(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = re.sub(r"\\(.)", r"\1", line).strip()
        line = re.sub(r"^(#+|- \[ \]|-|\d+\.|```\w*)\s*", "", line)
        for cell in (line.strip("|").split("|") if line.startswith("|") else [line]):
            cell = cell.strip().strip("*").strip()
            out += [cell, *cell.split("<br>")]
    return out


def ics_paragraphs(path: Path) -> list[str]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    out = []
    for event in cal.walk("VEVENT"):
        out.append(str(event["summary"]))
        out += str(event["description"]).splitlines()
        out += [str(c) for c in event["categories"].cats]
    assert out, "the calendar has events"
    return out


# --------------------------------------------------------------------------- inputs


def plan_for(lang: str, path: Path, *, who: str = "", responsible: str = "Ana Lind") -> Path:
    """A plan for map-<lang>: the deal's facts, phases and action items (one done, one late),
    a stakeholder; choices in the blueprint's language."""
    bp = load_blueprint(f"map-{lang}")
    actions = bp.section("action_items")
    status = actions.column("status")
    by_meaning = {m: s for s, m in status.status_meanings().items()}
    importance = actions.column("importance").choices or ["1"]
    today = dt.date.today()
    plan = {
        "format": "mapgen-plan", "format_version": 1,
        "blueprint": {"name": f"map-{lang}", "version": bp.version},
        "deal": {"name": "Orion 2027", "buyer": "Kvarn AB", "seller": "Lumo Oy",
                 "start": today - dt.timedelta(days=30), "close": today + dt.timedelta(days=40),
                 "go_live": today + dt.timedelta(days=90)},
        "sections": {
            "phases": [
                {"phase": 1, "milestone": "Orion 1", "deadline": today - dt.timedelta(days=10),
                 "responsible": responsible},
                {"phase": 2, "milestone": "Orion 2", "deadline": today + dt.timedelta(days=60),
                 "responsible": responsible},
            ],
            "action_items": [
                {"description": "Orion A", "deadline": today - dt.timedelta(days=20),
                 "importance": importance[0], "responsible": responsible,
                 "status": by_meaning["done"]},
                {"description": "Orion B" + who, "deadline": today - dt.timedelta(days=3),
                 "importance": importance[-1], "responsible": responsible,
                 "status": by_meaning["in_progress"]},
            ],
        },
    }
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run(runner, *args: str) -> None:
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", params=LANGUAGES)
def made(request, tmp_path_factory) -> tuple[str, Path]:
    """Every document of one language, made once through the command line."""
    from click.testing import CliRunner

    lang, runner = request.param, CliRunner()
    out = tmp_path_factory.mktemp(f"i18n-{lang}")
    bp = f"map-{lang}"
    plan = plan_for(lang, out / "plan.yaml")
    for audience in ("internal", "buyer"):
        for fmt in ("docx", "md"):
            run(runner, "generate", "--blueprint", bp, "--audience", audience, "--format", fmt,
                "--out", str(out / f"blank-{audience}"))
        for fmt in ("docx", "md", "ics"):
            run(runner, "generate", "--blueprint", bp, "--plan", str(plan), "--audience", audience,
                "--format", fmt, "--out", str(out / f"filled-{audience}"))
    # session 2: two people's plans with a conflicting value, merged
    one = plan_for(lang, out / "ana.yaml", responsible="Ana Lind")
    two = plan_for(lang, out / "bo.yaml", responsible="Bo Ek")
    run(runner, "merge", str(one), str(two), "--blueprint", bp,
        "--out", str(out / "session-2" / "consolidated.docx"))
    run(runner, "workshop", "--blueprint", bp, "--participants", "Ana Lind, Bo Ek",
        "--out", str(out / "kit"))
    # a company blueprint whose standard rows wait for the deal's dates: the kit has deal.yaml
    company = out / f"acme-{lang}.yaml"
    company.write_text(f"name: acme-{lang}\nextends: {bp}\nsections:\n  - key: phases\n"
                       "    rows:\n      - {phase: 1, milestone: Orion, deadline: go_live-6w}\n",
                       encoding="utf-8")
    run(runner, "workshop", "--blueprint", str(company), "--out", str(out / "kit-dated"))
    run(runner, "workshop", "--blueprint", bp, "--plan", str(plan), "--out", str(out / "kit-filled"))
    return lang, out


def test_no_english_in_the_word_documents(made):
    lang, out = made
    files = sorted(p for p in out.rglob("*.docx"))
    assert len(files) >= 10  # handouts, session 2, guides
    found = {f.relative_to(out).as_posix(): leaks(lang, docx_paragraphs(f)) for f in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_english_in_markdown_checklist_and_deal_file(made):
    lang, out = made
    files = sorted([*out.rglob("*.md"), *out.rglob("deal.yaml")])
    assert {f.name for f in files} >= {"CHECKLIST.md", "deal.yaml", f"map-{lang}.md"}
    found = {}
    for f in files:
        text = f.read_text(encoding="utf-8")
        lines = [line.lstrip("# ") for line in text.splitlines()] if f.suffix == ".yaml" \
            else markdown_paragraphs(text)
        found[f.relative_to(out).as_posix()] = leaks(lang, lines)
    assert {k: v for k, v in found.items() if v} == {}


def test_no_english_in_the_calendar(made):
    lang, out = made
    files = sorted(out.rglob("*.ics"))
    assert files
    found = {f.relative_to(out).as_posix(): leaks(lang, ics_paragraphs(f)) for f in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_checker_finds_english(made):
    """The English documents of ``map`` hold what the checks look for."""
    lang, out = made
    english = out / "english"
    from click.testing import CliRunner

    run(CliRunner(), "generate", "--blueprint", "map", "--format", "docx", "--out", str(english))
    found = {e for e, _ in leaks(lang, docx_paragraphs(english / "map.docx"))}
    assert {"Contents", "Workshop handout", "Page {page} of {pages}",
            "Rows in grey italics are examples. Write your own in the empty rows."} <= found


# What a reader sees in each language: contents, footer, cover, sign-off, timeline, calendar.
EXPECTED = {
    "sv": ("Innehåll", "Sida 1 av 1", "Framtagen för Kvarn AB", "Godkännande", "Veckan som börjar",
           "Klar: Orion A", "Ägare: Ana Lind"),
    "de": ("Inhalt", "Seite 1 von 1", "Erstellt für Kvarn AB", "Freigabe", "Woche vom",
           "Erledigt: Orion A", "Verantwortlich: Ana Lind"),
    "fr": ("Sommaire", "Page 1 sur 1", "Préparé pour Kvarn AB", "Validation", "Semaine du",
           "Terminé : Orion A", "Responsable : Ana Lind"),
    "es": ("Índice", "Página 1 de 1", "Preparado para Kvarn AB", "Aprobación", "Semana del",
           "Hecho: Orion A", "Responsable: Ana Lind"),
    "nl": ("Inhoud", "Pagina 1 van 1", "Opgesteld voor Kvarn AB", "Ondertekening", "Week van",
           "Afgerond: Orion A", "Eigenaar: Ana Lind"),
}


def test_the_handout_and_calendar_read_in_their_language(made):
    lang, out = made
    text = "\n".join(" ".join(p.split()) for p in
                     docx_paragraphs(next((out / "filled-internal").glob("*.docx"))))
    calendar = "\n".join(" ".join(p.split()) for p in
                         ics_paragraphs(next((out / "filled-internal").glob("*.ics"))))
    *handout, done, owner = EXPECTED[lang]
    assert [t for t in handout if t not in text] == []
    assert done in calendar and owner in calendar
