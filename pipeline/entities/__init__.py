"""The entities stage: dates, amounts, article and document references in one part's text.

Each finder lives in its own module with its patterns beside it and returns mentions
whose offsets slice the text it was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from functools import cache
from operator import attrgetter

from pipeline.entities.amounts import find_amounts
from pipeline.entities.articles import find_articles
from pipeline.entities.dates import find_dates
from pipeline.entities.docrefs import find_doc_refs

ENTITY_TABLES = ("dates", "amounts", "article_refs", "doc_refs")


@cache
def _fields(cls: type) -> tuple[tuple[str, ...], attrgetter]:
    names = tuple(f.name for f in fields(cls))  # every mention class has several: the getter gives a tuple
    return names, attrgetter(*names)


def as_rows(mentions: list, **head: object) -> list[dict]:
    """Mentions as plain dicts (flat dataclasses: no deep copy as dataclasses.asdict makes).

    With `head`, each row opens with head's fields and the mention's place (`seq`), as the
    tables hold them: one dict per row, not one per mention and one per row.
    """
    if not mentions:
        return []
    names, get = _fields(type(mentions[0]))
    if not head:
        return [dict(zip(names, get(m), strict=True)) for m in mentions]
    keys, first = (*head, "seq", *names), tuple(head.values())
    return [dict(zip(keys, (*first, seq, *get(m)), strict=True)) for seq, m in enumerate(mentions)]


def find_entities(text: str, doc_date: dt.date | None = None) -> dict[str, list]:
    """All mentions of one part, per table, in text order."""
    return {
        "dates": find_dates(text, doc_date),
        "amounts": find_amounts(text),
        "article_refs": find_articles(text),
        "doc_refs": find_doc_refs(text, doc_date),
    }


def extract_entities(text: str, doc_date: dt.date | None = None) -> dict[str, list[dict]]:
    """All mentions of one part, per table, as plain dicts in text order."""
    return {table: as_rows(mentions) for table, mentions in find_entities(text, doc_date).items()}
