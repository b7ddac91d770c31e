"""Small files of the output folder written atomically, and the run's checkpoint journal.

The tables themselves are parts of one generation (pipeline.commit.parts, read with
`pipeline.commit.parts.read_table`); here are the data package and report (written beside their
target and renamed over it, so a reader only ever sees a complete file) and the journal of
finished documents. Written files get the mode the umask gives, like any file the user
writes (not mkstemp's 0600).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import orjson

WORK_DIR = ".work"


def fsync_path(path: Path) -> None:
    """A file written earlier without fsync reaches the disk; for a folder, a rename or a new
    file in it does (the folder entry, not only the file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_umask() -> int:
    """The process umask (read by setting it, the only portable way, and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600 files; a table is for its readers
    finally:
        os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_path(path.parent)  # the rename itself reaches the disk, in the order tables are written
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> bool:
    """Atomically write a small text file; False (and no write) when it is unchanged."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    _atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
    return True


JOURNAL_GLOB = "journal-*.jsonl"
LEGACY_JOURNAL_GLOB = "journal-*.pkl"  # pickle journals of older versions: removed, never loaded
T = TypeVar("T")


def _encode(value: object) -> object:
    """JSON for the two value types of the tables that JSON lacks, tagged so they come back typed."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot journal a {type(value).__name__}")


def _decode(obj: dict) -> object:
    if len(obj) == 1 and "$decimal" in obj:
        return Decimal(obj["$decimal"])
    if len(obj) == 1 and "$date" in obj:
        return datetime.date.fromisoformat(obj["$date"])
    return obj


def encode_value(obj: object) -> bytes | None:
    """A journal value as UTF-8 JSON: `obj` a dataclass (or dict) of JSON values, dates and
    decimals; None when JSON cannot hold it (only a checkpoint: such a result is redone after a kill).

    orjson, not json.dumps: the standard encoder cost a fifth of the driver's serial work
    (0.3 s for 320 documents, measured). Dates go through `_encode` (OPT_PASSTHROUGH_DATETIME)
    so they keep their tag. Workers call this too, so the driver only frames the bytes.
    """
    # The fields, not dataclasses.asdict: its deep copy of every row cost a third of a
    # document's processing (measured by `make bench`); the encoder walks the values anyway.
    value = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)} if dataclasses.is_dataclass(obj) else obj
    try:
        return orjson.dumps(value, default=_encode, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return None


def decode_value(data: bytes) -> object:
    """What `encode_value` gave, back as Python values (decimals and dates typed again)."""
    return json.loads(data, object_hook=_decode)


class Journal:
    """Finished documents of the running run, appended to one file as they arrive.

    JSON lines, one record per document: loading it can only give back data (a pickle
    journal would run whatever code a crafted file holds). A killed run leaves its journal
    behind and the next run takes the results from it; a record torn by the kill fails to
    load and is simply redone. Flushed, not fsynced: a power cut costs at most some redone
    documents.
    """

    def __init__(self, out_dir: Path):
        self.path = out_dir / WORK_DIR / f"journal-{time.time_ns():020d}-{os.getpid()}.jsonl"  # sorts by time
        self._fh = None

    def append(self, key: str, obj: object) -> None:
        """One record: `obj` a dataclass (or dict) of JSON values, dates and decimals."""
        value = encode_value(obj)
        if value is not None:
            self.append_encoded(key, value)

    def append_encoded(self, key: str, value: bytes) -> None:
        """One record whose value `encode_value` gave already (in a worker, in parallel)."""
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "ab")  # noqa: SIM115 - kept open for the whole run
        self._fh.write(b'{"key":' + orjson.dumps(key) + b',"value":' + value + b"}\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def load_journals(out_dir: Path, decode: Callable[[dict], T]) -> dict[str, T]:
    """Every complete record left by earlier (killed) runs that `decode` accepts.

    `decode` turns a record's value back into its object and raises ValueError, TypeError
    or KeyError for one that does not hold what it should: such a record is redone.
    """
    found: dict[str, T] = {}
    for path in sorted((out_dir / WORK_DIR).glob(JOURNAL_GLOB)):
        with open(path, "rb") as fh:
            for line in fh:
                try:
                    record = decode_value(line)  # bytes that are not UTF-8 fail here (UnicodeDecodeError)
                    found[str(record["key"])] = decode(record["value"])
                except (ValueError, TypeError, KeyError, ArithmeticError):
                    continue  # a record torn by a kill, or not one of ours
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
        for pattern in (JOURNAL_GLOB, LEGACY_JOURNAL_GLOB):
            for p in work.glob(pattern):
                p.unlink(missing_ok=True)
        shutil.rmtree(work / "scratch", ignore_errors=True)
