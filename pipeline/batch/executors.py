"""Where documents run: local worker processes (pebble) or a Dask cluster.

Both map the same per-file function, `process_file`, and hand every result to one
callback in the driver, which alone writes. Locally each document has a time limit and
each worker a memory limit; a worker that crashes, is killed or runs out of time fails
that one file (an `errors` row) and a fresh worker takes its place.
"""

from __future__ import annotations

import gc
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from pipeline.batch.inputs import open_regular
from pipeline.batch.result import DocResult
from pipeline.commit.store import encode_value

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_TASKS = 200


@dataclass(frozen=True)
class Task:
    path: Path
    source_file: str
    sha256: str | None
    work_dir: Path | None = None  # private scratch space (Word conversions), under the output's work folder


def failed(task: Task, stage: str, error_type: str, message: str) -> DocResult:
    return DocResult.failure(task.source_file, task.sha256, stage, error_type, message)


def _limit_memory(memory_mb: int) -> None:
    """Worker initializer: cap the address space so a runaway PDF fails alone."""
    import resource

    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def process_file(path: Path, source_file: str, sha256: str | None, work_dir: Path | None = None) -> DocResult:
    """The per-file function (pipeline.batch.document.process_file), imported where documents run:
    a driver with nothing to process never loads the extractors (start-up, issue 11)."""
    from pipeline.batch.document import process_file as run

    return run(path, source_file, sha256, work_dir)


def _process_encoded(path: Path, source_file: str, sha256: str | None, work_dir: Path | None = None) -> tuple[DocResult, bytes | None]:
    """A worker's side of run_local(encoded=True): the result and its journal JSON, encoded
    here, in parallel, so that the driver, which alone writes, only frames the bytes. The
    result itself travels pickled as well: the driver unpickles it in half the time it
    would take to read the JSON back (measured)."""
    res = process_file(path, source_file, sha256, work_dir)
    return res, encode_value(res)


def warm_up() -> None:
    """Load what every document needs once, before workers fork: they start warm, also when recycled."""
    import pipeline.batch.document  # noqa: F401 - the extractors and their patterns
    from pipeline.text.cleanup import keeps_hyphen

    keeps_hyphen("fundamen", "tele")  # loads the Dutch word list


@contextmanager
def warm_heap() -> Iterator[None]:
    """The extractors loaded, then every object alive moved out of the garbage collector's
    generations (gc.freeze) for the run: its full collections no longer walk the patterns,
    word lists and models each time results pile up, and workers forked from this process
    do not copy the pages those objects live on when a collection would touch them (the
    use gc.freeze is documented for). 2 workers over the bench corpus: 8% less wall time,
    measured. The objects go back to the collector after the run (a library caller's
    garbage is not kept for ever)."""
    warm_up()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_in_process(tasks: Iterable[Task], on_result: Callable[[DocResult], None]) -> None:
    """No isolation: for profiling and for the single-process benchmark."""
    for t in tasks:
        on_result(process_file(t.path, t.source_file, t.sha256, t.work_dir))


# Documents handed to the pool ahead of the workers, per worker: enough that a worker never
# waits for its next one, few enough that the driver starts collecting at once (scheduling all
# 320 of the bench corpus up front held the first document back by 90 ms, measured).
AHEAD_PER_WORKER = 4


def run_local(
    tasks: list[Task],
    on_result: Callable[[DocResult], None],
    *,
    workers: int,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_tasks: int = DEFAULT_MAX_TASKS,
    encoded: bool = False,
    later: ExitStack | None = None,
) -> None:
    """Worker processes with a per-document time limit, a memory cap and recycling.

    `encoded`: workers also give each result as its journal JSON (pipeline.commit.store.encode_value),
    handed to `on_result` as a second argument (None for a result that has none).
    `later`: once every result is in, the idle workers are let go in a thread that `later`
    joins when it closes, so the caller's next step (the commit) does not wait for pebble's
    shutdown (two polls of 0.1 s).
    """
    from pebble import ProcessPool

    warm_up()
    work = _process_encoded if encoded else process_file
    pool = ProcessPool(max_workers=max(1, workers), max_tasks=max_tasks, initializer=_limit_memory, initargs=(memory_mb,))
    pending = iter(tasks)
    running: dict = {}

    def schedule(n: int) -> None:
        for t in islice(pending, n):
            running[pool.schedule(work, args=(t.path, t.source_file, t.sha256, t.work_dir), timeout=timeout if timeout > 0 else None)] = t

    try:
        schedule(AHEAD_PER_WORKER * max(1, workers))
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                _hand_over(fut, running.pop(fut), on_result, timeout, memory_mb, encoded)
            schedule(len(done))
    except BaseException:
        pool.stop()  # Ctrl-C or a failing callback: do not wait for every scheduled document
        pool.join()
        raise
    pool.close()
    if later is None:
        pool.join()
        return
    closing = threading.Thread(target=pool.join, name="schv-pool-close", daemon=True)
    closing.start()
    later.callback(closing.join)


def _hand_over(fut: Future, task: Task, on_result: Callable[..., None], timeout: float, memory_mb: int, encoded: bool) -> None:
    """One finished document to `on_result`: its result, or the error row of what befell its worker."""
    from pebble import ProcessExpired

    data = None
    try:
        res = fut.result()
        if isinstance(res, tuple):
            res, data = res
    except FutureTimeout:
        res = failed(task, "worker", "timeout", f"took longer than {timeout:g} s; the worker was stopped")
    except ProcessExpired as exc:
        res = failed(task, "worker", "worker_crash", f"worker process died ({_exit_reason(exc.exitcode)}), e.g. out of memory or a crash in pdfium")
    except MemoryError:
        res = failed(task, "worker", "out_of_memory", f"needed more than the {memory_mb} MB memory limit")
    except Exception as exc:  # noqa: BLE001 - anything else still fails one file only
        res = failed(task, "worker", "worker_error", f"{type(exc).__name__}: {exc}")
    if encoded:
        on_result(res, data)
    else:
        on_result(res)


def process_bytes(data: bytes, source_file: str, sha256: str | None) -> DocResult:
    """Dask task: the bytes travel with the task, so workers need no shared file system."""
    with tempfile.TemporaryDirectory(prefix="schv-") as tmp:
        path = Path(tmp) / f"input{Path(source_file).suffix.lower() or '.pdf'}"
        path.write_bytes(data)
        return process_file(path, source_file, sha256, Path(tmp))


def run_dask(tasks: list[Task], on_result: Callable[[DocResult], None], *, scheduler: str, in_flight: int = 0) -> None:
    """The same per-document function mapped over a Dask cluster; results come back here."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        limit = in_flight or 4 * max(1, sum(client.nthreads().values()))
        pending = iter(tasks)
        running = dask_completed()
        owners = {}

        def submit_next() -> bool:
            """Submit the next readable file; False when none is left."""
            for task in pending:
                try:
                    with open_regular(task.path) as fh:  # never blocks on a FIFO swapped in since the listing
                        data = fh.read()
                except OSError as exc:
                    on_result(failed(task, "read", "unreadable", f"cannot read file: {exc.strerror or exc}"))
                    continue
                fut = client.submit(process_bytes, data, task.source_file, task.sha256, pure=False)
                owners[fut.key] = task
                running.add(fut)
                return True
            return False

        for _ in range(limit):
            if not submit_next():
                break
        for fut in running:
            task = owners.pop(fut.key)
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker and friends fail one file
                res = failed(task, "worker", "worker_crash", f"{type(exc).__name__} on the Dask cluster: {exc}")
            fut.release()
            on_result(res)
            submit_next()


def scheduler_address(cli_value: str | None) -> str | None:
    return cli_value or os.environ.get("SCHV_DASK_SCHEDULER") or None
