"""Printed labels several stages must recognise: item labels ("1.", "10.", "8, 9.",
"8 en 9.", "a)", "-" bullets), the lines of a question's header and of its answer block.

One place for each pattern: the paragraph builder starts paragraphs at labels, the furniture
filter keeps labels, header and answer blocks (a file of several questions repeats
"SCHRIFTELIJKE VRAAG" or a minister's name at the top of pages, like a running header), and
the segmenter and the splitter read them.
"""

from __future__ import annotations

import re

NUMBERS = r"\d{1,2}(?:\s*(?:,|en|&)\s*\d{1,2})*"
LABEL = rf"(?:{NUMBERS}\s*[.)]|[a-z]\))"

NUMBER_LABEL = re.compile(rf"^({NUMBERS})\s*[.)](?=\s|$)")
LETTER_LABEL = re.compile(r"^([a-z])\)(?=\s|$)")
LABEL_START = re.compile(rf"^\s*{LABEL}(?:\s|$)")
# A line that starts a list item (a label or a "-" bullet), or that is only its label.
ITEM_START = re.compile(rf"^\s*(?:{LABEL}|-)(?:\s|$)")
LABEL_ONLY = re.compile(rf"^(?:{LABEL}|-)$")

HEADER_START = re.compile(r"^SCHRIFTELIJKE\s+VRAAG\b", re.IGNORECASE)
HEADER_NUMBER = re.compile(r"^nr\.?\s*(\d+)\s*$", re.IGNORECASE)
# The header's field lines after its opening line: "nr. 351", "van NAME", "datum: ...", "aan NAME".
ANSWER_START = re.compile(r"^ANTWOORD\s*$")
ANSWER_REF = re.compile(r"^op\s+vraag\s+nr\.?\s*(\d+)\s+van\s+(.+?)\s*$", re.IGNORECASE)
HEADER_FIELD = re.compile(r"^(?:nr\.?\s*\d+\s*$|van\s+\S|datum\s*:?\s*\d|aan\s+\S)", re.IGNORECASE)


def is_caps(text: str) -> bool:
    """A line in capitals (names and titles of header and answer blocks, minister sections)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def answer_blocks(texts: list[str]) -> list[int]:
    """Index of every answer block's "ANTWOORD" line: the next line is "op vraag nr. N van DATE"."""
    return [
        i for i in range(len(texts) - 1)
        if "ANTWOORD" in texts[i] and ANSWER_START.match(texts[i].strip()) and ANSWER_REF.match(texts[i + 1].strip())
    ]
