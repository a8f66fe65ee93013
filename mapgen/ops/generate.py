"""Generating documents: the blueprint walk once, then each writer, all files written atomically."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from mapgen.core.fileio import check_writable, safe_filename, staged
from mapgen.formats import registry
from mapgen.formats.registry import WriteOptions
from mapgen.model.blueprint import Audience, Blueprint
from mapgen.model.plan import Plan
from mapgen.model.view import DocumentView, build_view

Format = str  # a name in mapgen.formats.registry.FORMATS
FORMATS: tuple[str, ...] = registry.ALL


def default_stem(blueprint: Blueprint, plan: Plan | None, audience: Audience) -> str:
    """``map`` for a blank template, ``<buyer> - <deal>`` for a plan; ``-buyer`` for buyer copies."""
    stem = blueprint.name or "map"
    if plan is not None:
        parts = [str(plan.deal[k]) for k in ("buyer", "name") if plan.deal.get(k)]
        if parts:
            stem = " - ".join(parts)
    stem = safe_filename(stem, default=blueprint.name or "map")
    return f"{stem}-buyer" if audience == "buyer" else stem


def view_writer(view: DocumentView, fmt: Format, protect: bool = False,
                options: WriteOptions | None = None) -> Callable[[Path], None]:
    """A function that writes ``view`` in ``fmt`` to the (temporary) path it is given."""
    return registry.writer_for(fmt, view=view, options=options or WriteOptions(protect=protect))


def generate(blueprint: Blueprint, *, plan: Plan | None = None,
             formats: Iterable[Format] = FORMATS, audience: Audience = "internal",
             out_dir: str | os.PathLike = "output", force: bool = False,
             participant: str | None = None, protect: bool = False,
             stem: str | None = None, options: WriteOptions | None = None) -> list[Path]:
    """Generate the documents for ``blueprint`` (pre-filled from ``plan`` when given).

    ``formats`` are names of the format registry (:mod:`mapgen.formats.registry`; ``all`` allowed).
    Returns the paths written. Nothing is written when any target exists (without ``force``)
    or when the plan does not fit the blueprint.
    """
    specs = [registry.get(name) for name in registry.expand(formats)]
    out = Path(out_dir)
    stem = stem or default_stem(blueprint, plan, audience)
    targets = [(spec, out / f"{stem}{spec.suffix}") for spec in specs]
    for _, path in targets:
        check_writable(path, force)
    view = build_view(blueprint, plan, audience=audience, participant=participant)
    options = options or WriteOptions(protect=protect)
    with staged(force) as staging:  # all formats land, or none
        return [staging.write(path, view_writer(view, spec.name, options=options))
                for spec, path in targets]
