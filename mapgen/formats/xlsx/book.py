"""What the reader reads: a workbook's sheets (title, visibility, rows of cells), whatever the format.

:func:`open_book` checks a file (:mod:`mapgen.formats.xlsx.safety`) and opens it behind one interface:

- **.xlsx / .xlsm** (also Strict Open XML): the package is normalised
  (:mod:`mapgen.formats.xlsx.package`) and its sheets are streamed by openpyxl's read-only cell parser.
  openpyxl's own workbook, styles and properties parsing is not used: the reader needs sheet
  names, visibility, the date epoch and which styles are dates, which are read here directly,
  so that styles or properties that Excel tolerates cannot stop a read. Formulas and their
  saved results are both available (:meth:`Book.reopen`).
- **.xls, .xlsb, .ods**: python-calamine, run in a child process with a memory and time limit
  (it builds whole sheets in memory, so a small hostile file could otherwise claim gigabytes).
  Only saved values are available: no metadata sheet unless the file kept it, no formulas.

Every sheet counts the text of the cells it hands out against one budget per workbook
(:data:`~mapgen.formats.xlsx.safety.MAX_TEXT_CHARS`), a shared string once per cell that uses it, so
that a small file cannot expand into gigabytes of text.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import UnusableInput
from mapgen.formats.xlsx.failures import one_line as _one_line
from mapgen.formats.xlsx.failures import part_error
from mapgen.formats.xlsx.package import Package, normalise
from mapgen.formats.xlsx.read_shortcuts import sheet_class
from mapgen.formats.xlsx.safety import (
    _SAVE_AS,
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_RATIO,
    MAX_ROWS_PER_SHEET,
    MAX_TEXT_CHARS,
    MAX_UNCOMPRESSED_BYTES,
    _display,
    _openpyxl_loader,
    _size,
    inspect,
    read_boundary,
)

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl import Workbook

__all__ = ["CHILD_MEMORY_BYTES", "CHILD_SECONDS", "Book", "BookSheet", "open_book", "open_workbook"]

CHILD_MEMORY_BYTES = 200 * 1024 * 1024  # the calamine child's data limit (its heap and mappings)
CHILD_SECONDS = 60  # and its time limit
_END = object()
_KINDS = {"xls": "Excel 97-2003 workbook (.xls)", "xlsb": "binary Excel workbook (.xlsb)",
          "ods": "OpenDocument spreadsheet (.ods)"}


class Budget:
    """Cell text handed out so far, against :data:`MAX_TEXT_CHARS`."""

    def __init__(self, label: str, limit: int = MAX_TEXT_CHARS):
        self.label = label
        self.limit = limit
        self.used = 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise UnusableInput(
                f"{self.label}: the workbook holds too much text to read safely (more than "
                f"{self.limit:,} characters of cell text, a shared text counted each time a cell "
                f"uses it; limit {self.limit:,})")


class BookSheet:
    """One worksheet: ``title``, ``sheet_state`` and ``iter_rows`` as openpyxl's read-only sheets."""

    def __init__(self, book: Book, title: str, state: str, part: str, rows: Any):
        self.book = book
        self.title = title
        self.sheet_state = state or "visible"
        self.part = part  # what an error names: the sheet's part, or the sheet
        self._rows = rows  # openpyxl ReadOnlyWorksheet, or a list of row tuples

    def reset_dimensions(self) -> None:
        if hasattr(self._rows, "reset_dimensions"):
            self._rows.reset_dimensions()

    def iter_rows(self, min_row: int | None = None, max_row: int | None = None,
                  max_col: int | None = None, values_only: bool = False) -> Iterator[tuple]:
        spend = self.book.budget.spend
        if isinstance(self._rows, list):
            rows: Iterator[tuple] = iter(self._calamine_rows(min_row, max_row, max_col, values_only))
        else:
            rows = self._rows.iter_rows(min_row=min_row, max_row=max_row, max_col=max_col,
                                        values_only=values_only)
        while True:
            with part_error(self.book.label, self.part):
                row = next(rows, _END)
            if row is _END:
                return
            n = 0
            for value in row if values_only else [c.value for c in row]:
                if isinstance(value, str):
                    n += len(value)
            if n:
                spend(n)
            yield row

    def _calamine_rows(self, min_row, max_row, max_col, values_only) -> Iterator[tuple]:
        start = (min_row or 1) - 1
        stop = max_row if max_row is not None else len(self._rows)
        for row in self._rows[start:stop]:
            row = row[:max_col] if max_col else row
            yield tuple(v for v, _ in row) if values_only else tuple(_Cell(v, t) for v, t in row)


class _Cell:
    """A cell from calamine, shaped like openpyxl's read-only cell."""

    __slots__ = ("data_type", "value")

    def __init__(self, value: Any, data_type: str):
        self.value = value
        self.data_type = data_type


class Book:
    """A workbook opened for reading: ``worksheets``, ``sheetnames``, ``book[title]``."""

    def __init__(self, label: str, kind: str, budget: Budget | None = None):
        self.label = label
        self.kind = kind
        self.budget = budget or Budget(label)
        self.worksheets: list[BookSheet] = []
        self.notes: list[str] = []  # warnings for the reader to report
        self.package: Package | None = None
        self._strings: _SharedStrings | None = None

    @property
    def sheetnames(self) -> list[str]:
        return [ws.title for ws in self.worksheets]

    def __getitem__(self, title: str) -> BookSheet:
        for ws in self.worksheets:
            if ws.title == title:
                return ws
        raise KeyError(title)

    def reopen(self, *, data_only: bool) -> Book:
        """The same .xlsx again (from the checked bytes), with formulas or their saved results;
        the text budget is shared."""
        assert self.package is not None
        return load_openpyxl(self.package, self.label, data_only=data_only, budget=self.budget)

    def close(self) -> None:
        """Nothing stays open: sheets open their part while they are iterated, from the checked
        bytes in memory (kept for :meth:`reopen`)."""

    def finish(self) -> None:
        """Notes the reader should report, once reading is done."""
        if self._strings is not None and self._strings.missing:
            where = self.package.shared_strings if self.package else None
            what = f"{where} does not hold" if where else "the workbook has no shared-text part for"
            note = (f"{self._strings.missing:,} cells refer to shared text that {what}; "
                    "they were read as empty")
            if note not in self.notes:
                self.notes.append(note)


def open_book(path: str | os.PathLike, *, budget: Budget | None = None) -> Book:
    """Check ``path`` and open it for reading (formulas visible in .xlsx); UnusableInput if it
    cannot be used. Run inside :func:`mapgen.formats.xlsx.safety.read_boundary`."""
    label = _display(path)
    data, kind = inspect(path)
    if kind == "xlsx":
        return load_openpyxl(normalise(data, label), label, data_only=False, budget=budget)
    return load_calamine(data, kind, label, budget=budget)


# --------------------------------------------------------------------------- .xlsx via openpyxl


class _SharedStrings(list):
    """The shared-string table; an index it does not hold reads as empty (and is counted)."""

    missing = 0

    def __getitem__(self, index):  # openpyxl's cell parser looks strings up by index
        try:
            return super().__getitem__(index)
        except (IndexError, TypeError):
            self.missing += 1
            return None


class _Parent:
    """What openpyxl's read-only sheets ask of their workbook."""

    def __init__(self, archive: Any, data_only: bool, epoch: Any, dates: set[int], deltas: set[int]):
        self._archive = archive
        self.data_only = data_only
        self.epoch = epoch
        self._date_formats = dates
        self._timedelta_formats = deltas


def load_openpyxl(package: Package, label: str, *, data_only: bool,
                  budget: Budget | None = None) -> Book:
    """A normalised package as a :class:`Book` whose sheets openpyxl streams."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    _openpyxl_loader()  # refuses unless openpyxl parses through defusedxml
    book = Book(label, "xlsx", budget)
    book.package = package
    archive = package  # opens parts by name, as openpyxl's read-only sheets ask their workbook to
    strings = _SharedStrings()
    if package.shared_strings:
        with part_error(label, package.shared_strings):
            _read_strings(archive, package.shared_strings, strings, label)
    book._strings = strings
    dates: set[int] = set()
    deltas: set[int] = set()
    if package.styles:
        with part_error(label, package.styles):
            dates, deltas = _date_styles(archive, package.styles)
    with part_error(label, package.workbook):
        sheets, date1904 = _workbook_sheets(archive, package.workbook)
    parent = _Parent(archive, data_only, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
                     dates, deltas)
    for title, state, rid in sheets:
        part = package.sheets.get(rid)
        if part is None or part not in package.sheet_parts:
            continue  # a chart sheet, or a sheet without a relationship: no cells
        ws = sheet_class()(parent, title, part, strings)
        book.worksheets.append(BookSheet(book, title, state, part, ws))
    return book


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _iterparse(archive: Any, part: str, events=("end",)):
    from defusedxml.ElementTree import iterparse

    with archive.open(part) as src:
        yield from iterparse(src, events=events)


def _read_strings(archive: Any, part: str, strings: list, label: str) -> None:
    """The shared strings (plain text of each ``si``: its ``t`` and its runs' ``t``, no phonetics),
    their total length bounded like cell text."""
    total = 0
    root = None
    for event, node in _iterparse(archive, part, events=("start", "end")):
        if root is None:
            root = node
        if event != "end" or _local(node.tag) != "si":
            continue
        texts = []
        for child in node:
            name = _local(child.tag)
            if name == "t":
                texts.append(child.text or "")
            elif name == "r":
                texts += [t.text or "" for t in child if _local(t.tag) == "t"]
        text = "".join(texts).replace("x005F_", "")
        root.clear()  # the table's parsed entries, so that they do not pile up under the root
        total += len(text)
        if total > MAX_TEXT_CHARS:
            raise UnusableInput(
                f"{label}: the workbook holds too much text to read safely (more than "
                f"{MAX_TEXT_CHARS:,} characters in {_one_line(part, 60)}; limit {MAX_TEXT_CHARS:,})")
        strings.append(text)


def _date_styles(archive: Any, part: str) -> tuple[set[int], set[int]]:
    """Indexes of the cell formats (``cellXfs``) that show dates, and durations."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    formats: list[int] = []
    depth = 0
    for event, node in _iterparse(archive, part, events=("start", "end")):
        name = _local(node.tag)
        if name == "cellXfs":
            depth += 1 if event == "start" else -1
        if event != "end":
            continue
        if name == "numFmt":
            try:
                custom[int(node.get("numFmtId", ""))] = node.get("formatCode") or ""
            except ValueError:
                pass
        elif name == "xf" and depth > 0:
            try:
                formats.append(int(node.get("numFmtId") or 0))
            except ValueError:
                formats.append(0)
        node.clear()
    dates, deltas = set(), set()
    for index, fmt_id in enumerate(formats):
        code = custom.get(fmt_id) or builtin_format_code(fmt_id)
        if code and is_date_format(code):
            dates.add(index)
        if code and is_timedelta_format(code):
            deltas.add(index)
    return dates, deltas


def _workbook_sheets(archive: Any, part: str) -> tuple[list[tuple[str, str, str]], bool]:
    """(title, state, relationship id) of each sheet in order, and whether dates count from 1904."""
    sheets = []
    date1904 = False
    for _, node in _iterparse(archive, part):
        name = _local(node.tag)
        if name == "sheet":
            rid = next((v for k, v in node.attrib.items() if _local(k) == "id"), "")
            sheets.append((node.get("name") or f"Sheet{len(sheets) + 1}", node.get("state") or "visible",
                           rid))
        elif name == "workbookPr":
            date1904 = (node.get("date1904") or "").lower() in ("1", "true")
        elif name in ("definedNames", "extLst", "bookViews"):
            node.clear()
    return sheets, date1904


# --------------------------------------------------------------------------- .xls .xlsb .ods via calamine


def load_calamine(data: bytes, kind: str, label: str, *, budget: Budget | None = None) -> Book:
    """Read ``data`` with python-calamine in a child process limited in memory and time."""
    root = str(Path(__file__).resolve().parents[3])
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from mapgen.formats.xlsx.calamine_child import main; main()")
    args = [sys.executable, "-c", code, root, str(MAX_ROWS_PER_SHEET), str(MAX_CELLS), str(MAX_TEXT_CHARS),
            str(CHILD_MEMORY_BYTES), str(CHILD_SECONDS)]
    import subprocess

    what = _KINDS[kind]
    try:  # the child limits its own memory and time first (no preexec_fn: a plain, fast spawn)
        proc = subprocess.run(args, input=data, capture_output=True, timeout=CHILD_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise UnusableInput(f"{label}: the {what} takes too long to read (more than {CHILD_SECONDS} s; "
                            f"limit {CHILD_SECONDS} s)") from exc
    except OSError as exc:
        raise UnusableInput(f"{label}: the {what} cannot be read here (no reader process could start)"
                            ) from exc
    result = None
    if proc.returncode == 0:
        import pickle

        try:
            result = pickle.loads(proc.stdout)
        except Exception:
            result = None
    if not isinstance(result, dict):
        if proc.returncode != 0 and (proc.returncode < 0 or b"memory" in proc.stderr.lower()):
            limit = _size(CHILD_MEMORY_BYTES)
            raise UnusableInput(f"{label}: the {what} is too large to read safely (reading it needs more "
                                f"than {limit} of memory; limit {limit})")
        raise UnusableInput(f"{label}: the {what} could not be read; open it in Excel or LibreOffice "
                            "and save it again")
    if result.get("error"):
        raise UnusableInput(f"{label}: {result['error'].format(what=what)}")
    book = Book(label, kind, budget)
    for title, state, rows, truncated in result["sheets"]:
        book.worksheets.append(BookSheet(book, title, state, f"sheet '{_one_line(title, 40)}'", rows))
        if truncated:
            book.notes.append(f"sheet '{title}': {truncated}")
    return book


def open_workbook(
    path: str | os.PathLike,
    *,
    read_only: bool = True,
    data_only: bool = True,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_RATIO,
) -> Workbook:
    """The checked .xlsx as an openpyxl Workbook, every library error turned into UnusableInput.

    The package is normalised first (:func:`mapgen.formats.xlsx.package.normalise`), so workbooks that
    Excel opens but openpyxl would not (backslashes, odd case, the workbook part elsewhere,
    Strict Open XML) open too. Other kinds (.ods, .xls, .xlsb) are read by
    :mod:`mapgen.formats.xlsx.book`, not here.
    """
    name = _display(path)
    data, kind = inspect(path, max_file_bytes=max_file_bytes, max_uncompressed=max_uncompressed,
                         max_ratio=max_ratio)
    if kind != "xlsx":
        raise UnusableInput(f"{name}: is {_KIND_WORDS[kind]}, which only 'mapgen read' reads here; "
                            f"{_SAVE_AS}")
    with read_boundary(path):
        package = normalise(data, name)
        if read_only:
            return load_openpyxl(package, name, data_only=data_only)
        load_workbook = _openpyxl_loader()
        return load_workbook(io.BytesIO(package.to_zip()), read_only=False, data_only=data_only)


_KIND_WORDS = {"xls": "an old-style .xls workbook", "xlsb": "a binary Excel workbook (.xlsb)",
               "ods": "an OpenDocument spreadsheet (.ods)"}
