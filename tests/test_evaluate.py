"""The evaluator's matching of gold questions to predicted ones (tiny hand-made results)."""

from __future__ import annotations

import pytest

from pipeline.tools.evaluate import Tally, gold_questions, score_file


def _gold(number: int, items: int = 1, dates: int = 0) -> dict:
    return {
        "metadata": {"number": number, "answered": True},
        "items": [{"part": "answer", "label": f"{i}.", "numbers": [i]} for i in range(1, items + 1)],
        "dates": [
            {"part": "answer", "text": f"{d + 1} mei 2023", "start": f"2023-05-0{d + 1}", "end": f"2023-05-0{d + 1}",
             "precision": "day", "kind": "point", "qualifier": None, "year_inferred": False}
            for d in range(dates)
        ],
    }


def _pred(doc_id: str, ordinal: int | None, gold: dict, number: int | None = None) -> dict[str, list[dict]]:
    """What the pipeline would return for `gold` as question `doc_id` (number overridable)."""
    doc = {"doc_id": doc_id, "number": gold["metadata"]["number"] if number is None else number, "answered": True}
    if ordinal is not None:
        doc["ordinal"] = ordinal
    return {
        "documents": [doc],
        "items": [{"doc_id": doc_id, **i} for i in gold["items"]],
        "dates": [{"doc_id": doc_id, **d} for d in gold["dates"]],
    }


def _merge(*results: dict[str, list[dict]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for res in results:
        for table, rows in res.items():
            out.setdefault(table, []).extend(rows)
    return out


A, B, C = _gold(1, items=2, dates=1), _gold(2, items=3), _gold(3, items=1, dates=2)
MULTI = {"container": "compilation", "questions": [A, B]}

# (case, gold, predicted rows, questions, found, extra, items tp/fp/fn, dates tp/fp/fn, metadata ok/n)
CASES = [
    ("single question, all right", A, _pred("x", None, A), 1, 1, 0, (2, 0, 0), (1, 0, 0), (2, 2)),
    ("single question, file failed", A, {}, 1, 0, 0, (0, 0, 2), (0, 0, 1), (0, 2)),
    ("single question, wrong number", A, _pred("x", None, A, number=9), 1, 1, 0, (2, 0, 0), (1, 0, 0), (1, 2)),
    ("two questions, both found", MULTI, _merge(_pred("x-1", 1, A), _pred("x-2", 2, B)), 2, 2, 0, (5, 0, 0), (1, 0, 0), (4, 4)),
    ("two questions, found in reverse row order", MULTI, _merge(_pred("x-2", 2, B), _pred("x-1", 1, A)), 2, 2, 0, (5, 0, 0), (1, 0, 0), (4, 4)),
    # Today's pipeline: one question per file, so the second gold question is missed entirely.
    ("two questions, only the first found", MULTI, _pred("x", None, A), 2, 1, 0, (2, 0, 3), (1, 0, 0), (2, 4)),
    # The first question's rows swallowed the second's items: they count as extras of question 1.
    ("two questions, second merged into the first", MULTI,
     {"documents": [{"doc_id": "x", "number": 1, "answered": True}],
      "items": [{"doc_id": "x", **i} for i in A["items"] + B["items"]], "dates": [{"doc_id": "x", **A["dates"][0]}]},
     2, 1, 0, (2, 3, 3), (1, 0, 0), (2, 4)),
    ("one question split into two", A, _merge(_pred("x-1", 1, A), _pred("x-2", 2, C)), 1, 1, 1, (2, 1, 0), (1, 2, 0), (2, 2)),
    ("two questions matched by ordinal, not by content", MULTI, _merge(_pred("x-1", 1, B), _pred("x-2", 2, A)), 2, 2, 0,
     (4, 1, 1), (0, 1, 1), (2, 4)),
]


@pytest.mark.parametrize(("case", "gold", "rows", "questions", "found", "extra", "items", "dates", "meta"), CASES, ids=[c[0] for c in CASES])
def test_score_file(case, gold, rows, questions, found, extra, items, dates, meta) -> None:
    t = Tally()
    score_file(t, "f", gold, rows)
    assert (t.files, t.questions, t.found, t.extra) == (1, questions, found, extra)
    assert (t.scores["items"].tp, t.scores["items"].fp, t.scores["items"].fn) == items
    assert (t.scores["dates"].tp, t.scores["dates"].fp, t.scores["dates"].fn) == dates
    assert (sum(v[0] for v in t.meta.values()), sum(v[1] for v in t.meta.values())) == meta


def test_a_missing_question_is_named_in_the_misses() -> None:
    t = Tally()
    score_file(t, "f", MULTI, _pred("x", None, A))
    assert "f#2 metadata number: question not found" in t.meta_misses
    assert any(m.startswith("f#2 missed ('answer', '3.'") for m in t.scores["items"].misses)


@pytest.mark.parametrize(
    ("tally", "below"),
    [
        (Tally(questions=2, found=2), []),
        (Tally(questions=2, found=1), ["questions"]),
        (Tally(questions=1, found=1, extra=1), ["questions"]),
    ],
)
def test_every_question_found_is_a_target(tally: Tally, below: list[str]) -> None:
    assert tally.below() == below


@pytest.mark.parametrize(("gold", "n"), [(A, 1), (MULTI, 2), ({"container": "bulletin", "bulletin": {}, "questions": [A, B, C]}, 3)])
def test_gold_questions(gold: dict, n: int) -> None:
    assert len(gold_questions(gold)) == n


@pytest.mark.parametrize(
    ("name", "shape", "no_tesseract", "no_soffice", "skipped"),
    [
        ("a.pdf", "scan", True, False, "Tesseract"),
        ("a.pdf", "scan", False, True, None),
        ("a.docx", "docx-file", False, True, "libreoffice-writer-nogui"),
        ("a.doc", "sv", False, True, "libreoffice-writer-nogui"),
        ("a.pdf", "docx", False, True, None),  # a PDF exported from Word needs no converter
        ("a.pdf", "rotated", True, True, None),
    ],
)
def test_a_file_is_skipped_only_when_its_tool_is_missing(monkeypatch, name, shape, no_tesseract, no_soffice, skipped) -> None:
    from pathlib import Path

    from pipeline.text import ocr
    from pipeline.tools import evaluate

    monkeypatch.setattr(ocr, "check_tesseract", lambda: "Tesseract is not installed" if no_tesseract else None)
    monkeypatch.setattr(evaluate, "soffice", lambda: None if no_soffice else "/usr/bin/soffice")
    reason = evaluate._missing_tool(Path(name), shape)
    assert (reason is None) if skipped is None else (skipped in reason)
