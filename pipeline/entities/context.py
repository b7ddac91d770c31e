"""Looking just before a match, in a bounded window: never a search from the text's start.

Python's re scans by trying the whole pattern at every offset, which is slow for patterns
that open with a look-behind, a class or an alternation; a literal search (str.find) is
many times faster. The helpers here let finders test cheap necessary conditions first and
run their patterns only where a match can be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

WINDOW = 120


def words_back(text: str, pos: int, words: int, lo: int = 0) -> int:
    """An offset at or before the start of the `words`-th word before pos (not before lo):
    a match of at most that many words that ends at pos starts there or later."""
    parts = text[lo:pos].rsplit(None, words)  # str.split's whitespace is re's \\s
    return lo + len(parts[0]) if len(parts) > words else lo


def ending_at(
    rx: re.Pattern[str], text: str, pos: int, window: int = WINDOW,
    tails: tuple[str, ...] | None = None, words: int | None = None,
) -> re.Match[str] | None:
    """A match of rx (which should end in `$` or `\\s+$`) that ends exactly at pos.

    Two cheap limits, both exact when true of every match: `tails` are the lower-case
    endings (no spaces in them) a match has once its trailing whitespace is left out: rx is
    searched only when the last word before pos has one (a word that is not ASCII is let
    through: IGNORECASE matches "ſ" for "s"); `words` is the most words a match holds: the
    search starts that many words back instead of a whole window back.
    """
    lo = pos - window if pos > window else 0
    if tails is not None or words is not None:
        parts = text[lo:pos].rsplit(None, words or 1)
        if tails is not None:
            if not parts:
                return None
            last = parts[-1]
            if last.isascii() and not last.lower().endswith(tails):
                return None
        if words is not None and len(parts) > words:
            lo += len(parts[0])
    m = rx.search(text, lo, pos)
    return m if m is not None and m.end() == pos else None


def occurrences(text: str, words: Iterable[str]) -> list[int]:
    """Start offsets of every occurrence of each literal word, ascending (overlaps included)."""
    out: list[int] = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            out.append(i)
            i = text.find(w, i + 1)
    out.sort()
    return out


def matches_at(rx: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """The matches rx.finditer(text) gives, with rx tried only at `starts` (ascending).

    The same matches whenever `starts` holds every offset at which rx can match (e.g. every
    occurrence of a literal that each match begins with) and rx never matches empty.
    """
    last = 0
    for s in starts:
        if s < last:
            continue
        m = rx.match(text, s)
        if m is not None:
            last = m.end()
            yield m


def either_case(*words: str) -> str:
    """An alternation matching each word in lower case or with a capital first letter.

    Python's re scans a case-sensitive alternation of literals about ten times faster than
    the same under IGNORECASE; sentence-initial capitals are the only variant we meet.
    """
    return "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" if w[0].isalpha() else re.escape(w) for w in words)


class Claims:
    """Character spans already taken by an earlier (longer) mention: later ones may not overlap."""

    def __init__(self, length: int):
        self._taken = bytearray(length + 1)

    def claim(self, start: int, end: int) -> bool:
        """Take start..end unless any of it is taken; whether it was taken now."""
        if self._taken.find(1, start, end) >= 0:
            return False
        self._taken[start:end] = b"\x01" * (end - start)
        return True

    def taken(self, pos: int) -> bool:
        return bool(self._taken[pos])
