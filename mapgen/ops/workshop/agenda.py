"""The agenda of the two workshop sessions, derived from the blueprint's sections.

Each session is time-boxed to the framework's 2 to 4 hours, in 5-minute boxes, with a break
when it runs over 2 hours; a company blueprint gets its own agenda.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from mapgen.core.apportion import apportion
from mapgen.core.i18n import N_, Texts, texts_for

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan
    from mapgen.model.view import DocumentView, SectionView

SESSION_MIN, SESSION_MAX = 120, 240  # minutes: the framework's 2 to 4 hours
BREAK_MINUTES = 15
UNIT = 5  # every time box is a multiple of 5 minutes
MIN_BLOCK = 10  # the shortest section block; smaller sections share a block
SECTION_MIN, SECTION_MAX = 15, 45  # a section's own weight, before fitting the session


ItemKind = Literal["welcome", "sections", "homework", "review", "owners", "feedback", "break",
                   "wrapup"]


@dataclass(frozen=True)
class AgendaItem:
    """One time box of a session."""

    kind: ItemKind
    title: str
    minutes: int
    produce: str  # what the team has at the end of the time box
    sections: tuple[str, ...] = ()  # section keys covered (kind "sections")
    start: int = 0  # minutes from the start of the session


@dataclass(frozen=True)
class Session:
    """One of the two sessions: its goal and its time boxes."""

    number: int
    goal: str
    items: tuple[AgendaItem, ...]

    @property
    def minutes(self) -> int:
        return sum(i.minutes for i in self.items)

    @property
    def sections(self) -> list[str]:
        return [key for item in self.items for key in item.sections]


@dataclass(frozen=True)
class Agenda:
    """The two workshop sessions, each time-boxed to 2-4 hours."""

    sessions: tuple[Session, Session]
    section_titles: dict[str, str] = field(default_factory=dict)  # key -> "3. Action Items"

    def session_of(self, section_key: str) -> int | None:
        """1 or 2: the session that works on a section."""
        return next((s.number for s in self.sessions if section_key in s.sections), None)


def section_minutes(columns: int, blank_rows: int) -> int:
    """A section's weight: 10 minutes, 3 per column, 1 per 2 blank rows; 15-45, in 5s."""
    raw = 10 + 3 * columns + blank_rows / 2
    return int(UNIT * round(min(max(raw, SECTION_MIN), SECTION_MAX) / UNIT))


def agenda(blueprint: Blueprint, *, plan: Plan | None = None) -> Agenda:
    """The plan of the two sessions for ``blueprint`` (section titles rendered for ``plan``)."""
    from mapgen.model.view import build_view

    return agenda_for_view(build_view(blueprint, plan))


def agenda_for_view(view: DocumentView) -> Agenda:
    """The agenda of a built view: session 1 takes the first sections, session 2 the rest.

    The split balances the two sessions' lengths; each session is then fitted into 2-4 hours
    (with a break when over 2 hours) by scaling its section blocks, which share a block when
    there are too many to give each 10 minutes.
    """
    _ = view.texts
    sections = view.sections
    weights = [section_minutes(len(s.columns), s.section.blank_rows) for s in sections]
    titles = {s.key: _("{title} (seller only)", title=f"{s.number}. {s.title}")
              if s.section.internal else f"{s.number}. {s.title}" for s in sections}
    fixed1 = sum(i.minutes for i in _frame(1, view, False))
    fixed2 = sum(i.minutes for i in _frame(2, view, False))
    split = min(range(1, len(sections) + 1),
                key=lambda k: (abs(fixed1 + sum(weights[:k]) - fixed2 - sum(weights[k:])), -k))
    first, second = sections[:split], sections[split:]
    one = _fit(1, _session1_goal(first, titles, _), _frame(1, view, bool(first)),
               weights[:split], first, view.prefilled, titles, _)
    two = _fit(2, _session2_goal(second, _), _frame(2, view, bool(second)),
               weights[split:], second, view.prefilled, titles, _)
    return Agenda(sessions=(one, two), section_titles=titles)


def _session1_goal(first: list[SectionView], titles: dict[str, str], _: Texts) -> str:
    return _("Agree on why we use a MAP with this buyer and draft the first sections together: "
             "{sections}. Everyone leaves knowing their homework.",
             sections=join_and((titles[s.key] for s in first), _))


def _session2_goal(second: list[SectionView], _: Texts) -> str:
    if second:
        return _("Turn the merged homework into one agreed plan: settle the conflicts, complete "
                 "the remaining sections, give every milestone and action an owner, and plan "
                 "feedback and training.")
    return _("Turn the merged homework into one agreed plan: settle the conflicts, give every "
             "milestone and action an owner, and plan feedback and training.")


# Each session's fixed items as (kind, title, minutes, what it achieves); None is where the
# section blocks go. Session 2's owners item names the sections with an owner column.
_FRAMES: dict[int, tuple[tuple[ItemKind, str, int, str] | None, ...]] = {
    1: (("welcome", N_("Welcome and goal"), 15,
         N_("Everyone knows the goal of the MAP and of the two sessions; roles are clear")),
        None,
        ("homework", N_("Homework brief"), 15,
         N_("Everyone knows which sheets to fill, by when, and how to return them")),
        ("wrapup", N_("Wrap-up"), 10, N_("Decisions and open questions noted; session 2 booked"))),
    2: (("welcome", N_("Welcome back"), 10, N_("The goal of today and the merge report in view")),
        ("review", N_("Review the merged homework"), 30,
         N_("Duplicates removed and every highlighted conflict decided; sources checked")),
        None,
        ("owners", N_("Agree owners and deadlines"), 20,
         N_("Every milestone and action has one owner and a deadline")),
        ("feedback", N_("Feedback and training"), 20,
         N_("How the plan is reviewed and improved, and when the team is trained on it")),
        ("wrapup", N_("Wrap-up"), 10, N_("Next steps agreed; who shares the plan with the buyer"))),
}
_OWNERS_OF = N_("Every milestone and action has one owner and a deadline (the owner columns of "
                "{sections})")


def _frame(number: int, view: DocumentView, has_sections: bool) -> list[AgendaItem]:
    """A session's fixed items around a placeholder for its section blocks (kind 'sections')."""
    _ = view.texts
    owners = [s.title for s in view.sections
              if any(c.key in ("responsible", "owner") for c in s.columns)]
    items = []
    for fixed in _FRAMES[number]:
        if fixed is None:
            items += [AgendaItem("sections", "", 0, "")] if has_sections else []
            continue
        kind, title, minutes, outcome = fixed
        said = (_(_OWNERS_OF, sections=join_and(owners, _)) if kind == "owners" and owners
                else _(outcome))
        items.append(AgendaItem(kind, _(title), minutes, said))
    return items


def _fit(number: int, goal: str, frame: list[AgendaItem], weights: list[int],
         sections: list[SectionView], prefilled: bool, titles: dict[str, str],
         texts: Texts) -> Session:
    """Fill the frame's placeholder with section blocks, fit the session into 2-4 hours."""
    fixed = sum(i.minutes for i in frame)
    # Without a break a session is at most 2 hours; with one, the blocks get 4 hours minus it.
    target = min(max(fixed + sum(weights), SESSION_MIN), SESSION_MAX - BREAK_MINUTES)
    if sections:
        budget = (target - fixed) // UNIT
        groups = _groups(len(sections), budget * UNIT // MIN_BLOCK)
        units = apportion(budget, [sum(weights[a:b]) for a, b in groups], MIN_BLOCK // UNIT)
        blocks = [_section_block(sections[a:b], u * UNIT, number, prefilled, titles, texts)
                  for (a, b), u in zip(groups, units, strict=True)]
        items = [b for i in frame for b in (blocks if i.kind == "sections" else [i])]
    else:  # no sections left for this session: the review takes the time
        items = [dataclasses.replace(i, minutes=i.minutes + target - fixed)
                 if i.kind == "review" else i for i in frame]
    items = _with_break(items, texts)
    starts = [0, *_cumulative(i.minutes for i in items)][:-1]
    return Session(number, goal,
                   tuple(dataclasses.replace(i, start=s) for i, s in zip(items, starts, strict=True)))


def _section_block(sections: list[SectionView], minutes: int, session: int, prefilled: bool,
                   titles: dict[str, str], _: Texts) -> AgendaItem:
    if len(sections) == 1:
        s = sections[0]
        title = titles[s.key]
        what = s.instructions or s.purpose or _("The {section} table filled in", section=s.title)
    else:
        title = join_and((titles[s.key] for s in sections), _)
        what = _("A first version of each of these tables")
    if session == 2:
        # German capitalises nouns, so its first word keeps its capital after the colon
        first = what[0] if _.language == "de" else what[0].lower()
        what = _("From the merged homework: {what}", what=f"{first}{what[1:]}")
    elif prefilled:
        what = _("The pre-filled rows checked and completed. {what}", what=what)
    return AgendaItem("sections", title, minutes, what, tuple(s.key for s in sections))


def _groups(count: int, max_blocks: int) -> list[tuple[int, int]]:
    """``count`` sections as contiguous (start, end) groups, at most ``max_blocks`` of them."""
    blocks = max(1, min(count, max_blocks))
    size, extra = divmod(count, blocks)
    out, start = [], 0
    for n in range(blocks):
        end = start + size + (1 if n < extra else 0)
        out.append((start, end))
        start = end
    return out


def _with_break(items: list[AgendaItem], _: Texts) -> list[AgendaItem]:
    """A break near the middle when the session runs over 2 hours."""
    total = sum(i.minutes for i in items)
    if total <= SESSION_MIN:
        return items
    ends = list(_cumulative(i.minutes for i in items))[:-1]  # never after the last item
    at = min(range(len(ends)), key=lambda n: abs(ends[n] - total / 2)) + 1
    pause = AgendaItem("break", _("Break"), BREAK_MINUTES, _("Fresh heads"))
    return [*items[:at], pause, *items[at:]]


def _cumulative(values: Iterable[int]) -> Iterable[int]:
    total = 0
    for v in values:
        total += v
        yield total


def join_and(parts: Iterable[str], texts: Texts | None = None) -> str:
    """``a``, ``a and b``, ``a, b and c`` (in the language of ``texts``)."""
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    _ = texts or texts_for()
    return _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def clock(minutes: int) -> str:
    """``95`` -> ``1:35``."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def duration(minutes: int) -> str:
    """``150`` -> ``2 h 30 min``."""
    h, m = divmod(minutes, 60)
    return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "") if p) or "0 min"

