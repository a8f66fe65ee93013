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

from mapgen.core.errors import Issue, MapgenError
from mapgen.core.fileio import Content, check_writable, safe_filename, staged, unique_path
from mapgen.core.i18n import Texts, texts_for
from mapgen.core.outline import (
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
from mapgen.ops.workshop.agenda import (
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
from mapgen.ops.workshop.participants import check_participants

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint import Blueprint
    from mapgen.model.plan import Plan
    from mapgen.model.view import DocumentView

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
    from mapgen.core import dates

    anchors = {dates.parse_relative(value).anchor
               for sv in view.sections for row in sv.rows for c in sv.columns
               if c.field.is_date and dates.is_relative(value := row.get(c.key))}
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
        from mapgen.formats.docx.guide import write_guide
        from mapgen.ops.generate import view_writer

        kit = self.kit
        new_folders = [d for d in kit.folders() if not d.exists()]
        written: list[Path] = []

        def add(path: Path, content: Content) -> None:
            written.append(staging.write(path, content))
            if progress is not None:
                progress(path)

        try:
            with staged(self.force) as staging:
                page = self.view.texts("Page {page} of {pages}")
                add(kit.guide, lambda tmp: write_guide(self.guide, self.view.branding, tmp,
                                                       page=page))
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
    from mapgen.model.view import build_view
    from mapgen.ops.generate import default_stem

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
                    "merge"))
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
    _ = view.texts
    # the comment at the top, as written lines (a translation keeps its own line breaks)
    comment = _("The deal's dates for blueprint '{name}': its standard rows are dated\n"
                "from them. Fill them in (YYYY-MM-DD) before running the merge commands of\n"
                "{checklist}; the merge reads this file with the homework.",
                name=view.blueprint.name, checklist=CHECKLIST_NAME)
    lines = [
        *(f"# {line}" for line in comment.splitlines()),
        "format: mapgen-plan",
        "format_version: 1",
        f"blueprint: {json.dumps(ref)}",
        "deal:",
        *(f"  {key}:    # YYYY-MM-DD" for key in keys),
    ]
    return "\n".join(lines) + "\n"


def _blueprint_option(blueprint: Blueprint) -> str:
    """``--blueprint`` for the kit's commands: built-in names need none, others the full path."""
    from mapgen.model.blueprint import builtin_dir

    source = blueprint.source
    if source is None or builtin_dir().resolve() in source.parents:
        return ""
    return f" --blueprint {shlex.quote(str(source))}"


def kit_commands(view: DocumentView, kit: Kit) -> dict[str, tuple[str, ...]]:
    """The mapgen commands of the workshop loop, by step: run from the kit folder, with paths
    relative to it, so that they still work when the kit is moved or copied."""
    bp = _blueprint_option(view.blueprint)
    s2 = SESSION_2
    inputs = (f"{DEAL_NAME} " if kit.deal else "") + f"{RETURNED}/"  # workbooks and handouts
    return {
        "where": ("# " + view.texts("cd into the kit folder (the one holding {checklist}), then:",
                                    checklist=CHECKLIST_NAME),),
        "merge": (
            f"mapgen merge {inputs}{bp} --out {s2}/consolidated.xlsx"
            f" --report {s2}/merge-report.json",
            f"mapgen merge {inputs}{bp} --out {s2}/consolidated.docx",
        ),
        "after": (
            f"mapgen read {s2}/consolidated.xlsx{bp} --out {s2}/agreed-plan.json",
            f"mapgen generate --plan {s2}/agreed-plan.json{bp} --out final",
            f"mapgen generate --plan {s2}/agreed-plan.json{bp} --audience buyer --out final",
            f"mapgen generate --plan {s2}/agreed-plan.json{bp} --audience buyer --format html"
            " --out final",
        ),
    }


def _schedule_table(session: Session, _: Texts) -> Table:
    rows = tuple((f"{clock(i.start)}–{clock(i.start + i.minutes)}", str(i.minutes), i.title,
                  i.produce) for i in session.items)
    return Table((_("Time"), _("Min"), _("Block"), _("What to produce")), rows,
                 (1.1, 0.5, 2.2, 3.4))


def _sheet_titles(view: DocumentView, keys: Iterable[str]) -> str:
    titles = {s.key: s.title for s in view.sections}
    _ = view.texts
    return join_and((_("'{title}'", title=titles[k]) for k in keys), _)  # the language's quotes


def guide_document(view: DocumentView, plan_agenda: Agenda, kit: Kit) -> list[Part]:
    """The facilitator guide's content."""
    _ = view.texts
    one, two = plan_agenda.sessions
    commands = kit_commands(view, kit)
    named = [m for m in kit.members if m.name]
    deal = ", ".join(_("{label}:", label=label) + " " + _text(value, _)
                     for label, value in view.deal_facts())
    titles = plan_agenda.section_titles
    made = (_("{date}, blueprint '{name}', pre-filled from the deal's plan",
              date=_text(view.generated, _), name=view.blueprint.name) if view.prefilled else
            _("{date}, blueprint '{name}'", date=_text(view.generated, _),
              name=view.blueprint.name))
    if two.sections:
        sessions = _("Session 1 ({one}) covers {first}. Session 2 ({two}) reviews the merged "
                     "homework, completes {second} and agrees owners, feedback and training.",
                     one=duration(one.minutes), two=duration(two.minutes),
                     first=join_and((titles[k] for k in one.sections), _),
                     second=join_and((titles[k] for k in two.sections), _))
    else:
        sessions = _("Session 1 ({one}) covers {first}. Session 2 ({two}) reviews the merged "
                     "homework and agrees owners, feedback and training.",
                     one=duration(one.minutes), two=duration(two.minutes),
                     first=join_and((titles[k] for k in one.sections), _))
    parts: list[Part] = [
        Heading(_("Workshop guide"), 0),
        Paragraph(view.title + (f" · {view.branding.company}" if view.branding.company else "")),
    ]
    if deal:
        parts.append(Paragraph(deal, _("Deal facts:")))
    parts += [
        Paragraph(made, _("Kit made:")),
        Heading(_("The goal of the workshops")),
        Paragraph(_("A Mutual Action Plan works when the people who sell, enable and deliver "
                    "build it together. In two focused sessions, with homework in between, the "
                    "team agrees on the phases, milestones and actions of the plan and on who "
                    "owns each of them. Afterwards feedback and regular training keep the plan "
                    "in use.")),
        Paragraph(sessions),
    ]
    if view.how_to_use:
        parts += [Paragraph(_("The blueprint's own guidance:")), Bullets(tuple(view.how_to_use))]
    parts += [
        Heading(_("Who to invite")),
        Bullets((
            _("Sales: the account executive who owns the deal, and a sales leader. They know "
              "the buyer, the deal and its dates."),
            _("Sales enablement: keeps the plan consistent with the team's playbook, tools and "
              "training."),
            _("Customer success: covers the journey after the purchase, from onboarding to "
              "go-live and adoption."),
            _("Optional for session 2: the buyer's champion, to check the buyer's side of the "
              "phases and actions. Share only the buyer's copy with them: seller-only columns "
              "and sections are left out of it."),
        )),
    ]
    if named:
        parts += [Paragraph(_("Invited ({n}): each has a handout with their name on the cover "
                              "and a homework workbook stamped with their name, so that the "
                              "merge credits each row to the people who wrote it.",
                              n=len(named))),
                  Table((_("Participant"), _("Handout"), _("Homework workbook")),
                        tuple((m.name or "", kit.rel(m.handout), kit.rel(m.homework))
                              for m in named), (2, 3, 3))]
    parts += [
        Heading(_("Agenda")),
        Paragraph(_("Each session is time-boxed to between {low} and {high} hours, as the "
                    "framework recommends. The time of a section grows with its columns and "
                    "rows; when the sections need more, their blocks are shortened to fit, and "
                    "a session over 2 hours gets a {pause}-minute break. Times count from the "
                    "start of the session.", low=SESSION_MIN // 60, high=SESSION_MAX // 60,
                    pause=BREAK_MINUTES)),
    ]
    for session in plan_agenda.sessions:
        parts += [Heading(_("Session {number} ({length})", number=session.number,
                            length=duration(session.minutes)), 2),
                  Paragraph(session.goal, _("Goal:")), _schedule_table(session, _)]
    parts += [
        Heading(_("Homework between the sessions")),
        Paragraph(_("Each participant works alone on their own homework workbook: research, "
                    "reflect, and write down what they know.")),
        Steps((
            _("Complete the sheets worked on in session 1 ({sheets}) with what was agreed and "
              "what you found out since.", sheets=_sheet_titles(view, one.sections)),
            *((_("Draft the sheets for session 2 ({sheets}).",
                 sheets=_sheet_titles(view, two.sections)),) if two.sections else ()),
            _("Write in the tables only: one row per item, rows added inside the table. Keep "
              "the sheet names, the column headers and the file name; the examples in italics "
              "are never read back."),
            _("Send the workbook back to the facilitator as .xlsx (not .xls, .ods or PDF) at "
              "least two working days before session 2, so that there is time to merge and "
              "print."),
        )),
        Heading(_("Collect and merge the homework with mapgen")),
        Steps((
            _("Save every returned workbook and handout into the kit's '{folder}' folder.", folder=RETURNED),
            *([_deal_dates_note(kit, _)] if kit.deal else []),
            _("Run the commands below from the kit folder. The first merge writes the "
              "consolidated workbook and a report of every conflict and its sources; the "
              "second writes the handout for session 2."),
            _("Read the report before session 2: conflicting values are kept and highlighted, "
              "each row shows who contributed it."),
        )),
        Commands((*commands["where"], *commands["merge"])),
        Paragraph(_("A workbook that cannot be read stops the merge with one line naming the "
                    "file; a value that does not fit its column is reported with its sheet and "
                    "cell. Ask its owner to fix it, or leave the file out and merge the rest.")),
        Heading(_("After session 2: feedback and training")),
        Bullets((
            _("Update the consolidated workbook with the decisions of session 2, then save the "
              "agreed plan as data and make the final documents (the second copy and the page "
              "are for the buyer):"),
        )),
        Commands((*commands["where"], *commands["after"])),
        Bullets((
            _("Share the plan with the buyer and agree how and when it is reviewed."),
            _("Collect feedback from the team and the buyer after the first weeks, and refine "
              "the plan (and the company blueprint) with it."),
            _("Train the team regularly on running the plan: new joiners first, then everyone "
              "when the blueprint changes."),
        )),
    ]
    return parts


def checklist_document(view: DocumentView, plan_agenda: Agenda, kit: Kit) -> list[Part]:
    """The facilitator's checklist: each step, with the exact commands for this kit."""
    _ = view.texts
    one, two = plan_agenda.sessions
    commands = kit_commands(view, kit)
    named = [m for m in kit.members if m.name]
    member = kit.members[0]
    titles = plan_agenda.section_titles
    parts: list[Part] = [
        Heading(_("Workshop checklist: {title}", title=view.title), 0),
        Paragraph(_("Kit made {date} from blueprint '{name}'. The full agenda and the homework "
                    "brief are in {guide}.", date=_text(view.generated, _),
                    name=view.blueprint.name, guide=GUIDE_NAME)),
        Heading(_("Before session 1")),
        Checklist((
            _("Invite a mixed team: sales, sales enablement, customer success (see 'Who to "
              "invite' in the guide)."),
            _("Book session 1 ({one}) and session 2 ({two}), with a few working days between "
              "them for the homework.", one=duration(one.minutes), two=duration(two.minutes)),
            _("Print or send the handouts in {folder}/.", folder=HANDOUTS),
            _("Send each participant their homework workbook from {folder}/.", folder=HOMEWORK),
            *([_deal_dates_note(kit, _)] if kit.deal else []),
        )),
    ]
    if named:
        parts.append(Table((_("Participant"), _("Handout"), _("Homework")),
                           tuple((m.name or "", kit.rel(m.handout), kit.rel(m.homework))
                                 for m in named)))
    else:
        parts.append(Paragraph(_("This kit has no participant names: copy {file} once per "
                                 "person and name each copy after its owner (the merge then "
                                 "credits rows by file name), or make the kit again with "
                                 "--participants to stamp each workbook with its owner's name.",
                                 file=kit.rel(member.homework))))
    parts += [
        Heading(_("Session {number} ({length})", number=1, length=duration(one.minutes))),
        Checklist((
            _("Work through {sections}.", sections=join_and((titles[k] for k in one.sections), _)),
            _("Brief the homework: which sheets, by when, how to return them."),
        )),
        Heading(_("Between the sessions")),
        Checklist((
            _("Collect the filled-in workbooks into {folder}/ (as .xlsx, keeping their names).",
              folder=RETURNED),
            _("Merge them, from this folder; the results go to {folder}/:", folder=SESSION_2),
        )),
        Commands((*commands["where"], *commands["merge"])),
        Checklist((
            _("Read {folder}/merge-report.json: conflicts and who wrote what.", folder=SESSION_2),
            _("Print {folder}/consolidated.docx for session 2.", folder=SESSION_2),
        )),
        Heading(_("Session {number} ({length})", number=2, length=duration(two.minutes))),
        Checklist(tuple(
            [_("Review the merged homework in {folder}/consolidated.xlsx; settle the conflicts.",
               folder=SESSION_2)]
            + ([_("Complete {sections}.", sections=join_and((titles[k] for k in two.sections), _))]
               if two.sections else [])
            + [_("Agree an owner and a deadline for every milestone and action."),
               _("Agree how feedback is collected and when the team is trained.")])),
        Heading(_("After session 2")),
        Checklist((_("Record the decisions in {folder}/consolidated.xlsx, then:",
                     folder=SESSION_2),)),
        Commands((*commands["where"], *commands["after"])),
        Checklist((
            _("Share the buyer's copy from final/ with the buyer."),
            _("Collect feedback after the first weeks; refine the plan and the blueprint."),
            _("Schedule regular training on running the plan."),
        )),
    ]
    return parts


def _text(value: object, texts: Texts | None = None) -> str:
    return (texts or texts_for()).date(value) if isinstance(value, dt.date) else str(value)


def _deal_dates_note(kit: Kit, texts: Texts | None = None) -> str:
    _ = texts or texts_for()
    return _("Fill in the deal's {dates} dates in {file}: the blueprint's standard rows are "
             "dated from them, and the merge reads them from there.",
             dates=join_and(kit.deal_dates, _), file=DEAL_NAME)
