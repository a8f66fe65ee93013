"""The issue codes: the one list of every code an :class:`~mapgen.core.errors.Issue` or a status
finding may carry, with its default severity, what it means and what to do about it.

Codes are a contract: scripts match on them, so a code never changes its meaning. An issue with
a code that is not listed here cannot be made (``UnknownIssueCode``), and ``docs/issue-codes.md``
is written from this list (``make issue-codes``; a test keeps the two the same).

Adding a code is one entry in ``CODES`` below (keep each group in alphabetical order).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")

# Where a code comes from, in the order the documentation lists them.
GROUPS = {
    "yaml": "YAML files (blueprints and plan files)",
    "blueprint": "Blueprints (`blueprint check`, and every command that loads one)",
    "value": "Values in a typed column (workbooks, plan files, standard rows)",
    "plan": "Plan files (`.json`, `.yaml`)",
    "workbook": "Workbooks read back (`read`, and every command that takes a workbook)",
    "handout": "Word handouts read back (`read`, and every command that takes a handout)",
    "merge": "Merge (`merge`)",
    "documents": "Writing documents (`generate`, `workshop`)",
    "status": "Status findings (`status`: the plan's consistency across sections)",
}


class IssueCode(NamedTuple):
    """One code: its default ``severity``, the ``group`` it belongs to, what it ``means`` and
    what the person who meets it can ``do``. (A named tuple: cheaper to import than a
    dataclass, and this module loads with every command.)"""

    code: str
    severity: Severity
    group: str
    means: str
    do: str


CODES: tuple[IssueCode, ...] = (
    # -- YAML
    IssueCode("yaml-duplicate-key", "error", "yaml",
              "A mapping names the same key twice.",
              "Keep one of the two entries; the line number points at the second."),
    IssueCode("yaml-key", "error", "yaml",
              "A mapping key is a list or a mapping instead of a plain value.",
              "Write the key as a plain word or number."),
    IssueCode("yaml-syntax", "error", "yaml",
              "The file is not valid YAML.",
              "Fix the syntax at the line given (indentation and quotes are the usual causes)."),
    IssueCode("yaml-too-large", "error", "yaml",
              "The document holds too many values or aliases to be read safely.",
              "Split the file, or write repeated parts out instead of through aliases."),
    IssueCode("yaml-value", "error", "yaml",
              "A value cannot be read (for example a malformed date or tag).",
              "Quote the value, or write it as plain text, a number or a 2027-01-15 date."),
    # -- blueprints
    IssueCode("blueprint-not-mapping", "error", "blueprint",
              "The blueprint file is not a YAML mapping of keys to values.",
              "Start the file with keys such as `name:`, `title:` and `sections:`."),
    IssueCode("duplicate-key", "error", "blueprint",
              "A section or column key is defined twice in one file.",
              "Give each section and each column of a section its own key."),
    IssueCode("extends-cycle", "error", "blueprint",
              "Blueprints extend each other in a circle.",
              "Make one of them extend `map` (or nothing) instead."),
    IssueCode("extends-depth", "error", "blueprint",
              "The chain of `extends` is deeper than 20 blueprints.",
              "Extend a blueprint nearer the root of the chain."),
    IssueCode("invalid-blueprint", "error", "blueprint",
              "A field of the blueprint has a wrong value or shape (the message names it).",
              "Correct the field at the line given; `mapgen blueprint schema` lists every field."),
    IssueCode("invalid-extends", "error", "blueprint",
              "`extends` is not the name or path of a blueprint.",
              "Write a blueprint name such as `map`, or a path to a blueprint file."),
    IssueCode("new-key-near-parent", "warning", "blueprint",
              "A section or column key that the parent blueprint does not have, but one close "
              "to it does: the entry adds a new section or column instead of changing that one.",
              "If it is a misspelling, write the parent's key (the message names it)."),
    IssueCode("remove-without-extends", "error", "blueprint",
              "A section says `remove` in a blueprint that extends nothing.",
              "Delete the section instead, or add `extends:` naming the blueprint to remove it from."),
    IssueCode("template-error", "error", "blueprint",
              "A text of the blueprint does not render: a template syntax error, or a variable "
              "that no deal has (found by `blueprint check`, which renders every text).",
              "Correct the text at the line given; the message suggests the name meant."),
    IssueCode("unknown-key", "error", "blueprint",
              "A section or column to remove, or a `before`/`after` place, names a key that is "
              "not there.",
              "Use a key that exists (`mapgen blueprint show NAME` lists a blueprint's keys)."),
    IssueCode("unknown-parent", "error", "blueprint",
              "The blueprint named by `extends` is not found.",
              "Check the name (`mapgen blueprint list`) or the path, relative to this file."),
    # -- values in typed columns
    IssueCode("ambiguous-date", "warning", "value",
              "A date such as 03/04/2027 reads as two dates; one order was used.",
              "Check the date; write dates as 2027-04-03 to leave no doubt."),
    IssueCode("cell-error", "error", "value",
              "The cell shows a spreadsheet error such as #REF! or #N/A.",
              "Fix the cell in the workbook and read it again; its text is kept meanwhile."),
    IssueCode("choice-synonym", "warning", "value",
              "A value is a synonym the blueprint lists for one of the column's choices "
              "(Complete for Done); the choice is written instead.",
              "Nothing to do; pick the choice from the list next time."),
    IssueCode("date-serial", "warning", "value",
              "A number in a date cell was read as the date it stands for in Excel.",
              "Check the date, and format the cell as a date."),
    IssueCode("formula-error", "error", "value",
              "A formula gives an error, often because text starting with = was taken for one.",
              "Type an apostrophe before text that starts with = + - or @, or fix the formula."),
    IssueCode("formula-without-value", "error", "value",
              "A formula has no saved result (the file was written by a program that does not "
              "calculate).",
              "Open the file in Excel or LibreOffice, save it, and read it again."),
    IssueCode("invalid-choice", "error", "value",
              "A value is not one of the column's choices.",
              "Pick one of the choices the message lists; the value is kept as written meanwhile."),
    IssueCode("invalid-date", "error", "value",
              "A value in a date column is not a date, or a relative date cannot be worked out.",
              "Write the date as 2027-01-15 (or 15 Jan 2027), or a rule such as go_live-6w."),
    IssueCode("invalid-integer", "error", "value",
              "A value in a whole-number column is not a whole number.",
              "Write a whole number such as 3."),
    IssueCode("invalid-percent", "error", "value",
              "A value in a percentage column is not a percentage from 0% to 100%.",
              "Write it as 75% or 0.75."),
    IssueCode("missing-anchor", "error", "value",
              "A date relative to a deal date (go_live-6w) needs a deal date the plan lacks.",
              "Fill in the deal date it names (start, close or go-live)."),
    IssueCode("percent-as-number", "warning", "value",
              "A number from 1 to 100 in a percentage cell was read as that many percent.",
              "Check the value; write 50% to say so plainly."),
    # -- plan files
    IssueCode("date-order", "warning", "plan",
              "Every numeric date of the file, or of a workbook's or handout's column, reads "
              "both ways (03/04/2027); the message names the order they were read in.",
              "If they are month-first, give --date-order mdy (or write dates as 2027-04-03)."),
    IssueCode("invalid-columns", "warning", "plan",
              "The plan's `columns` key is not a mapping of sections to column headers.",
              "Write it as `{section: {column_key: Header}}`, or leave it out."),
    IssueCode("invalid-deal", "error", "plan",
              "A standard deal fact (name, buyer, seller or a date) is a list or a mapping.",
              "Give the deal fact one value."),
    IssueCode("invalid-notes", "warning", "plan",
              "A row's `_notes` is not a mapping of column keys to `{comment, link}`.",
              "Correct the notes' shape, or delete the key; the usable notes are kept."),
    IssueCode("invalid-row", "error", "plan",
              "A section's rows are not a list of mappings.",
              "Write each row as `column_key: value` pairs under a `-` list item."),
    IssueCode("invalid-row-id", "warning", "plan",
              "A row's `_id` or `_std` (its row id, its standard row's key) is not a short plain "
              "text; it is left out and the row counts as a new row.",
              "Leave `_id` and `_std` as mapgen wrote them, or delete them."),
    IssueCode("invalid-section-notes", "warning", "plan",
              "The plan's `notes` key is not a mapping of sections to lists of texts.",
              "Write it as `{section: [text, ...]}`, or leave it out; the usable notes are kept."),
    IssueCode("mixed-date-order", "error", "plan",
              "The numeric dates of a file (or of one column of a workbook or handout, which "
              "is then refused) are written both day-first (13/04/2027) and month-first "
              "(04/13/2027), so none can be trusted.",
              "Write them one way, or say which with --date-order dmy or mdy."),
    IssueCode("unknown-column", "warning", "plan",
              "A row holds a key that is not a column of the blueprint (plan file), or a column "
              "whose header the blueprint does not know (workbook); its values are kept.",
              "Nothing, if the column is wanted; else rename it to a blueprint column's header."),
    IssueCode("unknown-section", "warning", "plan",
              "The plan holds a section that the blueprint does not have; it is kept as it is.",
              "Read the plan with the blueprint that has the section (`--blueprint`), or rename it."),
    # -- workbooks read back
    IssueCode("bad-metadata", "warning", "workbook",
              "The workbook's hidden record of a section is damaged.",
              "Nothing: the section is found by its sheet name and headers instead."),
    IssueCode("blueprint-mismatch", "warning", "workbook",
              "The workbook was made from another blueprint than the one it is read with.",
              "Read it with the blueprint it names, unless the other one is meant."),
    IssueCode("blueprint-version", "warning", "workbook",
              "The workbook was made from another version of the blueprint.",
              "Check the columns it reports missing or unknown."),
    IssueCode("damaged-workbook", "warning", "workbook",
              "Part of the file is damaged; what could be read was read.",
              "Open and save the file in Excel or LibreOffice, then read it again."),
    IssueCode("deal-from-overview", "warning", "workbook",
              "A deal fact on the Overview sheet was emptied or is not usable; the recorded "
              "value is used or the fact left out.",
              "Type the deal fact again on the Overview."),
    IssueCode("example-partly-cleared", "warning", "workbook",
              "An example row was partly overwritten, so it is not read as data.",
              "Clear the row, or type your own values over all of it."),
    IssueCode("header-alias", "warning", "workbook",
              "A column header was recognised by another name it goes by.",
              "Nothing; rename the header to the one given to silence the warning."),
    IssueCode("missing-column", "warning", "workbook",
              "A column of the blueprint is missing from the sheet; its values are left empty.",
              "Add the column back (the header is named in the message) if it is needed."),
    IssueCode("missing-header", "error", "workbook",
              "A section's sheet has no header row with the section's columns; it is left out.",
              "Restore the header row (copy it from a freshly generated workbook)."),
    IssueCode("missing-sheet", "warning", "workbook",
              "No sheet holds a section of the blueprint; the section is left out.",
              "Restore the sheet, or ignore this if the section was removed on purpose."),
    IssueCode("no-metadata", "warning", "workbook",
              "The workbook carries no mapgen record: sections are found by sheet names and "
              "headers, and the deal facts are empty.",
              "Nothing, for a workbook made elsewhere; else use a workbook that mapgen generated."),
    IssueCode("note-under-table", "warning", "workbook",
              "A lone text under a section's table (after blank rows, in a column whose type it "
              "does not fit), or text beside a handout's table, is a note: it is kept in the "
              "plan's `notes` and written back under the table, never counted as a row.",
              "Nothing, if it is a note; if it is meant as a row, fill in the row's other cells."),
    IssueCode("objective-from-overview", "warning", "workbook",
              "An objective typed on the Overview sheet was taken into the objective section.",
              "Nothing; type objectives on their own sheet next time."),
    IssueCode("objective-twice", "warning", "workbook",
              "The Overview and the objective sheet hold different objectives, both typed by "
              "people: the Overview's is the first objective and the sheet's is kept after it.",
              "Keep one of the two objectives (or both, as separate rows) on the objective sheet."),
    IssueCode("outside-table", "warning", "workbook",
              "A value stands outside the table (beside it or below it), so it is not read as data.",
              "Move it into the table; a new column needs a header."),
    IssueCode("rows-below-gap", "warning", "workbook",
              "Rows lie below a run of blank rows; they are read as data all the same.",
              "Check that they belong to the table, and remove the gap."),
    IssueCode("truncated", "error", "workbook",
              "A sheet holds more rows or cells than are read; the rest is left out.",
              "Split the workbook, or delete the unused rows and columns."),
    IssueCode("unknown-blueprint", "warning", "workbook",
              "The workbook names a blueprint that is not found here; it is read with `map`.",
              "Give the blueprint with `--blueprint`, or put it in ./blueprints/."),
    IssueCode("unread-sheet", "warning", "workbook",
              "A sheet looks like a section, but another sheet was read for that section.",
              "Delete or rename the copy that is not meant."),
    IssueCode("unresolved-conflict", "warning", "workbook",
              "A conflict that merge marked on a cell is still there.",
              "Settle the value and delete the cell's comment."),
    # -- handout
    IssueCode("bad-record", "warning", "handout",
              "The handout's own record (kept in its document properties) is damaged.",
              "Nothing to do if the values read right; its tables were found by their headers."),
    IssueCode("macros-ignored", "warning", "handout",
              "The document is macro-enabled (.docm); its macros were neither run nor kept.",
              "Nothing to do; save it as .docx to stop the warning."),
    IssueCode("missing-table", "warning", "handout",
              "A section's table that the handout was made with is no longer in it.",
              "Put the table back (copy it from a fresh handout) or leave the section out."),
    IssueCode("no-record", "warning", "handout",
              "The document carries no mapgen record: tables were found by their headers.",
              "Check that every section came back; a handout mapgen wrote keeps its record."),
    # -- merge
    IssueCode("blueprint-parents", "warning", "merge",
              "The inputs were made from a blueprint and from its parents; they are merged with "
              "the most specific one.",
              "Nothing, if that is meant; check the columns the parents lack."),
    IssueCode("blueprint-versions", "warning", "merge",
              "The inputs were made from different versions of the blueprint.",
              "Check the columns reported missing or unknown."),
    IssueCode("same-identity", "warning", "merge",
              "Two rows of one input have the same identity (the same phase, description or "
              "name); both are kept as rows of their own, never folded into one.",
              "If they are the same row, delete one; if not, tell them apart in the identity column."),
    IssueCode("paired-by-values", "warning", "merge",
              "A row with no identity value (no phase, description or name, and no row id "
              "from mapgen) has exactly the same values as such a row of another input, as when "
              "one row is typed into a handout and a workbook of the same plan; they were taken "
              "for one row.",
              "Nothing, if it is one row; if not, fill in the identity column of each, so that "
              "they stay apart."),
    # -- writing documents
    IssueCode("deal-dates-missing", "warning", "documents",
              "The blueprint dates standard rows from deal dates that are not filled in yet.",
              "Fill in the deal dates (the message says where) before the merge, or give a plan."),
    IssueCode("text-too-long", "error", "documents",
              "A value is longer than a spreadsheet cell holds (32,767 characters).",
              "Shorten the value, or keep the long text in a linked document."),
    # -- status findings
    IssueCode("action-after-milestone", "warning", "status",
              "An action item is due after the milestone of its phase.",
              "Bring the action item forward, or move the milestone."),
    IssueCode("after-go-live", "warning", "status",
              "An open item is due after the deal's go-live date.",
              "Bring the item forward, or agree a later go-live."),
    IssueCode("phase-without-actions", "warning", "status",
              "A phase has no action items.",
              "Add the action items that reach the phase's milestone."),
    IssueCode("stakeholder-not-engaged", "warning", "status",
              "A stakeholder is named in no communication row and owns nothing.",
              "Plan how and when to involve them, or remove them from the list."),
    IssueCode("undated", "warning", "status",
              "A tracked item has no deadline.",
              "Agree a date and fill it in."),
    IssueCode("unknown-phase", "warning", "status",
              "An action item's phase is not a phase of the plan.",
              "Correct the phase number, or add the phase."),
    IssueCode("unowned", "warning", "status",
              "A tracked item has no one responsible.",
              "Name the person responsible."),
)

REGISTRY: dict[str, IssueCode] = {entry.code: entry for entry in CODES}


class UnknownIssueCode(ValueError):
    """An issue was made with a code that is not in :data:`CODES` (a programming error)."""


def lookup(code: str) -> IssueCode:
    """The registered entry of ``code``; UnknownIssueCode for a code not listed."""
    try:
        return REGISTRY[code]
    except (KeyError, TypeError):
        raise UnknownIssueCode(f"issue code {code!r} is not registered in "
                               "mapgen/core/issue_codes.py") from None


def markdown() -> str:
    """``docs/issue-codes.md``: every code by group, with its severity, meaning and remedy."""
    lines = ["# Issue codes", "",
             "<!-- Written by `make issue-codes` from mapgen/core/issue_codes.py; do not edit. -->",
             "",
             "Every problem mapgen finds in its input is reported with one of these codes, a "
             "severity and its place (file, sheet, cell or YAML line): in a plan's `issues`, in "
             "`read`'s and `merge`'s reports, on stderr, and (the status findings) in `status`'s "
             "`findings`. The codes are stable: scripts may match on them. An error makes the "
             "command exit 1 (the input was read, but has errors); a warning is reported and the "
             "command goes on.", ""]
    for group, title in GROUPS.items():
        entries = sorted((e for e in CODES if e.group == group), key=lambda e: e.code)
        lines += [f"## {title}", "", "| code | severity | what it means | what to do |",
                  "|---|---|---|---|"]
        lines += [f"| `{e.code}` | {e.severity} | {e.means} | {e.do} |" for e in entries]
        lines.append("")
    return "\n".join(lines)

