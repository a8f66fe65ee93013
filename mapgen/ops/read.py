"""Reading workbooks to plan files (JSON, YAML or CSV), several at once: ``mapgen read``'s library.

Every input is read before anything is written: when one cannot be used (exit 2), nothing is
written at all. Outputs are checked before the first is written, never overwrite an existing
file without ``force``, and are written atomically.

Where the output goes:

====================  ===================================  ==================================
                      one input                            several inputs
====================  ===================================  ==================================
no ``--out``          the plan on stdout                   a JSON/YAML list of plans on stdout
``--out PATH``        the file PATH (in it, if a folder)   ``PATH/<input stem>.json`` each
``--format csv``      ``PATH/`` with one file a section    ``PATH/<input stem>/`` each
====================  ===================================  ==================================
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.core.errors import InputsFailed, MapgenError

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan

Output = tuple[Path | None, str]  # (target, text); a None target is stdout


def read_files(paths: Iterable[str | os.PathLike], *, blueprint: Blueprint | None = None,
               day_first: bool = True) -> list[tuple[Path, Plan]]:
    """Read every workbook and handout (folders stand for the ones inside them).

    Raises :class:`~mapgen.core.errors.InputsFailed` listing every file that cannot be used, having
    kept none: all inputs are usable or nothing is written.
    """
    from mapgen.formats.xlsx.reader import read_workbook
    from mapgen.ops.inputs import HANDOUT_SUFFIXES, expand_paths, read_input

    files = expand_paths(paths)
    plans: list[tuple[Path, Plan]] = []
    failed: list[str] = []
    for path in files:
        try:
            if path.suffix.lower() in HANDOUT_SUFFIXES:
                plans.append((path, read_input(path, blueprint, day_first=day_first).plan))
            else:
                plans.append((path, read_workbook(path, blueprint=blueprint, day_first=day_first)))
        except MapgenError as exc:
            failed.append(str(exc))
    if failed:
        raise InputsFailed(failed, total=len(files))
    return plans


def read_outputs(plans: list[tuple[Path, Plan]], fmt: str, out: str | None, *,
                 blueprint: Blueprint | None = None) -> list[Output]:
    """(target, text) for every file to write, as the table above says."""
    from mapgen.ops.inputs import blueprint_for

    if fmt == "csv" and not out:
        raise MapgenError("--format csv writes one file per section: give a folder with --out")
    blueprints: dict[str, Blueprint] = {}

    def blueprint_of(plan: Plan) -> Blueprint:
        name = plan.blueprint.name
        if name not in blueprints:
            blueprints[name] = blueprint or blueprint_for(None, name)
        return blueprints[name]

    return _outputs(plans, fmt, out, blueprint_of)


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


def _outputs(plans: list[tuple[Path, Plan]], fmt: str, out_arg: str | None,
             blueprint_of: Callable[[Plan], Blueprint]) -> list[tuple[Path | None, str]]:
    """(target, text) for every file to write; a None target is stdout."""
    from mapgen.core.fileio import safe_filename, unique_path
    from mapgen.model.plan import plan_csv_files

    if not out_arg:
        if len(plans) == 1:
            return [(None, _dump(plans[0][1], fmt))]
        return [(None, _dump_list([plan for _, plan in plans], fmt))]
    out = Path(out_arg)
    folder_wanted = fmt == "csv" or len(plans) > 1
    if folder_wanted and out.exists() and not out.is_dir():
        why = "one file per section" if fmt == "csv" else "one file per input"
        raise MapgenError(f"{out} is a file, but --out must be a folder here ({why})")
    if fmt == "csv":
        taken: set[str] = set()
        files = []
        for path, plan in plans:
            folder = out if len(plans) == 1 else unique_path(out, safe_filename(path.stem), "", taken)
            files += [(folder / name, text)
                      for name, text in plan_csv_files(plan, blueprint_of(plan)).items()]
        return files
    if len(plans) == 1 and not out.is_dir() and not out_arg.endswith(("/", os.sep)):
        return [(out, _dump(plans[0][1], fmt))]
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
