"""Prepared templates: a batch's documents made once per deal *shape*, then filled in per deal.

Building a workbook or a handout costs far more than the few values that differ between the
deals of one CRM export. So a batch writes each format once for a *tokenized* copy of a deal:
every run of ordinary characters (letters, digits, non-ASCII symbols) in the deal's texts is
replaced by as many copies of one private-use character (one character per run, its *slot*),
while spaces, ASCII punctuation and control characters stay as they are. The token has the
same length, words and special characters as the value, so every length-based layout decision
(row heights, lines, page fill), every escape (XML, JSON, formula quotes) and the formula guard
come out the same; dates, numbers and the rows' structure are kept as they are, and are part of
the shape's key. Per deal, each slot run in the package parts is replaced by the run it stands
for, and the zip is written from the parts (the ones without a token compressed once).

Correctness first: a deal uses the template only when its view (built anyway, to check it) is
the template's view with the slots substituted, value for value (a blueprint text that treats a
value other than by printing it, such as ``upper`` or a comparison, fails this), and when the
template's parts hold every token only as plain text (not in a sheet name, a table header, a
shared string or a character reference). Anything else is written one by one, as before.
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

from mapgen import formats as registry
from mapgen.blueprint import Audience, Blueprint
from mapgen.errors import MapgenError
from mapgen.fileio import staged
from mapgen.formats import WriteOptions
from mapgen.layout import DocumentView, build_view
from mapgen.plan import Plan

TEMPLATED = ("xlsx", "docx")  # the zip formats a template can fill in
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
        if isinstance(value, dict):
            return {k: self.walk(v) for k, v in value.items()}
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
    """The plan with its texts tokenized, the tokens, and the shape's key."""
    tokens = Tokens(base)
    tokenized = plan.model_copy(update={"deal": tokens.walk(plan.deal),
                                        "sections": tokens.walk(plan.sections)})
    return tokenized, tokens, repr(tokenized.model_dump())


def same_view(template: Any, deal: Any, tokens: Tokens) -> bool:
    """Whether ``deal`` (a view or any part of it) is ``template`` with the tokens filled in."""
    if template is deal:
        return True
    if isinstance(template, str):
        return isinstance(deal, str) and (tokens.fill(template) if _ANY_SLOT.search(template)
                                          else template) == deal
    if type(template) is not type(deal):
        return False
    if isinstance(template, dict):
        return template.keys() == deal.keys() and all(
            same_view(template[k], deal[k], tokens) for k in template)
    if isinstance(template, list | tuple):
        return len(template) == len(deal) and all(
            same_view(a, b, tokens) for a, b in zip(template, deal, strict=True))
    if dataclasses.is_dataclass(template):
        return all(same_view(getattr(template, f.name), getattr(deal, f.name), tokens)
                   for f in dataclasses.fields(template))
    return template == deal  # dates, numbers, blueprint parts (which hold no deal data)


# --------------------------------------------------------------------------- packages


@dataclasses.dataclass
class _Member:
    name: str
    pieces: list[Any] | None = None  # text, (slot, length, text)...: a part with tokens
    refs: bool = False                # its non-ASCII text is written as &#N; (openpyxl)
    stamped: bool = False             # document properties with creation times
    crc: int = 0                      # a constant part: its CRC, size and compressed bytes
    size: int = 0
    data: bytes = b""


class Package:
    """One format's parts for one shape: constant parts compressed, the others in pieces.

    ``template`` was written for the deal's tokens, ``probe`` for the same deal in the probe
    alphabet: every part must be the same in both but for the tokens, or the shape is
    unusable (a writer that treats a value other than as text)."""

    def __init__(self, template: Path, probe: Path, probe_tokens: Tokens):
        self.members: list[_Member] = []
        with zipfile.ZipFile(template) as zt, zipfile.ZipFile(probe) as zp:
            if zt.namelist() != zp.namelist():
                raise Unusable("the parts depend on the values")
            for info in zt.infolist():
                data = zt.read(info)
                member = self._member(info.filename, data)
                if _unstamped(self._fill(member, probe_tokens, "?") if member.pieces is not None
                              else data) != _unstamped(zp.read(info.filename)):
                    raise Unusable(f"{info.filename} depends on the values beyond their text")
                self.members.append(member)

    @staticmethod
    def _member(name: str, data: bytes) -> _Member:
        text = None
        if name.endswith(_TEXT_PARTS):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        stamped = text is not None and name == "docProps/core.xml"
        if text is None or not (stamped or _ANY_SLOT.search(text) or any(
                _is_slot(int(m.group(1))) for m in _SLOT_REF.finditer(text))):
            return _Member(name, crc=zlib.crc32(data), size=len(data), data=_deflate(data))
        refs = any(_is_slot(int(m.group(1))) for m in _SLOT_REF.finditer(text))
        if refs:
            if _ANY_SLOT.search(text):
                raise Unusable(f"tokens written two ways in {name}")
            text = _SLOT_REF.sub(lambda m: chr(int(m.group(1))) if _is_slot(int(m.group(1)))
                                 else m.group(), text)
        if _ANY_SLOT.search(text) and _NO_TOKENS.fullmatch(name):
            raise Unusable(f"a deal value in {name}")
        pieces: list[Any] = []
        last = 0
        for m in _RUN.finditer(text):
            pieces += [text[last:m.start()], m.group(1), len(m.group())]
            last = m.end()
        pieces.append(text[last:])
        return _Member(name, pieces=pieces, refs=refs, stamped=stamped)

    def write(self, path: Path, tokens: Tokens) -> None:
        """The package for the deal of ``tokens`` at ``path``."""
        now = time.localtime()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries = []
        for m in self.members:
            if m.pieces is None:
                entries.append((m.name, m.crc, m.size, m.data))
            else:
                data = self._fill(m, tokens, stamp)
                entries.append((m.name, zlib.crc32(data), len(data), _deflate(data)))
        _write_zip(path, entries, now)

    @staticmethod
    def _fill(member: _Member, tokens: Tokens, stamp: str) -> bytes:
        pieces, segments = member.pieces, tokens.segments
        out: list[str] = []
        for i in range(0, len(pieces) - 1, 3):
            k, length = ord(pieces[i + 1]) - BASE, pieces[i + 2]
            if not 0 <= k < len(segments):
                raise Unusable("an unknown token")
            times, rest = divmod(length, len(segments[k]))
            if rest:
                raise Unusable("a value cut short")
            text = segments[k] * times
            if member.refs:
                text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
            out += [pieces[i], text]
        out.append(pieces[-1])
        text = "".join(out)
        if member.stamped:
            text = _STAMP.sub(lambda g: f"{g.group(1)}{stamp}{g.group(2)}", text)
        return text.encode("utf-8")


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


class Prepared:
    """Templates of one batch (blueprint, formats, audience, protect), by deal shape.

    :meth:`check` (where the deals are checked) says whether a deal can use its shape's
    template; :meth:`write` (where the files are written) writes a checked deal's files.
    """

    def __init__(self, blueprint: Blueprint, *, formats: list[str], audience: Audience,
                 protect: bool = False, keep: int = 16, owners: list[str] | tuple[str, ...] = ()):
        self.blueprint = blueprint
        self.formats = registry.expand(formats)
        self.audience = audience
        # owners: for the calendar, which is not templated but written as usual (see write)
        self.options = WriteOptions(protect=protect, extra={"owners": list(owners)})
        self.keep = keep
        self._views: OrderedDict[str, DocumentView | Unusable] = OrderedDict()
        self._packages: OrderedDict[str, dict[str, Package] | Unusable] = OrderedDict()

    @property
    def useful(self) -> bool:
        return any(fmt in TEMPLATED for fmt in self.formats)

    def check(self, plan: Plan, view: DocumentView) -> tuple[str | None, str | None]:
        """(the shape's key, None) when ``plan``, whose view is ``view``, can use a template;
        (None, why not) otherwise."""
        try:
            tokenized, tokens, key = tokenize(plan)
            template = self._cached(self._views, key, lambda: self._view(tokenized))
        except Unusable as exc:
            return None, str(exc)
        if not same_view(template, view, tokens):
            return None, "the blueprint uses a deal value other than by printing it"
        return key, None

    def write(self, plan: Plan, key: str, targets: list[tuple[str, Path]], force: bool
              ) -> list[Path]:
        """Write the files of a deal that :meth:`check` passed: all formats land, or none.
        Raises Unusable when the shape's template cannot be made (write it one by one)."""
        tokenized, tokens, own = tokenize(plan)
        if own != key:
            raise Unusable("the deal changed since it was checked")
        packages = self._cached(self._packages, key, lambda: self._build(plan, tokenized))
        view = None
        with staged(force) as staging:
            out = []
            for fmt, path in targets:
                if fmt in packages:
                    out.append(staging.write(path, lambda tmp, p=packages[fmt]: p.write(
                        tmp, tokens)))
                else:  # a format without a template (md, json, ...): written as usual
                    view = view or build_view(self.blueprint, plan, audience=self.audience)
                    out.append(staging.write(path, registry.writer_for(
                        fmt, view=view, plan=plan, options=self.options)))
            return out

    def _view(self, tokenized: Plan) -> DocumentView:
        try:
            return build_view(self.blueprint, tokenized, audience=self.audience)
        except MapgenError:  # e.g. a text that needs a real value: the deal's own view decides
            raise Unusable("the blueprint fails for the tokenized deal") from None

    def _build(self, plan: Plan, tokenized: Plan) -> dict[str, Package]:
        probed, probe_tokens, _ = tokenize(plan, PROBE)
        probe_tokens.segments = [chr(PROBE + k) * len(s)
                                 for k, s in enumerate(probe_tokens.segments)]
        views = self._view(tokenized), self._view(probed)
        packages = {}
        with tempfile.TemporaryDirectory(prefix="mapgen-template-") as folder:
            for fmt in self.formats:
                if fmt not in TEMPLATED:
                    continue
                paths = [Path(folder) / f"{name}{registry.get(fmt).suffix}"
                         for name in ("template", "probe")]
                for view, path in zip(views, paths, strict=True):
                    try:
                        registry.writer_for(fmt, view=view, options=self.options)(path)
                    except MapgenError:
                        raise Unusable(f"the {fmt} template cannot be written") from None
                packages[fmt] = Package(paths[0], paths[1], probe_tokens)
        return packages

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
