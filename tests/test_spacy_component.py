"""The extractors as a spaCy component agree with the finders they wrap."""

from __future__ import annotations

import datetime as dt

from pipeline.entities.spacy_component import make_nlp


def test_component_marks_every_mention() -> None:
    nlp = make_nlp()
    text = (
        "Met schriftelijke vraag nr. 148 van 17 januari 2023 vroeg ik naar de 41.728 euro. "
        "Overeenkomstig artikel 90,5 van het reglement van het Vlaams Parlement antwoordt de minister op 12 februari."
    )
    doc = nlp.make_doc(text)
    doc.user_data["doc_date"] = dt.date(2023, 5, 12)
    doc = nlp(doc)
    got = [(s.label_, s.text) for s in doc.spans["schv"]]
    assert got == [
        ("doc_refs", "schriftelijke vraag nr. 148 van 17 januari 2023"),
        ("dates", "17 januari 2023"),
        ("amounts", "41.728 euro"),
        ("article_refs", "artikel 90,5 van het reglement van het Vlaams Parlement"),
        ("dates", "12 februari"),
    ]
    inferred = doc.user_data["schv"]["dates"][-1]
    assert inferred["start"] == dt.date(2023, 2, 12) and inferred["year_inferred"] is True
