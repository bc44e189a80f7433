"""Keyness: which words or phrases one body of text (a period, a speaker) over-uses against another.

For each term with frequencies ``a`` in corpus A (``Na`` tokens) and ``b`` in corpus B (``Nb``):

* log-likelihood G² (Rayson & Garside 2000): ``2 Σ O ln(O/E)`` over the two cells, with
  ``E_A = Na (a+b) / (Na+Nb)``; G² > 3.84 is p < 0.05, > 10.83 is p < 0.001 (1 d.f.);
* effect size: log ratio (Hardie 2014), ``log2((a/Na) / (b/Nb))``, zero frequencies taken as 0.5.
  +1 means twice as frequent in A.

Terms rarer than ``min_freq`` in A and B together are dropped before ranking.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd

from analysis.errors import CorpusError
from analysis.measures.catchphrases import STOP_WORDS
from analysis.measures.stats import chi2_sf, log_likelihood
from analysis.selection import Selection, iso_date
from analysis.text import chunks, spoken

COLUMNS = ["term", "freq_a", "freq_b", "per_10k_a", "per_10k_b", "g2", "p_value", "log_ratio", "overused_in"]


def term_counts(turns: pd.DataFrame, *, ngram: int = 1, drop_stop_words: bool = True) -> tuple[Counter, int]:
    """Term frequencies of the spoken text of ``turns`` and its number of tokens (words)."""
    if ngram not in (1, 2, 3):
        raise ValueError(f"ngram must be 1, 2 or 3; got {ngram}")
    counts: Counter = Counter()
    tokens = 0
    for text in turns["text"]:
        for toks in chunks(spoken(text)):
            tokens += len(toks)
            for i in range(len(toks) - ngram + 1):
                gram = toks[i : i + ngram]
                if drop_stop_words and all(t in STOP_WORDS for t in gram):
                    continue
                if any(t.isdigit() for t in gram):
                    continue
                counts[" ".join(gram)] += 1
    return counts, tokens


def keyness(counts_a: Counter, total_a: int, counts_b: Counter, total_b: int, *, min_freq: int = 5) -> pd.DataFrame:
    """G² and log ratio of every term; sorted by G², strongest first."""
    if total_a <= 0 or total_b <= 0:
        raise ValueError("both sides of a comparison need words")
    terms = sorted(t for t in set(counts_a) | set(counts_b) if counts_a[t] + counts_b[t] >= min_freq)
    if not terms:
        return pd.DataFrame(columns=COLUMNS)
    a = np.array([counts_a[t] for t in terms], dtype=float)
    b = np.array([counts_b[t] for t in terms], dtype=float)
    g2 = log_likelihood(a, b, total_a, total_b)
    lr = np.log2((np.maximum(a, 0.5) / total_a) / (np.maximum(b, 0.5) / total_b))
    out = pd.DataFrame(
        {
            "term": terms,
            "freq_a": a.astype(int),
            "freq_b": b.astype(int),
            "per_10k_a": np.round(a / total_a * 10_000, 3),
            "per_10k_b": np.round(b / total_b * 10_000, 3),
            "g2": np.round(g2, 3),
            "p_value": chi2_sf(g2, 1),
            "log_ratio": np.round(lr, 3),
        }
    )
    out["overused_in"] = np.where(a / total_a >= b / total_b, "A", "B")
    return out.sort_values(["g2", "term"], ascending=[False, True]).reset_index(drop=True)[COLUMNS]


def sides(corpus, selection: Selection, *, split: str | None = None, speaker_b: str | None = None):
    """The two sides of a comparison and their labels: (turns_a, turns_b, label_a, label_b).

    With ``speaker_b``: the selection's speaker against ``speaker_b`` over the same dates and source.
    With ``split``: the selection before that date against the selection from that date on.
    """
    if speaker_b and split:
        raise ValueError("compare by a split date or with a second speaker, not both")
    a = corpus.select(selection)
    if speaker_b:
        b = corpus.select(selection.with_(speaker=speaker_b))
        return a.turns, b.turns, a.speaker, b.speaker
    if not split:
        raise ValueError("say what to compare: a split date or a second speaker")
    split = iso_date(split, "split")
    day_before = (dt.date.fromisoformat(split) - dt.timedelta(days=1)).isoformat()
    if (selection.start and selection.start > day_before) or (selection.end and selection.end < split):
        raise CorpusError(f"the split date {split} is outside the selection ({selection.describe()})")
    before = corpus.select(selection.with_(end=day_before))
    after = corpus.select(selection.with_(start=split))
    return before.turns, after.turns, f"before {split}", f"from {split}"


def compare(
    turns_a: pd.DataFrame,
    turns_b: pd.DataFrame,
    *,
    ngram: int = 1,
    min_freq: int = 5,
    top: int = 30,
    drop_stop_words: bool = True,
) -> dict[str, pd.DataFrame | int]:
    """The ``top`` terms over-used in A and in B (by G²), with the token totals."""
    if top < 1:
        raise ValueError("top must be at least 1")
    if turns_a.empty or turns_b.empty:
        raise ValueError("one side of the comparison has no words: check the dates or speakers")
    ca, na = term_counts(turns_a, ngram=ngram, drop_stop_words=drop_stop_words)
    cb, nb = term_counts(turns_b, ngram=ngram, drop_stop_words=drop_stop_words)
    table = keyness(ca, na, cb, nb, min_freq=min_freq)
    return {
        "a": table[table["overused_in"] == "A"].head(top).reset_index(drop=True),
        "b": table[table["overused_in"] == "B"].head(top).reset_index(drop=True),
        "tokens_a": na,
        "tokens_b": nb,
    }
