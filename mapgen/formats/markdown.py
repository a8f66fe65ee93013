"""The ``md`` output format: the plan as Markdown, to paste into an email or a wiki.

The title, the deal facts, then each section as a heading with its purpose and a table of its
rows (the examples of a blank plan, marked so). A buyer view holds no internal columns or
sections, so neither does its Markdown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core.i18n import Texts, texts_for
from mapgen.model.view import display_value

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.formats.registry import WriteOptions
    from mapgen.model.view import DocumentView, SectionView


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    Path(path).write_text(render(view), encoding="utf-8")


def render(view: DocumentView) -> str:
    """The whole plan as one Markdown text."""
    _ = view.texts
    lines = [f"# {inline(view.title)}", ""]
    if view.audience == "buyer":
        lines += [emphasis(_("Buyer edition")), ""]
    facts = view.deal_facts()
    if facts:
        for label, value in facts:
            lead = inline(_("{label}:", label=label))  # the language's colon (fr: "Affaire :")
            lines.append(f"- **{lead}** {inline(fact(value, _))}")
        lines.append("")
    for sv in view.sections:
        lines += section(sv, _)
    return "\n".join(lines).rstrip() + "\n"


def section(sv: SectionView, texts: Texts | None = None) -> list[str]:
    _ = texts or texts_for()
    lines = [f"## {sv.number}. {inline(sv.title)}", ""]
    if sv.purpose:
        lines += [inline(sv.purpose), ""]
    rows, note = sv.rows, ""
    if not rows and sv.examples:
        rows, note = sv.examples, emphasis(_("Examples: what good looks like."))
    notes = [line for text in sv.table_notes for line in (inline(text), "")]  # no rows
    if not rows:
        return [*lines, emphasis(_("Nothing here yet.")), "", *notes]
    if note:
        lines += [note, ""]
    lines.append("| " + " | ".join(cell(c.title) for c in sv.columns) + " |")
    lines.append("|" + "|".join(":---:" if c.field.align == "center" else
                                ("---:" if c.field.align == "right" else "---")
                                for c in sv.columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(cell(display_value(c, row.get(c.key), _))
                                       for c in sv.columns) + " |")
    return [*lines, "", *notes]


def fact(value: Any, texts: Texts | None = None) -> str:
    return (texts or texts_for()).date(value) if isinstance(value, dt.date) else str(value)


def emphasis(text: str) -> str:
    """``*text*``: one line in italics."""
    return f"*{inline(text)}*"


def inline(text: Any) -> str:
    """Text on one line, with the characters Markdown would act on escaped."""
    text = " ".join(str(text).split())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def cell(text: Any) -> str:
    """A table cell: line breaks kept as <br>, pipes escaped."""
    parts = [inline(p) for p in str(text or "").replace("\r\n", "\n").split("\n")]
    return "<br>".join(p for p in parts if p)
