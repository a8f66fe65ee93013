"""The ``mapgen`` command line: a thin click layer over the Python API.

Each command parses its options, calls one library function, prints and sets the exit code:
0 done, 1 the input has errors (validation), 2 usage error or unusable input.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from mapgen.errors import Issue, MapgenError, ValidationFailed

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo_issues(issues: list[Issue]) -> None:
    for issue in issues:
        click.echo(f"{issue.severity}: {issue}", err=True)


def handle_errors(func):
    """Library errors become one clear line on stderr and the contract's exit code."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            _echo_issues(exc.issues)
            sys.exit(exc.exit_code)
        except MapgenError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:  # the disk, not the input: still one line, no traceback
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper


def _blueprint_option(func):
    return click.option("--blueprint", "-b", "blueprint_ref", metavar="NAME|PATH",
                        help="Blueprint name (looked up in ./blueprints, then built-in) or "
                             "path. Default: the one recorded in the input, else 'map'.")(func)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="mapgen")
def main() -> None:
    """mapgen: Mutual Action Plans from one blueprint, as Word handouts and Excel plans.

    \b
    Quick tour:
      mapgen generate                          blank handout and workbook into output/
      mapgen generate --plan deal.yaml         pre-filled for a deal
      mapgen read filled.xlsx --out plan.json  completed workbook back to data
      mapgen merge homework/*.xlsx --out consolidated.xlsx
      mapgen workshop --participants "Ann, Bob, Cleo"
    """


# --------------------------------------------------------------------------- blueprint

@main.group(context_settings=CONTEXT)
def blueprint() -> None:
    """List, show, check and start blueprints."""


@blueprint.command("list")
@handle_errors
def blueprint_list() -> None:
    """Names and titles of the blueprints found.

    Looks in ./blueprints (and ./blueprints/examples), then among the built-in ones.

    \b
    Example:
      mapgen blueprint list
    """
    from mapgen.blueprint import list_blueprints
    from mapgen.render import deal_context, render_text

    infos = list_blueprints()
    width = max((len(i.name) for i in infos), default=4)
    for info in infos:
        origin = "" if info.builtin else f"  ({info.path})"
        try:
            title = render_text(info.title, deal_context(None))
        except MapgenError:
            title = info.title
        click.echo(f"{info.name:<{width}}  {title}{origin}")


@blueprint.command("show")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True)
@handle_errors
def blueprint_show(name: str, fmt: str) -> None:
    """The fully resolved blueprint NAME (or PATH), with 'extends' applied.

    \b
    Example:
      mapgen blueprint show saas --format json
    """
    from mapgen.blueprint import load_blueprint

    data = load_blueprint(name).to_data()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        import yaml

        click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), nl=False)


@blueprint.command("check")
@click.argument("path")
@handle_errors
def blueprint_check(path: str) -> None:
    """Validate a blueprint file; exit 1 with file:line messages when it has errors.

    \b
    Example:
      mapgen blueprint check blueprints/acme.yaml
    """
    from mapgen.blueprint import check_blueprint, find_blueprint

    find_blueprint(path)  # a missing file is a usage error (exit 2)
    issues = check_blueprint(path)
    _echo_issues(issues)
    if any(i.severity == "error" for i in issues):
        sys.exit(1)
    click.echo(f"{path}: ok")


@blueprint.command("new")
@click.argument("name")
@click.option("--extends", "parent", default="map", show_default=True, help="Parent blueprint.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="blueprints",
              show_default=True, help="Folder to write NAME.yaml into.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handle_errors
def blueprint_new(name: str, parent: str, out_dir: str, force: bool) -> None:
    """Start a company blueprint NAME that extends another one.

    \b
    Example:
      mapgen blueprint new acme --extends map
      mapgen blueprint check blueprints/acme.yaml
    """
    import re

    from mapgen.blueprint import new_blueprint_text
    from mapgen.fileio import atomic_write

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise click.BadParameter("use letters, digits, '-', '_' and '.' only", param_hint="NAME")
    path = atomic_write(Path(out_dir) / f"{name}.yaml", new_blueprint_text(name, parent),
                        force=force)
    click.echo(str(path))


@blueprint.command("schema")
@handle_errors
def blueprint_schema() -> None:
    """JSON Schema of the blueprint format, for editors.

    \b
    Example:
      mapgen blueprint schema > blueprint.schema.json
    """
    from mapgen.blueprint import schema

    click.echo(json.dumps(schema(), indent=2))


# --------------------------------------------------------------------------- generate

@main.command(context_settings=CONTEXT)
@_blueprint_option
@click.option("--format", "fmt", type=click.Choice(["xlsx", "docx", "all"]), default="all",
              show_default=True, help="Which documents to write.")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Pre-fill from a plan (.json/.yaml, as written by 'mapgen read').")
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
@handle_errors
def generate(blueprint_ref, fmt, plan_path, deals_path, audience, out_dir, name_template,
             protect, jobs, force) -> None:
    """Write the MAP handout (.docx) and workbook (.xlsx), blank or pre-filled.

    Prints the paths written, one a line. Never overwrites without --force.

    \b
    Examples:
      mapgen generate                              # blank, default blueprint, into output/
      mapgen generate --blueprint saas --plan deal.yaml --audience buyer
      mapgen generate --deals crm-export.csv --blueprint saas --out deals/
    """
    from mapgen.generator import FORMATS
    from mapgen.generator import generate as run

    formats = list(FORMATS) if fmt == "all" else [fmt]
    if plan_path and deals_path:
        raise click.UsageError("use either --plan or --deals, not both")
    if deals_path:
        from mapgen.batch import generate_batch

        code = generate_batch(deals_path, blueprint_ref=blueprint_ref, formats=formats,
                              audience=audience, out_dir=out_dir, force=force,
                              name_template=name_template, jobs=jobs, protect=protect)
        sys.exit(code)
    from mapgen.blueprint import resolve_blueprint_ref

    plan = None
    bp = resolve_blueprint_ref(blueprint_ref) if blueprint_ref else None
    if plan_path:
        from mapgen.plan import load_plan

        plan = load_plan(plan_path, bp)
        if plan.errors:
            raise ValidationFailed(plan.issues)
        _echo_issues(plan.issues)
    bp = bp or resolve_blueprint_ref(None, plan.blueprint.name if plan else None)
    for path in run(bp, plan=plan, formats=formats, audience=audience, out_dir=out_dir,
                    force=force, protect=protect):
        click.echo(str(path))


# --------------------------------------------------------------------------- read

@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_blueprint_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "csv"]), default="json",
              show_default=True)
@click.option("--out", "out_path", type=click.Path(), metavar="PATH",
              help="File to write (a folder for csv or for several inputs); default stdout.")
@click.option("--month-first", is_flag=True,
              help="Read ambiguous dates like 03/04/2027 as month/day (default day/month).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@handle_errors
def read(files, blueprint_ref, fmt, out_path, month_first, force) -> None:
    """Read completed workbooks back into plan data (JSON, YAML or CSV).

    Exit 0 when clean (warnings allowed), 1 when the data has errors (the plan's 'issues' say
    where), 2 when a file cannot be used at all.

    \b
    Examples:
      mapgen read output/map.xlsx
      mapgen read filled.xlsx --format yaml --out plan.yaml
      mapgen read homework/*.xlsx --out plans/
      mapgen read filled.xlsx --format csv --out plan-csv/
    """
    from mapgen.reader import read_command

    code = read_command([Path(f) for f in files], blueprint_ref=blueprint_ref, fmt=fmt,
                        out=out_path, day_first=not month_first, force=force,
                        echo=lambda m: click.echo(m, err=True))
    sys.exit(code)


# --------------------------------------------------------------------------- merge

@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Consolidated plan: .xlsx, .docx, .json or .yaml.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the full merge report (JSON) here.")
@click.option("--prefer", type=click.Choice(["first", "last"]), default=None,
              help="On a conflict keep this side's value (default: first, and mark it).")
@_blueprint_option
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@handle_errors
def merge(files, out_path, report_path, prefer, blueprint_ref, force) -> None:
    """Consolidate completed workbooks and plan files into one plan, losing nothing.

    \b
    Examples:
      mapgen merge homework/*.xlsx --out output/consolidated.xlsx --report merge.json
      mapgen merge ann.xlsx bob.xlsx buyer.xlsx --out plan.json --prefer last
    """
    from mapgen.merge import merge_command

    code = merge_command([Path(f) for f in files], out=Path(out_path),
                         report=Path(report_path) if report_path else None, prefer=prefer,
                         blueprint_ref=blueprint_ref, force=force,
                         echo=lambda m: click.echo(m, err=True))
    sys.exit(code)


# --------------------------------------------------------------------------- workshop

@main.command(context_settings=CONTEXT)
@_blueprint_option
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Pre-fill the handouts and homework from a plan.")
@click.option("--participants", metavar="NAMES|FILE",
              help="Comma-separated names, or a file with one name a line.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="output/workshop",
              show_default=True)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@handle_errors
def workshop(blueprint_ref, plan_path, participants, out_dir, force) -> None:
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
    from mapgen.progress import progress_bar
    from mapgen.workshop import workshop_from_options

    kit = workshop_from_options(blueprint_ref=blueprint_ref, plan_path=plan_path,
                                participants=participants, out_dir=Path(out_dir), force=force)
    for issue in kit.warnings:
        click.echo(f"{issue.severity}: {issue}", err=True)
    with progress_bar(len(kit.paths), f"Writing the kit for {len(kit.names)}") as step:
        paths = kit.write(step)
    for path in paths:
        click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()
