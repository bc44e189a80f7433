"""Several leaders on one time axis: the same phrases counted in each one's own words.

A *side* is what a comparison names: one speaker ("Vladimir Putin") or a group of
``config/speakers.yaml`` ("US presidents"), whose members are pooled into the side's totals and
kept apart, one line each, in the counts per period. Every count comes from
:func:`analysis.measures.count.count_phrases` over each member's own words, so each rate has its
speaker's own denominator and every number can be expanded to its quotes with
:func:`analysis.measures.count.evidence`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.corpus import Corpus
from analysis.errors import CorpusError
from analysis.measures.count import count_table
from analysis.measures.lexicon import Lexicon
from analysis.measures.stats import bunching, per_10k, pooled, share_interval, widen
from analysis.selection import Selection

FEW_WORDS = 50_000  # a side with fewer of its own words than this is compared with a warning

TOTAL_COLUMNS = [
    "side",
    "members",
    "phrase",
    "count",
    "side_words",
    "statements",
    "statements_with_use",
    "per_10k",
    "per_10k_low",
    "per_10k_high",
    "bunching",
    "ratio_to_others",
    "ratio_low",
    "ratio_high",
    "clearly",
    "few_words",
    "top_statement",
    "top_statement_date",
    "top_statement_title",
    "top_statement_uses",
    "top_statement_share",
    "periods",
]


def sides_of(
    corpus: Corpus, names: Sequence[str], base: Selection, sources: Sequence[str] = ()
) -> dict[str, list[Selection]]:
    """Each side's member selections: a group's members who have words in ``base``'s dates and source,
    or the one speaker. ``sources``, one per name (empty: ``base``'s), restricts a side to a source."""
    if sources and len(sources) != len(names):
        raise ValueError(f"give one source per side ({len(names)}), or none; got {len(sources)}")
    out: dict[str, list[Selection]] = {}
    for i, name in enumerate(names):
        mine = base.with_(source=sources[i]) if sources and sources[i] else base
        corpus.check_source(mine.source)
        words = _words_by_member(corpus, [name], mine)
        members = corpus.expand_speakers([name])
        selections = [mine.with_(speaker=m) for m in members]
        if corpus.registry.group(name) is not None:
            selections = [s for s in selections if words.get(s.speaker, 0)]
        label = name if corpus.registry.group(name) is not None else members[0]
        if not selections or not any(words.get(s.speaker, 0) for s in selections):
            raise ValueError(f"{name!r} has no words in {mine.with_(speaker=name).describe()}")
        out[label] = selections
    if len(out) < 2:
        raise ValueError(f"a comparison needs two sides or more; got {', '.join(out) or 'none'}")
    return out


def _words_by_member(corpus: Corpus, names: Sequence[str], base: Selection) -> dict[str, int]:
    """The words of every speaker the sides name (groups expanded) in ``base``'s dates and source, in one pass."""
    from analysis.measures.search import search

    members = [m for name in names for m in corpus.expand_speakers([name])]
    found = search(corpus.index, corpus.scope(base, speakers=members), None)
    totals = np.bincount(found.par_speaker, weights=found.par_words, minlength=len(found.speakers))
    return {name: int(n) for name, n in zip(found.speakers, totals, strict=False)}


def counts_by_speaker(
    corpus: Corpus, sides: dict[str, list[Selection]], phrases: Sequence[str], *, lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """One row per side, speaker, period and phrase (the count table of each member, with its side): a
    side's members counted in one pass over the index."""
    tables = []
    for side, selections in sides.items():
        t = count_table(corpus, selections, phrases, lexicon=lexicon).to_pandas()
        t.insert(0, "side", side)
        tables.append(t)
    return pd.concat(tables, ignore_index=True)


def common_periods(counts: pd.DataFrame, *, min_words: int) -> list[str]:
    """The periods in which every side has at least ``min_words`` of its own words: the years a
    comparison of totals is fair over (a side's years without words would weigh on one side only).
    :class:`~analysis.errors.CorpusError` naming each side's years when there is none."""
    words = counts.drop_duplicates(["side", "speaker", "period"]).groupby(["period", "side"])["speaker_words"].sum()
    table = words.unstack("side").reindex(columns=list(dict.fromkeys(counts["side"]))).fillna(0)
    common = [str(p) for p, row in table.iterrows() if (row >= min_words).all()]
    if not common and len(table):
        each = "; ".join(
            f"{side}: {spans(sorted(str(p) for p in table.index[table[side] >= min_words])) or 'none'}"
            for side in table.columns
        )
        raise CorpusError(
            f"no period in which every side has {min_words:,} words or more, so nothing to compare ({each}): "
            "choose sides whose years overlap, or widen the dates"
        )
    return common


def totals(counts: pd.DataFrame, *, periods: Sequence[str] | None = None) -> pd.DataFrame:
    """Per side and phrase, summed from :func:`counts_by_speaker` over ``periods`` (all when None):
    uses, the side's words and statements, the rate with its 95% interval and the bunching of its uses
    in statements (pooled from the counts' own), and the rate ratio to the other sides pooled with its
    interval (:func:`rate_ratio`: exact, widened for bunched uses); ``clearly`` is ``more``, ``less``
    or ``no clear difference`` by that interval; ``periods`` names the periods summed."""
    if periods is not None:
        counts = counts[counts["period"].astype(str).isin(set(periods))]
    if counts.empty:
        raise CorpusError("no period in which every side has words: nothing to compare")
    members = counts.groupby("side", sort=False)["speaker"].nunique()
    sums = pooled(counts, by=["side", "phrase"])
    out = counts.groupby(["side", "phrase"], sort=False).agg(statements_with_use=("documents_with_match", "sum"))
    out = out.join(sums).reset_index()
    top = counts.sort_values(["top_statement_uses", "top_statement_date"], ascending=[False, True], kind="stable")
    top = top.groupby(["side", "phrase"], sort=False).head(1)[
        ["side", "phrase", "top_statement", "top_statement_date", "top_statement_title", "top_statement_uses"]
    ]
    out = out.merge(top, on=["side", "phrase"], how="left")
    out["members"] = out["side"].map(members).astype(int)
    out = out.rename(columns={"speaker_words": "side_words", "documents": "statements"})
    w = out["side_words"].astype(float)
    out["per_10k"] = per_10k(out["count"], w).round(3)
    out["per_10k_low"] = per_10k(out["low"], w).round(3)
    out["per_10k_high"] = per_10k(out["high"], w).round(3)
    bunched = out["bunching"].to_numpy()
    out["bunching"] = out["bunching"].round(4)
    ratio, r_low, r_high = [], [], []
    for row in out.itertuples():
        others = out[(out["phrase"] == row.phrase) & (out["side"] != row.side)]
        b, words_b = int(others["count"].sum()), int(others["side_words"].sum())
        b_bunched = bunching(b, words_b, int(others["statements"].sum()), float(others["spread"].sum()))
        value, lo, hi = rate_ratio(row.count, row.side_words, b, words_b, bunched=(bunched[row.Index], b_bunched))
        ratio.append(value)
        r_low.append(lo)
        r_high.append(hi)
    out["ratio_to_others"] = np.round(ratio, 3)
    out["ratio_low"] = np.round(r_low, 3)
    out["ratio_high"] = np.round(r_high, 3)
    out["clearly"] = [
        "more" if lo > 1 else "less" if hi < 1 else "no clear difference" for lo, hi in zip(r_low, r_high, strict=True)
    ]
    out["few_words"] = out["side_words"] < FEW_WORDS
    out["top_statement_uses"] = out["top_statement_uses"].fillna(0).astype(int)
    out["top_statement_share"] = (out["top_statement_uses"] / out["count"].where(out["count"] > 0)).round(3).fillna(0.0)
    for col in ("top_statement", "top_statement_date", "top_statement_title"):
        out[col] = out[col].fillna("").where(out["count"] > 0, "")
    out["periods"] = spans(sorted(set(counts["period"].astype(str))))
    return out[TOTAL_COLUMNS]


def spans(periods: list[str]) -> str:
    """ "2012–2013, 2016–2020" for consecutive years; the periods themselves otherwise."""
    if not periods or not all(p.isdigit() for p in periods):
        return ", ".join(periods)
    years = sorted(int(p) for p in periods)
    runs: list[list[int]] = [[years[0], years[0]]]
    for y in years[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def rate_ratio(
    a: int, words_a: int, b: int, words_b: int, *, bunched: tuple[float, float] = (1.0, 1.0)
) -> tuple[float, float, float]:
    """Rate ratio (a / words_a) / (b / words_b) with its 95% interval: given the a + b uses, a is
    binomial with share words_a·r / (words_a·r + words_b), so the Clopper-Pearson interval of that
    share gives the ratio's exact interval; it is then widened for uses bunched in statements
    (``bunched``: each side's :func:`~analysis.measures.stats.bunching`, taken as at least 1), its
    log-scale distances times ``√((φa/a + φb/b) / (1/a + 1/b))``, the quasi-Poisson standard error of
    a log rate ratio over the Poisson one. Where a side has no uses the finite bound moves by the
    other side's dispersion (its uses count as that many times fewer). Infinite or zero where a side
    has no uses; NaN when neither has."""
    if a + b == 0 or not words_a or not words_b:
        return (float("nan"), float("nan"), float("nan"))
    lo, hi = share_interval(pd.Series([a]), pd.Series([a + b]))
    scale = words_b / words_a

    def odds(p: float) -> float:
        return float("inf") if p >= 1 else p / (1 - p) * scale

    value, low, high = odds(a / (a + b)), odds(float(lo.iloc[0])), odds(float(hi.iloc[0]))
    phi_a, phi_b = (max(1.0, float(x)) if x == x else 1.0 for x in bunched)  # NaN (no uses): 1
    if a and b:
        f = float(widen(a, phi_a, b, phi_b))
        low, high = value * (low / value) ** f, value * (high / value) ** f
    elif b:  # a has none: the upper bound rests on b's uses
        high *= phi_b
    else:
        low /= phi_a
    return (value, low, high)


def coverage(counts: pd.DataFrame, *, min_words: int) -> pd.DataFrame:
    """Per side, speaker and period: the speaker's words and statements, and whether they are too few
    (under ``min_words``) for a rate to be drawn."""
    cov = counts.drop_duplicates(["side", "speaker", "period"])[
        ["side", "speaker", "period", "documents", "speaker_words"]
    ]
    cov = cov.assign(too_few=cov["speaker_words"] < min_words)
    order = {s: i for i, s in enumerate(dict.fromkeys(counts["side"]))}  # the sides in the order asked
    cov = cov.assign(_o=cov["side"].map(order)).sort_values(["_o", "period", "speaker"], kind="stable")
    return cov.drop(columns="_o").reset_index(drop=True)
