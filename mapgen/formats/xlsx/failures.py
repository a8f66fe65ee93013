"""Failures in plain words: what a parsing library raised, said as one line for a person.

Every message names the file (and the part, where known), says what is wrong and what to do;
never an exception class name or a library path. Used by the safety checks, the package layer
and the reader's boundary alike.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from mapgen.core.errors import MapgenError, UnusableInput

FRESH_COPY = "ask the sender for a fresh copy"
SAVE_AGAIN = "open it in Excel or LibreOffice and save it again"


@contextmanager
def part_error(name: str, part: str) -> Iterator[None]:
    """Inside the block a library parses ``part``: its errors name the part in plain words."""
    try:
        yield
    except MapgenError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        unsafe = unsafe_xml(name, exc)
        if unsafe is not None:
            raise unsafe from exc
        raise UnusableInput(f"{name}: the workbook is damaged: {one_line(part, 80)} {describe(exc)}; "
                            f"{SAVE_AGAIN}") from exc


def describe(exc: BaseException) -> str:
    """What is wrong, in words (never a class name or a library path)."""
    chain = list(error_chain(exc))
    for err in chain:
        kind = type(err).__name__
        if kind in ("ExpatError", "ParseError", "XMLSyntaxError") or isinstance(err, SyntaxError):
            line = getattr(err, "lineno", None)
            column = getattr(err, "offset", None)
            position = getattr(err, "position", None)
            if isinstance(position, tuple) and len(position) == 2:
                line, column = position
            where = f" (line {line}, column {column})" if line is not None else ""
            return f"is not well-formed XML{where}"
    for err in chain:
        if isinstance(err, (zipfile.BadZipFile, EOFError, zlib.error)):
            return "is damaged (corrupt compressed data)"
        if isinstance(err, KeyError) and "There is no item named" in str(err):
            missing = re.search(r"named '([^']*)'", str(err))
            what = f"the part {one_line(missing.group(1), 60)}" if missing else "a part"
            return f"refers to {what}, which is missing"
    root = chain[-1]
    if isinstance(root, IndexError | KeyError):
        return "refers to an entry that does not exist"
    if isinstance(root, TypeError | ValueError | AttributeError):
        return "holds a value of an unexpected kind"
    if isinstance(root, UnicodeError):
        return "holds text in a broken character encoding"
    return "could not be understood"


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


# --------------------------------------------------------------------------- content checks


def damaged(name: str, exc: BaseException | None = None) -> UnusableInput:
    detail = ""
    if isinstance(exc, zipfile.BadZipFile) and str(exc):
        detail = f": {one_line(str(exc), 80)}"
    return UnusableInput(f"{name}: the workbook is damaged (truncated or corrupt zip{detail}); {FRESH_COPY}")


def error_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 20:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def unsafe_xml(name: str, exc: BaseException) -> UnusableInput | None:
    for err in error_chain(exc):
        if (type(err).__module__ or "").startswith("defusedxml"):
            return UnusableInput(f"{name}: the workbook contains unsafe XML (entities or a DTD); it "
                                 "cannot be read safely")
        if "entity amplification" in str(err).lower():  # libxml2's own billion-laughs guard
            return UnusableInput(
                f"{name}: the workbook contains unsafe XML (entity expansion); it cannot be read safely"
            )
    return None


def load_error(name: str, exc: Exception) -> UnusableInput:
    """One line for whatever a library raised outside any known part."""
    unsafe = unsafe_xml(name, exc)
    if unsafe is not None:
        return unsafe
    for err in error_chain(exc):
        if isinstance(err, (zipfile.BadZipFile, EOFError, zlib.error)):
            return damaged(name, err)
    return UnusableInput(f"{name}: the workbook could not be read: it {describe(exc)}; {SAVE_AGAIN}")
