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
* spread (dispersion, :mod:`analysis.measures.terms`): the statements and calendar years a term
  occurs in on its over-used side, and the share of those uses in the one statement with most of
  them; a term with more than half its uses in one statement is ``concentrated``;
* formulas: the share of a term's uses inside a formula of ``config/lexicons/stop-phrases.yaml``
  ("like" in "would like to", "of course"): a translation's or a chair's formula is not a style;
* a term ``passes`` when its p-value, multiplied by the number of terms tested (Bonferroni), is
  below 0.05, its log-ratio interval is clear of 0, it occurs in at least 3 statements and in 2
  calendar years (where its side has words in 2), it is not concentrated, fewer than half its uses
  are in formulas, and the other side uses it too. Findings name only terms that pass, as style; a
  term that would pass but the other side never uses is a ``new_subject`` ("coronavirus"), named
  apart as a subject.

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
from analysis.measures.ngrams import Vocabulary
from analysis.measures.stats import CONCENTRATED, chi2_sf, log_likelihood, log_ratio, per_10k, pseudo_counts, widen
from analysis.measures.terms import Terms, in_formulas, side_terms, spread_of, table_terms
from analysis.params import TopParams, like, param
from analysis.selection import Scope, Selection, SelectionParams, iso_date

COLUMNS = [
    "term", "freq_a", "freq_b", "per_10k_a", "per_10k_b", "g2", "p_value", "p_adjusted", "log_ratio",
    "log_ratio_low", "log_ratio_high", "bunching_a", "bunching_b", "overused_in", "statements", "years",
    "top_statement_share",
    "concentrated", "in_formulas", "new_subject", "passes", "reason",
]  # fmt: skip
ALPHA = 0.05
MIN_STATEMENTS = 3
MIN_YEARS = 2  # a term of one calendar year (where its side has words in several) is that year's story
FORMULAIC = 0.5  # a term with at least this share of its uses inside a formula of the stop-phrase list is set aside


def keyness(
    counts_a: Counter,
    total_a: int,
    counts_b: Counter,
    total_b: int,
    *,
    min_freq: int = 5,
    docs_a: dict | None = None,
    docs_b: dict | None = None,
    formulas_a: Counter | None = None,
    formulas_b: Counter | None = None,
    years_a: int = 0,
    years_b: int = 0,
) -> pd.DataFrame:
    """G², log ratio with its interval, spread, bunching and the threshold of every term; strongest first
    (by G² over the bunching factor squared: the statistic the p-value comes from).

    A term passes (is named in findings) when its corrected p-value is under :data:`ALPHA`, its log-ratio
    interval (widened for bunching) is clear of 0 on its side, it occurs in :data:`MIN_STATEMENTS`
    statements with no statement holding most of its uses, in :data:`MIN_YEARS` calendar years when its
    side has words in that many (``years_a``/``years_b``; a term of one year is that year's story), and
    fewer than :data:`FORMULAIC` of its uses
    on its side are inside a formula (``formulas_a``/``formulas_b``: each term's uses inside the stop-phrase
    list's formulas, "like" in "would like to"). A term that would pass but never occurs on the other
    side is a ``new_subject``: a subject of one side, not a change of style."""
    if total_a <= 0 or total_b <= 0:
        raise ValueError("both sides of a comparison need words")
    terms = sorted(t for t in set(counts_a) | set(counts_b) if counts_a[t] + counts_b[t] >= min_freq)
    if not terms:
        return pd.DataFrame(columns=COLUMNS)
    a = np.array([counts_a[t] for t in terms], dtype=float)
    b = np.array([counts_b[t] for t in terms], dtype=float)
    phi_a = np.array([spread_of(t, docs_a).bunching for t in terms], dtype=float)
    phi_b = np.array([spread_of(t, docs_b).bunching for t in terms], dtype=float)
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
            "per_10k_a": np.round(per_10k(a, total_a), 3),
            "per_10k_b": np.round(per_10k(b, total_b), 3),
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
        spread_of(t, docs_a if o == "A" else docs_b if o == "B" else None)
        for t, o in zip(terms, out["overused_in"], strict=True)
    ]
    out["statements"] = [s.statements for s in spread]
    out["years"] = [s.years for s in spread]
    out["top_statement_share"] = [s.top_share for s in spread]
    out["concentrated"] = out["top_statement_share"] > CONCENTRATED
    own = np.where(out["overused_in"] == "A", a, b)
    inside = np.array(
        [
            (formulas_a or {}).get(t, 0) if o == "A" else (formulas_b or {}).get(t, 0)
            for t, o in zip(terms, out["overused_in"], strict=True)
        ],
        dtype=float,
    )
    out["in_formulas"] = np.round(np.minimum(1.0, inside / np.where(own > 0, own, 1)), 3)
    clear = np.where(out["overused_in"] == "A", lr_low > 0, lr_high < 0)
    other = np.where(out["overused_in"] == "A", b, a)
    significant, formulaic = out["p_adjusted"] < ALPHA, out["in_formulas"] >= FORMULAIC
    concentrated, few = out["concentrated"], out["statements"] < MIN_STATEMENTS
    if docs_a is None and docs_b is None:  # no spread known: the threshold is the p-value alone
        concentrated = few = pd.Series(False, index=out.index)
    strong = significant & ~formulaic & ~concentrated & ~few
    # a subject of one side (the other never uses it) is named apart, whatever years it spans
    out["new_subject"] = strong & (other == 0)
    side_years = np.where(out["overused_in"] == "A", years_a, years_b)
    one_year = out["years"] < np.minimum(MIN_YEARS, side_years)
    out["passes"] = strong & clear & (other > 0) & ~one_year
    out["reason"] = np.select(  # why a term is not named as style: the first test it fails
        [out["passes"], out["new_subject"], ~significant, formulaic, concentrated, few, ~clear, one_year],
        ["", "new subject", "not significant", "mostly in formulas", "mostly in one statement",
         f"in fewer than {MIN_STATEMENTS} statements", "interval includes 0", "in one year only"],
        default="",
    )  # fmt: skip
    # strongest first by the test a bunched term is held to (G² over the bunching factor squared)
    out["_strength"] = g2 / factor**2
    return out.sort_values(["_strength", "term"], ascending=[False, True]).reset_index(drop=True)[COLUMNS]


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
    # formulas only matter for the terms reported (the order does not depend on them): looked for only there
    first = _compared((a, a.words, Counter()), (b, b.words, Counter()), min_freq=min_freq, top=top)
    shown = set(first["a"]["term"]) | set(first["b"]["term"])
    fa, fb = (in_formulas(index, s, ngram, shown) for s in (scope_a, scope_b))
    return _compared((a, a.words, fa), (b, b.words, fb), min_freq=min_freq, top=top)


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
    from analysis.index import CorpusIndex

    ta, na = table_terms(turns_a, ngram=ngram, drop_stop_words=drop_stop_words)
    tb, nb = table_terms(turns_b, ngram=ngram, drop_stop_words=drop_stop_words)
    fa, fb = (
        in_formulas(
            CorpusIndex.in_memory({"side": t[[c for c in ("text", "doc_id") if c in t]]}), Scope.of(["side"]), ngram
        )
        for t in (turns_a, turns_b)
    )
    return _compared((ta, na, fa), (tb, nb, fb), min_freq=min_freq, top=top)


def _compared(a: tuple[Terms, int, Counter], b: tuple[Terms, int, Counter], *, min_freq: int, top: int) -> dict:
    """:func:`keyness` of two sides, each (its terms, its words, its terms' uses inside formulas): the
    ``top`` terms over-used in A and in B, the words of each side and the terms tested."""
    (ta, na, fa), (tb, nb, fb) = a, b
    table = keyness(
        ta.counts,
        na,
        tb.counts,
        nb,
        min_freq=min_freq,
        docs_a=ta.spread,
        docs_b=tb.spread,
        formulas_a=fa,
        formulas_b=fb,
        years_a=ta.years,
        years_b=tb.years,
    )
    return {
        "a": table[table["overused_in"] == "A"].head(top).reset_index(drop=True),
        "b": table[table["overused_in"] == "B"].head(top).reset_index(drop=True),
        "tokens_a": na,
        "tokens_b": nb,
        "tested": len(table),
    }
