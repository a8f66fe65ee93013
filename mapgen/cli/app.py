"""The command group, and the one place where library errors become messages and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mapgen.core.errors import InputsFailed, Issue, MapgenError, ValidationFailed

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_DONE, EXIT_INVALID, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
F = TypeVar("F", bound=Callable[..., Any])


def echo_issues(issues: list[Issue]) -> None:
    """Each issue on stderr as ``severity: place: message``."""
    for issue in issues:
        click.echo(f"{issue.severity}: {issue}", err=True)


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
            sys.exit(EXIT_INVALID)
        except InputsFailed as exc:
            for line in exc.lines:
                warn(f"Error: {line}")
            if len(exc.lines) < exc.total:
                warn(f"Nothing written: {len(exc.lines)} of {exc.total} files could not be read.")
            sys.exit(EXIT_UNUSABLE)
        except MapgenError as exc:
            warn(f"Error: {exc}")
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


def blueprint_option(func: F) -> F:
    return click.option("--blueprint", "-b", "blueprint_ref", metavar="NAME|PATH",
                        help="Blueprint name (looked up in ./blueprints, then built-in) or "
                             "path. Default: the one recorded in the input, else 'map'.")(func)


def load_plan_option(plan_path: str | None, blueprint_ref: str | None,
                     ) -> tuple[Plan | None, Blueprint]:
    """The ``--plan`` input (a plan file or a completed workbook) and the blueprint to use.

    Errors in the plan stop the command (exit 1); its warnings are printed.
    """
    from mapgen.ops.inputs import blueprint_for, load_input

    if not plan_path:
        return None, blueprint_for(blueprint_ref)
    found, bp = load_input(plan_path, blueprint_ref, what="pre-fill from")
    if found.plan.errors:
        raise ValidationFailed(found.plan.issues)
    echo_issues(found.plan.issues)
    return found.plan, bp


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
