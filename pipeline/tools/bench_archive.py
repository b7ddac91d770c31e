"""`schv bench --archive`: what a night costs on a large archive (issue 13).

The previous outputs of N questions are fabricated directly as tables in the parts layout
(pipeline.commit.parts), with realistic row counts per question and distinct texts over several
sessions, beside N tiny input files whose size and mtime the `files` table records. Then,
each in a fresh child process (peak RSS: the child's VmHWM): a no-change run over the N file
records (the median of three), a run that adds 20 PDFs, and the same adding run on a Dask
LocalCluster. Done at 200, 2,000 and 150,000 questions, to show that time and memory do not
grow with the archive.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import __version__
from pipeline.commit import parts
from pipeline.schema import TABLE_ORDER, arrow_type, empty_table, load

SIZES = (200, 2_000, 150_000)
NEW_PDFS = 20
NO_CHANGE_RUNS = 3  # a no-change run leaves the state as it was: its median is cheap (an adding run's is not)
SESSIONS = tuple(f"{y}-{y + 1}" for y in range(2009, 2026))
# Rows per question, from the sample and development-set outputs (means of a Poisson draw).
ROWS_PER_DOC = {"pages": 2.5, "items": 8, "footnotes": 0.5, "dates": 13, "amounts": 7, "article_refs": 1.5,
                "doc_refs": 1.6, "answer_tables": 0.25, "answer_table_cells": 5}
TEXT_CHARS = {"question_text": 1400, "answer_text": 3800, "title": 110, "text": 40, "caption": 40}
TARGETS = {"add_seconds": 10.0, "add_peak_rss_mb": 1024.0, "no_change_seconds": 5.0}


def results_path() -> Path:
    """Where the archive figures go: outside the tracked tree (SCHV_BENCH_DIR, else the user's cache)."""
    base = Path(os.environ.get("SCHV_BENCH_DIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "schv" / "bench")
    return base / "archive.json"


class _Text:
    """Distinct texts: slices at random offsets of a long random sequence of Dutch words."""

    def __init__(self, rng: np.random.Generator, chars: int):
        from wordfreq import top_n_list

        words = np.array(top_n_list("nl", 5000))
        n = max(chars // 6, 1000)
        self.buf = " ".join(words[rng.zipf(1.3, n) % len(words)])
        self.rng = rng

    def many(self, n: int, mean: int) -> pa.Array:
        lengths = np.maximum(self.rng.poisson(mean, n), 1)
        starts = self.rng.integers(0, max(len(self.buf) - lengths.max() - 1, 1), n)
        return pa.array([self.buf[s : s + ln] for s, ln in zip(starts.tolist(), lengths.tolist(), strict=True)], pa.string())


def _column(name: str, f: dict, n: int, rng: np.random.Generator, text: _Text, pool: pa.Array) -> pa.Array:
    typ = arrow_type(f["arrow"])
    required = f.get("constraints", {}).get("required")
    if "enum" in f:
        return pa.array(np.array(f["enum"])[rng.integers(0, len(f["enum"]), n)], typ)
    if f["arrow"] == "string":
        if name in TEXT_CHARS and TEXT_CHARS[name] > 100:
            return text.many(n, TEXT_CHARS[name])
        values = pc.take(pool, pa.array(rng.integers(0, len(pool), n)))
        return values if required else pc.if_else(pa.array(rng.random(n) < 0.3), pa.nulls(n, pa.string()), values)
    if f["arrow"] in ("int32", "int64"):
        return pa.array(rng.integers(0, 500, n), typ)
    if f["arrow"] == "bool":
        return pa.array(rng.random(n) < 0.5)
    if f["arrow"] == "date32":
        return pa.array(rng.integers(14_000, 20_500, n).astype("int32"), pa.int32()).cast(pa.date32())
    if f["arrow"].startswith("decimal"):
        return pc.cast(pa.array(rng.integers(0, 10**9, n)), typ)
    if f["arrow"] == "float64":
        return pa.array(rng.random(n))
    return pa.array([[] for _ in range(n)], typ)  # lists


def _child_table(name: str, doc_ids: pa.Array, rng: np.random.Generator, text: _Text, pool: pa.Array) -> pa.Table:
    schema = load(name)
    counts = rng.poisson(ROWS_PER_DOC[name], len(doc_ids))
    n = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    seq = (np.arange(n) - starts).astype("int32")
    ids = pc.take(doc_ids, pa.array(np.repeat(np.arange(len(doc_ids)), counts)))
    key_ints = [c for c in schema.primary_key if c != "doc_id" and schema.arrow().field(c).type == pa.int32()]
    cols = {}
    for f in schema.fields:
        c = f["name"]
        if c == "doc_id":
            cols[c] = ids
        elif key_ints and c == key_ints[0]:
            cols[c] = pa.array(seq)
        elif c in key_ints:
            cols[c] = pa.array(np.zeros(n, "int32"))
        elif c in schema.primary_key:
            cols[c] = pa.array([f["enum"][0] if "enum" in f else "1"] * n, pa.string())
        elif name == "doc_refs" and c == "number":
            cols[c] = pa.array(rng.integers(1, 3000, n).astype(str))
        else:
            cols[c] = _column(c, f, n, rng, text, pool)
    return pa.table(cols, schema=schema.arrow())


def fabricate(out_dir: Path, raw_dir: Path, n_docs: int, seed: int = 13) -> None:
    """The previous outputs of n_docs questions, written as one generation, and their input files."""
    rng = np.random.default_rng(seed)
    per_session = np.array_split(np.arange(n_docs), len(SESSIONS))
    text = _Text(rng, 8_000_000)
    pool = text.many(50_000, 40)
    changes: dict[str, dict[str, pa.Table]] = {t: {} for t in TABLE_ORDER}
    files: dict[str, list] = {c: [] for c in load("files").columns}
    ministers = [f"Minister {i}" for i in range(12)]
    for session, ids in zip(SESSIONS, per_session, strict=True):
        n = len(ids)
        if not n:
            continue
        folder = raw_dir / session
        folder.mkdir(parents=True, exist_ok=True)
        names, shas = [], []
        for i in ids.tolist():
            path = folder / f"sv{i:06d}.pdf"
            data = f"%PDF-1.7 fabricated archive question {i}\n".encode()
            path.write_bytes(data)
            st = path.stat()
            names.append(f"{session}/{path.name}")
            shas.append(hashlib.sha256(data).hexdigest())
            files["size"].append(st.st_size)
            files["mtime_ns"].append(st.st_mtime_ns)
        doc_ids = [s[:16] for s in shas]
        schema = load("documents")
        cols = {}
        for f in schema.fields:
            cols[f["name"]] = _column(f["name"], f, n, rng, text, pool)
        cols.update({
            "doc_id": pa.array(doc_ids), "sha256": pa.array(shas), "source_file": pa.array(names),
            "source_files": pa.array([[x] for x in names], pa.list_(pa.string())), "ordinal": pa.array(np.ones(n, "int32")),
            "session": pa.array([session] * n), "number": pa.array(np.arange(1, n + 1, dtype="int32")),
            "minister": pa.array(np.array(ministers)[rng.integers(0, len(ministers), n)]),
            "container": pa.array(["written_question"] * n), "pipeline_version": pa.array([__version__] * n),
            "warnings": pa.array([[] for _ in range(n)], pa.list_(pa.string())), "annexes": pa.array([[] for _ in range(n)], pa.list_(pa.string())),
        })
        docs = pa.table(cols, schema=schema.arrow()).sort_by("doc_id")
        split = parts.split_sessions(docs["session"])  # as a run would store this session
        changes["documents"].update(parts.split_parts(docs, parts.part_keys(docs["session"], docs["doc_id"], split)))
        for t in ROWS_PER_DOC:
            child = _child_table(t, docs["doc_id"], rng, text, pool).sort_by([(k, "ascending") for k in load(t).primary_key])
            changes[t].update(parts.split_parts(child, parts.part_keys(pa.array([session] * child.num_rows), child["doc_id"], split)))
        files["source_file"] += names
        files["sha256"] += shas
        files["doc_ids"] += [[d] for d in doc_ids]
        files["questions"] += [1] * n
        files["warnings"] += [[] for _ in range(n)]
        files["status"] += ["ok"] * n
        files["pipeline_version"] += [__version__] * n
    changes["files"][parts.ALL_KEY] = pa.table(files, schema=load("files").arrow()).sort_by("source_file")
    changes["errors"][parts.ALL_KEY] = empty_table(load("errors").arrow())
    from pipeline.commit.package import write_datapackage

    gen = parts.write_generation(out_dir, changes, reuse=False)
    write_datapackage(out_dir, gen)


_CHILD = """
import json, sys, time
from pathlib import Path
from pipeline.batch.run import RunOptions, extract
raw, out, mode, workers = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
cluster = None
if mode == "dask":
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    opts = RunOptions(scheduler=cluster.scheduler_address)
else:
    opts = RunOptions(workers=workers)
t0 = time.perf_counter()
s = extract(raw, out, options=opts)
dt = time.perf_counter() - t0
if cluster is not None:
    cluster.close()
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report its parent's peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": dt, "driver_peak_rss_mb": hwm / 1024,
                  "processed": s.processed, "documents": s.rows["documents"], "written": s.written}))
"""


def _measure(raw: Path, out: Path, mode: str, workers: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(raw), str(out), mode, str(workers)], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"archive run failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _new_pdfs(n: int) -> list[Path]:
    from pipeline.tools.bench import build_corpus

    return build_corpus(results_path().parent / "new-pdfs", n, seed=23)


def run(sizes: tuple[int, ...] = SIZES, workers: int | None = None) -> dict:
    workers = workers or os.cpu_count() or 1
    pdfs = _new_pdfs(2 * NEW_PDFS)
    res: dict = {"sizes": {}, "new_pdfs": NEW_PDFS, "workers": workers, "targets": TARGETS}
    for n in sizes:
        with tempfile.TemporaryDirectory(dir=results_path().parent) as tmp:
            raw, out = Path(tmp) / "raw", Path(tmp) / "out"
            t0 = time.perf_counter()
            code = "import sys; from pathlib import Path; from pipeline.tools.bench_archive import fabricate; fabricate(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))"
            subprocess.run([sys.executable, "-c", code, str(out), str(raw), str(n)], check=True)  # its memory is not this process's
            fab = time.perf_counter() - t0
            disk = sum(p.stat().st_size for p in (out / "current").rglob("*.parquet"))
            runs = [_measure(raw, out, "local", workers) for _ in range(NO_CHANGE_RUNS)]  # cheap: the median of several
            no_change = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            no_change["runs_seconds"] = [r["seconds"] for r in runs]
            (raw / "new").mkdir()
            for p in pdfs[:NEW_PDFS]:
                shutil.copy(p, raw / "new" / p.name)
            add = _measure(raw, out, "local", workers)
            (raw / "new-dask").mkdir()
            for p in pdfs[NEW_PDFS:]:
                shutil.copy(p, raw / "new-dask" / p.name)
            dask = _measure(raw, out, "dask", workers)
        res["sizes"][str(n)] = {"fabricated_s": fab, "parquet_mb": disk / 1e6, "no_change": no_change, "add_20": add, "add_20_dask": dask}
        print(f"{n:>8} questions ({disk / 1e6:,.0f} MB of parts): no change {no_change['seconds']:.2f} s / {no_change['driver_peak_rss_mb']:.0f} MB; "
              f"add 20 {add['seconds']:.2f} s / {add['driver_peak_rss_mb']:.0f} MB; "
              f"add 20 on Dask {dask['seconds']:.2f} s / {dask['driver_peak_rss_mb']:.0f} MB (driver)", flush=True)
    res["machine"] = {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(), "shared": True}
    res["schv"] = __version__
    path = results_path()
    path.write_text(json.dumps(res, indent=2) + "\n")
    print(f"targets at 150,000: add 20 < {TARGETS['add_seconds']:.0f} s and < {TARGETS['add_peak_rss_mb']:.0f} MB peak; no change < {TARGETS['no_change_seconds']:.0f} s")
    print(f"written {path}")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="schv bench --archive", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="archive sizes in questions (default 200,2000,150000)")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    results_path().parent.mkdir(parents=True, exist_ok=True)
    run(tuple(int(x) for x in args.sizes.split(",")), args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
