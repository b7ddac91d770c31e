"""The `schv` command: wires the stages, holds no logic of its own.

Exit codes: 0 all files done, 1 some files failed (see the errors table), 2 the run could
not run (bad arguments, input folder missing, another run holds the lock).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from pipeline import __version__


def _setup_logging(json_log: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_log:
        class JsonFormatter(logging.Formatter):
            def format(self, record: logging.LogRecord) -> str:
                return json.dumps({"time": self.formatTime(record), "level": record.levelname, "message": record.getMessage()})

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.executors import scheduler_address
    from pipeline.run import InputUnreadable, RunLocked, RunOptions, extract
    from pipeline.schema import SchemaError

    options = RunOptions(
        workers=args.workers, timeout=args.timeout, memory_mb=args.memory_mb, max_tasks=args.max_tasks,
        scheduler=scheduler_address(args.scheduler), in_process=args.in_process,
    )
    try:
        summary = extract(Path(args.raw), Path(args.out), force=args.force, options=options)
    except (RunLocked, FileNotFoundError, InputUnreadable, SchemaError, OSError) as exc:
        logging.getLogger("schv").error("the run could not run: %s", exc)
        return 2
    for line in summary.lines():
        logging.getLogger("schv").info("%s", line)
    return 1 if summary.failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.run import status

    st = status(Path(args.raw), Path(args.out))
    for key in ("processed", "pending", "failed", "removed"):
        print(f"{key}: {len(st[key])}")
        for name in st[key] if key != "processed" else []:
            print(f"  {name}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import main as eval_main

    return eval_main(Path(args.devset), Path(args.pdfs), details=args.details)


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import write_report

    print(f"written {write_report(Path(args.out))}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from pipeline.package import TABLES_MD, write_tables_markdown

    write_tables_markdown()
    print(f"written {TABLES_MD}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from pipeline.bench import main as bench_main

    return bench_main((["--archive"] if args.archive else []) + args.rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="schv", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--json-log", action="store_true", help="log lines as JSON objects")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="process new and changed PDFs and update the tables")
    p.add_argument("--raw", default="raw", help="folder of input PDFs (default: raw)")
    p.add_argument("--out", default="processed", help="folder of output tables (default: processed)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="reprocess every file")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds one document may take (default 120; 0: no limit)")
    p.add_argument("--memory-mb", type=int, default=2048, help="address-space limit per worker in MB (default 2048; 0: none)")
    p.add_argument("--max-tasks", type=int, default=200, help="documents per worker before it is replaced (default 200)")
    p.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:PORT (or set SCHV_DASK_SCHEDULER)")
    p.add_argument("--in-process", action="store_true", help="no worker processes (profiling); no time or memory limit")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("status", help="show processed, pending and failed files")
    p.add_argument("--raw", default="raw")
    p.add_argument("--out", default="processed")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("eval", help="precision/recall/F1 on the annotated development set")
    p.add_argument("--devset", default="tests/devset")
    p.add_argument("--pdfs", default="tests/devset/pdf")
    p.add_argument("--details", action="store_true", help="list every miss and extra")
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("report", help="write OUT/report.html: charts of the corpus and the error list")
    p.add_argument("--out", default="processed")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("docs", help="regenerate docs/tables.md from schemas/")
    p.set_defaults(func=cmd_docs)
    p = sub.add_parser("bench", help="benchmark against the raw extractors (see `schv bench -- --help`)")
    p.add_argument("--archive", action="store_true", help="only the archive measure: a night on 200, 2,000 and 150,000 questions")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    _setup_logging(args.json_log)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
