"""Plans: the data of one MAP (deal facts, typed rows per section, issues) and its file formats.

In memory a plan's rows hold typed Python values (``datetime.date``, ``int``, ``float``, ``str``);
on disk they follow the plan format of docs/architecture.md (JSON, or YAML with the same tree), with ISO
dates and empty cells left out. CSV export writes one file per section.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mapgen.core.date_order import Order, decide
from mapgen.core.dealkeys import DEAL_DATE_KEYS, STANDARD_DEAL_KEYS
from mapgen.core.errors import Issue, MapgenError
from mapgen.core.text import is_blank
from mapgen.model.fields import fold_text
from mapgen.model.rowids import ID_KEY, STD_KEY, valid_id

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint, Section

FORMAT = "mapgen-plan"
FORMAT_VERSION = 1
MAX_PLAN_BYTES = 50 * 1024 * 1024

Row = dict[str, Any]


class BlueprintRef:
    """Which blueprint a plan was made from: its name and version."""

    def __init__(self, name: str = "map", version: str = "1"):
        self.name, self.version = name, version

    def model_dump(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}

    def model_copy(self) -> BlueprintRef:
        return BlueprintRef(self.name, self.version)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BlueprintRef) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BlueprintRef(name={self.name!r}, version={self.version!r})"


_PLAN_FIELDS = ("format", "format_version", "blueprint", "deal", "sections", "columns", "notes",
                "issues")


class Plan:
    """One MAP's data. ``sections`` maps a section key to its rows (column key -> value).

    A plain object (a read never loads pydantic): the constructor copies the containers it is
    given, as a validating model would, and keeps any other keyword (``relative_dates``,
    ``participant``...) in ``model_extra``, readable and settable as an attribute.
    """

    format: Literal["mapgen-plan"]
    format_version: Literal[1]
    blueprint: BlueprintRef
    deal: dict[str, Any]
    sections: dict[str, list[Row]]
    # Columns that rows hold beyond the blueprint's: section key -> row key -> header text.
    columns: dict[str, dict[str, str]]
    # Notes people wrote under a section's table (text that is no row): section key -> texts.
    notes: dict[str, list[str]]
    issues: list[Issue]
    model_extra: dict[str, Any]

    def __init__(self, *, format: str = FORMAT, format_version: int = FORMAT_VERSION,
                 blueprint: BlueprintRef | dict[str, Any] | None = None,
                 deal: dict[str, Any] | None = None, sections: dict[str, list[Row]] | None = None,
                 columns: dict[str, dict[str, str]] | None = None,
                 notes: dict[str, list[str]] | None = None, issues: list[Issue] | None = None,
                 **extra: Any):
        if format != FORMAT or format_version != FORMAT_VERSION:
            raise ValueError(f"not a {FORMAT} of version {FORMAT_VERSION}: {format!r} {format_version!r}")
        if isinstance(blueprint, dict):
            blueprint = BlueprintRef(**blueprint)
        fields = self.__dict__
        fields.update(format=format, format_version=format_version,
                      blueprint=blueprint if blueprint is not None else BlueprintRef(),
                      deal=dict(deal or {}),
                      sections={key: [dict(row) for row in rows] for key, rows in (sections or {}).items()},
                      columns={key: dict(headers) for key, headers in (columns or {}).items()},
                      notes={key: list(texts) for key, texts in (notes or {}).items() if texts},
                      issues=list(issues or []), model_extra=dict(extra),
                      _carried=0)  # the first issues: stored in the plan file read

    @property
    def carried_issues(self) -> list[Issue]:
        """The issues the plan file held when it was loaded (an earlier read's), first in
        ``issues``; the rest were found now."""
        return self.issues[:self._carried]

    @property
    def new_issues(self) -> list[Issue]:
        """The issues found when the plan was made or loaded (not carried over)."""
        return self.issues[self._carried:]

    def __getattr__(self, name: str) -> Any:  # an extra key (only asked when no attribute is)
        extra = self.__dict__.get("model_extra")
        if extra is not None and name in extra:
            return extra[name]
        raise AttributeError(f"'Plan' object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PLAN_FIELDS or name.startswith("_"):
            self.__dict__[name] = value
        else:
            self.model_extra[name] = value

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Plan:
        """A copy (``deep``: nothing shared), with ``update`` laid over it (not copied)."""
        out = Plan.__new__(Plan)
        state = copy.deepcopy(self.__dict__) if deep else {**self.__dict__,
                                                            "model_extra": dict(self.model_extra)}
        out.__dict__.update(state)
        for key, value in (update or {}).items():
            setattr(out, key, value)
        return out

    def model_dump(self) -> dict[str, Any]:
        """Every field and extra key as plain data (the blueprint and issues as mappings)."""
        out = {name: copy.deepcopy(getattr(self, name)) for name in _PLAN_FIELDS}
        out["blueprint"] = self.blueprint.model_dump()
        out["issues"] = [dataclasses.asdict(i) for i in self.issues]
        return {**out, **copy.deepcopy(self.model_extra)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        items = [*((name, getattr(self, name)) for name in _PLAN_FIELDS), *self.model_extra.items()]
        return f"Plan({', '.join(f'{k}={v!r}' for k, v in items)})"

    def rows(self, section: str) -> list[Row]:
        return self.sections.get(section, [])

    def extra_columns(self, section: Section | None, key: str | None = None) -> dict[str, str]:
        """Row key -> header of the columns that ``section``'s rows hold beyond the blueprint's:
        the documented ones (``columns``) first, then any other key the rows hold, in order."""
        key = key or (section.key if section is not None else "")
        out = dict(self.columns.get(key, {}))
        known = {c.key for c in section.columns} if section is not None else set()
        for row in self.rows(key):
            for k in row:
                if k not in out and k not in known and not k.startswith("_"):
                    out[k] = extra_header(k)
        if known:
            out = {k: v for k, v in out.items() if k not in known}
        return out

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def to_data(self, blueprint: Blueprint | None = None) -> dict[str, Any]:
        """The plan format as plain JSON-ready data (dates as ISO strings, empties left out)."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "blueprint": self.blueprint.model_dump(),
            "deal": {k: _json_value(v) for k, v in self.deal.items() if v not in (None, "")},
            "sections": {key: [_row_to_json(row) for row in rows]
                         for key, rows in self.sections.items()},
            **({"columns": {k: dict(v) for k, v in self.columns.items() if v}}
               if any(self.columns.values()) else {}),
            **({"notes": {k: list(v) for k, v in self.notes.items() if v}}
               if any(self.notes.values()) else {}),
            "issues": [i.to_dict() for i in self.issues],
            **{k: v for k, v in (self.model_extra or {}).items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False, indent=2) + "\n"

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_data(), allow_unicode=True, sort_keys=False, width=100)


def extra_header(key: str) -> str:
    """The header shown for an extra column known only by its key: ``follow_up`` -> Follow up."""
    return key.replace("_", " ").strip().capitalize() or key


def _quoted(text: str) -> str:
    """A name from the input, quoted for a one-line message (odd characters escaped)."""
    return f"'{text}'" if text.isprintable() else repr(text)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _row_to_json(row: Row) -> Row:
    return {k: _json_value(v) for k, v in row.items() if v is not None and v != "" and v != {}}


# --------------------------------------------------------------------------- typing values

def parse_deal(deal: dict[str, Any], *, file: str | None = None, day_first: bool = True
               ) -> tuple[dict[str, Any], list[Issue]]:
    """Deal facts with the standard dates parsed (:func:`mapgen.core.dates.parse_day`, in the
    file's date order ``day_first``); other keys are kept as they are."""
    from mapgen.core import dates

    out: dict[str, Any] = {}
    issues: list[Issue] = []
    for key, value in deal.items():
        key = str(key)
        if key in STANDARD_DEAL_KEYS and isinstance(value, dict | list):
            issues.append(Issue(code="invalid-deal", file=file, section="deal", column=key,
                                message=f"deal {_quoted(key)} must be a single value, not a "
                                        f"{'list' if isinstance(value, list) else 'mapping'}"))
        elif key in DEAL_DATE_KEYS and value not in (None, ""):
            try:
                value = dates.parse_day(value, f"deal {_quoted(key)}", day_first=day_first)
            except MapgenError as exc:
                issues.append(Issue(code="invalid-date", file=file, section="deal", column=key,
                                    message=str(exc)))
        out[key] = value
    return out, issues


def type_rows(section: Section, rows: Iterable[Row], *, file: str | None = None,
              allow_relative: bool = True, day_first: bool = True,
              extras: dict[str, str] | None = None,
              ambiguous: bool = True) -> tuple[list[Row], list[Issue]]:
    """Parse every value of ``rows`` by its column's type.

    A value that does not parse is kept as given (nothing is lost) and reported. Keys that are
    not columns are kept as extra columns: silently when ``extras`` (the plan's ``columns``)
    names them, else with a warning. ``_notes`` (cell comments and links) is checked for shape.
    ``ambiguous=False`` leaves out the warning on each date that reads both ways (the file's
    date order was decided for all of them: mapgen.core.date_order).
    """
    extras = extras or {}
    typed: list[Row] = []
    issues: list[Issue] = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            issues.append(Issue(code="invalid-row", file=file, section=section.key,
                                message=f"section '{section.key}': row {n} is not a mapping "
                                        f"({str(row)[:60]!r})"))
            continue
        out: Row = {}
        for key, raw in row.items():
            key = str(key)
            column = section.column(key)
            if key == NOTES_KEY:
                notes, bad = clean_notes(raw)
                if notes:
                    out[key] = notes
                if bad:
                    issues.append(Issue(severity="warning", code="invalid-notes", file=file,
                                        section=section.key, column=key,
                                        message=f"section '{section.key}' row {n}: '{NOTES_KEY}' "
                                                f"must map column keys to {{comment, link}}; {bad}"))
                continue
            if key in (ID_KEY, STD_KEY):
                if valid_id(raw):
                    out[key] = raw
                elif raw not in (None, ""):
                    issues.append(Issue(severity="warning", code="invalid-row-id", file=file,
                                        section=section.key, column=key,
                                        message=f"section '{section.key}' row {n}: '{key}' must "
                                                "be a short text of letters, digits and -_.:~/ "
                                                f"({str(raw)[:40]!r}); left out"))
                continue
            if column is None:
                if key not in extras and raw is not None:
                    issues.append(Issue(severity="warning", code="unknown-column", file=file,
                                        section=section.key, column=key,
                                        message=f"section '{section.key}' row {n}: {_quoted(key)} "
                                                "is not a column of the blueprint; kept as an "
                                                "extra column"))
                if raw is not None:
                    out[key] = raw
                continue
            from mapgen.model.fields import FieldError

            try:
                parsed = column.field.parse(raw, column, day_first=day_first,
                                            allow_relative=allow_relative)
            except FieldError as exc:
                issues.append(Issue(code=exc.code, file=file, section=section.key, column=key,
                                    message=f"section '{section.key}' row {n}, '{column.title}': "
                                            f"{exc.message}"))
                out[key] = raw
                continue
            if parsed.warning and (ambiguous or parsed.warning[0] != "ambiguous-date"):
                issues.append(Issue(severity="warning", code=parsed.warning[0], file=file,
                                    section=section.key, column=key,
                                    message=f"section '{section.key}' row {n}, '{column.title}': "
                                            f"{parsed.warning[1]}"))
            if parsed.value is not None:
                out[key] = parsed.value
        typed.append(out)
    return typed, issues


def plan_from_data(data: Any, blueprint: Blueprint | None = None, *, file: str | None = None,
                   date_order: Order | None = None) -> Plan:
    """Build a typed plan from plan-format data; problems become ``plan.issues``.

    Numeric dates are read in one order for the whole plan (``date_order``, else as its dates
    show: mapgen.core.date_order). Raises MapgenError when the data is not a plan at all.
    """
    from mapgen.model.blueprint import resolve_blueprint_ref

    label = file or "plan"
    if not isinstance(data, dict):
        raise MapgenError(f"{label}: not a mapgen plan (expected a mapping at the top)")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise MapgenError(f"{label}: not a mapgen plan (format is '{fmt}', expected '{FORMAT}')")
    version = data.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise MapgenError(f"{label}: plan format version {version} is not supported "
                          f"(this mapgen reads version {FORMAT_VERSION})")
    ref = data.get("blueprint") or {}
    if isinstance(ref, str):
        ref = {"name": ref}
    if not isinstance(ref, dict):
        raise MapgenError(f"{label}: 'blueprint' must be a mapping with name and version")
    if blueprint is None:
        blueprint = resolve_blueprint_ref(None, ref.get("name"))
    deal_raw = data.get("deal") or {}
    sections_raw = data.get("sections") or {}
    if not isinstance(deal_raw, dict):
        raise MapgenError(f"{label}: 'deal' must be a mapping of deal facts")
    if not isinstance(sections_raw, dict):
        raise MapgenError(f"{label}: 'sections' must map section keys to lists of rows")
    order = decide(_date_texts(blueprint, deal_raw, sections_raw), date_order)
    deal, issues = parse_deal(deal_raw, file=file, day_first=order.day_first)
    if order.problem is not None:
        code, message = order.problem
        issues.append(Issue(code=code, file=file, message=message))
    columns, column_issues = _extra_columns(data.get("columns"), file)
    issues += column_issues
    notes, note_issues = section_notes(data.get("notes"), file)
    issues += note_issues
    sections: dict[str, list[Row]] = {}
    for key, rows in sections_raw.items():
        key = str(key)
        if not isinstance(rows, list):
            raise MapgenError(f"{label}: section {_quoted(key)} must be a list of rows")
        section = blueprint.section(key)
        if section is None:
            issues.append(Issue(severity="warning", code="unknown-section", file=file, section=key,
                                message=f"section {_quoted(key)} is not in blueprint '{blueprint.name}'; "
                                        "kept as it is"))
            sections[key] = [dict(r) for r in rows if isinstance(r, dict)]
            issues += [Issue(code="invalid-row", file=file, section=key,
                             message=f"section {_quoted(key)}: row {n} is not a mapping "
                                     f"({str(r)[:60]!r})")
                       for n, r in enumerate(rows, start=1) if not isinstance(r, dict)]
            continue
        sections[key], row_issues = type_rows(section, rows, file=file,
                                              extras=columns.get(key), ambiguous=False,
                                              day_first=order.day_first)
        issues += row_issues
    old_issues = [Issue.from_dict(i) for i in data.get("issues") or [] if isinstance(i, dict)]
    extra = {k: v for k, v in data.items() if k not in
             {"format", "format_version", "blueprint", "deal", "sections", "columns", "notes",
              "issues"}}
    for key, headers in columns.items():  # a documented column is not a blueprint column
        section = blueprint.section(key)
        if section is not None:
            columns[key] = {k: v for k, v in headers.items() if section.column(k) is None}
    plan = Plan(blueprint=BlueprintRef(name=str(ref.get("name") or blueprint.name),
                                       version=str(ref.get("version") or blueprint.version)),
                deal=deal, sections=sections, columns={k: v for k, v in columns.items() if v},
                notes=notes, issues=old_issues + issues, **extra)
    plan._carried = len(old_issues)
    return plan


def _date_texts(blueprint: Blueprint, deal: Any, sections: Any) -> Iterable[tuple[str, Any]]:
    """(where, value) of every date a plan's data holds: deal dates, then date columns."""
    if isinstance(deal, dict):
        yield from ((f"deal '{k}'", v) for k, v in deal.items() if k in DEAL_DATE_KEYS)
    if not isinstance(sections, dict):
        return
    for key, rows in sections.items():
        section = blueprint.section(str(key))
        if section is None or not isinstance(rows, list):
            continue
        dates = [c.key for c in section.columns if c.field.is_date]
        for row in rows:
            if isinstance(row, dict):
                yield from ((f"section '{key}', column '{k}'", row.get(k)) for k in dates)


def _extra_columns(raw: Any, file: str | None) -> tuple[dict[str, dict[str, str]], list[Issue]]:
    """The plan's optional ``columns`` key: {section: {row key: header}}; wrong shapes reported."""
    if raw in (None, {}):
        return {}, []
    bad = Issue(severity="warning", code="invalid-columns", file=file, section="columns",
                message="'columns' must map section keys to {column key: header text}; "
                        "the wrong entries are left out")
    if not isinstance(raw, dict):
        return {}, [bad]
    out: dict[str, dict[str, str]] = {}
    wrong = False
    for section, headers in raw.items():
        if not isinstance(headers, dict):
            wrong = True
            continue
        for key, header in headers.items():
            if isinstance(header, str | int | float) and not isinstance(header, bool) \
                    and str(key) and not str(key).startswith("_"):
                out.setdefault(str(section), {})[str(key)] = str(header).strip() or str(key)
            else:
                wrong = True
    return out, [bad] if wrong else []


def is_note(column: Any, raw: Any) -> bool:
    """Whether a lone text ``raw`` under a table, in ``column`` (a blueprint column; None for
    a column without a header), is a note rather than a row: the column's type cannot read it,
    and it is not a tracked status column (the Overview counts any text there as an item, so
    there it stays a row, with its error)."""
    from mapgen.model.health import STATUS_KEY

    if column is None:
        return True
    if column.key == STATUS_KEY and column.choices:
        return False
    return not column.field.reads(raw, column)


def section_notes(raw: Any, file: str | None) -> tuple[dict[str, list[str]], list[Issue]]:
    """The plan's optional ``notes`` key: {section: [text, ...]} (notes written under a table,
    which are no rows); wrong shapes reported, texts kept as far as they go."""
    if raw in (None, {}):
        return {}, []
    bad = Issue(severity="warning", code="invalid-section-notes", file=file, section="notes",
                message="'notes' must map section keys to lists of texts; the wrong entries "
                        "are left out")
    if not isinstance(raw, dict):
        return {}, [bad]
    out: dict[str, list[str]] = {}
    wrong = False
    for section, texts in raw.items():
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list):
            wrong = True
            continue
        for text in texts:
            if isinstance(text, str | int | float) and not isinstance(text, bool) \
                    and not is_blank(str(text)):
                out.setdefault(str(section), []).append(str(text))
            else:
                wrong = wrong or text is not None
    return out, [bad] if wrong else []


NOTES_KEY = "_notes"  # per row: column key -> {"comment": text, "link": target}
NOTE_KINDS = ("comment", "link")


def clean_notes(raw: Any) -> tuple[dict[str, dict[str, str]], str | None]:
    """A row's ``_notes`` in its documented shape, and what was wrong with the rest (or None)."""
    if not isinstance(raw, dict):
        return {}, f"got {type(raw).__name__}"
    out: dict[str, dict[str, str]] = {}
    wrong: list[str] = []
    for key, note in raw.items():
        if not isinstance(note, dict):
            wrong.append(str(key))
            continue
        kept = {k: str(v) for k, v in note.items() if k in NOTE_KINDS and isinstance(v, str) and v}
        if len(kept) != len(note):
            wrong.append(str(key))
        if kept:
            out[str(key)] = kept
    return out, (f"left out: {', '.join(wrong)[:80]}" if wrong else None)


# --------------------------------------------------------------------------- files

def load_plan(path: str | os.PathLike, blueprint: Blueprint | None = None, *,
              date_order: Order | None = None) -> Plan:
    """Load a plan file (.json, .yaml or .yml), typed by its blueprint (numeric dates in
    ``date_order``, else as they show: :func:`plan_from_data`)."""
    from mapgen.core.fileio import read_text

    path = Path(path)
    label = str(path)
    text = read_text(path, what="plan file", limit=MAX_PLAN_BYTES)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MapgenError(f"{label}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    elif path.suffix.lower() in (".yaml", ".yml"):
        from mapgen.core.yamlsrc import load_yaml_text

        data = load_yaml_text(text, label)
    else:
        raise MapgenError(f"{label}: unknown plan file type '{path.suffix}' (use .json or .yaml)")
    return plan_from_data(data, blueprint, file=label, date_order=date_order)


def csv_escape(value: Any) -> str:
    """A CSV cell: ISO dates; text that a spreadsheet would run as a formula gets a leading '."""
    from mapgen.model.fields import needs_formula_guard

    value = _json_value(value)
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return "'" + text if needs_formula_guard(text) else text


def section_csv(plan: Plan, section_key: str, blueprint: Blueprint | None = None) -> str:
    """One section's rows as CSV text: a header of column keys, then one line per row."""
    section = blueprint.section(section_key) if blueprint else None
    keys: list[str] = [c.key for c in section.columns] if section else []
    for row in plan.rows(section_key):
        keys += [k for k in row if k not in keys]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(keys)
    for row in plan.rows(section_key):
        writer.writerow([csv_escape(row.get(k)) for k in keys])
    return buf.getvalue()


def plan_csv_files(plan: Plan, blueprint: Blueprint | None = None) -> dict[str, str]:
    """File name -> CSV text: ``deal.csv``, one ``<section>.csv`` each, ``notes.csv`` (when
    the plan has notes under its tables) and ``issues.csv``."""
    files: dict[str, str] = {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["key", "value"])
    for key, value in plan.deal.items():
        writer.writerow([key, csv_escape(value)])
    files["deal.csv"] = buf.getvalue()
    keys = [s.key for s in blueprint.sections] if blueprint else []
    keys += [k for k in plan.sections if k not in keys]
    for key in keys:
        files[f"{key}.csv"] = section_csv(plan, key, blueprint)
    if any(plan.notes.values()):  # notes under tables (no rows): section and text
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["section", "text"])
        for key, texts in plan.notes.items():
            writer.writerows([key, csv_escape(text)] for text in texts)
        files["notes.csv"] = buf.getvalue()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cols = ["severity", "code", "file", "sheet", "cell", "section", "column", "message"]
    writer.writerow(cols)
    for issue in plan.issues:
        writer.writerow([csv_escape(getattr(issue, c)) for c in cols])
    files["issues.csv"] = buf.getvalue()
    return files


# --------------------------------------------------------------------------- row identity

def _identity_value(value: Any) -> Any:
    if isinstance(value, str):
        return fold_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def row_key(section: Section, row: Row) -> tuple | None:
    """What makes two rows of ``section`` the same row (case and spacing folded).

    ``None`` when every identity column is empty: such a row is never the same as another.
    """
    values = tuple(_identity_value(row.get(k)) for k in section.identity_keys)
    return None if all(v in (None, "") for v in values) else values


def is_blank_row(row: Row) -> bool:
    return all(is_blank(v) for v in row.values())


def write_json(plan: Plan, path: Path, options: object = None) -> None:
    """The plan as JSON at ``path`` (the ``json`` output format)."""
    Path(path).write_text(plan.to_json(), encoding="utf-8")


def write_yaml(plan: Plan, path: Path, options: object = None) -> None:
    """The plan as YAML at ``path`` (the ``yaml`` output format)."""
    Path(path).write_text(plan.to_yaml(), encoding="utf-8")
