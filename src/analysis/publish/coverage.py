"""What a report's numbers rest on, as readers see it: the coverage strip drawn under the time charts and
the sentence under it, both made from the report's ``coverage.csv`` (:mod:`analysis.measures.coverage`)."""

from __future__ import annotations

import pandas as pd

from analysis.measures.coverage import floor, gaps, sides
from analysis.publish.charts import PALETTE, finish, plt
from analysis.publish.figures import fs, layout, wrap_label
from analysis.publish.style import MUTED
from analysis.publish.timeaxis import time_axis, time_positions


def sentence(cov: pd.DataFrame, *, most: int = 3) -> str:
    """What each side's rates rest on, from its coverage table (:func:`analysis.measures.coverage.by_side`):
    statements, words, first and last date, the sources (with their words when there are several), and
    the periods with none of its words or too few for a rate (the ``most`` longest runs of each, then how
    many periods more)."""
    if cov.empty:
        return "No words of the speaker in this selection"
    holes = gaps(cov)
    parts = []
    for row in sides(cov).itertuples(index=False):
        names, words = str(row.sources).split("; "), str(row.source_words).split("; ")
        if len(names) == 1:
            where = f"from {names[0]}"
        else:
            where = "from " + " and ".join(f"{n} ({int(w):,} words)" for n, w in zip(names, words, strict=True))
        when = f"on {row.first_date}" if row.first_date == row.last_date else f"{row.first_date} to {row.last_date}"
        text = f"{row.side}: {int(row.words):,} own words in {_n(int(row.documents), 'statement')}, {when}, {where}"
        mine = holes[holes["side"] == row.side]
        if cov["period"].astype(str).str.contains(" ").any():  # statements: no gaps, only short ones
            short = int(mine.loc[mine["kind"] == "too few", "periods"].sum())
            if short:
                which = "too short" if int(row.documents) == 1 else f"{short} of them too short"
                text += f"; {which} for a rate (under {floor(cov['period']):,} words)"
            parts.append(text)
            continue
        for kind, said in (("none", "no statements in this corpus in"), ("too few", "too few words for a rate in")):
            runs = mine[mine["kind"] == kind]
            if runs.empty:
                continue
            shown = runs.sort_values(["periods", "first_period"], ascending=[False, False], kind="stable").head(most)
            spans = [
                (f"{r.first_period}–{r.last_period}" if r.periods > 1 else str(r.first_period))
                + ("" if kind == "none" else f" ({_n(int(r.documents), 'statement')}, {int(r.words):,} words)")
                for r in shown.sort_values("first_period").itertuples(index=False)
            ]
            more = int(runs["periods"].sum() - shown["periods"].sum())
            text += f"; {said} {', '.join(spans)}" + (
                f" and {more} other period{'s' if more > 1 else ''}" if more else ""
            )
        parts.append(text)
    return ". ".join(parts)


def _n(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


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
