"""``mapgen status``: the weekly review of a plan or completed workbook."""

from __future__ import annotations

import click

from mapgen.cli.app import CONTEXT, blueprint_option, date_order_option, echo_plan_issues, main, run
from mapgen.cli.reports import (
    REPORT_FORMATS,
    output_format,
    report_options,
    terminal_style,
    write_or_echo,
)

FAIL_ON = ("stalled", "at_risk", "finding")
FORMATS = (*REPORT_FORMATS, "html")
# Colours of the text report on a terminal, by the kind the renderer names.
COLOURS = {"stalled": {"fg": "red", "bold": True}, "at_risk": {"fg": "yellow"},
           "blocked": {"fg": "magenta"}, "due_soon": {"fg": "cyan"}, "heading": {"bold": True},
           "ok": {"fg": "green"}, "finding": {"fg": "yellow"}}
@main.command(context_settings=CONTEXT)
@click.argument("plan_path", metavar="PLAN", type=click.Path())
@click.option("--as-of", "as_of", metavar="DATE",
              help="The review day, as 2027-01-20 (default: today).")
@report_options("the report", FORMATS)
@blueprint_option
@click.option("--fail-on", "fail_on", type=click.Choice(FAIL_ON), multiple=True,
              help="Exit 1 when any item is stalled / at risk, or the plan has a finding "
                   "(repeatable).")
@date_order_option
@run
def status(plan_path, as_of, fmt, out_path, blueprint_ref, fail_on, date_order, force) -> int:
    """The weekly review of PLAN (a plan file or completed workbook): progress per section,
    late (at risk 1-6 days, stalled 7+), blocked, unowned and undated items, what is due in the
    next 14 days, the next milestone, days to go-live, and where sections disagree.

    Exit 1 when the input has errors, or when --fail-on names something present.

    \b
    Examples:
      mapgen status plan.json
      mapgen status filled.xlsx --as-of 2027-01-20 --format markdown --out weekly.md
      mapgen status plan.json --out weekly.html        # an email-safe page
      mapgen status plan.json --format json --fail-on stalled --fail-on finding
    """
    from mapgen.ops.status_report import plan_status, render_status

    fmt = output_format(fmt, out_path, FORMATS)  # a wrong --out: refused before reading
    report, plan = plan_status(plan_path, blueprint_ref, as_of, date_order=date_order)
    write_or_echo(render_status(report, fmt, terminal_style(out_path, COLOURS)), out_path, force)
    echo_plan_issues(plan, plan_path)
    present = {"finding": bool(report["findings"]),
               "stalled": bool(report["overall"]["stalled"]),
               "at_risk": bool(report["overall"]["at_risk"])}
    return 1 if plan.errors or any(present[f] for f in fail_on) else 0
