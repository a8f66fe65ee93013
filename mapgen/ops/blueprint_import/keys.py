"""Keys made from a template's texts."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str, default: str = "column") -> str:
    """A column or section key made from a header (letters, digits, underscores)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("%", " percent ").replace("#", " number ")
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40].strip("_")
    if not key or not key[0].isalpha():
        key = f"{default}_{key}".strip("_")[:40] if key else default
    return key
