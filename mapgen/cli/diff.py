"""``mapgen diff``: what changed between two versions of a plan."""

from __future__ import annotations

import click

from mapgen.cli.app import CONTEXT, blueprint_option, date_order_option, echo_plan_issues, main, run
from mapgen.cli.reports import output_format, report_options, terminal_style, write_or_echo

COLOURS = {"added": {"fg": "green"}, "removed": {"fg": "red"}, "slipped": {"fg": "yellow"},
           "completed": {"fg": "cyan"}, "heading": {"bold": True}}


@main.command(context_settings=CONTEXT)
@click.argument("old_path", metavar="OLD", type=click.Path())
@click.argument("new_path", metavar="NEW", type=click.Path())
@report_options("the changes")
@blueprint_option
@date_order_option
@run
def diff(old_path, new_path, fmt, out_path, blueprint_ref, date_order, force) -> int:
    """What changed from OLD to NEW (plan files or completed workbooks of one blueprint): rows
    added and removed, fields changed, deadline slips in days, items completed, deal facts.

    Rows are matched by their section's identity, as merge matches them: reordering rows is
    not a change. Exit 1 when an input has errors.

    \b
    Examples:
      mapgen diff last-week.xlsx this-week.xlsx
      mapgen diff plan-v1.json plan-v2.json --format markdown --out changes.md
      mapgen diff old.xlsx new.xlsx --format json
    """
    from mapgen.ops.diff import diff_files, render_diff

    fmt = output_format(fmt, out_path)  # a wrong --out is refused before anything is read
    result, plans = diff_files(old_path, new_path, blueprint_ref, date_order=date_order)
    style = terminal_style(out_path, COLOURS)
    write_or_echo(render_diff(result, fmt, style), out_path, force)
    for source, plan in zip((old_path, new_path), plans, strict=False):
        echo_plan_issues(plan, source)
    return 1 if any(plan.errors for plan in plans) else 0
