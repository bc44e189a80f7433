"""The explorer's data files (:mod:`analysis.publish.explorer.build`): how they are encoded, and the positions
of every word in the speakers' paragraphs and those paragraphs' texts.

Every data file is a script, one call of the page's loader (:func:`script`) with JSON arguments; binary
parts are unsigned LEB128 varints (:func:`varints`), deflated and base64-encoded (:func:`packed`).
"""

from __future__ import annotations

import base64
import collections
import hashlib
import itertools
import json
import os
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.index import CorpusIndex
from analysis.measures.ngrams import Vocabulary
from analysis.text import spoken
from analysis.tokens import stable_order

BIG = 3_000  # a word with more positions than this gets files of its own, its speakers grouped into them
GROUP = 30_000  # positions in one such file (about 50 KB)
BUCKET_BYTES = 24_000  # positions of rarer words: files of about this size on average (before deflating)
PAIR_BYTES = 8_000  # and of the pairs of frequent words
PAIR_HASH = 2654435761  # the pair hash's multiplier (Knuth's)
PAIR_MOD = 1 << 21  # the first word's rank is taken modulo this, so that the product is exact in a double
ID_BITS = 40  # a word's id: a hash of it this wide (exact in the page's doubles, collisions moved aside)
JOINERS = ("'", "-")
CHUNK = 1 << 22  # values encoded at once (bounds the temporary arrays)


def varints(values) -> bytes:
    """Unsigned LEB128 of each value (non-negative integers), end to end (a few million at a time)."""
    return varint_stream(np.asarray(values, dtype=np.uint64))[0]


def few_varints(*values: int) -> bytes:
    """:func:`varints` of a few values (a record's header) in plain Python: NumPy costs more per call."""
    out = bytearray()
    for x in values:
        while x >= 0x80:
            out.append((x & 0x7F) | 0x80)
            x >>= 7
        out.append(x)
    return bytes(out)


def _encode(v: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Varints of ``v`` (uint64) and where each one starts (int64), one more: the end."""
    width = np.ones(len(v), dtype=np.uint8)
    for b in range(1, 10):
        longer = v >= np.uint64(1 << (7 * b))
        if not longer.any():
            break
        width += longer
    ends = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(width, dtype=np.int64, out=ends[1:])
    at = ends[:-1]
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    out[at] = (v & np.uint64(0x7F)).astype(np.uint8) | ((width > 1).astype(np.uint8) << 7)
    for b in range(1, int(width.max()) if len(v) else 0):  # the few longer values, a byte at a time
        live = np.flatnonzero(width > b)
        low = ((v[live] >> np.uint64(7 * b)) & np.uint64(0x7F)).astype(np.uint8)
        out[at[live] + b] = low | ((width[live] > b + 1).astype(np.uint8) << 7)
    return out.tobytes(), ends


LEVEL = 4  # zlib's: on the default corpus's 78 MB of data 1.6 s and 50.1 MiB; level 6, 3.4 s and 48.8 MiB


def packed(data: bytes) -> str:
    """Deflated (zlib, :data:`LEVEL`) and base64-encoded: what the page inflates with
    ``DecompressionStream("deflate")``."""
    return base64.b64encode(zlib.compress(data, LEVEL)).decode("ascii")


def script(call: str, *args) -> str:
    """A data file: one call of the page's loader with JSON arguments (``</`` escaped for a script)."""
    text = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return "Refrain." + call + "(" + text.replace("</", "<\\/") + ");\n"


class Reuse:
    """The data files of the last build (``previous``, the published folder) whose data are unchanged:
    linked into the new folder, not deflated and written again. What each file held is kept in
    ``record`` (None: nothing kept): a digest of its data and of its bytes, its size, modification time
    and inode. A file whose status changed (restored from a cache, changed by hand) is linked only if
    its bytes still hash the same. ``code``: the layout and the code that writes it (another: nothing
    reused)."""

    def __init__(self, previous: Path, record: Path | None, code: str, *, read: bool = True) -> None:
        self.previous, self.record, self.code = str(previous), record, code
        self.old: dict[str, list] = {}
        if read and record is not None:
            try:
                saved = json.loads(record.read_text(encoding="utf-8"))
                if saved.get("code") == code:
                    self.old = saved["files"]
            except (OSError, ValueError, KeyError, TypeError):
                pass
        self.digests: dict[str, tuple[str, str]] = {}  # name: (of its data, of its bytes)
        self.linked: set[str] = set()  # (a set: two threads write files)

    def link(self, name: str, call: str, data: bytes, out: Path) -> bool:
        """Link ``name`` of the last build into ``out`` when it was written from the same ``data``."""
        digest = _digest(call.encode() + b"|" + data)
        self.digests[name] = (digest, "")
        old = self.old.get(name)
        if not old or old[0] != digest:
            return False
        source = os.path.join(self.previous, name)
        try:
            st = os.stat(source)
            if [st.st_size, st.st_mtime_ns, st.st_ino] != old[1:4]:
                with open(source, "rb") as fh:
                    if st.st_size != old[1] or _digest(fh.read()) != old[4]:
                        return False
            os.link(source, os.path.join(out, name))
        except OSError:
            return False
        self.digests[name] = (digest, old[4])
        self.linked.add(name)
        return True

    def wrote(self, name: str, content: bytes) -> None:
        if name in self.digests:
            self.digests[name] = (self.digests[name][0], _digest(content))

    def save(self, final: Path) -> None:
        """Record what the new build's files hold (``final``: where they are now published)."""
        if self.record is None:
            return
        files = {}
        for name, (data, content) in sorted(self.digests.items()):
            st = os.stat(os.path.join(final, name))
            files[name] = [data, st.st_size, st.st_mtime_ns, st.st_ino, content]
        self.record.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.record.with_suffix(".tmp")
        tmp.write_text(json.dumps({"code": self.code, "files": files}, separators=(",", ":")), encoding="utf-8")
        tmp.replace(self.record)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Packer:
    """Deflated data files written on a few threads (zlib lets go of the GIL while it compresses); at most
    ``ahead`` files wait to be written, so memory stays bounded. Use it in a ``with`` block. With
    ``reuse``, a file whose data are as at the last build is linked from it instead."""

    def __init__(self, out: Path, ahead: int = 16, reuse: Reuse | None = None) -> None:
        self.out, self.ahead, self.reuse = out, ahead, reuse
        self.pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
        self.waiting: collections.deque[Future] = collections.deque()

    def write(self, folder: str, call: str, key: str, data: bytes) -> None:
        """``<out>/<folder>/<key>.js``: one call ``Refrain.<call>(key, packed data)``."""
        if self.reuse is not None and self.reuse.link(f"{folder}/{key}.js", call, data, self.out):
            return
        self.waiting.append(self.pool.submit(self._write, folder, call, key, data))
        while len(self.waiting) > self.ahead:
            self.waiting.popleft().result()

    def _write(self, folder: str, call: str, key: str, data: bytes) -> None:
        content = script(call, key, packed(data)).encode("utf-8")
        (self.out / folder / f"{key}.js").write_bytes(content)
        if self.reuse is not None:
            self.reuse.wrote(f"{folder}/{key}.js", content)

    def __enter__(self) -> Packer:
        return self

    def __exit__(self, *exc) -> None:
        try:
            while self.waiting:
                self.waiting.popleft().result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def vocab_key(token: str) -> str:
    """The vocabulary file of a word: its first two characters as hexadecimal code points."""
    return "-".join(f"{ord(c):04x}" for c in token[:2])


def iso(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def stable_ids(strings: list[str]) -> np.ndarray:
    """Each word's id, the same whatever else the vocabulary holds (a new word does not move the others):
    the first :data:`ID_BITS` bits of its BLAKE2b hash. Words whose hashes collide (or that a moved word
    lands on) go to the next free id, in the order of (hash, word): the ids are a function of the
    vocabulary as a set, whatever order its words come in."""
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
    return ids


def size_class(total: int, per_file: int) -> int:
    """How many files share ``total`` bytes, ``per_file`` to twice that each on average: a power of two, so
    that the number (and every record's file) stays put while the corpus grows, until it doubles."""
    return 1 << max(0, (total // per_file).bit_length() - 1)


def tokens(index: CorpusIndex, vocab: Vocabulary, par_part: np.ndarray, par_row: np.ndarray):
    """Every selected paragraph's tokens (global ids) end to end: ids, paragraph, token number in it.
    Each paragraph's tokens are put straight where they go (its start: the lengths of those before it),
    part by part: no sort."""
    lengths = np.zeros(len(par_part), dtype=np.int64)
    parts = np.unique(par_part).tolist()
    for k in parts:
        where = np.flatnonzero(par_part == k)
        offsets = index.part(k).offsets
        lengths[where] = offsets[par_row[where] + 1] - offsets[par_row[where]]
    start = np.zeros(len(par_part) + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    ids = np.empty(int(start[-1]), dtype=np.int32)
    for k in parts:
        where = np.flatnonzero(par_part == k)
        part = index.part(k)
        mine = lengths[where]
        within = np.arange(int(mine.sum())) - np.repeat(np.cumsum(mine) - mine, mine)
        source = np.repeat(part.offsets[par_row[where]], mine) + within
        ids[np.repeat(start[:-1][where], mine) + within] = vocab.maps[k][part.values[source]]
    par = np.repeat(np.arange(len(par_part), dtype=np.int32), lengths)
    narrow = _int_for(len(ids))  # a token's number in the stream, then in its paragraph
    j = np.arange(len(ids), dtype=narrow) - np.repeat(start[:-1].astype(narrow), lengths)
    return ids, par, j.astype(np.int32)


def write_positions(
    index, out: Path, packer: Packer, par_part, par_row, first_par, cache: SpeakerCache
) -> tuple[list[str], list[str], dict]:
    """The vocabulary files and the positions files of words and of pairs of frequent words; returns the
    separators, the vocabulary files' keys and the layout's figures for ``meta.js``.

    Worked out speaker by speaker: a speaker's positions depend on his tokens and on a few figures of
    the whole (:class:`_Whole`), so a speaker whose tokens and those figures are as at the last build is
    taken from ``cache``; the records of all are then merged word by word."""
    vocab = Vocabulary(index)
    sid = stable_ids(vocab.strings)  # the ids the files know words by
    words_of, pairs_of, whole = _each_speaker(index, vocab, sid, par_part, par_row, first_par, cache)
    words, pairs = _merge(words_of), _merge(pairs_of)
    del words_of, pairs_of
    big, rank, nbig, sep_strings = whole.big, whole.rank, whole.nbig, whole.separators
    radix, pre_radix = whole.radix, whole.pre_radix
    vocab_of = np.argsort(sid)[np.searchsorted(np.sort(sid), words.key)]  # each segment's word
    often = big[vocab_of]
    # the rarer words' records go to file ``id mod buckets``: a record that grows moves no other
    buckets = size_class(int((words.end - words.start)[~often].sum()), BUCKET_BYTES)
    entries: dict[str, list] = {}
    by_bucket: dict[int, list[bytes]] = {}
    for lo, hi in words.bounds():
        gid = int(words.key[lo])
        w = int(vocab_of[lo])
        token = vocab.strings[w]
        total = int(words.count[lo:hi].sum())
        if often[lo]:  # its speakers grouped into files of about GROUP positions, in speaker order
            files: dict[int, int] = {}
            group, filled, start = 0, 0, lo
            for g in range(lo, hi):
                if filled and filled + int(words.count[g]) > GROUP:
                    packer.write("p", "positions", f"t{gid}-{group}", words.record(start, g))
                    group, filled, start = group + 1, 0, g
                files[int(words.speaker[g])] = group
                filled += int(words.count[g])
            packer.write("p", "positions", f"t{gid}-{group}", words.record(start, hi))
            entries.setdefault(vocab_key(token), []).append([token, gid, total, -1, files, int(rank[w])])
            continue
        entries.setdefault(vocab_key(token), []).append([token, gid, total, gid % buckets])
        by_bucket.setdefault(gid % buckets, []).append(words.record(lo, hi))
    for b in sorted(by_bucket):
        packer.write("p", "positions", f"b{b}", b"".join(by_bucket.pop(b)))
    for key, rows in entries.items():
        (out / "v" / f"{key}.js").write_text(script("vocab", key, rows), encoding="utf-8")
    pair_files = size_class(len(pairs.stream), PAIR_BYTES)
    by_file: dict[int, list[bytes]] = {}
    for lo, hi in pairs.bounds():  # both records of a pair in one file
        k = int(pairs.key[lo]) // 2
        by_file.setdefault(pair_file(k // max(1, nbig), k % max(1, nbig), pair_files), []).append(pairs.record(lo, hi))
    for f in range(pair_files):  # every one, so that the page may ask for any
        packer.write("p", "positions", f"q{f}", b"".join(by_file.get(f, [])))
    layout = {"ext_radix": radix, "pre_radix": pre_radix, "frequent_words": nbig, "pair_files": pair_files}
    return sep_strings, sorted(entries), {**layout, "pair_hash": PAIR_HASH, "pair_mod": PAIR_MOD}


def _each_speaker(
    index, vocab: Vocabulary, sid: np.ndarray, par_part, par_row, first_par, cache: SpeakerCache
) -> tuple[list[_Records], list[_Records], _Whole]:
    """Each speaker's records of words and of pairs (from ``cache`` when his tokens and the whole are as
    at the last build), and the whole's figures."""
    ids, par, j = tokens(index, vocab, par_part, par_row)
    at = np.searchsorted(par, first_par)  # each speaker's first token (tokens come paragraph by paragraph)
    lengths = np.diff(np.searchsorted(par, np.arange(len(par_part) + 1)))
    speakers = len(first_par) - 1

    def speaker(s: int) -> _Tokens:
        lo, hi = at[s], at[s + 1]
        return _Tokens(ids[lo:hi], par[lo:hi] - int(first_par[s]), j[lo:hi], s, int(first_par[s + 1] - first_par[s]))

    worked: dict[int, _Tokens] = {}
    stats: list[dict] = []
    digests: list[str] = []
    for s in range(speakers):
        digests.append(cache.digest(s, lengths[first_par[s] : first_par[s + 1]], sid[ids[at[s] : at[s + 1]]]))
        known = cache.stats(digests[s])
        if known is None:
            worked[s] = speaker(s).work(vocab)
            known = worked[s].stats(sid)
        stats.append(known)
    whole = _Whole.of(stats, vocab, sid)
    words_of, pairs_of = [], []
    for s in range(speakers):
        got = cache.records(digests[s], whole.digest)
        if got is None:  # his tokens or the whole changed: worked out (again)
            got = (worked.pop(s, None) or speaker(s).work(vocab)).records(whole)
            cache.keep(digests[s], stats[s], whole.digest, got)
        worked.pop(s, None)
        words_of.append(got[0])
        pairs_of.append(got[1])
    cache.done()
    return words_of, pairs_of, whole


class _Tokens:
    """One speaker's tokens (global ids, his paragraph numbers, token numbers) and, once :meth:`work` ran,
    what each position needs that depends on his tokens alone."""

    def __init__(self, ids: np.ndarray, par: np.ndarray, j: np.ndarray, speaker: int, paragraphs: int) -> None:
        self.ids, self.par, self.j, self.speaker, self.paragraphs = ids, par, j, speaker, paragraphs

    def work(self, vocab: Vocabulary) -> _Tokens:
        ids, par = self.ids, self.par
        n = len(ids)
        atom = vocab.is_atom[ids]
        follows = np.zeros(n, dtype=bool)  # the next token is in the same paragraph (a separator after an atom)
        follows[:-1] = par[1:] == par[:-1]
        then_word = np.zeros(n, dtype=bool)  # and a word after that separator
        then_word[:-2] = follows[:-2] & (par[2:] == par[:-2])
        self.after = np.flatnonzero(atom & follows)
        self.separator = ids[self.after + 1]
        self.then_word = then_word[self.after]
        self.keep = np.flatnonzero(atom)  # the words' positions
        del atom, follows, then_word
        joiners = [vocab.id_of(t) for t in JOINERS]
        joins = self.after[np.isin(self.separator, joiners) & self.then_word]
        ext = np.zeros(n, dtype=np.int32)  # joins that follow a word: "nazi-era" 1, "nazi-era-style" 2
        for i in joins[::-1].tolist():
            ext[i] = 1 + ext[i + 2]
        back = np.zeros(n, dtype=np.int32)  # joins that lead to a word: "era" of "nazi-era" 1
        for i in joins.tolist():
            back[i + 2] = 1 + back[i]
        # per position, what precedes the word: 0, or 1 + the joins of the word before when a single space
        # separates them ("by * means": the word before "means" and where it starts, without its text)
        self.spaced = self.after[(self.separator == vocab.id_of(" ")) & self.then_word]  # a word, " ", a word
        pre = np.zeros(n, dtype=np.int32)
        pre[self.spaced + 2] = 1 + back[self.spaced]
        self.ext, self.pre = ext, pre
        return self

    def stats(self, sid: np.ndarray) -> dict:
        """What the whole needs of him: his words' counts, his separators, his longest joins."""
        words, counts = np.unique(sid[self.ids[self.keep]], return_counts=True)
        return {
            "words": words,
            "counts": counts.astype(np.int64),
            "separators": np.unique(sid[self.separator]),
            "ext": int(self.ext[self.keep].max()) if len(self.keep) else 0,
            "pre": int(self.pre.max()) if len(self.pre) else 0,
        }

    def records(self, whole: _Whole) -> tuple[_Records, _Records]:
        """His records of words and of pairs of frequent words."""
        ids, keep, big, rank = self.ids, self.keep, whole.big, whole.rank
        # per position: 0 when the paragraph ends after the word, else 2 × (1 + the separator's place in
        # the separator list) + 1 when a word follows it
        code = np.zeros(len(ids), dtype=np.int32)
        code[self.after] = 2 * (1 + whole.place[self.separator]) + self.then_word
        # one number: (before × pre_radix + pre) × radix + the joins after the word, where "before" is, for
        # a rarer word, which frequent word precedes it, its rank + 1 (0: another); the rarer word vouches
        # for it ("our partners" is found from the positions of "partners" alone, not the many of "our")
        radix, pre_radix = whole.radix, whole.pre_radix
        extpre = self.pre.astype(_int_for((whole.nbig + 1) * pre_radix * radix)) * radix + self.ext
        rarer = self.spaced[~big[ids[self.spaced + 2]]]
        extpre[rarer + 2] += ((rank[ids[rarer]] + 1) * (pre_radix * radix)).astype(extpre.dtype)
        # pairs of frequent words, one after the other ("there is"): a long phrase of common words is
        # found from its pairs' positions, far fewer than its words'
        first = keep[(code[keep] % 2 == 1) & big[ids[keep]]]  # a word followed by another in its paragraph
        first = first[big[ids[first + 2]]]
        # of a pair "a b": the positions of a followed by b (key 2 (rank a × frequent words + rank b)) and
        # of b after a (that + 1)
        pair_key = 2 * (rank[ids[first]] * whole.nbig + rank[ids[first + 2]])
        both = np.concatenate([first, first + 2])
        firsts = np.zeros(self.speaker + 2, dtype=np.int64)  # his paragraphs, numbered from 0
        firsts[-1] = self.paragraphs
        par, j = self.par, self.j
        pairs = _records(np.concatenate([pair_key, pair_key + 1]), par[both], j[both], code[both], extpre[both], firsts)
        # a word's key is its id; sorted by the id's place among them (smaller numbers, quicker to sort)
        w = ids[keep]
        order = whole.in_order[w]
        words = _records(whole.sid[w], par[keep], j[keep], code[keep], extpre[keep], firsts, order_keys=order)
        return words, pairs


@dataclass
class _Whole:
    """The figures of all speakers' tokens that each one's positions are written with: the frequent words
    (more than :data:`BIG` positions) and their ranks, the separators, the two radixes."""

    sid: np.ndarray  # per global id: the word's id in the files
    in_order: np.ndarray  # per global id: the place of its id among them
    big: np.ndarray  # per global id: a frequent word
    rank: np.ndarray  # per global id: its place among the frequent words, by id (-1: not one)
    nbig: int
    place: np.ndarray  # per global id: a separator's place in the list
    separators: list[str]
    radix: int
    pre_radix: int
    digest: str

    @classmethod
    def of(cls, stats: list[dict], vocab: Vocabulary, sid: np.ndarray) -> _Whole:
        by_id = np.argsort(sid)
        sorted_sid = sid[by_id]

        def ids_of(found: np.ndarray) -> np.ndarray:
            return by_id[np.searchsorted(sorted_sid, found)]

        words = np.concatenate([s["words"] for s in stats]) if stats else np.zeros(0, np.int64)
        counts = np.concatenate([s["counts"] for s in stats]) if stats else np.zeros(0, np.int64)
        known, where = np.unique(words, return_inverse=True)
        frequent_ids = known[np.bincount(where, weights=counts, minlength=len(known)) > BIG]  # ascending
        big = np.zeros(len(sid), dtype=bool)
        big[ids_of(frequent_ids)] = True
        rank = np.full(len(sid), -1, dtype=np.int64)
        rank[ids_of(frequent_ids)] = np.arange(len(frequent_ids))
        seps = np.unique(np.concatenate([s["separators"] for s in stats])) if stats else np.zeros(0, np.int64)
        sep_ids = sorted(ids_of(seps).tolist(), key=lambda g: vocab.strings[g])  # by their text
        place = np.zeros(len(sid), dtype=np.int32)
        place[sep_ids] = np.arange(len(sep_ids), dtype=np.int32)
        radix = max((s["ext"] for s in stats), default=0) + 1
        pre_radix = max((s["pre"] for s in stats), default=0) + 1
        in_order = np.empty(len(sid), dtype=np.int64)
        in_order[by_id] = np.arange(len(sid))
        h = hashlib.blake2b(digest_size=16)
        for part in (frequent_ids, sid[sep_ids], np.array([radix, pre_radix, BIG], dtype=np.int64)):
            h.update(np.ascontiguousarray(part, dtype=np.int64).tobytes() + b"|")
        separators = [vocab.strings[g] for g in sep_ids]
        return cls(sid, in_order, big, rank, len(frequent_ids), place, separators, radix, pre_radix, h.hexdigest())


def _merge(each: list[_Records]) -> _Records:
    """The records of several speakers (in speaker order) as one: each key's segments together, its
    speakers in order; the bytes gathered a few million at a time."""
    each = [r for r in each if len(r.key)]
    if not each:
        empty = np.zeros(0, dtype=np.int64)
        return _Records(b"", empty, empty, empty, empty, empty)
    base = np.cumsum([0] + [len(r.stream) for r in each[:-1]])
    key = np.concatenate([r.key for r in each])
    order = np.argsort(key, kind="stable")
    start = np.concatenate([r.start + b for r, b in zip(each, base.tolist(), strict=True)])[order]
    size = np.concatenate([r.end - r.start for r in each])[order]
    to = np.zeros(len(size) + 1, dtype=np.int64)
    np.cumsum(size, out=to[1:])
    source = np.frombuffer(b"".join(r.stream for r in each), dtype=np.uint8)
    stream = np.empty(int(to[-1]), dtype=np.uint8)
    lo = 0
    while lo < len(size):  # segments of about CHUNK bytes at a time (a segment is never split)
        hi = max(lo + 1, int(np.searchsorted(to, to[lo] + CHUNK, side="right")) - 1)
        hi = min(hi, len(size))
        n = size[lo:hi]
        stream[to[lo] : to[hi]] = source[np.repeat(start[lo:hi] - to[lo:hi], n) + np.arange(to[lo], to[hi])]
        lo = hi
    speaker = np.concatenate([r.speaker for r in each])[order]
    count = np.concatenate([r.count for r in each])[order]
    return _Records(stream.tobytes(), to[:-1], to[1:], key[order], speaker, count)


class SpeakerCache:
    """Each speaker's figures and records as the last build left them, in ``folder``: one file a speaker
    (:func:`_write_arrays`) named by the digest of his tokens, his paragraphs' lengths, his number and
    ``code`` (the layout and the code that writes it). ``read=False``: nothing is taken from it (a forced
    build), only written."""

    def __init__(self, folder: Path | None, code: str, *, read: bool = True) -> None:
        self.folder, self.code, self.read = folder, code, read
        self.used: set[str] = set()
        self.made = 0  # speakers whose records were worked out in this build
        self._read: dict[str, dict[str, np.ndarray] | None] = {}

    def digest(self, speaker: int, lengths: np.ndarray, words: np.ndarray) -> str:
        h = hashlib.blake2b(f"{self.code}|{speaker}|".encode(), digest_size=16)
        h.update(np.ascontiguousarray(lengths, dtype=np.int64).tobytes())
        h.update(b"|")
        h.update(np.ascontiguousarray(words, dtype=np.int64).tobytes())
        self.used.add(h.hexdigest())
        return h.hexdigest()

    def _load(self, digest: str) -> dict[str, np.ndarray] | None:
        if self.folder is None or not self.read:
            return None
        if digest not in self._read:
            try:
                self._read[digest] = _read_arrays(self.folder / f"{digest}.bin")
            except (OSError, ValueError, KeyError, TypeError):
                self._read[digest] = None
        return self._read[digest]

    def stats(self, digest: str) -> dict | None:
        got = self._load(digest)
        if got is None:
            return None
        return {
            "words": got["words"],
            "counts": got["counts"],
            "separators": got["separators"],
            "ext": int(got["ext"][0]),
            "pre": int(got["pre"][0]),
        }

    def records(self, digest: str, whole: str) -> tuple[_Records, _Records] | None:
        got = self._read.pop(digest, None) if self.read else None
        if got is None or got["whole"].tobytes().decode() != whole:
            return None
        fields = ("start", "end", "key", "speaker", "count")
        return tuple(  # type: ignore[return-value]
            _Records(got[f"{k}stream"].tobytes(), *(got[f"{k}{f}"] for f in fields)) for k in ("w", "p")
        )

    def keep(self, digest: str, stats: dict, whole: str, got: tuple[_Records, _Records]) -> None:
        self.made += 1
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        arrays = {k: np.atleast_1d(np.asarray(v)) for k, v in stats.items()}
        arrays["whole"] = np.frombuffer(whole.encode(), dtype=np.uint8)
        for k, r in zip(("w", "p"), got, strict=True):
            arrays[f"{k}stream"] = np.frombuffer(r.stream, dtype=np.uint8)
            arrays.update({f"{k}{f}": getattr(r, f) for f in ("start", "end", "key", "speaker", "count")})
        tmp = self.folder / f"{digest}.tmp"
        _write_arrays(tmp, arrays)
        tmp.replace(self.folder / f"{digest}.bin")

    def done(self) -> None:
        """Forget the speakers of earlier builds that this one did not have."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.removesuffix(".bin") not in self.used:
                path.unlink(missing_ok=True)


def _write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Named one-dimensional arrays in one file: a JSON header (each array's type, length and offset),
    then their bytes (:func:`_read_arrays` maps them back without copying)."""
    header, at = {}, 0
    for name, a in arrays.items():
        header[name] = [a.dtype.str, len(a), at]
        at += a.nbytes
    head = json.dumps(header).encode()
    with open(path, "wb") as fh:
        fh.write(len(head).to_bytes(4, "little") + head)
        for a in arrays.values():
            fh.write(np.ascontiguousarray(a).tobytes())


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    size = int.from_bytes(data[:4], "little")
    header = json.loads(data[4 : 4 + size])
    body = memoryview(data)[4 + size :]
    out = {}
    for name, (dtype, n, at) in header.items():
        kind = np.dtype(dtype)
        if at + n * kind.itemsize > len(body):
            raise ValueError(f"{path}: {name} is cut short")
        out[name] = np.frombuffer(body, dtype=kind, count=n, offset=at)
    return out


def pair_file(a: int, b: int, files: int) -> int:
    """The file of the pair of frequent words ranked ``a`` then ``b`` (the page computes it with
    ``pair_hash`` from meta.js; ``pair_mod``: exact in a double)."""
    return ((a % PAIR_MOD) * PAIR_HASH + b) % files


@dataclass
class _Records:
    """Positions grouped by key (a word, or a pair of words) and speaker, as varints: one stream of
    segments (a key's positions in one speaker's paragraphs): speaker, n, then n times (paragraph step,
    token number, separator code, (before × pre_radix + pre) × ext_radix + joins). A file's record of a
    key is the key, its number of segments, the length of its segments' bytes (a reader skips what it
    was not asked for) and those bytes."""

    stream: bytes
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
        body = self.stream[self.start[first] : self.end[last - 1]]
        return few_varints(int(self.key[first]), last - first, len(body)) + body


def _records(keys, par, j, code, extpre, first_par, order_keys=None) -> _Records:
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
    ix = _int_for(6 * n)  # what counts positions and values
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
    return _Records(stream, start, np.append(start[1:], len(stream)), seg_key, seg_speaker, seg_count)


def _int_for(top: int) -> Any:  # the integer type of numbers below top: 4 bytes while they fit, else 8
    return np.int32 if top < 1 << 31 else np.int64


def varint_stream(values: np.ndarray, at=()) -> tuple[bytes, np.ndarray]:
    """:func:`varints` of ``values`` and where the values numbered ``at`` start (``len(values)``: the end).
    Encoded a few million at a time, and only the starts asked for are kept: the temporary arrays stay
    bounded however many values there are."""
    values = np.asarray(values)
    at = np.asarray(at, dtype=np.int64)
    found = np.zeros(len(at), dtype=np.int64)
    parts, done = [], 0
    for i in range(0, len(values), CHUNK):  # each chunk widened to 64 bits on its own
        data, starts = _encode(values[i : i + CHUNK].astype(np.uint64))
        mine = (at >= i) & (at < i + CHUNK)
        found[mine] = done + starts[at[mine] - i]
        parts.append(data)
        done += len(data)
    found[at >= len(values)] = done
    return b"".join(parts), found


def write_texts(index, out: Path, par_part, par_row, docs_used, doc_code, first_par, months, reuse=None) -> None:
    texts: list[str] = [""] * len(par_part)
    for k in np.unique(par_part).tolist():
        where = np.flatnonzero(par_part == k)
        shown, _sections = index.display(k, par_row[where])
        for i, text in zip(where.tolist(), shown, strict=True):
            texts[i] = spoken(text or "")
    documents = index.documents
    ids = documents["doc_id"].to_pylist()
    titles = documents["title"].to_pylist() if "title" in documents.column_names else [""] * len(ids)
    urls = documents["source_url"].to_pylist() if "source_url" in documents.column_names else [""] * len(ids)
    with Packer(out, reuse=reuse) as packer:
        for s in range(len(first_par) - 1):
            chunks: dict[str, list[int]] = {}
            for i in range(int(first_par[s]), int(first_par[s + 1])):
                chunks.setdefault(months[doc_code[i]], []).append(i)
            for month, members in chunks.items():
                used = sorted({int(doc_code[i]) for i in members})
                docs = {
                    str(d): [
                        ids[docs_used[d]],
                        iso(index.doc_days[docs_used[d]]),
                        titles[docs_used[d]] or "",
                        urls[docs_used[d]] or "",
                    ]
                    for d in used
                }
                body = {
                    "paragraphs": [i - int(first_par[s]) for i in members],
                    "texts": [texts[i] for i in members],
                    "docs": docs,
                }
                data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                packer.write("x", "texts", f"{s}-{month}", data)
