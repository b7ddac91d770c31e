"""OCR for pages without a text layer (scans), with Tesseract's Dutch model.

Pages are rendered by pypdfium2 and read by Tesseract through pytesseract; its word boxes
become printed lines with the same geometry the text layer gives, so furniture, footnotes
and paragraphs are found the same way on scanned pages.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

import pypdfium2 as pdfium

DPI = 300
LANG = "nld"
INSTALL_HINT = "install Tesseract with its Dutch model: apt-get install tesseract-ocr tesseract-ocr-nld"


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
    scale = DPI / 72
    image = page.render(scale=scale, grayscale=True).to_pil()
    data = pytesseract.image_to_data(image, lang=LANG, output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip():
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    out = []
    for idx in lines.values():
        words = sorted(idx, key=lambda i: data["left"][i])
        top = min(data["top"][i] for i in words) / scale
        bottom = max(data["top"][i] + data["height"][i] for i in words) / scale
        x0 = min(data["left"][i] for i in words) / scale
        x1 = max(data["left"][i] + data["width"][i] for i in words) / scale
        # Word boxes hold ascenders and descenders: the font size is about 3/4 of the line box.
        out.append((" ".join(data["text"][i] for i in words), top, bottom, x0, x1, round((bottom - top) * 0.75, 1)))
    out.sort(key=lambda ln: (ln[1], ln[3]))
    return out
