"""The run's documents: one Arrow table of every document this ingest has, and who is kept.

:func:`gather` reads the rows the parse workers spilled for the files parsed in this run and the
state's rows for the files restored unchanged; :func:`deduplicate` keeps the earliest of documents
with the same id or body. Both work column by column, so a table of a million statements costs
memory in proportion to its columns, not a Python object per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.parse import Segment, read_segment
from analysis.ingest.schema import DOC_ROWS_SCHEMA, KEY, STATE_DOCS_SCHEMA, FileResult, bounded
from analysis.ingest.state import OldGeneration

RUN_SCHEMA = DOC_ROWS_SCHEMA.append(pa.field(KEY, pa.int64()))  # the run's documents
_SEQ = 0xFFFFFFFF


@dataclass
class RunDocs:
    """The run's documents (:data:`RUN_SCHEMA`, possibly in chunks) and, per row, its file: ``numbers``
    (the file's number in the run) and ``rank`` (the file's place in path order)."""

    table: pa.Table
    files: list[FileResult]  # by number
    numbers: np.ndarray
    rank: np.ndarray
    by_path: list[FileResult] = field(default_factory=list, repr=False)  # the files in path order (sorted once)
    _columns: dict[str, pa.Array] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if len(self.by_path) != len(self.files):
            self.by_path = sorted(self.files, key=attrgetter("path"))

    @property
    def seq(self) -> np.ndarray:
        return (self.table[KEY].to_numpy() & _SEQ).astype(np.int64) if self.table.num_rows else np.zeros(0, np.int64)

    def file_column(self, attr: str, rows: np.ndarray) -> pa.Array:
        """A column of the files' ``attr`` ("path", "sha256") for ``rows``, as a dictionary array."""
        values = self._columns.get(attr)
        if values is None:  # the files are settled by now: each column is made once
            values = self._columns[attr] = pa.array([getattr(r, attr) for r in self.files], pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(self.numbers[rows], pa.int32()), values)


def gather(results: list[FileResult], segments: list[Segment], old: OldGeneration | None) -> RunDocs:
    """Every document this run has: spilled by the parse, or restored from the state of ``old`` (the
    current generation). Every result has a number (its documents' keys' high half) by now."""
    files: list = [None] * len(results)
    for r in results:
        files[r.number] = r
    assert all(r is not None for r in files), "results must be numbered 0..n-1"  # (`None in` calls __eq__)
    wanted = pa.array([r.number for r in files if r.parsed and r.status == "ingested"], pa.int64())
    tables = []
    for seg in segments:
        if seg.bucket == -1:
            t = read_segment(seg)
            t = t.filter(pc.is_in(pc.shift_right(t[KEY], 32), value_set=wanted))
            if t.num_rows:
                tables.append(t)
    restored = [r for r in results if r.restored and r.status == "ingested"]
    docs, where = (
        old.docs_of([r.path for r in restored]) if old is not None else (STATE_DOCS_SCHEMA.empty_table(), None)
    )
    if docs.num_rows:  # a restored document's key: its file's number, high, and its place in the file
        high = pa.array([r.number << 32 for r in restored], pa.int64()).take(where)
        docs = docs.append_column(KEY, pc.add(high, pc.cast(docs["seq"], pa.int64())))
        tables.append(docs.select(RUN_SCHEMA.names))
    table = pa.concat_tables([t.cast(RUN_SCHEMA) for t in tables]) if tables else RUN_SCHEMA.empty_table()
    numbers = (table[KEY].to_numpy() >> 32).astype(np.int64) if table.num_rows else np.zeros(0, np.int64)
    counts = np.bincount(numbers, minlength=len(files)).tolist()
    for r, n_docs in zip(files, counts, strict=True):
        if r.status == "ingested":
            r.n_docs = n_docs
            if not r.n_docs:  # restored, but the state lost its rows: parse it again next time
                r.status, r.reason, r.key = "skipped", "unreadable: its documents are missing from the state", ""
    ordered = sorted(files, key=attrgetter("path"))
    rank = np.empty(len(files), np.int64)
    rank[[r.number for r in ordered]] = np.arange(len(files))
    return RunDocs(table, files, numbers, rank[numbers], ordered)


def deduplicate(run: RunDocs) -> tuple[np.ndarray, dict[int, str]]:
    """Keep the earliest of documents with the same body (or id); say why the others are not kept.

    Returns a mask of the kept rows and the reason per dropped row. Decided anew on every run, so an
    incremental run decides it as a full one would.
    """
    docs = run.table
    n = docs.num_rows
    keep = np.zeros(n, dtype=bool)
    reasons: dict[int, str] = {}
    if not n:
        return keep, reasons
    keys = pa.table(
        {"date": docs["date"], "doc_id": docs["doc_id"], "rank": pa.array(run.rank), "raw_row": docs["raw_row"]}
    )
    order = pc.sort_indices(keys, sort_keys=[(c, "ascending") for c in keys.column_names]).to_numpy()
    ids = pc.dictionary_encode(docs["doc_id"]).combine_chunks().indices.to_numpy()
    bodies = pc.dictionary_encode(docs["body_sha256"]).combine_chunks().indices.to_numpy()
    by_id = np.full(ids.max() + 1, -1, dtype=np.int64)
    by_body = np.full(bodies.max() + 1, -1, dtype=np.int64)
    # a document whose id and body no other has is kept, and decides nothing about the others
    shared = (np.bincount(ids)[ids] > 1) | (np.bincount(bodies)[bodies] > 1)
    keep[~shared] = True
    dropped: list[tuple[int, str, int]] = []
    for i in order[shared[order]].tolist():
        first = by_id[ids[i]]
        if first >= 0:
            dropped.append((i, "id", int(first)))
            continue
        first = by_body[bodies[i]]
        if first >= 0:
            dropped.append((i, "body", int(first)))
            continue
        by_id[ids[i]] = by_body[bodies[i]] = i
        keep[i] = True
    for i, why, first in dropped:
        doc_id, first_id = docs["doc_id"][i].as_py(), docs["doc_id"][first].as_py()
        where = _where(run, first)
        if why == "id":
            reasons[i] = bounded(f"duplicate-id: id {doc_id} is already used by {where}")
        else:
            reasons[i] = bounded(f"duplicate-body: same body text as {first_id} ({where})")
    return keep, reasons


def _where(run: RunDocs, i: int) -> str:
    path, row = run.files[run.numbers[i]].path, run.table["raw_row"][i].as_py()
    return f"{path} row {row}" if row else path
