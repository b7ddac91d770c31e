"""`make bench` writes only where git does not look: the clone stays clean after it.

The benchmark itself is not run here (minutes of every core); its output paths are checked
against git's own ignore rules.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.tools import bench, bench_archive
from pipeline.tools.bench import DEFAULT_CORPUS, DEFAULT_RESULTS, ROOT, parse_args


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


IN_GIT = shutil.which("git") is not None and _git("rev-parse", "--is-inside-work-tree").stdout.strip() == "true"


def test_defaults_are_the_declared_paths() -> None:
    args = parse_args([])
    assert (Path(args.results), Path(args.corpus)) == (DEFAULT_RESULTS, DEFAULT_CORPUS)
    assert (args.archive, args.archive_args) == (False, [])


@pytest.mark.parametrize("argv", [["--archive", "--sizes", "200"], ["--", "--archive", "--sizes", "200"], ["--archive", "--", "--sizes", "200"]])
def test_archive_options_reach_the_archive_measure(argv: list[str]) -> None:
    args = parse_args(argv)
    assert (args.archive, args.archive_args) == (True, ["--sizes", "200"])


def test_archive_results_go_outside_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SCHV_BENCH_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert bench_archive.results_path() == tmp_path / "cache" / "schv" / "bench" / "archive.json"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ROOT not in bench_archive.results_path().parents
    monkeypatch.setenv("SCHV_BENCH_DIR", str(tmp_path / "b"))
    assert bench_archive.results_path() == tmp_path / "b" / "archive.json"


@pytest.mark.skipif(not IN_GIT, reason="not a git checkout: there is no tracked tree to keep clean")
@pytest.mark.parametrize("path", [DEFAULT_RESULTS, DEFAULT_CORPUS / ".corpus", DEFAULT_CORPUS / "bench-0001.pdf"])
def test_bench_outputs_are_ignored_and_untracked(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    assert _git("check-ignore", "-q", "--no-index", rel).returncode == 0, f"{rel} is not git-ignored"
    assert _git("ls-files", "--", rel).stdout == "", f"{rel} is tracked"


def test_machine_ceiling_runs_in_one_process_and_in_a_pool() -> None:
    files = sorted((ROOT / "raw").glob("*.pdf"))[:4]
    assert files, "raw/ ships sample PDFs"
    ceiling = bench.machine_ceiling(files, 2)  # a ratio of wall times: its value is the machine's, not asserted
    assert math.isfinite(ceiling) and ceiling > 0
