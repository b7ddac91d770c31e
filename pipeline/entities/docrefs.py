"""References to other parliamentary documents: written and oral questions, papers, links.

Pointers inside the same document ("zie antwoord op vraag 4", "Tabel 2") are not matched:
every pattern needs a document word (schriftelijke vraag, SV, stuk, Parl.St.) or a session.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.entities.dates import parse_full_date

DATE = r"(?P<date>(?:[12]\d|3[01]|0?[1-9])\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s+(?:19|20)\d\d|(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])/(?:19|20)\d\d)"
SESSION = r"(?P<session>(?:19|20)\d\d\s*[-–/]\s*(?:(?:19|20)\d\d|\d\d))"
NR = r"(?:nr\.?|nummer|n°)\s*"
OWNER = r"(?:(?:mijn|zijn|haar|uw|de|het|een|deze|die)\s+)?"

WRITTEN = re.compile(
    rf"(?<![\w])(?P<lead>{OWNER})(?:schriftelijke\s+vraag|SV)\s+(?:{NR})?(?P<number>\d+)"
    rf"(?:\s*\({SESSION}\))?(?:\s+van\s+{DATE})?(?:\s*[-–]\s*(?:Bijlage|bijlage)\s+\d+)?",
    re.IGNORECASE,
)
WRITTEN_BULLETIN = re.compile(
    rf"(?<![\w])Schriftelijke\s+Vragen\s*,?\s*Vl\.\s*Parl\.\s*,?\s*{SESSION}\s*,\s*{NR}(?P<number>\d+)"
)
ORAL = re.compile(
    rf"(?<![\w])(?P<lead>{OWNER})(?P<kind>vraag\s+om\s+uitleg|actuele\s+vraag|interpellatie)"
    rf"(?:\s+(?:{NR})(?P<number>\d+))?(?:\s*\({SESSION}\))?(?:\s+van\s+{DATE})?",
    re.IGNORECASE,
)
PAPER = re.compile(
    rf"(?<![\w])(?:(?:[Ss]tuk|[Pp]arl\.\s*[Ss]t\.)\s+)?(?P<doc>\d+)\s*\({SESSION}\)\s*(?:[-–]\s*)?,?\s*(?:[Nn]r\.?|Nr)\s*(?P<nr>\d+(?:-[A-Z])?)"
)
PARL_ST = re.compile(
    rf"(?<![\w])Parl\.\s*St\.\s*(?:Vl\.\s*Parl\.)?\s*,?\s*{SESSION}\s*,\s*{NR}(?P<doc>\d+)/(?P<nr>\d+(?:-[A-Z])?)"
    r"(?P<more>(?:\s*(?:,|en)\s*\d+-[A-Z])*)"
)
MORE_PART = re.compile(r"\s*(?:,|en)\s*(?P<nr>\d+-[A-Z])")
NR_SLASH = re.compile(
    rf"(?<![\w])(?:[Ss]tuk\s+)?{NR}(?P<doc>\d+)/(?P<nr>\d+(?:-[A-Z])?)(?P<more>(?:\s*(?:,|en)\s*\d+-[A-Z])*)"
)
URL = re.compile(r"https?://(?:[\w-]+\.)*vlaamsparlement\.be[^\s<>\"”)]*")


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
        b = a[:2] + b
    return f"{a}-{b}"


def find_doc_refs(text: str) -> list[DocRefMention]:
    """Every reference to another parliamentary document in one part's text."""
    out: list[DocRefMention] = []
    taken = bytearray(len(text) + 1)

    def add(s0: int, e0: int, **kw: object) -> None:
        if any(taken[s0:e0]):
            return
        for i in range(s0, e0):
            taken[i] = 1
        out.append(DocRefMention(char_start=s0, char_end=e0, text=text[s0:e0], **kw))  # type: ignore[arg-type]

    for m in URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:":
            end -= 1
        add(m.start(), end, ref_type="url")
    for m in WRITTEN_BULLETIN.finditer(text):
        add(m.start(), m.end(), ref_type="written_question", number=m.group("number"), session=normalise_session(m.group("session")))
    for m in WRITTEN.finditer(text):
        lead = m.group("lead") or ""
        start = m.start() if lead.strip().lower() == "mijn" else m.start() + len(lead)
        date = parse_full_date(m.group("date")) if m.group("date") else None
        add(start, m.end(), ref_type="written_question", number=m.group("number"), session=normalise_session(m.group("session")), date=date)
    for m in ORAL.finditer(text):
        if not (m.group("number") or m.group("date") or m.group("session")):
            continue
        lead = m.group("lead") or ""
        start = m.start() if lead.strip().lower() == "mijn" else m.start() + len(lead)
        date = parse_full_date(m.group("date")) if m.group("date") else None
        add(start, m.end(), ref_type="oral_question", number=m.group("number"), session=normalise_session(m.group("session")), date=date)
    for rx in (PARL_ST, NR_SLASH):
        for m in rx.finditer(text):
            session = normalise_session(m.groupdict().get("session"))
            doc = m.group("doc")
            add(m.start(), m.end("nr"), ref_type="parliamentary_document", number=f"{doc}/{m.group('nr')}", session=session)
            more_base = m.start("more")
            for extra in MORE_PART.finditer(m.group("more")):
                add(more_base + extra.start("nr"), more_base + extra.end("nr"), ref_type="parliamentary_document", number=f"{doc}/{extra.group('nr')}", session=session)
    for m in PAPER.finditer(text):
        add(m.start(), m.end(), ref_type="parliamentary_document", number=f"{m.group('doc')}/{m.group('nr')}", session=normalise_session(m.group("session")))
    out.sort(key=lambda r: r.char_start)
    return out
