"""Native reportlab renderer: Word-like A4 pages, real per-page footnotes, byte-stable output.

Word's look is approximated with Bitstream Vera (metrics close to Verdana, shipped inside
reportlab). Footnotes need space reserved at the bottom of the page *before* the
paragraph carrying the marker is placed, so the frame's bottom is raised per page as
markers land on it (see `_FootnoteFrame`).
"""

from __future__ import annotations

import copy
import importlib.util
import os
import pathlib
import re
import warnings
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from tests.synth import Footnote, block_kind, furniture, is_lettered, parse_inline

PAGE_W, PAGE_H = A4
MARGIN = 2.5 * cm
TEXT_W = PAGE_W - 2 * MARGIN
BODY_SIZE = 10.0
LEADING = 12.15  # Word "single" line spacing for Verdana 10 pt
PARA_AFTER = 6.0
INDENT = 0.63 * cm  # Word's default hanging indent / tab step
FN_SIZE = 8.0
FN_LEADING = 9.7
FN_RULE = 5.0 * cm
FN_GAP_ABOVE = 9.0  # between the last body line and the separator rule
FN_GAP_BELOW = 4.0  # between the rule and the first footnote
FURN_SIZE = 8.0

FONT = "SynthVera"
FONT_BOLD = "SynthVera-Bold"
FONT_SYMBOL = "SynthVera-Symbol"
BULLET_PUA = "\uf0b7"  # Word's Symbol-font bullet, as text extractors report it
_FN_CB = "_synth_fn"

_fonts_ready = False


def _register_fonts() -> None:
    """Register Vera as a family, plus a copy whose cmap also maps U+F0B7 to the bullet.

    Mapping U+F0B7 makes the PDF's ToUnicode say U+F0B7, which is what pypdfium2 reports
    for Word's Symbol bullet, while the glyph drawn is Vera's ordinary bullet.
    """
    global _fonts_ready
    if _fonts_ready:
        return
    font_dir = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(font_dir, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(font_dir, "VeraBd.ttf")))
    sym = TTFont(FONT_SYMBOL, os.path.join(font_dir, "Vera.ttf"))
    # registerFont aliases fonts with the same face name, so rename the face first; the
    # embedded subset is then "XXXXXX+SynthSymbol", like Word's separate Symbol font.
    sym.face.name = type(sym.face.name)(b"SynthSymbol")
    sym.face.charToGlyph[0xF0B7] = sym.face.charToGlyph[0x2022]
    sym.face.charWidths[0xF0B7] = sym.face.charWidths[0x2022]
    pdfmetrics.registerFont(sym)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_ready = True


def _styles(hyphenate: bool) -> dict[str, ParagraphStyle]:
    """Paragraph styles mirroring the Word template (Verdana 10, justified, 6 pt after)."""
    hy = {"hyphenationLang": "nl_NL", "embeddedHyphenation": 1} if hyphenate else {"hyphenationLang": ""}
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=BODY_SIZE,
        leading=LEADING,
        alignment=TA_JUSTIFY,
        spaceAfter=PARA_AFTER,
        splitLongWords=1,
        bulletFontName=FONT,
        bulletFontSize=BODY_SIZE,
        **hy,
    )
    line = ParagraphStyle("line", parent=body, alignment=TA_LEFT, spaceAfter=0, hyphenationLang="")
    return {
        "body": body,
        "line": line,
        "line_bold": ParagraphStyle("line_bold", parent=line, fontName=FONT_BOLD),
        "caption": ParagraphStyle("caption", parent=body, alignment=TA_LEFT, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=line, fontSize=9, leading=11, splitLongWords=1),
        "cell_bold": ParagraphStyle("cell_bold", parent=line, fontName=FONT_BOLD, fontSize=9, leading=11),
        "footnote": ParagraphStyle(
            "footnote",
            fontName=FONT,
            fontSize=FN_SIZE,
            leading=FN_LEADING,
            alignment=TA_LEFT,
            splitLongWords=1,
        ),
    }


class _SpacedText(Flowable):
    """Left-aligned text that keeps runs of spaces ("Topic  -  Subtopic", "ANTWOORD ").

    Paragraph collapses whitespace; the real titles have doubled spaces around the dash
    and the real "ANTWOORD " a trailing space, so those lines are drawn verbatim.
    """

    def __init__(self, text: str, font: str, size: float, leading: float, space_after: float) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.leading = leading
        self.spaceAfter = space_after
        self._lines: list[str] = [text]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        tokens = re.split(r"( +)", self.text)
        lines: list[str] = []
        cur = ""
        for tok in tokens:
            if not tok:
                continue
            if tok.startswith(" ") or not cur.strip():
                cur += tok
                continue
            cand = cur + tok
            if pdfmetrics.stringWidth(cand, self.font, self.size) > availWidth and cur.strip():
                lines.append(cur.rstrip(" "))
                cur = tok
            else:
                cur = cand
        lines.append(cur)
        self._lines = lines
        self.width = availWidth
        self.height = len(lines) * self.leading
        return availWidth, self.height

    def draw(self) -> None:
        for i, ln in enumerate(self._lines):
            self.canv.setFont(self.font, self.size)
            self.canv.drawString(0, self.height - self.size - i * self.leading, ln)


def _footnote_ids(obj: Any) -> list[int]:
    """Footnote ids whose markers sit in a flowable (also in split parts, tables, groups)."""
    out: list[int] = []

    def walk(o: Any) -> None:
        if isinstance(o, (list, tuple)):
            for x in o:
                walk(x)
            return
        cb = getattr(o, "cbDefn", None)
        if cb is not None:
            if getattr(cb, "name", None) == _FN_CB:
                out.append(int(cb.label))
            return
        if isinstance(o, Paragraph):
            walk(o.frags)
        elif isinstance(o, Table):
            walk(o._cellvalues)
        elif isinstance(getattr(o, "_content", None), list):
            walk(o._content)

    walk(obj)
    return out


class _FootnoteFrame(Frame):
    """A frame whose usable bottom rises by the height of the footnotes placed on its page."""

    def __init__(self, doc: _SynthDoc, *args: Any, **kwargs: Any) -> None:
        self.__dict__["_fn_reserved"] = 0.0
        self.__dict__["_fn_doc"] = doc
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> _FootnoteFrame:
        """KeepTogether deep-copies the frame; share the doc (it holds the canvas)."""
        new = self.__class__.__new__(self.__class__)
        state = {k: v for k, v in self.__dict__.items() if k != "_fn_doc"}
        new.__dict__.update(copy.deepcopy(state, memo))
        new.__dict__["_fn_doc"] = self._fn_doc
        return new

    def _geom(self) -> None:
        super()._geom()
        reserved = self.__dict__.get("_fn_reserved", 0.0)
        self._y1p += reserved
        self._aH -= reserved

    def _reserve(self, height: float) -> None:
        self.__dict__["_fn_reserved"] = height
        self._geom()

    def _reset(self) -> None:
        self.__dict__["_fn_reserved"] = 0.0
        super()._reset()
        self._geom()

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        doc = self._fn_doc
        new = [i for i in _footnote_ids(flowable) if i not in doc.fn_placed]
        if not new:
            return super().add(flowable, canv, trySplit)
        self._reserve(doc.fn_area(doc.page_fns + new))
        ok = super().add(flowable, canv, trySplit)
        if ok:
            doc.page_fns.extend(new)
            doc.fn_placed.update(new)
        else:
            self._reserve(doc.fn_area(doc.page_fns))
        return ok

    def split(self, flowable: Flowable, canv: Canvas) -> list[Flowable]:
        """Split so that the first part plus the footnotes it carries fit on this page."""
        doc = self._fn_doc
        new = [i for i in _footnote_ids(flowable) if i not in doc.fn_placed]
        if not new:
            return super().split(flowable, canv)
        try:
            for k in range(len(new) + 1):
                self._reserve(doc.fn_area(doc.page_fns + new[:k]))
                parts = super().split(flowable, canv)
                if not parts:
                    return []
                first = [i for i in _footnote_ids(parts[0]) if i not in doc.fn_placed]
                if len(first) <= k:
                    return parts
            return []
        finally:
            self._reserve(doc.fn_area(doc.page_fns))


class _SynthDoc(BaseDocTemplate):
    """Doc template holding the page's footnotes and drawing them and the running header."""

    def __init__(
        self,
        filename: str,
        styles: dict[str, ParagraphStyle],
        furn: dict[str, Any],
        footnotes: list[Footnote],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filename,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            invariant=1,
            initialFontName=FONT,
            initialFontSize=BODY_SIZE,
            **kwargs,
        )
        self.styles = styles
        self.furn = furn
        self.footnotes = footnotes
        self.page_fns: list[int] = []
        self.fn_placed: set[int] = set()
        self._fn_heights: dict[int, float] = {}
        frame = _FootnoteFrame(
            self,
            MARGIN,
            MARGIN,
            TEXT_W,
            PAGE_H - 2 * MARGIN,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates(
            [PageTemplate(id="page", frames=[frame], onPage=self._page_start, onPageEnd=self._page_end)]
        )

    def _fn_para(self, fid: int) -> Paragraph:
        fn = self.footnotes[fid]
        return Paragraph(f"{escape(fn.label)} {escape(fn.body)}", self.styles["footnote"])

    def _fn_height(self, fid: int) -> float:
        if fid not in self._fn_heights:
            self._fn_heights[fid] = self._fn_para(fid).wrap(TEXT_W, PAGE_H)[1]
        return self._fn_heights[fid]

    def fn_area(self, ids: list[int]) -> float:
        """Height taken at the page bottom by these footnotes, rule and gaps included."""
        if not ids:
            return 0.0
        return FN_GAP_ABOVE + FN_GAP_BELOW + sum(self._fn_height(i) for i in ids)

    def handle_pageBegin(self) -> None:
        self.page_fns = []
        super().handle_pageBegin()

    def _page_start(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.setNamedCB(_FN_CB, _noop_cb)
        header = self.furn.get("running_header")
        if header and canv.getPageNumber() > 1:
            y = PAGE_H - 1.25 * cm - FURN_SIZE
            canv.saveState()
            canv.setFont(FONT, FURN_SIZE)
            canv.drawString(MARGIN, y, header)
            canv.setLineWidth(0.5)
            canv.line(MARGIN, y - 3, PAGE_W - MARGIN, y - 3)
            canv.restoreState()

    def _page_end(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if not self.page_fns:
            return
        y = MARGIN + self.fn_area(self.page_fns) - FN_GAP_ABOVE
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.line(MARGIN, y, MARGIN + FN_RULE, y)
        y -= FN_GAP_BELOW
        for fid in self.page_fns:
            para = self._fn_para(fid)
            _, h = para.wrap(TEXT_W, PAGE_H)
            para.drawOn(canv, MARGIN, y - h)
            y -= h
        canv.restoreState()


def _noop_cb(canv: Canvas, kind: str, label: str | None) -> None:
    """Marker callback: footnote placement is decided at layout time, nothing to draw."""


class _NumberedCanvas(Canvas):
    """Canvas that stamps page numbers once the page count is known ("Pagina 2 van 4")."""

    page_numbers: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pending.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pending)
        for state in self._pending:
            self.__dict__.update(state)
            self._stamp(total)
            super().showPage()
        super().save()

    def _stamp(self, total: int) -> None:
        mode = self.page_numbers
        if not mode:
            return
        n = self.getPageNumber()
        self.saveState()
        self.setFont(FONT, 9)
        y = 1.25 * cm
        if mode == "of":
            self.drawRightString(PAGE_W - MARGIN, y, f"Pagina {n} van {total}")
        else:
            self.drawCentredString(PAGE_W / 2, y, str(n))
        self.restoreState()


class _Builder:
    """Turns a spec into flowables; collects footnote bodies in document order."""

    text_w: float = TEXT_W  # width tables are fitted to (a bulletin's column is narrower)

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.st = _styles(bool(spec.get("hyphenate")))
        self.footnotes: list[Footnote] = []

    def markup(self, text: str, size: float = BODY_SIZE) -> str:
        """Paragraph markup; a footnote becomes a raised marker plus an invisible callback tag.

        The marker is 65 % of the text size raised 30 %: close to Word's superscript, and
        small enough a rise that pypdfium2 keeps it on the word's line ("leakage1 en").
        """
        parts: list[str] = []
        for seg in parse_inline(text):
            if isinstance(seg, Footnote):
                fid = len(self.footnotes)
                self.footnotes.append(seg)
                parts.append(
                    f'<super rise="{0.3 * size:g}" size="{0.65 * size:g}">{escape(seg.label)}</super>'
                    f'<onDraw name="{_FN_CB}" label="{fid}"/>'
                )
            else:
                parts.append(escape(seg))
        return "".join(parts)

    def line(self, text: str, bold: bool = False) -> Paragraph:
        return Paragraph(escape(text), self.st["line_bold" if bold else "line"])

    def para(self, text: str, bullet: str | None = None, prefix: str = "", **over: Any) -> Paragraph:
        style = self.st["body"]
        if over:
            style = ParagraphStyle("body_variant", parent=style, **over)
        return Paragraph(prefix + self.markup(text), style, bulletText=bullet)

    def blank(self) -> Spacer:
        return Spacer(1, LEADING)

    def blocks(self, blocks: list[Any]) -> list[Flowable]:
        out: list[Flowable] = []
        for block in blocks:
            kind = block_kind(block)
            if kind == "para":
                out.append(self.para(block))
            elif kind == "item":
                out.extend(self.item(block))
            elif kind == "bullets":
                out.extend(self.bullets(block))
            else:
                out.extend(self.table(block))
        return out

    def item(self, block: dict[str, Any]) -> list[Flowable]:
        label = str(block["label"])
        step = 1 if is_lettered(label) else 0
        indent = {"bulletIndent": step * INDENT, "leftIndent": (step + 1) * INDENT}
        text = block.get("text") or ""
        # own_line: Word's label, a manual line break, then the text at the hanging indent.
        prefix = "<br/>" if block.get("own_line") else ""
        return [self.para(text, bullet=label, prefix=prefix, **indent)]

    def bullets(self, block: dict[str, Any]) -> list[Flowable]:
        dash = bool(block.get("dash"))
        items = list(block["bullets"])
        out: list[Flowable] = []
        for n, text in enumerate(items):
            out.append(
                self.para(
                    text,
                    bulletIndent=INDENT,
                    leftIndent=2 * INDENT,
                    bulletFontName=FONT if dash else FONT_SYMBOL,
                    spaceAfter=PARA_AFTER if n == len(items) - 1 else 0,
                    bullet="-" if dash else BULLET_PUA,
                )
            )
        return out

    def table(self, block: dict[str, Any]) -> list[Flowable]:
        rows = [[str(c) for c in row] for row in block["table"]]
        ncols = max(len(r) for r in rows)
        rows = [r + [""] * (ncols - len(r)) for r in rows]
        header_rows = int(block.get("header_rows", 1))
        data = [
            [Paragraph(self.markup(c, size=9), self.st["cell_bold" if i < header_rows else "cell"]) for c in r]
            for i, r in enumerate(rows)
        ]
        table = Table(data, colWidths=_col_widths(rows, self.text_w), repeatRows=header_rows, hAlign="LEFT")
        # Merged cells: [first col, first row, last col, last row], as Word's "merge cells".
        spans = [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in block.get("spans", [])]
        table.setStyle(
            TableStyle(
                spans + [
                    ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                    ("FONT", (0, 0), (-1, -1), FONT, 9),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        table.spaceAfter = PARA_AFTER + 4
        # Word keeps a caption with the first rows only (not with the whole table): break
        # the page early if the caption and a few rows would not fit, else let it split.
        out: list[Flowable] = [CondPageBreak(LEADING + 3 * 14.0)]
        caption = Paragraph(self.markup(block["caption"]), self.st["caption"]) if block.get("caption") else None
        if caption and block.get("caption_below"):  # Word documents often caption under the table
            table.spaceAfter = 3
            caption.style = ParagraphStyle("caption_below", parent=self.st["caption"], spaceAfter=PARA_AFTER + 4)
            return [*out, table, caption]
        if caption:
            out.append(caption)
        if block.get("break_before_table"):  # Word without "keep with next": the page breaks between lead or caption and table
            out = [f for f in out if not isinstance(f, CondPageBreak)] + [PageBreak()]
        out.append(table)
        return out

    def build(self) -> list[Flowable]:
        s = self.spec
        out: list[Flowable] = []
        if s.get("header", True):
            out += [
                self.line("SCHRIFTELIJKE VRAAG", bold=True),
                self.line(f"nr. {s['number']}", bold=True),
                self.line(f"van {s['asker']}"),
                self.line(f"datum: {s['date_text']}"),
                self.line(f"aan {s['minister']}"),
                self.line(s["minister_title"]),
                self.blank(),
            ]
        out.append(_SpacedText(s["title"], FONT_BOLD, BODY_SIZE, LEADING, LEADING))
        out += self.blocks(s.get("question") or [])
        if s.get("ministers_footer"):
            out.append(self.para(s["ministers_footer"]))
        if s.get("answer") is not None:
            out += [
                PageBreak(),
                self.line(s["minister"], bold=True),
                self.line(s["minister_title"]),
                self.blank(),
                _SpacedText("ANTWOORD ", FONT_BOLD, BODY_SIZE, LEADING, 0),
                self.line(f"op vraag nr. {s['number']} van {s['date_text']}"),
                self.line(f"van {s['asker']}"),
                self.blank(),
            ]
            out += self.blocks(s["answer"])
        if s.get("annexes"):
            out.append(Spacer(1, PARA_AFTER))
            out.append(
                Paragraph(
                    escape(s.get("annex_heading") or "BIJLAGE"),
                    ParagraphStyle("annex_h", parent=self.st["line_bold"], spaceAfter=PARA_AFTER),
                )
            )
            out += [
                Paragraph(escape(a), ParagraphStyle("annex", parent=self.st["line"], spaceAfter=PARA_AFTER))
                for a in s["annexes"]
            ]
        return out


def _col_widths(rows: list[list[str]], text_w: float = TEXT_W) -> list[float]:
    """Column widths like Word's "autofit to window": natural widths scaled to the text width."""
    pad = 14.0  # 2 x 5 pt cell padding plus slack so a value that fits is not wrapped
    ncols = len(rows[0])
    nat = []
    for c in range(ncols):
        w = max(pdfmetrics.stringWidth(r[c], FONT_BOLD if i == 0 else FONT, 9) for i, r in enumerate(rows))
        nat.append(max(w + pad, 30.0))
    if sum(nat) <= text_w:
        return [w * text_w / sum(nat) for w in nat]
    fair = text_w / ncols
    small = [w for w in nat if w <= fair]
    rest = text_w - sum(small)
    big = sum(w for w in nat if w > fair)
    return [w if w <= fair else w * rest / big for w in nat]


def render_reportlab(spec: dict[str, Any], out_pdf: pathlib.Path) -> None:
    """Render a spec to PDF with reportlab (deterministic: invariant=1, no timestamps)."""
    _register_fonts()
    if spec.get("hyphenate") and importlib.util.find_spec("pyphen") is None:
        warnings.warn("hyphenate: true needs the pyphen package; rendering without hyphenation", stacklevel=2)
    builder = _Builder(spec)
    flowables = builder.build()
    furn = furniture(spec)
    canvas_cls = type("_Canvas", (_NumberedCanvas,), {"page_numbers": furn["page_numbers"]})
    doc = _SynthDoc(
        str(out_pdf),
        builder.st,
        furn,
        builder.footnotes,
        title=spec.get("title", ""),
        author="",
        creator="tests.synth (reportlab)",
        subject="",
    )
    doc.build(flowables, canvasmaker=canvas_cls)
