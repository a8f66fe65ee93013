"""From found tables to blueprint sections: rows, examples, texts, and the mapping onto the
parent blueprint's sections and columns (``extends: map``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mapgen.ops.blueprint_import.columns import ColumnPlan, plan_columns, value_of
from mapgen.ops.blueprint_import.deal import deal_key
from mapgen.ops.blueprint_import.keys import slug
from mapgen.ops.blueprint_import.tables import DealPair, Table, text_of

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Column, Section

# Header words (folded) that name a parent column beyond its header and aliases.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("#", "no", "nr", "id", "item", "item no", "number", "ref", "step"),
    "description": ("action item", "action", "task", "task name", "activity", "to do", "todo",
                    "action items", "what"),
    "deadline": ("due", "due date", "end", "end date", "finish", "finish date", "target date",
                 "deadline", "date due", "by when"),
    "responsible": ("owner", "responsible", "assignee", "assigned to", "resource names",
                    "resource", "who", "responsible person"),
    "status": ("status", "state"),
    "importance": ("priority", "importance"),
    "phase": ("phase", "stage", "milestone phase"),
}
OWNER = re.compile(r"owner|responsible|assignee|assigned|resource|\bwho\b", re.I)
OWN_HINT = "Select a cell to see what belongs in it."  # a mapgen workbook's line above a table
ACTION_WORDS = ("task", "action", "activity", "to do", "step")


@dataclass
class Decision:
    """One thing the import decided (or could not place), for the report."""

    topic: str  # sources, sections, columns, rows, deal, texts, asked, removed
    text: str
    guessed: bool = False


@dataclass
class SectionPlan:
    key: str
    title: str
    table: Table
    columns: list[ColumnPlan]
    purpose: str = ""
    instructions: list[str] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    parent: Section | None = None
    mapped: dict[str, str] = field(default_factory=dict)  # company key -> how it matched
    removed: list[str] = field(default_factory=list)  # parent columns not in the template
    retyped: dict[str, str] = field(default_factory=dict)  # key -> the parent's type
    blank_rows: int | None = None


def fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w#%]+", " ", text.casefold()).split())


def base_fold(text: str) -> str:
    """A header without a parenthetical or a leading number: 'Owner (Us)' -> 'owner'."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"^\s*\d+\s*[.):-]\s*", "", text)
    return fold(text)


def section_plan(table: Table, deal: list[DealPair], decisions: list[Decision]) -> SectionPlan:
    """A table's columns, rows, examples and texts (before any mapping onto a parent)."""
    columns = plan_columns(table, deal)
    title = re.sub(r"^\s*\d+\s*[.)]\s*", "", table.title or table.grid.title).strip()
    plan = SectionPlan(slug(title, "section"), title, table, columns)
    if table.groups:
        _group_column(plan, decisions)
    _texts(plan, table, decisions)
    return plan


def fill_rows(plan: SectionPlan, rows_as: str, decisions: list[Decision]) -> None:
    """The table's rows as standard rows or examples, keyed by the columns' final keys."""
    table, columns = plan.table, plan.columns
    data_rows = [r for r in table.rows if r not in table.groups]
    group = None
    carried: dict[str, Any] = {}
    numbered = 0
    for r in table.rows:
        if r in table.groups:
            group = table.groups[r][1]
            continue
        if _only_number(plan, r):
            numbered += 1
            continue
        row: dict[str, Any] = {}
        for col in columns:
            if col.index < 0:
                continue
            value = value_of(col, table.cell(r, col.index), r)
            if col.once_per_group and r not in table.examples:
                if value is None:
                    value = carried.get(col.key)
                else:
                    carried[col.key] = value
            if value is not None:
                row[col.key] = value
        if group is not None and r not in table.examples:
            row = {"_group": group, **row}
        if r in table.examples or rows_as == "examples":
            plan.examples.append(row)
        else:
            plan.rows.append(row)
    group_key = next((c.key for c in columns if c.index < 0), None)
    for rows in (plan.examples, plan.rows):
        for n, row in enumerate(rows):
            label = row.pop("_group", None)
            if group_key and label is not None:
                rows[n] = {group_key: label, **row}
    for r in sorted(table.examples):
        decisions.append(Decision("rows", f"{table.place(r)}: an example (shown as guidance, never "
                                  f"read back as data): {table.example_why[r]}"))
    real = [r for r in data_rows if r not in table.examples]
    if real:
        what = "examples (rows imported as examples)" if rows_as == "examples" else (
            "standard rows that pre-fill every plan (import the rows as examples to make them "
            "examples)")
        decisions.append(Decision("rows", f"{table.grid.where}: {_span(table, real)}, "
                                  f"{len(real)} filled row(s): {what}"))
    for col in columns:
        if col.once_per_group:
            decisions.append(Decision("rows", f"column '{col.header}' is written once per group "
                                      "(on the first row of each): the rows under each label take "
                                      "it as their value"))
    if table.empty_rows or numbered:
        plan.blank_rows = table.empty_rows + numbered
        decisions.append(Decision("rows", f"{table.grid.where}: {plan.blank_rows} row(s) to write "
                                  "in (empty" + (f", or holding only their number: {numbered}"
                                                 if numbered else "") + "): blank_rows"))


def _only_number(plan: SectionPlan, r: int) -> bool:
    """A row holding nothing but a whole number in its first column (a numbered write-in row)."""
    filled = [c for c in plan.columns if c.index >= 0 and text_of(plan.table.cell(r, c.index))]
    return (len(filled) == 1 and filled[0].type == "integer" and len(plan.columns) > 1
            and filled[0] is next(c for c in plan.columns if c.index >= 0)
            and r not in plan.table.examples)


def _span(table: Table, rows: list[int]) -> str:
    if table.grid.word:
        return f"rows {rows[0] + 1}-{rows[-1] + 1}" if len(rows) > 1 else f"row {rows[0] + 1}"
    return f"rows {rows[0] + 1}-{rows[-1] + 1}" if len(rows) > 1 else f"row {rows[0] + 1}"


def _group_column(plan: SectionPlan, decisions: list[Decision]) -> None:
    """Group rows' labels become a column of the rows they head (``phase``, else ``group``)."""
    keys = {c.key for c in plan.columns}
    key = "phase" if "phase" not in keys else "group"
    header = "Phase" if key == "phase" else "Group"
    plan.columns.insert(0, ColumnPlan(-1, header, key, "text", guessed=True,
                                      why="the labels of the group rows (a label alone in a row)",
                                      made_header=True))
    for r, (c, label) in sorted(plan.table.groups.items()):
        decisions.append(Decision("rows", f"{plan.table.place(r, c)}: '{label}' is a group row: "
                                  f"the rows under it take it as their '{key}'"))


def _texts(plan: SectionPlan, table: Table, decisions: list[Decision]) -> None:
    """Purpose and instructions from the texts above the table (or under a Word heading),
    legends and notes under it."""
    texts = [(table.grid.where, t) for t in table.grid.texts] + table.above
    for where, text in texts:
        if text.startswith(OWN_HINT):
            continue  # mapgen's own line above its tables
        label, _, rest = text.partition(":")
        word = fold(label)
        if word == "purpose" and rest.strip():
            plan.purpose = rest.strip()
            decisions.append(Decision("texts", f"{where}: the purpose of '{plan.title}'"))
        elif word in ("instructions", "instruction", "how to use") and rest.strip():
            plan.instructions.append(rest.strip())
            decisions.append(Decision("texts", f"{where}: instructions of '{plan.title}'"))
        else:
            plan.instructions.append(text)
            decisions.append(Decision("texts", f"{where}: '{_short(text)}' -> instructions of "
                                      f"'{plan.title}'"))
    if table.below:
        lines = _legend_lines(table.below)
        plan.instructions += lines
        decisions.append(Decision("texts", f"{table.below[0][0]} and below: a legend or note "
                                  f"({len(table.below)} cell(s)) -> instructions of '{plan.title}', "
                                  "never rows"))


def _legend_lines(cells: list[tuple[str, str]]) -> list[str]:
    """Cells under a table as sentences: a row's cells joined ('Done: finished'), the entries
    under a heading such as 'Status key:' in one line with it."""
    rows: dict[str, list[str]] = {}
    for where, text in cells:
        row = re.sub(r"^.*?(\d+)$", r"\1", where.rsplit(" ", 1)[-1])
        rows.setdefault(row, []).append(text)
    out: list[str] = []
    items: list[str] | None = None
    for parts in rows.values():
        if len(parts) == 2 and not parts[0].endswith(":"):
            entry = f"{parts[0]}: {parts[1]}"
            if items is not None:
                items.append(entry)
                continue
            out.append(entry)
            continue
        if items:
            out[-1] += " " + "; ".join(items) + "."
        items = None
        line = " ".join(parts)
        out.append(line)
        if line.endswith(":"):
            items = []
    if items:
        out[-1] += " " + "; ".join(items) + "."
    return out


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- onto the parent


def match_parent(plans: list[SectionPlan], parent_sections: list[Section],
                 decisions: list[Decision]) -> None:
    """Each section plan to a parent section where the meaning matches, then its columns."""
    used: set[str] = set()
    for plan in plans:
        section = _parent_section(plan, parent_sections, used)
        if section is None:
            continue
        used.add(section.key)
        plan.parent, plan.key = section, section.key
        _match_columns(plan, section, decisions)


def _parent_section(plan: SectionPlan, sections: list[Section], used: set[str]) -> Section | None:
    title = base_fold(plan.title)
    for section in sections:
        names = (base_fold(section.label), fold(section.key.replace("_", " ")))
        if section.key not in used and title in names:
            return section
    headers = [base_fold(c.header) for c in plan.columns if not c.made_header]
    action = any(any(w in h for w in ACTION_WORDS) for h in headers) and any(
        OWNER.search(h) or "date" in h or "due" in h or "status" in h or "finish" in h
        for h in headers)
    if action:
        found = next((s for s in sections if s.key == "action_items" and s.key not in used), None)
        if found is not None:
            return found
    best, score = None, 0
    for section in sections:
        if section.key in used:
            continue
        names = {n for c in section.columns for n in _names(c)}
        hits = sum(1 for h in headers if h in names)
        if hits >= 2 and hits * 2 >= len(headers) and hits > score:
            best, score = section, hits
    return best


def _names(column: Column) -> set[str]:
    return {fold(column.title), base_fold(column.title), fold(column.key.replace("_", " "))} | {
        fold(a) for a in column.aliases}


def _compatible(plan: ColumnPlan, column: Column) -> bool:
    if plan.why.startswith("empty") or plan.from_examples:
        return True
    texts = ("text", "longtext")
    if plan.type == column.type or (plan.type in texts and column.type in texts):
        return True
    return column.type == "choice" and plan.type in (*texts, "choice")


def _match_columns(plan: SectionPlan, section: Section, decisions: list[Decision]) -> None:
    taken: dict[str, ColumnPlan] = {}
    owners = [c for c in plan.columns if OWNER.search(c.header) and not c.made_header]
    for col in plan.columns:
        names = {fold(col.header), base_fold(col.header)}
        strong = [c for c in section.columns if names & _names(c)]
        weak = [c for c in section.columns if names & set(SYNONYMS.get(c.key, ()))]
        if col.made_header and col.index >= 0:
            strong, weak = [], []
        if owners and col is owners[0] and section.column("responsible") is not None:
            weak.insert(0, section.column("responsible"))
        elif col in owners[1:]:
            strong = [c for c in strong if c.key != "responsible"]
            weak = [c for c in weak if c.key != "responsible"]
        chosen = next((c for c in strong + weak if c.key not in taken and _compatible(col, c)), None)
        how = "compatible"
        if chosen is None:
            chosen = next((c for c in strong if c.key not in taken), None)
            how = "retyped"
        if chosen is None:
            if col.key in {c.key for c in section.columns} or col.key in taken:
                col.key = f"{col.key}_own"[:40]
            continue
        taken[chosen.key] = col
        old = col.key
        col.key = chosen.key
        if how == "retyped" or col.why.startswith("empty") or col.from_examples:
            if how == "retyped":
                plan.retyped[col.key] = chosen.type
            else:
                col.type, col.choices, col.meanings = chosen.type, chosen.choices, chosen.meanings
                col.why, col.guessed = f"no rows to go by: {section.label}'s type", False
        elif col.type != chosen.type and not (col.type == "choice" and chosen.type == "choice"):
            col.type = chosen.type  # text and long text, or values a choice's words
            if chosen.type == "choice" and not col.choices:
                col.choices = chosen.choices
        plan.mapped[col.key] = (f"the parent's {section.key}.{chosen.key} ('{chosen.title}')"
                                + (f", not a new '{old}'" if old != chosen.key else ""))
    plan.removed = [c.key for c in section.columns if c.key not in taken]
    for col in owners[1:]:
        decisions.append(Decision("columns", f"'{col.header}' is another owner: kept as its own "
                                  f"column '{col.key}' (the first owner, '{owners[0].header}', is "
                                  f"the parent's {section.key}.responsible)"))


def deal_facts(pairs: list[DealPair], decisions: list[Decision]) -> dict[str, str]:
    """Deal key -> its label, from the deal blocks found (the first label for a key wins)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key = deal_key(pair.label)
        value = "" if pair.value is None else text_of_value(pair.value)
        if key in out:
            decisions.append(Decision("deal", f"cell {pair.label_at}: '{pair.label}' names deal "
                                      f"'{key}' again; the first label is kept", True))
            continue
        out[key] = pair.label
        standard = key in ("name", "buyer", "seller", "start", "close", "go_live")
        decisions.append(Decision("deal", f"cell {pair.label_at}: '{pair.label}' -> deal "
                                  f"{'fact' if standard else 'extra key'} '{key}'"
                                  + (f" (value here: {value})" if value else " (no value here)")))
    return out


def text_of_value(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())
