"""The terms of a body of text, as keyness weighs them: each term's uses, and how they spread.

A term is a word (an atom of :mod:`analysis.tokens`, or an abbreviation such as "u.s.") or two or three
words (:mod:`analysis.measures.ngrams`), counted on the index with the tokenizer the phrase matcher uses,
so a term's count and the quotes behind it agree. Per term, on one side:

* ``statements``: the statements it occurs in, and the share of its uses in the one with most of them;
* ``bunching``: how much more its uses bunch in a few statements than chance would put them
  (:func:`~analysis.measures.stats.bunching`);
* ``years``: the calendar years it occurs in (of the years the side has words in, :attr:`Terms.years`);
* its uses inside a formula of the stop-phrase list (``config/lexicons/stop-phrases.yaml``): "like" in
  "would like to", "of course" as a two-word term (:func:`in_formulas`), found by the phrase matcher.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

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
from analysis.measures.stats import bunching_by
from analysis.measures.stopwords import STOP_WORDS
from analysis.selection import Scope


class Spread(NamedTuple):
    """How one term's uses spread on one side."""

    statements: int
    top_share: float  # share of its uses in the statement with most of them
    bunching: float
    years: int = 0  # calendar years it occurs in (0: not known)


NO_SPREAD = Spread(0, 0.0, float("nan"), 0)


@dataclass
class Terms:
    """The terms of one side: each term's uses, the side's words, per term its :class:`Spread`, the
    calendar years the side has words in, and (for a table) each term's uses per statement."""

    counts: Counter
    words: int
    spread: dict[str, Spread]
    years: int = 0
    by_doc: dict[str, Counter] | None = None


def spread_of(term: str, spread: dict | None) -> Spread:
    """``term``'s :class:`Spread` (a plain tuple of three or four is read as one); :data:`NO_SPREAD`
    when the side's statements are not known."""
    found = (spread or {}).get(term)
    return Spread(*found) if found else NO_SPREAD


def side_terms(index, scope: Scope, *, ngram: int = 1, drop_stop_words: bool = True, vocab=None) -> Terms:
    """The terms of the words ``scope`` selects, counted on the index (see :mod:`analysis.measures.ngrams`);
    the side's words are the speakers' own words (the denominator of every rate)."""
    vocab = vocab or Vocabulary(index)
    days = np.asarray(index.doc_days, dtype=np.int64)
    years = np.where(days == 0, 0, days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
    return count_terms(stream(index, vocab, scope), vocab, ngram=ngram, drop_stop_words=drop_stop_words, doc_year=years)


def term_counts(turns: pd.DataFrame, *, ngram: int = 1, drop_stop_words: bool = True, by_doc: bool = False) -> tuple:
    """Term frequencies of paragraphs given as a table (not from a corpus) and their atoms; with
    ``by_doc=True`` also each term's uses per statement (``{term: Counter(doc_id: uses)}``)."""
    terms, words = table_terms(turns, ngram=ngram, drop_stop_words=drop_stop_words)
    return (terms.counts, words, terms.by_doc) if by_doc else (terms.counts, words)


def table_terms(turns: pd.DataFrame, *, ngram: int, drop_stop_words: bool) -> tuple[Terms, int]:
    """:class:`Terms` of paragraphs given as a table, and their atoms (years from a ``date`` column)."""
    from analysis.index import PartIndex

    docs = turns["doc_id"].astype(str).tolist() if "doc_id" in turns.columns else [""] * len(turns)
    part = PartIndex.of_texts(turns["text"].tolist())
    vocab = Vocabulary.of_part(part)
    ids, spans = gather(part.values, part.offsets, np.arange(part.n))
    mapped = vocab.maps[0][np.maximum(ids, 0)] if len(part.values) else np.full(len(ids), BREAK)
    s = Stream(np.where(ids >= 0, mapped, BREAK), np.repeat(np.arange(part.n), spans), 0)
    years = None
    if "date" in turns.columns:
        years = pd.to_datetime(turns["date"], errors="coerce").dt.year.fillna(0).astype(np.int64).to_numpy()
    terms = count_terms(s, vocab, ngram=ngram, drop_stop_words=drop_stop_words, doc_names=docs, doc_year=years)
    return terms, int(np.sum((s.ids >= 0) & vocab.is_atom[np.maximum(s.ids, 0)])) if len(s.ids) else 0


def count_terms(
    s: Stream, vocab: Vocabulary, *, ngram: int, drop_stop_words: bool = True, doc_names=None, doc_year=None
) -> Terms:
    """Terms of a stream: atoms (and abbreviations such as "u.s.") for ``ngram`` 1, two or three atoms
    with single spaces between for 2 and 3; without terms made only of stop words or holding a number.
    With ``doc_names`` (a name per document of the stream), each term's uses per statement too; with
    ``doc_year`` (a year per document, 0 when unknown), the years each term occurs in."""
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
    term_years, side_years = np.zeros(len(unique), dtype=np.int64), 0
    if doc_year is not None:
        year = np.asarray(doc_year, dtype=np.int64)  # 0: a statement without a date
        known = year[pairs[:, 1]] > 0
        term_year = np.unique(pairs[known, 0] * 10_000 + year[pairs[known, 1]])
        term_years = np.bincount(term_year // 10_000, minlength=len(unique))
        side_years = int(np.count_nonzero(np.unique(year[np.flatnonzero(doc_words)])))
    spread = {
        n: Spread(int(st), round(int(t) / int(c), 3), float(b), int(y))
        for n, st, t, c, b, y in zip(names, statements, top, counts, bunched, term_years, strict=True)
    }
    out = Terms(Counter(dict(zip(names, counts.tolist(), strict=True))), s.words, spread, side_years)
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


def in_formulas(index, scope: Scope, ngram: int, terms: set[str] | None = None) -> Counter:
    """Per term of ``ngram`` words, its uses in ``scope`` inside a formula of the stop-phrase list
    (``config/lexicons/stop-phrases.yaml``: "would like to", "of course", "thank you very much"): each
    run of ``ngram`` words of a formula gains the formula's matches ("like" and "would like" from "would
    like to"). The formulas are one term to the phrase matcher, so where two overlap ("would like to
    ask" and "would like to") only the longer counts. A term most of whose uses are a formula's says
    nothing of style. With ``terms``, only the formulas holding one of them are looked for: a term's
    uses are counted inside the formulas that hold it (the keyness of Putin's split gives the same table
    as with every formula, and the search costs a fifth less)."""
    from analysis.measures.catchphrases import stop_phrase_list
    from analysis.measures.lexicon import Term
    from analysis.measures.match import Query
    from analysis.measures.search import search

    def runs(formula: str) -> list[str]:
        words = formula.lower().split()
        return list(dict.fromkeys(" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)))

    out: Counter = Counter()
    formulas = [f for f in stop_phrase_list()[1] if terms is None or not terms.isdisjoint(runs(f))]
    if not formulas:
        return out
    found = search(index, scope, Query([Term("formulas", tuple(formulas))]), chars=False)
    uses = np.bincount(found.hit_pattern, minlength=len(formulas))
    for formula, n in zip(formulas, uses.tolist(), strict=True):
        for run in runs(formula) if n else ():
            out[run] += n
    return out
