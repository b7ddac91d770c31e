"""The batch: finds new and changed PDFs, runs them, merges and writes the tables.

Incremental by content: a file whose size and mtime are unchanged keeps its recorded
hash; a hash already processed by this pipeline version is not processed again. Each
finished document is appended to a journal while the run goes; at the end the parts the
run touched are rewritten, one at a time, and the new generation switched in at once
(pipeline.commit.parts): a run killed at any moment leaves the previous state readable and the
next run picks up where it stopped. Planning reads only the columns it needs, and the
merge stays in Arrow, so a night costs what its new documents cost, not the archive.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
from filelock import FileLock, Timeout

from pipeline import __version__
from pipeline.batch import executors
from pipeline.batch.inputs import InputFile, InputUnreadable, discover, file_sha256
from pipeline.batch.progress import progress
from pipeline.batch.result import DocResult
from pipeline.commit import parts
from pipeline.commit.merge import affected_refs, merge, resolve_targets, sort_by_key, with_paths
from pipeline.commit.package import write_datapackage
from pipeline.commit.store import Journal, clear_work, load_journals, work_dir
from pipeline.errors import TRANSIENT_ERRORS, is_lasting, retry_note, with_attempts
from pipeline.schema import TABLE_ORDER, SchemaError, empty_table, load, rows_table, to_arrow, validate

# TRANSIENT_ERRORS and the input listing live in pipeline.errors and pipeline.batch.inputs; kept importable from here.
__all__ = ["TRANSIENT_ERRORS", "InputFile", "InputUnreadable", "RunOptions", "Summary", "discover", "extract", "status"]
log = logging.getLogger("schv")
# Tables of questions, split in parts by session: documents and every table whose rows belong to one question.
DOC_TABLES = tuple(t for t in TABLE_ORDER if t == "documents" or load(t).foreign_keys)


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


class Previous(NamedTuple):
    """Last run's `files` row of one path, as planning compares it (the list columns stay in Arrow)."""

    source_file: str
    size: int
    mtime_ns: int
    sha256: str | None
    status: str
    pipeline_version: str


# What planning needs of the old documents: which file each question came from, and what
# reference resolution looks up.
INDEX_COLUMNS = ["doc_id", "sha256", "ordinal", "session", "minister", "number"]


def _old_files(out_dir: Path, gen: parts.Generation | None = None) -> pa.Table:
    """Last run's `files` table (empty when there is none or it cannot be read)."""
    files = parts.read_table(out_dir, "files", gen=gen)
    return files if files is not None else empty_table(load("files").arrow())


def _previous(files: pa.Table) -> dict[str, Previous]:
    """Last run's `files` rows by source_file: tuples of the scalar columns, not dicts (150,000 of them)."""
    cols = [files[c].to_pylist() for c in Previous._fields]
    return {row.source_file: row for row in map(Previous._make, zip(*cols, strict=True))}


@dataclass(frozen=True)
class RunOptions:
    """How documents run; see pipeline.batch.executors."""

    workers: int = 1
    timeout: float = executors.DEFAULT_TIMEOUT
    memory_mb: int = executors.DEFAULT_MEMORY_MB
    max_tasks: int = executors.DEFAULT_MAX_TASKS
    scheduler: str | None = None
    in_process: bool = False
    observer: Callable[[DocResult], None] | None = None  # sees every result (the benchmark's stage timings)


def _run_all(todo: list[InputFile], opts: RunOptions, out_dir: Path, later: ExitStack | None = None) -> list[DocResult]:
    """Process files (one per distinct hash) and checkpoint each result as it arrives; what
    the workers' shutdown leaves to do is joined when `later` closes (after the commit)."""
    results: list[DocResult] = []
    bar = progress(len(todo), log)  # a bar on a terminal, else a log line every few seconds

    journal = Journal(out_dir)

    def done(res: DocResult, encoded: bytes | None = None) -> None:
        """A finished file: checkpointed (`encoded`: its journal JSON, when a worker made it), kept, counted."""
        if res.sha256:
            key = f"{res.sha256}-{__version__}"
            if encoded is None:
                journal.append(key, res)
            else:
                journal.append_encoded(key, encoded)
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
            executors.run_local(tasks, done, workers=opts.workers, timeout=opts.timeout, memory_mb=opts.memory_mb, max_tasks=opts.max_tasks,
                                encoded=True, later=later)
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


@dataclass
class Plan:
    """What a run has to do, decided before any file is processed."""

    inputs: list[InputFile]
    previous: dict[str, Previous]  # last run's `files` rows by source_file
    old_files: pa.Table  # last run's `files` table, whole
    old: parts.Generation | None  # the state this run builds on; None: nothing carried over
    index: pa.Table  # INDEX_COLUMNS of the old documents (empty when old is None)
    old_shas: set[str]  # content hashes whose questions are in the old tables
    old_errors: pa.Table  # lasting error rows of the old state, one per content hash
    tried: dict[str, dict]  # content hash -> its last error row, lasting or not (attempts)
    done: set[str]  # content hashes whose outcome this version already has on disk
    todo: list[InputFile]  # one file per content hash to process
    journaled: list[DocResult]  # results a killed run left behind


def _hash_changed(inputs: list[InputFile], previous: dict[str, Previous]) -> None:
    """Hash only what changed on disk; reuse the recorded hash otherwise."""
    for f in inputs:
        old = previous.get(f.source_file)
        if old and old.size == f.size and old.mtime_ns == f.mtime_ns and old.sha256:
            f.sha256 = old.sha256
        elif f.problem is None:  # only regular files are opened (pipeline.batch.inputs)
            try:
                f.sha256 = file_sha256(f.path)
            except OSError:
                f.sha256 = None


def _docs_by_sha(index: pa.Table, shas: set[str]) -> dict[str, list[str]]:
    """Content hash -> its questions' doc_ids in file order, for `shas` only (a night asks for a few)."""
    out: dict[str, list[str]] = {}
    t = index.filter(pc.is_in(index["sha256"], value_set=pa.array(sorted(shas), pa.string()))) if shas else index.slice(0, 0)
    if t.num_rows:
        t = t.select(["sha256", "ordinal", "doc_id"]).sort_by([("sha256", "ascending"), ("ordinal", "ascending")])
        for sha, doc_id in zip(t["sha256"].to_pylist(), t["doc_id"].to_pylist(), strict=True):
            out.setdefault(sha, []).append(doc_id)
    return out


def _lasting_errors(errors: pa.Table | None) -> pa.Table:
    """Error rows that say something about the file itself, the first path's per content hash."""
    if errors is None or not errors.num_rows:
        return empty_table(load("errors").arrow())
    # One row per failed file, not per question: judged row by row by pipeline.errors' rule.
    e = errors.sort_by("source_file")
    first: dict[str, int] = {}
    for i, r in enumerate(e.select(["sha256", "error_type", "attempts"]).to_pylist()):
        if r["sha256"] and is_lasting(r):
            first.setdefault(r["sha256"], i)
    return e.take(pa.array(sorted(first.values()), pa.int64()))


def _last_failures(errors: pa.Table | None) -> dict[str, dict]:
    """The last failure of each content hash, lasting or not: repeated crashes count on."""
    tried: dict[str, dict] = {}
    if errors is not None:
        for r in errors.filter(pc.is_valid(errors["sha256"])).to_pylist():
            tried.setdefault(r["sha256"], r)
    return tried


def plan(raw_dir: Path, out_dir: Path, force: bool, summary: Summary) -> Plan:
    """Step 1: which files are new, changed, done or removed, and what is left to process."""
    inputs = discover(raw_dir)
    gen = parts.current(out_dir)
    old_files = _old_files(out_dir, gen) if gen is not None else empty_table(load("files").arrow())
    previous = _previous(old_files)
    summary.seen = len(inputs)
    summary.removed = len(set(previous) - {f.source_file for f in inputs})
    _hash_changed(inputs, previous)

    old = gen if not force and gen is not None and parts.schemas_match(gen) else None
    index = parts.read_table(out_dir, "documents", INDEX_COLUMNS, gen=old) if old else None
    # Errors are read even when nothing is carried over (--force): repeated crashes count on.
    errors = parts.read_table(out_dir, "errors", gen=gen) if gen else None
    if index is None or errors is None:
        old = None
        index = empty_table(pa.schema([load("documents").arrow().field(c) for c in INDEX_COLUMNS]))
    old_shas = set(pc.unique(index["sha256"]).to_pylist())
    old_errors = _lasting_errors(errors if old else None)
    error_shas = set(old_errors["sha256"].to_pylist())
    tried = _last_failures(errors)
    # A content hash is done when this version processed it and its outcome is still on
    # disk: its questions in `documents`, or a lasting error. Anything else is (re)processed.
    done = {
        r.sha256 for r in previous.values()
        if r.pipeline_version == __version__ and r.sha256 and (r.sha256 in old_shas or r.sha256 in error_shas)
    }
    for f in inputs:
        prev = previous.get(f.source_file)
        if f.sha256 in done and prev is not None and prev.sha256 == f.sha256:
            summary.unchanged += 1
        elif prev is None:
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
    return Plan(inputs, previous, old_files, old, index, old_shas, old_errors, tried, done, todo, journaled)


def _errors_table(rows: list[dict], carried: list[tuple[str, str]], old_errors: pa.Table) -> pa.Table:
    """This run's error rows plus the lasting old ones of files still there (by content
    hash, under the file's current path), joined in Arrow: whatever columns errors has."""
    schema = load("errors").arrow()
    tables = [to_arrow("errors", rows)]
    if carried:
        keys = pa.table({"source_file": [c[0] for c in carried], "sha256": [c[1] for c in carried]})
        tables.append(keys.join(old_errors.drop_columns(["source_file"]), "sha256", join_type="inner").select(schema.names).cast(schema))
    return sort_by_key("errors", pa.concat_tables(tables))


def _files_table(p: Plan, ok: set[str], by_sha: dict[str, DocResult], failed_files: set[str]) -> pa.Table:
    """The `files` table, one row per input file: the old row, taken in Arrow, of every file
    that is as it was (path, size, mtime, hash, status and version, no new result); a new
    row for each other one. A night converts its few files, not the archive's."""
    same: list[str] = []
    fresh: list[InputFile] = []
    for f in p.inputs:
        r = p.previous.get(f.source_file)
        status = "error" if f.source_file in failed_files else "ok"
        if r is not None and f.sha256 not in by_sha and r == (f.source_file, f.size, f.mtime_ns, f.sha256, status, __version__):
            same.append(f.source_file)
        else:
            fresh.append(f)
    old = p.old_files.select(["sha256", "warnings"])
    old = old.filter(pc.is_in(old["sha256"], value_set=pa.array(sorted({f.sha256 for f in fresh if f.sha256 in ok} - set(by_sha)), pa.string())))
    warnings = dict(zip(old["sha256"].to_pylist(), old["warnings"].to_pylist(), strict=True))
    warnings.update({sha: res.warnings for sha, res in by_sha.items()})
    # Questions of every good file: this run's, else those kept from the old tables.
    questions = _docs_by_sha(p.index, {f.sha256 for f in fresh if f.sha256 in ok} - set(by_sha))
    questions.update({sha: res.doc_ids for sha, res in by_sha.items()})
    cols: dict[str, list] = {c: [] for c in load("files").columns}
    for f in fresh:
        good = f.sha256 in ok
        cols["source_file"].append(f.source_file)
        cols["size"].append(f.size)
        cols["mtime_ns"].append(f.mtime_ns)
        cols["sha256"].append(f.sha256)
        cols["doc_ids"].append(questions.get(f.sha256, []) if good else [])
        cols["questions"].append(len(questions.get(f.sha256, [])) if good else 0)
        cols["warnings"].append(warnings.get(f.sha256, []) if good else [])
        cols["status"].append("error" if f.source_file in failed_files else "ok")
        cols["pipeline_version"].append(__version__)
    schema = load("files").arrow()
    try:
        table = pa.table(cols, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"files: {exc}") from exc
    kept = p.old_files.filter(pc.is_in(p.old_files["source_file"], value_set=pa.array(same, pa.string())))
    return sort_by_key("files", pa.concat_tables([kept.select(schema.names).cast(schema), table]))


def _new_parts(new: dict[str, pa.Table], split: frozenset[str]) -> dict[str, dict[str, pa.Table]]:
    """This run's rows of every table by part key (each row goes to its question's part),
    each part sorted by its table's primary key."""
    docs = new["documents"]
    doc_keys = parts.part_keys(docs["session"], docs["doc_id"], split)
    out = {}
    for t, table in new.items():
        keys = pc.take(doc_keys, pc.index_in(table["doc_id"], value_set=docs["doc_id"])) if t != "documents" else doc_keys
        if keys.null_count:
            raise SchemaError(f"{t}: doc_id not in documents")
        out[t] = parts.split_parts(table, keys, load(t).primary_key)
    return out


def _keys_of(index: pa.Table, split: frozenset[str], doc_ids: pa.Array | None = None) -> set[str]:
    """Part keys of the questions in `index` (of `doc_ids` only, when given), in the layout
    that stores the sessions `split` in buckets."""
    if doc_ids is not None:
        index = index.filter(pc.is_in(index["doc_id"], value_set=doc_ids))
    return set(pc.unique(parts.part_keys(index["session"], index["doc_id"], split)).to_pylist()) if index.num_rows else set()


def _old_rows(out_dir: Path, old: parts.Generation | None, t: str, key: str, regrouped: frozenset[str],
              split: frozenset[str]) -> pa.Table | None:
    """The rows part `key` of table `t` held before this run: its old part, or, for a session
    whose layout changes (one part <-> buckets), the rows of all its old parts that now
    belong to `key`."""
    if old is None:
        return None
    session = parts.session_of_key(key)
    if session in regrouped:
        sources = [k for k in old.parts(t) if parts.session_of_key(k) == session]
    else:
        sources = [key] if key in old.parts(t) else []
    if not sources:
        return None
    table = parts.read_table(out_dir, t, keys=sources, gen=old)
    if table is None:
        raise OSError(f"cannot read part {key} of {t} in {old.path}")
    if session in regrouped:
        keys = parts.part_keys(pa.array([session] * table.num_rows, pa.string()), table["doc_id"], split)
        table = table.filter(pc.equal(keys, key))
    return table


def _changes_nothing(p: Plan, results: list[DocResult]) -> bool:
    """True when the run would write every table as it is: no result came in, and every input
    is the file the `files` table records (same path, size, mtime and hash, done by this
    version). A night without new files then builds no table at all."""
    if results or p.old is None or len(p.previous) != len(p.inputs):
        return False
    for f in p.inputs:
        r = p.previous.get(f.source_file)
        if r is None or f.problem or f.sha256 not in p.done or (r.size, r.mtime_ns, r.sha256) != (f.size, f.mtime_ns, f.sha256):
            return False
    return True


def _finish(out_dir: Path, gen: parts.Generation | None, before: parts.Generation | None, summary: Summary) -> None:
    """After the switch (or none): row counts, the data package, old generations and the journal."""
    now = gen or before or parts.current(out_dir)  # no switch: `before` is still current
    for t in TABLE_ORDER:
        summary.rows[t] = now.rows(t)
        if gen is not None and (before is None or gen.manifest["tables"][t] != before.manifest["tables"][t]):
            summary.written.append(t)
    if write_datapackage(out_dir, now):
        summary.written.append("datapackage.json")
    parts.prune(out_dir)
    clear_work(out_dir)


def commit(out_dir: Path, p: Plan, results: list[DocResult], summary: Summary) -> None:
    """Step 3: this run's results merged into the parts they touch, validated, switched in."""
    if _changes_nothing(p, results):
        summary.failed = sum(r.status == "error" for r in p.previous.values())  # their rows in errors are as they were
        _finish(out_dir, None, p.old, summary)
        return
    by_sha = {r.sha256: r for r in results if r.sha256}
    by_file = {r.source_file: r for r in results if not r.sha256}
    error_rows: list[dict] = []
    carried: list[tuple[str, str]] = []
    error_shas = set(p.old_errors["sha256"].to_pylist())
    for f in p.inputs:
        res = by_sha.get(f.sha256) if f.sha256 else by_file.get(f.source_file)
        if f.problem:
            error_rows.append(f.problem)
        elif res is not None and res.error:
            error_rows.append(with_attempts({**res.error, "source_file": f.source_file}, p.tried.get(f.sha256)))
        elif res is None and f.sha256 in error_shas and f.sha256 in p.done:
            carried.append((f.source_file, f.sha256))
        elif res is None and f.sha256 not in p.done:
            error_rows.append({
                "source_file": f.source_file, "sha256": f.sha256, "stage": "read" if f.sha256 is None else "worker",
                "error_type": "unreadable" if f.sha256 is None else "no_result",
                "message": "cannot read file" if f.sha256 is None else "no result came back for this file; it is retried on the next run",
                "attempts": 1,
            })
    errors = _errors_table(error_rows, carried, p.old_errors)
    failed_files = set(errors["source_file"].to_pylist())
    failed = {f.sha256 for f in p.inputs if f.source_file in failed_files}
    ok = {f.sha256 for f in p.inputs if f.sha256 and f.sha256 not in failed}
    new_shas = {sha for sha in ok if sha in by_sha}
    new_ids = {d for sha in new_shas for d in by_sha[sha].doc_ids}
    paths: dict[str, list[str]] = {}
    for f in p.inputs:
        if f.sha256 in ok:
            paths.setdefault(f.sha256, []).append(f.source_file)
    # Kept questions whose file paths changed (a file copied, renamed or removed): the pairs
    # (path, hash) of good files now and before differ by those.
    now_pairs = {(f.source_file, f.sha256) for f in p.inputs if f.sha256 in ok}
    old_pairs = {(r.source_file, r.sha256) for r in p.previous.values() if r.status == "ok" and r.sha256}
    moved = sorted({sha for _, sha in now_pairs ^ old_pairs} & (ok - new_shas))
    summary.failed = len(failed_files)

    # Old questions kept as they are, and those removed or redone (by content hash, in Arrow).
    kept_mask = pc.is_in(p.index["sha256"], value_set=pa.array(sorted(ok - new_shas), pa.string()))
    kept, dropped = p.index.filter(kept_mask), p.index.filter(pc.invert(kept_mask))
    # This run's rows, converted once per table (not per part: each conversion has a cost of
    # its own); validated part by part below, after the merge (every row of a question is in
    # its question's part, so a duplicate key is always within one part).
    new = {t: rows_table(t, [row for r in results if r.sha256 in new_shas for row in r.rows.get(t, []) if row["doc_id"] in new_ids]) for t in DOC_TABLES}
    new_docs = new["documents"]
    index = pa.concat_tables([kept, new_docs.select(INDEX_COLUMNS)])
    if pc.count_distinct(index["doc_id"]).as_py() != index.num_rows:
        raise SchemaError("documents: duplicate doc_id across sessions")
    # The layout before and after: sessions stored in buckets (see parts.SPLIT_AT); a session
    # that crosses the line this run is regrouped whole.
    old_split = p.old.split_sessions() if p.old is not None else frozenset()
    split = parts.split_sessions(index["session"])
    new_parts = _new_parts(new, split)

    # Parts touched: sessions of questions removed, redone or added, of questions whose
    # paths changed, and of references whose target a new or removed question may change.
    touched = _keys_of(dropped, old_split) | set(new_parts["documents"])
    if moved:
        touched |= _keys_of(kept.filter(pc.is_in(kept["sha256"], value_set=pa.array(moved, pa.string()))), old_split)
    changed = pa.concat_tables([dropped.select(["session", "minister", "number"]), new_docs.select(["session", "minister", "number"])])
    changed = changed.filter(pc.and_(pc.is_valid(changed["number"]), pc.is_valid(changed["session"])))
    if p.old is not None and changed.num_rows:
        refs = parts.read_table(out_dir, "doc_refs", ["doc_id", "ref_type", "number", "session", "date"], gen=p.old)
        if refs is None:
            raise OSError(f"cannot read doc_refs of {p.old.path}")
        touched |= _keys_of(kept, old_split, affected_refs(refs, kept, changed))
    regrouped = old_split ^ split  # sessions whose layout changes this run
    if regrouped:  # every old part of such a session goes; every new part of it (index holds the new questions) is written
        touched = {k for k in touched if parts.session_of_key(k) not in regrouped}
        touched |= _keys_of(index.filter(pc.is_in(index["session"], value_set=pa.array(sorted(regrouped), pa.string()))), split)

    drop_ids = dropped["doc_id"].combine_chunks()
    files = _files_table(p, ok, by_sha, failed_files)
    validate("files", files)

    before = p.old or parts.current(out_dir)

    def write_part(key: str) -> None:
        """Every table's part `key`: the old rows kept, this run's added, checked, written."""
        known = None  # the part's doc_ids: every row of a question lives in its question's part
        for t in DOC_TABLES:
            old = _old_rows(out_dir, p.old, t, key, regrouped, split)
            table = merge(t, old, drop_ids, new_parts[t].get(key))
            if t == "documents":
                table = with_paths(table, paths)
            elif t == "doc_refs":
                table = resolve_targets(index, table)
            if old is not None and old.num_rows:  # this run's rows come sorted (_new_parts)
                table = sort_by_key(t, table)
            validate(t, table, known, by_key=True)
            if t == "documents":
                known = table["doc_id"].combine_chunks()
            next_gen.put(t, key, table)
            del old, table

    # Part by part, each written as soon as it is merged: COMMIT_THREADS parts in memory at a time.
    with parts.NextGeneration(out_dir, reuse=p.old is not None, prev=before) as next_gen:
        _in_threads(write_part, sorted(touched))
        if p.old is not None and regrouped:
            for t in DOC_TABLES:
                for k in p.old.parts(t):
                    if parts.session_of_key(k) in regrouped and k not in touched:
                        next_gen.drop(t, k)  # its rows now live in the session's other parts
        next_gen.put("errors", parts.ALL_KEY, errors)
        next_gen.put("files", parts.ALL_KEY, files)
        gen = next_gen.finish()
    _finish(out_dir, gen, before, summary)


# Parts merged and written at once. Arrow's kernels, Parquet encoding and file writes release
# the GIL, and a commit runs when the workers are done: the serial end of a run uses both cores.
COMMIT_THREADS = 2


def _in_threads(fn: Callable[[str], None], keys: list[str]) -> None:
    """fn(key) for every key, COMMIT_THREADS at a time. The first failure is raised once no
    call runs any more (none is left writing into a generation folder being removed)."""
    pool = ThreadPoolExecutor(COMMIT_THREADS, thread_name_prefix="schv-commit")
    try:
        for _ in pool.map(fn, keys):
            pass
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _extract_locked(raw_dir: Path, out_dir: Path, opts: RunOptions, force: bool, t0: float) -> Summary:
    """Plan, run, commit."""
    summary = Summary()
    p = plan(raw_dir, out_dir, force, summary)
    log.info("%d file(s) seen, %d to process, %d unchanged", len(p.inputs), len(p.todo) + len(p.journaled), summary.unchanged)
    summary.from_checkpoints = len(p.journaled)
    with ExitStack() as later:  # the idle workers exit while the commit runs
        if p.todo and not opts.scheduler:  # documents run here or in workers forked from here
            later.enter_context(executors.warm_heap())
        results = p.journaled + _run_all(p.todo, opts, out_dir, later)
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
    previous = _previous(_old_files(Path(out_dir)))
    errors = parts.read_table(Path(out_dir), "errors")
    error_rows = {r["source_file"]: r for r in errors.to_pylist()} if errors is not None else {}
    out: dict[str, list[str]] = {"processed": [], "pending": [], "failed": [], "removed": []}
    inputs = discover(Path(raw_dir)) if Path(raw_dir).is_dir() else []
    for f in inputs:
        old = previous.get(f.source_file)
        same = old is not None and old.size == f.size and old.mtime_ns == f.mtime_ns
        if old is not None and not same and f.problem is None:
            try:
                same = file_sha256(f.path) == old.sha256
            except OSError:
                same = False
        if old is None or not same or old.pipeline_version != __version__:
            out["pending"].append(f.source_file)
        elif old.status == "error":
            row = error_rows.get(f.source_file)
            out["failed"].append(f"{f.source_file} ({row['error_type']}: {retry_note(row)})" if row else f.source_file)
        else:
            out["processed"].append(f.source_file)
    out["removed"] = sorted(set(previous) - {f.source_file for f in inputs})
    return out
