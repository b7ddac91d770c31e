"""Accuracy on the annotated sets meets the targets, overall and for every shape of the
archive (issue 8: every question found, metadata >= 0.99, items >= 0.98, each mention table
F1 >= 0.95 for every shape; issue 12: F1 >= 0.98 and metadata 1.00 on every set).

Not a timing test: it runs every stage on the committed files of each set and compares
with the hand-written gold, exactly as `make eval` prints it. `heldout2` was written by an
annotator who saw only the guide and the samples (issue 12), never the code or the other sets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pipeline.tools.evaluate import TABLES, TARGETS, Evaluation, Score, evaluate_shapes

HERE = Path(__file__).parent
SETS = {"devset": 30, "heldout": 12, "heldout2": 12}
# Per-set targets above the generic floor of pipeline.tools.evaluate.TARGETS (issue 12): every
# mention table F1 >= 0.98 and metadata 1.00 on every set; the development set, where all
# tables reach 1.00, may not drop at all.
MENTION_TABLES = ("dates", "amounts", "article_refs", "doc_refs")
SET_TARGETS = {
    "devset": {"items": 1.0, **dict.fromkeys(MENTION_TABLES, 1.0), "metadata": 1.0},
    "heldout": {**dict.fromkeys(MENTION_TABLES, 0.98), "metadata": 1.0},
    "heldout2": {**dict.fromkeys(MENTION_TABLES, 0.98), "metadata": 1.0},
}
# Files per shape each set must hold (tests/devset/FORMAT.md, "Shapes").
SHAPES = {
    "devset": {"sv": 20, "docx": 10, "multi": 3, "rotated": 3, "scan": 3, "docx-file": 3, "bulletin-1col": 2, "bulletin-2col": 2},
    "heldout": {"sv": 8, "docx": 4},
    "heldout2": {"sv": 8, "docx": 4},
}


def _target(name: str, table: str) -> float:
    return max(TARGETS[table], SET_TARGETS[name].get(table, 0.0))


@cache
def _evaluation(name: str) -> Evaluation:
    return evaluate_shapes(HERE / name, HERE / name / "pdf")


# OCR misreads what a text layer never does ("§" as "8"): scans are held to issue 8's targets
# per shape (test_every_shape_meets_the_targets); a set's own targets apply to its text shapes.
OCR_SHAPES = frozenset({"scan"})


def _text_shapes(ev: Evaluation) -> tuple[dict[str, Score], dict[str, list[int]]]:
    scores = {t: Score() for t in TABLES}
    meta: dict[str, list[int]] = {}
    for shape, tally in ev.shapes.items():
        if shape in OCR_SHAPES:
            continue
        for t, s in tally.scores.items():
            scores[t].tp, scores[t].fp, scores[t].fn = scores[t].tp + s.tp, scores[t].fp + s.fp, scores[t].fn + s.fn
            scores[t].misses += s.misses
        for f, (good, total) in tally.meta.items():
            meta[f] = [meta.get(f, [0, 0])[0] + good, meta.get(f, [0, 0])[1] + total]
    return scores, meta


@pytest.fixture(scope="module", params=sorted(SETS))
def scores(request):
    ev = _evaluation(request.param)  # what `evaluate()` returns, without running the set twice
    return (*_text_shapes(ev), ev.overall.files, request.param)


def test_set_is_big_enough(scores) -> None:
    _, _, docs, name = scores
    assert docs + len(_evaluation(name).skipped) >= SETS[name]


@pytest.mark.parametrize("table", ["items", *MENTION_TABLES])
def test_f1_meets_target(scores, table: str) -> None:
    s = scores[0][table]
    assert s.f1 >= _target(scores[3], table), "\n".join(s.misses[:20])


def test_metadata_accuracy_meets_target(scores) -> None:
    meta, name = scores[1], scores[3]
    target = _target(name, "metadata")
    ok = sum(v[0] for v in meta.values())
    n = sum(v[1] for v in meta.values())
    assert ok / n >= target
    for field, (good, total) in meta.items():
        assert good / total >= target, field


PAIRS = [(name, shape) for name in sorted(SHAPES) for shape in SHAPES[name]]


@pytest.mark.parametrize(("name", "shape"), PAIRS, ids=[f"{n}-{s}" for n, s in PAIRS])
def test_every_shape_meets_the_targets(name: str, shape: str) -> None:
    ev = _evaluation(name)
    skipped = [reason for sh, reason in ev.skipped.values() if sh == shape]
    if shape not in ev.shapes and skipped:
        pytest.skip(f"{shape} files not evaluated here: {skipped[0]}")
    tally = ev.shapes.get(shape)
    assert tally is not None and tally.files + len(skipped) >= SHAPES[name][shape], f"too few {shape} files"
    assert (tally.found, tally.extra) == (tally.questions, 0), f"{shape}: {tally.found} of {tally.questions} questions found, {tally.extra} extra"
    for table in TABLES:
        s = tally.scores[table]
        assert s.f1 >= TARGETS[table], f"{shape} {table} F1 {s.f1:.3f}\n" + "\n".join(s.misses[:20])
    assert tally.metadata >= TARGETS["metadata"], f"{shape} metadata {tally.metadata:.3f}\n" + "\n".join(tally.meta_misses[:20])
