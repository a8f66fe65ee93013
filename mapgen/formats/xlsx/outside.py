"""Workbooks made outside mapgen, read with a blueprint imported from them (``blueprint import``).

Such a workbook has no metadata, so three things are found by what the blueprint says:

- **the deal block**: the blueprint's ``deal_labels`` name the label beside each deal fact
  ("Account:"); the value is the next filled cell right of the label, in the top rows;
- **the section's own texts**: a legend or note under the table ("Status key", "Note: ...")
  or a text above it that the import made the section's purpose or instructions is the
  blueprint's text, not data (each of its cells is part of those texts);
- **group labels**: for a column marked ``group``, a row holding nothing but one text is the
  label of the rows under it (not a row), and a row without a value in that column takes the
  label above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mapgen.model.fields import fold_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Section

VALUE_REACH = 3  # cells right of a label searched for its value


def label_form(text: Any) -> str:
    """A label as compared: case, spacing and a trailing colon ignored."""
    return fold_text(str(text)).rstrip(":").strip() if text is not None else ""


def find_deal(rows: list[tuple], labels: dict[str, str]) -> dict[str, tuple[Any, str, str | None]]:
    """Deal key -> (value, label cell, value cell) for each label found in ``rows`` (read-only
    cells with ``value`` and ``coordinate``); a label without a value gives ``None``."""
    from openpyxl.utils import get_column_letter

    wanted = {label_form(label): key for key, label in labels.items()}
    out: dict[str, tuple[Any, str, str | None]] = {}
    for number, row in enumerate(rows, start=1):
        for i, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if not isinstance(value, str):
                continue
            key = wanted.get(label_form(value))
            if key is None or key in out:
                continue
            found, at = None, None
            for j in range(i + 1, min(i + 1 + VALUE_REACH, len(row))):
                candidate = getattr(row[j], "value", None)
                if candidate is None or (isinstance(candidate, str) and not candidate.strip()):
                    continue
                if isinstance(candidate, str) and label_form(candidate) in wanted:
                    break
                found, at = candidate, f"{get_column_letter(j + 1)}{number}"
                break
            out[key] = (found, f"{get_column_letter(i + 1)}{number}", at)
    return out


def section_texts(section: Section) -> str:
    """The section's own texts (title, purpose, instructions, both audiences), folded."""
    parts = [section.title, section.purpose, section.instructions, section.buyer_purpose or "",
             section.buyer_instructions or ""]
    return "\n".join(fold_text(p) for p in parts if p)


def is_own_text(texts: Iterable[Any], own: str) -> bool:
    """True when every text is part of the section's own texts (and there is one)."""
    seen = False
    for text in texts:
        if not isinstance(text, str):
            return False
        folded = fold_text(text)
        if len(folded) < 2 or folded not in own:
            return False
        seen = True
    return seen


def group_key(section: Section) -> str | None:
    """The section's group column, if it has one."""
    return next((c.key for c in section.columns if getattr(c, "group", False)), None)


def group_label(values: list[Any]) -> str | None:
    """The label a row holding nothing but one text is (None for any other row)."""
    if len(values) != 1 or not isinstance(values[0], str):
        return None
    text = " ".join(values[0].split())
    return text if text and re.search(r"[^\W\d_]", text) else None
