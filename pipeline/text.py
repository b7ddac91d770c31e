"""Stage 1, text: the PDF text layer per page, in reading order, as lines with geometry.

pypdfium2 gives the running text (about 60x faster than pdfplumber) and, on pages whose
drawing holds ruling lines, the tables (grid.py: rules from its path objects, cell text from
its character boxes, while the page is open), so that table regions are cut out of the
running text. Page furniture is dropped and footnote bodies are kept apart here, because only
geometry (position, font size) tells them from the running text.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline import pdfium_calls as calls
from pipeline.cleanup import clean_line
from pipeline.columns import in_reading_order
from pipeline.errors import BrokenPdf, EncryptedPdf, NoPages, NotAPdf, NoTextLayer
from pipeline.filekind import describe
from pipeline.grid import TextLayer, find_tables
from pipeline.inputs import HEAD_BYTES, open_regular
from pipeline.labels import HEADER_FIELD, HEADER_START, LABEL_START, answer_blocks, is_caps
from pipeline.ocr import OcrUnavailable, ocr_lines
from pipeline.pdfium_calls import CharBoxes

# A page with fewer characters than this is treated as a scan (no usable text layer).
MIN_PAGE_CHARS = 20
# Path objects on a page from which it is worth looking for ruling-line tables.
RULING_PATHS = 4
# Fraction of the page height, top and bottom, where running headers and footers live.
MARGIN_ZONE = 0.12
# A character whose baseline is turned more than this (radians, about 20 degrees) from the
# page's horizontal is a stamp or a margin note, not running text.
TURNED = 0.35

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?\s*$"
    r"|^\s*(?:pagina|blz\.?|p\.)\s*\d{1,4}(?:\s*(?:van|/)\s*\d{1,4})?\s*$"
    r"|^\s*\d{1,4}\s*/\s*\d{1,4}\s*$",
    re.IGNORECASE,
)
# A bulletin's running header, its page number inside: "Vlaams Parlement - Vragen en Antwoorden - Nr.7 - April 2006 -3-".
RUNNING_HEADER = re.compile(r"^(?:-\s*\d{1,4}\s*-\s*)?Vlaams\s+Parlement\s*-\s*Vragen\s+en\s+Antwoorden\b", re.IGNORECASE)
FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})\s+(\S.*)$")
LINE = re.compile(r"[^\S\r\n]*([^\r\n]*\S)")  # a line of the text; group 1 without its outer blanks
URL_BROKEN = re.compile(r"\(?(?:https?://|www\.)\S*[/?&=#_.-]$")
URL_END = re.compile(r"\(?(?:https?://|www\.)\S*[\w]$")
URL_CONTINUES = re.compile(r"[a-z0-9][\w.-]*[/?=&#%-]\S*")
SUPERSCRIPT_CANDIDATE = re.compile(r"(?<=[^\s\d€$(/.,:-])(\d{1,3})(?=[\s.,;:!?)]|$)")


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


@dataclass
class FoundTable:
    """A ruling-line table as pdfplumber's extract() would read it (grid.py): its box and its rows of cell text.

    `caption` ("Tabel N: ...", every line of it) and `sentence` (the last sentence of the
    paragraph right before the table or its caption) are filled by `drop_tables`: the unit
    of bare cells is often said only there.
    """

    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]
    caption: str | None = None
    caption_below: bool = False  # the caption stands under the table (Word's habit), not above it
    sentence: str | None = None


PdfSource = Path | bytes  # a path, or the bytes of the file read once (see pipeline.inputs.snapshot)


def looks_like_pdf(head: bytes) -> bool:
    """The PDF header within the first bytes (some writers put junk before it)."""
    return b"%PDF-" in head[:HEAD_BYTES]


def _pdf_bytes(source: PdfSource) -> bytes:
    if isinstance(source, bytes):
        return source
    with open_regular(source) as fh:
        return fh.read()


def _page_count(data: bytes) -> int | None:
    """Pages as pdfminer counts them, when pdfium refuses a file without saying why."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except Exception:  # noqa: BLE001 - a second opinion only; pdfium's failure stands
        return None


def open_pdf(source: PdfSource) -> pdfium.PdfDocument:
    """Open a PDF, turning pdfium's failures into typed errors that describe the file.

    A message never quotes the file's bytes: it says what kind of file it is.
    """
    data = _pdf_bytes(source)
    if not looks_like_pdf(data):
        raise NotAPdf(f"not a PDF: the file is {describe(data[:HEAD_BYTES])}")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdf("encrypted PDF: a password is required to open it") from exc
        if _page_count(data) == 0:  # pdfium refuses /Count 0 with "Failed to load document (PDFium: Success)"
            raise NoPages("a PDF with no pages") from exc
        reason = re.sub(r"^Failed to load document \(PDFium: (.*)\)\.?$", r"\1", msg)
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_SUCCESS:
            reason = "no reason given"
        raise BrokenPdf(f"pdfium cannot open the file: {reason}") from exc


def _blank_turned(raw_tp: pdfium_c.FPDF_TEXTPAGE, text: str) -> str:
    """The page text with characters drawn at an angle made line breaks (same offsets).

    A received-stamp or an archive number printed vertically along the margin is no running
    text; pdfium may even glue it to a horizontal line ("1Ontvangen op 3 mei 2023" where the
    stamp's foot meets the page number), so it is cut out per character, not per line.
    Asked only for pages whose drawing holds turned text (see _drawing): the call per
    character costs as much as the text.
    """
    angle = pdfium_c.FPDFText_GetCharAngle  # radians; -1 for characters pdfium generated

    def turned(i: int) -> bool:
        return TURNED < angle(raw_tp, i) < 2 * math.pi - TURNED

    return "".join("\n" if turned(i) else c for i, c in enumerate(text))


def _drawing(page: pdfium_c.FPDF_PAGE) -> tuple[int, bool]:
    """How many path objects the page draws, and whether any text object is drawn at an angle.

    One walk over the page's objects, into forms (a stamp is often a form laid over the
    page) with their matrices: a text object's matrix turns all its characters, so the
    costly per-character angles are asked only where one is turned. The calls go through
    pdfium_calls' plain-address bindings: a page holds dozens of text objects.
    """
    paths = 0
    turned = False
    m = pdfium_c.FS_MATRIX()
    ref = ctypes.addressof(m)
    get_type, get_matrix = calls.object_type, calls.object_matrix
    path_t, text_t, form_t = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM

    def walk(objects: list[int], outer: tuple[float, float, float, float]) -> None:
        nonlocal paths, turned
        for obj in objects:
            kind = get_type(obj)
            if kind == path_t:
                paths += 1
            elif kind == text_t:
                if not turned and get_matrix(obj, ref):
                    a, b, c, d = outer
                    turned = abs(math.atan2(m.a * b + m.b * d, m.a * a + m.b * c)) > TURNED
            elif kind == form_t and get_matrix(obj, ref):
                a, b, c, d = outer
                inner = (m.a * a + m.b * c, m.a * b + m.b * d, m.c * a + m.d * c, m.c * b + m.d * d)
                walk([calls.form_object(obj, k) for k in range(calls.form_count(obj))], inner)

    handle = calls.handle(page)
    walk([calls.page_object(handle, i) for i in range(calls.count_objects(handle))], (1.0, 0.0, 0.0, 1.0))
    return paths, turned


def _page_lines(tp: pdfium.PdfTextPage, number: int, height: float, turned: bool = True) -> tuple[list[Line], list, TextLayer]:
    """Split pdfium's text into lines, each with the box of its first and last character.

    Also gives the page text and where each pdfium line lies, for the table finder (grid.py).
    """
    n = tp.count_chars()
    raw_text = tp.get_text_range(0, n) if n else ""
    text = _blank_turned(tp.raw, raw_text) if n and turned else raw_text
    layer = TextLayer(raw=raw_text, shown=text)
    spans = layer.spans
    lines: list[Line] = []
    supers: list[tuple[int, int, int, str]] = []
    # Raw calls into one reused box: the helper's per-call allocations cost more than pdfium.
    raw_tp = tp.raw
    charbox = CharBoxes(raw_tp).tight  # left, bottom, right, top

    font_size = calls.font_size
    tp_handle = calls.handle(raw_tp)
    for m in LINE.finditer(text):
        stripped = m.group(1)
        first, last = m.start(1), m.end(1) - 1
        l0, b0, r0, t0 = charbox(first)
        l1, b1, r1, t1 = charbox(last)
        spans.append((first, last + 1, height - max(t0, t1), height - min(b0, b1)))
        size = font_size(tp_handle, first)
        for sm in SUPERSCRIPT_CANDIDATE.finditer(stripped):
            if font_size(tp_handle, first + sm.start(1)) < 0.8 * size:
                supers.append((len(lines), sm.start(1), sm.end(1), sm.group(1)))
        lines.append(Line(stripped, number, height - t0, height - t1, height - b0, l0, r1, size))
    return lines, supers, layer


def read_pages(source: PdfSource) -> list[Page]:
    """Lines with geometry for every page, before any clean-up across pages."""
    pdf = open_pdf(source)
    pages: list[Page] = []
    ocr_problem: str | None = None
    try:
        for i in range(len(pdf)):
            t0 = time.process_time()
            page = pdf[i]
            rotation = page.get_rotation()
            if rotation:
                # /Rotate only turns the display: read in the page's own space, where the text is
                # upright (pdfium orders rotated text as it is shown, and get_size swaps sides).
                page.set_rotation(0)
            width, height = page.get_size()
            tp = page.get_textpage()
            paths, turned = _drawing(page.raw)
            lines, supers, layer = _page_lines(tp, i + 1, height, turned)
            ruling = paths >= RULING_PATHS
            t_tab = time.process_time()
            tables = read_tables(page, tp, layer, height) if ruling else []
            t_tab = time.process_time() - t_tab
            tp.close()
            lines, supers = in_reading_order(lines, supers, width)  # two columns: left, then right
            text_source, note = "text", None
            if sum(len(ln.text) for ln in lines) < MIN_PAGE_CHARS:
                text_source = "empty"
                if _is_scan(page, width, height):
                    try:
                        lines, supers, text_source = _ocr_page(page, i + 1)
                    except OcrUnavailable as exc:
                        ocr_problem = str(exc)  # the page stays empty; fatal only if no page has text
                        note = f"page {i + 1} is a scan and was not read: {exc}"
            pages.append(
                Page(
                    number=i + 1,
                    width=width,
                    height=height,
                    lines=lines,
                    ruling=ruling,
                    chars=sum(len(ln.text) for ln in lines),
                    superscripts=supers,
                    tables=tables,
                    text_source=text_source,
                    note=note,
                    rotation=rotation,
                    t_tables=t_tab,
                )
            )
            page.close()
            pages[-1].t_read = time.process_time() - t0 - t_tab
    finally:
        pdf.close()
    if not pages:
        raise NoPages("a PDF with no pages")
    if all(p.chars < MIN_PAGE_CHARS for p in pages):
        if ocr_problem:
            raise NoTextLayer(f"no text layer on any page, and OCR is not available: {ocr_problem}", error_type="ocr_unavailable")
        raise NoTextLayer(f"no text on any of {len(pages)} page(s): no text layer, and no scanned page that OCR could read")
    return pages


def _is_scan(page: pdfium.PdfPage, width: float, height: float) -> bool:
    """An image covering most of the page: a scan (a blank page or a page number alone is not)."""
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = (ctypes.c_float() for _ in range(4))
            has_bounds = pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
            if has_bounds and (right.value - left.value) * (top.value - bottom.value) > 0.5 * width * height:
                return True
    return False


def _ocr_page(page: pdfium.PdfPage, number: int) -> tuple[list[Line], list, str]:
    """A page without a text layer, read by Tesseract (OcrUnavailable when it is not installed)."""
    found = ocr_lines(page)
    lines = [Line(text=o.text, page=number, top=o.top, last_top=o.last_top, bottom=o.bottom, x0=o.x0, x1=o.x1, size=o.size) for o in found]
    return lines, [], ("ocr" if lines else "empty")


def read_tables(page: pdfium.PdfPage, tp: pdfium.PdfTextPage, layer: TextLayer, height: float) -> list[FoundTable]:
    """The ruling-line tables of an open page (see grid.py), in the coordinates of its lines.

    Asked only on pages whose drawing has ruling lines; a page read with /Rotate set to 0 has
    its rules and characters in the same upright space as its lines.
    """
    return [FoundTable(bbox=bbox, rows=rows) for bbox, rows in find_tables(page.raw, tp.raw, layer, height)]


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
    return last if re.search(r"[^\W\d_]{3}", last) else None  # words, not a row of figures


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
        _reindex_superscripts(page, keep)
        page.lines = keep


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
                prev.lines = lines = [ln for ln in lines if id(ln) not in block_ids]
                top = block[0].top
        if lines and lines[-1].bottom <= top + 1 and _overlaps(lines[-1], table.bbox):
            sentence = _sentence_before(table, lines, top)
            if sentence and ANNOUNCES_TABLE.search(sentence):
                table.sentence = sentence


def _reindex_superscripts(page: Page, keep: list[Line]) -> None:
    if not page.superscripts:
        return
    index = {id(ln): i for i, ln in enumerate(keep)}
    page.superscripts = [
        (index[id(page.lines[li])], s, e, d)
        for li, s, e, d in page.superscripts
        if id(page.lines[li]) in index
    ]


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
        if not marginal:
            page.printed_number = None
            continue
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
        if dropped:
            dropped -= _header_block(page.lines) | _answer_block(page.lines)
        if not dropped:
            page.printed_number = None
            continue
        page.printed_number = _printed_number([ln for ln in marginal if id(ln) in dropped])
        keep = [ln for ln in page.lines if id(ln) not in dropped]
        _reindex_superscripts(page, keep)
        page.lines = keep


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
    if not any("ANTWOORD" in ln.text for ln in lines):  # answer_blocks looks for "ANTWOORD" alone on a line
        return block
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


def split_footnotes(page: Page) -> None:
    """Move the footnote bodies at the page bottom (smaller font, numbered) out of the lines."""
    if len(page.lines) < 2:
        return
    body_size = statistics.median(ln.size for ln in page.lines)
    i = len(page.lines)
    while i > 0 and page.lines[i - 1].size < 0.9 * body_size:
        i -= 1
    block = page.lines[i:]
    if not block or not FOOTNOTE_START.match(block[0].text):
        return
    notes: list[Footnote] = []
    for ln in block:
        m = FOOTNOTE_START.match(ln.text)
        if m and (not notes or int(m.group(1)) == int(notes[-1].marker) + 1):
            notes.append(Footnote(marker=m.group(1), text=m.group(2), page=page.number))
        elif notes:
            notes[-1].text = join_lines([notes[-1].text, ln.text])
    page.footnotes = notes
    page.lines = page.lines[:i]
    markers = {n.marker for n in notes}
    # Remove superscript markers fused onto words ("leakage1") only where a body exists.
    for li, s, e, digits in sorted(page.superscripts, key=lambda x: (x[0], -x[1])):
        if digits in markers and li < len(page.lines):
            ln = page.lines[li]
            ln.text = ln.text[:s] + ln.text[e:]
    page.superscripts = []


def _wrapped_url(last_word: str, next_line: str) -> bool:
    """The line ended inside a link: only the last word of the line so far is looked at."""
    if "://" not in last_word and not last_word.startswith("www."):
        return False
    if URL_BROKEN.match(last_word):
        return not next_line[:1].isupper()  # "...be." + "Daarna" ends a sentence
    return bool(URL_END.match(last_word) and URL_CONTINUES.match(next_line))


def join_lines(parts: list[str]) -> str:
    """Join printed lines of one paragraph; line-end hyphens were settled by clean_line."""
    out = ""
    for p in parts:
        if not out:
            out = p
        elif out.endswith("-") and p[:1].isalpha() and not out.endswith(" -"):
            out += p  # a kept compound hyphen at a line end: "CIE-" + "uitgaventoetsing"
        elif _wrapped_url(out[out.rfind(" ") + 1 :], p):
            out += p  # a link wrapped inside: "http://.../link?" + "id=17156", ".../parlemen" + "tair-werk/..."
        elif out.endswith("-") and out[-2:-1].isdigit() and p[:1].isdigit():
            out += p  # a range wrapped after its dash: "2019-" + "2023"
        else:
            out += " " + p
    return out


def clean_pages(source: PdfSource, pages: list[Page]) -> list[Page]:
    """Cut tables (found by read_pages), furniture and footnotes, then clean lines.

    Footnote markers are removed at the offsets pdfium gave, so the characters are cleaned
    (ligatures, soft hyphens, spaces) only afterwards.
    """
    drop_tables(pages)
    strip_furniture(pages)
    for page in pages:
        split_footnotes(page)
        for ln in page.lines:
            ln.text = clean_line(ln.text)
        for fn in page.footnotes:
            fn.text = clean_line(fn.text)
        page.lines = [ln for ln in page.lines if ln.text]
    captions_across_pages(pages)
    return pages


def extract_text(source: PdfSource) -> list[Page]:
    """The text stage: cleaned body lines per page, furniture removed, footnotes apart."""
    data = _pdf_bytes(source)
    return clean_pages(data, read_pages(data))
