"""Bulletin renderer: a pre-2009 "Bulletin van Vragen en Antwoorden", many questions in one PDF.

Cover, table of contents (dot leaders, real page numbers: the document is laid out twice,
the first pass records where each section starts), minister sections, questions with
their answers, and a section of questions not answered in time. One column, or two
(`"columns": 2`): each page then holds two `Frame`s; a full-width element (the section
heading, a `"wide": true` table) starts a page whose template has a full-width frame above
the columns, sized to that element.
"""

from __future__ import annotations

import pathlib
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from tests.synth.layout_reportlab import FONT, FONT_BOLD, _Builder, _register_fonts

PAGE_W, PAGE_H = A4
SIDE = 2.0 * cm
TOP = 2.2 * cm
BOTTOM = 2.0 * cm
GUTTER = 0.8 * cm
TEXT_W = PAGE_W - 2 * SIDE
COL_W = (TEXT_W - GUTTER) / 2
HEADER_SIZE = 7.5
ANSWERED_HEADING = "I. VRAGEN VAN DE VLAAMSE VOLKSVERTEGENWOORDIGERS EN ANTWOORDEN VAN DE MINISTERS"
UNANSWERED_HEADING = "II. VRAGEN WAAROP NIET WERD GEANTWOORD BINNEN DE REGLEMENTAIRE TERMIJN"


def _sized(styles: dict[str, ParagraphStyle], size: float, leading: float) -> dict[str, ParagraphStyle]:
    """The single-question styles at the bulletin's smaller body size (cells one point less)."""
    out = {}
    for name, st in styles.items():
        small = name.startswith("cell")
        out[name] = ParagraphStyle(
            f"b_{name}", parent=st, fontSize=size - small, leading=leading - small, bulletFontSize=size - small
        )
    return out


class _Marker(Flowable):
    """Zero-size flowable that records the page it lands on (for the table of contents)."""

    def __init__(self, key: str, seen: dict[str, int]) -> None:
        super().__init__()
        self.key, self.seen = key, seen
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.seen.setdefault(self.key, self.canv.getPageNumber())


class _BulletinBuilder(_Builder):
    """Flowables of a bulletin; tables get the column's width, not the page's."""

    def __init__(self, spec: dict[str, Any], toc_pages: dict[str, int], seen: dict[str, int]) -> None:
        super().__init__(spec)
        self.cols = int(spec.get("columns", 1))
        size, leading = (9.0, 11.0) if self.cols == 2 else (10.0, 12.15)
        self.st = _sized(self.st, size, leading)
        self.size = size
        self.text_w = COL_W if self.cols == 2 else TEXT_W
        self.toc_pages, self.seen = toc_pages, seen
        self.wide: list[list[Flowable]] = []  # full-width top frames, one page template each
        self.st["heading"] = ParagraphStyle("heading", parent=self.st["line_bold"], fontSize=size + 1, leading=size + 4, spaceAfter=8)
        self.st["minister"] = ParagraphStyle("minister", parent=self.st["line_bold"], spaceBefore=6)
        self.st["minister_title"] = ParagraphStyle("minister_title", parent=self.st["line"], spaceAfter=8)
        self.st["opener"] = ParagraphStyle("opener", parent=self.st["line_bold"], spaceBefore=8, spaceAfter=2)
        self.st["title"] = ParagraphStyle("title", parent=self.st["line_bold"], spaceAfter=6)
        self.st["antwoord"] = ParagraphStyle("antwoord", parent=self.st["line_bold"], spaceBefore=4, spaceAfter=4)

    def table(self, block: dict[str, Any]) -> list[Flowable]:
        wide = self.cols == 2 and bool(block.get("wide"))
        self.text_w = TEXT_W if wide or self.cols == 1 else COL_W
        out = super().table(block)
        if wide:
            return self._full_width([f for f in out if not isinstance(f, CondPageBreak)])
        return out

    def _full_width(self, flowables: list[Flowable]) -> list[Flowable]:
        """A new page whose template has a frame of exactly this height above the two columns."""
        self.wide.append(flowables)
        return [NextPageTemplate(f"wide{len(self.wide) - 1}"), PageBreak(), *flowables, FrameBreak()]

    def cover(self) -> list[Flowable]:
        s = self.spec
        big = ParagraphStyle("cover", fontName=FONT_BOLD, fontSize=20, leading=26, alignment=TA_CENTER, spaceAfter=18)
        mid = ParagraphStyle("cover_mid", parent=big, fontName=FONT, fontSize=14, leading=18)
        return [
            Spacer(1, 3 * cm),
            Paragraph(escape(f"Nr. {s['number']}"), mid),
            Spacer(1, 1.5 * cm),
            Paragraph("VLAAMS PARLEMENT", big),
            Paragraph(escape(f"Zitting {s['session']}"), mid),
            Paragraph(escape(s["date_text"]), mid),
            Spacer(1, 2 * cm),
            Paragraph("BULLETIN VAN VRAGEN EN ANTWOORDEN", big),
            NextPageTemplate("one"),
            PageBreak(),
        ]

    def toc(self) -> list[Flowable]:
        """"INHOUD": the two parts and every minister, dot leaders to the page number."""
        st = ParagraphStyle("toc", parent=self.st["line"], fontSize=10, leading=15, alignment=TA_LEFT)
        out: list[Flowable] = [Paragraph("INHOUD", ParagraphStyle("toc_h", parent=st, fontName=FONT_BOLD, fontSize=12, spaceAfter=12))]
        entries: list[tuple[str, str, float]] = [("I", "I. Vragen van de Vlaamse volksvertegenwoordigers en antwoorden van de ministers", 0)]
        for k, sec in enumerate(self.spec["sections"]):
            entries.append((f"S{k}", _name_case(sec["minister"]), 0.5 * cm))
        if self.spec.get("unanswered"):
            entries.append(("II", "II. Vragen waarop niet werd geantwoord binnen de reglementaire termijn", 0))
            for k, sec in enumerate(self.spec["unanswered"]):
                entries.append((f"U{k}", _name_case(sec["minister"]), 0.5 * cm))
        for key, text, indent in entries:
            page = str(self.toc_pages.get(key, 0))
            room = TEXT_W - indent - pdfmetrics.stringWidth(f"{text}  {page}", FONT, 10)
            dots = "." * max(3, int(room / pdfmetrics.stringWidth(".", FONT, 10)) - 1)
            out.append(Paragraph(escape(f"{text} {dots} {page}"), ParagraphStyle("toc_e", parent=st, leftIndent=indent)))
        return out

    def heading(self, key: str, text: str) -> list[Flowable]:
        """A part heading: full width above the columns (two columns) or a plain bold line."""
        flow: list[Flowable] = [_Marker(key, self.seen), Paragraph(escape(text), self.st["heading"])]
        if self.cols == 2:
            return self._full_width(flow)
        return [PageBreak(), *flow]

    def section(self, key: str, sec: dict[str, Any], answered: bool) -> list[Flowable]:
        out: list[Flowable] = [
            CondPageBreak(6 * self.size * 1.3),
            _Marker(key, self.seen),
        ]
        if sec.get("one_line"):  # "HILDE CREVITS, VLAAMS MINISTER VAN ...": name and title in one paragraph
            style = ParagraphStyle("minister_one", parent=self.st["minister"], spaceAfter=8)
            out.append(Paragraph(escape(f"{sec['minister']}, {sec['minister_title']}"), style))
        else:
            out.append(Paragraph(escape(sec["minister"]), self.st["minister"]))
            out.append(Paragraph(escape(sec["minister_title"]), self.st["minister_title"]))
        for q in sec["questions"]:
            opener = f"Vraag nr. {q['number']} van {q['date_text']} van {q['asker']}"
            head = [Paragraph(escape(opener), self.st["opener"]), Paragraph(escape(q["title"]), self.st["title"])]
            out.append(KeepTogether(head))
            out += self.blocks(q["question"])
            if answered:
                out.append(Paragraph("Antwoord", self.st["antwoord"]))
                out += self.blocks(q["answer"])
        return out

    def build(self) -> list[Flowable]:
        out = self.cover() + self.toc()
        out += self.heading("I", ANSWERED_HEADING)
        for k, sec in enumerate(self.spec["sections"]):
            out += self.section(f"S{k}", sec, answered=True)
        if self.spec.get("unanswered"):
            out += self.heading("II", UNANSWERED_HEADING)
            for k, sec in enumerate(self.spec["unanswered"]):
                out += self.section(f"U{k}", sec, answered=False)
        return out


def _name_case(name: str) -> str:
    """ "FRANK VANDENBROUCKE" -> "Frank Vandenbroucke", as the contents print it."""
    return " ".join(w.capitalize() for w in name.split())


class _BulletinDoc(BaseDocTemplate):
    def __init__(self, filename: str, spec: dict[str, Any], wide: list[list[Flowable]], **kwargs: Any) -> None:
        super().__init__(
            filename, pagesize=A4, leftMargin=SIDE, rightMargin=SIDE, topMargin=TOP, bottomMargin=BOTTOM,
            invariant=1, initialFontName=FONT, **kwargs,
        )
        self.spec = spec
        body_h = PAGE_H - TOP - BOTTOM
        pad = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
        one = Frame(SIDE, BOTTOM, TEXT_W, body_h, id="one", **pad)
        templates = [
            PageTemplate(id="cover", frames=[Frame(SIDE, BOTTOM, TEXT_W, body_h, id="cover", **pad)]),
            PageTemplate(id="one", frames=[one], onPage=self._furniture),
        ]
        cols = int(spec.get("columns", 1))
        if cols == 2:
            templates.append(PageTemplate(id="two", frames=self._columns(body_h), onPage=self._furniture))
            for k, flows in enumerate(wide):
                h = sum(f.wrap(TEXT_W, body_h)[1] + f.getSpaceAfter() + f.getSpaceBefore() for f in flows) + 6
                top = Frame(SIDE, BOTTOM + body_h - h, TEXT_W, h, id=f"wide{k}", **pad)
                templates.append(
                    PageTemplate(id=f"wide{k}", frames=[top, *self._columns(body_h - h - 8)], onPage=self._furniture, autoNextPageTemplate="two")
                )
        else:
            templates[1].autoNextPageTemplate = "one"
        self.addPageTemplates(templates)

    @staticmethod
    def _columns(height: float) -> list[Frame]:
        pad = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
        return [
            Frame(SIDE, BOTTOM, COL_W, height, id="left", **pad),
            Frame(SIDE + COL_W + GUTTER, BOTTOM, COL_W, height, id="right", **pad),
        ]

    def _furniture(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Running header with the page number in it ("... - April 2006 -3-"), even pages mirrored."""
        n = canv.getPageNumber()
        header = self.spec["running_header"]
        y = PAGE_H - 1.3 * cm
        canv.saveState()
        canv.setFont(FONT, HEADER_SIZE)
        if n % 2:
            canv.drawRightString(PAGE_W - SIDE, y, f"{header} -{n}-")
        else:
            canv.drawString(SIDE, y, f"-{n}- {header}")
        canv.setLineWidth(0.4)
        canv.line(SIDE, y - 3, PAGE_W - SIDE, y - 3)
        if self.spec.get("page_numbers") == "bottom":
            canv.setFont(FONT, 8)
            canv.drawCentredString(PAGE_W / 2, 1.0 * cm, str(n))
        canv.restoreState()


def render_bulletin(spec: dict[str, Any], out_pdf: pathlib.Path) -> None:
    """Lay the bulletin out twice: the first pass finds the pages the contents point to."""
    _register_fonts()
    toc: dict[str, int] = {}
    for _ in range(2):
        seen: dict[str, int] = {}
        builder = _BulletinBuilder(spec, toc, seen)
        flowables = builder.build()
        doc = _BulletinDoc(str(out_pdf), spec, builder.wide, title=f"Bulletin nr. {spec['number']}", author="", creator="tests.synth (reportlab)", subject="")
        doc.build(flowables)
        if seen == toc:
            break
        toc = seen
