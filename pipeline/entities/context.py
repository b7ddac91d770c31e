"""Looking just before a match, in a bounded window: never a search from the text's start."""

from __future__ import annotations

import re

WINDOW = 120


def ending_at(rx: re.Pattern[str], text: str, pos: int, window: int = WINDOW) -> re.Match[str] | None:
    """A match of rx (which should end in `$` or `\\s+$`) that ends exactly at pos."""
    m = rx.search(text, max(0, pos - window), pos)
    return m if m is not None and m.end() == pos else None
