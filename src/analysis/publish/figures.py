"""A chart as published: saved deterministically as PNG, SVG and the CSV of its data, and shown as an
escaped figure element with alt text and links (:mod:`analysis.publish.charts` draws the charts)."""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from analysis.publish.html import escape

SOURCES = {
    "en.kremlin.ru": "en.kremlin.ru transcripts (CC BY 4.0)",
    "Meduza (English edition)": "Meduza translation",
    "Miller Center, University of Virginia": "Miller Center transcripts (public domain)",
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
