"""`make eval`: precision, recall and F1 per table, accuracy per metadata field, per shape.

Runs every stage on the development-set files (tests/devset/pdf: PDFs and Word files) and
compares with the hand-written gold (tests/devset/gold). A mention counts as found when
part, text (whitespace normalised) and every value field agree; items when part, label and
numbers do. A file may hold several questions: gold question k is compared with the
predicted question of ordinal k in the same file; a question the pipeline did not return
counts all its gold as missed, a question it made up counts its rows as extras. Every figure
is given per shape (the spec's `"shape"`, tests/devset/FORMAT.md) and over all files.
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

from pipeline.batch.document import DocResult, process_file
from pipeline.text.word import INSTALL_HINT, is_word_file, soffice
from pipeline.tools.devset import load_spec, shape_of

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
INPUT_SUFFIXES = (".pdf", ".docx", ".doc")
TABLES = ("items", *MENTION_FIELDS)
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


@dataclass
class Tally:
    """Every figure for a group of files (one shape, or all)."""

    files: int = 0
    questions: int = 0  # gold questions
    found: int = 0  # gold questions for which the pipeline returned a question (same ordinal)
    extra: int = 0  # questions the pipeline returned beyond the gold ones
    scores: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in TABLES})
    meta: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in META_FIELDS})
    meta_misses: list[str] = field(default_factory=list)

    @property
    def metadata(self) -> float:
        ok = sum(v[0] for v in self.meta.values())
        n = sum(v[1] for v in self.meta.values())
        return ok / n if n else 1.0

    def below(self) -> list[str]:
        """What misses its target: "questions" (not every question found, or extras), tables, "metadata"."""
        out = ["questions"] if self.found < self.questions or self.extra else []
        out += [t for t, s in self.scores.items() if s.f1 < TARGETS[t]]
        return out + (["metadata"] if self.metadata < TARGETS["metadata"] else [])


@dataclass
class Evaluation:
    overall: Tally
    shapes: dict[str, Tally]
    skipped: dict[str, tuple[str, str]]  # file name -> (shape, why it was not evaluated: a tool is missing)


def gold_questions(gold: dict) -> list[dict]:
    """The gold questions of a file in file order: `questions` of a container, or the file itself."""
    return list(gold["questions"]) if "questions" in gold else [gold]


def predicted_questions(rows: dict[str, list[dict]]) -> list[tuple[dict, dict[str, list[dict]]]]:
    """Per predicted question, in ordinal order: its `documents` row and its own item/mention rows."""
    docs = list(rows.get("documents") or [])
    docs.sort(key=lambda d: d.get("ordinal") or 0)  # stable: without ordinals, file order
    out = []
    for doc in docs:
        own = {t: [r for r in rows.get(t) or [] if r.get("doc_id") == doc.get("doc_id")] for t in TABLES}
        out.append((doc, own))
    return out


def _item_keys(rows: list[dict]) -> list[tuple]:
    return [(i["part"], i["label"], tuple(i["numbers"])) for i in rows]


def score_file(tally: Tally, name: str, gold: dict, rows: dict[str, list[dict]]) -> None:
    """Add one file's comparison to `tally`; `rows` are the file's predicted rows ({} if it failed)."""
    golds = gold_questions(gold)
    preds = predicted_questions(rows)
    tally.files += 1
    tally.questions += len(golds)
    tally.found += min(len(golds), len(preds))
    tally.extra += max(0, len(preds) - len(golds))
    for k in range(max(len(golds), len(preds))):
        g = golds[k] if k < len(golds) else {}
        doc, own = preds[k] if k < len(preds) else ({}, {})
        label = name if len(golds) == 1 and len(preds) <= 1 else f"{name}#{k + 1}"
        pred_meta = _predicted_meta(doc) if doc else {}
        for f in META_FIELDS:
            if f not in g.get("metadata", {}):
                continue
            want = g["metadata"][f]
            got = pred_meta.get(f)
            if f == "co_ministers":
                want = sorted((c["minister"], c["number"]) for c in want or [])
                got = sorted((c["minister"], c["number"]) for c in got or []) if doc else None
            ok = bool(doc) and _norm(want, f) == _norm(got, f)
            tally.meta[f][0] += ok
            tally.meta[f][1] += 1
            if not ok:
                tally.meta_misses.append(f"{label} metadata {f}: want {want!r} got {got!r}" if doc else f"{label} metadata {f}: question not found")
        tally.scores["items"].add(label, _item_keys(g.get("items", [])), _item_keys(own.get("items", [])))
        for table in MENTION_FIELDS:
            tally.scores[table].add(label, _mention_keys(table, g.get(table, [])), _mention_keys(table, own.get(table, [])))


def _input_file(pdf_dir: Path, stem: str) -> Path:
    for suffix in INPUT_SUFFIXES:
        if (pdf_dir / f"{stem}{suffix}").exists():
            return pdf_dir / f"{stem}{suffix}"
    raise FileNotFoundError(f"{pdf_dir / stem}.pdf missing: run `make devset` to render the development set")


def _missing_tool(path: Path, shape: str) -> str | None:
    """Why this file cannot be read on this machine (Tesseract for scans, LibreOffice for Word), or None."""
    if shape == "scan":
        from pipeline.text import ocr

        return ocr.check_tesseract()
    if is_word_file(path) and soffice() is None:
        return f"LibreOffice (soffice) is not installed: {INSTALL_HINT}"
    return None


def _process(path: Path) -> DocResult:
    """One input file through the pipeline's per-file function, as a batch runs it."""
    return process_file(path, path.name)


def _shape(devset: Path, stem: str) -> str:
    spec = devset / "docs" / f"{stem}.json"
    return shape_of(load_spec(spec)) if spec.exists() else "sv"


def evaluate_shapes(devset: Path, pdf_dir: Path) -> Evaluation:
    """Every annotated file of `devset` through the pipeline, scored per shape and overall."""
    overall, shapes, skipped = Tally(), {}, {}
    for gold_path in sorted((devset / "gold").glob("*.json")):
        stem = gold_path.stem
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        path = _input_file(pdf_dir, stem)
        shape = _shape(devset, stem)
        reason = _missing_tool(path, shape)
        if reason:
            skipped[path.name] = (shape, reason)
            continue
        res = _process(path)
        rows = res.rows if res.error is None else {}
        for tally in (overall, shapes.setdefault(shape, Tally())):
            score_file(tally, stem, gold, rows)
    for tally in (overall, *shapes.values()):
        tally.scores["items"].misses[:0] = tally.meta_misses
    return Evaluation(overall, dict(sorted(shapes.items())), skipped)


def evaluate(devset: Path, pdf_dir: Path) -> tuple[dict[str, Score], dict[str, list[int]], int]:
    """Overall scores, metadata counts and number of files (see `evaluate_shapes` for shapes)."""
    ev = evaluate_shapes(devset, pdf_dir)
    return ev.overall.scores, ev.overall.meta, ev.overall.files


def _shape_table(ev: Evaluation) -> None:
    cols = ("metadata", *TABLES)
    print(f"{'shape':<14}{'files':>6}{'quest':>6}{'found':>6}{'extra':>6}" + "".join(f"{c[:12]:>13}" for c in cols))
    for name, t in [*ev.shapes.items(), ("all", ev.overall)]:
        figures = [t.metadata] + [t.scores[c].f1 for c in TABLES]
        print(f"{name:<14}{t.files:>6}{t.questions:>6}{t.found:>6}{t.extra:>6}" + "".join(f"{v:>13.3f}" for v in figures))
    print(f"{'target':<14}{'':>12}{'all':>6}{0:>6}" + "".join(f"{TARGETS[c]:>13.2f}" for c in cols))
    print("(metadata: share of fields right; tables: F1)")


def main(devset: Path, pdf_dir: Path, details: bool = False) -> int:
    ev = evaluate_shapes(devset, pdf_dir)
    overall = ev.overall
    print(f"annotated set: {overall.files} files, {overall.questions} questions ({devset})")
    for name, (shape, reason) in ev.skipped.items():
        print(f"skipped {name} ({shape}): {reason}")
    print()
    _shape_table(ev)
    print(f"\nall shapes\n{'table':<14}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}{'target':>8}")
    for t, s in overall.scores.items():
        flag = "" if s.f1 >= TARGETS[t] else "  below target"
        print(f"{t:<14}{s.tp + s.fn:>6}{s.tp + s.fp:>6}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{TARGETS[t]:>8.2f}{flag}")
    print(f"\n{'metadata field':<20}{'accuracy':>10}")
    for f, (ok, n) in overall.meta.items():
        print(f"{f:<20}{ok / n if n else 1:>10.3f}  ({ok}/{n})")
    print(f"{'all fields':<20}{overall.metadata:>10.3f}  target {TARGETS['metadata']:.2f}")
    if details:
        print()
        for s in overall.scores.values():
            for m in s.misses:
                print(m)
    below = {name: t.below() for name, t in [*ev.shapes.items(), ("all", overall)] if t.below()}
    if below:
        print("\nbelow target: " + "; ".join(f"{name}: {', '.join(what)}" for name, what in below.items()))
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), details="--details" in sys.argv))
