"""Stage split: where the written questions of a file start, and one row per question.

The unit cases are page outlines in the forms real files take (domain.md, "Other
shapes"): each question on its own pages, with its own "SCHRIFTELIJKE VRAAG" header or,
without one, its title and later its own answer block, page numbers starting again.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.batch.document import process_file
from pipeline.commit.parts import read_table
from pipeline.split.split import question_starts
from pipeline.text.page import Line, Page
from tests.conftest import SAMPLES, load_spec

HEADER = ["SCHRIFTELIJKE VRAAG", "nr. 12", "van AN JANSSENS", "datum: 3 mei 2023", "aan JO BROUNS"]
ANSWER = ["JO BROUNS", "VLAAMS MINISTER VAN OMGEVING", "ANTWOORD", "op vraag nr. 12 van 3 mei 2023", "van AN JANSSENS"]
BODY = ["Een zin van de vraag of het antwoord, met gewone tekst erin."]


def _pages(outline: list[tuple[int | None, list[str]]]) -> list[Page]:
    pages = []
    for n, (printed, texts) in enumerate(outline, 1):
        lines = [Line(t, n, 100 + 14 * i, 100 + 14 * i, 110 + 14 * i, 70, 500, 10) for i, t in enumerate(texts)]
        pages.append(Page(number=n, width=595, height=842, lines=lines, printed_number=printed))
    return pages


CASES = [
    ("one question, answer on page 2", [(1, HEADER + BODY), (2, ANSWER + BODY)], [0], 0),
    ("one question without header", [(1, BODY), (2, ANSWER + BODY)], [0], 0),
    ("one question, unanswered", [(1, HEADER + BODY), (2, BODY)], [0], 0),
    ("two headers", [(1, HEADER + BODY), (2, ANSWER), (1, HEADER + BODY), (2, ANSWER)], [0, 2], 0),
    ("three headers, one unanswered", [(1, HEADER), (1, HEADER + ANSWER), (1, HEADER), (2, ANSWER)], [0, 1, 2], 0),
    ("stray line above the header", [(1, HEADER), (1, ["Vlaams Parlement", *HEADER]), (2, ANSWER)], [0, 1], 0),
    ("'schriftelijke vraag' in running text is no header", [(1, HEADER + BODY + ["schriftelijke vraag nr. 3 van mij"] + ANSWER)], [0], 0),
    ("second question without header, numbers restart",
     [(1, HEADER + BODY), (2, ANSWER + BODY), (3, BODY), (1, BODY), (2, ANSWER + BODY)], [0, 3], 0),
    ("second question without header, on the page after the answer", [(1, HEADER + ANSWER), (1, BODY), (2, ANSWER)], [0, 1], 0),
    ("no page numbers: the page after the answer, with a warning",
     [(None, HEADER + ANSWER + BODY), (None, BODY), (None, ANSWER)], [0, 1], 1),
    ("two answer blocks on one page cannot be cut", [(1, HEADER + ANSWER + BODY + ANSWER)], [0], 1),
    ("answer block across a page break", [(1, HEADER + BODY + ANSWER[:3]), (2, ANSWER[3:] + BODY)], [0], 0),
]


@pytest.mark.parametrize(("outline", "starts", "n_warnings"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_question_starts(outline, starts: list[int], n_warnings: int) -> None:
    found, warnings = question_starts(_pages(outline))
    assert found == starts
    assert len(warnings) == n_warnings, warnings


def _spec(name: str, **changes) -> dict:
    return {**load_spec(SAMPLES / name), **changes}


def _concatenated(render_spec, specs: list[dict], out: Path) -> Path:
    doc = pdfium.PdfDocument.new()
    for i, spec in enumerate(specs):
        doc.import_pages(pdfium.PdfDocument(render_spec(spec, f"part{i}.pdf")))
    doc.save(out)
    return out


def test_a_file_with_three_questions_gives_three_rows(render_spec, tmp_path: Path) -> None:
    specs = [
        _spec("sv303-2022-2023.json", header=True),
        _spec("sv512-2019-2020.json", header=False),  # starts at its title: found by its answer block
        _spec("sv44-2025-2026-unanswered.json"),
    ]
    res = process_file(_concatenated(render_spec, specs, tmp_path / "three.pdf"), "three.pdf")
    assert res.error is None
    docs = res.rows["documents"]
    assert [(d["ordinal"], d["number"], d["answered"], d["container"]) for d in docs] == [
        (1, 303, True, "compilation"), (2, 512, True, "compilation"), (3, 44, False, "compilation"),
    ]
    sha = docs[0]["sha256"]
    assert res.doc_ids == [f"{sha[:16]}-1", f"{sha[:16]}-2", f"{sha[:16]}-3"]
    assert [d["title"] for d in docs] == [s["title"].replace("  -  ", " - ") for s in specs]
    # pages follow each other without a gap, and every row points at its own question
    assert docs[0]["first_page"] == 1 and docs[-1]["last_page"] == docs[0]["page_count"]
    assert all(a["last_page"] + 1 == b["first_page"] for a, b in zip(docs, docs[1:], strict=False))
    for table in ("items", "dates", "amounts", "pages"):
        assert {r["doc_id"] for r in res.rows[table]} <= set(res.doc_ids)
    items = {d: sum(1 for r in res.rows["items"] if r["doc_id"] == d) for d in res.doc_ids}
    assert all(items.values())
    # each question's parts equal those of the same question in a file of its own
    alone = process_file(render_spec(specs[1], "alone.pdf"), "alone.pdf").rows["documents"][0]
    for key in ("question_text", "answer_text", "asker", "minister", "question_date", "session"):
        assert docs[1][key] == alone[key], key


def test_a_file_with_one_question_keeps_its_id(render_spec) -> None:
    res = process_file(render_spec(_spec("sv303-2022-2023.json"), "one.pdf"), "one.pdf")
    doc = res.rows["documents"][0]
    assert res.doc_ids == [doc["sha256"][:16]]
    assert (doc["ordinal"], doc["container"], doc["first_page"], doc["last_page"]) == (1, "written_question", 1, doc["page_count"])


def _letter(path: Path) -> Path:
    """A covering letter: a page of running text that is no question."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i, line in enumerate(["Geachte voorzitter,", "Hierbij bezorg ik u de antwoorden op de vragen die volgen.", "Met vriendelijke groet"]):
        c.drawString(72, 760 - 16 * i, line)
    c.showPage()
    c.save()
    return path


def test_a_part_that_holds_no_question_is_a_warning(render_spec, tmp_path: Path) -> None:
    """A covering letter before two questions: the questions are rows, the letter a warning."""
    doc = pdfium.PdfDocument.new()
    for part in (_letter(tmp_path / "letter.pdf"), render_spec(_spec("sv9-2010-2011.json"), "a.pdf"), render_spec(_spec("sv47-1996-1997.json"), "b.pdf")):
        doc.import_pages(pdfium.PdfDocument(part))
    doc.save(tmp_path / "two.pdf")
    res = process_file(tmp_path / "two.pdf", "two.pdf")
    assert res.error is None
    assert [d["number"] for d in res.rows["documents"]] == [9, 47]
    assert len(res.warnings) == 1 and res.warnings[0].startswith("pages 1-1 hold no written question")
    assert all(res.warnings[0] in d["warnings"] for d in res.rows["documents"])


def test_batch_keeps_every_question_of_a_file_through_reruns_renames_and_removal(render_spec, tmp_path: Path) -> None:

    from pipeline.batch.run import RunOptions, extract

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    _concatenated(render_spec, [_spec("sv303-2022-2023.json"), _spec("sv512-2019-2020.json")], raw / "two.pdf")
    render_spec(_spec("sv9-2010-2011.json"), "one.pdf").rename(raw / "one.pdf")

    def tables() -> tuple[list[tuple], list[tuple]]:
        docs = read_table(out, "documents").to_pylist()
        files = read_table(out, "files").to_pylist()
        return (
            sorted((d["doc_id"], d["source_file"], d["ordinal"], d["number"]) for d in docs),  # parts: by session, then doc_id
            [(f["source_file"], f["questions"], f["doc_ids"]) for f in files],
        )

    first = extract(raw, out, options=RunOptions(workers=2))
    assert (first.processed, first.failed, first.rows["documents"]) == (2, 0, 3)
    docs, files = tables()
    two = [d for d in docs if d[1] == "two.pdf"]
    assert [(d[2], d[3]) for d in two] == [(1, 303), (2, 512)]
    assert ("two.pdf", 2, [d[0] for d in two]) in files
    assert read_table(out, "items").column("doc_id").to_pylist().count(two[1][0]) > 0

    again = extract(raw, out, options=RunOptions(workers=1))
    assert (again.processed, again.unchanged, again.written) == (0, 2, [])

    (raw / "two.pdf").rename(raw / "renamed.pdf")
    extract(raw, out, options=RunOptions(workers=1))
    docs2, _ = tables()
    assert [(d[0], d[2]) for d in docs2 if d[1] == "renamed.pdf"] == [(d[0], d[2]) for d in two]  # ids survive a rename

    (raw / "renamed.pdf").unlink()
    extract(raw, out, options=RunOptions(workers=1))
    docs3, files3 = tables()
    assert [d[3] for d in docs3] == [9] and [f[0] for f in files3] == ["one.pdf"]
    item_ids = set(read_table(out, "items").column("doc_id").to_pylist())
    assert item_ids == {docs3[0][0]}


def _spec_tables(spec: dict) -> list[tuple[int, str]]:
    """(question number, caption) of every table in a bulletin spec, from the spec itself."""
    found: list[tuple[int, str]] = []

    def walk(node: object, number: int | None) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("number"), int) and ("question" in node or "answer" in node):
                number = node["number"]
            if "table" in node:
                found.append((number, node.get("caption")))
            for value in node.values():
                walk(value, number)
        elif isinstance(node, list):
            for value in node:
                walk(value, number)

    walk(spec, None)
    return found


@pytest.mark.parametrize("stem", ["bul03", "bul04"])
def test_a_bulletin_table_belongs_to_the_one_question_it_stands_in(stem: str) -> None:
    """A page holds the end of one question and the start of the next: its table is one question's."""
    devset = Path(__file__).parent / "devset"
    res = process_file(devset / "pdf" / f"{stem}.pdf", f"{stem}.pdf")
    number = {d["doc_id"]: d["number"] for d in res.rows["documents"]}
    got = [(number[t["doc_id"]], t["caption"]) for t in res.rows["answer_tables"]]
    assert got == _spec_tables(load_spec(devset / "docs" / f"{stem}.json"))


HEADER_AT_TOP = ["SCHRIFTELIJKE VRAAG", "nr. 214", "van AN JANSSENS", "datum: 14 maart 2023", "aan JO BROUNS"]


def test_header_lines_repeated_by_several_questions_are_not_furniture() -> None:
    """In a file of several questions each header stands at the top of a page, like a running header."""
    from pipeline.text.furniture import strip_furniture

    texts = [HEADER_AT_TOP + BODY, ["Het antwoord op de eerste vraag."], HEADER_AT_TOP + BODY, ["Het antwoord op de tweede vraag."]]
    pages = [Page(number=n, width=595, height=842, lines=[Line(t, n, 20 + 14 * i, 20 + 14 * i, 30 + 14 * i, 70, 500, 10) for i, t in enumerate(tx)]) for n, tx in enumerate(texts, 1)]
    strip_furniture(pages)
    assert [ln.text for ln in pages[0].lines][:5] == HEADER_AT_TOP
    assert [ln.text for ln in pages[2].lines][:5] == HEADER_AT_TOP
    assert [ln.text for ln in pages[1].lines] == ["Het antwoord op de eerste vraag."]
