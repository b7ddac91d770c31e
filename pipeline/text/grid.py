"""Ruling-line tables from what pypdfium2 already holds open: path objects and character boxes.

pdfplumber found these tables by parsing every page a second time with pdfminer, which cost
about 40 times a pypdfium2 text dump on a table page. Here the rules come from pdfium's path
objects (line segments and rectangles, thin filled rectangles included, as LibreOffice and
Word draw them; forms are walked with their matrices) and the cell text from pdfium's loose
character boxes (font ascent and descent, advance width: the boxes pdfminer gives), fetched
only for the text lines that lie in a table.

The grid builder follows pdfplumber's `lines` strategy step by step, with its default
tolerances (snap and join 3 pt, edges of 3 pt or more, intersections within 3 pt), and its
cell text follows `Table.extract()` (a character belongs to the cell holding its centre;
lines clustered by top within 3 pt, words split at blanks and at gaps over 3 pt; lines
joined by "\\n", a spanned slot None). It is written here rather than calling
`pdfplumber.table`'s functions on edge dicts because those are quadratic in pure Python
(`intersections_to_cells` scans every later point and rebuilds edge sets per test, the text
step scans every character per row): measured on the bench corpus's table pages they cost
more than the whole pypdfium2 page read, where this module's index-based version costs a
fraction of it, and importing pdfplumber pulls in pdfminer on every worker. pdfplumber stays
the reference: tests/test_grid.py compares both on every table we hold.
"""

from __future__ import annotations

import bisect
import ctypes
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

import pypdfium2.raw as pdfium_c

from pipeline.text import pdfium_calls as calls
from pipeline.text.pdfium_calls import CharBoxes

SNAP = 3.0  # edges this close on the other axis are one rule (pdfplumber snap_tolerance)
JOIN = 3.0  # collinear pieces with gaps up to this are one rule (join_tolerance)
MIN_EDGE = 3.0  # shorter rules are no table border (edge_min_length)
PREFILTER = 1.0  # shorter pieces are dropped before merging (edge_min_length_prefilter)
CROSS = 3.0  # a vertical and a horizontal rule meet when this close (intersection_tolerance)
X_TOL = 3.0  # a gap wider than this between characters splits words (x_tolerance)
Y_TOL = 3.0  # characters whose tops differ more than this are on different lines (y_tolerance)
FLAT = 0.01  # a segment turned by less than this (points) is horizontal or vertical
MARGIN = 2.0  # a text line within this of a table's box is looked at character by character
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page top
# Sort and cluster keys, called per rule or character: attrgetter and itemgetter run in C.
_POS, _POS_LO, _TOP, _X0, _FIRST = attrgetter("pos"), attrgetter("pos", "lo"), attrgetter("top"), attrgetter("x0"), itemgetter(0)


@dataclass(slots=True)
class Rule:
    """A ruling edge: `pos` is y (top) of a horizontal rule or x of a vertical one; it spans lo..hi."""

    pos: float
    lo: float
    hi: float


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    turn: float = 0.0  # radians counter-clockwise for text drawn at an angle, 0 for upright text


@dataclass(slots=True)
class TextLayer:
    """A page's pdfium text: as pdfium gives it (`raw`), with turned characters made line
    breaks (`shown`, what the running text reads), and its lines (`spans`: first index, end
    index, top and bottom in points from the page top)."""

    raw: str
    shown: str
    spans: list[tuple[int, int, float, float]] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    """One table: its box, its cell boxes per row (None where a spanning cell covers the slot)."""

    bbox: Box
    rows: list[list[Box | None]]


Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as PDF writes them
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix of an object drawn with `inner` inside a form drawn with `outer`."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def rules(paths: list[tuple[int, Matrix]], height: float) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical segments of the page's paths (objects with their page matrices,
    as the text stage's walk over the page collects them), in points from the page top.

    Through pdfium_calls' plain-address bindings: a table page's paths hold hundreds of
    segments, each asked for its point, kind and closing flag.
    """
    h: list[Rule] = []
    v: list[Rule] = []
    point = (ctypes.c_float * 2)()
    px = ctypes.addressof(point)
    py = px + ctypes.sizeof(ctypes.c_float)
    get_seg, get_point, seg_type, seg_close = calls.path_segment, calls.segment_point, calls.segment_type, calls.segment_close
    lineto, moveto = pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_MOVETO

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        if abs(y0 - y1) < FLAT:
            if abs(x1 - x0) >= PREFILTER:
                h.append(Rule(height - y0, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) < FLAT and abs(y1 - y0) >= PREFILTER:
            v.append(Rule(x0, height - max(y0, y1), height - min(y0, y1)))

    for obj, (a, b, c, d, e, f) in paths:
        start = prev = None
        for j in range(calls.count_segments(obj)):
            seg = get_seg(obj, j)
            get_point(seg, px, py)
            x, y = point
            pt = (a * x + c * y + e, b * x + d * y + f)
            kind = seg_type(seg)
            if kind == moveto:
                start = pt
            elif kind == lineto and prev is not None:
                add(*prev, *pt)
            prev = pt  # a Bézier control or end point moves the pen without a rule
            if seg_close(seg) and start is not None:
                add(*pt, *start)
                prev = start
    return h, v


def _snap(edges: list[Rule]) -> None:
    """Rules within SNAP of each other (chained, as pdfplumber clusters) move to their mean position."""
    edges.sort(key=_POS)
    i = 0
    while i < len(edges):
        j = i + 1
        while j < len(edges) and edges[j].pos <= edges[j - 1].pos + SNAP:
            j += 1
        if j - i > 1:
            mean = sum(r.pos for r in edges[i:j]) / (j - i)
            for r in edges[i:j]:
                r.pos = mean
        i = j


def merge(edges: list[Rule]) -> list[Rule]:
    """Snap, join collinear pieces, drop the short ones: pdfplumber's merge_edges and filter."""
    _snap(edges)
    out: list[Rule] = []
    edges.sort(key=_POS_LO)
    for r in edges:
        last = out[-1] if out else None
        if last is not None and last.pos == r.pos and r.lo <= last.hi + JOIN:
            last.hi = max(last.hi, r.hi)
        else:
            out.append(Rule(r.pos, r.lo, r.hi))
    return [r for r in out if r.hi - r.lo >= MIN_EDGE]


def grids(h_rules: list[Rule], v_rules: list[Rule]) -> list[Grid]:
    """Tables (groups of cells sharing corners), top to bottom, as pdfplumber's cells_to_tables."""
    h, v = merge(h_rules), merge(v_rules)
    # Intersections: each point with the rules through it (indices).
    through_v: dict[tuple[float, float], set[int]] = {}
    through_h: dict[tuple[float, float], set[int]] = {}
    h_pos = [he.pos for he in h]  # merge() sorted them by position: a chart's many rules stay cheap
    for vi, ve in enumerate(v):
        for hi in range(bisect.bisect_left(h_pos, ve.lo - CROSS), bisect.bisect_right(h_pos, ve.hi + CROSS)):
            he = h[hi]
            if he.lo - CROSS <= ve.pos <= he.hi + CROSS:
                pt = (ve.pos, he.pos)
                through_v.setdefault(pt, set()).add(vi)
                through_h.setdefault(pt, set()).add(hi)
    points = sorted(through_v)
    column: dict[float, list[tuple[float, float]]] = {}
    row: dict[float, list[tuple[float, float]]] = {}
    for pt in points:  # sorted by x then y: each column runs down, each row runs right
        column.setdefault(pt[0], []).append(pt)
    for pt in sorted(points, key=lambda p: (p[1], p[0])):
        row.setdefault(pt[1], []).append(pt)

    # A point's column holds the points below it after it, its row those right of it.
    in_column = {pt: k for col in column.values() for k, pt in enumerate(col)}
    in_row = {pt: k for pts in row.values() for k, pt in enumerate(pts)}
    cells: list[Box] = []
    for pt in points:
        on_v, on_h = through_v[pt], through_h[pt]
        right = [p for p in row[pt[1]][in_row[pt] + 1:] if not on_h.isdisjoint(through_h[p])]
        if not right:
            continue
        found = None
        for b in column[pt[0]][in_column[pt] + 1:]:  # the nearest corner below first, as pdfplumber tries them
            if on_v.isdisjoint(through_v[b]):
                continue
            b_h = through_h[b]
            for r in right:
                corner = (r[0], b[1])
                corner_v = through_v.get(corner)
                if corner_v is not None and not corner_v.isdisjoint(through_v[r]) and not through_h[corner].isdisjoint(b_h):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return [_grid(group) for group in _tables(cells)]


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells joined by shared corners into tables; single cells are no table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            if corner in owner:
                parent[root(i)] = root(owner[corner])
            else:
                owner[corner] = i
    groups: dict[int, list[Box]] = {}
    for i, c in enumerate(cells):
        groups.setdefault(root(i), []).append(c)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _grid(cells: list[Box]) -> Grid:
    xs = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, Box]] = {}
    for c in sorted(cells, key=lambda c: (c[1], c[0])):
        by_top.setdefault(c[1], {})[c[0]] = c
    rows = [[slots.get(x) for x in xs] for _, slots in sorted(by_top.items())]
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return Grid(bbox=bbox, rows=rows)


def table_chars(textpage: pdfium_c.FPDF_TEXTPAGE, layer: TextLayer, boxes: list[Box], height: float) -> list[Char]:
    """Characters of the pdfium lines that reach into a table box, with their loose boxes.

    Only the lines in a table pay for a box per character. A space pdfium generated (no glyph:
    a zero-width box on its own baseline) is put where the word before it ends, so it splits
    words as a drawn space does. Characters the running text dropped as turned (text drawn at
    an angle) are kept here, marked, and read along their own direction (see cell_text).
    """
    loose = CharBoxes(textpage).loose
    raw, shown = layer.raw, layer.shown
    out: list[Char] = []
    ranges = [range(start, end) for start, end, top, bottom in layer.spans if any(top <= b[3] + MARGIN and bottom >= b[1] - MARGIN for b in boxes)]
    if raw != shown:  # turned characters are in no line of the running text
        ranges.append([i for i, c in enumerate(shown) if c == "\n" and raw[i] not in "\r\n"])
    for indices in ranges:
        for i in indices:
            ch = raw[i]
            if ch in "\r\n":
                continue
            left, top, right, bottom = loose(i)
            if left == right and ch.isspace():
                if out:
                    p = out[-1]
                    out.append(Char(ch, p.x1, p.top, p.x1, p.bottom, p.turn))
                continue
            turn = 0.0
            if shown[i] == "\n":
                turn = 2 * math.pi - pdfium_c.FPDFText_GetCharAngle(textpage, i)  # pdfium counts clockwise
            out.append(Char(ch, left, height - top, right, height - bottom, turn))
    return out


def cell_rows(grid: Grid, chars: list[Char]) -> list[list[str | None]]:
    """Each cell's text as pdfplumber's Table.extract() gives it."""
    xs = sorted({c[0] for r in grid.rows for c in r if c})
    tops = sorted({c[1] for r in grid.rows for c in r if c})
    slot: dict[tuple[int, int], Box] = {}
    for r in grid.rows:
        for c in r:
            if c is None:
                continue
            for ri in range(bisect.bisect_left(tops, c[1]), bisect.bisect_left(tops, c[3])):
                for ki in range(bisect.bisect_left(xs, c[0]), bisect.bisect_left(xs, c[2])):
                    slot[(ri, ki)] = c
    inside: dict[Box, list[Char]] = {}
    x0, top, x1, bottom = grid.bbox
    inf = math.inf
    # The slot of the character before (its x and y intervals between grid lines) and its
    # cell: the characters of a word mostly share it, and skip both searches.
    s_x0 = s_x1 = s_y0 = s_y1 = math.nan
    cell = None
    for ch in chars:
        cx = (ch.x0 + ch.x1) / 2
        cy = (ch.top + ch.bottom) / 2
        if not (x0 <= cx < x1 and top <= cy < bottom):
            continue
        if not (s_x0 <= cx < s_x1 and s_y0 <= cy < s_y1):
            ri, ki = bisect.bisect_right(tops, cy) - 1, bisect.bisect_right(xs, cx) - 1
            s_y0, s_y1 = tops[ri], tops[ri + 1] if ri + 1 < len(tops) else inf
            s_x0, s_x1 = xs[ki], xs[ki + 1] if ki + 1 < len(xs) else inf
            cell = slot.get((ri, ki))
        if cell is not None and cell[0] <= cx < cell[2] and cell[1] <= cy < cell[3]:
            inside.setdefault(cell, []).append(ch)
    return [[None if c is None else cell_text(inside.get(c, [])) for c in r] for r in grid.rows]


def _clusters(values: list[float]) -> dict[float, int]:
    """pdfplumber's cluster_list: distinct sorted values, a new cluster after a step over Y_TOL."""
    out: dict[float, int] = {}
    k, last = -1, None
    for val in sorted(set(values)):
        if last is None or val > last + Y_TOL:
            k += 1
        out[val] = k
        last = val
    return out


def cell_text(chars: list[Char]) -> str:
    """A cell's text: its upright lines, then its turned ones (read along their own direction).

    pdfplumber reads text turned by 90 degrees from top to bottom, so a figure written upwards
    comes out reversed ("021.888.21" for "12.888.120"); here it is turned back first.
    """
    upright = [c for c in chars if not c.turn]
    turned = [c for c in chars if c.turn]
    parts = [_lines(upright)] if upright else []
    if turned:
        parts.append(_lines(_unturned(turned)))
    return "\n".join(p for p in parts if p)


def _unturned(chars: list[Char]) -> list[Char]:
    """Turned characters in their own frame: x along the writing, top across it (lines down)."""
    theta = chars[0].turn
    dx, dy = math.cos(theta), -math.sin(theta)  # the writing direction, in page-top coordinates
    nx, ny = math.sin(theta), math.cos(theta)  # the direction of the next line
    out = []
    for c in chars:
        xs = [c.x0 * dx + y * dy for y in (c.top, c.bottom)] + [c.x1 * dx + y * dy for y in (c.top, c.bottom)]
        ys = [c.x0 * nx + y * ny for y in (c.top, c.bottom)] + [c.x1 * nx + y * ny for y in (c.top, c.bottom)]
        out.append(Char(c.text, min(xs), min(ys), max(xs), max(ys)))
    return out


def _by_line(items: list, top: Callable) -> list[list]:
    """Items in lines: pdfplumber's cluster_objects by top (Y_TOL), lines top to bottom, order kept."""
    tops = list(map(top, items))
    if max(tops) - min(tops) <= Y_TOL:  # the common cell: one line
        return [items]
    line_of = _clusters(tops)
    lines: dict[int, list] = {}
    for it, t in zip(items, tops, strict=True):
        lines.setdefault(line_of[t], []).append(it)
    return [lines[k] for k in sorted(lines)]


def _lines(chars: list[Char]) -> str:
    """Lines of words: chars clustered by top, sorted by x, split at blanks and gaps (pdfplumber's words)."""
    if not chars:
        return ""
    words: list[tuple[float, str]] = []  # (top, text)
    for line in _by_line(chars, _TOP):
        line.sort(key=_X0)
        word: list[str] = []
        w_top = prev = None
        for ch in line:
            if ch.text.isspace():
                if word:
                    words.append((w_top, "".join(word)))
                word, prev = [], None
                continue
            if prev is not None and (ch.x0 < prev.x0 or ch.x0 > prev.x1 + X_TOL or abs(ch.top - prev.top) > Y_TOL):
                words.append((w_top, "".join(word)))
                word = []
            if not word or ch.top < w_top:
                w_top = ch.top if not word else min(w_top, ch.top)
            word.append(LIGATURES.get(ch.text, ch.text))
            prev = ch
        if word:
            words.append((w_top, "".join(word)))
    if not words:
        return ""
    text = "\n".join(" ".join(w[1] for w in line) for line in _by_line(words, _FIRST))
    return text.replace("\ufffe", "-")


def find_tables(
    paths: list[tuple[int, Matrix]], textpage: pdfium_c.FPDF_TEXTPAGE, layer: TextLayer, height: float
) -> list[tuple[Box, list[list[str | None]]]]:
    """Every ruling-line table of an open page, from its paths (see rules): its box and its rows of cell text."""
    found = grids(*rules(paths, height))
    if not found:
        return []
    chars = table_chars(textpage, layer, [g.bbox for g in found], height)
    return [(g.bbox, cell_rows(g, chars)) for g in found]
