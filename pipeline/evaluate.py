"""`make eval`: precision, recall and F1 per table, accuracy per metadata field.

Runs every stage on the development-set PDFs (tests/devset/pdf) and compares with the
hand-written gold (tests/devset/gold). A mention counts as found when part, text
(whitespace normalised) and every value field agree; items when part, label and numbers do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipeline.document import process_file

MENTION_FIELDS = {
    "dates": ("start", "end", "precision", "kind", "qualifier", "year_inferred"),
    "amounts": ("kind", "value", "currency", "unit", "qualifier"),
    "article_refs": ("article", "article_to", "paragraph", "subdivision", "instrument_type", "instrument_name", "instrument_date"),
    "doc_refs": ("ref_type", "number", "session", "date"),
}
META_FIELDS = (
    "doc_type", "number", "question_date", "session", "asker", "minister", "minister_title", "title",
    "topic", "subtopic", "answered", "answer_ref_number", "answer_ref_date", "annexes", "co_ministers",
)
TARGETS = {"metadata": 0.99, "items": 0.98, "dates": 0.95, "amounts": 0.95, "article_refs": 0.95, "doc_refs": 0.95}


def _norm(value: object, name: str = "") -> object:
    if name == "year_inferred":
        return bool(value)
    if value is None:
        return None
    if name == "value":
        return str(Decimal(str(value)).normalize())
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip()
    if isinstance(value, list):
        return tuple(_norm(v) for v in value)
    return value


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, stem: str, gold: list[tuple], pred: list[tuple]) -> None:
        g, p = Counter(gold), Counter(pred)
        self.tp += sum((g & p).values())
        self.fn += sum((g - p).values())
        self.fp += sum((p - g).values())
        self.misses += [f"{stem} missed {k}" for k in (g - p).elements()]
        self.misses += [f"{stem} extra  {k}" for k in (p - g).elements()]


def _mention_keys(table: str, rows: list[dict]) -> list[tuple]:
    return [(r["part"], _norm(r["text"])) + tuple(_norm(r.get(f), f) for f in MENTION_FIELDS[table]) for r in rows]


def _predicted_meta(doc: dict) -> dict:
    meta = {k: doc.get(k) for k in META_FIELDS}
    meta["co_ministers"] = [
        {"minister": m, "number": n} for m, n in zip(doc.get("co_ministers") or [], doc.get("co_minister_numbers") or [], strict=True)
    ]
    return meta


def evaluate(devset: Path, pdf_dir: Path) -> tuple[dict[str, Score], dict[str, list[int]], int]:
    scores = {t: Score() for t in ("items", *MENTION_FIELDS)}
    meta: dict[str, list[int]] = {f: [0, 0] for f in META_FIELDS}
    meta_misses: list[str] = []
    docs = 0
    for gold_path in sorted((devset / "gold").glob("*.json")):
        stem = gold_path.stem
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if "questions" in gold:
            continue  # a file holding several questions (issue 8): scored once process_file splits files
        pdf = pdf_dir / f"{stem}.pdf"
        if not pdf.exists():
            raise FileNotFoundError(f"{pdf} missing: run `make devset` to render the development set")
        res = process_file(pdf, pdf.name)
        docs += 1
        rows = res.rows if res.error is None else {}
        pred_doc = rows.get("documents", [{}])[0] if rows else {}
        pred_meta = _predicted_meta(pred_doc) if pred_doc else {}
        for f in META_FIELDS:
            if f not in gold["metadata"]:
                continue
            want = gold["metadata"][f]
            got = pred_meta.get(f)
            if f == "co_ministers":
                want = sorted((c["minister"], c["number"]) for c in want or [])
                got = sorted((c["minister"], c["number"]) for c in got or [])
            ok = _norm(want, f) == _norm(got, f)
            meta[f][0] += ok
            meta[f][1] += 1
            if not ok:
                meta_misses.append(f"{stem} metadata {f}: want {want!r} got {got!r}")
        scores["items"].add(
            stem,
            [(i["part"], i["label"], tuple(i["numbers"])) for i in gold.get("items", [])],
            [(i["part"], i["label"], tuple(i["numbers"])) for i in rows.get("items", [])],
        )
        for table in MENTION_FIELDS:
            scores[table].add(stem, _mention_keys(table, gold.get(table, [])), _mention_keys(table, rows.get(table, [])))
    scores["items"].misses[:0] = meta_misses
    return scores, meta, docs


def main(devset: Path, pdf_dir: Path, details: bool = False) -> int:
    scores, meta, docs = evaluate(devset, pdf_dir)
    print(f"annotated set: {docs} documents ({devset})\n")
    print(f"{'table':<14}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}{'target':>8}")
    for t, s in scores.items():
        flag = "" if s.f1 >= TARGETS[t] else "  below target"
        print(f"{t:<14}{s.tp + s.fn:>6}{s.tp + s.fp:>6}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{TARGETS[t]:>8.2f}{flag}")
    print(f"\n{'metadata field':<20}{'accuracy':>10}")
    total = [0, 0]
    for f, (ok, n) in meta.items():
        total[0] += ok
        total[1] += n
        print(f"{f:<20}{ok / n if n else 1:>10.3f}  ({ok}/{n})")
    overall = total[0] / total[1] if total[1] else 1.0
    print(f"{'all fields':<20}{overall:>10.3f}  target {TARGETS['metadata']:.2f}")
    if details:
        print()
        for s in scores.values():
            for m in s.misses:
                print(m)
    below = [t for t, s in scores.items() if s.f1 < TARGETS[t]] + (["metadata"] if overall < TARGETS["metadata"] else [])
    if below:
        print(f"\nbelow target: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), details="--details" in sys.argv))
