"""The house chart style and the charts every report uses.

Each chart is saved as PNG and SVG with the CSV of its data beside it (``figN_name.*``), carries
a title, axis labels and a source line, and is shown in the report with alt text generated from
its data and a link to the CSV. Saving is deterministic: no timestamps, fixed SVG ids.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

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
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "svg.hashsalt": "refrain",
    "svg.fonttype": "none",
}
plt.rcParams.update(STYLE)

SOURCES = {
    "en.kremlin.ru": "en.kremlin.ru transcripts (CC BY 4.0)",
    "Meduza (English edition)": "Meduza translation",
}


def source_line(sources) -> str:
    """"Source: …" naming each outlet the chart's data came from."""
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
        e = html.escape
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


def _finish(fig, ax, *, title: str, xlabel: str, ylabel: str, source: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.01, -0.02, source, fontsize=8, color="#555555", ha="left", va="top")


def phrase_rate_chart(counts: pd.DataFrame, *, title: str, source: str):
    """Small multiples, one panel per phrase: rate per 10,000 words with its 95% interval as bars,
    the raw count written over each bar. Returns the figure."""
    phrases = list(dict.fromkeys(counts["phrase"]))
    periods = list(dict.fromkeys(counts["period"]))
    n = len(phrases)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 1.9 * n + 1.2), sharex=True, squeeze=False)
    x = range(len(periods))
    for i, (phrase, ax) in enumerate(zip(phrases, axes[:, 0])):
        d = counts[counts["phrase"] == phrase].set_index("period").reindex(periods)
        rate = d["per_10k"].fillna(0)
        err_lo = (rate - d["per_10k_low"].fillna(0)).clip(lower=0)
        err_hi = (d["per_10k_high"].fillna(0) - rate).clip(lower=0)
        color = PALETTE[i % len(PALETTE)]
        ax.bar(x, rate, color=color, width=0.7)
        ax.errorbar(x, rate, yerr=[err_lo, err_hi], fmt="none", ecolor="#444444", elinewidth=0.8, capsize=2)
        tops = d["per_10k_high"].fillna(0)
        for xi, (c, top) in enumerate(zip(d["count"].fillna(0).astype(int), tops)):
            ax.annotate(f"n={c}", (xi, top), xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize=7, color="#333333")
        ax.set_title(f"“{phrase}”", fontsize=10, loc="left")
        ax.set_ylabel("per 10k words")
        ax.margins(y=0.25)
    axes[-1, 0].set_xticks(list(x), periods, rotation=90 if len(periods) > 12 else 0)
    axes[-1, 0].set_xlabel("Period")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.text(0.01, -0.01, source + " Bars: uses per 10,000 of the speaker's words; whiskers: 95% Poisson "
             "interval; n: raw count.", fontsize=7.5, color="#555555", ha="left", va="top", wrap=True)
    fig.tight_layout()
    return fig


def bar_chart(labels, values, *, title: str, xlabel: str, ylabel: str, source: str,
              annotate: bool = True, horizontal: bool = False):
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
                ax.annotate(f"{v:,}", (i, v), xytext=(0, 2), textcoords="offset points", ha="center",
                            va="bottom", fontsize=8)
    _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    return fig
