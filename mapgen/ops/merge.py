"""Merging: the team's homework (workbooks and plan files) combined into one plan that can be trusted.

Two rows of a section are the same row when their identity matches (``Section.identity_keys``,
case and spacing folded by :func:`mapgen.model.plan.row_key`); the same rows are merged cell by cell,
different rows are all kept, in the order they first appear. Rows with an empty identity are
never merged. Per cell:

- a value present in one copy and empty in another is taken (a gap filled, never a conflict;
  so a buyer copy without the internal columns conflicts with nothing);
- different non-empty values (compared case and spacing folded) are a conflict: the first value
  is kept, or the first or last one as ``prefer`` says, and every value with its source is listed;
- running-number columns (``Column.sequence``) are renumbered 1..n in output order.

Nothing is lost: every input row is in the output, itself or merged into a row that cites its
source, and every non-empty input value is in the output or in a conflict (a row holding
nothing but a running number is blank). Each output row knows
its sources (the participant stamped in a workbook, else the file name).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mapgen.core.errors import BadArgument, Issue, MapgenError, MixedBlueprints
from mapgen.core.i18n import Texts, texts_for
from mapgen.core.text import is_blank, plural
from mapgen.model.fields import fold_text
from mapgen.model.plan import NOTES_KEY, BlueprintRef, Plan, Row, row_key
from mapgen.model.rowids import seen_keys, set_seen
from mapgen.ops.inputs import read_input

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.model.blueprint import Blueprint, Column, Section
    from mapgen.model.view import DocumentView

Prefer = Literal["first", "last"]
REPORT_FORMAT = "mapgen-merge-report"
PARALLEL_FROM = 16     # inputs from which files are read by several processes
MAX_JOBS = 8
SUMMARY_LIMIT = 10     # conflicts and issues listed one by one in the summary
SUMMARY_FILES = 20     # inputs listed one by one in the summary
DEAL = "deal"          # the section name that conflicts on deal facts carry


# --------------------------------------------------------------------------- results

@dataclass
class Conflict:
    """Different non-empty values for one cell (or deal fact) of the same row."""

    section: str                    # section key, or "deal"
    row: str | None                 # the row's identity as people read it; None for deal facts
    index: int | None               # the row's position in the merged section (0-based)
    column: str
    values: list[tuple[Any, str]]   # every (value, source), in input order
    kept: Any
    resolution: Literal["marked", "first", "last"]

    @property
    def kept_source(self) -> str:
        """Whose value was kept."""
        pick = reversed(self.values) if self.resolution == "last" else self.values
        return next(source for value, source in pick if value == self.kept)

    def note(self, column: Column | None = None, texts: Texts | None = None) -> str:
        """``Conflict: Ann: 2027-01-15; Bob, Cleo: 2027-01-22 (kept Ann's)`` for a cell comment
        (in the language of ``texts``): each value once (case and spacing folded), after
        everyone who gave it, and why the value was kept when a rule chose it (the first or
        last copy's, or the first or last valid one), in words."""
        from mapgen.model.view import CONFLICT_NOTE, CONFLICT_NOTES_WHY

        _ = texts or texts_for()
        groups: dict[str, tuple[str, list[str]]] = {}
        for value, source in self.values:
            text = _show(column, value)
            groups.setdefault(fold_text(text), (text, []))[1].append(source)
        listed = "; ".join(f"{', '.join(sources)}: {text}" for text, sources in groups.values())
        fits = {_fits(column, v) for v, _source in self.values} if column is not None else set()
        passed = len(fits) > 1  # a value that does not fit was passed over
        side = "last" if self.resolution == "last" else "first"
        why = f"{side} valid" if passed else None if self.resolution == "marked" else side
        return _(CONFLICT_NOTES_WHY[why] if why else CONFLICT_NOTE, values=listed,
                 source=self.kept_source)

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "row": self.row, "index": self.index,
                "column": self.column,
                "values": [{"value": _json(v), "source": s} for v, s in self.values],
                "kept": _json(self.kept), "kept_source": self.kept_source,
                "resolution": self.resolution}


@dataclass
class InputInfo:
    """One merged input: its source label and what was read from it."""

    source: str
    file: str | None = None
    participant: str | None = None
    audience: str | None = None     # a workbook's edition: "internal" or "buyer"
    rows: dict[str, int] = field(default_factory=dict)   # section key -> rows read
    errors: int = 0
    warnings: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "file": self.file, "participant": self.participant,
                "audience": self.audience, "rows": self.rows, "errors": self.errors,
                "warnings": self.warnings}


@dataclass
class SectionStats:
    rows_in: int = 0
    rows_out: int = 0
    duplicates_merged: int = 0
    gaps_filled: int = 0
    conflicts: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class MergeResult:
    """The consolidated plan and everything needed to trust it.

    ``plan`` carries the extra top-level keys ``provenance`` ({section: [[sources of row 0],
    ...]}) and ``conflicts`` (the report's entries), so a JSON/YAML output loses nothing either.
    """

    plan: Plan
    blueprint: Blueprint
    inputs: list[InputInfo]
    conflicts: list[Conflict]
    provenance: dict[str, list[list[str]]]
    stats: dict[str, SectionStats]
    deal_gaps_filled: int = 0
    prefer: Prefer | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why) with keep_going
    # running numbers changed: {"section", "row", "index", "column", "old", "new", "source"}
    renumbered: list[dict[str, Any]] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return self.plan.issues

    @property
    def report(self) -> dict[str, Any]:
        """The full merge report, JSON-ready."""
        totals = SectionStats(**{k: sum(getattr(s, k) for s in self.stats.values())
                                 for k in vars(SectionStats())})
        totals.gaps_filled += self.deal_gaps_filled
        totals.conflicts = len(self.conflicts)
        return {
            "format": REPORT_FORMAT, "format_version": 1,
            "blueprint": self.plan.blueprint.model_dump(),
            "prefer": self.prefer,
            "inputs": [i.to_dict() for i in self.inputs],
            "skipped": [{"file": f, "reason": why} for f, why in self.skipped],
            "totals": totals.to_dict(),
            "sections": {key: s.to_dict() for key, s in self.stats.items()},
            "conflicts": [c.to_dict() for c in self.conflicts],
            "renumbered": self.renumbered,
            "provenance": {key: [{"row": _row_label(self.blueprint.section(key), row, i),
                                  "sources": sources}
                                 for i, (row, sources) in enumerate(
                                     zip(self.plan.rows(key), rows, strict=True))]
                           for key, rows in self.provenance.items()},
            "issues": [i.to_dict() for i in self.issues],
        }

    def summary(self, *, report_hint: str = "see the full report",
                prefer_hint: str = "as asked") -> list[str]:
        """A short human summary: files, rows read per file, rows out, merged, filled, conflicts.

        ``report_hint`` follows a list cut short, ``prefer_hint`` (``{side}``: first or last) a
        conflict settled by a preference: a caller names its own way to get either (the command
        line, its options)."""
        report = self.report
        totals = report["totals"]
        more = f" ({report_hint})" if report_hint else ""
        lines = [f"Merged {plural(len(self.inputs), 'file')} "
                 f"(blueprint '{self.plan.blueprint.name}'):"]
        for info in self.inputs[:SUMMARY_FILES]:
            notes = [info.participant] if info.participant and info.file else []
            notes += ["buyer copy"] if info.audience == "buyer" else []
            who = f" ({', '.join(notes)})" if notes else ""
            counts = [f"{sum(info.rows.values())} rows"]
            counts += [plural(n, kind) for kind, n in (("error", info.errors),
                                                      ("warning", info.warnings)) if n]
            lines.append(f"  {info.file or info.source}{who}: {', '.join(counts)}")
        if len(self.inputs) > SUMMARY_FILES:
            rest = self.inputs[SUMMARY_FILES:]
            lines.append(f"  ... and {len(rest)} more files: "
                         f"{sum(sum(i.rows.values()) for i in rest)} rows{more}")
        for file, why in self.skipped:
            lines.append(f"  skipped {file}: {why}")
        out = [f"{key} {s.rows_out}" for key, s in self.stats.items() if s.rows_out]
        lines.append(f"Rows out: {', '.join(out) or 'none'}")
        how = ("first value kept and marked" if self.prefer is None else
               f"{self.prefer} value kept ({prefer_hint.format(side=self.prefer)})")
        conflicts = f"{totals['conflicts']}" + (f" ({how})" if self.conflicts else "")
        lines.append(f"Duplicates merged: {totals['duplicates_merged']}, gaps filled: "
                     f"{totals['gaps_filled']}, conflicts: {conflicts}")
        for c in self.conflicts[:SUMMARY_LIMIT]:
            column = self._column(c)
            where = c.section if c.row is None else f"{c.section} '{c.row}'"
            lines.append(f"  conflict: {where}, {column.title if column else c.column}: "
                         f"{c.note(column).removeprefix('Conflict: ')}")
        if len(self.conflicts) > SUMMARY_LIMIT:
            lines.append(f"  ... and {len(self.conflicts) - SUMMARY_LIMIT} more conflicts{more}")
        for r in self.renumbered[:SUMMARY_LIMIT]:
            lines.append(f"  renumbered: {r['section']} '{r['row']}': {r['source']}'s "
                         f"{r['old']} -> {r['new']}")
        if len(self.renumbered) > SUMMARY_LIMIT:
            lines.append(f"  ... and {len(self.renumbered) - SUMMARY_LIMIT} more renumbered "
                         f"rows{more}")
        for issue in self.issues[:SUMMARY_LIMIT]:
            lines.append(f"{issue.severity}: {issue}")
        if len(self.issues) > SUMMARY_LIMIT:
            lines.append(f"... and {len(self.issues) - SUMMARY_LIMIT} more issues{more}")
        return lines

    def view(self) -> DocumentView:
        """The consolidated plan laid out for a document, with each row's sources, a note on
        each conflicting cell (the writers show a Sources column and highlight and comment) and
        one on each running number changed, saying whose number it was (a comment, no
        highlight)."""
        from mapgen.model.view import RENUMBERED_NOTE, build_view

        view = build_view(self.blueprint, self.plan)
        for sv in view.sections:
            positions = sv.origins
            provenance = self.provenance.get(sv.key, [])
            sv.sources = [", ".join(provenance[i]) if i is not None else "" for i in positions]
            at = {i: j for j, i in enumerate(positions) if i is not None}
            for c in self.conflicts:
                if c.section == sv.key and c.index in at and sv.section.column(c.column):
                    sv.notes[(at[c.index], c.column)] = c.note(sv.section.column(c.column),
                                                               view.texts)
            for r in self.renumbered:
                if r["section"] == sv.key and r["index"] in at and sv.section.column(r["column"]):
                    where = (at[r["index"]], r["column"])
                    line = view.texts(RENUMBERED_NOTE, source=r["source"], old=r["old"], new=r["new"])
                    sv.merge_notes[where] = "\n".join(filter(None, (sv.merge_notes.get(where), line)))
        return view

    def _column(self, conflict: Conflict) -> Column | None:
        section = self.blueprint.section(conflict.section)
        return section.column(conflict.column) if section else None


# --------------------------------------------------------------------------- merging plans

def merge_plans(plans: Sequence[Plan], blueprint: Blueprint, *, sources: Sequence[str],
                prefer: Prefer | None = None,
                files: Sequence[str | None] | None = None,
                lineage: bool = False) -> MergeResult:
    """Merge ``plans`` (made from ``blueprint``) into one; pure, prints nothing.

    ``sources`` labels each plan in provenance and conflicts (duplicates get the file name or a
    number added); ``files`` optionally names each plan's file for the report. Raises
    MapgenError when the plans were made from different blueprints, unless ``lineage`` allows
    plans made from ``blueprint``'s parents (their rows map by column key).
    """
    if len(sources) != len(plans) or (files is not None and len(files) != len(plans)):
        raise ValueError("give one source label (and file) per plan")
    if not plans:
        raise MapgenError("nothing to merge: give at least one file")
    files = list(files) if files is not None else [None] * len(plans)
    labels = _unique_labels(list(sources), files)
    names = [p.blueprint.name for p in plans]
    family = (blueprint.name, blueprint_lineage(blueprint)) if lineage else None
    check_same_blueprint(names, [f or s for f, s in zip(files, labels, strict=True)], family)
    deal, deal_conflicts, deal_gaps = _merge_deal(plans, labels, prefer, blueprint)
    keys = [s.key for s in blueprint.sections]
    keys += [k for p in plans for k in p.sections if k not in keys]
    keys = list(dict.fromkeys(keys))
    sections: dict[str, list[Row]] = {}
    provenance: dict[str, list[list[str]]] = {}
    stats: dict[str, SectionStats] = {}
    conflicts = list(deal_conflicts)
    merger_issues: list[Issue] = []
    renumbered: list[dict[str, Any]] = []
    seen: dict[str, set[str]] = {}
    for key in keys:
        merger = _SectionMerger(blueprint.section(key), key, deal, blueprint.holiday_dates())
        for plan, label in zip(plans, labels, strict=True):
            merger.add(plan.rows(key), label)
        rows, sources_out, section_conflicts = merger.finish(prefer)
        sections[key], provenance[key], stats[key] = rows, sources_out, merger.stats
        conflicts += section_conflicts
        merger_issues += merger.issues
        renumbered += merger.renumbered
        held = set().union(*(seen_keys(p, key) for p in plans))
        if held:
            seen[key] = held
    inputs = [InputInfo(source=label, file=file, participant=_participant(plan),
                        audience=(plan.model_extra or {}).get("audience"),
                        rows={k: len(v) for k, v in plan.sections.items() if v},
                        errors=len(plan.errors), warnings=len(plan.issues) - len(plan.errors))
              for plan, label, file in zip(plans, labels, files, strict=True)]
    issues = [issue for plan in plans for issue in plan.issues] + merger_issues
    versions = list(dict.fromkeys(p.blueprint.version for p in plans))
    mixed = len(set(names)) > 1
    if mixed:
        parents = ", ".join(sorted(set(names) - {blueprint.name}))
        issues.append(Issue(severity="warning", code="blueprint-parents",
                            message=f"some inputs were made from {parents}, which blueprint "
                                    f"'{blueprint.name}' extends; their rows are merged by "
                                    "column key"))
    elif len(versions) > 1:
        issues.append(Issue(severity="warning", code="blueprint-versions",
                            message=f"the inputs were made from versions {', '.join(versions)} of "
                                    f"blueprint '{plans[0].blueprint.name}'; merged by column key"))
    columns: dict[str, dict[str, str]] = {}
    for p in plans:  # the columns people added, with their headers as first written
        for key in sections:
            section = blueprint.section(key)
            for column, header in p.extra_columns(section, key).items():
                if any(column in row for row in sections[key]):
                    columns.setdefault(key, {}).setdefault(column, header)
    ref = (BlueprintRef(name=blueprint.name, version=blueprint.version) if mixed
           else plans[0].blueprint.model_copy())
    plan = Plan(blueprint=ref, deal=deal, sections=sections, columns=columns,
                notes=merged_notes(plans), issues=issues,
                provenance=provenance, conflicts=[c.to_dict() for c in conflicts],
                **({"renumbered": renumbered} if renumbered else {}))
    set_seen(plan, seen)
    return MergeResult(plan=plan, blueprint=blueprint, inputs=inputs, conflicts=conflicts,
                       provenance=provenance, stats=stats, deal_gaps_filled=deal_gaps,
                       prefer=prefer, renumbered=renumbered)


def merged_notes(plans: Sequence[Plan]) -> dict[str, list[str]]:
    """Every input's notes under each section's table, in input order, each text once (the
    same note from several copies is one)."""
    out: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for plan in plans:
        for key, texts in plan.notes.items():
            for text in texts:
                if (key, fold_text(text)) not in seen:
                    seen.add((key, fold_text(text)))
                    out.setdefault(key, []).append(text)
    return out


def check_same_blueprint(names: Sequence[str], labels: Sequence[str],
                         family: tuple[str, set[str]] | None = None) -> None:
    """Refuse inputs made from different blueprints, naming the first two that differ. With
    ``family`` (a blueprint's name, and the names of it and its parents), an input made from any
    of them is accepted."""
    for name, label in zip(names, labels, strict=True):
        if family is not None:
            if name not in family[1]:
                raise MapgenError(f"{label} uses blueprint '{name}', which is neither "
                                  f"'{family[0]}' nor one of its parents; merge files made from "
                                  "the same blueprint")
        elif name != names[0]:
            raise MixedBlueprints(f"{labels[0]} uses blueprint '{names[0]}' but {label} uses "
                                  f"'{name}'; merge files made from the same blueprint (copies of "
                                  "a company blueprint and of its parent merge when read with the "
                                  "company blueprint)", parent_and_company=True)


def blueprint_lineage(blueprint: Blueprint) -> set[str]:
    """The names a copy made from ``blueprint`` or from one of its parents may record."""
    from pathlib import PurePath

    names = {blueprint.name}
    names |= {PurePath(p).stem for p in getattr(blueprint, "_chain", None) or []}
    if blueprint.extends:
        names.add(PurePath(blueprint.extends).stem)
    return names


class _Cell:
    """Every (value, source) seen for one cell, and the distinct values among them."""

    __slots__ = ("distinct", "seen")

    def __init__(self) -> None:
        self.seen: list[tuple[Any, str]] = []
        self.distinct: dict[Any, Any] = {}   # folded value -> first spelling


class _MergedRow:
    __slots__ = ("cells", "count", "ids", "inputs", "notes", "numbers", "sources", "std")

    def __init__(self) -> None:
        self.count = 0                      # input rows merged into this one
        self.sources: list[str] = []
        self.cells: dict[str, _Cell] = {}
        self.notes: dict[str, dict[str, str]] = {}  # column key -> comment and link (_notes)
        self.ids: list[str] = []            # the row ids of the rows merged into this one
        self.std: str | None = None         # the standard row it stands for
        self.inputs: set[int] = set()       # which inputs gave a row (never two of one input)
        self.numbers: dict[str, list[tuple[Any, str]]] = {}  # running numbers as given

    def add_notes(self, notes: Any) -> None:
        """Cell comments and links of a merged row: distinct comments joined, first link kept."""
        if not isinstance(notes, dict):
            return
        for key, note in notes.items():
            if not isinstance(note, dict):
                continue
            have = self.notes.setdefault(key, {})
            comment = note.get("comment")
            if comment and fold_text(str(comment)) not in fold_text(have.get("comment", "")):
                have["comment"] = (have["comment"] + "\n\n" + comment) if have.get("comment") \
                    else comment
            if note.get("link") and not have.get("link"):
                have["link"] = note["link"]


class _SectionMerger:
    """Merges one section's rows from every input, in input order."""

    def __init__(self, section: Section | None, key: str, deal: dict[str, Any],
                 holidays: list[dt.date]):
        self.section, self.key = section, key
        self.fold = _Folder(deal, holidays)
        self.sequence = {c.key for c in section.columns if c.sequence} if section else set()
        self.rows: list[_MergedRow] = []
        self.index: dict[tuple, list[_MergedRow]] = {}
        self.loose: dict[tuple, list[_MergedRow]] = {}  # rows without identity, by their values
        self.by_id: dict[str, _MergedRow] = {}
        self.inputs = 0
        self.stats = SectionStats()
        self.issues: list[Issue] = []
        self.renumbered: list[dict[str, Any]] = []

    def add(self, rows: Iterable[Row], source: str) -> None:
        """One input's rows: a row is the merged row with its id; a row whose id no merged row
        has (or without one) is the merged row with its identity that no row of this input took
        already and that has no id of its own beside it (a row with neither id nor identity: the
        one with all its values); never two rows of one input in one."""
        from mapgen.model.rowids import STD_KEY, own_ids

        rows = list(rows)
        ids = own_ids(rows)
        me = self.inputs
        self.inputs += 1
        own: dict[tuple, int] = {}  # identity -> first row of this input (for the finding)
        kept: list[tuple[int, Row, str | None, Row, tuple | None]] = []
        for n, (row, rid) in enumerate(zip(rows, ids, strict=True), start=1):
            values = {k: v for k, v in row.items() if not is_blank(v) and k not in self.sequence
                      and not str(k).startswith("_")}
            if not values:
                continue  # blank, or only a running number: nothing to keep
            self.stats.rows_in += 1
            key = row_key(self.section, row) if self.section else self._whole_key(values)
            if key is not None and key in own:
                self.issues.append(Issue(
                    severity="warning", code="same-identity", section=self.key,
                    message=f"section '{self.key}': rows {own[key]} and {n} of {source} are both "
                            f"'{_row_label(self.section, row, n - 1)}'; both kept as rows of "
                            "their own"))
            elif key is not None:
                own[key] = n
            kept.append((n, row, rid, values, key))
        targets: list[_MergedRow | None] = []
        for _n, _row, rid, _values, _key in kept:  # by id first, for every row of the input
            target = self.by_id.get(rid) if rid else None
            if target is not None and me not in target.inputs:
                target.inputs.add(me)
            else:
                target = None
            targets.append(target)
        for (n, row, rid, values, key), target in zip(kept, targets, strict=True):
            if target is None and key is not None:
                target = next((m for m in self.index.get(key, []) if me not in m.inputs
                               and not (rid and m.ids and rid not in m.ids)), None)
            alike = self._alike(values) if key is None else None
            if target is None and alike is not None:
                target = self._same_values(alike, me, n, source)
            if target is None:
                target = _MergedRow()
                self.rows.append(target)
                if key is not None:
                    self.index.setdefault(key, []).append(target)
                elif alike is not None:
                    self.loose.setdefault(alike, []).append(target)
            else:
                self.stats.duplicates_merged += 1
            target.inputs.add(me)
            if rid and rid not in self.by_id:
                self.by_id[rid] = target
                target.ids.append(rid)
            std = row.get(STD_KEY)
            if target.std is None and isinstance(std, str):
                target.std = std
            for column_key in self.sequence:
                if not is_blank(row.get(column_key)):
                    target.numbers.setdefault(column_key, []).append((row[column_key], source))
            self._add_values(target, values, source)
            target.add_notes(row.get(NOTES_KEY))

    def _alike(self, values: Row) -> tuple | None:
        """What a row without identity is known by: all of its values (case, spacing and
        relative dates folded); None in a section the blueprint does not know (its rows are
        known by all of their values anyway)."""
        if self.section is None:
            return None
        return tuple(sorted((k, str(self.fold(self._column(k), v))) for k, v in values.items()))

    def _same_values(self, alike: tuple, me: int, n: int, source: str) -> _MergedRow | None:
        """The merged row, from another input, that a row without identity (no id of it known
        either) is: one that has every value it has and no other, as when the same row is typed
        into a handout and a workbook of one plan. Said in a ``paired-by-values`` warning."""
        target = next((m for m in self.loose.get(alike, []) if me not in m.inputs), None)
        if target is not None and self.section is not None:
            names = ", ".join(c.title for c in (self.section.column(k)
                                                for k in self.section.identity_keys) if c)
            self.issues.append(Issue(
                severity="warning", code="paired-by-values", section=self.key,
                message=f"section '{self.key}': row {n} of {source} has no {names}, and its "
                        f"values are exactly those of a row of {', '.join(target.sources)}: "
                        "taken for one row"))
        return target

    def _add_values(self, target: _MergedRow, values: Row, source: str) -> None:
        if source not in target.sources:
            target.sources.append(source)
        target.count += 1
        for column_key, value in values.items():
            cell = target.cells.get(column_key)
            if cell is None:
                cell = target.cells[column_key] = _Cell()
                self.stats.gaps_filled += target.count > 1
            cell.seen.append((value, source))
            cell.distinct.setdefault(self.fold(self._column(column_key), value), value)

    def finish(self, prefer: Prefer | None) -> tuple[list[Row], list[list[str]], list[Conflict]]:
        """The merged rows (each with its id; running numbers kept where they do not clash,
        the renumbered ones in ``renumbered``), their sources, and the conflicts."""
        from mapgen.model.rowids import ID_KEY, STD_KEY
        from mapgen.model.view import renumber

        out: list[Row] = []
        order = [c.key for c in self.section.columns] if self.section else []
        for merged in self.rows:
            row: Row = {}
            for column_key in order + [k for k in merged.cells if k not in order]:
                if column_key in self.sequence:
                    given = merged.numbers.get(column_key)
                    row[column_key] = given[0][0] if given else None
                elif column_key in merged.cells:
                    row[column_key] = _pick(merged.cells[column_key], prefer,
                                            self._column(column_key))
            if merged.notes:
                row[NOTES_KEY] = merged.notes
            if merged.ids:
                row[ID_KEY] = merged.ids[0]
            if merged.std:
                row[STD_KEY] = merged.std
            out.append(row)
        for column_key in sorted(self.sequence):
            renumber(out, column_key)
            for index, merged in enumerate(self.rows):
                number = out[index][column_key]
                label = _row_label(self.section, out[index], index)
                self.renumbered += [{"section": self.key, "row": label, "index": index,
                                     "column": column_key, "old": old, "new": number,
                                     "source": source}
                                    for old, source in merged.numbers.get(column_key, [])
                                    if old != number]
        conflicts: list[Conflict] = []
        for index, (merged, row) in enumerate(zip(self.rows, out, strict=True)):
            label = _row_label(self.section, row, index)
            for column_key, cell in merged.cells.items():
                if len(cell.distinct) > 1:
                    conflicts.append(Conflict(self.key, label, index, column_key, cell.seen,
                                              row[column_key], prefer or "marked"))
        self.stats.rows_out = len(out)
        self.stats.conflicts = len(conflicts)
        return out, [m.sources for m in self.rows], conflicts

    def _column(self, key: str) -> Column | None:
        return self.section.column(key) if self.section else None

    def _whole_key(self, values: Row) -> tuple:
        """Identity of a row of a section the blueprint does not know: all of its values."""
        return tuple(sorted((k, self.fold(None, v)) for k, v in values.items()))


def _merge_deal(plans: Sequence[Plan], labels: Sequence[str], prefer: Prefer | None,
                blueprint: Blueprint) -> tuple[dict[str, Any], list[Conflict], int]:
    """Deal facts merged like one row: gaps filled, different values are conflicts."""
    fold = _Folder({}, blueprint.holiday_dates())
    cells: dict[str, _Cell] = {}
    gaps = 0
    for n, (plan, label) in enumerate(zip(plans, labels, strict=True)):
        for key, value in plan.deal.items():
            if is_blank(value):
                continue
            if key not in cells:
                cells[key] = _Cell()
                gaps += n > 0
            cells[key].seen.append((value, label))
            cells[key].distinct.setdefault(fold(None, value), value)
    deal = {key: _pick(cell, prefer) for key, cell in cells.items()}
    conflicts = [Conflict(DEAL, None, None, key, cell.seen, deal[key], prefer or "marked")
                 for key, cell in cells.items() if len(cell.distinct) > 1]
    return deal, conflicts, gaps


def _pick(cell: _Cell, prefer: Prefer | None, column: Column | None = None) -> Any:
    """The value kept: the first spelling of the first value, or the last value seen; a value
    that does not fit its column (``next Friday`` for a date) only when no value does."""
    valid = [v for v, _ in cell.seen if column is None or _fits(column, v)]
    if valid and len(valid) < len(cell.seen):
        return valid[-1] if prefer == "last" else valid[0]
    return cell.seen[-1][0] if prefer == "last" else next(iter(cell.distinct.values()))


def _fits(column: Column, value: Any) -> bool:
    """Whether ``value`` is a valid value of ``column`` (a relative date counts)."""
    from mapgen.model.fields import FieldError

    try:
        column.field.parse(value, column, allow_relative=True)
    except FieldError:
        return False
    return True


class _Folder:
    """The form values are compared in: text case and spacing folded, relative dates resolved."""

    def __init__(self, deal: dict[str, Any], holidays: list[dt.date]):
        self.deal, self.holidays = deal, holidays

    def __call__(self, column: Column | None, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time() else value
        if isinstance(value, str):
            if column is not None and column.field.is_date:
                resolved = self._resolve(value)
                if resolved is not None:
                    return resolved
            return fold_text(value)
        if isinstance(value, list | dict):
            return json.dumps(value, sort_keys=True, default=str)
        return value

    def _resolve(self, text: str) -> dt.date | None:
        from mapgen.core import dates

        if not self.deal or not dates.is_relative(text):
            return None
        try:
            return dates.resolve(text, self.deal, self.holidays)
        except (ValueError, MapgenError):
            return None


# --------------------------------------------------------------------------- files

def merge_files(paths: Sequence[str | os.PathLike], *, blueprint: Blueprint | None = None,
                prefer: Prefer | None = None, on_read: Callable[[Path], None] | None = None,
                jobs: int | None = None, keep_going: bool = False,
                date_order: Order | None = None) -> MergeResult:
    """Read workbooks and plan files (mixed) and merge them; prints nothing.

    ``blueprint`` defaults to the one the first input records (else ``map``); every input is
    read with it. A ``blueprint`` given also accepts inputs made from its parents (a company
    blueprint's copies with copies of the blueprint it extends; their rows map by key).
    ``on_read`` is called after each file, for a progress bar. From :data:`PARALLEL_FROM`
    inputs on, files are read by ``jobs`` processes (default: the number of cores).

    Raises MapgenError, having merged nothing, for an unusable input or for inputs made from
    different blueprints; with ``keep_going``, such inputs are left out instead and listed in
    ``result.skipped`` with the reason (MapgenError only when no input is usable). Numeric
    date texts are read in ``date_order``, else as each input's dates show.
    """
    from mapgen.model.blueprint import resolve_blueprint_ref

    paths = [Path(p) for p in paths]
    if not paths:
        raise MapgenError("nothing to merge: give at least one file")
    _check_distinct(paths)
    given = blueprint is not None
    family = (blueprint.name, blueprint_lineage(blueprint)) if blueprint is not None else None
    skipped: list[tuple[str, str]] = []
    plans: list[Plan] = []
    used: list[Path] = []
    recorded: list[tuple[str, str]] = []  # (blueprint name, file) of the inputs kept

    def keep(path: Path, outcome: tuple[Plan, str | None] | MapgenError) -> None:
        try:
            if isinstance(outcome, MapgenError):
                raise outcome
            plan, name = outcome
            if name is not None:
                first = recorded[0] if recorded else (name, str(path))
                check_same_blueprint([first[0], name], [first[1], str(path)], family)
                recorded.append((name, str(path)))
            plans.append(plan)
            used.append(path)
        except MapgenError as exc:
            if not keep_going:
                raise
            skipped.append((str(path), _reason(exc, path)))
        if on_read is not None:
            on_read(path)

    rest = paths
    while blueprint is None and rest:  # the first usable input decides the blueprint
        outcome = _attempt(rest[0], None, date_order)
        if isinstance(outcome, tuple):
            blueprint = resolve_blueprint_ref(None, outcome[1])
        keep(rest[0], outcome)
        rest = rest[1:]
    if blueprint is None:
        raise MapgenError(f"no input could be used ({len(skipped)} skipped): "
                          + "; ".join(f"{f}: {why}" for f, why in skipped[:3]))
    for path, outcome in zip(rest, _read_rest(rest, blueprint, jobs, keep_going, date_order), strict=True):
        keep(path, outcome)
    if not plans:
        raise MapgenError(f"no input could be used ({len(skipped)} skipped): "
                          + "; ".join(f"{f}: {why}" for f, why in skipped[:3]))
    files = _file_labels(used)
    sources = [_participant(p) or f for p, f in zip(plans, files, strict=True)]
    result = merge_plans(plans, blueprint, sources=sources, prefer=prefer, files=files,
                         lineage=given)
    result.skipped = skipped
    return result


def _reason(exc: MapgenError, path: Path) -> str:
    """Why an input was skipped, without repeating its name."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _attempt(path: Path, blueprint: Blueprint | None, date_order: Order | None = None
             ) -> tuple[Plan, str | None] | MapgenError:
    try:
        return _read(path, blueprint, date_order)
    except MapgenError as exc:
        return exc


def _read_rest(paths: list[Path], blueprint: Blueprint, jobs: int | None,
               keep_going: bool = False, date_order: Order | None = None
               ) -> Iterator[tuple[Plan, str | None] | MapgenError]:
    """:func:`_read` for each path, in order (a failure as its error); in worker processes for
    large batches. Without ``keep_going``, the first failure stops the reading."""
    jobs = min(jobs or os.cpu_count() or 1, MAX_JOBS)
    if len(paths) < PARALLEL_FROM or jobs < 2:
        for path in paths:
            outcome = _attempt(path, blueprint, date_order)
            if isinstance(outcome, MapgenError) and not keep_going:
                raise outcome
            yield outcome
        return
    from contextlib import closing

    from mapgen.core.workers import in_workers

    # closed at once on a refusal: the files not read yet are not waited for
    with closing(in_workers(_worker_read, paths, jobs=jobs, state=(blueprint, date_order),
                                chunksize=4)) as read:
        for outcome in read:
            if isinstance(outcome, _Failed):
                error = outcome.error or MapgenError(outcome.message)
                if not keep_going:
                    raise error
                yield error
                continue
            yield outcome


def _read(path: Path, blueprint: Blueprint | None, date_order: Order | None = None
          ) -> tuple[Plan, str | None]:
    found = read_input(path, blueprint, date_order=date_order, what="merge")
    return found.plan, found.recorded


@dataclass(frozen=True)
class _Failed:
    """An input a worker could not use (exceptions with custom arguments do not pickle back;
    a BadArgument does, and is kept for the command line to say)."""

    message: str
    error: BadArgument | None = None


def _worker_read(state: tuple[Blueprint, Order | None], path: Path
                 ) -> tuple[Plan, str | None] | _Failed:
    try:
        return _read(path, *state)
    except MapgenError as exc:
        return _Failed(str(exc), exc if isinstance(exc, BadArgument) else None)


def merge_to(paths: Sequence[str | os.PathLike], out: Path, *, report: Path | None = None,
             prefer: Prefer | None = None, blueprint: Blueprint | None = None,
             force: bool = False, on_read: Callable[[Path], None] | None = None,
             keep_going: bool = False, date_order: Order | None = None) -> MergeResult:
    """Merge ``paths`` and write ``out`` (any format of :mod:`mapgen.formats.registry`, by its suffix)
    and, when asked, the JSON ``report``.

    Every target is checked before any input is read; nothing is written when an input is
    unusable (MapgenError). Data errors in the inputs are in ``result.plan.errors``: the output
    is still written.
    """
    from mapgen.core.fileio import atomic_write, check_writable
    from mapgen.formats import registry as formats

    spec = formats.for_path(out)
    if report is not None and report.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise MapgenError(f"{report}: the merge report is JSON or YAML; end its name in .json "
                          "or .yaml")
    targets = [out] + ([report] if report is not None else [])
    for target in targets:
        check_writable(target, force)
    resolved = {_resolved(Path(p)) for p in paths}
    for target in targets:
        if _resolved(target) in resolved:
            raise MapgenError(f"{target} is one of the inputs; write the merge somewhere else")
    if report is not None and _resolved(report) == _resolved(out):
        raise MapgenError(f"the merge and its report would be the same file ({out})")
    result = merge_files(paths, blueprint=blueprint, prefer=prefer, on_read=on_read,
                         keep_going=keep_going, date_order=date_order)
    view = result.view() if spec.kind == "document" else None
    atomic_write(out, formats.writer_for(spec.name, view=view, plan=result.plan), force=force)
    if report is not None:
        data = {**result.report, "output": str(out)}
        if report.suffix.lower() == ".json":
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            import yaml

            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        atomic_write(report, text, force=force)
    return result


# --------------------------------------------------------------------------- helpers

def _participant(plan: Plan) -> str | None:
    """The person a workbook was stamped for, as the reader records it."""
    value = (plan.model_extra or {}).get("participant")
    text = str(value).strip() if value is not None else ""
    return text or None


def _unique_labels(labels: list[str], files: Sequence[str | None]) -> list[str]:
    """Labels made unique: a repeated one gets its file name (or a number) added."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    out: list[str] = []
    for n, (label, file) in enumerate(zip(labels, files, strict=True), start=1):
        if counts[label] > 1:
            label = f"{label} ({file})" if file and file != label else f"{label} #{n}"
        out.append(label)
    return out


def _file_labels(paths: list[Path]) -> list[str]:
    """File names as given when they are unique, else the paths."""
    names = [p.name for p in paths]
    return [p.name if names.count(p.name) == 1 else str(p) for p in paths]


def _check_distinct(paths: list[Path]) -> None:
    seen: dict[Path, Path] = {}
    for path in paths:
        key = _resolved(path)
        if key in seen:
            raise MapgenError(f"{path} is given twice (as {seen[key]} too)")
        seen[key] = path


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _row_label(section: Section | None, row: Row, index: int) -> str:
    """A row as people name it: its identity values, else its position."""
    if section is None:
        return f"row {index + 1}"
    values = []
    for key in section.identity_keys:
        value, column = row.get(key), section.column(key)
        if not is_blank(value):  # a number or date is named with its column: "Phase 3"
            text = _show(column, value)
            values.append(text if isinstance(value, str) or column is None
                          else f"{column.title} {text}")
    return " / ".join(values) if values else f"row {index + 1}"


def _show(column: Column | None, value: Any) -> str:
    """A value in a note or summary: dates as ISO (as the workbook shows them)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return column.field.display(value) if column is not None else str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


