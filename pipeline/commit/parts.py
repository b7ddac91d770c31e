"""Tables stored in parts, switched as one generation: one consistent state for readers.

Layout of the output folder:

    current -> gen/000007                 symlink: the state a reader opens
    gen/000007/manifest.json              every table's parts and row counts
    gen/000007/documents/2022-2023.8.3f2a9c81d0e4b7a5.parquet   a part per session and bucket
    gen/000007/documents/2003-2004.5d0c1e2f3a4b5c6d.parquet     a small session: one part
    gen/000007/files/all.<hash>.parquet   tables without a session: one part
    gen/000006/...                        the previous generation, kept for open readers

A question's rows live in the part of its session; a session of SPLIT_AT questions or
more is cut by the first hex digit of the doc_id (a hash, so 16 buckets of even size):
a night that adds 20 questions to a big archive rewrites at most 20 buckets, a few hundred
questions each, not 20 sessions of thousands, and a small archive stays a few files per
table (16 per session gave 1,700 files for 320 questions, and their writing cost more than
reading the PDFs). The layout follows from the state alone (how many questions a session
holds now), so the same inputs give the same parts however the archive grew.
A run builds a new generation folder: each touched part is written as soon as it is
merged (one part in memory at a time), under a name given by the hash of its bytes;
parts it did not touch are hard links to the previous generation's files; every new file
is fsynced, then `current` is switched by one atomic rename. A reader that resolves
`current` once sees one run's tables, all of them, until the run after next removes that folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.commit.store import fsync_path
from pipeline.schema import TABLE_ORDER, empty_table, load

CURRENT = "current"
GEN_DIR = "gen"
MANIFEST = "manifest.json"
EMPTY_KEY = "empty"  # the one part of a table without rows: every table is at least one file
ALL_KEY = "all"  # the part key of tables that are not split by session (files, errors)
NO_SESSION_KEY = "none"


BUCKET_CHARS = 1  # leading doc_id characters (hex) that name a part within a split session: 16 parts
SPLIT_AT = 2048  # questions from which a session is stored in buckets rather than one part


def split_sessions(sessions: pa.Array | pa.ChunkedArray) -> frozenset[str]:
    """The sessions (as part keys name them) holding SPLIT_AT questions or more: stored in buckets."""
    counts = pc.value_counts(_session_keys(sessions)) if len(sessions) else []
    return frozenset(c["values"].as_py() for c in counts if c["counts"].as_py() >= SPLIT_AT)


def _session_keys(sessions: pa.Array | pa.ChunkedArray) -> pa.Array:
    valid = pc.fill_null(pc.not_equal(sessions, ""), False)
    return pc.if_else(valid, sessions, pa.scalar(NO_SESSION_KEY))


def session_of_key(key: str) -> str:
    """"2022-2023.8" and "2022-2023" -> "2022-2023" (sessions hold no dot)."""
    return key.split(".", 1)[0]


def part_keys(sessions: pa.Array | pa.ChunkedArray, doc_ids: pa.Array | pa.ChunkedArray, split: Collection[str] = ()) -> pa.Array:
    """The part each question's rows live in: its session ("2022-2023"; "none" without one),
    and for a session in `split` the first hex digit of its doc_id too ("2022-2023.8")."""
    session = _session_keys(sessions)
    if split:
        bucket = pc.binary_join_element_wise(session, pc.utf8_slice_codeunits(doc_ids, 0, BUCKET_CHARS), ".")
        keys = pc.if_else(pc.is_in(session, value_set=pa.array(sorted(split), pa.string())), bucket, session)
    else:
        keys = session
    return keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys


def split_parts(table: pa.Table, keys: pa.Array | pa.ChunkedArray, order_by: Sequence[str] = ()) -> dict[str, pa.Table]:
    """`table` cut by part key (`keys`, one per row, none null), in key order, each part in
    the row order it had or sorted by the columns `order_by`: one sort and a slice per
    part, not a filter and a sort per part (a first run over an archive has thousands)."""
    if not len(keys):
        return {}
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    by = pa.Table.from_arrays([keys, *(table[c] for c in order_by)], names=[str(i) for i in range(len(order_by) + 1)])
    order = pc.sort_indices(by, sort_keys=[(name, "ascending") for name in by.column_names])  # stable
    table, runs = table.take(order), pc.run_end_encode(keys.take(order))
    out, start = {}, 0
    for key, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
        out[key] = table.slice(start, end - start)
        start = end
    return out


@dataclass(frozen=True)
class Generation:
    """One complete state of the output folder: a generation folder and its manifest."""

    path: Path
    manifest: dict

    @property
    def number(self) -> int:
        return int(self.manifest["generation"])

    def parts(self, name: str) -> dict[str, dict]:
        """Part key -> {"key", "file", "rows", "bytes"} of one table."""
        return {p["key"]: p for p in self.manifest["tables"][name]["parts"]}

    def files(self, name: str, keys: Iterable[str] | None = None) -> list[Path]:
        """Paths of a table's part files (of `keys` only, when given), in manifest order."""
        wanted = None if keys is None else set(keys)
        return [self.path / p["file"] for p in self.manifest["tables"][name]["parts"] if wanted is None or p["key"] in wanted]

    def rows(self, name: str) -> int:
        return sum(p["rows"] for p in self.manifest["tables"][name]["parts"])

    def split_sessions(self) -> frozenset[str]:
        """The sessions this generation stores in buckets (its keys of documents with a dot)."""
        return frozenset(session_of_key(k) for k in self.parts("documents") if "." in k)


def current(out_dir: Path) -> Generation | None:
    """The generation `out_dir/current` points to, resolved once; None before the first run."""
    link = Path(out_dir) / CURRENT
    try:
        target = link.resolve(strict=True)
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if set(manifest.get("tables", {})) != set(TABLE_ORDER):
        return None
    return Generation(target, manifest)


def read_table(out_dir: Path, name: str, columns: list[str] | None = None, keys: Iterable[str] | None = None,
               gen: Generation | None = None) -> pa.Table | None:
    """One table of the current generation (or of `gen`): its parts (of `keys`) concatenated,
    only `columns` when given; None when there is no generation or a part cannot be read."""
    gen = gen or current(out_dir)
    if gen is None:
        return None
    schema = load(name).arrow()
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    tables = []
    for path in gen.files(name, keys):
        try:
            # ParquetFile, not pq.read_table: that loads pyarrow.dataset, which loads pandas (0.6 s of start-up)
            tables.append(pq.ParquetFile(path).read(columns=columns).select(schema.names).cast(schema))
        except (OSError, KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # a damaged part: the caller rebuilds from the inputs
    return pa.concat_tables(tables) if tables else empty_table(schema)


@cache
def schemas_digest() -> str:
    """A digest of every declared column and Parquet type: the manifest records the one its
    parts were written with."""
    declared = [["layout", SPLIT_AT, BUCKET_CHARS]] + [[name, [(f["name"], f["arrow"]) for f in load(name).fields]] for name in TABLE_ORDER]
    return hashlib.sha256(json.dumps(declared).encode()).hexdigest()[:16]


def schemas_match(gen: Generation) -> bool:
    """Every part of `gen` present, written with today's schemas and layout, and of the size
    its manifest records: a generation a run can build on.

    One `stat` per part, not one footer read (an archive has thousands of parts). A
    manifest without today's `schemas` digest was written with other column types or by a
    version that cut parts otherwise (one per session): its keys would not be the parts a
    run touches, so it is not built on; the run redoes every document once.
    """
    if gen.manifest.get("schemas") != schemas_digest():
        return False
    for name in TABLE_ORDER:
        for part in gen.manifest["tables"][name]["parts"]:
            try:
                if os.stat(gen.path / part["file"]).st_size != part["bytes"]:
                    return False
            except (OSError, KeyError):
                return False
    return True


# Parts of at least this many rows are zstd-compressed, smaller ones Snappy-compressed. zstd
# sets up a context per column chunk: on the small parts of a young archive or a small
# session (a few hundred rows) that cost 2.3 times Snappy's CPU for files 11% smaller (measured on the bench corpus's 216 parts), while
# on large parts its ratio pays. Readers (pyarrow, DuckDB, polars) read either.
ZSTD_FROM_ROWS = 2048


def part_bytes(table: pa.Table, name: str | None = None) -> bytes:
    """Deterministic Parquet bytes (fixed row order, no timestamps): same rows, same bytes.

    A part of table `name` keeps min/max statistics for the columns its schema lets keep
    them (TableSchema.with_statistics); without a name, for every column.
    """
    sink = pa.BufferOutputStream()
    table = table.combine_chunks()  # the same rows give the same pages, however they were put together
    codec = "zstd" if table.num_rows >= ZSTD_FROM_ROWS else "snappy"
    statistics = load(name).with_statistics if name is not None else True
    pq.write_table(table, sink, compression=codec, store_schema=True, write_statistics=statistics)
    return sink.getvalue().to_pybytes()


def _write_file(path: Path, data: bytes, sync: bool = True) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())


def _gen_number(path: Path) -> int | None:
    return int(path.name) if path.name.isdigit() else None


class NextGeneration:
    """The generation a run is writing, switched in by `finish`; a context manager that
    removes the half-written folder when the run fails before that.

    `put` writes one part at once (so a run holds one merged part in memory, not every
    part it touched); every part not put is carried over from the current generation as
    a hard link, unless `reuse` is False (the old state is damaged or a forced run: then
    every part is put, and every file is written anew). Part files are fsynced together
    in `finish`, before the manifest and the switch (an fsync right after each write cost
    three times the CPU and twice the wall, measured): a crash before the switch leaves a
    folder no reader sees, removed by the next run.
    """

    def __init__(self, out_dir: Path, *, reuse: bool = True, prev: Generation | None = None):
        """`prev`: the current generation, when the caller (holding the run lock) has read it
        already; its manifest of thousands of parts is then not parsed again."""
        self.out_dir = Path(out_dir)
        self.prev = prev if prev is not None else current(self.out_dir)
        self.base = self.prev if reuse else None
        self.number = (self.prev.number if self.prev else 0) + 1
        gens = self.out_dir / GEN_DIR
        gens.mkdir(parents=True, exist_ok=True)
        for p in gens.iterdir():  # what a killed run left half-written: no reader ever saw it
            n = _gen_number(p)
            if n is None or n >= self.number:
                shutil.rmtree(p, ignore_errors=True)
        self.path = gens / f"{self.number:06d}"
        self.path.mkdir()
        for name in TABLE_ORDER:
            (self.path / load(name).name).mkdir()
        self.parts = {name: dict(self.base.parts(name)) if self.base is not None else {} for name in TABLE_ORDER}
        self.new_files: set[str] = set()

    def __enter__(self) -> NextGeneration:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

    def put(self, name: str, key: str, table: pa.Table) -> None:
        """The new content of one part (a table without rows removes the part), written now.
        Threads may put different parts at once (each dict and set change is one step under the GIL)."""
        self.parts[name].pop(key, None)
        if table.num_rows:
            self.parts[name][key] = self._write(name, key, table)

    def drop(self, name: str, key: str) -> None:
        """The part is not carried over (its rows now live under other keys)."""
        self.parts[name].pop(key, None)

    def _write(self, name: str, key: str, table: pa.Table) -> dict:
        data = part_bytes(table, name)
        file = f"{load(name).name}/{key}.{hashlib.sha256(data).hexdigest()[:16]}.parquet"
        was = self.base.parts(name).get(key) if self.base is not None else None
        if was is None or was["file"] != file:  # the same bytes as the part it replaces: linked, not written again
            _write_file(self.path / file, data, sync=False)  # fsynced in `finish`, with the others
            self.new_files.add(file)
        return {"key": key, "file": file, "rows": table.num_rows, "bytes": len(data)}

    def finish(self) -> Generation | None:
        """Link the parts not put, write the manifest, switch `current`; None (and nothing
        switched) when every table is as it was."""
        tables: dict[str, dict] = {}
        for name in TABLE_ORDER:
            parts = self.parts[name]
            if len(parts) > 1 or (parts and EMPTY_KEY not in parts):
                parts.pop(EMPTY_KEY, None)
            if not parts:
                parts[EMPTY_KEY] = self._write(name, EMPTY_KEY, empty_table(load(name).arrow()))
            ordered = [parts[k] for k in sorted(parts)]
            tables[name] = {"rows": sum(p["rows"] for p in ordered), "parts": ordered}
        if self.base is not None and tables == self.base.manifest["tables"]:
            self.abort()
            return None
        for file in sorted(self.new_files):
            fsync_path(self.path / file)
        for name in TABLE_ORDER:
            for p in tables[name]["parts"]:
                if p["file"] not in self.new_files:
                    try:
                        os.link(self.prev.path / p["file"], self.path / p["file"])
                    except OSError:
                        shutil.copy2(self.prev.path / p["file"], self.path / p["file"])  # a file system without hard links
                        fsync_path(self.path / p["file"])
            fsync_path(self.path / load(name).name)
        manifest = {"generation": self.number, "schemas": schemas_digest(), "tables": tables}
        _write_file(self.path / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
        fsync_path(self.path)
        _switch(self.out_dir, self.path)
        return Generation(self.path, manifest)

    def abort(self) -> None:
        """Remove what this run wrote; the output folder is as it was (no empty gen/ of a first run)."""
        shutil.rmtree(self.path, ignore_errors=True)
        with contextlib.suppress(OSError):  # other generations are there
            self.path.parent.rmdir()


def write_generation(out_dir: Path, touched: dict[str, dict[str, pa.Table]], *, reuse: bool = True) -> Generation | None:
    """Write the next generation from `touched` (per table, part key -> new content) and
    switch `current` to it; None when nothing would change. See NextGeneration."""
    with NextGeneration(out_dir, reuse=reuse) as gen:
        for name in TABLE_ORDER:
            for key, table in touched.get(name, {}).items():
                gen.put(name, key, table)
        return gen.finish()


def _switch(out_dir: Path, target: Path) -> None:
    """`current` -> target, by one rename of a new symlink over the old one (atomic on POSIX)."""
    tmp = out_dir / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(target.relative_to(out_dir), tmp)
    os.replace(tmp, out_dir / CURRENT)
    fsync_path(out_dir)


def prune(out_dir: Path) -> None:
    """Remove generations other than the current one and the one before it (a reader may
    still be reading that), whatever killed runs left half-written, and the one-file
    tables (`<table>.parquet`) of versions before parts."""
    now = current(out_dir)
    if now is not None:
        for name in TABLE_ORDER:
            (Path(out_dir) / f"{load(name).name}.parquet").unlink(missing_ok=True)
    gens = Path(out_dir) / GEN_DIR
    if now is None or not gens.is_dir():
        return
    older = [n for n in (_gen_number(p) for p in gens.iterdir()) if n is not None and n < now.number]
    keep = {now.path.name, *(f"{max(older):06d}" for _ in older[:1])}
    for p in gens.iterdir():
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
