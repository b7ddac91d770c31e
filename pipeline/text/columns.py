"""Reading order of a page set in two columns, from the lines' geometry alone.

pdfium returns lines in content-stream order, which for a two-column page may run across
both columns. A page is two-column when at least a few full column-wide lines stand wholly
left of the middle and as many wholly right of it; a one-column page (a short line or a
right-aligned date on it is not enough) comes back as it was. Lines crossing the middle
(a heading or wide table above the columns, a page number below) cut the page into bands;
each band is read left column first, then right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.text.page import Line

# A column line fills most of its column: this share of the page width or more.
MIN_COLUMN_LINE = 0.28
# Column-filling lines needed on each side before a page counts as two-column.
MIN_COLUMN_LINES = 3


def _side(ln: Line, middle: float) -> int:
    """-1 left column, 1 right column, 0 across the middle."""
    if ln.x1 <= middle:
        return -1
    if ln.x0 >= middle:
        return 1
    return 0


def is_two_column(lines: list[Line], page_width: float) -> bool:
    middle = page_width / 2
    full = MIN_COLUMN_LINE * page_width
    left = sum(1 for ln in lines if ln.x1 <= middle and ln.x1 - ln.x0 >= full)
    right = sum(1 for ln in lines if ln.x0 >= middle and ln.x1 - ln.x0 >= full)
    return left >= MIN_COLUMN_LINES and right >= MIN_COLUMN_LINES


def reading_order(lines: list[Line], page_width: float) -> list[Line]:
    """Full-width lines where they stand, each band between them left column then right."""
    if not is_two_column(lines, page_width):
        return lines
    middle = page_width / 2
    out: list[Line] = []
    band: dict[int, list[Line]] = {-1: [], 1: []}

    def flush() -> None:
        for side in (-1, 1):
            out.extend(sorted(band[side], key=lambda ln: ln.top))
            band[side] = []

    for ln in sorted(lines, key=lambda ln: ln.top):
        side = _side(ln, middle)
        if side == 0:
            flush()
            out.append(ln)
        else:
            band[side].append(ln)
    flush()
    return out


def in_reading_order(
    lines: list[Line], supers: list[tuple[int, int, int, str]], page_width: float
) -> tuple[list[Line], list[tuple[int, int, int, str]]]:
    """`reading_order`, with the superscript markers (which point at lines by index) re-pointed."""
    ordered = reading_order(lines, page_width)
    if ordered is lines:
        return lines, supers
    index = {id(ln): i for i, ln in enumerate(ordered)}
    return ordered, [(index[id(lines[li])], s, e, d) for li, s, e, d in supers]
