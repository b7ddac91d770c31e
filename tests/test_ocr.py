"""Scanned pages: a generated question rasterised to an image-only PDF is read by Tesseract."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec

from pipeline import ocr
from pipeline.document import process_pdf
from pipeline.synth.shapes import rasterise

NEEDS_TESSERACT = pytest.mark.skipif(
    ocr.check_tesseract() is not None, reason=f"Tesseract with Dutch model not on this machine ({ocr.INSTALL_HINT}); .ci/run installs it"
)


def _rasterised(render_spec, tmp_path: Path) -> Path:
    """Render the SV 303 spec, then keep only page images: what a scanner produces."""
    spec = load_spec(SAMPLES / "sv303-2022-2023.json")
    spec["header"] = True
    out = tmp_path / "scan.pdf"
    rasterise(render_spec(spec), out, dpi=200)
    return out


@NEEDS_TESSERACT
def test_scanned_question_is_read_by_ocr(render_spec, tmp_path: Path) -> None:
    res = process_pdf(_rasterised(render_spec, tmp_path), "scan.pdf")
    assert res.error is None, res.error
    assert {p["text_source"] for p in res.rows["pages"]} == {"ocr"}
    doc = res.rows["documents"][0]
    assert (doc["number"], doc["asker"], doc["minister"], doc["session"]) == (303, "Chris Janssens", "Bart Somers", "2022-2023")
    assert doc["answered"] is True
    texts = [d["text"] for d in res.rows["dates"]]
    assert "van 1 april 2023 tot en met 31 december 2024" in texts
    assert [a["text"] for a in res.rows["amounts"]][-1] == "248.600 euro"


def test_without_tesseract_the_file_gets_an_error_row_saying_how_to_install(render_spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "check_tesseract", lambda: f"Tesseract is not installed; {ocr.INSTALL_HINT}")
    res = process_pdf(_rasterised(render_spec, tmp_path), "scan.pdf")
    assert res.error["error_type"] == "ocr_unavailable"
    assert res.error["stage"] == "text"
    assert "apt-get install tesseract-ocr tesseract-ocr-nld" in res.error["message"]


def test_one_scanned_page_without_tesseract_is_a_warning_not_a_failure(render_spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text PDF with one scanned page: the text is kept, the scan is named in `warnings`."""
    import pypdfium2 as pdfium

    monkeypatch.setattr(ocr, "check_tesseract", lambda: f"Tesseract is not installed; {ocr.INSTALL_HINT}")
    text_pdf = render_spec(load_spec(SAMPLES / "sv303-2022-2023.json"))
    scan = _rasterised(render_spec, tmp_path)
    merged = pdfium.PdfDocument(str(text_pdf))
    merged.import_pages(pdfium.PdfDocument(str(scan)), [0])
    out = tmp_path / "mixed.pdf"
    merged.save(str(out))
    res = process_pdf(out, "mixed.pdf")
    assert res.error is None, res.error
    doc = res.rows["documents"][0]
    assert doc["number"] == 303
    assert any("is a scan and was not read" in w and "apt-get install" in w for w in doc["warnings"])
    assert [p["text_source"] for p in res.rows["pages"]][-1] == "empty"
