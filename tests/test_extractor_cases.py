"""Table-driven extractor tests: every case in tests/cases/*.yaml, written from the guide.

A case lists the complete set of mentions of one table in a sentence; every field is
compared, an omitted field meaning null (false for year_inferred).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pipeline.entities.amounts import find_amounts
from pipeline.entities.articles import find_articles
from pipeline.entities.dates import find_dates
from pipeline.entities.docrefs import find_doc_refs

CASES = Path(__file__).parent / "cases"
DEFAULT_DOC_DATE = dt.date(2023, 5, 12)
FIELDS = {
    "dates": ("text", "start", "end", "precision", "kind", "qualifier", "year_inferred"),
    "amounts": ("text", "kind", "value", "currency", "unit", "qualifier", "range_group"),
    "article_refs": ("text", "article", "article_to", "paragraph", "subdivision", "instrument_type", "instrument_name", "instrument_date"),
    "doc_refs": ("text", "ref_type", "number", "session", "date"),
}
FINDERS = {
    "dates": lambda text, doc_date: find_dates(text, doc_date),
    "amounts": lambda text, doc_date: find_amounts(text),
    "article_refs": lambda text, doc_date: find_articles(text),
    "doc_refs": lambda text, doc_date: find_doc_refs(text, doc_date),
}


def _norm(field: str, value: object) -> object:
    if field == "year_inferred":
        return bool(value)
    if value is None:
        return None
    if field == "value":
        return Decimal(str(value)).normalize()
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else str(value)


def _load(table: str) -> list:
    """Cases of `<table>.yaml` and of `<table>-<topic>.yaml` (forms added later, one file per topic)."""
    out = []
    for path in [CASES / f"{table}.yaml", *sorted(CASES.glob(f"{table}-*.yaml"))]:
        cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        out += [pytest.param(table, c, id=f"{path.stem}-{i:03d}") for i, c in enumerate(cases)]
    return out


ALL = [p for t in FIELDS for p in _load(t)]


@pytest.mark.parametrize(("table", "case"), ALL)
def test_case(table: str, case: dict) -> None:
    text = case["text"]
    doc_date = case.get("doc_date") or DEFAULT_DOC_DATE
    if isinstance(doc_date, str):
        doc_date = dt.date.fromisoformat(doc_date)
    got = [asdict(m) for m in FINDERS[table](text, doc_date)]
    for m in got:
        assert text[m["char_start"] : m["char_end"]] == m["text"]
    fields = FIELDS[table]
    actual = [{f: _norm(f, m.get(f)) for f in fields} for m in got]
    expected = [{f: _norm(f, e.get(f)) for f in fields} for e in (case.get("expect") or [])]
    assert actual == expected, f"\ntext: {text!r}"
