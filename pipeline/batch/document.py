"""One file through every stage: the unit of work a worker process runs.

Returns rows per table for every question the file holds, or one `errors` row; never
raises for a bad file, so a batch (local or distributed) only has to collect results. The
file is read once (a snapshot) and checked against the hash the run listed it with: every
stage works on those bytes, so a file moved or rewritten meanwhile gives a retried row,
never rows under the wrong hash.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.batch.inputs import snapshot
from pipeline.batch.result import DocResult
from pipeline.entities import ENTITY_TABLES, as_rows, find_entities
from pipeline.errors import DocumentError, NotAPdf, NotAWrittenQuestion
from pipeline.schema import check_values
from pipeline.segment.segment import Segmented, looks_like_question, segment
from pipeline.split.bulletin import BulletinSplit, is_bulletin
from pipeline.split.split import Split, pages_between, split
from pipeline.tables.answer_tables import table_rows
from pipeline.text.filekind import describe
from pipeline.text.page import Page
from pipeline.text.read import MIN_PAGE_CHARS, clean_pages, looks_like_pdf, read_pages
from pipeline.text.word import convert_to_pdf, is_word_file


def doc_id_of(sha256: str, ordinal: int = 1, count: int = 1) -> str:
    """A question's id: the file's hash, and its place in the file when the file holds several.

    A file of one question keeps the id it had before files could hold several.
    """
    return sha256[:16] if count == 1 else f"{sha256[:16]}-{ordinal}"


@dataclass(frozen=True)
class Place:
    """Where a question sits: its file and what holds it (documents.ordinal, container, bulletin_*)."""

    source_file: str
    sha256: str
    page_count: int
    ordinal: int = 1
    container: str = "written_question"
    bulletin: BulletinSplit | None = None


def build_rows(doc_id: str, place: Place, pages: list[Page], seg: Segmented) -> dict[str, list[dict]]:
    """Rows of every table for one segmented question; `pages` are the pages it stands on."""
    rows: dict[str, list[dict]] = {t: [] for t in ("documents", "pages", "items", "footnotes", *ENTITY_TABLES)}
    rows["answer_tables"], rows["answer_table_cells"] = table_rows(doc_id, pages, seg.answer_page)
    bulletin = place.bulletin
    rows["documents"].append(
        {
            "doc_id": doc_id,
            "source_file": place.source_file,
            "source_files": [place.source_file],
            "sha256": place.sha256,
            "page_count": place.page_count,
            "ordinal": place.ordinal,
            "first_page": seg.first_page,
            "last_page": seg.last_page,
            "container": place.container,
            "bulletin_number": bulletin.number if bulletin else None,
            "bulletin_date": bulletin.date if bulletin else None,
            "bulletin_session": bulletin.session if bulletin else None,
            "doc_type": seg.doc_type,
            "session": seg.session,
            "number": seg.number,
            "question_date": seg.question_date,
            "asker": seg.asker,
            "minister": seg.minister,
            "minister_title": seg.minister_title,
            "title": seg.title,
            "topic": seg.topic,
            "subtopic": seg.subtopic,
            "answered": seg.answered,
            "answer_ref_number": seg.answer_ref_number,
            "answer_ref_date": seg.answer_ref_date,
            "co_ministers": [c["minister"] for c in seg.co_ministers],
            "co_minister_numbers": [c["number"] for c in seg.co_ministers],
            "question_text": seg.question_text,
            "answer_text": seg.answer_text,
            "annexes": seg.annexes,
            "warnings": seg.warnings + [p.note for p in pages if p.note],
            "pipeline_version": __version__,
        }
    )
    for p in pages:
        rows["pages"].append(
            {
                "doc_id": doc_id,
                "page": p.number,
                "chars": p.chars,
                "text_source": p.text_source if p.chars >= MIN_PAGE_CHARS else "empty",
                "has_ruling": p.ruling,
                "footnotes": len(p.footnotes),
                "rotation": p.rotation,
            }
        )
    for it in seg.items:
        rows["items"].append(
            {
                "doc_id": doc_id, "part": it.part, "seq": it.seq, "label": it.label, "numbers": it.numbers,
                "level": it.level, "parent_seq": it.parent_seq, "char_start": it.char_start,
                "char_end": it.char_end, "text": it.text,
            }
        )
    for part, fn in seg.footnotes:
        rows["footnotes"].append({"doc_id": doc_id, "part": part, "marker": fn.marker, "text": fn.text, "page": fn.page})
    doc_date = seg.question_date or seg.answer_ref_date
    for part, text in (("question", seg.question_text), ("answer", seg.answer_text)):
        if not text:
            continue
        for table, mentions in find_entities(text, doc_date).items():
            rows[table] += as_rows(mentions, doc_id=doc_id, part=part)
    return rows


def segment_pieces(pieces: list[list[Page]], warnings: list[str]) -> list[Segmented]:
    """Each written question of a file segmented; one that is no question is a file warning."""
    found: list[Segmented] = []
    for piece in pieces:
        first, last = piece[0].number, piece[-1].number
        try:
            seg = segment(piece)
        except NotAWrittenQuestion as exc:
            if len(pieces) == 1:
                raise
            warnings.append(f"pages {first}-{last} hold no written question that could be read ({exc}); left out")
            continue
        seg.first_page, seg.last_page = first, last
        found.append(seg)
    if not found:
        raise NotAWrittenQuestion("no part of the file holds a written question that could be read")
    return found


def questions_of(pages: list[Page]) -> tuple[Split, list[Segmented]]:
    """Stages split and segment: the file's questions, each with its metadata, parts and items."""
    found = split(pages)
    if found.bulletin is not None:
        if not found.bulletin.questions:
            raise NotAWrittenQuestion("a bulletin in which no question ('Vraag nr. N van DATE van NAME') was found")
        return found, found.bulletin.questions
    return found, segment_pieces(found.pieces, found.warnings)


def file_rows(source_file: str, sha: str, pages: list[Page], found: Split, segs: list[Segmented]) -> tuple[list[str], dict[str, list[dict]]]:
    """Rows of every table for every question of one file, each pointing at its question's id."""
    rows: dict[str, list[dict]] = {}
    doc_ids: list[str] = []
    for ordinal, seg in enumerate(segs, 1):
        doc_id = doc_id_of(sha, ordinal, len(segs))
        place = Place(source_file, sha, len(pages), ordinal, found.container, found.bulletin)
        own = pages if len(segs) == 1 else pages_between(pages, seg.first_page or 1, seg.last_page or len(pages))
        if found.bulletin is not None:  # a page shared by two questions: each table goes to one
            for page in own:
                page.tables = [t for t in page.tables if found.bulletin.table_owner.get(id(t)) == ordinal - 1]
        for table, table_rows_ in build_rows(doc_id, place, own, seg).items():
            rows.setdefault(table, []).extend(table_rows_)
        doc_ids.append(doc_id)
    return doc_ids, rows


def _internal_error(source_file: str, sha: str, stage: str, exc: Exception) -> DocResult:
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return DocResult.failure(
        source_file, sha, stage, "internal_error", f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})",
    )


def process_file(path: Path, source_file: str, sha: str | None = None, work_dir: Path | None = None) -> DocResult:
    """Every stage for one input file, a PDF or a Word file (converted first); failures come back as an `errors` row."""
    word = is_word_file(path)
    try:
        snap = snapshot(path, keep=(lambda head: True) if word else looks_like_pdf)  # read once: every stage sees these bytes
    except OSError as exc:  # moved away, removed, made unreadable: the next run tries again
        return DocResult.failure(source_file, sha, "read", "unreadable", f"cannot read file: {exc.strerror or exc}; it is retried on the next run")
    if sha and snap.sha256 != sha:
        return DocResult.failure(source_file, sha, "read", "changed", "the file changed while the run read it; it is retried on the next run")
    sha = snap.sha256
    if not word:
        if snap.data is None:
            return DocResult.failure(source_file, sha, "text", NotAPdf.error_type, f"not a PDF: the file is {describe(snap.head)}")
        return process_pdf_bytes(snap.data, source_file, sha)
    with tempfile.TemporaryDirectory(prefix=f"word-{sha[:16]}-", dir=work_dir) as tmp:
        try:
            pdf = convert_to_pdf(snap.data or b"", path.suffix, Path(tmp))
        except DocumentError as exc:
            return DocResult.failure(source_file, sha, exc.stage, exc.error_type, str(exc))
        except OSError as exc:
            return DocResult.failure(source_file, sha, "convert", "conversion_failed", f"cannot convert the file: {exc.strerror or exc}")
    return process_pdf_bytes(pdf, source_file, sha)


def process_pdf_bytes(data: bytes, source_file: str, sha: str) -> DocResult:
    """Every stage after reading, on a PDF's bytes; failures come back as an `errors` row."""
    stage = "text"
    try:
        t0 = time.process_time()
        pages = read_pages(data)
        if not is_bulletin(pages):
            looks_like_question(pages)  # before the clean-up's cost on a PDF that is no question
        pages = clean_pages(data, pages)
        t1 = time.process_time()
        stage = "split"
        found, segs = questions_of(pages)
        t2 = time.process_time()
        stage = "entities"
        doc_ids, rows = file_rows(source_file, sha, pages, found, segs)
        stage = "tables"
        for table, table_rows_ in rows.items():
            check_values(table, table_rows_)  # a value the schema cannot hold fails this file, not the run
        t3 = time.process_time()
    except DocumentError as exc:
        return DocResult.failure(source_file, sha, exc.stage, exc.error_type, str(exc))
    except MemoryError:
        return DocResult.failure(source_file, sha, stage, "out_of_memory", "ran out of memory (worker memory limit, see --memory-mb)")
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
        return _internal_error(source_file, sha, stage, exc)
    if found.warnings:
        for row in rows["documents"]:
            row["warnings"] = [*found.warnings, *row["warnings"]]
    read = sum(p.t_read for p in pages)
    tables = sum(p.t_tables for p in pages)
    cost = {
        "pages": [(p.number, p.t_read, p.t_tables, bool(p.tables)) for p in pages],
        "text (pypdfium2)": read,
        "tables (grid)": tables,
        "clean-up": (t1 - t0) - read - tables,
        "segment": t2 - t1,
        "entities + rows": t3 - t2,
    }
    return DocResult(source_file=source_file, sha256=sha, doc_ids=doc_ids, rows=rows, warnings=found.warnings, cost=cost)
