"""Repairs of OCR misreadings: each fires on the misreading it names and on nothing else."""

from __future__ import annotations

import pytest

from pipeline.text.ocr_repair import is_ruling, repair_labels, repair_line, repair_paragraph_signs


@pytest.mark.parametrize(
    ("read", "before", "want"),
    [
        # "§" read as "8" or "$" after an article number, before the paragraph's number
        ("overeenkomstig artikel 4, 8 3, 2°, van het Woonzorgdecreet", "", "overeenkomstig artikel 4, § 3, 2°, van het Woonzorgdecreet"),
        ("bepaalt artikel 18, $ 1, van het besluit", "", "bepaalt artikel 18, § 1, van het besluit"),
        ("artikel 29, $2, van het Mestdecreet", "", "artikel 29, §2, van het Mestdecreet"),
        ("art. 12, 8 2, 3°, van het decreet", "", "art. 12, § 2, 3°, van het decreet"),
        ("de artikels 6.5.5 8 2 en 6.5.13 $ 4 van het Energiebesluit", "", "de artikels 6.5.5 § 2 en 6.5.13 § 4 van het Energiebesluit"),
        ("artikels 6.5.5 § 2 en 6.5.13 8 4 van het Energiebesluit", "", "artikels 6.5.5 § 2 en 6.5.13 § 4 van het Energiebesluit"),
        ("Artikel 76/1, 8 2, van het decreet", "", "Artikel 76/1, § 2, van het decreet"),
        # the article number ends the line above
        ("8 3, van het decreet van 20 april 2012", "zoals bepaald in artikel 4,", "§ 3, van het decreet van 20 april 2012"),
        # must NOT fire: a list of articles, a count, an amount, no article word, a date
        ("de artikelen 4, 8 en 9 van het decreet", "", "de artikelen 4, 8 en 9 van het decreet"),
        ("artikelen 3, 8, 9 en 12", "", "artikelen 3, 8, 9 en 12"),
        ("artikel 4 werd 8 keer toegepast", "", "artikel 4 werd 8 keer toegepast"),
        ("in artikel 5 staat dat 8 van de 10 gemeenten", "", "in artikel 5 staat dat 8 van de 10 gemeenten"),
        ("er zijn 4, 8 3 plaatsen", "", "er zijn 4, 8 3 plaatsen"),
        ("artikel 7 van 8 maart 2006", "", "artikel 7 van 8 maart 2006"),
        ("artikel 3 kost $ 5 per stuk", "", "artikel 3 kost $ 5 per stuk"),
        ("8 3 plaatsen", "zie ook tabel 4,", "8 3 plaatsen"),
        ("artikel 12,8 van het reglement", "", "artikel 12,8 van het reglement"),
    ],
)
def test_paragraph_sign_read_as_8_or_dollar(read: str, before: str, want: str) -> None:
    assert repair_paragraph_signs(read, before) == want


@pytest.mark.parametrize(
    ("read", "want"),
    [
        ("4,", "4."),  # a label alone on its line, its dot read as a comma
        ("12;", "12."),
        ("3:", "3."),
        ("e Antwerpen: 611 plaatsen;", "- Antwerpen: 611 plaatsen;"),  # a bullet read as "e"
        ("• 2023: 41 dossiers", "- 2023: 41 dossiers"),
        ("Schriftelijke Vragen VI. Parl. 2025-26, nr. 249", "Schriftelijke Vragen Vl. Parl. 2025-26, nr. 249"),
        ("een bedrag van 412.600 KEUR.", "een bedrag van 412.600 kEUR."),
        # must NOT fire
        ("4, 5 en 6", "4, 5 en 6"),
        ("2022:", "2022:"),
        ("e-mail van de minister", "e-mail van de minister"),
        ("e en f zijn letters", "e en f zijn letters"),
        ("hoofdstuk VI. Parlementaire", "hoofdstuk VI. Parlementaire"),
        ("de KEUR-keuring", "de KEUR-keuring"),
    ],
)
def test_line_repairs(read: str, want: str) -> None:
    assert repair_line(read) == want


@pytest.mark.parametrize(
    ("read", "want"),
    [
        # "3." read as "8." between "2." and "4."
        (["1. Wat", "tekst", "2. Hoe", "8. Welk budget", "4. Wanneer"], ["1. Wat", "tekst", "2. Hoe", "3. Welk budget", "4. Wanneer"]),
        # a dot read as a comma before the item's sentence, numbering around it
        (["3. Wat", "tekst", "4, Hoe vaak werd", "tekst"], ["3. Wat", "tekst", "4. Hoe vaak werd", "tekst"]),
        (["1; Sinds 1 maart", "tekst", "2. Daarnaast"], ["1. Sinds 1 maart", "tekst", "2. Daarnaast"]),
        # both at once: the repaired "3" is the neighbour of "4,"
        (["2. Hoe", "8, Welk", "4, Wanneer"], ["2. Hoe", "3. Welk", "4. Wanneer"]),
        # multi-number labels are neighbours too
        (["8, 9. Welke", "10: Wie"], ["8, 9. Welke", "10. Wie"]),
        # must NOT fire: numbering does not say so, running text, a lower-case continuation
        (["2. Hoe", "8. Welk", "9. Wanneer"], ["2. Hoe", "8. Welk", "9. Wanneer"]),
        (["2. Hoe", "7. Welk", "4. Wanneer"], ["2. Hoe", "7. Welk", "4. Wanneer"]),
        (["3. Wat", "in 2022 waren het er", "7, Limburg telde er 5"], ["3. Wat", "in 2022 waren het er", "7, Limburg telde er 5"]),
        (["3. Wat", "4, 5 en 6 zijn gesloten"], ["3. Wat", "4, 5 en 6 zijn gesloten"]),
        (["8, Welk"], ["8, Welk"]),
        (["1. Wat", "2. Hoe", "3. Welk"], ["1. Wat", "2. Hoe", "3. Welk"]),
    ],
)
def test_label_repairs_follow_the_numbering(read: list[str], want: list[str]) -> None:
    assert repair_labels(read) == want


@pytest.mark.parametrize(
    ("text", "ruling"),
    [("____", True), ("_", True), ("— — —", True), ("|", True), ("===", True), ("-", False), ("—", False), ("- Antwerpen", False), ("_begrotingsartikel", False), ("1.", False)],
)
def test_ruling_lines_read_as_characters(text: str, ruling: bool) -> None:
    assert is_ruling(text) is ruling
