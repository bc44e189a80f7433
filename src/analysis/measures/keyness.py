"""Keyness: which words or phrases one body of text (a period, a speaker) over-uses against another.

For each term with frequencies ``a`` in corpus A (``Na`` tokens) and ``b`` in corpus B (``Nb``):

* log-likelihood G² (Rayson & Garside 2000): ``2 Σ O ln(O/E)`` over the two cells, with
  ``E_A = Na (a+b) / (Na+Nb)``; G² > 3.84 is p < 0.05, > 10.83 is p < 0.001 (1 d.f.);
* effect size: log ratio (Hardie 2014), ``log2((a/Na) / (b/Nb))`` (+1: twice as frequent in A), with
  a pseudo-count split between the sides in proportion to their sizes (``a + Na/N``, ``b + Nb/N``),
  which keeps it finite for a zero and never flips its sign: the log ratio, the two rates and
  ``overused_in`` always agree. Its 95% interval is ``± 1.96 √(1/a' + 1/b') / ln 2``;
* bunching: how much more each side's uses bunch in a few statements than chance would put them
  (:func:`~analysis.measures.stats.bunching`); the log ratio's interval is widened, and G² divided,
  by the quasi-Poisson factor of :func:`~analysis.measures.stats.widen` (squared for G²), so that a
  term one speech is full of does not pass for a habit;
* spread: the statements a term occurs in on its over-used side, and the share of those uses in the
  one statement with most of them; a term with more than half its uses in one statement is
  ``concentrated``;
* a term ``passes`` when its p-value, multiplied by the number of terms tested (Bonferroni), is
  below 0.05, it occurs in at least 3 statements and it is not concentrated. Findings name only
  terms that pass.

Terms rarer than ``min_freq`` in A and B together are dropped before testing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.errors import CorpusError
from analysis.measures import Measure, Result
from analysis.measures.ngrams import (
    BREAK,
    Stream,
    Vocabulary,
    gather,
    stream,
    term_keys,
    term_positions,
    term_text,
    units,
)
from analysis.measures.stats import bunching_by, chi2_sf, log_likelihood, log_ratio, pseudo_counts, widen
from analysis.measures.stopwords import STOP_WORDS
from analysis.params import TopParams, like, param
from analysis.selection import Scope, Selection, SelectionParams, iso_date

COLUMNS = [
    "term", "freq_a", "freq_b", "per_10k_a", "per_10k_b", "g2", "p_value", "p_adjusted", "log_ratio",
    "log_ratio_low", "log_ratio_high", "bunching_a", "bunching_b", "overused_in", "statements", "top_statement_share",
    "concentrated", "passes",
]  # fmt: skip
ALPHA = 0.05
MIN_STATEMENTS = 3
CONCENTRATED = 0.5


@dataclass
class Terms:
    """The terms of one side: each term's uses, the side's words, and per term its statements, the
    share of its uses in its top statement and how much they bunch in statements
    (:func:`~analysis.measures.stats.bunching`)."""

    counts: Counter
    words: int
    spread: dict[str, tuple[int, float, float]]
    by_doc: dict[str, Counter] | None = None


def side_terms(index, scope: Scope, *, ngram: int = 1, drop_stop_words: bool = True, vocab=None) -> Terms:
    """The terms of the words ``scope`` selects, counted on the index (see :mod:`analysis.measures.ngrams`);
    the side's words are the speakers' own words (the denominator of every rate)."""
    vocab = vocab or Vocabulary(index)
    return count_terms(stream(index, vocab, scope), vocab, ngram=ngram, drop_stop_words=drop_stop_words)


def term_counts(turns: pd.DataFrame, *, ngram: int = 1, drop_stop_words: bool = True, by_doc: bool = False) -> tuple:
    """Term frequencies of paragraphs given as a table (not from a corpus) and their atoms; with
    ``by_doc=True`` also each term's uses per statement (``{term: Counter(doc_id: uses)}``)."""
    terms, words = _table_terms(turns, ngram=ngram, drop_stop_words=drop_stop_words)
    return (terms.counts, words, terms.by_doc) if by_doc else (terms.counts, words)


def _table_terms(turns: pd.DataFrame, *, ngram: int, drop_stop_words: bool) -> tuple[Terms, int]:
    """:class:`Terms` of paragraphs given as a table, and their atoms."""
    from analysis.index import PartIndex

    docs = turns["doc_id"].astype(str).tolist() if "doc_id" in turns.columns else [""] * len(turns)
    part = PartIndex.of_texts(turns["text"].tolist())
    vocab = Vocabulary.of_part(part)
    ids, spans = gather(part.values, part.offsets, np.arange(part.n))
    mapped = vocab.maps[0][np.maximum(ids, 0)] if len(part.values) else np.full(len(ids), BREAK)
    s = Stream(np.where(ids >= 0, mapped, BREAK), np.repeat(np.arange(part.n), spans), 0)
    terms = count_terms(s, vocab, ngram=ngram, drop_stop_words=drop_stop_words, doc_names=docs)
    return terms, int(np.sum((s.ids >= 0) & vocab.is_atom[np.maximum(s.ids, 0)])) if len(s.ids) else 0


def count_terms(s: Stream, vocab: Vocabulary, *, ngram: int, drop_stop_words: bool = True, doc_names=None) -> Terms:
    """Terms of a stream: atoms (and abbreviations such as "u.s.") for ``ngram`` 1, two or three atoms
    with single spaces between for 2 and 3; without terms made only of stop words or holding a number.
    With ``doc_names`` (a name per document of the stream), each term's uses per statement too."""
    if ngram not in (1, 2, 3):
        raise ValueError(f"ngram must be 1, 2 or 3; got {ngram}")
    texts: list[str] = []
    if ngram == 1:
        positions, flat, texts = units(s, vocab)
        keys = flat[:, None]
    else:
        positions = term_positions(s, vocab, ngram)
        keys = term_keys(s, positions, ngram)
    if len(positions):
        atoms, is_atom = np.maximum(keys, 0), keys >= 0
        keep = ~(vocab.is_digit[atoms] & is_atom).any(axis=1)
        if drop_stop_words:
            keep &= ~(vocab.mask_of(STOP_WORDS)[atoms] & is_atom).all(axis=1)
        positions, keys = positions[keep], keys[keep]
    docs = s.doc[positions]
    if len(keys):
        unique, which, counts = _unique_rows(keys)
        span = int(docs.max()) + 1
        pair_keys, pair_counts = np.unique(which * span + docs, return_counts=True)
        pairs = np.stack([pair_keys // span, pair_keys % span], axis=1)
    else:
        unique, counts = np.zeros((0, keys.shape[1]), np.int64), np.zeros(0, np.int64)
        pairs, pair_counts = np.zeros((0, 2), np.int64), np.zeros(0, np.int64)
    names = [texts[-1 - int(u[0])] if u[0] < 0 else term_text(vocab, u) for u in unique]
    statements = np.bincount(pairs[:, 0], minlength=len(unique))
    top = np.zeros(len(unique), dtype=np.int64)
    np.maximum.at(top, pairs[:, 0], pair_counts)
    # the side's words in each statement (its word tokens): how much a term's uses bunch in statements
    words_in = (s.ids >= 0) & vocab.is_atom[np.maximum(s.ids, 0)] if len(s.ids) else np.zeros(0, bool)
    doc_words = np.bincount(s.doc[words_in], minlength=int(s.doc.max()) + 1 if len(s.doc) else 0)
    bunched = bunching_by(which, docs, doc_words, len(unique)) if len(keys) else np.zeros(0)
    spread = {
        n: (int(st), round(int(t) / int(c), 3), float(b))
        for n, st, t, c, b in zip(names, statements, top, counts, bunched, strict=True)
    }
    out = Terms(Counter(dict(zip(names, counts.tolist(), strict=True))), s.words, spread)
    if doc_names is not None:
        out.by_doc = {}
        for (term, doc), n in zip(pairs.tolist(), pair_counts.tolist(), strict=True):
            out.by_doc.setdefault(names[term], Counter())[doc_names[doc]] += n
    return out


def _unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, axis=0, return_inverse=True, return_counts=True)``, on one integer per row
    (the row's ids as digits of one number) instead of rows compared column by column."""
    low = keys.min(axis=0)
    base = int((keys - low).max()) + 1
    if base ** keys.shape[1] >= 2**62:  # too wide to be one number: rows compared as rows
        unique, which, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        return unique, which.ravel(), counts
    packed = np.zeros(len(keys), dtype=np.int64)
    for j in range(keys.shape[1]):
        packed = packed * base + (keys[:, j] - low[j])
    values, which, counts = np.unique(packed, return_inverse=True, return_counts=True)
    unique = np.zeros((len(values), keys.shape[1]), dtype=keys.dtype)
    for j in reversed(range(keys.shape[1])):
        unique[:, j] = values % base + low[j]
        values = values // base
    return unique, which, counts


def keyness(
    counts_a: Counter,
    total_a: int,
    counts_b: Counter,
    total_b: int,
    *,
    min_freq: int = 5,
    docs_a: dict | None = None,
    docs_b: dict | None = None,
) -> pd.DataFrame:
    """G², log ratio with its interval, spread, bunching and the threshold of every term; strongest first
    (by G² over the bunching factor squared: the statistic the p-value comes from)."""
    if total_a <= 0 or total_b <= 0:
        raise ValueError("both sides of a comparison need words")
    terms = sorted(t for t in set(counts_a) | set(counts_b) if counts_a[t] + counts_b[t] >= min_freq)
    if not terms:
        return pd.DataFrame(columns=COLUMNS)
    a = np.array([counts_a[t] for t in terms], dtype=float)
    b = np.array([counts_b[t] for t in terms], dtype=float)
    phi_a = np.array([_spread(t, docs_a)[2] for t in terms], dtype=float)
    phi_b = np.array([_spread(t, docs_b)[2] for t in terms], dtype=float)
    # uses bunched in a few statements weigh as fewer uses: the interval widens, the test is scaled
    a_, b_ = pseudo_counts(a, total_a, b, total_b)
    factor = widen(a_, phi_a, b_, phi_b)
    g2 = log_likelihood(a, b, total_a, total_b)
    lr, lr_low, lr_high = log_ratio(a, total_a, b, total_b, phi_a, phi_b)
    p_value = chi2_sf(g2 / factor**2, 1)
    side = np.sign(a * total_b - b * total_a)  # exact: no rounding decides the side
    out = pd.DataFrame(
        {
            "term": terms,
            "freq_a": a.astype(int),
            "freq_b": b.astype(int),
            "per_10k_a": np.round(a / total_a * 10_000, 3),
            "per_10k_b": np.round(b / total_b * 10_000, 3),
            "g2": np.round(g2, 3),
            "p_value": p_value,
            "p_adjusted": np.minimum(1.0, p_value * len(terms)),
            "log_ratio": np.round(lr, 3),
            "log_ratio_low": np.round(lr_low, 3),
            "log_ratio_high": np.round(lr_high, 3),
            "bunching_a": np.round(phi_a, 4),
            "bunching_b": np.round(phi_b, 4),
            "overused_in": np.where(side > 0, "A", np.where(side < 0, "B", "=")),
        }
    )
    spread = [
        _spread(t, docs_a if o == "A" else docs_b if o == "B" else None)
        for t, o in zip(terms, out["overused_in"], strict=True)
    ]
    out["statements"] = [n for n, _, _ in spread]
    out["top_statement_share"] = [share for _, share, _ in spread]
    out["concentrated"] = out["top_statement_share"] > CONCENTRATED
    out["passes"] = (out["p_adjusted"] < ALPHA) & (out["statements"] >= MIN_STATEMENTS) & ~out["concentrated"]
    if docs_a is None and docs_b is None:  # no spread known: the threshold is the p-value alone
        out["passes"] = out["p_adjusted"] < ALPHA
    # strongest first by the test a bunched term is held to (G² over the bunching factor squared)
    out["_strength"] = g2 / factor**2
    return out.sort_values(["_strength", "term"], ascending=[False, True]).reset_index(drop=True)[COLUMNS]


def _spread(term: str, docs) -> tuple[int, float, float]:
    """Statements with the term on one side, the share of its uses in the top one and how much they
    bunch (:class:`Terms`' ``spread``); without what the side's statements hold, (0, 0, NaN)."""
    return (docs or {}).get(term) or (0, 0.0, float("nan"))


def sides(corpus, selection: Selection, *, split: str | None = None, speaker_b: str | None = None):
    """The two sides of a comparison as index scopes, and their labels: (scope_a, scope_b, label_a, label_b).

    With ``speaker_b`` (a speaker or a group): the selection's speaker against it over the same dates
    and source. With ``split``: the selection before that date against the selection from that date on.
    """
    if speaker_b and split:
        raise ValueError("compare by a split date or with a second speaker, not both")
    a = corpus.scope(selection)
    label_a = corpus.resolve_speaker(selection.speaker)
    if speaker_b:
        members = corpus.expand_speakers([speaker_b])
        group = corpus.registry.group(speaker_b) is not None
        b = corpus.scope(selection, speakers=members)
        return a, b, label_a, speaker_b if group else members[0]
    if not split:
        raise ValueError("say what to compare: a split date or a second speaker")
    split = iso_date(split, "split")
    day_before = (dt.date.fromisoformat(split) - dt.timedelta(days=1)).isoformat()
    if (selection.start and selection.start > day_before) or (selection.end and selection.end < split):
        raise CorpusError(f"the split date {split} is outside the selection ({selection.describe()})")
    before = corpus.scope(selection.with_(end=day_before))
    after = corpus.scope(selection.with_(start=split))
    return before, after, f"before {split}", f"from {split}"


@dataclass(frozen=True)
class KeynessParams(TopParams, SelectionParams):
    """What to compare (a split date, a second speaker, or two date ranges) and which terms to keep."""

    split: str = param("", "side A is before this date, side B from this date on (YYYY-MM-DD)")
    speaker_b: str = param("", "compare with this speaker (or group) over the same dates, instead of a split")
    a_start: str = param("", "side A's first date, with --b-start/--b-end (instead of a split)")
    a_end: str = param("", "side A's last date")
    b_start: str = param("", "side B's first date")
    b_end: str = param("", "side B's last date")
    source_b: str = param("", "side B's words only from this source (a documents.source value); empty: as for side A")
    ngram: int = param(1, "1 for words, 2 for two-word phrases, 3 for three-word phrases", choices=(1, 2, 3))
    min_freq: int = param(5, "ignore terms used fewer times than this in A and B together", minimum=1)
    top: int = like(TopParams, "top", 30)

    def validate(self) -> None:
        super().validate()
        ranges = (self.a_start or self.a_end) and (self.b_start or self.b_end)
        if not (self.split or self.speaker_b or ranges):
            raise ValueError("say what to compare: split DATE, speaker_b NAME, or a_start/a_end and b_start/b_end")

    def scopes(self, corpus, selection: Selection) -> tuple[Scope, Scope, str, str]:
        """The two sides for one speaker's selection, and their labels."""
        if self.split or self.speaker_b:
            picked = selection.with_(start=self.a_start or selection.start, end=self.a_end or selection.end)
            a, b, label_a, label_b = sides(corpus, picked, split=self.split or None, speaker_b=self.speaker_b or None)
        else:
            a = corpus.scope(selection.with_(start=self.a_start or selection.start, end=self.a_end or selection.end))
            b = corpus.scope(selection.with_(start=self.b_start or selection.start, end=self.b_end or selection.end))
            label_a, label_b = "A", "B"
        if self.source_b and self.source_b != b.source:
            corpus.check_source(self.source_b)
            b, label_b = replace(b, source=self.source_b), f"{label_b} ({self.source_b})"
        return a, b, label_a, label_b


def compute(corpus, params: KeynessParams) -> Result:
    """The ``keyness`` measure: for each speaker asked for, the terms over-used in A, then in B."""
    from analysis.measures import per_speaker

    def one(selection: Selection) -> pd.DataFrame:
        a, b, _, _ = params.scopes(corpus, selection)
        result = compare_scopes(corpus.index, a, b, ngram=params.ngram, min_freq=params.min_freq, top=params.top)
        return pd.concat([result["a"], result["b"]], ignore_index=True)

    return per_speaker(corpus, params, one)


MEASURE = Measure(
    "keyness",
    "terms over-used in one period or speaker against another (G², log ratio)",
    KeynessParams,
    "figN_keyness.csv",
    compute,
)


def compare_scopes(
    index,
    scope_a: Scope,
    scope_b: Scope,
    *,
    ngram: int = 1,
    min_freq: int = 5,
    top: int = 30,
    drop_stop_words: bool = True,
) -> dict[str, pd.DataFrame | int]:
    """The ``top`` terms over-used in A and in B (by G²), with the words of each side and terms tested,
    counted on the index."""
    if top < 1:
        raise ValueError("top must be at least 1")
    vocab = Vocabulary(index)
    a = side_terms(index, scope_a, ngram=ngram, drop_stop_words=drop_stop_words, vocab=vocab)
    b = side_terms(index, scope_b, ngram=ngram, drop_stop_words=drop_stop_words, vocab=vocab)
    if not a.words or not b.words:
        raise ValueError("one side of the comparison has no words: check the dates or speakers")
    table = keyness(a.counts, a.words, b.counts, b.words, min_freq=min_freq, docs_a=a.spread, docs_b=b.spread)
    return {
        "a": table[table["overused_in"] == "A"].head(top).reset_index(drop=True),
        "b": table[table["overused_in"] == "B"].head(top).reset_index(drop=True),
        "tokens_a": a.words,
        "tokens_b": b.words,
        "tested": len(table),
    }


def compare(
    turns_a: pd.DataFrame,
    turns_b: pd.DataFrame,
    *,
    ngram: int = 1,
    min_freq: int = 5,
    top: int = 30,
    drop_stop_words: bool = True,
) -> dict[str, pd.DataFrame | int]:
    """:func:`compare_scopes` for paragraphs given as tables (not from a corpus)."""
    if top < 1:
        raise ValueError("top must be at least 1")
    if turns_a.empty or turns_b.empty:
        raise ValueError("one side of the comparison has no words: check the dates or speakers")
    ta, na = _table_terms(turns_a, ngram=ngram, drop_stop_words=drop_stop_words)
    tb, nb = _table_terms(turns_b, ngram=ngram, drop_stop_words=drop_stop_words)
    table = keyness(ta.counts, na, tb.counts, nb, min_freq=min_freq, docs_a=ta.spread, docs_b=tb.spread)
    return {
        "a": table[table["overused_in"] == "A"].head(top).reset_index(drop=True),
        "b": table[table["overused_in"] == "B"].head(top).reset_index(drop=True),
        "tokens_a": na,
        "tokens_b": nb,
        "tested": len(table),
    }
