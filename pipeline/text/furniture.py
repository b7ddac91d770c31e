"""Page furniture: page numbers, running headers and footers, found by where they stand.

Only geometry tells them from the running text: lines in the top and bottom margin zones
that repeat across pages (digits aside), page numbers in their printed forms, and a bulletin's
running header. A question's header block and its answer block are never furniture, though
a file of several questions repeats them at page tops like a running header.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from pipeline.labels import HEADER_FIELD, HEADER_START, LABEL_START, answer_blocks, is_caps
from pipeline.text.page import Line, Page

# Fraction of the page height, top and bottom, where running headers and footers live.
MARGIN_ZONE = 0.12
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?\s*$"
    r"|^\s*(?:pagina|blz\.?|p\.)\s*\d{1,4}(?:\s*(?:van|/)\s*\d{1,4})?\s*$"
    r"|^\s*\d{1,4}\s*/\s*\d{1,4}\s*$",
    re.IGNORECASE,
)
# A bulletin's running header, its page number inside: "Vlaams Parlement - Vragen en Antwoorden - Nr.7 - April 2006 -3-".
RUNNING_HEADER = re.compile(r"^(?:-\s*\d{1,4}\s*-\s*)?Vlaams\s+Parlement\s*-\s*Vragen\s+en\s+Antwoorden\b", re.IGNORECASE)
DIGITS = re.compile(r"\d+")


def _furniture_key(text: str) -> str:
    return DIGITS.sub("#", text.strip().lower())


def strip_furniture(pages: list[Page]) -> None:
    """Drop page numbers and running headers/footers: margin lines repeated across pages."""
    margins = [_margin_lines(page) for page in pages]
    keys = {id(ln): _furniture_key(ln.text) for marginal in margins for ln in marginal}
    counts: Counter[str] = Counter()
    for marginal in margins:
        counts.update({keys[id(ln)] for ln in marginal})
    repeated = {k for k, c in counts.items() if c >= 2 and (len(pages) <= 2 or c >= len(pages) / 2)}
    for page, marginal in zip(pages, margins, strict=True):
        dropped = _dropped(page, marginal, keys, repeated) if marginal else set()
        page.printed_number = _printed_number([ln for ln in marginal if id(ln) in dropped])
        if dropped:
            page.keep_only([ln for ln in page.lines if id(ln) not in dropped])


def _dropped(page: Page, marginal: list[Line], keys: dict[int, str], repeated: set[str]) -> set[int]:
    """id() of the page's margin lines that are furniture (`keys`: their furniture keys)."""
    top_zone = MARGIN_ZONE * page.height
    small = 0.9 * statistics.median(ln.size for ln in page.lines) if page.number > 1 else 0.0
    dropped = {
        id(ln)
        for ln in marginal
        if not LABEL_START.match(ln.text)  # "3." alone on the first line of a page is an item
        and (
            PAGE_NUMBER.match(ln.text)
            or RUNNING_HEADER.match(ln.text)
            or keys[id(ln)] in repeated
            # a running header in small print above the text, even on the only page that has one
            or (ln.top < top_zone and ln.size < small)
        )
    }
    if dropped:  # a question's header and answer blocks are never furniture
        dropped -= _header_block(page.lines) | _answer_block(page.lines)
    return dropped


def _margin_lines(page: Page) -> list[Line]:
    """The lines in the top and bottom margin zones, where furniture lives."""
    top, bottom = MARGIN_ZONE * page.height, (1 - MARGIN_ZONE) * page.height
    return [ln for ln in page.lines if ln.top < top or ln.bottom > bottom]


def _header_block(lines: list[Line]) -> set[int]:
    """id() of a question's header lines ("SCHRIFTELIJKE VRAAG", "nr. 214", "van ...", ...):
    a file holding several questions repeats them at the top of pages like a running header."""
    for i, ln in enumerate(lines[:5]):
        if HEADER_START.match(ln.text.strip()):
            block = {id(ln)}
            for nxt in lines[i + 1 : i + 5]:
                if not HEADER_FIELD.match(nxt.text.strip()):
                    break
                block.add(id(nxt))
            return block
    return set()


def _answer_block(lines: list[Line]) -> set[int]:
    """id() of an answer block's lines (minister name and title in capitals, "ANTWOORD", "op vraag
    nr. ...", "van NAME"): the same minister answering two questions of one file repeats them."""
    block: set[int] = set()
    for i in answer_blocks([ln.text for ln in lines]):
        block |= {id(lines[i]), id(lines[i + 1])}
        if i + 2 < len(lines) and HEADER_FIELD.match(lines[i + 2].text.strip()):
            block.add(id(lines[i + 2]))
        k = i
        while k > 0 and is_caps(lines[k - 1].text):
            k -= 1
            block.add(id(lines[k]))
    return block


def _printed_number(dropped: list[Line]) -> int | None:
    """The number of a dropped page-number line ("3", "- 3 -", "pagina 3 van 5", "3/5")."""
    for ln in dropped:
        if PAGE_NUMBER.match(ln.text):
            m = re.search(r"\d{1,4}", ln.text)
            if m:
                return int(m.group())
    return None
