"""Small helpers on values and words that every layer shares: blank values, English plurals,
how many lines a text wraps to.

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


def wrapped_lines(text: str, per_line: float) -> int:
    """Lines that ``text`` takes when wrapped at word boundaries, ``per_line`` characters a
    line: each paragraph (``\\n``) starts a line, a word that does not fit on the current line
    starts the next, and a word longer than a line breaks anywhere. The one line counter: each
    renderer says how many characters its line holds (a sheet's column width at a font size,
    a page's width in twips), and that is all that differs between them."""
    per_line = max(1, int(per_line))
    if len(text) <= per_line and "\n" not in text:
        return 1  # its words and the spaces between them fit
    lines = 0
    for paragraph in (text or "").split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                count, used = count + 1, size
            else:
                used += size + (1 if used else 0)
            while used > per_line:  # a word longer than the line breaks anywhere
                count, used = count + 1, used - per_line
        lines += count
    return lines
