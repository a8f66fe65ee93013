"""A found table's columns: key, header, type, choices, status meanings, date rules.

Types come from the values and how the cells are set up: a list dropdown makes a choice (its
entries the choices, also from a list on another sheet); dates, date formats or date texts a
date; a % format or 75% texts a percent; whole numbers an integer; long or multi-line text a
longtext; a small set of repeated short values a choice (a guess). A formula that is a deal
date plus or minus days makes a date column whose rows keep the rule (``go_live-30d``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from mapgen.ops.blueprint_import.keys import slug
from mapgen.ops.blueprint_import.sources import Cell
from mapgen.ops.blueprint_import.tables import DealPair, Table, text_of

LONG_TEXT = 60  # characters from which a text column is long text
PEOPLE = re.compile(r"owner|responsible|assign|who\b|resource|person|name|contact|lead", re.I)
STATUS = re.compile(r"\bstatus\b|\bstate\b", re.I)
FORMULA = re.compile(r"^=\s*(\$?[A-Z]{1,3}\$?\d+|\d+)\s*([+-])\s*(\$?[A-Z]{1,3}\$?\d+|\d+)\s*$")


@dataclass
class ColumnPlan:
    """What the import decided about one column."""

    index: int  # 0-based column in the grid
    header: str
    key: str
    type: str = "text"
    choices: list[str] | None = None
    meanings: dict[str, str] | None = None
    asked: list[str] = field(default_factory=list)  # status words whose meaning is a guess
    why: str = ""  # how the type was found
    guessed: bool = False
    made_header: bool = False  # the template had no header here
    relative: dict[int, str] = field(default_factory=dict)  # row -> rule (go_live-30d)
    width: float | None = None
    once_per_group: bool = False  # written on the first row of its group only
    from_examples: bool = False  # typed by example rows alone (the template has no other rows)


def plan_columns(table: Table, deal: list[DealPair]) -> list[ColumnPlan]:
    """Each column of the table with its type (see the module docstring)."""
    from openpyxl.utils import get_column_letter

    refs = {p.ref: p for p in deal if p.ref}
    data_rows = [r for r in table.rows if r not in table.examples and r not in table.groups]
    taken: set[str] = set()
    plans = []
    for c in table.columns:
        header = table.headers.get(c, "")
        made = not header
        if made:
            letter = get_column_letter(c + 1) if not table.grid.word else str(c + 1)
            header = f"Column {letter}"
        key = slug(header)
        n = 1
        base = key
        while key in taken:
            n += 1
            key = f"{base}_{n}"[:40]
        taken.add(key)
        plan = ColumnPlan(c, header, key, made_header=made, width=table.grid.widths.get(c))
        cells = [(r, table.cell(r, c)) for r in data_rows]
        cells = [(r, cell) for r, cell in cells if cell is not None and (text_of(cell) or cell.formula)]
        example_cells = [(r, table.cell(r, c)) for r in table.rows if r in table.examples]
        example_cells = [(r, x) for r, x in example_cells if x is not None and text_of(x)]
        if not cells and example_cells:  # only examples to go by
            plan.from_examples = True
            cells = example_cells
        _type(plan, table, cells, [x for _, x in example_cells], refs)
        if plan.from_examples:
            plan.why, plan.guessed = f"from its example(s) only: {plan.why}", True
        if made:
            plan.guessed = True
            plan.why += "; the template has no header here, so the header is made from its position"
        plans.append(plan)
    _once_per_group(table, plans, data_rows)
    return plans


def _validation(table: Table, col: int) -> tuple[str, tuple[str, ...] | None] | None:
    """The data validation covering the column under the header (the most common one)."""
    found: dict[Any, int] = {}
    for (r, c), dv in table.grid.validations.items():
        if c == col and r > table.header_at:
            found[dv] = found.get(dv, 0) + 1
    return max(found, key=lambda k: found[k]) if found else None


def _type(plan: ColumnPlan, table: Table, cells: list[tuple[int, Cell]], examples: list[Cell],
          refs: dict[str, DealPair]) -> None:
    values = [cell.value for _, cell in cells if cell.value is not None]
    formats = [cell.number_format for _, cell in cells] + [e.number_format for e in examples]
    dv = _validation(table, plan.index)
    # a formula: a deal date plus or minus a number of days
    rules = {r: rule for r, cell in cells if cell.formula and (rule := _rule(cell, table, r, refs))}
    for cell in examples:
        if cell.formula:
            r = int(re.sub(r"\D", "", cell.coordinate) or 0) - 1
            rule = _rule(cell, table, r, refs)
            if rule:
                plan.relative[r] = rule
    if rules and len(rules) == len([1 for _, cell in cells if cell.formula]):
        plan.type, plan.relative = "date", {**plan.relative, **rules}
        anchor = next(iter(rules.values())).split("-")[0].split("+")[0]
        plan.why = f"a formula on the deal's {anchor} plus or minus days: each row keeps its rule"
        return
    if dv is not None and dv[0] == "list" and dv[1]:
        plan.type, plan.choices = "choice", list(dv[1])
        extra = [text_of(c) for _, c in cells if text_of(c) and _pick(text_of(c), plan.choices) is None]
        plan.choices += list(dict.fromkeys(extra))
        plan.why = "a dropdown list"
        if extra:
            plan.why += f"; values not in the list added as choices: {', '.join(extra)}"
        _status(plan)
        return
    if values and all(_is_date(v, f) for v, f in zip(values, formats, strict=False)):
        plan.type, plan.why = "date", "its values are dates"
        return
    if values and all(_is_percent(v, f) for v, f in zip(values, formats, strict=False)):
        plan.type, plan.why = "percent", "its values are percentages"
        return
    if values and all(_is_integer(v) for v in values):
        plan.type, plan.why = "integer", "its values are whole numbers"
        return
    texts = [text_of(c) for _, c in cells]
    if values:
        if any(len(t) > LONG_TEXT or "\n" in str(v) for t, v in zip(texts, values, strict=False)):
            plan.type, plan.why = "longtext", f"some values are longer than {LONG_TEXT} characters"
            return
        distinct = list(dict.fromkeys(texts))
        status = bool(STATUS.search(plan.header))
        if status or (len(texts) >= 4 and len(distinct) <= 6 and len(texts) >= 2 * len(distinct)
                      and all(len(t) <= 25 for t in distinct) and not PEOPLE.search(plan.header)):
            plan.type, plan.choices = "choice", distinct
            plan.why = f"a small set of repeated values ({len(distinct)} different in {len(texts)} rows)"
            plan.guessed = True
            _status(plan)
            return
        plan.type, plan.why = "text", "short texts"
        return
    # no values: what the cells are set up for
    kind = dv[0] if dv else None
    if kind == "whole":
        plan.type, plan.why = "integer", "its cells take whole numbers (validation)"
    elif kind == "date" or any(_date_format(f) for f in formats):
        plan.type, plan.why = "date", "its cells take dates"
    elif kind == "decimal":  # mapgen writes percent cells so; no other type is a decimal
        plan.type, plan.why = "percent", "its cells take percentages"
    elif kind == "list" and dv and dv[1]:
        plan.type, plan.choices, plan.why = "choice", list(dv[1]), "a dropdown list"
        _status(plan)
    elif examples and all(_is_integer(e.value) for e in examples):
        plan.type, plan.why, plan.guessed = "integer", "its example holds a whole number", True
    else:
        plan.type, plan.why, plan.guessed = "text", "empty in the template: taken for text", True


def _status(plan: ColumnPlan) -> None:
    """A status column's meanings, by the words people use; the rest asked in the report."""
    from mapgen.model.health import ENGLISH_MEANINGS, fold_name

    known = {c: ENGLISH_MEANINGS[fold_name(c)] for c in plan.choices or ()
             if fold_name(c) in ENGLISH_MEANINGS}
    if not (STATUS.search(plan.header) or len(known) >= 2):
        return
    plan.key = "status" if plan.key != "status" and STATUS.search(plan.header) else plan.key
    meanings = {}
    for choice in plan.choices or ():
        meaning = known.get(choice)
        if meaning is None:
            meaning = "in_progress"  # still open: counted as under way until the user says
            plan.asked.append(choice)
        meanings[choice] = meaning
    plan.meanings = meanings


def _pick(text: str, choices: list[str]) -> str | None:
    folded = text.casefold()
    return next((c for c in choices if c.casefold() == folded), None)


def _rule(cell: Cell, table: Table, row: int, refs: dict[str, DealPair]) -> str | None:
    """``go_live-30d`` for ``=$E$3-F9`` where E3 holds the go-live and F9 thirty."""
    from mapgen.ops.blueprint_import.deal import deal_key

    m = FORMULA.match(cell.formula or "")
    if not m:
        return None
    left, op, right = m.groups()

    def anchor(ref: str) -> str | None:
        if "$" not in ref:
            return None
        pair = refs.get(ref if ref.count("$") == 2 else None)
        if pair is None:
            return None
        key = deal_key(pair.label)
        return key if key in ("start", "close", "go_live") else None

    def days(ref: str) -> int | None:
        if ref.isdigit():
            return int(ref)
        m2 = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
        if not m2:
            return None
        from openpyxl.utils import column_index_from_string

        c = column_index_from_string(m2.group(1)) - 1
        r = int(m2.group(2)) - 1
        if r >= len(table.grid.rows) or c >= len(table.grid.rows[r]):
            return None
        value = table.grid.rows[r][c].value if table.grid.rows[r][c] is not None else None
        return int(value) if _is_integer(value) else None

    key, n = anchor(left), days(right)
    if key is None and op == "+":
        key, n = anchor(right), days(left)
    if key is None or n is None:
        return None
    sign = op if n >= 0 else ("+" if op == "-" else "-")
    return f"{key}{sign}{abs(n)}d" if n else key


def _date_format(fmt: str) -> bool:
    f = re.sub(r'"[^"]*"|\[[^\]]*\]', "", fmt or "").lower()
    return bool(re.search(r"[dy]", f)) and f not in ("general", "@")


def _is_date(value: Any, fmt: str) -> bool:
    from mapgen.core import dates

    if isinstance(value, dt.date | dt.datetime):
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _date_format(fmt)
    if isinstance(value, str):
        try:
            dates.parse_date(value.strip())
        except ValueError:
            return False
        return True
    return False


def _is_percent(value: Any, fmt: str) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "%" in (fmt or "") and 0 <= value <= 1
    return isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}(\.\d+)?\s*%\s*", value) is not None \
        and float(value.strip().rstrip("%")) <= 100


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value) is not None


def _once_per_group(table: Table, plans: list[ColumnPlan], rows: list[int]) -> None:
    """A text column filled on the first row of each group only (a phase name written once)."""
    if len(rows) < 4:
        return
    for plan in plans:
        if plan.type not in ("text", "choice") or plan.made_header:
            continue
        filled = [r for r in rows if text_of(table.cell(r, plan.index))]
        if not filled or filled[0] != rows[0] or len(filled) * 10 > len(rows) * 7:
            continue
        labels = [text_of(table.cell(r, plan.index)) for r in filled]
        if len(set(labels)) != len(labels) or len(labels) < 2:
            continue
        plan.once_per_group = True
        if plan.type == "choice" and plan.guessed:
            plan.type, plan.choices = "text", None
        plan.why = "a label written on the first row of each group: the rows under it take it"


def value_of(plan: ColumnPlan, cell: Cell | None, row: int) -> Any:
    """A cell's value as the blueprint writes it (ISO dates, fractions, choices, rules)."""
    if row in plan.relative:
        return plan.relative[row]
    if cell is None or cell.value is None or not text_of(cell):
        return None
    value = cell.value
    if plan.type == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int | float):
            return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
        from mapgen.core import dates

        try:
            return dates.parse_date(str(value).strip())[0].isoformat()
        except ValueError:
            return text_of(cell)
    if plan.type == "integer" and _is_integer(value):
        return int(float(value))
    if plan.type == "percent":
        if isinstance(value, str):
            return round(float(value.strip().rstrip("%")) / 100, 6)
        return float(value)
    if plan.type == "choice":
        return _pick(text_of(cell), plan.choices or []) or text_of(cell)
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    return text_of(cell)
