"""Table cells read as the minister wrote them: header rows, merged headers, a column's
figures read together, units from the header, the caption or the sentence before the table.

Rows are given as pdfplumber's `extract()` gives them (None where a merged cell covers the
place); the forms come from the development set's tables and from the real budget PDF in
shared/samples (vl_bo2026.pdf: "-94.129", "Tabel 3-3: ... (in duizend euro)", a two-row
header of merged cells). Expected values are read off the table, not printed by the code.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import shared_file

from pipeline.tables.answer_tables import (
    Column,
    column_headers,
    header_rows,
    is_total_row,
    number_value,
    parse_cell,
    read_column,
    table_rows,
)
from pipeline.text.captions import captions_across_pages, drop_tables
from pipeline.text.page import FoundTable, Line, Page
from pipeline.text.read import extract_text

MERGED_TWO_ROWS = [  # vl_bo2026.pdf, Tabel 3-2
    ["", "BA 2025 (EB 2/2025)", None, "BO 2026 (EB 9/2025)", None],
    [None, "2024 definitief", "2025 aangepast", "2025 vermoedelijk", "2026 initieel"],
    ["bbp", "1,0%", "1,2%", "1,2%", "1,1%"],
    ["CPI", "3,14%", "2,8%", "2,4%", "1,4%"],
]
MERGED_SPANS = [  # a header cell over two columns, two cells over two rows
    ["Provincie", "Bedrag (in euro)", None, "Aandeel"],
    [None, "2022", "2023", None],
    ["Antwerpen", "14.282.612", "15.001.250", "27,49%"],
]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([["Antwerpen", "31", "24"], ["Limburg", "18", "15"]], 0, id="none: first row holds figures"),
        pytest.param([["Aantal aanvragen", "1.234"], ["Budget", "€ 5.000"]], 0, id="none: key and value"),
        pytest.param([["Brussel", "-", "-"], ["Gent", "12", "14"]], 0, id="none: a row of dashes is data"),
        pytest.param([["Brussel", "€ -", "- %"], ["Gent", "€ 12", "14 %"]], 0, id="none: dashes with their unit"),
        pytest.param([["2019", "Fietspad", "aangelegd"], ["2020", "Brug", "gepland"]], 0, id="none: years down a column"),
        pytest.param([["Provincie", "2020", "2021"], ["Antwerpen", "2.105", "2.498"]], 1, id="one: years as header cells"),
        pytest.param([["Jaar", "Aantal"], ["2000", "4"], ["2001", "6"]], 1, id="one: year column below a header"),
        pytest.param([["Regio", "Aantal"], ["Gent", "n.v.t."], ["Aalst", "7"]], 1, id="one: n.v.t. is data"),
        pytest.param([["Naam", "Functie"], ["Jan", "voorzitter"]], 1, id="one: text only, the usual form"),
        pytest.param(MERGED_SPANS, 2, id="two: merged cells"),
        pytest.param(MERGED_TWO_ROWS, 2, id="two: real budget table"),
        pytest.param([["Provincie", "Bedrag"], ["", "(x 1.000 euro)"], ["Gent", "12"]], 2, id="two: a unit row"),
        pytest.param(
            [["Regio", "Bedrag (euro)", None], [None, "Investering", "Werking"], [None, "2022", "2022"], ["Gent", "1", "2"]],
            3, id="three rows",
        ),
        pytest.param([["Gent", "12"]], 0, id="one row"),
        pytest.param([["Onderdeel", "2024"], ["Totaal", "1.080,1"]], 1, id="totals row is data"),
    ],
)
def test_header_rows(rows: list[list[str | None]], expected: int) -> None:
    assert header_rows(rows) == expected


@pytest.mark.parametrize(
    ("rows", "n_header", "expected"),
    [
        pytest.param(MERGED_SPANS, 2, ["Provincie", "Bedrag (in euro) / 2022", "Bedrag (in euro) / 2023", "Aandeel"], id="span over columns and rows"),
        pytest.param(
            MERGED_TWO_ROWS, 2,
            [None, "BA 2025 (EB 2/2025) / 2024 definitief", "BA 2025 (EB 2/2025) / 2025 aangepast",
             "BO 2026 (EB 9/2025) / 2025 vermoedelijk", "BO 2026 (EB 9/2025) / 2026 initieel"],
            id="real two-row header",
        ),
        pytest.param(
            [["", "Bedrag", None, None], [None, "Investering", None, "Werking"]], 2,
            [None, "Bedrag / Investering", "Bedrag / Investering", "Bedrag / Werking"],
            id="a span under a span",
        ),
        pytest.param([["Regio", "Bedrag (euro)", None]], 1, ["Regio", "Bedrag (euro)", "Bedrag (euro)"], id="one row, span"),
        pytest.param([["Gent", "12"]], 0, [None, None], id="no header"),
    ],
)
def test_column_headers(rows: list[list[str | None]], n_header: int, expected: list[str | None]) -> None:
    assert column_headers(rows, n_header, len(rows[0])) == expected


MILJOEN = Decimal(10) ** 6


# (header, caption, sentence, cells of the column) -> per cell (kind, value, currency, unit_from_context)
@pytest.mark.parametrize(
    ("header", "caption", "sentence", "cells", "expected"),
    [
        pytest.param(
            "Score", None, None, ["84,2", "51.0", "97.5", "12,7"],
            [("number", Decimal("84.2"), None, None), ("number", Decimal("51.0"), None, None),
             ("number", Decimal("97.5"), None, None), ("number", Decimal("12.7"), None, None)],
            id="decimal points among decimal commas",
        ),
        pytest.param(
            "Score", None, None, ["84,2", "51.0", "38.000"],
            [("number", Decimal("84.2"), None, None), ("number", Decimal("51.0"), None, None), ("number", Decimal("38"), None, None)],
            id="38.000 in a column of decimal points",
        ),
        pytest.param(
            "Aantal", None, None, ["12.500", "38.000", "7.250"],
            [("number", Decimal(12500), None, None), ("number", Decimal(38000), None, None), ("number", Decimal(7250), None, None)],
            id="38.000 in a column of thousands",
        ),
        pytest.param(
            "Aantal", None, None, ["1.234.567", "51.0", "38.000"],
            [("number", Decimal(1234567), None, None), ("number", Decimal("51.0"), None, None), ("number", Decimal(38000), None, None)],
            id="dots group thousands when one cell says so",
        ),
        pytest.param(
            "Aantal", None, None, ["12,500,000", "1,250.50", "3,400"],
            [("number", Decimal(12500000), None, None), ("number", Decimal("1250.50"), None, None), ("number", Decimal(3400), None, None)],
            id="commas grouping thousands",
        ),
        pytest.param(
            "Index", None, None, ["1,250", "3,400"],
            [("number", Decimal("1.25"), None, None), ("number", Decimal("3.4"), None, None)],
            id="a lone comma is Dutch decimal",
        ),
        pytest.param("Aantal", None, None, ["1 234 567"], [("number", Decimal(1234567), None, None)], id="spaces group thousands"),
        pytest.param(
            "BO - BA", None, None, ["-94.129", "69.711", "−1.250"],
            [("number", Decimal(-94129), None, None), ("number", Decimal(69711), None, None), ("number", Decimal(-1250), None, None)],
            id="negative figures",
        ),
        pytest.param(
            "Aandeel (%)", None, None, ["27,49", "14,3"],
            [("percentage", Decimal("27.49"), None, "header"), ("percentage", Decimal("14.3"), None, "header")],
            id="percent in the header",
        ),
        pytest.param(
            "Bedrag (euro)", None, None, ["14.282.612", "7.004.100"],
            [("money", Decimal(14282612), "EUR", "header"), ("money", Decimal(7004100), "EUR", "header")],
            id="euro in the header",
        ),
        pytest.param("Bedrag (x 1.000 euro)", None, None, ["12,5"], [("money", Decimal(12500), "EUR", "header")], id="x 1.000 euro"),
        pytest.param("Kostprijs (kEUR)", None, None, ["296.400"], [("money", Decimal(296400000), "EUR", "header")], id="kEUR"),
        pytest.param("Bedrag (BEF)", None, None, ["1.000"], [("money", Decimal(1000), "BEF", "header")], id="francs"),
        pytest.param(
            "2024", "Tabel 2: dotatie (in miljoen euro)", None, ["1.022,4", "254,7"],
            [("money", Decimal("1022.4") * MILJOEN, "EUR", "caption"), ("money", Decimal("254.7") * MILJOEN, "EUR", "caption")],
            id="scale in the caption",
        ),
        pytest.param(
            "BA 2025", "Tabel 3-3: Bruto-opcentiemen (in duizend euro)", None, ["10.380.695"],
            [("money", Decimal(10380695000), "EUR", "caption")], id="in duizend euro (real caption)",
        ),
        pytest.param(
            "Projecten", "Tabel 1: Projecten boven 1 miljoen euro", None, ["12"], [("number", Decimal(12), None, None)],
            id="an amount in the caption is no unit",
        ),
        pytest.param(
            "2023", None, "De bedragen per regio staan, in miljoen euro, in de tabel hieronder.", ["84,2"],
            [("money", Decimal("84.2") * MILJOEN, "EUR", "sentence")], id="unit in the sentence before",
        ),
        pytest.param(
            "Vlaanderen", None, "De aandelen staan in procent in de tabel.", ["12,5"],
            [("percentage", Decimal("12.5"), None, "sentence")], id="percent in the sentence",
        ),
        pytest.param(
            "Vaartuigen", None, "Het totale bedrag bedraagt 5.406.210 euro.", ["11"], [("number", Decimal(11), None, None)],
            id="an amount in the sentence is no unit",
        ),
        pytest.param(
            "2023", "Tabel 1: cijfers (in euro)", "De bedragen staan, in miljoen euro, hieronder.", ["5"],
            [("money", Decimal(5), "EUR", "caption")], id="caption before sentence",
        ),
        pytest.param(
            "Aandeel (%)", "Tabel 1: steun (in euro)", None, ["12,5"], [("percentage", Decimal("12.5"), None, "header")],
            id="header before caption",
        ),
        pytest.param(
            "Aantal dossiers", "Tabel 1: steun (in euro)", None, ["1.093"], [("number", Decimal(1093), None, None)],
            id="a count column keeps out the caption's unit",
        ),
        pytest.param(
            "Aandeel", "Tabel 1: steun per regio (in euro)", None, ["27,5"], [("number", Decimal("27.5"), None, None)],
            id="a share is no money",
        ),
        pytest.param(
            "Aandeel", "Tabel 1: benutting (in %)", None, ["27,5"], [("percentage", Decimal("27.5"), None, "caption")],
            id="a share takes a percent caption",
        ),
        pytest.param(
            "Oppervlakte (ha)", "Tabel 1: steun (in euro)", None, ["812"], [("number", Decimal(812), None, None)],
            id="hectares keep out the caption's unit",
        ),
        pytest.param(
            "1995", "Tabel 1: Aangelegde fietspaden per provincie (in km)", None, ["31"], [("number", Decimal(31), None, None)],
            id="km is no amount unit",
        ),
        pytest.param(
            "Begrotingsjaar 2022", "Tabel 1: steun (in euro)", None, ["2.019", "2019"],
            [("money", Decimal(2019), "EUR", "caption"), ("money", Decimal(2019), "EUR", "caption")],
            id="a header with a year word and a year is no year column",
        ),
        pytest.param("Academiejaar", None, None, ["2001", "2002"],
                     [("year", Decimal(2001), None, None), ("year", Decimal(2002), None, None)], id="academiejaar"),
        pytest.param("Kostprijs woningen", "Tabel 1: steun (in euro)", None, ["1.500"],
                     [("money", Decimal(1500), "EUR", "caption")], id="a noun in the header is no measure"),
        pytest.param("Jaar", "Tabel 1: steun (in euro)", None, ["2019", "2020"],
                     [("year", Decimal(2019), None, None), ("year", Decimal(2020), None, None)], id="year column"),
        pytest.param(None, None, None, ["2019", "2020"],
                     [("year", Decimal(2019), None, None), ("year", Decimal(2020), None, None)], id="years without header"),
        pytest.param("Bedrag (euro)", None, None, ["2019"], [("money", Decimal(2019), "EUR", "header")], id="year-like money"),
        pytest.param("Aantal", None, None, ["2010", "31"],
                     [("number", Decimal(2010), None, None), ("number", Decimal(31), None, None)], id="year-like count"),
        pytest.param(
            "Gemiddelde toelage", "Tabel 1: toelagen (in miljoen euro)", None, ["€ 1.213,76", "27,5 %"],
            [("money", Decimal("1213.76"), "EUR", None), ("percentage", Decimal("27.5"), None, None)],
            id="a cell that writes its unit keeps it",
        ),
        pytest.param("Budget", None, None, ["1,5 miljoen euro"], [("money", Decimal(1500000), "EUR", None)], id="scale in the cell"),
        pytest.param("Bedrag (euro)", None, None, ["12,5 miljoen"], [("money", Decimal(12500000), "EUR", "header")], id="cell scale, header currency"),
        pytest.param(
            "Bedrag (euro)", None, None, ["-", "/", "n.v.t.", "", None, "Antwerpen", "< 5", "2001-2002", "€ -", "p.m."],
            [(None, None, None, None)] * 10, id="dashes, empty and text cells",
        ),
    ],
)
def test_column_values(header: str | None, caption: str | None, sentence: str | None, cells: list[str | None], expected: list[tuple]) -> None:
    col = read_column(header, caption, sentence, cells)
    assert [parse_cell(c, col) for c in cells] == expected


@pytest.mark.parametrize(
    ("digits", "column", "expected"),
    [
        ("14.282.612,00", Column(), Decimal("14282612.00")),
        ("38.000", Column(), Decimal(38000)),
        ("38.000", Column(dot_decimal=True), Decimal("38.000")),
        ("1,250", Column(), Decimal("1.250")),
        ("1,250", Column(comma_thousands=True), Decimal(1250)),
        ("1 234 567", Column(), Decimal(1234567)),
        ("12.34.5", Column(), None),  # no thousands groups: an article number, not a figure
        ("1.2345.678", Column(), None),
        ("1234.567", Column(), None),
        ("1.234,5,6", Column(), None),
    ],
)
def test_number_value(digits: str, column: Column, expected: Decimal | None) -> None:
    got = number_value(digits, column)
    assert got == expected and (got is None or str(got) == str(expected))


def _page(tables: list[FoundTable], lines: list[Line] | None = None) -> Page:
    return Page(number=1, width=595, height=842, lines=lines or [], tables=tables)


def test_table_rows_totals_and_headers() -> None:
    rows = [
        ["Provincie", "Bedrag (in euro)", None, "Aandeel"],
        [None, "2022", "2023", None],
        ["Antwerpen", "14.282.612", "15.001.250", "27,49%"],
        ["Subtotaal Vlaanderen", "14.282.612", "15.001.250", "27,49%"],
        ["Totaal", "21.286.712", "22.251.250", "41,82%"],
    ]
    table = FoundTable(bbox=(50, 100, 500, 200), rows=rows, caption="Tabel 1: steun", sentence="Zie hieronder.")
    tables, cells = table_rows("d", [_page([table])], answer_page=1)
    assert (tables[0]["header_rows"], tables[0]["n_rows"], tables[0]["sentence"]) == (2, 5, "Zie hieronder.")
    got = {(c["row"], c["col"]): c for c in cells}
    assert [got[(r, 0)]["is_total"] for r in range(5)] == [False, False, False, True, True]
    assert got[(4, 2)]["column_header"] == "Bedrag (in euro) / 2023"
    assert (got[(4, 2)]["kind"], got[(4, 2)]["value"], got[(4, 2)]["unit_from_context"]) == ("money", Decimal(22251250), "header")
    assert got[(1, 1)]["is_header"] and got[(1, 1)]["kind"] is None


def test_table_without_header_keeps_its_first_row() -> None:
    rows = [["Antwerpen", "31", "24"], ["Limburg", "18", "15"]]
    _, cells = table_rows("d", [_page([FoundTable(bbox=(50, 100, 500, 200), rows=rows)])], answer_page=1)
    first = [c for c in cells if c["row"] == 0]
    assert [(c["is_header"], c["kind"], c["value"]) for c in first] == [(False, None, None), (False, "number", Decimal(31)), (False, "number", Decimal(24))]
    assert all(c["column_header"] is None for c in cells)


def _line(text: str, top: float, x0: float = 57, x1: float = 400, size: float = 10) -> Line:
    return Line(text=text, page=1, top=top, last_top=top, bottom=top + size, x0=x0, x1=x1, size=size)


FULL = 538.0  # a line that runs to the right margin wraps onto the next


@pytest.mark.parametrize(
    ("lines", "bbox", "caption", "sentence", "kept"),
    [
        pytest.param(
            [_line("De bedragen per regio staan, in miljoen euro, in de tabel", 60, x1=FULL), _line("hieronder.", 72),
             _line("Tabel 1: Steun per regio", 90)],
            (57, 104, 538, 200), "Tabel 1: Steun per regio",
            "De bedragen per regio staan, in miljoen euro, in de tabel hieronder.", 2,
            id="caption above, sentence before it",
        ),
        pytest.param(
            [_line("Tabel 2: Vastleggingskredieten per beleidsdomein, excl. nieuwe maatregelen en", 80, x1=FULL),
             _line("beleid (in duizend euro)", 92)],
            (57, 106, 538, 200), "Tabel 2: Vastleggingskredieten per beleidsdomein, excl. nieuwe maatregelen en beleid (in duizend euro)",
            None, 0, id="caption over two lines",
        ),
        pytest.param(
            [_line("Eerste zin. De tabel toont de cijfers:", 80), _line("Tabel 4-1: Kredieten (in duizend euro)", 202),
             _line("Daarna volgt de tekst.", 240)],
            (57, 100, 538, 200), "Tabel 4-1: Kredieten (in duizend euro)", "De tabel toont de cijfers:", 2,
            id="caption under the table (Word)",
        ),
        pytest.param(
            [_line("Tabel 3-2 toont een overzicht van de parameters.", 86)],
            (57, 100, 538, 200), None, "Tabel 3-2 toont een overzicht van de parameters.", 1,
            id="a sentence starting with Tabel is no caption",
        ),
        pytest.param(
            [_line("De cijfers staan hieronder.", 40), _line("5 HET VORDERINGENSALDO", 86)],
            (57, 100, 538, 200), None, None, 2, id="a heading is no sentence (real: vl_bo2026 p15)",
        ),
        pytest.param(
            [_line("Het antwoord luidt \u201czie de tabel hieronder.\u201d", 86)],
            (57, 100, 538, 200), None, "Het antwoord luidt \u201czie de tabel hieronder.\u201d", 1, id="a stop inside closing quotes",
        ),
        pytest.param(
            [_line("Ver weg.", 20), _line("Tabel 1: Steun", 86)],
            (57, 100, 538, 200), "Tabel 1: Steun", None, 1, id="no paragraph right before",
        ),
    ],
)
def test_caption_and_sentence(lines: list[Line], bbox: tuple, caption: str | None, sentence: str | None, kept: int) -> None:
    table = FoundTable(bbox=bbox, rows=[["a", "1"]])
    page = _page([table], lines)
    drop_tables([page])
    assert (table.caption, table.sentence, len(page.lines)) == (caption, sentence, kept)


BUDGET_PDF = shared_file("samples/real-pdf/vl_bo2026.pdf")


@pytest.mark.skipif(BUDGET_PDF is None, reason="needs ../shared/samples/real-pdf/vl_bo2026.pdf beside the clone")
def test_real_budget_tables() -> None:
    """The Flemish budget 2026 (Word): captions under the tables, "(in duizend euro)", a table
    continued over a page break whose caption stands under its second piece, two header rows."""
    assert BUDGET_PDF is not None
    tables, cells = table_rows("b", extract_text(BUDGET_PDF), answer_page=1)
    by_caption = {t["caption"].split(":")[0]: t for t in tables if t["caption"]}
    assert sorted(by_caption) == ["Tabel 3-1", "Tabel 3-2", "Tabel 3-3", "Tabel 3-4", "Tabel 3-5", "Tabel 4-1", "Tabel 4-2", "Tabel 5-1"]
    assert by_caption["Tabel 4-1"]["caption"] == (
        "Tabel 4-1: Vastleggingskredieten per beleidsdomein, excl. nieuwe maatregelen en beleid (in duizend euro)"
    )
    cell = {(c["table_no"], c["row"], c["col"]): c for c in cells}
    t31, t32, t34 = (by_caption[k]["table_no"] for k in ("Tabel 3-1", "Tabel 3-2", "Tabel 3-4"))
    # "Bruto aanvullende belasting op de PB | 10.807.857 | 10.492.677 | 10.398.548 | -94.129"
    got = cell[(t31, 1, 4)]
    assert (got["text"], got["kind"], got["value"], got["currency"], got["unit_from_context"]) == ("-94.129", "money", Decimal(-94129000), "EUR", "caption")
    assert by_caption["Tabel 3-2"]["header_rows"] == 2
    assert cell[(t32, 2, 2)]["column_header"] == "BA 2025 (EB 2/2025) / 2025 aangepast"
    assert (cell[(t32, 2, 2)]["kind"], cell[(t32, 2, 2)]["value"], cell[(t32, 2, 2)]["unit_from_context"]) == ("percentage", Decimal("1.2"), None)
    assert by_caption["Tabel 3-4"]["pages"] == [9, 10]
    total = [c for c in cells if c["table_no"] == t34 and c["is_total"] and c["col"] == 1]
    # "Gewest - subtotaal dotaties", "Gemeenschap - subtotaal dotaties", "Totaal dotaties"
    assert [(c["value"], c["unit_from_context"]) for c in total] == [
        (Decimal(3644383000), "caption"), (Decimal(30632131000), "caption"), (Decimal(34276514000), "caption")]


@pytest.mark.parametrize(
    ("first_cell", "expected"),
    [
        ("Totaal", True), ("TOTAAL", True), ("Totaal dotaties", True), ("Subtotaal Vlaanderen", True),
        ("Algemeen totaal", True), ("Total", True), ("Som", True),
        ("Gewest - subtotaal dotaties", True),  # vl_bo2026.pdf, Tabel 3-4
        ("Vlaanderen totaal", True),
        ("Aandeel in het totaal van de uitgaven", False), ("Totaalbedrag per regio", False), ("Antwerpen", False),
        ("Bruto-opcentiemen", False), ("Vorderingensaldo (9=7+8)", False),  # bold computed rows without the word
    ],
)
def test_totals_rows(first_cell: str, expected: bool) -> None:
    assert is_total_row([None, first_cell, "1.234"]) is expected


def _on(page: int, ln: Line) -> Line:
    ln.page = page
    return ln


TOP_TABLE = (57, 80, 538, 200)  # a table at the top of page 2, nothing above it
LEFT_COLUMN_TABLE = (57, 80, 290, 200)  # the same in a bulletin's left column


@pytest.mark.parametrize(
    ("end_of_page_1", "page_2_above", "page_1_table", "caption_on_2", "expected", "box"),
    [
        pytest.param(
            [_line("De steun per regio staat in de volgende tabel.", 700, x1=FULL), _line("Tabel 3: Steun per regio (in euro)", 720)],
            [], None, None, ("Tabel 3: Steun per regio (in euro)", "De steun per regio staat in de volgende tabel.", 1), TOP_TABLE,
            id="caption and sentence end the page before",
        ),
        pytest.param(
            [_line("Tabel 2: Vastleggingskredieten per beleidsdomein, excl. nieuwe maatregelen en", 708, x1=FULL),
             _line("beleid (in duizend euro)", 720)],
            [], None, None, ("Tabel 2: Vastleggingskredieten per beleidsdomein, excl. nieuwe maatregelen en beleid (in duizend euro)", None, 0), TOP_TABLE,
            id="a caption over two lines ends the page before",
        ),
        pytest.param(
            [_line("De bedragen per regio staan, in miljoen euro, in de tabel", 708, x1=FULL), _line("hieronder.", 720)],
            [], None, None, (None, "De bedragen per regio staan, in miljoen euro, in de tabel hieronder.", 2), TOP_TABLE,
            id="the sentence of the issue, over a page break",
        ),
        pytest.param(
            [_line("De cijfers per jaar zijn:", 720)], [], None, None, (None, "De cijfers per jaar zijn:", 1), TOP_TABLE,
            id="a lead ending in a colon",
        ),
        pytest.param(
            [_line("Zie Tabel 18 op pagina 49.", 720)], [], None, None, (None, None, 1), TOP_TABLE,
            id="a cross-reference announces no table (real: vl_eval p16)",
        ),
        pytest.param(
            [_line("10 Voor 2030 is er geen cijfer van het BRP beschikbaar.", 720)], [], None, None, (None, None, 1), TOP_TABLE,
            id="a kept footnote is no lead (real: vl_eval p24)",
        ),
        pytest.param(
            [_line("Tabel 3: Steun per regio", 720)], [_line("Dit antwoord gaat verder:", 60)], None, None, (None, None, 1), TOP_TABLE,
            id="text above the table on its own page",
        ),
        pytest.param(
            [_line("Tabel 3: Steun per regio", 600)], [], (57, 620, 538, 780), None, (None, None, 1), TOP_TABLE,
            id="the page before ends in a table: a continuation",
        ),
        pytest.param(
            [_line("De cijfers per jaar zijn:", 720)], [], None, "Tabel 4: Cijfers", ("Tabel 4: Cijfers", None, 1), TOP_TABLE,
            id="a caption above on its own page wins",
        ),
        pytest.param(
            [_line("De cijfers per jaar zijn:", 720, x0=300, x1=538)], [], None, None, (None, None, 1), LEFT_COLUMN_TABLE,
            id="the page before ends in the other column (bulletin)",
        ),
        pytest.param(
            [_line("Tabel 3: Steun per regio", 600), _line("Daarna volgt de uitleg van de regels.", 720)], [], None, None,
            (None, None, 2), TOP_TABLE, id="a caption inside the page before is not this table's",
        ),

    ],
)
def test_caption_and_sentence_across_a_page_break(
    end_of_page_1: list[Line], page_2_above: list[Line], page_1_table: tuple | None, caption_on_2: str | None, expected: tuple,
    box: tuple,
) -> None:
    """Word breaks the page between a caption or lead sentence and its table (after clean-up)."""
    page_1 = Page(number=1, width=595, height=842, lines=[_on(1, ln) for ln in end_of_page_1],
                  tables=[FoundTable(bbox=page_1_table, rows=[["a", "1"]])] if page_1_table else [])
    table = FoundTable(bbox=box, rows=[["Regio", "Bedrag"], ["Gent", "12"]], caption=caption_on_2)
    page_2 = Page(number=2, width=595, height=842, lines=[_on(2, ln) for ln in page_2_above], tables=[table])
    captions_across_pages([page_1, page_2])
    assert (table.caption, table.sentence, len(page_1.lines)) == expected
