"""Keyness: which words or phrases one body of text (a period, a speaker) over-uses against another.

For each term with frequencies ``a`` in corpus A (``Na`` tokens) and ``b`` in corpus B (``Nb``):

* log-likelihood G² (Rayson & Garside 2000): ``2 Σ O ln(O/E)`` over the two cells, with
  ``E_A = Na (a+b) / (Na+Nb)``; G² > 3.84 is p < 0.05, > 10.83 is p < 0.001 (1 d.f.);
* effect size: log ratio (Hardie 2014), ``log2((a/Na) / (b/Nb))`` (+1: twice as frequent in A), with
  a pseudo-count split between the sides in proportion to their sizes (``a + Na/N``, ``b + Nb/N``),
  which keeps it finite for a zero and never flips its sign: the log ratio, the two rates and
  ``overused_in`` always agree. Its 95% interval is ``± 1.96 √(1/a' + 1/b') / ln 2``;
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

import numpy as np
import pandas as pd

from analysis.errors import CorpusError
from analysis.measures.catchphrases import STOP_WORDS
from analysis.measures.stats import chi2_sf, log_likelihood, log_ratio
from analysis.selection import Selection, iso_date
from analysis.text import chunks, spoken

COLUMNS = [
    "term", "freq_a", "freq_b", "per_10k_a", "per_10k_b", "g2", "p_value", "p_adjusted", "log_ratio",
    "log_ratio_low", "log_ratio_high", "overused_in", "statements", "top_statement_share", "concentrated", "passes",
]  # fmt: skip
ALPHA = 0.05
MIN_STATEMENTS = 3
CONCENTRATED = 0.5


def term_counts(turns: pd.DataFrame, *, ngram: int = 1, drop_stop_words: bool = True, by_doc: bool = False) -> tuple:
    """Term frequencies of the spoken text of ``turns`` and its number of tokens (words).

    With ``by_doc=True`` also each term's uses per statement (``{term: Counter(doc_id: uses)}``).
    """
    if ngram not in (1, 2, 3):
        raise ValueError(f"ngram must be 1, 2 or 3; got {ngram}")
    counts: Counter = Counter()
    docs: dict[str, Counter] = {}
    tokens = 0
    doc_ids = turns["doc_id"] if "doc_id" in turns.columns else [""] * len(turns)
    for doc_id, text in zip(doc_ids, turns["text"], strict=True):
        for toks in chunks(spoken(text)):
            tokens += len(toks)
            for i in range(len(toks) - ngram + 1):
                gram = toks[i : i + ngram]
                if drop_stop_words and all(t in STOP_WORDS for t in gram):
                    continue
                if any(t.isdigit() for t in gram):
                    continue
                term = " ".join(gram)
                counts[term] += 1
                if by_doc:
                    docs.setdefault(term, Counter())[doc_id] += 1
    return (counts, tokens, docs) if by_doc else (counts, tokens)


def keyness(
    counts_a: Counter,
    total_a: int,
    counts_b: Counter,
    total_b: int,
    *,
    min_freq: int = 5,
    docs_a: dict[str, Counter] | None = None,
    docs_b: dict[str, Counter] | None = None,
) -> pd.DataFrame:
    """G², log ratio with its interval, spread and the threshold of every term; strongest G² first."""
    if total_a <= 0 or total_b <= 0:
        raise ValueError("both sides of a comparison need words")
    terms = sorted(t for t in set(counts_a) | set(counts_b) if counts_a[t] + counts_b[t] >= min_freq)
    if not terms:
        return pd.DataFrame(columns=COLUMNS)
    a = np.array([counts_a[t] for t in terms], dtype=float)
    b = np.array([counts_b[t] for t in terms], dtype=float)
    g2 = log_likelihood(a, b, total_a, total_b)
    lr, lr_low, lr_high = log_ratio(a, total_a, b, total_b)
    p_value = chi2_sf(g2, 1)
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
            "overused_in": np.where(side > 0, "A", np.where(side < 0, "B", "=")),
        }
    )
    spread = [_spread(t, o, docs_a, docs_b) for t, o in zip(terms, out["overused_in"], strict=True)]
    out["statements"] = [n for n, _ in spread]
    out["top_statement_share"] = [share for _, share in spread]
    out["concentrated"] = out["top_statement_share"] > CONCENTRATED
    out["passes"] = (out["p_adjusted"] < ALPHA) & (out["statements"] >= MIN_STATEMENTS) & ~out["concentrated"]
    if docs_a is None and docs_b is None:  # no spread known: the threshold is the p-value alone
        out["passes"] = out["p_adjusted"] < ALPHA
    return out.sort_values(["g2", "term"], ascending=[False, True]).reset_index(drop=True)[COLUMNS]


def _spread(term: str, side: str, docs_a, docs_b) -> tuple[int, float]:
    """Statements with the term on its over-used side, and the share of its uses in the top one."""
    docs = (docs_a if side == "A" else docs_b if side == "B" else None) or {}
    uses = docs.get(term)
    if not uses:
        return 0, 0.0
    return len(uses), round(max(uses.values()) / sum(uses.values()), 3)


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
    """The ``top`` terms over-used in A and in B (by G²), with the token totals and terms tested."""
    if top < 1:
        raise ValueError("top must be at least 1")
    if turns_a.empty or turns_b.empty:
        raise ValueError("one side of the comparison has no words: check the dates or speakers")
    ca, na, da = term_counts(turns_a, ngram=ngram, drop_stop_words=drop_stop_words, by_doc=True)
    cb, nb, db = term_counts(turns_b, ngram=ngram, drop_stop_words=drop_stop_words, by_doc=True)
    table = keyness(ca, na, cb, nb, min_freq=min_freq, docs_a=da, docs_b=db)
    return {
        "a": table[table["overused_in"] == "A"].head(top).reset_index(drop=True),
        "b": table[table["overused_in"] == "B"].head(top).reset_index(drop=True),
        "tokens_a": na,
        "tokens_b": nb,
        "tested": len(table),
    }
