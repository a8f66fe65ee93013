"""``mapgen workshop``: the facilitator's kit."""

from __future__ import annotations

from pathlib import Path

import click

from mapgen.cli.app import (
    CONTEXT,
    blueprint_option,
    date_order_option,
    echo_issues,
    folder_out,
    load_plan_option,
    main,
    run,
)
from mapgen.cli.progress import progress_bar


@main.command(context_settings=CONTEXT)
@blueprint_option
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), metavar="PLAN",
              help="Pre-fill the handouts and homework from a plan or a completed workbook.")
@click.option("--participants", metavar="NAMES|FILE",
              help="Comma-separated names, or a file with one name a line.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="output/workshop",
              show_default=True)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@date_order_option
@run
def workshop(blueprint_ref, plan_path, participants, out_dir, force, date_order) -> int:
    """Write the workshop kit: handouts, facilitator guide, homework workbooks, checklist.

    One handout and one name-stamped homework workbook per participant, a facilitator guide with
    the two sessions' agenda, CHECKLIST.md with the exact commands for the next steps, and an
    empty returned/ folder for the homework. A blueprint whose standard rows are dated from the
    deal also gets deal.yaml to fill in when no --plan is given.

    \b
    Examples:
      mapgen workshop --participants "Ann Lee, Bob Diaz, Cleo Park" --out kit/
      mapgen workshop --blueprint saas --plan deal.yaml --participants team.txt
    """
    from mapgen.ops.workshop import parse_participants, prepare_workshop

    if date_order and not plan_path:
        raise click.UsageError("--date-order says how the dates of --plan are written; give --plan too")
    folder_out(out_dir, "workshop")
    names = parse_participants(participants, source="--participants")
    plan, bp = load_plan_option(plan_path, blueprint_ref, date_order)
    prepared = prepare_workshop(bp, plan=plan, participants=names, out_dir=Path(out_dir),
                                force=force)
    echo_issues(list(prepared.warnings))
    with progress_bar(len(prepared.paths), f"Writing the kit for {len(names)}") as step:
        paths = prepared.write(step)
    for path in paths:
        click.echo(str(path))
    return 0
