"""The house chart style and the charts every report uses.

Each chart is saved as PNG and SVG with the CSV of its data beside it (``figN_name.*``), carries
a title, axis labels and a source line, and is shown in the report with alt text generated from
its data and a link to the CSV. Saving is deterministic: no timestamps, fixed SVG ids.
"""

from __future__ import annotations

import matplotlib
import matplotlib.ticker
from cycler import cycler

from analysis.publish.figures import SOURCES, SavedChart, save_chart, source_line, wrap
from analysis.publish.timeaxis import (
    MIN_PERIOD_WORDS,
    MIN_STATEMENT_WORDS,
    label_ends,
    time_axis,
    time_positions,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt

__all__ = [
    "MIN_PERIOD_WORDS",
    "MIN_STATEMENT_WORDS",
    "PALETTE",
    "SOURCES",
    "SavedChart",
    "bar_chart",
    "diverging_bars",
    "dot_timeline",
    "line_chart",
    "phrase_rate_chart",
    "save_chart",
    "source_line",
    "time_positions",
    "wrap",
]
import pandas as pd

# Okabe-Ito: a colour-blind-safe qualitative palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "svg.hashsalt": "refrain",
    "svg.fonttype": "none",
}
plt.rcParams.update(STYLE)  # type: ignore[arg-type]


def _finish(fig, ax, *, title: str, xlabel: str, ylabel: str, source: str) -> None:
    ax.set_title(wrap(title))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.01, -0.02, source, fontsize=8, color="#555555", ha="left", va="top")


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

    ``per`` is a key of :data:`analysis.count.DENOMINATORS`: ``words`` (per 10,000 of the
    speaker's words), ``statements`` (share of statements with a use) or ``raw`` (counts). A rate
    resting on fewer than ``min_words`` of the speaker's words (default :data:`MIN_PERIOD_WORDS`,
    :data:`MIN_STATEMENT_WORDS` per document) is not drawn (the period is marked "too few words")
    when there is more than one period to compare."""
    from analysis.measures.count import DENOMINATORS

    value, low, high, ylabel = DENOMINATORS[per]
    phrases = list(dict.fromkeys(counts["phrase"]))
    periods = list(dict.fromkeys(counts["period"]))
    positions, width, is_time = time_positions(periods)
    labels = [str(p) for p in periods]
    per_document = is_time and not all(p.is_integer() for p in positions) and not all(len(lab) == 7 for lab in labels)
    if min_words is None:
        min_words = MIN_STATEMENT_WORDS if per_document else MIN_PERIOD_WORDS
    if "speaker_words" in counts.columns and len(periods) > 1 and per != "raw":
        words = counts.drop_duplicates("period").set_index("period").reindex(periods)["speaker_words"].fillna(0)
        thin = (words < min_words).to_numpy()
    else:
        thin = pd.Series(False, index=range(len(periods))).to_numpy()
    n = len(phrases)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 1.9 * n + 1.2), sharex=True, sharey=True, squeeze=False)
    many = len(periods) > 40  # per-document bars: counts would overprint each other
    for i, (phrase, ax) in enumerate(zip(phrases, axes[:, 0], strict=True)):
        d = counts[counts["phrase"] == phrase].set_index("period").reindex(periods)
        rate = d[value].fillna(0).astype(float).where(~thin, 0.0)
        color = PALETTE[i % len(PALETTE)]
        if many:  # dozens of statements: stems and dots stay visible where bars would be hairlines
            drawn = [(p, r) for p, r, t in zip(positions, rate, thin, strict=True) if not t]
            ax.vlines([p for p, _ in drawn], 0, [r for _, r in drawn], color=color, linewidth=1)
            ax.scatter([p for p, _ in drawn], [r for _, r in drawn], s=10, color=color, zorder=3)
        else:
            ax.bar(positions, rate, color=color, width=width)
        tops = rate
        if low and high and not many:
            err_lo = (rate - d[low].fillna(0)).clip(lower=0).where(~thin, 0.0)
            err_hi = (d[high].fillna(0) - rate).clip(lower=0).where(~thin, 0.0)
            ax.errorbar(positions, rate, yerr=[err_lo, err_hi], fmt="none", ecolor="#444444", elinewidth=0.8, capsize=2)
            tops = d[high].fillna(0).where(~thin, 0.0)
        if smoothed and smoothed in d:
            ax.plot(positions, d[smoothed].where(~thin), color="#000000", linewidth=1.2, label="smoothed")
        for xi, c, top, small in zip(positions, d["count"].fillna(0).astype(int), tops, thin, strict=True):
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
                    fontsize=6.5,
                    color="#777777",
                )
            elif not many:
                ax.annotate(
                    f"n={c}",
                    (xi, top),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="#333333",
                )
        ax.set_title(f"“{phrase}”", fontsize=10, loc="left")
        ax.set_ylabel(ylabel if len(ylabel) < 18 else ylabel.split(" of ")[0], fontsize=8)
        ax.margins(y=0.25)
    time_axis(axes[-1, 0], positions, labels, is_time)
    axes[-1, 0].set_xlabel("Date" if is_time and not all(p.is_integer() for p in positions) else "Period")
    fig.suptitle(wrap(title), x=0.01, ha="left", fontweight="bold", fontsize=12)
    notes = [f"{'Dots' if many else 'Bars'}: {ylabel}"]
    if low and not many:
        notes.append("whiskers: 95% interval")
    elif low:
        notes.append("95% intervals in the CSV")
    if not many:
        notes.append("n: raw count")
    if n > 1:
        notes.append("all panels share one scale")
    if thin.any():
        mark = "grey ticks" if many else "“too few words”"
        notes.append(f"{mark}: under {min_words:,} of his words in the period, rate not drawn")
    fig.text(
        0.01,
        -0.01,
        f"{source} " + "; ".join(notes) + ".",
        fontsize=7.5,
        color="#555555",
        ha="left",
        va="top",
        wrap=True,
    )
    fig.tight_layout()
    return fig


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    title: str,
    xlabel: str,
    ylabel: str,
    source: str,
    percent: bool = False,
    min_words: int = MIN_PERIOD_WORDS,
    colours: dict[str, str] | None = None,
):
    """One line per series on a real time axis, with a direct label at its last point (no legend);
    ``colours`` fixes a series' colour (the same speaker in the same colour on every chart).

    With a ``speaker_words`` column, points resting on fewer than ``min_words`` words are drawn
    hollow and said so under the chart."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    xs = list(dict.fromkeys(data[x]))
    positions, _, is_time = time_positions(xs)
    pos = dict(zip(xs, positions, strict=True))
    thin_periods: set = set()
    if "speaker_words" in data.columns and len(xs) > 1:
        words = data.drop_duplicates(x).set_index(x)["speaker_words"]
        thin_periods = set(words[words < min_words].index)
    step = min((b - a for a, b in zip(sorted(positions), sorted(positions)[1:], strict=False)), default=1.0)
    ends: list[tuple[float, float, str, str]] = []
    for i, (name, d) in enumerate(data.groupby(series, sort=False)):
        color = (colours or {}).get(str(name), PALETTE[i % len(PALETTE)])
        px = [pos[v] for v in d[x]]
        # a gap in the periods is a gap in the line, not a straight segment across it
        lx: list[float] = []
        ly: list[float] = []
        for j, (p, v) in enumerate(zip(px, d[y], strict=True)):
            if j and is_time and p - px[j - 1] > 1.5 * step:
                lx.append(float("nan"))
                ly.append(float("nan"))
            lx.append(p)
            ly.append(float(v))
        ax.plot(lx, ly, color=color, linewidth=1.5)
        small = d[x].isin(thin_periods).to_numpy()
        ax.scatter([p for p, t in zip(px, small, strict=True) if not t], d[y][~small], s=12, color=color, zorder=3)
        if small.any():
            ax.scatter(
                [p for p, t in zip(px, small, strict=True) if t],
                d[y][small],
                s=22,
                facecolors="white",
                edgecolors=color,
                zorder=3,
            )
        ends.append((float(list(d[y])[-1]), px[-1], str(name), color))
    label_ends(ax, ends)
    time_axis(ax, positions, [str(v) for v in xs], is_time)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    low, high = min(positions), max(positions)
    ax.set_xlim(low - 0.3, high + max(1.5, (high - low + 1) * 0.35))
    if thin_periods:
        source += f" Hollow points: under {min_words:,} of his words in the period."
    _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    return fig


def dot_timeline(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    size: str,
    title: str,
    source: str,
    xlabel: str = "Year",
    label: str | None = None,
    size_name: str = "",
):
    """Rows = phrases, columns = periods on a real time axis, dot area = ``size`` (a rate, where the
    periods' words differ); zero cells left empty, ``label`` (the raw count) written in the dot."""
    rows = list(dict.fromkeys(data[y]))
    cols = sorted(dict.fromkeys(data[x]), key=str)
    positions, _, is_time = time_positions(cols)
    where = dict(zip(cols, positions, strict=True))
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(rows) + 1.6))
    biggest = max(float(data[size].max()), 1e-9)
    text = label or size
    for r, name in enumerate(rows):
        d = data[data[y] == name]
        for c, v, t in zip(d[x], d[size], d[text], strict=True):
            if v > 0:
                ax.scatter(where[c], r, s=20 + 380 * v / biggest, color=PALETTE[0], alpha=0.7)
                ax.annotate(
                    f"{int(t)}" if float(t).is_integer() else f"{t:.1f}",
                    (where[c], r),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if v / biggest > 0.3 else "#333333",
                )
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    time_axis(ax, positions, [str(c) for c in cols], is_time)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    if size_name:
        source += f" Dot area: {size_name}" + (f"; number: {label.replace('_', ' ')}." if label else ".")
    _finish(fig, ax, title=title, xlabel=xlabel, ylabel="", source=source)
    fig.tight_layout()
    return fig


def diverging_bars(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    label: str,
    value: str,
    note: str,
    title: str,
    left_name: str,
    right_name: str,
    source: str,
):
    """Terms over-used on each side as horizontal bars (left side negative), annotated."""
    rows = pd.concat([right.iloc[::-1], left.iloc[::-1]], ignore_index=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 1.6))
    colors = [PALETTE[5]] * len(right) + [PALETTE[0]] * len(left)
    ax.barh(range(len(rows)), rows[value], color=colors)
    ax.set_yticks(range(len(rows)), rows[label], fontsize=8)
    for i, (v, n) in enumerate(zip(rows[value], rows[note], strict=True)):
        ax.annotate(
            n,
            (v, i),
            xytext=(3 if v >= 0 else -3, 0),
            textcoords="offset points",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=6.5,
            color="#333333",
        )
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    lim = max(abs(rows[value]).max(), 1) * 1.35
    ax.set_xlim(-lim, lim)
    _finish(
        fig,
        ax,
        title=title,
        ylabel="",
        source=source,
        xlabel=f"← over-used {right_name}    log ratio (+1 = twice as frequent)    over-used {left_name} →",
    )
    fig.tight_layout()
    return fig


def bar_chart(
    labels,
    values,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    source: str,
    annotate: bool = True,
    horizontal: bool = False,
):
    """A single-series bar chart with direct value labels."""
    labels, values = list(labels), list(values)
    if horizontal:
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(labels) + 1.4))
        ax.barh(range(len(labels)), values, color=PALETTE[0])
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        if annotate:
            for i, v in enumerate(values):
                ax.annotate(f"{v:,}", (v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    else:
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        positions, width, is_time = time_positions(labels)  # years on a real time axis: gaps stay gaps
        if not is_time:
            positions, width = [float(i) for i in range(len(labels))], 0.8
        ax.bar(positions, values, color=PALETTE[0], width=width)
        if is_time:
            time_axis(ax, positions, [str(v) for v in labels], True)
        else:
            ax.set_xticks(range(len(labels)), labels, rotation=90 if len(labels) > 12 else 0)
            if len(labels) == 1:
                ax.set_xlim(-1.5, 1.5)  # one bar, not a wall
        if annotate:
            for x, v in zip(positions, values, strict=True):
                ax.annotate(
                    f"{v:,}", (x, v), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8
                )
    _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    return fig
