"""The ``html`` output format: the buyer's page, one self-contained file to host or attach.

The page lays out the shared view (:class:`~mapgen.model.view.DocumentView`) for a reader on a
phone first: the deal and both parties, days to go-live and the date the page was made, the next
milestone, progress per section, the items needing attention first, each section's table (cards
on a narrow screen), the timeline as a list with bars, and the sign-off. Progress and health come
from :mod:`mapgen.model.health`, the rules the status report uses.

Everything a plan or blueprint holds is text: the jinja2 templates (``templates/``) escape every
value, and a link from the data is made only for a web or mail address (``rel="noopener"``). The
page asks for nothing from anywhere: styles are inline, the logo is a data URI, and its
Content-Security-Policy allows no request at all. Without scripts it reads the same; a small
inline script (allowed by its hash) counts "days to go-live" again from the reader's clock.

:func:`render_email` lays out the status report's email page with the same escaping.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.core.colors import DARK_TEXT, WHITE, contrast_ratio, text_on
from mapgen.core.dates import as_date
from mapgen.core.i18n import N_
from mapgen.formats.ics import meaning_word
from mapgen.formats.markdown import fact
from mapgen.model.health import (
    ATTENTION,
    count_items,
    health_rules,
    needing_attention,
    tracking,
)
from mapgen.model.view import (
    SIGNOFF_HEADERS,
    SIGNOFF_TEXT,
    WEB_LINK,
    display_value,
    kept_lines,
    timeline,
)

if TYPE_CHECKING:  # pragma: no cover
    from markupsafe import Markup

    from mapgen.formats.registry import WriteOptions
    from mapgen.model.health import Tracking
    from mapgen.model.view import DocumentView, SectionView

TEMPLATES = Path(__file__).with_name("templates")
LOGO_LIMIT = 2 * 1024 * 1024  # bytes of a logo that a page embeds
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg",
              b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
# Health flags as a badge says them (never colour alone).
FLAG_WORDS = {"stalled": N_("Stalled"), "at_risk": N_("At risk"), "due_soon": N_("Due soon"),
              "unowned": N_("No owner"), "undated": N_("No date")}
# Counts "days to go-live" again from the reader's clock; the page says its own date without it.
SCRIPT = (
    "(function(){var e=document.getElementById('go-live-days');if(!e)return;"
    "var p=e.getAttribute('data-go-live').split('-'),n=new Date();"
    "var d=Math.round((Date.UTC(+p[0],p[1]-1,+p[2])-Date.UTC(n.getFullYear(),n.getMonth(),"
    "n.getDate()))/864e5);e.textContent=String(Math.abs(d));"
    "var l=document.getElementById('go-live-label');"
    "if(l)l.textContent=l.getAttribute(d<0?'data-since':'data-to');"
    "var a=document.getElementById('go-live-as-of');"
    "if(a)a.textContent=a.getAttribute('data-today');})();")
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       f"script-src 'sha256-{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'")
_URL = re.compile(r"\b(?:https?://|mailto:)[^\s<>\"']+", re.IGNORECASE)


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    """The ``html`` output format (see :mod:`mapgen.formats.registry`)."""
    Path(path).write_text(render(view), encoding="utf-8")


def render(view: DocumentView) -> str:
    """The whole page as one HTML text. Raises MapgenError when the logo cannot be used."""
    return environment().get_template("page.html.j2").render(
        page=_Page(view).context(), script=SCRIPT, csp=CSP)


def render_email(context: dict[str, Any]) -> str:
    """The status report as an email-safe page (see ``templates/status.html.j2``)."""
    return environment().get_template("status.html.j2").render(**context)


@cache
def environment():
    """The jinja2 environment of the page templates: autoescaping on, unknown names an error."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["linked"] = linked
    return env


def linked(text: Any) -> Markup:
    """Text escaped, with the web and mail addresses in it made links (``rel="noopener"``)."""
    from markupsafe import Markup, escape

    text = "" if text is None else str(text)
    out, at = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)]")
        out += [escape(text[at:match.start()]), link(url)]
        at = match.start() + len(url)
    out.append(escape(text[at:]))
    return Markup("").join(out)


def link(url: str, text: str | None = None) -> Markup:
    """An anchor for a web or mail address; any other target stays plain text."""
    from markupsafe import Markup, escape

    url = url.strip()
    if not WEB_LINK.match(url) or any(c.isspace() or ord(c) < 32 for c in url):
        return escape(text if text is not None else url)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(
        url, text if text is not None else url)


def logo_data_uri(path: Path) -> str:
    """The logo at ``path`` as a ``data:`` URI (PNG, JPEG or GIF); ValueError saying why not."""
    with path.open("rb") as fh:
        data = fh.read(LOGO_LIMIT + 1)
    kind = next((t for magic, t in LOGO_TYPES.items() if data.startswith(magic)), None)
    if kind is None or len(data) > LOGO_LIMIT:
        raise ValueError("not a PNG, JPEG or GIF image" if kind is None else "larger than 2 MB")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def brand_colours(primary: str) -> dict[str, str]:
    """The band's colour and its text, and an accent that reads on white (the brand colour
    where it has the contrast of body text, else dark text)."""
    band = f"#{primary}"
    return {"band": band, "on_band": f"#{text_on(primary)}",
            "accent": band if contrast_ratio(primary, WHITE) >= 4.5 else f"#{DARK_TEXT}"}


class _Page:
    """The page's content as plain values for the template, every text in the view's language."""

    def __init__(self, view: DocumentView) -> None:
        self.view = view
        self._ = view.texts
        self.today = view.generated
        self.rules = health_rules(view.blueprint)
        self.holidays = view.blueprint.holiday_dates()
        self.tracks: dict[str, Tracking] = {}
        self.items: dict[str, list[dict[str, Any]]] = {}
        for sv in view.sections:
            track = tracking(sv.columns, sv.key)
            if track is not None and sv.rows:
                self.tracks[sv.key] = track
                self.items[sv.key] = [self._item(sv, track, i, row)
                                      for i, row in enumerate(sv.rows)]

    def _item(self, sv: SectionView, track: Tracking, index: int, row: dict) -> dict[str, Any]:
        item = track.item(row, self.today, self.rules, self.view.deal, self.holidays)
        column = sv.section.column(track.label)
        value = row.get(track.label)
        label = (display_value(column, value, self._) if column is not None and value not in
                 (None, "") else self._("Row {number}", number=index + 1))
        return {**item, "section": sv.key, "row": index + 1, "label": label}

    def context(self) -> dict[str, Any]:
        view, _ = self.view, self._
        return {
            "lang": view.blueprint.language,
            "title": view.title,
            "buyer_edition": view.audience == "buyer",
            "subtitle": self.subtitle(),
            "edition": (_("Buyer edition") if view.audience == "buyer" else
                        _("Internal copy with seller-only columns: not for the buyer")
                        if view.prefilled else ""),
            "made": _("Prepared {date}", date=_.date(self.today)),
            "company": view.branding.company,
            "logo": view.logo(logo_data_uri),
            "colours": brand_colours(view.branding.primary_color),
            "intro": view.intro,
            "facts": [(label, fact(value, _)) for label, value in view.deal_facts()],
            "glance": self.glance(),
            "progress": self.progress(),
            "attention": self.attention(),
            "timeline": self.timeline(),
            "sections": [self.section(sv) for sv in view.sections],
            "signoff": self.signoff(),
            "footer": ("" if view.audience == "buyer" else
                       _("Made from blueprint '{name}' version {version}",
                         name=view.blueprint.name, version=view.blueprint.version)),
            "labels": {
                "skip": _("Skip to the plan"), "deal": _("The deal"), "glance": _("At a glance"),
                "progress": _("Progress"), "attention": _("Needs attention"),
                "timeline": _("Timeline"), "contents": _("Contents"),
                "milestone": _("Next milestone"), "intro": _("Introduction"),
                "nothing": _("Nothing needs attention."),
                "section": _("Section"), "owner": _("Owner"), "due": _("Due"),
                "status": _("Status"),
            },
        }

    def subtitle(self) -> str:
        _, view = self._, self.view
        if not view.prefilled:
            return _("Plan to fill in")
        buyer = view.deal.get("buyer")
        return _("Prepared for {buyer}", buyer=buyer) if buyer else _("Plan")

    # -- at a glance

    def glance(self) -> dict[str, Any]:
        _ = self._
        out: dict[str, Any] = {"go_live": None, "milestone": None, "overall": None}
        go_live = as_date(self.view.deal.get("go_live"))
        if go_live is not None:
            days = (go_live - self.today).days
            out["go_live"] = {
                "iso": go_live.isoformat(), "days": abs(days),
                "label": _("Days since go-live") if days < 0 else _("Days to go-live"),
                "label_to": _("Days to go-live"), "label_since": _("Days since go-live"),
                "as_of": _("As of {date}", date=_.date(self.today)),
                "as_of_today": _("As of today"),
                "date": _("Go-live: {date}", date=_.date(go_live))}
        phases = next((sv for sv in self.view.sections if sv.key == "phases"), None)
        track = self.tracks.get("phases")
        if phases is not None and track is not None:
            found = track.next_due(phases.rows, self.view.deal, self.holidays)
            if found is not None:
                n, due = found
                item = self.items["phases"][n]
                out["milestone"] = {"label": item["label"], "date": _.date(due),
                                    "when": self.when(due), "late": due < self.today}
        items = [i for found in self.items.values() for i in found]
        if items:
            total = count_items(items)
            out["overall"] = {"text": self.done_of(total), "percent": total["percent_complete"],
                              "late": total["stalled"] + total["at_risk"],
                              "late_label": _("Overdue"),
                              "blocked": total["blocked"],
                              "blocked_label": _.pgettext("status meaning", "Blocked")}
        return out

    def when(self, due: dt.date) -> str:
        """``due today``, ``in 5 days``, ``3 days late``."""
        _, days = self._, (due - self.today).days
        if days == 0:
            return _("due today")
        if days > 0:
            return _.ngettext("in {n} day", "in {n} days", days)
        return _.ngettext("{n} day late", "{n} days late", -days)

    def done_of(self, counts: dict[str, int]) -> str:
        return self._.ngettext("{done} of {n} done", "{done} of {n} done", counts["total"],
                               done=counts["done"])

    # -- progress and attention

    def progress(self) -> list[dict[str, Any]]:
        out = []
        for sv in self.view.sections:
            if sv.key in self.items:
                counts = count_items(self.items[sv.key])
                out.append({"title": sv.title, "anchor": anchor(sv), "text": self.done_of(counts),
                            "percent": counts["percent_complete"]})
        return out

    def attention(self) -> list[dict[str, Any]]:
        titles = {sv.key: sv.title for sv in self.view.sections}
        anchors = {sv.key: anchor(sv) for sv in self.view.sections}
        items = [i for found in self.items.values() for i in found]
        return [{"label": i["label"], "section": titles[i["section"]],
                 "anchor": anchors[i["section"]], "owner": i["responsible"] or "",
                 "due": self.due_text(i), "status": i["status"] or "",
                 "badges": self.badges(i)} for i in needing_attention(items)]

    def due_text(self, item: dict[str, Any]) -> str:
        if not item["deadline"]:
            return ""
        due = dt.date.fromisoformat(item["deadline"])
        return f"{self._.date(due)} ({self.when(due)})" if item["meaning"] != "done" else \
            self._.date(due)

    def badges(self, item: dict[str, Any]) -> list[tuple[str, str]]:
        """(kind, words) of an item's health flags, most urgent first."""
        _ = self._
        out = []
        for flag in sorted(item["health"], key=ATTENTION.index):
            word = (_.pgettext("status meaning", "Blocked") if flag == "blocked"
                    else _(FLAG_WORDS[flag]))
            out.append((flag.replace("_", "-"), word))
        return out

    # -- timeline

    def timeline(self) -> dict[str, Any] | None:
        _ = self._
        bars = [t for t in timeline(self.view) if t.start and t.end]
        if not bars:
            return None
        # by section (phases first, as the view gives them), then by date within each
        order = list(dict.fromkeys(t.section.key for t in bars))
        bars.sort(key=lambda t: (order.index(t.section.key), t.end, t.start))
        first = min(t.start for t in bars if t.start)
        last = max(t.end for t in bars if t.end)
        span = max(1, (last - first).days)

        def at(day: dt.date) -> float:
            return round(100 * (day - first).days / span, 2)

        rows = []
        for t in bars:
            assert t.start and t.end
            when = (_.date(t.end) if t.start == t.end or not t.phase
                    else _("{start} to {end}", start=_.date(t.start), end=_.date(t.end)))
            left, right = at(t.start), at(t.end)
            rows.append({"label": t.label, "section": t.section.title, "when": when,
                         "status": meaning_word(t.meaning, _) if t.meaning else "",
                         "meaning": (t.meaning or "not_started").replace("_", "-"),
                         "point": not t.phase or t.start == t.end,
                         "left": min(left, 97.0), "width": round(max(right - left, 1.5), 2)})
        today = at(self.today) if first <= self.today <= last else None
        return {"rows": rows, "groups": len(order) > 1, "first": _.date(first),
                "last": _.date(last), "today": today, "today_label": _("Today"),
                "caption": _("From {start} to {end}", start=_.date(first), end=_.date(last))}

    # -- the sections

    def section(self, sv: SectionView) -> dict[str, Any]:
        _ = self._
        track = self.tracks.get(sv.key)
        rows, note = sv.rows, ""
        if not rows and sv.examples:
            rows, note = sv.examples, _("Examples: what good looks like.")
        status_key = track.status.key if track is not None else None
        items = self.items.get(sv.key) if rows is sv.rows else None
        headers = [c.title for c in sv.columns]
        body = []
        for i, row in enumerate(rows):
            kept = kept_lines(sv, row, i) if rows is sv.rows else {}
            cells = []
            for column in sv.columns:
                value = row.get(column.key)
                cell: dict[str, Any] = {
                    "header": column.title,
                    "text": "" if value in (None, "") else display_value(column, value, _),
                    "kind": column.type, "notes": kept.get(column.key, []), "badges": []}
                if column.key == status_key and items is not None:
                    item = items[i]
                    cell["meaning"] = (item["meaning"] or "").replace("_", "-") if cell["text"] else ""
                    cell["badges"] = self.badges(item)
                    if item["days_overdue"] and set(item["health"]) & {"stalled", "at_risk"}:
                        cell["late"] = self.when(dt.date.fromisoformat(item["deadline"]))
                cells.append(cell)
            body.append(cells)
        return {"number": sv.number, "title": sv.title, "anchor": anchor(sv),
                "purpose": sv.purpose, "instructions": sv.instructions, "headers": headers,
                "rows": body, "note": note, "empty": _("Nothing here yet.") if not rows else "",
                "notes": list(sv.table_notes),  # the plan's notes under the table
                "progress": self.done_of(count_items(items)) if items else ""}

    def signoff(self) -> dict[str, Any] | None:
        if not self.view.signoff:
            return None
        return {"title": self._("Sign-off"), "headers": [self._(h) for h in SIGNOFF_HEADERS],
                "roles": self.view.signoff,
                "text": self._(SIGNOFF_TEXT)}


def anchor(sv: SectionView) -> str:
    """The id of a section on the page (its key, which a blueprint keeps to letters and _)."""
    return "section-" + re.sub(r"[^A-Za-z0-9_-]", "-", sv.key)
