"""The batch: finds new and changed PDFs, runs them, merges and writes the tables.

Incremental by content: a file whose size and mtime are unchanged keeps its recorded
hash; a hash already processed by this pipeline version is not processed again. Each
finished document is appended to a journal while the run goes, and the tables are
rewritten once at the end, `files` last: a run killed at any moment leaves the previous
tables readable and the next run picks up where it stopped.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from filelock import FileLock, Timeout

from pipeline import __version__, executors
from pipeline.document import DocResult, doc_id_of, file_sha256
from pipeline.entities import ENTITY_TABLES
from pipeline.merge import merge, resolve_targets, sort_by_key, with_paths
from pipeline.package import write_datapackage
from pipeline.progress import progress
from pipeline.schema import TABLE_ORDER, load, to_arrow, validate
from pipeline.store import Journal, clear_work, load_journals, read_table, write_table

log = logging.getLogger("schv")
DOC_TABLES = ("documents", "pages", "items", "footnotes", *ENTITY_TABLES, "answer_tables", "answer_table_cells")


class RunLocked(RuntimeError):
    """Another run holds the output folder."""


class InputUnreadable(RuntimeError):
    """A folder of the input cannot be listed: better no run than rows removed by mistake."""


@dataclass
class InputFile:
    source_file: str
    path: Path
    size: int
    mtime_ns: int
    sha256: str | None = None


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


def discover(raw_dir: Path) -> list[InputFile]:
    """Every *.pdf under raw_dir (symlinks followed), sorted by relative path."""
    found: list[InputFile] = []
    visited: set[tuple[int, int]] = set()

    def unreadable(exc: OSError) -> None:
        raise InputUnreadable(f"cannot list {exc.filename}: {exc.strerror}; its files would count as removed") from exc

    for root, dirs, files in os.walk(raw_dir, followlinks=True, onerror=unreadable):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in visited:  # a symlink loop: each folder is walked once
            dirs[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.lower().endswith(".pdf") or name.startswith("."):
                continue
            path = Path(root) / name
            rel = path.relative_to(raw_dir).as_posix()
            try:
                st = path.stat()
            except OSError:
                st = None
            found.append(InputFile(rel, path, st.st_size if st else -1, st.st_mtime_ns if st else -1))
    return sorted(found, key=lambda f: f.source_file)


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

    tasks = [executors.Task(f.path, f.source_file, f.sha256) for f in todo]
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


# Failures that say nothing about the file itself: retried on the next run.
TRANSIENT_ERRORS = frozenset({"timeout", "worker_crash", "worker_error", "out_of_memory", "unreadable", "no_result"})


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


def _extract_locked(raw_dir: Path, out_dir: Path, opts: RunOptions, force: bool, t0: float) -> Summary:
    summary = Summary()
    inputs = discover(raw_dir)
    previous = _previous(out_dir)
    summary.seen = len(inputs)
    summary.removed = len(set(previous) - {f.source_file for f in inputs})

    # Hash only what changed on disk; reuse the recorded hash otherwise.
    for f in inputs:
        old = previous.get(f.source_file)
        if old and old["size"] == f.size and old["mtime_ns"] == f.mtime_ns and old["sha256"]:
            f.sha256 = old["sha256"]
        elif f.size >= 0:
            try:
                f.sha256 = file_sha256(f.path)
            except OSError:
                f.sha256 = None

    old_tables = {t: read_table(out_dir, t) for t in (*DOC_TABLES, "errors")}
    old_errors_by_sha: dict[str, dict] = {}
    if old_tables["errors"] is not None:
        for r in old_tables["errors"].to_pylist():
            if r["sha256"] and r["error_type"] not in TRANSIENT_ERRORS:
                old_errors_by_sha.setdefault(r["sha256"], r)
    # A content hash is done when this version processed it and its outcome is still on
    # disk: a row in `documents`, or a lasting error. Anything else is (re)processed.
    done_shas: set[str] = set()
    if not force and _old_tables_usable(old_tables):
        old_ids = set(old_tables["documents"].column("doc_id").to_pylist())
        for r in previous.values():
            sha = r["sha256"]
            if r["pipeline_version"] == __version__ and sha and (doc_id_of(sha) in old_ids or sha in old_errors_by_sha):
                done_shas.add(sha)
    for f in inputs:
        old = previous.get(f.source_file)
        if f.sha256 in done_shas and old is not None and old["sha256"] == f.sha256:
            summary.unchanged += 1
        elif old is None:
            summary.new += 1
        else:
            summary.changed += 1

    # Results a killed run left in its journal count as processed, and win over older tables.
    journaled = {} if force else load_journals(out_dir)
    todo: list[InputFile] = []
    seen_sha: set[str] = set()
    results: list[DocResult] = []
    for f in inputs:
        key = f.sha256 or f"unreadable:{f.source_file}"
        if key in seen_sha:
            continue
        cached = journaled.get(f"{f.sha256}-{__version__}") if f.sha256 else None
        if isinstance(cached, DocResult):
            results.append(cached)
        elif f.sha256 in done_shas:
            continue
        else:
            todo.append(f)
        seen_sha.add(key)
    log.info("%d file(s) seen, %d to process, %d unchanged", len(inputs), len(todo) + len(results), summary.unchanged)
    summary.from_checkpoints = len(results)
    results += _run_all(todo, opts, out_dir)
    summary.processed = len(results)

    by_sha = {r.sha256: r for r in results if r.sha256}
    by_file = {r.source_file: r for r in results if not r.sha256}
    errors_by_file: dict[str, dict] = {}
    for f in inputs:
        res = by_sha.get(f.sha256) if f.sha256 else by_file.get(f.source_file)
        if res is not None and res.error:
            errors_by_file[f.source_file] = {**res.error, "source_file": f.source_file}
        elif res is None and f.sha256 in old_errors_by_sha and f.sha256 in done_shas:
            errors_by_file[f.source_file] = {**old_errors_by_sha[f.sha256], "source_file": f.source_file}
        elif res is None and f.sha256 not in done_shas:
            errors_by_file[f.source_file] = {
                "source_file": f.source_file, "sha256": f.sha256, "stage": "read" if f.sha256 is None else "worker",
                "error_type": "unreadable" if f.sha256 is None else "no_result",
                "message": "cannot read file" if f.sha256 is None else "no result came back for this file; it is retried on the next run",
            }
    failed_shas = {f.sha256 for f in inputs if f.source_file in errors_by_file}
    ok_shas = {f.sha256 for f in inputs if f.sha256 and f.sha256 not in failed_shas}
    live_ids = {doc_id_of(s) for s in ok_shas}
    new_ids = {r.doc_id for r in results if r.doc_id}

    paths: dict[str, list[str]] = {}
    for f in inputs:
        if f.sha256 in ok_shas:
            paths.setdefault(doc_id_of(f.sha256), []).append(f.source_file)
    keep_ids = live_ids - new_ids
    merged: dict[str, pa.Table] = {}
    for t in DOC_TABLES:
        new_rows = [row for r in results if r.doc_id in live_ids for row in r.rows.get(t, [])]
        merged[t] = merge(t, old_tables[t], keep_ids, new_rows)
    merged["documents"] = with_paths(merged["documents"], paths)
    merged["doc_refs"] = resolve_targets(merged["documents"], merged["doc_refs"])
    merged["errors"] = to_arrow("errors", list(errors_by_file.values()))
    merged["files"] = to_arrow("files", [
        {
            "source_file": f.source_file, "size": f.size, "mtime_ns": f.mtime_ns, "sha256": f.sha256,
            "doc_id": doc_id_of(f.sha256) if f.sha256 in ok_shas else None,
            "status": "error" if f.source_file in errors_by_file else "ok",
            "pipeline_version": __version__,
        }
        for f in inputs
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
    summary.seconds = time.monotonic() - t0
    return summary


def status(raw_dir: Path, out_dir: Path) -> dict[str, list[str]]:
    """What is processed, pending (new, or changed content) and failed, without processing.

    A file whose size or mtime changed is hashed, so a touched but unchanged file is not
    reported as pending.
    """
    previous = _previous(Path(out_dir))
    out: dict[str, list[str]] = {"processed": [], "pending": [], "failed": [], "removed": []}
    inputs = discover(Path(raw_dir)) if Path(raw_dir).is_dir() else []
    for f in inputs:
        old = previous.get(f.source_file)
        same = old is not None and old["size"] == f.size and old["mtime_ns"] == f.mtime_ns
        if old is not None and not same and f.size >= 0:
            try:
                same = file_sha256(f.path) == old["sha256"]
            except OSError:
                same = False
        if old is None or not same or old["pipeline_version"] != __version__:
            out["pending"].append(f.source_file)
        elif old["status"] == "error":
            out["failed"].append(f.source_file)
        else:
            out["processed"].append(f.source_file)
    out["removed"] = sorted(set(previous) - {f.source_file for f in inputs})
    return out
