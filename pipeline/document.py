"""One PDF through every stage: the unit of work a worker process runs.

Returns rows per table, or one `errors` row; never raises for a bad file, so a batch
(local or distributed) only has to collect results.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.answer_tables import table_rows
from pipeline.entities import ENTITY_TABLES, extract_entities
from pipeline.errors import DocumentError
from pipeline.schema import check_values
from pipeline.segment import Segmented, looks_like_question, segment
from pipeline.text import MIN_PAGE_CHARS, Page, clean_pages, read_pages, read_pdf


@dataclass
class DocResult:
    source_file: str
    sha256: str | None
    doc_id: str | None
    rows: dict[str, list[dict]] = field(default_factory=dict)
    error: dict | None = None
    # Seconds per stage, and per page (number, pypdfium2, pdfplumber): for `schv bench`.
    cost: dict = field(default_factory=dict)

    @classmethod
    def failure(cls, source_file: str, sha: str | None, stage: str, error_type: str, message: str) -> DocResult:
        """A file that could not be processed: the row it gets in `errors`."""
        return cls(
            source_file=source_file, sha256=sha, doc_id=None,
            error={"source_file": source_file, "sha256": sha, "stage": stage, "error_type": error_type, "message": message},
        )


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()



def doc_id_of(sha256: str) -> str:
    return sha256[:16]


def build_rows(doc_id: str, source_file: str, sha: str, pages: list[Page], seg: Segmented) -> dict[str, list[dict]]:
    """Rows of every table for one segmented document."""
    rows: dict[str, list[dict]] = {t: [] for t in ("documents", "pages", "items", "footnotes", *ENTITY_TABLES)}
    rows["answer_tables"], rows["answer_table_cells"] = table_rows(doc_id, pages, seg.answer_page)
    rows["documents"].append(
        {
            "doc_id": doc_id,
            "source_file": source_file,
            "source_files": [source_file],
            "sha256": sha,
            "page_count": len(pages),
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
        for table, mentions in extract_entities(text, doc_date).items():
            for seq, m in enumerate(mentions):
                rows[table].append({"doc_id": doc_id, "part": part, "seq": seq, **m})
    return rows


def process_pdf(path: Path, source_file: str, sha: str | None = None) -> DocResult:
    """Every stage for one file; failures come back as an `errors` row."""
    stage = "read"
    try:
        data = read_pdf(path)  # read once: hash, pypdfium2 and pdfplumber share the bytes
        sha = sha or hashlib.sha256(data).hexdigest()
    except OSError as exc:
        return DocResult.failure(source_file, None, "read", "unreadable", f"cannot read file: {exc.strerror or exc}")
    doc_id = doc_id_of(sha)
    try:
        stage = "text"
        t0 = time.perf_counter()
        pages = read_pages(data)
        looks_like_question(pages)  # before pdfplumber's cost on a PDF that is no question
        pages = clean_pages(data, pages)
        t1 = time.perf_counter()
        stage = "segment"
        seg = segment(pages)
        t2 = time.perf_counter()
        stage = "entities"
        rows = build_rows(doc_id, source_file, sha, pages, seg)
        stage = "tables"
        for table, table_rows_ in rows.items():
            check_values(table, table_rows_)  # a value the schema cannot hold fails this file, not the run
        t3 = time.perf_counter()
    except DocumentError as exc:
        return DocResult.failure(source_file, sha, exc.stage, exc.error_type, str(exc))
    except MemoryError:
        return DocResult.failure(source_file, sha, stage, "out_of_memory", "ran out of memory (worker memory limit, see --memory-mb)")
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return DocResult.failure(
            source_file, sha, stage, "internal_error",
            f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})",
        )
    read = sum(p.t_read for p in pages)
    tables = sum(p.t_tables for p in pages)
    cost = {
        "pages": [(p.number, p.t_read, p.t_tables, bool(p.tables)) for p in pages],
        "text (pypdfium2)": read,
        "tables (pdfplumber)": tables,
        "clean-up": (t1 - t0) - read - tables,
        "segment": t2 - t1,
        "entities + rows": t3 - t2,
    }
    return DocResult(source_file=source_file, sha256=sha, doc_id=doc_id, rows=rows, cost=cost)
