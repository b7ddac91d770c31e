"""Tables stored in parts, switched as one generation: one consistent state for readers.

Layout of the output folder:

    current -> gen/000007                 symlink: the state a reader opens
    gen/000007/manifest.json              every table's parts and row counts
    gen/000007/documents/2022-2023.3f2a9c81d0e4b7a5.parquet   one part per session
    gen/000007/files/all.<hash>.parquet   tables without a session: one part
    gen/000006/...                        the previous generation, kept for open readers

A run builds a new generation folder: parts it did not touch are hard links to the
previous generation's files, touched parts are new files named by the hash of their
bytes; then `current` is switched by one atomic rename. A reader that resolves `current`
once sees one run's tables, all of them, until the run after next removes that folder.
A night therefore writes the sessions it touched, not the archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import TABLE_ORDER, empty_table, load
from pipeline.store import fsync_dir

CURRENT = "current"
GEN_DIR = "gen"
MANIFEST = "manifest.json"
EMPTY_KEY = "empty"  # the one part of a table without rows: every table is at least one file
ALL_KEY = "all"  # the part key of tables that are not split by session (files, errors)
NO_SESSION_KEY = "none"


def part_key(session: str | None) -> str:
    """The part a question's rows live in: its session ("2022-2023"), or "none"."""
    return session if session else NO_SESSION_KEY


@dataclass(frozen=True)
class Generation:
    """One complete state of the output folder: a generation folder and its manifest."""

    path: Path
    manifest: dict

    @property
    def number(self) -> int:
        return int(self.manifest["generation"])

    def parts(self, name: str) -> dict[str, dict]:
        """Part key -> {"key", "file", "rows"} of one table."""
        return {p["key"]: p for p in self.manifest["tables"][name]["parts"]}

    def files(self, name: str, keys: Iterable[str] | None = None) -> list[Path]:
        """Paths of a table's part files (of `keys` only, when given), in manifest order."""
        wanted = None if keys is None else set(keys)
        return [self.path / p["file"] for p in self.manifest["tables"][name]["parts"] if wanted is None or p["key"] in wanted]

    def rows(self, name: str) -> int:
        return sum(p["rows"] for p in self.manifest["tables"][name]["parts"])


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


def schemas_match(gen: Generation) -> bool:
    """Every part of every table readable and of the declared types (footers only, no rows)."""
    for name in TABLE_ORDER:
        want = [(f.name, f.type) for f in load(name).arrow()]
        for path in gen.files(name):
            try:
                got = pq.read_schema(path)
            except (OSError, pa.ArrowInvalid):
                return False
            if [(f.name, f.type) for f in got] != want:
                return False
    return True


def part_bytes(table: pa.Table) -> bytes:
    """Deterministic Parquet bytes (fixed row order, no timestamps): same rows, same bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", store_schema=True, write_statistics=True)
    return sink.getvalue().to_pybytes()


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _gen_number(path: Path) -> int | None:
    return int(path.name) if path.name.isdigit() else None


def write_generation(out_dir: Path, touched: dict[str, dict[str, pa.Table]], *, reuse: bool = True) -> Generation | None:
    """Write the next generation and switch `current` to it; None when nothing would change.

    `touched` gives, per table, the new content of the parts it changes (key -> table; a
    table without rows removes that part). Every other part is carried over from the
    current generation as a hard link, unless `reuse` is False (the old state is damaged
    or a forced run: then `touched` holds every part, and every file is written anew).
    """
    out_dir = Path(out_dir)
    prev = current(out_dir)
    base = prev if reuse else None
    tables: dict[str, dict] = {}
    payload: dict[str, bytes] = {}
    for name in TABLE_ORDER:
        folder = load(name).name
        parts = dict(base.parts(name)) if base is not None else {}
        new = touched.get(name, {})
        for key, table in new.items():
            was = parts.pop(key, None)
            if table.num_rows:
                parts[key] = _part_entry(folder, key, table, payload)
                if was is not None and was["file"] == parts[key]["file"]:
                    del payload[was["file"]]  # the same bytes: linked, not written again
        if len(parts) > 1 or (parts and EMPTY_KEY not in parts):
            parts.pop(EMPTY_KEY, None)
        if not parts:
            parts[EMPTY_KEY] = _part_entry(folder, EMPTY_KEY, empty_table(load(name).arrow()), payload)
        ordered = [parts[k] for k in sorted(parts)]
        tables[name] = {"rows": sum(p["rows"] for p in ordered), "parts": ordered}
    if base is not None and tables == base.manifest["tables"]:
        return None

    gens = out_dir / GEN_DIR
    gens.mkdir(parents=True, exist_ok=True)
    number = (prev.number if prev else 0) + 1
    for p in gens.iterdir():  # what a killed run left half-written: no reader ever saw it
        n = _gen_number(p)
        if n is None or n >= number:
            shutil.rmtree(p, ignore_errors=True)
    target = gens / f"{number:06d}"
    manifest = {"generation": number, "tables": tables}
    target.mkdir()
    for name in TABLE_ORDER:
        (target / load(name).name).mkdir()
        for p in tables[name]["parts"]:
            dest = target / p["file"]
            if p["file"] in payload:
                _write_file(dest, payload[p["file"]])
            else:
                try:
                    os.link(prev.path / p["file"], dest)
                except OSError:
                    shutil.copy2(prev.path / p["file"], dest)  # a file system without hard links
        fsync_dir(target / load(name).name)
    _write_file(target / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    fsync_dir(target)
    _switch(out_dir, target)
    return Generation(target, manifest)


def _part_entry(folder: str, key: str, table: pa.Table, payload: dict[str, bytes]) -> dict:
    data = part_bytes(table)
    file = f"{folder}/{key}.{hashlib.sha256(data).hexdigest()[:16]}.parquet"
    payload[file] = data
    return {"key": key, "file": file, "rows": table.num_rows}


def _switch(out_dir: Path, target: Path) -> None:
    """`current` -> target, by one rename of a new symlink over the old one (atomic on POSIX)."""
    tmp = out_dir / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(target.relative_to(out_dir), tmp)
    os.replace(tmp, out_dir / CURRENT)
    fsync_dir(out_dir)


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
