"""The batch: finds new and changed PDFs, runs them, merges and writes the tables.

Incremental by content: a file whose size and mtime are unchanged keeps its recorded
hash; a hash already processed by this pipeline version is not processed again. Each
finished document is appended to a journal while the run goes, and the tables are
rewritten once at the end, `files` last: a run killed at any moment leaves the previous
tables readable and the next run picks up where it stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from filelock import FileLock, Timeout

from pipeline import __version__, executors
from pipeline.document import DocResult
from pipeline.entities import ENTITY_TABLES
from pipeline.errors import TRANSIENT_ERRORS, is_lasting, retry_note, with_attempts
from pipeline.inputs import InputFile, InputUnreadable, discover, file_sha256
from pipeline.merge import merge, resolve_targets, sort_by_key, with_paths
from pipeline.package import write_datapackage
from pipeline.progress import progress
from pipeline.schema import TABLE_ORDER, load, to_arrow, validate
from pipeline.store import Journal, clear_work, load_journals, read_table, work_dir, write_table

# TRANSIENT_ERRORS and the input listing live in pipeline.errors and pipeline.inputs; kept importable from here.
__all__ = ["TRANSIENT_ERRORS", "InputFile", "InputUnreadable", "RunOptions", "Summary", "discover", "extract", "status"]
log = logging.getLogger("schv")
DOC_TABLES = ("documents", "pages", "items", "footnotes", *ENTITY_TABLES, "answer_tables", "answer_table_cells")


class RunLocked(RuntimeError):
    """Another run holds the output folder."""


@dataclass
class Summary:
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    processed: int = 0
    from_checkpoints: int = 0  # of `processed`: results an interrupted run had checkpointed
    rows: dict[str, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rows = ", ".join(f"{k} {v}" for k, v in self.rows.items())
        return [
            f"files seen {self.seen}: new {self.new}, changed {self.changed}, unchanged {self.unchanged}, "
            f"removed {self.removed}, failed {self.failed}; documents processed {self.processed} "
            f"({self.from_checkpoints} from checkpoints of an interrupted run)",
            f"rows: {rows}",
            f"tables rewritten: {', '.join(self.written) or 'none (no change)'}; time {self.seconds:.1f} s",
        ]


def _previous(out_dir: Path) -> dict[str, dict]:
    files = read_table(out_dir, "files")
    if files is None:
        return {}
    return {r["source_file"]: r for r in files.to_pylist()}


@dataclass(frozen=True)
class RunOptions:
    """How documents run; see pipeline.executors."""

    workers: int = 1
    timeout: float = executors.DEFAULT_TIMEOUT
    memory_mb: int = executors.DEFAULT_MEMORY_MB
    max_tasks: int = executors.DEFAULT_MAX_TASKS
    scheduler: str | None = None
    in_process: bool = False
    observer: Callable[[DocResult], None] | None = None  # sees every result (the benchmark's stage timings)


def _run_all(todo: list[InputFile], opts: RunOptions, out_dir: Path) -> list[DocResult]:
    """Process files (one per distinct hash) and checkpoint each result as it arrives."""
    results: list[DocResult] = []
    bar = progress(len(todo), log)  # a bar on a terminal, else a log line every few seconds

    journal = Journal(out_dir)

    def done(res: DocResult) -> None:
        if res.sha256:
            journal.append(f"{res.sha256}-{__version__}", res)
        results.append(res)
        if opts.observer is not None:
            opts.observer(res)
        if bar is not None:
            bar.update(1)

    scratch = work_dir(out_dir)
    tasks = [executors.Task(f.path, f.source_file, f.sha256, scratch) for f in todo]
    try:
        if not tasks:
            pass
        elif opts.scheduler:
            log.info("running %d file(s) on the Dask cluster at %s", len(tasks), opts.scheduler)
            executors.run_dask(tasks, done, scheduler=opts.scheduler)
        elif opts.in_process:
            executors.run_in_process(tasks, done)
        else:
            executors.run_local(tasks, done, workers=opts.workers, timeout=opts.timeout, memory_mb=opts.memory_mb, max_tasks=opts.max_tasks)
    finally:
        journal.close()
        if bar is not None:
            bar.close()
    return results


def extract(raw_dir: Path, out_dir: Path, *, force: bool = False, options: RunOptions | None = None) -> Summary:
    """Bring the tables in out_dir up to date with the PDFs in raw_dir."""
    t0 = time.monotonic()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"input folder not found: {raw_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise RunLocked(f"another schv run is writing {out_dir} (lock {out_dir / '.lock'}); try again when it ends") from exc
    try:
        return _extract_locked(raw_dir, out_dir, options or RunOptions(), force, t0)
    finally:
        lock.release()


def _old_tables_usable(old_tables: dict[str, pa.Table | None]) -> bool:
    """Whether rows of unchanged documents can be carried over: every table readable and of
    the declared types (a schema comparison, not a conversion of every row)."""
    if old_tables["documents"] is None:
        return False
    for name, table in old_tables.items():
        want = load(name).arrow()
        if table is None or [(f.name, f.type) for f in table.schema] != [(f.name, f.type) for f in want]:
            return False
    return True


@dataclass
class Plan:
    """What a run has to do, decided before any file is processed."""

    inputs: list[InputFile]
    previous: dict[str, dict]  # last run's `files` rows by source_file
    old_tables: dict[str, pa.Table | None]
    old_docs: dict[str, list[str]]  # content hash -> its questions' doc_ids in the old tables, in file order
    old_errors: dict[str, dict]  # content hash -> its lasting error row
    tried: dict[str, dict]  # content hash -> its last error row, lasting or not (attempts)
    done: set[str]  # content hashes whose outcome this version already has on disk
    todo: list[InputFile]  # one file per content hash to process
    journaled: list[DocResult]  # results a killed run left behind


def _hash_changed(inputs: list[InputFile], previous: dict[str, dict]) -> None:
    """Hash only what changed on disk; reuse the recorded hash otherwise."""
    for f in inputs:
        old = previous.get(f.source_file)
        if old and old["size"] == f.size and old["mtime_ns"] == f.mtime_ns and old["sha256"]:
            f.sha256 = old["sha256"]
        elif f.problem is None:  # only regular files are opened (pipeline.inputs)
            try:
                f.sha256 = file_sha256(f.path)
            except OSError:
                f.sha256 = None


def _docs_by_sha(documents: pa.Table | None) -> dict[str, list[str]]:
    if documents is None or not documents.num_rows:
        return {}
    out: dict[str, list[tuple[int, str]]] = {}
    cols = documents.select(["sha256", "ordinal", "doc_id"]).to_pydict()
    for sha, ordinal, doc_id in zip(cols["sha256"], cols["ordinal"], cols["doc_id"], strict=True):
        out.setdefault(sha, []).append((ordinal, doc_id))
    return {sha: [d for _, d in sorted(docs)] for sha, docs in out.items()}


def plan(raw_dir: Path, out_dir: Path, force: bool, summary: Summary) -> Plan:
    """Step 1: which files are new, changed, done or removed, and what is left to process."""
    inputs = discover(raw_dir)
    previous = _previous(out_dir)
    summary.seen = len(inputs)
    summary.removed = len(set(previous) - {f.source_file for f in inputs})
    _hash_changed(inputs, previous)

    old_tables = {t: read_table(out_dir, t) for t in (*DOC_TABLES, "errors")}
    usable = not force and _old_tables_usable(old_tables)
    old_docs = _docs_by_sha(old_tables["documents"]) if usable else {}
    old_errors: dict[str, dict] = {}
    tried: dict[str, dict] = {}  # the last failure of these bytes, to count repeated crashes
    if old_tables["errors"] is not None:
        for r in old_tables["errors"].to_pylist():
            if r["sha256"]:
                tried.setdefault(r["sha256"], r)
            if usable and r["sha256"] and is_lasting(r):
                old_errors.setdefault(r["sha256"], r)
    # A content hash is done when this version processed it and its outcome is still on
    # disk: its questions in `documents`, or a lasting error. Anything else is (re)processed.
    done = {
        r["sha256"] for r in previous.values()
        if r["pipeline_version"] == __version__ and r["sha256"] and (r["sha256"] in old_docs or r["sha256"] in old_errors)
    }
    for f in inputs:
        old = previous.get(f.source_file)
        if f.sha256 in done and old is not None and old["sha256"] == f.sha256:
            summary.unchanged += 1
        elif old is None:
            summary.new += 1
        else:
            summary.changed += 1

    # Results a killed run left in its journal count as processed, and win over older tables.
    journal = {} if force else load_journals(out_dir, DocResult.from_record)
    todo: list[InputFile] = []
    journaled: list[DocResult] = []
    seen: set[str] = set()
    for f in inputs:
        key = f.sha256 or f"unreadable:{f.source_file}"
        if key in seen or f.problem:
            continue
        seen.add(key)
        cached = journal.get(f"{f.sha256}-{__version__}") if f.sha256 else None
        if isinstance(cached, DocResult):
            journaled.append(cached)
        elif f.sha256 not in done:
            todo.append(f)
    return Plan(inputs, previous, old_tables, old_docs, old_errors, tried, done, todo, journaled)


def commit(out_dir: Path, p: Plan, results: list[DocResult], summary: Summary) -> None:
    """Step 3: this run's results merged with the rows kept from before, validated, written."""
    by_sha = {r.sha256: r for r in results if r.sha256}
    by_file = {r.source_file: r for r in results if not r.sha256}
    errors_by_file: dict[str, dict] = {}
    for f in p.inputs:
        res = by_sha.get(f.sha256) if f.sha256 else by_file.get(f.source_file)
        if f.problem:
            errors_by_file[f.source_file] = f.problem
        elif res is not None and res.error:
            errors_by_file[f.source_file] = with_attempts({**res.error, "source_file": f.source_file}, p.tried.get(f.sha256))
        elif res is None and f.sha256 in p.old_errors and f.sha256 in p.done:
            errors_by_file[f.source_file] = {**p.old_errors[f.sha256], "source_file": f.source_file}
        elif res is None and f.sha256 not in p.done:
            errors_by_file[f.source_file] = {
                "source_file": f.source_file, "sha256": f.sha256, "stage": "read" if f.sha256 is None else "worker",
                "error_type": "unreadable" if f.sha256 is None else "no_result",
                "message": "cannot read file" if f.sha256 is None else "no result came back for this file; it is retried on the next run",
                "attempts": 1,
            }
    failed = {f.sha256 for f in p.inputs if f.source_file in errors_by_file}
    ok = {f.sha256 for f in p.inputs if f.sha256 and f.sha256 not in failed}
    # Questions of every good file: this run's, else those kept from the old tables.
    questions = {sha: (by_sha[sha].doc_ids if sha in by_sha else p.old_docs.get(sha, [])) for sha in ok}
    keep_ids = {d for sha in ok if sha not in by_sha for d in questions[sha]}
    new_ids = {d for sha in ok if sha in by_sha for d in questions[sha]}
    warnings = {r["sha256"]: r["warnings"] for r in p.previous.values() if r["sha256"] in ok}
    warnings.update({sha: res.warnings for sha, res in by_sha.items()})

    paths: dict[str, list[str]] = {}
    for f in p.inputs:
        if f.sha256 in ok:
            paths.setdefault(f.sha256, []).append(f.source_file)
    merged: dict[str, pa.Table] = {}
    for t in DOC_TABLES:
        new_rows = [row for r in results if r.sha256 in ok for row in r.rows.get(t, []) if row["doc_id"] in new_ids]
        merged[t] = merge(t, p.old_tables[t], keep_ids, new_rows)
    merged["documents"] = with_paths(merged["documents"], paths)
    merged["doc_refs"] = resolve_targets(merged["documents"], merged["doc_refs"])
    merged["errors"] = to_arrow("errors", list(errors_by_file.values()))
    merged["files"] = to_arrow("files", [
        {
            "source_file": f.source_file, "size": f.size, "mtime_ns": f.mtime_ns, "sha256": f.sha256,
            "doc_ids": questions.get(f.sha256, []) if f.sha256 in ok else [],
            "questions": len(questions.get(f.sha256, [])) if f.sha256 in ok else 0,
            "warnings": warnings.get(f.sha256, []) if f.sha256 in ok else [],
            "status": "error" if f.source_file in errors_by_file else "ok",
            "pipeline_version": __version__,
        }
        for f in p.inputs
    ])
    summary.failed = len(errors_by_file)

    known = set(merged["documents"].column("doc_id").to_pylist())
    tables: dict[str, pa.Table] = {}
    for t in TABLE_ORDER:
        table = sort_by_key(t, merged[t])
        validate(t, table, known)
        tables[t] = table
        summary.rows[t] = table.num_rows
    for t in TABLE_ORDER:
        if write_table(out_dir, t, tables[t]):
            summary.written.append(t)
    if write_datapackage(out_dir):
        summary.written.append("datapackage.json")
    clear_work(out_dir)


def _extract_locked(raw_dir: Path, out_dir: Path, opts: RunOptions, force: bool, t0: float) -> Summary:
    """Plan, run, commit."""
    summary = Summary()
    p = plan(raw_dir, out_dir, force, summary)
    log.info("%d file(s) seen, %d to process, %d unchanged", len(p.inputs), len(p.todo) + len(p.journaled), summary.unchanged)
    summary.from_checkpoints = len(p.journaled)
    results = p.journaled + _run_all(p.todo, opts, out_dir)
    summary.processed = len(results)
    commit(out_dir, p, results, summary)
    summary.seconds = time.monotonic() - t0
    return summary


def status(raw_dir: Path, out_dir: Path) -> dict[str, list[str]]:
    """What is processed, pending (new, or changed content) and failed, without processing.

    A file whose size or mtime changed is hashed, so a touched but unchanged file is not
    reported as pending. A failed file is listed with its error type and what the next
    run does with it ("retried on the next run", "lasting: failed 2 times ...").
    """
    previous = _previous(Path(out_dir))
    errors = read_table(Path(out_dir), "errors")
    error_rows = {r["source_file"]: r for r in errors.to_pylist()} if errors is not None else {}
    out: dict[str, list[str]] = {"processed": [], "pending": [], "failed": [], "removed": []}
    inputs = discover(Path(raw_dir)) if Path(raw_dir).is_dir() else []
    for f in inputs:
        old = previous.get(f.source_file)
        same = old is not None and old["size"] == f.size and old["mtime_ns"] == f.mtime_ns
        if old is not None and not same and f.problem is None:
            try:
                same = file_sha256(f.path) == old["sha256"]
            except OSError:
                same = False
        if old is None or not same or old["pipeline_version"] != __version__:
            out["pending"].append(f.source_file)
        elif old["status"] == "error":
            row = error_rows.get(f.source_file)
            out["failed"].append(f"{f.source_file} ({row['error_type']}: {retry_note(row)})" if row else f.source_file)
        else:
            out["processed"].append(f.source_file)
    out["removed"] = sorted(set(previous) - {f.source_file for f in inputs})
    return out
