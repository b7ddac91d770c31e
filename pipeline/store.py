"""Reading and writing the Parquet tables in the output folder, atomically.

Every table is written beside its target and renamed over it, so a reader (or a run
killed mid-write) only ever sees a complete file. Parquet is written deterministically
(fixed row order, no timestamps), so the same inputs give byte-identical files.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import load

WORK_DIR = ".work"


def table_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{load(name).name}.parquet"


def read_table(out_dir: Path, name: str) -> pa.Table | None:
    path = table_path(out_dir, name)
    if not path.exists():
        return None
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid):
        return None  # a damaged table is rebuilt from the inputs


def _atomic_write(path: Path, write, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(out_dir: Path, name: str, table: pa.Table) -> bool:
    """Write atomically; return False (and touch nothing) when the bytes would not change."""
    path = table_path(out_dir, name)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", store_schema=True, write_statistics=True)
    data = sink.getvalue().to_pybytes()
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    _atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
    return True


def save_work(out_dir: Path, key: str, obj: object) -> None:
    """Checkpoint one document's result so a killed run does not redo it."""
    path = out_dir / WORK_DIR / f"{key}.pkl"
    # No fsync: a checkpoint lost to a power cut is only redone (a torn one fails to load).
    _atomic_write(path, lambda tmp: Path(tmp).write_bytes(pickle.dumps(obj, protocol=5)), durable=False)


def load_work(out_dir: Path, key: str) -> object | None:
    path = out_dir / WORK_DIR / f"{key}.pkl"
    if not path.exists():
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a torn checkpoint is just redone
        return None


def clear_work(out_dir: Path) -> None:
    work = out_dir / WORK_DIR
    if work.is_dir():
        for p in work.glob("*.pkl"):
            p.unlink(missing_ok=True)
        for p in work.glob(".*.tmp"):
            p.unlink(missing_ok=True)
