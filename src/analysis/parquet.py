"""Parquet in and out, one way everywhere.

Reads go through :class:`pyarrow.parquet.ParquetFile` on the calling thread: ``pyarrow.parquet.read_table``
builds a dataset (importing ``pyarrow.dataset`` and pandas on first use, and starting a thread pool), which costs
more than reading a turn part does. Writes are zstd-compressed with statistics, through a temporary file renamed
into place (a reader never sees half a file).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def read_parquet(path: Path | str, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole Parquet file (or some of its columns), read on this thread."""
    with pq.ParquetFile(path) as source:
        return source.read(columns=list(columns) if columns is not None else None, use_threads=False)


def write_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    tmp.replace(path)
