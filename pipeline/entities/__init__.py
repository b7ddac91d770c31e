"""Stage 3, entities: dates, amounts, article and document references in one part's text.

Each finder lives in its own module with its patterns beside it and returns mentions
whose offsets slice the text it was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from pipeline.entities.amounts import find_amounts
from pipeline.entities.articles import find_articles
from pipeline.entities.dates import find_dates
from pipeline.entities.docrefs import find_doc_refs

ENTITY_TABLES = ("dates", "amounts", "article_refs", "doc_refs")


def extract_entities(text: str, doc_date: dt.date | None = None) -> dict[str, list[dict]]:
    """All mentions of one part, per table, as plain dicts in text order."""
    return {
        "dates": [asdict(m) for m in find_dates(text, doc_date)],
        "amounts": [asdict(m) for m in find_amounts(text)],
        "article_refs": [asdict(m) for m in find_articles(text)],
        "doc_refs": [asdict(m) for m in find_doc_refs(text, doc_date)],
    }
