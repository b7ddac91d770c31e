"""Item labels as printed: "1.", "10.", "8, 9.", "8 en 9.", "a)", and "-" bullets.

One place for the pattern: the paragraph builder starts paragraphs at labels, the furniture
filter keeps them, and the segmenter reads the question numbers they cover.
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
