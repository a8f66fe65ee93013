"""``mapgen blueprint import``: a company's own template (workbook or Word) to a blueprint.

* :mod:`.sources`: the file as grids of cells (values, fonts, formats, formulas, dropdowns);
* :mod:`.tables`: each grid's table, deal block, title, texts, legends, group and example rows;
* :mod:`.columns`: each column's key, type, choices, status meanings and date rules;
* :mod:`.deal`: a deal block's labels to deal keys;
* :mod:`.build`: sections with their rows, examples and texts, mapped onto the parent's;
* :mod:`.yamlout`: the blueprint as commented YAML.

:func:`import_template` returns the YAML and every decision; it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from mapgen.core.errors import UnusableInput
from mapgen.ops.blueprint_import.build import (
    Decision,
    SectionPlan,
    deal_facts,
    fill_rows,
    match_parent,
    section_plan,
)

__all__ = ["Decision", "ImportResult", "import_template"]

TOPICS = {"sources": "What was read", "sections": "Sections", "columns": "Columns",
          "rows": "Rows", "deal": "Deal facts", "texts": "Texts", "asked": "Please check",
          "removed": "Left out of the parent"}


@dataclass
class ImportResult:
    """The blueprint's YAML text and what the import decided."""

    name: str
    text: str
    source: str
    extends: str | None
    decisions: list[Decision] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Every decision, grouped by topic, guesses marked."""
        out = [f"Imported {self.source} as blueprint '{self.name}'"
               + (f" (extends {self.extends})" if self.extends else " (standalone)") + "."]
        for topic, heading in TOPICS.items():
            items = [d for d in self.decisions if d.topic == topic]
            if not items:
                continue
            out += ["", f"{heading}:"]
            out += [f"  - {d.text}" + ("  [guessed]" if d.guessed else "") for d in items]
        return "\n".join(out) + "\n"


def import_template(path: str | os.PathLike, *, name: str | None = None, extends: str | None = "map",
                    rows_as: str = "rows") -> ImportResult:
    """Read a template and make a blueprint of it (see docs/architecture.md, "Blueprint import").

    ``extends``: the parent blueprint (``None`` for a standalone one); ``rows_as``: "rows"
    (filled rows become standard rows) or "examples". Raises UnusableInput for a file that
    cannot be used, UnusableInput also for a template in which no table is found.
    """
    from mapgen.ops.blueprint_import.sources import load_source
    from mapgen.ops.blueprint_import.tables import find_layout

    if rows_as not in ("rows", "examples"):
        raise ValueError(f"rows_as must be 'rows' or 'examples', not {rows_as!r}")
    source = load_source(path)
    name = name or _name(Path(path).stem)
    decisions: list[Decision] = []
    parent = None
    if extends:
        from mapgen.model.blueprint import load_blueprint

        parent = load_blueprint(extends)
        if name == parent.name:
            name = f"{name}-imported"
            decisions.append(Decision("sources", f"named '{name}': a blueprint cannot share the "
                                      f"name of its parent '{parent.name}'"))
    plans: list[SectionPlan] = []
    pairs = []
    contents = _contents_headings(source)
    for grid in source.grids:
        if grid.title in source.list_sheets and not grid.word:
            decisions.append(Decision("sources", f"{grid.where}: holds the dropdown lists of sheet "
                                      f"'{source.list_sheets[grid.title]}' (their entries are the "
                                      "columns' choices), not a section"))
            continue
        if grid.word and _is_contents(grid, contents):
            decisions.append(Decision("sources", f"{grid.where}: the table of contents, not a section"))
            continue
        layout = find_layout(grid)
        pairs += layout.deal
        if grid.truncated:
            decisions.append(Decision("sources", f"{grid.where}: {grid.truncated}"))
        if layout.table is None or (not layout.table.rows and not layout.table.empty_rows
                                       and not grid.word):
            what = f"{len(layout.leftover)} cell(s) of text" if layout.leftover else "nothing"
            if layout.deal:
                what += f" and a deal block of {len(layout.deal)} label(s)"
            decisions.append(Decision("sources", f"{grid.where}: no table found ({what}); not a "
                                      "section", True))
            continue
        plan = section_plan(layout.table, layout.deal, decisions)
        plans.append(plan)
    for note in source.skipped:
        decisions.append(Decision("sources", f"not looked at: {note}"))
    if not plans:
        raise UnusableInput(f"{source.label}: no table found (a header row over rows of data, or a "
                         "Word table under a heading); nothing to import")
    _unique_keys(plans)
    if parent is not None:
        match_parent(plans, parent.sections, decisions)
    for plan in plans:
        fill_rows(plan, rows_as, decisions)
    _section_decisions(plans, parent, decisions)
    deal_labels = deal_facts(pairs, decisions)
    removed = [s.key for s in parent.sections if s.key not in {p.key for p in plans}] if parent else []
    if removed:
        decisions.append(Decision("removed", f"sections of '{extends}' not in your template, "
                                  f"removed: {', '.join(removed)} (delete their 'remove' lines to "
                                  "keep them)"))
    for plan in plans:
        if plan.removed:
            decisions.append(Decision("removed", f"columns of {plan.parent.key} not in your "
                                      f"template, removed: {', '.join(plan.removed)}"))
    title, intro, how_to_use = _document_texts(source, plans, decisions)
    if removed and not intro:
        decisions.append(Decision("texts", f"the introduction of '{extends}' speaks of sections "
                                  "your template does not have: left empty for you to write"))
    from mapgen.ops.blueprint_import.yamlout import write_yaml

    header = [f"{name}: imported from {Path(path).name} by `mapgen blueprint import` on "
              f"{dt.date.today().isoformat()}.",
              "Lines marked 'guessed' or 'asked' are the import's guesses: check them. Check the "
              "file with",
              f"  mapgen blueprint check {name}.yaml"]
    text = write_yaml(header=header, name=name, extends=extends if parent else None, title=title,
                      intro=intro, how_to_use=how_to_use, deal_labels=deal_labels, sections=plans,
                      removed_sections=removed)
    return ImportResult(name, text, source.label, extends if parent else None, decisions,
                        [p.key for p in plans])


def _name(stem: str) -> str:
    import re

    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-._")[:64]
    return name if name and name[0].isalnum() else f"imported-{name}".strip("-")[:64]


def _unique_keys(plans: list[SectionPlan]) -> None:
    seen: set[str] = set()
    for plan in plans:
        key, n = plan.key, 1
        while key in seen:
            n += 1
            key = f"{plan.key}_{n}"[:40]
        plan.key = key
        seen.add(key)


def _section_decisions(plans: list[SectionPlan], parent, decisions: list[Decision]) -> None:
    for plan in plans:
        table = plan.table
        at = (f"header row {table.header_at + 1}" if not table.grid.word else "header in row 1")
        onto = (f"extends '{parent.name}' section {plan.parent.key}" if plan.parent is not None
                else "a new section")
        title_from = ("its title row" if table.title else
                      "the heading above it" if table.grid.word else "the sheet's name")
        decisions.append(Decision("sections", f"{table.grid.where} ({at}): section '{plan.key}', "
                                  f"titled '{plan.title}' (from {title_from}); {onto}"))
        for col in plan.columns:
            mapped = plan.mapped.get(col.key)
            what = col.type + (f" of {', '.join(col.choices)}" if col.choices else "")
            text = f"{plan.key}: '{col.header}' -> {col.key} ({what}): {col.why}"
            if mapped:
                text += f"; {mapped}"
            if col.key in plan.retyped:
                text += f"; its type {col.type} replaces the parent's {plan.retyped[col.key]}"
            decisions.append(Decision("columns", text, col.guessed))
            if col.meanings:
                placed = ", ".join(f"{c} -> {m}" for c, m in col.meanings.items() if c not in col.asked)
                if placed:
                    decisions.append(Decision("columns", f"{plan.key}.{col.key} meanings: {placed}"))
                for word in col.asked:
                    decisions.append(Decision("asked", f"{plan.key}.{col.key}: what does '{word}' "
                                              "mean? Not a word the import knows; set to in_progress "
                                              "(still open): change it under 'meanings'", True))


def _contents_headings(source) -> set[str]:
    from mapgen.ops.blueprint_import.build import base_fold

    return {base_fold(h) for h, _ in source.texts} | {base_fold(g.title) for g in source.grids}


def _is_contents(grid, headings: set[str]) -> bool:
    """A Word table whose first column lists the document's headings (with page numbers)."""
    import re

    from mapgen.ops.blueprint_import.build import base_fold

    firsts = [re.sub(r"[-.\s]+$", "", c.value) for row in grid.rows for c in row[:1]
              if c is not None and isinstance(c.value, str)]
    hits = sum(1 for t in firsts if base_fold(t) in headings)
    return len(firsts) >= 3 and hits * 2 > len(firsts)


def _document_texts(source, plans: list[SectionPlan], decisions: list[Decision]
                    ) -> tuple[str, str, list[str]]:
    """The blueprint's title, intro and how-to-use steps (Word: the texts under headings that
    head no table)."""
    from mapgen.ops.blueprint_import.build import base_fold

    title = source.title or next((p.table.title for p in plans if p.table.title), None) or (
        Path(source.label).stem.replace("_", " ").replace("-", " ").strip().title())
    decisions.append(Decision("texts", f"title '{title}' (from "
                              + ("the document's title" if source.title else
                                 "a title row" if any(p.table.title for p in plans) else
                                 "the file's name") + ")"))
    tables = {base_fold(p.table.grid.title): p for p in plans if p.table.grid.word}
    intro: list[str] = []
    steps: list[str] = []
    for heading, texts in source.texts:
        if not texts:
            continue
        plan = tables.get(base_fold(heading))
        if plan is not None:  # text after a section's table: its notes
            plan.instructions += texts
            decisions.append(Decision("texts", f"{len(texts)} paragraph(s) after the table under "
                                      f"'{heading}' -> instructions of '{plan.key}'"))
            continue
        if "how to use" in heading.casefold():
            steps += [t for t in texts if not t.endswith(":")]
            intro += [t for t in texts if t.endswith(":")][:0]
            decisions.append(Decision("texts", f"'{heading}': {len(texts)} paragraph(s) -> how_to_use"))
        else:
            intro += texts
            decisions.append(Decision("texts", f"'{heading or 'before the first heading'}': "
                                      f"{len(texts)} paragraph(s) -> intro"))
    return title, "\n\n".join(intro), steps
