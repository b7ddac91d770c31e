"""Rotated pages and rotated stamps: a question saved with /Rotate 90, 180 or 270, or carrying a
stamp printed vertically along its margin, gives exactly the tables of the upright file.

The files are made from rendered samples: pypdfium2 sets each page's /Rotate, reportlab draws
the stamp (canvas rotate) on a page that pypdfium2 lays over every page as a form object.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES, load_spec
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.batch.document import process_file
from pipeline.text.read import extract_text

# (text, x, y, degrees counter-clockwise) in reportlab's A4 coordinates, origin bottom left.
STAMPS = {
    # a received-stamp running up the left margin
    "received, left margin": ("Ontvangen op 3 mei 2023", 30, 300, 90),
    # an archive number running down the right edge, level with the header and the title
    "archive, right edge": ("ARCHIEF VLAAMS PARLEMENT 2023/0815", 560, 790, 270),
    # up through the middle of the header block: pdfium glues it to the page number's line
    "received, across the header": ("Ontvangen op 3 mei 2023", 300, 640, 90),
}

CASES = [
    *[("sv512-2019-2020", rot, None) for rot in (0, 90, 180, 270)],
    *[("sv512-2019-2020", rot, stamp) for rot in (0, 90, 270) for stamp in STAMPS],
    ("sv512-2019-2020", 180, "archive, right edge"),
    *[("sv47-1996-1997", rot, None) for rot in (90, 180, 270)],  # a ruling-line table in the answer
    ("sv47-1996-1997", 90, "received, left margin"),
    *[("sv9-2010-2011", rot, None) for rot in (90, 180, 270)],  # footnotes
    ("sv9-2010-2011", 270, "archive, right edge"),
]


def _rotated(src: Path, out: Path, degrees: int) -> Path:
    pdf = pdfium.PdfDocument(str(src))
    for i in range(len(pdf)):
        pdf[i].set_rotation(degrees)
    pdf.save(str(out))
    return out


def _stamped(src: Path, out: Path, stamp: str) -> Path:
    text, x, y, angle = STAMPS[stamp]
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.translate(x, y)
    canvas.rotate(angle)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(0, 0, text)
    canvas.showPage()
    canvas.save()
    pdf = pdfium.PdfDocument(str(src))
    form = pdfium.PdfDocument(buf.getvalue()).page_as_xobject(0, pdf)
    for i in range(len(pdf)):
        page = pdf[i]
        page.insert_obj(form.as_pageobject())
        page.gen_content()
    pdf.save(str(out))
    return out


def _tables(path: Path) -> dict[str, list[dict]]:
    """Every table's rows without what names the file or its rotation."""
    res = process_file(path, "q.pdf")
    assert res.error is None, res.error
    drop = {"doc_id", "sha256", "rotation"}
    return {t: [{k: v for k, v in row.items() if k not in drop} for row in rows] for t, rows in res.rows.items()}


@pytest.fixture(scope="module")
def upright(render_spec):
    made: dict[str, tuple[Path, dict]] = {}

    def get(sample: str) -> tuple[Path, dict]:
        if sample not in made:
            spec = load_spec(SAMPLES / f"{sample}.json")
            made[sample] = (render_spec(spec, f"{sample}.pdf"), spec)
        return made[sample]

    return get


def _spec_labels(spec: dict, part: str) -> list[str]:
    return [b["label"] for b in spec.get(part) or [] if isinstance(b, dict) and "label" in b]


@pytest.mark.parametrize(("sample", "degrees", "stamp"), CASES, ids=[f"{s}-rot{r}-{t or 'no stamp'}" for s, r, t in CASES])
def test_rotated_or_stamped_file_gives_the_upright_tables(upright, tmp_path: Path, sample: str, degrees: int, stamp: str | None) -> None:
    src, spec = upright(sample)
    base = _tables(src)
    # the upright file itself is read as its spec says, so equality below is no shared mistake
    doc = base["documents"][0]
    assert (doc["number"], doc["title"]) == (spec["number"], " ".join(spec["title"].split()))
    for part in ("question", "answer"):
        assert [it["label"] for it in base["items"] if it["part"] == part] == _spec_labels(spec, part)

    path = src
    if stamp:
        path = _stamped(path, tmp_path / "stamped.pdf", stamp)
        raw = pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range()
        assert STAMPS[stamp][0] in "".join(raw.split("\r\n")), "the stamp is in the text layer"
    if degrees:
        path = _rotated(path, tmp_path / "rotated.pdf", degrees)

    res = process_file(path, "q.pdf")
    assert res.error is None, res.error
    assert [p["rotation"] for p in res.rows["pages"]] == [degrees] * len(base["pages"])
    got = _tables(path)
    for table, rows in base.items():
        assert got[table] == rows, table


def test_stamp_text_is_in_no_line(upright, tmp_path: Path) -> None:
    """The stamp is cut out per character: not in the title, the text, or glued to a page number."""
    src, _ = upright("sv512-2019-2020")
    for stamp in STAMPS:
        pages = extract_text(_stamped(src, tmp_path / "s.pdf", stamp))
        words = STAMPS[stamp][0].split()
        lines = [ln.text for p in pages for ln in p.lines]
        assert not [t for t in lines if words[0] in t or words[-1] in t], stamp
