"""Character-level clean-up of one printed line: ligatures, spaces, bullets, line-end hyphens.

pypdfium2 marks every line-end hyphen with U+FFFE and glues the next line on, for soft
breaks ("fundamen-tele") and real compounds ("Knokke-Heist", "CIE-uitgaventoetsing")
alike. Which is which needs a lexicon: wordfreq's Dutch list tells whether the joined word
is a Dutch word; when unsure, the hyphen stays, as the domain notes ask.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SOFT_BREAK = "\ufffe"
BULLETS = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u2022\u25aa\u25cf\u2023\u2043\u25e6"
# Prefixes that keep their hyphen before a lowercase word in Dutch spelling.
HYPHEN_PREFIXES = frozenset({"non", "ex", "oud", "niet", "anti", "pro", "co", "vice", "e", "semi", "pseudo"})
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]+")
ZERO_WIDTH = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f]")
SOFT_HYPHEN_JOIN = re.compile(r"(\S*?)\s*\ufffe\s*(\S*)")
BULLET_START = re.compile(rf"^[{BULLETS}]\s*")


@lru_cache(maxsize=8192)
def _known(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl") > 0


def keeps_hyphen(left: str, right: str) -> bool:
    """Whether "left-" at a line end followed by "right" is a real hyphen."""
    lw = re.split(r"[^\w]", left)[-1] if left else ""
    rw = re.split(r"[^\w]", right)[0] if right else ""
    if not lw or not rw:
        return True
    if not rw[0].islower() or not lw[-1].islower() or any(c.isdigit() for c in lw + rw):
        return True
    if lw.lower() in HYPHEN_PREFIXES or any(c.isupper() for c in lw[1:]):
        return True
    if "-" in left:  # already a hyphenated compound: "Wij-Zij-" + "netwerk"
        return True
    if _known((lw + rw).lower()):
        return False
    return _known(lw.lower())  # a fragment that is no word ("fundamen") was a soft break


def _settle_hyphen(m: re.Match[str]) -> str:
    left, right = m.group(1).rstrip("-"), m.group(2)
    return f"{left}-{right}" if keeps_hyphen(left, right) else left + right


def clean_line(text: str) -> str:
    """Normalise one line; bullets become "- " so lists read as lists. Runs of spaces stay
    (the title's "Topic  -  Subtopic" needs them); paragraphs collapse them."""
    if text.isascii():
        if "\t" in text or not text.isprintable():
            text = SPACES.sub(" ", ZERO_WIDTH.sub("", text))
        return text.strip()  # no ligature, special space, bullet or soft-hyphen mark to settle
    text = unicodedata.normalize("NFC", text.translate(LIGATURES))
    text = ZERO_WIDTH.sub("", text)
    text = SPACES.sub(" ", text)
    if SOFT_BREAK in text:
        text = SOFT_HYPHEN_JOIN.sub(_settle_hyphen, text)
    text = BULLET_START.sub("- ", text)
    text = re.sub(rf"[{BULLETS}]", "-", text)
    return text.strip()
