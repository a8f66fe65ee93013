"""Small helpers on values and words that every layer shares: blank values, English plurals.

Texts that documents carry go through :mod:`mapgen.core.i18n` (``ngettext``) instead: these are
for mapgen's own English messages and reports.
"""

from __future__ import annotations


def is_blank(value: object) -> bool:
    """True for what counts as an empty cell: None, or a text of white space only."""
    return value is None or (isinstance(value, str) and not value.strip())


def plural(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``: a count and an English noun that takes ``s`` in the plural."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
