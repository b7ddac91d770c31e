"""OCR for pages without a text layer (scans), with Tesseract's Dutch model.

Pages are rendered by pypdfium2 and read by Tesseract through pytesseract; its word boxes
become printed lines with the same geometry the text layer gives, so furniture, footnotes,
paragraphs and items are found the same way on scanned pages.

Tesseract reads the page as one uniform block (`--psm 6`): its automatic page segmentation
(the default) drops an item label standing alone on its line ("2." above its text) as noise,
and with it the item. A line of the block that holds a wide horizontal gap (two columns,
a table's cells) is cut there, as the text layer would give two lines; a justified line,
whose gaps are all stretched alike, is not. A line ending in a hyphen is glued to the line
below it with pdfium's soft-break mark, so the text stage settles it ("fundamen-" +
"tele", "Knokke-" + "Heist") exactly as it settles the text layer's.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
from dataclasses import replace
from functools import cache
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.text.ocr_repair import is_ruling, repair_labels, repair_line
from pipeline.text.page import Line

DPI = 300  # for a page whose scan resolution is unknown
# A scan is rendered at its own resolution (pdfium resampling a 200 dpi scan to 300 dpi
# blurred a lone "1." into "Ls"), then a coarser one is enlarged to READ_DPI with bicubic
# resampling for Tesseract, whose glyphs are trained at about that size: on 200 and 250 dpi
# scans this read "3." (not "8."), "2." (not "2") and "continuïteit" (not "continuiteit").
# Lanczos rings ("1." became "1;"); Otsu binarisation lost dots and diaereses.
READ_DPI = 300
# Outside this range Tesseract reads worse (too coarse) or only slower.
DPI_RANGE = (150, 400)
LANG = "nld"
INSTALL_HINT = "install Tesseract with its Dutch model: apt-get install tesseract-ocr tesseract-ocr-nld"
CONFIG = "--psm 6"
# A gap between two words wider than this many line heights parts them into two lines...
COLUMN_GAP = 2.0
# ...unless the line is justified: two or more gaps, the widest within this share of the
# narrowest (a column gutter or a table's cells stand out from the words' spacing).
JUSTIFIED_SPREAD = 1.25
SOFT_BREAK = "\ufffe"  # pypdfium2's mark of a line-end hyphen (see cleanup.py)
LINE_END_HYPHEN = re.compile(r"\w-$")


class OcrUnavailable(RuntimeError):
    pass


@cache
def check_tesseract() -> str | None:
    """None when Tesseract with the Dutch model is usable, else why not."""
    exe = shutil.which("tesseract")
    if exe is None:
        return f"Tesseract is not installed; {INSTALL_HINT}"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract does not run ({exc}); {INSTALL_HINT}"
    if LANG not in langs:
        return f"Tesseract has no Dutch model ('{LANG}'); {INSTALL_HINT}"
    return None


def ocr_lines(page: pdfium.PdfPage, number: int) -> list[Line]:
    """Page `number`'s printed lines, top to bottom, read by Tesseract, in PDF points from the
    page top; a line glued to the next after its line-end hyphen has `last_top` on that next
    line, as pdfium gives it."""
    import pytesseract
    from PIL import Image

    problem = check_tesseract()
    if problem:
        raise OcrUnavailable(problem)
    dpi = scan_dpi(page)
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    read_dpi = max(dpi, READ_DPI)
    if read_dpi > dpi:
        factor = read_dpi / dpi
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.BICUBIC)
    scale = read_dpi / 72
    # One thread per Tesseract: workers already run in parallel, and its OpenMP threads
    # fighting over the same cores made a page three times slower.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(image, lang=LANG, config=CONFIG, output_type=pytesseract.Output.DICT)
    return repaired(glue_hyphenated(words_to_lines(data, scale, number)))


def words_to_lines(data: dict[str, list[Any]], scale: float, number: int) -> list[Line]:
    """Tesseract's words (image_to_data) as printed lines, cut at wide gaps, in reading order."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip():
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    out = []
    for idx in lines.values():
        for words in split_at_gaps(sorted(idx, key=lambda i: data["left"][i]), data):
            top = min(data["top"][i] for i in words) / scale
            bottom = max(data["top"][i] + data["height"][i] for i in words) / scale
            x0 = min(data["left"][i] for i in words) / scale
            x1 = max(data["left"][i] + data["width"][i] for i in words) / scale
            text = " ".join(data["text"][i] for i in words)
            # Word boxes hold ascenders and descenders: the font size is about 3/4 of the line box.
            out.append(Line(text, number, top, top, bottom, x0, x1, round((bottom - top) * 0.75, 1)))
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


def repaired(lines: list[Line]) -> list[Line]:
    """The lines with ocr_repair's repairs, ruling lines read as characters dropped."""
    out: list[Line] = []
    for ln in lines:
        if not is_ruling(ln.text):
            out.append(replace(ln, text=repair_line(ln.text, out[-1].text if out else "")))
    return [replace(ln, text=text) for ln, text in zip(out, repair_labels([ln.text for ln in out]), strict=True)]


def split_at_gaps(words: list[int], data: dict[str, list[Any]]) -> list[list[int]]:
    """Cut one Tesseract line (word indexes, left to right) where two words stand far apart."""
    height = max(data["height"][i] for i in words)
    gaps = [data["left"][cur] - (data["left"][prev] + data["width"][prev]) for prev, cur in zip(words, words[1:], strict=False)]
    if len(gaps) >= 2 and min(gaps) > 0 and max(gaps) <= JUSTIFIED_SPREAD * min(gaps):
        return [words]  # a justified line: every gap stretched alike
    parts = [[words[0]]]
    for cur, gap in zip(words[1:], gaps, strict=True):
        if gap > COLUMN_GAP * height:
            parts.append([])
        parts[-1].append(cur)
    return parts


def glue_hyphenated(lines: list[Line]) -> list[Line]:
    """Glue a line ending in "word-" to the line below it in its column, the hyphen turned
    into the soft-break mark: pdfium's form, which the text stage settles with its lexicon."""
    out = list(lines)
    i = 0
    while i < len(out):
        ln = out[i]
        j = _line_below(out, i) if LINE_END_HYPHEN.search(ln.text) else None
        if j is None:
            i += 1
            continue
        nxt = out.pop(j)
        out[i] = replace(ln, text=ln.text[:-1] + SOFT_BREAK + nxt.text, last_top=nxt.top, x1=nxt.x1)
    return out


def _line_below(lines: list[Line], i: int) -> int | None:
    """The index of the next printed line under lines[i] in the same column, if any."""
    ln = lines[i]
    height = ln.bottom - ln.top
    for j in range(i + 1, len(lines)):
        cand = lines[j]
        if cand.top < ln.last_top + 0.5 * height:
            continue  # the same printed line (another column's piece)
        if cand.top > ln.last_top + 2.5 * height:
            return None
        if cand.x0 < ln.x1 and cand.x1 > ln.x0:
            return j
    return None


def scan_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the largest image on the page (its pixels over its printed width)."""
    best, dpi = 0.0, float(DPI)
    width_px, height_px = ctypes.c_uint(), ctypes.c_uint()
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        area = (right.value - left.value) * (top.value - bottom.value)
        if area > best and pdfium_c.FPDFImageObj_GetImagePixelSize(obj, width_px, height_px) and right.value > left.value:
            best, dpi = area, width_px.value / (right.value - left.value) * 72
    return min(max(dpi, DPI_RANGE[0]), DPI_RANGE[1])
