"""The input boundary: a plan file, a completed workbook or a filled-in Word handout, read into a
plan that knows its source.

Every command that takes a PLAN (``generate --plan``, ``merge``, ``status``, ``diff``,
``shift``) reads it here, so that they all accept the same files and pick the blueprint by the
same rule (:func:`blueprint_for`). Folders stand for the workbooks and handouts inside them
(:func:`expand_paths`); Office lock files and hidden files are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.core.errors import MapgenError, UnusableInput

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.formats.docx.reader import Places
    from mapgen.formats.xlsx.reader import Cells
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan

PLAN_SUFFIXES = (".json", ".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb")
HANDOUT_SUFFIXES = (".docx", ".docm", ".odt")


@dataclass
class Input:
    """One input read: the plan, the file it came from, the blueprint name it records and,
    for a workbook, where each plan row's cells are (every column's, empty ones too)."""

    path: Path
    plan: Plan
    recorded: str | None  # blueprint name written in the file (None: it records none)
    cells: Cells = field(default_factory=dict)  # empty for a plan file
    blueprint: Blueprint | None = None  # a workbook's: the blueprint it was read with
    places: Places = field(default_factory=dict)  # a handout's: each row's table and row


def skipped(path: Path) -> bool:
    """An Office lock file (``~$plan.xlsx``) or a hidden file: never an input."""
    return path.name.startswith(("~$", "."))


def skip_reason(path: Path, suffixes: tuple[str, ...]) -> str | None:
    """Why a path inside a given folder is not read (None: it is read)."""
    if path.name.startswith("~$"):
        return "an Office lock file"
    if path.name.startswith("."):
        return "a hidden file"
    if path.is_dir():
        return "a sub-folder (only the files directly inside a folder are read)"
    if not path.is_file():
        return "not a regular file"
    if path.suffix.lower() not in suffixes:
        if path.suffix.lower() in PLAN_SUFFIXES:
            return f"a plan file (this command reads {_kinds(suffixes)})"
        return f"not one of the {_kinds(suffixes)} this command reads"
    return None


def _kinds(suffixes: tuple[str, ...]) -> str:
    """``workbooks, handouts or plan files``: what files of ``suffixes`` are."""
    kinds = [name for name, group in (("workbooks", WORKBOOK_SUFFIXES), ("handouts", HANDOUT_SUFFIXES),
                                      ("plan files", PLAN_SUFFIXES)) if set(group) & set(suffixes)]
    return ", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else kinds[0]


def expand_paths(paths: Iterable[str | os.PathLike], *,
                 suffixes: tuple[str, ...] = (*WORKBOOK_SUFFIXES, *HANDOUT_SUFFIXES, *PLAN_SUFFIXES),
                 skips: list[tuple[Path, str]] | None = None) -> list[Path]:
    """The input files: a folder stands for the files with one of ``suffixes`` directly inside
    it (sorted by name); lock files and hidden files are left out wherever they come from.
    ``skips`` (when given) collects each path left out with the reason."""
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = []
            for inside in sorted(path.iterdir()):
                reason = skip_reason(inside, suffixes)
                if reason is None:
                    found.append(inside)
                elif skips is not None:
                    skips.append((inside, reason))
            if not found:
                raise MapgenError(f"{path}: a folder with no {_kinds(suffixes)} in it")
            out += found
        elif not skipped(path):
            out.append(path)
        elif skips is not None:
            skips.append((path, skip_reason(path, suffixes) or "skipped"))
    return out


def read_input(path: str | os.PathLike, blueprint: Blueprint | None = None, *,
               date_order: Order | None = None, what: str = "read") -> Input:
    """One plan file (.json/.yaml), completed workbook (.xlsx...) or filled-in handout
    (.docx, .docm, .odt), as a plan.

    A workbook or handout is read exactly as ``mapgen read`` reads it, with ``blueprint``
    (default: the one it records); its stamped participant and audience become the plan's extra
    keys ``participant`` and ``audience``; ``cells`` (a workbook's) and ``places`` (a
    handout's) say where each row was read from. A plan file is typed by ``blueprint`` or the
    one it records. Numeric dates (03/04/2027) are read in ``date_order``, else as they show
    (:mod:`mapgen.core.date_order`).
    Raises UnusableInput (or MapgenError) for a file that cannot be used at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in PLAN_SUFFIXES:
        from mapgen.model.plan import load_plan

        plan = load_plan(path, blueprint, date_order=date_order)
        return Input(path, plan, plan.blueprint.name)
    if suffix in HANDOUT_SUFFIXES:
        from mapgen.formats.docx.reader import read_handout_with

        plan, info, used = read_handout_with(path, blueprint=blueprint, date_order=date_order)
        recorded = (info.record or {}).get("blueprint") or {}
        return Input(path, plan, recorded.get("name") if isinstance(recorded, dict) else None,
                     {}, used, places=info.places)
    if suffix not in WORKBOOK_SUFFIXES:
        raise UnusableInput(f"{path}: cannot {what} a '{suffix or path.name}' file; give "
                            "completed workbooks (.xlsx), handouts (.docx, .odt) or plan files "
                            "(.json, .yaml)")
    from mapgen.formats.xlsx.reader import read_workbook_with

    cells: Cells = {}
    plan, meta, used = read_workbook_with(path, blueprint=blueprint, date_order=date_order,
                                          cells=cells)
    if meta is None:
        return Input(path, plan, None, cells, used)
    plan.participant, plan.audience = meta.participant, meta.audience
    return Input(path, plan, meta.blueprint.get("name") or None, cells, used)


def blueprint_for(ref: str | Blueprint | None, recorded: str | None = None) -> Blueprint:
    """The one blueprint rule: ``--blueprint`` if given, else the one the input records (when it
    can be found), else ``map``."""
    from mapgen.model.blueprint import Blueprint, resolve_blueprint_ref

    if isinstance(ref, Blueprint):
        return ref
    return resolve_blueprint_ref(ref, recorded)


def load_input(path: str | os.PathLike, blueprint: str | Blueprint | None = None, *,
               date_order: Order | None = None, what: str = "read") -> tuple[Input, Blueprint]:
    """:func:`read_input`, and the blueprint chosen by :func:`blueprint_for` (the one the
    input was typed with)."""
    given = blueprint_for(blueprint) if blueprint is not None else None
    found = read_input(path, given, date_order=date_order, what=what)
    return found, given or found.blueprint or blueprint_for(None, found.recorded)
