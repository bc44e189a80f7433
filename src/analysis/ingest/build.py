"""Build the processed corpus from raw files: in parallel, incrementally, deterministically.

Every raw file ends up in ``ingest_report.csv`` with one of these statuses:

* ``ingested``: became a document (``warnings`` lists anything repaired or guessed);
* ``skipped``: not ingested, ``reason`` says why (empty file, no date, duplicate body, …);
* ``metadata``: a sidecar, manifest or README read alongside the documents.

One bad file never stops the build. Outputs, in the processed folder:

* ``documents.parquet``: one row per document;
* ``turns.parquet/part-NNN.parquet``: one row per paragraph, as a Parquet *dataset* (a folder of
  part files, as Spark writes it; pandas, DuckDB, Spark and Dask read the folder as one table).
  A document's rows live in the part chosen by a hash of its id, so a change to a few raw files
  rewrites only a few parts;
* ``ingest_report.csv`` and ``corpus.json`` (corpus version, counts, layout);
* ``.state.arrow``: what each raw file was last time (size, mtime, content hash, parse result)
  so that the next run re-parses only files whose content changed.

Same inputs give byte-identical outputs, whether built at once or incrementally: rows are sorted,
no timestamp is written, and the incremental path assembles exactly the tables a full build
would. Parsing runs on ``jobs`` processes (default: every core), or on a dask cluster's workers
(``engine``, :mod:`analysis.engine`).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import os
import re
import shutil
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from analysis import config
from analysis.ingest import generations, manifest
from analysis.ingest.documents import deduplicate, gather
from analysis.ingest.parse import reparse
from analysis.ingest.report import write_report
from analysis.ingest.scan import reread, scan, settle_damaged
from analysis.ingest.schema import FileResult, IngestResult
from analysis.ingest.state import OldGeneration, Previous, load_state, parser_fingerprint
from analysis.ingest.store import corpus_info, write_info, write_outputs
from analysis.ingest.workers import Workers, parse_tasks
from analysis.speakers import SpeakerRegistry, default_registry


def ingest(
    raw_dir: Path | str = config.RAW_DIR,
    out_dir: Path | str = config.PROCESSED_DIR,
    *,
    registry: SpeakerRegistry | None = None,
    quiet: bool = False,
    jobs: int | None = None,
    full: bool = False,
    progress: bool | None = None,
    wait: float = 0.0,
    verbose: bool = False,
    engine=None,
) -> IngestResult:
    """Read every file under ``raw_dir`` (a folder or a tar archive); update ``out_dir``.

    ``full=True`` ignores what a previous run left and rebuilds everything. The summary on stderr
    names each file with a problem when there are few new ones (or ``verbose``), else counts the
    problems by kind; the ingest report lists every file with its reason and warnings. The folder is locked
    while the new generation is written (a second ingest waits up to ``wait`` seconds, then fails);
    readers keep seeing the previous generation until the new one is complete. ``out_dir`` must be
    new, empty, or written by an earlier ingest (:func:`~analysis.ingest.generations.claim`).
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.exists():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist (nor is it a .tar archive)")
    generations.claim(out_dir, raw_dir)
    speakers = registry or default_registry()
    jobs = engine.workers if engine is not None and not engine.local else max(1, jobs or os.cpu_count() or 1)
    pa.array([0])  # pyarrow's first conversion imports pandas (0.2 s): here, before the fork, not in every worker
    if progress is None:
        progress = not quiet and os.environ.get("CI", "").lower() not in ("true", "1") and sys.stderr.isatty()
    with _few_collections():  # what the build held is freed before the collector runs as usual again
        result = _build(
            raw_dir, out_dir, speakers, jobs=jobs, full=full, quiet=quiet, progress=progress, wait=wait, engine=engine
        )
    if not quiet:
        _print_summary(result, out_dir, verbose=verbose)
    return result


def _build(
    raw_dir: Path,
    out_dir: Path,
    speakers: SpeakerRegistry,
    *,
    jobs: int,
    full: bool,
    quiet: bool,
    progress: bool,
    wait: float,
    engine,
) -> IngestResult:
    """:func:`ingest`'s work, under the processed folder's lock."""
    with generations.Lock(out_dir, wait=wait):
        old_gen = None if full else _usable(out_dir, quiet=quiet)
        with (
            generations.spill(out_dir) as spill,
            contextlib.closing(Workers(speakers, jobs=jobs, spill_dir=str(spill), engine=engine).start()) as parsers,
        ):  # the workers fork now, before any thread is started, and start while the folder is scanned
            previous = Previous() if old_gen is None else load_state(old_gen)
            scanned = scan(raw_dir, previous, fingerprint=parser_fingerprint(speakers))
            results = scanned.results
            bar = _progress(None) if progress else _NoBar()
            olds: list[OldGeneration] = []  # the current generation's files, read while the workers parse

            def read_old() -> None:
                if old_gen is not None:
                    olds.append(OldGeneration.read(old_gen))

            segments = parse_tasks(
                scanned.tasks, previous, parsers, companions=scanned.companions, tick=bar.update, meanwhile=read_old
            )
            bar.close()
            settle_damaged(scanned)
            numbered = max((r.number for r in results), default=-1) + 1
            for r in results:
                if r.number < 0:
                    r.number, numbered = numbered, numbered + 1
            if not olds:  # nothing was parsed
                read_old()
            old = olds[0] if olds else None
            run = gather(results, segments, old)
            keep, reasons = deduplicate(run)

            reparsed: dict[str, pa.Table] = {}
            lock = threading.Lock()

            def again(res: FileResult) -> pa.Table:  # a file's paragraphs, parsed again once (parts share it)
                with lock:
                    if res.path not in reparsed:
                        raw, res.aux, companions = reread(raw_dir, res.path, scanned)
                        reparsed[res.path] = reparse(raw, res, speakers, companions)[1]
                    return reparsed[res.path]

            def report() -> tuple[dict, dict]:  # the report and corpus.json: Python, beside the parts' work
                statuses = write_report(run, reasons, tmp / config.INGEST_REPORT_FILE)
                entry = manifest.manifest_entry(tmp / config.INGEST_REPORT_FILE)
                return corpus_info(run, keep, speakers, statuses), entry

            tmp = generations.begin(out_dir)
            try:
                parts, known, reported = write_outputs(
                    run,
                    keep,
                    segments,
                    tmp,
                    old=old,
                    reparse=again,
                    context=scanned.digest,
                    beside=report,
                    processes=parsers.map if parsers.ready else None,
                )
                info, known[config.INGEST_REPORT_FILE] = reported
                write_info(info, tmp)
                final = generations.commit(out_dir, tmp, known=known)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    return IngestResult(
        info=info,
        parsed=sum(r.parsed for r in results),
        reused=sum(not r.parsed and r.status not in ("metadata", "archive") for r in results),
        parts_written=parts,
        generation=final,
        fresh=frozenset(r.path for r in results if r.parsed),
    )


@contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cycle collector passes every 700 new objects, and its full passes walk every object the
    ingest holds (a result per file, the state's rows): 20-40 ms of an incremental ingest of 7,000
    files. While the ingest runs it passes every 50,000 (its objects hold no cycles to speak of); the
    caller's setting is put back after."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _usable(out_dir: Path, *, quiet: bool) -> Path | None:
    """The current generation, if an incremental run may build on it: its files must match their hashes."""
    gen = generations.current(out_dir)
    if gen is None:
        return None
    problems = manifest.verify(gen, hashes=True)
    if problems:
        if not quiet:
            print(f"ingest: the current generation is damaged ({problems[0]}): rebuilding in full", file=sys.stderr)
        return None
    return gen


# --- progress and summary -----------------------------------------------------------------------


class _NoBar:
    def __init__(self, total: int | None = None) -> None:
        pass

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, mininterval=0.5)


LIST_AT_MOST = 12  # more new problems than this are counted by kind, not listed one by one


def problem_kind(message: str) -> str:
    """A message without its particulars: "unknown speaker label 'DR. BIRX'; kept as speaker 'Birx'"
    -> "unknown speaker label …" (quoted names, numbers and what follows a ';' or ':' dropped)."""
    text = re.sub(r"'[^']*'|“[^”]*”|\"[^\"]*\"|\([^)]*\)", "…", message)
    text = re.sub(r"\d[\d.,%]*", "N", text)
    return re.split(r"[;:]", text, maxsplit=1)[0].strip()


def _print_summary(result: IngestResult, out_dir: Path, *, verbose: bool = False) -> None:
    info = result.info
    print(
        f"ingest: {info['files']} files -> {info['documents']} documents "
        f"({', '.join(f'{k} {v}' for k, v in info['statuses'].items())}); parsed {result.parsed}, "
        f"unchanged {result.reused}, {result.parts_written} turn part(s) written; "
        f"corpus {info['corpus_version']}, {info['date_min']} to {info['date_max']}; wrote {out_dir}",
        file=sys.stderr,
    )
    listed, counts = _problems(result, verbose=verbose)
    for path, kind, text in listed:
        print(f"  {kind} {path}: {text}", file=sys.stderr)
    if not any(counts.values()):
        return
    for kind in ("skipped", "warning"):
        found = counts[kind]
        if found:
            top = "; ".join(f"{n} {what}" for what, n in found.most_common(4))
            more = f"; {sum(found.values()) - sum(n for _, n in found.most_common(4))} of other kinds" * (
                len(found) > 4
            )
            label = "skipped files" if kind == "skipped" else "warnings"
            print(f"  {sum(found.values())} {label}: {top}{more}", file=sys.stderr)
    print(
        f"  each file's reason and warnings: {out_dir / config.INGEST_REPORT_FILE} "
        "(or list them here: python -m analysis ingest --verbose)",
        file=sys.stderr,
    )


def _problems(result: IngestResult, *, verbose: bool) -> tuple[list[tuple[str, str, str]], dict[str, Counter]]:
    """The problems to list one by one (all with ``verbose``; else those of files parsed in this run
    when there are at most :data:`LIST_AT_MOST`), and the others counted by kind. The report is read
    as a stream (with ``verbose``, each problem is printed as it is read)."""
    new: list[tuple[str, str, str]] = []
    counts: dict[str, Counter] = {"skipped": Counter(), "warning": Counter()}
    with open(result.generation / config.INGEST_REPORT_FILE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            problems = [("skipped", row["reason"])] * (row["status"] == "skipped")
            problems += [("warning", w) for w in filter(None, row["warnings"].split(" | "))]
            for kind, text in problems:
                if verbose:
                    print(f"  {kind} {row['path']}: {text}", file=sys.stderr)
                    continue
                counts[kind][problem_kind(text)] += 1
                if row["path"] in result.fresh and len(new) <= LIST_AT_MOST:
                    new.append((row["path"], kind, text))
    if verbose or len(new) > LIST_AT_MOST:
        return [], counts
    for _path, kind, text in new:  # listed: not counted again
        counts[kind][problem_kind(text)] -= 1
    return new, {k: +c for k, c in counts.items()}
