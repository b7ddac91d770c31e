"""The annotated sets' source format (tests/devset/FORMAT.md), as far as evaluation reads it.

`make eval` needs a source's shape and its inherited keys ("base"); the fixture generator in
tests/synth renders the same sources and imports these from here, so the format has one reader.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any


def shape_of(spec: dict[str, Any]) -> str:
    """The shape `make eval` reports a spec under: its `"shape"`, else "sv" or "docx" by renderer."""
    if spec.get("shape"):
        return str(spec["shape"])
    if spec.get("keep_docx"):
        return "docx-file"
    return "docx" if spec.get("renderer") == "docx" else "sv"


def load_spec(path: pathlib.Path) -> dict[str, Any]:
    """Read a spec; a `"base": "dev01.json"` is replaced by that spec (same folder) with this
    spec's other keys laid over it, so a rotated copy or a scan names its upright document."""
    path = pathlib.Path(path)
    spec = json.loads(path.read_text(encoding="utf-8"))
    if "base" in spec:
        base = load_spec(path.parent / spec.pop("base"))
        base.pop("shape", None)
        base.pop("keep_docx", None)
        spec = {**base, **spec}
    return spec
