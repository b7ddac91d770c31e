"""Archive shapes built from single-question specs: several questions in one PDF, rotated
pages, scans, and Word files kept as .docx (tests/devset/FORMAT.md, "Shapes").

Every shape is made from what the plain renderers produce, so a shape's gold is the gold
of the upright, single documents it is made of. Output bytes are deterministic for a
given library version (pdfium writes no timestamps; the .docx zip gets fixed dates).
"""

from __future__ import annotations

import hashlib
import io
import json
import pathlib
import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium

from pipeline.tools.devset import load_spec, shape_of

__all__ = [
    "SHAPES",
    "concatenate",
    "load_spec",
    "output_suffix",
    "rasterise",
    "render_shape",
    "rotate",
    "shape_of",
    "spec_inputs",
]

SHAPES = ("multi", "rotated", "scan", "docx-file")
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FIXED_PDF_DATE = time.gmtime(946684800)  # 2000-01-01: Pillow would stamp the save time
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")

Render = Callable[[dict[str, Any], pathlib.Path], None]




def output_suffix(spec: dict[str, Any]) -> str:
    """".docx" for a spec whose output is the Word file itself, else ".pdf"."""
    return ".docx" if spec.get("keep_docx") else ".pdf"




def spec_inputs(path: pathlib.Path) -> list[pathlib.Path]:
    """The spec file and every base it names: a rendered file is stale when any is newer."""
    path = pathlib.Path(path)
    out = [path]
    base = json.loads(path.read_text(encoding="utf-8")).get("base")
    if base:
        out += spec_inputs(path.parent / base)
    return out


def _save_stable(doc: pdfium.PdfDocument, out_pdf: pathlib.Path) -> None:
    """Save with pdfium, then replace the trailer /ID (pdfium makes it up anew on every save)
    by a digest of the file, keeping its length so the cross-reference offsets stay right."""
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    found = list(_TRAILER_ID.finditer(data))
    if found:
        match = found[-1]
        digest = hashlib.sha256(data[: match.start()] + data[match.end() :]).hexdigest().upper().encode()
        ids = [(digest * 4)[: len(match.group(g))] for g in (1, 2)]
        data = data[: match.start(1)] + ids[0] + data[match.end(1) : match.start(2)] + ids[1] + data[match.end(2) :]
    pathlib.Path(out_pdf).write_bytes(data)


def concatenate(pdfs: list[pathlib.Path], out_pdf: pathlib.Path) -> None:
    """Pages of several PDFs one after the other in one file (each keeps its own page numbers)."""
    # Pages go into the first file, not into PdfDocument.new(): pdfium stamps a new
    # document with the creation time, and the bytes would change every second.
    merged = pdfium.PdfDocument(str(pdfs[0]))
    for pdf in pdfs[1:]:
        src = pdfium.PdfDocument(str(pdf))
        merged.import_pages(src)
        src.close()
    _save_stable(merged, out_pdf)
    merged.close()


def rotate(pdf: pathlib.Path, out_pdf: pathlib.Path, degrees: int, pages: list[int] | None = None) -> None:
    """Save `pdf` with /Rotate `degrees` on the given 1-based pages (all when None)."""
    if degrees not in (90, 180, 270):
        raise ValueError(f"rotate: {degrees!r} (want 90, 180 or 270)")
    doc = pdfium.PdfDocument(str(pdf))
    wanted = set(pages) if pages else set(range(1, len(doc) + 1))
    if not wanted <= set(range(1, len(doc) + 1)):
        raise ValueError(f"rotate pages {sorted(wanted)} not in 1..{len(doc)}")
    for n in sorted(wanted):
        doc[n - 1].set_rotation(degrees)
    _save_stable(doc, out_pdf)
    doc.close()


def rasterise(pdf: pathlib.Path, out_pdf: pathlib.Path, dpi: int = 200) -> None:
    """Keep only grayscale page images at `dpi`: what a scanner produces (no text layer)."""
    doc = pdfium.PdfDocument(str(pdf))
    images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    doc.close()
    images[0].save(
        str(out_pdf), format="PDF", save_all=True, append_images=images[1:], resolution=dpi,
        title=None, creationDate=_FIXED_PDF_DATE, modDate=_FIXED_PDF_DATE,  # Pillow stamps file name and time
    )


def write_docx(spec: dict[str, Any], out_docx: pathlib.Path) -> None:
    """The python-docx file of a docx spec, with fixed zip dates so the bytes are stable."""
    from tests.synth.layout_docx import build_docx

    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="synth-keep-") as tmp:
        raw = pathlib.Path(tmp) / "doc.docx"
        build_docx(spec, raw)
        with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_DATE)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(fixed, zin.read(info.filename))
    pathlib.Path(out_docx).write_bytes(buf.getvalue())


def render_shape(spec: dict[str, Any], out: pathlib.Path, render_single: Render) -> None:
    """Render a shape spec to `out`, using `render_single` for the plain documents inside it."""
    shape = spec.get("shape")
    single = {k: v for k, v in spec.items() if k not in ("shape", "rotate", "pages", "dpi")}
    if spec.get("keep_docx"):
        if (spec.get("renderer") or "docx") != "docx":
            raise ValueError("keep_docx needs renderer docx")
        write_docx(single, out)
        return
    with tempfile.TemporaryDirectory(prefix="synth-shape-") as tmp:
        tmpdir = pathlib.Path(tmp)
        if shape == "multi":
            parts = spec.get("parts") or []
            if len(parts) < 2:
                raise ValueError("multi: give two or more parts")
            pdfs = []
            for n, part in enumerate(parts, start=1):
                pdfs.append(tmpdir / f"part{n}.pdf")
                render_single(part, pdfs[-1])
            concatenate(pdfs, out)
            return
        upright = tmpdir / "upright.pdf"
        render_single(single, upright)
        if shape == "rotated":
            rotate(upright, out, int(spec["rotate"]), spec.get("pages"))
        elif shape == "scan":
            dpi = int(spec.get("dpi", 200))
            if not 150 <= dpi <= 600:
                raise ValueError(f"scan dpi {dpi} outside 150..600")
            rasterise(upright, out, dpi)
        else:
            raise ValueError(f"unknown shape: {shape!r}")
