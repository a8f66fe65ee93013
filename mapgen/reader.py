"""``mapgen read``: completed workbooks to plan files (JSON, YAML or CSV), several at once.

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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.errors import MapgenError

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.blueprint import Blueprint
    from mapgen.plan import Plan

MAX_ISSUES_SHOWN = 20  # per input, on stderr; the plan holds them all


def read_command(paths: list[Path], *, blueprint_ref: str | None, fmt: str, out: str | None,
                 day_first: bool, force: bool, echo: Callable[[str], None]) -> int:
    """Read ``paths`` and write their plans; returns the exit code (0 clean, 1 errors, 2 unusable).

    ``echo`` prints a line to stderr: each input's issues (the first few) and a summary.
    """
    from mapgen.blueprint import load_blueprint, resolve_blueprint_ref
    from mapgen.xlsx.reader import read_workbook

    if fmt == "csv" and not out:
        raise MapgenError("--format csv writes one file per section: give a folder with --out")
    blueprint = load_blueprint(blueprint_ref) if blueprint_ref else None
    plans: list[tuple[Path, Plan]] = []
    failed = []
    for path in paths:
        try:
            plans.append((path, read_workbook(path, blueprint=blueprint, day_first=day_first)))
        except MapgenError as exc:
            failed.append(str(exc))
    if failed:
        for line in failed:
            echo(f"Error: {line}")
        if plans:
            echo(f"Nothing written: {len(failed)} of {len(paths)} files could not be read.")
        return 2

    blueprints: dict[str, Blueprint] = {}

    def blueprint_of(plan: Plan) -> Blueprint:
        name = plan.blueprint.name
        if name not in blueprints:
            blueprints[name] = blueprint or resolve_blueprint_ref(None, name)
        return blueprints[name]

    outputs = _outputs(plans, fmt, out, blueprint_of)
    _write(outputs, force)
    for path, plan in plans:
        _report(path, plan, echo)
    return 1 if any(plan.errors for _, plan in plans) else 0


def _outputs(plans: list[tuple[Path, Plan]], fmt: str, out_arg: str | None,
             blueprint_of: Callable[[Plan], Blueprint]) -> list[tuple[Path | None, str]]:
    """(target, text) for every file to write; a None target is stdout."""
    from mapgen.fileio import safe_filename, unique_path
    from mapgen.plan import plan_csv_files

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


def _write(outputs: list[tuple[Path | None, str]], force: bool) -> None:
    """Check every target, then write them all (atomically); stdout goes last."""
    import click

    from mapgen.fileio import atomic_write, check_writable

    for target, _ in outputs:
        if target is not None:
            check_writable(target, force)
    for target, text in outputs:
        if target is None:
            click.echo(text, nl=False)
        else:
            try:
                atomic_write(target, text, force=force)
            except OSError as exc:
                raise MapgenError(f"{target}: cannot write ({exc.strerror or exc})") from None


def _report(path: Path, plan: Plan, echo: Callable[[str], None]) -> None:
    """The input's first issues, then one summary line."""
    for issue in plan.issues[:MAX_ISSUES_SHOWN]:
        echo(f"{issue.severity}: {issue}")
    if len(plan.issues) > MAX_ISSUES_SHOWN:
        echo(f"... and {len(plan.issues) - MAX_ISSUES_SHOWN} more issues (see the plan's 'issues')")
    counts = ", ".join(f"{key} {len(rows)}" for key, rows in plan.sections.items() if rows)
    errors = len(plan.errors)
    warnings = len(plan.issues) - errors
    echo(f"{path}: {sum(len(r) for r in plan.sections.values())} rows"
         f"{f' ({counts})' if counts else ''}; {errors} error{'s' * (errors != 1)}, "
         f"{warnings} warning{'s' * (warnings != 1)}")
