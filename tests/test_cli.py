"""The `schv` command as people use it: bad values refused (exit 2), options in either place,
`-V`, missing folders, Ctrl-C, failed files named, progress without a terminal."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, load_spec

from pipeline import __version__
from pipeline.batch.progress import LogProgress
from pipeline.cli import main
from pipeline.commit.store import JOURNAL_GLOB
from tests.synth import render

ROOT = Path(__file__).resolve().parent.parent
MISSING = "/nonexistent/schv-folder"


def schv(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=600, **kw)


@pytest.mark.parametrize(("argv", "message"), [
    (["extract", "--workers", "-3"], "argument --workers: must be a whole number >= 0 (0: all cores), not '-3'"),
    (["extract", "--workers", "two"], "argument --workers: must be a whole number >= 0"),
    (["extract", "--workers", "1.5"], "argument --workers: must be a whole number >= 0"),
    (["extract", "--timeout", "-1"], "argument --timeout: must be a number of seconds >= 0 (0: no limit), not '-1'"),
    (["extract", "--timeout", "nan"], "argument --timeout: must be a number of seconds >= 0"),
    (["extract", "--timeout", "inf"], "argument --timeout: must be a number of seconds >= 0"),
    (["extract", "--memory-mb", "-1"], "argument --memory-mb: must be a whole number >= 0 (0: no limit)"),
    (["extract", "--max-tasks", "0"], "argument --max-tasks: must be a whole number >= 1, not '0'"),
    (["extract", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: command"),
])
def test_invalid_values_are_refused_with_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["-V"], ["--version"], ["extract", "-V"], ["status", "--version"]])
def test_version(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 0
    assert capsys.readouterr().out == f"schv {__version__}\n"


@pytest.fixture(scope="module")
def one_doc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("one") / "raw"
    raw.mkdir()
    render(load_spec(SAMPLES / "sv303-2022-2023.json"), raw / "sv303.pdf")
    return raw


@pytest.mark.parametrize(("command", "message"), [
    (["extract", "--raw", MISSING, "--out", "{tmp}/out"], f"input folder not found: {MISSING}"),
    (["status", "--raw", MISSING, "--out", "{tmp}"], f"input folder not found: {MISSING}"),
    (["status", "--raw", "{raw}", "--out", MISSING], f"output folder not found: {MISSING}"),
    (["report", "--out", MISSING], f"output folder not found: {MISSING}"),
    (["report", "--out", "{tmp}"], "no tables in {tmp}: run `schv extract --out {tmp}` first"),
    (["eval", "--devset", MISSING], f"development set not found: {MISSING}"),
])
def test_missing_folders_are_exit_2(command: list[str], message: str, one_doc: Path, tmp_path: Path) -> None:
    fill = {"tmp": str(tmp_path), "raw": str(one_doc)}
    proc = schv(*(a.format(**fill) for a in command))
    assert proc.returncode == 2, proc.stderr
    assert message.format(**fill) in proc.stderr
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("argv", [
    ["--json-log", "status", "--raw", MISSING],
    ["status", "--json-log", "--raw", MISSING],
    ["status", "--raw", MISSING, "--json-log"],
    ["extract", "--raw", MISSING, "--json-log"],
])
def test_global_option_before_or_after_the_subcommand(argv: list[str]) -> None:
    proc = schv(*argv)
    assert proc.returncode == 2
    line = json.loads(proc.stderr.strip().splitlines()[-1])
    assert line["level"] == "ERROR" and "input folder not found" in line["message"]


@pytest.mark.parametrize(("given", "workers"), [([], os.cpu_count()), (["--workers", "0"], os.cpu_count()), (["--workers", "3"], 3)])
def test_workers_zero_means_all_cores(given: list[str], workers: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pipeline.batch.run

    seen = {}

    def fake_extract(raw, out, *, force, options):
        seen["workers"] = options.workers
        return pipeline.batch.run.Summary()

    monkeypatch.setattr(pipeline.batch.run, "extract", fake_extract)
    assert main(["extract", "--raw", str(tmp_path), "--out", str(tmp_path / "out"), *given]) == 0
    assert seen["workers"] == workers


def test_failed_files_are_named_at_warning_then_counted(one_doc: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.pdf").write_bytes((one_doc / "sv303.pdf").read_bytes())
    for i in range(23):
        (raw / f"bad{i:02d}.pdf").write_bytes(f"<html>page {i} not found</html>".encode())
    proc = schv("extract", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "2")
    assert proc.returncode == 1
    named = re.findall(r"WARNING failed: (bad\d\d\.pdf) \(text, not_pdf\): \S", proc.stderr)
    assert named == [f"bad{i:02d}.pdf" for i in range(20)]
    assert f"WARNING ... and 3 more failed files: see the errors table in {tmp_path / 'out' / 'current' / 'errors'}" in proc.stderr
    assert "failed 23" in proc.stderr


def test_ctrl_c_is_one_line_exit_130_and_the_next_run_continues(one_doc: Path, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    pdf = (one_doc / "sv303.pdf").read_bytes()
    for i in range(40):  # distinct bytes: 40 documents, more than a run gets through before the signal
        (raw / f"d{i:02d}.pdf").write_bytes(pdf + f"%copy {i}\n".encode())
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", "--raw", str(raw), "--out", str(out), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(p.stat().st_size for p in (out / ".work").glob(JOURNAL_GLOB)):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the driver and its workers
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert sum("interrupted" in line for line in lines) == 1
    m = re.search(r"WARNING interrupted: (\d+) documents? checkpointed; run again to continue$", lines[-1])
    assert m, lines[-1]
    checkpointed = int(m.group(1))
    assert 1 <= checkpointed < 40

    again = schv("extract", "--raw", str(raw), "--out", str(out), "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert f"documents processed 40 ({checkpointed} from checkpoints of an interrupted run)" in again.stderr


@pytest.mark.parametrize(("times", "total", "logged"), [
    ([1, 2, 3, 4, 5.5, 6, 11, 12], 8, [5, 7, 8]),      # every 5 s, and the last one always
    ([0.1, 0.2, 0.3], 3, [3]),                        # a quick batch: one line at the end
    ([6, 20, 21], 3, [1, 2, 3]),                      # slow documents: one line each
    ([4.9, 9.8, 10.0], 10, [2]),                      # 5 s since the last line (here: since the start)
])
def test_progress_without_a_terminal_is_time_based(times: list[float], total: int, logged: list[int]) -> None:
    clock = iter([0.0, *times])
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    log = logging.getLogger("schv.test-progress")
    log.addHandler(Capture())
    log.setLevel(logging.INFO)
    bar = LogProgress(total, log, every=5.0, clock=lambda: next(clock))
    for _ in times:
        bar.update()
    assert [int(re.match(r"processed (\d+)/", r).group(1)) for r in records] == logged
    assert all(r.endswith(f"/{total} files ({t:.1f} s)") for r, t in zip(records, [times[n - 1] for n in logged], strict=True))
