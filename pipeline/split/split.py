"""Stage split: one file -> the questions it holds, between the text and segment stages.

Most files hold one written question. Some hold several one after the other, each
starting on a new page with its own "SCHRIFTELIJKE VRAAG" header or, when it has no
header, with its title and later its own answer block; their printed page numbers start
again. Bulletins of before 2009 hold dozens in their own layout and are cut and segmented
by `pipeline.split.bulletin`. Splitting before segmentation lets `segment.segment` keep seeing
exactly one question.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.labels import HEADER_START, answer_blocks
from pipeline.split.bulletin import BulletinSplit, is_bulletin, split_bulletin
from pipeline.text.page import Page

# The header stands among the first lines of its page (a stray line may precede it).
HEADER_WINDOW = 5


@dataclass
class Split:
    """What a file holds: pages per written question, or a segmented bulletin."""

    container: str  # "written_question", "compilation" or "bulletin" (schemas/documents.json)
    pieces: list[list[Page]] = field(default_factory=list)
    bulletin: BulletinSplit | None = None
    warnings: list[str] = field(default_factory=list)


def _header_pages(pages: list[Page]) -> list[int]:
    return [i for i, p in enumerate(pages) if any(HEADER_START.match(ln.text.strip()) for ln in p.lines[:HEADER_WINDOW])]


def _answer_pages(pages: list[Page]) -> list[int]:
    """Page index of every answer block ("ANTWOORD" then "op vraag nr. ..."), also across a page break."""
    flat = [(i, ln.text) for i, p in enumerate(pages) for ln in p.lines]
    return [flat[k][0] for k in answer_blocks([t for _, t in flat])]


def _start_between(pages: list[Page], after: int, upto: int, warnings: list[str]) -> int:
    """Where a question without header starts, between the previous answer block's page and its own.

    The printed page numbers start again at 1 on its first page; without them, the page
    right after the previous answer block is taken, with a warning.
    """
    for i in range(after + 1, upto + 1):
        if pages[i].printed_number == 1:
            return i
    warnings.append(
        f"page {after + 2} taken as the start of a question without header: the page numbers do not show where it starts"
    )
    return after + 1


def question_starts(pages: list[Page]) -> tuple[list[int], list[str]]:
    """Index of the first page of every written question in a file, and what was unsure."""
    warnings: list[str] = []
    headers = _header_pages(pages)
    answers = _answer_pages(pages)
    bounds = sorted({0, *headers})
    starts: list[int] = []
    for k, begin in enumerate(bounds):
        end = bounds[k + 1] if k + 1 < len(bounds) else len(pages)
        starts.append(begin)
        inside = [a for a in answers if begin <= a < end]
        for prev, nxt in zip(inside, inside[1:], strict=False):
            if prev == nxt:
                warnings.append(f"two answer blocks on page {prev + 1}: read as one question")
                continue
            starts.append(_start_between(pages, prev, nxt, warnings))
    return sorted(set(starts)), warnings


def split(pages: list[Page]) -> Split:
    """The questions of one file, from its cleaned pages."""
    if is_bulletin(pages):
        found = split_bulletin(pages)
        return Split(container="bulletin", bulletin=found, warnings=list(found.warnings))
    starts, warnings = question_starts(pages)
    pieces = [pages[a:b] for a, b in zip(starts, [*starts[1:], len(pages)], strict=False)]
    return Split(container="compilation" if len(pieces) > 1 else "written_question", pieces=pieces, warnings=warnings)


def pages_between(pages: list[Page], first: int, last: int) -> list[Page]:
    """The pages `first`..`last` (numbers from 1) as copies, so that one question's view leaves the file's pages alone."""
    return [replace(p) for p in pages if first <= p.number <= last]
