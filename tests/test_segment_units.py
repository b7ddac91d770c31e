"""Small table-driven cases for the segmenter's helpers: names, sessions, titles, items."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.segment.segment import parse_items, restore_name_case, session_of, split_title
from pipeline.text.cleanup import clean_line, keeps_hyphen


@pytest.mark.parametrize(
    ("printed", "restored"),
    [
        ("SANNE VAN LOOY", "Sanne Van Looy"),
        ("ANDY PIETERS", "Andy Pieters"),
        ("CHRIS JANSSENS", "Chris Janssens"),
        ("MATTHIAS DIEPENDAELE", "Matthias Diependaele"),
        ("JO BROUNS", "Jo Brouns"),
        ("BART SOMERS", "Bart Somers"),
        ("HILDE CREVITS", "Hilde Crevits"),
        ("JAN VAN DE VELDE", "Jan Van de Velde"),
        ("ELS VAN DEN BERGHE", "Els Van den Berghe"),
        ("KATRIEN DE RIDDER", "Katrien De Ridder"),
        ("MARC D'HONDT", "Marc D'Hondt"),
        ("ANN-SOPHIE PEETERS", "Ann-Sophie Peeters"),
        ("LIESBETH  HOMANS", "Liesbeth Homans"),
        ("JAN LOONES", "Jan Loones"),
    ],
)
def test_restore_name_case(printed: str, restored: str) -> None:
    assert restore_name_case(printed) == restored


@pytest.mark.parametrize(
    ("day", "session"),
    [
        ("2023-05-12", "2022-2023"),
        ("2025-01-31", "2024-2025"),
        ("2026-01-19", "2025-2026"),
        ("2023-09-25", "2023-2024"),  # fourth Monday of September 2023
        ("2023-09-24", "2022-2023"),
        ("2023-09-20", "2022-2023"),
        ("2024-09-23", "2024-2025"),  # fourth Monday of September 2024
        ("2024-09-22", "2023-2024"),
        ("2025-09-22", "2025-2026"),
        ("2025-09-21", "2024-2025"),
        ("2000-09-25", "2000-2001"),
        ("2000-09-24", "1999-2000"),
        ("1999-12-31", "1999-2000"),
        ("2026-09-28", "2026-2027"),
        ("2026-09-27", "2025-2026"),
    ],
)
def test_session_of(day: str, session: str) -> None:
    assert session_of(dt.date.fromisoformat(day)) == session


@pytest.mark.parametrize(
    ("printed", "title", "topic", "subtopic"),
    [
        ("Luierrecyclage  -  Start-up Woosh", "Luierrecyclage - Start-up Woosh", "Luierrecyclage", "Start-up Woosh"),
        ("Innovatiesteun  -  Limburg", "Innovatiesteun - Limburg", "Innovatiesteun", "Limburg"),
        ("Wij-Zij-Netwerk - Contactnames door lokale besturen", "Wij-Zij-Netwerk - Contactnames door lokale besturen", "Wij-Zij-Netwerk", "Contactnames door lokale besturen"),
        ("Kinderopvang", "Kinderopvang", "Kinderopvang", None),
        ("Sociaal-economische impact", "Sociaal-economische impact", "Sociaal-economische impact", None),
        ("Luchthaven Zaventem  -  Geluidshinder  -  Cijfers", "Luchthaven Zaventem - Geluidshinder - Cijfers", "Luchthaven Zaventem", "Geluidshinder - Cijfers"),
    ],
)
def test_split_title(printed: str, title: str, topic: str, subtopic: str | None) -> None:
    assert split_title(printed) == (title, topic, subtopic)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inleiding.\n1. Hoeveel?\n2. Waarom?", [("1.", [1], 1), ("2.", [2], 1)]),
        ("1. Eerst.\na) deel a\nb) deel b\n2. Daarna.", [("1.", [1], 1), ("a)", [], 2), ("b)", [], 2), ("2.", [2], 1)]),
        ("8, 9. De benchmarks zijn klaar.", [("8, 9.", [8, 9], 1)]),
        ("8 en 9. Zie hoger.", [("8 en 9.", [8, 9], 1)]),
        ("10. Hoeveel projecten?", [("10.", [10], 1)]),
        ("In 2023 waren er 10. Dat is veel.", []),
        ("2023. Een jaartal is geen item.", []),
        ("Zie antwoord op vraag 4.", []),
        ("c) alleen een letter", [("c)", [], 2)]),
    ],
)
def test_parse_items(text: str, expected: list[tuple]) -> None:
    items = parse_items("answer", text)
    assert [(i.label, i.numbers, i.level) for i in items] == expected
    for it in items:
        assert text[it.char_start : it.char_end] == it.text
        assert it.text.startswith(it.label)


def test_lettered_items_belong_to_their_numbered_item() -> None:
    items = parse_items("question", "1. Vraag.\na) een\nb) twee\n2. Vraag twee.\na) drie")
    parents = [(i.label, i.parent_seq) for i in items]
    assert parents == [("1.", None), ("a)", 0), ("b)", 0), ("2.", None), ("a)", 3)]
    assert items[0].text == "1. Vraag.\na) een\nb) twee"


@pytest.mark.parametrize(
    ("left", "right", "keep"),
    [
        ("CIE", "uitgaventoetsing", True),  # capitals: an abbreviation compound
        ("non", "profitorganisaties", True),  # prefix that keeps its hyphen
        ("Knokke", "Heist", True),  # capital continuation
        ("Wij-Zij", "netwerk", True),  # already a hyphenated compound
        ("fundamen", "tele", False),  # a fragment that is no word: soft break
        ("begrotingstoelich", "tingen", False),
        ("subsidie", "bedrag", False),  # joined word is Dutch
        ("polarisatie", "strateeg", True),  # both words, joined unknown: unsure, keep
        ("COVID", "19", True),
        ("ex", "minister", True),
    ],
)
def test_line_end_hyphen(left: str, right: str, keep: bool) -> None:
    assert keeps_hyphen(left, right) is keep


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\uf0b7 eerste opsomming", "- eerste opsomming"),
        ("\u2022 tweede", "- tweede"),
        ("e\ufb03ciënt en \ufb01nanciering", "efficiënt en financiering"),
        ("het\u00a0bedrag\u2009van", "het bedrag van"),
        ("fundamen\ufffetele beginselen", "fundamentele beginselen"),
        ("CIE-\ufffeuitgaventoetsing", "CIE-uitgaventoetsing"),
        ("CIE\ufffeuitgaventoetsing", "CIE-uitgaventoetsing"),
        ("Knokke\ufffeHeist", "Knokke-Heist"),
        ("zero\u200bwidth", "zerowidth"),
        ("Topic  -  Subtopic", "Topic  -  Subtopic"),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["Het project loopt", "tot eind 2024."], "Het project loopt tot eind 2024."),
        (["de CIE-", "uitgaventoetsing"], "de CIE-uitgaventoetsing"),
        (["het verslag (http://www.vlaamsparlement.be/link?", "id=1068874)."], "het verslag (http://www.vlaamsparlement.be/link?id=1068874)."),
        (["zie https://www.vlaamsparlement.be/nl/parlemen", "tair-werk/commissies"], "zie https://www.vlaamsparlement.be/nl/parlementair-werk/commissies"),
        (["zie https://www.vlaamsparlement.be.", "Daarna volgt"], "zie https://www.vlaamsparlement.be. Daarna volgt"),
        (["in de periode 2019-", "2023 werden"], "in de periode 2019-2023 werden"),
        (["een lijst -", "met streepjes"], "een lijst - met streepjes"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    from pipeline.text.cleanup import join_lines

    assert join_lines(lines) == joined


@pytest.mark.parametrize(
    ("value", "fits"),
    [("0.0492765", True), ("14282612.00", True), ("1.5E+9", True), ("0.00000000001", False), ("1E+40", False), ("-5.2", True)],
)
def test_amount_values_must_fit_their_parquet_type(value: str, fits: bool) -> None:
    from decimal import Decimal

    from pipeline.schema import SchemaError, check_values

    if fits:
        check_values("amounts", [{"value": Decimal(value)}])
    else:
        with pytest.raises(SchemaError):
            check_values("amounts", [{"value": Decimal(value)}])


def _page(texts: list[tuple[str, bool]], gaps: frozenset[int] = frozenset()):
    """One page of printed lines, 14 pt apart (26 pt before the indices in gaps); a True flag prints the line across the full width."""
    from pipeline.text.page import Line, Page

    lines, top = [], 80.0
    for k, (t, full) in enumerate(texts):
        top += (26 if k in gaps else 14) if k else 0
        lines.append(Line(text=t, page=1, top=top, last_top=top, bottom=top + 11, x0=70.0, x1=525.0 if full else 70.0 + 5.5 * len(t), size=11.0))
    return Page(number=1, width=595.0, height=842.0, lines=lines)


HEADER = [("SCHRIFTELIJKE VRAAG", False), ("nr. 177", False), ("van ANDY PIETERS", False), ("datum: 19 januari 2026", False), ("aan MATTHIAS DIEPENDAELE", False), ("VLAAMS MINISTER VAN WONEN", False)]
QUESTION = [("Hoeveel aanvragen voor een renovatiepremie werden in 2025 ingediend bij het agentschap en", True), ("hoeveel daarvan werden goedgekeurd?", False)]


@pytest.mark.parametrize(
    ("title_lines", "title", "topic", "subtopic", "header"),
    [
        # The guide's form: the title wraps after its dash.
        (["Woonpremies Agentschap Wonen-Vlaanderen (AWV)  -", "Renovatiepremie"], "Woonpremies Agentschap Wonen-Vlaanderen (AWV) - Renovatiepremie", "Woonpremies Agentschap Wonen-Vlaanderen (AWV)", "Renovatiepremie", True),
        (["Woonpremies Agentschap Wonen-Vlaanderen (AWV)  -", "Renovatiepremie"], "Woonpremies Agentschap Wonen-Vlaanderen (AWV) - Renovatiepremie", "Woonpremies Agentschap Wonen-Vlaanderen (AWV)", "Renovatiepremie", False),
        (["Kinderopvang  –", "Wachtlijsten in Limburg"], "Kinderopvang - Wachtlijsten in Limburg", "Kinderopvang", "Wachtlijsten in Limburg", True),
        (["Luchthaven Zaventem  -  Geluidshinder  -", "Cijfers per gemeente"], "Luchthaven Zaventem - Geluidshinder - Cijfers per gemeente", "Luchthaven Zaventem", "Geluidshinder - Cijfers per gemeente", True),
        # ... or before it: the next line opens with the dash.
        (["Woonpremies Agentschap Wonen-Vlaanderen (AWV)", "-  Renovatiepremie"], "Woonpremies Agentschap Wonen-Vlaanderen (AWV) - Renovatiepremie", "Woonpremies Agentschap Wonen-Vlaanderen (AWV)", "Renovatiepremie", True),
        # One-line titles keep the question out.
        (["Innovatiesteun  -  Limburg"], "Innovatiesteun - Limburg", "Innovatiesteun", "Limburg", True),
        (["Kinderopvang"], "Kinderopvang", "Kinderopvang", None, True),
        (["Wij-Zij-Netwerk  -  Contactnames"], "Wij-Zij-Netwerk - Contactnames", "Wij-Zij-Netwerk", "Contactnames", False),
    ],
)
def test_title_wraps_over_lines(title_lines: list[str], title: str, topic: str, subtopic: str | None, header: bool) -> None:
    from pipeline.segment.segment import segment

    answer = [("VLAAMS MINISTER VAN WONEN", False), ("ANTWOORD", False), ("op vraag nr. 177 van 19 januari 2026", False), ("van ANDY PIETERS", False), ("Er werden 412 aanvragen ingediend.", False)]
    lines = (HEADER if header else []) + [(t, False) for t in title_lines] + QUESTION + ([] if header else answer)
    seg = segment([_page(lines)])
    assert (seg.title, seg.topic, seg.subtopic) == (title, topic, subtopic)
    assert seg.question_text.startswith("Hoeveel aanvragen")
    # Printed with space between header, title and question, as both renderers and real files do.
    n = len(HEADER) if header else 0
    seg = segment([_page(lines, frozenset({n, n + len(title_lines)}))])
    assert (seg.title, seg.topic, seg.subtopic) == (title, topic, subtopic)
    assert seg.question_text.startswith("Hoeveel aanvragen")


@pytest.mark.parametrize(
    ("title_lines", "title", "subtopic"),
    [
        # A long title wraps ragged, anywhere, and ends at the space before the question.
        (
            ["Woonpremies Agentschap Wonen-Vlaanderen (AWV)  -  Renovatiepremie en", "renteloze renovatielening voor eigenaar-bewoners met een bescheiden", "inkomen na de hervorming van het premiestelsel"],
            "Woonpremies Agentschap Wonen-Vlaanderen (AWV) - Renovatiepremie en renteloze renovatielening voor eigenaar-bewoners met een bescheiden inkomen na de hervorming van het premiestelsel",
            "Renovatiepremie en renteloze renovatielening voor eigenaar-bewoners met een bescheiden inkomen na de hervorming van het premiestelsel",
        ),
        (
            ["Mestproblematiek  -  Mestverwerkingsinstallaties en de toekenning van", "investeringssteun via het Vlaams Landbouwinvesteringsfonds"],
            "Mestproblematiek - Mestverwerkingsinstallaties en de toekenning van investeringssteun via het Vlaams Landbouwinvesteringsfonds",
            "Mestverwerkingsinstallaties en de toekenning van investeringssteun via het Vlaams Landbouwinvesteringsfonds",
        ),
        (["Kinderopvang  -  Wachtlijsten"], "Kinderopvang - Wachtlijsten", "Wachtlijsten"),
    ],
)
def test_long_title_wraps_ragged(title_lines: list[str], title: str, subtopic: str) -> None:
    from pipeline.segment.segment import segment

    lines = HEADER + [(t, False) for t in title_lines] + QUESTION
    seg = segment([_page(lines, frozenset({len(HEADER), len(HEADER) + len(title_lines)}))])
    assert (seg.title, seg.subtopic) == (title, subtopic)
    assert seg.question_text.startswith("Hoeveel aanvragen")


def test_title_without_space_after_keeps_the_question_out() -> None:
    """No gap after the title: the title stays one line (the question starts on the next)."""
    from pipeline.segment.segment import segment

    question = [("Hoeveel aanvragen werden ingediend?", False), ("Graag een overzicht per provincie voor de laatste drie jaar (2019, 2020, 2021) en", True), ("per gemeente.", False)]
    seg = segment([_page(HEADER + [("Kinderopvang  -  Wachtlijsten", False)] + question, frozenset({len(HEADER), len(HEADER) + 3}))])
    assert seg.title == "Kinderopvang - Wachtlijsten"
    assert seg.question_text.startswith("Hoeveel aanvragen")


@pytest.mark.parametrize(("seq", "fits"), [(0, True), (2**31 - 1, True), (2**31, False), (-(2**31), True), (-(2**31) - 1, False)])
def test_integer_values_must_fit_their_parquet_type(seq: int, fits: bool) -> None:
    from pipeline.schema import SchemaError, check_values

    rows = [{"seq": 1}, {"seq": None}, {"seq": seq}]
    if fits:
        check_values("dates", rows)
    else:
        with pytest.raises(SchemaError, match=r"dates\.seq"):
            check_values("dates", rows)


_DROP = object()  # a column left out of a row


def _footnote_row(**change: object) -> dict:
    row = {"doc_id": "0123456789abcdef", "part": "answer", "marker": "1", "text": "Zie bijlage.", "page": 2}
    row.update(change)
    return {k: v for k, v in row.items() if v is not _DROP}


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([_footnote_row()], None),
        ([_footnote_row(), _footnote_row(marker="2", extra="not a column")], None),  # keys beyond the schema are left out
        ([_footnote_row(), _footnote_row(text=_DROP)], r"footnotes: rows lack columns \['text'\]"),  # a later row lacks one
        ([_footnote_row(page=_DROP, marker=_DROP)], r"footnotes: rows lack columns \['marker', 'page'\]"),
        ([_footnote_row(page="twee")], r"^footnotes: "),  # a value of the wrong type
    ],
)
def test_rows_become_the_declared_columns_or_a_schema_error(rows: list[dict], error: str | None) -> None:
    from pipeline.schema import SchemaError, load, rows_table

    if error is not None:
        with pytest.raises(SchemaError, match=error):
            rows_table("footnotes", rows)
        return
    table = rows_table("footnotes", rows)
    assert table.schema == load("footnotes").arrow()
    assert table.to_pylist() == [{c: r[c] for c in load("footnotes").columns} for r in rows]
