"""The verdicts of the shortcut probes, kept between runs.

A shortcut past a library's private internals is probed once a process before its first use
(:func:`mapgen.formats.xlsx.shortcuts.check`, :mod:`mapgen.formats.xlsx.sheetxml`): the probe
makes a small workbook both ways and compares the bytes. Its verdict depends only on the code
that runs, so a probe that passed is recorded in the cache folder (the blueprint cache's,
:func:`mapgen.model.blueprint.cache.cache_dir`; ``MAPGEN_CACHE_DIR=`` turns both off), keyed on
that code: the Python build, mapgen's version, and the version, size and modification time of
each module the shortcut relies on (openpyxl's and lxml's as well as mapgen's own). A later
process running the same code finds the record and skips the probe; another release of any of
them, an edited module or a record that cannot be read, and the probe runs again. Only passes
are kept (a failing probe runs each time and turns its shortcut off), written atomically, and
a record is believed only where the user owns it and no one else could have written it.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

__all__ = ["forget", "passed", "record_pass"]

_FORMAT = 1
_PREFIX = "probe-"


def _key(name: str, modules: tuple[str, ...]) -> str:
    """What the verdict of probe ``name`` depends on (importing ``modules`` if need be)."""
    import importlib

    from mapgen import __version__

    code = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        info = os.stat(module.__file__ or "")
        code.append((module_name, getattr(module, "__version__", None), info.st_mtime_ns,
                     info.st_size))
    return repr((_FORMAT, name, sys.version, __version__, code))


def _record(name: str, modules: tuple[str, ...]) -> tuple[Path, str] | None:
    from mapgen.model.blueprint.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    key = _key(name, modules)
    return folder / f"{_PREFIX}{name}-{zlib.crc32(key.encode()):08x}.txt", key


def passed(name: str, modules: tuple[str, ...]) -> bool:
    """Whether probe ``name`` passed before with this very code (False when not known)."""
    try:
        found = _record(name, modules)
        if found is None:
            return False
        from mapgen.model.blueprint.cache import trusted

        path, key = found
        return trusted(path) and path.read_text(encoding="utf-8") == key
    except Exception:  # none yet, unreadable, a module that will not import: probe afresh
        return False


def record_pass(name: str, modules: tuple[str, ...]) -> None:
    """Keep the pass of probe ``name`` for later processes (silently not where it cannot)."""
    try:
        found = _record(name, modules)
        if found is None:
            return
        path, key = found
        from mapgen.core.fileio import atomic_write

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, key, force=True)
    except Exception:
        return


def forget() -> None:
    """Drop every recorded verdict (as after a new release of the libraries)."""
    from mapgen.model.blueprint.cache import cache_dir

    folder = cache_dir()
    if folder is not None and folder.is_dir():
        for path in folder.glob(f"{_PREFIX}*.txt"):
            path.unlink(missing_ok=True)
