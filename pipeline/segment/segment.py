"""The segment stage: header metadata, question and answer parts, numbered items, annexes.

Works on printed lines (the header and the answer block are line-structured) and
produces the part texts as paragraphs joined by newlines; all later offsets point into
those texts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pipeline.entities.dates import parse_full_date
from pipeline.errors import NotAWrittenQuestion
from pipeline.labels import (
    ANSWER_REF,
    HEADER_NUMBER,
    HEADER_START,
    LETTER_LABEL,
    NUMBER_LABEL,
    answer_blocks,
    is_caps,
)
from pipeline.segment.layout import paragraph_starts, paragraphs
from pipeline.text.page import Footnote, Line, Page

HEADER_ASKER = re.compile(r"^van\s+(.+?)\s*$")
HEADER_DATE = re.compile(r"^datum\s*:?\s*(.+?)\s*$", re.IGNORECASE)
HEADER_MINISTER = re.compile(r"^aan\s+(.+?)\s*$")
ANNEX_HEADING = re.compile(r"^BIJLAGEN?\s*:?\s*$")
CO_MINISTERS = re.compile(r"Deze\s+vraag\s+werd\s+gesteld\s+aan\s+(?:de\s+)?ministers?\s+(.+)$", re.IGNORECASE | re.DOTALL)
CO_MINISTER = re.compile(r"([^,()]+?)\s*\((\d+)\)")
TITLE_SPLIT = re.compile(r"\s{2,}[-–]\s{2,}|\s+[-–]\s+")
PARTICLES = frozenset({"van", "de", "den", "der", "het", "ter", "ten", "te", "in", "'t", "vanden", "vander", "la", "le", "du", "des"})


@dataclass
class Item:
    part: str
    seq: int
    label: str
    numbers: list[int]
    char_start: int
    char_end: int
    text: str
    level: int
    parent_seq: int | None


@dataclass
class Segmented:
    doc_type: str = "written_question"
    number: int | None = None
    question_date: dt.date | None = None
    session: str | None = None
    asker: str | None = None
    minister: str | None = None
    minister_title: str | None = None
    title: str | None = None
    topic: str | None = None
    subtopic: str | None = None
    answered: bool = False
    answer_ref_number: int | None = None
    answer_ref_date: dt.date | None = None
    question_text: str = ""
    answer_text: str | None = None
    annexes: list[str] = field(default_factory=list)
    co_ministers: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    footnotes: list[tuple[str, Footnote]] = field(default_factory=list)
    answer_page: int | None = None
    first_page: int | None = None
    last_page: int | None = None


def restore_name_case(name: str) -> str:
    """ "SANNE VAN LOOY" -> "Sanne Van Looy"; a particle after a particle stays lower ("Van den")."""
    words = re.sub(r"\s+", " ", name.strip()).split(" ")
    out: list[str] = []
    prev_particle = False
    for w in words:
        low = w.lower()
        if low in PARTICLES and prev_particle:
            out.append(low)
            continue
        prev_particle = low in PARTICLES
        out.append(_cap_word(low))
    return " ".join(out)


def _cap_word(word: str) -> str:
    def cap(part: str) -> str:
        m = re.match(r"^([dlo]')(.+)$", part)
        if m:
            return m.group(1).capitalize() + m.group(2).capitalize()
        return part[:1].upper() + part[1:]

    return "-".join(cap(p) for p in word.split("-"))


def session_of(day: dt.date) -> str:
    """Parliamentary year: from the fourth Monday of September to the day before the next."""
    sept1 = dt.date(day.year, 9, 1)
    fourth_monday = sept1 + dt.timedelta(days=(0 - sept1.weekday()) % 7 + 21)
    start = day.year if day >= fourth_monday else day.year - 1
    return f"{start}-{start + 1}"


def split_title(title: str) -> tuple[str, str | None, str | None]:
    """ "Topic  -  Subtopic" -> normalised title, topic, subtopic."""
    raw = title.strip()
    parts = re.split(r"\s{2,}[-–]\s{2,}", raw, maxsplit=1)
    if len(parts) == 1:
        parts = re.split(r"\s+[-–]\s+", raw, maxsplit=1)
    parts = [re.sub(r"\s+", " ", p).strip() for p in parts]
    norm = " - ".join(parts)
    return norm, parts[0] or None, (parts[1] if len(parts) > 1 else None)


def _find_answer_block(lines: list[Line]) -> int | None:
    return next(iter(answer_blocks([ln.text for ln in lines])), None)


def parse_items(part: str, text: str) -> list[Item]:
    """Numbered items ("1.", "8, 9.") and lettered sub-items ("a)") at paragraph starts."""
    found: list[tuple[int, str, list[int], int]] = []
    offset = 0
    for para in text.split("\n"):
        m = NUMBER_LABEL.match(para)
        if m:
            nums = [int(n) for n in re.findall(r"\d+", m.group(1))]
            found.append((offset, m.group(0), nums, 1))
        else:
            m = LETTER_LABEL.match(para)
            if m:
                found.append((offset, m.group(0), [], 2))
        offset += len(para) + 1
    items: list[Item] = []
    parent: int | None = None
    for k, (start, label, nums, level) in enumerate(found):
        end = len(text)
        for start2, _, _, level2 in found[k + 1 :]:
            if level2 <= level:
                end = start2
                break
        while end > start and text[end - 1] in "\n ":
            end -= 1
        if level == 1:
            parent = k
        items.append(
            Item(
                part=part,
                seq=k,
                label=label,
                numbers=nums,
                char_start=start,
                char_end=end,
                text=text[start:end],
                level=level,
                parent_seq=parent if level == 2 else None,
            )
        )
    return items


def _parse_header(lines: list[Line], seg: Segmented) -> int:
    """Fill metadata from the header block; return the index of the first line after the title."""
    i = 1
    fields = {"number": HEADER_NUMBER, "asker": HEADER_ASKER, "date": HEADER_DATE, "minister": HEADER_MINISTER}
    found: dict[str, str] = {}
    while i < len(lines) and i < 12:
        text = lines[i].text
        for key, rx in fields.items():
            m = rx.match(text)
            if m and key not in found:
                found[key] = m.group(1)
                break
        else:
            break
        i += 1
        if "minister" in found:
            break
    title_lines: list[str] = []
    while i < len(lines) and is_caps(lines[i].text):
        title_lines.append(lines[i].text)
        i += 1
    if "number" in found:
        seg.number = int(found["number"])
    if "asker" in found:
        seg.asker = restore_name_case(found["asker"])
    if "date" in found:
        seg.question_date = parse_full_date(found["date"])
    if "minister" in found:
        seg.minister = restore_name_case(found["minister"])
    if title_lines:
        seg.minister_title = re.sub(r"\s+", " ", " ".join(title_lines)).strip()
    return i


TITLE_DASH_END = re.compile(r"\s[-–]\s*$")
TITLE_DASH_START = re.compile(r"^[-–]\s{2,}")  # a bullet after the title is "- " (one space)
TITLE_MAX_LINES = 4
SENTENCE_END = re.compile(r"[.?!:;]\s*$")


def _gap(lines: list[Line], k: int) -> float | None:
    """Space between line k-1 and line k on the same page (None across a page break)."""
    a, b = lines[k - 1], lines[k]
    return b.top - a.last_top if a.page == b.page else None


def _ragged_title_end(lines: list[Line], i: int) -> int | None:
    """A long title wraps ragged; it ends where a wider gap than its own line pitch follows.

    None when no such gap comes within TITLE_MAX_LINES lines, or a line before it ends a
    sentence (then the lines are the question, not the title).
    """
    inner: list[float] = []
    for k in range(i + 1, min(len(lines), i + TITLE_MAX_LINES + 1)):
        gap = _gap(lines, k)
        if gap is None or gap <= 0 or SENTENCE_END.search(lines[k - 1].text):
            return None
        if inner and gap > 1.35 * max(inner):
            return k
        if not inner and k + 1 < len(lines) and (nxt := _gap(lines, k + 1)) and gap > 1.35 * nxt:
            return k  # one-line title: wider gap after it than between the question's lines
        inner.append(gap)
    return None


def _take_title(lines: list[Line], starts: list[bool], i: int, seg: Segmented) -> int:
    """The title line, and the lines it wraps onto: a title never ends, or goes on, at its dash."""
    if i >= len(lines):
        return i
    j = i + 1
    while j < len(lines) and (
        not starts[j] or TITLE_DASH_END.search(lines[j - 1].text) or TITLE_DASH_START.match(lines[j].text)
    ):
        j += 1
    ragged = _ragged_title_end(lines, i)
    if ragged is not None and ragged > j:
        j = ragged
    raw = " ".join(ln.text for ln in lines[i:j])
    seg.title, seg.topic, seg.subtopic = split_title(raw)
    return j


def header_index(lines: list[Line]) -> int | None:
    """Where "SCHRIFTELIJKE VRAAG" stands, among the first lines (a stray line may precede it)."""
    return next((i for i, ln in enumerate(lines[:5]) if HEADER_START.match(ln.text.strip())), None)


def looks_like_question(pages: list[Page]) -> None:
    """Raise NotAWrittenQuestion unless a header or an answer block is printed somewhere."""
    lines = [ln for p in pages for ln in p.lines]
    if header_index(lines) is not None:
        return
    if answer_blocks([ln.text for ln in lines]):
        return
    raise NotAWrittenQuestion("no 'SCHRIFTELIJKE VRAAG' header and no 'ANTWOORD op vraag nr.' block")


def segment(pages: list[Page]) -> Segmented:
    """Split a document's lines into metadata, question, answer, items and annexes."""
    lines = [ln for p in pages for ln in p.lines]
    if not lines:
        raise NotAWrittenQuestion("no running text after removing page furniture")
    header_at = header_index(lines)
    if header_at:
        lines = lines[header_at:]  # what stands above the header is not part of the question
    starts = paragraph_starts(lines)
    seg = Segmented()
    has_header = header_at is not None
    answer_at = _find_answer_block(lines)
    if not has_header and answer_at is None:
        raise NotAWrittenQuestion(
            "no 'SCHRIFTELIJKE VRAAG' header and no 'ANTWOORD op vraag nr.' block"
        )
    body_start = _parse_header(lines, seg) if has_header else 0
    body_start = _take_title(lines, starts, body_start, seg)

    question_end = len(lines)
    annex_at: int | None = None
    if answer_at is not None:
        seg.answered = True
        ref = ANSWER_REF.match(lines[answer_at + 1].text)
        assert ref is not None
        seg.answer_ref_number = int(ref.group(1))
        seg.answer_ref_date = parse_full_date(ref.group(2))
        k = answer_at
        while k - 1 >= body_start and is_caps(lines[k - 1].text):
            k -= 1
        question_end = k
        block = [ln.text for ln in lines[k:answer_at]]
        ans_minister = restore_name_case(block[0]) if block else None
        ans_title = re.sub(r"\s+", " ", " ".join(block[1:])).strip() or None
        answer_from = answer_at + 2
        asker_line = lines[answer_from].text if answer_from < len(lines) else ""
        m = HEADER_ASKER.match(asker_line)
        ans_asker = None
        if m and is_caps(m.group(1)):
            ans_asker = restore_name_case(m.group(1))
            answer_from += 1
        for k2 in range(len(lines) - 1, answer_from - 1, -1):
            if ANNEX_HEADING.match(lines[k2].text):
                annex_at = k2
                break
        answer_lines = lines[answer_from:annex_at]
        answer_starts = starts[answer_from:annex_at]
        if answer_starts:
            answer_starts[0] = True
        seg.answer_text = "\n".join(paragraphs(answer_lines, answer_starts))
        _cross_check(seg, "number", seg.answer_ref_number)
        _cross_check(seg, "question_date", seg.answer_ref_date)
        _cross_check(seg, "asker", ans_asker)
        _cross_check(seg, "minister", ans_minister)
        _cross_check(seg, "minister_title", ans_title)
    else:
        for k2 in range(len(lines) - 1, body_start - 1, -1):
            if ANNEX_HEADING.match(lines[k2].text):
                annex_at = question_end = k2
                break
    if annex_at is not None:
        seg.annexes = [ln.text.strip() for ln in lines[annex_at + 1 :] if ln.text.strip()]

    q_lines = lines[body_start:question_end]
    q_starts = starts[body_start:question_end]
    if q_starts:
        q_starts[0] = True
    seg.question_text = "\n".join(paragraphs(q_lines, q_starts))
    m = CO_MINISTERS.search(seg.question_text)
    if m:
        listed = [
            {"minister": re.sub(r"^(?:en|,)\s+", "", n.strip()), "number": int(num)}
            for n, num in CO_MINISTER.findall(m.group(1))
        ]
        # The footer lists every addressee; this document's own minister is not a co-minister.
        seg.co_ministers = [c for c in listed if c["minister"] != seg.minister]
    if seg.question_date is not None:
        seg.session = session_of(seg.question_date)
    seg.items = parse_items("question", seg.question_text)
    if seg.answer_text is not None:
        seg.items += parse_items("answer", seg.answer_text)
    answer_page = seg.answer_page = lines[answer_at].page if answer_at is not None else None
    for p in pages:
        for fn in p.footnotes:
            part = "answer" if answer_page is not None and p.number >= answer_page else "question"
            seg.footnotes.append((part, fn))
    return seg


def _cross_check(seg: Segmented, name: str, value: object) -> None:
    """The header wins; the answer block fills what the header lacks, and disagreement is a warning."""
    if value is None:
        return
    current = getattr(seg, name)
    if current is None:
        setattr(seg, name, value)
    elif current != value:
        seg.warnings.append(f"{name}: header has {current!r}, answer block has {value!r}")
