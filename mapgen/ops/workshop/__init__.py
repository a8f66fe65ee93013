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

The agenda (:mod:`.agenda`) is derived from the blueprint's sections, so a company blueprint
gets its own. Participant names (:mod:`.participants`) are data: they are never rendered as
templates. The kit's files and texts are in :mod:`.kit`.
"""

from __future__ import annotations

from mapgen.ops.workshop.agenda import (
    BREAK_MINUTES,
    SESSION_MAX,
    SESSION_MIN,
    Agenda,
    AgendaItem,
    Session,
    agenda,
    agenda_for_view,
    clock,
    duration,
    section_minutes,
)
from mapgen.ops.workshop.kit import (
    CHECKLIST_NAME,
    DEAL_NAME,
    GUIDE_NAME,
    Kit,
    Member,
    PreparedKit,
    checklist_document,
    deal_stub,
    guide_document,
    kit_commands,
    kit_layout,
    make_workshop,
    missing_deal_dates,
    prepare_workshop,
)
from mapgen.ops.workshop.participants import (
    MAX_NAME_LENGTH,
    MAX_PARTICIPANTS,
    check_participants,
    parse_participants,
)

__all__ = [
    "BREAK_MINUTES", "CHECKLIST_NAME", "DEAL_NAME", "GUIDE_NAME", "MAX_NAME_LENGTH",
    "MAX_PARTICIPANTS", "SESSION_MAX", "SESSION_MIN", "Agenda", "AgendaItem", "Kit", "Member",
    "PreparedKit", "Session", "agenda", "agenda_for_view", "check_participants",
    "checklist_document", "clock", "deal_stub", "duration", "guide_document", "kit_commands",
    "kit_layout", "make_workshop", "missing_deal_dates", "parse_participants",
    "prepare_workshop", "section_minutes",
]
