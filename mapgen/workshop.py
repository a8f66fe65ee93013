"""The workshop kit: everything a facilitator needs to build a MAP with a team.

The framework's way of building a MAP: a mixed team (sales, sales enablement, customer
success), two focused sessions of 2 to 4 hours, homework in between, then feedback and
training. :func:`make_workshop` writes that kit into one folder::

    facilitator-guide.docx     goal, who to invite, the agenda of both sessions, homework brief,
                               the mapgen commands, feedback and training
    CHECKLIST.md               the facilitator's checklist with the exact commands for this kit
    handouts/<name>.docx       the handout, with the participant's name on the cover
    homework/<name>.xlsx       the homework workbook, stamped with the participant's name
    returned/                  where the filled-in workbooks go before ``mapgen merge``

The agenda (:func:`agenda`) is derived from the blueprint's sections, so a company blueprint
gets its own. Participant names are data: they are never rendered as templates.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import shlex
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mapgen.errors import MapgenError
from mapgen.fileio import Content, check_writable, read_text, safe_filename, staged, unique_path

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.blueprint import Blueprint
    from mapgen.layout import DocumentView, SectionView
    from mapgen.plan import Plan

MAX_PARTICIPANTS = 200
MAX_NAME_LENGTH = 100
MAX_PARTICIPANTS_FILE = 1024 * 1024  # bytes

SESSION_MIN, SESSION_MAX = 120, 240  # minutes: the framework's 2 to 4 hours
BREAK_MINUTES = 15
UNIT = 5  # every time box is a multiple of 5 minutes
MIN_BLOCK = 10  # the shortest section block; smaller sections share a block
SECTION_MIN, SECTION_MAX = 15, 45  # a section's own weight, before fitting the session

GUIDE_NAME = "facilitator-guide.docx"
CHECKLIST_NAME = "CHECKLIST.md"
DEAL_NAME = "deal.yaml"
HANDOUTS, HOMEWORK, RETURNED, SESSION_2 = "handouts", "homework", "returned", "session-2"

Progress = Callable[[Path], None]
# Direction overrides and isolates: they make a file name read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --------------------------------------------------------------------------- participants

def parse_participants(value: str | None) -> list[str]:
    """Participant names from ``--participants``: comma-separated names, or a UTF-8 file.

    In a file, each line is one name; blank lines and lines starting with '#' are skipped.
    A value without a comma that names a file, or looks like a path (a folder separator or a
    file extension), is read as a file; write ``"A/B,"`` for a single name with a slash.
    Raises MapgenError for a missing or unreadable file, a duplicate name (case-insensitive),
    more than 200 names or an unusable name.
    """
    if value is None or not value.strip():
        return []
    path = Path(value.strip())
    if "," not in value and (path.is_file() or _looks_like_path(value.strip())):
        return _participants_file(path)
    return check_participants(value.split(","), source="--participants")


def _looks_like_path(text: str) -> bool:
    return "/" in text or os.sep in text or Path(text).suffix.lower() in {".txt", ".csv", ".lst",
                                                                          ".md", ".text"}


def _participants_file(path: Path) -> list[str]:
    label = str(path)
    text = read_text(path, what="participants file", limit=MAX_PARTICIPANTS_FILE,
                     missing_hint=" (to give names directly, separate them with commas)")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    return check_participants([line for _, line in lines], source=label,
                              lines=[n for n, _ in lines])


def check_participants(names: Iterable[str], *, source: str = "participants",
                       lines: Sequence[int] | None = None) -> list[str]:
    """Names with spacing tidied and empty ones dropped; MapgenError for a name with control
    characters, an overlong or duplicate name (case-insensitive), or more than 200 names."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(names):
        where = f"{source}:{lines[i]}" if lines is not None else source
        name = " ".join(unicodedata.normalize("NFC", str(raw)).split())
        if not name:  # a doubled or trailing comma
            continue
        if any(unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI_CONTROLS for ch in name):
            raise MapgenError(f"{where}: name {name!r} contains control characters")
        if len(name) > MAX_NAME_LENGTH:
            raise MapgenError(f"{where}: name '{name[:40]}...' is longer than "
                              f"{MAX_NAME_LENGTH} characters")
        folded = name.casefold()
        if folded in seen:
            raise MapgenError(f"{where}: '{name}' is listed twice (as '{seen[folded]}' before; "
                              "names are compared ignoring case)")
        seen[folded] = name
        out.append(name)
    if len(out) > MAX_PARTICIPANTS:
        raise MapgenError(f"{source}: {len(out)} participants; at most {MAX_PARTICIPANTS} "
                          "in one kit")
    return out


# --------------------------------------------------------------------------- agenda

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
    from mapgen.layout import build_view

    return agenda_for_view(build_view(blueprint, plan))


def agenda_for_view(view: DocumentView) -> Agenda:
    """The agenda of a built view: session 1 takes the first sections, session 2 the rest.

    The split balances the two sessions' lengths; each session is then fitted into 2-4 hours
    (with a break when over 2 hours) by scaling its section blocks, which share a block when
    there are too many to give each 10 minutes.
    """
    sections = view.sections
    weights = [section_minutes(len(s.columns), s.section.blank_rows) for s in sections]
    titles = {s.key: f"{s.number}. {s.title}" + (" (seller only)" if s.section.internal else "")
              for s in sections}
    fixed1 = sum(i.minutes for i in _session1_frame(False))
    fixed2 = sum(i.minutes for i in _session2_frame(view, False))
    split = min(range(1, len(sections) + 1),
                key=lambda k: (abs(fixed1 + sum(weights[:k]) - fixed2 - sum(weights[k:])), -k))
    first, second = sections[:split], sections[split:]
    one = _fit(1, _session1_goal(first, titles), _session1_frame(bool(first)),
               weights[:split], first, view.prefilled, titles)
    two = _fit(2, _session2_goal(second), _session2_frame(view, bool(second)),
               weights[split:], second, view.prefilled, titles)
    return Agenda(sessions=(one, two), section_titles=titles)


def _session1_goal(first: list[SectionView], titles: dict[str, str]) -> str:
    return ("Agree on why we use a MAP with this buyer and draft the first sections together: "
            + _join(titles[s.key] for s in first) + ". Everyone leaves knowing their homework.")


def _session2_goal(second: list[SectionView]) -> str:
    rest = "complete the remaining sections, " if second else ""
    return ("Turn the merged homework into one agreed plan: settle the conflicts, " + rest
            + "give every milestone and action an owner, and plan feedback and training.")


def _session1_frame(has_sections: bool) -> list[AgendaItem]:
    """Session 1's fixed items around a placeholder for its section blocks (kind 'sections')."""
    return [
        AgendaItem("welcome", "Welcome and goal", 15,
                   "Everyone knows the goal of the MAP and of the two sessions; roles are clear"),
        *_placeholder(has_sections),
        AgendaItem("homework", "Homework brief", 15,
                   "Everyone knows which sheets to fill, by when, and how to return them"),
        AgendaItem("wrapup", "Wrap-up", 10, "Decisions and open questions noted; session 2 booked"),
    ]


def _session2_frame(view: DocumentView, has_sections: bool) -> list[AgendaItem]:
    """Session 2's fixed items: the merged homework first, owners and feedback at the end."""
    owners = [s.title for s in view.sections
              if any(c.key in ("responsible", "owner") for c in s.columns)]
    where = f" (the owner columns of {_join(owners)})" if owners else ""
    return [
        AgendaItem("welcome", "Welcome back", 10, "The goal of today and the merge report in view"),
        AgendaItem("review", "Review the merged homework", 30,
                   "Duplicates removed and every highlighted conflict decided; sources checked"),
        *_placeholder(has_sections),
        AgendaItem("owners", "Agree owners and deadlines", 20,
                   f"Every milestone and action has one owner and a deadline{where}"),
        AgendaItem("feedback", "Feedback and training", 20,
                   "How the plan is reviewed and improved, and when the team is trained on it"),
        AgendaItem("wrapup", "Wrap-up", 10, "Next steps agreed; who shares the plan with the buyer"),
    ]


def _placeholder(has_sections: bool) -> list[AgendaItem]:
    return [AgendaItem("sections", "", 0, "")] if has_sections else []


def _fit(number: int, goal: str, frame: list[AgendaItem], weights: list[int],
         sections: list[SectionView], prefilled: bool, titles: dict[str, str]) -> Session:
    """Fill the frame's placeholder with section blocks, fit the session into 2-4 hours."""
    fixed = sum(i.minutes for i in frame)
    # Without a break a session is at most 2 hours; with one, the blocks get 4 hours minus it.
    target = min(max(fixed + sum(weights), SESSION_MIN), SESSION_MAX - BREAK_MINUTES)
    if sections:
        budget = (target - fixed) // UNIT
        groups = _groups(len(sections), budget * UNIT // MIN_BLOCK)
        units = _apportion([sum(weights[a:b]) for a, b in groups], budget, MIN_BLOCK // UNIT)
        blocks = [_section_block(sections[a:b], u * UNIT, number, prefilled, titles)
                  for (a, b), u in zip(groups, units, strict=True)]
        items = [b for i in frame for b in (blocks if i.kind == "sections" else [i])]
    else:  # no sections left for this session: the review takes the time
        items = [dataclasses.replace(i, minutes=i.minutes + target - fixed)
                 if i.kind == "review" else i for i in frame]
    items = _with_break(items)
    starts = [0, *_cumulative(i.minutes for i in items)][:-1]
    return Session(number, goal,
                   tuple(dataclasses.replace(i, start=s) for i, s in zip(items, starts, strict=True)))


def _section_block(sections: list[SectionView], minutes: int, session: int, prefilled: bool,
                   titles: dict[str, str]) -> AgendaItem:
    if len(sections) == 1:
        s = sections[0]
        title = titles[s.key]
        what = s.instructions or s.purpose or f"The {s.title} table filled in"
    else:
        title = _join(titles[s.key] for s in sections)
        what = "A first version of each of these tables"
    if session == 2:
        what = f"From the merged homework: {what[0].lower()}{what[1:]}"
    elif prefilled:
        what = f"The pre-filled rows checked and completed. {what}"
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


def _apportion(weights: list[int], units: int, minimum: int) -> list[int]:
    """``units`` shared in proportion to ``weights`` (largest remainder), each at least ``minimum``.

    Needs ``units >= minimum * len(weights)``.
    """
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        left = units - sum(fixed.values())
        total = sum(weights[i] for i in free) or 1
        ideal = {i: left * weights[i] / total for i in free}
        low = [i for i in free if ideal[i] < minimum]
        if not low:
            break
        fixed.update(dict.fromkeys(low, minimum))
    share = {i: math.floor(ideal[i]) for i in free}
    rest = left - sum(share.values())
    for i in sorted(free, key=lambda i: ideal[i] - share[i], reverse=True)[:rest]:
        share[i] += 1
    return [fixed.get(i, share.get(i, 0)) for i in range(len(weights))]


def _with_break(items: list[AgendaItem]) -> list[AgendaItem]:
    """A break near the middle when the session runs over 2 hours."""
    total = sum(i.minutes for i in items)
    if total <= SESSION_MIN:
        return items
    ends = list(_cumulative(i.minutes for i in items))[:-1]  # never after the last item
    at = min(range(len(ends)), key=lambda n: abs(ends[n] - total / 2)) + 1
    pause = AgendaItem("break", "Break", BREAK_MINUTES, "Fresh heads")
    return [*items[:at], pause, *items[at:]]


def _cumulative(values: Iterable[int]) -> Iterable[int]:
    total = 0
    for v in values:
        total += v
        yield total


def _join(parts: Iterable[str]) -> str:
    items = list(parts)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def clock(minutes: int) -> str:
    """``95`` -> ``1:35``."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def duration(minutes: int) -> str:
    """``150`` -> ``2 h 30 min``."""
    h, m = divmod(minutes, 60)
    return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "") if p) or "0 min"


# --------------------------------------------------------------------------- document model
# A small format-neutral document: the guide is laid out in Word (mapgen.docx.guide), the
# checklist in Markdown (to_markdown below), from the same parts.

@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 is the document title


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""  # shown in bold before the text


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Steps:
    items: tuple[str, ...]  # numbered, starting at 1


@dataclass(frozen=True)
class Checklist:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Commands:
    lines: tuple[str, ...]  # shell commands; lines starting with '#' are comments


Part = Heading | Paragraph | Bullets | Steps | Checklist | Table | Commands


def to_markdown(parts: Iterable[Part]) -> str:
    """Markdown text of a document."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, Heading):
            out.append("#" * (part.level + 1) + " " + _md(part.text))
        elif isinstance(part, Paragraph):
            out.append((f"**{_md(part.lead)}** " if part.lead else "") + _md(part.text))
        elif isinstance(part, Bullets | Steps | Checklist):
            mark = {Bullets: "-", Steps: "1.", Checklist: "- [ ]"}[type(part)]
            out.append("\n".join(f"{mark} {_md(item)}" for item in part.items))
        elif isinstance(part, Table):
            cells = [[_md(c) for c in row] for row in (part.headers, *part.rows)]
            cells.insert(1, ["---"] * len(part.headers))
            out.append("\n".join("| " + " | ".join(row) + " |" for row in cells))
        elif isinstance(part, Commands):
            out.append("```sh\n" + "\n".join(part.lines) + "\n```")
    return "\n\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text shown as it is in Markdown (names and paths may hold * _ | and the like)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in text).replace("\n", " ")


# --------------------------------------------------------------------------- the kit

@dataclass(frozen=True)
class Member:
    """One participant's files (``name`` None: the unnamed set of a kit without names)."""

    name: str | None
    handout: Path
    homework: Path


@dataclass(frozen=True)
class Kit:
    """Where the kit's files go. ``deal_dates``: the deal dates the blueprint's standard rows
    are dated from but nobody gave; the kit then holds a ``deal.yaml`` to fill in for the merge."""

    root: Path
    members: tuple[Member, ...]
    deal_dates: tuple[str, ...] = ()

    @property
    def guide(self) -> Path:
        return self.root / GUIDE_NAME

    @property
    def checklist(self) -> Path:
        return self.root / CHECKLIST_NAME

    @property
    def deal(self) -> Path | None:
        return self.root / DEAL_NAME if self.deal_dates else None

    @property
    def returned(self) -> Path:
        return self.root / RETURNED

    def folders(self) -> list[Path]:
        """The kit's folders, parents first."""
        return [*reversed(self.root.parents), self.root, self.root / HANDOUTS,
                self.root / HOMEWORK, self.returned]

    def files(self) -> list[Path]:
        return [self.guide, self.checklist, *([self.deal] if self.deal else []),
                *(p for m in self.members for p in (m.handout, m.homework))]

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def kit_layout(out_dir: Path, participants: Sequence[str], default_stem: str,
               deal_dates: Sequence[str] = ()) -> Kit:
    """Where each file of the kit goes; names become safe, unique file names."""
    taken: set[str] = set()
    members = []
    for name in participants or [None]:
        stem = default_stem if name is None else unique_path(
            Path(), safe_filename(name, default="participant"), "", taken).name
        members.append(Member(name, out_dir / HANDOUTS / f"{stem}.docx",
                              out_dir / HOMEWORK / f"{stem}.xlsx"))
    return Kit(out_dir, tuple(members), tuple(deal_dates))


def missing_deal_dates(view: DocumentView) -> list[str]:
    """The deal keys that relative dates in the view's rows still wait for (a blank kit of a
    blueprint whose standard rows say ``go_live-6w``)."""
    from mapgen import dates

    anchors = {dates.parse_relative(value).anchor
               for sv in view.sections for row in sv.rows for c in sv.columns
               if c.type == "date" and dates.is_relative(value := row.get(c.key))}
    return sorted(anchors)


@dataclass(frozen=True)
class PreparedKit:
    """A kit checked and composed, ready to write: ``paths`` are the files it will write."""

    kit: Kit
    view: DocumentView
    guide: tuple[Part, ...]
    checklist: str
    deal: str | None  # the deal.yaml text, when the kit needs one
    force: bool

    @property
    def paths(self) -> list[Path]:
        return self.kit.files()

    def write(self, progress: Progress | None = None) -> list[Path]:
        """Write every file; they all land together, or (should a writer fail) none does and
        the folders this call created are removed."""
        from mapgen.docx.guide import write_guide
        from mapgen.generator import view_writer

        kit = self.kit
        new_folders = [d for d in kit.folders() if not d.exists()]
        written: list[Path] = []

        def add(path: Path, content: Content) -> None:
            written.append(staging.write(path, content))
            if progress is not None:
                progress(path)

        try:
            with staged(self.force) as staging:
                add(kit.guide, lambda tmp: write_guide(self.guide, self.view.branding, tmp))
                add(kit.checklist, self.checklist)
                if kit.deal is not None and self.deal is not None:
                    add(kit.deal, self.deal)
                for member in kit.members:
                    copy = dataclasses.replace(self.view, participant=member.name)
                    add(member.handout, view_writer(copy, "docx"))
                    add(member.homework, view_writer(copy, "xlsx"))
                kit.returned.mkdir(parents=True, exist_ok=True)
        except BaseException:
            for folder in reversed(new_folders):
                with contextlib.suppress(OSError):  # kept when something else is inside
                    folder.rmdir()
            raise
        return written


def prepare_workshop(blueprint: Blueprint, *, plan: Plan | None = None,
                     participants: Sequence[str], out_dir: str | os.PathLike,
                     force: bool = False) -> PreparedKit:
    """Check everything and compose the kit's texts, writing nothing.

    Raises MapgenError for a bad name or a target that exists (without ``force``),
    ValidationFailed for a plan that does not fit the blueprint.
    """
    from mapgen.generator import default_stem
    from mapgen.layout import build_view

    if isinstance(participants, str):
        raise TypeError("participants is a list of names; parse_participants() reads a string")
    names = check_participants(participants)
    view = build_view(blueprint, plan, audience="internal")
    kit = kit_layout(Path(out_dir), names, default_stem(blueprint, plan, "internal"),
                     missing_deal_dates(view))
    _check_targets(kit, force)
    plan_agenda = agenda_for_view(view)
    return PreparedKit(kit=kit, view=view, guide=tuple(guide_document(view, plan_agenda, kit)),
                       checklist=to_markdown(checklist_document(view, plan_agenda, kit)),
                       deal=deal_stub(view, kit.deal_dates) if kit.deal_dates else None,
                       force=force)


def make_workshop(blueprint: Blueprint, *, plan: Plan | None = None, participants: Sequence[str],
                  out_dir: str | os.PathLike, force: bool = False,
                  progress: Progress | None = None) -> list[Path]:
    """Write the workshop kit into ``out_dir``; return the paths written.

    Everything is checked before the first file is written: the names, the plan against the
    blueprint, every target (none may exist without ``force``). Should a writer fail half way,
    the files this call created are removed again. ``progress`` is called with each path written.
    """
    return prepare_workshop(blueprint, plan=plan, participants=participants, out_dir=out_dir,
                            force=force).write(progress)


def _check_targets(kit: Kit, force: bool) -> None:
    for folder in kit.folders():
        if folder.exists() and not folder.is_dir():
            raise MapgenError(f"{folder}: exists and is not a folder")
    for path in kit.files():
        check_writable(path, force)


def deal_stub(view: DocumentView, keys: Sequence[str]) -> str:
    """A plan file with only the deal's dates, to fill in and merge with the homework."""
    ref = {"name": view.blueprint.name, "version": view.blueprint.version}
    lines = [
        f"# The deal's dates for blueprint '{view.blueprint.name}': its standard rows are dated",
        "# from them. Fill them in (YYYY-MM-DD) before running the merge commands of",
        f"# {CHECKLIST_NAME}; the merge reads this file with the homework.",
        "format: mapgen-plan",
        "format_version: 1",
        f"blueprint: {json.dumps(ref)}",
        "deal:",
        *(f"  {key}:    # YYYY-MM-DD" for key in keys),
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- texts

def _blueprint_option(blueprint: Blueprint) -> str:
    """``--blueprint`` for the kit's commands: built-in names need none, others the full path."""
    from mapgen.blueprint import builtin_dir

    source = blueprint.source
    if source is None or builtin_dir().resolve() in source.parents:
        return ""
    return f" --blueprint {shlex.quote(str(source))}"


def kit_commands(view: DocumentView, kit: Kit) -> dict[str, tuple[str, ...]]:
    """The mapgen commands of the workshop loop, run from the kit folder, by step."""
    bp = _blueprint_option(view.blueprint)
    s2 = SESSION_2
    inputs = (f"{DEAL_NAME} " if kit.deal else "") + f"{RETURNED}/*.xlsx"
    return {
        "cd": (f"cd {shlex.quote(str(kit.root.resolve()))}",),
        "merge": (
            f"mapgen merge {inputs}{bp} --out {s2}/consolidated.xlsx"
            f" --report {s2}/merge-report.json",
            f"mapgen merge {inputs}{bp} --out {s2}/consolidated.docx",
        ),
        "after": (
            f"mapgen read {s2}/consolidated.xlsx{bp} --out {s2}/agreed-plan.json",
            f"mapgen generate --plan {s2}/agreed-plan.json{bp} --out final",
            f"mapgen generate --plan {s2}/agreed-plan.json{bp} --audience buyer --out final",
        ),
    }


def _schedule_table(session: Session) -> Table:
    rows = tuple((f"{clock(i.start)}–{clock(i.start + i.minutes)}", str(i.minutes), i.title,
                  i.produce) for i in session.items)
    return Table(("Time", "Min", "Block", "What to produce"), rows, (1.1, 0.5, 2.2, 3.4))


def _sheet_titles(view: DocumentView, keys: Iterable[str]) -> str:
    titles = {s.key: s.title for s in view.sections}
    return _join(f"'{titles[k]}'" for k in keys)


def guide_document(view: DocumentView, plan_agenda: Agenda, kit: Kit) -> list[Part]:
    """The facilitator guide's content."""
    one, two = plan_agenda.sessions
    commands = kit_commands(view, kit)
    named = [m for m in kit.members if m.name]
    deal = ", ".join(f"{label}: {_text(value)}" for label, value in view.deal_facts())
    parts: list[Part] = [
        Heading("Workshop guide", 0),
        Paragraph(view.title + (f" · {view.branding.company}" if view.branding.company else "")),
    ]
    if deal:
        parts.append(Paragraph(deal, "Deal facts:"))
    parts += [
        Paragraph(f"{_text(view.generated)}, blueprint '{view.blueprint.name}'"
                  + (", pre-filled from the deal's plan" if view.prefilled else ""), "Kit made:"),
        Heading("The goal of the workshops"),
        Paragraph("A Mutual Action Plan works when the people who sell, enable and deliver build "
                  "it together. In two focused sessions, with homework in between, the team "
                  "agrees on the phases, milestones and actions of the plan and on who owns "
                  "each of them. Afterwards feedback and regular training keep the plan in use."),
        Paragraph(f"Session 1 ({duration(one.minutes)}) covers "
                  f"{_join(plan_agenda.section_titles[k] for k in one.sections)}. Session 2 "
                  f"({duration(two.minutes)}) reviews the merged homework"
                  + (f", completes {_join(plan_agenda.section_titles[k] for k in two.sections)}"
                     if two.sections else "")
                  + " and agrees owners, feedback and training."),
    ]
    if view.how_to_use:
        parts += [Paragraph("The blueprint's own guidance:"), Bullets(tuple(view.how_to_use))]
    parts += [
        Heading("Who to invite"),
        Bullets((
            "Sales: the account executive who owns the deal, and a sales leader. They know the "
            "buyer, the deal and its dates.",
            "Sales enablement: keeps the plan consistent with the team's playbook, tools and "
            "training.",
            "Customer success: covers the journey after the purchase, from onboarding to "
            "go-live and adoption.",
            "Optional for session 2: the buyer's champion, to check the buyer's side of the "
            "phases and actions. Share only the buyer's copy with them: seller-only columns and "
            "sections are left out of it.",
        )),
    ]
    if named:
        parts += [Paragraph(f"Invited ({len(named)}): each has a handout with their name on the "
                            "cover and a homework workbook stamped with their name, so that the "
                            "merge credits each row to the people who wrote it."),
                  Table(("Participant", "Handout", "Homework workbook"),
                        tuple((m.name or "", kit.rel(m.handout), kit.rel(m.homework))
                              for m in named), (2, 3, 3))]
    parts += [
        Heading("Agenda"),
        Paragraph(f"Each session is time-boxed to between {SESSION_MIN // 60} and "
                  f"{SESSION_MAX // 60} hours, as the framework recommends. The time of a "
                  "section grows with its columns and rows; when the sections need more, "
                  "their blocks are shortened to fit, and a session over 2 hours gets a "
                  f"{BREAK_MINUTES}-minute break. Times count from the start of the session."),
    ]
    for session in plan_agenda.sessions:
        parts += [Heading(f"Session {session.number} ({duration(session.minutes)})", 2),
                  Paragraph(session.goal, "Goal:"), _schedule_table(session)]
    parts += [
        Heading("Homework between the sessions"),
        Paragraph("Each participant works alone on their own homework workbook: research, "
                  "reflect, and write down what they know."),
        Steps((
            f"Complete the sheets worked on in session 1 ({_sheet_titles(view, one.sections)}) "
            "with what was agreed and what you found out since.",
            *((f"Draft the sheets for session 2 ({_sheet_titles(view, two.sections)}).",)
              if two.sections else ()),
            "Write in the tables only: one row per item, rows added inside the table. Keep the "
            "sheet names, the column headers and the file name; the examples in italics are "
            "never read back.",
            "Send the workbook back to the facilitator as .xlsx (not .xls, .ods or PDF) at "
            "least two working days before session 2, so that there is time to merge and print.",
        )),
        Heading("Collect and merge the homework with mapgen"),
        Steps((
            f"Save every returned workbook into the kit's '{RETURNED}' folder.",
            *([_deal_dates_note(kit)] if kit.deal else []),
            "Run the commands below from the kit folder. The first merge writes the "
            "consolidated workbook and a report of every conflict and its sources; the "
            "second writes the handout for session 2.",
            "Read the report before session 2: conflicting values are kept and highlighted, "
            "each row shows who contributed it.",
        )),
        Commands((*commands["cd"], *commands["merge"])),
        Paragraph("A workbook that cannot be read stops the merge with one line naming the file; "
                  "a value that does not fit its column is reported with its sheet and cell. "
                  "Ask its owner to fix it, or leave the file out and merge the rest."),
        Heading("After session 2: feedback and training"),
        Bullets((
            "Update the consolidated workbook with the decisions of session 2, then save the "
            "agreed plan as data and make the final documents (the second copy is for the buyer):",
        )),
        Commands((*commands["cd"], *commands["after"])),
        Bullets((
            "Share the plan with the buyer and agree how and when it is reviewed.",
            "Collect feedback from the team and the buyer after the first weeks, and refine the "
            "plan (and the company blueprint) with it.",
            "Train the team regularly on running the plan: new joiners first, then everyone "
            "when the blueprint changes.",
        )),
    ]
    return parts


def checklist_document(view: DocumentView, plan_agenda: Agenda, kit: Kit) -> list[Part]:
    """The facilitator's checklist: each step, with the exact commands for this kit."""
    one, two = plan_agenda.sessions
    commands = kit_commands(view, kit)
    named = [m for m in kit.members if m.name]
    member = kit.members[0]
    parts: list[Part] = [
        Heading(f"Workshop checklist: {view.title}", 0),
        Paragraph(f"Kit made {_text(view.generated)} from blueprint '{view.blueprint.name}'."
                  f" The full agenda and the homework brief are in {GUIDE_NAME}."),
        Heading("Before session 1"),
        Checklist((
            "Invite a mixed team: sales, sales enablement, customer success "
            "(see 'Who to invite' in the guide).",
            f"Book session 1 ({duration(one.minutes)}) and session 2 ({duration(two.minutes)}),"
            " with a few working days between them for the homework.",
            f"Print or send the handouts in {HANDOUTS}/.",
            f"Send each participant their homework workbook from {HOMEWORK}/.",
            *([_deal_dates_note(kit)] if kit.deal else []),
        )),
    ]
    if named:
        parts.append(Table(("Participant", "Handout", "Homework"),
                           tuple((m.name or "", kit.rel(m.handout), kit.rel(m.homework))
                                 for m in named)))
    else:
        parts.append(Paragraph(f"This kit has no participant names: copy {kit.rel(member.homework)}"
                               " once per person and name each copy after its owner (the merge "
                               "then credits rows by file name), or make the kit again with "
                               "--participants to stamp each workbook with its owner's name."))
    parts += [
        Heading(f"Session 1 ({duration(one.minutes)})"),
        Checklist((
            f"Work through {_join(plan_agenda.section_titles[k] for k in one.sections)}.",
            "Brief the homework: which sheets, by when, how to return them.",
        )),
        Heading("Between the sessions"),
        Checklist((
            f"Collect the filled-in workbooks into {RETURNED}/ (as .xlsx, keeping their names).",
            f"Merge them, from this folder; the results go to {SESSION_2}/:",
        )),
        Commands((*commands["cd"], *commands["merge"])),
        Checklist((
            f"Read {SESSION_2}/merge-report.json: conflicts and who wrote what.",
            f"Print {SESSION_2}/consolidated.docx for session 2.",
        )),
        Heading(f"Session 2 ({duration(two.minutes)})"),
        Checklist(tuple(
            [f"Review the merged homework in {SESSION_2}/consolidated.xlsx; settle the conflicts."]
            + ([f"Complete {_join(plan_agenda.section_titles[k] for k in two.sections)}."]
               if two.sections else [])
            + ["Agree an owner and a deadline for every milestone and action.",
               "Agree how feedback is collected and when the team is trained."])),
        Heading("After session 2"),
        Checklist((f"Record the decisions in {SESSION_2}/consolidated.xlsx, then:",)),
        Commands((*commands["cd"], *commands["after"])),
        Checklist((
            "Share the buyer's copy from final/ with the buyer.",
            "Collect feedback after the first weeks; refine the plan and the blueprint.",
            "Schedule regular training on running the plan.",
        )),
    ]
    return parts


def _text(value: object) -> str:
    from mapgen.dates import format_human

    return format_human(value) if isinstance(value, dt.date) else str(value)


def _deal_dates_note(kit: Kit) -> str:
    return (f"Fill in the deal's {_join(kit.deal_dates)} dates in {DEAL_NAME}: the blueprint's "
            "standard rows are dated from them, and the merge reads them from there.")
