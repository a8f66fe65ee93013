"""A deal block's labels to deal keys: buyer, name, seller, the deal dates, and the rest as
keys of their own ("Our Sponsor" -> ``our_sponsor``)."""

from __future__ import annotations

import re

from mapgen.ops.blueprint_import.keys import slug

# Folded words of a label -> the standard deal key they name (first match wins).
_WORDS: tuple[tuple[str, str], ...] = (
    (r"go\s*-?\s*live|launch|cut\s*-?\s*over\s+date", "go_live"),
    (r"\bclose\b|closing|signature\s+date|sign\s*-?\s*off\s+date", "close"),
    (r"\bstart\b|kick\s*-?\s*off\s+date|begin", "start"),
    (r"account|customer|client|buyer|prospect", "buyer"),
    (r"vendor|seller|supplier|partner|our\s+company", "seller"),
    (r"opportunity|deal|project(\s+name)?$|^name$|plan\s+name", "name"),
)


def deal_key(label: str) -> str:
    """The deal key a label names."""
    text = " ".join(label.casefold().rstrip(":").split())
    for pattern, key in _WORDS:
        if re.search(pattern, text):
            return key
    return slug(text, "deal")
