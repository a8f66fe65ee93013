"""The handout's timeline page, as data: its items, the Mondays of its week columns, each
week cell's fill and each column's label (the writer draws them; batch templates fill them)."""

from __future__ import annotations

import datetime as dt

from mapgen.core.i18n import Texts
from mapgen.model.view import DocumentView, TimelineItem, timeline, timeline_weeks

OVERDUE_BAR, DONE_BAR, TODAY_FILL = "C00000", "70AD47", "FFF2CC"  # the timeline's colours
TIMELINE_WEEKS = 30  # the most week columns a landscape page holds legibly


def handout_timeline(view: DocumentView) -> tuple[list[TimelineItem], list[dt.date]]:
    """The timeline page's items and the Mondays of its week columns (none: no such page)."""
    items = timeline(view)
    return items, timeline_weeks(items, view.generated, limit=TIMELINE_WEEKS)


def timeline_fills(items: list[TimelineItem], weeks: list[dt.date], today: dt.date,
                   brand: str) -> list[list[str | None]]:
    """Each item's week cells' background: its bar (overdue red, done green, else ``brand``)
    in the weeks it spans, this week's colour in today's week, else none."""
    this_week = today - dt.timedelta(days=today.weekday())
    out = []
    for item in items:
        late = item.end is not None and item.end < today and item.meaning != "done"
        colour = OVERDUE_BAR if late else DONE_BAR if item.meaning == "done" else brand
        row: list[str | None] = []
        for week in weeks:
            on = (item.start is not None and item.end is not None
                  and week <= item.end and week + dt.timedelta(days=7) > item.start)
            row.append(colour if on else TODAY_FILL if week == this_week else None)
        out.append(row)
    return out


def week_label(week: dt.date, texts: Texts) -> str:
    """A timeline column's week: its Monday's day and short month in the handout's language
    (``3 Feb``, ``3. Feb.``, ``3 févr.``, ``3 feb``): :meth:`mapgen.core.i18n.Texts.day_month`."""
    return texts.day_month(week)
