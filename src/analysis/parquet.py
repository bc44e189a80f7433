"""Parquet in and out, one way everywhere.

Reads go through :class:`pyarrow.parquet.ParquetFile` on the calling thread: ``pyarrow.parquet.read_table``
builds a dataset (importing ``pyarrow.dataset`` and pandas on first use, and starting a thread pool), which costs
more than reading a turn part does. Writes are zstd-compressed with statistics, through a temporary file renamed
into place (a reader never sees half a file).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def read_parquet(path: Path | str, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole Parquet file (or some of its columns), read on this thread."""
    with pq.ParquetFile(path) as source:
        return source.read(columns=list(columns) if columns is not None else None, use_threads=False)


@contextmanager
def parquet_writer(path: Path, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
    """A writer of ``path`` a batch at a time (into a temporary file, renamed into place when it closes)."""
    tmp = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd", write_statistics=True) as writer:
        yield writer
    tmp.replace(path)


def write_parquet(table: pa.Table, path: Path) -> None:
    with parquet_writer(path, table.schema) as writer:
        writer.write_table(table)
