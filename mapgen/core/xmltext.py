"""Text that an Office file's XML can hold, for both writers (Word and Excel).

XML 1.0 cannot hold most control characters, lone surrogates or the non-characters U+FFFE and
U+FFFF; a document that holds one is refused by Word and Excel, or cannot even be saved.
"""

from __future__ import annotations

import re

# Characters that XML 1.0 cannot hold (control characters, lone surrogates, non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text that XML can hold: line breaks normalised (a vertical tab, Word's manual line break
    when pasted, is one too) and the other characters XML cannot hold dropped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return _NOT_XML.sub("", text)


def xml_escape(text: str) -> str:
    """Element text escaped as ``xml.sax.saxutils.escape`` does (``&``, ``<``, ``>``), without
    importing xml.sax, which brings urllib, http and ssl with it."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xml_attribute(text: str) -> str:
    """An attribute value, quotes included, as ``xml.sax.saxutils.quoteattr`` writes it."""
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
