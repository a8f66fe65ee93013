"""An Excel package as Excel itself finds its way through it, rewritten into the plain form
that openpyxl expects.

Excel does not go by fixed part names: it follows ``_rels/.rels`` to the workbook part, the
workbook's relationships to its sheets, shared strings and styles, and it forgives part names
written with backslashes or in another case, and a missing shared-strings part. openpyxl looks
for some parts by fixed names and compares names exactly. :func:`normalise` reads a package
the way Excel does and writes a new, minimal one holding only what the reader needs:

- part names with ``/`` and in the case the relationships use;
- a fresh ``[Content_Types].xml`` naming the workbook part wherever it lies, and the shared
  strings only when that part exists;
- the workbook's relationships rewritten with clean absolute targets;
- the styles part at ``xl/styles.xml``;
- Strict Open XML (Excel's "Strict Open XML Spreadsheet") mapped to the transitional
  namespaces, which is all that differs for the cells this reader looks at.

The input has passed :mod:`mapgen.xlsx.safety` (sizes, zip bombs, DTDs) before it gets here.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from mapgen.errors import UnusableInput

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

_SAVE_AGAIN = "open it in Excel or LibreOffice and save it again"


@dataclass
class Package:
    """A normalised package: its bytes and where the parts the reader needs are."""

    data: bytes
    workbook: str  # part names, as in the new package
    sheets: dict[str, str] = field(default_factory=dict)  # relationship id -> sheet part
    shared_strings: str | None = None
    styles: str | None = None
    strict: bool = False
    sheet_parts: list[str] = field(default_factory=list)


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
                                    f"{_SAVE_AGAIN}")
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

        from mapgen.xlsx.safety import part_error

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
    """The checked package ``data`` as a minimal package openpyxl reads; UnusableInput if the
    workbook's structure cannot be found or is damaged."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        z = _Zip(zf, label)
        ct_part = z.find("[Content_Types].xml")
        if ct_part is None:
            raise UnusableInput(f"{label}: is not an Excel workbook (a zip archive without "
                                "[Content_Types].xml)")
        types = _content_types(z, ct_part)
        workbook = strict = None
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
        wb_bytes = z.read(workbook)
        strict = bool(strict) or STRICT_MAIN.encode() in wb_bytes[:4096]
        fix = _destrict if strict else (lambda b: b)
        content_type = types.get(workbook.lower())
        if content_type not in WORKBOOK_TYPES:
            content_type = WORKBOOK_TYPES[0]

        parts: dict[str, bytes] = {workbook: fix(wb_bytes)}
        rels_xml = []
        pkg = Package(b"", workbook, strict=strict)
        for rid, rel_type, target in _relationships(z, workbook):
            kind = rel_type.rsplit("/", 1)[-1]
            found = z.find(target)
            if kind == "worksheet" and found:
                pkg.sheets[rid] = found
                pkg.sheet_parts.append(found)
            elif kind == "sharedStrings" and found:
                pkg.shared_strings = found
            elif kind == "styles" and found:
                pkg.styles = found
            else:
                if kind == "worksheet":
                    pkg.sheets[rid] = target  # missing: the reader says which sheet
                continue
            parts[found] = fix(z.read(found))
            rel_type, target_attr = quoteattr(f"{TRANSITIONAL_REL}/{kind}"), quoteattr("/" + found)
            rels_xml.append(f"<Relationship Id={quoteattr(rid)} Type={rel_type} Target={target_attr}/>")
        if pkg.shared_strings is None:  # some writers leave the relationship out
            for name, ctype in types.items():
                if ctype == SHARED_STRINGS_TYPE and z.find(name):
                    pkg.shared_strings = z.find(name)
                    parts[pkg.shared_strings] = fix(z.read(pkg.shared_strings))
                    break
        if pkg.styles is None and z.find("xl/styles.xml"):
            pkg.styles = z.find("xl/styles.xml")
            parts[pkg.styles] = fix(z.read(pkg.styles))
        _check_sheets(workbook, parts[workbook], pkg, label)

    overrides = [(workbook, content_type)]
    if pkg.shared_strings:
        overrides.append((pkg.shared_strings, SHARED_STRINGS_TYPE))
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="xml" ContentType="application/xml"/>'
               + "".join(f"<Override PartName={quoteattr('/' + n)} ContentType={quoteattr(t)}/>"
                         for n, t in overrides) + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels_xml) + "</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        out.writestr("[Content_Types].xml", content)
        out.writestr(_rels_of(workbook), rels)
        for name, body in parts.items():
            out.writestr(name, body)
        if pkg.styles and pkg.styles != "xl/styles.xml" and "xl/styles.xml" not in parts:
            out.writestr("xl/styles.xml", parts[pkg.styles])  # openpyxl looks for it there
    pkg.data = buf.getvalue()
    return pkg


def _check_sheets(workbook: str, wb_xml: bytes, pkg: Package, label: str) -> None:
    """Every sheet the workbook lists must have its part: say which one is missing."""
    from mapgen.xlsx.safety import _one_line

    for node in _parse(wb_xml, label, workbook).iter():
        if _local(node.tag) != "sheet":
            continue
        rid = next((v for k, v in node.attrib.items() if _local(k) == "id"), None)
        target = pkg.sheets.get(rid or "")
        if target is not None and target not in pkg.sheet_parts:
            title = _one_line(node.get("name", "?"), 40)
            raise UnusableInput(
                f"{label}: the workbook is damaged: sheet '{title}' has no data ({_one_line(target, 60)} "
                f"is missing); ask the sender for a fresh copy")


def _parse(data: bytes, label: str, part: str):
    from defusedxml import ElementTree as SafeET

    from mapgen.xlsx.safety import part_error

    with part_error(label, part):
        return SafeET.fromstring(data)
