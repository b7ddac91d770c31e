"""The finders' shortcuts give what the plain patterns give.

Patterns are tried only where a match can start (literal searches), look-behinds only
where the text ends with their words, windows only as many words back as a match holds:
each shortcut claims to change nothing. Checked here against the plain regex scan on the
case texts, and on the same texts with their spacing, case and punctuation disturbed
(the shortcuts read whitespace, case and word starts themselves).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from pipeline.entities import amounts, articles, dates, docrefs
from pipeline.entities.context import ending_at, matches_at, occurrences, words_back

CASES = Path(__file__).parent / "cases"
DISTURB = [
    (" ", "  "), (" ", "\n"), (" ", " \n "), (" ", "\xa0"), (" ", "\t"), (" ", ""), ("(", ""), (")", ""), (".", ""),
    (",", ""), ("e", "E"), ("a", "A"), ("t", "T"), ("i", "İ"), ("s", "ſ"), ("2", "1"), ("/", "-"), ("-", "/"),
    (" en ", " tot "), (" tot ", " - "), ("van ", ""), (" ", " ( "),
]


def _texts() -> list[str]:
    base = [c["text"] for path in sorted(CASES.glob("*.yaml")) for c in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    rng = random.Random(11)
    disturbed = []
    for _ in range(1500):
        t = rng.choice(base) + rng.choice([" ", "\n", ". "]) + rng.choice(base)
        for _ in range(rng.randint(1, 6)):
            a, b = rng.choice(DISTURB)
            at = [i for i in range(len(t)) if t.startswith(a, i)]
            if at:
                i = rng.choice(at)
                t = t[: i] + b + t[i + len(a) :]
        disturbed.append(t)
    return base + disturbed


TEXTS = _texts()


def _spans(ms) -> list[tuple[int, int]]:
    return [m.span() for m in ms]


@pytest.mark.parametrize(
    ("rx", "words"),
    [
        (docrefs.PARL_ST, ("Parl",)),
        (docrefs.NR_SLASH, docrefs.NR_SLASH_WORDS),
        (docrefs.URL, docrefs.URL_STARTS),
        (docrefs.WRITTEN_BULLETIN, ("Schriftelijke",)),
        (dates.YEAR_OR_RANGE, ("19", "20")),
    ],
)
def test_matches_at_their_opening_words_are_finditer(rx, words):
    for t in TEXTS:
        assert _spans(matches_at(rx, t, occurrences(t, words))) == _spans(rx.finditer(t)), t


def test_papers_and_article_references_are_finditer():
    for t in TEXTS:
        assert _spans(matches_at(docrefs.PAPER, t, docrefs._paper_starts(t))) == _spans(docrefs.PAPER.finditer(t)), t
        assert _spans(articles._references(t)) == _spans(articles.REFERENCE.finditer(t)), t


def test_unit_words_and_years_are_the_regex_scans():
    for t in TEXTS:
        assert amounts._unit_starts(t) == [m.start() for m in amounts.UNIT_TOKEN.finditer(t)], t
        plain = [
            m.start() for m in dates.YEAR_ANCHOR.finditer(t)
            if not (m.start() and t[m.start() - 1].isdigit()) and not t[m.end() : m.end() + 1].isdigit()
        ]
        assert dates._years(t, occurrences(t, ("19", "20"))) == plain, t


@pytest.mark.parametrize(
    ("rx", "tails", "words"),
    [
        (dates.QUAL_BEFORE, dates.QUAL_BEFORE_TAILS, 3),
        (dates.RANGE_OPEN, dates.RANGE_OPEN_TAILS, 3),
        (dates.BARE_DAY_OPEN, dates.BARE_OPEN_TAILS, 5),
        (dates.BARE_MONTH_OPEN, dates.BARE_OPEN_TAILS, 5),
        (amounts.QUAL_BEFORE, amounts.QUAL_TAILS, 3),
        (amounts.SHARED_LEFT, amounts.SHARED_TAILS, 2),
        (amounts.TUSSEN, None, 1),
        (docrefs.MIJN, None, 1),
    ],
)
def test_ending_at_limits_change_nothing(rx, tails, words):
    for t in TEXTS:
        for pos in range(len(t) + 1):
            plain = ending_at(rx, t, pos)
            fast = ending_at(rx, t, pos, tails=tails, words=words)
            assert (plain and plain.span()) == (fast and fast.span()), (t, pos)


def test_words_back_never_passes_a_word():
    t = "de  zomer\nvan\xa02023 en  ook"
    pos = t.index("2023")
    assert words_back(t, pos, 1) <= t.index("van")
    assert words_back(t, pos, 2) <= t.index("zomer")
    assert words_back(t, pos, 9) == 0
