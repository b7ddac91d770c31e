"""Dates: finding calendar mentions in part text and normalising them to date ranges.

Patterns live here, beside the code that reads their groups. Common forms ("12 mei 2023",
"27/4/2023") are parsed exactly with a month table; dateparser (languages=["nl"]) is the
fallback for free-form metadata dates. A bare four-digit number counts as a year only
after a temporal word, as the extraction guide requires.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.entities.context import Claims, either_case, ending_at, matches_at, occurrences, words_back

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
SEASONS = {"voorjaar": (3, 5), "lente": (3, 5), "zomer": (6, 8), "najaar": (9, 11), "herfst": (9, 11), "winter": (12, 2)}
QUARTERS = {"eerste": 1, "1e": 1, "1ste": 1, "tweede": 2, "2e": 2, "2de": 2, "derde": 3, "3e": 3, "3de": 3, "vierde": 4, "4e": 4, "4de": 4}
QUALIFIERS_IN_SPAN = r"eind|einde|begin|medio|midden|half|halfweg|start"
# Prepositions left out of the span that still say something about the date.
QUALIFIERS_OUTSIDE = r"uiterlijk|ten\s+laatste|ten\s+vroegste"

MONTH = (
    r"(?P<month>"
    + either_case("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
    + r"|(?:[Jj]an|[Ff]ebr?|[Mm]rt|[Aa]pr|[Aa]ug|[Ss]ept?|[Oo]kt|[Nn]ov|[Dd]ec)\.)"
)
YEAR = r"(?:19[5-9]\d|20\d\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
NOT_COUNT = r"(?![.,]\d)(?!\s*(?:%|procent|euro(?!\s*\d)|EUR(?!\s*\d)|€(?!\s*\d)|frank|BEF|ton\b|kg\b|km\b|m²|m2\b|m3\b|ha\b|hectare|kWh|MWh|GWh|personen|projecten|leerlingen|woningen|gezinnen|kinderen|stuks|deelnemers|dossiers|inwoners|bezoekers|mensen|werknemers|banen|jobs|plaatsen|bedden|scholen|gemeenten|aanvragen|studenten|voertuigen|bomen|meter|liter))"

# Point forms, tried in this order at each position (longest first).
WEEKDAY = r"(?:(?:" + either_case("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag") + r")\s+)?"
DAY_MONTH_YEAR = re.compile(rf"\b{WEEKDAY}(?P<day>{DAY})(?:ste|de|e)?\s+{MONTH}(?:\s+(?P<year>{YEAR}))?(?![\w])")
NUMERIC = re.compile(rf"(?<![\d.,/])(?P<day>{DAY})(?P<sep>[/.\-])(?P<mon>1[0-2]|0?[1-9])(?P=sep)(?P<year>{YEAR}|\d\d)(?![\d]|[.,/]\d)")
QUARTER_WORDS = either_case("eerste", "tweede", "derde", "vierde")
SEASON = re.compile(rf"\b(?:(?:[Hh]et|[Dd]e)\s+)?(?P<season>{either_case(*SEASONS)})\s+(?:van\s+)?(?P<year>{YEAR})\b{NOT_COUNT}")
QUARTER = re.compile(rf"\b(?:(?:[Hh]et|[Dd]e)\s+)?(?P<q>{QUARTER_WORDS}|[1-4]e|[1-4]ste|[1-4]de)\s+kwartaal\s+(?:van\s+)?(?P<year>{YEAR})\b{NOT_COUNT}|\bQ(?P<qn>[1-4])\s+(?P<year2>{YEAR})\b")
YEAR_RANGE = rf"(?P<y1>{YEAR})\s*[-–/]\s*(?P<y2>{YEAR}|\d\d)(?!\d)"
# The next year of a list, also after an aside in brackets: "in 2021 (12), 2022 (15) en 2023 (18)".
LIST_ASIDE = r"(?:\s*\([^()]{1,60}\))?"
LISTED_RANGE = re.compile(rf"{LIST_ASIDE}(?:\s*,\s*|\s+(?:en|of)\s+){YEAR_RANGE}{NOT_COUNT}")
LISTED_YEAR = re.compile(rf"{LIST_ASIDE}(?:\s*,\s*|\s+(?:en|of|tot\s+en\s+met|en\s+in|of\s+in)\s+)(?P<year>{YEAR})\b{NOT_COUNT}")
# Before a point: what joins two points into a range, and what opens it.
# Both are fullmatched on the text between two points.
RANGE_LINK = re.compile(r"\s*(?:tot\s+en\s+met|t\.e\.m\.|tem|tot|en|[-–])\s*", re.IGNORECASE)
YEAR_TO = re.compile(r"\s*(?:tot\s+en\s+met|t\.e\.m\.|tem|tot)\s*", re.IGNORECASE)
RANGE_OPEN = re.compile(r"(?:\b(?:van|vanaf|tussen)|(?<![\w])(?:de\s+periode\s+van))\s+$", re.IGNORECASE)
MONTH_YEAR_QUAL = re.compile(rf"\b(?:(?P<qual>{either_case(*QUALIFIERS_IN_SPAN.split('|'))})\s+)?{MONTH}\s+(?P<year>{YEAR})\b{NOT_COUNT}")
QUAL_BEFORE = re.compile(rf"\b(?P<qual>{QUALIFIERS_OUTSIDE})\s+(?:op\s+|in\s+)?$", re.IGNORECASE)
# A lone first end sharing month/year with the second: "van 1 tot 15 maart", "van januari tot maart 2023".
BARE_DAY_OPEN = re.compile(rf"\b(?P<open>van|vanaf|tussen)\s+(?P<day>{DAY})\s+(?:tot\s+en\s+met|tot|en|t\.e\.m\.)\s+$", re.IGNORECASE)
BARE_MONTH_OPEN = re.compile(rf"\b(?:van|vanaf|tussen)\s+{MONTH}\s+(?:tot\s+en\s+met|tot|en|t\.e\.m\.)\s+$", re.IGNORECASE)
# The last words of matches of the patterns above that end a window (ending_at's cheap test first).
RANGE_OPEN_TAILS = ("van", "vanaf", "tussen")
QUAL_BEFORE_TAILS = ("uiterlijk", "laatste", "vroegste", "op", "in")
BARE_OPEN_TAILS = ("tot", "met", "en", "t.e.m.")


@dataclass(slots=True)
class DateMention:
    char_start: int
    char_end: int
    text: str
    start: dt.date | None
    end: dt.date | None
    precision: str
    kind: str = "point"
    qualifier: str | None = None
    year_inferred: bool = False


def _month(name: str) -> int:
    """The month of a matched name. The patterns ignore case as Unicode does, so "januarİ"
    (a dotted capital I) and "ſeptember" (a long s) match too: casefold, without the dot above."""
    return MONTHS[name.casefold().replace("\u0307", "").rstrip(".")]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year2(y1: str, y2: str) -> int:
    """Second year of a range: "2022-23" is 2023, "1999-00" is 2000."""
    if len(y2) == 4:
        return int(y2)
    year = int(y1[:2] + y2)
    return year + 100 if year < int(y1) else year


def _two_digit_year(yy: str, pivot: int = 40) -> int:
    """ "27/4/23" is 2023, "1/12/97" is 1997: the archive starts in 1995 (a fixed pivot keeps reruns identical)."""
    return 2000 + int(yy) if int(yy) <= pivot else 1900 + int(yy)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_full_date(text: str) -> dt.date | None:
    """A day date written in full ("12 mei 2023", "27/4/2023"); dateparser for the rest."""
    s = text.strip().rstrip(".,;")
    m = DAY_MONTH_YEAR.fullmatch(s)
    if m and m.group("year"):
        return _safe_date(int(m.group("year")), _month(m.group("month")), int(m.group("day")))
    m = NUMERIC.fullmatch(s)
    if m:
        y = m.group("year")
        year = int(y) if len(y) == 4 else _two_digit_year(y)
        return _safe_date(year, int(m.group("mon")), int(m.group("day")))
    import dateparser

    parsed = dateparser.parse(s, languages=["nl"], settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date() if parsed else None


# Anchors, found by literal-first patterns (Python's re skips ahead fast only on those).
YEAR_ANCHOR = re.compile(r"19[5-9]\d|20\d\d")
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
# A written day date without capture groups, for the finders that embed one (documents,
# instruments); their dates may be older than the corpus, so any year from 1800 on.
DAY_MONTH = rf"{DAY}\s+(?:{'|'.join(MONTH_NAMES)})"
ANY_YEAR = r"(?:1[89]|20)\d\d"
NUMERIC_DATE = rf"(?:{DAY}/(?:1[0-2]|0?[1-9])/{ANY_YEAR}|{DAY}\.(?:1[0-2]|0?[1-9])\.{ANY_YEAR})"  # "30/12/2021", "1.12.2022"
# Month names as MONTH spells them, in full (lower case or capitalised) or cut short with a dot.
# None holds another or ends with another, so each stands for one MONTH group.
MONTH_WORDS = "|".join(
    [*MONTH_NAMES, *(m.capitalize() for m in MONTH_NAMES)]
    + [re.escape(a + ".") for m in ("jan", "feb", "febr", "mrt", "apr", "aug", "sep", "sept", "okt", "nov", "dec") for a in (m, m.capitalize())]
)
# A month where DAY_MONTH_YEAR can read one: after a day ("12 ", "1ste ").
MONTH_AFTER_DAY = re.compile(rf"\d(?:ste|de|e)?\s+(?=(?P<month>{MONTH_WORDS}))")
MONTH_ENDING = re.compile(rf"(?:{MONTH_WORDS})$")
LONGEST_MONTH = len("september")


SHORT_YEAR = re.compile(r"/\d\d(?![\d/])")


def _years(text: str, starts: list[int]) -> list[int]:
    """Start offsets of four-digit years (YEAR_ANCHOR with no digit either side), from the
    offsets of every "19" and "20"."""
    return [
        i for i in starts
        if YEAR_ANCHOR.match(text, i) and not (i and text[i - 1].isdigit()) and not text[i + 4 : i + 5].isdigit()
    ]


# The anchors of each pattern, found by cheap tests a match cannot do without. An anchor
# can only be the part of a match named (no month name holds another, a year's four digits
# fit no other group), so every anchor left out is one the pattern could not match at.
SEASON_NAMES = tuple(SEASONS)
MONTH_LAST_LETTERS = frozenset("itlsr.")  # how every entry of MONTH_WORDS ends


def _months_after_day(text: str) -> list[int]:
    """Month names after a day ("12 mei"), as DAY_MONTH_YEAR reads them."""
    return [m.start("month") for m in MONTH_AFTER_DAY.finditer(text)]


def _months_before_year(text: str, years: list[int]) -> list[int]:
    """Month names with a year after them ("mei 2023"), as MONTH_YEAR_QUAL reads them."""
    out = []
    for y in years:
        j = y
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if 0 < j < y and text[j - 1] in MONTH_LAST_LETTERS and (m := MONTH_ENDING.search(text, max(0, j - LONGEST_MONTH), j)):
            out.append(m.start())
    return out


def _season_years(text: str, years: list[int], back: int = 45) -> list[int]:
    """The years after a season ("zomer 2023", "zomer van 2023"), as SEASON reads them in its window."""
    out = []
    for a in years:
        before = text[max(0, a - back) : a].rsplit(None, 2)
        if before and before[-1] == "van":
            before.pop()
        if before and before[-1].lower().endswith(SEASON_NAMES):
            out.append(a)
    return out


def _named_before(text: str, years: list[int], words: tuple[str, ...], back: int = 45) -> list[int]:
    """The years with one of `words` in the window before them (QUARTER's "kwartaal" or "Q")."""
    at = occurrences(text, words)
    return [a for a in years if (i := bisect.bisect_left(at, a - back)) < len(at) and at[i] < a] if at else []


# A year or year range whose use as time is decided by the words before it (_year_context).
YEAR_OR_RANGE = re.compile(rf"(?<![\d.,/])(?P<y1>{YEAR})(?:\s*[-–/]\s*(?P<y2>{YEAR}|\d\d)(?!\d))?(?![\d])")
YEAR_WORD = re.compile(YEAR)
NOT_COUNT_AT = re.compile(NOT_COUNT)
CAPITALISED_AFTER = re.compile(r"\s+[A-Z][a-zà-ÿ]+")
QUALIFIER_WORDS = frozenset(QUALIFIERS_IN_SPAN.split("|"))
YEAR_NOUN_WORDS = frozenset({"periode", "programmaperiode", "seizoen", "legislatuur"})
LIST_INTRODUCERS = frozenset({"namelijk", "nl.", "m.n.", "zijnde"})
PLURAL_YEAR_NOUNS = ("jaren", "periodes", "perioden", "legislaturen")
BUDGET_SUFFIXES = (
    "begroting", "begrotingsaanpassing", "begrotingsopmaak", "raming", "akkoord", "regeerperiode", "nota",
    "rekening", "plan", "programma", "strategie", "visie", "pact", "rapport", "verslag", "beleidsbrief",
    "overeenkomst", "contract", "convenant",
)
TEMPORAL_WORDS = frozenset({
    "t.e.m.", "jaren", "over", "in", "sinds", "sedert", "vanaf", "van", "tot", "tegen", "voor", "vóór", "na",
    "t.o.v.", "tov", "tussen", "rond", "omstreeks", "tijdens", "uit", "per", "doorheen", "uiterlijk", "laatste", "vroegste",
})
AFTER_YEAR_WORDS = frozenset({"en", "of", "dan", "als", "met"})


def _around(rx: re.Pattern[str], text: str, anchors: list[int], back: int = 45, ahead: int = 25, words: int | None = None):
    """Matches of rx that contain an anchor (a year, a month name): rx is tried only near them.

    `words`: the most words a match has before its anchor ("maandag 12 mei"); the window
    then opens that many words back (a match without the anchor cannot end among them).
    """
    last_end = -1
    for a in anchors:
        if a < last_end:
            continue
        lo = max(0, a - back)
        if words is not None:
            lo = words_back(text, a, words, lo)
        for m in rx.finditer(text, lo, min(len(text), a + ahead)):
            if m.start() <= a < m.end() and m.start() >= last_end:
                last_end = m.end()
                yield m
                break


def _points(text: str, doc_date: dt.date | None) -> list[DateMention]:
    """All point mentions, longest match first, no overlaps."""
    found: list[DateMention] = []
    centuries = occurrences(text, ("19", "20"))
    years = _years(text, centuries)
    claims = Claims(len(text))

    def add(
        s0: int, e0: int, start: dt.date | None, end: dt.date | None, precision: str,
        kind: str = "point", qualifier: str | None = None, year_inferred: bool = False,
    ) -> None:
        if claims.claim(s0, e0):
            found.append(DateMention(s0, e0, text[s0:e0], start, end, precision, kind, qualifier, year_inferred))

    for m in _around(DAY_MONTH_YEAR, text, _months_after_day(text), back=28, ahead=24, words=2):
        month, day = _month(m.group("month")), int(m.group("day"))
        if m.group("year"):
            d = _safe_date(int(m.group("year")), month, day)
            add(m.start(), m.end(), start=d, end=d, precision="day")
        else:
            # "12 februari": the year comes from the question's date.
            d = _safe_date(doc_date.year, month, day) if doc_date else None
            add(m.start(), m.end(), start=d, end=d, precision="day", year_inferred=doc_date is not None)
    numeric_anchors = years + [m.end() - 2 for m in SHORT_YEAR.finditer(text)] if "/" in text else years
    numeric_anchors = [a for a in numeric_anchors if a and text[a - 1] in "/.-"]  # the year after its separator
    for m in _around(NUMERIC, text, sorted(numeric_anchors), back=7, ahead=5):
        y = m.group("year")
        if len(y) == 2 and m.group("sep") != "/":
            continue
        year = int(y) if len(y) == 4 else _two_digit_year(y)
        d = _safe_date(year, int(m.group("mon")), int(m.group("day")))
        if d:
            add(m.start(), m.end(), start=d, end=d, precision="day")
    for m in _around(QUARTER, text, _named_before(text, years, ("kwartaal", "Q"))):
        q = QUARTERS[m.group("q").lower()] if m.group("q") else int(m.group("qn"))
        year = int(m.group("year") or m.group("year2"))
        add(m.start(), m.end(), start=dt.date(year, 3 * q - 2, 1), end=_month_end(year, 3 * q), precision="quarter")
    for m in _around(SEASON, text, _season_years(text, years)):
        year = int(m.group("year"))
        a, b = SEASONS[m.group("season").lower()]
        end = _month_end(year + 1, b) if b < a else _month_end(year, b)
        add(m.start(), m.end(), start=dt.date(year, a, 1), end=end, precision="season")
    for m in _around(MONTH_YEAR_QUAL, text, _months_before_year(text, years), back=12, ahead=24, words=1):
        year, month = int(m.group("year")), _month(m.group("month"))
        qual = m.group("qual").lower() if m.group("qual") else None
        add(m.start(), m.end(), start=dt.date(year, month, 1), end=_month_end(year, month), precision="month", qualifier=qual)
    for m in matches_at(YEAR_OR_RANGE, text, centuries):
        if claims.taken(m.start()):
            continue
        y1 = int(m.group("y1"))
        y2 = _year2(m.group("y1"), m.group("y2")) if m.group("y2") else None
        end = m.end() if y2 and y2 > y1 else m.start() + 4
        if not NOT_COUNT_AT.match(text, end):
            continue
        ctx = _year_context(text, m.start(), end)
        if ctx is None:
            continue
        start, qualifier = ctx
        if y2 and y2 > y1:
            add(start, end, start=dt.date(y1, 1, 1), end=dt.date(y2, 12, 31), precision="year", kind="range")
        else:
            add(start, end, start=dt.date(y1, 1, 1), end=dt.date(y1, 12, 31), precision="year", qualifier=qualifier)
    # Lists after a year: "t.o.v. 2024, 2023, 2022".
    changed = True
    while changed:
        changed = False
        for mention in sorted(found, key=lambda x: x.char_start):
            if mention.precision == "year" and mention.kind == "range":
                m = LISTED_RANGE.match(text, mention.char_end)
                if m and not claims.taken(m.start("y1")):
                    y1, y2 = int(m.group("y1")), _year2(m.group("y1"), m.group("y2"))
                    if y2 > y1:
                        add(m.start("y1"), m.end(), start=dt.date(y1, 1, 1), end=dt.date(y2, 12, 31), precision="year", kind="range")
                        changed = True
                continue
            if mention.precision != "year" or mention.kind != "point":
                continue
            m = LISTED_YEAR.match(text, mention.char_end)
            if m and not claims.taken(m.start("year")):
                y = int(m.group("year"))
                add(m.start("year"), m.end(), start=dt.date(y, 1, 1), end=dt.date(y, 12, 31), precision="year")
                changed = True
    found.sort(key=lambda x: x.char_start)
    return found


def _word_before(text: str, pos: int) -> tuple[str, int] | None:
    """The whitespace-separated word ending just before pos (spaces between), with its start."""
    j = pos
    while j > 0 and text[j - 1] in " \t\n":
        j -= 1
    if j == pos or j == 0:
        return None
    k = text.rfind(" ", 0, j)  # a newline or tab counts only after the last space: search no further back
    k = max(k, text.rfind("\n", k + 1, j), text.rfind("\t", k + 1, j)) + 1
    return text[k:j], k


def _named_plan(text: str, pos: int, words: int = 6) -> bool:
    """A plan noun before a name in capitals: "Actieplan Sociale Economie", "beleidsnota Welzijn"."""
    for _ in range(words):
        w = _word_before(text, pos)
        if w is None:
            return False
        word, pos = w
        if word.lower().endswith(BUDGET_SUFFIXES):
            return True
        if not (word[:1].isupper() or word in ("en", "van", "de", "het", "-")):
            return False
    return False


def _names_years(word: str) -> bool:
    """A time noun that a bracketed year list can follow: "jaar", "werkingsjaren", "periode"."""
    low = word.lower().rstrip(",;:")
    return low.endswith(("jaar", *PLURAL_YEAR_NOUNS)) or low in YEAR_NOUN_WORDS


def _year_context(text: str, start: int, end: int) -> tuple[int, str | None] | None:
    """Whether the year (or year range) at start..end is used as time, by the words before it.

    Returns the span start (the year itself, or a qualifier or time noun kept in the span)
    and the qualifier; None when the number is not a year in use.
    """
    if start and text[start - 1] in "([":
        # "de laatste drie jaar (2019, 2020, 2021)": a bracket after a time noun opens a list of years.
        w0 = _word_before(text, start - 1)
        return (start, None) if w0 and _names_years(w0[0]) else None
    w1 = _word_before(text, start)
    if w1 is None:
        return None
    word, at = w1
    if word.startswith("("):
        word, at = word[1:], at + 1
    low = word.lower()
    if low in QUALIFIER_WORDS:
        return at, low
    if word.endswith(":") or low in LIST_INTRODUCERS:
        # "de volgende werkingsjaren: 2018, ...", "de laatste vijf jaar, namelijk 2019, ...".
        noun = word[:-1] if word.endswith(":") else (_word_before(text, at) or ("", 0))[0]
        return (start, None) if _names_years(noun) else None
    if low.endswith(PLURAL_YEAR_NOUNS):
        return start, None  # "de werkingsjaren 2018 en 2019": the plural noun names the whole list
    if low.endswith("jaar") or low in YEAR_NOUN_WORDS:
        det = _word_before(text, at)
        return (det[1] if det and det[0].lower() in ("het", "de") else at), None
    if word in ("BA", "BO") or low.endswith(BUDGET_SUFFIXES):
        return start, None
    if word[:1].isupper() and _named_plan(text, at):
        return start, None  # "Impulsprogramma Kusttoerisme 2015-2020", "beleidsnota Mobiliteit en Openbare Werken 2024-2029"
    if low in AFTER_YEAR_WORDS:
        w2 = _word_before(text, at) if low == "met" else None
        if not (w2 and w2[0].lower() == "en" and (w3 := _word_before(text, w2[1])) and w3[0].lower() == "tot"):
            return None  # "en 2021" is a year only in a list after a year in use (the list pass in _points)
    elif low not in TEMPORAL_WORDS:
        return None
    if CAPITALISED_AFTER.match(text, end):
        return None  # "in 2000 Antwerpen": Dutch puts the verb second after a time phrase
    return start, None


PRECISION_ORDER = {"day": 0, "month": 1, "season": 2, "quarter": 2, "year": 3}


def _linked(text: str, a: DateMention, b: DateMention) -> bool:
    """Two points with a range link between them ("tot en met", "-"), the cheap test before the opener's."""
    return a.kind == b.kind == "point" and RANGE_LINK.fullmatch(text, a.char_end, b.char_start) is not None


def _combine_ranges(text: str, points: list[DateMention]) -> list[DateMention]:
    """Two points joined by "tot (en met)" after "van/vanaf/tussen" become one range mention."""
    out: list[DateMention] = []
    i = 0
    while i < len(points):
        a = points[i]
        b = points[i + 1] if i + 1 < len(points) else None
        if b is not None and a.start and b.end and _linked(text, a, b):
            opener = ending_at(RANGE_OPEN, text, a.char_start, tails=RANGE_OPEN_TAILS, words=3)
            # "de periode 2026 tot en met 2032": a point with its time noun opens the range itself.
            noun_open = a.precision == "year" and not a.text[:1].isdigit() and a.qualifier is None
            # "de voorbije jaren (2020 tot en met 2022)": two years joined by "tot" are a range by themselves.
            years_to = a.precision == b.precision == "year" and a.qualifier is None and YEAR_TO.fullmatch(text, a.char_end, b.char_start)
            range_start = opener.start() if opener else (a.char_start if noun_open or years_to else None)
            if range_start is not None:
                start = a.start
                if a.year_inferred and not b.year_inferred:
                    start = _safe_date(b.end.year, a.start.month, a.start.day) or a.start
                if start > b.end:  # "van 15 december tot 15 januari 2024": the start is in the year before
                    start = _safe_date(start.year - 1, start.month, start.day) or start
                precision = max(a.precision, b.precision, key=lambda p: PRECISION_ORDER[p])
                s = range_start
                out.append(
                    DateMention(
                        char_start=s,
                        char_end=b.char_end,
                        text=text[s : b.char_end],
                        start=start,
                        end=b.end,
                        precision=precision,
                        kind="range",
                        qualifier=None,
                        year_inferred=a.year_inferred and b.year_inferred,
                    )
                )
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _bare_day_before_month(text: str, points: list[DateMention]) -> list[DateMention]:
    """ "van 1 tot 15 maart 2024": the lone day (or month) takes month and year of the end."""
    out = list(points)
    for p in points:
        if p.precision == "month" and p.start is not None and p.qualifier is None:
            m = ending_at(BARE_MONTH_OPEN, text, p.char_start, tails=BARE_OPEN_TAILS, words=5)
            if m:
                mon = _month(m.group("month"))
                out.append(DateMention(char_start=m.start("month"), char_end=m.end("month"), text=m.group("month"), start=dt.date(p.start.year, mon, 1), end=_month_end(p.start.year, mon), precision="month", year_inferred=p.year_inferred))
            continue
        if p.precision != "day" or p.start is None:
            continue
        m = ending_at(BARE_DAY_OPEN, text, p.char_start, tails=BARE_OPEN_TAILS, words=5)
        if m:
            d = _safe_date(p.start.year, p.start.month, int(m.group("day")))
            if d:
                out.append(DateMention(char_start=m.start("day"), char_end=m.end("day"), text=m.group("day"), start=d, end=d, precision="day", year_inferred=p.year_inferred))
    out.sort(key=lambda x: x.char_start)
    return out


def find_dates(text: str, doc_date: dt.date | None = None) -> list[DateMention]:
    """Every date mention of one part's text, in text order."""
    points = _bare_day_before_month(text, _points(text, doc_date))
    mentions = _combine_ranges(text, points)
    for m in mentions:
        if m.kind == "point" and m.qualifier is None:
            q = ending_at(QUAL_BEFORE, text, m.char_start, tails=QUAL_BEFORE_TAILS, words=3)
            if q:
                m.qualifier = re.sub(r"\s+", " ", q.group("qual").lower())
    return mentions
