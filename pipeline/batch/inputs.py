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

from pipeline.text.word import WORD_SUFFIXES

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


@dataclass(slots=True)  # 150,000 of them in a night's plan
class InputFile:
    source_file: str  # stored form of the path relative to the input folder (see source_name)
    location: str  # the path to open, as the listing found it (a string: 150,000 Path objects cost seconds)
    size: int
    mtime_ns: int
    sha256: str | None = None
    problem: dict | None = None  # an `errors` row known from the listing alone: the file is not opened

    @property
    def path(self) -> Path:
        return Path(self.location)


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
    if "\\" not in rel and (rel.isascii() or _is_utf8(rel)):
        return rel  # the common case, without a look at every character
    text = os.fsencode(rel).decode("utf-8", "surrogateescape")
    return "".join(
        f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else "\\\\" if ch == "\\" else ch
        for ch in text
    )


def _is_utf8(rel: str) -> bool:
    """True when the name's bytes were valid UTF-8 (no byte came back as a lone surrogate)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def input_file(location: str, source_file: str, st: os.stat_result | OSError) -> InputFile:
    """One listed entry from its `stat` (symlinks followed, or the error it gave), never an open."""
    if isinstance(st, OSError):  # a dangling symlink, a file gone since the listing: retried next run
        return InputFile(source_file, location, -1, -1, problem=_problem(source_file, "unreadable", f"cannot read file: {st.strerror}"))
    if not stat.S_ISREG(st.st_mode):
        return InputFile(
            source_file, location, st.st_size, st.st_mtime_ns,
            problem=_problem(source_file, "not_a_regular_file", f"not a regular file but {kind_of(st.st_mode)}; it was not opened"),
        )
    return InputFile(source_file, location, st.st_size, st.st_mtime_ns)


def _is_input(name: str) -> bool:
    return name.lower().endswith(INPUT_SUFFIXES) and not name.startswith((".", "~$"))


def discover(raw_dir: Path) -> list[InputFile]:
    """Every PDF and Word file under raw_dir (symlinks followed), sorted by stored name.

    Hidden files and folders and Word's lock files ("~$name.docx") are not inputs. One
    `os.scandir` per folder and one `stat` per input, on strings: the listing of an
    archive of 150,000 files is a fraction of a second, not a Path object per file.
    """
    found: list[InputFile] = []
    visited: set[tuple[int, int]] = set()
    pending = [(os.fspath(raw_dir), "")]  # (folder to list, its stored-name prefix source)
    while pending:
        folder, rel = pending.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in visited:  # a symlink loop: each folder is walked once
                continue
            visited.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            where = source_name(os.fsdecode(exc.filename)) if exc.filename is not None else folder
            raise InputUnreadable(f"cannot list {where}: {exc.strerror}; its files would count as removed") from exc
        for entry in entries:
            name = entry.name
            if entry.is_dir():  # follows symlinks, like os.walk(followlinks=True)
                if not name.startswith("."):
                    pending.append((entry.path, f"{rel}{name}/"))
            elif _is_input(name):
                try:
                    st = entry.stat()
                except OSError as exc:
                    st = exc
                found.append(input_file(entry.path, source_name(rel + name), st))
    found.sort(key=lambda f: f.source_file)
    return found


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
