"""The positions files and the vocabulary files of the explorer (:func:`write_positions`): from each
speaker's records, and, when little changed since the last build, only the files that hold what changed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.measures.ngrams import Vocabulary
from analysis.publish.explorer.files import Packer, Reuse, vocab_key
from analysis.publish.explorer.records import (
    PAIR_HASH,
    PAIR_MOD,
    differing,
    merge,
    pair_key_file,
    size_class,
    stable_ids,
)
from analysis.publish.explorer.speakers import SpeakerCache, Speakers, Whole, each_speaker

GROUP = 30_000  # positions in one such file (about 50 KB)

BUCKET_BYTES = 12_000  # positions of rarer words: files of this size to twice it, on average (before deflating)

PAIR_BYTES = 8_000  # and of the pairs of frequent words


def write_positions(
    index, out: Path, packer: Packer, par_part, par_row, first_par, cache: SpeakerCache
) -> tuple[list[str], list[str], dict]:
    """The vocabulary files and the positions files of words and of pairs of frequent words; returns the
    separators, the vocabulary files' keys and the layout's figures for ``meta.js``.

    Worked out speaker by speaker: a speaker's positions depend on his tokens and on a few figures of
    the whole (:class:`Whole`), so a speaker whose tokens and those figures are as at the last build is
    taken from ``cache``. When the whole and the number of files are as at the last build (the packer's
    :class:`Reuse` knows), only the files of the words and pairs of the speakers whose tokens changed
    are made again; the others are linked as they are."""
    vocab = Vocabulary(index)
    sid, moved = stable_ids(vocab.strings)  # the ids the files know words by
    each = each_speaker(index, vocab, sid, moved, par_part, par_row, first_par, cache)
    whole = each.whole
    frequent = whole.frequent_sid
    rare_bytes = sum(int((w.end - w.start)[~frequent(w.key)].sum()) for w, _ in each.records)
    # the rarer words' records go to file ``id mod buckets``: a record that grows moves no other
    buckets = size_class(rare_bytes, BUCKET_BYTES)
    pair_files = size_class(sum(len(p.stream) for _, p in each.records), PAIR_BYTES)
    layout = {"whole": whole.digest, "buckets": buckets, "pair_files": pair_files, "speakers": each.digests}
    entries, groups = _vocabulary(vocab, sid, whole, each.stats, buckets)
    reuse = packer.reuse
    changed = _changed(reuse.layout if reuse is not None else {}, layout, each, cache)
    if changed is not None and not _keep_unchanged(reuse, out, changed):
        changed = None
    if changed is None:
        word_sets, pair_sets = [w for w, _ in each.records], [p for _, p in each.records]
    else:  # only the files that hold a changed word or pair: every record of them
        word_sets = [w.subset(changed.words_in(w.key, frequent(w.key))) for w, _ in each.records]
        pair_sets = [
            p.subset(np.isin(pair_key_file(p.key, whole.nbig, pair_files), list(changed.pair_files)))
            for _, p in each.records
        ]
    words, pairs = merge(word_sets), merge(pair_sets)
    del word_sets, pair_sets
    by_bucket: dict[int, list[bytes]] = {}
    for lo, hi in words.bounds():
        gid = int(words.key[lo])
        if gid in groups:  # a frequent word: its speakers grouped into files of about GROUP positions
            group, start = 0, lo
            for g in range(lo, hi):
                if groups[gid][int(words.speaker[g])] != group:
                    packer.write("p", "positions", f"t{gid}-{group}", words.record(start, g))
                    group, start = group + 1, g
            packer.write("p", "positions", f"t{gid}-{group}", words.record(start, hi))
        else:
            by_bucket.setdefault(gid % buckets, []).append(words.record(lo, hi))
    for b in sorted(by_bucket):
        packer.write("p", "positions", f"b{b}", b"".join(by_bucket.pop(b)))
    by_file: dict[int, list[bytes]] = {}
    for lo, hi in pairs.bounds():  # both records of a pair in one file
        by_file.setdefault(pair_key_file(int(pairs.key[lo]), whole.nbig, pair_files), []).append(pairs.record(lo, hi))
    for f in range(pair_files) if changed is None else sorted(changed.pair_files):  # every one: the page may ask
        packer.write("p", "positions", f"q{f}", b"".join(by_file.get(f, [])))
    for key, rows in entries.items():
        packer.write_plain("v", "vocab", key, rows)
    if reuse is not None:
        reuse.new_layout = layout
    meta = {"ext_radix": whole.radix, "pre_radix": whole.pre_radix, "frequent_words": whole.nbig}
    meta.update(pair_files=pair_files, pair_hash=PAIR_HASH, pair_mod=PAIR_MOD)
    return whole.separators, sorted(entries), meta


def _vocabulary(vocab: Vocabulary, sid, whole: Whole, stats: list[dict], buckets: int):
    """The vocabulary files' rows, from each speaker's counts of his words: a word's id, how often it
    occurs, its file (a rarer word) or the first speaker of each of its files and its rank (a frequent
    one: the speakers who say it, in order, a file to each group of them); and the groups
    of speakers of each frequent word (speakers in order, a new group when one would pass GROUP)."""
    words = np.concatenate([st["words"] for st in stats]) if stats else np.zeros(0, np.int64)
    counts = np.concatenate([st["counts"] for st in stats]) if stats else np.zeros(0, np.int64)
    speaker = np.repeat(np.arange(len(stats)), [len(st["words"]) for st in stats])
    order = np.argsort(words, kind="stable")  # by word, then speaker
    words, counts, speaker = words[order], counts[order], speaker[order]
    cut = np.flatnonzero(np.diff(words)) + 1 if len(words) else np.zeros(0, np.int64)
    first = np.concatenate([[0], cut]).astype(np.int64) if len(words) else cut
    totals = np.add.reduceat(counts, first) if len(words) else counts
    known = words[first]
    strings = [vocab.strings[g] for g in whole.ids_of(known).tolist()]
    often = whole.frequent_sid(known)
    entries: dict[str, list] = {}
    groups: dict[int, dict[int, int]] = {}
    bounds = np.append(first, len(words)).tolist()
    keys = {start: vocab_key(start) for start in {t[:2] for t in strings}}
    for i, (gid, token, total) in enumerate(zip(known.tolist(), strings, totals.tolist(), strict=True)):
        if often[i]:
            files: dict[int, int] = {}
            starts: list[int] = []  # the first speaker of each group (the page finds a speaker's group)
            group, filled = 0, 0
            lo, hi = bounds[i], bounds[i + 1]
            for s, n in zip(speaker[lo:hi].tolist(), counts[lo:hi].tolist(), strict=True):
                if filled and filled + n > GROUP:
                    group, filled = group + 1, 0
                if len(starts) == group:
                    starts.append(s)
                files[s] = group
                filled += n
            groups[gid] = files
            row = [token, gid, total, -1, starts, int(whole.rank[whole.ids_of(np.array([gid]))[0]])]
        else:
            row = [token, gid, total, gid % buckets]
        entries.setdefault(keys[token[:2]], []).append(row)
    return entries, groups


@dataclass
class _Changed:
    """The files that hold what changed since the last build (a word or pair of a speaker whose tokens
    changed, whose positions differ from what they were)."""

    frequent: np.ndarray  # the changed frequent words (each has files of its own)
    buckets: set[int]  # the rarer words' files
    pair_files: set[int]
    bucket_count: int

    def words_in(self, keys: np.ndarray, often: np.ndarray) -> np.ndarray:
        """Which of these word keys are in a file made again (a changed frequent word's, a changed bucket)."""
        return np.where(often, np.isin(keys, self.frequent), np.isin(keys % self.bucket_count, list(self.buckets)))


def _changed(before: dict, layout: dict, each: Speakers, cache: SpeakerCache) -> _Changed | None:
    """The words and pairs that changed since the build ``before`` (None: all, as when the whole, the
    number of files or of speakers changed, or a speaker's old positions are not in the cache)."""
    same = ("whole", "buckets", "pair_files")
    if not before or any(before.get(k) != layout[k] for k in same):
        return None
    if len(before.get("speakers", ())) != len(layout["speakers"]):
        return None
    words, pairs = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for s, (old, new) in enumerate(zip(before["speakers"], layout["speakers"], strict=True)):
        if old == new:
            continue
        was = cache.records(old, layout["whole"])
        if was is None:
            return None
        words.append(differing(was[0], each.records[s][0]))
        pairs.append(differing(was[1], each.records[s][1]))
    w, pr = np.unique(np.concatenate(words)), np.unique(np.concatenate(pairs))
    often = each.whole.frequent_sid(w)
    buckets = set((w[~often] % layout["buckets"]).tolist())
    pair_files = set(pair_key_file(pr, each.whole.nbig, layout["pair_files"]).tolist())
    return _Changed(w[often], buckets, pair_files, layout["buckets"])


def _keep_unchanged(reuse: Reuse | None, out: Path, changed: _Changed) -> bool:
    """Link the positions files that hold no changed word or pair as they are; False (none linked) when
    one of them is not what the last build wrote (it is then made again, with all the others)."""
    if reuse is None:
        return False
    dirty_t = {f"p/t{g}-" for g in changed.frequent.tolist()}
    keep = []
    for name in reuse.old:
        if not name.startswith("p/"):
            continue
        stem = name[2:-3]
        if stem.startswith("t"):
            if name[: name.index("-") + 1] not in dirty_t:
                keep.append(name)
        elif stem.startswith("b"):
            if int(stem[1:]) not in changed.buckets:
                keep.append(name)
        elif stem.startswith("q") and int(stem[1:]) not in changed.pair_files:
            keep.append(name)
    kept: list[str] = []
    for name in keep:
        if not reuse.keep(name, out):
            for done in kept:  # made again with the rest: not a link to the published file
                os.unlink(os.path.join(out, done))
                reuse.linked.discard(done)
                reuse.digests.pop(done, None)
            return False
        kept.append(name)
    return True
