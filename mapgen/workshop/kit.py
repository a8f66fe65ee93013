"""The kit's files: where each goes, what the guide and the checklist say, writing them all.

:func:`prepare_workshop` checks everything and composes the texts without writing, with the
warnings worth telling; :meth:`PreparedKit.write` then writes every file, all or none.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.document import (
    Bullets,
    Checklist,
    Commands,
    Heading,
    Paragraph,
    Part,
    Steps,
    Table,
    to_markdown,
)
from mapgen.errors import Issue, MapgenError
from mapgen.fileio import Content, check_writable, safe_filename, staged, unique_path
from mapgen.workshop.agenda import (
    BREAK_MINUTES,
    SESSION_MAX,
    SESSION_MIN,
    Agenda,
    Session,
    agenda_for_view,
    clock,
    duration,
    join_and,
)
from mapgen.workshop.participants import check_participants

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.blueprint import Blueprint
    from mapgen.layout import DocumentView
    from mapgen.plan import Plan

GUIDE_NAME = "facilitator-guide.docx"
CHECKLIST_NAME = "CHECKLIST.md"
DEAL_NAME = "deal.yaml"
HANDOUTS, HOMEWORK, RETURNED, SESSION_2 = "handouts", "homework", "returned", "session-2"

Progress = Callable[[Path], None]


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
    warnings: tuple[Issue, ...] = ()  # worth telling before the kit is written

    @property
    def paths(self) -> list[Path]:
        """The files :meth:`write` writes, in order."""
        return self.kit.files()

    @property
    def names(self) -> list[str]:
        """The participants' names (none for a kit without names)."""
        return [m.name for m in self.kit.members if m.name is not None]

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

    ``warnings`` holds a note when the blueprint dates its standard rows from deal dates that
    nobody gave (the kit then has a deal.yaml to fill in). Raises MapgenError for a bad name or
    a target that exists (without ``force``), ValidationFailed for a plan that does not fit.
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
    warnings = []
    if kit.deal is not None:
        warnings.append(Issue(
            "deal-dates-missing", severity="warning",
            message=f"blueprint '{blueprint.name}' dates its standard rows from the deal's "
                    f"{join_and(kit.deal_dates)} dates; fill them in {kit.deal} before the "
                    "merge, or make the kit with --plan"))
    return PreparedKit(kit=kit, view=view, guide=tuple(guide_document(view, plan_agenda, kit)),
                       checklist=to_markdown(checklist_document(view, plan_agenda, kit)),
                       deal=deal_stub(view, kit.deal_dates) if kit.deal_dates else None,
                       force=force, warnings=tuple(warnings))


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


def _blueprint_option(blueprint: Blueprint) -> str:
    """``--blueprint`` for the kit's commands: built-in names need none, others the full path."""
    from mapgen.blueprint import builtin_dir

    source = blueprint.source
    if source is None or builtin_dir().resolve() in source.parents:
        return ""
    return f" --blueprint {shlex.quote(str(source))}"


def kit_commands(view: DocumentView, kit: Kit) -> dict[str, tuple[str, ...]]:
    """The mapgen commands of the workshop loop, by step: run from the kit folder, with paths
    relative to it, so that they still work when the kit is moved or copied."""
    bp = _blueprint_option(view.blueprint)
    s2 = SESSION_2
    inputs = (f"{DEAL_NAME} " if kit.deal else "") + f"{RETURNED}/*.xlsx"
    return {
        "where": (f"# cd into the kit folder (the one holding {CHECKLIST_NAME}), then:",),
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
    return join_and(f"'{titles[k]}'" for k in keys)


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
                  f"{join_and(plan_agenda.section_titles[k] for k in one.sections)}. Session 2 "
                  f"({duration(two.minutes)}) reviews the merged homework"
                  + (f", completes {join_and(plan_agenda.section_titles[k] for k in two.sections)}"
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
        Commands((*commands["where"], *commands["merge"])),
        Paragraph("A workbook that cannot be read stops the merge with one line naming the file; "
                  "a value that does not fit its column is reported with its sheet and cell. "
                  "Ask its owner to fix it, or leave the file out and merge the rest."),
        Heading("After session 2: feedback and training"),
        Bullets((
            "Update the consolidated workbook with the decisions of session 2, then save the "
            "agreed plan as data and make the final documents (the second copy is for the buyer):",
        )),
        Commands((*commands["where"], *commands["after"])),
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
            f"Work through {join_and(plan_agenda.section_titles[k] for k in one.sections)}.",
            "Brief the homework: which sheets, by when, how to return them.",
        )),
        Heading("Between the sessions"),
        Checklist((
            f"Collect the filled-in workbooks into {RETURNED}/ (as .xlsx, keeping their names).",
            f"Merge them, from this folder; the results go to {SESSION_2}/:",
        )),
        Commands((*commands["where"], *commands["merge"])),
        Checklist((
            f"Read {SESSION_2}/merge-report.json: conflicts and who wrote what.",
            f"Print {SESSION_2}/consolidated.docx for session 2.",
        )),
        Heading(f"Session 2 ({duration(two.minutes)})"),
        Checklist(tuple(
            [f"Review the merged homework in {SESSION_2}/consolidated.xlsx; settle the conflicts."]
            + ([f"Complete {join_and(plan_agenda.section_titles[k] for k in two.sections)}."]
               if two.sections else [])
            + ["Agree an owner and a deadline for every milestone and action.",
               "Agree how feedback is collected and when the team is trained."])),
        Heading("After session 2"),
        Checklist((f"Record the decisions in {SESSION_2}/consolidated.xlsx, then:",)),
        Commands((*commands["where"], *commands["after"])),
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
    return (f"Fill in the deal's {join_and(kit.deal_dates)} dates in {DEAL_NAME}: the blueprint's "
            "standard rows are dated from them, and the merge reads them from there.")
