"""Shared fixtures: PDFs rendered from specs (never hand-made text files)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.synth import render

ROOT = Path(__file__).resolve().parent.parent
# The workspace's read-only samples beside the clone; SCHV_SHARED points elsewhere (or nowhere).
SHARED = Path(os.environ.get("SCHV_SHARED", ROOT.parent / "shared"))
SAMPLES = ROOT / "tests" / "synth" / "samples"


def shared_file(relative: str) -> Path | None:
    """A file from ../shared when this clone has it beside it (CI, the workspace), else None:
    a test then uses its own generated stand-in."""
    path = SHARED / relative
    return path if path.is_file() else None


def load_spec(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sv303_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real SV 303 text (shared/samples) rendered as a Word-like PDF, without header."""
    out = tmp_path_factory.mktemp("sv303") / "sv303.pdf"
    render(load_spec(SAMPLES / "sv303-2022-2023.json"), out)
    return out


@pytest.fixture(scope="session")
def render_spec(tmp_path_factory: pytest.TempPathFactory):
    """Render a spec dict to a PDF in a fresh folder and return its path."""
    def _render(spec: dict, name: str = "doc.pdf") -> Path:
        out = tmp_path_factory.mktemp("spec") / name
        render(spec, out)
        return out

    return _render


def table_digest(out: Path, name: str) -> str:
    """SHA-256 over the bytes of a table's parts in the current generation, in manifest order."""
    from pipeline.commit.parts import current

    h = hashlib.sha256()
    for path in current(out).files(name):
        h.update(path.read_bytes())
    return h.hexdigest()
