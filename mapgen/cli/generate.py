"""``mapgen generate``: the documents of one plan, or of every deal of a CRM export."""

from __future__ import annotations

from pathlib import Path

import click

from mapgen.cli.app import (
    CONTEXT,
    blueprint_option,
    date_order_option,
    file_out,
    issue_line,
    load_plan_option,
    main,
    run,
    warn,
)
from mapgen.cli.progress import progress_bar
from mapgen.core.errors import Issue
from mapgen.core.text import plural
from mapgen.formats import registry as formats


@main.command(context_settings=CONTEXT)
@blueprint_option
@click.option("--format", "fmt", type=click.Choice([*formats.names("document"), "all"]),
              default=None,
              help="Which documents to write (default 'all': " + " and ".join(formats.ALL)
                   + "; with --out FILE: the file's, by its suffix).")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), metavar="PLAN",
              help="Pre-fill from a plan (.json/.yaml, as written by 'mapgen read') or a "
                   "completed workbook.")
@click.option("--deals", "deals_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Batch: one set of documents per deal in a CSV or JSON file.")
@click.option("--audience", type=click.Choice(["internal", "buyer"]), default="internal",
              show_default=True, help="'buyer' leaves internal columns and sections out.")
@click.option("--out", "out_dir", type=click.Path(), default="output", show_default=True,
              help="Folder to write into, or one file whose suffix names its format "
                   "(deal.docx, deal.pdf).")
@click.option("--name", "name_template", metavar="TEMPLATE",
              help="File name without its suffix, with deal fields in braces (default: "
                   "'{buyer} - {name}' for a deal, the blueprint's name for a blank template).")
@click.option("--protect", is_flag=True, help="Lock the workbook's layout (no password).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel workers for --deals (default: number of cores).")
@click.option("--shard", metavar="K/N", callback=lambda _c, _p, v: _shard(v),
              help="With --deals: write only the K-th of N disjoint parts of the deals, so that "
                   "N machines share one export (1/4, 2/4, 3/4, 4/4 together write it all).")
@click.option("--owner", "owners", multiple=True, metavar="NAME",
              help="With --format ics: only the items this person is responsible for "
                   "(repeatable, any case). With --deals, each deal's calendar holds that "
                   "person's items, and a deal without any gets no calendar (the summary "
                   "counts them).")
@date_order_option
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@run
def generate(blueprint_ref, fmt, plan_path, deals_path, audience, out_dir, name_template,
             protect, jobs, shard, date_order, force, owners) -> int:
    """Write the MAP handout (.docx) and workbook (.xlsx), blank or pre-filled.

    Prints the paths written, one a line. Never overwrites without --force.

    \b
    Examples:
      mapgen generate                              # blank, default blueprint, into output/
      mapgen generate --blueprint saas --plan deal.yaml --audience buyer
      mapgen generate --deals crm-export.csv --blueprint saas --out deals/
      mapgen generate --deals crm-export.csv --shard 2/8 --out deals/   # machine 2 of 8
      mapgen generate --plan deal.yaml --format ics --owner "Ann Lee"   # her calendar
      mapgen generate --deals crm-export.csv --format ics --owner CSM   # per deal, CSM's items
    """
    from mapgen.ops.generate import generate as write_documents

    out_file = file_out(out_dir)
    if out_file is not None:
        fmt = _one_file(out_file, fmt, deals_path)
        out_dir = str(out_file.parent)
    names = formats.expand([fmt or "all"])
    if owners and "ics" not in names:
        raise click.UsageError("--owner picks the calendar's items: use it with --format ics")
    if any(not name.strip() for name in owners):
        raise click.UsageError("--owner needs a person's name (it was empty)")
    if plan_path and deals_path:
        raise click.UsageError("use either --plan or --deals, not both")
    if shard and not deals_path:
        raise click.UsageError("--shard splits a --deals batch; give --deals too")
    if date_order and not (deals_path or plan_path):
        raise click.UsageError("--date-order says how the dates of --deals or --plan are "
                               "written; give one of them")
    if deals_path:
        return _batch(deals_path, blueprint_ref, names, audience, out_dir, force,
                      name_template, jobs, protect, shard, list(owners), date_order)
    plan, bp = load_plan_option(plan_path, blueprint_ref, date_order)
    stem = _stem(name_template, plan) if name_template is not None else None
    if out_file is not None:
        if name_template is not None:
            raise click.UsageError("--out names the file already; leave --name out")
        stem = out_file.stem
    options = formats.WriteOptions(protect=protect, extra={"owners": list(owners)})
    for path in write_documents(bp, plan=plan, formats=names, audience=audience,
                                out_dir=out_dir, force=force, options=options, stem=stem):
        click.echo(str(path))
    return 0


def _one_file(out: Path, fmt: str | None, deals_path: str | None) -> str:
    """The format of ``--out FILE`` (by its suffix); refused where it would not be one file."""
    documents = {formats.get(name).suffix: name for name in formats.names("document")}
    name = documents.get(out.suffix.lower())
    if name is None:
        data = " (plan data comes from 'mapgen read', not generate)" * (
            out.suffix.lower() in (".json", ".yaml", ".yml"))
        raise click.UsageError(f"--out {out}: generate writes into a folder, or one file ending "
                               f"in {', '.join(documents)}, not '{out.suffix}'{data}")
    if deals_path:
        raise click.UsageError(f"--out {out} is one file, but --deals writes files for every "
                               "deal: give a folder")
    if fmt and fmt != name:
        raise click.UsageError(f"--out {out} is {name} by its suffix, but --format is {fmt}: "
                               "give a folder, or a matching suffix")
    return name


def _stem(template: str, plan) -> str:
    """``--name`` for one plan (or a blank template): the file name's stem, from deal fields."""
    from mapgen.ops.batch import file_stem

    stem = file_stem(template, plan.deal if plan is not None else {})
    if not stem:
        what = "the plan's deal has none of its fields" if plan else "a blank template has no deal"
        raise click.UsageError(f"--name '{template}' gives no file name: {what}")
    return stem


def _shard(value: str | None) -> tuple[int, int] | None:
    """``K/N`` as (K, N), 1 <= K <= N."""
    if value is None:
        return None
    k, sep, n = value.partition("/")
    if not (sep and k.strip().isdigit() and n.strip().isdigit()) or not 1 <= int(k) <= int(n):
        raise click.BadParameter(f"'{value}' is not K/N with 1 <= K <= N (e.g. 2/8)",
                                 param_hint="--shard")
    return int(k), int(n)


def _batch(deals_path, blueprint_ref, names, audience, out_dir, force, name_template, jobs,
           protect, shard, owners, date_order=None) -> int:
    """``--deals``: check everything, then write with a progress bar; 1 when any deal failed."""
    from mapgen.ops.batch import prepare_batch
    from mapgen.ops.inputs import blueprint_for

    batch = prepare_batch(deals_path, blueprint_for(blueprint_ref), formats=names,
                          audience=audience, out_dir=out_dir, force=force,
                          name_template=name_template, protect=protect, shard=shard,
                          owners=owners, date_order=date_order)
    with progress_bar(len(batch.jobs), f"Generating {len(batch.jobs)} deals") as step:
        result = batch.run(jobs, step)
    for path in result.written:
        click.echo(str(path))
    for line in batch.warnings:
        warn(f"warning: {issue_line(line) if isinstance(line, Issue) else line}")
    for line in result.failed:
        warn(f"error: {line}")
    if batch.existing:
        warn(f"use --force to overwrite {plural(len(batch.existing), 'existing file')}")
    templated = f" ({result.templated} from a prepared template)" if result.templated else ""
    if result.partly:
        templated = (f" ({result.templated} from a prepared template, {result.partly} in part)")
    warn(f"{plural(result.generated, 'deal')} generated{templated}, {len(result.failed)} failed")
    if result.no_events:
        n = len(result.no_events)
        warn(f"{plural(n, 'deal')} {'has' if n == 1 else 'have'} no events for "
             f"{_either(owners)}: no calendar written for {'it' if n == 1 else 'them'}")
    return 0 if result.ok else 1


def _either(names: list[str]) -> str:
    """``Ann``, ``Ann or Bob``, ``Ann, Bob or Cleo``."""
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
