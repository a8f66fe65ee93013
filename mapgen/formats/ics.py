"""The calendar output format (``generate --format ics``): one all-day event per dated row.

Every section that has a date column (phases and action items in the default blueprint) gives
one RFC 5545 ``VEVENT`` per row with a date: the summary names the item, the description holds
the phase, owner, status, deal and what happens if the date is missed.

- **UID**: a UUID made (version 5) from the deal (name, buyer, seller), the section key and the
  row's identity (:func:`mapgen.model.plan.row_key`), so that regenerating the same plan gives the
  same UIDs and importing a newer calendar updates events instead of duplicating them. A row
  with an empty identity counts by its position in the section.
- **Done items**: RFC 5545 has no "completed" status for events (``COMPLETED`` belongs to
  to-dos, which most calendar apps do not show beside events), so a done item stays an event,
  its summary starts with ``Done:`` and its ``CATEGORIES`` hold ``Done``; its ``STATUS`` is
  ``CONFIRMED`` like every other event (the date stands). Status goes by meaning
  (:mod:`mapgen.model.health`), never by the English word.
- **Owners**: ``WriteOptions.extra["owners"]`` (``generate --owner``) keeps the rows whose
  responsible person is one of them, compared case-insensitively; a cell naming several people
  (``AE / Champion``) matches each of them.

Events are transparent (a deadline does not make anyone busy). ``icalendar`` is imported only
when a calendar is written.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core.dates import as_date
from mapgen.core.i18n import Texts
from mapgen.model.fields import fold_text
from mapgen.model.health import date_column, label_column, tracking
from mapgen.model.plan import row_key

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.formats.registry import WriteOptions
    from mapgen.model.view import DocumentView, SectionView

PRODID = "-//mapgen//Mutual Action Plan//EN"
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "mapgen:calendar")
UID_DOMAIN = "mapgen"
_OWNER_SPLIT = re.compile(r"\s*(?:/|,|;|&|\+|\band\b)\s*", re.I)


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    """The ``ics`` output format (see :mod:`mapgen.formats.registry`)."""
    Path(path).write_bytes(calendar_bytes(view, owners=options.extra.get("owners") or ()))


def owner_names(text: Any) -> set[str]:
    """The folded names a responsible cell holds: the whole text and each part of it."""
    if text in (None, ""):
        return set()
    whole = fold_text(str(text))
    return {whole} | {fold_text(p) for p in _OWNER_SPLIT.split(str(text)) if p.strip()}


def event_uid(deal: dict[str, Any], section: str, identity: tuple | None, position: int) -> str:
    """The stable UID of one row's event (see the module docstring)."""
    who = "|".join(fold_text(str(deal.get(k) or "")) for k in ("name", "buyer", "seller"))
    what = repr(identity) if identity is not None else f"#{position}"
    return f"{uuid.uuid5(UID_NAMESPACE, f'{who}|{section}|{what}')}@{UID_DOMAIN}"


def meaning_word(meaning: str, texts: Texts) -> str:
    """A status meaning as a calendar category, in the language of ``texts``."""
    _ = texts
    words = {"not_started": _.pgettext("status meaning", "Not started"),
             "in_progress": _.pgettext("status meaning", "In progress"),
             "done": _.pgettext("status meaning", "Done"),
             "blocked": _.pgettext("status meaning", "Blocked")}
    return words[meaning]


def calendar_events(view: DocumentView, owners: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The events of the view as plain data, in section and row order: ``uid``, ``date``,
    ``summary``, ``description``, ``section``, ``row`` (1-based), ``done``, ``categories``."""
    wanted = {fold_text(o) for o in owners if str(o).strip()}
    events = []
    for sv in view.sections:
        events += _section_events(view, sv, wanted)
    return events


def _section_events(view: DocumentView, sv: SectionView, wanted: set[str]) -> list[dict[str, Any]]:
    deadline = date_column(sv.columns, sv.key)
    if deadline is None:
        return []
    track = tracking(sv.columns, sv.key)
    owner_key = track.owner if track else ("responsible" if sv.section.column("responsible") else None)
    label_key = label_column(sv.columns, sv.key) or deadline
    _ = view.texts
    out = []
    for position, row in enumerate(sv.rows, start=1):
        day = as_date(row.get(deadline))
        if day is None:
            continue
        if wanted and (owner_key is None or not owner_names(row.get(owner_key)) & wanted):
            continue
        meaning = track.meaning(row) if track else None
        done = meaning == "done"
        label = _text(row.get(label_key)) or f"{sv.title} {position}"
        summary = _("Done: {label}", label=label) if done else label
        if view.deal.get("buyer"):
            summary = f"{summary} ({view.deal['buyer']})"
        categories = [sv.title] + ([meaning_word(meaning, _)] if meaning else [])
        out.append({
            "uid": event_uid(view.deal, sv.key, row_key(sv.section, row), position),
            "date": day, "summary": summary,
            "description": _description(view, sv, row, owner_key, track),
            "section": sv.key, "row": position, "done": done, "categories": categories})
    return out


def _description(view: DocumentView, sv: SectionView, row: dict[str, Any], owner_key: str | None,
                 track: Any) -> str:
    _ = view.texts
    lines = [sv.title]
    if row.get("phase") not in (None, ""):
        lines.append(_("Phase: {phase}", phase=row["phase"]))
    if owner_key and row.get(owner_key) not in (None, ""):
        lines.append(_("Owner: {owner}", owner=_text(row[owner_key])))
    if track and row.get(track.status.key) not in (None, ""):
        lines.append(_("Status: {status}", status=_text(row[track.status.key])))
    deal = " / ".join(str(view.deal[k]) for k in ("name", "buyer") if view.deal.get(k))
    if deal:
        lines.append(_("Deal: {deal}", deal=deal))
    if row.get("if_missed") not in (None, ""):
        lines.append(_("If missed: {what}", what=_text(row["if_missed"])))
    return "\n".join(lines)


def calendar_bytes(view: DocumentView, owners: Iterable[str] = ()) -> bytes:
    """The view as an RFC 5545 calendar (``VCALENDAR`` of all-day ``VEVENT``\\ s)."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", view.title)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in calendar_events(view, owners):
        event = icalendar.Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", item["date"])
        event.add("dtend", item["date"] + dt.timedelta(days=1))
        event.add("summary", item["summary"])
        event.add("description", item["description"])
        event.add("categories", item["categories"])
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""
