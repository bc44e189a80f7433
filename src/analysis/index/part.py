"""One part of a generation's index (``index/part-NNN.arrow`` and its postings ``post-NNN.arrow``):
its paragraphs' columns, their tokens as ids into the part's sorted vocabulary, and where each token
occurs, all read from the memory-mapped files without copying (:class:`PartIndex`). A part can also be
made in memory for paragraphs that are in no corpus (:meth:`PartIndex.of_texts`).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis.parquet import read_arrow

ROW_TABLE_AFTER = 4096  # token positions looked up at once, beyond which a part's position->row table is made


def _flat(column: pa.ChunkedArray) -> np.ndarray:
    """The values of a one-row list column as a NumPy view of the mapped file (no copy)."""
    values = column.chunk(0).values
    data = np.frombuffer(values.buffers()[1], dtype=values.type.to_pandas_dtype())
    return data[values.offset : values.offset + len(values)]


def with_nulls(array: pa.Array, fill: int) -> np.ndarray:
    """A fixed-width integer array as int64 NumPy, ``fill`` where null (read from its buffers: no
    conversion layer, no pyarrow.compute)."""
    values = np.frombuffer(array.buffers()[1], dtype=array.type.to_pandas_dtype())
    out = values[array.offset : array.offset + len(array)].astype(np.int64)
    if array.null_count:
        bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
        out[~bits[array.offset : array.offset + len(array)].astype(bool)] = fill
    return out


class PartIndex:
    """One part's index: paragraph columns and the flat token ids with their offsets."""

    def __init__(self, path: Path | None, table: pa.Table | None = None, postings: Path | None = None) -> None:
        self.path = path
        self.postings_path = postings
        if table is None:
            table = read_arrow(path)  # type: ignore[arg-type]
        self.n = table.num_rows
        column = table["tokens"]
        tokens = (column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()) if table.num_rows else None
        if tokens is None or not len(tokens):
            self.offsets = np.zeros(self.n + 1, dtype=np.int64)
            self.values = np.zeros(0, dtype=np.int32)
            self.vocab = pa.array([], pa.string())
        else:
            self.offsets = tokens.offsets.to_numpy().astype(np.int64)
            values = tokens.values
            self.values = values.indices.to_numpy()
            self.vocab = values.dictionary
        self.table = table
        self.doc_rows: np.ndarray | None = None  # each row's document in the corpus index (set by it)
        self._row_of: np.ndarray | None = None  # each token position's row, made once positions are many
        self._codes: dict[str, tuple[np.ndarray, list]] = {}  # a dictionary column's codes and values

    @classmethod
    def of_texts(cls, texts: list[str], *, speakers=None, doc_ids=None, n_words=None) -> PartIndex:
        """An index part in memory for paragraphs that are not in a corpus (display texts): tokens as the
        ingest makes them, so that a measure runs on them exactly as on a corpus."""
        from analysis.ingest.index import build_index

        n = len(texts)
        table = pa.table(
            {
                "doc_id": pa.array(doc_ids if doc_ids is not None else ["" for _ in texts], pa.string()),
                "para_no": pa.array(range(n), pa.int32()),
                "speaker": pa.array(speakers if speakers is not None else [None] * n, pa.string()),
                "role": pa.array(["speech"] * n, pa.string()),
                "n_words": pa.array(n_words if n_words is not None else [0] * n, pa.int32()),
                "text": pa.array(texts, pa.string()),
            }
        )
        return cls(None, build_index(table))

    def column(self, name: str) -> pa.Array:
        col = self.table[name]
        return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)

    @cached_property
    def vocab_list(self) -> list[str]:
        return self.vocab.to_pylist()

    @cached_property
    def char_lengths(self) -> np.ndarray:
        import pyarrow.compute as pc

        return pc.utf8_length(self.vocab).to_numpy(zero_copy_only=False).astype(np.int64)

    @cached_property
    def _postings(self) -> tuple[np.ndarray, np.ndarray]:
        """(positions grouped by token id, where each token's positions start)."""
        if self.postings_path is not None and self.postings_path.is_file():
            table = read_arrow(self.postings_path)  # one row of two lists: read in place, not copied
            return (_flat(table["position"]), _flat(table["start"]))
        order = np.argsort(self.values, kind="stable")
        start = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.values, minlength=len(self.vocab)), out=start[1:])
        return order, start

    def positions(self, token: int) -> np.ndarray:
        """Where token ``token`` occurs in the part (positions in :attr:`values`, ascending)."""
        order, start = self._postings
        return order[start[token] : start[token + 1]].astype(np.int64)

    def frequency(self, token: int) -> int:
        _, start = self._postings
        return int(start[token + 1] - start[token])

    def rows_of(self, positions: np.ndarray) -> np.ndarray:
        """The paragraph row of each token position (a binary search for a few, a lookup for many)."""
        if len(positions) < ROW_TABLE_AFTER and self._row_of is None:
            return np.searchsorted(self.offsets, positions, side="right") - 1
        if self._row_of is None:
            self._row_of = np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.offsets))
        return self._row_of[positions].astype(np.int64)

    def token_ids(self, tokens: list[str]) -> list[int]:
        """The ids of ``tokens`` in this part's vocabulary (-1 for a token it does not have): for a few, a
        binary search each (the vocabulary is sorted), no hash table of the whole vocabulary."""
        if len(tokens) > 8:  # many tokens: one hash lookup of them all beats a binary search each
            import pyarrow.compute as pc

            found = pc.index_in(pa.array(tokens, pa.string()), value_set=self.vocab)
            return [-1 if i is None else int(i) for i in found.to_pylist()]
        out = []
        for token in tokens:
            i = self._first_at_least(token)
            out.append(i if i < len(self.vocab) and self.vocab[i].as_py() == token else -1)
        return out

    def _first_at_least(self, text: str) -> int:
        vocab = self.vocab
        lo, hi = 0, len(vocab)
        while lo < hi:
            mid = (lo + hi) // 2
            if vocab[mid].as_py() < text:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def prefix_ids(self, prefix: str) -> range:
        """Ids of the tokens that start with ``prefix`` (a range: the vocabulary is sorted)."""
        vocab = self.vocab
        lo = first = self._first_at_least(prefix)
        hi = len(vocab)
        while lo < hi:  # first token that does not start with prefix
            mid = (lo + hi) // 2
            if vocab[mid].as_py().startswith(prefix):
                lo = mid + 1
            else:
                hi = mid
        return range(first, lo)

    def ends_with(self, text: str) -> np.ndarray:
        """For each token id, whether the token ends with ``text``."""
        import pyarrow.compute as pc

        return pc.ends_with(self.vocab, text).to_numpy(zero_copy_only=False)

    def codes(self, column: str) -> tuple[np.ndarray, list]:
        """A dictionary column as codes (-1 where empty) and the values they stand for (made once a part)."""
        if column not in self._codes:
            col = self.column(column)
            codes = with_nulls(col.indices, -1)
            codes.setflags(write=False)  # shared by every question on this part
            self._codes[column] = codes, col.dictionary.to_pylist()
        return self._codes[column]

    def code_of(self, column: str, values) -> np.ndarray:
        """For each row, whether its value in a dictionary column is one of ``values``."""
        codes, dictionary = self.codes(column)
        wanted = np.zeros(len(dictionary) + 1, dtype=bool)  # the last: an empty value (code -1)
        wanted[:-1] = [v in values for v in dictionary]
        return wanted[codes]

    def text(self, rows: np.ndarray) -> list[str]:
        """The folded spoken text of ``rows`` (their tokens joined, in Arrow: no Python object per token)."""
        import pyarrow.compute as pc

        rows = np.asarray(rows, dtype=np.int64)
        starts, lengths = self.offsets[rows], self.offsets[rows + 1] - self.offsets[rows]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        at = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        words = self.vocab.take(pa.array(self.values[at]))
        return pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), words), "").to_pylist()
