"""The weekly review (framework section 7): a plan's health on a given day, as plain data.

:func:`status_report` walks every tracked section (one with a status column) of a plan and
returns a dict in the "status JSON" shape of the contract: counts by status meaning, percent
complete, the health of every item (:meth:`mapgen.model.health.Tracking.health`), the next milestone,
days to go-live, and the plan's consistency findings across sections. :func:`render_status`
turns that dict into terminal text or Markdown; the CLI adds colour through ``style``.

Counting rules beyond the contract: a row whose status is empty counts as not started, one whose
status is no choice (nor a synonym of one) counts in the total only, as the workbook's live
counts do; the health rules and the ``unowned``/``undated`` findings apply to
open items only (a done item is never late, and its owner no longer matters); the deadline
findings (``after-go-live``, ``action-after-milestone``) skip done items too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from mapgen.core.dates import as_date, parse_day
from mapgen.core.errors import MapgenError
from mapgen.core.issue_codes import lookup
from mapgen.core.text import plural
from mapgen.model.health import (
    ATTENTION,
    HEALTH_FLAGS,
    Tracking,
    count_items,
    health_rules,
    needing_attention,
    tracking,
)

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.formats.docx.reader import Places
    from mapgen.formats.xlsx.reader import Cells
    from mapgen.model.blueprint import Blueprint, Section
    from mapgen.model.plan import Plan, Row

PHASES, ACTIONS, STAKEHOLDERS, COMMUNICATION = ("phases", "action_items", "stakeholders",
                                                "communication")
PHASE_KEY = "phase"
FORMATS = ("text", "markdown", "json", "html")

Style = Callable[[str, str], str]


# --------------------------------------------------------------------------- the report


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """The review day: None (today), or a day as :func:`mapgen.core.dates.parse_day` reads
    it (``today`` included)."""
    if value is None:
        return dt.date.today()
    return parse_day(value, "as-of date", today=True)


def status_report(plan: Plan, blueprint: Blueprint, as_of: str | dt.date | None = None, *,
                  source: str | None = None, cells: Cells | None = None,
                  places: Places | None = None) -> dict[str, Any]:
    """The plan's status on ``as_of`` (default today) as JSON-ready data (see the module doc).

    ``cells`` (a workbook's, as :func:`mapgen.ops.inputs.read_input` returns them) adds the sheet
    and cell of each item and finding of a plan read from a workbook, ``places`` (a handout's)
    the ``table`` and ``table_row`` (as the handout reader's issues name them); ``source`` names
    the file in the report.
    """
    day = parse_as_of(as_of)
    rules = health_rules(blueprint)
    review = _Review(plan, blueprint, day, cells or {}, places or {})
    go_live = as_date(plan.deal.get("go_live"))
    return {
        "as_of": day.isoformat(),
        "source": source,
        "blueprint": plan.blueprint.model_dump(),
        "deal": {k: _json(v) for k, v in plan.deal.items() if v not in (None, "")},
        "days_to_go_live": (go_live - day).days if go_live else None,
        "health_rules": dict(rules.__dict__),
        "titles": {s.key: s.label for s in blueprint.sections},
        "sections": {key: review.counts(key) for key in review.tracked},
        "overall": review.overall(),
        "items": review.items,
        "next_milestone": review.next_milestone(),
        "findings": review.findings(),
    }


class _Review:
    """One pass over a plan: the tracked sections, their items and the findings."""

    def __init__(self, plan: Plan, blueprint: Blueprint, as_of: dt.date, cells: Cells,
                 places: Places):
        self.plan, self.blueprint, self.as_of, self.cells = plan, blueprint, as_of, cells
        self.places = places
        self.rules = health_rules(blueprint)
        self.holidays = blueprint.holiday_dates()
        self.sections: dict[str, Section] = {s.key: s for s in blueprint.sections}
        self.tracked: dict[str, Tracking] = {}
        for section in blueprint.sections:
            track = tracking(section.columns, section.key)
            if track is not None:
                self.tracked[section.key] = track
        self.items: list[dict[str, Any]] = [
            self._item(key, track, n, row) for key, track in self.tracked.items()
            for n, row in enumerate(plan.rows(key))]

    # -- items and counts

    def due(self, track: Tracking, row: Row) -> dt.date | None:
        return track.due(row, self.plan.deal, self.holidays)

    def _item(self, key: str, track: Tracking, n: int, row: Row) -> dict[str, Any]:
        item: dict[str, Any] = {"section": key, "row": n + 1, "label": self.label(key, row, n)}
        item.update(track.item(row, self.as_of, self.rules, self.plan.deal, self.holidays))
        item.update(self.where(key, n, track.label))
        return item

    def counts(self, key: str) -> dict[str, int]:
        return count_items(i for i in self.items if i["section"] == key)

    def overall(self) -> dict[str, int]:
        return count_items(self.items)

    def label(self, key: str, row: Row, n: int) -> str:
        return row_label(self.sections.get(key), row, n, self.tracked.get(key))

    def where(self, key: str, n: int, column: str | None) -> dict[str, Any]:
        """The sheet and cell of row ``n``'s ``column`` (else of its first column) in a
        workbook; its table and row in a handout."""
        rows = self.cells.get(key) or ()
        cells = rows[n] if n < len(rows) else None
        if not cells:
            places = self.places.get(key) or ()
            if n < len(places):
                return {"table": places[n][0], "table_row": places[n][1]}
            return {}
        sheet, cell = cells.get(column or "") or next(iter(cells.values()))
        return {"sheet": sheet, "cell": cell}

    def next_milestone(self) -> dict[str, Any] | None:
        """The open phase with the earliest deadline (late ones included: days < 0)."""
        track = self.tracked.get(PHASES)
        rows = self.plan.rows(PHASES)
        found = track.next_due(rows, self.plan.deal, self.holidays) if track else None
        if found is None:
            return None
        n, due = found
        row = rows[n]
        return {"row": n + 1, "label": self.label(PHASES, row, n), "deadline": due.isoformat(),
                "days": (due - self.as_of).days, "phase": row.get(PHASE_KEY)}

    # -- findings

    def findings(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        out += self._phase_findings()
        out += self._after_go_live()
        out += self._stakeholders()
        for item in self.items:
            track = self.tracked[item["section"]]
            n = item["row"] - 1
            if "unowned" in item["health"]:
                out.append(self.finding("unowned", item["section"], n, track.owner,
                                        f"'{item['label']}' has no one responsible"))
            if "undated" in item["health"]:
                out.append(self.finding("undated", item["section"], n, track.deadline,
                                        f"'{item['label']}' has no deadline"))
        return out

    def finding(self, code: str, key: str, n: int, column: str | None, message: str,
                ) -> dict[str, Any]:
        found = {"code": code, "severity": lookup(code).severity, "section": key, "row": n + 1,
                 "message": message}
        if column:
            found["column"] = column
        found.update(self.where(key, n, column))
        return found

    def _phase_findings(self) -> list[dict[str, Any]]:
        phases_sec, actions_sec = self.sections.get(PHASES), self.sections.get(ACTIONS)
        if (phases_sec is None or actions_sec is None or phases_sec.column(PHASE_KEY) is None
                or actions_sec.column(PHASE_KEY) is None):
            return []
        phases: dict[str, tuple[int, Row]] = {}
        for n, row in enumerate(self.plan.rows(PHASES)):
            if row.get(PHASE_KEY) not in (None, ""):
                phases.setdefault(_text(row[PHASE_KEY]), (n, row))
        used: set[str] = set()
        out: list[dict[str, Any]] = []
        phase_track, action_track = self.tracked.get(PHASES), self.tracked.get(ACTIONS)
        known = ", ".join(phases) or "none"
        for n, row in enumerate(self.plan.rows(ACTIONS)):
            if row.get(PHASE_KEY) in (None, ""):
                continue
            phase = _text(row[PHASE_KEY])
            label = self.label(ACTIONS, row, n)
            if phase not in phases:
                out.append(self.finding("unknown-phase", ACTIONS, n, PHASE_KEY,
                                        f"'{label}' is in phase {phase}, which is not a phase "
                                        f"of the plan (phases: {known})"))
                continue
            used.add(phase)
            if phase_track is None or action_track is None or action_track.is_done(row):
                continue
            pn, prow = phases[phase]
            due, milestone = self.due(action_track, row), self.due(phase_track, prow)
            if due and milestone and due > milestone:
                out.append(self.finding(
                    "action-after-milestone", ACTIONS, n, action_track.deadline,
                    f"'{label}' is due {due.isoformat()}, {_days(due - milestone)} after its "
                    f"milestone '{self.label(PHASES, prow, pn)}' ({milestone.isoformat()})"))
        for phase, (n, row) in phases.items():
            if phase not in used:
                out.append(self.finding("phase-without-actions", PHASES, n, PHASE_KEY,
                                        f"'{self.label(PHASES, row, n)}' has no action items"))
        return out

    def _after_go_live(self) -> list[dict[str, Any]]:
        go_live = as_date(self.plan.deal.get("go_live"))
        if go_live is None:
            return []
        out = []
        for item in self.items:
            track = self.tracked[item["section"]]
            if item["meaning"] == "done" or item["deadline"] is None:
                continue
            due = dt.date.fromisoformat(item["deadline"])
            if due > go_live:
                out.append(self.finding(
                    "after-go-live", item["section"], item["row"] - 1, track.deadline,
                    f"'{item['label']}' is due {due.isoformat()}, {_days(due - go_live)} after "
                    f"go-live ({go_live.isoformat()})"))
        return out

    def _stakeholders(self) -> list[dict[str, Any]]:
        section = self.sections.get(STAKEHOLDERS)
        if section is None or section.column("name") is None:
            return []
        comm = self.sections.get(COMMUNICATION)
        texts = [_text(row.get("stakeholders")) for row in self.plan.rows(COMMUNICATION)] \
            if comm is not None and comm.column("stakeholders") is not None else []
        for key, track in self.tracked.items():
            texts += [track.owner_of(row) or "" for row in self.plan.rows(key)]
        for key, sec in self.sections.items():  # owners of untracked sections count too
            if key not in self.tracked and sec.column("responsible") is not None:
                texts += [_text(row.get("responsible")) for row in self.plan.rows(key)]
        haystack = "\n".join(t for t in texts if t).casefold()
        out = []
        for n, row in enumerate(self.plan.rows(STAKEHOLDERS)):
            name = _text(row.get("name"))
            if not name:
                continue
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, name.casefold().split())) + r"(?!\w)"
            if re.search(pattern, haystack) is None:
                out.append(self.finding("stakeholder-not-engaged", STAKEHOLDERS, n, "name",
                                        f"stakeholder '{name}' is named in no communication "
                                        "row and owns nothing"))
        return out


def row_label(section: Section | None, row: Row, n: int, track: Tracking | None = None) -> str:
    """How people name a row: its label column (a phase: 'Phase 2: Pilot'), else its first
    identity column, else 'row N' (``n`` is the 0-based index)."""
    if section is not None and track is None:
        track = tracking(section.columns, section.key)
    column = track.label if track else (section.identity_keys[0] if section else None)
    text = _text(row.get(column)) if column else ""
    if section is not None and section.key == PHASES and row.get(PHASE_KEY) not in (None, ""):
        return f"Phase {_text(row[PHASE_KEY])}" + (f": {text}" if text else "")
    return text or f"row {n + 1}"


def _days(delta: dt.timedelta) -> str:
    return plural(delta.days, "day")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --------------------------------------------------------------------------- from a file


def plan_status(path: str | os.PathLike, blueprint: str | Blueprint | None = None,
                as_of: str | dt.date | None = None, *, date_order: Order | None = None
                ) -> tuple[dict[str, Any], Plan]:
    """Read a plan file, completed workbook or handout (as ``mapgen read`` does, numeric
    dates in ``date_order`` if given) and report its status; a workbook's items and findings
    name their sheet and cell, a handout's their table and row. Returns the report and the plan
    (whose ``issues`` say what was wrong in the input)."""
    from mapgen.ops.inputs import load_input

    day = parse_as_of(as_of)  # a bad date is refused before anything is read
    found, bp = load_input(path, blueprint, date_order=date_order, what="report the status of")
    return status_report(found.plan, bp, day, source=str(path), cells=found.cells,
                         places=found.places), found.plan


# --------------------------------------------------------------------------- rendering


def render_status(report: Mapping[str, Any], fmt: str = "text", style: Style | None = None,
                  ) -> str:
    """The report as ``text`` (a compact table for the terminal; ``style(text, kind)`` may
    colour it, kind being a health flag, ``heading``, ``ok`` or ``finding``), ``markdown``
    (for email, chat and wikis), ``html`` (an email-safe page: inline styles, plain tables)
    or ``json``."""
    if fmt == "json":
        import json

        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "html":
        return _html(report)
    if fmt == "text":
        return _text_report(report, style or (lambda text, kind: text))
    raise MapgenError(f"unknown status format '{fmt}' (use {', '.join(FORMATS)})")


_TABLE = (("total", "Total"), ("done", "Done"), ("in_progress", "In progress"),
          ("not_started", "Not started"), ("blocked", "Blocked"), ("percent_complete", "Done %"),
          ("stalled", "Stalled"), ("at_risk", "At risk"), ("due_soon", "Due soon"),
          ("unowned", "Unowned"), ("undated", "Undated"))
_SHORT = ("Total", "Done", "Doing", "To do", "Blocked", "Done %", "Stalled", "At risk", "Soon",
          "No owner", "No date")
_FLAG_WORDS = {"stalled": "stalled", "at_risk": "at risk", "blocked": "blocked",
               "due_soon": "due soon", "unowned": "unowned", "undated": "undated"}


def attention(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items needing attention, most urgent first (stalled, at risk, blocked, due soon,
    then unowned and undated), then by deadline."""
    return needing_attention(report["items"])  # type: ignore[return-value]


def headline(report: Mapping[str, Any]) -> str:
    """One line: the deal, the day, percent complete, the worrying counts, go-live."""
    return "{}: {}".format(*_headline(report))


def _headline(report: Mapping[str, Any]) -> tuple[str, str]:
    """The deal and the day; the numbers."""
    deal = report.get("deal") or {}
    name = deal.get("name") or deal.get("buyer") or "Plan"
    who = " and ".join(str(deal[k]) for k in ("buyer", "seller") if deal.get(k))
    total = report["overall"]
    parts = [f"{total['percent_complete']}% complete ({total['done']} of {total['total']} done)"]
    for key in ("stalled", "at_risk", "blocked", "due_soon"):
        if total[key]:
            parts.append(f"{total[key]} {_FLAG_WORDS[key]}")
    days = report.get("days_to_go_live")
    if days is not None:
        parts.append(f"go-live {deal.get('go_live')}: " + (
            f"{_days(dt.timedelta(days))} to go" if days > 0 else
            "today" if days == 0 else f"{_days(dt.timedelta(-days))} ago"))
    title = f"{name}" + (f" ({who})" if who and who != name else "")
    return f"{title}, status as of {report['as_of']}", "; ".join(parts)


def _milestone_line(report: Mapping[str, Any]) -> str | None:
    nxt = report.get("next_milestone")
    if not nxt:
        return None
    days = nxt["days"]
    when = ("today" if days == 0 else f"in {_days(dt.timedelta(days))}" if days > 0
            else f"{_days(dt.timedelta(-days))} late")
    return f"Next milestone: {nxt['label']}, due {nxt['deadline']} ({when})"


def _title(report: Mapping[str, Any], key: str) -> str:
    return (report.get("titles") or {}).get(key) or key.replace("_", " ").capitalize()


def _where(entry: Mapping[str, Any], title: str = "") -> str:
    """'row 7', and where the plan came from a workbook its cell: 'row 7 (cell C13)', or with
    the sheet as Excel names it when the sheet is not called like the section; from a handout
    the table and row as its reader's issues name them: "table '3. Action Items', row 3"."""
    if entry.get("table"):
        return f"table '{entry['table']}', row {entry.get('table_row')}"
    place = f"row {entry['row']}"
    if entry.get("cell"):
        sheet = entry.get("sheet") or ""
        cell = (f"cell {entry['cell']}" if sheet == title else
                f"'{sheet}'!{entry['cell']}".replace("''!", "!"))
        place += f" ({cell})"
    return place


def _place(report: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    title = _title(report, entry["section"])
    return _where(entry) if entry.get("table") else f"{title} {_where(entry, title)}"


def _item_status(item: Mapping[str, Any]) -> str:
    """The item's health in words; a late one says by how much: 'stalled (9 days late)'."""
    late = _days(dt.timedelta(item["days_overdue"] or 0))
    return ", ".join(f"{_FLAG_WORDS[f]} ({late} late)" if f in ("stalled", "at_risk")
                     else _FLAG_WORDS[f] for f in item["health"])


def _grid(header: list[str], rows: list[list[str]], kinds: list[str | None],
          style: Style) -> list[str]:
    """A left-aligned text table (numbers right-aligned); ``kinds`` styles whole rows."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = [all(r[i].rstrip("%").isdigit() for r in rows) and bool(rows)
               for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w)
                         for c, w, num in zip(cells, widths, numeric, strict=True)).rstrip()

    out = [style(line(header), "heading")]
    for row, kind in zip(rows, kinds, strict=True):
        out.append(style(line(row), kind) if kind else line(row))
    return out


def _text_report(report: Mapping[str, Any], style: Style) -> str:
    title, numbers = _headline(report)
    lines = [style(title, "heading"), numbers]
    if (milestone := _milestone_line(report)) is not None:
        lines.append(milestone)
    lines.append("")
    rows = [[_title(report, key), *(f"{c[k]}%" if k == "percent_complete" else str(c[k])
                                     for k, _ in _TABLE)]
            for key, c in report["sections"].items()]
    if len(report["sections"]) > 1:
        c = report["overall"]
        rows.append(["Overall", *(f"{c[k]}%" if k == "percent_complete" else str(c[k])
                                  for k, _ in _TABLE)])
    kinds: list[str | None] = [None] * len(rows)
    lines += _grid(["Section", *_SHORT], rows, kinds, style)
    needing = attention(report)
    lines.append("")
    if needing:
        lines.append(style(f"Needs attention ({len(needing)})", "heading"))
        rows = [[_item_status(i), i["label"], _place(report, i), i["deadline"] or "-",
                 i["responsible"] or "-", i["status"] or "-"] for i in needing]
        lines += _grid(["Health", "Item", "Where", "Due", "Owner", "Status"], rows,
                       [min(i["health"], key=ATTENTION.index) for i in needing], style)
    else:
        lines.append(style("Nothing needs attention.", "ok"))
    findings = report["findings"]
    if findings:
        lines += ["", style(f"Findings ({len(findings)})", "heading")]
        for f in findings:
            lines.append(f"  {style(f['code'], 'finding')}: {_place(report, f)}: {f['message']}")
    return "\n".join(lines) + "\n"


def _md(text: Any) -> str:
    """Text for a Markdown table cell: pipes escaped, line breaks folded, markup characters
    that would change the look escaped."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\|*_`<>\[\]])", r"\\\1", text)


def _markdown(report: Mapping[str, Any]) -> str:
    lines = [f"**{_md(headline(report))}**", ""]
    if (milestone := _milestone_line(report)) is not None:
        lines += [_md(milestone), ""]
    head = ["Section", *(h for _, h in _TABLE)]
    lines += ["| " + " | ".join(head) + " |",
              "|" + "|".join(["---"] + ["---:"] * len(_TABLE)) + "|"]
    sections = list(report["sections"].items())
    if len(sections) > 1:
        sections.append(("", report["overall"]))
    for key, c in sections:
        name = f"**{_md(_title(report, key))}**" if key else "**Overall**"
        cells = [f"{c[k]}%" if k == "percent_complete" else str(c[k]) for k, _ in _TABLE]
        lines.append("| " + " | ".join([name, *cells]) + " |")
    needing = attention(report)
    lines += ["", f"### Needs attention ({len(needing)})", ""]
    if needing:
        lines += ["| Health | Item | Section | Due | Owner | Status |",
                  "|---|---|---|---|---|---|"]
        for i in needing:
            lines.append("| " + " | ".join(_md(x) for x in (
                _item_status(i), i["label"], _title(report, i["section"]), i["deadline"] or "-",
                i["responsible"] or "-", i["status"] or "-")) + " |")
    else:
        lines.append("Nothing needs attention.")
    findings = report["findings"]
    lines += ["", f"### Findings ({len(findings)})", ""]
    if findings:
        lines += [f"- `{f['code']}` ({_md(_title(report, f['section']))}, "
                  f"{_md(_where(f, _title(report, f['section'])))}): {_md(f['message'])}"
                  for f in findings]
    else:
        lines.append("None: the sections agree with each other.")
    return "\n".join(lines) + "\n"


def _html(report: Mapping[str, Any]) -> str:
    """The Markdown's content as an email-safe page (:func:`mapgen.formats.html.render_email`)."""
    from mapgen.formats.html import render_email

    sections = [(_title(report, key), c) for key, c in report["sections"].items()]
    if len(sections) > 1:
        sections.append(("Overall", report["overall"]))
    return render_email({
        "title": headline(report), "heading": _headline(report)[0], "numbers": _headline(report)[1],
        "milestone": _milestone_line(report),
        "columns": [h for _, h in _TABLE],
        "sections": [(name, [f"{c[k]}%" if k == "percent_complete" else str(c[k])
                             for k, _ in _TABLE]) for name, c in sections],
        "attention": [{"health": _item_status(i), "kind": min(i["health"], key=ATTENTION.index),
                       "cells": [i["label"], _title(report, i["section"]), i["deadline"] or "-",
                                 i["responsible"] or "-", i["status"] or "-"]}
                      for i in attention(report)],
        "findings": [(f["code"], f"{_title(report, f['section'])}, "
                                 f"{_where(f, _title(report, f['section']))}", f["message"])
                     for f in report["findings"]],
    })


__all__ = ["HEALTH_FLAGS", "attention", "headline", "parse_as_of", "plan_status",
           "render_status", "status_report"]
