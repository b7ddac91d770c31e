"""Render development-set document specs (tests/devset/FORMAT.md) to realistic PDFs.

The real documents are Word exports; we cannot ship those, so the development set is
described as JSON and rendered here, either natively with reportlab (fast, byte-stable)
or through python-docx + LibreOffice (closer to a Word pipeline, slower).
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_FURNITURE",
    "Footnote",
    "SofficeMissingError",
    "block_kind",
    "furniture",
    "is_lettered",
    "parse_inline",
    "render",
]

DEFAULT_FURNITURE: dict[str, Any] = {"page_numbers": "plain", "running_header": None}

_LETTERED = re.compile(r"[a-zA-Z]\)")


class SofficeMissingError(RuntimeError):
    """Raised by the docx renderer when LibreOffice is not installed."""


@dataclass(frozen=True)
class Footnote:
    """An inline `[^N: body]` footnote: `label` is printed as the marker and before the body."""

    label: str
    body: str


def parse_inline(text: str) -> list[str | Footnote]:
    """Split paragraph text into text runs and footnotes.

    Brackets inside a footnote body are balanced, so a body may itself contain "[...]".
    Whitespace just before a marker is dropped: Word glues the marker to the word.
    """
    out: list[str | Footnote] = []
    pos = 0
    while True:
        start = text.find("[^", pos)
        colon = text.find(":", start) if start >= 0 else -1
        if start < 0 or colon < 0:
            break
        depth = 1
        end = colon + 1
        while end < len(text) and depth:
            if text[end] == "[":
                depth += 1
            elif text[end] == "]":
                depth -= 1
            end += 1
        if depth:
            break
        before = text[pos:start].rstrip()
        if before:
            out.append(before)
        out.append(Footnote(text[start + 2 : colon].strip(), text[colon + 1 : end - 1].strip()))
        pos = end
    if pos < len(text):
        out.append(text[pos:])
    return out


def block_kind(block: Any) -> str:
    """Classify a question/answer block: "para", "item", "bullets" or "table"."""
    if isinstance(block, str):
        return "para"
    if not isinstance(block, dict):
        raise ValueError(f"unknown block: {block!r}")
    for key, kind in (("table", "table"), ("bullets", "bullets"), ("label", "item")):
        if key in block:
            return kind
    raise ValueError(f"unknown block: {block!r}")


def is_lettered(label: str) -> bool:
    """Lettered labels ("a)") are indented one step deeper than numbers, as in Word."""
    return bool(_LETTERED.fullmatch(label.strip()))


def furniture(spec: dict[str, Any]) -> dict[str, Any]:
    """Page furniture with defaults filled in (absent key: plain page numbers, no header)."""
    out = dict(DEFAULT_FURNITURE)
    out.update(spec.get("furniture") or {})
    if out["page_numbers"] not in (None, "plain", "of"):
        raise ValueError(f"furniture.page_numbers: {out['page_numbers']!r}")
    return out


def render(spec: dict[str, Any], out_pdf: pathlib.Path) -> None:
    """Render one spec to `out_pdf`, dispatching on `spec["shape"]` (synth/shapes.py), then `spec["renderer"]`."""
    out_pdf = pathlib.Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    renderer = spec.get("renderer") or "reportlab"
    if spec.get("shape") in ("multi", "rotated", "scan") or spec.get("keep_docx"):
        from tests.synth.shapes import render_shape

        render_shape(spec, out_pdf, render)
    elif renderer == "reportlab":
        from tests.synth.layout_reportlab import render_reportlab

        render_reportlab(spec, out_pdf)
    elif renderer == "bulletin":
        from tests.synth.layout_bulletin import render_bulletin

        render_bulletin(spec, out_pdf)
    elif renderer == "docx":
        from tests.synth.layout_docx import render_docx

        render_docx(spec, out_pdf)
    else:
        raise ValueError(f"unknown renderer: {renderer!r}")
