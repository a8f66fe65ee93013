"""The command group, and the one place where library errors become messages and exit codes."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mapgen.core.errors import (
    BadArgument,
    FileExists,
    InputsFailed,
    Issue,
    MapgenError,
    NotOfBlueprint,
    ValidationFailed,
)
from mapgen.core.text import plural

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_DONE, EXIT_INVALID, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
F = TypeVar("F", bound=Callable[..., Any])


# What the command line adds to an issue of these codes: the option that helps (the library
# names no option; mapgen.core.issue_codes says what to do in the docs' words).
ISSUE_ADVICE = {
    "unknown-blueprint": " (give --blueprint to choose)",
    "deal-dates-missing": ", or make the kit with --plan",
    "date-order": "; give --date-order dmy or mdy to choose",
    "mixed-date-order": ", or give --date-order dmy or mdy",
}


def echo_issues(issues: list[Issue]) -> None:
    """Each issue on stderr as ``severity: place: message``, with the option that helps."""
    for issue in issues:
        click.echo(f"{issue.severity}: {issue_line(issue)}", err=True)


def issue_line(issue: Issue) -> str:
    """An issue as the command line says it: where, what, and the option that helps."""
    return f"{issue}{ISSUE_ADVICE.get(issue.code, '')}"


def option_name(param: str) -> str:
    """The running command's option for a library function's parameter: ``go_live`` ->
    ``--go-live``."""
    ctx = click.get_current_context(silent=True)
    for p in ctx.command.params if ctx else ():
        if p.name == param and isinstance(p, click.Option):
            return max(p.opts, key=len)
    return f"--{param.replace('_', '-')}"


def say(exc: BaseException) -> str:
    """A library error in the command line's words: the options that help, named."""
    if isinstance(exc, BadArgument):
        return exc.say(option_name)
    if isinstance(exc, FileExists):
        return f"{exc}; use --force to overwrite it"
    if isinstance(exc, NotOfBlueprint):
        return f"{exc}; give --blueprint if it was made from another blueprint"
    return str(exc)


def echo_plan_issues(plan: Plan, source: object = None) -> None:
    """A plan's issues found now, each on stderr; those its file held from an earlier read as
    one line (they are not news)."""
    echo_issues(plan.new_issues)
    carried = plan.carried_issues
    if carried:
        errors = sum(issue.severity == "error" for issue in carried)
        what = f"{plural(len(carried), 'issue')}" + (f" ({errors} errors)" if errors else "")
        warn(f"note: {source or 'the plan'} holds {what} from an earlier read, carried over "
             "and not repeated here (its 'issues' lists them)")


def warn(message: str) -> None:
    click.echo(message, err=True)


def exit_code_for(exc: BaseException) -> int:
    """The contract's exit code for a library error: 1 for data errors, 2 for unusable input."""
    return EXIT_INVALID if isinstance(exc, ValidationFailed) else EXIT_UNUSABLE


def run(func: F) -> F:
    """Run a command: library errors become one clear line on stderr and the contract's code.

    A command may return an exit code (``1`` for data errors); ``None`` is 0.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            code = func(*args, **kwargs)
        except click.UsageError as exc:  # options that do not go together: one line, as below
            warn(f"Error: {exc.format_message()}")
            sys.exit(EXIT_UNUSABLE)
        except ValidationFailed as exc:
            echo_issues(exc.issues)
            if writes(click.get_current_context(silent=True)):
                warn("Nothing written.")
            sys.exit(EXIT_INVALID)
        except InputsFailed as exc:
            for line in exc.errors:
                warn(f"Error: {say(line)}")
            if len(exc.lines) < exc.total:
                warn(f"Nothing written: {len(exc.lines)} of {exc.total} files could not be read.")
            sys.exit(EXIT_UNUSABLE)
        except MapgenError as exc:
            warn(f"Error: {say(exc)}")
            sys.exit(EXIT_UNUSABLE)
        except OSError as exc:  # the disk, not the input: still one line, no traceback
            where = f"{exc.filename}: " if exc.filename else ""
            warn(f"Error: {where}{exc.strerror or exc}")
            sys.exit(EXIT_UNUSABLE)
        except KeyboardInterrupt:
            warn("Interrupted.")
            sys.exit(EXIT_INTERRUPTED)
        if code:
            sys.exit(code)

    return wrapper  # type: ignore[return-value]


def writes(ctx: click.Context | None) -> bool:
    """Whether the running command writes files (all but the blueprint commands that only
    look: check, show, list, schema)."""
    return ctx is None or not (ctx.parent is not None and ctx.parent.info_name == "blueprint"
                               and ctx.info_name in ("check", "show", "list", "schema"))


def blueprint_option(func: F) -> F:
    return click.option("--blueprint", "-b", "blueprint_ref", metavar="NAME|PATH",
                        help="Blueprint name (looked up in ./blueprints, then built-in) or "
                             "path. Default: the one recorded in the input, else 'map'.")(func)


def date_order_option(func: F) -> F:
    return click.option("--date-order", type=click.Choice(["dmy", "mdy"]), default=None,
                        help="Read numeric dates like 03/04/2027 day-first (dmy) or month-first "
                             "(mdy); default: as the dates show (a file's, or a workbook's or "
                             "handout's column's), else day-first with a warning.")(func)


def load_plan_option(plan_path: str | None, blueprint_ref: str | None,
                     date_order: str | None = None) -> tuple[Plan | None, Blueprint]:
    """The ``--plan`` input (a plan file or a completed workbook) and the blueprint to use.

    Errors in the plan stop the command (exit 1); its warnings are printed.
    """
    from mapgen.ops.inputs import blueprint_for, load_input

    if not plan_path:
        return None, blueprint_for(blueprint_ref)
    found, bp = load_input(plan_path, blueprint_ref, date_order=date_order, what="pre-fill from")
    if found.plan.errors:
        raise ValidationFailed(found.plan.issues)
    echo_plan_issues(found.plan, plan_path)
    return found.plan, bp


def file_out(out: str | None) -> Path | None:
    """``--out`` as a file when its suffix names one (``deal.docx``), None for a folder (an
    existing folder, a path without a suffix or ending in ``/``, ``deals.v2``)."""
    if not out or out.endswith(("/", os.sep)):
        return None
    path = Path(out)
    if path.is_dir() or not re.fullmatch(r"\.[A-Za-z]{2,8}", path.suffix):
        return None
    return path


def folder_out(out: str, what: str) -> str:
    """``--out`` of a command that writes a folder; a file's name is refused (MapgenError)."""
    if file_out(out) is not None:
        raise MapgenError(f"--out {out}: {what} writes a folder of files; give a folder name "
                          "without a suffix")
    return out


SKIPS_NAMED = 3  # up to this many skipped entries are named one a line without --verbose


def report_skips(skips: list[tuple[Path, str]], verbose: bool) -> None:
    """What a folder held that was not read: one line each (a count beyond a few, unless
    ``verbose``), on stderr."""
    if verbose or len(skips) <= SKIPS_NAMED:
        for path, reason in skips:
            warn(f"skipped {path}: {reason}")
        return
    counts: dict[str, int] = {}
    for _, reason in skips:
        key = reason.split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    why = "; ".join(f"{n} {reason}" if n == 1 else f"{n}: {reason}" for reason, n in counts.items())
    warn(f"skipped {len(skips)} entries ({why}); --verbose names each")


verbose_option = click.option("--verbose", "-v", is_flag=True,
                              help="Name every entry of a folder that is not read, with the reason.")


class _Commands(click.Group):
    """The command group. A command's module is imported when the command is asked for, so
    that ``mapgen read`` loads nothing of generate or merge; :mod:`mapgen.cli` (the package,
    which owns its modules) says which module holds which command in ``modules``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.modules})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.modules:
            import importlib

            importlib.import_module(self.modules[cmd_name])
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings=CONTEXT)
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
