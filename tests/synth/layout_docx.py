"""python-docx + LibreOffice renderer: a real .docx (Word structures) exported to PDF.

This path exercises what reportlab cannot imitate: Word numbering with Symbol-font
bullets, real footnotes laid out by a word processor, fields for page numbers, tables
split by the layout engine. python-docx has no footnote API, so the footnotes part is
written as raw WordprocessingML and related to the main document part.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile
import warnings
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from tests.synth import (
    Footnote,
    SofficeMissingError,
    block_kind,
    furniture,
    is_lettered,
    parse_inline,
)

FONT = "Verdana"
BODY_PT = 10
INDENT = Cm(0.63)
_W = nsdecls("w")
_BULLET_NUM_ID = 901
_DASH_NUM_ID = 902


def find_soffice() -> str | None:
    """Path of the LibreOffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run_props(bold: bool = False, size: float | None = None, superscript: bool = False) -> str:
    props = []
    if bold:
        props.append("<w:b/><w:bCs/>")
    if superscript:
        props.append('<w:vertAlign w:val="superscript"/>')
    if size:
        props.append(f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>')
    return f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""


def _text_run(text: str, **props: Any) -> str:
    return f'<w:r>{_run_props(**props)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


class _Builder:
    """Builds the .docx for one spec; footnotes are collected and written as their own part."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.doc: DocxDocument = Document()
        self.footnotes: list[Footnote] = []
        self._setup()

    # -- document setup -------------------------------------------------------------
    def _setup(self) -> None:
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.5)
        sec.header_distance = sec.footer_distance = Cm(1.25)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        rpr = normal.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
        rpr.append(parse_xml(f'<w:lang {_W} w:val="nl-BE" w:eastAsia="nl-BE" w:bidi="ar-SA"/>'))
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(6)
        pf.line_spacing = 1.0
        core = self.doc.core_properties
        core.author = ""
        core.last_modified_by = ""
        core.title = self.spec.get("title", "")
        self._add_numbering()
        self._add_footnote_styles()

    def _add_footnote_styles(self) -> None:
        """Word's "footnote text" style (absent from python-docx's template).

        No "footnote reference" style on purpose: LibreOffice would also apply it to the
        number in the footnote area, which Word's output shows in body size ("1 text").
        """
        styles = self.doc.styles.element
        styles.append(
            parse_xml(
                f'<w:style {_W} w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
                f'<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                f'<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr>'
                f'<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>'
            )
        )

    def _add_numbering(self) -> None:
        """Word-style bullet definitions: Symbol U+F0B7 and a plain dash."""
        numbering = self.doc.part.numbering_part.element
        defs = [
            (_BULLET_NUM_ID, "\uf0b7", '<w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/>'),
            (_DASH_NUM_ID, "-", f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:hint="default"/>'),
        ]
        first_num = numbering.find(qn("w:num"))
        for num_id, glyph, rfonts in defs:
            absn = parse_xml(
                f'<w:abstractNum {_W} w:abstractNumId="{num_id}"><w:multiLevelType w:val="hybridMultilevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
                f'<w:lvlText w:val="{glyph}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr>{rfonts}</w:rPr></w:lvl>'
                f"</w:abstractNum>"
            )
            if first_num is not None:
                first_num.addprevious(absn)
            else:
                numbering.append(absn)
            numbering.append(parse_xml(f'<w:num {_W} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))

    # -- paragraphs -----------------------------------------------------------------
    def paragraph(
        self,
        text: str = "",
        *,
        bold: bool = False,
        justify: bool = True,
        space_after: float = 6,
        left: Cm | None = None,
        hanging: Cm | None = None,
        prefix_xml: str = "",
        keep_next: bool = False,
        page_break: bool = False,
        footnotes: bool = True,
    ) -> Paragraph:
        """One Word paragraph; inline `[^N: ...]` become real footnote references."""
        p = self.doc.add_paragraph()
        pf = p.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if justify else WD_ALIGN_PARAGRAPH.LEFT
        pf.space_after = Pt(space_after)
        if left is not None:
            pf.left_indent = left
        if hanging is not None:
            pf.first_line_indent = -hanging
        if keep_next:
            pf.keep_with_next = True
        if page_break:
            pf.page_break_before = True
        _append_xml(p, prefix_xml + self.runs(text, bold=bold, footnotes=footnotes))
        return p

    def runs(self, text: str, *, bold: bool = False, size: float | None = None, footnotes: bool = True) -> str:
        """Run XML for text whose inline `[^N: ...]` become footnote references."""
        out = []
        for seg in parse_inline(text) if footnotes else [text]:
            if isinstance(seg, Footnote):
                out.append(self._footnote_ref(seg))
            elif seg:
                out.append(_text_run(seg, bold=bold, size=size))
        return "".join(out)

    def _footnote_ref(self, fn: Footnote) -> str:
        """A real footnote reference; LibreOffice/Word number the footnotes themselves."""
        self.footnotes.append(fn)
        fid = len(self.footnotes)
        return f'<w:r>{_run_props(superscript=True)}<w:footnoteReference w:id="{fid}"/></w:r>'

    def line(self, text: str, bold: bool = False, **kw: Any) -> Paragraph:
        return self.paragraph(
            text, bold=bold, justify=False, space_after=kw.pop("space_after", 0), footnotes=False, **kw
        )

    def blank(self) -> Paragraph:
        return self.line("")

    # -- blocks ---------------------------------------------------------------------
    def blocks(self, blocks: list[Any]) -> None:
        for block in blocks:
            kind = block_kind(block)
            if kind == "para":
                self.paragraph(block)
            elif kind == "item":
                self.item(block)
            elif kind == "bullets":
                self.bullets(block)
            else:
                self.table(block)

    def item(self, block: dict[str, Any]) -> None:
        """Label, tab, text with a hanging indent (own_line: label, line break, text)."""
        label = str(block["label"])
        step = 1 if is_lettered(label) else 0
        if block.get("own_line"):
            sep = "<w:r><w:br/></w:r>"
        elif len(label) <= 3:
            sep = "<w:r><w:tab/></w:r>"
        else:
            sep = _text_run(" ")  # "8, 9." is wider than the indent: typed with a space
        left = Cm(0.63 * (step + 1))
        prefix = _text_run(label) + sep
        p = self.paragraph(block.get("text") or "", left=left, hanging=INDENT, prefix_xml=prefix)
        p.paragraph_format.tab_stops.add_tab_stop(left)

    def bullets(self, block: dict[str, Any]) -> None:
        num_id = _DASH_NUM_ID if block.get("dash") else _BULLET_NUM_ID
        items = list(block["bullets"])
        for n, text in enumerate(items):
            p = self.paragraph(text, space_after=6 if n == len(items) - 1 else 0)
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {_W}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
            )

    def table(self, block: dict[str, Any]) -> None:
        rows = [[str(c) for c in row] for row in block["table"]]
        ncols = max(len(r) for r in rows)
        rows = [r + [""] * (ncols - len(r)) for r in rows]
        below = bool(block.get("caption_below"))
        if block.get("caption") and not below:
            self.paragraph(block["caption"], justify=False, space_after=3, keep_next=True)
        table = self.doc.add_table(rows=len(rows), cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        widths = _col_widths(rows)
        for c, w in enumerate(widths):
            table.columns[c].width = w
        for r, row in enumerate(rows):
            tr = table.rows[r]
            if r == 0:
                tr._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {_W}/>"))
            for c, value in enumerate(row):
                cell = tr.cells[c]
                cell.width = widths[c]
                p = cell.paragraphs[0]
                p.paragraph_format.space_before = Pt(1)
                p.paragraph_format.space_after = Pt(1)
                p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
                _append_xml(p, self.runs(value, bold=r == 0, size=9))
        if block.get("caption") and below:  # Word's habit: "Tabel 4-1: ..." under the table
            self.paragraph(block["caption"], justify=False, space_after=6)
        else:
            self.line("", space_after=0)  # Word always has a paragraph after a table

    # -- furniture --------------------------------------------------------------------
    def furniture(self) -> None:
        furn = furniture(self.spec)
        sec = self.doc.sections[0]
        if furn.get("running_header"):
            sec.different_first_page_header_footer = True
            hp = sec.header.paragraphs[0]
            hp.paragraph_format.space_after = Pt(0)
            run = hp.add_run(furn["running_header"])
            run.font.size = Pt(8)
            hp._p.get_or_add_pPr().append(
                parse_xml(f'<w:pBdr {_W}><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>')
            )
        mode = furn.get("page_numbers")
        footers = [sec.footer] + ([sec.first_page_footer] if sec.different_first_page_header_footer else [])
        for footer in footers:
            fp = footer.paragraphs[0]
            if not mode:
                continue
            fp.paragraph_format.space_after = Pt(0)
            if mode == "of":
                fp.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                xml = _text_run("Pagina ", size=9) + _field("PAGE") + _text_run(" van ", size=9) + _field("NUMPAGES")
            else:
                fp.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
                xml = _field("PAGE")
            _append_xml(fp, xml)

    def write_footnotes(self) -> None:
        """Add word/footnotes.xml (separators + bodies "N text" in 8 pt) and relate it."""
        if not self.footnotes:
            return
        labels = [fn.label for fn in self.footnotes]
        if labels != [str(n) for n in range(1, len(labels) + 1)]:
            warnings.warn(f"docx renderer numbers footnotes 1..n; spec labels {labels} are not printed", stacklevel=2)
        body_ppr = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        text_ppr = '<w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        notes = [
            f'<w:footnote w:type="separator" w:id="-1"><w:p>{body_ppr}<w:r><w:separator/></w:r></w:p></w:footnote>',
            f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p>{body_ppr}'
            f"<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>",
        ]
        for n, fn in enumerate(self.footnotes, start=1):
            # Number in body size, then a space: extracted as "1 body", like Word's output.
            mark = f"<w:r>{_run_props(size=8)}<w:footnoteRef/></w:r>"
            notes.append(
                f'<w:footnote w:id="{n}"><w:p>{text_ppr}{mark}{_text_run(" " + fn.body, size=8)}</w:p></w:footnote>'
            )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:footnotes {nsdecls('w', 'r')}>{''.join(notes)}</w:footnotes>"
        )
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)

    # -- whole document ---------------------------------------------------------------
    def build(self) -> DocxDocument:
        s = self.spec
        # Document() starts with no paragraph; everything is appended in reading order.
        if s.get("header", True):
            self.line("SCHRIFTELIJKE VRAAG", bold=True)
            self.line(f"nr. {s['number']}", bold=True)
            self.line(f"van {s['asker']}")
            self.line(f"datum: {s['date_text']}")
            self.line(f"aan {s['minister']}")
            self.line(s["minister_title"])
            self.blank()
        self.line(s["title"], bold=True, space_after=12)
        self.blocks(s.get("question") or [])
        if s.get("ministers_footer"):
            self.paragraph(s["ministers_footer"])
        if s.get("answer") is not None:
            self.line(s["minister"], bold=True, page_break=True)
            self.line(s["minister_title"])
            self.blank()
            self.line("ANTWOORD ", bold=True)
            self.line(f"op vraag nr. {s['number']} van {s['date_text']}")
            self.line(f"van {s['asker']}")
            self.blank()
            self.blocks(s["answer"])
        if s.get("annexes"):
            self.line(s.get("annex_heading") or "BIJLAGE", bold=True, space_after=6)
            for annex in s["annexes"]:
                self.line(annex, space_after=6)
        self.furniture()
        self.write_footnotes()
        return self.doc


def _append_xml(p: Paragraph, xml: str) -> None:
    """Append raw run XML (one or more elements) to a paragraph."""
    if xml:
        for el in list(parse_xml(f"<w:wrap {_W}>{xml}</w:wrap>")):
            p._p.append(el)


def _field(instr: str) -> str:
    """A complex field (PAGE, NUMPAGES) as Word writes it."""
    rpr = _run_props(size=9)
    return (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{rpr}<w:t>1</w:t></w:r>"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def _col_widths(rows: list[list[str]]) -> list[Cm]:
    """Column widths from the longest cell text, scaled to the 16 cm text width."""
    text_w = 16.0
    # ~0.21 cm per 9 pt Verdana character plus Word's 2 x 0.19 cm cell margins and slack.
    nat = [max(len(r[c]) for r in rows) * 0.21 + 0.6 for c in range(len(rows[0]))]
    if sum(nat) <= text_w:
        return [Cm(w * text_w / sum(nat)) for w in nat]
    fair = text_w / len(nat)
    small = sum(w for w in nat if w <= fair)
    big = sum(w for w in nat if w > fair)
    return [Cm(w if w <= fair else w * (text_w - small) / big) for w in nat]


def build_docx(spec: dict[str, Any], out_docx: pathlib.Path) -> None:
    """Write the .docx for a spec (no LibreOffice needed)."""
    _Builder(spec).build().save(str(out_docx))


def convert_to_pdf(docx_files: list[pathlib.Path], out_dir: pathlib.Path, timeout: float = 600) -> None:
    """Convert .docx files to PDF in one LibreOffice run (start-up dominates the cost).

    A throw-away profile directory keeps parallel runs from fighting over one profile.
    """
    exe = find_soffice()
    if exe is None:
        raise SofficeMissingError(
            "LibreOffice (soffice) is not installed; the docx renderer needs it "
            "(apt-get install libreoffice-writer-nogui)"
        )
    if not docx_files:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="synth-lo-") as profile:
        cmd = [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            *[str(p) for p in docx_files],
        ]
        env = dict(os.environ, HOME=profile)
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    missing = [p for p in docx_files if not (out_dir / (p.stem + ".pdf")).exists()]
    if res.returncode != 0 or missing:
        raise RuntimeError(
            f"soffice failed (rc={res.returncode}) for {[p.name for p in missing]}:\n{res.stdout}\n{res.stderr}"
        )


def render_docx(spec: dict[str, Any], out_pdf: pathlib.Path) -> None:
    """Render one spec via python-docx and LibreOffice; the PDF is moved into place at the end."""
    if find_soffice() is None:
        raise SofficeMissingError("LibreOffice (soffice) is not installed; the docx renderer needs it")
    with tempfile.TemporaryDirectory(prefix="synth-docx-") as tmp:
        tmpdir = pathlib.Path(tmp)
        docx_path = tmpdir / (out_pdf.stem + ".docx")
        build_docx(spec, docx_path)
        convert_to_pdf([docx_path], tmpdir)
        shutil.move(str(tmpdir / (out_pdf.stem + ".pdf")), str(out_pdf))
