"""Parquet and Arrow files in and out, one way everywhere.

Reads go through :class:`pyarrow.parquet.ParquetFile` on the calling thread: ``pyarrow.parquet.read_table``
builds a dataset (importing ``pyarrow.dataset`` and pandas on first use, and starting a thread pool), which costs
more than reading a turn part does. Writes are LZ4-compressed (Parquet's ``LZ4_RAW``, which pandas, pyarrow,
DuckDB, Polars and Spark 3.4+ read) with statistics, through a temporary file renamed into place (a reader never
sees half a file). Files only Refrain reads (the index, the ingest's state) are Arrow IPC files, written the same
way: mapped rather than decoded when uncompressed, and several times quicker to write and read than Parquet
when their buffers are compressed.

Why LZ4, not zstd: Arrow compresses and decompresses each column chunk, page and buffer with a context made
for that one call, and a zstd context is costly to make. A turn part of ~100 documents took 2.8 ms to write
and 1.7 ms to read with zstd, 1.4 and 0.65 ms with LZ4 (46% larger); the state's documents 6.2 and 3.4 ms,
against 3.6 and 1.1 (76% larger). An incremental ingest rewrites a few parts and the whole state: see
docs/decisions/0005-incremental-rebuilds.md ("Stop 46").
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "lz4"  # of every Parquet file, and of the Arrow files of the ingest's state


def read_parquet(path: Path | str, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole Parquet file (or some of its columns), read on this thread."""
    with pq.ParquetFile(path) as source:
        return source.read(columns=list(columns) if columns is not None else None, use_threads=False)


@contextmanager
def parquet_writer(path: Path, schema: pa.Schema, *, plain: Collection[str] = ()) -> Iterator[pq.ParquetWriter]:
    """A writer of ``path`` a batch at a time (into a temporary file, renamed into place when it closes).
    ``plain``: columns whose values nearly all differ (ids, hashes, texts), written without the dictionary
    Parquet would otherwise build for them and drop (the documents' table: 15.3 -> 12.0 ms, 4% smaller)."""
    tmp = path.with_name(path.name + ".tmp")
    dictionary = [f.name for f in schema if f.name not in plain] if plain else True
    with pq.ParquetWriter(
        tmp, schema, compression=COMPRESSION, write_statistics=True, use_dictionary=dictionary
    ) as writer:
        yield writer
    tmp.replace(path)


def write_parquet(table: pa.Table, path: Path, *, plain: Collection[str] = ()) -> None:
    with parquet_writer(path, table.schema, plain=plain) as writer:
        writer.write_table(table)


@contextmanager
def arrow_writer(
    path: Path, schema: pa.Schema, *, compression: str | None = None
) -> Iterator[pa.ipc.RecordBatchFileWriter]:
    """A writer of the Arrow IPC file ``path`` a batch at a time (buffers compressed with ``compression``:
    None or :data:`COMPRESSION`), through a temporary file renamed into place when it closes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with pa.ipc.new_file(tmp, schema, options=pa.ipc.IpcWriteOptions(compression=compression)) as writer:
        yield writer
    tmp.replace(path)


def read_arrow(path: Path | str) -> pa.Table:
    """A whole Arrow IPC file, mapped (an uncompressed file's buffers are read in place, not copied)."""
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()
