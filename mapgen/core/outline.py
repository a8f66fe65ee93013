"""A small format-neutral document: headings, paragraphs, lists, tables and shell commands.

The facilitator guide is laid out in Word from these parts (:mod:`mapgen.formats.docx.guide`), the
checklist in Markdown (:func:`to_markdown`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A heading; level 0 is the document's title."""

    text: str
    level: int = 1  # 0 is the document title


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, optionally led by a bold phrase."""

    text: str
    lead: str = ""  # shown in bold before the text


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Steps:
    """A numbered list."""

    items: tuple[str, ...]  # numbered, starting at 1


@dataclass(frozen=True)
class Checklist:
    """A list of boxes to tick."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Commands:
    """Shell commands, one a line, shown as they are to be typed."""

    lines: tuple[str, ...]  # shell commands; lines starting with '#' are comments


Part = Heading | Paragraph | Bullets | Steps | Checklist | Table | Commands


def to_markdown(parts: Iterable[Part]) -> str:
    """Markdown text of a document."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, Heading):
            out.append("#" * (part.level + 1) + " " + _md(part.text))
        elif isinstance(part, Paragraph):
            out.append((f"**{_md(part.lead)}** " if part.lead else "") + _md(part.text))
        elif isinstance(part, Bullets | Steps | Checklist):
            mark = {Bullets: "-", Steps: "1.", Checklist: "- [ ]"}[type(part)]
            out.append("\n".join(f"{mark} {_md(item)}" for item in part.items))
        elif isinstance(part, Table):
            cells = [[_md(c) for c in row] for row in (part.headers, *part.rows)]
            cells.insert(1, ["---"] * len(part.headers))
            out.append("\n".join("| " + " | ".join(row) + " |" for row in cells))
        elif isinstance(part, Commands):
            out.append("```sh\n" + "\n".join(part.lines) + "\n```")
    return "\n\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text shown as it is in Markdown (names and paths may hold * _ | and the like)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in text).replace("\n", " ")

