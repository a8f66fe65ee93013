"""Dates typed with a language's month names: ``15. Januar 2027``, ``3 sept. 2027``, ``15 de enero
de 2027`` made readable for :func:`mapgen.core.dates.parse_date` (which knows English months).

The names come from Babel's locale data (wide and abbreviated, as written and as they stand
alone), so every language a blueprint may have is covered without a list of our own.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from mapgen.core.dates import MONTH_ABBR

_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
# Languages whose spreadsheets (Excel's and LibreOffice's ``mmm``) shorten month names otherwise
# than Babel's locale data, by the letters they keep: Swedish prints ``jan``, ``mar``, ``jun``
# where Babel has ``jan.``, ``mars``, ``juni``. Documents print dates as the workbook shows them.
_SPREADSHEET_LETTERS = {"sv": 3}
_FILLERS = frozenset({"de", "del", "den", "der", "le", "el"})  # "15 de enero de 2027", "den 15 januari"


@cache
def _months(language: str) -> dict[str, int]:
    """Folded month name (without a trailing dot) -> month number, for ``language``."""
    if language == "en":
        return {}
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale=language).items():
                out.setdefault(name.casefold().rstrip("."), number)
    for number, name in enumerate(spreadsheet_months(language) or (), start=1):
        out.setdefault(name.casefold(), number)
    return out


@cache
def spreadsheet_months(language: str) -> tuple[str, ...] | None:
    """The short month names (January first) that a workbook in ``language`` shows, where they
    differ from Babel's abbreviations; None where they do not."""
    letters = _SPREADSHEET_LETTERS.get(language)
    if letters is None:
        return None
    from babel.dates import get_month_names

    wide = get_month_names("wide", "format", locale=language)
    return tuple(wide[n][:letters] for n in range(1, 13))


def with_month(pattern: str, day: date, language: str) -> str:
    """A Babel date ``pattern`` whose short month (``MMM``) is the one the workbook shows (see
    :func:`spreadsheet_months`), as a quoted literal; other patterns as they are."""
    months = spreadsheet_months(language)
    if months is None:
        return pattern
    return re.sub(r"(?<!M)MMM(?!M)", f"'{months[day.month - 1]}'", pattern)


def english_months(text: str, language: str) -> str:
    """``text`` with the month names of ``language`` written as English abbreviations (and
    the small words some languages put around them left out); other text as it is."""
    months = _months(language)
    if not months or not any(ch.isalpha() for ch in text):
        return text
    changed = False

    def swap(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0).casefold().rstrip(".")
        if word in months:
            changed = True
            return f" {MONTH_ABBR[months[word] - 1]} "
        if word in _FILLERS:
            return " "
        return match.group(0)

    swapped = _WORD.sub(swap, text)
    return " ".join(swapped.split()) if changed else text
