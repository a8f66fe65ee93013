"""``mapgen read``: completed workbooks back into plan data."""

from __future__ import annotations

from pathlib import Path

import click

from mapgen.cli.app import CONTEXT, blueprint_option, main, run, warn

MAX_ISSUES_SHOWN = 20  # per input, on stderr; the plan holds them all


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@blueprint_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "csv"]), default="json",
              show_default=True)
@click.option("--out", "out_path", type=click.Path(), metavar="PATH",
              help="File to write (a folder for csv or for several inputs); default stdout.")
@click.option("--date-order", type=click.Choice(["dmy", "mdy"]), default=None,
              help="Read numeric dates like 03/04/2027 day-first (dmy) or month-first (mdy); "
                   "default: as each column's dates show, else day-first with a warning.")
@click.option("--month-first", is_flag=True, hidden=True, help="The same as --date-order mdy.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@run
def read(files, blueprint_ref, fmt, out_path, date_order, month_first, force) -> int:
    """Read completed workbooks back into plan data (JSON, YAML or CSV).

    A folder stands for the workbooks in it (Office lock files and hidden files are skipped).
    Exit 0 when clean (warnings allowed), 1 when the data has errors (the plan's 'issues' say
    where), 2 when a file cannot be used at all.

    \b
    Examples:
      mapgen read output/map.xlsx
      mapgen read filled.xlsx --format yaml --out plan.yaml
      mapgen read homework/ --out plans/
      mapgen read filled.xlsx --format csv --out plan-csv/
    """
    from mapgen.ops.inputs import blueprint_for
    from mapgen.ops.read import read_files, read_outputs, write_outputs

    blueprint = blueprint_for(blueprint_ref) if blueprint_ref else None
    order = "mdy" if month_first else date_order
    plans = read_files(files, blueprint=blueprint, day_first=order != "mdy")
    stdout = write_outputs(read_outputs(plans, fmt, out_path, blueprint=blueprint), force)
    if stdout is not None:
        click.echo(stdout, nl=False)
    for path, plan in plans:
        _report(path, plan)
    return 1 if any(plan.errors for _, plan in plans) else 0


def _report(path: Path, plan) -> None:
    """The input's first issues, then one summary line (stderr)."""
    for issue in plan.issues[:MAX_ISSUES_SHOWN]:
        warn(f"{issue.severity}: {issue}")
    if len(plan.issues) > MAX_ISSUES_SHOWN:
        warn(f"... and {len(plan.issues) - MAX_ISSUES_SHOWN} more issues (see the plan's 'issues')")
    counts = ", ".join(f"{key} {len(rows)}" for key, rows in plan.sections.items() if rows)
    errors = len(plan.errors)
    warnings = len(plan.issues) - errors
    warn(f"{path}: {sum(len(r) for r in plan.sections.values())} rows"
         f"{f' ({counts})' if counts else ''}; {errors} error{'s' * (errors != 1)}, "
         f"{warnings} warning{'s' * (warnings != 1)}")
