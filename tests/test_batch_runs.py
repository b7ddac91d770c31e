"""Batch behaviour of issue 3 with real processes: workers, Dask, kills, limits, crashes."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec, table_digest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.batch.executors import Task, run_local
from pipeline.batch.run import RunOptions, extract
from pipeline.commit.parts import current, read_table
from pipeline.schema import TABLE_ORDER
from tests.synth import render

TABLES = ("documents", "items", "dates", "amounts", "article_refs", "doc_refs", "errors", "files", "pages", "footnotes")


def schv(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=600, **kw)


def _variant(spec: dict, i: int) -> dict:
    """The same document with another number and date: distinct bytes, distinct doc_id."""
    v = json.loads(json.dumps(spec))
    v["number"] = 300 + i
    v["date_text"] = f"{1 + i % 28} mei 2023"
    return v


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    raw.mkdir()
    spec = load_spec(SAMPLES / "sv303-2022-2023.json")
    for i in range(12):
        render(_variant(spec, i), raw / f"sv{300 + i}.pdf")
    (raw / "bad.pdf").write_bytes(b"%PDF-1.7 broken")
    return raw


def _digests(out: Path) -> dict[str, str]:
    return {t: table_digest(out, t) for t in TABLES}


def test_one_and_two_workers_give_identical_bytes(corpus: Path, tmp_path: Path) -> None:
    extract(corpus, tmp_path / "one", options=RunOptions(workers=1))
    extract(corpus, tmp_path / "two", options=RunOptions(workers=2))
    extract(corpus, tmp_path / "inproc", options=RunOptions(in_process=True))
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two") == _digests(tmp_path / "inproc")
    assert read_table(tmp_path / "one", "documents").num_rows == 12


def test_dask_local_cluster_matches_local_run(corpus: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    extract(corpus, tmp_path / "local", options=RunOptions(workers=1))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = extract(corpus, tmp_path / "dask", options=RunOptions(scheduler=cluster.scheduler_address))
    assert summary.processed == 13
    for t in TABLES:
        a = read_table(tmp_path / "local", t).to_pylist()
        b = read_table(tmp_path / "dask", t).to_pylist()
        assert a == b, t


def test_dask_scheduler_from_environment(corpus: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        env = {**os.environ, "SCHV_DASK_SCHEDULER": cluster.scheduler_address}
        proc = schv("extract", "--raw", str(corpus), "--out", str(tmp_path / "out"), env=env)
    assert proc.returncode == 1, proc.stderr  # bad.pdf failed, the rest done
    assert "Dask cluster" in proc.stderr
    assert read_table(tmp_path / "out", "documents").num_rows == 12


def _hang_on_second(path: Path, source_file: str, sha: str | None, work_dir: Path | None = None):
    from pipeline.batch.document import process_file

    if source_file == "sv301.pdf":
        time.sleep(60)  # a pathological PDF that never finishes
    return process_file(path, source_file, sha, work_dir)


def test_timeout_fails_only_that_file(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.batch.executors as ex

    monkeypatch.setattr(ex, "process_file", _hang_on_second)  # workers fork and inherit it
    started = time.monotonic()
    summary = extract(corpus, tmp_path / "out", options=RunOptions(workers=2, timeout=2))
    assert time.monotonic() - started < 30
    errors = {e["source_file"]: e for e in read_table(tmp_path / "out", "errors").to_pylist()}
    assert summary.failed == 2 and set(errors) == {"sv301.pdf", "bad.pdf"}
    assert errors["sv301.pdf"]["error_type"] == "timeout"
    assert "longer than 2 s" in errors["sv301.pdf"]["message"]
    assert read_table(tmp_path / "out", "documents").num_rows == 11


def _crash_on_second(path: Path, source_file: str, sha: str | None, work_dir: Path | None = None):
    from pipeline.batch.document import process_file

    if source_file == "sv301.pdf":
        import faulthandler

        faulthandler.disable()  # the crash is the point; no traceback dump in the test log
        os.kill(os.getpid(), signal.SIGSEGV)
    return process_file(path, source_file, sha, work_dir)


def test_worker_crash_fails_only_that_file(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.batch.executors as ex

    monkeypatch.setattr(ex, "process_file", _crash_on_second)  # workers fork and inherit it
    tasks = [Task(corpus / f"sv{300 + i}.pdf", f"sv{300 + i}.pdf", None) for i in range(4)]
    results = []
    run_local(tasks, results.append, workers=2)
    by_file = {r.source_file: r for r in results}
    assert by_file["sv301.pdf"].error["error_type"] == "worker_crash"
    assert "SIGSEGV" in by_file["sv301.pdf"].error["message"]
    assert all(by_file[f"sv{n}.pdf"].error is None for n in (300, 302, 303))


def test_window_of_one_per_worker_still_runs_every_file_once(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents are handed to the pool a few at a time: with the smallest window, and a worker
    dying halfway, every file still comes back exactly once."""
    import pipeline.batch.executors as ex

    monkeypatch.setattr(ex, "process_file", _crash_on_second)
    monkeypatch.setattr(ex, "AHEAD_PER_WORKER", 1)
    names = [f"sv{300 + i}.pdf" for i in range(7)]
    results = []
    run_local([Task(corpus / n, n, None) for n in names], results.append, workers=2)
    assert sorted(r.source_file for r in results) == sorted(names)
    assert [r.source_file for r in results if r.error] == ["sv301.pdf"]


def test_workers_exit_when_the_callers_next_step_is_done(corpus: Path) -> None:
    """`later`: run_local returns as soon as the last result is in; the pool's shutdown is
    joined when the caller closes the stack, after which no worker is left."""
    import multiprocessing
    from contextlib import ExitStack

    results = []
    with ExitStack() as later:
        run_local([Task(corpus / "sv300.pdf", "sv300.pdf", None)], results.append, workers=2, later=later)
        assert [r.error for r in results] == [None]
    assert multiprocessing.active_children() == []


def test_the_heap_is_frozen_for_the_run_only() -> None:
    import gc

    from pipeline.batch.executors import warm_heap

    assert gc.get_freeze_count() == 0
    with warm_heap():
        assert gc.get_freeze_count() > 10_000  # the extractors' patterns and word lists
    assert gc.get_freeze_count() == 0


def _greedy_on_second(path: Path, source_file: str, sha: str | None, work_dir: Path | None = None):
    from pipeline.batch.document import process_file

    if source_file == "sv301.pdf":
        hog = bytearray(3 * 1024**3)  # a PDF that blows up in memory
        del hog
    return process_file(path, source_file, sha, work_dir)


def test_memory_limit_fails_only_that_file(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.batch.executors as ex

    monkeypatch.setattr(ex, "process_file", _greedy_on_second)
    tasks = [Task(corpus / f"sv{300 + i}.pdf", f"sv{300 + i}.pdf", None) for i in range(3)]
    results = []
    run_local(tasks, results.append, workers=1, memory_mb=1024)
    by_file = {r.source_file: r for r in results}
    assert by_file["sv301.pdf"].error["error_type"] == "out_of_memory"
    assert by_file["sv300.pdf"].error is None and by_file["sv302.pdf"].error is None


def test_sigkill_mid_run_loses_nothing(corpus: Path, tmp_path: Path) -> None:
    """Kill runs at several moments; the tables stay readable and the next run completes them."""
    reference = tmp_path / "reference"
    extract(corpus, reference, options=RunOptions(workers=1))
    out = tmp_path / "out"
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    first = sorted(raw.glob("sv*.pdf"))[:3]
    keep = tmp_path / "held"
    keep.mkdir()
    for p in sorted(raw.glob("*.pdf")):
        if p not in first:
            shutil.move(p, keep / p.name)
    assert schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "1").returncode == 0
    for p in keep.iterdir():
        shutil.move(p, raw / p.name)
    before = _digests(out)
    rng = random.Random(13)
    for delay in (0.5, 1.5, 2.5, 3.5, *(rng.uniform(0.3, 6.0) for _ in range(4))):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", "--raw", str(raw), "--out", str(out), "--workers", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        _assert_consistent(out)  # one complete generation at every moment
        if _digests(out) != before:
            break  # a run got as far as switching: its generation is a complete one
    final = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2")
    assert final.returncode == 1, final.stderr  # only bad.pdf fails; the lock was not left stale
    assert _digests(out) == _digests(reference)
    assert not list((out / ".work").glob("journal-*"))


def _assert_consistent(out: Path) -> dict[str, int]:
    """The generation `current` points to, read as a reader does: every table readable, row
    counts as its manifest says, every doc_id of every table in its documents."""
    gen = current(out)
    assert gen is not None
    ids = set(read_table(out, "documents", ["doc_id"], gen=gen)["doc_id"].to_pylist())
    counts = {}
    for t in TABLE_ORDER:
        table = read_table(out, t, gen=gen)
        assert table is not None and table.num_rows == gen.rows(t), t
        if "doc_id" in table.column_names:
            assert set(table["doc_id"].to_pylist()) <= ids, t
        counts[t] = table.num_rows
    return counts


READER = """
import json, sys, time
from pathlib import Path
import pandas as pd
out, stop = Path(sys.argv[1]), Path(sys.argv[2])
seen, reads = set(), 0
while not stop.exists():
    state = (out / "current").resolve()
    if not (state / "manifest.json").exists():
        continue
    manifest = json.loads((state / "manifest.json").read_text())
    docs = pd.read_parquet(state / "documents", columns=["doc_id"])
    ids = set(docs.doc_id)
    for t in ("dates", "amounts", "items", "pages", "doc_refs"):
        rows = pd.read_parquet(state / t, columns=["doc_id"])
        assert set(rows.doc_id) <= ids, (t, state)
        assert len(rows) == manifest["tables"][t]["rows"], (t, state)
    assert len(docs) == manifest["tables"]["documents"]["rows"]
    seen.add(manifest["generation"])
    reads += 1
print(json.dumps({"generations": sorted(seen), "reads": reads}))
"""


def test_readers_during_runs_see_one_state(corpus: Path, tmp_path: Path) -> None:
    """A reader that resolves `current` once per read, looping while runs add files, removes
    files and a kill happen: never a table of one run with another run's."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    files = sorted(corpus.glob("sv*.pdf"))
    for p in files[:4]:
        shutil.copy(p, raw / p.name)
    extract(raw, out, options=RunOptions(workers=1))
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for p in files[4:8]:  # runs that add
            shutil.copy(p, raw / p.name)
            assert schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2").returncode == 0
        (raw / files[0].name).unlink()  # a run that removes
        assert schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2").returncode == 0
        shutil.copy(files[8], raw / files[8].name)  # a run killed at some moment
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", "--raw", str(raw), "--out", str(out), "--workers", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(random.Random(5).uniform(1.0, 4.0))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2").returncode == 0
    finally:
        stop.touch()
        stdout, stderr = reader.communicate(timeout=120)
    assert reader.returncode == 0, stderr[-3000:]
    report = json.loads(stdout)
    assert report["reads"] > 0 and len(report["generations"]) >= 3, report
    assert _assert_consistent(out)["documents"] == 8
    # The generation before the current one is kept for readers, older ones are gone.
    assert len(list((out / "gen").iterdir())) == 2


def test_removed_and_readded_files_give_identical_parts(corpus: Path, tmp_path: Path) -> None:
    """Parts of sessions a run did not touch are the previous files (hard links); removing
    a file and adding it back gives byte-identical tables, the same as a fresh run."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(corpus, raw)
    extract(raw, out, options=RunOptions(workers=2))
    want = _digests(out)
    first = current(out)
    shutil.move(raw / "sv305.pdf", tmp_path / "sv305.pdf")
    summary = extract(raw, out, options=RunOptions(workers=2))
    assert summary.removed == 1 and summary.rows["documents"] == 11
    second = current(out)
    assert second.number == first.number + 1
    assert "documents" in summary.written and "files" in summary.written and "errors" not in summary.written
    for t in TABLE_ORDER:  # untouched parts: the same inode as the previous generation's
        unchanged = {p["file"] for p in first.manifest["tables"][t]["parts"]} & {p["file"] for p in second.manifest["tables"][t]["parts"]}
        for f in unchanged:
            assert os.path.samefile(first.path / f, second.path / f), f
    shutil.move(tmp_path / "sv305.pdf", raw / "sv305.pdf")
    extract(raw, out, options=RunOptions(workers=2))
    assert _digests(out) == want
    assert not (out / "gen" / first.path.name).exists()  # two generations back: pruned


def test_four_hundred_pages(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    c = canvas.Canvas(str(raw / "long.pdf"), pagesize=A4, invariant=1)
    for i in range(400):
        c.setFont("Helvetica", 10)
        c.drawString(72, 760, f"Hoofdstuk {i + 1}: overzicht van de begroting 2026 voor beleidsdomein {i % 13}.")
        c.drawString(72, 745, "De uitgaven bedragen 2 miljard euro, zoals bepaald in artikel 12 van het decreet.")
        c.showPage()
    c.save()
    render(load_spec(SAMPLES / "sv303-2022-2023.json"), raw / "good.pdf")
    summary = extract(raw, tmp_path / "out", options=RunOptions(workers=2))
    errors = read_table(tmp_path / "out", "errors").to_pylist()
    assert [(e["source_file"], e["error_type"]) for e in errors] == [("long.pdf", "not_written_question")]
    assert summary.rows["documents"] == 1


def test_json_log_lines(corpus: Path, tmp_path: Path) -> None:
    proc = schv("--json-log", "extract", "--raw", str(corpus), "--out", str(tmp_path / "out"), "--workers", "2")
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
    assert lines and all({"time", "level", "message"} <= set(line) for line in lines)
    assert any(line["message"].startswith("files seen 13") for line in lines)


def test_force_and_version_bump_reprocess(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    extract(corpus, out, options=RunOptions(workers=1))
    assert extract(corpus, out, options=RunOptions(workers=1)).processed == 0
    assert extract(corpus, out, force=True, options=RunOptions(workers=1)).processed == 13
    import pipeline.batch.run

    monkeypatch.setattr(pipeline.batch.run, "__version__", "999.0")
    assert extract(corpus, out, options=RunOptions(in_process=True)).processed == 13


def test_renamed_failed_file_keeps_its_error(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.pdf").write_text("<html>not a pdf</html>")
    extract(raw, out, options=RunOptions(workers=1))
    (raw / "a.pdf").rename(raw / "b.pdf")
    summary = extract(raw, out, options=RunOptions(workers=1))
    assert summary.failed == 1 and summary.processed == 0
    errors = read_table(out, "errors").to_pylist()
    assert [(e["source_file"], e["error_type"]) for e in errors] == [("b.pdf", "not_pdf")]
    files = read_table(out, "files").to_pylist()
    assert [(f["source_file"], f["status"], f["doc_ids"], f["questions"]) for f in files] == [("b.pdf", "error", [], 0)]


def test_damaged_table_makes_the_next_run_redo_the_documents(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    extract(corpus, out, options=RunOptions(workers=2))
    want = _digests(out)
    current(out).files("amounts")[0].write_bytes(b"not parquet any more")
    summary = extract(corpus, out, options=RunOptions(workers=2))
    assert summary.processed == 13
    assert _digests(out) == want


def test_transient_failures_are_retried(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.batch.executors as ex

    out = tmp_path / "out"
    monkeypatch.setattr(ex, "process_file", _hang_on_second)
    extract(corpus, out, options=RunOptions(workers=2, timeout=2))
    monkeypatch.undo()
    summary = extract(corpus, out, options=RunOptions(workers=2))
    assert summary.processed == 1  # only the file that timed out
    assert read_table(out, "documents").num_rows == 12


def test_unlistable_folder_stops_the_run_instead_of_removing_rows(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(corpus, raw / "2023")
    extract(raw, out, options=RunOptions(workers=2))
    before = _digests(out)
    import pipeline.batch.run as run_module

    real_scandir = os.scandir

    def failing_scandir(path):  # as for a folder without read permission (root reads any folder)
        if os.fspath(path) == str(raw / "2023"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", failing_scandir)
    with pytest.raises(run_module.InputUnreadable, match="2023: Permission denied; its files would count as removed"):
        extract(raw, out, options=RunOptions(workers=1))
    monkeypatch.undo()
    assert _digests(out) == before


def test_symlink_loop_is_walked_once(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    os.symlink(raw, raw / "loop")
    summary = extract(raw, tmp_path / "out", options=RunOptions(workers=2))
    assert summary.seen == 13
