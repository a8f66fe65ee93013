"""``mapgen blueprint``: list, show, check, start and describe blueprints."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mapgen.cli.app import CONTEXT, echo_issues, folder_out, main, run
from mapgen.core.errors import MapgenError


@main.group(context_settings=CONTEXT)
def blueprint() -> None:
    """List, show, check and start blueprints."""


@blueprint.command("list")
@run
def blueprint_list() -> None:
    """Names and titles of the blueprints found.

    Looks in ./blueprints (and ./blueprints/examples), then among the built-in ones.

    \b
    Example:
      mapgen blueprint list
    """
    from mapgen.core.templating import deal_context, render_text
    from mapgen.model.blueprint import list_blueprints

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
@run
def blueprint_show(name: str, fmt: str) -> None:
    """The fully resolved blueprint NAME (or PATH), with 'extends' applied.

    \b
    Example:
      mapgen blueprint show saas --format json
    """
    from mapgen.model.blueprint import load_blueprint

    data = load_blueprint(name).to_data()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        import yaml

        click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), nl=False)


@blueprint.command("check")
@click.argument("path")
@run
def blueprint_check(path: str) -> int:
    """Validate a blueprint file; exit 1 with file:line messages when it has errors.

    \b
    Example:
      mapgen blueprint check blueprints/acme.yaml
    """
    from mapgen.model.blueprint import check_blueprint, find_blueprint

    find_blueprint(path)  # a missing file is a usage error (exit 2)
    issues = check_blueprint(path)
    echo_issues(issues)
    if any(i.severity == "error" for i in issues):
        return 1
    click.echo(f"{path}: ok")
    return 0


@blueprint.command("new")
@click.argument("name")
@click.option("--extends", "parent", default="map", show_default=True, help="Parent blueprint.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="blueprints",
              show_default=True, help="Folder to write NAME.yaml into.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@run
def blueprint_new(name: str, parent: str, out_dir: str, force: bool) -> None:
    """Start a company blueprint NAME that extends another one.

    \b
    Example:
      mapgen blueprint new acme --extends map
      mapgen blueprint check blueprints/acme.yaml
    """
    import re

    from mapgen.core.fileio import atomic_write
    from mapgen.model.blueprint import new_blueprint_text

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise click.BadParameter("use letters, digits, '-', '_' and '.' only", param_hint="NAME")
    folder_out(out_dir, "blueprint new")
    path = atomic_write(Path(out_dir) / f"{name}.yaml", new_blueprint_text(name, parent),
                        force=force)
    click.echo(str(path))


@blueprint.command("schema")
@run
def blueprint_schema() -> None:
    """JSON Schema of the blueprint format, for editors.

    \b
    Example:
      mapgen blueprint schema > blueprint.schema.json
    """
    from mapgen.model.blueprint import schema

    click.echo(json.dumps(schema(), indent=2))



@blueprint.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", help="Blueprint name (default: from the file's name).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="blueprints",
              show_default=True, help="Folder to write NAME.yaml into.")
@click.option("--extends", "parent", default="map", show_default=True,
              help="Parent blueprint whose sections and columns the template's extend where the "
                   "meaning matches, or 'none' for a standalone blueprint.")
@click.option("--rows-as", type=click.Choice(["rows", "examples"]), default="rows",
              show_default=True, help="What the template's filled rows become: standard rows "
                                      "(pre-filled in every plan) or examples.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Also write the report of every decision to this file.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@run
def blueprint_import(file: str, name: str | None, out_dir: str, parent: str, rows_as: str,
                     report_path: str | None, force: bool) -> None:
    """Start a company blueprint from an existing template (.xlsx/.xlsm/.ods/.xls/.docx).

    Finds the tables (sections), their headers (columns, types, choices, status meanings),
    deal blocks, group rows, examples and legends, writes OUT/NAME.yaml, prints its path and
    what it decided.

    \b
    Example:
      mapgen blueprint import "Acme MAP.xlsx" --name acme --report acme-import.txt
      mapgen blueprint check blueprints/acme.yaml
    """
    import re

    from mapgen.core.fileio import staged
    from mapgen.ops.blueprint_import import import_template

    if name is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise click.BadParameter("use letters, digits, '-', '_' and '.' only", param_hint="--name")
    result = import_template(file, name=name, extends=None if parent == "none" else parent,
                             rows_as=rows_as)
    report = result.report()
    with staged(force) as staging:
        path = staging.write(Path(out_dir) / f"{result.name}.yaml", result.text)
        if report_path:
            staging.write(Path(report_path), report)
    click.echo(str(path))
    click.echo(report, nl=False)
