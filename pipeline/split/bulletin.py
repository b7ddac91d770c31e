"""Bulletins ("Bulletin van Vragen en Antwoorden", before 2009): one PDF, many questions.

A cover (number, session, date), a table of contents, then sections per minister (name
and title in capitals) holding questions that open with "Vraag nr. 42 van 8 maart 2006
van JAN LOONES", then the title line, the question, "Antwoord" and the answer. Questions
under the heading "... waarop niet werd geantwoord binnen de reglementaire termijn" have
no answer. Works on cleaned pages (furniture gone, columns in reading order) and fills
one `Segmented` per question with segment.py's own helpers.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from pipeline.entities.dates import DAY_MONTH, parse_full_date
from pipeline.labels import ITEM_START, is_caps
from pipeline.segment.layout import SENTENCE_END, paragraph_starts, paragraphs
from pipeline.segment.segment import Segmented, header_index, parse_items, restore_name_case, session_of, split_title
from pipeline.text.columns import is_two_column
from pipeline.text.page import Line, Page

COVER_TITLE = re.compile(r"^BULLETIN\s+VAN\s+VRAGEN\s+EN\s+ANTWOORDEN\b", re.IGNORECASE)
COVER_NUMBER = re.compile(r"^Nr\.?\s*(\d{1,4})\s*$", re.IGNORECASE)
COVER_SESSION = re.compile(r"^Zitting\s+(\d{4})\s*-\s*(\d{4})\s*$", re.IGNORECASE)
COVER_DATE = re.compile(rf"^{DAY_MONTH}\s+\d{{4}}$", re.IGNORECASE)
# "Vraag nr. 42 van 8 maart 2006 van JAN LOONES"; in a column it may wrap after any word.
OPENER_START = re.compile(r"^Vraag\s+nr\.?\s*\d+\s+van\s+\d")
OPENER = re.compile(rf"^Vraag\s+nr\.?\s*(\d+)\s+van\s+({DAY_MONTH}\s+\d{{4}})\s+van\s+(\S.*?)\s*$", re.IGNORECASE)
ANSWER_LINE = re.compile(r"^Antwoord\s*:?\s*$", re.IGNORECASE)
DOT_LEADER = re.compile(r"\.{4,}\s*\d+\s*$")  # a line of the table of contents
# The minister's title: "VLAAMS MINISTER VAN ...", "MINISTER-PRESIDENT ...", "VICE-MINISTER-PRESIDENT ...".
TITLE_START = re.compile(r"^(?:VICE-?\s*)?MINISTER\b|^VLAAMS\s+MINISTER\b|^GEMEENSCHAPSMINISTER\b|^STAATSSECRETARIS\b")
PART_HEADING = re.compile(r"^[IVX]+\.\s+\S")
NOT_ANSWERED = re.compile(r"waarop\s+niet\s+(?:werd\s+)?geantwoord", re.IGNORECASE)


@dataclass
class BulletinSplit:
    number: int | None
    date: dt.date | None
    session: str | None
    questions: list[Segmented]
    warnings: list[str] = field(default_factory=list)
    # id() of each FoundTable on the pages -> index of the question it stands in: a page may
    # hold the end of one question and the start of the next, and a table belongs to one.
    table_owner: dict[int, int] = field(default_factory=dict)


def _opener_at(lines: list[Line], i: int) -> tuple[int, dt.date | None, str, int] | None:
    """Number, date, asker and the index after the opener, if line i opens a question."""
    if not OPENER_START.match(lines[i].text) or DOT_LEADER.search(lines[i].text):
        return None
    text, j = lines[i].text, i + 1
    m = OPENER.match(text)
    while (m is None or not is_caps(m.group(3))) and j < min(len(lines), i + 3):
        text, j = f"{text} {lines[j].text}", j + 1
        m = OPENER.match(text)
    if m is None or not is_caps(m.group(3)):
        return None
    asker = m.group(3)
    # The name itself wrapped: "... van JAN" / "LOONES" (a short line in capitals, no digits).
    while j < len(lines) and is_caps(lines[j].text) and len(lines[j].text.split()) <= 3 and not re.search(r"\d", lines[j].text) and not TITLE_START.match(lines[j].text):
        asker, j = f"{asker} {lines[j].text}", j + 1
    return int(m.group(1)), parse_full_date(m.group(2)), asker, j


def _heading(lines: list[Line], start: int, end: int) -> tuple[int, str | None, str | None, bool | None]:
    """The minister heading (and part heading) in the capitals just above an opener.

    Returns where the heading starts (end when there is none), minister, title, and
    whether a part heading says "not answered" (None when no part heading stands there).
    """
    k = end
    while k > start and is_caps(lines[k - 1].text) and not DOT_LEADER.search(lines[k - 1].text):
        k -= 1
    run = lines[k:end]
    t = next((n for n, ln in enumerate(run) if TITLE_START.match(ln.text) or re.search(r",\s*(?:VICE-?\s*)?(?:VLAAMS\s+)?MINISTER", ln.text)), None)
    if t is None:
        return end, None, None, None
    if TITLE_START.match(run[t].text):
        if t == 0:
            return end, None, None, None
        name_at, name = t - 1, run[t - 1].text
        title = " ".join(ln.text for ln in run[t:])
    else:  # "HILDE CREVITS, VLAAMS MINISTER VAN" / "MOBILITEIT, ..."
        name_at = t
        name, _, first = run[t].text.partition(",")
        title = " ".join([first.strip(), *(ln.text for ln in run[t + 1 :])])
    part_at = next((n for n, ln in enumerate(run[:name_at]) if PART_HEADING.match(ln.text)), None)
    begin = k + (part_at if part_at is not None else name_at)
    not_answered = None
    if part_at is not None:
        not_answered = bool(NOT_ANSWERED.search(" ".join(ln.text for ln in run[part_at:name_at])))
    return begin, restore_name_case(name), re.sub(r"\s+", " ", title).strip(), not_answered


def column_starts(lines: list[Line], pages: list[Page]) -> list[bool]:
    """Paragraph starts per column run: the right margin of a column is not the page's."""
    two = {p.number for p in pages if is_two_column(p.lines, p.width)}
    width = {p.number: p.width for p in pages}

    def key(ln: Line) -> tuple[int, int]:
        if ln.page not in two:
            return ln.page, 0
        mid = width[ln.page] / 2
        return ln.page, -1 if ln.x1 <= mid else (1 if ln.x0 >= mid else 0)

    starts: list[bool] = []
    run_start = 0
    prev_right = 0.0
    for n in range(1, len(lines) + 1):
        if n < len(lines) and key(lines[n]) == key(lines[run_start]):
            continue
        run = lines[run_start:n]
        run_starts = paragraph_starts(run)
        if starts:  # a paragraph runs on into the next column unless the last line ended it
            prev, cur = lines[run_start - 1], run[0]
            short = prev.x1 < prev_right - max(3 * prev.size, 25.0)
            # a short last line ends its paragraph when a sentence or a line (a title) ends there
            ended = short and (SENTENCE_END.search(prev.text) is not None or cur.text[:1].isupper())
            run_starts[0] = bool(ended or ITEM_START.match(cur.text))
        starts += run_starts
        prev_right = max(ln.x1 for ln in run)
        run_start = n
    return starts


def _cover(front: list[Line]) -> tuple[int | None, dt.date | None, str | None]:
    number = date = session = None
    for ln in front:
        text = ln.text.strip()
        if number is None and (m := COVER_NUMBER.match(text)):
            number = int(m.group(1))
        elif session is None and (m := COVER_SESSION.match(text)):
            session = f"{m.group(1)}-{m.group(2)}"
        elif date is None and COVER_DATE.match(text):
            date = parse_full_date(text)
    return number, date, session


def is_bulletin(pages: list[Page]) -> bool:
    """The cover's "BULLETIN VAN VRAGEN EN ANTWOORDEN", or question openers and no SV header."""
    first = [ln for p in pages[:2] for ln in p.lines]
    if any(COVER_TITLE.match(ln.text.strip()) for ln in first):
        return True
    lines = [ln for p in pages for ln in p.lines]
    if header_index(lines) is not None:
        return False
    return any(_opener_at(lines, i) for i in range(len(lines)) if OPENER_START.match(lines[i].text))


def split_bulletin(pages: list[Page]) -> BulletinSplit:
    """One `Segmented` per question of the bulletin, in file order."""
    lines = [ln for p in pages for ln in p.lines]
    openers: list[tuple[int, tuple[int, dt.date | None, str, int]]] = []
    i = 0
    while i < len(lines):
        found = _opener_at(lines, i)
        if found:
            openers.append((i, found))
            i = found[3]
        else:
            i += 1
    split = BulletinSplit(None, None, None, [])
    if not openers:
        split.warnings.append("bulletin: no 'Vraag nr. N van DATE van NAME' line found")
        return split
    # Where each question's block begins (its minister heading, if one stands above it).
    begins, headings = [], []
    prev_end = 0
    for at, found in openers:
        begin, minister, title, not_answered = _heading(lines, prev_end, at)
        begins.append(begin)
        headings.append((minister, title, not_answered))
        prev_end = found[3]
    split.number, split.date, split.session = _cover(lines[: begins[0]])
    if split.number is None and split.date is None:
        split.warnings.append("bulletin: no cover (number, date) found before the first question")
    starts = column_starts(lines, pages)
    minister = title = None
    in_not_answered = False
    for q, (at, (number, date, asker, body)) in enumerate(openers):
        h_minister, h_title, not_answered = headings[q]
        if not_answered is not None:
            in_not_answered = not_answered
        if h_minister is not None:
            minister, title = h_minister, h_title
        end = begins[q + 1] if q + 1 < len(openers) else len(lines)
        split.questions.append(_question(lines, starts, at, body, end, number, date, asker, minister, title, in_not_answered, pages))
    split.table_owner = table_owners(pages, lines, begins)
    return split


def table_owners(pages: list[Page], lines: list[Line], begins: list[int]) -> dict[int, int]:
    """The question each table stands in, from its place in the reading order.

    A table sits before the first line below it in its column (the same horizontal band);
    with no line below it, after the last line above it. Its question is the one whose
    block holds that place (blocks start at `begins`, line indexes in reading order).
    """
    owners: dict[int, int] = {}
    index = {id(ln): i for i, ln in enumerate(lines)}
    for page in pages:
        for table in page.tables:
            x0, top, x1, _ = table.bbox
            beside = [ln for ln in page.lines if ln.x0 < x1 and ln.x1 > x0]
            below = [index[id(ln)] for ln in beside if ln.top >= top]
            above = [index[id(ln)] for ln in beside if ln.top < top]
            place = min(below) - 1 if below else max(above, default=None)
            if place is None:
                place = index[id(page.lines[0])] if page.lines else 0
            owners[id(table)] = max(0, bisect_right(begins, place) - 1)
    return owners


def _question(
    lines: list[Line], starts: list[bool], at: int, body: int, end: int, number: int, date: dt.date | None,
    asker: str, minister: str | None, title: str | None, not_answered_part: bool, pages: list[Page],
) -> Segmented:
    seg = Segmented(number=number, question_date=date, asker=restore_name_case(asker), minister=minister, minister_title=title)
    if date is not None:
        seg.session = session_of(date)
    if minister is None:
        seg.warnings.append(f"bulletin question nr. {number}: no minister section above it")
    j = body + 1
    while j < end and not starts[j]:
        j += 1
    if body < end:
        seg.title, seg.topic, seg.subtopic = split_title(" ".join(ln.text for ln in lines[body:j]))
    answer_at = next((k for k in range(j, end) if ANSWER_LINE.match(lines[k].text)), None)
    q_end = answer_at if answer_at is not None else end
    seg.question_text = _text(lines[j:q_end], starts[j:q_end])
    if answer_at is not None:
        seg.answered = True
        seg.answer_page = lines[answer_at].page
        seg.answer_text = _text(lines[answer_at + 1 : end], starts[answer_at + 1 : end])
        if not_answered_part:
            seg.warnings.append(f"bulletin question nr. {number}: answered, but listed as not answered in time")
    elif not not_answered_part:
        seg.warnings.append(f"bulletin question nr. {number}: no 'Antwoord' outside the not-answered section")
    seg.first_page, seg.last_page = lines[at].page, lines[max(at, end - 1)].page
    seg.items = parse_items("question", seg.question_text)
    if seg.answer_text is not None:
        seg.items += parse_items("answer", seg.answer_text)
    for p in pages:
        if seg.first_page <= p.number <= seg.last_page:
            for fn in p.footnotes:
                part = "answer" if seg.answer_page is not None and p.number >= seg.answer_page else "question"
                seg.footnotes.append((part, fn))
    return seg


def _text(lines: list[Line], starts: list[bool]) -> str:
    if not lines:
        return ""
    starts = list(starts)
    starts[0] = True
    return "\n".join(paragraphs(lines, starts))
