"""mapgen's own texts in the blueprint's language.

A blueprint writes its own texts (titles, headers, help, examples, choices) in its ``language``.
Everything else a document carries (sheet names such as Overview, labels, legends, tips, notes,
footers, the cover, the facilitator guide, printed dates) is written here in English and
translated from a gettext catalog, ``mapgen/core/locales/<language>.po``.

In code a text is marked with ``_`` (a :class:`Texts`, usually ``view.texts``) where it is
written, or with :func:`N_` where it is defined ahead of time and translated later; the
catalog template ``mapgen/core/locales/mapgen.pot`` is extracted from those marks (``make
catalogs``). A language's catalog is compiled when it is first used (Babel reads the ``.po``,
the standard library's gettext serves it). A message that a catalog lacks, or has only as an
untranslated or fuzzy entry, raises :class:`MissingMessage`: a document never falls back to
English silently. The tests check that every catalog holds every message.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from mapgen.core.errors import MapgenError

SOURCE_LANGUAGE = "en"  # the language of the messages themselves (the msgids)
CATALOG_LANGUAGES = ("sv", "de", "fr", "es", "nl")
LOCALES = Path(__file__).with_name("locales")
TEMPLATE = LOCALES / "mapgen.pot"


class MissingMessage(MapgenError):
    """A catalog has no translation of a message that a document needs."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (it is translated where used)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for the catalog without translating it (``texts.ngettext(*pair, n)``
    where it is used)."""
    return singular, plural


def catalog_path(language: str) -> Path:
    """Where the catalog of ``language`` lives."""
    return LOCALES / f"{language}.po"


class _Refuse:
    """The fallback of a strict catalog: a message it does not hold is an error."""

    def __init__(self, language: str) -> None:
        self.language = language

    def _missing(self, message: str, context: str | None = None) -> MissingMessage:
        where = f" (context '{context}')" if context else ""
        return MissingMessage(f"the '{self.language}' catalog ({catalog_path(self.language).name}) has no "
                              f"translation of {message!r}{where}")

    def gettext(self, message: str) -> str:
        raise self._missing(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        raise self._missing(singular)

    def pgettext(self, context: str, message: str) -> str:
        raise self._missing(message, context)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        raise self._missing(singular, context)


class _Source:
    """The source language: each message is its own text."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


class Texts:
    """mapgen's texts in one language: call it with an English message to get it translated.

    ``values`` fill ``{name}`` fields of the translated text (``str.format``), so a translation
    may reorder them; without values the text is returned as it is, braces and all.
    """

    def __init__(self, language: str, translations: Any) -> None:
        self.language = language
        self._t = translations

    def __call__(self, message: str, /, **values: Any) -> str:
        return _fill(self._t.gettext(message), values)

    def pgettext(self, context: str, message: str, /, **values: Any) -> str:
        """A message whose English is ambiguous, told apart by ``context``."""
        return _fill(self._t.pgettext(context, message), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The form for ``n`` (``{n}`` is filled in with it)."""
        return _fill(self._t.ngettext(singular, plural, n), {"n": n, **values})

    def date(self, value: dt.date) -> str:
        """A date as a document prints it: ``15 Jan 2027`` in English, the locale's medium form
        otherwise (``15 janv. 2027``, ``15.01.2027``) with the month as the workbook shows it
        (Swedish ``15 jan 2027``: :func:`mapgen.core.month_names.spreadsheet_months`)."""
        if self.language == SOURCE_LANGUAGE:
            from mapgen.core.dates import format_human

            return format_human(value)
        from babel.dates import format_date, get_date_format

        from mapgen.core.month_names import with_month

        pattern = get_date_format("medium", locale=self.language).pattern
        return format_date(value, with_month(pattern, value, self.language), locale=self.language)

    def day_month(self, value: dt.date) -> str:
        """A day with its short month: ``3 Feb`` in English, the locale's form otherwise
        (``3. Feb.``, ``3 févr.``, Swedish ``3 feb``), the month as in :meth:`date`."""
        if self.language == SOURCE_LANGUAGE:
            from mapgen.core.dates import MONTH_ABBR

            return f"{value.day} {MONTH_ABBR[value.month - 1]}"
        from babel import Locale
        from babel.dates import format_date, match_skeleton

        from mapgen.core.month_names import with_month

        skeletons = Locale.parse(self.language).datetime_skeletons
        pattern = skeletons[match_skeleton("MMMd", skeletons)].pattern
        return format_date(value, with_month(pattern, value, self.language), locale=self.language)

    def __repr__(self) -> str:
        return f"Texts({self.language!r})"


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


@cache
def texts_for(language: str = SOURCE_LANGUAGE) -> Texts:
    """The texts of ``language`` (compiled from its catalog on first use, then cached)."""
    if language == SOURCE_LANGUAGE:
        return Texts(language, _Source())
    return Texts(language, load_catalog(catalog_path(language), language))


def load_catalog(path: Path, language: str) -> gettext.GNUTranslations:
    """A strict gettext catalog from a ``.po`` file: missing, empty and fuzzy messages raise."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language, abort_invalid=True)
    except FileNotFoundError:
        raise MissingMessage(f"there is no '{language}' catalog ({path.name}) for mapgen's own "
                             "texts") from None
    except Exception as exc:  # babel's PoFileError and friends, in one line
        raise MapgenError(f"{path.name}: cannot read the catalog: {exc}") from None
    for message in list(catalog):  # a plural entry with an empty form is not translated
        if message.id and isinstance(message.string, tuple) and not all(message.string):
            catalog.delete(message.id, message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    translations.add_fallback(_Refuse(language))
    return translations
