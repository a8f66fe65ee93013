"""``mapgen shift``: reschedule a plan or workbook into a new file, printing each moved date."""

from __future__ import annotations

import click

from mapgen.cli.app import CONTEXT, blueprint_option, date_order_option, main, run, warn
from mapgen.core.text import plural


@main.command(context_settings=CONTEXT)
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--start", "start", metavar="DATE", help="New deal start date.")
@click.option("--close", "close", metavar="DATE", help="New deal close date.")
@click.option("--go-live", "go_live", metavar="DATE", help="New go-live date.")
@click.option("--row", "row", metavar="SECTION:N",
              help="Move row N (counted from 1) of a section, e.g. phases:3.")
@click.option("--by", "by", metavar="OFFSET",
              help="With --row: move by 2w, 5bd (business days), -3d ...")
@click.option("--to", "to", metavar="DATE", help="With --row: move to this date.")
@click.option("--no-cascade", is_flag=True,
              help="With --row: move that row only (not the later rows and phase's actions).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), metavar="PATH",
              help="The new workbook (.xlsx) or plan file (.json/.yaml); the input is never changed "
                   "(a handout shifts into either).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@blueprint_option
@date_order_option
@run
def shift(plan_path, start, close, go_live, row, by, to, no_cascade, out, force,
          blueprint_ref, date_order) -> int:
    """Move a deal date with every date that follows it, or a row with the rows after it.

    A deal date (--start, --close, --go-live) moves every date written relative to it
    (go_live-6w ...); dates people typed stay. --row SECTION:N moves that row by --by or --to,
    and (unless --no-cascade) every later row of the section and, for phases, the action items
    of each phase moved. Prints each moved date, old -> new.

    \b
    Examples:
      mapgen shift plan.xlsx --go-live 2027-04-12 --out plan-v2.xlsx
      mapgen shift plan.json --row phases:3 --by 2w --out plan-v2.json
      mapgen shift plan.xlsx --row action_items:4 --to 2027-02-01 --no-cascade --out v3.xlsx
      mapgen shift handout.docx --go-live 2027-05-03 --out plan-v2.json   # a handout: into a plan
    """
    from mapgen.ops.shift import shift_file

    deal = {k: v for k, v in (("start", start), ("close", close), ("go_live", go_live)) if v}
    if deal and row:
        raise click.UsageError("give new deal dates or --row, not both")
    if not deal and not row:
        raise click.UsageError("give --start, --close or --go-live DATE, or --row SECTION:N")
    if not row and (by or to or no_cascade):
        raise click.UsageError("--by, --to and --no-cascade go with --row")
    if row and bool(by) == bool(to):
        raise click.UsageError("--row needs --by OFFSET or --to DATE (one of them)")
    result = shift_file(plan_path, out, blueprint=blueprint_ref, deal=deal or None, row=row,
                        by=by, to=to, cascade=not no_cascade, force=force,
                        date_order=date_order)
    for move in result.moves:
        click.echo(str(move))
    warn(f"{plural(len(result.moves), 'date')} moved; wrote {result.path}")
    if result.written_as:
        warn(f"{plan_path} is a handout: the shifted plan was written as a {result.written_as} "
             f"({result.path}); the handout itself is unchanged")
    return 0
