"""The text of a ruling-line table's cells, as pdfplumber's `Table.extract()` gives it.

A character belongs to the cell holding the centre of its loose box; a cell's characters are
clustered into lines by top (a new line after a step over 3 pt), sorted by x in each line and
split into words at blanks, at a step back, at gaps over 3 pt and at tops more than 3 pt
apart; the words are clustered into lines again by their tops, joined by " " and the lines
by "\\n". This runs over all characters of a table at once, as array operations: a table
page holds hundreds of characters in dozens of cells, and the same steps in a Python loop
per character cost as much as pypdfium2's whole page read. Cells holding text drawn at an
angle (rare) take the per-character path (`cell_text`), which reads it along its own
direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import pypdfium2.raw as pdfium_c

from pipeline.text import pdfium_calls as calls

if TYPE_CHECKING:
    from pipeline.text.grid import Box, Grid, TextLayer

X_TOL = 3.0  # a gap wider than this between characters splits words (x_tolerance)
Y_TOL = 3.0  # characters whose tops differ more than this are on different lines (y_tolerance)
MARGIN = 2.0  # a text line within this of a table's box is looked at character by character
# Spelled out as pdfplumber does (its expand_ligatures); pdfium's "\ufffe" is a soft hyphen.
SPELLED_OUT = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st", "\ufffe": "-"}
SPELLED = str.maketrans(SPELLED_OUT)
# Whether str.isspace() takes a code point, for every one up to U+3000 (the last it takes)
# and False at U+3001 for all above: blanks told for a whole array by one lookup.
BLANK = np.array([chr(c).isspace() for c in range(0x3002)], dtype=bool)
# A character: text, x0, top, x1, bottom, and its turn (radians counter-clockwise for text drawn
# at an angle, 0 upright), for the per-character path.
Char = tuple[str, float, float, float, float, float]
_TOP, _X0, _FIRST = itemgetter(2), itemgetter(1), itemgetter(0)


@dataclass(slots=True)
class Chars:
    """The characters of a page's table lines, as columns: text (one character each, as pdfium
    gives it), loose box in points from the page top, centre, turn, and whether it is a blank."""

    text: str
    x0: np.ndarray
    top: np.ndarray
    x1: np.ndarray
    bottom: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    turn: np.ndarray
    blank: np.ndarray
    spell: bool  # whether any character is to be spelled out (SPELLED)

    def char(self, i: int) -> Char:
        return (self.text[i], float(self.x0[i]), float(self.top[i]), float(self.x1[i]), float(self.bottom[i]), float(self.turn[i]))


def table_chars(textpage: pdfium_c.FPDF_TEXTPAGE, layer: TextLayer, boxes: list[Box], height: float) -> Chars:
    """Characters of the pdfium lines that reach into a table box, with their loose boxes.

    Only the lines in a table pay for a box per character, fetched in one pass into one
    buffer (pdfium_calls.loose_boxes). A space pdfium generated (no glyph: a zero-width box
    on its own baseline) is put where the character before it ends, so it splits words as a
    drawn space does. Characters the running text dropped as turned (text drawn at an angle)
    are kept here, marked with their turn.
    """
    raw, shown = layer.raw, layer.shown
    # A line of the running text holds no line break (see read.LINE).
    reach = [(b[1] - MARGIN, b[3] + MARGIN) for b in boxes]
    if len(reach) == 1:  # the common page: one table
        (low, high), = reach
        wanted = [(start, end) for start, end, top, bottom in layer.spans if top <= high and bottom >= low]
    else:
        wanted = [(start, end) for start, end, top, bottom in layer.spans if any(top <= high and bottom >= low for low, high in reach)]
    indices = list(chain.from_iterable(range(start, end) for start, end in wanted))
    upright = len(indices)
    if raw != shown:  # turned characters are in no line of the running text
        indices += [i for i, c in enumerate(shown) if c == "\n" and raw[i] not in "\r\n"]
    text = "".join([raw[start:end] for start, end in wanted] + [raw[i] for i in indices[upright:]])
    box = np.frombuffer(calls.loose_boxes(textpage, indices), dtype=np.float32).astype(np.float64).reshape(-1, 4)  # left, top, right, bottom (PDF)
    left, right = box[:, 0], box[:, 2]
    top, bottom = height - box[:, 1], height - box[:, 3]
    turn = np.zeros(len(indices))
    for k in range(upright, len(indices)):
        turn[k] = 2 * math.pi - pdfium_c.FPDFText_GetCharAngle(textpage, indices[k])  # pdfium counts clockwise
    blank = BLANK[np.minimum(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), len(BLANK) - 1)]
    generated = blank & (left == right)
    if generated.any():
        # Each generated space takes the box end and line of the last drawn character before it.
        before = np.maximum.accumulate(np.where(generated, -1, np.arange(len(indices))))
        src = np.maximum(before, 0)
        right, top, bottom, turn = right[src], top[src], bottom[src], turn[src]
        left = np.where(generated, right, left)
        keep = before >= 0  # a generated space before any drawn character is no use
        if not keep.all():
            left, right, top, bottom, turn, blank = (a[keep] for a in (left, right, top, bottom, turn, blank))
            text = "".join(t for t, k in zip(text, keep.tolist(), strict=True) if k)
    spell = any(c in text for c in SPELLED_OUT)
    return Chars(text, left, top, right, bottom, (left + right) / 2, (top + bottom) / 2, turn, blank, spell)


def cell_rows(grid: Grid, chars: Chars) -> list[list[str | None]]:
    """Each cell's text as pdfplumber's Table.extract() gives it (None for a spanned slot)."""
    x0, top, x1, bottom = grid.bbox
    cx, cy = chars.cx, chars.cy
    k = np.flatnonzero((x0 <= cx) & (cx < x1) & (top <= cy) & (cy < bottom))
    if grid.full:  # every slot between grid lines a cell, row by row: a slot's number is its cell's
        xs, tops = [c[0] for c in grid.rows[0]], [r[0][1] for r in grid.rows]
        cell = (np.searchsorted(tops, cy[k], "right") - 1) * len(xs) + np.searchsorted(xs, cx[k], "right") - 1
        out = iter(_texts(chars, k, cell, len(xs) * len(tops)))
        return [[next(out) for _ in r] for r in grid.rows]
    cells = [c for r in grid.rows for c in r if c is not None]
    edges = np.array(cells, dtype=np.float64).reshape(-1, 4)
    xs, tops = np.array(sorted({c[0] for c in cells})), np.array(sorted({c[1] for c in cells}))
    # The cell over each slot between grid lines (-1 for none): a character's slot is found by
    # two binary searches, then its cell's own edges decide (past the last line, or a cell
    # ending off the grid lines).
    first_row, end_row = np.searchsorted(tops, edges[:, 1]), np.searchsorted(tops, edges[:, 3])
    first_col, end_col = np.searchsorted(xs, edges[:, 0]), np.searchsorted(xs, edges[:, 2])
    slot = np.full((len(tops), len(xs)), -1)
    if ((end_row - first_row == 1) & (end_col - first_col == 1)).all():  # no cell spans two slots
        slot[first_row, first_col] = np.arange(len(cells))
    else:
        for n, (r0, r1, k0, k1) in enumerate(zip(first_row.tolist(), end_row.tolist(), first_col.tolist(), end_col.tolist(), strict=True)):
            slot[r0:r1, k0:k1] = n
    cell = slot[np.searchsorted(tops, cy[k], "right") - 1, np.searchsorted(xs, cx[k], "right") - 1]
    k, cell = k[cell >= 0], cell[cell >= 0]
    own = edges[cell]
    inside = (own[:, 0] <= cx[k]) & (cx[k] < own[:, 2]) & (own[:, 1] <= cy[k]) & (cy[k] < own[:, 3])
    texts = _texts(chars, k[inside], cell[inside], len(cells))
    out = iter(texts)
    return [[None if c is None else next(out) for c in r] for r in grid.rows]


def _texts(chars: Chars, k: np.ndarray, cell: np.ndarray, count: int) -> list[str]:
    """The text of each of `count` cells from its characters (`k`, in page order, with their `cell`)."""
    out = [""] * count
    if not len(k):
        return out
    turned = chars.turn[k] != 0
    if turned.any():  # cells with text drawn at an angle: the per-character path
        odd_cells = np.unique(cell[turned])
        odd = np.isin(cell, odd_cells)
        for c in odd_cells.tolist():
            out[c] = cell_text([chars.char(i) for i in k[cell == c].tolist()])
        k, cell = k[~odd], cell[~odd]
        if not len(k):
            return out
    top = chars.top[k]
    # Lines: each cell's tops clustered (sorted, a new line after a step over Y_TOL); then the
    # characters by cell, line and x (a stable sort: page order among equal x).
    line = _clusters(cell, top)
    order = np.lexsort((chars.x0[k], line))
    k, line, top, cell = k[order], line[order], top[order], cell[order]
    x0, x1, blank = chars.x0[k], chars.x1[k], chars.blank[k]
    # A word starts at a drawn character whose predecessor is a blank, on another line, or
    # set apart: before it, more than X_TOL left of it, or more than Y_TOL higher or lower.
    starts_word = np.ones(len(k), dtype=bool)
    starts_word[1:] = (
        blank[:-1] | (line[1:] != line[:-1]) | (x0[1:] < x0[:-1]) | (x0[1:] > x1[:-1] + X_TOL) | (np.abs(top[1:] - top[:-1]) > Y_TOL)
    )
    starts_word &= ~blank
    ends_word = ~blank & np.append(starts_word[1:] | blank[1:], True)
    first, last = np.flatnonzero(starts_word), np.flatnonzero(ends_word) + 1
    if not len(first):
        return out
    word_top = np.minimum.reduceat(np.where(blank, np.inf, top), first)  # a word's top is its highest character's
    word_cell = cell[first]
    # The words in lines again, by their tops; in a line in the order they were read.
    word_line = _clusters(word_cell, word_top)
    order = np.lexsort((word_line,))
    word_cell, word_line = word_cell[order], word_line[order]
    text = "".join(map(chars.text.__getitem__, k.tolist()))
    # Words and what follows each ("\n" before the next line, else " "), one list: a cell's
    # text is the slice from its first word to its last.
    joints = np.where(word_line[1:] != word_line[:-1], "\n", " ").tolist() + [""]
    pieces = [x for a, b, joint in zip(first[order].tolist(), last[order].tolist(), joints, strict=True) for x in (text[a:b], joint)]
    starts = [0, *(np.flatnonzero(word_cell[1:] != word_cell[:-1]) + 1).tolist(), len(order)]
    for c, a, b in zip(word_cell[starts[:-1]].tolist(), starts, starts[1:], strict=False):
        out[c] = "".join(pieces[2 * a : 2 * b - 1])
    if chars.spell:
        out = [t.translate(SPELLED) for t in out]
    return out


def _clusters(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """pdfplumber's cluster_list within each group: a cluster number per item, increasing with
    group and value, a new cluster after a step over Y_TOL between sorted values."""
    order = np.lexsort((value, group))
    g, v = group[order], value[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (v[1:] > v[:-1] + Y_TOL)
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.cumsum(new)
    return out


def cell_text(chars: list[Char]) -> str:
    """A cell's text: its upright lines, then its turned ones (read along their own direction).

    pdfplumber reads text turned by 90 degrees from top to bottom, so a figure written upwards
    comes out reversed ("021.888.21" for "12.888.120"); here it is turned back first.
    """
    upright = [c for c in chars if not c[5]]
    parts = [_lines(upright)] if upright else []
    turned = [c for c in chars if c[5]]
    if turned:
        parts.append(_lines(_unturned(turned)))
    return "\n".join(p for p in parts if p).translate(SPELLED)


def _unturned(chars: list[Char]) -> list[Char]:
    """Turned characters in their own frame: x along the writing, top across it (lines down)."""
    theta = chars[0][5]
    dx, dy = math.cos(theta), -math.sin(theta)  # the writing direction, in page-top coordinates
    nx, ny = math.sin(theta), math.cos(theta)  # the direction of the next line
    out = []
    for text, x0, top, x1, bottom, _ in chars:
        xs = [x0 * dx + y * dy for y in (top, bottom)] + [x1 * dx + y * dy for y in (top, bottom)]
        ys = [x0 * nx + y * ny for y in (top, bottom)] + [x1 * nx + y * ny for y in (top, bottom)]
        out.append((text, min(xs), min(ys), max(xs), max(ys), 0.0))
    return out


def _by_line(items: list, top: Callable) -> list[list]:
    """Items in lines: pdfplumber's cluster_objects by top (Y_TOL), lines top to bottom, order kept."""
    tops = list(map(top, items))
    values = sorted(set(tops))
    line_of: dict[float, int] = {}
    k = -1
    for i, val in enumerate(values):
        if not i or val > values[i - 1] + Y_TOL:
            k += 1
        line_of[val] = k
    lines: dict[int, list] = {}
    for it, t in zip(items, tops, strict=True):
        lines.setdefault(line_of[t], []).append(it)
    return [lines[k] for k in sorted(lines)]


def _lines(chars: list[Char]) -> str:
    """Lines of words: chars clustered by top, sorted by x, split at blanks and gaps (pdfplumber's words)."""
    words: list[tuple[float, str]] = []  # (top, text)
    for line in _by_line(chars, _TOP):
        line.sort(key=_X0)
        word: list[str] = []
        w_top = p_x0 = p_x1 = p_top = 0.0
        for text, c_x0, c_top, c_x1, _, _ in line:
            if text.isspace():
                if word:
                    words.append((w_top, "".join(word)))
                    word = []
                continue
            if word and (c_x0 < p_x0 or c_x0 > p_x1 + X_TOL or abs(c_top - p_top) > Y_TOL):
                words.append((w_top, "".join(word)))
                word = []
            w_top = c_top if not word else min(w_top, c_top)
            word.append(text)
            p_x0, p_x1, p_top = c_x0, c_x1, c_top
        if word:
            words.append((w_top, "".join(word)))
    return "\n".join(" ".join(w[1] for w in line) for line in _by_line(words, _FIRST)) if words else ""
