"""`schv extract` on a temporary folder, as a user runs it: good PDFs beside bad files."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_file
from reportlab.pdfgen import canvas

from pipeline.commit.parts import read_table
from pipeline.schema import TABLE_ORDER, load

# A real PDF that is not a written question (the Flemish budget 2026); a clone without
# ../shared uses a generated stand-in of the same kind (see _budget_like).
REAL_PDF = shared_file("samples/real-pdf/vl_bo2026.pdf")


def schv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=300)


def _encrypted(path: Path) -> None:
    c = canvas.Canvas(str(path), encrypt="geheim")
    c.drawString(72, 720, "SCHRIFTELIJKE VRAAG")
    c.save()


def _scan_like(path: Path) -> None:
    """A page with drawing but no text layer, as a scan without OCR looks to a text extractor."""
    c = canvas.Canvas(str(path))
    for i in range(40):
        c.rect(72, 100 + 15 * i, 400, 10, fill=1)
    c.save()


def _budget_like(path: Path) -> None:
    """Stand-in for the real budget PDF: pages of running text, headings and a ruled table,
    no written-question header and no answer block."""
    c = canvas.Canvas(str(path))
    for page in range(1, 4):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 770, f"Begroting 2026 - Toelichting, deel {page}")
        c.setFont("Helvetica", 10)
        y = 740
        for i in range(12):
            c.drawString(72, y, f"De uitgaven van het beleidsdomein stijgen met {i + 2},5 miljoen euro ten opzichte van 2025 ({i + 1} %).")
            y -= 16
        for row in range(6):  # a ruling-line table, as the real budget has many
            c.line(72, 500 - 20 * row, 500, 500 - 20 * row)
            c.drawString(80, 486 - 20 * row, f"Programma {row + 1}")
            c.drawString(300, 486 - 20 * row, f"{(row + 1) * 125},0")
        for x in (72, 290, 500):
            c.line(x, 500, x, 400)
        c.drawString(300, 60, f"pagina {page}")
        c.showPage()
    c.save()


def test_budget_stand_in_is_refused_as_the_real_one_is(tmp_path: Path) -> None:
    from pipeline.batch.document import process_file

    _budget_like(tmp_path / "budget.pdf")
    res = process_file(tmp_path / "budget.pdf", "budget.pdf")
    assert (res.error["stage"], res.error["error_type"]) == ("segment", "not_written_question")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, sv303_pdf: Path) -> dict:
    base = tmp_path_factory.mktemp("e2e")
    raw, out = base / "raw", base / "processed"
    (raw / "sub").mkdir(parents=True)
    shutil.copy(sv303_pdf, raw / "sv 303 (kopie).pdf")
    shutil.copy(sv303_pdf, raw / "sub" / "vraag-é.pdf")  # same bytes: one document, two paths
    (raw / "empty.pdf").write_bytes(b"")
    (raw / "random.pdf").write_bytes(os.urandom(4096))
    (raw / "page.pdf").write_text("<!DOCTYPE html><html><body>not found</body></html>")
    (raw / "picture.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
    (raw / "truncated.pdf").write_bytes(sv303_pdf.read_bytes()[:3000])
    _encrypted(raw / "encrypted.pdf")
    _scan_like(raw / "scan.pdf")
    if REAL_PDF is not None:
        os.symlink(REAL_PDF, raw / "budget.pdf")
    else:
        _budget_like(raw / "budget.pdf")
    os.symlink(raw / "gone.pdf", raw / "broken-link.pdf")  # unreadable: retried every run
    (raw / "notes.txt").write_text("not a pdf, not looked at")
    before = sorted(p.relative_to(base) for p in base.rglob("*"))
    proc = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2")
    after = sorted(p.relative_to(base) for p in base.rglob("*"))
    return {"raw": raw, "out": out, "proc": proc, "new_paths": sorted(set(after) - set(before))}


def test_nothing_is_written_outside_the_output_folder(run: dict) -> None:
    assert run["new_paths"] and all(p.parts[0] == "processed" for p in run["new_paths"])


def test_exit_code_and_summary(run: dict) -> None:
    proc = run["proc"]
    assert proc.returncode == 1, proc.stderr  # some files failed
    assert "files seen 11" in proc.stderr
    assert "failed 9" in proc.stderr


def test_tables_match_their_schemas(run: dict) -> None:
    for name in TABLE_ORDER:
        table = read_table(run["out"], name)
        assert table.schema.remove_metadata().equals(load(name).arrow(), check_metadata=False), name


def test_bad_files_become_error_rows(run: dict) -> None:
    errors = {r["source_file"]: r for r in read_table(run["out"], "errors").to_pylist()}
    expected = {
        "empty.pdf": ("text", "not_pdf"),
        "random.pdf": ("text", "not_pdf"),
        "page.pdf": ("text", "not_pdf"),
        "picture.pdf": ("text", "not_pdf"),
        "truncated.pdf": ("text", "broken_pdf"),
        "encrypted.pdf": ("text", "encrypted"),
        "scan.pdf": ("text", "no_text_layer"),
        "budget.pdf": ("segment", "not_written_question"),
        "broken-link.pdf": ("read", "unreadable"),
    }
    assert {k: (v["stage"], v["error_type"]) for k, v in errors.items()} == expected
    assert all(r["message"] for r in errors.values())


def test_same_content_is_one_document(run: dict) -> None:
    docs = read_table(run["out"], "documents").to_pylist()
    assert len(docs) == 1
    assert docs[0]["source_files"] == ["sub/vraag-é.pdf", "sv 303 (kopie).pdf"]
    assert docs[0]["number"] == 303


def test_every_mention_slices_its_part(run: dict) -> None:
    doc = read_table(run["out"], "documents").to_pylist()[0]
    parts = {"question": doc["question_text"], "answer": doc["answer_text"]}
    for name in ("items", "dates", "amounts", "article_refs", "doc_refs"):
        rows = read_table(run["out"], name).to_pylist()
        assert rows, name
        for r in rows:
            assert parts[r["part"]][r["char_start"] : r["char_end"]] == r["text"]


def _digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*.parquet"))
    }


def test_rerun_changes_no_byte(run: dict) -> None:
    before = _digest(run["out"])
    proc = schv("extract", "--raw", str(run["raw"]), "--out", str(run["out"]), "--workers", "1")
    assert proc.returncode == 1
    assert "unchanged 10" in proc.stderr  # all but the unreadable link, which is retried
    assert "tables rewritten: none" in proc.stderr
    assert _digest(run["out"]) == before


def test_status_lists_failed_files(run: dict) -> None:
    proc = schv("status", "--raw", str(run["raw"]), "--out", str(run["out"]))
    assert proc.returncode == 0
    assert "processed: 2" in proc.stdout and "failed: 9" in proc.stdout and "pending: 0" in proc.stdout


def test_removed_file_loses_its_rows(tmp_path: Path, sv303_pdf: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    assert schv("extract", "--raw", str(raw), "--out", str(out)).returncode == 0
    assert read_table(out, "dates").num_rows > 0
    (raw / "a.pdf").unlink()
    proc = schv("extract", "--raw", str(raw), "--out", str(out))
    assert proc.returncode == 0
    assert "removed 1" in proc.stderr
    for name in ("documents", "items", "dates", "amounts", "files"):
        assert read_table(out, name).num_rows == 0, name


def test_second_run_waits_for_the_lock(tmp_path: Path, sv303_pdf: Path) -> None:
    from filelock import FileLock

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    out.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    with FileLock(str(out / ".lock")):
        proc = schv("extract", "--raw", str(raw), "--out", str(out))
    assert proc.returncode == 2
    assert "another schv run" in proc.stderr
    assert not (out / "current").exists()


def test_missing_input_folder_is_exit_2(tmp_path: Path) -> None:
    proc = schv("extract", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "input folder not found" in proc.stderr


def test_touched_but_unchanged_file_is_not_pending(tmp_path: Path, sv303_pdf: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "a.pdf")
    assert schv("extract", "--raw", str(raw), "--out", str(out)).returncode == 0
    os.utime(raw / "a.pdf", ns=(1, 1))
    proc = schv("status", "--raw", str(raw), "--out", str(out))
    assert "processed: 1" in proc.stdout and "pending: 0" in proc.stdout
    (raw / "a.pdf").write_bytes(sv303_pdf.read_bytes() + b"%changed\n")
    proc = schv("status", "--raw", str(raw), "--out", str(out))
    assert "pending: 1" in proc.stdout
