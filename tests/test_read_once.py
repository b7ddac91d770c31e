"""The text stage reads each PDF once: pypdfium2 and the hash share the same bytes, and one
pdfium document gives the text and the tables (pdfplumber is not opened)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES, load_spec

from pipeline.batch.document import process_file


@pytest.mark.parametrize("sample", ["sv47-1996-1997", "sv512-2019-2020"])  # with a ruling-line table, and without
def test_process_pdf_reads_the_file_once(render_spec, monkeypatch: pytest.MonkeyPatch, sample: str) -> None:
    path = render_spec(load_spec(SAMPLES / f"{sample}.json"), f"{sample}.pdf")
    opened: list[str] = []
    given: list[type] = []
    real_doc, real_plumber = pdfium.PdfDocument, pdfplumber.open
    target = str(path)

    def count_opens(event: str, args: tuple) -> None:
        # every open() from Python raises this audit event (pdfium's own C reads do not: see `given`)
        if event == "open" and str(args[0]) == target:
            opened.append(event)

    def doc(source, *args, **kwargs):
        given.append(type(source))
        return real_doc(source, *args, **kwargs)

    def plumber(source, *args, **kwargs):
        given.append(type(source))
        return real_plumber(source, *args, **kwargs)

    sys.addaudithook(count_opens)  # a hook cannot be removed; it only counts this test's file
    monkeypatch.setattr(pdfium, "PdfDocument", doc)
    monkeypatch.setattr(pdfplumber, "open", plumber)
    res = process_file(path, path.name)  # no sha given: process_file hashes the file itself
    monkeypatch.undo()
    reads = len(opened)

    assert res.error is None, res.error
    assert res.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert reads == 1, opened
    assert given and all(t not in (str, Path) and not issubclass(t, Path) for t in given), given
    assert given == [bytes], "one pdfium document, from the bytes read once, and no pdfplumber"
    if sample == "sv47-1996-1997":
        assert res.rows["answer_tables"], "the table was read from that document"
