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
