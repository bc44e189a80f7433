"""What a report's numbers rest on, drawn: the coverage strip under the time charts, made from the report's
``coverage.csv`` (:mod:`analysis.measures.coverage`; the sentence under it is
:mod:`analysis.publish.sentences.coverage`)."""

from __future__ import annotations

import pandas as pd

from analysis.publish.charts.basic import PALETTE, finish, plt
from analysis.publish.charts.figures import fs, layout, wrap_label
from analysis.publish.charts.style import MUTED
from analysis.publish.charts.timeaxis import time_axis, time_positions


def strip(cov: pd.DataFrame, *, title: str, source: str):
    """What a report's rates rest on, drawn under its time charts: one row per side of ``cov``
    (:func:`analysis.measures.coverage.by_side`), a bar per period as tall as the side's words there
    (each row on its own scale), pale where the words are too few for a rate, × where there are none."""
    lay = layout()
    sides = list(dict.fromkeys(cov["side"]))
    periods = sorted(dict.fromkeys(cov["period"]), key=str)
    positions, width, is_time = time_positions(periods)
    where = dict(zip(periods, positions, strict=True))
    fig, ax = plt.subplots(figsize=(lay.width, (0.75 if lay.narrow else 0.6) * len(sides) + 1.5))
    tallest = []
    for r, side in enumerate(sides):
        mine = cov[cov["side"] == side]
        top = max(int(mine["words"].max()), 1)
        tallest.append(top)
        base = len(sides) - 1 - r  # the first side on top
        for enough_words, colour in ((True, PALETTE[0]), (False, MUTED)):
            d = mine[(mine["words"] > 0) & (mine["enough_words"] == enough_words)]
            heights = [0.8 * max(w / top, 0.06) for w in d["words"]]
            ax.bar([where[p] for p in d["period"]], heights, bottom=base, width=width, color=colour, align="center")
        none = mine[mine["documents"] == 0]
        ax.scatter([where[p] for p in none["period"]], [base + 0.1] * len(none), marker="x", s=14, color="#777777")
    labels = [wrap_label(s) if lay.narrow else s for s in sides][::-1]
    ax.set_yticks([i + 0.4 for i in range(len(sides))], labels, fontsize=fs(8))
    ax.set_ylim(-0.15, len(sides))
    ax.grid(axis="y", visible=False)
    time_axis(ax, positions, [str(p) for p in periods], is_time)
    if not is_time and len(periods) == 1:
        ax.set_xlim(-1.5, 1.5)
    scale = (
        "; ".join(f"{s}: {t:,}" for s, t in zip(sides, tallest, strict=True)) if len(sides) > 1 else f"{tallest[0]:,}"
    )
    source += (
        f" Bar height: the speaker's own words in the period, each row on its own scale (tallest: {scale}); "
        "pale: too few words for a rate; ×: none in this corpus."
    )
    finish(fig, ax, title=title, xlabel="", ylabel="", source=source)
    fig.tight_layout()
    return fig
