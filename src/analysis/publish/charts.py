"""The house chart style and the charts every report uses.

Each chart is saved as PNG and SVG with the CSV of its data beside it (``figN_name.*``), carries
a title, axis labels and a source line, and is shown in the report with alt text generated from
its data and a link to the CSV. Saving is deterministic: no timestamps, fixed SVG ids.
"""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.ticker
from cycler import cycler

from analysis.publish.html import escape

matplotlib.use("Agg")
import matplotlib.pyplot as plt
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

SOURCES = {
    "en.kremlin.ru": "en.kremlin.ru transcripts (CC BY 4.0)",
    "Meduza (English edition)": "Meduza translation",
}


def source_line(sources) -> str:
    """ "Source: …" naming each outlet the chart's data came from."""
    names = [SOURCES.get(s, s) for s in sorted(set(sources))]
    return "Source: " + "; ".join(names) + ". Analysis: Refrain."


@dataclass
class SavedChart:
    stem: Path  # path without suffix
    alt: str
    title: str

    def files(self) -> list[Path]:
        return [self.stem.with_suffix(s) for s in (".png", ".svg", ".csv")]

    def html(self, link_prefix: str) -> str:
        """A figure element with the PNG inline (data URI), alt text and links to CSV and SVG."""
        png = base64.b64encode(self.stem.with_suffix(".png").read_bytes()).decode("ascii")
        name = self.stem.name
        e = escape
        return (
            f'<figure class="chart"><img src="data:image/png;base64,{png}" alt="{e(self.alt, quote=True)}" '
            f'style="max-width:100%;height:auto">'
            f'<figcaption>{e(self.title)} — <a href="{e(link_prefix)}/{e(name)}.csv">data (CSV)</a>, '
            f'<a href="{e(link_prefix)}/{e(name)}.svg">SVG</a>, '
            f'<a href="{e(link_prefix)}/{e(name)}.png">PNG</a></figcaption></figure>'
        )


def save_chart(fig, data: pd.DataFrame, stem: Path, *, alt: str, title: str) -> SavedChart:
    """Write ``stem``.png/.svg/.csv deterministically and close the figure."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(stem.with_suffix(".png"), metadata={"Software": None}, bbox_inches="tight")
    fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    data.to_csv(stem.with_suffix(".csv"), index=False, lineterminator="\n")
    return SavedChart(stem, alt, title)


def wrap(title: str, width: int = 64) -> str:
    """Titles state findings and can be long: wrap them so they fit a phone-width image."""
    return textwrap.fill(title, width=width, break_long_words=False)


def _finish(fig, ax, *, title: str, xlabel: str, ylabel: str, source: str) -> None:
    ax.set_title(wrap(title))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.01, -0.02, source, fontsize=8, color="#555555", ha="left", va="top")


def phrase_rate_chart(
    counts: pd.DataFrame, *, title: str, source: str, per: str = "words", smoothed: str | None = None
):
    """Small multiples, one panel per phrase: the chosen rate per period as bars with its 95%
    interval as whiskers and the raw count written above; an optional smoothed line.

    ``per`` is a key of :data:`analysis.count.DENOMINATORS`: ``words`` (per 10,000 of the
    speaker's words), ``statements`` (share of statements with a use) or ``raw`` (counts)."""
    from analysis.measures.count import DENOMINATORS

    value, low, high, ylabel = DENOMINATORS[per]
    phrases = list(dict.fromkeys(counts["phrase"]))
    periods = list(dict.fromkeys(counts["period"]))
    n = len(phrases)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 1.9 * n + 1.2), sharex=True, squeeze=False)
    x = list(range(len(periods)))
    for i, (phrase, ax) in enumerate(zip(phrases, axes[:, 0], strict=True)):
        d = counts[counts["phrase"] == phrase].set_index("period").reindex(periods)
        rate = d[value].fillna(0).astype(float)
        color = PALETTE[i % len(PALETTE)]
        ax.bar(x, rate, color=color, width=0.7)
        tops = rate
        if low and high:
            err_lo = (rate - d[low].fillna(0)).clip(lower=0)
            err_hi = (d[high].fillna(0) - rate).clip(lower=0)
            ax.errorbar(x, rate, yerr=[err_lo, err_hi], fmt="none", ecolor="#444444", elinewidth=0.8, capsize=2)
            tops = d[high].fillna(0)
        if smoothed and smoothed in d:
            ax.plot(x, d[smoothed], color="#000000", linewidth=1.2, label="smoothed")
        for xi, (c, top) in enumerate(zip(d["count"].fillna(0).astype(int), tops, strict=True)):
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
    axes[-1, 0].set_xticks(x, periods, rotation=90 if len(periods) > 12 or max(map(len, periods)) > 8 else 0)
    axes[-1, 0].set_xlabel("Period")
    fig.suptitle(wrap(title), x=0.01, ha="left", fontweight="bold", fontsize=12)
    whisker = "; whiskers: 95% interval" if low else ""
    fig.text(
        0.01,
        -0.01,
        f"{source} Bars: {ylabel}{whisker}; n: raw count.",
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
):
    """One line per series with a direct label at its last point (no legend)."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    xs = list(dict.fromkeys(data[x]))
    pos = {v: i for i, v in enumerate(xs)}
    for i, (name, d) in enumerate(data.groupby(series, sort=False)):
        color = PALETTE[i % len(PALETTE)]
        px = [pos[v] for v in d[x]]
        ax.plot(px, d[y], marker="o", markersize=3, color=color, linewidth=1.5)
        ax.annotate(
            str(name),
            (px[-1], list(d[y])[-1]),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
            color=color,
        )
    ax.set_xticks(range(len(xs)), xs, rotation=90 if len(xs) > 12 else 0)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.margins(x=0.02)
    ax.set_xlim(-0.3, len(xs) - 1 + max(1.5, len(xs) * 0.35))
    _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    return fig


def dot_timeline(data: pd.DataFrame, *, x: str, y: str, size: str, title: str, source: str, xlabel: str = "Year"):
    """Rows = phrases, columns = periods, dot area = count; zero cells left empty, counts written."""
    rows = list(dict.fromkeys(data[y]))
    cols = sorted(dict.fromkeys(data[x]))
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(rows) + 1.6))
    biggest = max(float(data[size].max()), 1.0)
    for r, name in enumerate(rows):
        d = data[data[y] == name]
        for c, v in zip(d[x], d[size], strict=True):
            if v > 0:
                ax.scatter(cols.index(c), r, s=20 + 380 * v / biggest, color=PALETTE[0], alpha=0.7)
                ax.annotate(
                    str(int(v)),
                    (cols.index(c), r),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if v / biggest > 0.3 else "#333333",
                )
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xticks(range(len(cols)), cols, rotation=90 if len(cols) > 12 else 0)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
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
        ax.bar(range(len(labels)), values, color=PALETTE[0])
        ax.set_xticks(range(len(labels)), labels, rotation=90 if len(labels) > 12 else 0)
        if annotate:
            for i, v in enumerate(values):
                ax.annotate(
                    f"{v:,}", (i, v), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8
                )
    _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    return fig
