"""A plain (not editable) `pip install .` gives a `schv` that runs: the wheel carries `schemas/`.

The package is built from a copy of what a clone holds and installed into a fresh venv
with `--no-deps`; the dependencies come from this test's own environment through a `.pth`
line (appended after the venv's own site-packages, so the installed `pipeline` wins over
the editable one), which keeps the test off the network and under a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pipeline.commit.parts import read_table

ROOT = Path(__file__).resolve().parent.parent
# What the build reads: a file missing here is a file a user's `pip install .` would miss.
BUILD_INPUTS = ("pyproject.toml", "README.md", "pipeline", "schemas")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with schv installed from a built wheel; returns its bin folder."""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "schv_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps", str(src)],
        capture_output=True, text=True, timeout=300, cwd=base,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return venv / "bin"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    code = "import pipeline.schema as s; print(s.__file__); print(s.SCHEMA_DIR.joinpath('files.json'))"
    out = subprocess.run([str(installed / "python"), "-c", code], capture_output=True, text=True, env=_env(), cwd=installed).stdout
    module, schemas = out.splitlines()
    venv = str(installed.parent)
    assert module.startswith(venv), module
    assert schemas.startswith(venv) and schemas.endswith("pipeline/schemas/files.json"), schemas


def test_plain_install_runs_extract(installed: Path, sv303_pdf: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(sv303_pdf, raw / "sv303.pdf")
    proc = subprocess.run([str(installed / "schv"), "extract", "--raw", "raw", "--out", "processed", "--workers", "1"],
                          capture_output=True, text=True, timeout=300, env=_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    docs = read_table(tmp_path / "processed", "documents").to_pylist()  # the installed version's output, read by the checkout's reader
    assert [d["number"] for d in docs] == [303]
    assert (tmp_path / "processed" / "datapackage.json").exists()
    version = subprocess.run([str(installed / "schv"), "--version"], capture_output=True, text=True, env=_env())
    assert version.returncode == 0 and version.stdout.startswith("schv ")
