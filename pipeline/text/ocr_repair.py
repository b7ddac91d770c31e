"""Repairs of Tesseract's misreadings inside the few structures the pipeline parses.

OCR text is kept as read, except where a misreading breaks a structure that a later stage
parses and the context leaves one reading only. Each repair names the confusion it undoes
and fires only where the text as read cannot be what was printed:

- an item label alone on its line with its dot read as a comma, colon or semicolon ("4,"):
  no running text is a number and a comma alone;
- a "§" read as "8" or "$" right after an article number and before the paragraph's number
  ("artikel 4, 8 3, 2°" for "artikel 4, § 3, 2°"): two bare numbers in a row never follow
  the word "artikel", while "artikelen 4, 8 en 9" (a list) is left alone;
- an item label at a line's start with its dot read as a comma, colon or semicolon before
  its sentence ("4, Hoe vaak ..."), or with "3" read as "8" ("8." between "2." and "4."),
  where the labels before and after it on the page say which number it is: a line of
  running text seldom starts with a number and a comma before a capital, and never with the
  one number the numbering lacks;
- a bullet "•" read as "e" at a line's start before a capital or digit ("e Antwerpen: 611
  plaatsen;"): Dutch has no word "e"; it becomes the text layer's "- ";
- "Vl. Parl." (Vlaams Parlement, in document references) read as "VI. Parl.", and "kEUR"
  after a number read as "KEUR": neither misreading is a word or a unit;
- a line of only underscores, dashes or bars: a ruling line drawn on the page (above or under
  a header) read as characters; the text layer has no such line (a lone "-" is a bullet and
  stays).
"""

from __future__ import annotations

import re

from pipeline.labels import NUMBER_LABEL

MISREAD_LABEL = re.compile(r"^(\d{1,2})[,:;]$")
ARTICLE_WORD = re.compile(r"(?<!\w)(?:[Aa]rtikel(?:en|s)?|[Aa]rtt?\.)\s+")
ARTICLE_NUMBER = re.compile(r"(?:[IVX]{1,4}\.)?\d+(?:[./]\d+)*")
# The paragraph sign as read: "8" only with a space on both sides ("8 3"), "$" also glued ("$3").
PARAGRAPH_SIGN = re.compile(r",?\s*(?:(?<=\s)8(?=\s+\d)|\$(?=\s*\d)|§(?=\s*\d))")
PARAGRAPH_NUMBER = re.compile(r"\s*\d+")
LIST_SEPARATOR = re.compile(r"\s*(?:,?\s*en|,|tot\s+en\s+met)\s*")
# A label at a line's start with its dot misread, before the capital of its sentence.
MISREAD_INLINE_LABEL = re.compile(r"^(\d{1,2})[,:;](?=\s+[A-Z])")
# Digits Tesseract reads for one another in a label.
CONFUSABLE = {"8": "36", "3": "8", "6": "58", "5": "6", "7": "1", "1": "7"}
BULLET_AS_E = re.compile(r"^[e•]\s+(?=[A-Z0-9])")
VL_PARL = re.compile(r"(?<!\w)VI\.(?=\s*Parl\.)")
K_EUR = re.compile(r"(?<=\d )KEUR\b")
RULING = re.compile(r"^[_\-—–=|~]{2,}$|^[_=|~]$")


def repair_line(text: str, before: str = "") -> str:
    """One OCR'd line with the repairs above; `before` is the preceding line of its column
    (an article number at its end may own a paragraph sign at this line's start)."""
    text = MISREAD_LABEL.sub(r"\1.", text)
    text = BULLET_AS_E.sub("- ", text)
    text = K_EUR.sub("kEUR", VL_PARL.sub("Vl.", text))
    return repair_paragraph_signs(text, before)


def is_ruling(text: str) -> bool:
    """Whether an OCR'd line is only a ruling line read as characters."""
    return RULING.match(text.replace(" ", "")) is not None


def repair_paragraph_signs(text: str, before: str = "") -> str:
    """ "artikel 4, 8 3" → "artikel 4, § 3", also in lists ("artikels 6.5.5 $ 2 en 6.5.13 8 4")."""
    if not any(c in text for c in "8$"):
        return text
    joined = f"{before} {text}" if before else text
    offset = len(joined) - len(text)
    fixes: list[int] = []
    for word in ARTICLE_WORD.finditer(joined):
        pos = word.end()
        while (num := ARTICLE_NUMBER.match(joined, pos)) is not None:
            pos = num.end()
            sign = PARAGRAPH_SIGN.match(joined, pos)
            if sign is not None:
                fixes.append(sign.end() - 1)
                par = PARAGRAPH_NUMBER.match(joined, sign.end())
                if par is None:
                    break
                pos = par.end()
            sep = LIST_SEPARATOR.match(joined, pos)
            if sep is None or not ARTICLE_NUMBER.match(joined, sep.end()):
                break
            pos = sep.end()
    chars = list(text)
    for at in fixes:
        if at >= offset:
            chars[at - offset] = "§"
    return "".join(chars)


def repair_labels(texts: list[str]) -> list[str]:
    """A page's lines with misread item labels repaired where their neighbours on the page
    (the labels above and below) fix the number: "2.", "8, Welk", "4." → "3. Welk"."""
    found: list[tuple[int, list[int], int]] = []  # (line, numbers, end of the number) of each label as read
    for i, text in enumerate(texts):
        m = NUMBER_LABEL.match(text) or MISREAD_INLINE_LABEL.match(text)
        if m:
            found.append((i, [int(n) for n in re.findall(r"\d+", m.group(1))], m.end(1)))
    out = list(texts)
    for k, (i, numbers, end) in enumerate(found):
        if len(numbers) != 1:
            continue
        before = found[k - 1][1][-1] if k > 0 else None
        after = found[k + 1][1][0] if k + 1 < len(found) else None
        n = numbers[0]
        if (before is not None and before + 1 == n) or (after is not None and after - 1 == n) or (n == 1 and after == 2):
            right = n
        elif before is not None and after == before + 2 and str(before + 1) in CONFUSABLE.get(str(n), ""):
            right = before + 1
        else:
            continue
        numbers[0] = right  # the next label's neighbour is the repaired number
        rest = texts[i][end:]
        out[i] = f"{right}{'.' + rest[1:] if rest[:1] in ',:;' else rest}"
    return out
