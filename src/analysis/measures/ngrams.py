"""Terms and n-grams counted on the index, with the tokens of the phrase matcher.

A *term* of keyness is one atom ("syria", "partners") or two or three atoms with a single space
between them ("our partners"): exactly what :mod:`analysis.measures.match` finds when the term is
asked as a phrase, so a term's count always equals the number of its quotes. A *word* of a
catchphrase is an atom or atoms joined by an apostrophe or a hyphen ("that's", "so-called"), and a
catchphrase is words with single spaces between them, inside a clause (punctuation ends it).

Token ids are local to each index part; :class:`Stream` maps them to ids of one vocabulary for the
whole corpus (the parts' vocabularies dictionary-encoded together, in Arrow) and lays out a scope's
tokens end to end, a break between paragraphs. Counting is NumPy on those ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.index import CorpusIndex
from analysis.selection import Scope

BREAK = -1  # between paragraphs in a stream: no term spans it


class Vocabulary:
    """One vocabulary for every part of an index: each part's ids mapped to global ids."""

    def __init__(self, index: CorpusIndex | None = None, *, vocabs: list[pa.Array] | None = None) -> None:
        if vocabs is None:
            assert index is not None
            vocabs = [index.part(k).vocab for k in range(len(index))]
        sizes = [len(v) for v in vocabs]
        encoded = pc.dictionary_encode(pa.concat_arrays(vocabs)) if sum(sizes) else None
        self.words = encoded.dictionary if encoded is not None else pa.array([], pa.string())
        ids = encoded.indices.to_numpy(zero_copy_only=False) if encoded is not None else np.zeros(0, np.int32)
        self.maps = np.split(ids.astype(np.int64), np.cumsum(sizes)[:-1]) if sizes else []

    @classmethod
    def of_part(cls, part) -> Vocabulary:
        """The vocabulary of one part (an index in memory)."""
        return cls(vocabs=[part.vocab])

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def strings(self) -> list[str]:
        return self.words.to_pylist()

    @cached_property
    def is_atom(self) -> np.ndarray:
        return pc.utf8_is_alnum(pc.utf8_slice_codeunits(self.words, 0, 1)).to_numpy(zero_copy_only=False)

    @cached_property
    def is_letter(self) -> np.ndarray:
        """Single letters ("u", "s"): the pieces of an abbreviation."""
        lengths = pc.utf8_length(self.words).to_numpy(zero_copy_only=False)
        return (lengths == 1) & pc.utf8_is_alpha(self.words).to_numpy(zero_copy_only=False)

    @cached_property
    def starts_with_dot(self) -> np.ndarray:
        return pc.starts_with(self.words, ".").to_numpy(zero_copy_only=False)

    @cached_property
    def is_digit(self) -> np.ndarray:
        return pc.utf8_is_digit(self.words).to_numpy(zero_copy_only=False)

    def mask_of(self, values) -> np.ndarray:
        return pc.is_in(self.words, value_set=pa.array(sorted(values), pa.string())).to_numpy(zero_copy_only=False)

    def id_of(self, token: str) -> int:
        """The global id of ``token``, or -2 (never an id, nor :data:`BREAK`)."""
        found = pc.index(self.words, token).as_py()
        return int(found) if found is not None and found >= 0 else -2


@dataclass
class Stream:
    """A scope's tokens end to end (global ids, :data:`BREAK` between paragraphs), each token's document
    (a row of the index's documents), and the scope's words."""

    ids: np.ndarray
    doc: np.ndarray
    words: int


def stream(index: CorpusIndex, vocab: Vocabulary, scope: Scope) -> Stream:
    """The tokens of every paragraph ``scope`` selects, in corpus order, a :data:`BREAK` after each."""
    ids, docs = [], []
    words = 0
    for k, (g, doc, n_words) in index.each_part(_stream_part, scope):
        ids.append(np.where(g >= 0, vocab.maps[k][np.maximum(g, 0)] if len(vocab.maps[k]) else BREAK, BREAK))
        docs.append(doc)
        words += n_words
    if not ids:
        return Stream(np.zeros(0, np.int64), np.zeros(0, np.int64), 0)
    return Stream(np.concatenate(ids), np.concatenate(docs), words)


def _stream_part(index: CorpusIndex, k: int, part, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """One part's share of :func:`stream`: its tokens (part ids, -1 between paragraphs), each token's
    document, and the rows' words."""
    g, spans = gather(part.values, part.offsets, rows)
    doc = np.repeat(index.doc_rows(part)[rows], spans)
    return g, doc, int(part.column("n_words").to_numpy(zero_copy_only=False)[rows].sum())


def gather(values: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The token ids of ``rows`` end to end, -1 after each row; and each row's span (its tokens + 1)."""
    starts, ends = offsets[rows], offsets[rows + 1]
    lengths = ends - starts
    spans = lengths + 1
    out = np.full(int(spans.sum()), -1, dtype=np.int64)
    if lengths.sum():
        row_of = np.repeat(np.arange(len(rows)), lengths)
        within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        dest = np.repeat(np.cumsum(spans) - spans, lengths) + within
        out[dest] = values[starts[row_of] + within]
    return out, spans


def term_positions(s: Stream, vocab: Vocabulary, n: int) -> np.ndarray:
    """Positions where an n-atom term (atoms with single spaces between) starts."""
    ids = s.ids
    atom = np.zeros(len(ids) + 2 * n, dtype=bool)
    atom[: len(ids)] = (ids >= 0) & vocab.is_atom[np.maximum(ids, 0)]
    space = np.zeros(len(ids) + 2 * n, dtype=bool)
    space_id = vocab.id_of(" ")
    space[: len(ids)] = ids == space_id
    ok = atom[: len(ids)].copy()
    for j in range(1, n):
        ok &= space[2 * j - 1 : 2 * j - 1 + len(ids)] & atom[2 * j : 2 * j + len(ids)]
    return np.flatnonzero(ok)


def term_keys(s: Stream, positions: np.ndarray, n: int) -> np.ndarray:
    """One row per position: the term's atom ids (n columns)."""
    return (
        np.stack([s.ids[positions + 2 * j] for j in range(n)], axis=1) if len(positions) else np.zeros((0, n), np.int64)
    )


def term_text(vocab: Vocabulary, key: np.ndarray) -> str:
    return " ".join(vocab.strings[i] for i in key.tolist())


def units(s: Stream, vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The one-word terms of a stream: its atoms, except that two to four single letters each followed
    by a full stop are one abbreviation ("u.s.", "u.s.s.r."). Returns the positions, the keys (a global
    id, or ``-1 - k`` for ``texts[k]``) and the abbreviations' texts."""
    ids = s.ids
    n = len(ids)
    safe = np.maximum(ids, 0)
    letter = np.zeros(n + 9, dtype=bool)
    letter[:n] = (ids >= 0) & vocab.is_letter[safe]
    dot = np.zeros(n + 9, dtype=bool)
    dot[:n] = ids == vocab.id_of(".")
    dot_start = np.zeros(n + 9, dtype=bool)
    dot_start[:n] = (ids >= 0) & vocab.starts_with_dot[safe]
    before_ok = np.ones(n, dtype=bool)
    before_ok[1:] = ~(letter[: n - 1] | ((ids[: n - 1] >= 0) & vocab.is_atom[safe[: n - 1]]))
    covered = np.zeros(n + 9, dtype=bool)
    starts, keys, texts = [], [], []
    text_ids: dict[str, int] = {}
    for letters in (4, 3, 2):  # the longest abbreviation first
        ok = before_ok & letter[:n] & ~covered[:n]
        for j in range(1, letters):
            ok &= dot[2 * j - 1 : 2 * j - 1 + n] & letter[2 * j : 2 * j + n]
        ok &= dot_start[2 * letters - 1 : 2 * letters - 1 + n]
        for p in np.flatnonzero(ok).tolist():
            if covered[p : p + 2 * letters - 1].any():
                continue
            covered[p : p + 2 * letters - 1] = True
            text = ".".join(vocab.strings[ids[p + 2 * j]] for j in range(letters)) + "."
            keys.append(-1 - text_ids.setdefault(text, len(text_ids)))
            starts.append(p)
    texts = list(text_ids)
    atoms = np.flatnonzero((ids >= 0) & vocab.is_atom[safe] & ~covered[:n])
    positions = np.concatenate([atoms, np.array(starts, dtype=np.int64)])
    all_keys = np.concatenate([ids[atoms], np.array(keys, dtype=np.int64)])
    order = np.argsort(positions, kind="stable")
    return positions[order], all_keys[order], texts


# --- recurring word sequences (catchphrases) -----------------------------------------------------

_P = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial hash of a word sequence


class Words:
    """A body of words as word keys in reading order: its words' keys, documents and clause numbers
    (two words are in one clause when a single space separates them). A word of one token has its
    token's id as key; a word of several ("that's") a hash of their ids (with the top bit set)."""

    def __init__(self, index: CorpusIndex, vocab: Vocabulary, scope: Scope) -> None:
        s = stream(index, vocab, scope)
        ids = s.ids
        n = len(ids)
        safe = np.maximum(ids, 0)
        atom = np.zeros(n + 2, dtype=bool)
        atom[:n] = (ids >= 0) & vocab.is_atom[safe]
        joiner = np.zeros(n + 2, dtype=bool)
        joiner[:n] = np.isin(ids, [vocab.id_of("'"), vocab.id_of("-")])
        glue = np.zeros(n + 2, dtype=bool)  # a joiner between two atoms
        glue[1 : n + 1] = joiner[1 : n + 1] & atom[:n] & atom[2 : n + 2]
        start = atom[:n].copy()
        start[1:] &= ~glue[: n - 1]  # a token after a joiner between atoms continues a word
        starts = np.flatnonzero(start)
        key = ids[starts].astype(np.uint64)
        end = starts.copy()  # a word's last token: extended while a joiner and an atom follow
        extend = glue[end + 1] if len(end) else np.zeros(0, bool)
        while extend.any():
            key[extend] = (key[extend] * _P + ids[end[extend] + 1].astype(np.uint64)) * _P + ids[
                end[extend] + 2
            ].astype(np.uint64)
            end[extend] += 2
            extend = glue[end + 1]
        key[end > starts] |= np.uint64(1 << 63)  # never the id of a one-token word
        self.key, self.start, self.end, self.ids = key, starts, end, ids
        self.doc = s.doc[starts] if len(starts) else np.zeros(0, np.int64)
        follows = np.zeros(len(starts), dtype=bool)  # the next word is in the same clause
        if len(starts):
            nxt = end + 1
            follows[:-1] = (ids[np.minimum(nxt[:-1], n - 1)] == vocab.id_of(" ")) & (starts[1:] == nxt[:-1] + 1)
        self.clause = np.concatenate([[0], np.cumsum(~follows[:-1])]) if len(starts) else np.zeros(0, np.int64)
        self.vocab, self.words = vocab, s.words

    def gram(self, position: int, n: int) -> tuple[str, ...]:
        """The n words from word ``position``, spelt out."""
        strings = self.vocab.strings
        return tuple(
            "".join(strings[t] for t in self.ids[self.start[w] : self.end[w] + 1].tolist())
            for w in range(position, position + n)
        )


@dataclass
class Level:
    """The frequent n-grams of one length: hashes (sorted), documents, and a position of each."""

    hashes: np.ndarray
    df: np.ndarray
    position: np.ndarray


def frequent(words: Words, *, min_n: int, max_n: int, min_docs: int) -> dict[int, Level]:
    """Per n (``min_n`` to ``max_n``): the n-grams found in at least ``min_docs`` documents, counted
    level by level (beyond ``min_n``, an n-gram only where both of its (n-1)-grams are frequent)."""
    key, clause = words.key, words.clause
    out: dict[int, Level] = {}
    h, ok = key, np.ones(len(key), dtype=bool)
    for n in range(1, max_n + 1):
        if n > 1:
            if n - 1 in out:  # where the (n-1)-gram is frequent (tested only where it could be)
                frequent_prev = np.zeros(len(h), dtype=bool)
                at = np.flatnonzero(ok)
                frequent_prev[at] = member(out[n - 1].hashes, h[at])
                ok = frequent_prev[:-1] & frequent_prev[1:]
            else:
                ok = ok[:-1] & ok[1:]
            ok &= clause[n - 1 :] == clause[: len(clause) - n + 1]
            h = h[:-1] * _P + key[n - 1 :]
        if n < min_n:
            continue
        positions = np.flatnonzero(ok)
        if not len(positions):
            break
        level = _documents(h[positions], words.doc[positions], positions, min_docs)
        out[n] = level
        if not len(level.hashes):
            break
    return {n: level for n, level in out.items() if n >= min_n}


def _documents(hashes: np.ndarray, docs: np.ndarray, positions: np.ndarray, min_docs: int) -> Level:
    """The hashes found in at least ``min_docs`` documents (sorted), their numbers of documents and a
    position of each: hash grouping in Arrow (no sort of the whole level)."""
    table = pa.table({"h": hashes, "d": docs, "p": positions})
    if min_docs > 1 and len(hashes):  # most n-grams occur once: only those seen often enough are paired
        often = table.group_by("h", use_threads=False).aggregate([("h", "count")])
        often = often.filter(pc.greater_equal(often["h_count"], min_docs))["h"]
        table = table.filter(pc.is_in(table["h"], value_set=often))
    pairs = table.group_by(["h", "d"], use_threads=False).aggregate([("p", "min")])
    per = pairs.group_by("h", use_threads=False).aggregate([("d", "count"), ("p_min", "min")])
    frequent = per.filter(pc.greater_equal(per["d_count"], min_docs))
    order = pc.sort_indices(frequent["h"])
    frequent = frequent.take(order)
    return Level(
        frequent["h"].to_numpy(),
        frequent["d_count"].to_numpy(),
        frequent["p_min_min"].to_numpy(),
    )


_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # multiplying by it spreads a hash over the high bits


def member(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of ``values``, whether it is in ``sorted_values`` (binary search: no sort of ``values``).

    Many values against fewer sorted ones: a bit table of the sorted values' hashed high bits first
    rules out most values at the cost of one lookup each; only the rest are searched."""
    out = np.zeros(len(values), dtype=bool)
    if not len(sorted_values) or not len(values):
        return out
    candidates = np.arange(len(values))
    if len(values) > 4 * len(sorted_values):
        bits = min(max((8 * len(sorted_values)).bit_length(), 10), 26)
        shift = np.uint64(64 - bits)
        table = np.zeros(1 << bits, dtype=bool)
        table[((sorted_values.astype(np.uint64) * _FIBONACCI) >> shift).astype(np.int64)] = True
        candidates = np.flatnonzero(table[((values.astype(np.uint64) * _FIBONACCI) >> shift).astype(np.int64)])
    asked = values[candidates]
    at = np.minimum(np.searchsorted(sorted_values, asked), len(sorted_values) - 1)
    out[candidates] = sorted_values[at] == asked
    return out


def boilerplate(words: Words, levels: dict[int, Level], keep: dict[int, np.ndarray], min_docs: int) -> dict:
    """Per length, a mask of the kept n-grams of the level (``keep``) that occur in ``words`` within a
    clause in at least ``min_docs`` documents: the publisher's recurring text. The n-gram hashes of
    ``words`` are rolled from one length to the next (each position hashed once per length)."""
    out = {n: np.zeros(len(level.hashes), dtype=bool) for n, level in levels.items()}
    key, clause = words.key, words.clause
    h = key.copy()
    for n in range(1, max(levels, default=0) + 1):
        if n > 1:
            h = h[:-1] * _P + key[n - 1 :]
        if n not in levels or not keep[n].any() or not len(h):
            continue
        asked = levels[n].hashes[keep[n]]
        at = np.flatnonzero(member(asked, h) & (clause[n - 1 :] == clause[: len(h)]))
        if len(at):
            found = _documents(h[at], words.doc[at], at, min_docs).hashes
            out[n][np.flatnonzero(keep[n])] = member(found, asked)
    return out


def _hash_at(words: Words, position: np.ndarray, n: int) -> np.ndarray:
    """The hashes of the n-grams starting at ``position``."""
    key = words.key
    h = key[position].copy()
    for j in range(1, n):
        h = h * _P + key[position + j]
    return h


def prune(words: Words, levels: dict[int, Level], nested: float) -> dict[int, np.ndarray]:
    """Per length, a mask of the frequent n-grams that stay: not one word shorter than a longer n-gram in
    as many statements (maximal), and not inside a longer one found in at least the share ``nested`` of
    their statements."""
    keep = {n: np.ones(len(level.hashes), dtype=bool) for n, level in levels.items()}
    for n, level in levels.items():
        for size in range(1, n):
            if size not in levels:
                continue
            sub = levels[size]
            for i in range(n - size + 1):
                h = _hash_at(words, level.position + i, size)
                at = np.searchsorted(sub.hashes, h)
                found = (at < len(sub.hashes)) & (sub.hashes[np.minimum(at, len(sub.hashes) - 1)] == h)
                sub_df = sub.df[np.minimum(at, len(sub.hashes) - 1)]
                covered = found & (level.df >= nested * sub_df)
                if size == n - 1:
                    covered |= found & (sub_df == level.df)
                keep[size][at[covered]] = False
    return keep
