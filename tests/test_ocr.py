"""Scanned pages: a generated question rasterised to an image-only PDF is read by Tesseract."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec

from pipeline.batch.document import process_file
from pipeline.text import ocr
from pipeline.text.page import Line
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


# sv512: labels on their own line above their text ("1." then a line break), lettered a) b),
# "artikel 4, § 3, 2°"; sv9: labels inline, lettered sub-items in question and answer,
# footnotes, "artikel 29, § 2,". Archive scanners used 200 to 300 dpi; coarser scans are
# enlarged for Tesseract (at 200 dpi unenlarged, sv512's "3." read as "8." and "2." as "2").
@NEEDS_TESSERACT
@pytest.mark.parametrize(("sample", "dpi"), [("sv512-2019-2020", 300), ("sv512-2019-2020", 200), ("sv9-2010-2011", 300), ("sv9-2010-2011", 250)])
def test_scan_keeps_items_and_paragraphs(render_spec, tmp_path: Path, sample: str, dpi: int) -> None:
    spec = load_spec(SAMPLES / f"{sample}.json")
    text_pdf = render_spec(spec, f"{sample}.pdf")
    text, scan = process_file(text_pdf, "t.pdf"), process_file(_scan(text_pdf, tmp_path / "scan.pdf", dpi), "s.pdf")
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
        # each paragraph starts with the same words (OCR may misread a character further on)
        assert [p.split()[:2] for p in paras_scan] == [p.split()[:2] for p in paras_text], part
    for table in ("dates", "article_refs"):  # "§" kept, hyphenated words at line ends joined
        assert [(m["part"], m["text"]) for m in scan.rows[table]] == [(m["part"], m["text"]) for m in text.rows[table]], table


def _words(*rows: tuple[str, int, int, int]) -> dict[str, list]:
    """image_to_data's columns for words of one Tesseract line: (text, left, width, height)."""
    return {
        "text": [r[0] for r in rows], "left": [r[1] for r in rows], "width": [r[2] for r in rows], "height": [r[3] for r in rows],
        "top": [100] * len(rows), "block_num": [1] * len(rows), "par_num": [1] * len(rows), "line_num": [1] * len(rows),
    }


@pytest.mark.parametrize(
    ("rows", "want"),
    [
        # a justified line before a long URL: every gap stretched to three times the height
        ([("2", 249, 17, 26), ("juni", 358, 61, 42), ("2015.", 515, 93, 26), ("Het", 706, 58, 26), ("verslag", 856, 123, 42)], [["2", "juni", "2015.", "Het", "verslag"]]),
        # two columns: words at their spacing, then a gutter
        ([("de", 100, 40, 30), ("minister", 160, 120, 30), ("antwoordde", 300, 150, 30), ("Vraag", 700, 90, 30), ("nr.", 810, 40, 30)], [["de", "minister", "antwoordde"], ["Vraag", "nr."]]),
        # a table row: cells apart by unequal gaps
        ([("Antwerpen", 100, 150, 30), ("52.418", 600, 90, 30), ("29,70%", 900, 100, 30)], [["Antwerpen"], ["52.418"], ["29,70%"]]),
        # one wide gap alone: two cells
        ([("Limburg", 100, 120, 30), ("248", 600, 50, 30)], [["Limburg"], ["248"]]),
        # ordinary spacing
        ([("Op", 100, 40, 30), ("1", 155, 15, 30), ("maart", 185, 90, 30)], [["Op", "1", "maart"]]),
    ],
)
def test_wide_gaps_part_a_line_but_a_justified_line_stays_whole(rows, want) -> None:
    data = _words(*rows)
    assert [[data["text"][i] for i in part] for part in ocr.split_at_gaps(list(range(len(rows))), data)] == want


def _line(text: str, top: float, x0: float = 72.0, x1: float = 523.0) -> Line:
    return Line(text, 1, top, top, top + 10, x0, x1, 7.3)


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        # a soft break: glued with pdfium's mark, for the text stage's lexicon
        ([_line("Bovendien kende ik op 19 ja-", 100), _line("nuari 2024 subsidies toe", 112)], ["Bovendien kende ik op 19 ja\ufffenuari 2024 subsidies toe"]),
        # two in a row
        ([_line("een ab-", 100), _line("solute prio-", 112), _line("riteit", 124)], ["een ab\ufffesolute prio\ufffe" "riteit"]),
        # a dash with a space before it, a bullet, a hyphen not at the end: left alone
        ([_line("de cijfers -", 100), _line("zie bijlage", 112)], ["de cijfers -", "zie bijlage"]),
        ([_line("-", 100, 72, 78), _line("Antwerpen", 100, 90, 200)], ["-", "Antwerpen"]),
        ([_line("Knokke-Heist en", 100), _line("Oostende", 112)], ["Knokke-Heist en", "Oostende"]),
        # the next line is in the other column, or far below (a new block): not glued
        ([_line("de ver-", 100, 72, 290), _line("Vraag nr. 4", 100, 305, 523)], ["de ver-", "Vraag nr. 4"]),
        ([_line("de ver-", 100, 72, 290), _line("Vraag nr. 4", 100, 305, 523), _line("slaggeving", 112, 72, 290)], ["de ver\ufffeslaggeving", "Vraag nr. 4"]),
        ([_line("einde van de pagina ver-", 100), _line("Voetnoot", 160)], ["einde van de pagina ver-", "Voetnoot"]),
    ],
)
def test_line_end_hyphens_are_glued_as_pdfium_does(lines, want) -> None:
    glued = ocr.glue_hyphenated(lines)
    assert [ln.text for ln in glued] == want
    if len(lines) == 2 and len(glued) == 1:
        assert (glued[0].top, glued[0].last_top) == (lines[0].top, lines[1].top)
