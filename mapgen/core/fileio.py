"""Writing files safely: never overwrite without ``force``, always atomically, with safe names."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mapgen.core.errors import FileExists, MapgenError

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def read_bytes(path: str | os.PathLike, *, what: str = "file", limit: int = 2 * 1024 * 1024,
               missing_hint: str = "") -> bytes:
    """An input file's bytes, size-bounded; every failure one clear MapgenError."""
    path = Path(path)
    try:
        if path.is_dir():
            raise MapgenError(f"{path}: is a folder, not a {what}")
        size = path.stat().st_size
        if size > limit:
            raise MapgenError(f"{path}: too large for a {what} ({_size(size)}; limit {_size(limit)})")
        return path.read_bytes()
    except FileNotFoundError:
        raise MapgenError(f"{path}: no such {what}{missing_hint}") from None
    except OSError as exc:
        raise MapgenError(f"{path}: cannot be read ({exc.strerror})") from None


def read_text(path: str | os.PathLike, *, what: str = "file", limit: int = 2 * 1024 * 1024,
              missing_hint: str = "") -> str:
    """A UTF-8 text input (BOM allowed), size-bounded; every failure one clear MapgenError."""
    data = read_bytes(path, what=what, limit=limit, missing_hint=missing_hint)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MapgenError(f"{path}: not UTF-8 text (byte {exc.start}); save the {what} as "
                          "UTF-8") from None


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, n // 1024)} KB"


def check_writable(path: Path, force: bool) -> None:
    """Refuse to overwrite an existing file unless ``force`` (FileExists); refuse folders
    always."""
    if path.is_dir():
        raise MapgenError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise FileExists(path)


Content = Callable[[Path], None] | bytes | str


class Staging:
    """Files written under temporary names, renamed into place together by :meth:`commit`.

    Use :func:`staged`: either every file lands or none does, and no partial file is left.
    """

    def __init__(self, force: bool = False):
        self.force = force
        self._pending: list[tuple[Path, Path]] = []

    def write(self, path: str | os.PathLike, content: Content) -> Path:
        """Write ``content`` (bytes, text, or a function given the temporary path) for ``path``."""
        path = Path(path)
        check_writable(path, self.force)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp",
                                            dir=path.parent)
        except OSError as exc:
            raise MapgenError(f"{path.parent}: cannot write there ({exc.strerror})") from None
        tmp = Path(tmp_name)
        self._pending.append((tmp, path))
        if callable(content):
            os.close(fd)
            content(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def commit(self) -> None:
        for tmp, path in self._pending:
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        self._pending.clear()

    def discard(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()


@contextmanager
def staged(force: bool = False) -> Iterator[Staging]:
    """A :class:`Staging` committed when the block ends, discarded when it raises."""
    staging = Staging(force)
    try:
        yield staging
    except BaseException:
        staging.discard()
        raise
    try:
        staging.commit()
    except OSError as exc:
        staging.discard()
        raise MapgenError(f"cannot write {exc.filename or 'the output'} ({exc.strerror})") from None


def atomic_write(path: str | os.PathLike, content: Content, *, force: bool = False) -> Path:
    """Write one file via a temporary file in the same folder and a rename.

    ``content`` is bytes, text, or a function that writes to the path it is given. A failure
    leaves no partial file behind and any previous file untouched.
    """
    with staged(force) as staging:
        return staging.write(path, content)


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
