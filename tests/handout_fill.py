"""Filling generated handouts as people do in Word: typing into cells (over an example too),
pressing Tab in the last cell to add a row, writing on the cover. Used by the handout tests."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn


def section_table(doc, heading_start: str):
    """The table printed under the heading that starts with ``heading_start`` ("3." or a title)."""
    body = doc.element.body
    heading = None
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if style is not None and style.get(qn("w:val")).startswith("Heading") and text:
                heading = text
        elif child.tag == qn("w:tbl") and heading and heading.startswith(heading_start):
            return next(t for t in doc.tables if t._tbl is child)
    raise LookupError(heading_start)


def type_into(cell, text: str) -> None:
    """Replace a cell's text keeping its first run's formatting (as typing over it does)."""
    paragraphs = cell.paragraphs
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    p = paragraphs[0]
    runs = p.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run._r.getparent().remove(run._r)
    else:
        p.add_run(text)


def add_row(table):
    """Tab in the last cell: a new row like the last one, empty."""
    last = table.rows[-1]._tr
    new = deepcopy(last)
    for t in new.iter(qn("w:t")):
        t.text = ""
    last.addnext(new)
    return table.rows[-1]


def fill(src: Path, dst: Path, edits: dict[str, list[tuple[int, list[str | None]]]],
         added: dict[str, list[list[str]]] | None = None, cover: dict[str, str] | None = None) -> Path:
    """A filled copy of handout ``src``: ``edits`` per table (heading start) as (body row
    index, values; None leaves a cell), ``added`` rows typed after the last, ``cover`` labels'
    values."""
    doc = Document(str(src))
    for heading, rows in edits.items():
        table = section_table(doc, heading)
        for index, values in rows:
            row = table.rows[index + 1]
            for cell, value in zip(row.cells, values, strict=False):
                if value is not None:
                    type_into(cell, value)
    for heading, rows in (added or {}).items():
        table = section_table(doc, heading)
        for values in rows:
            row = add_row(table)
            for cell, value in zip(row.cells, values, strict=False):
                type_into(cell, value)
    if cover:
        for row in doc.tables[0].rows:
            label = row.cells[0].text
            if label in cover:
                type_into(row.cells[1], cover[label])
    doc.save(str(dst))
    return dst
