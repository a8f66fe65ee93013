"""Writing files safely: never overwrite without ``force``, always atomically, with safe names."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from mapgen.errors import MapgenError

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def read_text(path: str | os.PathLike, *, what: str = "file", limit: int = 2 * 1024 * 1024,
              missing_hint: str = "") -> str:
    """A UTF-8 text input (BOM allowed), size-bounded; every failure one clear MapgenError."""
    path = Path(path)
    label = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise MapgenError(f"{label}: is a folder, not a {what}")
        if size > limit:
            raise MapgenError(f"{label}: too large for a {what} ({_size(size)}; limit {_size(limit)})")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MapgenError(f"{label}: no such {what}{missing_hint}") from None
    except UnicodeDecodeError as exc:
        raise MapgenError(f"{label}: not UTF-8 text (byte {exc.start}); save the {what} as "
                          "UTF-8") from None
    except OSError as exc:
        raise MapgenError(f"{label}: cannot be read ({exc.strerror})") from None


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, n // 1024)} KB"


def check_writable(path: Path, force: bool) -> None:
    """Refuse to overwrite an existing file unless ``force``; refuse folders always."""
    if path.is_dir():
        raise MapgenError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise MapgenError(f"{path} already exists; use --force to overwrite it")


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None] | bytes | str, *,
                 force: bool = False) -> Path:
    """Write ``path`` via a temporary file in the same folder and a rename.

    ``write`` is the content (bytes or text) or a function that writes to the path it is given.
    A failure leaves no partial file behind and any previous file untouched.
    """
    path = Path(path)
    check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        if callable(write):
            os.close(fd)
            write(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(write.encode("utf-8") if isinstance(write, str) else write)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def safe_filename(name: str, *, default: str = "plan", max_length: int = 80) -> str:
    """A file name made from free text: no path separators, no '..', no reserved device names."""
    text = unicodedata.normalize("NFKC", str(name))
    text = re.sub(r"[\x00-\x1f\x7f]", "", text)
    text = re.sub(r'[<>:"/\\|?*]+', "-", text)
    text = re.sub(r"\s+", " ", text).strip(" .-")
    text = re.sub(r"\.{2,}", ".", text)
    if not text or text.split(".")[0].strip().casefold() in _RESERVED:
        text = f"{default}-{text}" if text else default
    return text[:max_length].rstrip(" .") or default


def unique_path(directory: Path, stem: str, suffix: str, taken: set[str]) -> Path:
    """``directory/stem.suffix``, or ``stem-2`` and so on when the name is taken (case-blind)."""
    candidate, n = f"{stem}{suffix}", 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate.casefold())
    return directory / candidate
