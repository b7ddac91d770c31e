"""The extractors as a spaCy pipeline component, for users who work in spaCy.

`make_nlp()` gives a blank Dutch pipeline (no trained model: none can be downloaded here)
with the component "schv_entities", which puts every mention in `doc.spans["schv"]`
(label = table name) and the normalised rows in `doc.user_data["schv"]`. The batch calls
the same finders without tokenising: spaCy's tokenizer alone costs more per page than
everything else the pipeline does after pdfium (see README, speed).
"""

from __future__ import annotations

import datetime as dt

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.entities import extract_entities


@Language.component("schv_entities")
def schv_entities(doc: Doc) -> Doc:
    """Set `doc.spans["schv"]` and `doc.user_data["schv"]`; the question date comes from
    `doc.user_data["doc_date"]` when set (for dates without a year)."""
    doc_date = doc.user_data.get("doc_date")
    if isinstance(doc_date, str):
        doc_date = dt.date.fromisoformat(doc_date)
    found = extract_entities(doc.text, doc_date)
    spans = []
    for table, rows in found.items():
        for row in rows:
            span = doc.char_span(row["char_start"], row["char_end"], label=table, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    doc.spans["schv"] = sorted(spans, key=lambda s: (s.start_char, s.end_char))
    doc.user_data["schv"] = found
    return doc


def make_nlp() -> Language:
    nlp = spacy.blank("nl")
    nlp.add_pipe("schv_entities")
    return nlp
