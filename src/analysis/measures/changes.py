"""When did it change: change points in the rate of a phrase over a speaker's statements.

The units are the speaker's statements in date order, each with its uses ``yᵢ`` of the phrase and its
words ``wᵢ`` (the exposure). A change splits a run of statements in two, each with its own rate; its
strength is the Poisson likelihood ratio ``2[Y₁ log(Y₁/W₁) + Y₂ log(Y₂/W₂) − Y log(Y/W)]``, at the split
where it is largest (a cumulative-sum scan over every split that leaves ``min_run_statements`` statements and
:data:`~analysis.measures.coverage.MIN_PERIOD_WORDS` words on each side). Whether the largest ratio is a
change or chance is a permutation test over statements (Good 2005, *Permutation, Parametric and Bootstrap
Tests of Hypotheses*, ch. 3): the statements are shuffled, uses staying with their statement, so that uses
bunched in one speech stay bunched, and the largest ratio of each shuffle is compared with the one seen;
the change is clear when p < ``alpha`` and the ratio is also beyond what Poisson noise gives one split,
``χ²₁(0.99) = 6.63`` times the uses' dispersion over the run's statements (at least 1): a shuffle test
alone would call a trivial but orderly difference a change (statements with one use each, the longer ones
first). Binary segmentation (Scott & Knott 1974) repeats the search inside
each run, up to ``max_changes``; with none clear the phrase has one run: "no clear change".

ruptures (the maintained change-point library) has no Poisson cost with an exposure, and its search would
be called once per shuffle; the scan here is one vectorised pass per shuffle. The shuffles are seeded
and counter-based (:func:`uniforms`: a 32-bit hash of a counter, keyed by the phrase and the run), so the
same corpus gives the same changes and the reader's explorer (``publish/explorer/static/explore.js``), which
draws the same numbers with the same integer arithmetic, gives the same p-values as this module.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from analysis.corpus import Corpus
from analysis.measures import Measure, Result
from analysis.measures.count import PhraseParams, evidence_frame, found
from analysis.measures.coverage import MIN_PERIOD_WORDS
from analysis.measures.lexicon import Lexicon
from analysis.measures.lexicon import load as load_lexicon
from analysis.measures.stats import bunching, per_10k, statement_interval
from analysis.params import param
from analysis.selection import Selection

SEED = 20141127  # the shuffles' seed: fixed, so that a rebuild gives the same p-values
MASK = 0xFFFFFFFF
MIN_STATEMENTS = 5  # the fewest statements in a run between changes (the default)
CHI2_1_99 = 6.635  # χ² with 1 degree of freedom at 0.99: the least ratio a change needs, before dispersion
COLUMNS = [
    "speaker",
    "phrase",
    "segment",
    "start",
    "end",
    "statements",
    "words",
    "count",
    "per_10k",
    "per_10k_low",
    "per_10k_high",
    "bunching",
    "change_p",
    "first_use",
    "last_use",
]


@dataclass(frozen=True)
class ChangesParams(PhraseParams):
    """Which phrases, and how sure a change must be."""

    min_run_statements: int = param(
        MIN_STATEMENTS, "each run of statements between changes has at least this many", minimum=2
    )
    max_changes: int = param(3, "at most this many changes per phrase", minimum=1)
    alpha: float = param(0.01, "a change is clear when its permutation p-value is under this", minimum=0.0)
    permutations: int = param(999, "shuffles of the statements behind each p-value", minimum=99)


def compute(corpus: Corpus, params: ChangesParams) -> Result:
    """The ``changes`` measure for each speaker asked for; its quotes are the same search's matches."""
    lexicon = load_lexicon(params.phrase_lexicon or None)
    selections = corpus.selections(params)
    tables = [changes_of(corpus, s, params.phrases, lexicon=lexicon, params=params) for s in selections]
    return Result(
        pd.concat(tables, ignore_index=True),
        quotes=lambda: evidence_frame(found(corpus, selections, params.phrases, lexicon)[0]),
        searched=[s.describe() for s in selections],
    )


MEASURE = Measure(
    "changes",
    "when a phrase's rate changed: change points over a speaker's statements, first and last use",
    ChangesParams,
    "changes.csv",
    compute,
)


def browser_settings() -> dict:
    """What the reader's explorer needs to find the same changes (``meta.changes`` of its data): the
    defaults of :class:`ChangesParams`, the least ratio and the shuffles' seed."""
    defaults = {f.name: f.default for f in fields(ChangesParams)}
    keep = ("min_run_statements", "max_changes", "alpha", "permutations")
    return {**{k: defaults[k] for k in keep}, "chi2": CHI2_1_99, "seed": SEED}


def changes_of(
    corpus: Corpus,
    selection: Selection,
    phrases: Sequence,
    *,
    lexicon: Lexicon | None = None,
    params: ChangesParams | None = None,
) -> pd.DataFrame:
    """One row per run of statements between clear changes, per phrase (:data:`COLUMNS`), oldest first."""
    params = params or ChangesParams(phrases=list(phrases))
    hits, terms = found(corpus, [selection], phrases, lexicon, chars=False)
    speaker = corpus.resolve_speaker(selection.speaker)
    code = hits.speakers.index(speaker) if speaker in hits.speakers else -2
    mine = np.flatnonzero(hits.par_speaker == code)
    docs, at = np.unique(hits.par_doc[mine], return_inverse=True)  # the speaker's statements
    words = np.bincount(at, weights=hits.par_words[mine], minlength=len(docs))
    days = hits.index.doc_days[docs]
    order = np.lexsort((docs, days))  # date order (then the corpus's order of statements)
    local = np.full(len(hits.par_doc), -1, dtype=np.int64)
    local[mine] = np.argsort(order)[at]  # each of his paragraphs: its statement's place in date order
    words, days = words[order], days[order]
    rows = []
    for t, term in enumerate(terms):
        which = (hits.hit_term == t) & (local[hits.hit_par] >= 0)
        uses = np.bincount(local[hits.hit_par[which]], minlength=len(docs)).astype(float)
        cuts = split(uses, words, params, fnv1a(term.name))
        used = np.flatnonzero(uses)
        first = _iso(days[used[0]]) if len(used) else ""
        last = _iso(days[used[-1]]) if len(used) else ""
        bounds = [0, *[c for c, _ in cuts], len(docs)]
        p_of = dict(cuts)
        for s, (a, b) in enumerate(itertools.pairwise(bounds)):
            y, w = uses[a:b], words[a:b]
            count, total = int(y.sum()), float(w.sum())
            bunched = bunching(count, total, b - a, float((y * y / w).sum()))
            low, high = statement_interval(np.array([count]), np.array([bunched]))
            rows.append(
                {
                    "speaker": speaker,
                    "phrase": term.name,
                    "segment": s + 1,
                    "start": _iso(days[a]),
                    "end": _iso(days[b - 1]),
                    "statements": b - a,
                    "words": int(total),
                    "count": count,
                    "per_10k": round(per_10k(count, total), 3),
                    "per_10k_low": round(per_10k(float(low[0]), total), 3),
                    "per_10k_high": round(per_10k(float(high[0]), total), 3),
                    "bunching": None if bunched != bunched else round(float(bunched), 4),
                    "change_p": p_of.get(a),
                    "first_use": first,
                    "last_use": last,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def split(uses: np.ndarray, words: np.ndarray, params: ChangesParams, seed: int) -> list[tuple[int, float]]:
    """The clear changes in a run of statements, as (first statement of the new run, p-value), in order:
    binary segmentation, the clearest change first, each split tested by :func:`permutation_p` with
    shuffles seeded by ``seed`` and the run (so a phrase's changes do not depend on what else is asked)."""
    tested: dict[tuple[int, int], tuple[float, float, int] | None] = {}

    def test(a: int, b: int) -> tuple[float, float, int] | None:
        y, w = uses[a:b], words[a:b]
        k, ratio = scan(y, w, params.min_run_statements)
        dispersion = bunching(y.sum(), w.sum(), b - a, float((y * y / w).sum()))
        if k is None or ratio < CHI2_1_99 * max(1.0, float(np.nan_to_num(dispersion, nan=1.0))):
            return None
        return permutation_p(uses[a:b], words[a:b], ratio, params, run_key(seed, a, b)), ratio, a + k

    out: list[tuple[int, float]] = []
    runs = [(0, len(uses))]
    while len(out) < params.max_changes:
        for run in runs:
            if run not in tested:
                tested[run] = test(*run)
        clear = [(t[0], -t[1], run) for run, t in tested.items() if run in runs and t and t[0] < params.alpha]
        if not clear:
            break
        p, _, (a, b) = min(clear)
        cut = tested[(a, b)][2]  # type: ignore[index]
        out.append((cut, round(float(p), 4)))
        runs = [r for r in runs if r != (a, b)] + [(a, cut), (cut, b)]
    return sorted(out)


def scan(uses: np.ndarray, words: np.ndarray, min_statements: int) -> tuple[int | None, float]:
    """The split of a run where the Poisson likelihood ratio of two rates against one is largest, and
    that ratio; ``None`` when no split leaves enough statements and words on each side, or no uses."""
    k, ratio = _ratios(uses[None, :], words, min_statements)
    return (None, 0.0) if k[0] < 0 else (int(k[0]), float(ratio[0]))


def permutation_p(uses: np.ndarray, words: np.ndarray, seen: float, params: ChangesParams, key: int) -> float:
    """The share of shuffles of the statements (uses and words together) whose largest ratio is at
    least ``seen`` (counting the order seen as one of them). Shuffle ``s`` orders the statements by
    :func:`uniforms` ``(key, s·n, n)``, ties by place."""
    n, at_least, done = len(uses), 0, 0
    while done < params.permutations:  # in batches: memory stays about 40 MB however many statements
        batch = min(params.permutations - done, max(1, 500_000 // max(n, 1)))
        draws = uniforms(key, done * n, batch * n).reshape(batch, n)
        shuffles = np.argsort(draws, axis=1, kind="stable")
        _, ratios = _ratios(uses[shuffles], words[shuffles], params.min_run_statements)
        at_least += int((ratios >= seen - 1e-9).sum())
        done += batch
    return (1 + at_least) / (1 + params.permutations)


def hash32(x):
    """A 32-bit integer hash (the "lowbias32" finaliser, Wellons 2018) of an int or a uint32 array."""
    if isinstance(x, np.ndarray):
        x = x ^ (x >> np.uint32(16))
        x = x * np.uint32(0x7FEB352D)
        x = x ^ (x >> np.uint32(15))
        x = x * np.uint32(0x846CA68B)
        return x ^ (x >> np.uint32(16))
    x &= MASK
    x ^= x >> 16
    x = (x * 0x7FEB352D) & MASK
    x ^= x >> 15
    x = (x * 0x846CA68B) & MASK
    return x ^ (x >> 16)


def uniforms(key: int, start: int, count: int) -> np.ndarray:
    """``count`` uint32 draws of the stream ``key`` from counter ``start``: ``hash32(c·0x9E3779B9 + key)``
    (a Weyl sequence through the hash; the browser computes the same with ``Math.imul``)."""
    c = np.arange(start, start + count, dtype=np.uint64)
    return hash32(((c * np.uint64(0x9E3779B9) + np.uint64(key)) & np.uint64(MASK)).astype(np.uint32))


def fnv1a(text: str) -> int:
    """The 32-bit FNV-1a hash of ``text``'s UTF-8 bytes: a phrase's own stream of shuffles."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & MASK
    return h


def run_key(phrase_key: int, a: int, b: int) -> int:
    """The stream of the run of statements ``a``..``b`` of a phrase: its shuffles do not depend on what
    else is asked, nor on the other runs."""
    return hash32(hash32(hash32(SEED ^ phrase_key) + a) + b)


def _ratios(uses: np.ndarray, words: np.ndarray, min_statements: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``uses`` (rows: orders of the statements; ``words`` the same shape or one row): the
    best split and its likelihood ratio (split -1 and ratio 0 when there is none)."""
    words = np.broadcast_to(words, uses.shape).astype(float)
    cy, cw = np.cumsum(uses, axis=1), np.cumsum(words, axis=1)
    total_y, total_w = cy[:, -1:], cw[:, -1:]
    y1, w1 = cy[:, :-1], cw[:, :-1]  # the first run ends after statement j
    y2, w2 = total_y - y1, total_w - w1
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = _ll(y1, w1) + _ll(y2, w2) - _ll(total_y, total_w)
    n = uses.shape[1]
    j = np.arange(1, n)  # statements in the first run
    ok = (j >= min_statements) & (n - j >= min_statements)
    ok = ok[None, :] & (w1 >= MIN_PERIOD_WORDS) & (w2 >= MIN_PERIOD_WORDS)
    ratio = np.where(ok, 2 * ll, -np.inf)
    best = np.argmax(ratio, axis=1)
    value = ratio[np.arange(len(ratio)), best]
    found_any = np.isfinite(value) & (total_y[:, 0] > 0)
    return np.where(found_any, best + 1, -1), np.where(found_any, value, 0.0)


def _ll(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``Y log(Y/W)``, 0 for no uses: a run's Poisson log-likelihood at its own rate, up to terms that
    cancel in a ratio."""
    return np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / np.where(w > 0, w, 1)), 0.0)


def _iso(day) -> str:
    return str(np.datetime64(int(day), "D"))
