"""Issue 10, with real files and real processes: odd files never stop, stall or fool a run.

Beside the bad PDFs of test_end_to_end.py: entries that are no files (FIFO, socket, device),
names that are not UTF-8, files that vanish or change during a run, a PDF that makes
pdfium abort every time, a PDF with /Count 0, the umask, and a crafted journal.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import shutil
import socket
import stat
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec
from reportlab.pdfgen import canvas

from pipeline import __version__
from pipeline.batch.document import DocResult, process_file
from pipeline.batch.inputs import file_sha256, name_bytes, source_name
from pipeline.batch.run import RunOptions, extract
from pipeline.commit.parts import current, read_table
from pipeline.commit.store import Journal, load_journals
from pipeline.text.filekind import describe
from tests.synth import render

SECRET = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


def schv(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=300, **kw)


def rows(out: Path, table: str) -> list[dict]:
    return read_table(out, table).to_pylist()


def variant(path: Path, number: int) -> Path:
    """SV 303 with another number: other bytes, another document."""
    spec = load_spec(SAMPLES / "sv303-2022-2023.json")
    spec["number"] = number
    render(spec, path)
    return path


def no_pages_pdf(path: Path) -> None:
    """A valid PDF whose page tree is empty (/Count 0), as reportlab writes it without a page."""
    canvas.Canvas(str(path)).save()


def flate_bomb(path: Path, megabytes: int) -> None:
    """One page whose content stream inflates to `megabytes` MB of spaces (about 0.5 % of it on disk)."""
    co = zlib.compressobj(1)
    block = b" " * (1 << 20)
    stream = b"".join(co.compress(block) for _ in range(megabytes)) + co.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())


# --- 1, 2, 4, 6: a folder of odd entries beside good PDFs, as `schv extract` sees it ---------------


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory, sv303_pdf: Path):
    base = tmp_path_factory.mktemp("odd")
    raw, out, outside = base / "raw", base / "processed", base / "outside"
    raw.mkdir()
    outside.mkdir()
    shutil.copy(sv303_pdf, raw / "good.pdf")
    shutil.copy(sv303_pdf, os.path.join(os.fsencode(raw), b"bad\xffname.pdf"))  # not UTF-8: Latin-1 "ÿ"
    shutil.copy(sv303_pdf, raw / "a\\b.pdf")
    os.mkfifo(raw / "y.pdf")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(raw / "sock.pdf"))
    os.symlink("/dev/zero", raw / "zero.pdf")
    (outside / "accounts").write_bytes(SECRET)
    os.symlink(outside / "accounts", raw / "accounts.pdf")  # a link to a file outside the input folder
    (raw / "page.pdf").write_text("<!DOCTYPE html><html><body>404 not found</body></html>")
    (raw / "picture.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    (raw / "empty.pdf").write_bytes(b"")
    no_pages_pdf(raw / "nopages.pdf")
    # A writer waiting on the FIFO: it finishes only if somebody opens the FIFO for reading.
    writer = subprocess.Popen(["sh", "-c", 'echo data > "$0"', str(raw / "y.pdf")])
    try:
        first = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2")
        second = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "1")
        status = schv("status", "--raw", str(raw), "--out", str(out))
        fifo_opened = writer.poll() is not None
        yield {"raw": raw, "out": out, "first": first, "second": second, "status": status, "fifo_opened": fifo_opened}
    finally:
        writer.kill()
        writer.wait()
        sock.close()


def test_odd_entries_neither_stall_nor_stop_the_run(odd: dict) -> None:
    assert odd["first"].returncode == 1, odd["first"].stderr  # some files failed, each with its row
    assert "files seen 11" in odd["first"].stderr and "failed 8" in odd["first"].stderr
    assert not odd["fifo_opened"]
    assert odd["second"].returncode == 1, odd["second"].stderr  # no lock left behind, nothing stale
    assert "tables rewritten: none" in odd["second"].stderr


# (file, stage, error_type, words the message must hold)
ODD_ERRORS = [
    ("y.pdf", "read", "not_a_regular_file", "a FIFO (named pipe); it was not opened"),
    ("sock.pdf", "read", "not_a_regular_file", "a socket; it was not opened"),
    ("zero.pdf", "read", "not_a_regular_file", "a character device; it was not opened"),
    ("accounts.pdf", "text", "not_pdf", "not a PDF: the file is a text file"),
    ("page.pdf", "text", "not_pdf", "not a PDF: the file is an HTML page"),
    ("picture.pdf", "text", "not_pdf", "not a PDF: the file is a PNG image"),
    ("empty.pdf", "text", "not_pdf", "not a PDF: the file is empty (0 bytes)"),
    ("nopages.pdf", "text", "no_pages", "a PDF with no pages"),
]


@pytest.mark.parametrize(("name", "stage", "error_type", "words"), ODD_ERRORS, ids=[c[0] for c in ODD_ERRORS])
def test_odd_entry_gets_its_row(odd: dict, name: str, stage: str, error_type: str, words: str) -> None:
    errors = {r["source_file"]: r for r in rows(odd["out"], "errors")}
    assert (errors[name]["stage"], errors[name]["error_type"]) == (stage, error_type)
    assert words in errors[name]["message"]
    assert "PDFium: Success" not in errors[name]["message"]


def test_every_failure_has_its_row(odd: dict) -> None:
    errors = rows(odd["out"], "errors")
    assert sorted(r["source_file"] for r in errors) == sorted(c[0] for c in ODD_ERRORS)
    files = {r["source_file"]: r["status"] for r in rows(odd["out"], "files")}
    assert sorted(k for k, v in files.items() if v == "error") == sorted(c[0] for c in ODD_ERRORS)


def test_messages_never_quote_file_contents(odd: dict) -> None:
    for table in ("errors", "files", "documents"):
        text = json.dumps(rows(odd["out"], table), default=str)
        for piece in (b"root:x", b"daemon", b"<!DOCTYPE", b"404 not found", b"PNG\\r"):
            assert piece.decode() not in text, (table, piece)
        assert not re.search(r"\bb['\"]", text), table  # no bytes repr (a hash ending in "b" is no quote)


def test_names_that_are_not_utf8_get_their_rows(odd: dict) -> None:
    docs = rows(odd["out"], "documents")
    assert len(docs) == 1
    # the documented escaping: byte 0xff -> "\xff", a backslash -> "\\"
    assert docs[0]["source_files"] == ["a\\\\b.pdf", "bad\\xffname.pdf", "good.pdf"]
    assert docs[0]["number"] == 303


def test_every_stored_name_leads_back_to_its_file(odd: dict) -> None:
    raw = os.fsencode(odd["raw"])
    for r in rows(odd["out"], "files"):
        assert os.path.lexists(os.path.join(raw, name_bytes(r["source_file"]))), r["source_file"]


def test_status_names_the_odd_entries(odd: dict) -> None:
    proc = odd["status"]
    assert proc.returncode == 0, proc.stderr
    assert "processed: 3" in proc.stdout and "failed: 8" in proc.stdout and "pending: 0" in proc.stdout
    assert "  y.pdf (not_a_regular_file: retried on the next run)" in proc.stdout.splitlines()
    assert "  page.pdf (not_pdf: lasting until the file changes)" in proc.stdout.splitlines()


def test_a_good_file_added_beside_a_non_utf8_name_appears(tmp_path: Path, sv303_pdf: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, os.path.join(os.fsencode(raw), b"vraag-\xe9.pdf"))  # "é" in Latin-1
    assert schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "1").returncode == 0
    variant(raw / "later.pdf", 404)
    proc = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert sorted((d["source_file"], d["number"]) for d in rows(out, "documents")) == [("later.pdf", 404), ("vraag-\\xe9.pdf", 303)]


# (name bytes on disk, stored form): written from the escaping documented in schemas/files.json
NAMES = [
    (b"plain.pdf", "plain.pdf"),
    (b"sub/caf\xc3\xa9.pdf", "sub/café.pdf"),  # valid UTF-8 stays as it is
    (b"bad\xffname.pdf", "bad\\xffname.pdf"),
    (b"\xe9t\xe9.pdf", "\\xe9t\\xe9.pdf"),  # Latin-1 from an old disk
    (b"a\\b.pdf", "a\\\\b.pdf"),
    (b"x\\xff.pdf", "x\\\\xff.pdf"),  # a real backslash-x-f-f is not mistaken for an escape
    (b"half\xe2\x82.pdf", "half\\xe2\\x82.pdf"),  # a cut multi-byte character
]


@pytest.mark.parametrize(("on_disk", "stored"), NAMES)
def test_name_escaping_is_reversible(on_disk: bytes, stored: str) -> None:
    assert source_name(os.fsdecode(on_disk)) == stored
    assert name_bytes(stored) == on_disk
    stored.encode("utf-8")  # always storable in Parquet


# --- 3: a file that vanishes or changes during the run -------------------------------------------------


def _move_away(raw: Path, hold: Path) -> None:
    os.rename(raw / "b.pdf", hold / "b.pdf")  # what a sync tool does; rename keeps bytes and mtime


def _rewrite(raw: Path, hold: Path) -> None:
    variant(hold / "new.pdf", 505)
    os.replace(hold / "new.pdf", raw / "b.pdf")


@pytest.mark.parametrize(
    ("action", "error_type", "number_after"),
    [(_move_away, "unreadable", 404), (_rewrite, "changed", 505)],
    ids=["moved-away-and-back", "rewritten"],
)
def test_file_that_vanishes_or_changes_mid_run_is_retried(tmp_path: Path, sv303_pdf: Path, action, error_type: str, number_after: int) -> None:
    raw, out, hold = tmp_path / "raw", tmp_path / "out", tmp_path / "hold"
    raw.mkdir()
    hold.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    variant(raw / "b.pdf", 404)

    def observer(res: DocResult) -> None:  # runs between a.pdf and b.pdf: after b was listed and hashed
        if res.source_file == "a.pdf":
            action(raw, hold)

    summary = extract(raw, out, options=RunOptions(in_process=True, observer=observer))
    errors = rows(out, "errors")
    assert summary.failed == 1
    assert [(e["source_file"], e["stage"], e["error_type"]) for e in errors] == [("b.pdf", "read", error_type)]
    assert "retried on the next run" in errors[0]["message"]
    if (hold / "b.pdf").exists():
        os.rename(hold / "b.pdf", raw / "b.pdf")  # back, with the same bytes and mtime
        status = schv("status", "--raw", str(raw), "--out", str(out))
        assert "  b.pdf (unreadable: retried on the next run)" in status.stdout.splitlines()
    proc = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert rows(out, "errors") == []
    assert sorted(d["number"] for d in rows(out, "documents")) == [303, number_after]
    status = schv("status", "--raw", str(raw), "--out", str(out))
    assert "processed: 2" in status.stdout and "failed: 0" in status.stdout


# --- 5: a PDF that makes pdfium abort every time ------------------------------------------------------


def test_a_crash_that_repeats_on_the_same_bytes_becomes_lasting(tmp_path: Path, sv303_pdf: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "good.pdf")
    flate_bomb(raw / "bomb.pdf", 400)  # inflates past the 300 MB worker limit: pdfium aborts (SIGABRT)
    args = ("extract", "--raw", str(raw), "--out", str(out), "--workers", "1", "--memory-mb", "300")

    def bomb_row() -> tuple:
        errors = rows(out, "errors")
        assert [e["source_file"] for e in errors] == ["bomb.pdf"]
        return errors[0]["error_type"], errors[0]["attempts"]

    def status_line() -> str:
        lines = schv("status", "--raw", str(raw), "--out", str(out)).stdout.splitlines()
        return next(line for line in lines if "bomb.pdf" in line)

    first = schv(*args)
    assert first.returncode == 1, first.stderr
    assert bomb_row() == ("worker_crash", 1)
    assert status_line() == "  bomb.pdf (worker_crash: retried on the next run)"

    second = schv(*args)
    assert "documents processed 1" in second.stderr  # tried once more
    assert bomb_row() == ("worker_crash", 2)
    assert "lasting: failed 2 times in a row on these bytes" in status_line()

    third = schv(*args)
    assert third.returncode == 1  # still a failed file, with its row
    assert "documents processed 0" in third.stderr and "tables rewritten: none" in third.stderr
    assert bomb_row() == ("worker_crash", 2)
    assert [d["number"] for d in rows(out, "documents")] == [303]


# --- 7: output files follow the umask ------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o007])
def test_output_files_follow_the_umask(tmp_path: Path, sv303_pdf: Path, umask: int) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    proc = subprocess.run(
        ["sh", "-c", f'umask {umask:03o} && exec "$0" -m pipeline.cli extract --raw "$1" --out "$2" --workers 1', sys.executable, raw, out],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    gen = current(out).path
    written = sorted(p for p in gen.rglob("*") if p.is_file()) + [out / "datapackage.json"]
    assert len(written) == 14  # a part of each of the 12 tables, the manifest, the data package
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
    for folder in [gen, *(p for p in gen.iterdir() if p.is_dir())]:  # the generation and its table folders
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask, folder.name


# --- 8: the journal holds data only ---------------------------------------------------------------------


class _Payload:
    """Unpickling this creates a file: what a crafted pickle journal could do (and worse)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_crafted_journal_runs_no_code_and_fakes_no_rows(tmp_path: Path, sv303_pdf: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    sha = file_sha256(raw / "a.pdf")
    work = out / ".work"
    work.mkdir(parents=True)
    marker = tmp_path / "code-ran"
    (work / "journal-00000000000000000001-1.pkl").write_bytes(pickle.dumps((f"{sha}-{__version__}", _Payload(marker))))
    fake = {"source_file": "a.pdf", "sha256": sha, "doc_ids": [sha[:16]], "rows": {"documents": [{"doc_id": 7}]}, "error": None, "warnings": [], "cost": {}}
    lines = [
        json.dumps({"key": f"{sha}-{__version__}", "value": fake}),  # rows of the wrong types
        json.dumps({"key": f"{sha}-{__version__}", "value": {**fake, "rows": {"../../etc/x": []}}}),  # no such table
        json.dumps({"key": f"{sha}-{__version__}", "value": {**fake, "extra": 1}}),  # not a result
        '{"key": "torn by a kill", "value": {"sourc',
    ]
    (work / "journal-00000000000000000002-1.jsonl").write_text("\n".join(lines))
    proc = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    assert "documents processed 1" in proc.stderr
    assert [d["number"] for d in rows(out, "documents")] == [303]  # processed again, not taken from the journal
    assert list(work.iterdir()) == []


def test_journal_gives_back_the_result_it_was_given(tmp_path: Path, sv303_pdf: Path) -> None:
    res = process_file(sv303_pdf, "a.pdf")
    assert res.rows["amounts"] and res.rows["dates"]  # decimals and dates go through JSON
    journal = Journal(tmp_path)
    journal.append("k", res)
    journal.close()
    back = load_journals(tmp_path, DocResult.from_record)["k"]
    assert (back.source_file, back.sha256, back.doc_ids, back.warnings, back.error) == (res.source_file, res.sha256, res.doc_ids, res.warnings, res.error)
    assert back.rows == res.rows


# --- exit codes: 2 is one line, also for a run that cannot finish ---------------------------------------


def test_a_run_that_cannot_finish_exits_2_with_one_line(tmp_path: Path, sv303_pdf: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    script = (
        "import sys\nimport pipeline.batch.run\n"
        "def broken(*a, **k):\n    raise RuntimeError('merge is broken')\n"
        "pipeline.batch.run.merge = broken\n"
        "from pipeline.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, "extract", "--raw", str(raw), "--out", str(out), "--workers", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    problems = [line for line in proc.stderr.splitlines() if " ERROR " in line or "Traceback" in line]
    assert len(problems) == 1 and "could not finish: RuntimeError: merge is broken" in problems[0]
    assert current(out) is None and not (out / "gen").exists()  # no generation was written


# --- what a file is, in words (table-driven, from the first bytes) ---------------------------------------


KINDS = [
    (b"", "empty (0 bytes)"),
    (b"\x00" * 512, "only zero bytes"),
    (b"<!DOCTYPE html><html><head><title>Fout</title></head></html>", "an HTML page"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(64), "a JPEG image"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(32), "a GIF image"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(30) + b"[Content_Types].xml", "an Office document (.docx, .xlsx, .pptx) or another ZIP archive"),
    (b"{\\rtf1\\ansi Geachte minister}", "an RTF document"),
    (SECRET, "a text file"),
    ("Geachte minister, één vraag over de begroting.\n".encode("latin-1"), "a text file"),
    (bytes(range(256)) * 4, "binary data of no known kind"),
]


@pytest.mark.parametrize(("head", "words"), KINDS, ids=[k[1] for k in KINDS])
def test_a_file_is_described_not_quoted(head: bytes, words: str) -> None:
    assert describe(head) == words
