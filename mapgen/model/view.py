"""The blueprint walk that every writer shares.

:func:`build_view` turns a blueprint (and optionally a plan) into a :class:`DocumentView`: the
texts rendered for the deal, the sections and columns the audience may see, the rows to print
(the plan's rows over the blueprint's standard rows, relative dates resolved), the examples and
the number of empty rows. The Excel and Word writers only lay this view out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mapgen.core.dates import as_date
from mapgen.core.errors import Issue, MapgenError, ValidationFailed
from mapgen.core.i18n import N_, N_plural, Texts, texts_for
from mapgen.core.text import is_blank
from mapgen.core.xmltext import xml_text
from mapgen.model.blueprint import Audience, Blueprint, Column, Section
from mapgen.model.plan import NOTES_KEY, STANDARD_DEAL_KEYS, Plan, Row, row_key
from mapgen.model.rowids import ID_KEY, STD_KEY, RowMark, fresh_id, own_ids, seen_keys, standard_keys

T = TypeVar("T")
PREFILLED_SPARE_ROWS = 3
LANDSCAPE_WIDTH = 105  # sum of column widths (characters) above which a section prints landscape
# The standard deal facts' labels (English; a document shows them in its language).
DEAL_LABELS = {"name": N_("Deal"), "buyer": N_("Buyer"), "seller": N_("Seller"), "start": N_("Start"),
               "close": N_("Close"), "go_live": N_("Go-live")}
# The deal dates as a sentence names them ("6 weeks before go-live").
_ANCHOR_WORDS = {"start": N_("start"), "close": N_("close"), "go_live": N_("go-live")}
# Merge's note on a conflicting cell (mapgen.ops.merge.Conflict.note); the reader knows it by the
# text before the first colon, in English and the workbook's language.
# It says why the value was kept in words (never a command-line option: a workbook's reader
# may never have seen the command that made it).
CONFLICT_NOTE = N_("Conflict: {values} (kept {source}'s)")
CONFLICT_NOTES_WHY = {
    "first": N_("Conflict: {values} (kept {source}'s, the first copy's value)"),
    "last": N_("Conflict: {values} (kept {source}'s, the last copy's value)"),
    "first valid": N_("Conflict: {values} (kept {source}'s, the first valid value)"),
    "last valid": N_("Conflict: {values} (kept {source}'s, the last valid value)"),
}
# Merge's note on a running number it changed (two rows had it): where the row's number
# came from, shown on the number's cell. The reader knows it as mapgen's own from the record.
RENUMBERED_NOTE = N_("Renumbered: {source}'s {old} is now {new}")
# The headers of the sign-off block (a row per role to write a name, title, date and signature).
SIGNOFF_HEADERS = (N_("Role"), N_("Name"), N_("Title"), N_("Date"), N_("Signature"))
SIGNOFF_TEXT = N_("We agree on this plan and will follow it together.")
# A kept link that a document may make clickable: a web or mail address, nothing else.
WEB_LINK = re.compile(r"(https?://|mailto:)\S+$", re.IGNORECASE)


@dataclass
class SectionView:
    """One section as a document shows it."""

    section: Section
    number: int
    title: str
    purpose: str
    instructions: str
    columns: list[Column]
    rows: list[Row]
    examples: list[Row]
    blank_rows: int
    # Set by merge: per data row, who contributed it (shown as a "Sources" column to the seller),
    # and per (row index, column key), a note on a conflicting value (highlight and comment).
    sources: list[str] | None = None
    notes: dict[tuple[int, str], str] = field(default_factory=dict)
    # Also set by merge: per (row index, column key), a note for information that needs no
    # settling (a running number it changed): shown on the cell like a comment, not highlighted.
    merge_notes: dict[tuple[int, str], str] = field(default_factory=dict)
    # Per (row index, column key) of a data row, the relative date it was written as
    # (``go_live-12w``): a workbook keeps it live, a formula on the deal's dates.
    relative: dict[tuple[int, str], str] = field(default_factory=dict)
    # Who each data row and each example is (mapgen.model.rowids): its id, its standard row's
    # key, whether it is an example. Writers record them where people do not see them.
    marks: list[RowMark] = field(default_factory=list)
    example_marks: list[RowMark] = field(default_factory=list)
    # Per data row, the index of the plan row it shows (None: a standard row the plan lacks).
    origins: list[int | None] = field(default_factory=list)
    # The plan's notes for this section (text people wrote under its table, which is no
    # row): shown under the table, never as rows.
    table_notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def landscape(self) -> bool:
        if self.section.landscape is not None:
            return self.section.landscape
        return sum(c.display_width for c in self.columns) > LANDSCAPE_WIDTH


@dataclass
class DocumentView:
    """A whole MAP document, ready to lay out in any format."""

    blueprint: Blueprint
    audience: Audience
    prefilled: bool
    title: str
    intro: list[str]
    how_to_use: list[str]
    deal: dict[str, Any]
    sections: list[SectionView]
    participant: str | None = None
    generated: dt.date = field(default_factory=dt.date.today)
    issues: list[Issue] = field(default_factory=list)
    # Per section, the standard row keys the plan has held (recorded so that a deleted
    # standard row stays deleted in the next round; mapgen.model.rowids).
    standard_rows: dict[str, list[str]] = field(default_factory=dict)

    @property
    def branding(self):
        return self.blueprint.branding

    @property
    def texts(self) -> Texts:
        """mapgen's own texts in the blueprint's language."""
        return texts_for(self.blueprint.language)

    def logo(self, use: Callable[[Path], T]) -> T | None:
        """What ``use`` makes of the branding logo's file (a relative path starts at the
        blueprint file); None without a logo. ``use`` raises OSError, or ValueError saying why,
        for a file it cannot use: MapgenError naming the logo and where it was given then."""
        ref = self.branding.logo
        if not ref:
            return None
        source = self.blueprint.source
        path = Path(ref).expanduser()
        if not path.is_absolute():
            path = (source.parent if source else Path.cwd()) / path
        named = f"logo '{ref}'" + (f" (branding.logo in {source.name})" if source else "")
        try:
            return use(path)
        except FileNotFoundError:
            raise MapgenError(f"{named} not found: {path}") from None
        except (OSError, ValueError) as exc:
            why = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
            raise MapgenError(f"{named} cannot be used: {path}: {why}") from None

    @property
    def signoff(self) -> list[str]:
        """The roles that sign the plan off (the blueprint's ``signoff``)."""
        return list(self.blueprint.signoff)

    @property
    def author(self) -> str:
        """Who a document says it is from: the company (comments, document properties)."""
        return self.branding.company or self.texts("Mutual Action Plan")

    def deal_facts(self) -> list[tuple[str, Any]]:
        """(label, value) of the deal facts that are known, standard ones first."""
        return [(label, value) for _, label, value in self.deal_items()]

    def deal_items(self) -> list[tuple[str, str, Any]]:
        """(key, label, value) of the deal facts that are known, standard ones first."""
        keys = [k for k in STANDARD_DEAL_KEYS if self.deal.get(k) not in (None, "")]
        keys += [k for k in self.deal if k not in STANDARD_DEAL_KEYS and self.deal[k] not in (None, "")]
        return [(k, deal_label(k, self.texts), self.deal[k]) for k in keys]

    def anchors(self) -> list[str]:
        """The deal dates that relative dates count from: the standard ones, then any other
        deal key that a row's relative date names."""
        used = {dates_anchor(text) for sv in self.sections for text in sv.relative.values()}
        standard = [k for k in DEAL_DATE_KEYS]
        return standard + sorted(used - set(standard))


DEAL_DATE_KEYS = ("start", "close", "go_live")


def deal_label(key: str, texts: Texts | None = None) -> str:
    """``go_live`` -> ``Go-live`` (in the language of ``texts``); other deal keys in words."""
    if key in DEAL_LABELS:
        return (texts or texts_for())(DEAL_LABELS[key])
    return key.replace("_", " ").capitalize()


def dates_anchor(text: str) -> str:
    from mapgen.core import dates

    return dates.parse_relative(text).anchor


def paragraphs(text: str) -> list[str]:
    """A blueprint text as paragraphs: blank lines separate them, and the lines that YAML
    wrapped by hand within one paragraph are joined (the page wraps them again)."""
    return [flow(p) for p in re.split(r"\n[ \t]*\n", text or "") if p.strip()]


def flow(text: str) -> str:
    """One paragraph's lines joined with single spaces."""
    return " ".join((text or "").split())


def property_text(text: str, limit: int = 255) -> str:
    """Text for a document property (title, author): on one line, characters XML cannot hold
    dropped, and at most the 255 characters Word and Excel allow."""
    text = " ".join(xml_text(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_value(column: Column, value: Any, texts: Texts | None = None) -> str:
    """A value as people read it in print (dates in the language of ``texts``); unresolved
    relative dates in words."""
    texts = texts or texts_for()
    if column.field.is_date:
        if isinstance(value, str):
            from mapgen.core import dates  # here: a table's every cell comes through this function

            if dates.is_relative(value):
                return describe_relative(value, texts)
        if isinstance(value, dt.date):
            return texts.date(value)
    return column.field.display(value)


def describe_relative(text: str, texts: Texts | None = None) -> str:
    """``go_live-6w`` -> ``6 weeks before go-live`` (in the language of ``texts``)."""
    from mapgen.core import dates

    _ = texts or texts_for()
    rel = dates.parse_relative(text)
    word = _ANCHOR_WORDS.get(rel.anchor)
    anchor = _(word) if word else rel.anchor.replace("_", " ")
    if rel.amount == 0:
        at = {"start": N_("at start"), "close": N_("at close"), "go_live": N_("at go-live")}
        return _(at[rel.anchor]) if rel.anchor in at else _("at {anchor}", anchor=anchor)
    unit = rel.unit if rel.unit in ("d", "bd") else "w"
    singular, plural = _RELATIVE_WORDS[(rel.amount > 0, unit)]
    return _.ngettext(singular, plural, abs(rel.amount), anchor=anchor)


# (after the anchor?, unit) -> the words of a relative date, singular and plural
_RELATIVE_WORDS = {
    (True, "d"): N_plural("{n} day after {anchor}", "{n} days after {anchor}"),
    (True, "bd"): N_plural("{n} business day after {anchor}", "{n} business days after {anchor}"),
    (True, "w"): N_plural("{n} week after {anchor}", "{n} weeks after {anchor}"),
    (False, "d"): N_plural("{n} day before {anchor}", "{n} days before {anchor}"),
    (False, "bd"): N_plural("{n} business day before {anchor}", "{n} business days before {anchor}"),
    (False, "w"): N_plural("{n} week before {anchor}", "{n} weeks before {anchor}"),
}


def kept_lines(sv: SectionView, row: Row, index: int) -> dict[str, list[tuple[str, bool]]]:
    """Column key -> the lines (text, whether it is the link) a data row's kept notes
    (``_notes``) show under the value: its comment (unless a merge note stands there, as a
    workbook shows that one) and then its link."""
    out: dict[str, list[tuple[str, bool]]] = {}
    notes = row.get(NOTES_KEY)
    if not isinstance(notes, dict):
        return out
    for column in sv.columns:
        note = notes.get(column.key)
        note = note if isinstance(note, dict) else {}
        conflict = (index, column.key) in sv.notes
        lines = [(str(note[k]).strip(), k == "link") for k in ("comment", "link")
                 if str(note.get(k) or "").strip() and not (k == "comment" and conflict)]
        if lines:
            out[column.key] = lines
    return out


def build_view(blueprint: Blueprint, plan: Plan | None = None, *,
               audience: Audience = "internal", participant: str | None = None) -> DocumentView:
    """Walk the blueprint for one document. Raises ValidationFailed for dates that need a
    deal date the plan does not have, TemplateError for a blueprint text that fails to render."""
    from mapgen.core.templating import deal_context
    from mapgen.model.relative_dates import restored_rows, written_rules

    bp = blueprint.for_audience(audience)
    deal = dict(plan.deal) if plan else {}
    ctx = deal_context(deal)
    holidays = bp.holiday_dates()
    issues: list[Issue] = []
    text = _Renderer(ctx, texts_for(bp.language))
    sections = []
    held: dict[str, list[str]] = {}
    for number, section in enumerate(bp.sections, start=1):
        full = blueprint.section(section.key) or section
        keys = standard_keys(full)
        standard = [text.row(section, r, "rows", i) for i, r in enumerate(section.rows)]
        seen = seen_keys(plan, section.key) if plan is not None else set()
        own = restored_rows(plan, bp, section.key) if plan is not None else []
        origins = overlay_origins(section, keys, standard, own, seen)
        given = lay_rows(section, origins, standard, own)
        held[section.key] = sorted(seen | set(keys))
        marks = [RowMark(r.pop(ID_KEY), r.pop(STD_KEY, None)) for r in given]
        relative = {at: str(rule) for at, rule in written_rules(section, given).items()}
        rows = [_resolve_dates(section, r, deal, holidays, issues, strict=plan is not None)
                for r in given]
        if plan is not None:
            examples = [] if rows else section.examples
            blank = PREFILLED_SPARE_ROWS
        else:
            examples = section.examples
            blank = section.blank_rows
        examples = [_resolve_dates(section, text.row(section, r, "examples", i), deal, holidays,
                                   issues, strict=False) for i, r in enumerate(examples)]
        taken = {m.id for m in marks}
        example_marks = [RowMark(fresh_id(taken, section.key, "example", i), example=True)
                         for i in range(len(examples))]
        extras = extra_columns(section, plan) if plan is not None and audience == "internal" else []
        sections.append(SectionView(
            section=section, number=number, title=text.field(section, "title") or section.label,
            purpose=flow(text.field(section, "purpose")),
            instructions=flow(text.field(section, "instructions")),
            columns=list(section.columns) + extras, rows=rows, examples=examples, blank_rows=blank,
            relative=relative, marks=marks, example_marks=example_marks,
            origins=[n if kind == "plan" else None for kind, n, _ in origins],
            table_notes=list(plan.notes.get(section.key, [])) if plan is not None else []))
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ValidationFailed(issues)
    return DocumentView(
        blueprint=bp, audience=audience, prefilled=plan is not None,
        title=text.field(bp, "title") or text.texts("Mutual Action Plan"),
        intro=paragraphs(text.field(bp, "intro")),
        how_to_use=[flow(text.render(s, bp.where("how_to_use"))) for s in bp.how_to_use],
        deal=deal, sections=sections, participant=participant, issues=issues,
        standard_rows={k: v for k, v in held.items() if v})


def extra_columns(section: Section, plan: Plan) -> list[Column]:
    """The columns that the plan's rows hold beyond the blueprint's (a column a person added to
    a workbook, read back with its header), as text columns after the blueprint's. Only the
    internal edition shows them: nothing says that a column someone added is meant for the buyer."""
    out = []
    for key, header in plan.extra_columns(section).items():
        data = {"key": key, "header": header, "type": "text"}
        try:
            out.append(Column(**data))
        except ValueError:  # a key that a blueprint could not use (a plan file's own)
            out.append(Column.model_construct(**data))
    return out


class _Renderer:
    """Renders blueprint texts (never plan data) with the deal context."""

    def __init__(self, ctx: dict[str, Any], texts: Texts | None = None):
        self.ctx = ctx
        self.texts = texts or texts_for()

    def render(self, value: Any, where: tuple[str | None, int | None]) -> Any:
        from mapgen.core.templating import has_template, render_text

        if not isinstance(value, str) or not has_template(value):
            return value
        return render_text(value, self.ctx, source=where[0], line=where[1], dates=self.texts.date)

    def field(self, obj: Any, name: str) -> str:
        return self.render(getattr(obj, name) or "", obj.where(name))

    def row(self, section: Section, row: Row, kind: str, index: int) -> Row:
        wheres = section._row_where if kind == "rows" else section._example_where
        where = wheres[index] if index < len(wheres) else section.where(kind)
        out = {}
        for key, value in row.items():
            column = section.column(key)
            value = self.render(value, where)
            if column is not None and value is not None and kind == "rows":
                value = column.field.parse(value, column, allow_relative=True).value
            out[key] = value
        return out


def standard_rows(blueprint: Blueprint, section: Section, deal: dict[str, Any]) -> list[Row]:
    """The section's standard rows with their texts rendered for the deal (dates as written)."""
    from mapgen.core.templating import deal_context

    text = _Renderer(deal_context(deal), texts_for(blueprint.language))
    return [text.row(section, r, "rows", i) for i, r in enumerate(section.rows)]


def overlay_origins(section: Section, keys: list[str], standard: list[Row], rows: list[Row],
                    seen: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, int, str | None]]:
    """Where each row of :func:`overlaid` comes from: ``("standard", j, key)`` or
    ``("plan", i, key or None)``, the key being the standard row's that the row stands for.

    A plan row stands for the standard row its ``_std`` names. A plan that links or records
    none (an older plan, or one written by hand) is matched by identity instead, each
    standard row to at most one plan row. Linked or recorded plans keep their own order, and
    a standard row is added (at the end) only when the plan neither holds nor ever held it: a
    deleted one stays deleted, one that a newer blueprint version adds is added."""
    index = {k: j for j, k in enumerate(keys)}
    links: list[str | None] = []
    for row in rows:
        std = row.get(STD_KEY)
        links.append(std if isinstance(std, str) and std in index and std not in links else None)
    modern = bool(seen) or any(links)
    identities: dict[Any, int] = {}
    for j, row in enumerate(standard):
        if keys[j] not in seen and keys[j] not in links:
            identities.setdefault(row_key(section, row), j)
    for i, row in enumerate(rows):
        key = row_key(section, row) if links[i] is None else None
        j = identities.pop(key, None) if key is not None else None
        if j is not None:
            links[i] = keys[j]
    if modern:
        return ([("plan", i, k) for i, k in enumerate(links)]
                + [("standard", j, k) for j, k in enumerate(keys) if k not in seen
                   and k not in links])
    out: list[tuple[str, int, str | None]] = [("standard", j, k) for j, k in enumerate(keys)]
    for i, link in enumerate(links):
        if link is not None:
            out[index[link]] = ("plan", i, link)
        else:
            out.append(("plan", i, None))
    return out


def overlaid(section: Section, keys: list[str], standard: list[Row], rows: list[Row],
             seen: set[str] | frozenset[str] = frozenset()) -> list[Row]:
    """The plan's rows with the standard rows laid in (:func:`overlay_origins`), each with its
    ``_id`` (kept, or made now) and, when it stands for a standard row, its ``_std``.

    A running number (a ``sequence`` column) is kept where it is given and clashes with no
    earlier row's; others continue after the highest."""
    return lay_rows(section, overlay_origins(section, keys, standard, rows, seen), standard, rows)


def lay_rows(section: Section, origins: list[tuple[str, int, str | None]], standard: list[Row],
             rows: list[Row]) -> list[Row]:
    """The rows that ``origins`` (:func:`overlay_origins`) name, as :func:`overlaid` says."""
    given = own_ids(rows)
    taken = {i for i in given if i}
    out: list[Row] = []
    for kind, n, std in origins:
        if kind == "standard":
            row = {k: v for k, v in standard[n].items() if k not in (ID_KEY, STD_KEY)}
            row[ID_KEY] = fresh_id(taken, section.key, "standard", std)
        else:
            row = dict(rows[n])
            # made from the row's content: a plan's rows in another order keep their ids (a
            # batch gives its deals' rows place ids first, so that deals share templates)
            row[ID_KEY] = given[n] or fresh_id(taken, section.key, "row", _plain(row))
            row.pop(STD_KEY, None)
        if std:
            row[STD_KEY] = std
        out.append(row)
    for column in section.columns:
        if column.sequence:
            renumber(out, column.key, [c.key for c in section.columns])
    return out


def renumber(rows: list[Row], key: str, shown: Iterable[str] | None = None
             ) -> list[tuple[int, Any, int]]:
    """Give every row a running number in ``key``: a number is kept unless an earlier row has
    it (or it is not a whole number); the rest continue after the highest. Returns (row index,
    old value, new number) of each row whose number changed. A row with nothing in it (in the
    ``shown`` columns, when given) gets none."""
    used: set[int] = set()
    numbers: list[int | None] = []
    for row in rows:
        value = row.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0 \
            and value not in used
        numbers.append(value if ok else None)
        if ok:
            used.add(value)
    top = max(used, default=0)
    changed = []
    for i, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        if number is None and all(is_blank(v) for k, v in row.items() if k != key
                                  and not k.startswith("_") and (shown is None or k in shown)):
            continue  # a row with nothing in it gets no number: nobody typed it
        if number is None:
            top += 1
            changed.append((i, row.get(key), top))
            row[key] = top
    return changed


def _plain(row: Row) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()
            if not k.startswith("_")}


def _resolve_dates(section: Section, row: Row, deal: dict[str, Any], holidays: list[dt.date],
                   issues: list[Issue], *, strict: bool) -> Row:
    out = dict(row)
    for column in section.columns:
        value = out.get(column.key)
        if not isinstance(value, str) or not column.field.is_date:
            continue
        from mapgen.core import dates  # only for a text in a date column

        if not dates.is_relative(value):
            continue
        rel = dates.parse_relative(value)
        try:
            out[column.key] = dates.resolve(rel, deal, holidays)
        except dates.RelativeDateError as exc:
            if strict:
                code = "missing-anchor" if isinstance(exc, dates.MissingAnchor) else "invalid-date"
                issues.append(Issue(code=code, section=section.key, column=column.key,
                                    message=f"section '{section.key}', '{column.title}': {exc}"))
    return out


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineItem:
    """One bar of a timeline: a phase from the previous milestone to its own, or an action
    item in the week it is due."""

    section: SectionView
    index: int            # the row's index in the section's rows
    label: str
    start: dt.date | None
    end: dt.date | None
    meaning: str | None   # the status meaning (status.MEANINGS) or None
    phase: bool           # a span (phases) rather than a due date


def timeline(view: DocumentView) -> list[TimelineItem]:
    """The dated rows of every tracked section, phases first as spans, in plan order."""
    from mapgen.model.health import tracking

    items: list[TimelineItem] = []
    for sv in view.sections:
        track = tracking(sv.columns, sv.key)
        if track is None or track.deadline is None:
            continue
        span = sv.key == "phases"
        previous = as_date(view.deal.get("start"))
        label_column = sv.section.column(track.label)
        for i, row in enumerate(sv.rows):
            due = track.due(row)
            if due is None and (i, track.deadline) not in sv.relative:
                continue
            label = row.get(track.label)
            text = (display_value(label_column, label, view.texts) if label
                    else view.texts("Row {number}", number=i + 1))
            start = previous if span and previous and due and previous <= due else due
            items.append(TimelineItem(sv, i, text, start, due, track.meaning(row), span))
            if span and due:
                previous = due
    items.sort(key=lambda t: not t.phase)
    return items


def timeline_weeks(items: list[TimelineItem], today: dt.date, *, limit: int = 26) -> list[dt.date]:
    """The Mondays of the weeks a timeline shows: from the first item's week to the last's
    (today's week included when it falls between), at most ``limit`` weeks."""
    days = [d for t in items for d in (t.start, t.end) if d]
    if not days:
        return []
    first, last = min(days), max(days)
    monday = first - dt.timedelta(days=first.weekday())
    count = min(limit, (last - monday).days // 7 + 1)
    return [monday + dt.timedelta(weeks=n) for n in range(count)]

