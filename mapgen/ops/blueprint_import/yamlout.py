"""The imported blueprint as readable YAML, with a comment wherever the import guessed."""

from __future__ import annotations

import json
import re
from typing import Any

from mapgen.ops.blueprint_import.build import SectionPlan
from mapgen.ops.blueprint_import.columns import ColumnPlan

WIDTH = 96


def literal(text: str) -> str:
    """Text from the template kept as written: blueprint texts and rows are templates
    (``{{ deal.buyer }}``), so template markers in a cell must not run."""
    if not any(m in text for m in ("{{", "{%", "{#")):
        return text
    if "endraw" not in text:
        return "{% raw %}" + text + "{% endraw %}"
    return text.replace("{", "{{ '{' }}")


def q(value: Any) -> str:
    """A scalar as YAML (JSON's quoting is valid YAML)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(str(value), ensure_ascii=False)


def flow(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{_key(k)}: {q(literal(v) if isinstance(v, str) else v)}"
                           for k, v in row.items()) + "}"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[a-z_][a-z0-9_]*", key) else q(key)


def block_text(indent: str, key: str, text: str) -> list[str]:
    """``key: >-`` folded text, or a plain quoted line when short."""
    text = literal(text)
    if len(text) + len(indent) + len(key) < WIDTH - 4 and "\n" not in text:
        return [f"{indent}{key}: {q(text)}"]
    if "\n" in text:
        return [f"{indent}{key}: |-"] + [f"{indent}  {line}".rstrip() for line in text.splitlines()]
    out = [f"{indent}{key}: >-"]
    line = ""
    for word in text.split(" "):
        if line and len(indent) + 2 + len(line) + 1 + len(word) > WIDTH:
            out.append(f"{indent}  {line}")
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(f"{indent}  {line}")
    # folded scalars cannot keep leading spaces or a first word like '#': quote those instead
    if any(part.lstrip().startswith(("#", "- ", ": ")) for part in out[1:]):
        return [f"{indent}{key}: {q(text)}"]
    return out


def write_yaml(*, header: list[str], name: str, extends: str | None, title: str, intro: str,
               how_to_use: list[str], deal_labels: dict[str, str], sections: list[SectionPlan],
               removed_sections: list[str]) -> str:
    lines = [f"# {h}" if h else "#" for h in header]
    lines.append(f"name: {q(name)}")
    if extends:
        lines.append(f"extends: {extends}")
    lines.append('version: "1"')
    lines.append(f"title: {q(literal(title))}")
    if intro:
        lines += block_text("", "intro", intro)
    elif removed_sections:
        lines.append('intro: ""                        # the parent\'s speaks of sections your '
                     "template does not have: write your own")
    if how_to_use:
        lines.append("how_to_use:")
        lines += [f"  - {q(literal(step))}" for step in how_to_use]
    if deal_labels:
        lines.append("# Where the template keeps its deal facts: `mapgen read` takes the value "
                     "beside each label.")
        lines.append("deal_labels:")
        lines += [f"  {k}: {q(v)}" for k, v in deal_labels.items()]
    lines.append("")
    lines.append("sections:")
    for plan in sections:
        lines += _section(plan, extends is not None)
        lines.append("")
    for key in removed_sections:
        lines.append(f"  - key: {key}")
        lines.append("    remove: true                 # not in your template (delete to keep it)")
    return "\n".join(lines).rstrip() + "\n"


def _section(plan: SectionPlan, extending: bool) -> list[str]:
    out = [f"  - key: {plan.key}"]
    parent = plan.parent
    if parent is None or parent.label != plan.title:
        out.append(f"    title: {q(literal(plan.title))}")
    if plan.purpose:
        out += block_text("    ", "purpose", plan.purpose)
    if plan.instructions:
        out += block_text("    ", "instructions", " ".join(plan.instructions))
    if plan.blank_rows is not None:
        out.append(f"    blank_rows: {plan.blank_rows}")
    out.append("    columns:")
    keys = [c.key for c in plan.columns]
    for n, col in enumerate(plan.columns):
        out += _column(plan, col, keys[n - 1] if n else None, extending)
    for key in plan.removed:
        out.append(f"      - key: {key}")
        out.append("        remove: true             # not in your template (delete to keep it)")
    if parent is not None and not parent.identity and not plan.columns:
        pass
    if parent is not None:
        identity = [k for k in parent.identity or () if k in keys]
        if parent.identity and identity != list(parent.identity):
            out.append(f"    identity: [{', '.join(identity or keys[:1])}]")
    for field, rows in (("examples", plan.examples), ("rows", plan.rows)):
        if rows:
            out.append(f"    {field}:")
            out += [f"      - {flow(row)}" for row in rows]
        elif parent is not None and getattr(parent, field):
            out.append(f"    {field}: []                  # the parent's do not fit your columns")
    return out


def _column(plan: SectionPlan, col: ColumnPlan, before: str | None, extending: bool) -> list[str]:
    parent = plan.parent.column(col.key) if plan.parent is not None else None
    note = f"  # guessed: {col.why}" if col.guessed else ""
    out = [f"      - key: {col.key}{note if parent is not None else ''}"]
    if parent is None or parent.title != col.header:
        out.append(f"        header: {q(col.header)}")
    if parent is None or parent.type != col.type:
        out.append(f"        type: {col.type}" + (note if parent is None else ""))
    if col.choices and (parent is None or parent.choices != col.choices):
        out.append(f"        choices: [{', '.join(q(c) for c in col.choices)}]")
    if col.meanings and (parent is None or parent.choices != col.choices):
        asked = (f"  # asked: what does {' / '.join(repr(a) for a in col.asked)} mean? (set to "
                 "in_progress)" if col.asked else "")
        out.append(f"        meanings: {flow(col.meanings)}{asked}")
    elif parent is not None and parent.meanings and col.type != "choice":
        pass
    if col.once_per_group or col.index < 0:
        out.append("        group: true              # a label written once heads the rows under it")
    if col.width and (parent is None or (parent.width or 0) < col.width):
        out.append(f"        width: {round(col.width)}")
    if extending and plan.parent is not None:
        if before is None:
            first = next((c.key for c in plan.parent.columns
                          if c.key != col.key and c.key not in plan.removed), None)
            if first is not None:
                out.append(f"        before: {first}")
        else:
            out.append(f"        after: {before}")
    return out
