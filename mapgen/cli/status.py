"""``mapgen status``: the weekly review of a plan or completed workbook."""

from __future__ import annotations

import os
import sys

import click

from mapgen.cli.app import CONTEXT, blueprint_option, echo_issues, main, run

FAIL_ON = ("stalled", "at_risk", "finding")
# Colours of the text report on a terminal, by the kind the renderer names.
COLOURS = {"stalled": {"fg": "red", "bold": True}, "at_risk": {"fg": "yellow"},
           "blocked": {"fg": "magenta"}, "due_soon": {"fg": "cyan"}, "heading": {"bold": True},
           "ok": {"fg": "green"}, "finding": {"fg": "yellow"}}
SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".txt": "text"}


def output_format(fmt: str | None, out_path: str | None) -> str:
    """``--format``, else the one ``--out``'s suffix names, else text."""
    if fmt:
        return fmt
    if out_path:
        from pathlib import Path

        return SUFFIX_FORMATS.get(Path(out_path).suffix.lower(), "text")
    return "text"


def write_or_echo(text: str, out_path: str | None, force: bool) -> None:
    """The report on stdout, or written atomically to ``--out`` (never over a file without
    --force)."""
    if out_path is None:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    from mapgen.fileio import atomic_write, check_writable

    check_writable(Path(out_path), force)
    atomic_write(out_path, text, force=force)
    click.echo(f"Wrote {out_path}", err=True)


def terminal_style(out_path: str | None, colours: dict = COLOURS):
    """click.style for each kind of line when the report goes to a terminal (and NO_COLOR is
    not set), else None."""
    if out_path is not None or not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return None
    return lambda text, kind: click.style(text, **colours[kind]) if kind in colours else text


@main.command(context_settings=CONTEXT)
@click.argument("plan_path", metavar="PLAN", type=click.Path())
@click.option("--as-of", "as_of", metavar="DATE",
              help="The review day, as 2027-01-20 (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default=None,
              help="text (default; a table for the terminal), markdown (for email, Slack, a "
                   "wiki) or json (for scripts). Default: from --out's suffix, else text.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Write the report to this file instead of stdout.")
@blueprint_option
@click.option("--fail-on", "fail_on", type=click.Choice(FAIL_ON), multiple=True,
              help="Exit 1 when any item is stalled / at risk, or the plan has a finding "
                   "(repeatable).")
@click.option("--force", is_flag=True, help="Overwrite an existing --out file.")
@run
def status(plan_path, as_of, fmt, out_path, blueprint_ref, fail_on, force) -> int:
    """The weekly review of PLAN (a plan file or completed workbook): progress per section,
    late (at risk 1-6 days, stalled 7+), blocked, unowned and undated items, what is due in the
    next 14 days, the next milestone, days to go-live, and where sections disagree.

    Exit 1 when the input has errors, or when --fail-on names something present.

    \b
    Examples:
      mapgen status plan.json
      mapgen status filled.xlsx --as-of 2027-01-20 --format markdown --out weekly.md
      mapgen status plan.json --format json --fail-on stalled --fail-on finding
    """
    from mapgen.report import plan_status, render_status

    report, plan = plan_status(plan_path, blueprint_ref, as_of)
    fmt = output_format(fmt, out_path)
    write_or_echo(render_status(report, fmt, terminal_style(out_path)), out_path, force)
    echo_issues(plan.issues)
    present = {"finding": bool(report["findings"]),
               "stalled": bool(report["overall"]["stalled"]),
               "at_risk": bool(report["overall"]["at_risk"])}
    return 1 if plan.errors or any(present[f] for f in fail_on) else 0
