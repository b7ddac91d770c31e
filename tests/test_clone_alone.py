"""A clone with nothing beside it (no ../shared) passes the tests that use ../shared here.

The clone is a copy of the files git knows (tracked, or new and not ignored) in a fresh
folder; its tests find their generated stand-ins instead of the workspace's samples.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The tests that read a file from ../shared (through conftest.shared_file) when it is there.
USES_SHARED = ["tests/test_end_to_end.py", "-k", "bad_files_become_error_rows or exit_code_and_summary"]


def _clone_files() -> list[str]:
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"], capture_output=True, text=True)
    return [f for f in proc.stdout.split("\0") if f] if proc.returncode == 0 else []


@pytest.mark.skipif(shutil.which("git") is None or not _clone_files(), reason="not a git checkout: the clone is made from git's file list")
def test_clone_without_shared_passes(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    for rel in _clone_files():
        src = ROOT / rel
        if src.is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, clone / rel)
    assert not (clone.parent / "shared").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("SCHV_SHARED", "PYTHONPATH")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *USES_SHARED],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "2 passed" in proc.stdout and "skipped" not in proc.stdout, proc.stdout[-2000:]
