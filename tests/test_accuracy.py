"""Accuracy on the annotated sets stays at its targets (issues 2 and 12).

Not a timing test: it runs every stage on the committed PDFs of each set and compares with
the hand-written gold, exactly as `make eval` prints it. `heldout2` was written by an
annotator who saw only the guide and the samples (issue 12), never the code or the other sets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import TARGETS, evaluate

HERE = Path(__file__).parent
SETS = {"devset": 30, "heldout": 12, "heldout2": 12}
# Per-set targets above the generic floor of pipeline.evaluate.TARGETS (issue 12): every
# mention table F1 >= 0.98 and metadata 1.00 on every set; the development set, where all
# tables reach 1.00, may not drop at all.
MENTION_TABLES = ("dates", "amounts", "article_refs", "doc_refs")
SET_TARGETS = {
    "devset": {"items": 1.0, **dict.fromkeys(MENTION_TABLES, 1.0), "metadata": 1.0},
    "heldout": {**dict.fromkeys(MENTION_TABLES, 0.98), "metadata": 1.0},
    "heldout2": {**dict.fromkeys(MENTION_TABLES, 0.98), "metadata": 1.0},
}


def _target(name: str, table: str) -> float:
    return max(TARGETS[table], SET_TARGETS[name].get(table, 0.0))


@pytest.fixture(scope="module", params=sorted(SETS))
def scores(request):
    folder = HERE / request.param
    return (*evaluate(folder, folder / "pdf"), request.param)


def test_set_is_big_enough(scores) -> None:
    _, _, docs, name = scores
    assert docs >= SETS[name]


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
