"""``mapgen generate``: the documents of one plan, or of every deal of a CRM export."""

from __future__ import annotations

import click

from mapgen import formats
from mapgen.cli.app import CONTEXT, blueprint_option, load_plan_option, main, plural, run, warn
from mapgen.cli.progress import progress_bar


@main.command(context_settings=CONTEXT)
@blueprint_option
@click.option("--format", "fmt", type=click.Choice([*formats.names("document"), "all"]),
              default="all", show_default=True,
              help="Which documents to write ('all': " + " and ".join(formats.ALL) + ").")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), metavar="PLAN",
              help="Pre-fill from a plan (.json/.yaml, as written by 'mapgen read') or a "
                   "completed workbook.")
@click.option("--deals", "deals_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Batch: one set of documents per deal in a CSV or JSON file.")
@click.option("--audience", type=click.Choice(["internal", "buyer"]), default="internal",
              show_default=True, help="'buyer' leaves internal columns and sections out.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="output",
              show_default=True, help="Folder to write into.")
@click.option("--name", "name_template", metavar="TEMPLATE",
              help="File name template for --deals (default: '{buyer} - {name}').")
@click.option("--protect", is_flag=True, help="Lock the workbook's layout (no password).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel workers for --deals (default: number of cores).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@run
def generate(blueprint_ref, fmt, plan_path, deals_path, audience, out_dir, name_template,
             protect, jobs, force) -> int:
    """Write the MAP handout (.docx) and workbook (.xlsx), blank or pre-filled.

    Prints the paths written, one a line. Never overwrites without --force.

    \b
    Examples:
      mapgen generate                              # blank, default blueprint, into output/
      mapgen generate --blueprint saas --plan deal.yaml --audience buyer
      mapgen generate --deals crm-export.csv --blueprint saas --out deals/
    """
    from mapgen.generator import generate as write_documents

    names = formats.expand([fmt])
    if plan_path and deals_path:
        raise click.UsageError("use either --plan or --deals, not both")
    if deals_path:
        return _batch(deals_path, blueprint_ref, names, audience, out_dir, force,
                      name_template, jobs, protect)
    plan, bp = load_plan_option(plan_path, blueprint_ref)
    for path in write_documents(bp, plan=plan, formats=names, audience=audience,
                                out_dir=out_dir, force=force, protect=protect):
        click.echo(str(path))
    return 0


def _batch(deals_path, blueprint_ref, names, audience, out_dir, force, name_template, jobs,
           protect) -> int:
    """``--deals``: check everything, then write with a progress bar; 1 when any deal failed."""
    from mapgen.batch import prepare_batch
    from mapgen.inputs import blueprint_for

    batch = prepare_batch(deals_path, blueprint_for(blueprint_ref), formats=names,
                          audience=audience, out_dir=out_dir, force=force,
                          name_template=name_template, protect=protect)
    with progress_bar(len(batch.jobs), f"Generating {len(batch.jobs)} deals") as step:
        result = batch.run(jobs, step)
    for path in result.written:
        click.echo(str(path))
    for line in batch.warnings:
        warn(f"warning: {line}")
    for line in result.failed:
        warn(f"error: {line}")
    warn(f"{plural(result.generated, 'deal')} generated, {len(result.failed)} failed")
    return 0 if result.ok else 1
