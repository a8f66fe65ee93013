"""An Excel package as Excel itself finds its way through it.

Excel does not go by fixed part names: it follows ``_rels/.rels`` to the workbook part, the
workbook's relationships to its sheets, shared strings and styles, and it forgives part names
written with backslashes or in another case, and a missing shared-strings part. openpyxl looks
for some parts by fixed names and compares names exactly. :func:`normalise` reads a package
the way Excel does:

- parts found by their names in any case and with either separator;
- the workbook part found through ``_rels/.rels`` (then the content types, then the usual name);
- its sheets, shared strings and styles found through its relationships (a shared-strings
  part that is listed but missing is simply absent);
- Strict Open XML (Excel's "Strict Open XML Spreadsheet") read through the transitional
  namespaces, which is all that differs for the cells this reader looks at.

:class:`Package` opens each part by its name; :meth:`Package.to_zip` writes the plain, minimal
package that openpyxl's own loader expects.

The input has passed :mod:`mapgen.formats.xlsx.safety` (sizes, zip bombs, DTDs) before it gets here.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import IO

from mapgen.core.errors import UnusableInput
from mapgen.formats.xlsx.failures import SAVE_AGAIN, part_error
from mapgen.formats.xlsx.failures import one_line as _one_line

__all__ = ["Package", "normalise", "part_name"]

CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
WORKBOOK_TYPES = (
    f"{CT}.sheet.main+xml", f"{CT}.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
SHARED_STRINGS_TYPE = f"{CT}.sharedStrings+xml"
TRANSITIONAL_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"

# Strict namespace -> transitional namespace (ECMA-376 Part 1 vs Part 4)
STRICT_NAMESPACES = {
    STRICT_MAIN: "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    STRICT_REL: TRANSITIONAL_REL,
    "http://purl.oclc.org/ooxml/drawingml/main": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing":
        "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "http://purl.oclc.org/ooxml/drawingml/chart": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "http://purl.oclc.org/ooxml/officeDocument/sharedTypes":
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    "http://purl.oclc.org/ooxml/officeDocument/extendedProperties":
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "http://purl.oclc.org/ooxml/officeDocument/customProperties":
        "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes":
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}



@dataclass
class Package:
    """A workbook package as Excel finds its way through it: which parts the reader needs,
    opened from the checked zip by their part names (any case, any separator)."""

    zf: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]  # part name -> zip member
    workbook: str
    sheets: dict[str, str] = field(default_factory=dict)  # relationship id -> sheet part
    shared_strings: str | None = None
    styles: str | None = None
    strict: bool = False
    sheet_parts: list[str] = field(default_factory=list)
    content_type: str = WORKBOOK_TYPES[0]

    def open(self, part: str) -> IO[bytes]:
        """A part's bytes as a stream; Strict namespaces mapped to the transitional ones."""
        raw = self.zf.open(self.members[part])
        if not self.strict:
            return raw
        return io.BufferedReader(_Mapped(raw), buffer_size=1 << 16)

    def read(self, part: str) -> bytes:
        with self.open(part) as fh:
            return fh.read()

    def close(self) -> None:
        self.zf.close()

    def to_zip(self) -> bytes:
        """A minimal, plain package of the parts the reader needs (for openpyxl's full loader)."""
        from xml.sax.saxutils import quoteattr  # here: it loads urllib, which a read never needs

        rels = [(rid, "worksheet", part) for rid, part in self.sheets.items() if part in self.members]
        rels += [(f"rIdMapgen{k}", k, p) for k, p in (("sharedStrings", self.shared_strings),
                                                      ("styles", self.styles)) if p]
        overrides = [(self.workbook, self.content_type)]
        if self.shared_strings:
            overrides.append((self.shared_strings, SHARED_STRINGS_TYPE))
        content = ('<?xml version="1.0" encoding="UTF-8"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   + "".join(f"<Override PartName={quoteattr('/' + n)} ContentType={quoteattr(t)}/>"
                             for n, t in overrides) + "</Types>")
        body = "".join(f"<Relationship Id={quoteattr(rid)} Type={quoteattr(TRANSITIONAL_REL + '/' + kind)} "
                       f"Target={quoteattr('/' + part)}/>" for rid, kind, part in rels)
        rels_xml = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                    f'openxmlformats.org/package/2006/relationships">{body}</Relationships>')
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("[Content_Types].xml", content)
            out.writestr(_rels_of(self.workbook), rels_xml)
            parts = {self.workbook, *self.sheet_parts, self.shared_strings, self.styles} - {None}
            for part in parts:
                out.writestr(part, _destrict(self.read(part)))
            if self.styles and "xl/styles.xml" not in parts:
                out.writestr("xl/styles.xml", self.read(self.styles))  # openpyxl looks for it there
        return buf.getvalue()


class _Mapped(io.RawIOBase):
    """A part's stream with Strict namespace URIs replaced, chunk by chunk.

    A namespace URI only ever stands in a quoted attribute value, so each chunk is cut at its
    last quote: no URI can span the cut, and the rest waits for the next chunk.
    """

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.out = b""
        self.tail = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.out and not self.done:
            chunk = self.raw.read(1 << 16)
            data = self.tail + chunk
            if not chunk:
                self.done, self.out, self.tail = True, _destrict(data), b""
                break
            cut = data.rfind(b'"')
            if cut < 0:
                self.out, self.tail = _destrict(data), b""
            else:
                self.out, self.tail = _destrict(data[:cut]), data[cut:]
        n = min(len(buffer), len(self.out))
        buffer[:n] = self.out[:n]
        self.out = self.out[n:]
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def part_name(name: str) -> str:
    """A zip member or relationship target as a part name: '/' separators, no leading '/'."""
    return name.replace("\\", "/").lstrip("/")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Zip:
    """The members of the checked zip, found by part name in any case."""

    def __init__(self, zf: zipfile.ZipFile, label: str):
        self.zf = zf
        self.label = label
        self.by_name: dict[str, zipfile.ZipInfo] = {}
        self.by_lower: dict[str, str] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = part_name(info.filename)
            if name in self.by_name:
                raise UnusableInput(f"{label}: the workbook is damaged (part {name} appears twice); "
                                    f"{SAVE_AGAIN}")
            self.by_name[name] = info
            self.by_lower.setdefault(name.lower(), name)

    def find(self, name: str) -> str | None:
        name = part_name(name)
        if name in self.by_name:
            return name
        return self.by_lower.get(name.lower())

    def read(self, name: str) -> bytes:
        return self.zf.read(self.by_name[name])

    def xml(self, name: str):
        """The part parsed (defusedxml), or UnusableInput naming the part."""
        from defusedxml import ElementTree as SafeET

        with part_error(self.label, name):
            return SafeET.fromstring(self.read(name))


def _resolve(source: str, target: str) -> str:
    """A relationship target of part ``source`` as a part name."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def _rels_of(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _relationships(z: _Zip, part: str) -> list[tuple[str, str, str]]:
    """(id, type, resolved target) of the internal relationships of ``part`` ('' for the root)."""
    rels = z.find(_rels_of(part) if part else "_rels/.rels")
    if rels is None:
        return []
    out = []
    for rel in z.xml(rels).iter():
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode", "Internal") == "External":
            continue
        target = rel.get("Target") or ""
        if not target:
            continue
        out.append((rel.get("Id", ""), rel.get("Type", ""), _resolve(part, target)))
    return out


def _content_types(z: _Zip, ct_part: str) -> dict[str, str]:
    """Override part name (lower case) -> content type."""
    out = {}
    for node in z.xml(ct_part).iter():
        if _local(node.tag) == "Override" and node.get("PartName"):
            out[part_name(node.get("PartName", "")).lower()] = node.get("ContentType", "")
    return out


def _destrict(data: bytes) -> bytes:
    for strict, transitional in STRICT_NAMESPACES.items():
        data = data.replace(strict.encode(), transitional.encode())
    return data


def normalise(data: bytes, label: str) -> Package:
    """The checked package ``data``, its parts found as Excel finds them; UnusableInput if the
    workbook's structure cannot be found or is damaged. Close it when done."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    try:
        return _find_parts(zf, label)
    except BaseException:
        zf.close()
        raise


def _find_parts(zf: zipfile.ZipFile, label: str) -> Package:
    z = _Zip(zf, label)
    ct_part = z.find("[Content_Types].xml")
    if ct_part is None:
        raise UnusableInput(f"{label}: is not an Excel workbook (a zip archive without "
                            "[Content_Types].xml)")
    types = _content_types(z, ct_part)
    workbook = None
    strict = False
    for _, rel_type, target in _relationships(z, ""):
        if rel_type.endswith("/officeDocument") and z.find(target):
            workbook = z.find(target)
            strict = rel_type.startswith("http://purl.oclc.org/")
            break
    if workbook is None:  # no usable package relationship: the content types, then the usual name
        named = [n for n, t in types.items() if t in WORKBOOK_TYPES and z.find(n)]
        workbook = z.find(named[0]) if named else z.find("xl/workbook.xml")
    if workbook is None:
        raise UnusableInput(f"{label}: is not an Excel workbook (a zip archive without "
                            "xl/workbook.xml)")
    with zf.open(z.by_name[workbook]) as fh:
        strict = strict or STRICT_MAIN.encode() in fh.read(4096)
    pkg = Package(zf, z.by_name, workbook, strict=strict)
    if types.get(workbook.lower()) in WORKBOOK_TYPES:
        pkg.content_type = types[workbook.lower()]
    for rid, rel_type, target in _relationships(z, workbook):
        kind = rel_type.rsplit("/", 1)[-1]
        found = z.find(target)
        if kind == "worksheet":
            pkg.sheets[rid] = found or target  # a missing one: the check below names it
            if found:
                pkg.sheet_parts.append(found)
        elif kind == "sharedStrings" and found:
            pkg.shared_strings = found
        elif kind == "styles" and found:
            pkg.styles = found
    if pkg.shared_strings is None:  # some writers leave the relationship out
        pkg.shared_strings = next((z.find(n) for n, t in types.items()
                                   if t == SHARED_STRINGS_TYPE and z.find(n)), None)
    if pkg.styles is None:
        pkg.styles = z.find("xl/styles.xml")
    _check_sheets(pkg, label)
    return pkg


def _check_sheets(pkg: Package, label: str) -> None:
    """Every sheet the workbook lists must have its part: say which one is missing."""
    from defusedxml.ElementTree import iterparse

    with part_error(label, pkg.workbook), pkg.zf.open(pkg.members[pkg.workbook]) as fh:
        for _, node in iterparse(fh):
            if _local(node.tag) != "sheet":
                continue
            rid = next((v for k, v in node.attrib.items() if _local(k) == "id"), None)
            target = pkg.sheets.get(rid or "")
            if target is not None and target not in pkg.sheet_parts:
                title = _one_line(node.get("name", "?"), 40)
                raise UnusableInput(
                    f"{label}: the workbook is damaged: sheet '{title}' has no data "
                    f"({_one_line(target, 60)} is missing); ask the sender for a fresh copy")
