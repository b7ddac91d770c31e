"""`make bench`: the pipeline against the raw extractors, measured in one run.

Builds (or reuses) a corpus of realistic PDFs rendered from the development-set specs
(reportlab, and python-docx + LibreOffice for an eighth of them, all with tables, when
soffice is installed), then times, as medians of repetitions in this one process (CPU
seconds, see CPU): (A) pypdfium2 text of every page, read right after the pipeline read its
document, (B) pdfplumber `extract_text` of a sample of the documents, each right after A
read it (B's cost as a multiple of A's), (C) pdfplumber `extract_tables` of the table pages
(for reference), and the whole pipeline in one process, net of a run over an empty folder;
then, by the wall clock, the pipeline with 2 workers against one process (beside what 2
processes give on this machine at that minute: A in 2 processes against one), the start-up of a
run with nothing to do, a no-change rerun, and a no-change rerun over 1,000 files. Ratios
are against the baselines of the same run; each figure is printed beside its target.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from multiprocessing import Pool
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from pipeline import __version__
from pipeline.batch.executors import Task, run_in_process
from pipeline.batch.run import RunOptions, extract

ROOT = Path(__file__).resolve().parent.parent.parent
# Both git-ignored: `make bench` leaves the tracked tree as it found it.
DEFAULT_CORPUS = ROOT / "bench" / "corpus"
DEFAULT_RESULTS = ROOT / "bench" / "results.json"
CORPUS_VERSION = "4"
STAGES = ("text (pypdfium2)", "tables (grid)", "clean-up", "segment", "entities + rows")
# Targets (issue 11): pipeline cost per page against pypdfium2's text of the same pages, the
# whole corpus against pdfplumber extract_text, 2 workers against one process, and the
# start-up of a run with nothing to do, net of the interpreter's own.
TARGET_TABLE_PAGES = 3.0
TARGET_TEXT_PAGES = 2.5
TARGET_VS_B = 20.0
TARGET_WORKERS = 1.8
TARGET_STARTUP_S = 0.6
WORKERS = 2
PAR_REPS = 5


def _templates() -> list[dict]:
    specs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests" / "devset" / "docs").glob("*.json"))]
    specs = [s for s in specs if s.get("shape", "sv") in ("sv", "docx")]  # one-question specs; shapes are built from them
    specs += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests" / "synth" / "samples").glob("*.json"))]
    return [s for s in specs if s.get("renderer") != "bulletin"]  # the corpus is single questions


def _has_table(blocks: list | None) -> bool:
    return any(isinstance(b, dict) and "table" in b for b in blocks or [])


def _table_block(rng: random.Random) -> dict:
    rows = [["Jaar", "Aantal dossiers", "Bedrag", "Aandeel"]]
    for year in range(2015, 2015 + rng.randint(4, 14)):
        rows.append([str(year), f"{rng.randint(10, 9000):,}".replace(",", "."), f"€ {rng.randint(1000, 9_999_999):,},00".replace(",", "."), f"{rng.randint(1, 99)},{rng.randint(0, 99):02d}%"])
    return {"table": rows, "caption": "Tabel 1: overzicht per jaar"}


def variant(template: dict, i: int, rng: random.Random, docx: bool = False) -> dict:
    """One corpus document: a template with another number, a length between 2 and 8 pages,
    and a table in about a quarter of the documents; with `docx`, every eighth document (half
    the table documents) is laid out by LibreOffice, as answers written in Word are."""
    spec = copy.deepcopy(template)
    spec["renderer"] = "docx" if docx and i % 8 == 0 else "reportlab"
    if spec["renderer"] == "docx":
        spec.pop("spans", None)
    spec["number"] = 1000 + i
    spec.pop("hyphenate", None)
    want_table = i % 4 == 0
    for part in ("question", "answer"):
        if spec.get(part) and not want_table:
            spec[part] = [b for b in spec[part] if not (isinstance(b, dict) and "table" in b)]
    if spec.get("answer") is None:
        spec["answer"] = [template["question"][0]] if template.get("question") else ["Zie bijlage."]
    if want_table and not _has_table(spec["answer"]):
        spec["answer"].insert(min(2, len(spec["answer"])), _table_block(rng))
    repeat = rng.choice([1, 1, 1, 2, 2, 3, 4, 5])
    text_blocks = [b for b in spec["answer"] if not (isinstance(b, dict) and "table" in b)]
    spec["answer"] = spec["answer"] + text_blocks * (repeat - 1)
    return spec


def _render_one(args: tuple[dict, str]) -> None:
    from tests.synth import render  # the fixture renderer lives with the tests: `make bench` runs from a checkout

    spec, out = args
    render(spec, Path(out))


def _render_docx(jobs: list[tuple[dict, str]]) -> None:
    """LibreOffice-made documents: all .docx built, then converted by one soffice run."""
    from tests.synth.layout_docx import build_docx, convert_to_pdf

    with tempfile.TemporaryDirectory(prefix="schv-bench-docx-") as tmp:
        built = []
        for spec, out in jobs:
            path = Path(tmp) / (Path(out).stem + ".docx")
            build_docx(spec, path)
            built.append((path, out))
        convert_to_pdf([d for d, _ in built], Path(tmp))
        for path, out in built:
            shutil.move(str(path.with_suffix(".pdf")), out)


def build_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Render the corpus once; a stamp file says which corpus the folder holds."""
    from pipeline.text.word import soffice

    docx = soffice() is not None
    stamp = folder / ".corpus"
    want = f"{CORPUS_VERSION} {n} {seed} {'docx' if docx else 'no-docx'}"
    if stamp.exists() and stamp.read_text() == want:
        return sorted(folder.glob("*.pdf"))
    if (ROOT / "tests" / "synth").is_dir() and str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the renderer lives with this checkout's tests, also under the `schv` script
    if folder.exists() and any(folder.iterdir()) and not stamp.exists():
        raise SystemExit(f"{folder} holds files but no benchmark corpus stamp: not deleting it; choose another --corpus")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    templates = _templates()
    jobs = [(variant(rng.choice(templates), i, rng, docx), str(folder / f"bench-{i:04d}.pdf")) for i in range(n)]
    with Pool(os.cpu_count() or 1) as pool:
        pool.map(_render_one, [j for j in jobs if j[0]["renderer"] != "docx"], chunksize=8)
    _render_docx([j for j in jobs if j[0]["renderer"] == "docx"])
    stamp.write_text(want)
    return sorted(folder.glob("*.pdf"))


# In-process measures count this process's CPU seconds: on a shared machine a neighbour's
# load stretches wall time, not the work a page costs. Parallel runs are timed by the wall.
CPU = time.process_time


def _median_time(fn, reps: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(reps):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def baseline_a(files: list[Path]) -> dict[tuple[str, int], float]:
    """pypdfium2 text of every page; seconds per (file, page)."""
    out = {}
    for f in files:
        pdf = pdfium.PdfDocument(str(f))
        for i in range(len(pdf)):
            t0 = CPU()
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            out[(f.name, i + 1)] = CPU() - t0
        pdf.close()
    return out


def _a_seconds(paths: list[str]) -> float:
    return sum(baseline_a([Path(p) for p in paths]).values())


def machine_ceiling(files: list[Path], workers: int) -> float:
    """What `workers` processes give on this machine right now: baseline A over the corpus in
    one process against `workers` processes sharing its files, by the wall clock. A has no
    serial part and nothing to merge, so its speedup bounds any pipeline's on the same cores
    (on these shared 2 vCPUs it moved between 1.3x and 2.4x from one minute to the next)."""
    names = [str(f) for f in files]
    t0 = time.perf_counter()
    _a_seconds(names)
    single = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Pool(workers) as pool:
        pool.map(_a_seconds, [names[i : i + 8] for i in range(0, len(names), 8)])
    return single / (time.perf_counter() - t0)


def baseline_b(files: list[Path]) -> int:
    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages


def baseline_c(table_pages: dict[str, list[int]], folder: Path) -> int:
    pages = 0
    for name, numbers in table_pages.items():
        with pdfplumber.open(folder / name) as pdf:
            for n in numbers:
                pdf.pages[n - 1].extract_tables()
                pages += 1
    return pages


def _attribute(docs: list, a_page: dict, c_time: float, p_time: float, n_pages: int) -> dict:
    """Split one pipeline run's seconds over pages with and without tables."""
    doc_time = sum(sum(d.cost[s] for s in STAGES) for d in docs)
    write_time = max(0.0, p_time - doc_time)
    cost = {k: dict.fromkeys((*STAGES, "write tables"), 0.0) for k in ("without", "with")}
    a_cost = {"without": 0.0, "with": 0.0}
    pages = {"without": 0, "with": 0}
    for d in docs:
        n = len(d.cost["pages"])
        shared = {s: d.cost[s] / n for s in ("clean-up", "segment", "entities + rows")}
        for number, t_read, t_tab, has in d.cost["pages"]:
            kind = "with" if has else "without"
            pages[kind] += 1
            a_cost[kind] += a_page[(d.source_file, number)]
            cost[kind]["text (pypdfium2)"] += t_read
            cost[kind]["tables (grid)"] += t_tab
            for s, v in shared.items():
                cost[kind][s] += v
            cost[kind]["write tables"] += write_time / n_pages
    total = {k: sum(v.values()) for k, v in cost.items()}
    return {
        "cost": cost, "total": total, "a_cost": a_cost, "pages": pages, "p_time": p_time, "c_time": c_time,
        "a_total": sum(a_page.values()),
        "ratio_without": total["without"] / a_cost["without"] if a_cost["without"] else float("nan"),
        "ratio_with": total["with"] / a_cost["with"] if a_cost["with"] else float("nan"),
    }


def _peak_worker_rss(corpus: Path, workers: int) -> tuple[float, float]:
    """Whole pipeline with worker processes, in a fresh interpreter: (seconds, peak worker RSS MB)."""
    code = (
        "import resource, sys, time, tempfile\n"
        "from pathlib import Path\n"
        "from pipeline.batch.run import RunOptions, extract\n"
        "from pipeline.batch.executors import warm_up\n"
        "warm_up()  # as warm as the single-process run it is compared with: extractors loaded,\n"
        "import pyarrow as pa; pa.array([0])  # and pyarrow's pandas integration, which that run loaded at its first commit,\n"
        "import pebble  # and the modules a pool needs (asyncio, multiprocessing): what that process had imported long before\n"
        "tmp = tempfile.TemporaryDirectory()\n"
        "out = Path(tmp.name)\n"
        "t0 = time.perf_counter()\n"
        f"extract(Path({str(corpus)!r}), out, options=RunOptions(workers={workers}))\n"
        "dt = time.perf_counter() - t0\n"
        "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    secs, rss = proc.stdout.split()
    return float(secs), float(rss)


def startup(raw: Path, out: Path, reps: int) -> dict:
    """Start-up of `schv extract` over a folder whose files are all processed, against
    `python -c pass`: medians of `reps` subprocess runs each, alternated."""
    schv = Path(sys.executable).with_name("schv")
    cmd = [str(schv)] if schv.exists() else [sys.executable, "-m", "pipeline.cli"]
    run_cmd = [*cmd, "extract", "--raw", str(raw), "--out", str(out), "--workers", "1"]
    subprocess.run(run_cmd, check=True, capture_output=True)  # process them once
    runs, bare = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run(run_cmd, check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t0)
    run_s, bare_s = statistics.median(runs), statistics.median(bare)
    return {"run_s": run_s, "python_s": bare_s, "net_s": run_s - bare_s, "files": len(list(raw.iterdir())), "target_s": TARGET_STARTUP_S}


def _variants_of(files: list[Path], folder: Path, total: int) -> None:
    """`total` distinct files: the corpus plus byte variants (a PDF comment appended)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(total):
        src = files[i % len(files)]
        data = src.read_bytes() if i < len(files) else src.read_bytes() + f"%schv-bench-variant {i}\n".encode()
        (folder / f"f{i:05d}.pdf").write_bytes(data)


def run(corpus_dir: Path, n_docs: int, reps: int, b_every: int, rerun_files: int, results_path: Path) -> dict:
    t_start = time.perf_counter()
    files = build_corpus(corpus_dir, n_docs)
    print(f"corpus: {len(files)} PDFs in {corpus_dir} (built or reused in {time.perf_counter() - t_start:.0f} s)", flush=True)

    # One untimed pass: per-document stage costs, and which pages hold tables.
    docs: list = []
    run_in_process([Task(f, f.name, None) for f in files], docs.append)
    failed = [d for d in docs if d.error]
    if failed:
        raise SystemExit(f"benchmark corpus has failing documents: {failed[0].error}")
    table_pages = {d.source_file: [n for n, _, _, has in d.cost["pages"] if has] for d in docs}
    table_pages = {k: v for k, v in table_pages.items() if v}
    n_pages = sum(len(d.cost["pages"]) for d in docs)
    n_table_pages = sum(len(v) for v in table_pages.values())
    print(f"pages: {n_pages}, with tables: {n_table_pages} ({n_table_pages / n_pages:.0%}) in {len(table_pages)} documents", flush=True)

    # B is slow (pdfplumber): a sample of the documents, each read by A right before B, so
    # that B's cost is a multiple of A's on the same pages, measured seconds apart. The corpus
    # figure is that multiple times A over the pipeline (measured the same way, below): a
    # whole-sample B a minute before the runs moved it from 20x to 29x between two runs.
    b_files = files[::b_every]
    b_pages = sum(len(pdfium.PdfDocument(str(f))) for f in b_files)
    b_reps = []
    for _ in range(reps):
        a_s = b_s = 0.0
        for f in b_files:
            a_s += sum(baseline_a([f]).values())
            t0 = CPU()
            baseline_b([f])
            b_s += CPU() - t0
        b_reps.append((b_s / a_s, b_s))
    b_over_a = statistics.median(r[0] for r in b_reps)
    b_time = statistics.median(r[1] for r in b_reps)
    print("baseline B done", flush=True)

    # A, C and the whole pipeline (one process, tables written), repetition by repetition, and
    # A document by document: right after the pipeline has processed a document, its observer
    # reads the same document with pypdfium2 (A), so each page's cost and its baseline are
    # measured milliseconds apart and a busy neighbour on this shared machine slows both
    # (a whole-corpus A a few seconds before the run moved the ratio by 15% between
    # repetitions, measured). The observer's own seconds are taken off the run's. Each run
    # records every document's stage times; the rest of its time is discovery, hashing,
    # journal, merging, validating and writing, net of what a run over an empty folder costs
    # (lock, plan, an empty commit).
    reps_data = []
    empty_runs = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "empty").mkdir()
        for k in range(reps):
            c_once = _median_time(lambda: baseline_c(table_pages, corpus_dir), 1, CPU)
            t0 = CPU()
            extract(Path(tmp) / "empty", Path(tmp) / f"out-empty-{k}", options=RunOptions(in_process=True))
            empty_runs.append(CPU() - t0)
            seen: list = []
            a_page: dict[tuple[str, int], float] = {}
            observing = [0.0]

            def observe(res, seen=seen, a_page=a_page, observing=observing) -> None:
                t = CPU()
                seen.append(res)
                a_page.update(baseline_a([corpus_dir / res.source_file]))
                observing[0] += CPU() - t

            t0 = CPU()
            extract(corpus_dir, Path(tmp) / "out", force=True, options=RunOptions(in_process=True, observer=observe))
            reps_data.append(_attribute(seen, a_page, c_once, CPU() - t0 - observing[0] - empty_runs[-1], n_pages))
        rerun = _median_time(lambda: extract(corpus_dir, Path(tmp) / "out", options=RunOptions(in_process=True)), reps)
    mid = sorted(reps_data, key=lambda r: r["ratio_without"])[len(reps_data) // 2]
    a_total = statistics.median(r["a_total"] for r in reps_data)
    c_time = statistics.median(r["c_time"] for r in reps_data)
    p_time = statistics.median(r["p_time"] for r in reps_data)
    ratio_with = statistics.median(r["ratio_with"] for r in reps_data)
    print("pipeline done", flush=True)

    # All cores, in a fresh interpreter (for its workers' peak memory), against a single-process
    # run right before it, repetition by repetition: at least PAR_REPS of them, for by the wall
    # clock one repetition moved between 1.46x and 1.98x within a minute (measured).
    par_runs = []
    for _ in range(max(reps, PAR_REPS)):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            extract(corpus_dir, Path(tmp) / "out", options=RunOptions(in_process=True))
            single = time.perf_counter() - t0
        par, rss = _peak_worker_rss(corpus_dir, WORKERS)
        par_runs.append((single / par, par, rss, machine_ceiling(files, WORKERS)))
    speedup, par_time, _, _ = sorted(par_runs)[len(par_runs) // 2]
    peak_rss = max(r[2] for r in par_runs)
    with tempfile.TemporaryDirectory() as tmp:
        many = Path(tmp) / "raw"
        _variants_of(files, many, rerun_files)
        extract(many, Path(tmp) / "out", options=RunOptions(workers=os.cpu_count() or 1))
        rerun_many = _median_time(lambda: extract(many, Path(tmp) / "out", options=RunOptions(workers=os.cpu_count() or 1)), reps)

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "raw"
        small.mkdir()
        for f in files[:5]:
            shutil.copy(f, small / f.name)
        start = startup(small, Path(tmp) / "out", max(reps, 5))
    print("start-up done", flush=True)

    b_total_est = b_over_a * a_total
    overall_per_rep = [b_over_a * r["a_total"] / r["p_time"] for r in reps_data]
    res = {
        "corpus": {"documents": len(files), "pages": n_pages, "table_pages": n_table_pages, "table_documents": len(table_pages)},
        "repetitions": reps,
        "baseline_a_pypdfium2_text": {"seconds": a_total, "pages_per_s": n_pages / a_total},
        "baseline_b_pdfplumber_text": {"seconds_sample": b_time, "sample_pages": b_pages, "times_a": b_over_a, "pages_per_s": n_pages / b_total_est,
                                       "seconds_corpus_estimated": b_total_est},
        "baseline_c_pdfplumber_tables": {"seconds": c_time, "pages": n_table_pages, "pages_per_s": n_table_pages / c_time if c_time else None},
        "no_input_run_s": statistics.median(empty_runs),
        "pipeline_single": {"seconds": p_time, "pages_per_s": n_pages / p_time, "docs_per_s": len(files) / p_time},
        "pipeline_all_cores": {"workers": WORKERS, "target": TARGET_WORKERS, "seconds": par_time, "pages_per_s": n_pages / par_time, "docs_per_s": len(files) / par_time,
                               "speedup": speedup, "speedup_per_rep": [r[0] for r in par_runs],
                               "ceiling": statistics.median(r[3] for r in par_runs), "ceiling_per_rep": [r[3] for r in par_runs],
                               "of_ceiling": statistics.median(r[0] / r[3] for r in par_runs)},
        "pages_without_tables": {"pages": mid["pages"]["without"], "pipeline_s": mid["total"]["without"], "baseline_a_s": mid["a_cost"]["without"],
                                 "ratio_to_a": mid["ratio_without"], "ratio_to_a_per_rep": [r["ratio_without"] for r in reps_data], "target": TARGET_TEXT_PAGES,
                                 "stages_s": mid["cost"]["without"]},
        "pages_with_tables": {"pages": mid["pages"]["with"], "pipeline_s": mid["total"]["with"], "baseline_a_s": mid["a_cost"]["with"],
                              "baseline_c_s": mid["c_time"], "ratio_c_to_a": mid["c_time"] / mid["a_cost"]["with"] if mid["a_cost"]["with"] else None,
                              "ratio_to_a": ratio_with, "ratio_to_a_per_rep": [r["ratio_with"] for r in reps_data], "target": TARGET_TABLE_PAGES,
                              "stages_s": mid["cost"]["with"]},
        "overall_speedup_vs_b": statistics.median(overall_per_rep),
        "overall_speedup_per_rep": overall_per_rep,
        "overall_target": TARGET_VS_B,
        "startup": start,
        "peak_worker_rss_mb": peak_rss,
        "no_change_rerun_s": rerun,
        "no_change_rerun_files": {"files": rerun_files, "seconds": rerun_many},
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "versions": {p: metadata.version(p) for p in ("pypdfium2", "pdfplumber", "pdfminer.six", "pyarrow", "pandas", "pebble")}},
        "schv": __version__,
        "bench_seconds": time.perf_counter() - t_start,
    }
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(res, indent=2) + "\n")
    report(res)
    print(f"\nwritten {results_path}")
    return res


def report(r: dict) -> None:
    n_pages, n_docs = r["corpus"]["pages"], r["corpus"]["documents"]
    print(f"\n{'measure':<44}{'seconds':>9}{'pages/s':>9}{'docs/s':>9}")
    rows = [
        ("A  pypdfium2 text, every page", r["baseline_a_pypdfium2_text"]["seconds"], n_pages),
        (f"B  pdfplumber extract_text ({r['baseline_b_pdfplumber_text']['sample_pages']} pages sampled)", r["baseline_b_pdfplumber_text"]["seconds_corpus_estimated"], n_pages),
        ("C  pdfplumber extract_tables, table pages", r["baseline_c_pdfplumber_tables"]["seconds"], r["corpus"]["table_pages"]),
        ("pipeline, one process, net of a no-input run", r["pipeline_single"]["seconds"], n_pages),
        (f"pipeline, {r['pipeline_all_cores']['workers']} workers", r["pipeline_all_cores"]["seconds"], n_pages),
    ]
    for name, secs, pages in rows:
        docs = f"{n_docs / secs:>9.1f}" if "C " not in name[:3] else f"{'':>9}"
        print(f"{name:<44}{secs:>9.2f}{pages / secs:>9.1f}{docs}")
    w, t = r["pages_without_tables"], r["pages_with_tables"]
    per_rep = ", ".join(f"{x:.2f}" for x in w["ratio_to_a_per_rep"])
    print(f"\npages without tables ({w['pages']}): pipeline {w['pipeline_s']:.2f} s = {w['ratio_to_a']:.2f} x baseline A on them (target <= {w['target']}; per repetition {per_rep})")
    for k, v in w["stages_s"].items():
        print(f"    {k:<22}{v:>8.2f} s {v / w['pipeline_s']:>6.0%}")
    if t["pages"]:
        per_rep = ", ".join(f"{x:.2f}" for x in t["ratio_to_a_per_rep"])
        print(f"pages with tables ({t['pages']}): pipeline {t['pipeline_s']:.2f} s = {t['ratio_to_a']:.2f} x baseline A on them (target <= {t['target']}; per repetition {per_rep};"
              f" pdfplumber extract_tables alone: {t['ratio_c_to_a']:.1f} x)")
        for k, v in t["stages_s"].items():
            print(f"    {k:<22}{v:>8.2f} s {v / t['pipeline_s']:>6.0%}")
    per_rep = ", ".join(f"{x:.1f}" for x in r["overall_speedup_per_rep"])
    print(f"overall: {r['overall_speedup_vs_b']:.1f} x faster per page than baseline B (target >= {r['overall_target']}; per repetition {per_rep};"
          f" B costs {r['baseline_b_pdfplumber_text']['times_a']:.1f} x A on its sample)")
    per_rep = ", ".join(f"{x:.2f}" for x in r["pipeline_all_cores"]["speedup_per_rep"])
    par = r["pipeline_all_cores"]
    print(f"{par['workers']} workers: {par['speedup']:.2f} x one process (target >= {par['target']}; per repetition {per_rep})")
    if "ceiling" in par:
        per_rep = ", ".join(f"{x:.2f}" for x in par["ceiling_per_rep"])
        print(f"    what {par['workers']} processes give here: baseline A {par['ceiling']:.2f} x one process (per repetition {per_rep},"
              f" each right after the pipeline's); the pipeline reaches {par['of_ceiling']:.0%} of it")
    st = r["startup"]
    print(f"start-up of a run with nothing to do ({st['files']} files, all processed): {st['net_s']:.2f} s net of python -c pass"
          f" ({st['run_s']:.2f} s - {st['python_s']:.2f} s; target <= {st['target_s']})")
    print(f"peak worker memory: {r['peak_worker_rss_mb']:.0f} MB (target < 300)")
    print(f"no-change rerun over the corpus: {r['no_change_rerun_s']:.2f} s (target < 2)")
    print(f"no-change rerun over {r['no_change_rerun_files']['files']} files: {r['no_change_rerun_files']['seconds']:.2f} s")
    print(f"benchmark took {r['bench_seconds']:.0f} s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="schv bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of the rendered corpus (built once)")
    ap.add_argument("--docs", type=int, default=320)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--b-every", type=int, default=4, help="baseline B on every Nth document (pdfplumber is slow)")
    ap.add_argument("--rerun-files", type=int, default=1000)
    ap.add_argument("--results", default=str(DEFAULT_RESULTS), help="where the results go (default bench/results.json, not tracked)")
    ap.add_argument("--archive", action="store_true", help="only the archive measure (pipeline.tools.bench_archive: a night on 200, 2,000, 150,000 questions)")
    argv = list(sys.argv[1:] if argv is None else argv)
    args, rest = ap.parse_known_args(argv[1:] if argv[:1] == ["--"] else argv)
    if rest and not args.archive:
        ap.error(f"unrecognized arguments: {' '.join(rest)}")
    args.archive_args = rest[1:] if rest[:1] == ["--"] else rest  # options of pipeline.tools.bench_archive (--sizes, --workers)
    return args


def main(argv: list[str] | None = None) -> int:
    """The corpus measure, then the archive measure (only the latter with --archive)."""
    from pipeline.tools import bench_archive

    args = parse_args(argv)
    if not args.archive:
        run(Path(args.corpus), args.docs, args.reps, args.b_every, args.rerun_files, Path(args.results))
    return bench_archive.main(args.archive_args)


if __name__ == "__main__":
    sys.exit(main())
