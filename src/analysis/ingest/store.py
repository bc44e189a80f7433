"""Store a build: ``corpus.json``, the documents, turn parts and state of a new generation (its ingest
report: :mod:`analysis.ingest.report`).

Everything is written from the run's documents (:class:`~analysis.ingest.documents.RunDocs`) column
by column and a chunk at a time, so a table of a million statements is never a million dicts.

Same inputs give byte-identical outputs, whether built at once or incrementally: rows are sorted,
no timestamp is written, and the incremental path assembles exactly the tables a full build would
(rows of unchanged documents are taken from their old part).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import shutil
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.ingest.documents import RunDocs
from analysis.ingest.index import DOCUMENT_COLUMNS, write_arrow, write_documents, write_index
from analysis.ingest.manifest import manifest_entry
from analysis.ingest.parse import Segment, read_segment
from analysis.ingest.schema import (
    DOCUMENT_PLAIN,
    DOCUMENT_SCHEMA,
    KEY,
    SCHEMA_VERSION,
    STATE_DOCS_FILE,
    STATE_DOCS_SCHEMA,
    STATE_FILE,
    TURN_PLAIN,
    TURN_SCHEMA,
    FileResult,
)
from analysis.ingest.state import OldGeneration, state_table
from analysis.parquet import COMPRESSION, arrow_writer, parquet_writer, read_arrow, read_parquet, write_parquet
from analysis.speakers import SpeakerRegistry

_T = TypeVar("_T")

DOCS_PER_PART = 100
MAX_PARTS = 64
BESIDE_PARTS = 100_000  # documents written beside the turn parts up to this many, else before them


def n_parts(n_docs: int) -> int:
    """Turn parts for a corpus of ``n_docs`` documents: about 100 documents a part, a power of two, at most 64.

    Fewer, larger parts make a query faster (a query opens every part: 256 small parts cost twice the
    time of 64) and an incremental rebuild a little slower (a changed document rewrites its whole part).
    """
    return min(MAX_PARTS, 2 ** max(0, math.ceil(math.log2(max(n_docs, 1) / DOCS_PER_PART))))


def part_of(doc_id: str, parts: int) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % parts


CHUNK = 50_000  # rows taken at a time when a table is written out in order


def corpus_info(run: RunDocs, keep: np.ndarray, registry: SpeakerRegistry, statuses: dict[str, int]) -> dict:
    """``corpus.json``: the corpus version (a hash of every raw file), counts (statuses count the
    ingest report's lines: a table's rows one by one), the sources and layout."""
    digest = hashlib.sha256("".join(f"{r.path}\0{r.sha256}\n" for r in run.by_path).encode())
    digest.update(f"speakers:{registry.version}\nschema:{SCHEMA_VERSION}\n".encode())
    kept = run.table.select(["source", "date", "doc_id"]).filter(pa.array(keep))
    sources: dict[str, dict] = {}
    if kept.num_rows:  # per source (NumPy, not a group-by: Arrow's query engine costs 10 ms to load)
        encoded = pc.dictionary_encode(kept["source"]).combine_chunks()
        codes, names = encoded.indices.to_numpy(), encoded.dictionary.to_pylist()
        days = kept["date"].combine_chunks().cast(pa.int32()).to_numpy()
        first = np.full(len(names), np.iinfo(np.int32).max, np.int32)
        last = np.full(len(names), np.iinfo(np.int32).min, np.int32)
        np.minimum.at(first, codes, days)
        np.maximum.at(last, codes, days)
        counts = np.bincount(codes, minlength=len(names))
        for k, name in enumerate(names):
            sources[name] = {
                "documents": int(counts[k]),
                "date_min": _iso(int(first[k])),
                "date_max": _iso(int(last[k])),
            }
    dates = pc.min_max(kept["date"]).as_py() if kept.num_rows else {"min": None, "max": None}
    return {
        "corpus_version": digest.hexdigest()[:12],
        "schema_version": SCHEMA_VERSION,
        "speakers_version": registry.version,
        "files": len(run.files),
        "statuses": statuses,
        "documents": kept.num_rows,
        "date_min": dates["min"].isoformat() if dates["min"] else None,
        "date_max": dates["max"].isoformat() if dates["max"] else None,
        "sources": dict(sorted(sources.items())),
        "turn_parts": n_parts(kept.num_rows),
    }


def _iso(day: int) -> str:
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat()


@dataclass(frozen=True)
class PartJob:
    """What one turn part of a new generation is made of, in a form a worker process can be sent: the
    part's rows from this run's parse (spill segments, and the keys of its fresh documents), the old part's
    documents (with their index rows) but those in ``drop`` (changed, gone or no longer kept: the old part's
    other documents are this run's, unchanged), and the rows of documents parsed again in the main process
    (a document that was a duplicate before)."""

    number: int
    gen_dir: Path
    old_dir: Path | None  # the generation whose part is taken from (None: nothing is)
    segments: tuple[Segment, ...]
    fresh_keys: np.ndarray
    drop: pa.Array
    again: tuple[pa.Table, ...] = ()


def write_part(job: PartJob) -> dict[str, dict]:
    """Write a turn part, its index and postings; return their manifest entries (size and SHA-256, hashed
    here, beside the other parts, instead of one after another when the generation is committed)."""
    tables = list(job.again)
    spilled = [read_segment(seg) for seg in job.segments]
    if spilled:  # the part's spilled rows, filtered once (not segment by segment)
        t = pa.concat_tables(spilled, promote_options="permissive")
        t = t.filter(pc.is_in(t[KEY], value_set=pa.array(job.fresh_keys)))
        if t.num_rows:
            tables.append(t.drop_columns([KEY]))
    known = None
    if job.old_dir is not None:
        old_part = read_parquet(job.old_dir / config.turn_part(job.number))
        unchanged = pc.invert(pc.is_in(old_part["doc_id"], value_set=job.drop))
        tables.append(old_part.filter(unchanged))
        known = _old_index(job.old_dir / config.index_part(job.number), old_part, unchanged)
    table = pa.concat_tables([t.cast(TURN_SCHEMA) for t in tables]) if tables else TURN_SCHEMA.empty_table()
    table = table.sort_by([("doc_id", "ascending"), ("para_no", "ascending")]).combine_chunks()
    written = (config.turn_part(job.number), config.index_part(job.number), config.index_postings(job.number))
    write_parquet(table, job.gen_dir / written[0], plain=TURN_PLAIN)
    write_index(table, job.gen_dir / written[1], job.gen_dir / written[2], known)
    return {rel: manifest_entry(job.gen_dir / rel) for rel in written}


def in_threads(fn: Callable[[PartJob], dict[str, dict]], jobs: list[PartJob]) -> Iterator[dict[str, dict]]:
    """Parts made on threads of this process (Arrow lets go of the GIL while it filters, sorts, encodes and
    compresses), the default of :func:`write_outputs`: every job handed over now, the results in order as
    they are iterated."""
    pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
    try:
        return pool.map(fn, jobs)
    finally:
        pool.shutdown(wait=False)  # its threads end with the last job


def write_outputs(
    run: RunDocs,
    keep: np.ndarray,
    segments: list[Segment],
    gen_dir: Path,
    *,
    old: OldGeneration | None,
    reparse: Callable[[FileResult], pa.Table],
    context: str = "",
    beside: Callable[[], _T],
    processes: Callable[[Callable[[PartJob], dict[str, dict]], list[PartJob]], Iterable[dict[str, dict]]] | None = None,
) -> tuple[int, dict[str, dict], _T]:
    """Write a new generation in ``gen_dir``: documents, turn parts and the state (the ingest report and
    corpus.json are :func:`~analysis.ingest.report.write_report`'s and :func:`write_info`'s).

    Turn parts no document of which changed are hard links to those of ``old`` (the current generation;
    None for a full build); the others are made by :func:`write_part` on ``processes`` (a map onto the
    parse's worker processes, which share no GIL with each other nor with this process), else on threads.
    They are planned first, alone (planning holds the GIL: beside the documents and the report it took
    48 ms instead of 7), and handed over; then the documents, the state and ``beside`` (the caller's: the
    ingest report) are written on threads. ``context`` is the digest of the metadata files the scan read
    (kept with the state). Returns the parts (re)written, the manifest entries already known (the linked
    files' and those hashed as they were written) and what ``beside`` returned."""
    (gen_dir / config.TURNS_FILE).mkdir(parents=True, exist_ok=True)
    (gen_dir / config.INDEX_DIR).mkdir(parents=True, exist_ok=True)
    parts = n_parts(int(np.count_nonzero(keep)))
    kept = np.flatnonzero(keep)
    ids = run.table["doc_id"].take(pa.array(kept)).combine_chunks() if len(kept) else pa.array([], pa.string())
    unchanged, jobs = _plan_parts(run, kept, ids, segments, gen_dir, parts, old, reparse)
    known: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=2) as side:
        if run.table.num_rows > BESIDE_PARTS:  # the documents and the state before the parts (at once, their
            aside = side.submit(beside)  # peaks would add up: a million-row table's by 120 MB)
            known.update(_write_documents(run, kept, ids, gen_dir, context))
            made = (processes or in_threads)(write_part, jobs)
            documents = None
        else:  # the parts handed over first, then the documents and the state beside them
            made = (processes or in_threads)(write_part, jobs)
            documents = side.submit(_write_documents, run, kept, ids, gen_dir, context)
            aside = side.submit(beside)
        known.update(_link_unchanged(unchanged, old, gen_dir))
        for entries in made:
            known.update(entries)
        if documents is not None:
            known.update(documents.result())
        return len(jobs), known, aside.result()


def _plan_parts(
    run: RunDocs,
    kept: np.ndarray,
    ids: pa.Array,
    segments: list[Segment],
    gen_dir: Path,
    parts: int,
    old: OldGeneration | None,
    reparse: Callable[[FileResult], pa.Table],
) -> tuple[list[int], list[PartJob]]:
    """The parts no kept document of which changed (to link from ``old``), and the jobs of the others. Only the
    changed documents are looked at (fresh, from other bytes, or gone): a part's other documents are the old
    part's, unchanged."""
    old_docs = old.documents if old is not None and old.info.get("turn_parts") == parts else None
    numbers = run.numbers[kept]
    fresh = np.fromiter((r.parsed for r in run.files), bool, len(run.files))[numbers]
    changed = np.flatnonzero(fresh | ~_same_as_old(ids, run.file_column("sha256", kept), old_docs))
    moved = ids.take(pa.array(changed, pa.int64()))
    part = np.array([part_of(d, parts) for d in moved.to_pylist()], dtype=np.int64)  # of each changed document
    if old_docs is None:
        dirty, drop = set(range(parts)), pa.array([], pa.string())
    else:
        gone = old_docs["doc_id"].filter(pc.invert(pc.is_in(old_docs["doc_id"], value_set=ids))).combine_chunks()
        dirty = set(part.tolist()) | {part_of(d, parts) for d in gone.to_pylist()}
        drop = pa.concat_arrays([moved.cast(pa.string()), gone.cast(pa.string())])
    by_bucket: dict[int, list[Segment]] = {}
    for seg in segments:
        if seg.bucket >= 0:
            by_bucket.setdefault(seg.bucket % parts, []).append(seg)
    keys = run.table[KEY].take(pa.array(kept[changed])).to_numpy() if len(changed) else np.zeros(0, np.int64)
    old_dir = old.path if old is not None and old_docs is not None else None
    jobs = []
    for k in sorted(dirty):
        mine = part == k
        again = []
        for i in np.flatnonzero(mine & ~fresh[changed]).tolist():  # e.g. a document that was a duplicate before
            turns = reparse(run.files[int(numbers[changed[i]])])
            again.append(turns.filter(pc.equal(turns["doc_id"], moved[i])).drop_columns([KEY]))
        jobs.append(
            PartJob(k, gen_dir, old_dir, tuple(by_bucket.get(k, ())), keys[mine & fresh[changed]], drop, tuple(again))
        )
    return sorted(set(range(parts)) - dirty), jobs


def _link_unchanged(unchanged: list[int], old: OldGeneration | None, gen_dir: Path) -> dict[str, dict]:
    """Link the parts ``unchanged`` and their index from ``old``; return their manifest entries (an index
    missing from a generation written before there was one is made now). Paths as text: ~55 parts and
    their indexes are linked in 1 ms, against 4 ms through :class:`~pathlib.Path`."""
    if old is None:
        return {}
    known: dict[str, dict] = {}
    src, dst, manifest = f"{old.path}/", f"{gen_dir}/", old.manifest
    for k in unchanged:
        rel = config.turn_part(k)
        _link_or_copy(src + rel, dst + rel)
        if rel in manifest:
            known[rel] = manifest[rel]
        index_files = (config.index_part(k), config.index_postings(k))
        linked = all(f in manifest for f in index_files)
        try:
            for f in index_files if linked else ():
                _link_or_copy(src + f, dst + f)
                known[f] = manifest[f]
        except FileNotFoundError:  # listed, but gone
            linked = False
        if not linked:  # a generation from before the index: index the part now
            for f in index_files:
                known.pop(f, None)
            write_index(read_parquet(dst + rel), *(gen_dir / f for f in index_files))
    return known


def _write_documents(run: RunDocs, kept: np.ndarray, ids: pa.Array, gen_dir: Path, context: str) -> dict[str, dict]:
    """``documents.parquet`` (kept documents by date and id), ``index/documents.arrow`` and the state;
    returns their manifest entries."""
    order = (
        kept[
            pc.sort_indices(
                pa.table({"date": run.table["date"].take(pa.array(kept)), "doc_id": ids}),
                sort_keys=[("date", "ascending"), ("doc_id", "ascending")],
            ).to_numpy()
        ]
        if len(kept)
        else kept
    )
    listed = _write_rows(run, order, DOCUMENT_SCHEMA, gen_dir / config.DOCUMENTS_FILE, keep=DOCUMENT_COLUMNS)
    write_documents(listed, gen_dir / config.INDEX_DOCUMENTS)
    del listed  # a million statements' titles and addresses: not held while the state is written
    write_arrow(state_table(run.by_path, context), gen_dir / STATE_FILE, compression=COMPRESSION)
    everything = np.lexsort((run.seq, run.rank)) if run.table.num_rows else np.zeros(0, np.int64)
    _write_rows(run, everything, STATE_DOCS_SCHEMA, gen_dir / STATE_DOCS_FILE, internal=True)
    written = (config.DOCUMENTS_FILE, config.INDEX_DOCUMENTS, STATE_FILE, STATE_DOCS_FILE)
    return {rel: manifest_entry(gen_dir / rel) for rel in written}


def write_info(info: dict, gen_dir: Path) -> None:
    """``corpus.json`` (:func:`corpus_info`)."""
    (gen_dir / config.CORPUS_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def _same_as_old(ids: pa.Array, shas: pa.Array, old_docs: pa.Table | None) -> np.ndarray:
    """For each kept document, True when the old generation has it from the same raw bytes (``shas``: its
    file's; document ids are unique in a generation)."""
    if old_docs is None or not len(ids):
        return np.zeros(len(ids), dtype=bool)
    old_sha = old_docs["raw_sha256"].take(pc.index_in(ids, value_set=old_docs["doc_id"]))
    return pc.equal(old_sha, shas.cast(pa.string())).fill_null(False).to_numpy(zero_copy_only=False)


def _write_rows(
    run: RunDocs, rows: np.ndarray, schema: pa.Schema, path: Path, *, keep: tuple[str, ...] = (), internal=False
) -> pa.Table:
    """Rows ``rows`` of the run's documents, in that order, as a Parquet file of ``schema`` (its columns in
    :data:`DOCUMENT_PLAIN` without a dictionary; an Arrow file when ``internal``: only Refrain reads it) with the
    file columns filled in from each row's file, written a chunk at a time; returns the columns ``keep``."""
    kept: list[pa.Table] = []
    opened = (
        arrow_writer(path, schema, compression=COMPRESSION)
        if internal
        else parquet_writer(path, schema, plain=DOCUMENT_PLAIN)
    )
    with opened as writer:
        for lo in range(0, max(len(rows), 1), CHUNK * 4):
            chunk = rows[lo : lo + CHUNK * 4]
            t = run.table.take(pa.array(chunk, pa.int64()))
            columns = {
                "raw_path": run.file_column("path", chunk),
                "raw_sha256": run.file_column("sha256", chunk),
                "path": run.file_column("path", chunk),
                "seq": pa.array(run.seq[chunk], pa.int32()) if len(chunk) else pa.array([], pa.int32()),
            }
            arrays = [(t[f.name] if f.name in t.column_names else columns[f.name]).cast(f.type) for f in schema]
            table = pa.Table.from_arrays(arrays, schema=schema)
            writer.write_table(table)
            kept.append(table.select(list(keep)))
    return pa.concat_tables(kept)


def _old_index(path: Path, old_part: pa.Table, unchanged: pa.ChunkedArray) -> pa.Table | None:
    """The previous index's rows of a dirty part's unchanged documents (their tokens are not made again),
    or None when that index is missing or does not match its part row for row (then all are made)."""
    try:
        index = read_arrow(path).select(["doc_id", "para_no", "tokens"])
    except (OSError, pa.ArrowInvalid, KeyError):
        return None
    if index.num_rows != old_part.num_rows or not (
        index["para_no"].equals(old_part["para_no"].cast(pa.int32()))
        and index["doc_id"].cast(pa.string()).equals(old_part["doc_id"].cast(pa.string()))
    ):
        return None
    return index.filter(unchanged)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
