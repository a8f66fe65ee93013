"""Cell comments and hyperlinks of a workbook, which openpyxl's read-only mode does not load.

:func:`read_cell_notes` returns, per sheet title, each commented or linked cell's comment text
and link target. It reads only the parts that hold them (the workbook's sheet list and
relationships, each sheet's relationships, its comments part and the ``<hyperlinks>`` element at
the end of the sheet), from a file that :mod:`mapgen.formats.xlsx.safety` has already checked; every
XML part goes through defusedxml, and sizes stay bounded by the same limits.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from mapgen.formats.xlsx.safety import MAX_UNCOMPRESSED_BYTES

MAX_NOTE_CHARS = 32_767  # a comment or link longer than an Excel cell is cut there
_REL_COMMENTS = "/comments"
_REL_HYPERLINK = "/hyperlink"
_HYPERLINKS = re.compile(rb"<(?:\w+:)?hyperlinks\b.*?</(?:\w+:)?hyperlinks>", re.S)
_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\s([^>]*?)/?>", re.S)
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)")


@dataclass
class CellNote:
    """What a cell carries beside its value: a comment (with its author) and a link target."""

    comment: str | None = None
    author: str | None = None
    link: str | None = None


Notes = dict[str, dict[tuple[int, int], CellNote]]  # sheet title -> (row, column) -> note


def read_cell_notes(path: str | os.PathLike, titles: set[str] | None = None) -> Notes:
    """Comments and links per sheet (only the sheets in ``titles`` when given); a part that
    cannot be parsed gives nothing rather than an error (the values were read already)."""
    out: Notes = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for title, part in _sheet_parts(zf):
                if titles is not None and title not in titles:
                    continue
                notes = _sheet_notes(zf, part)
                if notes:
                    out[title] = notes
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return out
    return out


def _member(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """A part to read: None when it is missing or declares more than the bound."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    return None if info.file_size > MAX_UNCOMPRESSED_BYTES else info


def _read(zf: zipfile.ZipFile, name: str) -> bytes | None:
    info = _member(zf, name)
    if info is None:
        return None
    with zf.open(info) as fh:
        return fh.read(MAX_UNCOMPRESSED_BYTES + 1)[:MAX_UNCOMPRESSED_BYTES]


def _xml(zf: zipfile.ZipFile, name: str) -> Any:
    from defusedxml.ElementTree import fromstring

    data = _read(zf, name)
    if data is None:
        return None
    try:
        return fromstring(data)
    except Exception:  # defusedxml and expat raise several kinds
        return None


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _attr(element: Any, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str, str]]:
    """(id, type, target, target mode) of a part's relationships."""
    folder, name = posixpath.split(part)
    root = _xml(zf, posixpath.join(folder, "_rels", name + ".rels"))
    if root is None:
        return []
    return [(r.get("Id", ""), r.get("Type", ""), r.get("Target", ""), r.get("TargetMode", ""))
            for r in root if _local(r.tag) == "Relationship"]


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet title, part name) of every worksheet."""
    workbook = next((n for n in ("xl/workbook.xml",) if n in zf.namelist()), None)
    if workbook is None:
        workbook = next((n for n in zf.namelist() if n.endswith("workbook.xml")), None)
    root = _xml(zf, workbook) if workbook else None
    if root is None:
        return []
    targets = {rid: _resolve(workbook, target) for rid, _, target, _ in _rels(zf, workbook)}
    out = []
    for element in root.iter():
        if _local(element.tag) == "sheet":
            part = targets.get(_attr(element, "id") or "")
            if part:
                out.append((element.get("name", ""), part))
    return out


def _position(ref: str) -> tuple[int, int] | None:
    from openpyxl.utils import column_index_from_string

    match = _CELL.match(ref.upper())
    if not match:
        return None
    return int(match.group(2)), column_index_from_string(match.group(1))


def _sheet_notes(zf: zipfile.ZipFile, part: str) -> dict[tuple[int, int], CellNote]:
    notes: dict[tuple[int, int], CellNote] = {}
    rels = _rels(zf, part)
    links = {rid: target for rid, kind, target, _ in rels if kind.endswith(_REL_HYPERLINK)}
    for _, kind, target, _ in rels:
        if kind.endswith(_REL_COMMENTS):
            _comments(zf, _resolve(part, target), notes)
    data = _from_hyperlinks(zf, part)
    if data:
        import html

        for block in _HYPERLINKS.findall(data):
            for attrs in _HYPERLINK.findall(block):
                values = {k.decode().rsplit(":", 1)[-1]: html.unescape((a or b).decode("utf-8",
                                                                                      "replace"))
                          for k, a, b in _ATTR.findall(attrs)}
                target = links.get(values.get("id", "")) or ""
                if values.get("location"):
                    target = (target + "#" + values["location"]) if target else "#" + values["location"]
                for position in _cells(values.get("ref", "")):
                    if target:
                        notes.setdefault(position, CellNote()).link = target[:MAX_NOTE_CHARS]
    return notes


def _from_hyperlinks(zf: zipfile.ZipFile, part: str) -> bytes | None:
    """A sheet part from the first mention of ``hyperlink`` on (the ``<hyperlinks>`` element
    follows the cells), read in chunks: a sheet of many rows is not held whole for it."""
    info = _member(zf, part)
    if info is None:
        return None
    kept, tail, left = bytearray(), b"", MAX_UNCOMPRESSED_BYTES
    with zf.open(info) as fh:
        while left > 0 and (chunk := fh.read(min(left, 1 << 20))):
            left -= len(chunk)
            if kept:
                kept += chunk
                continue
            window = tail + chunk
            at = window.find(b"hyperlink")
            if at >= 0:
                kept += window[max(0, at - 16):]  # from the tag's "<" and prefix on
            else:
                tail = window[-16:]
    return bytes(kept) or None


def _cells(ref: str) -> list[tuple[int, int]]:
    """The cells of ``B7`` or ``B7:C9`` (a link may span a range; at most 1,000 cells)."""
    first, _, last = ref.partition(":")
    a, b = _position(first), _position(last or first)
    if a is None or b is None:
        return []
    cells = [(r, c) for r in range(a[0], b[0] + 1) for c in range(a[1], b[1] + 1)]
    return cells[:1000]


def _comments(zf: zipfile.ZipFile, part: str, notes: dict[tuple[int, int], CellNote]) -> None:
    root = _xml(zf, part)
    if root is None:
        return
    authors: list[str] = []
    for element in root:
        if _local(element.tag) == "authors":
            authors = ["".join(a.itertext()) for a in element]
    for element in root.iter():
        if _local(element.tag) != "comment":
            continue
        position = _position(element.get("ref", ""))
        if position is None:
            continue
        texts = [t.text or "" for t in element.iter() if _local(t.tag) == "t"]
        text = "".join(texts)
        try:
            author = authors[int(element.get("authorId", "-1"))]
        except (ValueError, IndexError):
            author = None
        if author and text.startswith(f"{author}:"):  # Excel starts a note with its author
            text = text[len(author) + 1:]
        text = text.replace("\r\n", "\n").strip()[:MAX_NOTE_CHARS]
        if text:
            note = notes.setdefault(position, CellNote())
            note.comment, note.author = text, author
