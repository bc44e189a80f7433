"""The phrase-rate chart: small multiples of one rate per period, with intervals and raw counts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.measures.coverage import MIN_PERIOD_WORDS, MIN_STATEMENT_WORDS
from analysis.publish.charts.figures import fs, layout, wrap
from analysis.publish.charts.style import PALETTE, evidence_links, link_bars
from analysis.publish.charts.timeaxis import time_axis, time_positions


def phrase_rate_chart(
    counts: pd.DataFrame,
    *,
    title: str,
    source: str,
    per: str = "words",
    smoothed: str | None = None,
    min_words: int | None = None,
):
    """Small multiples, one panel per phrase, on one shared scale: the chosen rate per period as bars
    on a real time axis (a gap in the data is a gap on the axis), its 95% interval as whiskers and the
    raw count written above; an optional smoothed line.

    ``per`` is a key of :data:`analysis.measures.count.DENOMINATORS`: ``words`` (per 10,000 of the
    speaker's words), ``statements`` (share of statements with a use) or ``raw`` (counts). A rate
    resting on fewer than ``min_words`` of the speaker's words (default :data:`MIN_PERIOD_WORDS`,
    :data:`MIN_STATEMENT_WORDS` per document) is not drawn: the period is marked "too few words"
    (a single short statement is better charted as raw counts)."""
    from analysis.measures.count import DENOMINATORS

    value, low, high, ylabel = DENOMINATORS[per]
    phrases = list(dict.fromkeys(counts["phrase"]))
    named = dict(zip(counts["phrase"], counts["label"], strict=True)) if "label" in counts.columns else {}
    periods = list(dict.fromkeys(counts["period"]))
    positions, width, is_time = time_positions(periods)
    labels = [str(p) for p in periods]
    per_document = is_time and not all(p.is_integer() for p in positions) and not all(len(lab) == 7 for lab in labels)
    if min_words is None:
        min_words = MIN_STATEMENT_WORDS if per_document else MIN_PERIOD_WORDS
    thin = _thin(counts, periods, per, min_words)
    n = len(phrases)
    lay = layout()
    fig, axes = plt.subplots(n, 1, figsize=(lay.width, 1.9 * n + 1.2), sharex=True, sharey=True, squeeze=False)
    many = len(periods) > (20 if lay.narrow else 40)  # per-document bars: counts would overprint each other
    for i, (phrase, ax) in enumerate(zip(phrases, axes[:, 0], strict=True)):
        d = counts[counts["phrase"] == phrase].set_index("period").reindex(periods)
        rate = d[value].fillna(0).astype(float).where(~thin, 0.0)
        tops = _marks(ax, d, rate, positions, width, thin, many, PALETTE[i % len(PALETTE)])
        if low and high and not many:
            err_lo = (rate - d[low].fillna(0)).clip(lower=0).where(~thin, 0.0)
            err_hi = (d[high].fillna(0) - rate).clip(lower=0).where(~thin, 0.0)
            ax.errorbar(positions, rate, yerr=[err_lo, err_hi], fmt="none", ecolor="#444444", elinewidth=0.8, capsize=2)
            tops = d[high].fillna(0).where(~thin, 0.0)
        if smoothed and smoothed in d:
            ax.plot(positions, d[smoothed].where(~thin), color="#000000", linewidth=1.2, label="smoothed")
        _label_periods(ax, positions, d["count"].fillna(0).astype(int), tops, thin, many)
        ax.set_title(f"“{named.get(phrase, phrase)}”", fontsize=fs(10), loc="left")
        ax.set_ylabel(ylabel if len(ylabel) < 18 else ylabel.split(" of ")[0], fontsize=fs(8))
        ax.margins(y=0.25)
    time_axis(axes[-1, 0], positions, labels, is_time)
    axes[-1, 0].set_xlabel("Date" if is_time and not all(p.is_integer() for p in positions) else "Period")
    fig.suptitle(wrap(title), x=0.01, ha="left", fontweight="bold", fontsize=fs(12))
    note = wrap(f"{source} " + "; ".join(_notes(ylabel, low, many, n, thin, min_words)) + ".", lay.note_wrap)
    fig.text(0.01, -0.01, note, fontsize=fs(7.5), color="#555555", ha="left", va="top")
    fig.tight_layout()
    return fig


def _thin(counts: pd.DataFrame, periods: list, per: str, min_words: int):
    """Per period, whether it has too few of the speaker's words for its rate to be drawn."""
    if "speaker_words" in counts.columns and per != "raw":
        words = counts.drop_duplicates("period").set_index("period").reindex(periods)["speaker_words"].fillna(0)
        return (words < min_words).to_numpy()
    return pd.Series(False, index=range(len(periods))).to_numpy()


def _marks(ax, d: pd.DataFrame, rate, positions, width, thin, many: bool, color: str):
    """One phrase's rates: bars, or stems and dots when there are dozens of periods; each linked to its
    quotes where the period has uses and is drawn. Returns the tops the counts are written above."""
    with_uses = (d["count"].fillna(0) > 0).to_numpy() & ~thin  # a period not drawn has no mark to link
    links = [u if c else None for u, c in zip(evidence_links(d, len(d)), with_uses, strict=True)]
    if many:  # dozens of statements: stems and dots stay visible where bars would be hairlines
        drawn = [(p, r, u) for p, r, t, u in zip(positions, rate, thin, links, strict=True) if not t]
        ax.vlines([p for p, _, _ in drawn], 0, [r for _, r, _ in drawn], color=color, linewidth=1)
        dots = ax.scatter([p for p, _, _ in drawn], [r for _, r, _ in drawn], s=10, color=color, zorder=3)
        dots.set_urls([u for _, _, u in drawn])
    else:
        link_bars(ax.bar(positions, rate, color=color, width=width), links)
    return rate


def _label_periods(ax, positions, counts, tops, thin, many: bool) -> None:
    """Above each period its raw count; a period with too few words marked as such instead."""
    narrow = layout().narrow
    for xi, c, top, small in zip(positions, counts, tops, thin, strict=True):
        if small and many:
            ax.plot([xi], [0], marker="|", color="#999999", markersize=6)
        elif small:
            ax.annotate(
                "too few words",
                (xi, 0),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                rotation=90,
                fontsize=fs(6.5),
                color="#777777",
            )
        elif not many:
            ax.annotate(
                f"{c}" if narrow else f"n={c}",
                (xi, top),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=fs(7),
                color="#333333",
            )


def _notes(ylabel: str, low, many: bool, n: int, thin, min_words: int) -> list[str]:
    """The key under the chart: what the marks, whiskers and numbers are."""
    notes = [f"{'Dots' if many else 'Bars'}: {ylabel}"]
    if low and not many:
        notes.append("whiskers: 95% interval")
    elif low:
        notes.append("95% intervals in the CSV")
    if not many:
        notes.append("the number above a bar: raw count" if layout().narrow else "n: raw count")
    if n > 1:
        notes.append("all panels share one scale")
    if thin.any():
        mark = "grey ticks" if many else "“too few words”"
        notes.append(f"{mark}: under {min_words:,} of his words in the period, rate not drawn")
    return notes
