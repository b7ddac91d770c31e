"""References to other parliamentary documents: written and oral questions, papers, links.

Pointers inside the same document ("zie antwoord op vraag 4", "Tabel 2") are not matched:
every pattern needs a document word (schriftelijke vraag, SV, stuk, Parl.St.) or a session.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.entities.context import Claims, ending_at, matches_at, occurrences
from pipeline.entities.dates import ANY_YEAR, DAY_MONTH, NUMERIC_DATE, parse_full_date

DATE = rf"(?P<date>{DAY_MONTH}(?:\s+{ANY_YEAR})?|{NUMERIC_DATE})"
SESSION = r"(?P<session>(?:19|20)\d\d\s*[-–/]\s*(?:(?:19|20)\d\d|\d\d))"
NR = r"(?:nrs?\.?|nummers?|n°)\s*"

WRITTEN = re.compile(
    rf"(?<![\w])(?:[Ss]chriftelijke\s+[Vv]ra(?:ag|gen)|SV|(?<!uitleg\s)(?<!actuele\s)[Vv]raag(?=\s+{NR}))\s+(?:{NR})?(?P<number>\d+)"
    rf"(?:\s*\({SESSION}\))?(?:\s+van\s+{DATE})?(?:\s*[-–]\s*(?:Bijlage|bijlage)\s+\d+)?",
)
WRITTEN_BULLETIN = re.compile(
    rf"(?<![\w])Schriftelijke\s+Vragen\s*,?\s*Vl\.\s*Parl\.\s*,?\s*{SESSION}\s*,\s*{NR}(?P<number>\d+)"
)
ORAL = re.compile(
    rf"(?<![\w])(?P<kind>[Vv]raag\s+om\s+uitleg|[Aa]ctuele\s+vraag|[Ii]nterpellatie)"
    rf"(?:\s+(?:{NR})(?P<number>\d+))?(?:\s*\({SESSION}\))?(?:\s+van\s+{DATE})?",
)
# "mijn" belongs to the reference's span; other determiners do not.
MIJN = re.compile(r"(?<![\w])[Mm]ijn\s+$")
# Document and part numbers keep a letter suffix ("31-B/2", "19/2-A"); an annex suffix
# ("7/3-Bijlagen") is in the span but not in the number.
LETTER = r"(?:-[A-Z](?![\w]))"
PART = rf"\d{{1,3}}{LETTER}?"
ANNEX = r"(?P<annex>-[Bb]ijlagen?\b)?"
PAPER = re.compile(
    rf"(?<![\w])(?:(?:[Ss]tuk|[Pp]arl\.\s*[Ss]t\.)\s+)?(?P<doc>\d+)\s*\({SESSION}\)\s*(?:[-–]\s*)?,?\s*(?:[Nn]r\.?|Nr)\s*(?P<nr>\d+{LETTER}?)"
)
PARL_ST = re.compile(
    rf"(?<![\w])Parl\.\s*St\.\s*(?:Vl\.\s*Parl\.)?\s*,?\s*{SESSION}\s*,\s*{NR}(?P<doc>\d+{LETTER}?)/(?P<nr>{PART})(?![\d/]){ANNEX}"
)
# "schriftelijke vragen nr. 148 en nr. 275 van 3 maart 2023": further numbers of a plural reference.
MORE_QUESTION = re.compile(rf"\s*(?:,|en)\s*(?P<ref>{NR}(?P<number>\d+)(?:\s*\({SESSION}\))?(?:\s+van\s+{DATE})?)")
# After "nrs." the list's numbers stand bare: "schriftelijke vragen nrs. 12, 15 en 18".
MORE_BARE = re.compile(rf"\s*(?:,|en)\s*(?P<ref>(?P<number>\d+)(?![\d.,/])(?:\s*\({SESSION}\))?(?:\s+van\s+{DATE})?)(?!\s*(?:euro|EUR|€|%|procent))")
PLURAL_NR = re.compile(r"nrs\.?|nummers", re.IGNORECASE)
# After a paper: more parts of it ("2-B en 2-C") or more papers ("en nr. 7/3-Bijlagen"), same session.
MORE_PART = re.compile(r"\s*(?:,|en)\s*(?P<nr>\d+-[A-Z])(?![\w/])")
MORE_PAPER = re.compile(rf"\s*(?:,|en)\s*(?P<ref>(?:{NR})?(?P<doc>\d+{LETTER}?)/(?P<nr>{PART})(?![\d/]){ANNEX})")
# "Verordening (EU) nr. 651/2014" is a regulation, not a paper: papers have short part numbers.
NR_SLASH = re.compile(
    rf"(?<![\w])(?<!\)\s)(?:[Ss]tuk\s+)?{NR}(?P<doc>\d+{LETTER}?)/(?P<nr>{PART})(?![\d/]){ANNEX}"
)
# "arrest nr. 42/97", "omzendbrief nr. 12/3": numbered documents of other bodies, not papers.
OTHER_DOCUMENT_BEFORE = re.compile(
    r"(?<![\w])(?i:arresten|arrest|vonnis|beschikking|advies|adviezen|omzendbrief|rolnummer|zaak|verordening|richtlijn|besluit|dossier)\s+$"
)
URL = re.compile(r"(?:https?://|(?<![\w./@])(?=(?:www|docs)\.))(?:[\w-]+\.)*vlaamsparlement\.be[^\s<>\"”)]*")


@dataclass(slots=True)
class DocRefMention:
    char_start: int
    char_end: int
    text: str
    ref_type: str
    number: str | None = None
    session: str | None = None
    date: dt.date | None = None
    target_doc_id: str | None = None


def normalise_session(s: str | None) -> str | None:
    """ "2025-26" -> "2025-2026"."""
    if not s:
        return None
    m = re.match(r"(\d{4})\s*[-–/]\s*(\d{2,4})", s)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    if len(b) == 2:
        year = int(a[:2] + b)
        b = str(year + 100 if year < int(a) else year)  # "1999-00" -> 1999-2000
    return f"{a}-{b}"


# Written and oral question references start at one of these words (less their first
# letter, which may be a capital); the full patterns are tried only there (a literal search
# is many times faster than a scan with look-behinds).
QUESTION_WORDS = ("chriftelijke", "raag", "ctuele", "nterpellatie")


def _question_starts(text: str) -> list[int]:
    out = set(occurrences(text, ("SV",)))
    out.update(i - 1 for i in occurrences(text, QUESTION_WORDS) if i >= 1)
    return sorted(out)


# Where the other patterns can start (every match opens with one of these words).
PAPER_WORDS = ("Stuk", "stuk", "Parl", "parl")
URL_STARTS = ("http", "www.", "docs.")
NR_SLASH_WORDS = ("Stuk", "stuk", "nr", "nummer", "n°")


def _paper_starts(text: str) -> list[int]:
    """Where PAPER can match: its words, or the number before "(19"/"(20" (a session) with spaces between."""
    out = occurrences(text, PAPER_WORDS)
    for p in occurrences(text, ("(19", "(20")):
        j = p
        while j > 0 and text[j - 1].isspace():
            j -= 1
        k = j
        while k > 0 and text[k - 1].isdecimal():
            k -= 1
        if k < j:
            out.append(k)
    return sorted(out)


def _date(s: str | None, doc_date: dt.date | None) -> dt.date | None:
    """A written date; one without a year takes the question's year."""
    if not s:
        return None
    d = parse_full_date(s)
    if d is None and doc_date is not None:
        d = parse_full_date(f"{s} {doc_date.year}")
    return d


def find_doc_refs(text: str, doc_date: dt.date | None = None) -> list[DocRefMention]:
    """Every reference to another parliamentary document in one part's text."""
    out: list[DocRefMention] = []
    claims = Claims(len(text))

    def add(s0: int, e0: int, **kw: object) -> None:
        if claims.claim(s0, e0):
            out.append(DocRefMention(char_start=s0, char_end=e0, text=text[s0:e0], **kw))  # type: ignore[arg-type]

    for m in matches_at(URL, text, occurrences(text, URL_STARTS)) if "vlaamsparlement" in text else ():
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:":
            end -= 1
        add(m.start(), end, ref_type="url")
    for m in matches_at(WRITTEN_BULLETIN, text, occurrences(text, ("Schriftelijke",))) if "Vragen" in text else ():
        add(m.start(), m.end(), ref_type="written_question", number=m.group("number"), session=normalise_session(m.group("session")))
    starts = _question_starts(text)
    for m in filter(None, (WRITTEN.match(text, i) for i in starts)):
        mijn = ending_at(MIJN, text, m.start(), 12, words=1)
        start = mijn.start() if mijn else m.start()
        add(start, m.end(), ref_type="written_question", number=m.group("number"), session=normalise_session(m.group("session")), date=_date(m.group("date"), doc_date))
        pos = m.end()
        bare = PLURAL_NR.search(m.group(0)) is not None
        while True:
            more = MORE_QUESTION.match(text, pos) or (MORE_BARE.match(text, pos) if bare else None)
            if not more:
                break
            add(more.start("ref"), more.end(), ref_type="written_question", number=more.group("number"), session=normalise_session(more.group("session")), date=_date(more.group("date"), doc_date))
            pos = more.end()
    for m in filter(None, (ORAL.match(text, i) for i in starts)):
        if not (m.group("number") or m.group("date") or m.group("session")):
            continue
        mijn = ending_at(MIJN, text, m.start(), 12, words=1)
        start = mijn.start() if mijn else m.start()
        add(start, m.end(), ref_type="oral_question", number=m.group("number"), session=normalise_session(m.group("session")), date=_date(m.group("date"), doc_date))
    for rx, words in ((PARL_ST, ("Parl",)), (NR_SLASH, NR_SLASH_WORDS)):
        for m in matches_at(rx, text, occurrences(text, words)) if "/" in text else ():
            if rx is NR_SLASH and ending_at(OTHER_DOCUMENT_BEFORE, text, m.start(), 20, words=1):
                continue
            session = normalise_session(m.groupdict().get("session"))
            doc = m.group("doc")
            add(m.start(), m.end(), ref_type="parliamentary_document", number=f"{doc}/{m.group('nr')}", session=session)
            pos = m.end()
            while extra := MORE_PART.match(text, pos) or MORE_PAPER.match(text, pos):
                if "ref" in extra.groupdict():
                    doc = extra.group("doc")
                    add(extra.start("ref"), extra.end(), ref_type="parliamentary_document", number=f"{doc}/{extra.group('nr')}", session=session)
                else:
                    add(extra.start("nr"), extra.end("nr"), ref_type="parliamentary_document", number=f"{doc}/{extra.group('nr')}", session=session)
                pos = extra.end()
    for m in matches_at(PAPER, text, _paper_starts(text)) if "(" in text else ():
        add(m.start(), m.end(), ref_type="parliamentary_document", number=f"{m.group('doc')}/{m.group('nr')}", session=normalise_session(m.group("session")))
    out.sort(key=lambda r: r.char_start)
    return out
