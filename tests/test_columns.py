"""Two-column reading order from line geometry (pipeline/text/columns.py) and on real PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.text.columns import reading_order
from pipeline.text.page import Line
from pipeline.text.read import read_pages

W = 595.0
LEFT = (57.0, 286.0)   # a left column line
RIGHT = (309.0, 538.0)  # a right column line
FULL = (57.0, 538.0)   # a line across the page


def line(text: str, top: float, span: tuple[float, float]) -> Line:
    return Line(text=text, page=1, top=top, last_top=top, bottom=top + 9, x0=span[0], x1=span[1], size=9.0)


def two_columns(n: int, top: float = 100.0) -> list[Line]:
    """n lines per column, in the order a content stream may give them: right column first."""
    right = [line(f"R{k}", top + 11 * k, RIGHT) for k in range(n)]
    left = [line(f"L{k}", top + 11 * k, LEFT) for k in range(n)]
    return right + left


CASES = [
    ("two columns: left then right", two_columns(4), ["L0", "L1", "L2", "L3", "R0", "R1", "R2", "R3"]),
    (
        "full-width heading above the columns comes first",
        two_columns(3, top=120) + [line("I. VRAGEN EN ANTWOORDEN", 80, FULL)],
        ["I. VRAGEN EN ANTWOORDEN", "L0", "L1", "L2", "R0", "R1", "R2"],
    ),
    (
        "a wide table between two bands of columns",
        two_columns(3, top=100) + [line("Tabel 2: per net", 150, FULL)] + [line(f"B{s}{k}", 200 + 11 * k, LEFT if s == "L" else RIGHT) for s in "RL" for k in range(3)],
        ["L0", "L1", "L2", "R0", "R1", "R2", "Tabel 2: per net", "BL0", "BL1", "BL2", "BR0", "BR1", "BR2"],
    ),
    (
        "page number centred below the columns comes last",
        [line("3", 800, (292.0, 303.0))] + two_columns(3),
        ["L0", "L1", "L2", "R0", "R1", "R2", "3"],
    ),
    (
        "short lines in both columns (labels, 'Antwoord') stay in their column",
        two_columns(3) + [line("Antwoord", 140, (57.0, 100.0)), line("1.", 140, (309.0, 320.0))],
        ["L0", "L1", "L2", "Antwoord", "R0", "R1", "R2", "1."],
    ),
]


@pytest.mark.parametrize(("name", "lines", "want"), CASES, ids=[c[0] for c in CASES])
def test_reading_order(name: str, lines: list[Line], want: list[str]) -> None:
    assert [ln.text for ln in reading_order(lines, W)] == want


ONE_COLUMN = [
    (
        "plain one-column page",
        [line(f"body {k}", 100 + 12 * k, FULL) for k in range(10)] + [line("kort.", 220, (57.0, 150.0))],
    ),
    (
        "one column with a right-aligned date and short last lines",
        [line("Brussel, 12 mei 2023", 80, (420.0, 538.0))] + [line(f"body {k}", 100 + 12 * k, FULL) for k in range(5)]
        + [line("einde.", 160, (57.0, 120.0)), line("Hoeveel?", 172, (57.0, 110.0))],
    ),
    (
        "one column with table cells on both halves",
        [line(f"body {k}", 100 + 12 * k, FULL) for k in range(4)]
        + [line(c, 160 + 12 * r, span) for r in range(4) for c, span in (("2022", (60.0, 90.0)), ("€ 14.282.612,00", (330.0, 420.0)))],
    ),
    ("two lines in the right half are not a column", [line("R", 100 + 11 * k, RIGHT) for k in range(2)] + [line(f"L{k}", 100 + 11 * k, LEFT) for k in range(5)]),
]


@pytest.mark.parametrize(("name", "lines"), ONE_COLUMN, ids=[c[0] for c in ONE_COLUMN])
def test_one_column_page_comes_back_unchanged(name: str, lines: list[Line]) -> None:
    assert reading_order(lines, W) is lines


def _right_column_first_pdf(path: Path) -> None:
    """A two-column page whose content stream draws the right column before the left one."""
    c = Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 11)
    c.drawString(57, 780, "I. VRAGEN VAN DE VLAAMSE VOLKSVERTEGENWOORDIGERS EN ANTWOORDEN VAN DE MINISTERS")
    c.setFont("Helvetica", 9)
    for side, x in (("rechts", 309), ("links", 57)):
        for k in range(8):
            c.drawString(x, 750 - 11 * k, f"{side} regel {k} van de kolom met genoeg tekst tot de")
    c.save()


def test_rendered_page_read_left_column_first(tmp_path: Path) -> None:
    pdf = tmp_path / "cols.pdf"
    _right_column_first_pdf(pdf)
    texts = [ln.text for ln in read_pages(pdf)[0].lines]
    assert texts[0].startswith("I. VRAGEN")
    assert [t.split()[0] for t in texts[1:]] == ["links"] * 8 + ["rechts"] * 8
    assert [int(t.split()[2]) for t in texts[1:9]] == list(range(8))


def test_rendered_bulletin_columns_in_order() -> None:
    """bul03 page 3: the heading above the columns, the left column, then the right one."""
    pdf = Path(__file__).parent / "devset" / "pdf" / "bul03.pdf"
    page = read_pages(pdf)[2]
    texts = [ln.text for ln in page.lines]
    heading = next(i for i, t in enumerate(texts) if t.startswith("I. VRAGEN"))
    left_end = texts.index("Vraag nr. 42 van 8 maart 2006 van JAN")  # the right column's first line
    assert heading <= 1  # only the running header may stand above it
    assert texts.index("FRANK VANDENBROUCKE") < left_end  # the left column's last section
    assert all(ln.x1 <= W / 2 for ln in page.lines[heading + 1 : left_end])
    assert all(ln.x0 >= W / 2 for ln in page.lines[left_end:])
