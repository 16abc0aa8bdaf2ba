"""Text as a Word document can hold it: shared by the renderer and the citation writer.

Kept out of ``render`` (which loads docx and jinja2) so that scoring, which writes each
nomination's citation into the Results table, does not load them.
"""

from __future__ import annotations

import re

# Characters XML 1.0 forbids; Excel cells can hold them (pasted text, _x000B_ escapes) and one
# would make Word refuse to open the document. Tab and newline are kept: docxtpl turns them into
# a tab and a line break.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str, single_line: bool = False) -> str:
    """Remove characters a .docx cannot hold; with ``single_line`` also fold line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Word's manual line break (vertical tab) and page break arrive in pasted text: keep them as
    # line breaks rather than gluing the words either side together.
    text = _XML_ILLEGAL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))
    if single_line:
        text = " ".join(text.split())
    return text.strip()
