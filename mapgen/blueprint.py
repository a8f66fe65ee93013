"""Blueprints: the models, loading YAML, ``extends`` with overrides, validation, JSON Schema.

A blueprint file is loaded with line tracking (:mod:`mapgen.yamlsrc`), merged onto its parent
(``extends``) as plain data, then validated as a whole; every error names the file and line
that the offending value came from, even when that value was inherited.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from mapgen.errors import Issue, MapgenError, ValidationFailed
from mapgen.fields import TYPES, FieldError, field_type
from mapgen.yamlsrc import SrcDict, SrcList, YamlError, load_yaml_file

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
BUILTIN_DIR_NAME = "blueprints"
Audience = Literal["internal", "buyer"]
# Placement keys used only while merging onto a parent; never part of a resolved blueprint.
_MERGE_ONLY = ("remove", "before", "after")

Where = tuple[str | None, int | None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)
    # field name -> (file, line) where the value was written
    _where: dict[str, Where] = PrivateAttr(default_factory=dict)

    def where(self, field: str) -> Where:
        """The file and line that a field's value came from."""
        return self._where.get(field, self._where.get("", (None, None)))


class Column(_Model):
    """One typed column of a section's table."""

    key: str = Field(pattern=KEY_PATTERN, description="Stable key used in plan data.")
    header: str = Field("", description="Header text shown in documents.")
    type: str = Field("text", description="; ".join(f"{n}: {t.description}" for n, t in TYPES.items()),
                      json_schema_extra={"enum": list(TYPES)})
    help: str = Field("", description="Help shown as the input message in Excel.")
    width: float | None = Field(None, gt=0, le=255, description="Column width in characters.")
    required: bool = False
    internal: bool = Field(False, description="Seller-only: left out of buyer editions.")
    choices: list[str] | None = Field(None, description="The choices of a `choice` column.")
    sequence: bool = Field(False, description="A running number (renumbered when merging).")
    remove: bool = Field(False, description="In a blueprint that extends another: drop it.")
    before: str | None = Field(None, description="Place this column before the column KEY.")
    after: str | None = Field(None, description="Place this column after the column KEY.")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in TYPES:
            close = difflib.get_close_matches(value, TYPES, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ValueError(f"unknown type '{value}' ({hint}expected one of {', '.join(TYPES)})")
        return value

    @property
    def title(self) -> str:
        return self.header or self.key.replace("_", " ").capitalize()

    @property
    def field(self):
        return field_type(self.type)

    @property
    def display_width(self) -> float:
        return self.width or self.field.default_width


class Section(_Model):
    """One section of the plan: texts, a typed table, examples and standard rows."""

    key: str = Field(pattern=KEY_PATTERN)
    title: str = ""
    purpose: str = ""
    instructions: str = ""
    columns: list[Column] = Field(default_factory=list)
    examples: list[dict[str, Any]] = Field(
        default_factory=list, description="Guidance rows, shown in italics, never read back.")
    rows: list[dict[str, Any]] = Field(
        default_factory=list, description="Standard rows that pre-fill every plan.")
    blank_rows: int = Field(5, ge=0, le=500)
    internal: bool = False
    identity: list[str] | None = Field(
        None, description="Column keys that say two rows are the same row (merge).")
    landscape: bool | None = Field(None, description="Print this section landscape (default: auto).")
    remove: bool = Field(False, description="In a blueprint that extends another: drop it.")
    before: str | None = Field(None, description="Place this section before the section KEY.")
    after: str | None = Field(None, description="Place this section after the section KEY.")
    _example_where: list[Where] = PrivateAttr(default_factory=list)
    _row_where: list[Where] = PrivateAttr(default_factory=list)

    @property
    def label(self) -> str:
        return self.title or self.key.replace("_", " ").capitalize()

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def identity_keys(self) -> list[str]:
        """The identity columns; by default every column (only identical rows are the same)."""
        return list(self.identity) if self.identity else [c.key for c in self.columns]


class Branding(_Model):
    company: str = ""
    primary_color: str = Field("1F4E79", description="Hex colour like 1F4E79 or #1F4E79.")
    logo: str | None = Field(None, description="Path to a PNG/JPEG logo, relative to the file.")
    font: str = "Calibri"

    @field_validator("primary_color")
    @classmethod
    def _hex(cls, value: str) -> str:
        value = str(value).strip().lstrip("#")
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
            raise ValueError(f"colour '{value}' is not a 6-digit hex colour like 1F4E79")
        return value.upper()


class Blueprint(_Model):
    """A MAP template definition, fully resolved (``extends`` already applied)."""

    name: str = Field("", pattern=r"^$|^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    version: str = "1"
    extends: str | None = None
    title: str = "Mutual Action Plan"
    intro: str = ""
    how_to_use: list[str] = Field(default_factory=list)
    branding: Branding = Field(default_factory=Branding)
    holidays: list[dt.date] = Field(default_factory=list,
                                    description="Dates (2026-12-25) skipped by `bd` offsets.")
    sections: list[Section] = Field(default_factory=list)
    _source: Path | None = PrivateAttr(None)
    _chain: list[str] = PrivateAttr(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> str:
        return str(value)

    @field_validator("how_to_use", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def source(self) -> Path | None:
        """The file this blueprint was loaded from."""
        return self._source

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def holiday_dates(self) -> list[dt.date]:
        return list(self.holidays)

    def for_audience(self, audience: Audience) -> Blueprint:
        """This blueprint as the audience sees it: a buyer sees no internal sections or columns."""
        if audience == "internal":
            return self
        out = self.model_copy()
        out._source, out._chain, out._where = self._source, self._chain, self._where
        sections = []
        for section in self.sections:
            if section.internal:
                continue
            visible = [c for c in section.columns if not c.internal]
            if len(visible) == len(section.columns):
                sections.append(section)
                continue
            keys = {c.key for c in visible}
            clone = section.model_copy(update={
                "columns": visible,
                "examples": [{k: v for k, v in r.items() if k in keys} for r in section.examples],
                "rows": [{k: v for k, v in r.items() if k in keys} for r in section.rows],
            })
            _copy_private(section, clone)
            sections.append(clone)
        out.sections = sections
        return out

    def to_data(self) -> dict[str, Any]:
        """The resolved blueprint as plain data with the file format's names."""
        drop = dict.fromkeys(_MERGE_ONLY, True)
        data = self.model_dump(mode="json", exclude={"sections": {"__all__": {
            **drop, "columns": {"__all__": drop}}}})
        for section in data["sections"]:
            for column in section["columns"]:
                column["header"] = column["header"] or column["key"].replace("_", " ").capitalize()
        return data


def _copy_private(src: Section, dst: Section) -> None:
    dst._where, dst._example_where, dst._row_where = src._where, src._example_where, src._row_where


# --------------------------------------------------------------------------- finding files

@dataclass(frozen=True)
class BlueprintInfo:
    name: str
    title: str
    path: Path
    builtin: bool


def builtin_dir() -> Path:
    """The built-in blueprints: shipped in the package, or the repository's folder in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / BUILTIN_DIR_NAME
    return packaged if packaged.is_dir() else here.parent / BUILTIN_DIR_NAME


def search_dirs() -> list[Path]:
    """Where names are looked up: ./blueprints first, then the built-in ones."""
    dirs = [Path.cwd() / BUILTIN_DIR_NAME, builtin_dir()]
    out: list[Path] = []
    for d in dirs:
        for sub in (d, d / "examples"):
            if sub.is_dir() and sub.resolve() not in [o.resolve() for o in out]:
                out.append(sub)
    return out


def looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or os.sep in ref or "/" in ref


def find_blueprint(ref: str, relative_to: Path | None = None) -> Path:
    """Resolve a blueprint NAME or PATH to a file; MapgenError when there is none."""
    if looks_like_path(ref):
        path = Path(ref)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        if not path.is_file():
            raise MapgenError(f"blueprint file '{ref}' not found")
        return path
    for directory in search_dirs():
        for ext in (".yaml", ".yml"):
            candidate = directory / f"{ref}{ext}"
            if candidate.is_file():
                return candidate
    known = sorted({i.name for i in list_blueprints()})
    close = difflib.get_close_matches(ref, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(known)})"
    raise MapgenError(f"no blueprint named '{ref}'{hint}")


def list_blueprints() -> list[BlueprintInfo]:
    """Every blueprint found, local ones shadowing built-in ones of the same name."""
    seen: dict[str, BlueprintInfo] = {}
    builtin = builtin_dir().resolve()
    for directory in search_dirs():
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            try:
                data = load_yaml_file(path)
            except MapgenError:
                continue
            if not isinstance(data, dict):
                continue
            name = str(data.get("name") or path.stem)
            title = str(data.get("title") or "")
            if name not in seen:
                is_builtin = builtin in path.resolve().parents
                seen[name] = BlueprintInfo(name, title, path, is_builtin)
    return list(seen.values())


# --------------------------------------------------------------------------- loading

def load_blueprint(ref: str | os.PathLike | None = None) -> Blueprint:
    """Load and resolve a blueprint by NAME or PATH (default ``map``).

    Raises MapgenError for a missing file or broken YAML and ValidationFailed (with issues that
    name file and line) for a blueprint that does not validate.
    """
    if isinstance(ref, os.PathLike):
        path = Path(ref)
        if not path.is_file():
            raise MapgenError(f"blueprint file '{ref}' not found")
    else:
        path = find_blueprint(ref or "map")
    return _load_resolved(path)


def check_blueprint(ref: str | os.PathLike) -> list[Issue]:
    """Every problem in a blueprint file, as issues (empty when it is fine)."""
    try:
        load_blueprint(ref)
    except ValidationFailed as exc:
        return exc.issues
    except YamlError as exc:
        return [exc.issue]
    return []


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_resolved(path: Path, chain: tuple[Path, ...] = ()) -> Blueprint:
    data, parent_chain = _load_merged(path, chain)
    bp = _validate(data)
    bp._source = path.resolve()
    bp._chain = [str(p) for p in parent_chain]
    return bp


def _load_merged(path: Path, chain: tuple[Path, ...]) -> tuple[SrcDict, list[Path]]:
    """The file's data merged onto its parents' (still plain data), and the chain of files."""
    resolved = path.resolve()
    label = _label(path)
    if resolved in chain:
        cycle = " -> ".join(_label(p) for p in (*chain, resolved))
        raise ValidationFailed([Issue(code="extends-cycle", file=label,
                                      message=f"'extends' makes a cycle: {cycle}")])
    if len(chain) > 20:
        raise ValidationFailed([Issue(code="extends-depth", file=label,
                                      message="'extends' chain is deeper than 20 blueprints")])
    data = load_yaml_file(path, label)
    if data is None:
        data = SrcDict()
        data.file, data.line = label, 1
    if not isinstance(data, dict):
        raise ValidationFailed([Issue(code="blueprint-not-mapping", file=label, line=1,
                                      message="a blueprint must be a YAML mapping (key: value)")])
    issues = _check_raw(data)
    if issues:
        raise ValidationFailed(issues)
    data.setdefault("name", path.stem)
    parent_ref = data.get("extends")
    if parent_ref is None:
        _strip_merge_keys(data, issues)
        if issues:
            raise ValidationFailed(issues)
        return data, [resolved]
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ValidationFailed([Issue(code="invalid-extends", file=label, line=data.lines["extends"],
                                      message="'extends' must name a blueprint or a path")])
    try:
        parent_path = find_blueprint(parent_ref, relative_to=path.parent)
    except MapgenError as exc:
        raise ValidationFailed([Issue(code="unknown-parent", file=label, line=data.lines["extends"],
                                      message=f"extends: {exc}")]) from None
    parent, parent_chain = _load_merged(parent_path, (*chain, resolved))
    merged = _merge_blueprint(parent, data, issues)
    if issues:
        raise ValidationFailed(issues)
    return merged, [resolved, *parent_chain]


def _check_raw(data: SrcDict) -> list[Issue]:
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


def _strip_merge_keys(data: SrcDict, issues: list[Issue]) -> None:
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


def _merge_blueprint(parent: SrcDict, child: SrcDict, issues: list[Issue]) -> SrcDict:
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
    return _merge_fields(parent, child)


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
            got = "a mapping without 'key'" if isinstance(item, dict) else _shown(item)
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
                issues.append(Issue(code="unknown-key", file=item.file, line=line,
                                    message=f"{what} '{key}' cannot be removed: the parent has none"))
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


# --------------------------------------------------------------------------- validation

def _validate(data: SrcDict) -> Blueprint:
    clean = _without_merge_keys(data)
    try:
        bp = Blueprint.model_validate(clean)
    except ValidationError as exc:
        raise ValidationFailed([_issue_from_pydantic(err, data) for err in exc.errors()]) from None
    _attach_where(bp, data)
    issues = _semantic_issues(bp)
    if [i for i in issues if i.severity == "error"]:
        raise ValidationFailed(issues)
    return bp


def _without_merge_keys(data: Any) -> Any:
    """A plain copy without the placement keys of keyed entries (sections and columns)."""
    if isinstance(data, dict):
        keyed = "key" in data
        return {k: _without_merge_keys(v) for k, v in data.items()
                if not (keyed and k in _MERGE_ONLY)}
    if isinstance(data, list):
        return [_without_merge_keys(v) for v in data]
    return data


def _walk(data: Any, loc: tuple) -> tuple[Where, str]:
    """Follow a pydantic error location through the source data: (file, line) and a label."""
    where: Where = (getattr(data, "file", None), getattr(data, "line", None))
    labels: list[str] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, SrcDict) and part in node:
            where = node.where(part)
            node = node[part]
        elif isinstance(node, SrcList) and isinstance(part, int) and part < len(node):
            where = (getattr(node[part], "file", None) or node.file, node.lines[part])
            node = node[part]
            parent = loc[i - 1] if i else None
            if parent == "sections" and isinstance(node, dict):
                labels.append(f"section '{node.get('key', part + 1)}'")
            elif parent == "columns" and isinstance(node, dict):
                labels.append(f"column '{node.get('key', part + 1)}'")
            elif parent in ("examples", "rows"):
                labels.append(f"{'example' if parent == 'examples' else 'standard row'} {part + 1}")
        else:
            break
    return where, ": ".join(labels)


def _issue_from_pydantic(err: dict, data: SrcDict) -> Issue:
    loc = tuple(err["loc"])
    (file, line), label = _walk(data, loc)
    kind = err["type"]
    field = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        parent_loc = loc[:-1]
        model = _model_at(parent_loc)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(field, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
        message = f"unknown field '{field}'{hint}"
    elif kind == "missing":
        message = f"missing required field '{field}'"
    elif kind == "string_pattern_mismatch" and field == "key":
        message = (f"key '{err.get('input')}' must be lower case letters, digits and _ "
                   "(starting with a letter, at most 40)")
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
    elif "holidays" in loc:
        message = f"holidays: '{err.get('input')}' is not a date (write it as 2026-12-25)"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"expected a mapping (key: value), got {_shown(err.get('input'))}"
    elif kind == "string_pattern_mismatch" and field == "name":
        message = (f"name '{err.get('input')}' may hold only letters, digits, '-', '_' and '.' "
                   "(at most 64)")
    else:
        msg = str(err["msg"])
        msg = msg[:1].lower() + msg[1:]
        message = f"'{field}': {msg}" if field and not field.isdigit() else msg
    return Issue(code="invalid-blueprint", file=file, line=line,
                 message=f"{label}: {message}" if label else message)


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 30 else text[:29] + '…'}"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Blueprint
    for part in loc:
        if isinstance(part, int):
            continue
        nested = {("sections"): Section, ("columns"): Column, ("branding"): Branding}.get(str(part))
        model = nested or None
    return model


def _attach_where(bp: Blueprint, data: SrcDict) -> None:
    bp._where = _where_map(data)
    if isinstance(data.get("branding"), SrcDict):
        bp.branding._where = _where_map(data["branding"])
    for section, sdata in zip(bp.sections, data.get("sections") or [], strict=False):
        section._where = _where_map(sdata)
        for field, target in (("examples", "_example_where"), ("rows", "_row_where")):
            rows = sdata.get(field)
            if isinstance(rows, SrcList):
                setattr(section, target, [(getattr(r, "file", rows.file), ln)
                                          for r, ln in zip(rows, rows.lines, strict=False)])
        for column, cdata in zip(section.columns, sdata.get("columns") or [], strict=False):
            column._where = _where_map(cdata)


def _where_map(data: SrcDict) -> dict[str, Where]:
    out: dict[str, Where] = {k: data.where(k) for k in data.lines}
    out[""] = (data.file, data.line)
    return out


def _semantic_issues(bp: Blueprint) -> list[Issue]:
    issues: list[Issue] = []

    def add(obj: _Model, field: str, message: str, code: str = "invalid-blueprint",
            severity: str = "error", where: Where | None = None) -> None:
        file, line = where or obj.where(field)
        issues.append(Issue(code=code, severity=severity, file=file, line=line, message=message))

    if not bp.sections:
        add(bp, "sections", "a blueprint needs at least one section")
    seen_titles: dict[str, str] = {}
    for section in bp.sections:
        s = f"section '{section.key}'"
        if not section.columns:
            add(section, "columns", f"{s}: needs at least one column")
        folded = section.label.casefold()
        if folded in seen_titles:
            add(section, "title", f"{s}: same title as section '{seen_titles[folded]}'")
        seen_titles[folded] = section.key
        keys = [c.key for c in section.columns]
        for column in section.columns:
            c = f"{s}: column '{column.key}'"
            if column.type == "choice" and not column.choices:
                field = "choices" if "choices" in column._where else "type"
                add(column, field, f"{c}: a choice column needs 'choices'")
            if column.choices is not None and column.type != "choice":
                add(column, "choices", f"{c}: 'choices' only apply to type 'choice' "
                                       f"(this column is '{column.type}')")
            if column.choices and len({ch.casefold() for ch in column.choices}) != len(column.choices):
                add(column, "choices", f"{c}: the same choice is listed twice")
        for key in section.identity or []:
            if key not in keys:
                add(section, "identity", f"{s}: identity column '{key}' is not a column "
                                         f"(columns: {', '.join(keys)})")
        for field, rows, wheres in (("examples", section.examples, section._example_where),
                                    ("rows", section.rows, section._row_where)):
            what = "example" if field == "examples" else "standard row"
            for n, row in enumerate(rows):
                where = wheres[n] if n < len(wheres) else section.where(field)
                for key, value in row.items():
                    column = section.column(key)
                    if column is None:
                        close = difflib.get_close_matches(str(key), keys, n=1)
                        hint = f" (did you mean '{close[0]}'?)" if close else f" (columns: {', '.join(keys)})"
                        add(section, field, f"{s}: {what} {n + 1}: unknown column '{key}'{hint}",
                            where=where)
                    elif field == "rows":
                        try:
                            column.field.parse(value, column, allow_relative=True)
                        except FieldError as exc:
                            add(section, field, f"{s}: {what} {n + 1}: column '{key}': {exc.message}",
                                code=exc.code, where=where)
    return issues


# --------------------------------------------------------------------------- helpers

def schema() -> dict[str, Any]:
    """JSON Schema of the blueprint file format (for editors)."""
    out = Blueprint.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "mapgen blueprint"
    return out


def new_blueprint_text(name: str, extends: str = "map") -> str:
    """A commented starting file for a company blueprint that passes ``check``."""
    parent = load_blueprint(extends)
    first = parent.sections[0] if parent.sections else None
    lines = [
        f"# {name}: a company blueprint for mapgen, extending '{parent.name}'.",
        "# Only what differs from the parent goes here. Check it with:",
        f"#   mapgen blueprint check {name}.yaml",
        "# See every field with `mapgen blueprint schema` and the parent with",
        f"#   mapgen blueprint show {parent.name}",
        f"name: {name}",
        f"extends: {extends}",
        'version: "1"',
        f"title: {_yaml_str(parent.title)}",
        "",
        "branding:",
        '  company: "Your Company"',
        '  primary_color: "1F4E79"   # hex colour of headers',
        "  # logo: logo.png          # relative to this file",
        "",
        "sections:",
        "  # Override a section field by field; its columns merge by key.",
    ]
    if first is not None:
        lines += [
            f"  - key: {first.key}",
            f"    title: {_yaml_str(first.label)}",
            "    # columns:",
            "    #   - key: new_column        # adds a column",
            "    #     header: New column",
            "    #     type: text             # " + " | ".join(TYPES),
            "    #   - key: old_column",
            "    #     remove: true           # drops an inherited column",
        ]
    lines += [
        "  # A new section:",
        "  # - key: risks",
        "  #   title: Risks",
        "  #   after: stakeholders",
        "  #   columns:",
        "  #     - {key: risk, header: Risk, type: text}",
        "",
    ]
    return "\n".join(lines)


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def resolve_blueprint_ref(ref: str | None, recorded: str | None = None) -> Blueprint:
    """``--blueprint`` if given, else the blueprint recorded in the input, else ``map``."""
    if ref:
        return load_blueprint(ref)
    if recorded:
        try:
            return load_blueprint(recorded)
        except MapgenError:
            pass
    return load_blueprint("map")


__all__ = ["Blueprint", "BlueprintInfo", "Branding", "Column", "Section", "builtin_dir",
           "check_blueprint", "find_blueprint", "list_blueprints", "load_blueprint",
           "new_blueprint_text", "resolve_blueprint_ref", "schema"]
