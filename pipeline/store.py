"""Reading and writing the Parquet tables in the output folder, atomically.

Every table is written beside its target and renamed over it, so a reader (or a run
killed mid-write) only ever sees a complete file. Parquet is written deterministically
(fixed row order, no timestamps), so the same inputs give byte-identical files.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
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


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)  # the rename itself reaches the disk, in the order tables are written
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


def write_text(path: Path, text: str) -> bool:
    """Atomically write a small text file; False (and no write) when it is unchanged."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    _atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
    return True


class Journal:
    """Finished documents of the running run, appended to one file as they arrive.

    A killed run leaves its journal behind and the next run takes the results from it;
    a record torn by the kill fails to load and is simply redone. Flushed, not fsynced:
    a power cut costs at most some redone documents.
    """

    def __init__(self, out_dir: Path):
        self.path = out_dir / WORK_DIR / f"journal-{time.time_ns():020d}-{os.getpid()}.pkl"  # sorts by time
        self._fh = None

    def append(self, key: str, obj: object) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "ab")  # noqa: SIM115 - kept open for the whole run
        pickle.dump((key, obj), self._fh, protocol=5)
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def load_journals(out_dir: Path) -> dict[str, object]:
    """Every complete record left by earlier (killed) runs."""
    found: dict[str, object] = {}
    for path in sorted((out_dir / WORK_DIR).glob("journal-*.pkl")):
        with open(path, "rb") as fh:
            while True:
                try:
                    key, obj = pickle.load(fh)
                except Exception:  # noqa: BLE001 - end of file, or a record torn by a kill
                    break
                found[key] = obj
    return found


def work_dir(out_dir: Path) -> Path:
    """Private scratch space for workers (Word files converted to PDF), inside the output's work folder."""
    scratch = out_dir / WORK_DIR / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    return scratch


def clear_work(out_dir: Path) -> None:
    """After the tables are written, the journals are no longer needed, nor what a killed worker left."""
    work = out_dir / WORK_DIR
    if work.is_dir():
        for p in work.glob("journal-*.pkl"):
            p.unlink(missing_ok=True)
        shutil.rmtree(work / "scratch", ignore_errors=True)
