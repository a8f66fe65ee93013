"""Validation of a merged blueprint, and its problems in plain words with file and line.

Pydantic's errors are reworded (``unknown field 'titel' (did you mean 'title'?)``) and placed
at the line the value came from; checks that span fields (choices, identity, standard rows,
status meanings) follow once the models are built.
"""

from __future__ import annotations

import difflib
from typing import Any

from mapgen.core.errors import Issue, ValidationFailed
from mapgen.core.yamlsrc import SrcDict, SrcList
from mapgen.model.blueprint.models import (
    _MERGE_ONLY,
    Blueprint,
    Branding,
    Column,
    CountryHolidays,
    Health,
    Section,
    Where,
    _Model,
)
from mapgen.model.fields import FieldError, fold_text
from mapgen.model.health import ENGLISH_MEANINGS, MEANINGS
from mapgen.model.rowids import ID_KEY, valid_id


def validate(data: SrcDict) -> Blueprint:
    """The merged data as a Blueprint; ValidationFailed with every error found."""
    from pydantic import ValidationError

    from mapgen.model.blueprint.declare import validate_model

    clean = _without_merge_keys(data)
    try:
        bp = validate_model(Blueprint, clean)
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
    elif len(loc) >= 2 and loc[-2] == "meanings":
        message = f"meanings: '{field}': {_unknown_meaning(err.get('input'))}"
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
    elif "holidays" in loc:
        given = err.get("input")
        message = f"holidays: '{given}' is not a date (write it as 2026-12-25)"
        if loc[-1] == "list" and not isinstance(given, list):  # neither a list nor a mapping
            message = (f"holidays: '{given}' is neither a list of dates (2026-12-25) nor a "
                       "country's calendar ({country: SE})")
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"expected a mapping (key: value), got {shown(err.get('input'))}"
    elif kind == "string_pattern_mismatch" and field == "name":
        message = (f"name '{err.get('input')}' may hold only letters, digits, '-', '_' and '.' "
                   "(at most 64)")
    else:
        msg = str(err["msg"])
        msg = msg[:1].lower() + msg[1:]
        message = f"'{field}': {msg}" if field and not field.isdigit() else msg
    return Issue(code="invalid-blueprint", file=file, line=line,
                 message=f"{label}: {message}" if label else message)


def shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 30 else text[:29] + '…'}"


def _model_at(loc: tuple) -> type[_Model] | None:
    model: type[_Model] | None = Blueprint
    for part in loc:
        if isinstance(part, int):
            continue
        nested = {"sections": Section, "columns": Column, "branding": Branding,
                  "health": Health, "calendar": CountryHolidays}.get(str(part))
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
            if isinstance(cdata.get("meanings"), SrcDict):
                column._meaning_where = _where_map(cdata["meanings"])


def _where_map(data: SrcDict) -> dict[str, Where]:
    out: dict[str, Where] = {k: data.where(k) for k in data.lines}
    out[""] = (data.file, data.line)
    return out


def _semantic_issues(bp: Blueprint) -> list[Issue]:
    issues: list[Issue] = []

    def add(obj: _Model, field: str, message: str, code: str = "invalid-blueprint",
            severity: str | None = None, where: Where | None = None) -> None:
        file, line = where or obj.where(field)
        issues.append(Issue(code=code, severity=severity, file=file, line=line, message=message))

    if not bp.sections:
        add(bp, "sections", "a blueprint needs at least one section")
    seen_titles: dict[str, str] = {}
    for section in bp.sections:
        s = f"section '{section.key}'"
        if not section.columns:
            others = [o.key for o in bp.sections if o is not section]
            close = difflib.get_close_matches(section.key, others, n=1)
            hint = (f" (did you mean '{close[0]}'? a section key that does not match one of "
                    "the blueprint's adds a new section)") if close else ""
            add(section, "columns", f"{s}: needs at least one column{hint}")
        folded = section.label.casefold()
        if folded in seen_titles:
            add(section, "title", f"{s}: same title as section '{seen_titles[folded]}'")
        seen_titles[folded] = section.key
        keys = [c.key for c in section.columns]
        for column in section.columns:
            c = f"{s}: column '{column.key}'"
            if column.field.has_choices and not column.choices:
                field = "choices" if "choices" in column._where else "type"
                add(column, field, f"{c}: a choice column needs 'choices'")
            if column.choices is not None and not column.field.has_choices:
                add(column, "choices", f"{c}: 'choices' only apply to type 'choice' "
                                       f"(this column is '{column.type}')")
            if column.choices and len({ch.casefold() for ch in column.choices}) != len(column.choices):
                add(column, "choices", f"{c}: the same choice is listed twice")
            if column.meanings is not None:
                _meaning_issues(column, c, add)
            if column.synonyms is not None:
                _synonym_issues(column, c, add)
        for key in section.identity or []:
            if key not in keys:
                add(section, "identity", f"{s}: identity column '{key}' is not a column "
                                         f"(columns: {', '.join(keys)})")
        for field, rows, wheres in (("examples", section.examples, section._example_where),
                                    ("rows", section.rows, section._row_where)):
            what = "example" if field == "examples" else "standard row"
            own_keys: set[Any] = set()
            for n, row in enumerate(rows):
                where = wheres[n] if n < len(wheres) else section.where(field)
                for key, value in row.items():
                    column = section.column(key)
                    if key == ID_KEY and field == "rows":
                        if not valid_id(value):
                            add(section, field, f"{s}: {what} {n + 1}: '{ID_KEY}' must be a short "
                                                "text of letters, digits and -_.:~/ (the standard "
                                                "row's stable key)", where=where)
                        elif value in own_keys:
                            add(section, field, f"{s}: {what} {n + 1}: '{ID_KEY}' {value!r} is "
                                                "already the key of another standard row",
                                where=where)
                        own_keys.add(value)
                        continue
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



def _meaning_issues(column: Column, c: str, add) -> None:
    """``meanings``: only on a choice column, keyed by its choices, each one of the four."""
    if not column.field.has_choices:
        add(column, "meanings", f"{c}: 'meanings' only apply to type 'choice' "
                                f"(this column is '{column.type}')")
        return
    choices = list(column.choices or [])
    if not choices:
        return  # "a choice column needs 'choices'" says it
    unknown = False
    for choice, meaning in (column.meanings or {}).items():
        where = column._meaning_where.get(choice) or column.where("meanings")
        if choice not in choices:
            unknown = True
            close = difflib.get_close_matches(choice, choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (choices: {', '.join(choices)})"
            add(column, "meanings", f"{c}: meanings: '{choice}' is not one of its choices{hint}",
                where=where)
        if meaning not in MEANINGS:
            add(column, "meanings", f"{c}: meanings: '{choice}': {_unknown_meaning(meaning)}",
                where=where)
    missing = [ch for ch in choices if ch not in (column.meanings or {})]
    if missing and not unknown:
        add(column, "meanings", f"{c}: meanings: no meaning for {', '.join(repr(m) for m in missing)} "
                                f"(every choice needs one of {', '.join(MEANINGS)})")


def _synonym_issues(column: Column, c: str, add) -> None:
    """``synonyms``: keyed by the column's choices; a word names one choice, and no choice."""
    choices = list(column.choices or [])
    if not column.field.has_choices or not choices:
        add(column, "synonyms", f"{c}: 'synonyms' only apply to a choice column with 'choices'")
        return
    taken = {fold_text(ch): ch for ch in choices}
    for choice, words in (column.synonyms or {}).items():
        if choice not in choices:
            add(column, "synonyms", f"{c}: synonyms: '{choice}' is not one of its choices "
                                    f"(choices: {', '.join(choices)})")
            continue
        for word in words:
            other = taken.get(fold_text(word))
            if other is not None and other != choice:
                add(column, "synonyms", f"{c}: synonyms: '{word}' already names "
                                        f"'{other}'")
            taken.setdefault(fold_text(word), choice)


def _unknown_meaning(meaning: Any) -> str:
    """``unknown meaning 'complete' (did you mean 'done'? expected one of ...)``."""
    wanted = "_".join(str(meaning).casefold().replace("-", " ").split())
    close = difflib.get_close_matches(wanted, MEANINGS, n=1)
    guess = close[0] if close else ENGLISH_MEANINGS.get(wanted.replace("_", " "))
    hint = f"did you mean '{guess}'? " if guess else ""
    return f"unknown meaning '{meaning}' ({hint}expected one of {', '.join(MEANINGS)})"


# --------------------------------------------------------------------------- texts

SAMPLE_DEAL = {"name": "Sample deal", "buyer": "Buyer Inc", "seller": "Seller Ltd",
               "start": "2027-01-04", "close": "2027-03-01", "go_live": "2027-04-05"}


def template_issues(bp: Blueprint) -> list[Issue]:
    """Every text of ``bp`` rendered in the sandbox as generate renders it, for a blank
    template and for a sample deal: each text that fails is an issue at its file and line,
    with the name meant where one is close (``did you mean 'deal.buyer'?``)."""
    import datetime as dt

    from mapgen.core.templating import deal_context, has_template

    sample = {k: dt.date.fromisoformat(v) if k in ("start", "close", "go_live") else v
              for k, v in SAMPLE_DEAL.items()}
    issues: list[Issue] = []
    for text, (file, line) in _texts(bp):
        if not has_template(text):
            continue
        found = _render_errors(text, deal_context(sample), file, line)
        if not found:  # fine for a deal: is it for a blank template, with no deal facts?
            found = [(_blank_hint(message), at)
                     for message, at in _render_errors(text, deal_context(None), file, line)[:1]]
        issues += [Issue(code="template-error", file=file, line=at, message=message)
                   for message, at in found]
    return issues


def _blank_hint(message: str) -> str:
    """A message for a text that renders for a deal but not for a blank template."""
    import re

    key = re.search(r"'deal\.(\w+)", message)
    guard = f"deal.{key.group(1)}" if key else "deal.KEY"
    return (f"{message}: a blank template has no deal facts yet (write "
            f"{{% if {guard} %}}...{{% endif %}} around it)")


class _StandIn(dict):
    """The deal with stand-ins for unknown keys, which it does not list as known."""

    def __init__(self, deal: dict):
        super().__init__(deal)
        self.known = list(deal)

    def __iter__(self):
        return iter(self.known)


def _render_errors(text: str, context: dict, file: str | None, line: int | None,
                   ) -> list[tuple[str, int | None]]:
    """Every error of one text: rendered again with each unknown name stood in for, until it
    renders or fails otherwise (at most 20 names)."""
    from jinja2.utils import missing

    from mapgen.core.templating import TemplateError, render_text

    errors: list[tuple[str, int | None]] = []
    context = {**context, "deal": _StandIn(context["deal"])}
    for _ in range(20):
        try:
            render_text(text, context, source=file, line=line)
            return errors
        except TemplateError as exc:
            errors.append(_placed(str(exc), file, line))
            cause = exc.__cause__
            name, obj = getattr(cause, "name", None), getattr(cause, "obj", None)
            if name is None or (obj is not missing and obj is not context["deal"]):
                return errors
            if obj is missing:
                context[str(name)] = context["deal"]  # a misspelled 'deal': its keys work
            else:
                context["deal"][str(name)] = "x"
    return errors


def _texts(bp: Blueprint) -> list[tuple[Any, Where]]:
    """(text, where) of every text that generate renders: titles, intros, steps, purposes,
    instructions (both audiences), and the cells of standard rows and examples."""
    out: list[tuple[Any, Where]] = [(bp.title, bp.where("title")), (bp.intro, bp.where("intro")),
                                    (bp.buyer_intro, bp.where("intro"))]
    out += [(step, bp.where("how_to_use")) for step in [*bp.how_to_use, *(bp.buyer_how_to_use or [])]]
    for section in bp.sections:
        for field in ("title", "purpose", "instructions", "buyer_purpose", "buyer_instructions"):
            out.append((getattr(section, field), section.where(field.removeprefix("buyer_"))))
        for field, rows, wheres in (("examples", section.examples, section._example_where),
                                    ("rows", section.rows, section._row_where)):
            for n, row in enumerate(rows):
                where = wheres[n] if n < len(wheres) else section.where(field)
                out += [(value, where) for value in row.values()]
    return out


def _placed(message: str, file: str | None, line: int | None) -> tuple[str, int | None]:
    """A TemplateError's message without its ``file:line:`` prefix, and the line it names."""
    import re

    prefix = f"{file}:" if file else ""
    if prefix and message.startswith(prefix):
        found = re.match(r"(\d+): ", message[len(prefix):])
        if found:
            return message[len(prefix) + found.end():], int(found.group(1))
        return message[len(prefix):].lstrip(), line
    return message, line


def near_parent_keys(bp: Blueprint, parent: Blueprint) -> list[Issue]:
    """Warnings for section and column keys that the parent lacks but has one close to
    (``responsable`` beside the parent's ``responsible``): likely a misspelling that adds an
    entry instead of changing the parent's."""
    issues: list[Issue] = []

    def warn(obj: _Model, what: str, key: str, known: list[str]) -> None:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        if close:
            file, line = obj.where("key")
            issues.append(Issue(code="new-key-near-parent", file=file, line=line, message=(
                f"{what} '{key}' is not in '{parent.name}', so it adds a new {what.split()[-1]} "
                f"(did you mean '{close[0]}'?)")))

    parents = {s.key: s for s in parent.sections}
    for section in bp.sections:
        mine = parents.get(section.key)
        if mine is None:
            if section.columns:  # without columns, "needs at least one column" says it
                warn(section, "section", section.key, list(parents))
            continue
        theirs = [c.key for c in mine.columns]
        for column in section.columns:
            if column.key not in theirs:
                warn(column, f"section '{section.key}': column", column.key, theirs)
    return issues
