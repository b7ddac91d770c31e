"""Where the text stage looks for a footnote marker (then kept only when its font is smaller).

Forms from real answers: a marker glued to a word or a closing bracket, before a blank,
punctuation or the line's end; figures, amounts, dates and numbered items are no candidates.
"""

from __future__ import annotations

import pytest

from pipeline.text.read import SUPERSCRIPT_CANDIDATE

CASES = [
    ("Vlaanderen3 telt", ["3"]),
    ("de regering12.", ["12"]),
    ("het decreet1, artikel 5", ["1"]),
    ("zie tabel2;", ["2"]),
    ("(VVSG)4 meldt", ["4"]),
    ("einde van de zin7", ["7"]),
    ("begroting 2024", []),
    ("in 20191.", []),
    ("€12 miljoen", []),
    ("€ 12 miljoen", []),
    ("12,5 %", []),
    ("1. De minister", []),
    ("artikel 5, § 2", []),
    ("04/2023", []),
    ("x1234 ", []),
    ("CO2-uitstoot", []),
    ("a1;2 b", ["1", "2"]),
    ("vraag3?", ["3"]),
    ("noot12)", ["12"]),
    ("A12b", []),
]


@pytest.mark.parametrize(("line", "want"), CASES, ids=[c[0] for c in CASES])
def test_superscript_candidates(line: str, want: list[str]) -> None:
    assert [m.group(1) for m in SUPERSCRIPT_CANDIDATE.finditer(line)] == want
