"""Answer tables on generated PDFs: sizes 2 to 20 rows, merged headers, page breaks, typed cells."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec

from pipeline.batch.document import DocResult, process_file
from pipeline.tables.answer_tables import cell_text, parse_cell, read_column
from pipeline.text import word

PROVINCES = ["Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen", "Brussel"]


def _doc_with(table_block: dict, extra_paragraphs: int = 0, lead: str = "De gevraagde cijfers per provincie staan in de onderstaande tabel.") -> dict:
    spec = json.loads(json.dumps(load_spec(SAMPLES / "sv303-2022-2023.json")))
    spec["answer"] = [
        lead,
        *["De subsidie wordt jaarlijks geëvalueerd en bijgestuurd op basis van de ingediende verslagen." * 3] * extra_paragraphs,
        table_block,
        "De cijfers voor 2024 zijn voorlopig en worden in het voorjaar van 2025 gevalideerd.",
    ]
    return spec


def _rows(n: int) -> list[list[str]]:
    rows = [["Gemeente", "Jaar", "Subsidie", "Aandeel", "Aantal dossiers"]]
    for i in range(n):
        rows.append([f"{PROVINCES[i % 6]} {i + 1}", str(2010 + i % 15), f"€ {(i + 1) * 14_282:,}".replace(",", ".") + ",50", f"{i % 90},{i % 10}%", str(10 * i + 3)])
    return rows


def _extract(render_spec, spec: dict) -> DocResult:
    res = process_file(render_spec(spec), "t.pdf")
    assert res.error is None, res.error
    return res


@pytest.mark.parametrize("n", [2, 5, 12, 20])
def test_table_of_n_rows(render_spec, n: int) -> None:
    rows = _rows(n)
    res = _extract(render_spec, _doc_with({"table": rows, "caption": "Tabel 1: subsidies per gemeente"}))
    [table] = res.rows["answer_tables"]
    assert (table["n_rows"], table["n_cols"], table["part"], table["caption"]) == (n + 1, 5, "answer", "Tabel 1: subsidies per gemeente")
    cells = {(c["row"], c["col"]): c for c in res.rows["answer_table_cells"]}
    assert len(cells) == (n + 1) * 5
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            assert cells[(r, c)]["text"] == text
            assert cells[(r, c)]["is_header"] is (r == 0)
    last = cells[(n, 2)]
    assert (last["kind"], last["value"], last["currency"]) == ("money", Decimal(f"{n * 14282}.50"), "EUR")
    assert (cells[(n, 1)]["kind"], cells[(n, 1)]["value"]) == ("year", Decimal(rows[n][1]))
    assert cells[(n, 3)]["kind"] == "percentage"
    assert (cells[(n, 4)]["kind"], cells[(n, 4)]["value"]) == ("number", Decimal(rows[n][4]))
    answer = res.rows["documents"][0]["answer_text"]
    assert "Tabel 1" not in answer and rows[-1][2] not in answer  # the table is not running text
    assert answer.endswith("in het voorjaar van 2025 gevalideerd.")


def test_table_continued_on_next_page_is_one_table(render_spec) -> None:
    rows = _rows(45)
    res = _extract(render_spec, _doc_with({"table": rows, "caption": "Tabel 1: subsidies per gemeente"}, extra_paragraphs=4))
    [table] = res.rows["answer_tables"]
    assert len(table["pages"]) == 2 and table["pages"][1] == table["pages"][0] + 1
    assert table["n_rows"] == 46  # the header repeated on the second page is not a row
    texts = [c["text"] for c in res.rows["answer_table_cells"] if c["col"] == 0]
    assert texts == [r[0] for r in rows]


def test_merged_header_cells(render_spec) -> None:
    rows = [
        ["Provincie", "Bedrag (in euro)", "", "Aandeel"],
        ["", "2022", "2023", ""],
        ["Antwerpen", "14.282.612", "15.001.250", "27,49%"],
        ["Limburg", "7.004.100", "7.250.000", "14,33%"],
    ]
    block = {"table": rows, "header_rows": 2, "spans": [[1, 0, 2, 0], [0, 0, 0, 1], [3, 0, 3, 1]]}
    res = _extract(render_spec, _doc_with(block))
    cells = {(c["row"], c["col"]): c for c in res.rows["answer_table_cells"]}
    assert cells[(0, 1)]["text"] == "Bedrag (in euro)"
    assert cells[(0, 2)]["text"] is None  # covered by the merged cell
    assert all(cells[(r, c)]["is_header"] for r in (0, 1) for c in range(4))
    assert not cells[(2, 1)]["is_header"]
    money = cells[(2, 1)]
    assert (money["kind"], money["value"], money["unit_from_context"]) == ("money", Decimal("14282612"), "header")
    assert money["column_header"] == "Bedrag (in euro) / 2022"
    assert cells[(2, 2)]["column_header"] == "Bedrag (in euro) / 2023" and cells[(2, 3)]["column_header"] == "Aandeel"
    assert (cells[(3, 3)]["kind"], cells[(3, 3)]["value"]) == ("percentage", Decimal("14.33"))


def test_scale_in_caption_applies_to_bare_numbers(render_spec) -> None:
    rows = [["Onderdeel", "2024", "2025"], ["Werking", "1.022,4", "1.080,1"], ["Investeringen", "254,7", "301,0"]]
    res = _extract(render_spec, _doc_with({"table": rows, "caption": "Tabel 2: dotatie (in miljoen euro)"}))
    cells = {(c["row"], c["col"]): c for c in res.rows["answer_table_cells"]}
    assert cells[(1, 1)]["value"] == Decimal("1022400000") and cells[(1, 1)]["unit_from_context"] == "caption"
    assert cells[(2, 2)]["kind"] == "money"


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("Beveren-Kruibeke-\nZwijndrecht", "Beveren-Kruibeke-Zwijndrecht"),
        ("€ \n14.282.612,00", "€ 14.282.612,00"),
        ("9,14 \n%", "9,14 %"),
        ("Geplande\nritten", "Geplande ritten"),
        (None, None),
    ],
)
def test_wrapped_cell_text(raw: str | None, joined: str | None) -> None:
    assert cell_text(raw) == joined


@pytest.mark.parametrize(
    ("text", "kind", "value", "from_context"),
    [
        ("€ 14.282.612,00", "money", "14282612.00", False),
        ("10,17%", "percentage", "10.17", False),
        ("9,14 %", "percentage", "9.14", False),
        ("2023", "year", "2023", False),
        ("1.093", "number", "1093", False),
        ("443 miljoen euro", "money", "443000000", False),
        ("Antwerpen", None, None, False),
        ("n.b.", None, None, False),
        ("", None, None, False),
    ],
)
def test_parse_cell(text: str, kind: str | None, value: str | None, from_context: bool) -> None:
    got = parse_cell(text, read_column(None, None, None, [text]))  # a column of this one cell
    assert (got[0], got[1], got[3] is not None) == (kind, Decimal(value) if value else None, from_context)


def test_sample_devset_table_documents_have_tables() -> None:
    res = process_file(Path(__file__).parent / "devset" / "pdf" / "dev24.pdf", "dev24.pdf")
    captions = [t["caption"] for t in res.rows["answer_tables"]]
    assert captions == [
        "Tabel 1: Geplande en niet-uitgevoerde ritten per vervoerregio in 2024",
        "Tabel 2: Samenstelling van de dotatie van De Lijn (in miljoen euro)",
    ]


def _cells(res: DocResult) -> dict[tuple[int, int], dict]:
    return {(c["row"], c["col"]): c for c in res.rows["answer_table_cells"]}


def test_table_without_header_row(render_spec) -> None:
    rows = [["Antwerpen", "31", "24"], ["Limburg", "18", "15"], ["Totaal", "49", "39"]]
    res = _extract(render_spec, _doc_with({"table": rows, "header_rows": 0}))
    [table] = res.rows["answer_tables"]
    cells = _cells(res)
    assert (table["header_rows"], table["n_rows"]) == (0, 3)
    assert (cells[(0, 1)]["is_header"], cells[(0, 1)]["kind"], cells[(0, 1)]["value"]) == (False, "number", Decimal(31))
    assert [cells[(r, 0)]["is_total"] for r in range(3)] == [False, False, True]


def test_unit_from_the_sentence_before_and_decimal_points(render_spec) -> None:
    rows = [["Regio", "2022", "2023"], ["Vlaanderen", "84,2", "1.002,4"], ["Brussel", "51.0", "38.000"], ["Wallonië", "97.5", "12.500"]]
    lead = "De bedragen per regio staan, in miljoen euro, in de tabel hieronder."
    res = _extract(render_spec, _doc_with({"table": rows}, lead=lead))
    [table] = res.rows["answer_tables"]
    assert table["sentence"] == lead and table["caption"] is None
    cells = _cells(res)
    got = {(r, c): (cells[(r, c)]["kind"], cells[(r, c)]["value"], cells[(r, c)]["unit_from_context"]) for r in (1, 2, 3) for c in (1, 2)}
    m = Decimal(10) ** 6
    assert got == {
        (1, 1): ("money", Decimal("84.2") * m, "sentence"), (2, 1): ("money", Decimal("51.0") * m, "sentence"),
        (3, 1): ("money", Decimal("97.5") * m, "sentence"),
        (1, 2): ("money", Decimal("1002.4") * m, "sentence"), (2, 2): ("money", Decimal(38000) * m, "sentence"),
        (3, 2): ("money", Decimal(12500) * m, "sentence"),
    }
    assert lead in res.rows["documents"][0]["answer_text"]  # the sentence stays running text


@pytest.mark.parametrize("below", [False, True])
def test_caption_over_two_lines(render_spec, below: bool) -> None:
    caption = ("Tabel 3: Vastleggingskredieten per beleidsdomein en per jaar, exclusief nieuwe maatregelen en nieuw beleid, "
               "voor de begrotingsopmaak (in duizend euro)")
    rows = [["Beleidsdomein", "BA 2025", "BO 2026"], ["Onderwijs en Vorming", "19.545.147", "20.027.270"], ["Totaal", "65.162.127", "65.812.226"]]
    res = _extract(render_spec, _doc_with({"table": rows, "caption": caption, "caption_below": below}))
    [table] = res.rows["answer_tables"]
    assert table["caption"] == caption
    answer = res.rows["documents"][0]["answer_text"]
    assert "nieuw beleid" not in answer and "Vastleggingskredieten" not in answer
    cells = _cells(res)
    assert (cells[(1, 1)]["kind"], cells[(1, 1)]["value"], cells[(1, 1)]["unit_from_context"]) == ("money", Decimal(19545147000), "caption")


@pytest.mark.parametrize("caption", [None, "Tabel 2: Subsidies per regio (in duizend euro)"])
def test_caption_and_lead_on_the_page_before_the_table(render_spec, caption: str | None) -> None:
    """The page breaks between the lead sentence (and caption) and the table: both still reach it."""
    rows = [["Regio", "2022", "2023"], ["Vlaanderen", "84,2", "1.002,4"], ["Brussel", "51,0", "38.000"]]
    lead = "De bedragen per regio staan, in miljoen euro, in de tabel hieronder."
    block = {"table": rows, "break_before_table": True, **({"caption": caption} if caption else {})}
    res = _extract(render_spec, _doc_with(block, lead=lead))
    [table] = res.rows["answer_tables"]
    assert (table["caption"], table["sentence"]) == (caption, lead)
    cell = _cells(res)[(1, 1)]
    scale, source = (Decimal(1000), "caption") if caption else (Decimal(10) ** 6, "sentence")
    assert (cell["kind"], cell["value"], cell["unit_from_context"]) == ("money", Decimal("84.2") * scale, source)
    answer = res.rows["documents"][0]["answer_text"]
    assert lead in answer and "Subsidies per regio" not in answer  # the caption left the running text


@pytest.mark.skipif(word.soffice() is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
def test_word_made_table_caption_below_unit_in_sentence(render_spec) -> None:
    """The form of the real budget PDF: a Word table, its caption under it over two lines,
    the unit said in the sentence before; negative differences, a totals row."""
    caption = ("Tabel 4-1: Vastleggingskredieten per beleidsdomein, exclusief nieuwe maatregelen en nieuw beleid, "
               "bij de begrotingsopmaak 2026")
    rows = [["Beleidsdomein", "BA 2025", "BO 2026", "BO - BA"], ["Onderwijs en Vorming", "19.545,1", "20.027,3", "482,2"],
            ["Mobiliteit en Openbare Werken", "5.436,1", "5.274,7", "-161,4"], ["Totaal", "24.981,2", "25.302,0", "320,8"]]
    lead = "De kredieten per beleidsdomein staan, in miljoen euro, in de tabel hieronder."
    spec = {**_doc_with({"table": rows, "caption": caption, "caption_below": True}, lead=lead), "renderer": "docx"}
    res = _extract(render_spec, spec)
    [table] = res.rows["answer_tables"]
    assert (table["caption"], table["sentence"], table["header_rows"]) == (caption, lead, 1)
    cells = _cells(res)
    m = Decimal(10) ** 6
    assert (cells[(2, 3)]["kind"], cells[(2, 3)]["value"], cells[(2, 3)]["unit_from_context"]) == ("money", Decimal("-161.4") * m, "sentence")
    assert cells[(3, 1)]["is_total"] and cells[(3, 1)]["value"] == Decimal("24981.2") * m
    assert "Vastleggingskredieten" not in res.rows["documents"][0]["answer_text"]


def test_two_header_rows_repeated_on_the_next_page(render_spec) -> None:
    rows = [["Provincie", "Bedrag (in euro)", "", "Aandeel"], ["", "2022", "2023", ""]]
    rows += [[f"{PROVINCES[i % 6]} {i + 1}", f"{(i + 1) * 14_282:,}".replace(",", "."), f"{(i + 2) * 9_031:,}".replace(",", "."), f"{i % 90},5%"] for i in range(45)]
    block = {"table": rows, "header_rows": 2, "spans": [[1, 0, 2, 0], [0, 0, 0, 1], [3, 0, 3, 1]]}
    res = _extract(render_spec, _doc_with(block, extra_paragraphs=4))
    [table] = res.rows["answer_tables"]
    assert len(table["pages"]) == 2 and (table["header_rows"], table["n_rows"]) == (2, 47)  # both repeated rows dropped
    cells = _cells(res)
    assert [cells[(r, 0)]["text"] for r in range(2, 47)] == [r[0] for r in rows[2:]]
    last = cells[(46, 2)]
    assert (last["kind"], last["value"], last["unit_from_context"], last["column_header"]) == ("money", Decimal(46 * 9031), "header", "Bedrag (in euro) / 2023")
