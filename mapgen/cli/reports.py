"""What the report commands (status, diff) share: --format, --out and --force, and writing the
report to stdout or a file."""

from __future__ import annotations

import os
import sys

import click

REPORT_FORMATS = ("text", "markdown", "json")
SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".txt": "text",
                  ".html": "html", ".htm": "html"}
HTML_HELP = " or html (an email-safe page)"


def output_format(fmt: str | None, out_path: str | None,
                  known: tuple[str, ...] = REPORT_FORMATS) -> str:
    """``--format``, else the one ``--out``'s suffix names (among ``known``), else text.

    A suffix that names none of the ``known`` formats (``report.docx``), or another format than
    ``--format``, is refused (MapgenError, exit 2): a file's suffix always tells what it holds.
    """
    if not out_path:
        return fmt or "text"
    from pathlib import Path

    from mapgen.core.errors import MapgenError

    suffix = Path(out_path).suffix.lower()
    if not suffix:
        return fmt or "text"
    named = SUFFIX_FORMATS.get(suffix)
    if named is None or named not in known:
        suffixes = ", ".join(s for s, f in SUFFIX_FORMATS.items() if f in known)
        raise MapgenError(f"--out {out_path}: a report's file ends in {suffixes} (not '{suffix}')")
    if fmt and fmt != named:
        raise MapgenError(f"--out {out_path} is {named} by its suffix, but --format is {fmt}: "
                          "give one of them, or a matching suffix")
    return named


def write_or_echo(text: str, out_path: str | None, force: bool) -> None:
    """The report on stdout, or written atomically to ``--out`` (never over a file without
    --force)."""
    if out_path is None:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    from mapgen.core.fileio import atomic_write, check_writable

    check_writable(Path(out_path), force)
    atomic_write(out_path, text, force=force)
    click.echo(f"Wrote {out_path}", err=True)


def terminal_style(out_path: str | None, colours: dict):
    """click.style for each kind of line when the report goes to a terminal (and NO_COLOR is
    not set), else None."""
    if out_path is not None or not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return None
    return lambda text, kind: click.style(text, **colours[kind]) if kind in colours else text


def report_options(what: str, formats: tuple[str, ...] = REPORT_FORMATS):
    """``--format``, ``--out`` and ``--force`` of a command that writes ``what`` (a report)."""
    more = HTML_HELP if "html" in formats else ""
    fmt = click.option("--format", "fmt", type=click.Choice(formats), default=None,
                       help="text (default; for the terminal), markdown (for email, Slack, a "
                            f"wiki), json (for scripts){more}. Default: from --out's suffix, "
                            "else text.")
    out = click.option("--out", "out_path", type=click.Path(dir_okay=False), metavar="PATH",
                       help=f"Write {what} to this file instead of stdout.")
    force = click.option("--force", is_flag=True, help="Overwrite an existing --out file.")
    return lambda command: fmt(out(force(command)))
