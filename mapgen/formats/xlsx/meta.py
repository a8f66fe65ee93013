"""The metadata a generated workbook carries for the reader, in a very hidden sheet.

Sheet ``_mapgen`` holds two columns, ``key`` and ``value`` (JSON text), one fact a row:

====================  ==========================================================
key                   value
====================  ==========================================================
format                ``"mapgen-workbook"``
format_version        ``1``
blueprint             ``{"name": "map", "version": "1"}``
audience              ``"internal"`` or ``"buyer"``
mode                  ``"blank"`` or ``"prefilled"``
participant           the person the workbook was made for, or ``null``
deal                  the deal facts (dates as ISO strings)
live_dates            ``{"anchors": {"go_live": "C5"}, "formulas": {"=IF(...)": "go_live-12w"}}``
overview              the Overview's input cells: deal facts and objective boxes
section:<key>         a :class:`SheetMeta` as a JSON object, one row per section sheet (with
                      each table row's id: ``rows``)
relative_dates        dates written relative to a deal date (only when there are any):
                      section key -> ``[{"row", "column", "expr", "key"}]`` (mapgen.model.relative_dates)
standard_rows         section key -> the standard row keys the plan has held (mapgen.model.rowids)
====================  ==========================================================

Long values are split over several rows with the same key (a cell holds 32,767 characters at
most); the reader joins them. Everything here is a hint that makes reading exact: the reader
still copes when the sheet was deleted, by matching sheet names and header texts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

META_SHEET = "_mapgen"
META_FORMAT = "mapgen-workbook"
META_VERSION = 1
CHUNK = 30_000
MAX_ROW = 1_048_576  # Excel's last row
SOURCES_KEY = "_sources"  # column key of the provenance column that merge output adds


@dataclass
class SheetMeta:
    """Where one section's table lies on its sheet, as generated."""

    section: str
    sheet: str                    # sheet title when generated
    table: str                    # Excel table (ListObject) name
    header_row: int               # 1-based row of the table's header
    first_col: int                # 1-based column of the table's first column
    columns: list[str]            # column keys, left to right
    headers: list[str]            # header texts, left to right
    examples: list[dict[str, Any]] = field(default_factory=list)  # example rows (JSON values)
    # mapgen's own text outside the table (title, purpose, instructions, hints): cell -> text
    texts: dict[str, str] = field(default_factory=dict)
    # cells that merge marked as conflicts: {"cell": "D9", "column": key, "note": comment text}
    conflicts: list[dict[str, str]] = field(default_factory=list)
    # merge's notes for information (a running number it changed), in the same form: comments
    # that are mapgen's, not a person's (written only when there are some)
    notes: list[dict[str, str]] = field(default_factory=list)
    # who each table row is, top to bottom as written (examples first, then data rows):
    # {"id": row id, "std": standard row key, "example": true, "cells": {key: JSON value}}
    # (mapgen.model.rowids; the cells let the reader find a row after a sort or a deletion)
    rows: list[dict[str, Any]] = field(default_factory=list)
    # the cells where the plan's notes (text under the table that is no row) were written
    # (only when there are some)
    note_cells: list[str] = field(default_factory=list)


@dataclass
class WorkbookMeta:
    blueprint: dict[str, str]
    audience: str = "internal"
    mode: str = "blank"
    participant: str | None = None
    deal: dict[str, Any] = field(default_factory=dict)
    sheets: list[SheetMeta] = field(default_factory=list)
    # the Overview's input cells: {"sheet": title, "deal": {fact: cell}, "objective": [cell, ...]}
    overview: dict[str, Any] = field(default_factory=dict)
    # section keys whose entries were damaged (edited by hand) and left out of ``sheets``
    damaged: list[str] = field(default_factory=list)
    # relative dates kept live: {"anchors": {deal key: its input cell on the Overview},
    #                            "formulas": {formula text: the relative date it computes}}
    live_dates: dict[str, Any] = field(default_factory=dict)
    # section key -> entries of the dates that follow a deal date (see mapgen.model.relative_dates)
    relative_dates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # section key -> the standard row keys the plan has held (mapgen.model.rowids.SEEN_KEY)
    standard_rows: dict[str, list[str]] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str]]:
        """(key, JSON text) rows for the meta sheet, long values chunked."""
        facts: list[tuple[str, Any]] = [
            ("format", META_FORMAT), ("format_version", META_VERSION),
            ("blueprint", self.blueprint), ("audience", self.audience), ("mode", self.mode),
            ("participant", self.participant), ("deal", self.deal), ("live_dates", self.live_dates),
            *((("overview", self.overview),) if self.overview else ()),
            *((f"section:{s.section}", {k: v for k, v in asdict(s).items()
                                        if v or k not in ("notes", "note_cells")})
              for s in self.sheets)]
        if self.relative_dates:
            facts.append(("relative_dates", self.relative_dates))
        if self.standard_rows:
            facts.append(("standard_rows", self.standard_rows))
        out: list[tuple[str, str]] = []
        for key, value in facts:
            text = json.dumps(value, ensure_ascii=False, default=str)
            out += [(key, text[i:i + CHUNK]) for i in range(0, max(len(text), 1), CHUNK)]
        return out

    @classmethod
    def from_rows(cls, rows: list[tuple[Any, Any]]) -> WorkbookMeta | None:
        """Parse the meta sheet's rows; ``None`` when they are not mapgen metadata."""
        joined: dict[str, str] = {}
        for key, value in rows:
            if isinstance(key, str) and value is not None:
                joined[key] = joined.get(key, "") + str(value)
        try:
            facts = {k: json.loads(v) for k, v in joined.items()}
        except json.JSONDecodeError:
            return None
        if facts.get("format") != META_FORMAT:
            return None
        sheets, damaged = [], []
        for key, value in facts.items():
            if key.startswith("section:"):
                sheet = _sheet_meta(value) if isinstance(value, dict) else None
                if sheet is None:
                    damaged.append(key.removeprefix("section:"))
                else:
                    sheets.append(sheet)
        blueprint = facts.get("blueprint") if isinstance(facts.get("blueprint"), dict) else {}
        relative = facts.get("relative_dates")
        return cls(blueprint={k: str(v) for k, v in blueprint.items()},
                   audience=str(facts.get("audience") or "internal"),
                   mode=str(facts.get("mode") or "blank"),
                   participant=facts.get("participant"),
                   deal=facts.get("deal") if isinstance(facts.get("deal"), dict) else {},
                   sheets=sheets, overview=_overview(facts.get("overview")), damaged=damaged,
                   live_dates=_live_dates(facts.get("live_dates")),
                   relative_dates=relative if isinstance(relative, dict) else {},
                   standard_rows=_standard_rows(facts.get("standard_rows")))


def _overview(value: Any) -> dict[str, Any]:
    """The recorded Overview cells, keeping only entries of the right shape (text cells)."""
    if not isinstance(value, dict) or not isinstance(value.get("sheet"), str):
        return {}
    deal = value.get("deal") if isinstance(value.get("deal"), dict) else {}
    objective = value.get("objective") if isinstance(value.get("objective"), list) else []
    return {"sheet": value["sheet"],
            "deal": {str(k): v for k, v in deal.items() if isinstance(v, str)},
            "objective": [c for c in objective if isinstance(c, str)]}


def _standard_rows(value: Any) -> dict[str, list[str]]:
    from mapgen.model.rowids import valid_id

    if not isinstance(value, dict):
        return {}
    return {str(k): [x for x in v if valid_id(x)] for k, v in value.items() if isinstance(v, list)}


def _sheet_meta(value: dict[str, Any]) -> SheetMeta | None:
    """A SheetMeta from JSON, or ``None`` when a hand-edited entry has the wrong shape."""
    try:
        sheet = SheetMeta(**value)
    except TypeError:
        return None
    texts = (sheet.section, sheet.sheet, sheet.table)
    lists = (sheet.columns, sheet.headers)
    if (not all(isinstance(t, str) for t in texts)
            or not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n <= MAX_ROW
                       for n in (sheet.header_row, sheet.first_col))
            or not all(isinstance(x, list) and all(isinstance(i, str) for i in x) for x in lists)
            or not isinstance(sheet.examples, list)
            or not all(isinstance(e, dict) for e in sheet.examples)):
        return None
    # Hints that only make reading more exact: a damaged one is dropped, the section still read.
    if not isinstance(sheet.texts, dict):
        sheet.texts = {}
    sheet.texts = {k: v for k, v in sheet.texts.items() if isinstance(v, str)}
    sheet.conflicts, sheet.notes = _noted_cells(sheet.conflicts), _noted_cells(sheet.notes)
    sheet.rows = _row_records(sheet.rows)
    cells = sheet.note_cells if isinstance(sheet.note_cells, list) else []
    sheet.note_cells = [c for c in cells if isinstance(c, str)]
    return sheet


def _noted_cells(value: Any) -> list[dict[str, str]]:
    """Recorded notes on cells (``{"cell", "column", "note"}``), those of the right shape."""
    if not isinstance(value, list):
        return []
    return [c for c in value if isinstance(c, dict)
            and all(isinstance(c.get(k), str) for k in ("cell", "column", "note"))]


def _row_records(value: Any) -> list[dict[str, Any]]:
    """The recorded rows of a sheet, each of the right shape (a damaged one: no id)."""
    from mapgen.model.rowids import valid_id

    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        item = item if isinstance(item, dict) else {}
        cells = item.get("cells") if isinstance(item.get("cells"), dict) else {}
        out.append({"id": item.get("id") if valid_id(item.get("id")) else None,
                    "std": item.get("std") if valid_id(item.get("std")) else None,
                    "example": item.get("example") is True, "cells": cells})
    return out


def row_records(sv: Any, columns: list[Any]) -> list[dict[str, Any]]:
    """The ``rows`` entry of a section's SheetMeta: a record per example and data row of the
    view's section (a SectionView), in the order the table holds them, with the row's cells in
    ``columns`` (the table's, as JSON values)."""
    out = []
    for rows, marks in ((sv.examples, sv.example_marks), (sv.rows, sv.marks)):
        for row, mark in zip(rows, marks, strict=False):
            cells = {c.key: c.field.to_json(row[c.key]) for c in columns
                     if row.get(c.key) not in (None, "")}
            out.append({**mark.to_data(), "cells": cells})
    return out


def match_records(records: list[dict[str, Any]], rows: list[dict[str, Any]],
                  positions: list[int], *, ignore: frozenset[str] = frozenset()
                  ) -> list[dict[str, Any] | None]:
    """The recorded row (``SheetMeta.rows``) each read row is, or None for a new row.

    ``rows`` are the read rows' cells as JSON values, ``positions`` their places in the table
    (0 for the first row under the header, as ``records`` count). A row is the recorded row
    whose cells it holds unchanged (the nearest, when several do); then the recorded row with
    which it shares the most cells (at least half of those written, ``ignore`` aside: running
    numbers); then the recorded row at its own place (a row typed over). Each record is taken
    once."""
    out: list[dict[str, Any] | None] = [None] * len(rows)
    free = set(range(len(records)))

    def shared(record: dict[str, Any], row: dict[str, Any]) -> tuple[int, int]:
        cells = {k: v for k, v in record["cells"].items() if k not in ignore}
        return sum(1 for k, v in cells.items() if row.get(k) == v), len(cells)

    def whole(cells: dict[str, Any]) -> str:
        return json.dumps({k: v for k, v in cells.items() if v not in (None, "")
                           and k not in ignore}, sort_keys=True, default=str)

    unchanged: dict[str, list[int]] = {}
    for j, record in enumerate(records):
        unchanged.setdefault(whole(record["cells"]), []).append(j)
    for i, row in enumerate(rows):  # unchanged rows first
        hits = [j for j in unchanged.get(whole(row), []) if j in free]
        if hits:
            j = min(hits, key=lambda j: (abs(j - positions[i]), j))
            out[i] = records[j]
            free.discard(j)
    pairs = []
    for i, row in enumerate(rows):
        if out[i] is not None:
            continue
        for j in free:
            hit, total = shared(records[j], row)
            if hit and 2 * hit >= total:
                pairs.append((-hit, abs(j - positions[i]), i, j))
    done: set[int] = set()
    for _, _, i, j in sorted(pairs):
        if i not in done and j in free:
            out[i] = records[j]
            done.add(i)
            free.discard(j)
    for i, position in enumerate(positions):
        if out[i] is None and position in free:
            out[i] = records[position]
            free.discard(position)
    return out


def _live_dates(value: Any) -> dict[str, Any]:
    """The live-dates entry, or an empty one when it was damaged."""
    if not isinstance(value, dict):
        return {}
    out = {}
    for key in ("anchors", "formulas"):
        part = value.get(key)
        if isinstance(part, dict) and all(isinstance(k, str) and isinstance(v, str)
                                          for k, v in part.items()):
            out[key] = part
    return out


def write_meta(workbook: Any, meta: WorkbookMeta) -> None:
    """Add the very hidden meta sheet to an openpyxl workbook."""
    ws = workbook.create_sheet(META_SHEET)
    for r, (key, text) in enumerate([("key", "value"), *meta.rows()], start=1):
        for c, value in enumerate((key, text), start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # a chunk may start with '=': never a formula
    ws.sheet_state = "veryHidden"


def read_meta(workbook: Any) -> WorkbookMeta | None:
    """The metadata of an openpyxl workbook (read-only mode is fine), or ``None``."""
    if META_SHEET not in workbook.sheetnames:
        return None
    ws = workbook[META_SHEET]
    rows = [(r[0], r[1]) for r in ws.iter_rows(min_row=2, max_col=2, values_only=True)
            if r and len(r) >= 2]
    return WorkbookMeta.from_rows(rows)


def replace_facts(ws: Any, facts: dict[str, Any]) -> None:
    """Set some facts of an (editable) meta sheet: each key's rows are replaced by the new
    value's chunks, in place; every other row stays as it is; a value of ``None`` drops the key.
    Used by ``shift`` (new deal dates), which must leave the rest of a workbook untouched."""
    rows = [(r[0], r[1]) for r in ws.iter_rows(min_row=2, max_col=2, values_only=True)]
    out: list[tuple[Any, Any]] = []
    done: set[str] = set()
    for key, value in rows:
        if key in facts:
            if key not in done:
                done.add(key)
                out += _chunks(key, facts[key])
            continue
        out.append((key, value))
    for key, value in facts.items():
        if key not in done:
            out += _chunks(key, value)
    for r in range(2, max(ws.max_row, len(out) + 1) + 1):
        for c in (1, 2):
            ws.cell(row=r, column=c).value = None
    for r, (key, text) in enumerate(out, start=2):
        for c, value in enumerate((key, text), start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if value is not None:
                cell.data_type = "s"


def _chunks(key: str, value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    text = json.dumps(value, ensure_ascii=False, default=str)
    return [(key, text[i:i + CHUNK]) for i in range(0, max(len(text), 1), CHUNK)]
