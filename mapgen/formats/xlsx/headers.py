"""Finding each section's sheet and header row: sheet titles and header texts compared loosely
(case, spacing, punctuation ignored), the names a column goes by, and the best header row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from mapgen.formats.xlsx.meta import SOURCES_KEY, SheetMeta

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Section

HEADER_SCAN_ROWS = 30  # rows at the top of a sheet searched for a table header
HEADER_CHARS = 300  # characters of a cell compared with headers, and kept as a header's text
HEADER_SCAN_CELLS = 1000  # cells of a top row compared with headers
_SOURCES_HEADER = "sources"  # the merge's provenance column (SOURCES_KEY): never read back


class _Sheet(Protocol):
    """What the reader's stages ask of a sheet (:class:`mapgen.formats.xlsx.reader._Sheet`)."""

    title: str
    head: list[tuple]
    truncated: str | None

    def folded_top(self, n: int) -> list[set[str]]: ...

    def rows_after(self, header_row: int) -> Iterator[tuple[int, tuple]]: ...


@cache
def _sources_headers(language: str) -> frozenset[str]:
    """The merge's Sources column header, folded, in English and in ``language`` (the
    blueprint's: a merge writes it in the workbook's language, and the metadata records it)."""
    from mapgen.core.i18n import texts_for

    return frozenset({_SOURCES_HEADER, _fold(texts_for(language)("Sources"))})


def _recorded_extras(section: Section, recorded: SheetMeta | None) -> dict[str, str]:
    """Folded header -> key of the extra columns a generated workbook records (not the
    blueprint's: columns a person added, written back by ``generate --plan``)."""
    if recorded is None:
        return {}
    return {_fold(h): k for k, h in zip(recorded.columns, recorded.headers, strict=False)
            if k != SOURCES_KEY and section.column(k) is None and _fold(h)}


# --------------------------------------------------------------------------- mapping helpers


def _fold(text: str) -> str:
    """Header/sheet text compared loosely: case, spacing and punctuation ignored; & is and.
    Only the first :data:`HEADER_CHARS` characters count (no header is longer)."""
    text = unicodedata.normalize("NFKC", text[:HEADER_CHARS]).casefold().replace("&", "and")
    return re.sub(r"[\W_]+", "", text) or "".join(text.split())  # '#' stays '#'


def _title_forms(text: str) -> set[str]:
    """A sheet title folded, with and without a leading number like '3.'."""
    return {_fold(text), _fold(re.sub(r"^\s*\d+\s*[.):-]?\s*", "", text))} - {""}


def _text(value: Any) -> str:
    """A cell's text on one line, as far as a header is compared or shown (:data:`HEADER_CHARS`)."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > HEADER_CHARS:
        text = text[:HEADER_CHARS] + "..."
    return " ".join(text.split())


def _aliases(section: Section, recorded: SheetMeta | None, language: str) -> dict[str, str]:
    """Folded header text -> column key: recorded headers first, then blueprint headers, keys,
    then the other names a column goes by (its ``aliases``: Owner for Responsible Person), and
    the merge's Sources header in English and in ``language``."""
    out: dict[str, str] = {}
    if recorded is not None:
        for key, header in zip(recorded.columns, recorded.headers, strict=False):
            if key == SOURCES_KEY or section.column(key) is not None:
                out.setdefault(_fold(header), key)
    for column in section.columns:
        out.setdefault(_fold(column.title), column.key)
    for column in section.columns:
        out.setdefault(_fold(column.key), column.key)
    for column in section.columns:  # a translated blueprint's English headers too
        for header in column.accepted_headers():
            out.setdefault(_fold(header), column.key)
    for header in sorted(_sources_headers(language)):
        out.setdefault(header, SOURCES_KEY)
    for folded, key in _synonyms(section).items():
        out.setdefault(folded, key)
    out.pop("", None)
    return out


def _synonyms(section: Section) -> dict[str, str]:
    """Folded alias -> column key, for the aliases that no column's header or key claims."""
    own = {_fold(c.title) for c in section.columns} | {_fold(c.key) for c in section.columns}
    out: dict[str, str] = {}
    for column in section.columns:
        for alias in getattr(column, "aliases", None) or ():
            folded = _fold(str(alias))
            if folded and folded not in own:
                out.setdefault(folded, column.key)
    return out


def _need(section: Section) -> int:
    """Headers a sheet must show to be taken for the section by headers alone: a majority."""
    visible = [c for c in section.columns if not c.internal] or section.columns
    return len(visible) // 2 + 1


class _Headers:
    """Header matching for one read: each section's header texts (:func:`_aliases`) made once,
    in the blueprint's language."""

    def __init__(self, language: str):
        self.language = language
        self._aliases: dict[tuple[str, int], dict[str, str]] = {}

    def aliases(self, section: Section, recorded: SheetMeta | None) -> dict[str, str]:
        # ``recorded`` lives in the reader's metadata as long as this object: its id is stable
        key = (section.key, id(recorded))
        if key not in self._aliases:
            self._aliases[key] = _aliases(section, recorded, self.language)
        return self._aliases[key]

    def score(self, sheet: _Sheet, section: Section, recorded: SheetMeta | None) -> tuple[int, int]:
        """``(row number, number of the section's columns)`` of the best header row on the sheet."""
        aliases = self.aliases(section, recorded)
        if recorded is not None and recorded.header_row > 0:
            # Where the metadata says the header is, with every recorded column: no search needed.
            top = sheet.folded_top(recorded.header_row)
            if len(top) == recorded.header_row:
                found = {aliases.get(text) for text in top[-1]} - {None, SOURCES_KEY}
                wanted = {aliases.get(_fold(h)) for h in recorded.headers} - {None, SOURCES_KEY}
                if wanted and wanted <= found:
                    return recorded.header_row, len(found)
        depth = max(HEADER_SCAN_ROWS, (recorded.header_row + 10) if recorded else 0)
        best = (0, 0)
        for number, texts in enumerate(sheet.folded_top(depth), start=1):
            keys = {aliases.get(text) for text in texts}
            score = len(keys - {None, SOURCES_KEY})
            if score > best[1]:
                best = (number, score)
        return best


def _assign(sections: list[Section], recorded: Callable[[str], SheetMeta | None],
            sheets: list[_Sheet], headers: _Headers,
            reserved: frozenset[str] = frozenset()) -> dict[str, _Sheet]:
    """Section key -> sheet: by recorded or matching title first, then by headers. A sheet
    titled as one of mapgen's own (``reserved``, casefolded: the Overview, the Timeline) is
    taken by its headers only, never by its title alone."""
    found: dict[str, _Sheet] = {}
    used: set[int] = set()
    fallback: dict[str, _Sheet] = {}  # a title matches but no header does

    def take(key: str, sheet: _Sheet) -> None:
        found[key] = sheet
        used.add(id(sheet))

    for section in sections:
        meta = recorded(section.key)
        exact = next((s for s in sheets if meta and s.title == meta.sheet), None)
        names = _title_forms(section.label) | _title_forms(section.key)
        names |= _title_forms(meta.sheet) if meta else set()
        candidates = [exact] if exact else []
        candidates += [s for s in sheets if s is not exact and _title_forms(s.title) & names]
        for sheet in candidates:
            if id(sheet) in used:
                continue
            if headers.score(sheet, section, meta)[1]:
                take(section.key, sheet)
                break
            if sheet.title.casefold() not in reserved:
                fallback.setdefault(section.key, sheet)
    for section in sections:
        if section.key in found:
            continue
        meta = recorded(section.key)
        scored = [(headers.score(s, section, meta)[1], -n, s) for n, s in enumerate(sheets)
                  if id(s) not in used]
        best = max(scored, key=lambda t: t[:2], default=None)
        if best and best[0] >= _need(section):
            take(section.key, best[2])
        elif (sheet := fallback.get(section.key)) is not None and id(sheet) not in used:
            take(section.key, sheet)
    return found


def _extra_key(header: str, taken: dict[str, Any], section: Section) -> str:
    """A row key for an unknown column, made from its header and unique in the table."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40] or "column"
    key, n = base, 1
    while key in taken or section.column(key) is not None or key == SOURCES_KEY:
        n += 1
        key = f"{base}_{n}"
    return key
