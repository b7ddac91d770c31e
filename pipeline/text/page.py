"""The text stage's records: printed lines with their geometry, footnotes, pages, found tables.

Every later stage reads them. They live apart from the PDF reader (pipeline.text.read) so that the
OCR reader, the furniture filter and the caption finder share one record of a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    """One printed line: its cleaned text and where it sits (points from the page top)."""

    text: str
    page: int
    top: float
    last_top: float
    bottom: float
    x0: float
    x1: float
    size: float


@dataclass(slots=True)
class Footnote:
    marker: str
    text: str
    page: int


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    ruling: bool = False
    chars: int = 0
    superscripts: list[tuple[int, int, int, str]] = field(default_factory=list)
    tables: list[FoundTable] = field(default_factory=list)
    text_source: str = "text"  # "text" (PDF text layer), "ocr" (Tesseract) or "empty"
    printed_number: int | None = None  # the page number printed on it (dropped as furniture): restarts mark a new document
    note: str | None = None  # why a page stayed empty, for the document's warnings
    rotation: int = 0  # the page's /Rotate in degrees; lines are read as if it were 0
    # CPU seconds spent on this page reading text and finding tables: the benchmark attributes cost per page.
    t_read: float = 0.0
    t_tables: float = 0.0

    def keep_only(self, keep: list[Line]) -> None:
        """Keep these of the page's lines, in order, with the superscripts found on them."""
        if self.superscripts:
            index = {id(ln): i for i, ln in enumerate(keep)}
            self.superscripts = [
                (index[id(self.lines[li])], s, e, d)
                for li, s, e, d in self.superscripts
                if id(self.lines[li]) in index
            ]
        self.lines = keep


@dataclass
class FoundTable:
    """A ruling-line table as pdfplumber's extract() would read it (grid.py): its box and its rows of cell text.

    `caption` ("Tabel N: ...", every line of it) and `sentence` (the last sentence of the
    paragraph right before the table or its caption) are filled by pipeline.text.captions: the
    unit of bare cells is often said only there.
    """

    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]
    caption: str | None = None
    caption_below: bool = False  # the caption stands under the table (Word's habit), not above it
    sentence: str | None = None
