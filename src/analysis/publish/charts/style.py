"""The house chart style: a colour-blind-safe palette, the Matplotlib settings every chart is drawn
with (fixed SVG hash salt, text kept as text), and the links a mark that stands for uses carries to
its quotes (the data's ``evidence`` column)."""

from __future__ import annotations

import matplotlib
import pandas as pd
from cycler import cycler

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# Okabe-Ito: a colour-blind-safe qualitative palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MUTED = "#b8b8b8"  # what a chart shows but a finding does not rest on: too few words, a term set aside
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


def evidence_links(data: pd.DataFrame, n: int) -> list[str | None]:
    """The ``evidence`` links of ``data``'s rows (None where there is none), or Nones."""
    if "evidence" not in data.columns:
        return [None] * n
    return [v if isinstance(v, str) and v else None for v in data["evidence"]]


def link_bars(bars, links: list[str | None]) -> None:
    for bar, url in zip(bars, links, strict=True):
        if url:
            bar.set_url(url)
