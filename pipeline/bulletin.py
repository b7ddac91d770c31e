"""Bulletins van Vragen en Antwoorden (before 2009): placeholder until the bulletin parser lands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.segment import Segmented
from pipeline.text import Page


@dataclass
class BulletinSplit:
    number: int | None
    date: dt.date | None
    session: str | None
    questions: list[Segmented] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_bulletin(pages: list[Page]) -> bool:
    return False


def split_bulletin(pages: list[Page]) -> BulletinSplit:
    raise NotImplementedError
