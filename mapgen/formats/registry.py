"""The output formats: one registry from a format name to its writer and file suffix.

Every command that writes documents (generate, merge, batch, the workshop kit) looks formats up
here. A *document* format lays out a :class:`~mapgen.model.view.DocumentView` (the blueprint walked
once, with the plan's rows); a *data* format writes the plan itself. A writer is named as
``"module:function"`` and imported only when it is used, so that start-up stays light.

Adding a format is one new module with a ``write(view, path, options)`` function and one line
in :data:`FORMATS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mapgen.core.errors import BadArgument, MapgenError

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.plan import Plan
    from mapgen.model.view import DocumentView

Kind = Literal["document", "data"]


@dataclass(frozen=True)
class WriteOptions:
    """Options a writer may use; each writer reads the ones that concern it."""

    protect: bool = False                  # xlsx: lock the layout
    extra: dict[str, Any] = field(default_factory=dict)  # options of newer formats, by name


@dataclass(frozen=True)
class OutputFormat:
    """One output format: its name, file suffix, what it writes and where its writer lives."""

    name: str
    suffix: str
    kind: Kind
    writer: str       # "module:function"
    description: str

    def load(self) -> Callable[..., None]:
        """The writer function: ``write(view, path, options)`` (``write(plan, path, options)``
        for a data format)."""
        module, _, function = self.writer.partition(":")
        return getattr(importlib.import_module(module), function)


FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("xlsx", ".xlsx", "document", "mapgen.formats.xlsx.writer:write", "Excel workbook"),
    OutputFormat("docx", ".docx", "document", "mapgen.formats.docx.writer:write", "Word handout"),
    OutputFormat("pdf", ".pdf", "document", "mapgen.formats.pdf:write", "handout as PDF (LibreOffice)"),
    OutputFormat("md", ".md", "document", "mapgen.formats.markdown:write", "plan as Markdown"),
    OutputFormat("html", ".html", "document", "mapgen.formats.html:write", "one self-contained page"),
    OutputFormat("ics", ".ics", "document", "mapgen.formats.ics:write", "calendar of dated items (RFC 5545)"),
    OutputFormat("json", ".json", "data", "mapgen.model.plan:write_json", "plan data (JSON)"),
    OutputFormat("yaml", ".yaml", "data", "mapgen.model.plan:write_yaml", "plan data (YAML)"),
)}
ALL = ("xlsx", "docx")  # what ``--format all`` means
SUFFIX_ALIASES = {".yml": "yaml"}


def get(name: str) -> OutputFormat:
    """The format called ``name``; MapgenError naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise MapgenError(f"unknown format '{name}' (known: {', '.join(FORMATS)})") from None


def names(kind: Kind | None = None) -> list[str]:
    """The format names, optionally of one kind, in registry order."""
    return [f.name for f in FORMATS.values() if kind is None or f.kind == kind]


def expand(requested: Iterable[str]) -> list[str]:
    """Format names with ``all`` expanded and duplicates dropped, in the order given."""
    out: list[str] = []
    for name in requested:
        out += ALL if name == "all" else [get(name).name]
    return list(dict.fromkeys(out))


def for_path(path: Path, *, what: str = "out") -> OutputFormat:
    """The format a file name asks for by its suffix (``plan.yml`` -> yaml); BadArgument naming
    the parameter ``what`` that gave it otherwise."""
    suffix = path.suffix.lower()
    name = SUFFIX_ALIASES.get(suffix) or next(
        (f.name for f in FORMATS.values() if f.suffix == suffix), None)
    if name is None:
        suffixes = [f.suffix for f in FORMATS.values()]
        known = ", ".join(suffixes[:-1]) + " or " + suffixes[-1]
        raise BadArgument("{-" + what + "} {path}: unknown output type '{suffix}' (use {known})",
                          path=path, suffix=path.suffix, known=known)
    return FORMATS[name]


def writer_for(fmt: str, view: DocumentView | None = None, plan: Plan | None = None,
               options: WriteOptions | None = None) -> Callable[[Path], None]:
    """A function that writes ``view`` (or ``plan``, for a data format) to the path it is given
    (the temporary file of an atomic write)."""
    spec = get(fmt)
    subject = view if spec.kind == "document" else plan
    if subject is None:
        raise ValueError(f"format {fmt} needs a {'view' if spec.kind == 'document' else 'plan'}")
    write = spec.load()
    opts = options or WriteOptions()
    return lambda path: write(subject, path, opts)
