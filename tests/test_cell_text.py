"""Cell text and grids, case by case: pdfplumber's rules for Table.extract() written out.

Each case is a cell's characters (text and loose box in points from the page top) and the
text pdfplumber gives for it: a character belongs to the cell holding its centre, lines are
clustered by top within 3 pt, words split at blanks, at gaps over 3 pt and at tops more than
3 pt apart, ligatures are spelled out. Both paths are checked: the array path every upright
cell takes and the per-character path that cells with turned text take (`cell_text`).
tests/test_grid.py compares whole tables with pdfplumber's on every PDF we hold.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pipeline.text import grid
from pipeline.text.cell_text import Chars, cell_rows, cell_text
from pipeline.text.grid import Grid, Rule


def chars_of(spec: list[tuple[str, float, float, float, float]]) -> Chars:
    cols = list(zip(*spec, strict=True)) if spec else [(), (), (), (), ()]
    text = "".join(cols[0])
    x0, top, x1, bottom = (np.array(c, dtype=np.float64) for c in cols[1:])
    blank = np.array([c.isspace() for c in text], dtype=bool)
    return Chars(text, x0, top, x1, bottom, (x0 + x1) / 2, (top + bottom) / 2, np.zeros(len(text)), blank, True)


def run(word: str, x: float = 10.0, top: float = 10.0, w: float = 5.0, h: float = 10.0) -> list[tuple[str, float, float, float, float]]:
    """Characters set side by side, `w` wide, from x on one baseline."""
    return [(c, x + k * w, top, x + (k + 1) * w, top + h) for k, c in enumerate(word)]


ONE_CELL = Grid(bbox=(0.0, 0.0, 100.0, 50.0), rows=[[(0.0, 0.0, 100.0, 50.0)]])

CELL_CASES = [
    ("a number", run("12,5"), "12,5"),
    ("a gap over 3 pt splits words", run("ab") + run("cd", x=24.0), "ab cd"),
    ("a gap of exactly 3 pt does not", run("ab") + run("cd", x=23.0), "abcd"),
    ("a drawn blank splits", run("a b"), "a b"),
    ("blanks in a row are one split", run("a  b"), "a b"),
    ("leading and trailing blanks go", run(" 7 "), "7"),
    ("lines more than 3 pt apart", run("ab") + run("cd", top=25.0), "ab\ncd"),
    ("tops within 3 pt are one line, read by x", [("b", 16.0, 10.0, 21.0, 20.0), ("a", 10.0, 12.0, 16.0, 22.0)], "ab"),
    ("overprinted characters stay in one word", [("a", 10.0, 10.0, 15.0, 20.0), ("b", 10.0, 10.0, 15.0, 20.0)], "ab"),
    ("lines are read top to bottom whatever the order", run("cd", top=25.0) + run("ab"), "ab\ncd"),
    ("a ligature spelled out", run("ﬁn"), "fin"),
    ("pdfium's soft hyphen as a hyphen", run("a\ufffeb"), "a-b"),
    ("an empty cell", [], ""),
    ("a cell of blanks only", run("   "), ""),
    ("a character centred off the cell is not in it", run("ab") + [("x", 98.0, 10.0, 104.0, 20.0)], "ab"),
    ("chained line tops: one cluster per step of 3 pt or less", run("a", top=10.0) + run("b", x=30.0, top=12.5) + run("c", x=50.0, top=15.0), "a b c"),
]


@pytest.mark.parametrize(("name", "spec", "want"), CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_cell_text(name: str, spec: list, want: str) -> None:
    assert cell_rows(ONE_CELL, chars_of(spec)) == [[want]]
    inside = [(t, x0, top, x1, bottom, 0.0) for t, x0, top, x1, bottom in spec if (x0 + x1) / 2 < 100.0]
    assert cell_text(inside) == want


TWO_BY_TWO = Grid(
    bbox=(0.0, 0.0, 100.0, 50.0),
    rows=[[(0.0, 0.0, 50.0, 25.0), (50.0, 0.0, 100.0, 25.0)], [(0.0, 25.0, 50.0, 50.0), (50.0, 25.0, 100.0, 50.0)]],
)
SPANNED = Grid(bbox=(0.0, 0.0, 100.0, 50.0), rows=[[(0.0, 0.0, 100.0, 25.0), None], [(0.0, 25.0, 50.0, 50.0), (50.0, 25.0, 100.0, 50.0)]])

GRID_CASES = [
    ("each character to the cell of its centre", TWO_BY_TWO, run("1", x=10.0, top=5.0) + run("2", x=60.0, top=5.0) + run("3", x=10.0, top=30.0), [["1", "2"], ["3", ""]]),
    ("a character across a rule goes by its centre", TWO_BY_TWO, [("x", 44.0, 5.0, 57.0, 15.0)], [["", "x"], ["", ""]]),
    ("a spanning cell takes both slots' text", SPANNED, run("Totaal", x=10.0, top=5.0) + run("2024", x=60.0, top=5.0) + run("9", x=60.0, top=30.0),
     [["Totaal 2024", None], ["", "9"]]),
    ("text outside the table is no cell's", TWO_BY_TWO, run("noot", x=10.0, top=60.0) + run("x", x=101.0, top=5.0), [["", ""], ["", ""]]),
    ("the last row and column end at the table's edge", TWO_BY_TWO, run("4", x=90.0, top=36.0) + run("y", x=99.0, top=36.0), [["", ""], ["", "4"]]),
]


@pytest.mark.parametrize(("name", "table", "spec", "want"), GRID_CASES, ids=[c[0] for c in GRID_CASES])
def test_cells_of_a_grid(name: str, table: Grid, spec: list, want: list) -> None:
    assert cell_rows(table, chars_of(spec)) == want
    if None not in (c for r in table.rows for c in r):  # a full grid's shortcut gives the same
        assert cell_rows(replace(table, full=True), chars_of(spec)) == want


def rules(*spec: tuple[float, float, float]) -> list[Rule]:
    return [Rule(*r) for r in spec]


# (name, horizontal rules, vertical rules, cell boxes per row); rules as (position, from, to).
RULE_CASES = [
    ("a full 2 x 2 grid", rules((0, 0, 100), (20, 0, 100), (40, 0, 100)), rules((0, 0, 40), (50, 0, 40), (100, 0, 40)),
     [[[(0, 0, 50, 20), (50, 0, 100, 20)], [(0, 20, 50, 40), (50, 20, 100, 40)]]]),
    ("rules short of each other by up to 3 pt still cross", rules((0, 2, 98), (20, 2, 98)), rules((0, 1, 19), (50, 1, 19), (100, 1, 19)),
     [[[(0, 0, 50, 20), (50, 0, 100, 20)]]]),
    ("a single cell is no table", rules((0, 0, 100), (20, 0, 100)), rules((0, 0, 20), (100, 0, 20)), []),
    ("a header cell over two columns", rules((0, 0, 100), (20, 0, 100), (40, 0, 100)), rules((0, 0, 40), (50, 20, 40), (100, 0, 40)),
     [[[(0, 0, 100, 20), None], [(0, 20, 50, 40), (50, 20, 100, 40)]]]),
    ("two tables, top to bottom", rules((0, 0, 100), (20, 0, 100), (200, 0, 100), (220, 0, 100)),
     rules((0, 0, 20), (50, 0, 20), (100, 0, 20), (0, 200, 220), (50, 200, 220), (100, 200, 220)),
     [[[(0, 0, 50, 20), (50, 0, 100, 20)]], [[(0, 200, 50, 220), (50, 200, 100, 220)]]]),
]


@pytest.mark.parametrize(("name", "h", "v", "want"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_grids_from_rules(name: str, h: list[Rule], v: list[Rule], want: list, monkeypatch: pytest.MonkeyPatch) -> None:
    found = [g.rows for g in grid.grids(rules(*[(r.pos, r.lo, r.hi) for r in h]), rules(*[(r.pos, r.lo, r.hi) for r in v]))]
    assert found == want
    # The shortcut for a full grid gives what the general search for cells gives.
    monkeypatch.setattr(grid, "_full_grid", lambda h, v: None)
    assert [g.rows for g in grid.grids(h, v)] == want
