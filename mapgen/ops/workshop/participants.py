"""Participant names for the kit: parsed from ``--participants`` and checked.

Names are data: they are never rendered as templates.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from mapgen.core.errors import MapgenError
from mapgen.core.fileio import read_text

MAX_PARTICIPANTS = 200
MAX_NAME_LENGTH = 100
MAX_PARTICIPANTS_FILE = 1024 * 1024  # bytes
# Direction overrides and isolates: they make a file name read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def parse_participants(value: str | None, *, source: str = "participants") -> list[str]:
    """Participant names: comma-separated names, or a UTF-8 file (``source`` names the value
    in messages).

    In a file, each line is one name; blank lines and lines starting with '#' are skipped.
    A value without a comma that names a file, or looks like a path (a folder separator or a
    file extension), is read as a file; write ``"A/B,"`` for a single name with a slash.
    Raises MapgenError for a missing or unreadable file, a duplicate name (case-insensitive),
    more than 200 names or an unusable name.
    """
    if value is None or not value.strip():
        return []
    path = Path(value.strip())
    if "," not in value and (path.is_file() or _looks_like_path(value.strip())):
        return _participants_file(path)
    return check_participants(value.split(","), source=source)


def _looks_like_path(text: str) -> bool:
    return "/" in text or os.sep in text or Path(text).suffix.lower() in {".txt", ".csv", ".lst",
                                                                          ".md", ".text"}


def _participants_file(path: Path) -> list[str]:
    label = str(path)
    text = read_text(path, what="participants file", limit=MAX_PARTICIPANTS_FILE,
                     missing_hint=" (to give names directly, separate them with commas)")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    return check_participants([line for _, line in lines], source=label,
                              lines=[n for n, _ in lines])


def check_participants(names: Iterable[str], *, source: str = "participants",
                       lines: Sequence[int] | None = None) -> list[str]:
    """Names with spacing tidied and empty ones dropped; MapgenError for a name with control
    characters, an overlong or duplicate name (case-insensitive), or more than 200 names."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(names):
        where = f"{source}:{lines[i]}" if lines is not None else source
        name = " ".join(unicodedata.normalize("NFC", str(raw)).split())
        if not name:  # a doubled or trailing comma
            continue
        if any(unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI_CONTROLS for ch in name):
            raise MapgenError(f"{where}: name {name!r} contains control characters")
        if len(name) > MAX_NAME_LENGTH:
            raise MapgenError(f"{where}: name '{name[:40]}...' is longer than "
                              f"{MAX_NAME_LENGTH} characters")
        folded = name.casefold()
        if folded in seen:
            raise MapgenError(f"{where}: '{name}' is listed twice (as '{seen[folded]}' before; "
                              "names are compared ignoring case)")
        seen[folded] = name
        out.append(name)
    if len(out) > MAX_PARTICIPANTS:
        raise MapgenError(f"{source}: {len(out)} participants; at most {MAX_PARTICIPANTS} "
                          "in one kit")
    return out

