"""The bare scripts the benchmark runs as whole processes beside mapgen's commands.

Each does the same file work as a mapgen command with the same library and nothing else (no
validation, styles, checks or metadata), the fastest ordinary way:

    python bare.py read BOOK.xlsx...        openpyxl's read-only load, every cell's value
    python bare.py xlsx CELLS.pickle OUT [PLAN.yaml]   openpyxl writing the same cells
    python bare.py docx BLOCKS.pickle OUT [PLAN.yaml]  python-docx writing the same paragraphs and tables

Given the plan file that mapgen generated from, the writing scripts load it too (PyYAML), as
mapgen does: the same file work, in and out.

``cells`` and ``blocks`` make the pickles from the file mapgen wrote, so the bare script
writes exactly what mapgen's file holds.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import Any


def read(paths: list[str]) -> int:
    from openpyxl import load_workbook

    n = 0
    for path in paths:
        wb = load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                n += sum(v is not None for v in row)
        wb.close()
    return n


def cells(path: Path) -> list[tuple[str, list[tuple[int, int, Any]]]]:
    """Each sheet's title and its cells' (row, column, value) as mapgen wrote them."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [(ws.title, [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row
                        if c.value is not None]) for ws in wb.worksheets]


def write_xlsx(sheets: list[tuple[str, list[tuple[int, int, Any]]]], out: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, values in sheets:
        ws = wb.create_sheet(title)
        for row, column, value in values:
            ws.cell(row=row, column=column, value=value)
    wb.save(out)


def blocks(path: Path) -> list[tuple[str, Any]]:
    """The document's body in order: ("p", text) per paragraph, ("t", rows of cell texts)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    out: list[tuple[str, Any]] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(("p", Paragraph(child, doc).text))
        elif tag == "tbl":
            out.append(("t", [[cell.text for cell in row.cells] for row in Table(child, doc).rows]))
    return out


def write_docx(body: list[tuple[str, Any]], out: str) -> None:
    from docx import Document

    doc = Document()
    for kind, content in body:
        if kind == "p":
            doc.add_paragraph(content)
            continue
        width = max((len(r) for r in content), default=1)
        table = doc.add_table(rows=len(content), cols=width)
        for row, texts in zip(table.rows, content, strict=False):
            for cell, text in zip(row.cells, texts, strict=False):
                cell.text = text
    doc.save(out)


def main(argv: list[str]) -> None:
    what, *args = argv
    if what == "read":
        read(args)
    elif what in ("xlsx", "docx"):
        if len(args) > 2:
            import yaml

            yaml.safe_load(Path(args[2]).read_text(encoding="utf-8"))
        write = write_xlsx if what == "xlsx" else write_docx
        write(pickle.loads(Path(args[0]).read_bytes()), args[1])
    else:
        raise SystemExit(f"unknown: {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
