"""Phrase counts by period, and the evidence rows behind them, from one code path.

:func:`evidence` returns every match (one row per use, with date, title, source URL and context);
:func:`count_phrases` aggregates exactly those rows. A count can therefore always be expanded to
its quotes, and the two can never disagree.

Rates are per 10,000 of the speaker's own words in the period, shown beside the raw count, the
number of the speaker's statements in the period and an exact (Garwood) 95% Poisson interval;
counts under :data:`LOW_COUNT` are flagged.
"""
from __future__ import annotations

import datetime as dt
from typing import Sequence

import pandas as pd
from scipy.stats import chi2

from .corpus import Corpus
from .match import find_matches, unique

PERIODS = ("year", "month", "document")
LOW_COUNT = 5
PER = 10_000

COUNT_COLUMNS = [
    "period", "phrase", "count", "documents", "speaker_words", "per_10k",
    "per_10k_low", "per_10k_high", "documents_with_match", "low_count",
]


def period_of(dates: pd.Series, doc_ids: pd.Series, by: str) -> pd.Series:
    """The period label of each row: ``2017``, ``2017-03`` or the document id."""
    if by == "year":
        return dates.dt.strftime("%Y")
    if by == "month":
        return dates.dt.strftime("%Y-%m")
    if by == "document":
        return dates.dt.strftime("%Y-%m-%d") + " " + doc_ids
    raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {by!r}")


def evidence(corpus: Corpus, *, speaker: str, phrases: Sequence[str],
             start: str | dt.date | None = None, end: str | dt.date | None = None,
             source: str | None = None) -> pd.DataFrame:
    """Every match of ``phrases`` in the speaker's own words, oldest first."""
    turns = corpus.speaker_turns(speaker, start=start, end=end, source=source)
    ev = find_matches(turns, unique(phrases))
    return ev.sort_values(["date", "doc_id", "para_no", "char_start", "phrase"], kind="stable").reset_index(drop=True)


def count_phrases(corpus: Corpus, *, speaker: str, phrases: Sequence[str], by: str = "year",
                  start: str | dt.date | None = None, end: str | dt.date | None = None,
                  source: str | None = None) -> pd.DataFrame:
    """One row per period and phrase: count, statements, speaker's words, rate per 10,000 words.

    Every period in which the speaker has words appears, with zero counts where a phrase is absent.
    """
    if by not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {by!r}")
    phrases = unique(phrases)
    turns = corpus.speaker_turns(speaker, start=start, end=end, source=source)
    ev = find_matches(turns, phrases)
    return aggregate(turns, ev, phrases, by=by)


def aggregate(turns: pd.DataFrame, ev: pd.DataFrame, phrases: Sequence[str], *, by: str) -> pd.DataFrame:
    """Aggregate evidence rows into counts per period (the denominators come from ``turns``)."""
    turns = turns.assign(period=period_of(turns["date"], turns["doc_id"], by))
    base = turns.groupby("period").agg(documents=("doc_id", "nunique"), speaker_words=("n_words", "sum"))
    grid = pd.MultiIndex.from_product([base.index, list(phrases)], names=["period", "phrase"])
    if len(ev):
        ev = ev.assign(period=period_of(ev["date"], ev["doc_id"], by))
        hits = ev.groupby(["period", "phrase"]).agg(count=("doc_id", "size"),
                                                     documents_with_match=("doc_id", "nunique"))
    else:
        hits = pd.DataFrame(columns=["count", "documents_with_match"],
                            index=pd.MultiIndex.from_tuples([], names=["period", "phrase"]))
    out = hits.reindex(grid, fill_value=0).reset_index()
    out = out.merge(base.reset_index(), on="period", how="left")
    out["count"] = out["count"].astype(int)
    out["documents_with_match"] = out["documents_with_match"].astype(int)
    low, high = poisson_interval(out["count"])
    words = out["speaker_words"].where(out["speaker_words"] > 0)
    out["per_10k"] = (out["count"] / words * PER).round(3)
    out["per_10k_low"] = (low / words * PER).round(3)
    out["per_10k_high"] = (high / words * PER).round(3)
    out["low_count"] = out["count"] < LOW_COUNT
    order = {p: i for i, p in enumerate(phrases)}
    out = out.sort_values(["period", "phrase"], key=lambda s: s.map(order) if s.name == "phrase" else s)
    return out[COUNT_COLUMNS].reset_index(drop=True)


def poisson_interval(counts: pd.Series, level: float = 0.95) -> tuple[pd.Series, pd.Series]:
    """Exact (Garwood) confidence interval for Poisson counts."""
    alpha = 1 - level
    k = counts.astype(float)
    low = pd.Series(chi2.ppf(alpha / 2, 2 * k) / 2, index=counts.index).fillna(0.0)
    high = pd.Series(chi2.ppf(1 - alpha / 2, 2 * (k + 1)) / 2, index=counts.index)
    return low, high


def words_by_period(corpus: Corpus, *, speaker: str, by: str = "year",
                    start: str | dt.date | None = None, end: str | dt.date | None = None,
                    source: str | None = None) -> pd.DataFrame:
    """The speaker's statements and words per period: the corpus at a glance."""
    turns = corpus.speaker_turns(speaker, start=start, end=end, source=source)
    turns = turns.assign(period=period_of(turns["date"], turns["doc_id"], by))
    return (
        turns.groupby("period")
        .agg(documents=("doc_id", "nunique"), speaker_words=("n_words", "sum"))
        .reset_index()
    )
