"""``extends``: a blueprint's data merged onto its parent's, still as plain (line-tracked) data.

A section entry whose key the parent has overrides that section field by field, its
``columns`` entries likewise by key; new keys add sections or columns, ``remove: true`` drops
one, ``before``/``after`` place one. Problems are collected as issues that name file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from mapgen.core.errors import Issue
from mapgen.core.yamlsrc import SrcDict, SrcList
from mapgen.model.blueprint.checks import shown


def check_raw(data: SrcDict) -> list[Issue]:
    """Checks that only one file can make: duplicate keys inside its lists."""
    issues: list[Issue] = []
    sections = data.get("sections")
    if not isinstance(sections, list):
        return issues
    seen: set[str] = set()
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        key = section.get("key")
        if key in seen:
            issues.append(Issue(code="duplicate-key", file=data.file, line=sections.lines[i],
                                message=f"section '{key}' is defined twice"))
        seen.add(key)
        columns = section.get("columns")
        if isinstance(columns, list):
            col_seen: set[str] = set()
            for j, column in enumerate(columns):
                ckey = column.get("key") if isinstance(column, dict) else None
                if ckey is not None and ckey in col_seen:
                    issues.append(Issue(code="duplicate-key", file=data.file, line=columns.lines[j],
                                        message=f"section '{key}': column '{ckey}' is defined twice"))
                col_seen.add(ckey)
    return issues


def strip_merge_keys(data: SrcDict, issues: list[Issue]) -> None:
    """In a blueprint without a parent, remove/before/after on sections are placement only."""
    for section in data.get("sections") or []:
        if isinstance(section, dict):
            for key in ("remove",):
                if section.get(key):
                    issues.append(Issue(code="remove-without-extends", file=section.file,
                                        line=section.lines.get(key),
                                        message=f"section '{section.get('key')}': 'remove' needs "
                                                "'extends' (there is nothing to remove from)"))
    data["sections"] = _place(data.get("sections"), None, issues, "section")


def merge_blueprint(parent: SrcDict, child: SrcDict, issues: list[Issue]) -> SrcDict:
    out = _merge_fields(parent, child, skip=("sections", "branding"))
    if "branding" in child and isinstance(child["branding"], dict):
        out["branding"] = _merge_fields(parent.get("branding") or SrcDict(), child["branding"])
        out.lines["branding"], out.files["branding"] = child.lines["branding"], child.file
    out["sections"] = _merge_keyed(parent.get("sections") or SrcList(), child.get("sections"),
                                   issues, "section", _merge_section)
    return out


def _merge_section(parent: SrcDict, child: SrcDict, issues: list[Issue]) -> SrcDict:
    out = _merge_fields(parent, child, skip=("columns",))
    if "columns" in child:
        out["columns"] = _merge_keyed(parent.get("columns") or SrcList(), child["columns"], issues,
                                      f"section '{child.get('key')}': column", _merge_column)
        out.lines["columns"], out.files["columns"] = child.lines["columns"], child.file
        keys = {c.get("key") for c in out["columns"] if isinstance(c, dict)}
        # Inherited examples and rows follow removed columns out.
        for field in ("examples", "rows"):
            if field not in child and isinstance(out.get(field), list):
                out[field] = _keep_keys(out[field], keys)
    return out


def _keep_keys(rows: SrcList, keys: set) -> SrcList:
    kept = SrcList()
    kept.file, kept.line = rows.file, rows.line
    for row, line in zip(rows, rows.lines, strict=False):
        if isinstance(row, SrcDict):
            new = SrcDict({k: v for k, v in row.items() if k in keys})
            new.file, new.line = row.file, row.line
            new.lines = {k: v for k, v in row.lines.items() if k in keys}
            row = new
        kept.append(row)
        kept.lines.append(line)
    return kept


def _merge_column(parent: SrcDict, child: SrcDict, issues: list[Issue]) -> SrcDict:
    out = _merge_fields(parent, child)
    # Meanings name the parent's choices: new choices without new meanings go by the defaults.
    for named in ("meanings", "synonyms"):
        if "choices" in child and named not in child:
            out.pop(named, None)
            out.lines.pop(named, None)
            out.files.pop(named, None)
    return out


def _merge_fields(parent: SrcDict, child: SrcDict, skip: Iterable[str] = ()) -> SrcDict:
    """Child's fields override the parent's one by one (lists are replaced whole)."""
    out = SrcDict(parent)
    out.file, out.line = parent.file, parent.line
    out.lines = dict(parent.lines)
    out.files = {k: parent.files.get(k, parent.file) for k in parent.lines}
    for key, value in child.items():
        if key in skip:
            continue
        out[key] = value
        out.lines[key] = child.lines.get(key, child.line)
        out.files[key] = child.files.get(key, child.file)
    out.file, out.line = child.file, child.line  # the override is where to look first
    return out


def _merge_keyed(parent: SrcList, child: Any, issues: list[Issue], what: str, merge) -> Any:
    """Merge two lists of keyed entries: same key overrides, new key adds, remove drops."""
    if child is None:
        return parent
    if not isinstance(child, list):
        return child  # the model reports the wrong type
    out = SrcList()
    out.file, out.line = parent.file, parent.line
    index: dict[Any, int] = {}
    for item, line in zip(parent, parent.lines, strict=False):
        if isinstance(item, dict):
            index[item.get("key")] = len(out)
        out.append(item)
        out.lines.append(line)
    removed: list[int] = []
    for item, line in zip(child, child.lines, strict=False):
        if not isinstance(item, dict) or "key" not in item:
            got = "a mapping without 'key'" if isinstance(item, dict) else shown(item)
            issues.append(Issue(code="invalid-blueprint", file=child.file, line=line,
                                message=f"{what} entries must be mappings with a 'key' "
                                        f"(got {got})"))
            continue
        key = item["key"]
        if key in index:
            pos = index[key]
            if item.get("remove"):
                removed.append(pos)
                continue
            out[pos] = merge(out[pos], item, issues)
            out.lines[pos] = line
        else:
            if item.get("remove"):
                close = difflib.get_close_matches(str(key), [str(k) for k in index], n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                issues.append(Issue(code="unknown-key", file=item.file, line=line,
                                    message=f"{what} '{key}' cannot be removed: the parent has "
                                            f"none{hint}"))
                continue
            index[key] = len(out)
            out.append(item)
            out.lines.append(line)
    for pos in sorted(removed, reverse=True):
        del out[pos]
        del out.lines[pos]
    return _place(out, child, issues, what)


def _place(items: Any, child: Any, issues: list[Issue], what: str) -> Any:
    """Apply ``before``/``after`` placement and drop the placement keys."""
    if not isinstance(items, list):
        return items
    moves = [(i, it) for i, it in enumerate(items)
             if isinstance(it, dict) and (it.get("before") or it.get("after"))]
    if not moves:
        return items
    pairs = list(zip(items, items.lines, strict=False))
    for _, item in moves:
        anchor_key = item.get("before") or item.get("after")
        current = next(p for p in pairs if p[0] is item)
        pairs.remove(current)
        keys = [p[0].get("key") if isinstance(p[0], dict) else None for p in pairs]
        if anchor_key not in keys:
            field = "before" if item.get("before") else "after"
            close = difflib.get_close_matches(str(anchor_key), [k for k in keys if k], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            issues.append(Issue(code="unknown-key", file=item.file, line=item.lines.get(field),
                                message=f"{what} '{item.get('key')}': {field} '{anchor_key}' "
                                        f"is not a {what.split(': ')[-1]} key{hint}"))
            pairs.append(current)
            continue
        pos = keys.index(anchor_key) + (0 if item.get("before") else 1)
        pairs.insert(pos, current)
    out = SrcList(p[0] for p in pairs)
    out.file, out.line, out.lines = items.file, items.line, [p[1] for p in pairs]
    return out

