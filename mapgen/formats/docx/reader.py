"""The handout reader: a filled-in Word handout (or a foreign Word document) back to a plan.

People fill in the handout's tables in Word or LibreOffice, press Tab in the last cell to add
rows, type over the grey examples and send the document back, as .docx, .docm or .odt. The
reader promises what the workbook reader promises: every value typed in a section table is
data, or an issue naming its place.

- **Tables** are found by the handout's record (:mod:`mapgen.formats.docx.record`: blueprint,
  language, audience, each section table's columns and the rows as written, with their ids),
  matched to the document's tables by their printed headers, in order. Without a record (a
  foreign document, or one whose properties were lost) a table is taken for a section when
  its header row holds most of the section's headers, or some of them under a heading naming
  the section, as the workbook reader finds sheets (a ``no-record`` warning says so). A
  document with no such table is refused in one line.
- **Places**: an issue names the ``table`` (the heading printed above it, else the section's
  title) and the ``row``, counted from the first row below the header (examples included),
  with ``column`` the column's key and the message starting with its header.
- **Rows**: each written row is found again by its content and position (rows may have been
  added at the end, inserted or deleted), so that it keeps its id; an example left as written
  is skipped (partly cleared: skipped with a warning), an example typed over is a row; empty
  rows are skipped; everything else is a row.
- **Values** are parsed by their column's type (:mod:`mapgen.model.fields`), dates as people
  type them and in the blueprint's language (``15. Januar 2027``), choices in the blueprint's
  language or English. A cell's note lines that mapgen printed under its value are not its value.
- **Deal facts** come from the cover's table (labels in the blueprint's language or English;
  ``Participant``/``Name`` is who filled it in), the objective from its section table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mapgen.core.errors import Issue, MapgenError, NotOfBlueprint
from mapgen.model.fields import FieldError, fold_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.core.date_order import Order
    from mapgen.formats.docx.tables import WordDocument, WordTable
    from mapgen.model.blueprint import Blueprint, Section
    from mapgen.model.plan import Plan, Row

# per section, where each row of a plan read from a handout was: (the table's name, its row
# number), as an issue names them ("table '3. Action Items', row 3")
Places = dict[str, list[tuple[str, int]]]
HEADER_SCAN_ROWS = 3  # rows at the top of a table searched for its header
MAX_ALIGN_CELLS = 1_000_000  # row pairs compared between two unchanged rows (more: by position)


@dataclass
class HandoutInfo:
    """What a handout says about itself: its record (None for a foreign document) and kind."""

    record: dict[str, Any] | None
    kind: str
    places: Places = field(default_factory=dict)  # where each row of the plan was read


@dataclass
class _Found:
    """A section's table as found in the document."""

    section: Section
    table: WordTable
    header_row: int
    keys: list[str | None]  # per table column: the row key (None: not read)
    headers: dict[str, str]  # row key -> header as printed
    extras: dict[str, str] = field(default_factory=dict)
    recorded: dict[str, Any] | None = None
    day_first: dict[str, bool] = field(default_factory=dict)  # date column -> its order
    notes: list[str] = field(default_factory=list)  # the section's notes: text that is no row

    @property
    def name(self) -> str:
        return self.table.heading or self.section.label


def read_handout(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                 date_order: Order | None = None) -> Plan:
    """Read a filled-in handout into a plan; problems in the data are ``plan.issues``.

    Numeric dates (03/04/2027) are read one way per column: ``date_order``, else as the
    column's dates show (:mod:`mapgen.core.date_order`; MapgenError for a column written both
    ways)."""
    return read_handout_with(path, blueprint=blueprint, date_order=date_order)[0]


def read_handout_with(path: str | os.PathLike, *, blueprint: Blueprint | None = None,
                      date_order: Order | None = None) -> tuple[Plan, HandoutInfo, Blueprint]:
    """:func:`read_handout`, what the handout says about itself, and the blueprint it was read
    with (``blueprint``, else the one the handout records, else ``map``)."""
    from mapgen.formats.docx.tables import read_document

    label = os.fspath(path)
    doc = read_document(path)
    reader = _HandoutReader(doc, label, blueprint)
    plan = reader.plan(date_order)
    return plan, HandoutInfo(reader.record, doc.kind, reader.places), reader.blueprint


class _HandoutReader:
    def __init__(self, doc: WordDocument, label: str, blueprint: Blueprint | None):
        from mapgen.core.i18n import texts_for
        from mapgen.formats.docx.record import read_record

        self.doc, self.label = doc, label
        self.issues: list[Issue] = []
        self.places: Places = {}
        try:
            self.record = read_record(doc.properties)
        except ValueError as exc:
            self.record = None
            self._issue("bad-record", f"the handout's own record is damaged ({exc}); its tables "
                        "are found by their headers")
        self.blueprint = self._blueprint(blueprint)
        self.texts = texts_for(self.blueprint.language)
        from mapgen.formats.xlsx.own_texts import _own_texts

        self.conflict_notes: tuple[str, ...] = _own_texts(self.blueprint.language).conflict_notes
        if doc.kind == "docm":
            self._issue("macros-ignored", "the document is macro-enabled (.docm): its macros were "
                        "neither run nor kept; only its text was read")

    def _issue(self, code: str, message: str, severity: str | None = None, **where: Any) -> None:
        self.issues.append(Issue(code=code, message=message, severity=severity, file=self.label,
                                 **where))

    def _blueprint(self, given: Blueprint | None) -> Blueprint:
        from mapgen.model.blueprint import blueprint_to_read

        bp, said = blueprint_to_read(given, (self.record or {}).get("blueprint"), "handout")
        for code, message in said:
            self._issue(code, message)
        return bp

    # -- tables to sections

    def _tables(self) -> list[_Found]:
        _fold = _headers()._fold
        _title_forms = _headers()._title_forms

        found: list[_Found] = []
        used: set[int] = set()
        recorded = {t.get("section"): t for t in (self.record or {}).get("tables", [])
                    if isinstance(t, dict)}
        after = -1
        for section in self.blueprint.sections:
            entry = recorded.get(section.key)
            if entry is None:
                continue
            want = [_fold(str(h)) for h in entry.get("headers", [])]
            for table in self.doc.tables:
                if table.index in used or table.index <= after or not table.rows:
                    continue
                if [_fold(c.text) for c in table.rows[0]] == want:
                    hit = self._map(section, table, 0, entry)
                    if hit is not None:
                        found.append(hit)
                        used.add(table.index)
                        after = table.index
                    break
        # By headers: each table goes to the section whose headers it shows best; it is taken
        # when it shows most of them, or at least two and more than of any other section, or
        # some under a heading that names the section.
        claims: dict[str, tuple[int, int, WordTable]] = {}
        left = [s for s in self.blueprint.sections if not any(f.section is s for f in found)]
        for table in self.doc.tables:
            if table.index in used:
                continue
            scored = sorted(((self._score(s, table), n, s) for n, s in enumerate(left)),
                            key=lambda t: (-t[0][1], t[1]))
            if not scored or scored[0][0][1] == 0:
                continue
            (row, score), _, section = scored[0]
            runner_up = scored[1][0][1] if len(scored) > 1 else 0
            titles = _title_forms(section.label) | _title_forms(section.title or "")
            named = bool(table.heading and _title_forms(table.heading) & titles)
            if not (score >= _need(section) or (score >= 2 and score > runner_up) or named):
                continue
            if section.key not in claims or score > claims[section.key][1]:
                claims[section.key] = (row, score, table)
        for section in left:
            claim = claims.get(section.key)
            if claim is not None:
                hit = self._map(section, claim[2], claim[0], None)
                if hit is not None:
                    found.append(hit)
                    used.add(claim[2].index)
            elif self.record is not None and section.key in recorded:
                self._issue("missing-table", f"no table for section '{section.label}' (its headers "
                            "were not found); the section is left out", section=section.key)
        found.sort(key=lambda f: f.table.index)
        return found

    def _aliases(self, section: Section) -> dict[str, str]:
        _aliases = _headers()._aliases

        return _aliases(section, None, self.blueprint.language)

    def _score(self, section: Section, table: WordTable) -> tuple[int, int]:
        SOURCES_KEY = _headers().SOURCES_KEY
        _fold = _headers()._fold

        aliases = self._aliases(section)
        best = (0, 0)
        for n, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
            keys = {aliases.get(_fold(c.text)) for c in row} - {None, SOURCES_KEY}
            if len(keys) > best[1]:
                best = (n, len(keys))
        return best

    def _map(self, section: Section, table: WordTable, header_row: int,
             recorded: dict[str, Any] | None) -> _Found | None:
        """Columns of ``table`` to row keys (unknown headers kept under a key of their own)."""
        SOURCES_KEY = _headers().SOURCES_KEY
        _extra_key = _headers()._extra_key
        _fold = _headers()._fold
        _synonyms = _headers()._synonyms

        aliases = self._aliases(section)
        if recorded is not None:
            for key, header in zip(recorded.get("columns", []), recorded.get("headers", []),
                                   strict=False):
                if key == "_sources":
                    aliases[_fold(str(header))] = SOURCES_KEY
                elif section.column(str(key)) is not None:
                    aliases.setdefault(_fold(str(header)), str(key))
        synonyms = _synonyms(section)
        hit = _Found(section, table, header_row, [], {}, recorded=recorded)
        taken: dict[str, Any] = {}
        where = {"table": hit.name, "section": section.key}
        for cell in table.rows[header_row]:
            text = " ".join(cell.text.split())
            key = aliases.get(_fold(text)) if text else None
            if not text:
                hit.keys.append(None)  # a column without a header: see _row
                continue
            if key == SOURCES_KEY:
                hit.keys.append(None)
                continue
            if key is None or key in taken:
                key = _extra_key(text, taken, section)
                why = "appears twice" if aliases.get(_fold(text)) else "is not in the blueprint"
                self._issue("unknown-column", f"column '{text}' {why}; its values are kept under "
                            f"'{key}'", "warning", column=key, **where)
                hit.extras[key] = text
            elif _fold(text) in synonyms:
                self._issue("header-alias", f"column '{text}' is read as "
                            f"'{section.column(key).title}' (a name it goes by)", column=key, **where)
            taken[key] = True
            hit.keys.append(key)
            hit.headers[key] = text
        if not any(k in {c.key for c in section.columns} for k in hit.keys if k):
            return None
        for column in section.columns:
            if column.key not in taken and not column.internal:
                self._issue("missing-column", f"column '{column.title}' is missing; its values "
                            "are left empty", column=column.key, **where)
        if table.truncated:
            self._issue("truncated", f"the table has more rows than mapgen reads "
                        f"({len(table.rows):,}); the rows after that were not read", **where)
        return hit

    # -- the plan

    def plan(self, date_order: Order | None) -> Plan:
        from mapgen.model.plan import BlueprintRef, Plan

        found = self._tables()
        if not found:
            raise NotOfBlueprint(self._not_a_handout())
        day_first = self._date_orders(found, date_order)
        if self.record is None:
            self._issue("no-record", "the document carries no mapgen record: its tables were "
                        "found by their headers, and rows are matched by their values")
        sections: dict[str, list[Row]] = {}
        columns: dict[str, dict[str, str]] = {}
        notes: dict[str, list[str]] = {}
        for hit in found:
            rows = self._rows(hit)
            sections[hit.section.key] = rows
            if hit.notes:
                notes[hit.section.key] = hit.notes
            used = {k for row in rows for k in row}
            extras = {k: h for k, h in hit.extras.items() if k in used}
            if extras:
                columns[hit.section.key] = extras
        deal, participant = self._deal(found, day_first)
        plan = Plan(blueprint=BlueprintRef(name=self.blueprint.name, version=self.blueprint.version),
                    deal=deal, sections=sections, columns=columns, notes=notes, issues=self.issues)
        record = self.record or {}
        if participant or record.get("participant"):
            plan.participant = participant or record.get("participant")
        if record.get("audience") in ("internal", "buyer"):
            plan.audience = record["audience"]
        if isinstance(record.get("standard_rows"), dict):
            from mapgen.model.rowids import set_seen

            set_seen(plan, {k: [x for x in v if isinstance(x, str)]
                            for k, v in record["standard_rows"].items() if isinstance(v, list)})
        if isinstance(record.get("relative_dates"), dict) and record["relative_dates"]:
            from mapgen.model.relative_dates import from_workbook

            from_workbook(plan, record["relative_dates"], self.blueprint)
        return plan

    def _date_orders(self, found: list[_Found], given: Order | None) -> bool:
        """Decide each date column's order (``hit.day_first``) from its numeric dates, and
        return the order of the file's other dates (:mod:`mapgen.core.date_order`). Dates
        printed exactly as the handout prints them in its language do not vote: they are
        mapgen's. A column written both ways is refused (MapgenError naming the file, table
        and column); one whose dates all read both ways gets a ``date-order`` warning."""
        from mapgen.core import dates
        from mapgen.core.date_order import settle_columns

        columns: dict[tuple[int, str], list[tuple[str, object]]] = {}
        for n, hit in enumerate(found):
            keyed = [(i, k) for i, k in enumerate(hit.keys) if k and hit.section.column(k)
                     is not None and hit.section.column(k).field.is_date]
            for i, key in keyed:
                texts = [(f"row {r}", row[i].text.strip()) for r, row in
                         enumerate(hit.table.rows[hit.header_row + 1:], start=1) if i < len(row)]
                columns[n, key] = [(where, text) for where, text in texts
                                   if text and not self._printed_date(text, dates)]

        def report(column: tuple[int, str], code: str, message: str) -> tuple[Issue, str]:
            hit, key = found[column[0]], column[1]
            header = hit.headers.get(key, key)
            return Issue(code=code, file=self.label, table=hit.name, column=key,
                         section=hit.section.key, message=f"{header}: {message}"), header

        day_first, shown, issues = settle_columns(columns, given, report)
        for (n, key), first in day_first.items():
            found[n].day_first[key] = first
        self.issues += issues
        return shown

    def _printed_date(self, text: str, dates: Any) -> bool:
        """Whether ``text`` is a date exactly as the handout prints dates in its language."""
        try:
            day, _ = dates.parse_date(text, day_first=True)
        except ValueError:
            return False
        return self.texts.date(day) == text

    def _not_a_handout(self) -> str:
        shown = [s for s in self.blueprint.sections if not s.internal][:3]
        looked = "; ".join(f"'{s.label}' ({', '.join(c.title for c in s.columns[:3])}...)"
                           for s in shown)
        tables = len(self.doc.tables)
        what = "no tables" if not tables else (
            f"{tables} table{'s' if tables != 1 else ''}, none with the headers of a section")
        return (f"{self.label}: is not a MAP handout: it has {what} of blueprint "
                f"'{self.blueprint.name}' (looked for sections such as {looked})")

    def _rows(self, hit: _Found) -> list[Row]:
        from mapgen.model.plan import NOTES_KEY

        body = hit.table.rows[hit.header_row + 1:]
        recorded = (hit.recorded or {}).get("rows") or []
        recorded = [r for r in recorded if isinstance(r, list) and len(r) == 4]
        texts = [[c.text for c in row] for row in body]
        notes = (hit.recorded or {}).get("notes") or {}
        width = len(hit.keys)
        pairs = _align(recorded, [_row_marks(t, width) for t in texts], len(hit.keys))
        examples = [] if hit.recorded is not None else self._examples(hit)
        self._paragraph_notes(hit, hit.table.paragraphs, "above", "above the table, under its "
                             "heading")
        rows: list[Row] = []
        gap = after_note = False  # an empty row since the last one with values; a note then
        for n, cells in enumerate(body):
            number = n + 1
            where = {"table": hit.name, "row": number, "section": hit.section.key}
            entry = recorded[pairs[n]] if pairs.get(n) is not None else None
            if entry is None and self._row_note(hit, cells, gap or after_note, where):
                gap, after_note = False, True
                continue
            if any(c.text.strip() for c in cells):
                gap = after_note = False
            else:
                gap = True
            lines = notes.get(str(pairs[n])) if pairs.get(n) is not None else None
            values: dict[str, str] = {}
            kept: dict[str, dict[str, str]] = {}
            for i, cell in enumerate(cells):
                text = cell.text
                key = hit.keys[i] if i < len(hit.keys) else None
                if key is None and not text.strip():
                    continue
                if key is None:
                    header = hit.table.rows[hit.header_row]
                    if i < len(header) and header[i].text.strip():
                        continue  # merge's Sources column: provenance, not plan data
                    key = self._headerless(hit, i)
                paragraphs = cell.paragraphs
                if lines and key in lines:
                    text, note = _strip_notes(paragraphs, lines[key])
                    if note:
                        kept[key] = note
                    paragraphs = text.split("\n") if text != cell.text else paragraphs
                    if any(str(x).startswith(self.conflict_notes)
                           for x in (lines[key] or {}).get("lines", ()) if text != cell.text):
                        self._conflict_left(hit, key, where)
                if len(paragraphs) > 1 and paragraphs[-1].startswith(self.conflict_notes):
                    text = "\n".join(paragraphs[:-1])  # merge's note under a conflicting value
                    self._conflict_left(hit, key, where)
                if text.strip():
                    values[key] = text
            if not values:
                continue
            if entry is not None and entry[0] == "e":
                if self._recorded_example(hit, entry, values, number):
                    continue
            elif entry is None and examples and self._is_example(hit, examples, values, number):
                continue
            row: Row = {}
            unchanged = entry is not None and _row_marks(texts[n], width) == entry[3]
            for key, text in values.items():
                value, issue = self._value(hit, key, text, where, quiet=unchanged)
                if value is not None:
                    row[key] = value
                if issue is not None:
                    self.issues.append(issue)
            if entry is not None and entry[0] == "d":
                if entry[1]:
                    row["_id"] = entry[1]
                if entry[2]:
                    row["_std"] = entry[2]
            if kept:
                row[NOTES_KEY] = kept
            rows.append(row)
            self.places.setdefault(hit.section.key, []).append((hit.name, number))
        self._paragraph_notes(hit, hit.table.after, "below", "under the table")
        return rows

    def _row_note(self, hit: _Found, cells: list[Any], gap: bool, where: dict[str, Any]) -> bool:
        """Whether a table row is a note, not a row: its one text stands after empty rows
        (or right under another note) in a column whose type cannot read it, or in a column
        without a header. A note goes to ``hit.notes`` with a warning naming its row."""
        from mapgen.core.month_names import english_months
        from mapgen.formats.xlsx.read_values import _quote
        from mapgen.model.plan import is_note

        filled = [(i, c.text) for i, c in enumerate(cells) if c.text.strip()]
        if not gap or len(filled) != 1:
            return False
        i, text = filled[0]
        key = hit.keys[i] if i < len(hit.keys) else None
        header = hit.table.rows[hit.header_row]
        if key is None and i < len(header) and header[i].text.strip():
            return False  # merge's Sources column
        if key is not None:
            column = hit.section.column(key) if key not in hit.extras else None
            raw = english_months(text, self.blueprint.language) if column and column.field.is_date \
                else text
            if column is None or not is_note(column, raw):
                return False  # a value of its column: a row, however far below
        text = " ".join(text.split())
        where_in = (f"is not a value of column '{hit.headers.get(key, key)}'" if key is not None
                    else "stands in a column without a header")
        self._issue("note-under-table", f"{_quote(text)} stands alone under the table and "
                    f"{where_in}: it is kept as a note of the section, not read as a row",
                    "warning", **where)
        hit.notes.append(text)
        return True

    def _paragraph_notes(self, hit: _Found, paragraphs: list[str], side: str, where: str) -> None:
        """Paragraphs a person wrote around a recorded section's table (``side``: ``above``,
        between its heading and the table, or ``below``, up to the next heading): the
        section's notes. The handout's own texts and the notes it printed (by the record's
        fingerprints) are not news; anything else is a ``note-under-table`` warning."""
        if hit.recorded is None or not isinstance(hit.recorded.get("above"), list):
            return  # no record of what the handout printed there (a foreign or older one)
        from mapgen.formats.docx.record import mark
        from mapgen.formats.xlsx.read_values import _quote

        printed = hit.recorded.get(side)
        printed = list(printed) if isinstance(printed, list) else []  # "below": notes printed
        for text in paragraphs:
            text = " ".join(text.split())
            if mark(text) in printed:
                printed.remove(mark(text))
                if side == "above":
                    continue  # the handout's own text
            else:
                self._issue("note-under-table", f"{_quote(text)} is written {where}: it is "
                            "kept as a note of the section", "warning",
                            table=hit.name, section=hit.section.key)
            hit.notes.append(text)

    def _conflict_left(self, hit: _Found, key: str, where: dict[str, Any]) -> None:
        """A conflict that merge marked under a value is still printed: not settled."""
        self._issue("unresolved-conflict", f"{hit.headers.get(key, key)}: the conflict marked by "
                    "merge is still there; settle the value and delete the note under it",
                    column=key, **where)

    def _headerless(self, hit: _Found, i: int) -> str:
        _extra_key = _headers()._extra_key

        key = _extra_key(f"column {i + 1}", dict.fromkeys(hit.headers), hit.section)
        while len(hit.keys) <= i:
            hit.keys.append(None)
        hit.keys[i] = key
        hit.headers[key] = key
        hit.extras[key] = key
        self._issue("unknown-column", f"values in column {i + 1}, which has no header, are kept "
                    f"under '{key}'", "warning", table=hit.name, section=hit.section.key, column=key)
        return key

    def _value(self, hit: _Found, key: str, text: str, where: dict[str, Any],
               quiet: bool = False) -> tuple[Any, Issue | None]:
        """A cell's text as its column's value, and the issue it raises (its text is kept)."""
        from mapgen.core.month_names import english_months
        from mapgen.model.fields import clean_text

        column = hit.section.column(key) if key not in hit.extras else None
        if column is None:
            return clean_text(text), None
        raw = english_months(text, self.blueprint.language) if column.field.is_date else text
        try:
            parsed = column.field.parse(raw, column, day_first=hit.day_first.get(key, True),
                                        allow_relative=True)
        except FieldError as exc:
            return clean_text(text), self._cell_issue(hit, key, exc.code, exc.message, where)
        if parsed.warning is None or quiet:
            return parsed.value, None
        code, message = parsed.warning
        if code == "ambiguous-date":  # the column's one order decided it (see _date_orders)
            return parsed.value, None
        return parsed.value, self._cell_issue(hit, key, code, message, where, "warning")

    def _cell_issue(self, hit: _Found, key: str, code: str, message: str, where: dict[str, Any],
                    severity: str | None = None) -> Issue:
        return Issue(code=code, severity=severity, file=self.label, column=key,
                     message=f"{hit.headers.get(key, key)}: {message}", **where)

    # -- examples

    def _recorded_example(self, hit: _Found, entry: list, values: dict[str, str],
                          number: int) -> bool:
        """True for an example left as written (skipped); partly cleared: skipped with a
        warning; typed over (any cell differs): a row."""
        marks = entry[3]
        positions = {k: i for i, k in enumerate(hit.keys) if k}
        same = all(marks[positions[k]] == _mark(v) if positions.get(k, 99) < len(marks) else False
                   for k, v in values.items())
        if not same:
            return False
        if len(values) < sum(1 for m in marks if m):
            self._issue("example-partly-cleared", f"row {number} is an example with some cells "
                        "cleared; what is left is example text and is not read: clear the row, "
                        "or type your own values over it", table=hit.name, row=number,
                        section=hit.section.key)
        return True

    def _examples(self, hit: _Found) -> list[dict[str, set[str]]]:
        """Without a record: each blueprint example as key -> the folded forms it may print as."""
        from mapgen.core.i18n import texts_for
        from mapgen.model.view import display_value

        out = []
        english = texts_for()
        for example in hit.section.examples:
            forms: dict[str, set[str]] = {}
            for key, value in example.items():
                column = hit.section.column(key)
                if value is None or column is None:
                    continue
                shown = {fold_text(str(value))}
                try:
                    typed = column.field.parse(value, column, allow_relative=True).value
                    shown |= {fold_text(display_value(column, typed, t)) for t in (self.texts, english)}
                except (FieldError, ValueError, MapgenError):
                    pass
                forms[key] = shown
            out.append(forms)
        return out

    def _is_example(self, hit: _Found, examples: list[dict[str, set[str]]],
                    values: dict[str, str], number: int) -> bool:
        for forms in examples:
            if all(fold_text(v) in forms.get(k, ()) for k, v in values.items()):
                if len(values) < len(forms):
                    self._issue("example-partly-cleared", f"row {number} is an example with some "
                                "cells cleared; what is left is example text and is not read",
                                table=hit.name, row=number, section=hit.section.key)
                return True
        return False

    # -- the cover

    def _deal(self, found: list[_Found], day_first: bool) -> tuple[dict[str, Any], str | None]:
        """Deal facts from the cover's label/value table (the first two-column table before
        the first section table whose labels name deal facts), over the record's."""
        from mapgen.core.i18n import texts_for
        from mapgen.core.month_names import english_months
        _fold = _headers()._fold
        from mapgen.model.plan import DEAL_DATE_KEYS, STANDARD_DEAL_KEYS, parse_deal
        from mapgen.model.view import deal_label

        recorded = (self.record or {}).get("deal") or {}
        deal, issues = parse_deal(dict(recorded) if isinstance(recorded, dict) else {},
                                  file=self.label)
        self.issues[:0] = issues
        labels: dict[str, str] = {}
        for texts in (self.texts, texts_for()):
            for key in STANDARD_DEAL_KEYS:
                labels.setdefault(_fold(deal_label(key, texts)), key)
            for word in ("Participant", "Name"):
                labels.setdefault(_fold(texts(word)), "_participant")
        for key in deal:
            labels.setdefault(_fold(deal_label(key, self.texts)), key)
        first = min((f.table.index for f in found), default=0)
        participant = None
        for table in self.doc.tables[:first]:
            facts = [r for r in table.rows if len([c for c in r if not c.covered]) == 2]
            if not facts or not any(_fold(r[0].text) in labels for r in facts):
                continue
            for number, row in enumerate(table.rows, start=1):
                cells = [c for c in row if not c.covered]
                if len(cells) != 2:
                    continue
                label, text = " ".join(cells[0].text.split()), cells[1].text.strip()
                key = labels.get(_fold(label)) or label.casefold().replace(" ", "_")
                where = {"table": table.heading or "cover", "row": number, "section": "deal",
                         "column": key}
                if key == "_participant":
                    participant = text or None
                    continue
                if not text:
                    continue
                if key in DEAL_DATE_KEYS:
                    typed, problems = parse_deal({key: english_months(text, self.blueprint.language)},
                                                 file=self.label)
                    if problems:
                        for issue in problems:
                            issue.table, issue.row = where["table"], number
                        self.issues += problems
                        deal[key] = text
                        continue
                    deal[key] = typed[key]
                else:
                    deal[key] = text
            break
        return deal, participant


def _headers() -> Any:
    """The workbook reader's header matching (folding, aliases, synonyms, keys for unknown
    columns): a handout's table headers are matched as a sheet's are."""
    from mapgen.formats.xlsx import headers

    return headers


def _need(section: Section) -> int:
    need = _headers()._need

    return need(section)


def _mark(text: str) -> str:
    from mapgen.formats.docx.record import mark

    return mark(text)


def _row_marks(texts: list[str], width: int) -> list[str]:
    marks = [_mark(t) for t in texts[:width]]
    return marks + [""] * (width - len(marks))


def _strip_notes(paragraphs: list[str], entry: Any) -> tuple[str, dict[str, str]]:
    """A cell's value without the note lines mapgen printed under it (when they are still
    there, at its end), and the cell's kept comment and link that those lines showed."""
    entry = entry if isinstance(entry, dict) else {}
    want = [str(x) for x in entry.get("lines") or () if isinstance(x, str)]
    if not want or len(paragraphs) < len(want):
        return "\n".join(paragraphs), {}
    tail = paragraphs[len(paragraphs) - len(want):]
    if [_mark(t) for t in tail] != [_mark(t) for t in want]:
        return "\n".join(paragraphs), {}
    kept = entry.get("kept") if isinstance(entry.get("kept"), dict) else {}
    kept = {k: str(v) for k, v in kept.items() if k in ("comment", "link") and v}
    return "\n".join(paragraphs[:len(paragraphs) - len(want)]), kept


def _align(recorded: list[list], found: list[list[str]], width: int) -> dict[int, int | None]:
    """Found row index -> the recorded row it is (None: a new row), by content and order.

    Rows typed at the end, rows inserted or deleted in between and cells edited in place are
    all told apart: rows left exactly as written anchor the alignment (difflib's matching
    blocks), and between anchors an alignment that keeps the order of both pairs as many
    equal cells as it can (a pair with no equal cell still counts a little, so that a row
    typed over stays the row it was)."""
    from difflib import SequenceMatcher

    n, m = len(recorded), len(found)
    if n == 0:
        return {}

    def same(i: int, j: int) -> int:
        marks = recorded[i][3]
        return sum(1 for a, b in zip(marks, found[j], strict=False) if a and a == b)

    if m >= n and all(same(i, i) for i in range(n) if any(recorded[i][3])):
        return {j: (j if j < n else None) for j in range(m)}
    size = max(width, *(len(r[3]) for r in recorded))
    mine = [tuple(r[3]) + ("",) * (size - len(r[3])) for r in recorded]
    theirs = [tuple(f) + ("",) * (size - len(f)) for f in found]
    out: dict[int, int | None] = {j: None for j in range(m)}
    i0 = j0 = 0
    for block in SequenceMatcher(None, mine, theirs, autojunk=False).get_matching_blocks():
        out.update(_align_gap(range(i0, block.a), range(j0, block.b), same, found))
        for k in range(block.size):
            out[block.b + k] = block.a + k
        i0, j0 = block.a + block.size, block.b + block.size
    return out


def _align_gap(rows: range, cells: range, same: Any, found: list[list[str]]) -> dict[int, int]:
    """The pairs of recorded ``rows`` and found ``cells`` rows between two anchors."""
    n, m = len(rows), len(cells)
    if n == 0 or m == 0:
        return {}
    if n * m > MAX_ALIGN_CELLS:
        return {cells[k]: rows[k] for k in range(min(n, m))}

    def pair(i: int, j: int) -> float:
        return same(rows[i], cells[j]) + (0.5 if any(found[cells[j]]) else 0.25)

    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            score[i][j] = max(pair(i, j) + score[i + 1][j + 1], score[i + 1][j], score[i][j + 1])
    out: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        if score[i][j] == pair(i, j) + score[i + 1][j + 1]:
            out[cells[j]] = rows[i]
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return out
