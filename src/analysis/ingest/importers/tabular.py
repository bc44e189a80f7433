"""Tables read as streams of numbered rows: CSV, TSV, JSON Lines and Parquet.

Each reader gives the table's columns and an iterator of ``(row number, values)`` or
``(row number, why the row is unreadable)``, reading the file as it goes (a Parquet file a batch at
a time). Text is decoded as UTF-8 (or UTF-16 with a byte-order mark), bad bytes become U+FFFD;
control characters are removed and counted. In a delimited file whose lines end in line feeds, a
carriage return on its own is text inside a cell, not the end of a row (so later row numbers never
shift). A JSON ``NaN`` or ``Infinity`` is kept as :class:`NonFinite` so that the row can be refused
naming its column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

from analysis.errors import IngestError
from analysis.ingest.importers.base import RawSource

FIELD_MAX = 10_000_000  # characters in one cell: a long speech, not a runaway file
HEADER_ROWS = 1_000  # JSON Lines: the columns are the keys of the objects on the first lines

Row = tuple[int, "dict | str"]  # (row number, values) or (row number, why it is unreadable)


class NonFinite(float):
    """A JSON ``NaN``/``Infinity``: kept so that the row can be refused naming the column."""


def read_rows(source: RawSource, warnings: list[str]) -> tuple[list[str], Iterator[Row]]:
    """The table's columns and a stream of its rows as (row number, values), or (row number, why it is unreadable)."""
    suffix = source.suffix
    if suffix == ".parquet":
        return _parquet_rows(source.raw)
    stream = _text_stream(source.raw, warnings)
    if suffix in (".jsonl", ".ndjson"):
        return _json_rows(stream, warnings)
    return _delimited_rows(stream, "\t" if suffix == ".tsv" else ",", warnings)


def _text_stream(raw: bytes, warnings: list[str]) -> io.TextIOBase:
    """The table's text, decoded as it is read (UTF-8, or UTF-16 with a byte-order mark); bad bytes
    become U+FFFD (reported per row). Lines end at a line feed only: a lone carriage return is
    dealt with by the reader."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        warnings.append("UTF-16 text (byte-order mark): decoded as UTF-16")
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    return io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, errors="replace", newline="")


def _lines(stream: io.TextIOBase, warnings: list[str]) -> Iterator[str]:
    """Lines of a delimited table. When the file's lines end in a line feed, a carriage return on its
    own is text inside a cell (read as a space, and counted), not the end of a row; a file with
    carriage returns only (classic Mac) is split at them."""
    head, controls = without_controls(stream.read(1 << 16))
    if "\r" in head and "\n" not in head and len(head) < (1 << 16):
        yield from io.StringIO(head, newline="\r")  # the whole file was read: classic Mac line ends
        return
    lone = 0
    pending = ""
    chunk = head
    while chunk:
        pending += chunk
        pieces = pending.split("\n")
        pending = pieces.pop()
        for line in pieces:
            if line.endswith("\r"):
                line = line[:-1]
            if "\r" in line:
                lone += line.count("\r")
                line = line.replace("\r", " ")
            yield line + "\n"
        chunk, removed = without_controls(stream.read(1 << 16))
        controls += removed
    if pending:
        if "\r" in pending.rstrip("\r"):
            lone += pending.rstrip("\r").count("\r")
        yield pending.rstrip("\r").replace("\r", " ")
    if lone:
        warnings.append(f"{lone} lone carriage return(s) inside cells read as spaces (rows end at line feeds)")
    if controls:
        warnings.append(f"{controls} control character(s) removed from the text")


def _delimited_rows(stream: io.TextIOBase, delimiter: str, warnings: list[str]) -> tuple[list[str], Iterator[Row]]:
    csv.field_size_limit((1 << 31) - 1)  # long cells are refused row by row (FIELD_MAX), not by the reader
    what = "TSV" if delimiter == "\t" else "CSV"
    reader = csv.reader(_lines(stream, warnings), delimiter=delimiter)
    try:
        header = next((r for r in reader if any(cell.strip() for cell in r)), None)
    except csv.Error as exc:
        raise IngestError("bad-table", f"not a readable {what} table: {exc}") from exc
    if header is None:
        raise IngestError("empty-body", "the table is empty: no header, no rows")
    header = [h.strip() for h in header]
    _check_header(header)

    def rows() -> Iterator[Row]:
        n = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a NUL byte: this row only
                n += 1
                yield (n, f"bad-row: not readable as {what} ({exc})")
                continue
            if not any(cell.strip() for cell in record):
                continue
            n += 1
            if len(record) > len(header):
                yield (n, f"bad-row: {len(record)} fields but the header has {len(header)} (an unquoted separator?)")
            else:
                yield (n, dict(zip(header, record + [""] * (len(header) - len(record)), strict=True)))

    return header, rows()


def _json_rows(stream: io.TextIOBase, warnings: list[str]) -> tuple[list[str], Iterator[Row]]:
    """JSON Lines: one object per line (a line feed ends a line; nothing else does). The columns are
    those of the first objects (up to :data:`HEADER_ROWS` lines); a row is numbered by its line."""
    numbered = enumerate(_split_lf(stream, warnings), start=1)
    head: list[Row] = []
    header: list[str] = []
    for n, line in numbered:
        row = _json_row(n, line)
        if row is None:
            continue
        head.append(row)
        if isinstance(row[1], dict):
            header += [k for k in row[1] if k not in header]
        if n >= HEADER_ROWS:
            break
    if not head:
        raise IngestError("empty-body", "the table is empty: no rows")

    def rows() -> Iterator[Row]:
        yield from head
        for n, line in numbered:
            row = _json_row(n, line)
            if row is not None:
                yield row

    return header, rows()


def _split_lf(stream: io.TextIOBase, warnings: list[str]) -> Iterator[str]:
    pending = ""
    controls = 0
    while chunk := stream.read(1 << 16):
        chunk, removed = without_controls(chunk)
        controls += removed
        pending += chunk
        *lines, pending = pending.split("\n")
        yield from lines
    if pending:
        yield pending
    if controls:
        warnings.append(f"{controls} control character(s) removed from the text")


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def without_controls(text: str) -> tuple[str, int]:
    """``text`` without NUL and other control characters (tab, line ends and form feed kept)."""
    if _CONTROL_RE.search(text) is None:
        return text, 0
    cleaned = _CONTROL_RE.sub("", text)
    return cleaned, len(text) - len(cleaned)


def _json_row(n: int, line: str) -> Row | None:
    if not line.strip():
        return None
    if len(line) > FIELD_MAX:
        return (n, f"bad-row: a line of {len(line):,} characters, more than {FIELD_MAX:,}")
    try:
        value = json.loads(line, parse_constant=NonFinite)
    except json.JSONDecodeError as exc:
        return (n, f"bad-row: not JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return (n, "bad-row: JSON nested too deeply")
    if not isinstance(value, dict):
        return (n, f"bad-row: a JSON {type(value).__name__}, not an object")
    return (n, value)


def _parquet_rows(raw: bytes) -> tuple[list[str], Iterator[Row]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(pa.BufferReader(raw))
    except (pa.ArrowException, OSError) as exc:
        raise IngestError("bad-table", f"not a readable Parquet file: {exc}") from exc
    header = reader.schema_arrow.names
    _check_header(header)
    if reader.metadata.num_rows == 0:
        raise IngestError("empty-body", "the table is empty: no rows")

    def rows() -> Iterator[Row]:
        n = 0
        try:
            for batch in reader.iter_batches(batch_size=5_000):
                for values in batch.to_pylist():
                    n += 1
                    yield (n, values)
        except (pa.ArrowException, OSError) as exc:
            n += 1
            yield (n, f"bad-row: the Parquet file cannot be read from here on ({exc})")

    return header, rows()


def _check_header(header: list[str]) -> None:
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise IngestError("bad-table", f"the header names column(s) {', '.join(map(repr, dupes))} more than once")
