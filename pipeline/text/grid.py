"""Ruling-line tables from what pypdfium2 already holds open: path objects and character boxes.

pdfplumber found these tables by parsing every page a second time with pdfminer, which cost
about 40 times a pypdfium2 text dump on a table page. Here the rules come from pdfium's path
objects (line segments and rectangles, thin filled rectangles included, as LibreOffice and
Word draw them; forms are walked with their matrices) and the cell text from pdfium's loose
character boxes (font ascent and descent, advance width: the boxes pdfminer gives), fetched
only for the text lines that lie in a table.

The grid builder follows pdfplumber's `lines` strategy step by step, with its default
tolerances (snap and join 3 pt, edges of 3 pt or more, intersections within 3 pt); the cell
text (pipeline.text.cell_text) follows `Table.extract()`. A page whose every rule crosses
every other, most table pages, skips the search for cells (see _full_grid). It is written
here rather than calling `pdfplumber.table`'s functions on edge dicts because those are
quadratic in pure Python (`intersections_to_cells` scans every later point and rebuilds edge
sets per test, the text step scans every character per row): measured on the bench corpus's
table pages they cost more than the whole pypdfium2 page read, where this module's
index-based version costs a fraction of it, and importing pdfplumber pulls in pdfminer on every worker. pdfplumber stays
the reference: tests/test_grid.py compares both on every table we hold.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter

import pypdfium2.raw as pdfium_c

from pipeline.text import pdfium_calls as calls
from pipeline.text.cell_text import cell_rows, table_chars

SNAP = 3.0  # edges this close on the other axis are one rule (pdfplumber snap_tolerance)
JOIN = 3.0  # collinear pieces with gaps up to this are one rule (join_tolerance)
MIN_EDGE = 3.0  # shorter rules are no table border (edge_min_length)
PREFILTER = 1.0  # shorter pieces are dropped before merging (edge_min_length_prefilter)
CROSS = 3.0  # a vertical and a horizontal rule meet when this close (intersection_tolerance)
FLAT = 0.01  # a segment turned by less than this (points) is horizontal or vertical
Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page top
# Sort and cluster keys, called per rule or character: attrgetter and itemgetter run in C.
_POS, _POS_LO = attrgetter("pos"), attrgetter("pos", "lo")


@dataclass(slots=True)
class Rule:
    """A ruling edge: `pos` is y (top) of a horizontal rule or x of a vertical one; it spans lo..hi."""

    pos: float
    lo: float
    hi: float


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
    full: bool = False  # every slot between grid lines is a cell of its own (see _full_grid)


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
    full = _full_grid(h, v)
    if full is not None:
        return full
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


def _full_grid(h: list[Rule], v: list[Rule]) -> list[Grid] | None:
    """The one table of a page whose every rule crosses every other (one rule per position):
    the general search below finds every cell between neighbouring rules, and so does this,
    without it. Most table pages are such a grid (a table without merged cells); for any
    other page None."""
    if len(h) < 2 or len(v) < 2:
        return None
    h_pos, v_pos = [r.pos for r in h], [r.pos for r in v]
    if len(set(h_pos)) < len(h) or len(set(v_pos)) < len(v):
        return None
    left, right, top, bottom = v_pos[0], v_pos[-1], h_pos[0], h_pos[-1]
    if not all(r.lo - CROSS <= left and right <= r.hi + CROSS for r in h):
        return None
    if not all(r.lo - CROSS <= top and bottom <= r.hi + CROSS for r in v):
        return None
    if len(h) == 2 and len(v) == 2:  # a single cell is no table
        return []
    columns = list(pairwise(v_pos))
    rows: list[list[Box | None]] = [[(x0, y0, x1, y1) for x0, x1 in columns] for y0, y1 in pairwise(h_pos)]
    return [Grid(bbox=(left, top, right, bottom), rows=rows, full=True)]


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


def find_tables(
    paths: list[tuple[int, Matrix]], textpage: pdfium_c.FPDF_TEXTPAGE, layer: TextLayer, height: float
) -> list[tuple[Box, list[list[str | None]]]]:
    """Every ruling-line table of an open page, from its paths (see rules): its box and its rows of cell text."""
    found = grids(*rules(paths, height))
    if not found:
        return []
    chars = table_chars(textpage, layer, [g.bbox for g in found], height)
    return [(g.bbox, cell_rows(g, chars)) for g in found]
