"""Tables in questions and answers, as data: one row per table and one per cell.

pdfplumber reads the ruling-line tables (on flagged pages only, see text.py); here the
pieces of a table that runs over a page break are joined again, a repeated header row
is dropped, wrapped cell text is joined, and cells holding an amount, a percentage, a
year or a number get a typed value, parsed like the amounts in the running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.entities.amounts import SCALES, find_amounts, parse_number
from pipeline.text import FoundTable, Page

YEAR_CELL = re.compile(r"(?:19|20)\d\d")
NUMBER_CELL = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
MONEY_HEADER = re.compile(r"€|\beuro\b|\bEUR\b|\bkEUR\b|k€", re.IGNORECASE)
PERCENT_HEADER = re.compile(r"%|\bprocent\b|\bpercentage\b", re.IGNORECASE)
SCALE_HEADER = re.compile(r"\b(miljoen|miljard|duizend)\b|kEUR|k€", re.IGNORECASE)
# A piece of a table that starts within this distance of the page's first text line, or
# ends within it of the last, touches the page break.
EDGE = 30.0


@dataclass
class Piece:
    page: int
    table: FoundTable


@dataclass
class JoinedTable:
    pages: list[int]
    caption: str | None
    rows: list[list[str | None]] = field(default_factory=list)


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
                and not t.caption
                and len(rows[0]) == len(prev[1].rows[0])
            )
            if continued:
                target = prev[1]
                header = target.rows[0]
                target.rows.extend(rows[1:] if rows[0] == header else rows)
                target.pages.append(page.number)
            else:
                target = JoinedTable(pages=[page.number], caption=t.caption, rows=rows)
                joined.append(target)
            last = (Piece(page.number, t), target)
    return joined


def _column_context(header: str | None, caption: str | None) -> tuple[str | None, Decimal]:
    """What a bare number in this column is: its kind from the header (or caption), and its scale."""
    for source in (header, caption):
        if not source:
            continue
        kind = "money" if MONEY_HEADER.search(source) else "percentage" if PERCENT_HEADER.search(source) else None
        if kind:
            m = SCALE_HEADER.search(source)
            scale = Decimal(1)
            if m:
                word = m.group(0).lower()
                scale = Decimal(1000) if word.startswith("k") else SCALES[word]
            return kind, scale
    return None, Decimal(1)


def parse_cell(text: str | None, context: tuple[str | None, Decimal]) -> tuple[str | None, Decimal | None, str | None, bool]:
    """(kind, value, currency, unit_from_context) of one data cell."""
    if not text:
        return None, None, None, False
    t = text.strip()
    if YEAR_CELL.fullmatch(t):
        return "year", Decimal(t), None, False
    found = find_amounts(t)
    if len(found) == 1 and found[0].char_start == 0 and found[0].char_end == len(t):
        return found[0].kind, found[0].value, found[0].currency, False
    if NUMBER_CELL.fullmatch(t):
        value = parse_number(t)
        kind, scale = context
        if kind and value is not None:
            return kind, value * scale, ("EUR" if kind == "money" else None), True
        return "number", value, None, False
    return None, None, None, False


def header_rows(rows: list[list[str | None]], most: int = 3) -> int:
    """Leading rows without a number in them are header rows (merged headers span two or three)."""
    n = 1
    while n < min(most, len(rows) - 1):
        if any(parse_cell(c, (None, Decimal(1)))[0] in ("money", "percentage", "number") for c in rows[n]):
            break
        n += 1
    return n


def table_rows(doc_id: str, pages: list[Page], answer_page: int | None) -> tuple[list[dict], list[dict]]:
    """Rows of `answer_tables` and `answer_table_cells` for one document."""
    tables: list[dict] = []
    cells: list[dict] = []
    for no, t in enumerate(join_pieces(pages), 1):
        part = "answer" if answer_page is not None and t.pages[0] >= answer_page else "question"
        n_cols = max(len(r) for r in t.rows)
        tables.append({
            "doc_id": doc_id, "table_no": no, "part": part, "page": t.pages[0], "pages": t.pages,
            "caption": t.caption, "n_rows": len(t.rows), "n_cols": n_cols,
        })
        n_header = header_rows(t.rows)
        header = [" ".join(filter(None, (t.rows[r][c] if c < len(t.rows[r]) else None for r in range(n_header)))) or None for c in range(n_cols)]
        contexts = [_column_context(header[c], t.caption) for c in range(n_cols)]
        for r, row in enumerate(t.rows):
            for c, text in enumerate(row):
                is_header = r < n_header
                kind, value, currency, from_context = (None, None, None, False) if is_header else parse_cell(text, contexts[c])
                cells.append({
                    "doc_id": doc_id, "table_no": no, "row": r, "col": c, "text": text, "is_header": is_header,
                    "kind": kind, "value": value, "currency": currency, "unit_from_context": from_context,
                })
    return tables, cells
