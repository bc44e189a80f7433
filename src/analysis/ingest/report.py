"""``ingest_report.csv``: every raw file, with what it became and why.

A line per file, or per statement and rejected row of a file of many (a table). Files in path order;
a file's statements in their order in the file, its rejected rows among them by row number.

The lines of the statements of files with nothing to add (no rejected row, no warning about the file
as a whole: nearly all of them) are worked out column by column, as Arrow arrays; the other files'
lines in Python (:func:`_report_lines`), a chunk at a time. Both become CSV through
:func:`analysis.csvout.arrow_lines`, at most :data:`CHUNK` lines at a time: a table of a million
statements, plain or not, is never a million Python lists.
"""

from __future__ import annotations

import heapq
import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis import csvout
from analysis.ingest.documents import RunDocs
from analysis.ingest.schema import REPORT_FIELDS, WARNINGS_MAX, FileResult, bounded

CHUNK = 10_000  # lines formatted and written at a time


def write_report(run: RunDocs, reasons: dict[int, str], path: Path) -> dict[str, int]:
    """Write the report of the run's files and their documents (``run``; why a document was not kept:
    ``reasons``, by row) to ``path``; return the number of lines per status."""
    order = np.lexsort((run.seq, run.rank)) if run.table.num_rows else np.zeros(0, np.int64)
    with path.open("wb") as fh:  # UTF-8, as the lines are made
        out = _Out(fh, order, _Statements(run, reasons))
        span = [0, 0]  # the documents (places in ``order``) of plain files in a row, not placed yet
        cursor = 0  # the documents in path order: each ingested file takes its own in turn
        for r in run.by_path:
            lo = cursor
            cursor = hi = lo + (r.n_docs if r.status == "ingested" else 0)
            if hi > lo and not r.rejected and not r.warnings:  # a plain file: the span (ending at lo) goes on
                span[1] = hi
                continue
            out.statements(*span)
            span = [hi, hi]
            lines = _report_lines(r, _documents(run, order[lo:hi], reasons))
            while batch := list(itertools.islice(lines, CHUNK)):
                out.lines(batch)
        out.statements(*span)
        out.flush()
    return dict(sorted(out.statuses.items()))


class _Out:
    """The report's file: its header, then its lines in order, written :data:`CHUNK` at a time. A line is
    a document's statement line (its place in ``order``) or a line made in Python (``len(order)`` + its
    place among those waiting); a chunk's are made together, however they alternate."""

    def __init__(self, fh, order: np.ndarray, made: _Statements) -> None:
        self.fh, self.order, self.made = fh, order, made
        self.statuses: dict[str, int] = {}
        self.places: list[np.ndarray] = []
        self.waiting: list[list] = []
        self.size = 0
        fh.write(csvout.arrow_line_bytes([pa.array([f]) for f in REPORT_FIELDS])[0])

    def statements(self, lo: int, hi: int) -> None:
        while lo < hi:
            take = min(hi - lo, CHUNK - self.size)
            self._place(np.arange(lo, lo + take))
            lo += take

    def lines(self, lines: list[list]) -> None:
        while lines:
            part, lines = lines[: CHUNK - self.size], lines[CHUNK - self.size :]
            first = len(self.order) + len(self.waiting)
            self.waiting += part
            self._place(np.arange(first, first + len(part)))

    def _place(self, places: np.ndarray) -> None:
        self.places.append(places)
        self.size += len(places)
        if self.size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.size:
            return
        at = np.concatenate(self.places)
        stated = at < len(self.order)  # a statement's line (else one made in Python)
        lines = pa.concat_tables(
            [
                self.made.lines(self.order[at[stated]]),
                _table(self.waiting).take(pa.array(at[~stated] - len(self.order))),
            ]
        )
        back = np.empty(len(at), np.int64)  # the lines back in report order
        back[stated] = np.arange(int(stated.sum()))
        back[~stated] = int(stated.sum()) + np.arange(int((~stated).sum()))
        lines = lines.take(pa.array(back))
        self.fh.write(csvout.arrow_line_bytes([c.combine_chunks() for c in lines.columns])[0])
        for count in pc.value_counts(lines["status"]).to_pylist():
            self.statuses[count["values"]] = self.statuses.get(count["values"], 0) + count["counts"]
        self.places, self.waiting, self.size = [], [], 0


class _Statements:
    """The lines of documents as the report shows them for a file with nothing to add, column by column."""

    def __init__(self, run: RunDocs, reasons: dict[int, str]) -> None:
        self.run = run
        self.dropped = np.zeros(run.table.num_rows, dtype=bool)
        self.why = np.full(run.table.num_rows, len(reasons), dtype=np.int64)  # its reason's place (none: last)
        if reasons:
            at = np.fromiter(reasons, np.int64, len(reasons))
            self.dropped[at], self.why[at] = True, np.arange(len(reasons))
        self.reasons = pa.array([*reasons.values(), ""], pa.string())
        self.sizes = pa.array([max(f.size, 0) if f.sha256 else 0 for f in run.files], pa.int64())

    def lines(self, rows: np.ndarray) -> pa.Table:
        docs, at = self.run.table, pa.array(rows, pa.int64())
        dup = pa.array(self.dropped[rows], pa.bool_())
        warnings = pc.fill_null(pc.binary_join(docs["warnings"].take(at), " | "), "").combine_chunks()
        long = pc.greater(pc.utf8_length(warnings), WARNINGS_MAX)
        if pc.any(long).as_py():  # cut as bounded() cuts: rare
            cut = [bounded(w, WARNINGS_MAX) for w in warnings.filter(long).to_pylist()]
            warnings = pc.replace_with_mask(warnings, long, pa.array(cut, pa.string()))
        return pa.table(
            {
                "path": self.run.file_column("path", rows).cast(pa.string()),
                "row": pc.fill_null(docs["raw_row"].take(at), ""),
                "status": pc.if_else(dup, "skipped", "ingested"),
                "doc_id": pc.if_else(dup, "", docs["doc_id"].take(at)),
                "reason": self.reasons.take(pa.array(self.why[rows])),
                "warnings": warnings,
                "bytes": self.sizes.take(pa.array(self.run.numbers[rows])).cast(pa.string()),
                "sha256": self.run.file_column("sha256", rows).cast(pa.string()),
            },
            schema=_SCHEMA,
        )


_SCHEMA = pa.schema([(name, pa.string()) for name in REPORT_FIELDS])


def _documents(run: RunDocs, rows: np.ndarray, reasons: dict[int, str]):
    """``(doc_id, raw_row, warnings, why it was not kept)`` of the documents ``rows``, a chunk at a time."""
    columns = run.table.select(["doc_id", "raw_row", "warnings"])
    for lo in range(0, len(rows), CHUNK):
        chunk = rows[lo : lo + CHUNK]
        part = columns.take(pa.array(chunk, pa.int64())).to_pydict()
        why = [reasons.get(i) for i in chunk.tolist()]
        yield from zip(part["doc_id"], part["raw_row"], part["warnings"], why, strict=True)


def _table(lines: list[list]) -> pa.Table:
    """Lines made in Python, as text columns (a number as ``csv`` writes it)."""
    columns = list(zip(*lines, strict=True)) or [()] * len(REPORT_FIELDS)
    return pa.table(
        [
            pa.array(["" if v is None else v if isinstance(v, str) else str(v) for v in values], pa.string())
            for values in columns
        ],
        schema=_SCHEMA,
    )


def _report_lines(r: FileResult, docs):
    """The lines of one file (its documents: ``docs``, as :func:`_documents` gives them)."""
    size = max(r.size, 0) if r.sha256 else 0
    if r.status != "ingested" or not r.n_docs:
        yield [r.path, "", r.status, "", r.reason, _warnings(r.warnings), size, r.sha256]
        for row, why in sorted(r.rejected, key=lambda rw: _row_order(str(rw[0]))):  # none became a statement
            yield [r.path, row, "skipped", "", why, "", size, r.sha256]
        return
    lines = (
        [
            r.path,
            raw_row or "",
            "skipped" if dup else "ingested",
            "" if dup else doc_id,
            dup or "",
            _warnings(warnings) if warnings else "",
            size,
            r.sha256,
        ]
        for doc_id, raw_row, warnings, dup in docs
    )
    if r.rejected:  # rows that became no statement, in row order among the documents'
        rejected = sorted(((row, why) for row, why in r.rejected), key=lambda rw: _row_order(str(rw[0])))
        lines = heapq.merge(
            lines,
            ([r.path, row, "skipped", "", why, "", size, r.sha256] for row, why in rejected),
            key=lambda line: _row_order(str(line[1])),
        )
    for k, line in enumerate(lines):
        if k == 0 and r.warnings:  # about the file as a whole: on its first line
            line[5] = _warnings([*r.warnings, *([str(line[5])] if line[5] else [])])
        yield line


def _warnings(warnings: list[str]) -> str:
    return bounded(" | ".join(warnings), WARNINGS_MAX)


def _row_order(row: str) -> tuple[int, str]:
    head = row.split("-", 1)[0].split(",", 1)[0]
    return (int(head) if head.isdigit() else -1, row)
