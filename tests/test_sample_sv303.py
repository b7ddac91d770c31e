"""The real SV 303 (shared/samples): metadata from the answer block, items, every mention.

Expected values are read off the text by eye, following the extraction guide.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.batch.document import DocResult, process_file


@pytest.fixture(scope="module")
def result(sv303_pdf: Path) -> DocResult:
    res = process_file(sv303_pdf, "sv303.pdf")
    assert res.error is None, res.error
    return res


def test_metadata_comes_from_the_answer_block(result: DocResult) -> None:
    doc = result.rows["documents"][0]
    assert doc["doc_type"] == "written_question"
    assert doc["number"] == 303
    assert doc["question_date"] == dt.date(2023, 5, 12)
    assert doc["session"] == "2022-2023"
    assert doc["asker"] == "Chris Janssens"
    assert doc["minister"] == "Bart Somers"
    assert doc["minister_title"] == (
        "VICEMINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN BINNENLANDS BESTUUR, "
        "BESTUURSZAKEN, INBURGERING EN GELIJKE KANSEN"
    )
    assert doc["title"] == "Wij-Zij-Netwerk - Contactnames door lokale besturen"
    assert doc["topic"] == "Wij-Zij-Netwerk"
    assert doc["subtopic"] == "Contactnames door lokale besturen"
    assert doc["answered"] is True
    assert doc["answer_ref_number"] == 303
    assert doc["annexes"] == ["Overicht", "http://www.vlaamsparlement.be/link?id=17156"]
    assert doc["warnings"] == []


def test_parts(result: DocResult) -> None:
    doc = result.rows["documents"][0]
    q, a = doc["question_text"], doc["answer_text"]
    assert q.startswith("Met schriftelijke vraag nr. 148 van 17 januari 2023 ondervroeg ik")
    assert q.endswith("op welke basis die financiering wordt bepaald?")
    assert "BART SOMERS" not in q and "ANTWOORD" not in a
    assert a.startswith("1. Ik gaf in het antwoord op de SV 148")
    assert a.endswith("loopt van 1 april 2023 tot en met 31 december 2024.")
    assert "BIJLAGE" not in a and "17156" not in a
    assert "\n2. Kan de minister meedelen hoeveel" in q


def test_items(result: DocResult) -> None:
    got = [(i["part"], i["label"], i["numbers"]) for i in result.rows["items"]]
    assert got == [
        ("question", "1.", [1]), ("question", "2.", [2]), ("question", "3.", [3]),
        ("answer", "1.", [1]), ("answer", "2.", [2]), ("answer", "3.", [3]),
    ]


def _mentions(result: DocResult, table: str, *fields: str) -> list[tuple]:
    return [(m["part"], m["text"], *(m[f] for f in fields)) for m in result.rows[table]]


def test_dates(result: DocResult) -> None:
    assert _mentions(result, "dates", "start", "end", "precision", "kind", "qualifier") == [
        ("question", "17 januari 2023", dt.date(2023, 1, 17), dt.date(2023, 1, 17), "day", "point", None),
        ("question", "2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31), "year", "point", None),
        ("question", "31 maart 2023", dt.date(2023, 3, 31), dt.date(2023, 3, 31), "day", "point", None),
        ("answer", "eind mei 2023", dt.date(2023, 5, 1), dt.date(2023, 5, 31), "month", "point", "eind"),
        ("answer", "van 1 april 2023 tot en met 31 december 2024", dt.date(2023, 4, 1), dt.date(2024, 12, 31), "day", "range", None),
    ]


def test_amounts(result: DocResult) -> None:
    assert _mentions(result, "amounts", "kind", "value", "currency", "qualifier") == [
        ("question", "maximaal 41.728 euro", "money", Decimal("41728"), "EUR", "maximaal"),
        ("question", "41.728 euro", "money", Decimal("41728"), "EUR", None),
        ("answer", "248.600 euro", "money", Decimal("248600"), "EUR", None),
    ]


def test_article_refs(result: DocResult) -> None:
    assert _mentions(result, "article_refs", "article", "subdivision", "instrument_type", "instrument_name") == [
        ("answer", "artikel 90,5 van het reglement van het Vlaams Parlement", "90", "5", "reglement", "reglement van het Vlaams Parlement"),
    ]


def test_doc_refs(result: DocResult) -> None:
    assert _mentions(result, "doc_refs", "ref_type", "number", "date") == [
        ("question", "schriftelijke vraag nr. 148 van 17 januari 2023", "written_question", "148", dt.date(2023, 1, 17)),
        ("answer", "SV 148", "written_question", "148", None),
    ]


def test_offsets_slice_the_part_text(result: DocResult) -> None:
    doc = result.rows["documents"][0]
    parts = {"question": doc["question_text"], "answer": doc["answer_text"]}
    for table in ("items", "dates", "amounts", "article_refs", "doc_refs"):
        for m in result.rows[table]:
            assert parts[m["part"]][m["char_start"] : m["char_end"]] == m["text"]


def test_text_stage_alone(sv303_pdf: Path) -> None:
    """The text stage runs on its own: lines per page, page numbers gone, hyphens settled."""
    from pipeline.text.read import extract_text

    pages = extract_text(sv303_pdf)
    assert len(pages) == 2
    texts = [ln.text for p in pages for ln in p.lines]
    assert texts[0].startswith("Wij-Zij-Netwerk")
    assert not any(t.strip().isdigit() for t in texts)  # the page numbers are furniture
    assert any(t == "ANTWOORD" for t in texts)
