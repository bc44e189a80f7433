"""Several speakers on one time axis, Ngram-style: one panel per phrase, one line per speaker."""

from __future__ import annotations

import pandas as pd

from analysis.measures.coverage import MIN_PERIOD_WORDS
from analysis.publish.charts.basic import PALETTE, plt
from analysis.publish.charts.figures import fs, layout, wrap
from analysis.publish.charts.timeaxis import time_axis, time_positions

# Okabe-Ito without the sky blue that sits too close to the blue beside it; then grey.
LINE_COLOURS = [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[5], PALETTE[7], PALETTE[4]]


def speaker_colours(speakers: list[str]) -> dict[str, str]:
    """One colour per speaker, the same in every panel and chart of a report."""
    return {s: LINE_COLOURS[i] if i < len(LINE_COLOURS) else "#777777" for i, s in enumerate(speakers)}


def _points(d: pd.DataFrame, where: dict, min_words: int):
    """The drawn points of one speaker's rows: (x, rate, row), periods of too few words left out."""
    for row in d.itertuples():
        if row.speaker_words >= min_words:
            yield where[row.period], float(row.per_10k), row


def overlay_chart(counts: pd.DataFrame, *, title: str, source: str, min_words: int = MIN_PERIOD_WORDS):
    """Per phrase, each speaker's uses per 10,000 of his own words per period as a line on a real time
    axis. A period in which the speaker has fewer than ``min_words`` words is not drawn (the line
    breaks there); a gap in the periods is a gap in the line. Each panel has its own scale (the
    phrases' rates differ by orders of magnitude); the comparison is within a panel."""
    phrases = list(dict.fromkeys(counts["phrase"]))
    named = dict(zip(counts["phrase"], counts["label"], strict=True)) if "label" in counts.columns else {}
    speakers = list(dict.fromkeys(counts["speaker"]))
    periods = sorted(dict.fromkeys(counts["period"]))
    positions, _, is_time = time_positions(periods)
    where = dict(zip(periods, positions, strict=True))
    colours = speaker_colours(speakers)
    n = len(phrases)
    lay = layout()
    height = 1.9 * n + 2.0 + (0.8 if lay.narrow else 0)
    fig, axes = plt.subplots(n, 1, figsize=(lay.width, height), sharex=True, squeeze=False)
    hidden = False
    for phrase, ax in zip(phrases, axes[:, 0], strict=True):
        for speaker in speakers:
            d = counts[(counts["phrase"] == phrase) & (counts["speaker"] == speaker)].sort_values("period")
            if d.empty:
                continue
            xs, ys = [], []
            previous = None
            for row in d.itertuples():
                x = where[row.period]
                if row.speaker_words < min_words:
                    hidden = True
                    xs.append(float("nan"))
                    ys.append(float("nan"))
                    previous = None
                    continue
                if previous is not None and is_time and x - previous > 1.5:
                    xs.append(float("nan"))
                    ys.append(float("nan"))
                xs.append(x)
                ys.append(float(row.per_10k))
                previous = x
            ax.plot(xs, ys, color=colours[speaker], linewidth=1.6, label=speaker)
            marks = list(_points(d, where, min_words))
            dots = ax.scatter([m[0] for m in marks], [m[1] for m in marks], s=9, color=colours[speaker], zorder=3)
            dots.set_urls([getattr(r, "evidence", None) or None for _, _, r in marks])
        ax.set_title(f"“{named.get(phrase, phrase)}”", fontsize=fs(10), loc="left")
        ax.set_ylabel("per 10,000 words", fontsize=fs(8))
        ax.set_ylim(bottom=0)
        ax.margins(y=0.2)
    time_axis(axes[-1, 0], positions, [str(p) for p in periods], is_time)
    axes[-1, 0].set_xlabel("Year" if is_time else "Period")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=True))
    for ax in axes[1:, 0]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    fig.legend(
        [seen[s] for s in speakers if s in seen],
        [s for s in speakers if s in seen],
        loc="lower left",
        bbox_to_anchor=(0.01, 0.0),
        ncol=min(2 if lay.narrow else 3, len(seen)),
        fontsize=fs(8),
        frameon=False,
    )
    fig.suptitle(wrap(title), x=0.01, ha="left", fontweight="bold", fontsize=fs(12))
    notes = ["Lines: uses per 10,000 of each speaker's own words", "each panel has its own scale"]
    if hidden:
        notes.append(f"a year with under {min_words:,} of a speaker's words is not drawn (the line breaks)")
    note = wrap(f"{source} " + "; ".join(notes) + ".", lay.note_wrap)
    fig.text(0.01, -0.01, note, fontsize=fs(7.5), color="#555555", ha="left", va="top")
    rows = -(-len(seen) // (2 if lay.narrow else 3))
    fig.tight_layout(rect=(0, (0.25 + 0.22 * rows) / height, 1, 1))
    return fig
