"""Which references a new or removed question can retarget (issue 13): only those parts are rewritten."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from pipeline.commit.merge import affected_refs, resolve_targets

DOCS = pa.table({
    "doc_id": ["a", "b", "c"], "session": ["2022-2023", "2022-2023", "2019-2020"],
    "minister": ["Jo Brouns", "Hilde Crevits", "Jo Brouns"], "number": pa.array([10, 11, 12], pa.int32()),
})


def _refs(rows: list[tuple]) -> pa.Table:
    cols = ["doc_id", "ref_type", "number", "session", "date"]
    return pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)},
                    schema=pa.schema([("doc_id", pa.string()), ("ref_type", pa.string()), ("number", pa.string()), ("session", pa.string()), ("date", pa.date32())]))


NEW = pa.table({"session": ["2022-2023"], "minister": ["Jo Brouns"], "number": pa.array([303], pa.int32())})


@pytest.mark.parametrize(("ref", "affected"), [
    (("a", "written_question", "303", None, None), True),  # same session and minister as the citing question
    (("a", "written_question", "0303", "2022-2023", None), True),  # number written with a leading zero
    (("c", "written_question", "303", None, dt.date(2023, 1, 5)), True),  # session from the date, minister of c
    (("c", "written_question", "303", None, None), False),  # c's own session 2019-2020
    (("b", "written_question", "303", None, None), False),  # another minister
    (("a", "written_question", "304", None, None), False),  # another number
    (("a", "parliamentary_document", "303", None, None), False),  # not a written question
    (("a", "written_question", "303-A", None, None), False),  # not a number
])
def test_affected_refs(ref: tuple, affected: bool) -> None:
    got = affected_refs(_refs([ref]), DOCS, NEW).to_pylist()
    assert got == ([ref[0]] if affected else [])


def test_resolve_targets_finds_only_unique_other_questions() -> None:
    refs = _refs([("a", "written_question", "12", "2019-2020", None), ("a", "written_question", "10", None, None),
                  ("b", "written_question", "10", None, None)])
    refs = refs.append_column("target_doc_id", pa.nulls(3, pa.string()))
    got = resolve_targets(DOCS, refs)["target_doc_id"].to_pylist()
    assert got == ["c", None, None]  # a's own number is not a target; b's minister has no question 10
