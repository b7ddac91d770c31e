"""OCR for pages without a text layer (scans), with Tesseract's Dutch model.

Pages are rendered by pypdfium2 and read by Tesseract through pytesseract; its word boxes
become printed lines with the same geometry the text layer gives, so furniture, footnotes,
paragraphs and items are found the same way on scanned pages.

Tesseract reads the page as one uniform block (`--psm 6`): its automatic page segmentation
(the default) drops an item label standing alone on its line ("2." above its text) as noise,
and with it the item. A line of the block that holds a wide horizontal gap (two columns,
a table's cells) is cut there, as the text layer would give two lines.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

DPI = 300  # for a page whose scan resolution is unknown
# Rendering a scan at its own resolution: resampling a 200 dpi scan to 300 dpi blurred a lone
# "1." into "Ls". Outside this range Tesseract reads worse (too coarse) or only slower.
DPI_RANGE = (150, 400)
LANG = "nld"
INSTALL_HINT = "install Tesseract with its Dutch model: apt-get install tesseract-ocr tesseract-ocr-nld"
CONFIG = "--psm 6"
# A gap between two words wider than this many line heights parts them into two lines.
COLUMN_GAP = 2.0
# An item label alone on its line, its dot read as a comma or colon ("4," for "4."): no
# running text is a number and a comma alone.
MISREAD_LABEL = re.compile(r"^(\d{1,2})[,:;]$")


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


def ocr_lines(page: pdfium.PdfPage) -> list[tuple[str, float, float, float, float, float]]:
    """(text, top, bottom, x0, x1, size) per line, in PDF points from the page top."""
    import pytesseract

    problem = check_tesseract()
    if problem:
        raise OcrUnavailable(problem)
    scale = scan_dpi(page) / 72
    image = page.render(scale=scale, grayscale=True).to_pil()
    # One thread per Tesseract: workers already run in parallel, and its OpenMP threads
    # fighting over the same cores made a page three times slower.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(image, lang=LANG, config=CONFIG, output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip():
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    out = []
    for idx in lines.values():
        for words in _split_at_gaps(sorted(idx, key=lambda i: data["left"][i]), data):
            top = min(data["top"][i] for i in words) / scale
            bottom = max(data["top"][i] + data["height"][i] for i in words) / scale
            x0 = min(data["left"][i] for i in words) / scale
            x1 = max(data["left"][i] + data["width"][i] for i in words) / scale
            text = MISREAD_LABEL.sub(r"\1.", " ".join(data["text"][i] for i in words))
            # Word boxes hold ascenders and descenders: the font size is about 3/4 of the line box.
            out.append((text, top, bottom, x0, x1, round((bottom - top) * 0.75, 1)))
    out.sort(key=lambda ln: (ln[1], ln[3]))
    return out


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


def _split_at_gaps(words: list[int], data: dict[str, list]) -> list[list[int]]:
    """Cut one Tesseract line (word indexes, left to right) where two words stand far apart."""
    height = max(data["height"][i] for i in words)
    parts = [[words[0]]]
    for prev, cur in zip(words, words[1:], strict=False):
        if data["left"][cur] - (data["left"][prev] + data["width"][prev]) > COLUMN_GAP * height:
            parts.append([])
        parts[-1].append(cur)
    return parts
