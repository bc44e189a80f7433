"""Write the persisted index of one turn part: every paragraph's tokens, beside its speaker and role.

``index/part-NNN.arrow`` (Arrow IPC, uncompressed, so that readers map it instead of reading it) has
one row per paragraph of ``turns.parquet/part-NNN.parquet``, in the same order: ``doc_id``,
``para_no``, ``speaker``, ``role``, ``n_words`` and ``tokens``, the paragraph's spoken text (translator's
insertions and stage directions removed, folded) as a list of ids into the part's own vocabulary
(the dictionary of the column). Tokens are those of :func:`analysis.tokens.tokenize`. A part's index
is rewritten only when its turn part is (unchanged parts are linked from the previous generation; a
rewritten one takes its unchanged documents' tokens from its previous index), and the vocabulary is
sorted, so the file depends on nothing but its part's paragraphs: a full and an incremental build write
the same bytes. ``index/post-NNN.arrow`` lists the part's token positions grouped by token (postings):
where an atom occurs, without scanning the part.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.parquet import arrow_writer
from analysis.text import fold, spoken
from analysis.tokens import BREAK, stable_order, tokenize

TOKENS = pa.list_(pa.dictionary(pa.int32(), pa.string()))
INDEX_SCHEMA = pa.schema(
    [
        ("doc_id", pa.dictionary(pa.int32(), pa.string())),
        ("para_no", pa.int32()),
        ("speaker", pa.dictionary(pa.int32(), pa.string())),
        ("role", pa.dictionary(pa.int32(), pa.string())),
        ("n_words", pa.int32()),
        ("tokens", TOKENS),
    ]
)


def folded(display: str) -> str:
    """The text a paragraph is matched in: its spoken words (no [insertions], no stage directions), folded."""
    return fold(spoken(display) if "[" in display or "(" in display else display)


def build_index(turns: pa.Table, known: pa.Table | None = None) -> pa.Table:
    """The index rows of a turn part (:data:`INDEX_SCHEMA`). ``known``: the index rows, from the part's
    previous index, of the documents of ``turns`` that did not change, in their order there (a dirty part
    of an incremental build): their tokens are taken from it, not made again. Same rows, same bytes."""
    if not turns.num_rows:
        return INDEX_SCHEMA.empty_table()
    reused = np.zeros(turns.num_rows, dtype=bool)
    if known is not None and known.num_rows:
        reused = pc.is_in(turns["doc_id"], value_set=known["doc_id"].cast(pa.string())).to_numpy(zero_copy_only=False)
    fresh = np.flatnonzero(~reused)
    texts = [folded(t) for t in turns["text"].take(pa.array(fresh, pa.int64())).to_pylist()] if len(fresh) else []
    tokens = tokenize(texts) if texts else pa.array([], pa.string())
    breaks = np.flatnonzero(pc.equal(tokens, BREAK).to_numpy(zero_copy_only=False)).astype(np.int64)
    keep = np.ones(len(tokens), dtype=bool)
    keep[breaks] = False
    fresh_sizes = np.diff(np.concatenate([[-1], breaks, [len(tokens)]])) - 1 if texts else np.zeros(0, np.int64)
    if not reused.any():
        ids, vocab = _sorted_ids(tokens)
        ids, old_ids, old_sizes = ids[keep], np.zeros(0, np.int32), np.zeros(0, np.int64)
    else:  # the vocabulary a full build makes: every token of every row, and the break between two rows
        old = known["tokens"].combine_chunks()  # type: ignore[index]
        flat = old.flatten()
        dictionary, old_ids, old_sizes = flat.dictionary, flat.indices.to_numpy(), old.value_lengths().to_numpy()
        uses = np.bincount(old_ids, minlength=len(dictionary))  # each old word's uses in the unchanged rows
        same = _ids_in_same_vocabulary(tokens, dictionary, uses, breaks=turns.num_rows > 1)
        if same is not None:  # an edit that kept the part's words (a title, a typo): no id moves
            vocab, ids = dictionary, same[keep]
        else:
            used = np.flatnonzero(uses)
            words = dictionary.take(pa.array(used))
            breaks_too = pa.array([BREAK] if turns.num_rows > 1 else [], pa.string())
            vocab = pc.unique(pa.concat_arrays([words, tokens, breaks_too]))
            vocab = vocab.take(pc.sort_indices(vocab))
            remap = np.zeros(len(dictionary), dtype=np.int32)
            remap[used] = pc.index_in(words, value_set=vocab).to_numpy()
            old_ids = remap[old_ids]
            ids = pc.index_in(tokens.filter(pa.array(keep)), value_set=vocab).to_numpy(zero_copy_only=False)
    sizes = np.zeros(turns.num_rows, dtype=np.int64)
    sizes[fresh] = fresh_sizes
    sizes[reused] = old_sizes
    offsets = np.zeros(turns.num_rows + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    values = ids
    if len(old_ids):  # each row's tokens in row order: the fresh rows' and the others', interleaved
        values = np.empty(int(offsets[-1]), dtype=np.int32)
        of_fresh = np.repeat(~reused, sizes)
        values[of_fresh], values[~of_fresh] = ids, old_ids
    return pa.Table.from_arrays(
        [
            pc.dictionary_encode(turns["doc_id"]),
            turns["para_no"],
            pc.dictionary_encode(turns["speaker"]),
            pc.dictionary_encode(turns["role"]),
            turns["n_words"],
            pa.ListArray.from_arrays(pa.array(offsets), pa.DictionaryArray.from_arrays(pa.array(values), vocab)),
        ],
        schema=INDEX_SCHEMA,
    )


def _ids_in_same_vocabulary(
    tokens: pa.Array, dictionary: pa.Array, uses: np.ndarray, *, breaks: bool
) -> np.ndarray | None:
    """The ids of ``tokens`` in the old part's (sorted) vocabulary when it is the vocabulary of the new part as
    well, else None: every token is an old word, and every old word is still used (by the unchanged rows,
    ``uses``, or by a token; the break, when there is more than one row). Then no word is sorted or looked up
    again: a part of ~100 documents with one changed, 3.0 -> 1.8 ms (one whose edit brings a new word: 3.0 ->
    3.1 ms, the look-up done in vain)."""
    found = pc.index_in(tokens, value_set=dictionary)
    if found.null_count:
        return None
    ids = found.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    total = uses + np.bincount(ids, minlength=len(dictionary))
    if breaks:
        at = pc.index_in(pa.array([BREAK], pa.string()), value_set=dictionary)[0].as_py()
        if at is None:
            return None
        total[at] += 1
    return ids if total.all() else None


def _sorted_ids(tokens: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Token ids into a sorted vocabulary (the same tokens always give the same file)."""
    if not len(tokens):
        return np.zeros(0, dtype=np.int32), pa.array([], pa.string())
    encoded = pc.dictionary_encode(tokens)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[encoded.indices.to_numpy()], encoded.dictionary.take(pa.array(order))


DOCUMENT_COLUMNS = ("doc_id", "date", "title", "source", "source_url")


def write_documents(documents: pa.Table, path: Path) -> None:
    """``index/documents.arrow``: each document's id, date, title, source and URL, in the order of
    ``documents.parquet`` (what a query needs of the documents, without reading Parquet)."""
    write_arrow(documents.select(list(DOCUMENT_COLUMNS)), path)


def write_arrow(table: pa.Table, path: Path, *, compression: str | None = None) -> None:
    with arrow_writer(path, table.schema, compression=compression) as writer:
        writer.write_table(table.combine_chunks() if table.num_rows else table)


POSTINGS_SCHEMA = pa.schema([("position", pa.list_(pa.int32())), ("start", pa.list_(pa.int32()))])


def postings(index: pa.Table) -> pa.Table:
    """Every token position of an index part grouped by token id (positions ascending within a
    token), and where each token's positions start: one row. A phrase's candidates are the positions
    of its rarest atom, found without a scan."""
    if index.num_rows:
        tokens = index["tokens"].combine_chunks()
        values, vocab = tokens.values.indices.to_numpy(), len(tokens.values.dictionary)
    else:
        values, vocab = np.zeros(0, np.int32), 0
    order = stable_order(values).astype(np.int32)  # radix passes over the ids
    start = np.zeros(vocab + 1, dtype=np.int32)
    np.cumsum(np.bincount(values, minlength=vocab), out=start[1:])
    return pa.table(
        {"position": pa.array([order], pa.list_(pa.int32())), "start": pa.array([start], pa.list_(pa.int32()))},
        schema=POSTINGS_SCHEMA,
    )


def speaker_words(turns: pa.Table) -> dict[str, int]:
    """Each named speaker's words in the paragraphs of role ``speech`` (who can be asked about)."""
    if not turns.num_rows:
        return {}
    speaker = pc.dictionary_encode(turns["speaker"]).combine_chunks()
    names = speaker.dictionary.to_pylist()
    codes = speaker.indices.fill_null(len(names)).to_numpy()  # no speaker: a last bin, dropped
    speech = pc.equal(turns["role"], "speech").combine_chunks().fill_null(False).to_numpy(zero_copy_only=False)
    words = turns["n_words"].combine_chunks().fill_null(0).to_numpy()
    sums = np.bincount(codes[speech], weights=words[speech], minlength=len(names) + 1)
    return {name: int(n) for name, n in zip(names, sums[: len(names)].tolist(), strict=True) if n}


def write_index(turns: pa.Table, path: Path, postings_path: Path, known: pa.Table | None = None) -> None:
    """Write the index of a turn part (with its speakers' words in the schema metadata) and its postings
    (through temporary files); ``known``: as :func:`build_index`'s."""
    table = build_index(turns, known)
    words = json.dumps(dict(sorted(speaker_words(turns).items())), ensure_ascii=False)
    table = table.replace_schema_metadata({config.SPEAKER_WORDS_KEY: words.encode("utf-8")})
    write_arrow(table, path)
    write_arrow(postings(table), postings_path)
