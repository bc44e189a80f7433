"""Where periods sit on a chart: a real time axis, and direct labels that do not overprint (used by
:mod:`analysis.publish.charts.basic`)."""

from __future__ import annotations

import matplotlib.transforms
import pandas as pd

from analysis.publish.charts.figures import fs, layout


def time_positions(periods) -> tuple[list[float], float, bool]:
    """Where each period label sits on a real time axis (decimal years), a bar width, and whether the
    axis is time: ``2017`` → 2017.0, ``2017-03`` → 2017.21, ``2017-03-05 kremlin-1`` → its day.
    Labels that are not dates, and a single period, stay evenly spaced (the third value is False)."""
    labels = pd.Series([str(p) for p in periods], dtype=object)
    if len(labels) < 2:  # one period: its own label says more than a year tick beside one bar
        return [0.0] * len(labels), 0.7, False
    if labels.str.fullmatch(r"\d{4}").all():
        return [float(v) for v in labels], 0.7, True
    if labels.str.fullmatch(r"\d{4}-\d{2}").all():
        d = pd.to_datetime(labels, format="%Y-%m")
        return [float(y + (m - 0.5) / 12) for y, m in zip(d.dt.year, d.dt.month, strict=True)], 0.7 / 12, True
    d = pd.to_datetime(labels.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    if d.notna().all():
        x = [float(y + (doy - 0.5) / 366) for y, doy in zip(d.dt.year, d.dt.day_of_year, strict=True)]
        gaps = [b - a for a, b in zip(sorted(x), sorted(x)[1:], strict=False) if b > a]
        width = min(0.7, max(min(gaps) * 0.8 if gaps else 0.05, 4 / 366))
        return x, width, True
    return [float(i) for i in range(len(labels))], 0.7, False


def time_axis(ax, positions: list[float], labels: list[str], is_time: bool) -> None:
    """Year ticks on a time axis (gaps stay gaps); the labels themselves otherwise (cut to 28 characters)."""
    if is_time:
        first, last = int(min(positions)), int(max(positions))
        step = max(1, (last - first) // layout().max_ticks + 1)
        ticks = list(range(first, last + 1, step))
        centred = all(float(p).is_integer() for p in positions)  # year periods: a tick under each bar
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.set_xlim(first - 0.6, last + (0.6 if centred else 1.1))
    else:
        cut = 16 if layout().narrow else 28
        short = [lab if len(lab) <= cut else lab[: cut - 1] + "…" for lab in labels]
        crowded = len(labels) > 12 or (len(labels) > 3 and max(map(len, short)) > 8)
        ax.set_xticks(positions, short, rotation=90 if crowded else 0)
        if len(labels) == 1:
            ax.set_xlim(-1.5, 1.5)  # one bar, not a wall


def label_ends(ax, ends: list[tuple[float, float, str, str]]) -> None:
    """Direct labels at the lines' last points, nudged apart so that none overprints another."""
    if not ends:
        return
    low, high = ax.get_ylim()
    shifted = matplotlib.transforms.offset_copy(ax.transData, fig=ax.figure, x=4, units="points")
    items = sorted(ends)
    texts = [
        ax.text(x, y, name, transform=shifted, va="center", ha="left", fontsize=fs(7.5), color=color)
        for y, x, name, color in items
    ]
    # each label's height as drawn (a wrapped one, on a phone's figure, takes its lines), in data units;
    # raising the top to make room shrinks the scale, so the spacing is worked out again until it holds
    renderer = ax.figure.canvas.get_renderer()
    pixels = [t.get_window_extent(renderer).height for t in texts]
    top = high
    for _ in range(5):
        per_unit = ax.get_window_extent(renderer).height / (top - low)
        heights = [max(p / per_unit, (top - low) * 0.045) for p in pixels]
        placed: list[float] = []
        for k, (y, _, _, _) in enumerate(items):
            placed.append(max(y, placed[-1] + (heights[k - 1] + heights[k]) / 2) if placed else y)
        needed = max(high, placed[-1] + heights[-1] / 2)
        if needed <= top:
            break
        top = needed
    for text, at in zip(texts, placed, strict=True):
        text.set_y(at)
    ax.set_ylim(low, top)
