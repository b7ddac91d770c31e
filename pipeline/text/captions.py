"""Table captions and lead sentences: where the unit of a table's bare figures is often said.

A ruling-line table (found by pipeline.text.grid) takes its "Tabel N: ..." caption, above or
under it and over all its lines, and the last sentence of the paragraph before it; both
leave the running text or stay in it as an analyst reading the page would expect (see
docs/extraction-decisions.md). A table that opens a page looks for them at the end of the
page before.
"""

from __future__ import annotations

import re

from pipeline.text.cleanup import clean_line, join_lines
from pipeline.text.furniture import PAGE_NUMBER, RUNNING_HEADER
from pipeline.text.page import FoundTable, Line, Page

# "Tabel 1: ...", "Tabel 4-1: ...", "Tabel 2 - ...", "Tabel 3." alone: the number is followed by
# punctuation or ends the line, and the line stands next to a table ("Tabel 3-2 toont een
# overzicht ..." is running text).
CAPTION = re.compile(r"^Tabel\s+\d+(?:[.-]\d+)*(?![.-]?\d)(?:\s*[:.–—]|\s+-\s|\s*$)", re.IGNORECASE)
# A caption above its table ends at most this many font sizes above it; one below starts
# at most CAPTION_BELOW under it (Word puts "Tabel 4-1: ..." right under the table).
CAPTION_ABOVE = 3.0
CAPTION_BELOW = 2.0
# Lines of one paragraph (a wrapped caption, the sentence before a table) are at most this
# many font sizes apart; the paragraph before a table ends at most LEAD_GAP sizes above it.
LINE_GAP = 0.8
LEAD_GAP = 4.0
# Across a page break only a sentence that announces what follows is the table's lead: the last
# sentence of a page is as often a footnote the page kept, a contents line or a cross-reference.
ANNOUNCES_TABLE = re.compile(r":\s*$|\b(?:hieronder|hierna|onderstaande?|volgende)\b", re.IGNORECASE)
SENTENCE_STOP = re.compile(r"[.!?:;][\"')’”]*$")
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[(\"'‘“]?[A-ZÀ-Ý0-9])")


def _in_box(ln: Line, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    mid_y = (ln.top + ln.bottom) / 2
    mid_x = (ln.x0 + ln.x1) / 2
    return x0 - 1 <= mid_x <= x1 + 1 and top - 1 <= mid_y <= bottom + 1


def _overlaps(ln: Line, box: tuple[float, float, float, float]) -> bool:
    """The line stands over or under the table (not in the other column of a bulletin)."""
    return ln.x0 < box[2] and ln.x1 > box[0]


def _caption_block(first: Line, lines: list[Line], tables: list[FoundTable]) -> list[Line]:
    """A caption line and the lines it wraps onto: each line before a continuation is full
    (it ends in the last quarter of the text width), the next follows at line distance."""
    column = [ln for ln in lines if abs(ln.x0 - first.x0) < 20]
    margin = max(ln.x1 for ln in column)
    block = [first]
    for ln in sorted((ln for ln in lines if ln.top > first.top), key=lambda ln: ln.top):
        prev = block[-1]
        full = prev.x1 >= margin - 0.25 * (margin - first.x0)
        table_between = any(prev.bottom - 1 <= t.bbox[1] <= ln.top for t in tables)
        if not (0 <= ln.top - prev.bottom < LINE_GAP * prev.size and full and not table_between and _overlaps(ln, (first.x0, 0, margin, 0))):
            break
        block.append(ln)
    return block


def _assign_captions(page: Page, lines: list[Line]) -> tuple[set[int], dict[int, float]]:
    """Give each table its caption, above or below it, whichever is nearer.

    Returns the ids of the caption lines, and for a table captioned from above (by id) the
    top of its caption: the sentence before the table stands above that.
    """
    used: set[int] = set()
    tops: dict[int, float] = {}
    for ln in lines:
        if id(ln) in used or not CAPTION.match(ln.text.strip()):
            continue
        block = _caption_block(ln, lines, page.tables)
        best: tuple[float, FoundTable, bool] | None = None
        for t in page.tables:
            if t.caption is not None or not _overlaps(ln, t.bbox):
                continue
            above = t.bbox[1] - block[-1].bottom  # caption above the table
            below = ln.top - t.bbox[3]  # caption under the table
            for gap, limit, is_above in ((above, CAPTION_ABOVE, True), (below, CAPTION_BELOW, False)):
                if -1 <= gap < limit * ln.size and (best is None or gap < best[0]):
                    best = (gap, t, is_above)
        if best is not None:
            _, table, is_above = best
            table.caption = join_lines([clean_line(b.text) for b in block])
            used.update(id(b) for b in block)
            table.caption_below = not is_above
            if is_above:
                tops[id(table)] = block[0].top
    return used, tops


def _sentence_before(table: FoundTable, lines: list[Line], caption_top: float) -> str | None:
    """The last sentence of the paragraph that ends right above the table (or its caption)."""
    above = sorted(
        (ln for ln in lines if ln.bottom <= caption_top + 1 and _overlaps(ln, table.bbox)
         and not PAGE_NUMBER.match(ln.text) and not RUNNING_HEADER.match(ln.text)),
        key=lambda ln: ln.bottom,
    )
    if not above or caption_top - above[-1].bottom > LEAD_GAP * above[-1].size:
        return None
    para = [above[-1]]
    for ln in reversed(above[:-1]):
        if para[0].top - ln.bottom >= LINE_GAP * ln.size:
            break
        para.insert(0, ln)
    text = re.sub(r"\s+", " ", join_lines([clean_line(ln.text) for ln in para])).strip()
    last = SENTENCE_END.split(text)[-1] if text else ""
    # Words, not a row of figures, and a sentence: a heading ("5 HET VORDERINGENSALDO") ends in no stop.
    return last if re.search(r"[^\W\d_]{3}", last) and SENTENCE_STOP.search(last) else None


def drop_tables(pages: list[Page]) -> None:
    """Remove lines lying inside a table, and its "Tabel N: ..." caption: tables are data, not running text.

    Each table keeps its caption (joined over the lines it wraps onto) and the sentence
    before it, where the unit of its bare numbers is often said.
    """
    for page in pages:
        boxes = [t.bbox for t in page.tables]
        if not boxes:
            continue
        outside = [ln for ln in page.lines if not any(_in_box(ln, b) for b in boxes)]
        captions, caption_tops = _assign_captions(page, outside)
        keep = [ln for ln in outside if id(ln) not in captions]
        for t in page.tables:
            t.sentence = _sentence_before(t, keep, caption_tops.get(id(t), t.bbox[1]))
        page.keep_only(keep)


def captions_across_pages(pages: list[Page]) -> None:
    """A table that opens a page takes its caption, or the sentence before it, from the end of
    the page before: Word often breaks the page between "Tabel 2: ..." (or "De bedragen staan,
    in miljoen euro, hieronder:") and the table itself.

    Run after clean-up, when furniture and footnotes are gone, for the topmost table of a page
    with no text above it and no caption above it. The page before must end in text that
    stands over the table's columns, not in a table (the table then continues that one). A
    caption taken over leaves the running text, as on its own page; a sentence is taken only
    when it announces the table (ANNOUNCES_TABLE).
    """
    for prev, page in zip(pages, pages[1:], strict=False):
        if page.number != prev.number + 1 or not page.tables or not prev.lines:
            continue
        table = min(page.tables, key=lambda t: t.bbox[1])
        if table.sentence or (table.caption and not table.caption_below):
            continue
        last = prev.lines[-1]
        if (
            any(ln.bottom <= table.bbox[1] + 1 for ln in page.lines)
            or any(t.bbox[3] >= last.bottom - 1 for t in prev.tables)
            or not _overlaps(last, table.bbox)
        ):
            continue
        lines, top = prev.lines, last.bottom
        caption = next((ln for ln in reversed(lines[-4:]) if CAPTION.match(ln.text)), None)
        if caption is not None and table.caption is None:
            block = _caption_block(caption, lines, prev.tables)
            if block[-1] is last:
                table.caption = join_lines([b.text for b in block])
                block_ids = {id(b) for b in block}
                prev.keep_only([ln for ln in lines if id(ln) not in block_ids])
                lines, top = prev.lines, block[0].top
        if lines and lines[-1].bottom <= top + 1 and _overlaps(lines[-1], table.bbox):
            sentence = _sentence_before(table, lines, top)
            if sentence and ANNOUNCES_TABLE.search(sentence):
                table.sentence = sentence
