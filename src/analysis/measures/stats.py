"""The statistics every measure uses, in one place: intervals for counts and shares, G².

The intervals use ``scipy.special`` (the inverse incomplete gamma and beta functions behind
``scipy.stats.chi2.ppf`` and ``beta.ppf``, with identical results): importing ``scipy.stats``
costs most of a second, ``scipy.special`` a tenth of that, and it is imported only when an
interval is computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def poisson_interval(counts, level: float = 0.95):
    """Exact (Garwood) confidence interval for Poisson counts (arrays or Series in, the same out)."""
    from scipy.special import gammaincinv  # chi2.ppf(q, 2k) / 2 == gammaincinv(k, q)

    alpha = 1 - level
    k = np.asarray(counts, dtype=float)
    low = np.where(k > 0, gammaincinv(np.maximum(k, 1), alpha / 2), 0.0)
    high = gammaincinv(k + 1, 1 - alpha / 2)
    if isinstance(counts, pd.Series):
        return pd.Series(low, index=counts.index), pd.Series(high, index=counts.index)
    return low, high


def share_interval(x, n, level: float = 0.95):
    """Exact (Clopper-Pearson) interval of the share ``x / n`` (0 and 1 where undefined)."""
    from scipy.special import betaincinv  # beta.ppf(q, a, b) == betaincinv(a, b, q)

    alpha = 1 - level
    xs, ns = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(xs > 0, betaincinv(np.maximum(xs, 1), ns - xs + 1, alpha / 2), 0.0)
        high = np.where(ns - xs > 0, betaincinv(xs + 1, np.maximum(ns - xs, 1), 1 - alpha / 2), 1.0)
    low, high = np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)
    if isinstance(x, pd.Series):
        return pd.Series(low, index=x.index), pd.Series(high, index=x.index)
    return low, high


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
    """Upper tail of the χ² distribution (the p-value of a G² or χ² statistic)."""
    from scipy.special import gammaincc  # chi2.sf(x, df) == gammaincc(df / 2, x / 2)

    return gammaincc(df / 2, np.asarray(values, dtype=float) / 2)


def log_ratio(a, total_a, b, total_b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log ratio (``log2`` of rate A over rate B) with its 95% interval: (value, low, high).

    A pseudo-count of one is split between the sides in proportion to their sizes (``a + Na/N``,
    ``b + Nb/N``): the ratio stays finite for a zero, and its sign is always that of the rate
    difference (the pseudo-counts add the same rate to both sides).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    total = total_a + total_b
    a_, b_ = a + total_a / total, b + total_b / total
    value = np.log2((a_ / total_a) / (b_ / total_b))
    half = 1.96 * np.sqrt(1 / a_ + 1 / b_) / np.log(2)
    return value, value - half, value + half
