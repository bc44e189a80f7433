"""The records of the positions files: a key's (a word's, or a pair of frequent words') positions in each
speaker's paragraphs as varints (:class:`Records`), merged across speakers, compared between builds;
the ids words are known by and the number of files they are spread over."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.publish.explorer.files import CHUNK, few_varints, int_for, varint_stream
from analysis.tokens import stable_order

PAIR_HASH = 2654435761  # the pair hash's multiplier (Knuth's)

PAIR_MOD = 1 << 21  # the first word's rank is taken modulo this, so that the product is exact in a double

ID_BITS = 40  # a word's id: a hash of it this wide (exact in the page's doubles, collisions moved aside)


def stable_ids(strings: list[str]) -> tuple[np.ndarray, str]:
    """Each word's id, the same whatever else the vocabulary holds (a new word does not move the others):
    the first :data:`ID_BITS` bits of its BLAKE2b hash. Words whose hashes collide (or that a moved word
    lands on) go to the next free id, in the order of (hash, word): the ids are a function of the
    vocabulary as a set, whatever order its words come in. With them, a digest of the words moved off
    their hash and where to (the only ids another word can change)."""
    shift = 64 - ID_BITS
    h = np.fromiter(
        (int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "big") >> shift for w in strings),
        dtype=np.int64,
        count=len(strings),
    )
    order = np.argsort(h, kind="stable")
    hs = h[order]
    tied = np.flatnonzero(hs[1:] == hs[:-1])
    for lo in np.unique(tied).tolist():  # a run of equal hashes, ordered by the words themselves
        hi = lo + 1
        while hi + 1 < len(hs) and hs[hi + 1] == hs[lo]:
            hi += 1
        run = order[lo : hi + 1]
        order[lo : hi + 1] = sorted(run.tolist(), key=lambda i: strings[i])
    steps = np.arange(len(hs), dtype=np.int64)
    ids = np.empty(len(hs), dtype=np.int64)
    ids[order] = np.maximum.accumulate(hs - steps) + steps if len(hs) else hs  # each above the one before
    moved = sorted((strings[i], int(ids[i])) for i in np.flatnonzero(ids != h).tolist())
    return ids, hashlib.blake2b(repr(moved).encode("utf-8"), digest_size=8).hexdigest()


def size_class(total: int, per_file: int) -> int:
    """How many files share ``total`` bytes, ``per_file`` to twice that each on average: a power of two, so
    that the number (and every record's file) stays put while the corpus grows, until it doubles."""
    return 1 << max(0, (total // per_file).bit_length() - 1)


def pair_file(a, b, files: int):
    """The file of the pair of frequent words ranked ``a`` then ``b`` (numbers or arrays of them; the page
    computes it with ``pair_hash`` from meta.js; ``pair_mod``: exact in a double)."""
    return ((a % PAIR_MOD) * PAIR_HASH + b) % files


def pair_key_file(key, frequent_words: int, files: int):
    """The file of a pair's record (key ``2 (rank a × frequent_words + rank b)``, + 1 for its second word)."""
    n = max(1, frequent_words)
    return pair_file(key // 2 // n, key // 2 % n, files)


@dataclass
class Records:
    """Positions grouped by key (a word, or a pair of words) and speaker, as varints: one stream of
    segments (a key's positions in one speaker's paragraphs): speaker, n, then n times (paragraph step,
    token number, separator code, (before × pre_radix + pre) × ext_radix + joins). A file's record of a
    key is the key, its number of segments, the length of its segments' bytes (a reader skips what it
    was not asked for) and those bytes."""

    stream: Any  # bytes, or a mapped array of them
    start: np.ndarray  # each segment's first byte
    end: np.ndarray
    key: np.ndarray  # each segment's key, speaker and number of positions
    speaker: np.ndarray
    count: np.ndarray

    def bounds(self) -> list[tuple[int, int]]:
        """The segments of each key: (first, last + 1), keys ascending."""
        if not len(self.key):
            return []
        cut = np.concatenate([[0], np.flatnonzero(np.diff(self.key)) + 1, [len(self.key)]]).tolist()
        return list(itertools.pairwise(cut))

    def record(self, first: int, last: int) -> bytes:
        body = bytes(self.stream[self.start[first] : self.end[last - 1]])
        return few_varints(int(self.key[first]), last - first, len(body)) + body

    def subset(self, keep: np.ndarray) -> Records:
        """The segments ``keep`` (a mask), in order, their bytes gathered."""
        if keep.all():
            return self
        at = np.flatnonzero(keep)
        stream, to = gather(self.stream, self.start[at], (self.end - self.start)[at])
        return Records(stream.tobytes(), to[:-1], to[1:], self.key[at], self.speaker[at], self.count[at])


def make_records(keys, par, j, code, extpre, first_par, order_keys=None) -> Records:
    # by key, then paragraph (a speaker's together), then place: the positions come in paragraph and place
    # order within a key, so a stable sort by key is enough (checked; else all three keys are sorted).
    # ``order_keys``: smaller numbers in the order of ``keys`` (quicker to sort)
    order = stable_order(keys if order_keys is None else order_keys)
    keys, par, j = keys[order], par[order], j[order]
    same = keys[1:] == keys[:-1]
    if np.any(same & ((par[1:] < par[:-1]) | ((par[1:] == par[:-1]) & (j[1:] <= j[:-1])))):
        again = np.lexsort((j, par, keys))
        order, keys, par, j = order[again], keys[again], par[again], j[again]
    code, extpre = code[order], extpre[order]
    del order
    n = len(keys)
    ix = int_for(6 * n)  # what counts positions and values
    speaker_of = np.repeat(np.arange(len(first_par) - 1, dtype=np.int32), np.diff(first_par))  # of each paragraph
    speaker = speaker_of[par]
    local = par - first_par.astype(par.dtype)[speaker]
    new_seg = np.ones(n, dtype=bool)
    new_seg[1:] = (keys[1:] != keys[:-1]) | (speaker[1:] != speaker[:-1])
    seg_first = np.flatnonzero(new_seg)
    seg_of = np.cumsum(new_seg, dtype=ix) - 1
    step = np.empty_like(local)  # from the paragraph before in the segment; a segment's first: its own
    step[1:] = local[1:] - local[:-1]
    step[new_seg] = local[new_seg]
    header = 4 * seg_first + 2 * np.arange(len(seg_first))
    seg_key, seg_speaker, seg_count = keys[seg_first], speaker[seg_first], np.diff(np.append(seg_first, n))
    del keys, par, speaker, local, new_seg, same
    fields = (seg_speaker, seg_count, step, j, code, extpre)
    wide = any(len(f) and (int(f.max()) >= 1 << 32 or int(f.min()) < 0) for f in fields)  # else 4 bytes a value
    values = np.empty(4 * n + 2 * len(seg_first), dtype=np.uint64 if wide else np.uint32)
    values[header], values[header + 1] = seg_speaker, seg_count
    at = 4 * np.arange(n, dtype=ix) + 2 * (seg_of + 1)
    values[at], values[at + 1], values[at + 2], values[at + 3] = step, j, code, extpre
    del fields, step, j, code, extpre, at, seg_of
    stream, start = varint_stream(values, header)
    return Records(stream, start, np.append(start[1:], len(stream)), seg_key, seg_speaker, seg_count)


def merge(each: list[Records]) -> Records:
    """The records of several speakers (in speaker order) as one: each key's segments together, its
    speakers in order; the bytes gathered a few million at a time."""
    each = [r for r in each if len(r.key)]
    if not each:
        empty = np.zeros(0, dtype=np.int64)
        return Records(b"", empty, empty, empty, empty, empty)
    base = np.cumsum([0] + [len(r.stream) for r in each[:-1]])
    key = np.concatenate([r.key for r in each])
    order = np.argsort(key, kind="stable")
    start = np.concatenate([r.start + b for r, b in zip(each, base.tolist(), strict=True)])[order]
    size = np.concatenate([r.end - r.start for r in each])[order]
    stream, to = gather(b"".join(r.stream for r in each), start, size)
    speaker = np.concatenate([r.speaker for r in each])[order]
    count = np.concatenate([r.count for r in each])[order]
    return Records(stream.tobytes(), to[:-1], to[1:], key[order], speaker, count)


def differing(a: Records, b: Records) -> np.ndarray:
    """The keys of one speaker's records, as they were (``a``) and are (``b``), whose segments differ."""
    common, ia, ib = np.intersect1d(a.key, b.key, assume_unique=True, return_indices=True)
    size_a, size_b = (a.end - a.start)[ia], (b.end - b.start)[ib]
    differ = [np.setxor1d(a.key, b.key), common[size_a != size_b]]
    same = np.flatnonzero(size_a == size_b)
    if len(same):  # the bytes of segments of the same size, side by side
        size = size_a[same]
        bytes_a, to = gather(a.stream, a.start[ia[same]], size)
        bytes_b, _ = gather(b.stream, b.start[ib[same]], size)
        wrong = np.zeros(len(same), dtype=bool)
        nonempty = size > 0
        wrong[nonempty] = np.add.reduceat(bytes_a != bytes_b, to[:-1][nonempty]) > 0
        differ.append(common[same[wrong]])
    return np.concatenate(differ)


def gather(stream, start: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The byte ranges (``start``, ``size``) of ``stream`` end to end, and where each one starts in them
    (one more: the end); gathered about :data:`CHUNK` bytes at a time (a range is never split), so the
    index arrays stay bounded however long the stream."""
    to = np.zeros(len(size) + 1, dtype=np.int64)
    np.cumsum(size, out=to[1:])
    source = np.frombuffer(stream, dtype=np.uint8)
    out = np.empty(int(to[-1]), dtype=np.uint8)
    lo = 0
    while lo < len(size):
        hi = min(len(size), max(lo + 1, int(np.searchsorted(to, to[lo] + CHUNK, side="right")) - 1))
        out[to[lo] : to[hi]] = source[np.repeat(start[lo:hi] - to[lo:hi], size[lo:hi]) + np.arange(to[lo], to[hi])]
        lo = hi
    return out, to
