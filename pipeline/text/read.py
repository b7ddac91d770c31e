"""The text stage: the PDF text layer per page, in reading order, as lines with geometry.

pypdfium2 gives the running text (about 60x faster than pdfplumber) and, on pages whose
drawing holds ruling lines, the tables (grid.py: rules from its path objects, cell text from
its character boxes, while the page is open), so that table regions are cut out of the
running text. Then the clean-up across a document's pages: tables and their captions cut
out (pipeline.text.captions), furniture dropped (pipeline.text.furniture), footnote bodies kept apart
here, because only geometry (position, font size) tells them from the running text.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import statistics
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.batch.inputs import HEAD_BYTES, open_regular
from pipeline.errors import BrokenPdf, EncryptedPdf, NoPages, NotAPdf, NoTextLayer
from pipeline.text import pdfium_calls as calls
from pipeline.text.captions import captions_across_pages, drop_tables
from pipeline.text.cleanup import clean_line, join_lines
from pipeline.text.columns import in_reading_order
from pipeline.text.filekind import describe
from pipeline.text.furniture import strip_furniture
from pipeline.text.grid import IDENTITY, Matrix, TextLayer, compose, find_tables
from pipeline.text.ocr import OcrUnavailable, ocr_lines
from pipeline.text.page import Footnote, FoundTable, Line, Page
from pipeline.text.pdfium_calls import CharBoxes

# A page with fewer characters than this is treated as a scan (no usable text layer).
MIN_PAGE_CHARS = 20
# Path objects on a page from which it is worth looking for ruling-line tables.
RULING_PATHS = 4
# A character whose baseline is turned more than this (radians, about 20 degrees) from the
# page's horizontal is a stamp or a margin note, not running text.
TURNED = 0.35

FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})\s+(\S.*)$")
LINE = re.compile(r"[^\S\r\n]*([^\r\n]*\S)")  # a line of the text; group 1 without its outer blanks
# A footnote marker's place: 1-3 digits right after a letter (not after a blank, digit,
# currency sign, bracket or punctuation), before a blank, punctuation or the line's end. The
# look back sits after the first digit so that the pattern starts with a digit, which re
# skips to (most lines hold none): twice as fast as starting with the look back.
SUPERSCRIPT_CANDIDATE = re.compile(r"(\d(?<=[^\s\d€$(/.,:-]\d)\d{0,2})(?=[\s.,;:!?)]|$)")


PdfSource = Path | bytes  # a path, or the bytes of the file read once (see pipeline.batch.inputs.snapshot)


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


def _drawing(page: pdfium_c.FPDF_PAGE) -> tuple[list[tuple[int, Matrix]], bool]:
    """The page's path objects with their page matrices (the rules of its tables, grid.rules),
    and whether any text object is drawn at an angle.

    One walk over the page's objects, into forms (a stamp or a table is often a form laid
    over the page) with their matrices: a text object's matrix turns all its characters, so
    the costly per-character angles are asked only where one is turned. The calls go through
    pdfium_calls' plain-address bindings: a page holds dozens of text objects.
    """
    paths: list[tuple[int, Matrix]] = []
    turned = False
    m = pdfium_c.FS_MATRIX()
    ref = ctypes.addressof(m)
    get_type, get_matrix = calls.object_type, calls.object_matrix
    path_t, text_t, form_t = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM

    def matrix(obj: int, outer: Matrix | None) -> Matrix:
        own = (m.a, m.b, m.c, m.d, m.e, m.f) if get_matrix(obj, ref) else IDENTITY
        return own if outer is None else compose(own, outer)

    def walk(objects: list[int], outer: Matrix | None) -> None:
        nonlocal turned
        for obj in objects:
            kind = get_type(obj)
            if kind == path_t:
                paths.append((obj, matrix(obj, outer)))
            elif kind == text_t:
                if not turned and get_matrix(obj, ref):
                    a, b = (m.a, m.b) if outer is None else compose((m.a, m.b, m.c, m.d, 0.0, 0.0), outer)[:2]
                    turned = abs(math.atan2(b, a)) > TURNED
            elif kind == form_t:
                walk([calls.form_object(obj, k) for k in range(calls.form_count(obj))], matrix(obj, outer))

    handle = calls.address(page)
    walk([calls.page_object(handle, i) for i in range(calls.count_objects(handle))], None)
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
    ends = CharBoxes(raw_tp).ends  # per line: left, right, bottom, top of its first and last character

    font_size = calls.font_size
    tp_handle = calls.address(raw_tp)
    find_supers = SUPERSCRIPT_CANDIDATE.finditer
    for m in LINE.finditer(text):
        stripped = m.group(1)
        first, end = m.span(1)
        l0, r0, b0, t0, l1, r1, b1, t1 = ends(first, end - 1)
        spans.append((first, end, height - (t0 if t0 > t1 else t1), height - (b0 if b0 < b1 else b1)))
        size = font_size(tp_handle, first)
        for sm in find_supers(stripped):
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
            ruling = len(paths) >= RULING_PATHS
            t_tab = time.process_time()
            tables = read_tables(paths, tp, layer, height) if ruling else []
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
    lines = ocr_lines(page, number)
    return lines, [], ("ocr" if lines else "empty")


def read_tables(paths: list[tuple[int, Matrix]], tp: pdfium.PdfTextPage, layer: TextLayer, height: float) -> list[FoundTable]:
    """The ruling-line tables of an open page (see grid.py), from its paths (_drawing), in the
    coordinates of its lines.

    Asked only on pages whose drawing has ruling lines; a page read with /Rotate set to 0 has
    its rules and characters in the same upright space as its lines.
    """
    return [FoundTable(bbox=bbox, rows=rows) for bbox, rows in find_tables(paths, tp.raw, layer, height)]


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
