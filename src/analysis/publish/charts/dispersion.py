"""The dispersion plot: where in each statement, and across the years, a phrase falls (AntConc's and
quanteda's ``textplot_xray`` on a time axis), drawn from the ``dispersion`` table
(:mod:`analysis.measures.dispersion`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.publish.charts.figures import fs, layout, wrap
from analysis.publish.charts.style import PALETTE
from analysis.publish.charts.timeaxis import time_axis, time_positions
from analysis.publish.sentences.text import plural


def dispersion_chart(table: pd.DataFrame, *, title: str, source: str):
    """One panel per phrase: each use a mark, across at its statement's date (a gap in the corpus is a
    gap on the axis), down at where it starts among the speaker's words of that statement (the first
    word at the top, the last at the bottom)."""
    phrases = list(dict.fromkeys(table["phrase"]))
    named = dict(zip(table["phrase"], table["label"], strict=True)) if "label" in table.columns else {}
    statements = (table["date"].astype(str).str.slice(0, 10) + " " + table["doc_id"].astype(str)).tolist()
    labels = sorted(dict.fromkeys(statements))
    positions, _, is_time = time_positions(labels)
    where = dict(zip(labels, positions, strict=True))
    lay = layout()
    n = max(1, len(phrases))
    fig, axes = plt.subplots(n, 1, figsize=(lay.width, 1.6 * n + 1.3), sharex=True, squeeze=False)
    for i, (phrase, ax) in enumerate(zip(phrases, axes[:, 0], strict=True)):
        mine = table["phrase"] == phrase
        xs = [where[s] for s, m in zip(statements, mine, strict=True) if m]
        ax.scatter(xs, table.loc[mine, "position"], marker="_", s=60, linewidths=1.2, color=PALETTE[i % len(PALETTE)])
        ax.set_ylim(1.05, -0.05)
        ax.set_yticks([0, 0.5, 1], ["start", "middle", "end"], fontsize=fs(7.5))
        uses, docs = int(mine.sum()), len({s for s, m in zip(statements, mine, strict=True) if m})
        said = f"“{named.get(phrase, phrase)}”: {plural(uses, 'use')} in {plural(docs, 'statement')}"
        ax.set_title(wrap(said), fontsize=fs(10), loc="left")
    time_axis(axes[-1, 0], positions, labels, is_time)
    axes[-1, 0].set_xlabel("Date of the statement" if is_time else "Statement")
    fig.suptitle(wrap(title), x=0.01, ha="left", fontweight="bold", fontsize=fs(12))
    note = (
        f"{source} Each mark: one use, across at its statement's date, down at where it starts in the speaker's "
        "own words of that statement (questions and other speakers left out)."
    )
    fig.text(0.01, -0.01, wrap(note, lay.note_wrap), fontsize=fs(7.5), color="#555555", ha="left", va="top")
    fig.tight_layout()
    return fig
