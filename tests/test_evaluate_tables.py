"""The table-cell scorer of `make eval`: matching gold tables to found ones, and what counts as agreeing."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from pipeline.tools.evaluate_tables import TableScores, score_file


def _cell(row: int, col: int, text: str | None, kind: str | None = None, value: str | None = None, currency: str | None = None,
          source: str | None = None, header: bool = False, total: bool = False) -> dict:
    return {"row": row, "col": col, "text": text, "is_header": header, "is_total": total,
            "kind": kind, "value": value, "currency": currency, "unit_from_context": source}


GOLD_CELLS = [
    _cell(0, 0, "Beleidsdomein", header=True), _cell(0, 1, "BO 2026", header=True),
    _cell(1, 0, "Onderwijs"), _cell(1, 1, "20.027.270", "money", "20027270000", "EUR", "caption"),
    _cell(2, 0, "Totaal", total=True), _cell(2, 1, "65.812.226", "money", "65812226000", "EUR", "caption", total=True),
]
GOLD = {"source": "x.pdf", "tables": [{"pages": [5], "caption": "Tabel 3-1: Kredieten (in duizend euro)", "sentence": None,
                                       "n_rows": 3, "n_cols": 2, "header_rows": 1, "cells": GOLD_CELLS}]}


def _predicted(table_no: int = 1, page: int = 5, cells: list[dict] | None = None, **table: object) -> tuple[dict, list[dict]]:
    row = {"table_no": table_no, "page": page, "caption": "Tabel 3-1: Kredieten (in duizend euro)", "sentence": None, "header_rows": 1, **table}
    found = [{**c, "table_no": table_no, "value": None if c["value"] is None else Decimal(c["value"])}
             for c in copy.deepcopy(cells if cells is not None else GOLD_CELLS)]
    return row, found


def _scores(tables: list[dict], cells: list[dict]) -> dict[str, tuple[int, int]]:
    s = TableScores()
    score_file(GOLD, tables, cells, s, "x")
    return {k: (t.ok, t.n) for k, t in s.tallies.items()}


def _changed(row: int, col: int, **change: object) -> list[dict]:
    cells = copy.deepcopy(GOLD_CELLS)
    next(c for c in cells if (c["row"], c["col"]) == (row, col)).update(change)
    return cells


@pytest.mark.parametrize(
    ("predicted", "expected"),
    [
        pytest.param([_predicted()], {"tables found": (1, 1), "cell text": (6, 6), "typed value": (6, 6), "header rows": (1, 1)},
                     id="all agree"),
        pytest.param([_predicted(cells=_changed(1, 1, value="20027270"))], {"cell text": (6, 6), "typed value": (5, 6)},
                     id="a scale not applied is a wrong value"),
        pytest.param([_predicted(cells=_changed(1, 1, unit_from_context="sentence"))], {"typed value": (5, 6)},
                     id="the unit from the wrong place"),
        pytest.param([_predicted(cells=_changed(2, 0, text="Totaal\nalgemeen"))], {"cell text": (5, 6)}, id="other text"),
        pytest.param([_predicted(cells=_changed(1, 0, text="Onderwijs  "))], {"cell text": (6, 6)}, id="blanks do not count"),
        pytest.param([_predicted(cells=_changed(2, 1, is_total=False))], {"total flag": (5, 6)}, id="a total row missed"),
        pytest.param([_predicted(header_rows=0)], {"header rows": (0, 1), "cell text": (6, 6)}, id="header rows"),
        pytest.param([_predicted(caption=None)], {"caption": (0, 1)}, id="caption lost"),
        pytest.param([_predicted(page=6)], {"tables found": (0, 1), "cell text": (0, 6), "typed value": (0, 6)},
                     id="a table on another page is not this one"),
        pytest.param([], {"tables found": (0, 1), "cell text": (0, 6)}, id="no table"),
        pytest.param([_predicted(1, cells=[_cell(0, 0, "Andere tabel"), _cell(0, 1, "x")]), _predicted(2)],
                     {"tables found": (1, 1), "cell text": (6, 6)}, id="the table sharing most texts is matched"),
    ],
)
def test_table_scores(predicted: list[tuple[dict, list[dict]]], expected: dict[str, tuple[int, int]]) -> None:
    tables = [t for t, _ in predicted]
    cells = [c for _, cs in predicted for c in cs]
    got = _scores(tables, cells)
    assert {k: got[k] for k in expected} == expected
