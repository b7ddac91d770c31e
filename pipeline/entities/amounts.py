"""Amounts: money and percentages in Dutch notation, as exact decimals.

"." groups thousands and "," is the decimal mark; scale words (miljoen, miljard, k) and a
currency shared by two numbers ("tussen 5 en 10 miljoen euro") apply to both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from text_to_num import text2num

from pipeline.entities.context import Claims, either_case, ending_at, occurrences, words_back

NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
WORD_NUMBER = r"(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|duizend)"
WORD_NUMBER_ANY_CASE = "(?:" + either_case(*WORD_NUMBER[3:-1].split("|")) + ")"
SCALES = {"miljoen": Decimal(10) ** 6, "mio": Decimal(10) ** 6, "mln": Decimal(10) ** 6, "miljard": Decimal(10) ** 9, "mld": Decimal(10) ** 9, "duizend": Decimal(1000)}
SCALE = r"(?:miljoen|miljard|mio\.?|mln\.?|mld\.?|duizend)"
CURRENCY_AFTER = r"(?:euro|EUR|€|frank|BEF)"
# Belgian francs (before 2002) are money too, in their own currency.
CURRENCY_CODES = {"euro": "EUR", "eur": "EUR", "€": "EUR", "frank": "BEF", "bef": "BEF", "keur": "EUR", "k€": "EUR"}
KILO_EURO = r"(?:kEUR|k€|KEUR)"
QUALIFIER = r"(?:circa|ca\.|ongeveer|zo'n|zo’n|meer\s+dan|minder\s+dan|minstens|minimaal|maximaal|maximum|tot|ruim|bijna|nagenoeg|om\s+en\s+bij|rond|hoogstens)"
NUM = rf"(?P<num>-?{NUMBER}|{WORD_NUMBER_ANY_CASE})"

MONEY_BEFORE = re.compile(rf"(?<![\w])(?P<cur>€|EUR)\s*(?P<num>{NUMBER})(?:\s+(?P<scale>{SCALE}))?(?![\d\w])")
MONEY_AFTER = re.compile(rf"(?<![\w.,]){NUM}(?:\s*(?P<scale>{SCALE}))?\s*(?P<cur>{CURRENCY_AFTER}|{KILO_EURO})(?![\w])")
PERCENT = re.compile(rf"(?<![\w.,]){NUM}\s*(?P<pct>%|procent|percent)(?![\w])")
# "euro per <noun>" and "euro/<noun>": the noun, whatever it is, is the denominator.
UNIT_AFTER = re.compile(r"(?:\s*/\s*|\s+per\s+)(?P<unit>[a-zA-Zà-ÿ][a-zA-Zà-ÿ²³23]*)\b")
QUAL_BEFORE = re.compile(rf"(?<![\w])(?P<qual>{QUALIFIER})\s+$", re.IGNORECASE)
# The last word of every QUALIFIER, for ending_at's cheap test ("zo’n" is let through as not ASCII).
QUAL_TAILS = ("circa", "ca.", "ongeveer", "zo'n", "dan", "minstens", "minimaal", "maximaal", "maximum", "tot", "ruim", "bijna", "nagenoeg", "bij", "rond", "hoogstens")
# A bare number sharing the scale/currency of the next amount: "tussen 5 en 10 miljoen euro".
SHARED_LEFT = re.compile(rf"(?<![\w.,])(?P<num>{NUMBER}|{WORD_NUMBER})(?P<link>\s+(?:en|tot|à|a|of|naar)\s+|\s*[-–]\s*)$")
SHARED_TAILS = ("en", "tot", "a", "of", "naar", "-")
# Two written amounts joined as a range: "tussen € 2.000 en € 5.000", "€ 2.000 tot € 5.000".
RANGE_BETWEEN = re.compile(r"\s*(?:tot|à|a|[-–])\s*|\s+en\s+")
TUSSEN = re.compile(r"\btussen\s+$")
MODALS = frozenset({"kan", "kunnen", "mag", "mogen", "zal", "zullen"})
CHANGE_VERBS = frozenset({"aan", "toe", "op", "stijgt", "steeg", "stegen", "gestegen", "daalt", "daalde", "daalden", "gedaald", "groeit", "groeide", "gegroeid", "loopt", "liep", "opgelopen", "oplopend", "oplopen", "stijgend", "dalend", "groeiend", "toenemend", "evolueert", "evolueerde", "naar", "verhoogd", "verlaagd", "teruggebracht", "opgetrokken"})


@dataclass(slots=True)
class AmountMention:
    char_start: int
    char_end: int
    text: str
    kind: str
    value: Decimal | None
    currency: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    range_group: int | None = None


WORD_NUMBER_FULL = re.compile(WORD_NUMBER, re.IGNORECASE)
NUMBER_FULL = re.compile(NUMBER)


def parse_number(s: str) -> Decimal | None:
    """Dutch notation to an exact decimal: "14.282.612,00" -> 14282612.00; "twee" -> 2."""
    s = s.strip()
    if s.startswith("-"):
        value = parse_number(s[1:])
        return -value if value is not None else None
    if WORD_NUMBER_FULL.fullmatch(s):
        try:
            return Decimal(text2num(s.lower().replace("één", "een"), "nl"))
        except ValueError:
            return None
    if not NUMBER_FULL.fullmatch(s):
        return None
    return Decimal(s.replace(".", "").replace(",", "."))


def _scaled(value: Decimal | None, scale: str | None, kilo: bool) -> Decimal | None:
    if value is None:
        return None
    if scale:
        value *= SCALES[scale.lower().rstrip(".")]
    if kilo:
        value *= 1000
    return value


# Every amount has a currency or percent word: patterns are tried only around those words.
UNIT_TOKEN = re.compile(r"k€|kEUR|KEUR|%|procent|percent|euro|EUR|€|frank|BEF")
KILO_PREFIX = {"EUR": "kK", "€": "k"}  # the words UNIT_TOKEN also reads with a kilo "k" before them


def _unit_starts(text: str) -> list[int]:
    """Where UNIT_TOKEN.finditer finds its words, from literal searches (a regex scan of the
    text is slower): every occurrence, a kilo form taking its "k" along, overlaps left out."""
    spans = []
    for word in ("%", "procent", "percent", "euro", "EUR", "€", "frank", "BEF"):
        kilo = KILO_PREFIX.get(word, "")
        for i in occurrences(text, (word,)):
            if kilo and i and text[i - 1] in kilo:
                spans.append((i - 1, i + len(word)))
            spans.append((i, i + len(word)))
    spans.sort()
    starts, last = [], 0
    for start, end in spans:
        if start >= last:  # no two words start at one offset: the leftmost one wins, as in finditer
            starts.append(start)
            last = end
    return starts


# The words each pattern's `cur` or `pct` group starts with: a unit word is tried only by
# the patterns that can read it.
UNIT_WORDS = {MONEY_BEFORE: ("€", "EUR"), MONEY_AFTER: ("euro", "EUR", "€", "frank", "BEF", "kEUR", "k€", "KEUR"), PERCENT: ("%", "procent", "percent")}


def _at_units(rx: re.Pattern[str], text: str, units: list[int]):
    """Matches of rx whose currency or percent word starts at one of `units`.

    The first match in the window before the word whose word it is; the window's scan
    starts two words back, where its number can start at the earliest (number and scale,
    "5 miljoen euro"): a match of another word cannot overlap this one's number.
    """
    group = "pct" if rx is PERCENT else "cur"
    words = UNIT_WORDS[rx]
    for u in units:
        if not text.startswith(words, u):
            continue
        if rx is MONEY_BEFORE:
            m = rx.match(text, u)
            if m:
                yield m
            continue
        for m in rx.finditer(text, words_back(text, u, 2, max(0, u - 48)), min(len(text), u + 12)):
            if m.start(group) == u:
                yield m
                break


def find_amounts(text: str) -> list[AmountMention]:
    """Every money amount and percentage in one part's text, in text order."""
    found: list[AmountMention] = []
    claims = Claims(len(text))

    def add(m: AmountMention) -> bool:
        if not claims.claim(m.char_start, m.char_end):
            return False
        found.append(m)
        return True

    units = _unit_starts(text)
    for rx, kind in ((MONEY_BEFORE, "money"), (MONEY_AFTER, "money"), (PERCENT, "percentage")):
        for m in _at_units(rx, text, units):
            cur = m.groupdict().get("cur")
            kilo = cur is not None and cur.lower().startswith("k")
            value = _scaled(parse_number(m.group("num")), m.groupdict().get("scale"), kilo)
            end = m.end()
            unit = None
            if kind == "money":
                u = UNIT_AFTER.match(text, end)
                if u:
                    unit, end = u.group("unit"), u.end()
            start = m.start()
            found_m = AmountMention(
                char_start=start,
                char_end=end,
                text=text[start:end],
                kind=kind,
                value=value,
                currency=CURRENCY_CODES[cur.lower()] if kind == "money" and cur else None,
                unit=unit,
            )
            if add(found_m):
                _shared_left(text, found_m, m, add, len(found))
    found.sort(key=lambda x: x.char_start)
    _explicit_ranges(text, found)
    for a in found:
        if a.range_group is not None:
            continue
        q = ending_at(QUAL_BEFORE, text, a.char_start, tails=QUAL_TAILS, words=3)
        if not q:
            continue
        qual = re.sub(r"\s+", " ", q.group("qual").lower()).replace("’", "'")
        before = text[max(0, q.start() - 40) : q.start()].split()
        near = [w.lower() for w in before[-3:]]
        if qual == "tot" and any(w in CHANGE_VERBS for w in near) and not any(w in MODALS for w in near):
            continue  # "groeit aan tot 91,6 %": "to", not a bound; "kan oplopen tot" is a bound again
        a.qualifier = qual
        a.char_start = q.start()
        a.text = text[a.char_start : a.char_end]
    groups: dict[int, int] = {}
    for a in found:
        if a.range_group is not None:
            a.range_group = groups.setdefault(a.range_group, len(groups) + 1)
    return found


def _explicit_ranges(text: str, found: list[AmountMention]) -> None:
    next_group = max((a.range_group or 0 for a in found), default=0) + 1000
    for a, b in pairwise(found):
        if a.kind != b.kind or a.range_group is not None or b.range_group is not None:
            continue
        between = text[a.char_end : b.char_start]
        if not RANGE_BETWEEN.fullmatch(between):
            continue
        if " en " in f" {between} " and not ending_at(TUSSEN, text, a.char_start, words=1):
            continue
        a.range_group = b.range_group = next_group
        next_group += 1


YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
YEAR_FIRST = re.compile(r"(?:19|20)\d\d\b")


def _shared_left(text: str, right: AmountMention, m: re.Match[str], add, group_id: int) -> None:
    if right.kind == "money" and m.re is MONEY_BEFORE:
        return
    left = ending_at(SHARED_LEFT, text, right.char_start, tails=SHARED_TAILS, words=2)
    if not left:
        return
    if YEAR_LIKE.fullmatch(left.group("num")) and not YEAR_FIRST.match(right.text):
        return  # "in 2028 en 200 miljoen euro": a year, not a shared-scale amount
    value = parse_number(left.group("num"))
    scale = m.groupdict().get("scale")
    cur = m.groupdict().get("cur")
    kilo = cur is not None and cur.lower().startswith("k")
    ranged = left.group("link").strip() != "naar"  # "van 50 naar 70 euro": a change, not a range
    mention = AmountMention(
        char_start=left.start("num"),
        char_end=left.end("num"),
        text=left.group("num"),
        kind=right.kind,
        value=_scaled(value, scale, kilo),
        currency=right.currency,
        unit=right.unit,
        range_group=group_id if ranged else None,
    )
    if add(mention) and ranged:
        right.range_group = group_id
