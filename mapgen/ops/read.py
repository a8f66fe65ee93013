"""Reading workbooks to plan files (JSON, YAML or CSV), several at once: ``mapgen read``'s library.

Every input is read before anything is written: when one cannot be used (exit 2), nothing is
written at all. Outputs are checked before the first is written, never overwrite an existing
file without ``force``, and are written atomically.

Where the output goes (the format is ``--format``, else ``--out``'s suffix, else JSON):

=========================  ===============================  ==================================
                           one input                        several inputs
=========================  ===============================  ==================================
no ``--out``               the plan on stdout               a JSON/YAML list of plans on stdout
``--out plan.json|yaml``   that file                        that file, holding a list of plans
``--out FOLDER``           ``FOLDER/<input stem>.json``     ``FOLDER/<input stem>.json`` each
``--format csv``           ``FOLDER/`` one file a section   ``FOLDER/<input stem>/`` each
=========================  ===============================  ==================================

A FOLDER is an existing folder or a path without a suffix (or ending in ``/``). Any other
suffix (``plan.csv``, ``plan.docx``) is refused, as is a ``--format`` that its suffix
contradicts: a folder is never given a file's name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.core.errors import BadArgument, InputsFailed, MapgenError

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan

Output = tuple[Path | None, str]  # (target, text); a None target is stdout
SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}  # a plan file's formats


def read_files(paths: Iterable[str | os.PathLike], *, blueprint: Blueprint | None = None,
               date_order: Order | None = None,
               skips: list[tuple[Path, str]] | None = None) -> list[tuple[Path, Plan]]:
    """Read every workbook and handout (folders stand for the ones inside them; ``skips``
    collects what a folder holds that is not read, with the reason).

    Raises :class:`~mapgen.core.errors.InputsFailed` listing every file that cannot be used, having
    kept none: all inputs are usable or nothing is written.
    """
    from mapgen.formats.xlsx.reader import read_workbook
    from mapgen.ops.inputs import HANDOUT_SUFFIXES, WORKBOOK_SUFFIXES, expand_paths, read_input

    files = expand_paths(paths, suffixes=(*WORKBOOK_SUFFIXES, *HANDOUT_SUFFIXES), skips=skips)
    plans: list[tuple[Path, Plan]] = []
    failed: list[MapgenError] = []
    for path in files:
        try:
            if path.suffix.lower() in HANDOUT_SUFFIXES:
                plans.append((path, read_input(path, blueprint, date_order=date_order).plan))
            else:
                plans.append((path, read_workbook(path, blueprint=blueprint,
                                                  date_order=date_order)))
        except MapgenError as exc:
            failed.append(exc)
    if failed:
        raise InputsFailed(failed, total=len(files))
    return plans


def read_outputs(plans: list[tuple[Path, Plan]], fmt: str | None, out: str | None, *,
                 blueprint: Blueprint | None = None) -> list[Output]:
    """(target, text) for every file to write, as the table above says (``fmt`` None: by
    ``out``'s suffix, else JSON)."""
    from mapgen.ops.inputs import blueprint_for

    fmt, folder = output_kind(fmt, out)
    if fmt == "csv" and not out:
        raise BadArgument("{-format} csv writes one file per section: give a folder with {-out}")
    blueprints: dict[str, Blueprint] = {}

    def blueprint_of(plan: Plan) -> Blueprint:
        name = plan.blueprint.name
        if name not in blueprints:
            blueprints[name] = blueprint or blueprint_for(None, name)
        return blueprints[name]

    return _outputs(plans, fmt, out, folder, blueprint_of)


def output_kind(fmt: str | None, out: str | None) -> tuple[str, bool]:
    """The format to write and whether ``out`` is a folder; MapgenError (exit 2) for a suffix
    that fits no format, or contradicts ``fmt``."""
    if not out:
        return fmt or "json", False
    path = Path(out)
    if path.is_dir() or out.endswith(("/", os.sep)) or not path.suffix:
        return fmt or "json", True
    suffix = path.suffix.lower()
    if suffix == ".csv" or fmt == "csv":
        raise BadArgument("{-out} {out}: CSV is one file per section, written into a folder: "
                          "give a folder, e.g. {-out} {folder}-csv/", out=out,
                          folder=path.with_suffix(""))
    named = SUFFIXES.get(suffix)
    if named is None:
        raise BadArgument("{-out} {out}: read writes plan data as .json or .yaml (or CSV into a "
                          "folder), not '{suffix}'", out=out, suffix=path.suffix)
    if fmt and fmt != named:
        raise BadArgument("{-out} {out} is {named} by its suffix, but {-format} is {fmt}: "
                          "give one of them, or a matching suffix", out=out, named=named.upper(),
                          fmt=fmt)
    return named, False


def write_outputs(outputs: list[Output], force: bool) -> str | None:
    """Check every target, then write them all (atomically); returns the text meant for stdout."""
    from mapgen.core.fileio import atomic_write, check_writable

    for target, _ in outputs:
        if target is not None:
            check_writable(target, force)
    stdout = None
    for target, text in outputs:
        if target is None:
            stdout = text
        else:
            try:
                atomic_write(target, text, force=force)
            except OSError as exc:
                raise MapgenError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return stdout


def _outputs(plans: list[tuple[Path, Plan]], fmt: str, out_arg: str | None, folder: bool,
             blueprint_of: Callable[[Plan], Blueprint]) -> list[tuple[Path | None, str]]:
    """(target, text) for every file to write; a None target is stdout."""
    from mapgen.core.fileio import safe_filename, unique_path
    from mapgen.model.plan import plan_csv_files

    if not out_arg or not folder:
        target = Path(out_arg) if out_arg else None
        if len(plans) == 1:
            return [(target, _dump(plans[0][1], fmt))]
        return [(target, _dump_list([plan for _, plan in plans], fmt))]
    out = Path(out_arg)
    if out.exists() and not out.is_dir():
        why = "one file per section" if fmt == "csv" else "one file per input"
        raise BadArgument("{out} is a file, but {-out} must be a folder here ({why})", out=out,
                          why=why)
    if fmt == "csv":
        taken: set[str] = set()
        files = []
        for path, plan in plans:
            where = out if len(plans) == 1 else unique_path(out, safe_filename(path.stem), "", taken)
            files += [(where / name, text)
                      for name, text in plan_csv_files(plan, blueprint_of(plan)).items()]
        return files
    taken = set()
    return [(unique_path(out, safe_filename(path.stem), f".{fmt}", taken), _dump(plan, fmt))
            for path, plan in plans]


def _dump(plan: Plan, fmt: str) -> str:
    return plan.to_yaml() if fmt == "yaml" else plan.to_json()


def _dump_list(plans: list[Plan], fmt: str) -> str:
    data = [plan.to_data() for plan in plans]
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
