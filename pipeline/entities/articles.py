"""Article references: "artikel 12, §2, 3°, van het decreet van 22 december 2017".

One row per article (lists give several rows, "5 tot en met 7" one row with article_to).
An instrument following with "van ..." is inside the span; one named elsewhere in the same
sentence fills the instrument fields only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from pipeline.entities.context import ending_at, matches_at, occurrences
from pipeline.entities.dates import ANY_YEAR, DAY_MONTH, parse_full_date

ART_WORD = r"(?i:artikelen|artikels|artikel|art\.|artt\.)"
ART_NUM = r"(?:[IVX]{1,4}\.)?\d+(?:[./]\d+)*(?![\d°]|[./]\d)(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|novies|decies)\b)?"
PARAGRAPH = r"(?:,?\s*§\s*(?P<par>\d+))"
# "3°", "1°, 2°", "1° tot 3°", "1°, a)".
DEGREE = r"(?:,?\s*(?P<deg>\d+°(?:\s*(?:,|en|tot\s+en\s+met|t\.e\.m\.|tot)\s*\d+°)*(?:,?\s*[a-z]\)(?!\w))?))"
LID_ORD = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6, "zevende": 7, "achtste": 8, "negende": 9, "tiende": 10}
ORDINAL = r"(?:eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende|\d+(?:e|de|ste))"
LID_AFTER = rf"(?:,?\s*(?:(?P<lid>{ORDINAL})\s+lid|lid\s+(?P<lidn>\d+)))"
ONE_ARTICLE = rf"(?P<num>{ART_NUM})(?:,(?P<sub>\d+)(?!\d|,\d{{3}}))?{PARAGRAPH}?{LID_AFTER}?{DEGREE}?"
NAMED_TAIL = r"(?:\s+(?:[A-Z][\w-]+|nr\.\s*\d+/\d+|\((?:EU|EG|EEG)\)|\d{2,4}/\d+(?:/(?:EU|EG|EEG))?|van\s+(?:19|20)\d\d(?!\s*[-/]))(?=[\s,.;:)?!]|$))*"
INSTRUMENT_HEAD = (
    r"(?:(?:ministerieel|koninklijk|uitvoerings)\s+)?"
    r"(?:(?:Vlaamse\s+)?(?:Codex|Wooncode)" + NAMED_TAIL
    + r"|[A-Z][\w-]*(?:decreet|besluit|wet|codex|code|reglement|verordening|richtlijn|omzendbrief|verdrag|-Verdrag)" + NAMED_TAIL
    + r"|(?:Decreet|Wet|Besluit)(?=\s+[A-Z])" + NAMED_TAIL
    + r"|(?:Decreet|Wet|Besluit)\s+(?:over|betreffende|houdende|tot|op|inzake)\s+[a-zà-ÿ\s]+?(?=\s+van\s+\d{1,2}\s+[a-z]+\s+\d{4})"
    + r"|(?:Vlaams(?:e)?\s+)?[A-Z][\w-]*wetboek" + NAMED_TAIL
    + r"|Verdrag(?:\s+betreffende\s+de\s+(?:werking\s+van\s+de\s+)?Europese\s+Unie|\s+van\s+[A-Z]\w+)?"
    + r"|(?:[A-Z][a-z]+\s+)+(?:Verordening|Richtlijn)(?:\s+[A-Z][\w-]+)+"
    + r"|VLAREM(?:A|BO|EL)?(?:\s+I{1,3})?\b"
    + r"|(?:[Vv]erordening|[Rr]ichtlijn)(?=\s+(?:\((?:EU|EG|EEG)\)|\d))" + NAMED_TAIL
    + r"|[Dd]ecreet\s+(?:basisonderwijs|secundair\s+onderwijs|lokaal\s+bestuur|integraal\s+waterbeleid|natuurbehoud|bestuurlijk\s+beleid|kinderopvang)\b"
    + r"|decreet|besluit|wet|Grondwet|grondwet|codex|reglement|Reglement|verordening|richtlijn|omzendbrief|Omzendbrief|VCO|VCRO|BVR|DLB|AVG|GDPR)"
    r"(?:\s+(?:(?:van|op)\s+(?:het|de)\s+(?:Vlaams(?:e)?\s+)?(?:Parlement|[Rr]egering)))?"
)
INSTRUMENT = re.compile(
    rf"(?P<inst>(?:de\s+|het\s+)?(?P<head>{INSTRUMENT_HEAD}))"
    rf"(?:\s+(?:van\s+)?(?P<idate>{DAY_MONTH}\s+{ANY_YEAR}))?"
)
VAN_INSTRUMENT = re.compile(rf",?\s+(?:van\s+|(?=[A-Z]{{2,}}\b)){INSTRUMENT.pattern}")
# An instrument printed right before the article word: "(Reglement artikel 81, ...)".
INSTRUMENT_BEFORE = re.compile(rf"(?P<inst>(?P<head>{INSTRUMENT_HEAD}))\s+$")
# An aside in brackets after an article of a list: "3.1.2, § 1 (voor de premie) en 3.1.7 (...)".
ASIDE = r"\s*\((?![Aa]rt)[^()]{1,80}\)"
REFERENCE = re.compile(
    rf"(?<![\w])(?:(?P<lidpre>(?i:het)\s+(?P<lidord>{ORDINAL})\s+lid\s+van\s+))?(?P<word>{ART_WORD})\s+(?P<list>{ONE_ARTICLE}(?:{ASIDE})?(?:\s*(?:,?\s*en|,|tot\s+en\s+met|t\.e\.m\.|tot)\s*{ART_NUM}(?:{PARAGRAPH.replace('par', 'p2')})?(?:{ASIDE})?)*)",
)
ONE = re.compile(ONE_ARTICLE)
ASIDE_AT = re.compile(ASIDE)
ARTICLE_FORM = re.compile(r"[\dIVX][./]\d")
SEP = re.compile(r"\s*(,?\s*en|,|tot\s+en\s+met|t\.e\.m\.|tot)\s*")
SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z(\"“‘])|\n")
TYPE_WORDS = ("decreet", "besluit", "verordening", "richtlijn", "omzendbrief", "verdrag", "reglement", "codex", "wet")
NAMED = {"vco": ("codex", "VCO"), "vcro": ("codex", "VCRO"), "bvr": ("besluit", "BVR"), "dlb": ("decreet", "DLB"), "avg": ("verordening", "AVG"), "gdpr": ("verordening", "GDPR")}


@dataclass(slots=True)
class ArticleMention:
    char_start: int
    char_end: int
    text: str
    article: str
    article_to: str | None = None
    paragraph: str | None = None
    subdivision: str | None = None
    instrument_type: str | None = None
    instrument_name: str | None = None
    instrument_date: dt.date | None = None


def classify_instrument(head: str) -> tuple[str | None, str | None]:
    """(instrument_type, instrument_name): a generic "decreet" has no name, "Energiebesluit" has."""
    h = re.sub(r"\s+", " ", head.strip())
    low = h.lower()
    if low in NAMED:
        return NAMED[low]
    lead = LEADING_TYPE.match(h)
    if lead:
        return lead.group(1).lower(), h  # "Besluit Vlaamse Codex Wonen" is a besluit, not the codex
    if "codex" in low or low.endswith(("code", "wetboek")):
        return "codex", h
    if low.startswith("vlarem"):
        return "besluit", h
    generic = re.fullmatch(r"(?:(?:ministerieel|koninklijk)\s+)?(besluit|decreet)(?:\s+van\s+de\s+vlaamse\s+regering)?", low)
    if generic:
        return generic.group(1), None
    if low == "grondwet":
        return "grondwet", h
    for word in TYPE_WORDS:
        if low == word:
            return word, (h if h[0].isupper() else None)  # "Reglement" names one, "het decreet" does not
        if low.startswith(("ministerieel ", "koninklijk ", "uitvoerings")) and low.endswith(word):
            return word, None
        if word in low:
            return word, h
    return None, h


# A name that opens with its type word, capitalised: "Decreet Lokaal Bestuur", "Besluit Vlaamse Codex Wonen".
LEADING_TYPE = re.compile(r"(Besluit|Decreet|Wet)\s+[A-Z]")
ABBREVIATIONS = frozenset({"st", "vl", "parl", "nr", "art", "artt", "o.a", "m.b.t", "i.v.m", "bv", "dhr", "mevr", "blz", "p", "zgn", "resp", "incl", "excl", "ca", "e.a", "vs"})


def _breaks(text: str):
    """Sentence ends, less the full stops of abbreviations ("Parl.St. Vl.Parl.", "nr.")."""
    for b in SENTENCE_BREAK.finditer(text):
        if text[b.start()] == ".":
            k = b.start()
            while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
                k -= 1
            if text[k : b.start()].lower().split(".")[-1] in ABBREVIATIONS:
                continue
        yield b


def _sentence(text: str, pos: int, breaks: list[tuple[int, int]]) -> tuple[int, int]:
    """The sentence around pos, from the (start, end) of the text's sentence breaks."""
    i = bisect.bisect_right(breaks, (pos, pos)) - 1
    while i >= 0 and breaks[i][1] > pos:
        i -= 1
    start = breaks[i][1] if i >= 0 else 0
    nxt = next((b for b in breaks[i + 1 :] if b[0] >= pos), None)
    return start, (nxt[0] + 1 if nxt else len(text))


def _instrument_in_sentence(text: str, start: int, end: int, breaks: list[tuple[int, int]]) -> re.Match[str] | None:
    s0, s1 = _sentence(text, start, breaks)
    best = None
    for m in INSTRUMENT.finditer(text, s0, s1):
        if start <= m.start() < end:
            continue
        if best is None or abs(m.start() - start) < abs(best.start() - start):
            best = m
    return best


def _subdivisions(m: re.Match[str]) -> str | None:
    parts = []
    if m.group("sub"):
        parts.append(m.group("sub"))
    if m.group("lid"):
        parts.append(f"lid {_ordinal(m.group('lid'))}")
    elif m.group("lidn"):
        parts.append(f"lid {m.group('lidn')}")
    if m.group("deg"):
        parts.append(re.sub(r"\s*,\s*", ", ", m.group("deg")))
    return ", ".join(parts) or None


def _ordinal(word: str) -> int:
    w = word.lower()
    return LID_ORD.get(w) or int(re.match(r"\d+", w).group())  # type: ignore[union-attr]


def _references(text: str):
    """REFERENCE's matches, tried only where one can start: at "art" in any case (every
    article word), or at "het" when the text has "lid" ("het tweede lid van artikel 3")."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: offsets would not carry over
        return REFERENCE.finditer(text)
    words = ("art", "het") if "lid" in text else ("art",)
    return matches_at(REFERENCE, text, occurrences(low, words))


def find_articles(text: str) -> list[ArticleMention]:
    """Every article reference in one part's text, one row per article."""
    out: list[ArticleMention] = []
    breaks: list[tuple[int, int]] | None = None  # computed once, on the first reference that needs it
    for ref in _references(text):
        plural = ref.group("word").lower() in ("artikelen", "artikels", "artt.")
        list_text = ref.group("list")
        base = ref.start("list")
        rows: list[tuple[int, int, re.Match[str], str | None]] = []
        pos = 0
        first = ONE.match(list_text, 0)
        assert first is not None
        rows.append((base, base + first.end(), first, None))
        pos = first.end()
        extra_subs: list[str] = []
        while True:
            aside = ASIDE_AT.match(list_text, pos)
            sep = SEP.match(list_text, aside.end() if aside else pos)
            if not sep:
                break
            nxt = ONE.match(list_text, sep.end())
            if not nxt:
                break
            link = sep.group(1)
            if link.startswith("tot") or link == "t.e.m.":
                s0, _, m0, _ = rows[-1]
                rows[-1] = (s0, base + nxt.end(), m0, nxt.group("num"))
            elif plural or len(rows) > 1 or ARTICLE_FORM.search(nxt.group("num")):
                # "artikel 5.1.1 en 5.1.2": numbers in article form are articles after a singular word too.
                rows.append((base + nxt.start(), base + nxt.end(), nxt, None))
            else:
                # "artikel 81, 1, 2, 3, 5 en 7": numbers after a single article are its subdivisions.
                extra_subs.append(nxt.group("num"))
            pos = nxt.end()
        end_of_list = base + pos
        inst = VAN_INSTRUMENT.match(text, end_of_list)
        if inst is None and (aside := ASIDE_AT.match(text, end_of_list)):
            inst = VAN_INSTRUMENT.match(text, aside.end())  # "artikel 3, § 2 (nieuw), van het decreet"
        inst_fields: tuple[str | None, str | None, dt.date | None] = (None, None, None)
        span_end = end_of_list
        span_start = ref.start()
        if inst:
            itype, iname = classify_instrument(inst.group("head"))
            inst_fields = (itype, iname, parse_full_date(inst.group("idate")) if inst.group("idate") else None)
            span_end = inst.end()
        else:
            near = ending_at(INSTRUMENT_BEFORE, text, ref.start())
            if near and near.group("head")[:1].isupper():
                span_start = near.start()
            else:
                if breaks is None:
                    breaks = [(b.start(), b.end()) for b in _breaks(text)]
                near = _instrument_in_sentence(text, ref.start(), end_of_list, breaks)
            if near:
                itype, iname = classify_instrument(near.group("head"))
                idate = near.groupdict().get("idate")
                inst_fields = (itype, iname, parse_full_date(idate) if idate else None)
        for k, (s, e, m, to) in enumerate(rows):
            start = span_start if k == 0 else s
            end = span_end if k == len(rows) - 1 else e
            subs = _subdivisions(m)
            if extra_subs and k == 0:
                subs = ", ".join(([subs] if subs else []) + extra_subs)
            if k == 0 and ref.group("lidpre"):
                subs = ", ".join(filter(None, [f"lid {_ordinal(ref.group('lidord'))}", subs]))
            out.append(
                ArticleMention(
                    char_start=start,
                    char_end=end,
                    text=text[start:end],
                    article=m.group("num"),
                    article_to=to,
                    paragraph=m.group("par"),
                    subdivision=subs,
                    instrument_type=inst_fields[0],
                    instrument_name=inst_fields[1],
                    instrument_date=inst_fields[2],
                )
            )
    return out
