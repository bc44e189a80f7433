"""The statistics every measure uses, in one place: intervals for counts and shares, G², a count
table's rows pooled with their bunching in statements, and the one test of "clearly more" the
findings word (:func:`clearly_above`).

The exact intervals are found by bisection on the Poisson and binomial distribution functions
(the same bounds as ``scipy.stats.chi2.ppf`` and ``beta.ppf``, checked against them in the tests),
so that a count does not import SciPy (a fifth of a second, more than the count itself).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

PER = 10_000  # rates are per 10,000 of the speaker's own words
CONCENTRATED = 0.5  # more than this share of uses in one statement: "said in one statement"


def per_10k(count, words):
    """Uses per :data:`PER` of the speaker's words (numbers, arrays or Series): the one rate every table shows."""
    return count / words * PER


def poisson_interval(counts, level: float = 0.95):
    """Exact (Garwood) confidence interval for Poisson counts (arrays or Series in, the same out).

    The bounds are the means at which a Poisson count is at least (at most) the one seen with
    probability ``(1 - level) / 2``: ``chi2.ppf(q, 2k) / 2``, found by bisection on the exact
    Poisson distribution function (:func:`_poisson_mean`)."""
    alpha = 1 - level
    k = np.asarray(counts, dtype=np.int64)
    known: dict[int, tuple[float, float]] = {}
    for c in sorted(set(k.ravel().tolist())):
        bottom = _poisson_mean(c - 1, 1 - alpha / 2) if c > 0 else 0.0
        known[c] = (bottom, _poisson_mean(c, alpha / 2))
    low = np.array([known[c][0] for c in k.ravel().tolist()], dtype=float).reshape(k.shape)
    high = np.array([known[c][1] for c in k.ravel().tolist()], dtype=float).reshape(k.shape)
    return _like(counts, low), _like(counts, high)


def counts_apart(n1: int, n2: int) -> bool:
    """True when a count of ``n1`` is clearly above ``n2`` over the same words, its uses taken as
    independent (95% Poisson intervals apart)."""
    low, high = poisson_interval(np.array([n1, n2]))
    return bool(low[0] > high[1])


def bunching(count, words, statements, spread):
    """How much more a count's uses bunch in a few statements than chance would put them: the Pearson
    dispersion of the uses over the statements (McCullagh & Nelder 1989, §4.5: the quasi-Poisson
    dispersion), ``Σ (yᵢ − r·wᵢ)² / (r·wᵢ) / (k − 1)`` for ``k`` statements of ``wᵢ`` words and
    ``yᵢ`` uses, ``r = Σy / Σw``. About 1 when uses fall as independent draws over the words; 7 uses
    in one of 10 statements of the same length give 7. ``spread`` is ``Σ yᵢ² / wᵢ`` (it adds up over
    statements, so a pooled count's is the sum of its parts'), and the sum above is
    ``spread / r − Σy``. With one statement nothing can be told apart: all its uses are one bunch
    (the count itself). NaN without uses."""
    y, w = np.asarray(count, dtype=float), np.asarray(words, dtype=float)
    k, s = np.asarray(statements, dtype=float), np.asarray(spread, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = (s * w / y - y) / (k - 1)
        out = np.where(k > 1, np.maximum(pearson, 0.0), y)
    return _like(count, np.where(y > 0, out, np.nan))


def bunching_by(keys, docs, doc_words, n: int):
    """:func:`bunching` of the uses of each of ``n`` keys (a phrase, a term), one row per use (its key
    and its statement: a row of ``doc_words``, the words of each statement of the side)."""
    keys, docs = np.asarray(keys, dtype=np.int64), np.asarray(docs, dtype=np.int64)
    doc_words = np.asarray(doc_words, dtype=float)
    pair, uses = np.unique(keys * len(doc_words) + docs, return_counts=True)
    sums = np.bincount(pair // len(doc_words), weights=uses**2 / doc_words[pair % len(doc_words)], minlength=n)
    counts = np.bincount(keys, minlength=n)
    return bunching(counts, doc_words.sum(), int((doc_words > 0).sum()), sums)


def spread_of(count, words, statements, bunched):
    """The ``spread`` (``Σ yᵢ² / wᵢ``) behind a :func:`bunching`: so counts of several periods or
    speakers can be pooled (their spreads add up) and their bunching told again. 0 without uses."""
    y, w = np.asarray(count, dtype=float), np.asarray(words, dtype=float)
    k, b = np.asarray(statements, dtype=float), np.nan_to_num(np.asarray(bunched, dtype=float), nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(y > 0, y / w * (b * np.maximum(k - 1, 0) + y), 0.0)
    return _like(count, out)


def statement_interval(count, bunched, level: float = 0.95):
    """The exact Poisson interval of ``count`` (:func:`poisson_interval`) widened for uses that bunch in
    statements: its distances from the count on the log scale times ``√max(1, bunched)``, as
    quasi-Poisson standard errors are the Poisson ones times the dispersion's root (Wedderburn 1974).
    Uses spread as chance would spread them keep the exact interval; 12 uses in one statement are
    about as uncertain as one use. A zero count keeps its exact interval (nothing bunches)."""
    y = np.asarray(count, dtype=float)
    low, high = (np.asarray(b, dtype=float) for b in poisson_interval(np.asarray(count, dtype=np.int64), level))
    scale = np.sqrt(np.maximum(np.nan_to_num(np.asarray(bunched, dtype=float), nan=1.0), 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        wide_low = np.where(y > 0, y * np.exp(np.log(low / y) * scale), 0.0)
        wide_high = np.where(y > 0, y * np.exp(np.log(high / y) * scale), high)
    return _like(count, wide_low), _like(count, wide_high)


def widen(a, bunched_a, b, bunched_b):
    """By how much uses bunched in statements widen an interval of a log ratio of two counts ``a`` and
    ``b`` (and shrink its test statistic, squared): the quasi-Poisson standard error over the Poisson
    one, ``√((φa/a + φb/b) / (1/a + 1/b))``, each side's bunching ``φ`` taken as at least 1 (NaN: 1)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    phi_a, phi_b = (np.maximum(np.nan_to_num(np.asarray(x, dtype=float), nan=1.0), 1.0) for x in (bunched_a, bunched_b))
    return np.sqrt((phi_a / a + phi_b / b) / (1 / a + 1 / b))


def share_interval(x, n, level: float = 0.95):
    """Exact (Clopper-Pearson) interval of the share ``x / n`` (0 and 1 where undefined).

    The bounds are the shares at which ``x`` or more (``x`` or fewer) of ``n`` has probability
    ``(1 - level) / 2``: ``beta.ppf``, found by bisection on the exact binomial distribution."""
    alpha = 1 - level
    xs, ns = np.asarray(x, dtype=np.int64), np.asarray(n, dtype=np.int64)
    known: dict[tuple[int, int], tuple[float, float]] = {}
    for pair in set(zip(xs.ravel().tolist(), ns.ravel().tolist(), strict=True)):
        k, m = pair
        if m <= 0 or k < 0 or k > m:
            known[pair] = (0.0, 1.0)
            continue
        bottom = _binomial_share(k, m, 1 - alpha / 2, at_least=k) if k > 0 else 0.0
        top = _binomial_share(k, m, alpha / 2, at_least=None) if k < m else 1.0
        known[pair] = (bottom, top)
    pairs = list(zip(xs.ravel().tolist(), ns.ravel().tolist(), strict=True))
    low = np.array([known[p][0] for p in pairs], dtype=float).reshape(xs.shape)
    high = np.array([known[p][1] for p in pairs], dtype=float).reshape(xs.shape)
    return _like(x, low), _like(x, high)


_LOG_FACTORIALS = np.zeros(1)


def _log_factorial(n: int) -> np.ndarray:
    """``log(i!)`` for i = 0..n (a table grown as needed)."""
    global _LOG_FACTORIALS
    if len(_LOG_FACTORIALS) <= n:
        size = max(n + 1, 2 * len(_LOG_FACTORIALS))
        _LOG_FACTORIALS = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, size, dtype=float)))])
    return _LOG_FACTORIALS[: n + 1]


def _log_sum(terms: np.ndarray) -> float:
    top = float(terms.max())
    return top + math.log(float(np.exp(terms - top).sum()))


def _poisson_mean(k: int, target: float) -> float:
    """The mean ``x`` at which P(Poisson(x) <= k) equals ``target`` (the function falls as ``x`` grows)."""
    i = np.arange(k + 1, dtype=float)
    lf = _log_factorial(k)
    goal = math.log(target)

    def step(x: float) -> tuple[float, float]:  # log P(X <= k) - goal, and its slope: -pmf(k) / cdf
        log_cdf = _log_sum(-x + i * math.log(x) - lf)
        return log_cdf - goal, -math.exp(-x + k * math.log(x) - lf[k] - log_cdf)

    lo, hi = 0.0, k + 10 * math.sqrt(k + 1) + 10
    while step(hi)[0] > 0:
        lo, hi = hi, 2 * hi
    return _solve(step, lo, hi, max(k + 0.5, 0.5))


def _binomial_share(k: int, n: int, target: float, *, at_least: int | None) -> float:
    """The share ``p`` at which P(Binomial(n, p) >= at_least) equals 1 - ``target`` (lower bound), or at
    which P(Binomial(n, p) <= k) equals ``target`` (``at_least`` None, upper bound)."""
    lf = _log_factorial(n)
    j = np.arange(n + 1, dtype=float)
    log_choose = lf[n] - lf - lf[::-1]
    if at_least is not None:  # P(X >= k) = 1 - target  <=>  P(X <= k - 1) = target
        k = at_least - 1
    goal = math.log(target)
    js, lc = j[: k + 1], log_choose[: k + 1]
    log_pmf_edge = math.log(n) + lf[n - 1] - lf[k] - lf[n - 1 - k] if k < n else 0.0

    def step(p: float) -> tuple[float, float]:  # log P(X <= k) - goal, and its slope
        log_cdf = _log_sum(lc + js * math.log(p) + (n - js) * math.log1p(-p))
        slope = -math.exp(log_pmf_edge + k * math.log(p) + (n - 1 - k) * math.log1p(-p) - log_cdf)
        return log_cdf - goal, slope

    return _solve(step, 0.0, 1.0, min(max((k + 0.5) / n, 1e-9), 1 - 1e-9))


def _solve(step, lo: float, hi: float, x: float) -> float:
    """The root of a falling function between ``lo`` (above 0) and ``hi`` (below 0): Newton's steps from
    ``x``, kept inside the bracket (a bisection where a step would leave it), to the last bits."""
    for _ in range(200):
        if not lo < x < hi:
            x = (lo + hi) / 2
        value, slope = step(x)
        if value > 0:
            lo = x
        else:
            hi = x
        new = x - value / slope if slope < 0 else (lo + hi) / 2
        if abs(new - x) <= 1e-15 * max(abs(x), 1e-300) or hi - lo <= 4e-16 * hi:
            return new if lo <= new <= hi else x
        x = new
    return x


def _like(given, values: np.ndarray):
    """``values`` as a Series with ``given``'s index when ``given`` is one (pandas is not imported otherwise)."""
    if type(given).__name__ == "Series":
        return type(given)(values, index=given.index)
    return values


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (NaN when ``n`` is 0)."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def log_likelihood(a: np.ndarray, b: np.ndarray, total_a: int, total_b: int) -> np.ndarray:
    """Log-likelihood G² (Rayson & Garside 2000) of frequencies ``a`` of ``total_a`` against ``b`` of ``total_b``."""
    e_a = total_a * (a + b) / (total_a + total_b)
    e_b = total_b * (a + b) / (total_a + total_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 2 * (np.where(a > 0, a * np.log(a / e_a), 0) + np.where(b > 0, b * np.log(b / e_b), 0))


def chi2_sf(values: np.ndarray, df: int = 1) -> np.ndarray:
    """Upper tail of the χ² distribution with one degree of freedom (the p-value of a G² statistic):
    ``erfc(sqrt(x / 2))``."""
    if df != 1:
        raise ValueError("chi2_sf: only one degree of freedom is used")
    x = np.maximum(np.asarray(values, dtype=float), 0.0)
    return np.vectorize(math.erfc, otypes=[float])(np.sqrt(x / 2))


def log_ratio(a, total_a, b, total_b, bunched_a=np.nan, bunched_b=np.nan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log ratio (``log2`` of rate A over rate B) with its 95% interval: (value, low, high).

    A pseudo-count of one is split between the sides in proportion to their sizes (``a + Na/N``,
    ``b + Nb/N``): the ratio stays finite for a zero, and its sign is always that of the rate
    difference (the pseudo-counts add the same rate to both sides). The interval is widened by
    :func:`widen` for uses bunched in statements (``bunched_a``, ``bunched_b``: each side's
    :func:`bunching`; NaN, the default, as spread as chance).
    """
    a_, b_ = pseudo_counts(a, total_a, b, total_b)
    value = np.log2((a_ / total_a) / (b_ / total_b))
    half = 1.96 * np.sqrt(1 / a_ + 1 / b_) / np.log(2) * widen(a_, bunched_a, b_, bunched_b)
    return value, value - half, value + half


def pseudo_counts(a, total_a, b, total_b) -> tuple[np.ndarray, np.ndarray]:
    """``a + Na/N`` and ``b + Nb/N``: the counts :func:`log_ratio` works with."""
    total = total_a + total_b
    return np.asarray(a, dtype=float) + total_a / total, np.asarray(b, dtype=float) + total_b / total


def pooled(counts: pd.DataFrame, by: Sequence[str] = ("phrase",)) -> pd.DataFrame:
    """Rows of a count table summed over their periods (and speakers), per ``by``: uses, words,
    statements, and the interval of the pooled count (``low``, ``high``, in uses) with its bunching
    in statements, pooled from the rows' own (``spread``: :func:`spread_of`,
    which adds up again when pooled rows are pooled)."""
    keys = list(by)
    spread = spread_of(counts["count"], counts["speaker_words"], counts["documents"], counts["bunching"])
    out = (
        counts.assign(_spread=spread)
        .groupby(keys, sort=False)
        .agg(
            count=("count", "sum"),
            speaker_words=("speaker_words", "sum"),
            documents=("documents", "sum"),
            spread=("_spread", "sum"),
        )
    )
    out["bunching"] = bunching(out["count"], out["speaker_words"], out["documents"], out["spread"])
    out["low"], out["high"] = statement_interval(out["count"], out["bunching"])
    return out


def clearly_above(counts: pd.DataFrame, first: str, second: str) -> bool:
    """True when phrase ``first`` is clearly above ``second`` in the same words: their pooled counts'
    intervals (allowing for uses bunched in statements, :func:`pooled`) apart; a table without
    statements (no ``bunching``) takes the uses as independent."""
    if "bunching" not in counts.columns:
        return counts_apart(
            int(counts.loc[counts["phrase"] == first, "count"].sum()),
            int(counts.loc[counts["phrase"] == second, "count"].sum()),
        )
    both = pooled(counts[counts["phrase"].isin([first, second])])
    return bool(both.loc[first, "low"] > both.loc[second, "high"])
