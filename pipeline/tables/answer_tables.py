"""Tables in questions and answers, as data: one row per table and one per cell.

Ruling-line tables come from the text stage (`FoundTable`: rows of cell text, None where a
merged cell covers the place). Here the pieces of a table that runs over a page break are
joined again (a repeated header dropped), wrapped cell text is joined, and the cells are
read as the minister wrote them:

- header rows are detected (none when the first row already holds figures);
- a merged header cell labels every column it spans, and two header rows combine
  ("Bedrag (euro) / 2022");
- the figures of a column are read together: whether "38.000" is 38000 or 38 depends on
  how the other cells of the column write their decimals;
- a bare number gets its unit and scale from the column header, the caption or the
  sentence right before the table (the guide: such cells are amounts only then), and
  `unit_from_context` says which.

Decisions where the guide is silent are in docs/extraction-decisions.md ("Table cells").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from pipeline.entities.amounts import CURRENCY_CODES, SCALES, find_amounts
from pipeline.text.page import FoundTable, Page

# A cell holding one figure: an optional currency before, a sign, the digits with their
# marks, an optional scale word and an optional unit after ("€ 14.282.612,00", "-94.129",
# "27,49 %", "1,5 miljoen euro", "296.400 kEUR", "1 234 567").
CELL = re.compile(
    r"(?P<pre>€|EUR|BEF)?\s*(?P<sign>[-−–+])?\s*(?P<pre2>€|EUR|BEF)?\s*"
    r"(?P<num>\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d[\d.,]*)"
    r"\s*(?P<scale>miljoen|miljard|mio\.?|mln\.?|mld\.?|duizend)?"
    r"\s*(?P<post>%|procent|percent|euro|EUR|€|BEF|frank|kEUR|KEUR|k€)?",
    re.IGNORECASE,
)
YEAR = re.compile(r"(?:19|20)\d\d")
GROUP_SPACE = re.compile(r"[\u00a0\u202f ]")
MARK = re.compile(r"[.,]")
# Cells that say "nothing here": they are data (a row of them is no header), without a value.
BLANK = re.compile(
    r"(?:€\s*)?[-–—/x×*.]+(?:\s*(?:%|€|euro))?|n\.?\s?v\.?\s?t\.?|n\.?\s?b\.?|n\.?\s?a\.?|p\.?\s?m\.?|nihil|geen",
    re.IGNORECASE,
)
TOTAL = re.compile(r"(?:sub|algemeen\s+|eind|groot)?tota(?:a)?l\b|^som\b", re.IGNORECASE)
# A totals row may also name what it adds up first: "Gewest - subtotaal dotaties", "Vlaanderen
# totaal". "totaal" inside a label ("Aandeel in het totaal van ...") is no totals row.
TOTAL_INSIDE = re.compile(r"\bsubtota(?:a)?l\b|\btota(?:a)?l\s*$", re.IGNORECASE)
# A header that makes its column years ("Jaar", "Academiejaar"), or names a unit that is not
# money or percent ("Aantal", "Oppervlakte (ha)", "(in km)"): the caption's or the sentence's
# unit does not reach that column.
# (A header is a year word as a whole: "Begrotingsjaar 2022" heads a column of amounts.)
YEAR_HEADER = re.compile(r"\W*(?:\w*jaar|jaartal|periode|year)\W*", re.IGNORECASE)
MEASURE = re.compile(
    r"(?<!\w)(?:aantal|aandeel|\w*graad|#|km|ha|hectare|m²|m2|m³|m3|ton|kg|kwh|mwh|gwh|mw|fte|vte|uren|uur|dagen)(?!\w)",
    re.IGNORECASE,
)
# A unit named in a header, caption or sentence: "(in miljoen euro)", "x 1.000 euro",
# "kEUR", "Aandeel (%)", "in procent". A currency word that belongs to an amount ("projecten
# boven 1 miljoen euro") names no unit; those are skipped with find_amounts.
CONTEXT_UNIT = re.compile(
    r"(?:(?:[x×]\s*(?P<times>1(?:[.\u00a0\u202f ]?000)+)|(?P<scale>duizend|miljoen|miljard|mio\.?|mln\.?|mld\.?)(?:en)?)\s*)?"
    r"(?P<cur>euro|EUR|€|BEF|frank(?:en)?)(?!\w)"
    r"|(?<!\w)(?P<kcur>kEUR|KEUR|k€)(?!\w)"
    r"|(?P<pct>%|(?<!\w)procent(?!\w)|(?<!\w)percentage(?!\w))",
    re.IGNORECASE,
)
SHARE = re.compile(r"aandeel|graad", re.IGNORECASE)
HEADER_JOIN = " / "


@dataclass
class Piece:
    page: int
    table: FoundTable


@dataclass
class JoinedTable:
    pages: list[int]
    caption: str | None
    rows: list[list[str | None]] = field(default_factory=list)
    sentence: str | None = None


@dataclass(frozen=True)
class Unit:
    """What a bare number in a column is: kind, scale, currency and where that was said."""

    kind: str  # "money" or "percentage"
    scale: Decimal = Decimal(1)
    currency: str | None = None
    source: str | None = None  # "header", "caption", "sentence"


@dataclass(frozen=True)
class Column:
    """How the data cells of one column are read, decided from all of them."""

    unit: Unit | None = None
    years: bool = False
    dot_decimal: bool = False  # "51.0" among "84,2": the dots of this column are decimal marks
    comma_thousands: bool = False  # "12,500,000": the commas group thousands


@dataclass(frozen=True)
class Figure:
    """One cell's figure as written, before the column decides its marks."""

    digits: str
    sign: int
    scale: Decimal
    unit: str | None  # "money" or "percentage" when the cell wrote it
    currency: str | None


def cell_text(raw: str | None) -> str | None:
    """pdfplumber's cell text with its line breaks joined: no space after a hyphen."""
    if raw is None:
        return None
    out = ""
    for line in raw.split("\n"):
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and not out.endswith(" -"):
            out += line
        else:
            out += " " + line
    return re.sub(r"\s+", " ", out)


@lru_cache(maxsize=4096)
def figure(text: str | None) -> Figure | None:
    """The figure a cell holds, when the cell is one figure and nothing else."""
    if not text:
        return None
    m = CELL.fullmatch(text.strip())
    if not m or (m["pre"] and m["pre2"]):
        return None
    cur_word = (m["pre"] or m["pre2"] or m["post"] or "").lower()
    scale = SCALES[m["scale"].lower().rstrip(".")] if m["scale"] else Decimal(1)
    if cur_word in ("%", "procent", "percent"):
        unit, currency = "percentage", None
    elif cur_word:
        unit, currency = "money", CURRENCY_CODES[cur_word]
        if cur_word in ("keur", "k€"):
            scale *= 1000
    else:
        unit, currency = None, None
    sign = -1 if m["sign"] and m["sign"] != "+" else 1
    return Figure(digits=m["num"], sign=sign, scale=scale, unit=unit, currency=currency)


def _marks(digits: str) -> set[str]:
    """What a number's marks show about the writer's convention, from this number alone."""
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        return {"dot_decimal", "comma_thousands"} if digits.rfind(".") > digits.rfind(",") else {"dot_thousands", "comma_decimal"}
    out: set[str] = set()
    for mark, n in ((".", dots), (",", commas)):
        name = "dot" if mark == "." else "comma"
        if n > 1:
            out.add(f"{name}_thousands")
        elif n == 1 and len(digits) - digits.index(mark) - 1 != 3:
            out.add(f"{name}_decimal")  # "51.0", "84,2": a group of thousands has three digits
    return out


def number_value(digits: str, col: Column) -> Decimal | None:
    """The digits as an exact decimal, the column deciding what a lone "." or "," before
    three digits is ("38.000": thousands in Dutch, a decimal mark in a dot-decimal column)."""
    digits = GROUP_SPACE.sub("", digits)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
    elif dots + commas == 0:
        decimal = None
    else:
        mark = "." if dots else ","
        if dots + commas > 1:
            decimal = None  # "1.234.567": only thousands
        elif len(digits) - digits.index(mark) - 1 != 3:
            decimal = mark
        else:
            decimal = mark if (col.dot_decimal if mark == "." else not col.comma_thousands) else None
    whole, _, frac = digits.partition(decimal) if decimal else (digits, "", "")
    groups = MARK.split(whole)
    if not groups[0] or any(not g.isdigit() for g in groups) or (len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]))):
        return None
    if frac and not frac.isdigit():
        return None
    return Decimal("".join(groups) + ("." + frac if frac else ""))


def cell_type(text: str | None) -> str:
    """'empty', 'blank' (a dash, "n.v.t."), 'year', 'value' or 'text': what header detection needs."""
    if text is None or not text.strip():
        return "empty"
    t = text.strip()
    if BLANK.fullmatch(t):
        return "blank"
    if YEAR.fullmatch(t):
        return "year"
    return "value" if figure(t) is not None else "text"


def header_rows(rows: list[list[str | None]], most: int = 3) -> int:
    """How many leading rows are header: rows without figures or dashes, at most `most`, never all.

    Zero when the first row holds figures. A row of years heads the columns ("Provincie |
    2020 | 2021") unless the columns below hold years too (then it is the first data row).
    A table with no figures at all has one header row: nothing tells its first row apart.
    """
    if len(rows) < 2:
        return 0
    types = [[cell_type(c) for c in row] for row in rows]
    n = 0
    while n < min(most, len(rows) - 1) and not any(t in ("value", "blank") for t in types[n]):
        n += 1
    if not any("value" in row for row in types):
        n = min(n, 1)
    body = types[n:]
    year_cols = {
        c for c in range(max(map(len, types)))
        if any(c < len(r) and r[c] == "year" for r in body)
        and all(c >= len(r) or r[c] in ("year", "empty", "blank") for r in body)
    }
    for r in range(n):
        if any(t == "year" and c in year_cols for c, t in enumerate(types[r])):
            return r
    return n


def column_headers(rows: list[list[str | None]], n_header: int, n_cols: int) -> list[str | None]:
    """Each column's label: the header cells above it, joined top to bottom.

    A None in a header row is a place covered by a merged cell: the one to its left when its
    parent above spans both columns (or in the first row), else the one above. A merged
    cell is a rectangle, so a None cannot continue a left neighbour whose parent stops there.
    """
    owner: list[list[tuple[int, int]]] = []
    for r in range(n_header):
        row = rows[r] + [None] * (n_cols - len(rows[r]))
        here: list[tuple[int, int]] = []
        for c, text in enumerate(row):
            if text is not None or (r == 0 and c == 0):
                here.append((r, c))
            elif r == 0:
                here.append(here[c - 1])
            elif c > 0 and owner[r - 1][c] == owner[r - 1][c - 1] and here[c - 1][0] == r:
                here.append(here[c - 1])  # the parent spans both: a merged cell of this row
            else:
                here.append(owner[r - 1][c])  # covered from above
        owner.append(here)
    labels: list[str | None] = []
    for c in range(n_cols):
        parts: list[str] = []
        for r in range(n_header):
            rr, cc = owner[r][c]
            text = rows[rr][cc] if cc < len(rows[rr]) else None
            if text and (not parts or parts[-1] != text) and (rr, cc) not in [owner[k][c] for k in range(r)]:
                parts.append(text)
        labels.append(HEADER_JOIN.join(parts) or None)
    return labels


@lru_cache(maxsize=1024)  # a table's caption and sentence are asked once per column
def unit_in(text: str | None, source: str) -> Unit | None:
    """The unit a header, caption or sentence names for bare numbers, if any."""
    if not text:
        return None
    taken = [(a.char_start, a.char_end) for a in find_amounts(text)]
    for m in CONTEXT_UNIT.finditer(text):
        if any(s < m.start() < e for s, e in taken):
            continue  # "1 miljoen euro" is an amount, not the table's unit ("duizend euro" alone is one)
        if m["pct"]:
            return Unit("percentage", source=source)
        if m["kcur"]:
            return Unit("money", Decimal(1000), "EUR", source)
        scale = Decimal(1)
        if m["times"]:
            scale = Decimal(re.sub(r"\D", "", m["times"]))
        elif m["scale"]:
            scale = SCALES[m["scale"].lower().rstrip(".")]
        cur = m["cur"].lower()
        return Unit("money", scale, CURRENCY_CODES["frank" if cur.startswith("frank") else cur], source)
    return None


def read_column(header: str | None, caption: str | None, sentence: str | None, cells: list[str | None]) -> Column:
    """How this column's data cells are read: unit, years, and the marks its figures use."""
    unit = unit_in(header, "header")
    own_kind = bool(header and (MEASURE.search(header) or YEAR_HEADER.fullmatch(header)))
    if unit is None:
        unit = unit_in(caption, "caption") or unit_in(sentence, "sentence")
        if own_kind and not (unit and unit.kind == "percentage" and SHARE.search(header or "")):
            unit = None  # "Aantal dossiers" in a table "(in euro)" stays a count; "Aandeel" takes "(in %)"
    figs = [f for f in map(figure, cells) if f is not None]
    bare = [f for f in figs if f.unit is None and f.scale == 1]
    years = bool(bare) and all(YEAR.fullmatch(f.digits) and f.sign == 1 for f in bare) and (
        bool(header and YEAR_HEADER.fullmatch(header)) or unit is None
    )
    marks: set[str] = set().union(*(_marks(f.digits) for f in figs)) if figs else set()
    return Column(
        unit=unit,
        years=years,
        dot_decimal="dot_decimal" in marks and "dot_thousands" not in marks,
        comma_thousands="comma_thousands" in marks and "comma_decimal" not in marks,
    )


def parse_cell(text: str | None, col: Column) -> tuple[str | None, Decimal | None, str | None, str | None]:
    """(kind, value, currency, unit_from_context) of one data cell, read as its column says."""
    f = figure(text)
    if f is None:
        return None, None, None, None
    value = number_value(f.digits, col)
    if value is None:
        return None, None, None, None
    value = f.sign * value
    if f.unit:
        return f.unit, value * f.scale, f.currency, None
    if col.years and f.scale == 1 and YEAR.fullmatch(f.digits):
        return "year", value, None, None
    if col.unit:
        scale = f.scale if f.scale != 1 else col.unit.scale
        return col.unit.kind, value * scale, col.unit.currency, col.unit.source
    return "number", value * f.scale, None, None


def _touches_bottom(page: Page, table: FoundTable) -> bool:
    below = [ln for ln in page.lines if ln.top >= table.bbox[3] - 1]
    return not below


def _touches_top(page: Page, table: FoundTable) -> bool:
    above = [ln for ln in page.lines if ln.bottom <= table.bbox[1] + 1]
    return not above


def join_pieces(pages: list[Page]) -> list[JoinedTable]:
    """Tables in reading order; a table continued on the next page becomes one table."""
    by_number = {p.number: p for p in pages}
    joined: list[JoinedTable] = []
    last: tuple[Piece, JoinedTable] | None = None
    for page in pages:
        for k, t in enumerate(sorted(page.tables, key=lambda t: t.bbox[1])):
            rows = [[cell_text(c) for c in row] for row in t.rows]
            if not rows:
                continue
            prev = last
            continued = (
                prev is not None
                and k == 0
                and prev[0].page == page.number - 1
                and _touches_bottom(by_number[prev[0].page], prev[0].table)
                and _touches_top(page, t)
                and not (t.caption and not t.caption_below)  # a caption above starts a new table
                and not prev[0].table.caption_below  # a caption below ended the previous one
                and len(rows[0]) == len(prev[1].rows[0])
            )
            if continued:
                target = prev[1]
                target.caption = target.caption or t.caption
                n = header_rows(target.rows)
                repeated = n > 0 and rows[:n] == target.rows[:n]
                target.rows.extend(rows[n:] if repeated else rows)
                target.pages.append(page.number)
            else:
                target = JoinedTable(pages=[page.number], caption=t.caption, rows=rows, sentence=t.sentence)
                joined.append(target)
            last = (Piece(page.number, t), target)
    return joined


def is_total_row(row: list[str | None]) -> bool:
    """A totals row: its first filled cell starts with a total word, or holds "subtotaal", or ends in "totaal"."""
    first = next((x for x in row if x), "").strip()
    return bool(TOTAL.match(first) or TOTAL_INSIDE.search(first))


def table_rows(doc_id: str, pages: list[Page], answer_page: int | None) -> tuple[list[dict], list[dict]]:
    """Rows of `answer_tables` and `answer_table_cells` for one document."""
    tables: list[dict] = []
    cells: list[dict] = []
    for no, t in enumerate(join_pieces(pages), 1):
        part = "answer" if answer_page is not None and t.pages[0] >= answer_page else "question"
        n_cols = max(len(r) for r in t.rows)
        n_header = header_rows(t.rows)
        tables.append({
            "doc_id": doc_id, "table_no": no, "part": part, "page": t.pages[0], "pages": t.pages,
            "caption": t.caption, "sentence": t.sentence, "n_rows": len(t.rows), "n_cols": n_cols,
            "header_rows": n_header,
        })
        headers = column_headers(t.rows, n_header, n_cols)
        body = t.rows[n_header:]
        columns = [read_column(headers[c], t.caption, t.sentence, [r[c] if c < len(r) else None for r in body]) for c in range(n_cols)]
        for r, row in enumerate(t.rows):
            is_header = r < n_header
            is_total = not is_header and is_total_row(row)
            for c, text in enumerate(row):
                kind, value, currency, from_context = (None, None, None, None) if is_header else parse_cell(text, columns[c])
                cells.append({
                    "doc_id": doc_id, "table_no": no, "row": r, "col": c, "text": text, "is_header": is_header,
                    "column_header": headers[c], "is_total": is_total,
                    "kind": kind, "value": value, "currency": currency, "unit_from_context": from_context,
                })
    return tables, cells
