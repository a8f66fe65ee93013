"""Finding blueprint files by name or path, listing them, and loading one fully resolved.

A file is read with line tracking (:mod:`mapgen.core.yamlsrc`), merged onto its parent
(``extends``, see :mod:`.extends`) as plain data, then validated as a whole (:mod:`.checks`);
every error names the file and line that the offending value came from, even when inherited.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from mapgen.core.errors import Issue, MapgenError, ValidationFailed
from mapgen.core.yamlsrc import SrcDict, YamlError, load_yaml_file
from mapgen.model.blueprint import cache
from mapgen.model.blueprint.checks import validate
from mapgen.model.blueprint.extends import check_raw, merge_blueprint, strip_merge_keys
from mapgen.model.blueprint.models import DEFAULT_LANGUAGE, Blueprint, Column
from mapgen.model.fields import fold_text

BUILTIN_DIR_NAME = "blueprints"



@dataclass(frozen=True)
class BlueprintInfo:
    name: str
    title: str
    path: Path
    builtin: bool


def builtin_dir() -> Path:
    """The built-in blueprints: shipped in the package, or the repository's folder in a checkout."""
    here = Path(__file__).resolve().parents[2]  # the mapgen package
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
    bp = cache.load(path, find_blueprint)
    if bp is None:
        sources: cache.Sources = ([], [])
        bp = _load_resolved(path, sources=sources)
        cache.store(path, bp, sources)
    return bp


def check_blueprint(ref: str | os.PathLike) -> list[Issue]:
    """Every problem in a blueprint file, as issues (empty when it is fine); a blueprint that
    loads has every text rendered too (:func:`~mapgen.model.blueprint.checks.template_issues`)."""
    from mapgen.model.blueprint.checks import template_issues

    try:
        bp = load_blueprint(ref)
    except ValidationFailed as exc:
        return exc.issues
    except YamlError as exc:
        return [exc.issue]
    issues = template_issues(bp)
    if bp.extends:
        from mapgen.model.blueprint.checks import near_parent_keys

        try:
            parent = load_blueprint(find_blueprint(bp.extends, relative_to=Path(bp._chain[0]).parent))
        except MapgenError:  # loaded once already: cannot happen, and never blocks a check
            return issues
        issues += near_parent_keys(bp, parent)
    return issues


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_resolved(path: Path, chain: tuple[Path, ...] = (),
                   sources: cache.Sources | None = None) -> Blueprint:
    data, levels = _load_merged(path, chain, sources)
    bp = validate(data)
    bp._source = path.resolve()
    bp._chain = [str(p) for p, _ in levels]
    if bp.language != DEFAULT_LANGUAGE:
        _link_english(bp, levels)
    return bp


def _link_english(bp: Blueprint, levels: list[tuple[Path, SrcDict]]) -> None:
    """Give each column of a translated blueprint its English spellings: its counterpart (same
    keys) in the nearest English blueprint of its chain, and what that one's choices stand for."""
    at = next((i for i, (_, data) in enumerate(levels)
               if i and data.get("language", DEFAULT_LANGUAGE) == DEFAULT_LANGUAGE), None)
    if at is None:
        return
    try:  # the English blueprint, and the one that translated it (``bp`` or a parent)
        english = validate(levels[at][1])
        translation = bp if at == 1 else validate(levels[at - 1][1])
    except ValidationFailed:
        return  # a parent that is valid only with its children's overrides
    for section in bp.sections:
        theirs, translated = english.section(section.key), translation.section(section.key)
        if theirs is None or translated is None:
            continue  # a section of its own, which English never had
        for column in section.columns:
            column._english = theirs.column(column.key)
            if column._english is not None and column.choices:
                column._english_choices = _english_choices(
                    column._english, translated.column(column.key), column)


def _english_choices(english: Column, translated: Column | None, column: Column) -> dict[str, str]:
    """Each English choice (folded) -> the column's choice it stands for: a status choice by its
    meaning; any other by its place in the translation's list, then by that choice's name (so a
    company blueprint that reorders a translated list still reads English right)."""
    if column.key == "status":  # the status column, whose choices have meanings
        ours: dict[str, str] = {}
        for choice, meaning in column.status_meanings().items():
            ours.setdefault(meaning, choice)
        pairs = [(c, ours.get(m)) for c, m in english.status_meanings().items()]
    else:
        theirs = list(english.choices or ())
        middle = list(translated.choices or ()) if translated is not None else []
        if len(theirs) != len(middle):
            return {}
        own = {fold_text(c): c for c in column.choices or ()}
        pairs = [(e, own.get(fold_text(t))) for e, t in zip(theirs, middle, strict=True)]
    return {fold_text(e): c for e, c in pairs if c is not None}


def _load_merged(path: Path, chain: tuple[Path, ...], sources: cache.Sources | None = None
                 ) -> tuple[SrcDict, list[tuple[Path, SrcDict]]]:
    """The file's data merged onto its parents' (still plain data), and each file of the chain
    with its own merged data (this file first). ``sources`` collects what the result came
    from, for the cache: each file's bytes (read before it is parsed) and each ``extends``."""
    resolved = path.resolve()
    label = _label(path)
    if resolved in chain:
        cycle = " -> ".join(_label(p) for p in (*chain, resolved))
        raise ValidationFailed([Issue(code="extends-cycle", file=label,
                                      message=f"'extends' makes a cycle: {cycle}")])
    if len(chain) > 20:
        raise ValidationFailed([Issue(code="extends-depth", file=label,
                                      message="'extends' chain is deeper than 20 blueprints")])
    if sources is not None:
        sources[0].append((str(resolved), resolved.read_bytes()))
    data = load_yaml_file(path, label)
    if data is None:
        data = SrcDict()
        data.file, data.line = label, 1
    if not isinstance(data, dict):
        raise ValidationFailed([Issue(code="blueprint-not-mapping", file=label, line=1,
                                      message="a blueprint must be a YAML mapping (key: value)")])
    issues = check_raw(data)
    if issues:
        raise ValidationFailed(issues)
    data.setdefault("name", path.stem)
    parent_ref = data.get("extends")
    if parent_ref is None:
        strip_merge_keys(data, issues)
        if issues:
            raise ValidationFailed(issues)
        return data, [(resolved, data)]
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ValidationFailed([Issue(code="invalid-extends", file=label, line=data.lines["extends"],
                                      message="'extends' must name a blueprint or a path")])
    try:
        parent_path = find_blueprint(parent_ref, relative_to=path.parent)
    except MapgenError as exc:
        raise ValidationFailed([Issue(code="unknown-parent", file=label, line=data.lines["extends"],
                                      message=f"extends: {exc}")]) from None
    if sources is not None:
        sources[1].append((parent_ref, str(path.parent), str(parent_path.resolve())))
    parent, parent_chain = _load_merged(parent_path, (*chain, resolved), sources)
    merged = merge_blueprint(parent, data, issues)
    if issues:
        raise ValidationFailed(issues)
    return merged, [(resolved, merged), *parent_chain]


def blueprint_to_read(given: Blueprint | None, recorded: object, what: str,
                      ) -> tuple[Blueprint, list[tuple[str, str]]]:
    """The blueprint a document is read with: ``given``, else the one its own record names
    (``recorded``: ``{"name": ..., "version": ...}``) where it is found here, else ``map``;
    and what the reader should say as (issue code, message): a recorded blueprint not found,
    another blueprint, another version. ``what`` names the document (``workbook``)."""
    recorded = recorded if isinstance(recorded, dict) else {}
    name = recorded.get("name")
    said: list[tuple[str, str]] = []
    bp = given
    if bp is None and name:
        try:
            bp = load_blueprint(name)
        except MapgenError:
            said.append(("unknown-blueprint", f"the {what} was made from blueprint '{name}', "
                         "which is not found here; read with 'map'"))
    bp = bp or load_blueprint("map")
    if name and name != bp.name:
        said.append(("blueprint-mismatch", f"the {what} was made from blueprint '{name}' but is "
                     f"read with '{bp.name}'"))
    elif name and recorded.get("version") not in (None, bp.version):
        said.append(("blueprint-version", f"the {what} was made from version "
                     f"{recorded['version']} of blueprint '{name}'; read with version "
                     f"{bp.version}"))
    return bp, said


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
