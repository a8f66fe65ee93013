"""mapgen's own texts from message catalogs: every catalog complete, the template up to date with
the code, a missing message an error (never English), and the translated forms as documents
print them."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import mapgen
from mapgen.core.i18n import (
    CATALOG_LANGUAGES,
    N_,
    TEMPLATE,
    MissingMessage,
    Texts,
    catalog_path,
    load_catalog,
    texts_for,
)
from mapgen.model.blueprint import load_blueprint
from mapgen.model.view import describe_relative, display_value

# The same keywords as `make catalogs` (Makefile): gettext's defaults plus `texts`, `N_` and `N_plural`.
KEYWORDS = {"_": None, "texts": None, "N_": None, "N_plural": (1, 2), "gettext": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2)}


@functools.cache
def code_messages() -> frozenset[tuple[str | None, str]]:
    """(context, msgid) of every message marked in mapgen's code."""
    root = Path(mapgen.__file__).parent
    out = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(root), method_map=[("**.py", "python")], keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        out.add((context, msgid))
    return frozenset(out)


def catalog(path: Path, language: str | None = None):
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def test_the_code_marks_messages_and_the_template_is_up_to_date():
    messages = code_messages()
    assert len(messages) > 20
    template = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
                for m in catalog(TEMPLATE) if m.id}
    assert messages - template == set(), "run `make catalogs`: the template lacks these"
    assert template - messages == set(), "run `make catalogs`: the template holds stale messages"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_catalog_translates_every_message(language):
    cat = catalog(catalog_path(language), language)
    have = {}
    for m in cat:
        if m.id:
            have[(m.context, m.id[0] if isinstance(m.id, tuple) else m.id)] = m
    missing = sorted(msgid for key in code_messages() if (m := have.get(key)) is None
                     for msgid in [key[1]])
    assert missing == [], f"{language}.po lacks messages: run `make catalogs` and translate them"
    for key, m in have.items():
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(forms), f"{language}.po: {key[1]!r} is not translated"
        assert not m.fuzzy, f"{language}.po: {key[1]!r} is fuzzy"
        assert len(forms) == (cat.num_plurals if isinstance(m.id, tuple) else 1), key
        # A translation keeps the message's {fields}: a missing one drops data, an extra one fails.
        source = m.id if isinstance(m.id, tuple) else (m.id,)
        assert all(_fields(f) <= _fields(" ".join(source)) for f in forms), (language, key)
        assert _fields(source[-1]) - {"n"} <= _fields(forms[-1]), (language, key)


def _fields(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_a_missing_message_raises_instead_of_printing_english(tmp_path):
    po = tmp_path / "xx.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "Overview"\nmsgstr "Översikt"\n\n'
                  'msgid "Timeline"\nmsgstr ""\n\n'
                  '#, fuzzy\nmsgid "Legend"\nmsgstr "Teckenförklaring"\n', encoding="utf-8")
    texts = Texts("sv", load_catalog(po, "sv"))
    assert texts("Overview") == "Översikt"
    for message in ("Timeline", "Legend", "Not in the catalog"):
        with pytest.raises(MissingMessage, match=repr(message)):
            texts(message)


def test_a_language_without_a_catalog_is_an_error(tmp_path):
    with pytest.raises(MissingMessage, match="no 'xx' catalog"):
        load_catalog(tmp_path / "xx.po", "xx")


def test_a_translated_plural_needs_every_form(tmp_path):
    po = tmp_path / "fr.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
                  'msgid "{n} week before {anchor}"\nmsgid_plural "{n} weeks before {anchor}"\n'
                  'msgstr[0] "{n} semaine avant {anchor}"\nmsgstr[1] ""\n', encoding="utf-8")
    texts = Texts("fr", load_catalog(po, "fr"))
    with pytest.raises(MissingMessage):
        texts.ngettext("{n} week before {anchor}", "{n} weeks before {anchor}", 6, anchor="x")


def test_values_fill_the_translation_and_braces_alone_stay():
    en = texts_for("en")
    assert en("Row {number}", number=3) == "Row 3"
    assert en("Row {number}") == "Row {number}"  # no values: the text as it is
    assert N_("Row {number}") == "Row {number}"
    assert texts_for("de")("Row {number}", number=3) == "Zeile 3"


@pytest.mark.parametrize(("language", "rule", "words"), [
    ("en", "go_live-6w", "6 weeks before go-live"),
    ("en", "start+1bd", "1 business day after start"),
    ("en", "close", "at close"),
    ("sv", "go_live-6w", "6 veckor före driftstart"),
    ("sv", "go_live-1w", "1 vecka före driftstart"),
    ("de", "start+2bd", "2 Arbeitstage nach dem Start"),
    ("fr", "go_live-6w", "6 semaines avant la mise en service"),
    ("fr", "go_live", "à la mise en service"),
    ("es", "start+1d", "1 día después del inicio"),
    ("nl", "close-3w", "3 weken voor de closing"),
])
def test_relative_dates_in_words(language, rule, words):
    assert describe_relative(rule, texts_for(language)) == words


@pytest.mark.parametrize(("language", "printed"), [
    ("en", "15 Jan 2027"), ("de", "15.01.2027"), ("sv", "15 jan 2027"), ("nl", "15 jan 2027"),
])
def test_dates_print_in_the_language(language, printed):
    assert texts_for(language).date(dt.date(2027, 1, 15)) == printed


def test_a_date_column_prints_in_the_blueprints_language():
    bp = load_blueprint("map-de")
    column = next(c for s in bp.sections for c in s.columns if c.field.is_date)
    assert display_value(column, dt.date(2027, 3, 1), texts_for(bp.language)) == "01.03.2027"
    assert display_value(column, "go_live-2w", texts_for(bp.language)) == "2 Wochen vor dem Go-live"
