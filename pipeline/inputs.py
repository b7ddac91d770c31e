"""The input folder: which entries are read, how their names are stored, reading without blocking.

Only regular files (and symlinks to them) are ever opened. Opening a FIFO waits for a
writer forever, a device may never end (or rewind a tape), so a FIFO, socket or device
named *.pdf gets an `errors` row (`not_a_regular_file`) from its `stat` alone. Every open
is non-blocking and checked again on the open file, so an entry swapped for a FIFO between
the listing and the read cannot stall the run either.

Names are stored as text. A name that is not valid UTF-8 (disks copied from old systems)
is stored reversibly with backslash escapes: see `source_name` and `name_bytes`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.word import WORD_SUFFIXES

INPUT_SUFFIXES = (".pdf", *sorted(WORD_SUFFIXES))
HEAD_BYTES = 1024  # enough to tell what kind of file it is
_BLOCK = 1 << 20
_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


class InputUnreadable(RuntimeError):
    """A folder of the input cannot be listed: better no run than rows removed by mistake."""


class NotRegularFile(OSError):
    """An entry that is not a regular file: never read."""


@dataclass
class InputFile:
    source_file: str  # stored form of the path relative to the input folder (see source_name)
    path: Path
    size: int
    mtime_ns: int
    sha256: str | None = None
    problem: dict | None = None  # an `errors` row known from the listing alone: the file is not opened


def kind_of(mode: int) -> str:
    """What a non-regular entry is, in words."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def source_name(rel: str) -> str:
    """The stored, always valid UTF-8 form of a relative path as `os.walk` gives it.

    The name's bytes are read as UTF-8; a byte that is not valid UTF-8 becomes the four
    characters `\\xNN` (NN two lowercase hex digits) and a backslash becomes `\\\\`, so
    no two names share a stored form and `name_bytes` gives the exact bytes back. A name
    that is valid UTF-8 and has no backslash is stored as it is.
    """
    text = os.fsencode(rel).decode("utf-8", "surrogateescape")
    return "".join(
        f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else "\\\\" if ch == "\\" else ch
        for ch in text
    )


_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")


def name_bytes(source_file: str) -> bytes:
    """The file name bytes a stored `source_file` stands for: the inverse of `source_name`."""
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(source_file):
        out += source_file[pos : m.start()].encode("utf-8")
        out += b"\\" if m.group(1) == "\\" else bytes([int(m.group(1)[1:], 16)])
        pos = m.end()
    out += source_file[pos:].encode("utf-8")
    return bytes(out)


def _problem(source_file: str, error_type: str, message: str) -> dict:
    return {"source_file": source_file, "sha256": None, "stage": "read", "error_type": error_type, "message": message, "attempts": 1}


def input_file(path: Path, source_file: str) -> InputFile:
    """One listed entry: size and mtime from `stat` (symlinks followed), never an open."""
    try:
        st = os.stat(path)
    except OSError as exc:  # a dangling symlink, a file gone since the listing: retried next run
        return InputFile(source_file, path, -1, -1, problem=_problem(source_file, "unreadable", f"cannot read file: {exc.strerror}"))
    if not stat.S_ISREG(st.st_mode):
        return InputFile(
            source_file, path, st.st_size, st.st_mtime_ns,
            problem=_problem(source_file, "not_a_regular_file", f"not a regular file but {kind_of(st.st_mode)}; it was not opened"),
        )
    return InputFile(source_file, path, st.st_size, st.st_mtime_ns)


def discover(raw_dir: Path) -> list[InputFile]:
    """Every PDF and Word file under raw_dir (symlinks followed), sorted by stored name.

    Hidden files and Word's lock files ("~$name.docx") are not inputs.
    """
    found: list[InputFile] = []
    visited: set[tuple[int, int]] = set()

    def unreadable(exc: OSError) -> None:
        raise InputUnreadable(f"cannot list {source_name(str(exc.filename))}: {exc.strerror}; its files would count as removed") from exc

    for root, dirs, files in os.walk(raw_dir, followlinks=True, onerror=unreadable):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in visited:  # a symlink loop: each folder is walked once
            dirs[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.lower().endswith(INPUT_SUFFIXES) or name.startswith((".", "~$")):
                continue
            path = Path(root) / name
            found.append(input_file(path, source_name(path.relative_to(raw_dir).as_posix())))
    return sorted(found, key=lambda f: f.source_file)


def open_regular(path: Path) -> BinaryIO:
    """Open for reading only if it is a regular file; never blocks on a FIFO or device."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"not a regular file but {kind_of(mode)}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file's bytes, streamed (OSError for anything else)."""
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """One input read once, through one open file: its hash and the bytes the stages use.

    A file moved, renamed or rewritten while the run goes cannot give rows that disagree
    with the hash they are stored under.
    """

    sha256: str
    head: bytes
    data: bytes | None  # the whole content, kept only when the head says it is worth reading


def snapshot(path: Path, keep: Callable[[bytes], bool]) -> Snapshot:
    """Hash the file; keep its bytes in memory only when `keep(head)` (a PDF), else stream them."""
    h = hashlib.sha256()
    with open_regular(path) as fh:
        head = fh.read(HEAD_BYTES)
        h.update(head)
        if keep(head):
            data = head + fh.read()
            h.update(data[len(head) :])
            return Snapshot(h.hexdigest(), head, data)
        for block in iter(lambda: fh.read(_BLOCK), b""):
            h.update(block)
    return Snapshot(h.hexdigest(), head, None)
