"""Bulletins: openers, minister headings, furniture, the whole split on line lists, and the
rendered dev-set bulletins against their hand-written gold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipeline.entities import extract_entities
from pipeline.split.bulletin import _heading, _opener_at, is_bulletin, split_bulletin
from pipeline.text.furniture import RUNNING_HEADER
from pipeline.text.page import Line, Page
from pipeline.text.read import extract_text
from pipeline.tools.evaluate import MENTION_FIELDS, TARGETS, Score, _mention_keys, _norm

DEVSET = Path(__file__).parent / "devset"


def lines_of(texts: list[str], page: int = 1, top: float = 100.0) -> list[Line]:
    """One-column lines, 12 pt apart; a line ending in '|' is printed short (a paragraph's last line)."""
    out = []
    for k, t in enumerate(texts):
        short = t.endswith("|") or len(t) < 40
        out.append(Line(text=t.rstrip("|"), page=page, top=top + 12 * k, last_top=top + 12 * k, bottom=top + 12 * k + 9,
                        x0=57.0, x1=300.0 if short else 538.0, size=10.0))
    return out


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        (["Vraag nr. 42 van 8 maart 2006 van JAN LOONES"], (42, dt.date(2006, 3, 8), "JAN LOONES", 1)),
        (["Vraag nr. 42 van 8 maart 2006 van JAN", "LOONES", "Titel"], (42, dt.date(2006, 3, 8), "JAN LOONES", 2)),
        (["Vraag nr. 47 van 10 maart 2006 van", "KATHLEEN HELSEN", "Titel"], (47, dt.date(2006, 3, 10), "KATHLEEN HELSEN", 2)),
        (["Vraag nr. 7 van 1 oktober", "2007 van SONJA BECQ", "Titel"], (7, dt.date(2007, 10, 1), "SONJA BECQ", 2)),
        (["Vraag nr. 21 van 9 oktober 2007 van MARLEEN VAN", "DEN EYNDE", "Sociale huisvesting - Wachtlijsten"], (21, dt.date(2007, 10, 9), "MARLEEN VAN DEN EYNDE", 2)),
        (["Vraag nr.3 van 2 juli 2007 van ERIK MATTHIJS"], (3, dt.date(2007, 7, 2), "ERIK MATTHIJS", 1)),
        # not an opener: a reference in running text, a table-of-contents line, a lower-case name
        (["vraag nr. 97 van 9 mei 2003 van de heer Loones."], None),
        (["Vraag nr. 42 van 8 maart 2006 van JAN LOONES ........ 5"], None),
        (["Vraag nr. 42 van 8 maart 2006 van de heer Loones"], None),
        (["Vraag 42: schoolgebouwen"], None),
    ],
)
def test_opener(texts: list[str], want: tuple | None) -> None:
    assert _opener_at(lines_of(texts), 0) == want


MINISTER_TITLE = "VICE-MINISTER-PRESIDENT VAN DE VLAAMSE REGERING, VLAAMS MINISTER VAN WERK, ONDERWIJS EN VORMING"


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        # name, then the title wrapped over three lines
        (["einde van het vorige antwoord.|", "FRANK VANDENBROUCKE", "VICE-MINISTER-PRESIDENT VAN DE VLAAMSE", "REGERING, VLAAMS MINISTER VAN WERK,", "ONDERWIJS EN VORMING"],
         (1, "Frank Vandenbroucke", MINISTER_TITLE, None)),
        # a part heading above the minister
        (["I. VRAGEN VAN DE VLAAMSE VOLKSVERTEGENWOORDIGERS EN ANTWOORDEN VAN", "DE MINISTERS", "YVES LETERME", "MINISTER-PRESIDENT VAN DE VLAAMSE REGERING"],
         (0, "Yves Leterme", "MINISTER-PRESIDENT VAN DE VLAAMSE REGERING", False)),
        (["II. VRAGEN WAAROP NIET WERD GEANTWOORD BINNEN DE", "REGLEMENTAIRE TERMIJN", "VERA DUA", "VLAAMS MINISTER VAN LEEFMILIEU EN LANDBOUW"],
         (0, "Vera Dua", "VLAAMS MINISTER VAN LEEFMILIEU EN LANDBOUW", True)),
        # name and title in one paragraph
        (["vorige tekst.|", "HILDE CREVITS, VLAAMS MINISTER VAN", "MOBILITEIT, OPENBARE WERKEN EN ENERGIE"],
         (1, "Hilde Crevits", "VLAAMS MINISTER VAN MOBILITEIT, OPENBARE WERKEN EN ENERGIE", None)),
        (["MINISTER-PRESIDENT KRIS PEETERS"], (1, None, None, None)),  # a title start without a name above: no heading
        (["Gewone tekst van het vorige antwoord.|"], (1, None, None, None)),  # no capitals: same minister goes on
    ],
)
def test_minister_heading(texts: list[str], want: tuple) -> None:
    assert _heading(lines_of(texts), 0, len(texts)) == want


@pytest.mark.parametrize(
    ("text", "furniture"),
    [
        ("Vlaams Parlement - Vragen en Antwoorden - Nr. 7 - April 2006 -3-", True),
        ("Vlaams Parlement - Vragen en Antwoorden - Nr.7 - April 2006 -3-", True),
        ("-4- Vlaams Parlement - Vragen en Antwoorden - Nr. 7 - April 2006", True),
        ("VLAAMS PARLEMENT - VRAGEN EN ANTWOORDEN - NR. 11 - APRIL 2001 - 12 -", True),
        ("Vlaams Parlement keurde het decreet goed op 8 mei 2009.", False),
        ("Vragen en Antwoorden van het Vlaams Parlement", False),
    ],
)
def test_running_header_pattern(text: str, furniture: bool) -> None:
    assert bool(RUNNING_HEADER.match(text)) is furniture


COVER = ["Nr. 11", "VLAAMS PARLEMENT", "Zitting 2000-2001", "27 april 2001", "BULLETIN VAN VRAGEN EN ANTWOORDEN"]
TOC = ["INHOUD", "I. Vragen van de Vlaamse volksvertegenwoordigers en antwoorden van de ministers ........ 3",
       "Vera Dua .............. 3", "II. Vragen waarop niet werd geantwoord binnen de reglementaire termijn ....... 4"]
BODY = [
    "I. VRAGEN VAN DE VLAAMSE VOLKSVERTEGENWOORDIGERS EN ANTWOORDEN VAN DE MINISTERS",
    "VERA DUA", "VLAAMS MINISTER VAN LEEFMILIEU EN LANDBOUW",
    "Vraag nr. 89 van 8 maart 2001 van JOS STASSEN", "Mestbank  -  Controles|",
    "Hoeveel controles voerde de Mestbank uit in 2000?|",
    "1. Hoeveel processen-verbaal?|", "2. Welk bedrag aan boetes?|",
    "Antwoord|",
    "1. In 2000 werden 312 processen-verbaal opgesteld.|",
    "2. De boetes bedroegen 41.728 euro.|",
    "Vraag nr. 90 van 9 maart 2001 van LUDO SANNEN", "Landbouw  -  Mestverwerking|",
    "Hoeveel mest werd in 2000 verwerkt?|", "Antwoord|", "Ongeveer 2 miljoen ton.|",
]
UNANSWERED = [
    "II. VRAGEN WAAROP NIET WERD GEANTWOORD BINNEN DE REGLEMENTAIRE TERMIJN",
    "MIEKE VOGELS", "VLAAMS MINISTER VAN WELZIJN, GEZONDHEID EN GELIJKE KANSEN",
    "Vraag nr. 64 van 26 januari 2001 van SONJA BECQ", "Kinderopvang|",
    "Hoeveel kinderen stonden op een wachtlijst?|",
]


def bulletin_pages() -> list[Page]:
    chunks = [COVER, TOC, BODY, UNANSWERED]
    return [Page(number=n, width=595.0, height=842.0, lines=lines_of(t, page=n)) for n, t in enumerate(chunks, 1)]


def test_split_bulletin_on_lines() -> None:
    split = split_bulletin(bulletin_pages())
    assert (split.number, split.date, split.session) == (11, dt.date(2001, 4, 27), "2000-2001")
    got = [(q.number, q.question_date, q.session, q.asker, q.minister, q.minister_title, q.title, q.topic, q.subtopic,
            q.answered, q.answer_ref_number, q.first_page, q.last_page) for q in split.questions]
    assert got == [
        (89, dt.date(2001, 3, 8), "2000-2001", "Jos Stassen", "Vera Dua", "VLAAMS MINISTER VAN LEEFMILIEU EN LANDBOUW",
         "Mestbank - Controles", "Mestbank", "Controles", True, None, 3, 3),
        (90, dt.date(2001, 3, 9), "2000-2001", "Ludo Sannen", "Vera Dua", "VLAAMS MINISTER VAN LEEFMILIEU EN LANDBOUW",
         "Landbouw - Mestverwerking", "Landbouw", "Mestverwerking", True, None, 3, 3),
        (64, dt.date(2001, 1, 26), "2000-2001", "Sonja Becq", "Mieke Vogels",
         "VLAAMS MINISTER VAN WELZIJN, GEZONDHEID EN GELIJKE KANSEN", "Kinderopvang", "Kinderopvang", None, False, None, 4, 4),
    ]
    first = split.questions[0]
    assert first.question_text == "Hoeveel controles voerde de Mestbank uit in 2000?\n1. Hoeveel processen-verbaal?\n2. Welk bedrag aan boetes?"
    assert first.answer_text == "1. In 2000 werden 312 processen-verbaal opgesteld.\n2. De boetes bedroegen 41.728 euro."
    assert [(i.part, i.label, i.numbers) for i in first.items] == [
        ("question", "1.", [1]), ("question", "2.", [2]), ("answer", "1.", [1]), ("answer", "2.", [2])]
    assert split.questions[1].answer_text == "Ongeveer 2 miljoen ton."
    assert split.questions[2].answer_text is None
    assert all(not q.warnings for q in split.questions) and not split.warnings


def test_answer_in_answered_part_missing_is_a_warning() -> None:
    pages = bulletin_pages()
    pages[2].lines = [ln for ln in pages[2].lines if ln.text not in ("Antwoord", "Ongeveer 2 miljoen ton.")]
    q = split_bulletin(pages).questions[1]
    assert q.answered is False and q.warnings == ["bulletin question nr. 90: no 'Antwoord' outside the not-answered section"]


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        (COVER, True),
        (["Vraag nr. 42 van 8 maart 2006 van JAN LOONES", "Titel", "Tekst."], True),  # a bulletin's page without its cover
        (["SCHRIFTELIJKE VRAAG", "nr. 351", "van SANNE VAN LOOY", "Vraag nr. 42 van 8 maart 2006 van JAN LOONES"], False),
        (["SCHRIFTELIJKE VRAAG", "nr. 351", "van SANNE VAN LOOY", "datum: 31 januari 2025"], False),
        (["Ik verwijs naar vraag nr. 42 van 8 maart 2006 van de heer Loones."], False),
    ],
)
def test_is_bulletin(texts: list[str], want: bool) -> None:
    assert is_bulletin([Page(number=1, width=595.0, height=842.0, lines=lines_of(texts))]) is want


def _scores(stem: str) -> tuple[list[str], dict[str, Score], int, int]:
    gold = json.loads((DEVSET / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    split = split_bulletin(extract_text(DEVSET / "pdf" / f"{stem}.pdf"))
    wrong: list[str] = []
    b = gold["bulletin"]
    for k, v in (("number", split.number), ("date", split.date), ("session", split.session)):
        if _norm(b[k]) != _norm(v):
            wrong.append(f"bulletin {k}: want {b[k]!r} got {v!r}")
    scores = {t: Score() for t in ("items", *MENTION_FIELDS)}
    fields = 3
    assert len(split.questions) == len(gold["questions"]), [q.number for q in split.questions]
    for n, (g, seg) in enumerate(zip(gold["questions"], split.questions, strict=True)):
        for f, want in g["metadata"].items():
            got = seg.co_ministers if f == "co_ministers" else getattr(seg, f)
            fields += 1
            if _norm(want, f) != _norm(got, f):
                wrong.append(f"q{n} {f}: want {want!r} got {got!r}")
        scores["items"].add(f"q{n}", [(i["part"], i["label"], tuple(i["numbers"])) for i in g["items"]],
                            [(i.part, i.label, tuple(i.numbers)) for i in seg.items])
        pred: dict[str, list[dict]] = {t: [] for t in MENTION_FIELDS}
        for part, text in (("question", seg.question_text), ("answer", seg.answer_text)):
            for table, mentions in extract_entities(text or "", seg.question_date).items():
                pred[table] += [{"part": part, **m} for m in mentions]
        for table in MENTION_FIELDS:
            scores[table].add(f"q{n}", _mention_keys(table, g[table]), _mention_keys(table, pred[table]))
    return wrong, scores, fields, len(gold["questions"])


BULLETINS = sorted(p.stem for p in (DEVSET / "gold").glob("*.json") if json.loads(p.read_text(encoding="utf-8")).get("container") == "bulletin")


def test_dev_set_has_bulletins_of_both_shapes() -> None:
    shapes = [json.loads((DEVSET / "docs" / f"{s}.json").read_text(encoding="utf-8"))["shape"] for s in BULLETINS]
    assert shapes.count("bulletin-1col") >= 2 and shapes.count("bulletin-2col") >= 2


@pytest.mark.parametrize("stem", BULLETINS)
def test_rendered_bulletin_matches_gold(stem: str) -> None:
    wrong, scores, fields, _ = _scores(stem)
    assert 1 - len(wrong) / fields >= TARGETS["metadata"], wrong
    for table, s in scores.items():
        assert s.f1 >= TARGETS[table], (table, s.misses)
