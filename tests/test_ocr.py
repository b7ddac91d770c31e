"""Scanned pages: a generated question rasterised to an image-only PDF is read by Tesseract."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec

from pipeline import ocr
from pipeline.document import process_file
from tests.synth.shapes import rasterise

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
    res = process_file(_rasterised(render_spec, tmp_path), "scan.pdf")
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
    res = process_file(_rasterised(render_spec, tmp_path), "scan.pdf")
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
    res = process_file(out, "mixed.pdf")
    assert res.error is None, res.error
    doc = res.rows["documents"][0]
    assert doc["number"] == 303
    assert any("is a scan and was not read" in w and "apt-get install" in w for w in doc["warnings"])
    assert [p["text_source"] for p in res.rows["pages"]][-1] == "empty"


def _scan(text_pdf: Path, out: Path, dpi: int) -> Path:
    """Only page images of a rendered question, at an archive scanner's usual resolution."""
    rasterise(text_pdf, out, dpi=dpi)
    return out


# sv512: labels on their own line above their text ("1." then a line break), lettered a) b);
# sv9: labels inline, lettered sub-items in question and answer, footnotes.
@NEEDS_TESSERACT
@pytest.mark.parametrize("sample", ["sv512-2019-2020", "sv9-2010-2011"])
def test_scan_keeps_items_and_paragraphs(render_spec, tmp_path: Path, sample: str) -> None:
    spec = load_spec(SAMPLES / f"{sample}.json")
    text_pdf = render_spec(spec, f"{sample}.pdf")
    text, scan = process_file(text_pdf, "t.pdf"), process_file(_scan(text_pdf, tmp_path / "scan.pdf", 300), "s.pdf")
    assert scan.error is None, scan.error
    assert {p["text_source"] for p in scan.rows["pages"]} == {"ocr"}

    def structure(res) -> list[tuple]:
        return [(it["part"], it["label"], it["numbers"], it["level"], it["parent_seq"]) for it in res.rows["items"]]

    labels = [b["label"] for part in ("question", "answer") for b in spec[part] if isinstance(b, dict) and "label" in b]
    assert [s[1] for s in structure(text)] == labels  # the text layer reads what the spec printed
    assert structure(scan) == structure(text)
    for part in ("question_text", "answer_text"):
        paras_text = text.rows["documents"][0][part].split("\n")
        paras_scan = scan.rows["documents"][0][part].split("\n")
        assert len(paras_scan) == len(paras_text), part
        # each paragraph starts with the same words (OCR may misread a character further on: "§" as "8")
        assert [p.split()[:2] for p in paras_scan] == [p.split()[:2] for p in paras_text], part
