"""`python -m tests.synth [render] SRC_DIR OUT_DIR [--force]`: render every spec in a folder.

Output is `<stem>.pdf`, or `<stem>.docx` for a spec with `"keep_docx": true`.

Reportlab specs are rendered in-process; docx specs are written as .docx first and
converted by a single LibreOffice run, because soffice start-up (~2 s) dominates.
Exit status: 0 ok, 1 a spec failed, 2 docx specs skipped because soffice is missing.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import sys
import tempfile
import time
from typing import Any

from tests.synth import render
from tests.synth.shapes import load_spec, output_suffix, spec_inputs


def _stale(src: pathlib.Path, out: pathlib.Path, force: bool) -> bool:
    """Re-render when forced, missing, or older than the spec or any base it names."""
    return force or not out.exists() or any(out.stat().st_mtime < p.stat().st_mtime for p in spec_inputs(src))


def _render_docx_batch(jobs: list[tuple[pathlib.Path, dict[str, Any], pathlib.Path]]) -> int:
    """Build all .docx, convert them in one soffice run, move PDFs into place; return failures."""
    from tests.synth.layout_docx import build_docx, convert_to_pdf

    failures = 0
    with tempfile.TemporaryDirectory(prefix="synth-batch-") as tmp:
        tmpdir = pathlib.Path(tmp)
        built: list[tuple[pathlib.Path, pathlib.Path, pathlib.Path]] = []
        for src, spec, out in jobs:
            docx_path = tmpdir / (out.stem + ".docx")
            try:
                build_docx(spec, docx_path)
                built.append((src, docx_path, out))
            except Exception as exc:  # report it and go on with the other specs
                print(f"FAILED {src.name}: {exc}", file=sys.stderr)
                failures += 1
        try:
            convert_to_pdf([d for _, d, _ in built], tmpdir)
        except RuntimeError as exc:
            print(f"soffice: {exc}", file=sys.stderr)
        for src, docx_path, out in built:
            pdf = tmpdir / (docx_path.stem + ".pdf")
            if pdf.exists():
                shutil.move(str(pdf), str(out))
                print(f"rendered {src.name} -> {out} (docx)")
            else:
                print(f"FAILED {src.name}: LibreOffice produced no PDF", file=sys.stderr)
                failures += 1
    return failures


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["render"]:  # FORMAT.md spells it `python -m tests.synth render`
        args_in = args_in[1:]
    ap = argparse.ArgumentParser(prog="python -m tests.synth", description=__doc__.splitlines()[0])
    ap.add_argument("src_dir", type=pathlib.Path, help="folder with *.json document specs")
    ap.add_argument("out_dir", type=pathlib.Path, help="folder for <stem>.pdf")
    ap.add_argument("--force", action="store_true", help="re-render even if the PDF is newer than the JSON")
    args = ap.parse_args(args_in)

    if not args.src_dir.is_dir():
        ap.error(f"not a folder: {args.src_dir}")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    docx_jobs: list[tuple[pathlib.Path, dict[str, Any], pathlib.Path]] = []
    skipped = 0
    for src in sorted(args.src_dir.glob("*.json")):
        try:
            spec = load_spec(src)
        except (OSError, ValueError) as exc:
            print(f"FAILED {src.name}: {exc}", file=sys.stderr)
            failures += 1
            continue
        out = args.out_dir / (src.stem + output_suffix(spec))
        if not _stale(src, out, args.force):
            skipped += 1
            continue
        if (spec.get("renderer") or "reportlab") == "docx" and not spec.get("shape") and not spec.get("keep_docx"):
            docx_jobs.append((src, spec, out))
            continue
        t0 = time.perf_counter()
        try:
            render(spec, out)
        except Exception as exc:  # report it and go on with the other specs
            print(f"FAILED {src.name}: {exc}", file=sys.stderr)
            failures += 1
            continue
        print(f"rendered {src.name} -> {out} ({time.perf_counter() - t0:.2f} s)")

    no_soffice = False
    if docx_jobs:
        from tests.synth.layout_docx import find_soffice

        if find_soffice() is None:
            no_soffice = True
            names = ", ".join(src.name for src, _, _ in docx_jobs)
            print(
                f"LibreOffice (soffice) not found: cannot render docx specs: {names}. "
                f"Install it (apt-get install libreoffice-writer-nogui) or switch them to reportlab.",
                file=sys.stderr,
            )
        else:
            failures += _render_docx_batch(docx_jobs)
    if skipped:
        print(f"{skipped} up to date (use --force to re-render)")
    if failures:
        return 1
    return 2 if no_soffice else 0


if __name__ == "__main__":
    sys.exit(main())
