"""Generating documents: the blueprint walk once, then each writer, all files written atomically."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from mapgen.blueprint import Audience, Blueprint
from mapgen.fileio import atomic_write, check_writable, safe_filename, staged
from mapgen.layout import DocumentView, build_view
from mapgen.plan import Plan

Format = Literal["xlsx", "docx"]
FORMATS: tuple[Format, ...] = ("xlsx", "docx")


def default_stem(blueprint: Blueprint, plan: Plan | None, audience: Audience) -> str:
    """``map`` for a blank template, ``<buyer> - <deal>`` for a plan; ``-buyer`` for buyer copies."""
    stem = blueprint.name or "map"
    if plan is not None:
        parts = [str(plan.deal[k]) for k in ("buyer", "name") if plan.deal.get(k)]
        if parts:
            stem = " - ".join(parts)
    stem = safe_filename(stem, default=blueprint.name or "map")
    return f"{stem}-buyer" if audience == "buyer" else stem


def view_writer(view: DocumentView, fmt: Format, protect: bool = False) -> Callable[[Path], None]:
    """A function that writes ``view`` in ``fmt`` to the (temporary) path it is given."""
    if fmt == "xlsx":
        from mapgen.xlsx.writer import write_xlsx

        return lambda tmp: write_xlsx(view, tmp, protect=protect)
    from mapgen.docx.writer import write_docx

    return lambda tmp: write_docx(view, tmp)


def write_view(view: DocumentView, fmt: Format, path: Path, *, force: bool = False,
               protect: bool = False) -> Path:
    """Write one view in one format, atomically."""
    return atomic_write(path, view_writer(view, fmt, protect), force=force)


def generate(blueprint: Blueprint, *, plan: Plan | None = None,
             formats: Iterable[Format] = FORMATS, audience: Audience = "internal",
             out_dir: str | os.PathLike = "output", force: bool = False,
             participant: str | None = None, protect: bool = False,
             stem: str | None = None) -> list[Path]:
    """Generate the documents for ``blueprint`` (pre-filled from ``plan`` when given).

    Returns the paths written. Nothing is written when any target exists (without ``force``)
    or when the plan does not fit the blueprint.
    """
    formats = list(dict.fromkeys(formats))
    out = Path(out_dir)
    stem = stem or default_stem(blueprint, plan, audience)
    targets = [(fmt, out / f"{stem}.{fmt}") for fmt in formats]
    for _, path in targets:
        check_writable(path, force)
    view = build_view(blueprint, plan, audience=audience, participant=participant)
    with staged(force) as staging:  # all formats land, or none
        return [staging.write(path, view_writer(view, fmt, protect)) for fmt, path in targets]
