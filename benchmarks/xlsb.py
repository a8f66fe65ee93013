"""A small .xlsb (binary Excel workbook) writer for the benchmark: text and number cells only.

LibreOffice reads .xlsb but cannot save one, so the benchmark writes its own: the records of
[MS-XLSB] that a reader needs (a workbook part naming the sheets, each sheet's rows and cells,
the shared strings), zipped with their content types and relationships.
"""

from __future__ import annotations

import io
import struct
import zipfile

_BIN = "application/vnd.ms-excel"


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _record(kind: int, data: bytes = b"") -> bytes:
    """A record: its type (one or two bytes of seven bits), its size, its data."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    return head + _varint(len(data)) + data


def _text(value: str) -> bytes:
    """An XLWideString: the count of UTF-16 code units, then the text."""
    raw = value.encode("utf-16-le")
    return struct.pack("<I", len(raw) // 2) + raw


def xlsb(sheets: dict[str, list[list[str | int | float | None]]]) -> bytes:
    """A workbook of ``sheets`` (title -> rows); texts go to the shared-string table."""
    strings: dict[str, int] = {}
    parts: dict[str, bytes] = {}
    for number, rows in enumerate(sheets.values(), start=1):
        width = max((len(row) for row in rows), default=1)
        body = [_record(129),  # BrtBeginSheet, BrtWsDim (first and last row, column), BrtBeginSheetData
                _record(148, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, max(width - 1, 0))),
                _record(145)]
        for r, row in enumerate(rows):
            body.append(_record(0, struct.pack("<IIHHBI", r, 0, 300, 0, 0, 0)))  # BrtRowHdr
            for c, value in enumerate(row):
                cell = struct.pack("<II", c, 0)
                if isinstance(value, str):  # BrtCellIsst: an index into the shared strings
                    body.append(_record(7, cell + struct.pack("<I", strings.setdefault(
                        value, len(strings)))))
                elif isinstance(value, int | float):  # BrtCellReal
                    body.append(_record(5, cell + struct.pack("<d", float(value))))
        body += [_record(146), _record(130)]  # BrtEndSheetData, BrtEndSheet
        parts[f"xl/worksheets/sheet{number}.bin"] = b"".join(body)
    book = [_record(131), _record(143)]  # BrtBeginBook, BrtBeginBundleShs
    for number, title in enumerate(sheets, start=1):  # BrtBundleSh: visible, tab id, rel, name
        book.append(_record(156, struct.pack("<II", 0, number) + _text(f"rId{number}") + _text(title)))
    book += [_record(144), _record(132)]
    parts["xl/workbook.bin"] = b"".join(book)
    sst = [_record(159, struct.pack("<II", len(strings), len(strings)))]  # BrtBeginSst
    sst += [_record(19, b"\x00" + _text(s)) for s in strings]  # BrtSSTItem, plain
    parts["xl/sharedStrings.bin"] = b"".join([*sst, _record(160)])

    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.bin" ContentType="{_BIN}.worksheet"/>'
                        for n in range(1, len(sheets) + 1))
    rels = "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
                   f'2006/relationships/worksheet" Target="worksheets/sheet{n}.bin"/>'
                   for n in range(1, len(sheets) + 1))
    package = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.bin" '
            f'ContentType="{_BIN}.sheet.binary.macroEnabled.main"/>{overrides}<Override PartName='
            f'"/xl/sharedStrings.bin" ContentType="{_BIN}.sharedStrings"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.bin"/></Relationships>'),
        "xl/_rels/workbook.bin.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/relationships">{rels}<Relationship Id="rId{len(sheets) + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="sharedStrings.bin"/></Relationships>'),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in package.items():
            zf.writestr(name, text.encode())
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()
