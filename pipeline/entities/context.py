"""Looking just before a match, in a bounded window: never a search from the text's start."""

from __future__ import annotations

import re

WINDOW = 120


def ending_at(rx: re.Pattern[str], text: str, pos: int, window: int = WINDOW) -> re.Match[str] | None:
    """A match of rx (which should end in `$` or `\\s+$`) that ends exactly at pos."""
    m = rx.search(text, max(0, pos - window), pos)
    return m if m is not None and m.end() == pos else None


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
        if any(self._taken[start:end]):
            return False
        self._taken[start:end] = b"\x01" * (end - start)
        return True

    def taken(self, pos: int) -> bool:
        return bool(self._taken[pos])
