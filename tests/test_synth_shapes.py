"""The generator's archive shapes (tests/synth/shapes.py): real renders, checked with pdfium."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES
from conftest import load_spec as read_json

from tests.synth import render
from tests.synth.shapes import load_spec, output_suffix, shape_of

SV303 = SAMPLES / "sv303-2022-2023.json"
SV9 = SAMPLES / "sv9-2010-2011.json"


def _pages(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _rotations(pdf: Path) -> list[int]:
    doc = pdfium.PdfDocument(str(pdf))
    return [doc[i].get_rotation() for i in range(len(doc))]


@pytest.fixture(scope="module")
def upright(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("upright") / "sv303.pdf"
    render(read_json(SV303), out)
    return out


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ({"renderer": "reportlab"}, "sv"),
        ({}, "sv"),
        ({"renderer": "docx"}, "docx"),
        ({"renderer": "docx", "keep_docx": True}, "docx-file"),
        ({"shape": "multi", "parts": []}, "multi"),
        ({"shape": "rotated", "renderer": "docx"}, "rotated"),
        ({"shape": "bulletin-2col"}, "bulletin-2col"),
    ],
)
def test_shape_of(spec: dict, want: str) -> None:
    assert shape_of(spec) == want


@pytest.mark.parametrize(("spec", "want"), [({}, ".pdf"), ({"shape": "scan"}, ".pdf"), ({"keep_docx": True}, ".docx")])
def test_output_suffix(spec: dict, want: str) -> None:
    assert output_suffix(spec) == want


def test_base_is_the_upright_spec_with_the_copy_keys_laid_over(tmp_path: Path) -> None:
    (tmp_path / "up.json").write_text(json.dumps({"number": 7, "title": "A  -  B", "shape": "sv"}), encoding="utf-8")
    (tmp_path / "rot.json").write_text(json.dumps({"shape": "rotated", "base": "up.json", "rotate": 90}), encoding="utf-8")
    (tmp_path / "rot2.json").write_text(json.dumps({"base": "rot.json", "rotate": 180, "pages": [2]}), encoding="utf-8")
    assert load_spec(tmp_path / "rot.json") == {"number": 7, "title": "A  -  B", "shape": "rotated", "rotate": 90}
    # A base of a base: the nearest keys win, the upright's own shape never leaks through.
    assert load_spec(tmp_path / "rot2.json") == {"number": 7, "title": "A  -  B", "rotate": 180, "pages": [2]}


@pytest.mark.parametrize(
    ("degrees", "pages", "want"),
    [(90, None, [90, 90]), (180, None, [180, 180]), (270, None, [270, 270]), (90, [2], [0, 90]), (270, [1], [270, 0])],
)
def test_rotated_copy_has_the_rotation_and_the_same_text(upright: Path, tmp_path: Path, degrees: int, pages, want) -> None:
    spec = {**read_json(SV303), "shape": "rotated", "rotate": degrees}
    if pages:
        spec["pages"] = pages
    out = tmp_path / "rot.pdf"
    render(spec, out)
    assert _rotations(upright) == [0, 0]
    assert _rotations(out) == want
    # Same characters on every page (pdfium's reading order follows the rotation).
    assert [sorted(t.split()) for t in _pages(out)] == [sorted(t.split()) for t in _pages(upright)]


@pytest.mark.parametrize("bad", [{"rotate": 45}, {"rotate": 90, "pages": [3]}])
def test_rotation_outside_what_a_viewer_saves_is_refused(tmp_path: Path, bad: dict) -> None:
    with pytest.raises(ValueError, match="rotate"):
        render({**read_json(SV303), "shape": "rotated", **bad}, tmp_path / "x.pdf")


def test_multi_puts_the_questions_one_after_the_other_with_page_numbers_restarting(tmp_path: Path) -> None:
    first, second = read_json(SV303), read_json(SV9)
    first["header"] = True
    out = tmp_path / "multi.pdf"
    render({"shape": "multi", "parts": [first, second]}, out)
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    render(first, one)
    render(second, two)
    assert _pages(out) == _pages(one) + _pages(two)
    heads = [i for i, text in enumerate(_pages(out)) if text.startswith("SCHRIFTELIJKE VRAAG")]
    assert heads == [0, len(_pages(one))]
    # Each part keeps its own page numbers: the first page of the second part says 1 again.
    assert _pages(out)[len(_pages(one))].rstrip().endswith("1")


def test_multi_needs_two_parts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two or more"):
        render({"shape": "multi", "parts": [read_json(SV303)]}, tmp_path / "x.pdf")


@pytest.mark.parametrize("dpi", [200, 300])
def test_scan_has_only_page_images_at_the_resolution(upright: Path, tmp_path: Path, dpi: int) -> None:
    out = tmp_path / "scan.pdf"
    render({**read_json(SV303), "shape": "scan", "dpi": dpi}, out)
    doc = pdfium.PdfDocument(str(out))
    assert len(doc) == len(pdfium.PdfDocument(str(upright)))
    for page in doc:
        assert page.get_textpage().count_chars() == 0
        objs = list(page.get_objects())
        assert [o.type for o in objs] == [pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        width_px, _ = objs[0].get_px_size()
        assert width_px == round(page.get_width() * dpi / 72)


def test_keep_docx_writes_the_word_file_itself(tmp_path: Path) -> None:
    spec = {**read_json(SV9), "renderer": "docx", "keep_docx": True}
    out = tmp_path / "q.docx"
    render(spec, out)
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "SCHRIFTELIJKE VRAAG" in body and "ANTWOORD" in body


@pytest.mark.parametrize(
    "extra",
    [
        {"shape": "rotated", "rotate": 90},
        {"shape": "scan", "dpi": 200},
        {"renderer": "docx", "keep_docx": True},
        {"shape": "multi", "parts": [read_json(SV9), read_json(SV9)]},
    ],
    ids=["rotated", "scan", "docx-file", "multi"],
)
def test_shapes_render_to_the_same_bytes_twice(tmp_path: Path, extra: dict) -> None:
    spec = {**read_json(SV303), **extra}
    a, b = tmp_path / "a", tmp_path / "b"
    render(spec, a)
    render(spec, b)
    assert a.read_bytes() == b.read_bytes()
