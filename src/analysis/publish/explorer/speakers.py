"""Each speaker's positions worked out on his own (:class:`Tokens`) with a few figures of all of them
(:class:`Whole`), and kept between builds by a digest of his tokens (:class:`SpeakerCache`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis import config
from analysis.index import CorpusIndex
from analysis.measures.ngrams import Vocabulary
from analysis.publish.explorer.files import int_for, part_hashes, read_arrays, write_arrays
from analysis.publish.explorer.records import Records, make_records

BIG = 3_000  # a word with more positions than this gets files of its own, its speakers grouped into them

JOINERS = ("'", "-")


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
    narrow = int_for(len(ids))  # a token's number in the stream, then in its paragraph
    j = np.arange(len(ids), dtype=narrow) - np.repeat(start[:-1].astype(narrow), lengths)
    return ids, par, j.astype(np.int32)


@dataclass
class Speakers:
    """Every speaker's figures and records (worked out, or as the cache kept them) and their digests."""

    digests: list[str]
    stats: list[dict]
    records: list[tuple[Records, Records]]
    whole: Whole


def each_speaker(
    index, vocab: Vocabulary, sid: np.ndarray, moved: str, par_part, par_row, first_par, cache: SpeakerCache
) -> Speakers:
    """Each speaker's records of words and of pairs (from ``cache`` when his tokens and the whole are as
    at the last build), and the whole's figures. A speaker's tokens are read only when he is worked out
    (:meth:`SpeakerCache.digests` knows the others by the parts they are in)."""
    speakers = len(first_par) - 1

    def speaker(s: int) -> Tokens:
        mine = slice(int(first_par[s]), int(first_par[s + 1]))
        ids, par, j = tokens(index, vocab, par_part[mine], par_row[mine])
        return Tokens(ids, par, j, s, mine.stop - mine.start)

    digests = cache.digests(index, vocab, sid, moved, par_part, par_row, first_par)
    worked: dict[int, Tokens] = {}
    stats: list[dict] = []
    for s in range(speakers):
        known = cache.stats(digests[s])
        if known is None:
            worked[s] = speaker(s).work(vocab)
            known = worked[s].stats(sid)
        stats.append(known)
    whole = Whole.of(stats, vocab, sid)
    records = []
    for s in range(speakers):
        got = cache.records(digests[s], whole.digest)
        if got is None:  # his tokens or the whole changed: worked out (again)
            got = (worked.pop(s, None) or speaker(s).work(vocab)).records(whole)
            cache.keep(digests[s], stats[s], whole.digest, got)
        worked.pop(s, None)
        records.append(got)
    return Speakers(digests, stats, records, whole)


class Tokens:
    """One speaker's tokens (global ids, his paragraph numbers, token numbers) and, once :meth:`work` ran,
    what each position needs that depends on his tokens alone."""

    def __init__(self, ids: np.ndarray, par: np.ndarray, j: np.ndarray, speaker: int, paragraphs: int) -> None:
        self.ids, self.par, self.j, self.speaker, self.paragraphs = ids, par, j, speaker, paragraphs

    def work(self, vocab: Vocabulary) -> Tokens:
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

    def records(self, whole: Whole) -> tuple[Records, Records]:
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
        extpre = self.pre.astype(int_for((whole.nbig + 1) * pre_radix * radix)) * radix + self.ext
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
        pairs = make_records(
            np.concatenate([pair_key, pair_key + 1]), par[both], j[both], code[both], extpre[both], firsts
        )
        # a word's key is its id; sorted by the id's place among them (smaller numbers, quicker to sort)
        w = ids[keep]
        order = whole.in_order[w]
        words = make_records(whole.sid[w], par[keep], j[keep], code[keep], extpre[keep], firsts, order_keys=order)
        return words, pairs


@dataclass
class Whole:
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
    frequent_ids: np.ndarray  # the frequent words' ids, ascending
    by_id: np.ndarray  # global ids in the order of their ids

    def ids_of(self, found: np.ndarray) -> np.ndarray:
        """The global ids of these ids (each one in the vocabulary)."""
        return self.by_id[np.searchsorted(self.sid[self.by_id], found)]

    def frequent_sid(self, found: np.ndarray) -> np.ndarray:
        """Which of these ids are frequent words'."""
        return np.isin(found, self.frequent_ids)

    @classmethod
    def of(cls, stats: list[dict], vocab: Vocabulary, sid: np.ndarray) -> Whole:
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
        figures = (len(frequent_ids), place, separators, radix, pre_radix, h.hexdigest(), frequent_ids, by_id)
        return cls(sid, in_order, big, rank, *figures)


class SpeakerCache:
    """Each speaker's figures and records as the last build left them, in ``folder``: one file a speaker
    (:func:`~analysis.publish.explorer.files.write_arrays`) named by his digest (:meth:`digests`: his
    number, his tokens and ``code``, the layout and the code that writes it), and the digests of what
    the index parts' rows held (:data:`PARTS`). ``read=False``: nothing is taken from it (a forced
    build), only written."""

    def __init__(self, folder: Path | None, code: str, *, read: bool = True) -> None:
        self.folder, self.code, self.read = folder, code, read
        self.used: set[str] = set()
        self.made = 0  # speakers whose records were worked out in this build
        self._read: dict[str, dict[str, np.ndarray] | None] = {}
        self.parts: dict[str, str] = {}  # (words moved, part's hash, rows): the digest of their tokens
        self.parts_used: set[str] = set()
        if folder is not None and read:
            try:
                saved = json.loads((folder / PARTS).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                saved = {}
            self.parts = saved if isinstance(saved, dict) else {}

    def digests(self, index, vocab: Vocabulary, sid: np.ndarray, moved: str, par_part, par_row, first_par) -> list[str]:
        """Each speaker's digest: of his number, ``code``, the words moved off their hash (``moved``), and
        his tokens, taken part by part. A speaker's rows in an index part are read only when the part
        changed since the last build (by its hash in the manifest, :attr:`parts` keeps what each part's
        rows held), so an unchanged speaker costs no reading of his tokens."""
        hashes = part_hashes(index, config.INDEX_DIR + "/part-", ".arrow")
        plans, missing = [], []
        for s in range(len(first_par) - 1):
            pk, pr = par_part[first_par[s] : first_par[s + 1]], par_row[first_par[s] : first_par[s + 1]]
            order = np.lexsort((pr, pk))  # his rows, part by part
            ks = pk[order]
            cut = np.flatnonzero(np.diff(ks)) + 1 if len(ks) else np.zeros(0, np.int64)
            lows = np.concatenate([[0], cut]).astype(np.int64) if len(ks) else cut
            rank = np.empty(len(order), dtype=np.int64)  # each paragraph's place among his rows of its part
            rank[order] = np.arange(len(order)) - np.repeat(lows, np.diff(np.append(lows, len(order))))
            parts = []
            for lo, hi in zip(lows.tolist(), np.append(lows[1:], len(order)).tolist(), strict=True):
                k, rows = int(ks[lo]), pr[order[lo:hi]]
                key = f"{moved}:{hashes[k]}:{_digest_of(rows)}" if k in hashes else f"unkept:{s}:{k}"
                parts.append((k, key))
                if key not in self.parts:
                    missing.append((k, rows, key))
            plans.append((np.stack([pk, rank]).astype(np.int64), parts))
        self._digest_parts(index, vocab, sid, missing)
        out = []
        for s, (interleave, parts) in enumerate(plans):
            h = hashlib.blake2b(f"{self.code}|{moved}|{s}|".encode(), digest_size=16)
            h.update(interleave.tobytes())
            for k, key in parts:
                h.update(f"|{k}:{self.parts[key]}".encode())
            out.append(h.hexdigest())
        self.used.update(out)
        self.parts_used = {key for _, parts in plans for _, key in parts}
        return out

    def _digest_parts(self, index, vocab: Vocabulary, sid: np.ndarray, missing: list) -> None:
        """The digest of each (part, rows) not known: the rows' lengths and their tokens' ids."""
        if not missing:
            return
        ks = np.concatenate([np.full(len(rows), k, dtype=np.int64) for k, rows, _ in missing])
        rs = np.concatenate([rows for _, rows, _ in missing]).astype(np.int64)
        ids, par, _ = tokens(index, vocab, ks, rs)
        lengths = np.bincount(par, minlength=len(ks))
        at = np.zeros(len(ks) + 1, dtype=np.int64)
        np.cumsum(lengths, out=at[1:])
        first = 0
        for _k, rows, key in missing:
            last = first + len(rows)
            h = hashlib.blake2b(lengths[first:last].astype(np.int64).tobytes(), digest_size=16)
            h.update(b"|" + sid[ids[at[first] : at[last]]].astype(np.int64).tobytes())
            self.parts[key] = h.hexdigest()
            first = last

    def _load(self, digest: str) -> dict[str, np.ndarray] | None:
        if self.folder is None or not self.read:
            return None
        if digest not in self._read:
            try:
                self._read[digest] = read_arrays(self.folder / f"{digest}.bin")
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

    def records(self, digest: str, whole: str) -> tuple[Records, Records] | None:
        got = self._load(digest)
        self._read.pop(digest, None)
        if got is None or got["whole"].tobytes().decode() != whole:
            return None
        fields = ("start", "end", "key", "speaker", "count")
        return tuple(  # type: ignore[return-value]
            Records(got[f"{k}stream"], *(got[f"{k}{f}"] for f in fields)) for k in ("w", "p")
        )

    def keep(self, digest: str, stats: dict, whole: str, got: tuple[Records, Records]) -> None:
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
        write_arrays(tmp, arrays)
        tmp.replace(self.folder / f"{digest}.bin")

    def done(self) -> None:
        """Forget the speakers of earlier builds that this one did not have."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name != PARTS and path.name.removesuffix(".bin") not in self.used:
                path.unlink(missing_ok=True)
        kept = {key: self.parts[key] for key in sorted(self.parts_used) if not key.startswith("unkept:")}
        (self.folder / (PARTS + ".tmp")).write_text(json.dumps(kept), encoding="utf-8")
        (self.folder / (PARTS + ".tmp")).replace(self.folder / PARTS)


PARTS = "parts.json"  # in the cache's folder: the digests of (part, rows)


def _digest_of(rows: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(rows, dtype=np.int64).tobytes(), digest_size=12).hexdigest()
