"""Parse the files a scan left to parse: read, hash and run the importer, on several processes.

A :class:`Parser` is a picklable callable holding the speaker registry, the companion files'
bytes and the spill folder; the pool sends it to each worker with the tasks (no module globals).
Workers return small tuples; the paragraph tables of large batches go through a spill (Arrow IPC
streams appended to a file per worker process, memory-mapped by the parent) instead of being
pickled one by one.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import tempfile
from dataclasses import dataclass

import pyarrow as pa

from analysis.errors import IngestError
from analysis.ingest.importers import RawSource, parse_source, read_profiles, read_sidecar
from analysis.ingest.importers.base import Collection
from analysis.ingest.scan import Aux, Task
from analysis.ingest.schema import TURN_SCHEMA, FileResult, document_rows
from analysis.ingest.state import restore
from analysis.speakers import SpeakerRegistry

PARALLEL_MIN = 64  # fewer files to parse than this: parse in-process

# (tag, sha256, ...): ("ok", sha, doc rows, turns or spill location, file warnings, rejected),
# ("skip", sha, reason), ("unchanged", sha), ("unreadable", "", reason)
Outcome = tuple


def parse_raw(
    rel: str,
    raw: bytes,
    *,
    sha: str,
    registry: SpeakerRegistry,
    manifest_row: dict | None = None,
    sidecar: bytes | None = None,
    profiles: tuple[bytes, ...] = (),
    companions: dict[str, bytes] | None = None,
) -> Collection:
    """Pick the importer for one raw file and run it: its documents (:class:`IngestError` when it cannot)."""
    meta = read_sidecar(sidecar) if sidecar is not None else None
    profile = read_profiles(profiles) if profiles else None
    source = RawSource(rel, raw, sha, manifest_row, meta, profile, dict(companions or {}))
    return parse_source(source, registry=registry)


@dataclass
class Parser:
    """Parses one task into an :data:`Outcome`; picklable, so a process pool can run it."""

    registry: SpeakerRegistry
    spill_dir: str | None = None
    companions: dict[str, bytes] | None = None  # companion files' bytes by path (see scan.Aux)

    def __call__(self, task: tuple) -> Outcome:
        rel, source, old_sha, aux = task
        aux = aux or Aux()
        if isinstance(source, str):
            try:
                with open(source, "rb") as fh:
                    raw = fh.read()
            except OSError as exc:
                return ("unreadable", "", f"unreadable: {exc.strerror or exc}")
        else:
            raw = source
        sha = hashlib.sha256(raw).hexdigest()
        if old_sha is not None and sha == old_sha:
            return ("unchanged", sha)
        if not raw.strip():
            return ("skip", sha, "empty file")
        companions = {path: (self.companions or {})[path] for path, _ in aux.companions}
        try:
            found = parse_raw(
                rel,
                raw,
                sha=sha,
                registry=self.registry,
                manifest_row=aux.manifest_row,
                sidecar=aux.sidecar,
                profiles=aux.profiles,
                companions=companions,
            )
        except IngestError as exc:
            return ("skip", sha, f"{exc.code}: {exc.message}")
        except Exception as exc:  # a parser bug must not stop the other files
            return ("skip", sha, f"parse-error: {type(exc).__name__}: {exc}")
        if not found.documents:
            reasons = "; ".join(f"{row}: {why}" for row, why in found.rejected[:3])
            return ("skip", sha, f"no-documents: nothing in the file became a statement ({reasons or 'empty'})")
        rows, tables = zip(*(document_rows(doc) for doc in found.documents), strict=True)
        turns = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        spilled = self._spill(turns) if self.spill_dir else turns
        return ("ok", sha, list(rows), spilled, list(found.warnings), list(found.rejected))

    def _spill(self, table: pa.Table) -> tuple[str, int, int]:
        """Append a table, as a complete Arrow IPC stream, to this process's spill file."""
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, TURN_SCHEMA) as writer:
            writer.write_table(table)
        buf = sink.getvalue()
        path = os.path.join(self.spill_dir or "", f"worker-{os.getpid()}.arrows")
        with open(path, "ab") as handle:  # complete on disk before the task's result is sent
            offset = handle.tell()
            handle.write(buf)
        return (path, offset, buf.size)


def _read_spill(outcomes: list[Outcome]) -> list[Outcome]:
    """Replace spill locations in the outcomes by the tables they point to (copied into memory)."""
    maps: dict[str, pa.MemoryMappedFile] = {}
    out = []
    for o in outcomes:
        if o[0] == "ok" and isinstance(o[3], tuple):
            path, offset, length = o[3]
            mm = maps.get(path) or maps.setdefault(path, pa.memory_map(path))
            table = pa.ipc.open_stream(pa.py_buffer(mm.read_at(length, offset))).read_all()
            o = (*o[:3], table, *o[4:])
        out.append(o)
    for mm in maps.values():
        mm.close()
    return out


FILE_SECONDS = float(os.environ.get("REFRAIN_PARSE_SECONDS", "120"))  # one file's parse, at most
WORKER_MEMORY = 4 << 30  # bytes of address space a parse worker may use


def parse_tasks(
    tasks: list[Task],
    previous: dict[str, dict],
    *,
    registry: SpeakerRegistry,
    jobs: int,
    companions: dict[str, bytes] | None = None,
) -> None:
    """Read (where needed), hash and parse files, on ``jobs`` processes when there are many.

    A worker that dies (killed, out of memory, a crash in a C library) or a file whose parse takes
    longer than :data:`FILE_SECONDS` never stops or hangs the run: the batch is parsed again one
    file at a time in a fresh worker, and the file that kills or stalls its worker is listed as
    skipped (``parse-crash`` / ``parse-timeout``) with the rest of the corpus intact.
    """
    work = [(t.result.path, t.source, t.old_sha, t.result.aux) for t in tasks]
    if jobs > 1 and len(work) >= PARALLEL_MIN:
        with tempfile.TemporaryDirectory(prefix="refrain-spill-") as spill:
            outcomes = _pooled(Parser(registry, spill, companions), work, jobs)
            outcomes = _read_spill(outcomes)
    else:
        parser = Parser(registry, None, companions)
        outcomes = [parser(w) for w in work]
    for task, outcome in zip(tasks, outcomes, strict=True):
        _apply(task.result, outcome, previous)


def _pooled(parser: Parser, work: list[tuple], jobs: int) -> list[Outcome]:
    """Outcomes of ``work`` parsed in batches on ``jobs`` processes; dead or stuck batches redone alone."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, len(work) // (jobs * 16))
    batches = [list(range(i, min(i + size, len(work)))) for i in range(0, len(work), size)]
    outcomes: list[Outcome | None] = [None] * len(work)
    failed: list[int] = []
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_limit_memory)
    try:
        futures = {pool.submit(_run_batch, parser, [work[i] for i in b]): b for b in batches}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=FILE_SECONDS * size, return_when=FIRST_COMPLETED)
            if not done:  # nothing finished in time: a stuck worker
                failed += [i for f in pending for i in futures[f]]
                break
            for f in done:
                try:
                    for i, outcome in zip(futures[f], f.result(), strict=True):
                        outcomes[i] = outcome
                except BrokenProcessPool:  # a worker died: every unfinished batch is redone alone
                    failed += futures[f]
    finally:
        _stop(pool)
    for i in sorted(set(failed)):
        outcomes[i] = _alone(parser, work[i])
    return [o if o is not None else ("unreadable", "", "unreadable: not parsed") for o in outcomes]


def _alone(parser: Parser, item: tuple) -> Outcome:
    """One file in a fresh worker of its own, with a time limit: the outcome, or why it has none."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(1, mp_context=_context(), initializer=_limit_memory)
    try:
        alone = Parser(parser.registry, None, parser.companions)
        return pool.submit(_run_batch, alone, [item]).result(timeout=FILE_SECONDS)[0]
    except BrokenProcessPool:
        return (
            "skip",
            "",
            "parse-crash: the worker parsing this file died (killed, out of memory or a crash); "
            "the rest of the corpus is intact",
        )
    except FutureTimeout:
        return ("skip", "", f"parse-timeout: parsing took longer than {FILE_SECONDS:g} s; the worker was stopped")
    finally:
        _stop(pool)


def _run_batch(parser: Parser, items: list[tuple]) -> list[Outcome]:
    return [parser(item) for item in items]


def _context():
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


def _limit_memory() -> None:
    """In a worker: cap its address space, so a runaway parse fails with MemoryError, not the machine."""
    import resource

    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # not allowed here: run without the cap
        pass


def _stop(pool) -> None:
    """Shut a pool down without waiting for stuck workers (they are terminated)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()


def _apply(res: FileResult, outcome: Outcome, previous: dict[str, dict]) -> None:
    tag, res.sha256 = outcome[0], outcome[1]
    if tag == "unreadable":
        res.reason, res.key = outcome[2], ""
    elif tag == "unchanged":  # touched, same content: the previous result stands
        restore(res, previous[res.path])
        res.sha256 = outcome[1]
    elif tag == "ok":
        _, _, res.docs, turns, res.warnings, res.rejected = outcome
        res.turns = split_turns(turns, [d["doc_id"] for d in res.docs])
        res.status, res.reason, res.parsed = "ingested", "", True
    else:
        res.status, res.reason, res.parsed = "skipped", outcome[2], True


def split_turns(turns: pa.Table, doc_ids: list[str]) -> dict[str, pa.Table]:
    """A file's paragraphs by document (most files hold one)."""
    if len(doc_ids) == 1:
        return {doc_ids[0]: turns}
    import pyarrow.compute as pc

    return {d: turns.filter(pc.equal(turns["doc_id"], d)) for d in doc_ids}


def reparse(
    source: bytes, res: FileResult, registry: SpeakerRegistry, companions: dict[str, bytes] | None = None
) -> dict[str, pa.Table]:
    """Paragraphs (by document) of a file that is new to the output but was not parsed in this run."""
    outcome = Parser(registry, None, companions)((res.path, source, None, res.aux))
    if outcome[0] != "ok":
        raise RuntimeError(f"cannot re-read {res.path} to rebuild its paragraphs; run ingest with --full")
    return split_turns(outcome[3], [d["doc_id"] for d in outcome[2]])
