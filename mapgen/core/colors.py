"""Colours shared by the writers: which text colour reads on a fill (WCAG 2 contrast).

No imports beyond the standard library, so that both the Word and the Excel writer (and
anything else that draws on the brand colour) use the same rule.
"""

from __future__ import annotations

WHITE = "FFFFFF"
DARK_TEXT = "262626"  # near-black body text


def relative_luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of a colour written as 6 hex digits (``1F4E79``, ``#1F4E79``)."""
    value = hex_color.strip().lstrip("#")
    channels = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill: str) -> str:
    """White or the dark text colour on ``fill``, whichever has the higher contrast ratio."""
    return WHITE if contrast_ratio(WHITE, fill) >= contrast_ratio(DARK_TEXT, fill) else DARK_TEXT
