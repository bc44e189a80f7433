"""The plain charts every report uses: lines, dot timelines, diverging and horizontal bars.

Each chart is saved as PNG and SVG with the CSV of its data beside it (``figN_name.*``), carries
a title, axis labels and a source line, and is shown in the report with alt text generated from
its data and a link to the CSV. Every chart is drawn for the layout in force
(:func:`~analysis.publish.charts.figures.layout`: wide, or phone width with no small text), and a mark
that stands for uses (a bar, a dot) links to their quotes when its data has an ``evidence`` column.
Saving is deterministic: no timestamps, fixed SVG ids.
"""

from __future__ import annotations

import matplotlib.ticker
import pandas as pd

from analysis.measures.coverage import MIN_PERIOD_WORDS
from analysis.publish.charts.figures import fs, layout, wrap, wrap_label
from analysis.publish.charts.style import MUTED, PALETTE, evidence_links, link_bars, plt
from analysis.publish.charts.timeaxis import label_ends, time_axis, time_positions


def finish(fig, ax, *, title: str, xlabel: str, ylabel: str, source: str) -> None:
    if layout().narrow:  # from the figure's edge, not the axes' (long tick labels push those right)
        fig.suptitle(wrap(title), x=0.01, ha="left", fontweight="bold", fontsize=fs(11))
    else:
        ax.set_title(wrap(title))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.01, -0.02, wrap(source, layout().note_wrap), fontsize=fs(8), color="#555555", ha="left", va="top")


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

    With a ``speaker_words`` column, a period resting on fewer than ``min_words`` words is not drawn
    (the reports' one rule for small numbers): the lines break there, the period is marked × on the
    axis and the chart says so."""
    lay = layout()
    fig, ax = plt.subplots(figsize=(lay.width, 4.2))
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
        small = d[x].isin(thin_periods).to_numpy()
        # a gap in the periods, or a period of too few words, is a gap in the line, not a segment across it
        lx: list[float] = []
        ly: list[float] = []
        for j, (p, v, thin) in enumerate(zip(px, d[y], small, strict=True)):
            if j and is_time and p - px[j - 1] > 1.5 * step:
                lx.append(float("nan"))
                ly.append(float("nan"))
            lx.append(p)
            ly.append(float("nan") if thin else float(v))
        ax.plot(lx, ly, color=color, linewidth=1.5)
        dots = ax.scatter(
            [p for p, t in zip(px, small, strict=True) if not t], d[y][~small], s=12, color=color, zorder=3
        )
        dots.set_urls([u for u, t in zip(evidence_links(d, len(d)), small, strict=True) if not t])
        drawn = [(p, float(v)) for p, v, t in zip(px, d[y], small, strict=True) if not t]
        if drawn:
            label = wrap_label(str(name)) if lay.narrow else str(name)
            ends.append((drawn[-1][1], drawn[-1][0], label, color))
    if thin_periods:
        marks = [pos[v] for v in xs if v in thin_periods]
        ax.scatter(marks, [0] * len(marks), marker="x", s=18, color="#777777", zorder=4, clip_on=False)
    time_axis(ax, positions, [str(v) for v in xs], is_time)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    low, high = min(positions), max(positions)
    ax.set_xlim(low - 0.3, high + max(1.5, (high - low + 1) * 0.35))
    if thin_periods:
        source += f" ×: a period under {min_words:,} of his words, not drawn."
    finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    label_ends(ax, ends)  # once the axes have their final height: the labels' spacing is measured on it
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
    min_words: int = MIN_PERIOD_WORDS,
):
    """Rows = phrases, columns = periods on a real time axis, dot area = ``size`` (a rate, where the
    periods' words differ); zero cells left empty, ``label`` (the raw count) written in the dot. With a
    ``speaker_words`` column, a period of fewer than ``min_words`` words has no dots (its rate rests on
    too little): it is marked × under the rows and the chart says so."""
    rows = list(dict.fromkeys(data[y]))
    cols = sorted(dict.fromkeys(data[x]), key=str)
    positions, _, is_time = time_positions(cols)
    where = dict(zip(cols, positions, strict=True))
    lay = layout()
    fig, ax = plt.subplots(figsize=(lay.width, (0.5 if lay.narrow else 0.38) * len(rows) + 1.6))
    thin = data["speaker_words"] < min_words if "speaker_words" in data.columns else pd.Series(False, data.index)
    biggest = max(float(data[size][~thin].max()) if (~thin).any() else 0.0, 1e-9)
    text = label or size
    for r, name in enumerate(rows):
        d = data[(data[y] == name) & ~thin]
        for c, v, t, u in zip(d[x], d[size], d[text], evidence_links(d, len(d)), strict=True):
            if v > 0:
                dot = ax.scatter(where[c], r, s=20 + 380 * v / biggest, color=PALETTE[0], alpha=0.7)
                dot.set_urls([u])
                ax.annotate(
                    f"{int(t)}" if float(t).is_integer() else f"{t:.1f}",
                    (where[c], r),
                    ha="center",
                    va="center",
                    fontsize=fs(6.5),
                    color="white" if v / biggest > 0.3 else "#333333",
                )
    marks = sorted({where[c] for c in data[x][thin]})
    if marks:
        ax.scatter(marks, [len(rows) - 0.4] * len(marks), marker="x", s=18, color="#777777", zorder=4)
    ax.set_yticks(range(len(rows)), [wrap_label(r) for r in rows], fontsize=fs(8))
    time_axis(ax, positions, [str(c) for c in cols], is_time)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    if size_name:
        source += f" Dot area: {size_name}" + (f"; number: {label.replace('_', ' ')}." if label else ".")
    if marks:
        source += f" ×: a period under {min_words:,} of his words, no dots (its uses are in the CSV)."
    finish(fig, ax, title=title, xlabel=xlabel, ylabel="", source=source)
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
    muted: str | None = None,
    short_note: str | None = None,
):
    """Terms over-used on each side as horizontal bars (left side negative), annotated; with ``muted`` (a
    column, non-empty for a row the finding does not name: why), that row's bar pale and, on the wide
    drawing, the why after its note (the phone's has no room: its source line says where to read it); the
    phone's drawing labels the bars with ``short_note`` where given."""
    rows = pd.concat([right.iloc[::-1], left.iloc[::-1]], ignore_index=True)
    lay = layout()
    fig, ax = plt.subplots(figsize=(lay.width, (0.42 if lay.narrow else 0.3) * len(rows) + 1.6))
    colors = [PALETTE[5]] * len(right) + [PALETTE[0]] * len(left)
    if muted is not None and muted in rows.columns:
        why = rows[muted].fillna("").astype(str)
        colors = [MUTED if w else c for c, w in zip(colors, why, strict=True)]
        if not lay.narrow:
            rows = rows.assign(**{note: [n + (f" · {w}" if w else "") for n, w in zip(rows[note], why, strict=True)]})
        source += " Pale bars: terms the finding does not name" + ("." if not lay.narrow else " (why: in the table).")
    if lay.narrow and short_note is not None:
        note = short_note
    link_bars(ax.barh(range(len(rows)), rows[value], color=colors), evidence_links(rows, len(rows)))
    ax.set_yticks(range(len(rows)), rows[label], fontsize=fs(8))
    notes = []
    for i, (v, n) in enumerate(zip(rows[value], rows[note], strict=True)):
        # wide: after the bar's end; phone: from the zero line into the empty other half (each row has one
        # bar), where it cannot run into the term's name
        after = (v >= 0) != lay.narrow
        notes.append(
            ax.annotate(
                n,
                (0 if lay.narrow else v, i),
                xytext=(3 if after else -3, 0),
                textcoords="offset points",
                va="center",
                ha="left" if after else "right",
                fontsize=fs(6.5),
                color="#333333",
            )
        )
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    lim = max(abs(rows[value]).max(), 1) * (1.05 if lay.narrow else 1.35)
    ax.set_xlim(-lim, lim)
    finish(
        fig,
        ax,
        title=title,
        ylabel="",
        source=source,
        xlabel=(
            f"← {right_name}   log ratio   {left_name} →"
            if lay.narrow
            else f"← over-used {right_name}    log ratio (+1 = twice as frequent)    over-used {left_name} →"
        ),
    )
    fig.tight_layout()
    if not lay.narrow:
        _room_for_notes(fig, ax, notes, rows[value].tolist())
    return fig


def _room_for_notes(fig, ax, notes: list, values: list[float]) -> None:
    """Widen a symmetric x axis so that each bar's note, drawn beyond the bar's end, stays inside the
    axes: a note ``p`` pixels wide after a bar of length ``|v|`` needs ``L ≥ |v| / (1 − 2p/W)`` on an
    axes ``W`` pixels wide spanning ``[−L, L]``."""
    renderer = fig.canvas.get_renderer()
    width = ax.get_window_extent(renderer).width
    need = ax.get_xlim()[1]
    for text, v in zip(notes, values, strict=True):
        room = 1 - 2 * (text.get_window_extent(renderer).width + 3 * fig.dpi / 72) / width
        need = max(need, abs(v) / max(room, 0.1) * 1.02)
    ax.set_xlim(-need, need)


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
    links=None,
):
    """A single-series bar chart with direct value labels; ``links``: a bar's link to its quotes."""
    labels, values = list(labels), list(values)
    links = list(links) if links is not None else [None] * len(values)
    lay = layout()
    if horizontal:
        shown = [wrap_label(lab) for lab in labels] if lay.narrow else labels
        lines = max((str(lab).count("\n") + 1 for lab in shown), default=1)
        fig, ax = plt.subplots(figsize=(lay.width, (0.35 + 0.16 * (lines - 1)) * len(labels) + 1.4))
        link_bars(ax.barh(range(len(labels)), values, color=PALETTE[0]), links)
        ax.set_yticks(range(len(labels)), shown)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        if annotate:
            for i, v in enumerate(values):
                ax.annotate(f"{v:,}", (v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=fs(8))
        if annotate:
            ax.set_xlim(0, max(values, default=1) * (1.35 if lay.narrow else 1.15))
    else:
        fig, ax = plt.subplots(figsize=(lay.width, 3.6))
        positions, width, is_time = time_positions(labels)  # years on a real time axis: gaps stay gaps
        if not is_time:
            positions, width = [float(i) for i in range(len(labels))], 0.8
        link_bars(ax.bar(positions, values, color=PALETTE[0], width=width), links)
        if is_time:
            time_axis(ax, positions, [str(v) for v in labels], True)
        else:
            ax.set_xticks(range(len(labels)), labels, rotation=90 if len(labels) > 12 else 0)
            if len(labels) == 1:
                ax.set_xlim(-1.5, 1.5)  # one bar, not a wall
        if annotate:
            for x, v in zip(positions, values, strict=True):
                label = f"{v / 1000:,.0f}k" if lay.narrow and v >= 10_000 else f"{v:,}"
                ax.annotate(
                    label, (x, v), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=fs(8)
                )
    finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source)
    fig.tight_layout()
    return fig
