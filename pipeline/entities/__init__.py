"""Stage 3, entities: dates, amounts, article and document references in one part's text.

Each finder lives in its own module with its patterns beside it and returns mentions
whose offsets slice the text it was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from functools import cache

from pipeline.entities.amounts import find_amounts
from pipeline.entities.articles import find_articles
from pipeline.entities.dates import find_dates
from pipeline.entities.docrefs import find_doc_refs

ENTITY_TABLES = ("dates", "amounts", "article_refs", "doc_refs")


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def as_rows(mentions: list) -> list[dict]:
    """Mentions as plain dicts (flat dataclasses: no deep copy as dataclasses.asdict makes)."""
    if not mentions:
        return []
    names = _names(type(mentions[0]))
    return [{n: getattr(m, n) for n in names} for m in mentions]


def extract_entities(text: str, doc_date: dt.date | None = None) -> dict[str, list[dict]]:
    """All mentions of one part, per table, as plain dicts in text order."""
    return {
        "dates": as_rows(find_dates(text, doc_date)),
        "amounts": as_rows(find_amounts(text)),
        "article_refs": as_rows(find_articles(text)),
        "doc_refs": as_rows(find_doc_refs(text, doc_date)),
    }
