"""The safety gate every workbook passes before the reader parses it, and the one boundary
where errors of the parsing libraries become plain words.

:func:`check_workbook_file` looks at the bytes only (it never modifies the file) and raises
:class:`~mapgen.core.errors.UnusableInput` with one plain-language line for anything that is not a
safe workbook: missing or empty files, password-protected workbooks, Word, CSV/text, HTML, flat
OpenDocument, Excel 2-4 files, damaged zips, zip bombs and XML with a DTD (entity expansion,
external entities). It returns the kind of workbook: ``xlsx`` (also .xlsm and Strict Open XML),
``xls`` (Excel 97-2003), ``xlsb`` or ``ods``. :func:`inspect` does the same and returns the
checked bytes, so that nothing reads the file twice.

:func:`read_boundary` is the boundary every read runs inside: whatever openpyxl, calamine,
zipfile or an XML parser raise becomes one :class:`~mapgen.core.errors.UnusableInput` line (the
file, the part when known, what is wrong, what to do), and what those libraries print or warn
never reaches stdout or stderr. :func:`part_error` names the part being parsed.

openpyxl is imported lazily, so importing this module is cheap.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from mapgen.core.errors import MapgenError, UnusableInput
from mapgen.formats.xlsx.failures import (
    FRESH_COPY as _FRESH_COPY,
)
from mapgen.formats.xlsx.failures import (
    damaged as _damaged,
)
from mapgen.formats.xlsx.failures import (
    load_error as _load_error,
)
from mapgen.formats.xlsx.failures import (
    one_line as _one_line,
)
from mapgen.formats.xlsx.failures import (
    part_error,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_OUTPUT_CHARS",
    "MAX_RATIO",
    "MAX_ROWS_PER_SHEET",
    "MAX_TEXT_CHARS",
    "MAX_UNCOMPRESSED_BYTES",
    "check_workbook_file",
    "inspect",
    "inspect_document",
    "part_error",
    "read_boundary",
    "workbook_errors",
]

MAX_FILE_BYTES = 50 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # sum of zip members' declared sizes
MAX_RATIO = 200  # per member uncompressed/compressed (zip bomb)
MAX_CELLS = 2_000_000  # bound used by the reader while iterating
MAX_ROWS_PER_SHEET = 100_000  # likewise
MAX_MEMBERS = 10_000  # zip entries
MAX_TEXT_CHARS = 10_000_000  # cell text decoded while reading, a shared string counted per use
MAX_OUTPUT_CHARS = 16_000_000  # the plan read from one workbook, as written (about 250 MB at peak)

_MIB = 1024 * 1024
_RATIO_MIN_SIZE = _MIB  # the ratio is only checked for members bigger than this
_MAX_CENTRAL_DIR = 16 * _MIB  # a real workbook's zip directory is a few KB
_MAX_PROLOG = _MIB  # XML before the root element; a real part has ~100 bytes
_CHUNK = _MIB
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx"


# --------------------------------------------------------------------------- public API


def check_workbook_file(
    path: str | os.PathLike,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_RATIO,
) -> str:
    """Raise UnusableInput unless `path` looks like a safe workbook; return its kind
    (``xlsx``, ``xls``, ``xlsb`` or ``ods``). Reads only; never modifies.

    Besides the zip directory this decompresses every part once (bounded by ``max_uncompressed``)
    to verify its checksum and to refuse XML that declares a DTD; for .xlsx it also finds the
    workbook's parts as Excel does (:mod:`mapgen.formats.xlsx.package`).
    """
    return inspect(path, max_file_bytes=max_file_bytes, max_uncompressed=max_uncompressed,
                   max_ratio=max_ratio)[1]


def inspect(
    path: str | os.PathLike,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_RATIO,
) -> tuple[bytes, str]:
    """:func:`check_workbook_file`, returning ``(the checked bytes, kind)``.

    The file is read into memory once and the checked bytes are the ones the reader parses,
    so the file cannot change between check and load, and no file handle stays open. Content
    decides, not the extension: a real workbook named ``.xls`` still opens as .xlsx.
    """
    name = _display(path)
    size = _stat_size(path, name, max_file_bytes)
    with _checking(name):
        with Path(path).open("rb") as fh:
            data = fh.read(max_file_bytes + 1)
        if len(data) > max_file_bytes:
            raise _too_big_on_disk(name, max(size, len(data)), max_file_bytes)
        kind = _check_stream(io.BytesIO(data), len(data), name, max_file_bytes, max_uncompressed,
                             max_ratio)
        if kind == "xlsx":
            from mapgen.formats.xlsx.package import normalise

            normalise(data, name).close()  # the parts can be found (raises in plain words if not)
    return data, kind


def inspect_document(path: str | os.PathLike, *, max_file_bytes: int = MAX_FILE_BYTES,
                     max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
                     max_ratio: float = MAX_RATIO) -> tuple[bytes, str]:
    """:func:`inspect` for a word-processing document: the same checks of the package (size
    on disk, zip directory, zip bombs, checksums, DTDs), and its kind by content: ``docx``
    (also templates), ``docm`` (macro-enabled: its macros are never read) or ``odt``."""
    name = _display(path)
    size = _stat_size(path, name, max_file_bytes)
    try:
        with _checking(name):
            with Path(path).open("rb") as fh:
                data = fh.read(max_file_bytes + 1)
            if len(data) > max_file_bytes:
                raise _too_big_on_disk(name, max(size, len(data)), max_file_bytes)
            fh = io.BytesIO(data)
            head = data[:8192]
            if head.startswith(_OLE2_MAGIC):
                streams = _ole2_streams(fh, ("EncryptionInfo", "EncryptedPackage", "WordDocument"),
                                        max_file_bytes)
                if {"EncryptionInfo", "EncryptedPackage"} & streams:
                    raise UnusableInput(f"{name}: the document is password-protected; open it in "
                                        "Word, remove the password and save it again")
                if "WordDocument" in streams:
                    raise UnusableInput(f"{name}: is an old-style Word document (.doc); open it in "
                                        "Word or LibreOffice and save it as .docx")
                raise UnusableInput(f"{name}: is an old-style Office file, not a Word document")
            if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
                raise _not_a_document(head, name)
            kind = _zip_kind(fh, len(data), name, _document_kind, max_uncompressed, max_ratio)
    except UnusableInput as exc:  # the shared checks speak of workbooks
        text = str(exc).replace("Excel never", "Word never").replace("in Excel", "in Word")
        raise UnusableInput(text.replace("the workbook", "the document")) from None
    return data, kind


def _not_a_document(head: bytes, name: str) -> UnusableInput:
    if head.startswith(b"%PDF"):
        return UnusableInput(f"{name}: is a PDF document; give the Word document (.docx) it was made from")
    if head.lstrip().startswith(b"{\\rtf"):
        return UnusableInput(f"{name}: is an RTF document; open it in Word or LibreOffice and save "
                             "it as .docx")
    text = _as_text(head)
    if text is not None and "<office:document" in text[:4096]:
        return UnusableInput(f"{name}: is a flat OpenDocument file (.fodt); open it in LibreOffice "
                             "and save it as .docx")
    if text is not None and text.lstrip()[:1] == "<":
        return UnusableInput(f"{name}: is not a Word document (it looks like an XML or HTML file); "
                             "open it in Word and save it as .docx")
    return UnusableInput(f"{name}: is not a Word document (.docx files are zip archives)")


def _folded_names(infos: list[zipfile.ZipInfo], name: str, what: str, fix: str) -> dict[str, str]:
    """Each member's name as Office finds a part (forward slashes, no leading one, any case) ->
    its name as stored; a zip of too many entries, or of one entry twice, is refused."""
    if len(infos) > MAX_MEMBERS:
        raise _too_many(name, len(infos))
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise UnusableInput(f"{name}: the {what} is damaged (duplicate zip entries); {fix}")
    return {n.replace("\\", "/").lstrip("/").lower(): n for n in names}


def _document_kind(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> str:
    """The zip must be a Word document or OpenDocument text, not a workbook or slides."""
    lower = _folded_names(infos, name, "document", "save it again")
    if "mimetype" in lower:
        mimetype = zf.read(lower["mimetype"])[:200]
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            if "content.xml" not in lower:
                raise UnusableInput(f"{name}: the OpenDocument text is damaged (content.xml is missing)")
            return "odt"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            raise UnusableInput(f"{name}: is an OpenDocument spreadsheet, not a Word document; "
                                "give it the .ods extension")
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise UnusableInput(f"{name}: is an OpenDocument file (slides or drawing), not a text document")
    if "xl/workbook.xml" in lower or "xl/workbook.bin" in lower:
        raise UnusableInput(f"{name}: is an Excel workbook, not a Word document; give it the "
                            ".xlsx extension")
    if "ppt/presentation.xml" in lower:
        raise UnusableInput(f"{name}: is a PowerPoint presentation, not a Word document")
    types = lower.get("[content_types].xml")
    if types is None or not any(n.endswith(("document.xml", "document2.xml")) for n in lower):
        raise UnusableInput(f"{name}: is not a Word document (a zip archive without word/document.xml)")
    declared = zf.read(types)[:1_000_000]
    if b"macroEnabled" in declared or "word/vbaproject.bin" in lower:
        return "docm"
    return "docx"


@contextmanager
def read_boundary(path: str | os.PathLike) -> Iterator[None]:
    """The one boundary around reading a workbook: every exception from openpyxl, calamine,
    zipfile or XML becomes one UnusableInput line, and whatever those libraries print to
    stdout/stderr or warn is swallowed (stdout may carry the plan).
    """
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sink), \
                contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            yield
    except MapgenError:
        raise
    except MemoryError as exc:
        raise UnusableInput(f"{_display(path)}: the workbook is too large to read (out of memory)") from exc
    except RecursionError as exc:
        raise UnusableInput(f"{_display(path)}: the workbook is nested too deeply to read safely") from exc
    except Exception as exc:
        raise _load_error(_display(path), exc) from exc


workbook_errors = read_boundary  # the name the reader used before


# --------------------------------------------------------------------------- file level


@contextmanager
def _checking(name: str) -> Iterator[None]:
    """Our own checks: OS errors in plain words, and nothing unexpected escapes either."""
    try:
        yield
    except MapgenError:
        raise
    except OSError as exc:
        raise _os_error(name, exc) from exc
    except Exception as exc:  # a bug or an input we did not foresee: still one line
        raise _load_error(name, exc) from exc


def _display(path: str | os.PathLike) -> str:
    """The path as the user gave it, on one line (control characters shown as '?')."""
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        text = str(path)
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", "?", text) or "''"


def _stat_size(path: str | os.PathLike, name: str, max_file_bytes: int) -> int:
    """Size of a regular, non-empty file within the limit, or UnusableInput."""
    try:
        st = Path(path).stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise UnusableInput(f"{name}: no such file") from exc
    except ValueError as exc:  # e.g. an embedded NUL byte
        raise UnusableInput(f"{name}: not a valid file name") from exc
    except OSError as exc:
        raise _os_error(name, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise UnusableInput(f"{name}: is a folder, not a workbook file")
    if not stat.S_ISREG(st.st_mode):
        raise UnusableInput(f"{name}: is not a regular file (a device, pipe or socket); give a .xlsx file")
    if st.st_size == 0:
        raise UnusableInput(f"{name}: the file is empty")
    if st.st_size > max_file_bytes:
        raise _too_big_on_disk(name, st.st_size, max_file_bytes)
    return st.st_size


def _os_error(name: str, exc: OSError) -> UnusableInput:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return UnusableInput(f"{name}: no such file")
    if isinstance(exc, IsADirectoryError):
        return UnusableInput(f"{name}: is a folder, not a workbook file")
    if isinstance(exc, PermissionError):
        return UnusableInput(f"{name}: cannot be read (permission denied); check the file's permissions")
    reason = _one_line(exc.strerror or str(exc) or type(exc).__name__)
    return UnusableInput(f"{name}: cannot be read ({reason})")


def _too_big_on_disk(name: str, size: int, limit: int) -> UnusableInput:
    have, most = _sizes(size, limit)
    return UnusableInput(f"{name}: the file is too large to read safely ({have} on disk; limit {most})")


def _size(n: float) -> str:
    """Human size: '300 MB', '1.5 MB', '12 KB', '17 bytes'."""
    if n >= 10 * _MIB:
        return f"{n / _MIB:.0f} MB"
    if n >= _MIB:
        return f"{n / _MIB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{int(n)} bytes"


def _sizes(size: int, limit: float) -> tuple[str, str]:
    """Two sizes for 'N; limit M' that do not read as equal when they are not."""
    if _size(size) == _size(limit) and size != limit:
        return f"{size:,} bytes", f"{int(limit):,} bytes"
    return _size(size), _size(limit)


def _check_stream(
    fh: IO[bytes], size: int, name: str, max_file_bytes: int, max_uncompressed: int, max_ratio: float
) -> str:
    """All content checks on an open binary file of ``size`` bytes; returns the workbook's kind."""
    fh.seek(0)
    head = fh.read(8192)
    if not head:
        raise UnusableInput(f"{name}: the file is empty")
    if head.startswith(_OLE2_MAGIC):
        _check_ole2(fh, name, max_file_bytes)
        return "xls"
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise _not_zip_error(head, name)
    return _zip_kind(fh, size, name, _check_kind, max_uncompressed, max_ratio)


def _zip_kind(fh: IO[bytes], size: int, name: str,
              kind_of: Callable[[zipfile.ZipFile, list[zipfile.ZipInfo], str], str],
              max_uncompressed: int, max_ratio: float) -> str:
    """The checks every zip package passes (its directory, sizes, ratios and members), and
    its kind as ``kind_of`` finds it (a workbook's or a document's)."""
    _check_zip_directory(fh, size, name)
    try:
        zf = zipfile.ZipFile(fh)
    except Exception as exc:  # BadZipFile, EOFError, struct.error, ValueError, NotImplementedError...
        raise _damaged(name, exc) from exc
    with zf:
        infos = zf.infolist()
        kind = kind_of(zf, infos, name)
        _check_sizes(infos, name, max_uncompressed, max_ratio)
        _check_members(zf, infos, name, max_uncompressed)
    return kind


# OLE2 / Compound File Binary: old .xls, .doc, and password-protected (encrypted) OOXML.
#
# Instead of walking the CFB FAT, we scan the file for the directory entries themselves:
# a directory entry is 128 bytes, always 128-byte aligned within the file (sectors are 512 or
# 4096 bytes and start at multiples of the sector size), and begins with the UTF-16LE name, its
# NUL terminator and, at offset 64, the name length in bytes. Matching all three at an aligned
# offset is a reliable test for "this container has a stream called X" without a parser.


def _ole2_streams(fh: IO[bytes], names: tuple[str, ...], max_bytes: int) -> set[str]:
    """Which of ``names`` are directory entries of the OLE2 container in ``fh``."""
    wanted = {n: n.encode("utf-16-le") + b"\0\0" for n in names}
    found: set[str] = set()
    fh.seek(0)
    offset = 0
    while offset < max_bytes and len(found) < len(wanted):
        chunk = fh.read(_CHUNK)  # a multiple of 128, so entries never straddle chunks
        if not chunk:
            break
        for stream, raw in wanted.items():
            start = 0
            while stream not in found:
                at = chunk.find(raw, start)
                if at < 0:
                    break
                start = at + 1
                if at % 128 == 0 and at + 66 <= len(chunk):
                    (length,) = struct.unpack_from("<H", chunk, at + 64)
                    if length == len(raw):
                        found.add(stream)
        offset += len(chunk)
    return found


def _check_ole2(fh: IO[bytes], name: str, max_bytes: int) -> None:
    """An OLE2 file must be a workbook (.xls), not an encrypted package or a Word document."""
    streams = _ole2_streams(fh, ("EncryptionInfo", "EncryptedPackage", "WordDocument"), max_bytes)
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        raise UnusableInput(
            f"{name}: the workbook is password-protected; open it in Excel, remove the password "
            "(File > Info > Protect Workbook) and save again"
        )
    if "WordDocument" in streams:
        raise UnusableInput(f"{name}: is an old-style Word document (.doc), not a workbook")


# The BOF record that starts an Excel 2.x, 3.x or 4.x file (no OLE2 container before 5.0)
_OLD_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")


def _not_zip_error(head: bytes, name: str) -> UnusableInput:
    """Say what a non-zip file looks like."""
    if head.startswith(b"%PDF"):
        return UnusableInput(f"{name}: is a PDF document, not an Excel workbook")
    if head[:2] in _OLD_BIFF and len(head) >= 8 and head[2:4] in (b"\x04\x00", b"\x06\x00"):
        return UnusableInput(f"{name}: this is an old-style .xls workbook (Excel 4 or older); {_SAVE_AS}")
    text = _as_text(head)
    if text is not None:
        start = text.lstrip().lower()[:4096]
        if "opendocument.spreadsheet" in start or ("<office:document" in start and "table:" in start):
            return UnusableInput(f"{name}: is a flat OpenDocument spreadsheet (.fods), which mapgen does "
                                 "not read; open it in LibreOffice and save it as .ods or .xlsx")
        if "opendocument" in start or "<office:document" in start:
            return UnusableInput(f"{name}: is a flat OpenDocument file (text or slides), not a workbook")
        if start.startswith(("<!doctype html", "<html")) or (start.startswith("<") and "<table" in start):
            return UnusableInput(
                f"{name}: is a web page (HTML) saved with an Excel name, not a real workbook; {_SAVE_AS}"
            )
        if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
            return UnusableInput(f"{name}: is an Excel 2003 XML spreadsheet; {_SAVE_AS}")
        if start.startswith("<"):
            return UnusableInput(f"{name}: is not an Excel workbook (it looks like an XML file)")
        first = next((line for line in text.splitlines() if line.strip()), "")
        kind = "CSV" if any(sep in first for sep in (",", ";", "\t")) else "plain text"
        return UnusableInput(f"{name}: is not an Excel workbook (it looks like {kind}); {_SAVE_AS}")
    return UnusableInput(
        f"{name}: is not an Excel workbook (unrecognised file type; .xlsx files are zip archives)"
    )


def _as_text(head: bytes) -> str | None:
    """``head`` decoded if it looks like text (UTF-8/16 or a single-byte code page), else None."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    if b"\0" in head:
        return None
    controls = sum(1 for b in head if (b < 0x20 and b not in b"\t\n\r\f") or b == 0x7F)
    if controls > len(head) // 100:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return head.decode("latin-1")


def _check_zip_directory(fh: IO[bytes], size: int, name: str) -> None:
    """Read the zip's end record ourselves, so a huge directory is refused before zipfile loads it."""
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _damaged(name)
    entries, cd_size, cd_offset = struct.unpack_from("<HLL", tail, at + 10)
    if entries == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset):  # zip64
        loc = at - 20
        if loc < 0 or tail[loc:loc + 4] != b"PK\x06\x07":
            raise _damaged(name)
        (z64_offset,) = struct.unpack_from("<Q", tail, loc + 8)
        if z64_offset + 56 > size:
            raise _damaged(name)
        fh.seek(z64_offset)
        rec = fh.read(56)
        if len(rec) < 56 or rec[:4] != b"PK\x06\x06":
            raise _damaged(name)
        entries, cd_size = struct.unpack_from("<QQ", rec, 32)
    if entries > MAX_MEMBERS:
        raise _too_many(name, entries)
    if cd_size > _MAX_CENTRAL_DIR:
        raise UnusableInput(
            f"{name}: the workbook is too complex to read safely (zip directory of {_size(cd_size)}; "
            f"limit {_size(_MAX_CENTRAL_DIR)})"
        )


def _too_many(name: str, count: int) -> UnusableInput:
    return UnusableInput(
        f"{name}: the workbook is too large to read safely ({count:,} zip entries; limit {MAX_MEMBERS:,})"
    )


def _check_kind(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> str:
    """The zip must be a workbook (.xlsx, .xlsb or .ods), not Word, PowerPoint or just any zip."""
    names = [i.filename for i in infos]
    lower = _folded_names(infos, name, "workbook", _FRESH_COPY)
    if "mimetype" in lower:
        try:
            with zf.open(next(n for n in names if n.lower() == "mimetype")) as member:
                mimetype = member.read(200)
        except Exception as exc:
            raise _damaged(name, exc) from exc
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            if "content.xml" not in lower:
                raise UnusableInput(f"{name}: the OpenDocument spreadsheet is damaged (content.xml is "
                                    f"missing); {_FRESH_COPY}")
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise UnusableInput(f"{name}: is an OpenDocument file (text or slides), not a workbook")
    if "word/document.xml" in lower:
        raise UnusableInput(f"{name}: is a Word document, not a workbook")
    if "ppt/presentation.xml" in lower:
        raise UnusableInput(f"{name}: is a PowerPoint presentation, not a workbook")
    if "[content_types].xml" not in lower:
        if not any(n.endswith(("workbook.xml", "workbook.bin")) for n in lower):
            raise UnusableInput(f"{name}: is not an Excel workbook (a zip archive without xl/workbook.xml)")
        raise UnusableInput(f"{name}: is not an Excel workbook (a zip archive without [Content_Types].xml)")
    if any(n.endswith("workbook.bin") for n in lower):
        return "xlsb"
    return "xlsx"


def _check_sizes(infos: list[zipfile.ZipInfo], name: str, max_uncompressed: int, max_ratio: float) -> None:
    """Zip-bomb checks on the declared sizes (zipfile never inflates a member past them)."""
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        have, most = _sizes(total, max_uncompressed)
        raise UnusableInput(
            f"{name}: the workbook is too large to read safely ({have} uncompressed; limit {most})"
        )
    for info in infos:
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise UnusableInput(
                f"{name}: the workbook is unsafe to read: part '{_one_line(info.filename, 60)}' expands "
                f"{ratio:,.0f}:1 ({_size(info.compress_size)} to {_size(info.file_size)}; limit "
                f"{max_ratio:,.0f}:1), which looks like a zip bomb"
            )
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnusableInput(
                f"{name}: the zip is encrypted, which Excel never does; if the workbook has a password, "
                "remove it in Excel and save again"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                      zipfile.ZIP_LZMA):
            raise UnusableInput(
                f"{name}: uses an unsupported zip compression method ({info.compress_type}); {_SAVE_AS}"
            )


def _check_members(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, max_uncompressed: int
) -> None:
    """Inflate every member once: checksums must match and no XML part may declare a DTD."""
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        try:
            with zf.open(info) as member:
                head = bytearray()
                verdict: str | None = None
                decided = False
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > max_uncompressed:  # belt and braces: zipfile caps at declared sizes
                        raise UnusableInput(
                            f"{name}: the workbook is too large to read safely "
                            f"(over {_size(max_uncompressed)} uncompressed)"
                        )
                    if not decided:
                        head += chunk
                        decided, verdict = _prolog_verdict(bytes(head), eof=False)
                        if decided:
                            head = bytearray()
                if not decided:
                    decided, verdict = _prolog_verdict(bytes(head), eof=True)
        except UnusableInput:
            raise
        except Exception as exc:  # BadZipFile (bad CRC), zlib.error, EOFError, LZMAError, OSError...
            raise _damaged(name, exc) from exc
        if verdict:
            raise UnusableInput(
                f"{name}: the workbook contains unsafe XML in '{_one_line(info.filename, 60)}' ({verdict}); "
                "it cannot be read safely"
            )


# XML prolog scanning. A DTD (and with it every entity declaration: billion laughs, external
# entities) can only appear in the prolog, before the root element; OOXML parts never have one.

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_SAFE_ENCODINGS = {
    "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "ucs-2", "ucs-4",
    "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso-8859-15", "windows-1252", "cp1252",
}
_ENCODING_RE = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _prolog_verdict(data: bytes, *, eof: bool) -> tuple[bool, str | None]:
    """Scan the start of a member: ``(decided, reason-if-unsafe)``; undecided means "read more"."""
    if len(data) < 4 and not eof:
        return False, None
    if data.startswith(b"\x4c\x6f\xa7\x94"):  # "<?xm" in EBCDIC, which libxml2 understands
        return True, "EBCDIC encoding"
    codec, skip = _guess_codec(data[:4])
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")  # holds back a cut-off character
    text = decoder.decode(data[skip:], final=eof)
    verdict = _scan_prolog(text, eof=eof)
    if verdict is None and len(data) > _MAX_PROLOG:
        return True, f"no root element in the first {_size(_MAX_PROLOG)}"
    return verdict is not None, (verdict or None)


def _guess_codec(first: bytes) -> tuple[str, int]:
    """(codec, BOM length) from the first four bytes, as XML parsers autodetect them."""
    for bom, codec in _BOMS:
        if first.startswith(bom):
            return codec, len(bom)
    if len(first) == 4:
        a, b, c, d = first
        if a == b == c == 0 and d:
            return "utf-32-be", 0
        if a and b == c == d == 0:
            return "utf-32-le", 0
        if a == 0 and b and c == 0:
            return "utf-16-be", 0
        if a and b == 0 and c and d == 0:
            return "utf-16-le", 0
    return "utf-8", 0


def _scan_prolog(text: str, *, eof: bool) -> str | None:
    """``''`` if safe (root element reached or not XML), a reason if unsafe, None if undecided."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        rest = text[i:i + 9]
        if not rest:
            return "" if eof else None
        if rest[0] != "<":
            return ""  # not XML, or content the parser will reject anyway
        if rest.startswith("<?"):
            end = text.find("?>", i + 2)
            if end < 0:
                return "" if eof else None
            if i == 0:  # the XML declaration: only encodings we decode the same way as the parser
                match = _ENCODING_RE.search(text, 0, end)
                if match and match.group(1).lower() not in _SAFE_ENCODINGS:
                    return f"unusual character encoding {match.group(1)!r}"
            i = end + 2
            continue
        if rest.startswith("<!--"):
            end = text.find("-->", i + 4)
            if end < 0:
                return "" if eof else None
            i = end + 3
            continue
        if rest.startswith("<!"):
            partial = "<!--".startswith(rest) or "<!DOCTYPE".startswith(rest.upper())
            if partial and not eof:
                return None  # cut off mid-keyword: read more
            if rest.upper().startswith("<!DOCTYPE"):
                return "a DTD, which can declare entities"
            return "unexpected markup before the root element"
        if len(rest) < 2 and not eof:
            return None
        return ""  # the root element starts here


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --------------------------------------------------------------------------- openpyxl


def _openpyxl_loader():
    """``openpyxl.load_workbook``, after making sure openpyxl parses XML through defusedxml."""
    import openpyxl
    import openpyxl.xml

    if not (openpyxl.xml.DEFUSEDXML and getattr(openpyxl, "DEFUSEDXML", False)):
        raise MapgenError(
            "cannot read workbooks safely: openpyxl is not using defusedxml "
            "(install defusedxml and unset OPENPYXL_DEFUSEDXML)"
        )
    return openpyxl.load_workbook


