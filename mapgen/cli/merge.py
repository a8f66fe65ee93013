"""``mapgen merge``: the team's homework consolidated into one plan."""

from __future__ import annotations

from pathlib import Path

import click

from mapgen.cli.app import (
    CONTEXT,
    blueprint_option,
    date_order_option,
    main,
    report_skips,
    run,
    verbose_option,
    warn,
)
from mapgen.cli.progress import progress_bar
from mapgen.core.errors import MapgenError, MixedBlueprints
from mapgen.formats import registry as formats


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Consolidated plan: " + ", ".join(f.suffix for f in formats.FORMATS.values())
                   + ".")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the full merge report here (JSON; YAML when the name ends in .yaml).")
@click.option("--prefer", type=click.Choice(["first", "last"]), default=None,
              help="On a conflict keep this side's value (default: first, and mark it).")
@blueprint_option
@click.option("--keep-going", is_flag=True,
              help="Merge the usable files and name each skipped one with its reason (exit 1).")
@date_order_option
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@verbose_option
@run
def merge(files, out_path, report_path, prefer, blueprint_ref, keep_going, date_order, force,
          verbose) -> int:
    """Consolidate completed workbooks and plan files into one plan, losing nothing.

    A folder stands for the workbooks and plan files directly in it; what else it holds
    (sub-folders, other files, Office lock files, hidden files) is skipped, and said so.

    \b
    Examples:
      mapgen merge homework/*.xlsx --out output/consolidated.xlsx --report merge.json
      mapgen merge ann.xlsx bob.xlsx buyer.xlsx --out plan.json --prefer last
      mapgen merge returned/ --out plan.json --keep-going   # skip files that cannot be used
      mapgen merge --blueprint saas saas/*.xlsx map-copy.xlsx --out plan.json
    """
    from mapgen.ops.inputs import blueprint_for, expand_paths
    from mapgen.ops.merge import merge_to

    out = Path(out_path)
    report = Path(report_path) if report_path else None
    formats.for_path(out)  # an unknown output type is refused before anything is read
    skips: list[tuple[Path, str]] = []
    paths = expand_paths(files, skips=skips)
    report_skips(skips, verbose)
    bp = blueprint_for(blueprint_ref) if blueprint_ref else None
    try:
        with progress_bar(len(paths), f"Reading {len(paths)} files") as step:
            result = merge_to(paths, out, report=report, prefer=prefer, blueprint=bp, force=force,
                              on_read=step, keep_going=keep_going, date_order=date_order)
    except MixedBlueprints as exc:  # the library says what; the command line names the option
        if exc.parent_and_company:
            raise MapgenError(f"{exc}: use --blueprint COMPANY") from None
        raise
    for line in result.summary(report_hint="see --report", prefer_hint="--prefer {side}"):
        warn(line)
    warn(f"Wrote {out}" + (f" and {report}" if report is not None else ""))
    return 1 if result.plan.errors or result.skipped else 0
