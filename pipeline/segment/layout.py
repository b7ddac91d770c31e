"""Paragraphs from printed lines: where a new paragraph starts, decided by geometry.

Justified Word text fills every line of a paragraph to the right margin but the last;
a larger vertical gap, an item label or a bullet also starts a paragraph.
"""

from __future__ import annotations

import re
import statistics
from itertools import pairwise

from pipeline.labels import ITEM_START, LABEL_ONLY
from pipeline.text.cleanup import join_lines
from pipeline.text.page import Line

SENTENCE_END = re.compile(r"[.:?!;)\"”’]$")


def paragraph_starts(lines: list[Line]) -> list[bool]:
    """For each line, whether a new paragraph starts there."""
    if not lines:
        return []
    gaps = [
        b.top - a.last_top
        for a, b in pairwise(lines)
        if a.page == b.page and b.top > a.last_top and abs(a.size - b.size) < 0.5
    ]
    pitch = statistics.median(gaps) if gaps else 12.0
    right = max(ln.x1 for ln in lines)
    starts = [True]
    for prev, cur in pairwise(lines):
        if LABEL_ONLY.match(prev.text):
            starts.append(False)
            continue
        if cur.page == prev.page and abs(cur.top - prev.top) < 0.5 * prev.size:
            starts.append(False)  # same printed line, split by pdfium after a raised footnote marker
            continue
        short = prev.x1 < right - max(3 * prev.size, 25.0)
        if cur.page == prev.page:
            gap = cur.top - prev.last_top
            big_gap = gap > 1.35 * pitch or gap < 0
        else:
            big_gap = False
        new = (
            big_gap
            or (short and SENTENCE_END.search(prev.text) is not None)
            or (short and cur.page == prev.page)
            or ITEM_START.match(cur.text) is not None
        )
        starts.append(new)
    return starts


def paragraphs(lines: list[Line], starts: list[bool] | None = None) -> list[str]:
    """Join lines into paragraphs with single spaces."""
    if starts is None:
        starts = paragraph_starts(lines)
    out: list[list[str]] = []
    for ln, new in zip(lines, starts, strict=True):
        if new or not out:
            out.append([ln.text])
        else:
            out[-1].append(ln.text)
    return [" ".join(join_lines(p).split()) for p in out]  # whitespace runs to one space (str.split cuts where re's \s does)
