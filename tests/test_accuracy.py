"""Accuracy on the annotated development and held-out sets stays at the targets of issue 2.

Not a timing test: it runs every stage on the committed development PDFs and compares
with the hand-written gold, exactly as `make eval` prints it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import TARGETS, evaluate

HERE = Path(__file__).parent
SETS = {"devset": 30, "heldout": 12}


@pytest.fixture(scope="module", params=sorted(SETS))
def scores(request):
    folder = HERE / request.param
    return (*evaluate(folder, folder / "pdf"), request.param)


def test_set_is_big_enough(scores) -> None:
    _, _, docs, name = scores
    assert docs >= SETS[name]


@pytest.mark.parametrize("table", ["items", "dates", "amounts", "article_refs", "doc_refs"])
def test_f1_meets_target(scores, table: str) -> None:
    s = scores[0][table]
    assert s.f1 >= TARGETS[table], "\n".join(s.misses[:20])


def test_metadata_accuracy_meets_target(scores) -> None:
    meta = scores[1]
    ok = sum(v[0] for v in meta.values())
    n = sum(v[1] for v in meta.values())
    assert ok / n >= TARGETS["metadata"]
    for field, (good, total) in meta.items():
        assert good / total >= TARGETS["metadata"], field
