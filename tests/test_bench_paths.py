"""`make bench` writes only where git does not look: the clone stays clean after it.

The benchmark itself is not run here (minutes of every core); its output paths are checked
against git's own ignore rules.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.bench import DEFAULT_CORPUS, DEFAULT_RESULTS, ROOT, parse_args


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


IN_GIT = shutil.which("git") is not None and _git("rev-parse", "--is-inside-work-tree").stdout.strip() == "true"


def test_defaults_are_the_declared_paths() -> None:
    args = parse_args([])
    assert (Path(args.results), Path(args.corpus)) == (DEFAULT_RESULTS, DEFAULT_CORPUS)


@pytest.mark.skipif(not IN_GIT, reason="not a git checkout: there is no tracked tree to keep clean")
@pytest.mark.parametrize("path", [DEFAULT_RESULTS, DEFAULT_CORPUS / ".corpus", DEFAULT_CORPUS / "bench-0001.pdf"])
def test_bench_outputs_are_ignored_and_untracked(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    assert _git("check-ignore", "-q", "--no-index", rel).returncode == 0, f"{rel} is not git-ignored"
    assert _git("ls-files", "--", rel).stdout == "", f"{rel} is tracked"
