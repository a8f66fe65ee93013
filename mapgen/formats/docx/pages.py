"""The handout's page estimate: how far down the page the document has reached, in twips
(20 a point), so that write-in rows fill what is left of a page, and how many lines a text
wraps to. Estimates err on the full side: generous character widths, a safety margin.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from mapgen.core.i18n import Texts, texts_for
from mapgen.core.text import wrapped_lines

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Column

TEXT_LINE_TWIPS = 270  # a line of 10 pt body text at 1.1 line spacing
TEXT_CHAR_TWIPS = 85   # an average character of 10 pt body text (80 measured)
TABLE_LINE_TWIPS = 250  # a line of 9 pt table text (234 measured)
TABLE_CHAR_TWIPS = 90   # an average character of 9 pt table text (72 measured)
TABLE_PT = 9
CELL_MARGIN_TWIPS = 108  # Table Grid's left and right cell margins (0.19 cm)
CHAR_TWIPS = TABLE_PT * 12  # a generous average character width in table text (0.6 em)
BOLD_CHAR_TWIPS = TABLE_PT * 14


def longest_date(texts: Texts) -> int:
    """Characters of the longest printed date of the language (``30 Sep 2027`` in English)."""
    return _longest_date(texts.language)


@cache
def _longest_date(language: str) -> int:
    texts = texts_for(language)
    return max(len(texts.date(dt.date(2027, month, 28)))  # a two-digit day
               for month in range(1, 13))


class Page:
    """An estimate of how far down the current page the document has reached, in twips, so
    that write-in rows can fill what is left. The estimate errs on the full side (generous
    character widths, a safety margin): a row too many would start a page of its own."""

    def __init__(self, portrait_height: int, landscape_height: int):
        self.heights = (portrait_height, landscape_height)
        self.height = portrait_height
        self.width_twips = landscape_height  # text width of a portrait page
        self.used = 0
        self.number = 1  # the page reached (an estimate, as the rest)

    def new_page(self, *, landscape: bool | None = None) -> None:
        if landscape is not None:
            self.height = self.heights[1 if landscape else 0]
            self.width_twips = self.heights[0 if landscape else 1]  # A4 turned
        self.used = 0
        self.number += 1

    def add(self, twips: int) -> None:
        self.used += twips
        while self.used > self.height:
            self.used -= self.height
            self.number += 1

    def keep(self, twips: int) -> None:
        """A block that moves to the next page as a whole when it does not fit."""
        if self.used and self.used + twips > self.height:
            self.used = 0
            self.number += 1

    def add_row(self, twips: int, header: int) -> None:
        """A table row (rows never split); on a new page the header row repeats above it."""
        if self.used + twips > self.height:
            self.used = header
            self.number += 1
        self.used += twips

    def left(self) -> int:
        return max(0, self.height - self.used)

    def safety(self) -> int:
        return self.height // 12

    def text(self, text: str, *, indent: int = 0, line: int = TEXT_LINE_TWIPS,
             char: int = TEXT_CHAR_TWIPS, after: int = 120) -> int:
        """Twips that a paragraph of body text takes across the page's width."""
        per_line = max(1, (self.width_twips - indent) // char)
        return text_lines(text, per_line) * line + after


# While mapgen.ops.batch_templates makes a template: every measure of a text's lines, as (text, per_line,
# lines), the one way a handout's layout depends on how long its texts are.
MEASURES: list[tuple[str, int, int]] | None = None


def text_lines(text: str, per_line: int) -> int:
    """Lines that ``text`` wraps to at word boundaries, ``per_line`` characters a line (the one
    counter, :func:`mapgen.core.text.wrapped_lines`), recorded while a template is made."""
    lines = wrapped_lines(text, per_line)
    if MEASURES is not None:
        MEASURES.append((text, per_line, lines))
    return lines


def row_twips(texts: list[str], widths: list[int], char: int) -> int:
    """Twips of a table row: its tallest cell's lines, cell spacing and border."""
    lines = max((text_lines(t, max(1, (w - 2 * CELL_MARGIN_TWIPS) // char))
                 for t, w in zip(texts, widths, strict=False) if t), default=1)
    return lines * TABLE_LINE_TWIPS + 2 * 40 + 20


def min_width(column: Column | None, header: str, texts: Texts | None = None) -> int:
    """Twips that a column needs so that neither a header word nor a choice or a date breaks
    across lines, cell margins included (widths measured generously: fonts differ)."""
    words = [len(word) for word in header.split()]
    longest = max(words, default=1) * BOLD_CHAR_TWIPS
    if column is not None and column.field.has_choices:
        longest = max(longest, max((len(c) for c in column.choices or ()), default=0) * CHAR_TWIPS)
    if column is not None and column.field.is_date:
        longest = max(longest, longest_date(texts or texts_for()) * CHAR_TWIPS)
    return round(longest) + 2 * CELL_MARGIN_TWIPS
