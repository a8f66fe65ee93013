"""``mapgen read``: completed workbooks back into plan data."""

from __future__ import annotations

from pathlib import Path

import click

from mapgen.cli.app import (
    CONTEXT,
    blueprint_option,
    date_order_option,
    echo_issues,
    main,
    report_skips,
    run,
    verbose_option,
    warn,
)
from mapgen.core.text import plural

MAX_ISSUES_SHOWN = 20  # per input, on stderr; the plan holds them all


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@blueprint_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "csv"]), default=None,
              help="Default: by --out's suffix (.json, .yaml), else json.")
@click.option("--out", "out_path", type=click.Path(), metavar="PATH",
              help="A .json or .yaml file (several inputs: one list of plans), or a folder "
                   "(one file per input; csv: one file per section); default stdout.")
@date_order_option
@click.option("--month-first", is_flag=True, hidden=True, help="The same as --date-order mdy.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@verbose_option
@run
def read(files, blueprint_ref, fmt, out_path, date_order, month_first, force, verbose) -> int:
    """Read completed workbooks back into plan data (JSON, YAML or CSV).

    A folder stands for the workbooks directly in it; what else it holds (sub-folders, other
    files, Office lock files, hidden files) is skipped, and said so on stderr.
    Exit 0 when clean (warnings allowed), 1 when the data has errors (the plan's 'issues' say
    where), 2 when a file cannot be used at all.

    \b
    Examples:
      mapgen read output/map.xlsx
      mapgen read filled.xlsx --out plan.yaml         # YAML, by its suffix
      mapgen read homework/ --out plans/              # one plan file per workbook
      mapgen read homework/ --out all-plans.json      # one JSON list of plans
      mapgen read filled.xlsx --format csv --out plan-csv/
    """
    from mapgen.ops.inputs import blueprint_for
    from mapgen.ops.read import output_kind, read_files, read_outputs, write_outputs

    output_kind(fmt, out_path)  # a wrong --out is refused before anything is read
    blueprint = blueprint_for(blueprint_ref) if blueprint_ref else None
    order = "mdy" if month_first else date_order
    skips: list[tuple[Path, str]] = []
    plans = read_files(files, blueprint=blueprint, date_order=order, skips=skips)
    report_skips(skips, verbose)
    stdout = write_outputs(read_outputs(plans, fmt, out_path, blueprint=blueprint), force)
    if stdout is not None:
        click.echo(stdout, nl=False)
    for path, plan in plans:
        _report(path, plan)
    return 1 if any(plan.errors for _, plan in plans) else 0


def _report(path: Path, plan) -> None:
    """The input's first issues, then one summary line (stderr)."""
    echo_issues(plan.issues[:MAX_ISSUES_SHOWN])
    if len(plan.issues) > MAX_ISSUES_SHOWN:
        warn(f"... and {len(plan.issues) - MAX_ISSUES_SHOWN} more issues (see the plan's 'issues')")
    counts = ", ".join(f"{key} {len(rows)}" for key, rows in plan.sections.items() if rows)
    errors = len(plan.errors)
    warnings = len(plan.issues) - errors
    notes = sum(len(texts) for texts in plan.notes.values())
    noted = f"{plural(notes, 'note')}; " if notes else ""  # notes under tables (no rows)
    warn(f"{path}: {sum(len(r) for r in plan.sections.values())} rows"
         f"{f' ({counts})' if counts else ''}; {noted}{errors} error{'s' * (errors != 1)}, "
         f"{warnings} warning{'s' * (warnings != 1)}")
