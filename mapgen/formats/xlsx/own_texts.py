"""What the reader knows as mapgen's own text, not data: the writer's example note and
marker, its texts above a table, merge's conflict note and the yes/no words, in English and in
the blueprint's language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from mapgen.core.i18n import N_
from mapgen.formats.xlsx.notes import CellNote
from mapgen.model.fields import fold_text

EXAMPLE_NOTE_START = "Example:"  # the writer's note on an example row's first cell (English)
EXAMPLE_MARKER = "Example"  # what older versions wrote left of an example row
CONFLICT_NOTE_START = "Conflict:"  # merge's note on a conflicting cell
# How the writer's texts above a table begin (mapgen.formats.xlsx.sections.write_section): recognised
# when a workbook's metadata, which records them exactly, is gone.
# The Overview's objective box while the Objective sheet is empty
# (mapgen.formats.xlsx.overview.write_objective).
OBJECTIVE_POINTER = N_("Write the objective on the '{sheet}' sheet.")
LAYOUT_TEXT_STARTS = ("Purpose:", "Instructions:", "Select a cell to see what belongs in it.")


@dataclass(frozen=True)
class _OwnTexts:
    """How the writer's own texts begin, in English and in the blueprint's language (a
    workbook is written in its blueprint's language; older ones, and pasted rows, in English)."""

    texts: Any  # mapgen.core.i18n.Texts of the blueprint's language
    example_notes: tuple[str, ...]
    example_markers: tuple[str, ...]
    layout: tuple[str, ...]
    conflict_notes: tuple[str, ...]
    words: dict[bool, frozenset[str]]  # how the writer shows yes and no (folded)
    example_note_texts: frozenset[str] = frozenset()  # the whole example notes (folded)

    def objective_pointer(self, sheet: str) -> frozenset[str]:
        """The Overview objective box's own words while the Objective sheet is empty (what a
        reader without formulas, as for .ods, finds there), in both languages (folded)."""
        from mapgen.core.i18n import texts_for

        return frozenset(fold_text(t(OBJECTIVE_POINTER, sheet=sheet))
                         for t in (self.texts, texts_for()))


@cache
def _own_texts(language: str) -> _OwnTexts:
    from mapgen.core.i18n import texts_for
    from mapgen.formats.xlsx.sections import EXAMPLE_MARKER as MARKER
    from mapgen.formats.xlsx.sections import EXAMPLE_NOTE
    from mapgen.model.view import CONFLICT_NOTE

    _, english = texts_for(language), texts_for()
    def start(text: str) -> str:  # "Beispiel:", "Exemple :"
        return text[:text.index(":") + 1] if ":" in text else text

    layout = (*(_("{label}:", label=word) for word in (_("Purpose"), _("Instructions"))),
              _("Select a cell to see what belongs in it."))
    return _OwnTexts(_, tuple(dict.fromkeys((EXAMPLE_NOTE_START, start(_(EXAMPLE_NOTE))))),
                     tuple(dict.fromkeys((EXAMPLE_MARKER, _(MARKER)))),
                     tuple(dict.fromkeys(LAYOUT_TEXT_STARTS + layout)),
                     tuple(dict.fromkeys((CONFLICT_NOTE_START, start(_(CONFLICT_NOTE))))),
                     {flag: frozenset(fold_text(t(word)) for t in (_, english))
                      for flag, word in ((True, "Yes"), (False, "No"))},
                     frozenset(fold_text(t(EXAMPLE_NOTE)) for t in (_, english)))


def _is_own_note(note: CellNote, coordinate: str, conflicts: set[str],
                 example_notes: tuple[str, ...] = (EXAMPLE_NOTE_START,),
                 conflict_notes: tuple[str, ...] = (CONFLICT_NOTE_START,)) -> bool:
    """mapgen's own notes: the example note (as ``example_notes`` begin), and a merge
    conflict's note on its cell."""
    text = note.comment or ""
    if note.link:
        return False
    if text.startswith(example_notes) and (note.author or "mapgen") == "mapgen":
        return True
    return text.startswith(conflict_notes) and coordinate in conflicts
