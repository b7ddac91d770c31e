"""Word files (.doc, .docx) as inputs: converted to PDF by LibreOffice, then read like any PDF.

Why LibreOffice rather than reading .docx with python-docx: Word's automatic numbering
("1.", "a)") is not in the document text but in its numbering definitions, footnotes and
tables sit in other parts of the file, and .doc is a binary format python-docx cannot
read. LibreOffice lays the document out as Word would, so the PDF route (item labels,
ruling-line tables, footnotes by position) serves Word files unchanged.

Each conversion runs in its own process group with a private LibreOffice profile (two
workers converting at once would otherwise fight over one profile), under a time limit,
inside the worker that processes the file, so the worker's memory limit applies too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import DocumentError

WORD_SUFFIXES = frozenset({".doc", ".docx"})
INSTALL_HINT = "install LibreOffice: apt-get install libreoffice-writer-nogui"
# Below the default per-file time limit (executors.DEFAULT_TIMEOUT), so a hung conversion
# is ended here, with its process group, rather than by the worker being killed.
CONVERT_TIMEOUT = 90.0


class ConverterUnavailable(DocumentError):
    stage, error_type = "convert", "converter_unavailable"


class ConversionFailed(DocumentError):
    stage, error_type = "convert", "conversion_failed"


def is_word_file(path: Path | str) -> bool:
    return Path(path).suffix.lower() in WORD_SUFFIXES


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data: bytes, suffix: str, out_dir: Path, timeout: float = CONVERT_TIMEOUT) -> bytes:
    """The PDF of a Word file's bytes, converted inside `out_dir` (created; the caller removes it)."""
    exe = soffice()
    if exe is None:
        raise ConverterUnavailable(f"a Word file needs LibreOffice to be read, and it is not installed; {INSTALL_HINT}")
    if not data:
        raise ConversionFailed("empty file (0 bytes)")
    out_dir.mkdir(parents=True, exist_ok=True)
    # LibreOffice names its output after the input; a private file with a plain name keeps
    # odd file names (spaces, non-UTF-8 bytes) away from its command line.
    src = out_dir / f"input{suffix.lower()}"
    src.write_bytes(data)
    with tempfile.TemporaryDirectory(prefix="lo-profile-", dir=out_dir) as profile:
        cmd = [
            exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(out_dir), str(src),
        ]
        env = {**os.environ, "HOME": profile}  # LibreOffice writes under HOME; a cron user may have none
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise ConversionFailed(f"LibreOffice did not convert the file within {timeout:.0f} s") from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    pdf = out_dir / "input.pdf"
    if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        reason = (err or b"").decode("utf-8", "replace").strip().splitlines()
        raise ConversionFailed(
            "LibreOffice could not convert the file (not a Word document, damaged, or password-protected)"
            + (f": {reason[-1][:200]}" if reason and proc.returncode != 0 else "")
        )
    return pdf.read_bytes()
