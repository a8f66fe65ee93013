"""Prepared templates: a batch's documents made once per deal *shape*, then filled in per deal.

Building a workbook or a handout costs far more than the few values that differ between the
deals of one CRM export. So a batch writes each format once for a *tokenized* copy of a deal:
every run of ordinary characters (letters, digits, non-ASCII symbols) in the deal's texts is
replaced by as many copies of one private-use character (one character per run, its *slot*),
while spaces, ASCII punctuation and control characters stay as they are. The token has the
same length, words and special characters as the value, so every length-based layout decision
(row heights, lines, page fill), every escape (XML, JSON, formula quotes) and the formula guard
come out the same. Per deal, each slot run in the package parts is replaced by the run it
stands for, and the zip is written from the parts (the ones without a slot compressed once).

Dates are slots too, each format's own way (DATE_FORMS): the workbook writes a date as a cell's
serial number (``46357``) and as ISO text in its metadata; the handout prints it in words
(``1 Dec 2026``) and prints its timeline's Mondays as day and month (``30 Nov``), and each
timeline cell's background is a slot (the deal's bars, overdue and done colours and this week,
from ``docx.timeline.timeline_fills``). So each format has its own shape (:func:`format_key`):
the texts' shape (numbers and the rows' structure as they are, dates left out), which of the
view's dates are one date, and the number of timeline weeks, the one thing beyond those slots
that the dates decide (the workbook's week cells are formulas over the dates). Printed dates
vary in length, and the handout lays its pages out by its texts' lines: every measure of lines
the handout's writer makes is recorded with the template, and a deal is refused the template
unless its texts (the slots filled in) take the same lines in every one.

Correctness first: a deal uses a template only when its view (built anyway, to check it) is the
template's view with the slots substituted, value for value and date for date, one deal date
wherever its template date was (a blueprint text that treats a value other than by printing
it, such as ``upper``, a comparison or a date printed into a text, fails this), and when the
template's parts hold every token only as plain text (not in a sheet name, a table header, a
shared string or a character reference), and when no row keeps a link (the handout makes a web
or mail address a hyperlink, by its text). Each template is checked against a *probe*: the same
deal in a second private-use alphabet, its dates moved by whole weeks (weekdays kept) as far as
its shape stays the same; every part must be the template with the probe's slots filled in. A
template date's form that the probe shows unchanged is constant text (an example date), not a
slot. Anything else is written one by one, as before: a format of a deal can take its template
while another is written on its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import struct
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mapgen.core.errors import MapgenError
from mapgen.core.fileio import staged
from mapgen.core.text import wrapped_lines
from mapgen.formats import registry
from mapgen.formats.registry import WriteOptions
from mapgen.model.blueprint import Audience, Blueprint
from mapgen.model.plan import NOTES_KEY, Plan
from mapgen.model.view import DocumentView, build_view

TEMPLATED = ("xlsx", "docx")  # the zip formats a template can fill in
RECORD_PART = "docProps/custom.xml"  # a handout's own record (mapgen.formats.docx.record): per deal
# Slot k is chr(BASE + k), in the Private Use Area (below U+F000, where symbol fonts' bullets
# live); a second alphabet from PROBE checks that a template's parts hold the tokens as text
# only (the same parts, but for the tokens).
BASE, PROBE, MAX_SLOTS = 0xE000, 0xE800, 0x800
_RUN = re.compile("([\ue000-\uefff])\\1*")
_ANY_SLOT = re.compile("[\ue000-\uefff]")
_SLOT_REF = re.compile("&#(5[7-9][0-9]{3}|6[01][0-9]{3});")  # openpyxl: non-ASCII as &#N;
_STAMP = re.compile(r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
_STAMP_BYTES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")
_TEXT_PARTS = (".xml", ".rels", ".vml")
# xlsx parts where a token would not be plain text: sheet names, table headers, shared strings
_NO_TOKENS = re.compile(r"xl/workbook\.xml|xl/tables/.*|xl/sharedStrings\.xml")


class Unusable(Exception):
    """This deal or shape cannot use a template; ``args[0]`` says why (for the count)."""


# --------------------------------------------------------------------------- tokens


def _ordinary(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char)[0] in "LMNPS" and not char.isspace()


class Tokens:
    """The runs of ordinary characters of one deal's values, by slot."""

    def __init__(self, base: int = BASE) -> None:
        self.base = base
        self.segments: list[str] = []

    def text(self, value: str) -> str:
        if _ANY_SLOT.search(value):
            raise Unusable("a value holds private-use characters")
        out: list[str] = []
        start = 0
        while start < len(value):
            end = start
            kind = _ordinary(value[start])
            while end < len(value) and _ordinary(value[end]) == kind:
                end += 1
            run = value[start:end]
            if kind:
                if len(self.segments) >= MAX_SLOTS:
                    raise Unusable("too many values")
                out.append(chr(self.base + len(self.segments)) * len(run))
                self.segments.append(run)
            else:
                out.append(run)
            start = end
        return "".join(out)

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):  # a row's id and standard link are no deal values
            return {k: v if k in ("_id", "_std") else self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        return value

    def fill(self, text: str) -> str:
        """``text`` with every slot run replaced by the values it stands for."""
        return _RUN.sub(lambda m: self._run(m.group()), text)

    def _run(self, run: str) -> str:
        k = ord(run[0]) - self.base
        if not 0 <= k < len(self.segments):
            raise Unusable("an unknown token")
        segment = self.segments[k]
        times, rest = divmod(len(run), len(segment))
        if rest:
            raise Unusable("a value cut short")
        return segment * times


def tokenize(plan: Plan, base: int = BASE) -> tuple[Plan, Tokens, str]:
    """The plan with its texts tokenized, the tokens, and the key of its texts' shape (which
    leaves the dates out: each format adds what its files take from them, see
    :meth:`Prepared.check`)."""
    if any(isinstance(note, dict) and note.get("link")
           for rows in plan.sections.values() for row in rows
           if isinstance(row.get(NOTES_KEY), dict) for note in row[NOTES_KEY].values()):
        # the handout makes a link a hyperlink by its text (a web or mail address or not)
        raise Unusable("a row keeps a link")
    tokens = Tokens(base)
    tokenized = plan.model_copy(update={"deal": tokens.walk(plan.deal),
                                        "sections": tokens.walk(plan.sections)})
    return tokenized, tokens, repr(_date_blind(tokenized.model_dump()))


def _is_day(value: Any) -> bool:
    """A date that can be a slot: a ``datetime.date`` (not a datetime, not a subclass)."""
    return type(value) is dt.date


def _date_blind(value: Any) -> Any:
    if _is_day(value):
        return _DAY
    if isinstance(value, dict):
        return {k: _date_blind(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_date_blind(v) for v in value]
    return value


class _Day:
    def __repr__(self) -> str:
        return "<a date>"


_DAY = _Day()


def view_dates(view: Any, out: list[dt.date] | None = None) -> list[dt.date]:
    """The dates of a view (or any part of it) that can be slots, in the order
    :func:`same_view` meets them; not the day of writing (``generated``)."""
    out = [] if out is None else out
    if _is_day(view):
        out.append(view)
    elif isinstance(view, dict):
        for v in view.values():
            view_dates(v, out)
    elif isinstance(view, list | tuple):
        for v in view:
            view_dates(v, out)
    elif dataclasses.is_dataclass(view) and not isinstance(view, type):
        for f in dataclasses.fields(view):
            if f.name != "generated":
                view_dates(getattr(view, f.name), out)
    return out


def same_view(template: Any, deal: Any, tokens: Tokens, dates: dict | None = None) -> bool:
    """Whether ``deal`` (a view or any part of it) is ``template`` with the tokens filled in.

    With ``dates`` (a dict, filled in here), a date of the template may stand for another
    date of the deal, the same one wherever it occurs: ``dates`` maps each template date to
    the deal's. Without it, dates must be equal. The day of writing (``generated``) is always
    compared as it is."""
    if dates is not None and _is_day(template):
        return _is_day(deal) and dates.setdefault(template, deal) == deal
    if template is deal:
        return True
    if isinstance(template, str):
        return isinstance(deal, str) and (tokens.fill(template) if _ANY_SLOT.search(template)
                                          else template) == deal
    if type(template) is not type(deal):
        return False
    if isinstance(template, dict):
        return template.keys() == deal.keys() and all(
            same_view(template[k], deal[k], tokens, dates) for k in template)
    if isinstance(template, list | tuple):
        return len(template) == len(deal) and all(
            same_view(a, b, tokens, dates) for a, b in zip(template, deal, strict=True))
    if dataclasses.is_dataclass(template):
        return all(same_view(getattr(template, f.name), getattr(deal, f.name), tokens,
                             None if f.name == "generated" else dates)
                   for f in dataclasses.fields(template))
    return template == deal  # dates, numbers, blueprint parts (which hold no deal data)


# --------------------------------------------------------------------------- packages


@dataclasses.dataclass
class _Member:
    name: str
    pieces: list[Any] | None = None  # text, slot, length, text...: a part with slots
    refs: bool = False                # its non-ASCII text is written as &#N; (openpyxl)
    stamped: bool = False             # document properties with creation times
    crc: int = 0                      # a constant part: its CRC, size and compressed bytes
    size: int = 0
    data: bytes = b""
    record: bool = False              # a handout's record: each deal's own (Fill.record)


@dataclasses.dataclass
class Fill:
    """What one deal puts in a template's slots: its texts' runs (``tokens``), its dates
    (``dates``: for each source of dates, ``view`` or ``weeks``, template date -> the deal's)
    and, for a handout, the background of each timeline cell (``shades``)."""

    tokens: Tokens
    dates: dict[str, dict[dt.date, dt.date]]
    texts: Any = None
    shades: list[list[str | None]] = dataclasses.field(default_factory=list)
    record: bytes | None = None  # a handout's own record part, made from the deal's view


def _serial(day: dt.date, _texts: Any) -> str:
    """A date as openpyxl writes a date cell's value (its serial number, ``46357``)."""
    from openpyxl.compat import safe_string
    from openpyxl.utils.datetime import to_excel

    return safe_string(to_excel(day))


def _iso(day: dt.date, _texts: Any) -> str:
    return day.isoformat()


def _printed(day: dt.date, texts: Any) -> str:
    return texts.date(day)


def _week(day: dt.date, texts: Any) -> str:
    from mapgen.formats.docx.timeline import week_label

    return week_label(day, texts)


# How a format writes dates, by form: (where the dates come from, the form). The workbook
# writes the view's dates as cells' serial numbers and as ISO text in its metadata (the deal
# facts); the handout prints them in words, and the Mondays of its timeline's columns
# (``weeks``) as day and month.
DATE_FORMS: dict[str, dict[str, tuple[str, Callable[[dt.date, Any], str]]]] = {
    "xlsx": {"serial": ("view", _serial), "iso": ("view", _iso)},
    "docx": {"printed": ("view", _printed), "week": ("weeks", _week)},
}
_SHADE = '<w:shd w:val="clear" w:color="auto" w:fill="{}"/>'  # as ooxml.shade_cell's is saved
_SHADE_AT = re.compile(r'<w:tc><w:tcPr><w:tcW w:w="\d+" w:type="dxa"/>')
_SHADED = re.compile(r'<w:shd w:val="clear" w:color="auto" w:fill="([0-9A-Fa-f]{6})"/>')


class Package:
    """One format's parts for one shape: constant parts compressed, the others in pieces.

    ``template`` was written for ``view`` (the tokenized deal's, with the dates of ``own``),
    ``probe`` for the same deal in the probe alphabet with its dates moved (``probe``: the
    probe's Fill): every part must be the same in both but for the slots, or the shape is
    unusable (a writer that treats a value other than as text, or a date other than by
    writing it). A form of a template date that the probe has as it is, is constant text that
    looks like a date. ``measures`` (handout): the template's and the probe's measures of
    their texts' lines, which must match the deal's for the layout to be the same."""

    def __init__(self, fmt: str, template: Path, probe_path: Path, view: DocumentView, own: Fill,
                 probe: Fill, measures: tuple[list, list] | None = None):
        self.fmt = fmt
        self.view = view
        self.own = own
        self.forms = DATE_FORMS.get(fmt, {})
        self.members: list[_Member] = []
        self._dates = self._date_pattern(own)
        self.measures: list[tuple[list[Any], int, int]] = []
        if measures is not None:
            self._measures(*measures, probe)
        with zipfile.ZipFile(template) as zt, zipfile.ZipFile(probe_path) as zp:
            if zt.namelist() != zp.namelist():
                raise Unusable("the parts depend on the values")
            for info in zt.infolist():
                data, probed = zt.read(info), zp.read(info.filename)
                if fmt == "docx" and info.filename == RECORD_PART:
                    self.members.append(_Member(info.filename, record=True))
                    continue
                member = self._member(info.filename, data, probed, probe)
                if _unstamped(self._fill(member, probe, "?") if member.pieces is not None
                              else data) != _unstamped(probed):
                    raise Unusable(f"{info.filename} depends on the values beyond their text")
                self.members.append(member)

    # ------------------------------------------------------------------- finding the slots

    def _date_pattern(self, own: Fill) -> tuple[re.Pattern, dict[str, Any]] | None:
        """A pattern of every form of the template's dates, and form text -> (form, date)."""
        found: dict[str, tuple[str, dt.date]] = {}
        for kind, (source, form) in self.forms.items():
            for day in own.dates.get(source, {}):
                text = form(day, own.texts)
                if found.setdefault(text, (kind, day)) != (kind, day):
                    raise Unusable("two dates written alike")
        if not found:
            return None
        alternatives = "|".join(re.escape(t) for t in sorted(found, key=len, reverse=True))
        return re.compile(rf"(?<![\w.\-])(?:{alternatives})(?![\w.\-])"), found

    def _member(self, name: str, data: bytes, probed: bytes, probe: Fill) -> _Member:
        text = _text(name, data)
        stamped = text is not None and name == "docProps/core.xml"
        dated = text is not None and self._dates is not None and self._dates[0].search(text)
        shaded = text is not None and self.fmt == "docx" and name == "word/document.xml" \
            and bool(self.own.dates.get("weeks"))
        if text is None or not (stamped or dated or shaded or _ANY_SLOT.search(text) or any(
                _is_slot(int(m.group(1))) for m in _SLOT_REF.finditer(text))):
            return _Member(name, crc=zlib.crc32(data), size=len(data), data=_deflate(data))
        refs = any(_is_slot(int(m.group(1))) for m in _SLOT_REF.finditer(text))
        if refs:
            if _ANY_SLOT.search(text):
                raise Unusable(f"tokens written two ways in {name}")
            text = _from_refs(text)
        probe_text = _text(name, probed) if dated else None
        if dated and probe_text is None:
            raise Unusable(f"{name} is not text in the probe")
        slots = self._slots(text, _from_refs(probe_text) if refs and probe_text else probe_text,
                            probe)
        if shaded:
            slots = sorted(slots + self._shades(text), key=lambda s: s[0])
        if slots and _NO_TOKENS.fullmatch(name):
            raise Unusable(f"a deal value in {name}")
        return _Member(name, pieces=_pieces(text, slots), refs=refs, stamped=stamped)

    def _slots(self, text: str, probe_text: str | None, probe: Fill
               ) -> list[tuple[int, int, Any, int]]:
        """The token runs and the template dates' forms in ``text`` (dates only where
        ``probe_text`` has the probe's dates: elsewhere they are constant text)."""
        slots = [(m.start(), m.end(), m.group(1), len(m.group())) for m in _RUN.finditer(text)]
        if self._dates is None or probe_text is None:
            return slots
        pattern, found = self._dates
        shift = 0  # where the probe's text runs ahead: its forms of earlier dates are longer
        for m in pattern.finditer(text):
            kind, day = found[m.group()]
            source, form = self.forms[kind]
            moved = probe.dates.get(source, {}).get(day)
            moved = None if moved is None else form(moved, probe.texts)
            at = m.start() + shift  # token runs keep their length in the probe
            same, other = probe_text.startswith(m.group(), at), moved and probe_text.startswith(
                moved, at)
            if same == bool(other):
                raise Unusable("a date written other than as a date")
            if same:
                continue  # constant
            shift += len(moved) - len(m.group())
            slots.append((m.start(), m.end(), (kind, day), 0))
        return sorted(slots, key=lambda s: s[0])

    def _shades(self, text: str) -> list[tuple[int, int, Any, int]]:
        """The background of each week cell of the timeline (the last table): a slot right
        after the cell's width, holding the template's own background, checked."""
        at = text.rfind("<w:tbl>")
        end = text.find("</w:tbl>", at)
        if at < 0 or end < 0:
            raise Unusable("no timeline table")
        rows = [m.start() for m in re.finditer("<w:tr>", text[at:end])]
        shades = self.own.shades
        if len(rows) != len(shades) + 1:
            raise Unusable("the timeline's rows are not its items")
        slots = []
        for i, (begin, stop) in enumerate(zip(rows[1:], [*rows[2:], end - at], strict=True)):
            cells = [m.end() for m in _SHADE_AT.finditer(text, at + begin, at + stop)]
            if len(cells) != len(shades[i]) + 1:
                raise Unusable("the timeline's cells are not its weeks")
            for j, cell in enumerate(cells[1:]):
                m = _SHADED.match(text, cell)
                if (m.group(1) if m else None) != shades[i][j]:
                    raise Unusable("a timeline cell other than its week")
                slots.append((cell, m.end() if m else cell, ("shade", i, j), 0))
        return slots

    def _measures(self, own: list, probed: list, probe: Fill) -> None:
        """Of the template's measures of lines, those of texts with dates (the rest are the
        same for every deal: tokens keep lengths), each as pieces, per_line, lines."""
        if len(own) != len(probed):
            raise Unusable("the handout's layout depends on the dates")
        for (text, per_line, lines), (probe_text, probe_per, probe_lines) in zip(
                own, probed, strict=True):
            if per_line != probe_per:
                raise Unusable("the handout's layout depends on the dates")
            slots = self._slots(text, probe_text, probe)
            if any(isinstance(s[2], tuple) for s in slots):
                pieces = _pieces(text, slots)
                if wrapped_lines(self._text_of(pieces, probe), probe_per) != probe_lines:
                    raise Unusable("a measure of lines that the probe does not repeat")
                self.measures.append((pieces, per_line, lines))

    # ------------------------------------------------------------------- filling them in

    def fits(self, fill: Fill) -> None:
        """Raises Unusable unless the deal's texts take the lines the template's took."""
        for pieces, per_line, lines in self.measures:
            if wrapped_lines(self._text_of(pieces, fill), per_line) != lines:
                raise Unusable("the dates change the handout's layout")

    def write(self, path: Path, fill: Fill) -> None:
        """The package for the deal of ``fill`` at ``path``."""
        now = time.localtime()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries = []
        for m in self.members:
            if m.record:
                if fill.record is None:
                    raise Unusable("a handout without its record")
                entries.append((m.name, zlib.crc32(fill.record), len(fill.record),
                                _deflate(fill.record)))
            elif m.pieces is None:
                entries.append((m.name, m.crc, m.size, m.data))
            else:
                data = self._fill(m, fill, stamp)
                entries.append((m.name, zlib.crc32(data), len(data), _deflate(data)))
        _write_zip(path, entries, now)

    def _fill(self, member: _Member, fill: Fill, stamp: str) -> bytes:
        text = self._text_of(member.pieces, fill, member.refs)
        if member.stamped:
            text = _STAMP.sub(lambda g: f"{g.group(1)}{stamp}{g.group(2)}", text)
        return text.encode("utf-8")

    def _text_of(self, pieces: list[Any], fill: Fill, refs: bool = False) -> str:
        segments = fill.tokens.segments
        out: list[str] = []
        for i in range(0, len(pieces) - 1, 3):
            slot = pieces[i + 1]
            if isinstance(slot, tuple):
                if slot[0] == "shade":
                    shade = fill.shades[slot[1]][slot[2]]
                    out += [pieces[i], _SHADE.format(shade) if shade else ""]
                    continue
                source, form = self.forms[slot[0]]
                day = fill.dates.get(source, {}).get(slot[1])
                if day is None:
                    raise Unusable("a date without its deal's")
                out += [pieces[i], form(day, fill.texts)]
                continue
            k, length = ord(slot) - BASE, pieces[i + 2]
            if not 0 <= k < len(segments):
                raise Unusable("an unknown token")
            times, rest = divmod(length, len(segments[k]))
            if rest:
                raise Unusable("a value cut short")
            text = segments[k] * times
            if refs:
                text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
            out += [pieces[i], text]
        out.append(pieces[-1])
        return "".join(out)


def _pieces(text: str, slots: list[tuple[int, int, Any, int]]) -> list[Any]:
    pieces: list[Any] = []
    last = 0
    for begin, end, slot, length in slots:
        pieces += [text[last:begin], slot, length]
        last = end
    pieces.append(text[last:])
    return pieces


def _text(name: str, data: bytes) -> str | None:
    if name.endswith(_TEXT_PARTS):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _from_refs(text: str) -> str:
    """openpyxl's &#N; of the slot characters as the characters."""
    return _SLOT_REF.sub(lambda m: chr(int(m.group(1))) if _is_slot(int(m.group(1)))
                         else m.group(), text)


def _is_slot(code: int) -> bool:
    return 0xE000 <= code <= 0xEFFF


def _unstamped(data: bytes) -> bytes:
    return _STAMP_BYTES.sub(rb"\1", data)


def _deflate(data: bytes) -> bytes:
    squeeze = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return squeeze.compress(data) + squeeze.flush()


def _write_zip(path: Path, entries: list[tuple[str, int, int, bytes]],
               when: time.struct_time) -> None:
    """A deflated zip as ``zipfile`` writes it (``writestr``, no zip64: parts are small)."""
    dos_time = when.tm_hour << 11 | when.tm_min << 5 | when.tm_sec // 2
    dos_date = (when.tm_year - 1980) << 9 | when.tm_mon << 5 | when.tm_mday
    body, directory = [], []
    offset = 0
    for name, crc, size, data in entries:
        raw = name.encode("ascii")
        head = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, dos_time, dos_date,
                           crc, len(data), size, len(raw), 0)
        body += [head, raw, data]
        directory.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 8,
                                     dos_time, dos_date, crc, len(data), size, len(raw),
                                     0, 0, 0, 0, 0o600 << 16, offset) + raw)
        offset += len(head) + len(raw) + len(data)
    central = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(central), offset, 0)
    with open(path, "wb") as fh:
        fh.write(b"".join(body) + central + end)


# --------------------------------------------------------------------------- templates


Shape = tuple[tuple[str, str], ...]  # (format, its shape's key) for each templated format


def format_key(fmt: str, texts_key: str, view: DocumentView,
               days: list[dt.date] | None = None) -> str:
    """The key of a format's shape: the texts' shape, which of the view's dates are the same
    date, and the number of timeline weeks, the one thing that each format makes of the dates
    beyond writing them (DATE_FORMS) and, in the handout, beyond the timeline cells'
    backgrounds (slots too) and the lines of the texts that print them (measured per deal).
    The workbook's week cells are formulas over the dates. ``days``: the view's dates, when
    known."""
    same = _same(view_dates(view) if days is None else days)
    if fmt == "xlsx":
        from mapgen.formats.xlsx.timeline import timeline_columns

        weeks = timeline_columns(view)
    else:
        from mapgen.formats.docx.timeline import handout_timeline

        weeks = len(handout_timeline(view)[1])
    return f"{texts_key}\0weeks {weeks}\0same {same}"


def _same(days: list[dt.date]) -> list[int]:
    """Which of ``days`` are one date: for each, where that date first is."""
    first: dict[dt.date, int] = {}
    return [first.setdefault(day, n) for n, day in enumerate(days)]


class Prepared:
    """Templates of one batch (blueprint, formats, audience, protect), by deal shape.

    :meth:`check` (where the deals are checked) says whether a deal can use its shape's
    templates; :meth:`write` (where the files are written) writes a checked deal's files.
    """

    def __init__(self, blueprint: Blueprint, *, formats: list[str], audience: Audience,
                 protect: bool = False, keep: int = 16, owners: list[str] | tuple[str, ...] = ()):
        self.blueprint = blueprint
        self.formats = registry.expand(formats)
        self.audience = audience
        # owners: for the calendar, which is not templated but written as usual (see write)
        self.options = WriteOptions(protect=protect, extra={"owners": list(owners)})
        self.keep = keep
        self.off: str | None = None  # why templates are off for this batch (a failure of theirs)
        self._views: OrderedDict[str, DocumentView | Unusable] = OrderedDict()
        self._packages: OrderedDict[tuple[str, str], Package | Unusable] = OrderedDict()

    @property
    def useful(self) -> bool:
        return any(fmt in TEMPLATED for fmt in self.formats)

    def check(self, plan: Plan, view: DocumentView) -> tuple[Shape | None, str | None]:
        """(the shape, None) when ``plan``, whose view is ``view``, can use templates: for each
        templated format, (format, key); (None, why not) otherwise (also once the templates
        are off: see :meth:`write`)."""
        if self.off:
            return None, self.off
        try:
            return self._check(plan, view)
        except (MapgenError, OSError):
            raise
        except Exception as exc:  # the templates' own failure: every deal one by one from now on
            self.off = f"templates turned off: {type(exc).__name__}: {exc}"
            return None, self.off

    def _check(self, plan: Plan, view: DocumentView) -> tuple[Shape | None, str | None]:
        days = view_dates(view)
        try:
            tokenized, tokens, key = tokenize(plan)
            # a template of the same texts whose dates are one where this deal's are
            template = self._cached(self._views, f"{key}\0same {_same(days)}",
                                    lambda: self._view(tokenized))
        except Unusable as exc:
            return None, str(exc)
        if not same_view(template, view, tokens, {}):
            return None, "the blueprint uses a deal value other than by printing it"
        return tuple((fmt, format_key(fmt, key, view, days)) for fmt in self.formats
                     if fmt in TEMPLATED), None

    def write(self, plan: Plan, shape: Shape, targets: list[tuple[str, Path]], force: bool
              ) -> list[Path]:
        """Write the files of a deal that :meth:`check` passed: the formats of ``shape`` from
        their templates, the others as usual; all formats land, or none. Raises Unusable when
        a template cannot be made or does not fit the deal (write it one by one)."""
        if self.off:
            raise Unusable(self.off)
        try:
            return self._write(plan, shape, targets, force)
        except (Unusable, MapgenError, OSError):
            raise
        except Exception as exc:  # the templates' own failure: this deal and the next on their own
            self.off = f"templates turned off: {type(exc).__name__}: {exc}"
            raise Unusable(self.off) from exc

    def _write(self, plan: Plan, shape: Shape, targets: list[tuple[str, Path]], force: bool
               ) -> list[Path]:
        tokenized, tokens, key = tokenize(plan)
        view = build_view(self.blueprint, plan, audience=self.audience)
        fills = {}
        days = view_dates(view)
        seen: dict[int, dict[dt.date, dt.date]] = {}  # template view -> its dates' map
        made: list[DocumentView] = []  # the view of the templates made here (one for all)

        def build(fmt: str) -> Package:
            made[:] = made or [self._view(tokenized)]
            return self._build(fmt, plan, made[0])

        for fmt, fmt_key in shape:
            if fmt_key != format_key(fmt, key, view, days):
                raise Unusable("the deal changed since it was checked")
            package = self._cached(self._packages, (fmt, fmt_key),
                                   lambda fmt=fmt: build(fmt))
            dates = seen.get(id(package.view))
            if dates is None:
                dates = seen[id(package.view)] = {}
                if not same_view(package.view, view, tokens, dates):
                    raise Unusable("the deal's view is not the template's")
            fill = _fill_for(fmt, view, tokens, dates, package.own)
            package.fits(fill)
            fills[fmt] = package, fill
        with staged(force) as staging:
            out = []
            for fmt, path in targets:
                if fmt in fills:
                    out.append(staging.write(path, lambda tmp, p=fills[fmt]: p[0].write(tmp, p[1])))
                else:  # a format without a template (md, json, ...): written as usual
                    out.append(staging.write(path, registry.writer_for(
                        fmt, view=view, plan=plan, options=self.options)))
            return out

    def _view(self, tokenized: Plan) -> DocumentView:
        try:
            return build_view(self.blueprint, tokenized, audience=self.audience)
        except MapgenError:  # e.g. a text that needs a real value: the deal's own view decides
            raise Unusable("the blueprint fails for the tokenized deal") from None

    def _build(self, fmt: str, plan: Plan, view: DocumentView) -> Package:
        """The format's package for the shape of ``plan``: written for ``view``, the tokenized
        deal's, and checked against a probe, the deal in the probe alphabet with other dates
        that give the same key."""
        own = _fill_for(fmt, view, Tokens(), {d: d for d in view_dates(view)}, None)
        probe_view, probe = self._probe(fmt, plan, view, own)
        measures: list[list[tuple[str, int, int]]] = []
        with tempfile.TemporaryDirectory(prefix="mapgen-template-") as folder:
            paths = [Path(folder) / f"{name}{registry.get(fmt).suffix}"
                     for name in ("template", "probe")]
            for v, path in zip((view, probe_view), paths, strict=True):
                try:
                    with _measured(fmt) as measured:
                        registry.writer_for(fmt, view=v, options=self.options)(path)
                    measures.append(measured)
                except MapgenError:
                    raise Unusable(f"the {fmt} template cannot be written") from None
            return Package(fmt, paths[0], paths[1], view, own, probe,
                           (measures[0], measures[1]) if fmt == "docx" else None)

    def _probe(self, fmt: str, plan: Plan, view: DocumentView, own: Fill
               ) -> tuple[DocumentView, Fill]:
        """The probe's view and Fill (as the template's slots take it): the deal in the probe
        alphabet, its dates moved by whole weeks (weekdays kept) as far as the key stays."""
        key = format_key(fmt, tokenize(plan)[2], view)
        for weeks in (1, -1, 2, -2, 52, -52, 3, -3):
            moved = _moved(plan, dt.timedelta(weeks=weeks))
            probed, probe_tokens, _ = tokenize(moved, PROBE)
            filled = Tokens(BASE)  # the template's slots filled with the probe's characters
            filled.segments = [chr(PROBE + k) * len(s) for k, s in enumerate(probe_tokens.segments)]
            try:
                probe_view = self._view(probed)
            except Unusable:
                continue
            dates: dict[dt.date, dt.date] = {}
            if (not same_view(view, probe_view, filled, dates)
                    or format_key(fmt, tokenize(moved)[2], probe_view) != key
                    or any(a == b for a, b in dates.items())):
                continue
            probe = _fill_for(fmt, probe_view, filled, dates, own)
            if any(a == b for a, b in probe.dates.get("weeks", {}).items()):
                continue
            return probe_view, probe
        raise Unusable("no probe of the same shape with other dates")

    def _cached(self, cache: OrderedDict, key: str, make: Callable[[], Any]) -> Any:
        if key in cache:
            cache.move_to_end(key)
        else:
            try:
                cache[key] = make()
            except Unusable as exc:
                cache[key] = exc
            if len(cache) > self.keep:
                cache.popitem(last=False)
        value = cache[key]
        if isinstance(value, Unusable):
            raise value
        return value


def _moved(plan: Plan, by: dt.timedelta) -> Plan:
    """The plan with every date (of the deal and the rows) moved ``by``."""
    if not by:
        return plan

    def move(value: Any) -> Any:
        if _is_day(value):
            return value + by
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        return value

    return plan.model_copy(update={"deal": move(plan.deal), "sections": move(plan.sections)})


def _fill_for(fmt: str, view: DocumentView, tokens: Tokens, dates: dict[dt.date, dt.date],
              template: Fill | None) -> Fill:
    """A deal's Fill for a format's template (``template``: the template's own; None: this
    is it): its dates by source and, for a handout, its timeline's Mondays and cells."""
    fill = Fill(tokens, {"view": dates}, view.texts)
    if fmt == "docx":
        from mapgen.formats.docx.record import handout_record, record_part
        from mapgen.formats.docx.timeline import handout_timeline, timeline_fills

        fill.record = record_part(handout_record(view))

        items, weeks = handout_timeline(view)
        own = weeks if template is None else list(template.dates["weeks"])
        if len(own) != len(weeks):
            raise Unusable("a timeline of other weeks")
        fill.dates["weeks"] = dict(zip(own, weeks, strict=True))
        fill.shades = timeline_fills(items, weeks, view.generated, view.branding.primary_color)
    return fill


class _measured:
    """While a handout is written: the list of its measures of lines (docx pages.MEASURES, a
    module global set for the write). Guarded: Unusable (the deal is written on its own) when
    the hook is not where it should be, or when the write recorded no measure at all."""

    def __init__(self, fmt: str):
        self.fmt = fmt

    def __enter__(self) -> list[tuple[str, int, int]]:
        from mapgen.formats.docx import pages

        self.measures: list[tuple[str, int, int]] = []
        if self.fmt == "docx":
            if getattr(pages, "MEASURES", ()) is not None:
                raise Unusable("the handout's measures of lines cannot be recorded")
            pages.MEASURES = self.measures
        return self.measures

    def __exit__(self, kind: object, *exc: object) -> None:
        from mapgen.formats.docx import pages

        if self.fmt != "docx":
            return
        pages.MEASURES = None
        if kind is None and not self.measures:
            raise Unusable("the handout recorded no measure of lines")
