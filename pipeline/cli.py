"""The `schv` command: wires the stages, holds no logic of its own.

Exit codes: 0 all files done, 1 some files failed (each has its row in the errors table),
2 the run could not run or finish (bad arguments, input folder missing, another run holds
the lock, anything unexpected), said in one line; 130 interrupted (Ctrl-C; finished
documents are checkpointed and the next run continues from them).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.cli_args import count, seconds

log = logging.getLogger("schv")
FAILURES_LISTED = 20  # failed files named one by one at the end of a run; the rest are counted


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


class CannotRun(Exception):
    """The command cannot start (a folder missing, ...): exit 2 with this message."""


def _folder(path: str, what: str, hint: str = "") -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise CannotRun(f"{what} not found: {folder}{hint}")
    return folder


def _checkpointed(out_dir: Path) -> int:
    from pipeline.batch.result import DocResult
    from pipeline.commit.store import load_journals

    return len(load_journals(out_dir, DocResult.from_record)) if out_dir.is_dir() else 0


def _log_failures(out_dir: Path) -> None:
    """Every failed file at WARNING with its reason: the first FAILURES_LISTED, then a count."""
    from pipeline.commit.parts import CURRENT, read_table

    errors = read_table(out_dir, "errors")
    rows = errors.to_pylist() if errors is not None else []
    for e in rows[:FAILURES_LISTED]:
        log.warning("failed: %s (%s, %s): %s", e["source_file"], e["stage"], e["error_type"], e["message"])
    if len(rows) > FAILURES_LISTED:
        log.warning("... and %d more failed files: see the errors table in %s", len(rows) - FAILURES_LISTED, out_dir / CURRENT / "errors")


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.batch.executors import scheduler_address
    from pipeline.batch.run import InputUnreadable, RunLocked, RunOptions, extract
    from pipeline.schema import SchemaError

    options = RunOptions(
        workers=args.workers or os.cpu_count() or 1, timeout=args.timeout, memory_mb=args.memory_mb, max_tasks=args.max_tasks,
        scheduler=scheduler_address(args.scheduler), in_process=args.in_process,
    )
    out = Path(args.out)
    try:
        summary = extract(Path(args.raw), out, force=args.force, options=options)
    except (RunLocked, FileNotFoundError, InputUnreadable, SchemaError, OSError) as exc:
        log.error("the run could not run: %s", exc)
        return 2
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the one line short
        n = _checkpointed(out)
        log.warning("interrupted: %d document%s checkpointed; run again to continue", n, "" if n == 1 else "s")
        return 130
    except Exception as exc:  # noqa: BLE001 - a run that cannot finish is exit 2, never a traceback read as "some files failed"
        log.error("the run could not finish: %s: %s (a bug: please report it)", type(exc).__name__, exc)
        return 2
    for line in summary.lines():
        log.info("%s", line)
    if summary.failed:
        _log_failures(out)
    return 1 if summary.failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.batch.run import status

    raw = _folder(args.raw, "input folder")
    out = _folder(args.out, "output folder", " (nothing extracted there yet: run `schv extract` first)")
    st = status(raw, out)
    for key in ("processed", "pending", "failed", "removed"):
        print(f"{key}: {len(st[key])}")
        for name in st[key] if key != "processed" else []:
            print(f"  {name}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.tables:
        from pipeline.tools.evaluate_tables import main as tables_main

        shared = Path(args.shared or os.environ.get("SCHV_SHARED") or Path(__file__).resolve().parent.parent.parent / "shared")
        return tables_main(_folder(args.tables, "table gold folder"), shared, details=args.details)
    from pipeline.tools.evaluate import main as eval_main

    return eval_main(_folder(args.devset, "development set"), _folder(args.pdfs, "PDF folder"), details=args.details)


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.commit.parts import current
    from pipeline.tools.report import write_report

    out = _folder(args.out, "output folder")
    if current(out) is None:
        raise CannotRun(f"no tables in {out}: run `schv extract --out {out}` first")
    print(f"written {write_report(out)}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from pipeline.commit.package import TABLES_MD, write_tables_markdown

    write_tables_markdown()
    print(f"written {TABLES_MD}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from pipeline.tools.bench import main as bench_main

    return bench_main((["--archive"] if args.archive else []) + args.rest)


def _global_options(parser: argparse.ArgumentParser, *, subcommand: bool) -> None:
    """Options taken before or after the subcommand (`schv --json-log extract` = `schv extract --json-log`).

    On a subcommand the default is SUPPRESS, so that leaving it out there keeps the value given before it.
    """
    parser.add_argument("-V", "--version", action="version", version=f"schv {__version__}")
    parser.add_argument("--json-log", action="store_true", default=argparse.SUPPRESS if subcommand else False,
                        help="log lines as JSON objects")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="schv", description=__doc__.splitlines()[0])
    _global_options(parser, subcommand=False)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, subcommand=True)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, parents=[common])
        p.set_defaults(func=func)
        return p

    p = command("extract", "process new and changed PDFs and update the tables", cmd_extract)
    p.add_argument("--raw", default="raw", help="folder of input PDFs (default: raw)")
    p.add_argument("--out", default="processed", help="folder of output tables (default: processed)")
    p.add_argument("--workers", type=count(0, "all cores"), default=0, help="worker processes (default 0: all cores)")
    p.add_argument("--force", action="store_true", help="reprocess every file")
    p.add_argument("--timeout", type=seconds, default=120.0, help="seconds one document may take (default 120; 0: no limit)")
    p.add_argument("--memory-mb", type=count(0, "no limit"), default=2048, help="address-space limit per worker in MB (default 2048; 0: none)")
    p.add_argument("--max-tasks", type=count(1), default=200, help="documents per worker before it is replaced (default 200)")
    p.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:PORT (or set SCHV_DASK_SCHEDULER)")
    p.add_argument("--in-process", action="store_true", help="no worker processes (profiling); no time or memory limit")
    p = command("status", "show processed, pending and failed files", cmd_status)
    p.add_argument("--raw", default="raw", help="folder of input PDFs (default: raw)")
    p.add_argument("--out", default="processed", help="folder of output tables (default: processed)")
    p = command("eval", "precision/recall/F1 on the annotated development set", cmd_eval)
    p.add_argument("--devset", default="tests/devset")
    p.add_argument("--pdfs", default="tests/devset/pdf")
    p.add_argument("--details", action="store_true", help="list every miss and extra")
    p.add_argument("--tables", help="instead: score table cells against the gold of real PDFs in this folder (tests/tables_gold)")
    p.add_argument("--shared", help="folder holding the gold's PDFs (default: $SCHV_SHARED or ../shared beside the checkout)")
    p = command("report", "write OUT/report.html: charts of the corpus and the error list", cmd_report)
    p.add_argument("--out", default="processed", help="folder of output tables (default: processed)")
    command("docs", "regenerate docs/tables.md from schemas/", cmd_docs)
    p = command("bench", "benchmark against the raw extractors (see `schv bench -- --help`)", cmd_bench)
    p.add_argument("--archive", action="store_true", help="only the archive measure: a night on 200, 2,000 and 150,000 questions")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the reason
        return 2 if exc.code else 0
    _setup_logging(args.json_log)
    try:
        return args.func(args)
    except CannotRun as exc:
        log.error("%s", exc)
        return 2
    except KeyboardInterrupt:
        log.warning("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
