"""Word files (.docx, .doc) in the input folder are inputs, read through LibreOffice.

The .docx is written by the project's generator (python-docx), the same way the
development set's docx documents are made; the PDF of the same spec in tests/devset/pdf
was converted by LibreOffice outside the pipeline, so both routes must agree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.batch.document import process_file
from pipeline.batch.run import extract
from pipeline.commit.parts import read_table
from pipeline.text import word
from tests.conftest import ROOT, load_spec
from tests.synth.layout_docx import build_docx

needs_soffice = pytest.mark.skipif(word.soffice() is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")
DEVSET = ROOT / "tests" / "devset"
COMPARED = ("number", "question_date", "session", "asker", "minister", "minister_title", "title", "answered", "question_text", "answer_text", "annexes")


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("word") / "dev02.docx"
    build_docx(load_spec(DEVSET / "docs" / "dev02.json"), out)
    return out


def _rows(res, table: str, *fields: str) -> list[tuple]:
    return [tuple(r[f] for f in fields) for r in res.rows[table]]


@needs_soffice
@pytest.mark.parametrize("fmt", ["docx", "doc"])
def test_word_file_gives_what_its_pdf_gives(docx_file: Path, tmp_path: Path, fmt: str) -> None:
    src = docx_file
    if fmt == "doc":  # Word 97 binary, made from the same document by LibreOffice
        subprocess.run(
            [word.soffice(), f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(docx_file)],
            check=True, capture_output=True, timeout=120,
        )
        src = tmp_path / "dev02.doc"
    res = process_file(src, src.name, work_dir=tmp_path)
    ref = process_file(DEVSET / "pdf" / "dev02.pdf", "dev02.pdf")
    assert res.error is None, res.error
    doc, want = res.rows["documents"][0], ref.rows["documents"][0]
    assert {k: doc[k] for k in COMPARED} == {k: want[k] for k in COMPARED}
    assert _rows(res, "items", "part", "label", "numbers") == _rows(ref, "items", "part", "label", "numbers")
    assert _rows(res, "dates", "part", "text", "start") == _rows(ref, "dates", "part", "text", "start")
    assert _rows(res, "amounts", "part", "text", "value") == _rows(ref, "amounts", "part", "text", "value")
    assert doc["sha256"] != want["sha256"] and doc["source_file"] == src.name  # the Word file's own identity
    assert list(tmp_path.glob("word-*")) == []  # the converted PDF does not outlive the task


def test_without_libreoffice_a_word_file_gets_an_error_row_naming_the_package(docx_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word.shutil, "which", lambda name: None)
    res = process_file(docx_file, "dev02.docx")
    assert res.error["error_type"] == "converter_unavailable"
    assert res.error["stage"] == "convert"
    assert "apt-get install libreoffice-writer-nogui" in res.error["message"]


@needs_soffice
@pytest.mark.parametrize(
    ("name", "data", "error_type", "message"),
    [
        ("damaged.docx", b"PK\x03\x04" + b"\x00" * 200, "conversion_failed", "LibreOffice could not convert the file"),
        ("empty.doc", b"", "conversion_failed", "empty file (0 bytes)"),
        ("notes.doc", b"Een boodschappenlijst met brood, kaas en melk voor de hele week.\n" * 5, "not_written_question", "no 'SCHRIFTELIJKE VRAAG' header"),
    ],
)
def test_a_word_file_that_is_no_question_is_an_error_row(tmp_path: Path, name: str, data: bytes, error_type: str, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    res = process_file(path, name, work_dir=tmp_path)
    assert res.error["error_type"] == error_type
    assert res.error["message"].startswith(message)
    assert not res.rows


@needs_soffice
def test_batch_takes_word_files_and_skips_their_lock_files(docx_file: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(docx_file, raw / "dev02.docx")
    (raw / "~$dev02.docx").write_bytes(b"\x00" * 162)  # Word's lock file beside an open document
    shutil.copy(DEVSET / "pdf" / "dev01.pdf", raw / "dev01.pdf")
    summary = extract(raw, tmp_path / "out")
    assert (summary.seen, summary.failed) == (2, 0)
    files = read_table(tmp_path / "out", "files").to_pylist()
    assert [(f["source_file"], f["questions"], f["status"]) for f in files] == [("dev01.pdf", 1, "ok"), ("dev02.docx", 1, "ok")]
    docs = read_table(tmp_path / "out", "documents").to_pylist()
    assert sorted(d["source_file"] for d in docs) == ["dev01.pdf", "dev02.docx"]
    assert not (tmp_path / "out" / ".work" / "scratch").exists()
    again = extract(raw, tmp_path / "out")
    assert (again.unchanged, again.processed, again.written) == (2, 0, [])
