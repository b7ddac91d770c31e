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
URL_BROKEN = re.compile(r"\(?(?:https?://|www\.)\S*[/?&=#_.-]$")
URL_END = re.compile(r"\(?(?:https?://|www\.)\S*[\w]$")
URL_CONTINUES = re.compile(r"[a-z0-9][\w.-]*[/?=&#%-]\S*")


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


def _wrapped_url(last_word: str, next_line: str) -> bool:
    """The line ended inside a link: only the last word of the line so far is looked at."""
    if "://" not in last_word and not last_word.startswith("www."):
        return False
    if URL_BROKEN.match(last_word):
        return not next_line[:1].isupper()  # "...be." + "Daarna" ends a sentence
    return bool(URL_END.match(last_word) and URL_CONTINUES.match(next_line))


def join_lines(parts: list[str]) -> str:
    """Join printed lines of one paragraph; line-end hyphens were settled by clean_line."""
    out = ""
    for p in parts:
        if not out:
            out = p
        elif out.endswith("-") and p[:1].isalpha() and not out.endswith(" -"):
            out += p  # a kept compound hyphen at a line end: "CIE-" + "uitgaventoetsing"
        elif _wrapped_url(out[out.rfind(" ") + 1 :], p):
            out += p  # a link wrapped inside: "http://.../link?" + "id=17156", ".../parlemen" + "tair-werk/..."
        elif out.endswith("-") and out[-2:-1].isdigit() and p[:1].isdigit():
            out += p  # a range wrapped after its dash: "2019-" + "2023"
        else:
            out += " " + p
    return out
