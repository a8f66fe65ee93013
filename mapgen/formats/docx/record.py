"""The handout's own record: what the reader needs to know about a handout, kept where a
reader of the page never sees it.

A handout carries a JSON record in its custom document properties (``docProps/custom.xml``;
in an .odt, LibreOffice keeps them as user-defined properties), cut into properties named
``mapgen.handout.001``, ``mapgen.handout.002``... of at most :data:`CHUNK` characters each,
since Word keeps custom property texts of up to 255 characters. Word and LibreOffice keep
custom properties through every save, in .docx and .odt alike, and neither shows them on the
page. The record holds:

- ``blueprint`` (name and version), ``language``, ``audience``, ``participant`` and ``deal``
  (the facts the handout was made with);
- per section table, in the order printed: ``section``, ``columns`` (keys) and ``headers``
  (as printed), and ``rows``: every example and data row as written, each as ``[kind, id, std,
  marks]`` where kind is ``e`` (example) or ``d`` (data), ``id``/``std`` the row's identity (or
  null) and ``marks`` a short fingerprint of each cell's printed text (:func:`mark`), so that the
  reader can tell a row left as written from one typed over, and find each written row again
  after rows were added, deleted or inserted; ``notes``: per recorded row, the note lines
  printed under a cell's value (merge's conflict notes, a kept comment and link), which are
  mapgen's and not the cell's value, with the kept comment and link they show; ``above``: a
  fingerprint of each paragraph printed between the section's heading and its table (its
  texts), and ``below``: of each note printed under the table (the plan's ``notes``), so that
  the reader tells mapgen's paragraphs from text a person wrote there;
- ``standard_rows``: the standard rows the plan has held (see :mod:`mapgen.model.rowids`), and
  ``relative_dates``: the dates printed that follow a deal date, as a workbook records them
  (:mod:`mapgen.model.relative_dates`), so that ``shift --go-live`` moves them.

Write-in rows are not recorded: they are empty, and whatever is typed in them is new.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from mapgen.core.i18n import N_
from mapgen.core.xmltext import xml_attribute, xml_escape, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.view import DocumentView, SectionView

PREFIX = "mapgen.handout."
CHUNK = 240  # characters a property (Word keeps up to 255)
FORMAT = "mapgen-handout"
VERSION = 1
MAX_RECORD_CHARS = 20_000_000
SOURCES_COLUMN = "_sources"  # merge's Sources column, printed for the seller
# Paragraphs the handout prints above a section's table (with its purpose and instructions)
INTERNAL_NOTE = N_("Internal section: left out of the buyer edition.")
EXAMPLES_CAPTION = N_("Rows in grey italics are examples. Write your own in the empty rows.")


def mark(text: str) -> str:
    """A cell's printed text as a six-character fingerprint (spacing and case folded)."""
    folded = " ".join(xml_text(text).split()).casefold()  # as printed: what XML cannot hold is gone
    return hashlib.blake2b(folded.encode(), digest_size=3).hexdigest() if folded else ""


def merge_lines(sv: SectionView, index: int, sources: bool) -> tuple[dict[str, list[str]], list[str]]:
    """Merge's notes for information on data row ``index`` (a number it changed) as the
    handout prints them: under the Sources cell where there is one (``sources``; a number's
    column is too narrow for a sentence), else under their own cell. Returns (column key ->
    lines, lines under the Sources cell)."""
    own: dict[str, list[str]] = {}
    under: list[str] = []
    for (i, key), note in sv.merge_notes.items():
        if i == index:
            (under if sources else own.setdefault(key, [])).extend(note.splitlines())
    return own, under


def printed_rows(view: DocumentView, sv: SectionView) -> list[dict[str, Any]]:
    """What the handout prints for each example and data row of ``sv``, in order: ``kind``
    (``e`` or ``d``), the row's ``mark`` (id and standard row), each column's ``texts`` and,
    per column, the ``notes`` lines printed under a data cell's value (a merge conflict's note,
    merge's note on a number it changed, a kept comment and link) with the kept note they
    show."""
    from mapgen.model.plan import NOTES_KEY
    from mapgen.model.view import display_value, kept_lines

    texts = view.texts
    sources = sv.sources if view.audience == "internal" else None
    extra = [] if sources is None else [""]
    out: list[dict[str, Any]] = []
    for row, rowmark in zip(sv.examples, sv.example_marks, strict=False):
        out.append({"kind": "e", "mark": rowmark,
                    "texts": [display_value(c, row.get(c.key), texts) for c in sv.columns] + extra})
    for index, (row, rowmark) in enumerate(zip(sv.rows, sv.marks, strict=False)):
        cells = [display_value(c, row.get(c.key), texts) for c in sv.columns]
        own, under = merge_lines(sv, index, sources is not None)
        if sources is not None:  # the Sources cell as printed, with merge's notes under it
            cells.append("\n".join([sources[index] if index < len(sources) else "", *under]))
        kept = kept_lines(sv, row, index)
        notes: dict[str, Any] = {}
        for column in sv.columns:
            lines = [sv.notes[(index, column.key)]] if sv.notes.get((index, column.key)) else []
            lines += own.get(column.key, [])
            lines += [line for line, _link in kept.get(column.key, ())]
            if lines:
                note = (row.get(NOTES_KEY) or {}).get(column.key) if kept.get(column.key) else None
                notes[column.key] = {"lines": lines, **({"kept": note} if note else {})}
        out.append({"kind": "d", "mark": rowmark, "texts": cells, "notes": notes})
    return out


def opening_texts(view: DocumentView, sv: SectionView) -> list[str]:
    """The paragraphs the handout prints between a section's heading and its table, as read
    back: the internal section's note, the purpose, the instructions, the examples' caption."""
    _ = view.texts
    texts = [_(INTERNAL_NOTE)] if sv.section.internal else []
    texts += [sv.purpose] if sv.purpose else []
    texts += [_("Instructions:") + " " + sv.instructions] if sv.instructions else []
    return texts + ([_(EXAMPLES_CAPTION)] if sv.examples else [])


def handout_record(view: DocumentView) -> dict[str, Any]:
    """The record of the handout that the view is laid out as (see the module docstring)."""
    from mapgen.model.plan import STANDARD_DEAL_KEYS
    from mapgen.model.relative_dates import workbook_entries

    tables = []
    relative: dict[str, Any] = {}
    for sv in view.sections:
        if sv.relative:
            relative[sv.key] = workbook_entries(sv.section, sv.rows, sv.relative)
        rows = []
        notes: dict[str, Any] = {}
        for entry in printed_rows(view, sv):
            rowmark = entry["mark"]
            ident = rowmark.id if entry["kind"] == "d" and rowmark is not None else None
            std = rowmark.std if entry["kind"] == "d" and rowmark is not None else None
            rows.append([entry["kind"], ident, std, [mark(t) for t in entry["texts"]]])
            if entry.get("notes"):
                notes[str(len(rows) - 1)] = entry["notes"]
        columns = [c.key for c in sv.columns]
        headers = [c.title for c in sv.columns]
        if sv.sources is not None and view.audience == "internal":
            columns.append(SOURCES_COLUMN)
            headers.append(view.texts("Sources"))
        table = {"section": sv.key, "columns": columns, "headers": headers, "rows": rows,
                 "above": [mark(t) for t in opening_texts(view, sv)]}
        if sv.table_notes:
            table["below"] = [mark(t) for t in sv.table_notes]
        if notes:
            table["notes"] = notes
        tables.append(table)
    deal = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in view.deal.items()
            if v not in (None, "") and (k in STANDARD_DEAL_KEYS or isinstance(v, str | int | float))}
    return {"format": FORMAT, "version": VERSION,
            "blueprint": {"name": view.blueprint.name, "version": view.blueprint.version},
            "language": view.blueprint.language, "audience": view.audience,
            "participant": view.participant, "prefilled": view.prefilled, "deal": deal,
            "standard_rows": {k: list(v) for k, v in view.standard_rows.items() if v},
            "relative_dates": relative,
            "tables": tables}


def record_properties(record: dict[str, Any]) -> dict[str, str]:
    """The record as custom properties (name -> text), in chunks of :data:`CHUNK` characters."""
    from mapgen.core.xmltext import xml_text

    text = xml_text(json.dumps(record, ensure_ascii=True, separators=(",", ":")))
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    return {f"{PREFIX}{n:03d}": chunk for n, chunk in enumerate(chunks, start=1)}


def read_record(properties: dict[str, str]) -> dict[str, Any] | None:
    """The record found in a document's custom properties; None when it has none. Raises
    ValueError for a record that is damaged (a property missing or edited)."""
    parts = sorted((name, text) for name, text in properties.items() if name.startswith(PREFIX))
    if not parts:
        return None
    numbers = [name.removeprefix(PREFIX) for name, _ in parts]
    if numbers != [f"{n:03d}" for n in range(1, len(parts) + 1)]:
        raise ValueError("a part of it is missing")
    text = "".join(t for _, t in parts)
    if len(text) > MAX_RECORD_CHARS:
        raise ValueError("it is too large")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("it is not readable") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(
            data.get("tables"), list):
        raise ValueError("it is not a handout record")
    if data.get("version") != VERSION:
        raise ValueError(f"it is of version {data.get('version')!r}, which this mapgen does not know")
    return data


def custom_properties_xml(properties: dict[str, str]) -> bytes:
    """``docProps/custom.xml`` holding ``properties`` as texts."""
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{n}" '
        f"name={xml_attribute(name)}><vt:lpwstr>{xml_escape(text)}</vt:lpwstr></property>"
        for n, (name, text) in enumerate(properties.items(), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
            'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
            'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{items}</Properties>").encode()


def record_part(record: dict[str, Any]) -> bytes:
    """The ``docProps/custom.xml`` part of a handout with ``record`` (as python-docx saves it:
    a batch's templates put each deal's own in place of the template's)."""
    return custom_properties_xml(record_properties(record))


def add_record(doc: Any, record: dict[str, Any]) -> None:
    """Add the record to a python-docx document as its custom properties part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(PackURI("/docProps/custom.xml"),
                "application/vnd.openxmlformats-officedocument.custom-properties+xml",
                record_part(record), doc.part.package)
    doc.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)
