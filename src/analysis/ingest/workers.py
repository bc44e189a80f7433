"""The parse's worker processes: a pool fed as a stream, limits on each worker, and what happens when
one dies or hangs.

Files are parsed in batches on a pool of worker processes (one at least, so that every file has a time and
memory limit, and a crash in a C library ends a worker, not the ingest), at most two batches per worker in
flight (:func:`parse_tasks`). A worker's address space is capped at :data:`WORKER_MEMORY`; a batch whose worker
dies, or that runs far past the per-file limit, is parsed again one file at a time in a fresh worker, and the
file that kills or stalls its worker is listed as ``parse-crash`` or ``parse-timeout``. Workers die with the
ingest that started them (a parent-death signal), so a killed ingest leaves no process behind.

With a ``dask`` engine (:mod:`analysis.engine`) the batches go to the cluster's workers instead (the
parser sent to each once); a batch that fails there for any reason is parsed again here, one file at a
time in a local worker with the limits above, so a file that kills a worker is listed the same way.
The cluster's own memory limits apply to its workers.

A local pool (:class:`Workers`) is started before the raw folder is scanned: each worker loads the
importers meanwhile, at a lower priority (:data:`WORKER_NICE`; the parse's first batch waits for it), a
batch carries the bytes of the companion files its files need (unread when the pool starts), and the
ingest does its own work while they parse (``meanwhile``). The same workers then make the turn parts
(:meth:`Workers.map`), sharing no GIL with the ingest's threads (docs/decisions/0005).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from analysis.ingest import parse
from analysis.ingest.parse import Outcome, Parser, Segment, apply
from analysis.ingest.scan import Task
from analysis.speakers import SpeakerRegistry

WORKER_MEMORY = 4 << 30  # bytes of address space a parse worker may use
BATCH_FILES = 192  # files sent to a worker at once (fewer, larger spills: each batch writes up to 64 segments)
BATCH_BYTES = 16 << 20  # bytes of archive members sent to a worker at once
#: How much a local worker's start (:func:`_start`) defers to the ingest (``nice``): at the same priority the
#: scan, which everything waits for, got ~60% of a core. Not its batches and parts: the ingest waits for those.
WORKER_NICE = 10


_Job = TypeVar("_Job")
_Out = TypeVar("_Out")
_PARSER: list[Parser] = []  # in a worker: the parser its pool was started with (sent once, not per batch)
_Parsed = tuple[list[Outcome], list[Segment]]  # a batch's outcomes and spill segments


def _run_batch(items: list[tuple], companions: dict[str, bytes] | None) -> _Parsed:
    return _PARSER[0].run(items, companions)


def _run_with(parser: Parser, items: list[tuple], companions: dict[str, bytes] | None) -> _Parsed:
    return parser.run(items, companions)


def _started() -> None:
    """A first task: submitting it makes a pool fork its workers (a fork context starts them all then)."""


class _ClusterPool:
    """A dask cluster's workers seen as a pool: the parser is on every worker once, batches are tasks."""

    def __init__(self, engine, parser: Parser) -> None:
        self.executor = engine.client.get_executor(pure=False)
        self.parser = engine.client.scatter(parser, broadcast=True, hash=False)

    def submit(self, _fn: Callable, items: list[tuple], companions: dict[str, bytes] | None):
        return self.executor.submit(_run_with, self.parser, items, companions)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait)


def _pool(parser: Parser, jobs: int, engine=None):
    if engine is not None and not engine.local:
        return _ClusterPool(engine, parser)
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max(1, jobs), mp_context=_context(), initializer=_worker_init, initargs=(parser,))


def _context():
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


def _worker_init(parser: Parser) -> None:
    """In a worker: keep the parser, die with the parent, ignore Ctrl-C (the parent stops the pool), cap
    the address space so a runaway parse fails with MemoryError, not the machine, and start (:func:`_start`)."""
    _PARSER[:] = [parser]
    import ctypes
    import resource

    with contextlib.suppress(OSError, AttributeError):  # not Linux: the pool's own checks remain
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: dies with the ingest
    if os.getppid() == 1:  # the parent died before the signal was armed
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(ValueError, OSError):  # not allowed here: run without the cap
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    failed: list[BaseException] = []
    starting = threading.Thread(target=_start, args=(failed,), name="refrain-worker-start")
    starting.start()
    starting.join()
    if failed:  # as if it had failed here: the pool is broken, and the files are parsed one at a time
        raise failed[0]


def _start(failed: list[BaseException]) -> None:
    """A worker's start, on a thread that defers to the ingest (:data:`WORKER_NICE`; on Linux a thread's priority
    is its own): the importers and the speakers' patterns loaded while the ingest scans. What goes wrong is put
    in ``failed``, for the worker's own thread to raise."""
    try:
        from analysis.ingest.importers import importers

        with contextlib.suppress(OSError, AttributeError):  # not on every system; the start runs as it is
            os.nice(WORKER_NICE)
        importers()  # now, while the ingest scans
        _PARSER[0].registry.patterns()
    except BaseException as exc:
        failed.append(exc)


def _stop(pool, *, wait: bool = True) -> None:
    """Shut a pool down without waiting for stuck workers (terminated; a cluster's are its own); ``wait=False``:
    their exit is waited for on a thread, or, idle, by the pool's own as they go (a thread started or a signal
    sent cost the ingest's end 2-10 ms of waiting for the GIL)."""
    processes = list(getattr(pool, "_processes", {}).values())
    idle = not getattr(pool, "_pending_work_items", True) and not _broken(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    if idle and not wait:
        return
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    if wait:
        _reap(processes)
    elif processes:
        threading.Thread(target=_reap, args=(processes,), name="refrain-reap", daemon=True).start()


def _reap(processes: list) -> None:
    for proc in processes:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)


def _batches(tasks: Iterable[Task], jobs: int = 1) -> Iterator[list[Task]]:
    """The stream of tasks cut into batches of :data:`BATCH_FILES` files or :data:`BATCH_BYTES` bytes; a stream
    that ends before it fills a batch for every worker (ten changed pages) is split between the workers by size
    instead: the largest file first, each to the batch with the fewest bytes so far (the parse waits for the last)."""
    stream = iter(tasks)
    head: list[Task] = []
    size = 0
    for task in stream:
        head.append(task)
        size += _size(task)
        if len(head) >= BATCH_FILES * jobs or size >= BATCH_BYTES * jobs:
            break
    else:
        shares: list[list[Task]] = [[] for _ in range(min(max(1, jobs), len(head)))]
        loads = [0] * len(shares)
        for task in sorted(head, key=_weight, reverse=True):  # stable: ties stay in stream order
            lightest = loads.index(min(loads))
            loads[lightest] += _weight(task)
            shares[lightest].append(task)
        order = {id(task): n for n, task in enumerate(head)}
        for share in shares:
            yield sorted(share, key=lambda t: order[id(t)])
        return
    batch: list[Task] = []
    size = 0
    for task in itertools.chain(head, stream):
        batch.append(task)
        size += _size(task)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _size(task: Task) -> int:
    return len(task.source) if isinstance(task.source, bytes) else 0


def _weight(task: Task) -> int:  # a file's bytes: what its parse costs, roughly
    return max(task.result.size, _size(task), 0)


class Workers:
    """The parse's pool for one ingest: started by :meth:`start` before the scan (its workers start while this
    process scans), parsing in :func:`parse_tasks`, then making the new generation's turn parts (:meth:`map`),
    stopped by :meth:`close`. A cluster's pool is made when the parse begins and stopped after it."""

    def __init__(self, registry: SpeakerRegistry, *, jobs: int, spill_dir: str, engine=None) -> None:
        self.parser = Parser(registry, spill_dir, parse.FILE_SECONDS)  # read now: tests may change it
        self.jobs, self.engine = max(1, jobs), engine
        self.local = engine is None or engine.local
        self.pool: Any = None

    def start(self) -> Workers:
        if self.local:
            self.pool = _pool(self.parser, self.jobs)
            self.pool.submit(_started)
        return self

    def take(self):
        """The pool to parse on (the started one, or a new one); :meth:`give_back` it after."""
        pool, self.pool = self.pool, None
        return pool if pool is not None else _pool(self.parser, self.jobs, self.engine)

    def give_back(self, pool) -> None:
        if self.local and not _broken(pool) and self.pool is None:
            self.pool = pool
        else:
            _stop(pool, wait=False)

    @property
    def ready(self) -> bool:
        """Whether a local pool is there to :meth:`map` on."""
        return self.pool is not None

    def map(self, fn: Callable[[_Job], _Out], jobs: list[_Job]) -> Iterator[_Out]:
        """``fn`` over ``jobs`` on the pool's processes: every job handed over now, the results in order as
        they are iterated (processes share no GIL with each other nor with what this process does
        meanwhile). A job whose worker died, or ran out of the memory a worker may use
        (:data:`WORKER_MEMORY`), is done here."""
        from concurrent.futures.process import BrokenProcessPool

        assert self.pool is not None, "map needs a started local pool"
        futures = []
        for job in jobs:
            try:
                futures.append(self.pool.submit(fn, job))
            except BrokenProcessPool:  # broken while they were handed over: the rest is done here, in turn
                futures.append(None)
        return _results(fn, jobs, futures)

    def close(self) -> None:
        if self.pool is not None:
            _stop(self.pool, wait=False)
            self.pool = None


def _results(fn: Callable[[_Job], _Out], jobs: list[_Job], futures: list) -> Iterator[_Out]:
    from concurrent.futures.process import BrokenProcessPool

    for job, future in zip(jobs, futures, strict=True):
        if future is None:
            yield fn(job)
            continue
        try:
            yield future.result()
        except (BrokenProcessPool, MemoryError):
            yield fn(job)


def parse_tasks(
    tasks: Iterable[Task],
    previous: Mapping[str, dict],
    workers: Workers,
    *,
    companions: dict[str, bytes] | None = None,
    tick: Callable[[int], None] = lambda n: None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[Segment]:
    """Read (where needed), hash and parse the stream of ``tasks`` on the ``workers``' pool; fill in each
    task's result and return the spill segments of the documents parsed. ``meanwhile`` (this process's own
    work) is done once, when the first batches are handed over. At most two batches per worker are in flight
    (an archive streamed through here is never held in memory whole). A batch whose worker dies, or that runs
    past the per-file limit times its size plus a minute, is parsed again one file at a time in a fresh
    worker. A ``dask`` :class:`~analysis.engine.Engine` parses the batches on its cluster (``jobs``: its workers).
    """
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    parser, jobs, engine = workers.parser, workers.jobs, workers.engine
    companions = companions or {}
    segments: list[Segment] = []
    failed: list[Task] = []
    cluster = not workers.local
    pool = workers.take()
    running: dict = {}
    stream = _batches(tasks, jobs)
    number = 0

    def submit(batch: list[Task]) -> None:
        nonlocal number
        items = []
        for task in batch:
            task.result.number = number
            number += 1
            items.append((task.result.number, task.result.path, task.source, task.old_sha, task.result.aux))
        for _attempt in range(2):
            try:
                running[pool.submit(_run_batch, items, _needed(batch, companions))] = (batch, time.monotonic())
                return
            except BrokenProcessPool:  # broken since it was last looked at
                renew()
        failed.extend(batch)  # a fresh pool broken at once too: each file alone, in a worker of its own

    def renew() -> None:  # a hung or dead worker: what is still running is redone alone, the rest on a new pool
        nonlocal pool
        for ran, _began in running.values():
            failed.extend(ran)
        running.clear()
        _stop(pool)
        pool = _pool(parser, jobs, engine)

    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < 2 * max(1, jobs):
                batch = next(stream, None)
                if batch is None:
                    exhausted = True
                else:
                    submit(batch)
            if not running:
                break
            meanwhile, first = (lambda: None), meanwhile  # done once, while the first batches are parsed
            first()
            done, _ = wait(list(running), timeout=5, return_when=FIRST_COMPLETED)
            for future in done:
                batch, _began = running.pop(future)
                segs = _collect(future, batch, previous, cluster=cluster)
                if segs is None:  # a worker died: its batch (and the pool's others) redone alone
                    failed += batch
                else:
                    segments += segs
                    tick(len(batch))
            now = time.monotonic()
            stuck = any(now - began > 2 * parser.file_seconds * len(b) + 60 for b, began in running.values())
            if stuck or _broken(pool):
                renew()
    finally:
        workers.give_back(pool)
    for task in failed:
        outcome, segs = _alone(parser, task, _needed([task], companions))
        segments += segs
        apply(task.result, outcome, previous)
        task.source = b""
        tick(1)
    return segments


def _collect(future, batch: list[Task], previous: Mapping[str, dict], *, cluster: bool) -> list[Segment] | None:
    """A finished batch's outcomes put in its files' results, and its spill segments; None if its worker died."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        outcomes, segs = future.result()
    except Exception as exc:
        if not (cluster or isinstance(exc, BrokenProcessPool)):
            raise
        return None
    for task, outcome in zip(batch, outcomes, strict=True):
        apply(task.result, outcome, previous)
        task.source = b""
    return segs


def _needed(batch: list[Task], companions: dict[str, bytes]) -> dict[str, bytes] | None:
    """The companion files' bytes the files of ``batch`` need (None: none)."""
    paths = {path for task in batch if task.result.aux for path, _ in task.result.aux.companions}
    return {path: companions[path] for path in sorted(paths)} or None


def _broken(pool) -> bool:
    return bool(getattr(pool, "_broken", False))


def _alone(parser: Parser, task: Task, companions: dict[str, bytes] | None) -> tuple[Outcome, list[Segment]]:
    """One file in a fresh worker of its own, with a time limit: the outcome, or why it has none."""
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    item = (task.result.number, task.result.path, task.source, task.old_sha, task.result.aux)
    pool = _pool(parser, 1)
    try:
        outcomes, segs = pool.submit(_run_batch, [item], companions).result(timeout=parser.file_seconds + 30)
        return outcomes[0], segs
    except BrokenProcessPool:
        died = "the worker parsing this file died (killed, out of memory or a crash); the rest of the corpus is intact"
        return ("skip", "", f"parse-crash: {died}"), []
    except FutureTimeout:
        slow = f"parsing took longer than {parser.file_seconds:g} s; the worker was stopped"
        return ("skip", "", f"parse-timeout: {slow}"), []
    finally:
        _stop(pool)
