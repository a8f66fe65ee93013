"""Resolved blueprints kept between runs: a command need not parse YAML or load pydantic.

Loading a blueprint (YAML with line numbers, ``extends``, validation) costs more than reading
a small workbook, and most commands load the same few blueprints again and again. A blueprint
that loaded without errors is kept, pickled, in the user's cache folder (``$MAPGEN_CACHE_DIR``,
else ``$XDG_CACHE_HOME/mapgen``, else ``~/.cache/mapgen``; ``MAPGEN_CACHE_DIR=`` with no
value turns the cache off). An entry is used only when everything its blueprint came from is
unchanged: the bytes of every file of its ``extends`` chain, where each ``extends`` name leads
from where it is written, the working folder (file names in messages are relative to it) and
mapgen's own model code. Entries are written atomically into a folder only the user can
write to, and only such entries are read; any failure just loads the blueprint afresh.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint.models import Blueprint

_FORMAT = 1
_KEEP = 200  # entries kept in the folder
_CODE = Path(__file__).resolve().parents[1]  # mapgen/model: the code that shapes a blueprint
# A resolved blueprint's sources: (file, its bytes) of each file of the chain, and (name, folder
# it is looked up from, the file it found) of each ``extends``.
Sources = tuple[list[tuple[str, bytes]], list[tuple[str, str, str]]]


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    configured = os.environ.get("MAPGEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mapgen" / "blueprints"


def trusted(entry: Path) -> bool:
    """Whether a cache file is the user's own and no one else could have written it (raises
    OSError where it is missing)."""
    info = entry.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _code_stamp() -> list[tuple[str, int, int]]:
    files = sorted(_CODE.rglob("*.py")) + sorted((_CODE.parent / "core").rglob("*.py"))
    return [(str(p), (info := p.stat()).st_mtime_ns, info.st_size) for p in files]


def _entry(path: Path) -> tuple[Path, tuple[Any, ...]] | None:
    folder = cache_dir()
    if folder is None:
        return None
    from mapgen import __version__

    key = (_FORMAT, __version__, str(path.resolve()), os.getcwd(), _code_stamp())
    name = f"{zlib.crc32(repr(key).encode()):08x}-{path.stem[:40]}.pickle"
    return folder / name, key


def load(path: Path, find: Callable[..., Path]) -> Blueprint | None:
    """The cached blueprint of ``path`` when its sources are unchanged, else None (``find``
    looks a blueprint name up: :func:`mapgen.model.blueprint.loading.find_blueprint`)."""
    try:
        found = _entry(path)
        if found is None:
            return None
        entry, key = found
        if not trusted(entry):
            return None
        import pickle

        stored = pickle.loads(entry.read_bytes())
        if stored["key"] != key or not _unchanged(stored["sources"], find):
            return None
        return stored["blueprint"]
    except Exception:  # a missing, partial or foreign entry: load afresh
        return None


def _unchanged(sources: Sources, find: Callable[..., Path]) -> bool:
    files, parents = sources
    if any(Path(file).read_bytes() != data for file, data in files):
        return False
    return all(str(find(ref, relative_to=Path(where)).resolve()) == found for ref, where, found in parents)


def store(path: Path, blueprint: Blueprint, sources: Sources) -> None:
    """Keep ``blueprint`` for the next run (silently not, where the cache cannot be written)."""
    try:
        found = _entry(path)
        if found is None:
            return
        entry, key = found
        import pickle
        import tempfile

        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _prune(entry.parent)
        data = pickle.dumps({"key": key, "sources": sources, "blueprint": blueprint},
                            protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:
        return


def _prune(folder: Path, keep: int = _KEEP) -> None:
    """Entries beyond ``keep`` (many folders' blueprints, or old code's) go, oldest first."""
    entries = [e for e in os.scandir(folder) if e.name.endswith(".pickle")]
    if len(entries) >= keep:
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for old in entries[: len(entries) - keep // 2]:
            Path(old.path).unlink(missing_ok=True)
