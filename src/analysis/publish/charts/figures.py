"""A chart as published: a wide and a phone-width drawing, each inline SVG whose points link to their
quotes, the PNG for thumbnails and the CSV of its data beside it (the page shows it through
:func:`analysis.publish.site.report.figure`).

A chart is drawn twice from one function: at :data:`WIDE` and, inside :func:`narrow`, at phone width
with no text under :data:`PHONE_MIN_FONT` points, so that at 375 CSS pixels no text of the drawing
shown there is under 11 pixels. The page shows one or the other by its width (no script). Saving is
deterministic: no timestamps, fixed SVG ids (prefixed per drawing, so that two drawings never share
an id in one page).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import textwrap
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from analysis import csvout
from analysis.publish.escaping import escape


@dataclass(frozen=True)
class Layout:
    """How wide a chart is drawn and the smallest text it may hold."""

    width: float  # inches
    min_font: float  # points; 0: as the chart asks
    wrap: int  # characters of a title line
    note_wrap: int  # characters of a line of the source note under the chart
    label_wrap: int  # characters of a tick label line
    max_ticks: int  # year ticks at most
    narrow: bool


WIDE = Layout(7.5, 0, 64, 104, 60, 12, False)
PHONE = Layout(3.8, 9.5, 34, 44, 18, 5, True)
PHONE_MIN_FONT = PHONE.min_font
# At 375 CSS px a chart gets 343 px (the page's margins); a drawing no wider than this is scaled to
# at most that, so its smallest text (PHONE_MIN_FONT points: 12.7 px) shows at 11 px or more.
PHONE_MAX_WIDTH = 4.0  # inches
_LAYOUT: ContextVar[Layout] = ContextVar("layout", default=WIDE)  # the layout being drawn in
_PHONE_RC: dict = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
}


def layout() -> Layout:
    """The layout a chart is being drawn in."""
    return _LAYOUT.get()


def fs(points: float) -> float:
    """A font size no smaller than the layout allows."""
    return max(points, layout().min_font)


@contextlib.contextmanager
def narrow(width: float | None = None) -> Iterator[None]:
    """Draw at phone width (``width`` inches instead of :data:`PHONE`'s): charts read :func:`layout`
    and :func:`fs`."""
    token = _LAYOUT.set(PHONE if width is None else dataclasses.replace(PHONE, width=width))
    try:
        with plt.rc_context(_PHONE_RC):
            yield
    finally:
        _LAYOUT.reset(token)


def wrap(title: str, width: int | None = None) -> str:
    """Titles state findings and can be long: wrap them to the layout's width."""
    return textwrap.fill(title, width=width or layout().wrap, break_long_words=False)


def wrap_label(label: str) -> str:
    """A tick label wrapped to the layout's label width (long headings, phrases)."""
    return textwrap.fill(str(label), width=layout().label_wrap, break_long_words=False)


@dataclass
class SavedChart:
    stem: Path  # path without suffix
    alt: str
    title: str
    wide_svg: str  # inline SVG (ids prefixed, links relative to the report page)
    phone_svg: str

    def files(self) -> list[Path]:
        return [self.stem.with_suffix(s) for s in (".png", ".svg", ".csv")]


def save_chart(
    draw: Callable[[], Any], data: pd.DataFrame, stem: Path, *, alt: str, title: str, report: str
) -> SavedChart:
    """Draw ``draw()`` wide and at phone width; write ``stem``.png/.svg/.csv (the SVG file's links
    relative to the report folder) and return both drawings for the page."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig = draw()
    fig.savefig(stem.with_suffix(".png"), metadata={"Software": None}, bbox_inches="tight")
    wide = _svg(fig)
    plt.close(fig)
    fig = _phone_drawing(draw)
    phone = _svg(fig)
    plt.close(fig)
    prefix = f"{report}/"
    stem.with_suffix(".svg").write_text(wide.replace(f'xlink:href="{prefix}', 'xlink:href="'), encoding="utf-8")
    csvout.to_csv(data, stem.with_suffix(".csv"))
    return SavedChart(
        stem,
        alt,
        title,
        inline_svg(wide, prefix=f"{stem.name}-w", label=alt),
        inline_svg(phone, prefix=f"{stem.name}-p", label=alt),
    )


def _phone_drawing(draw: Callable[[], Any]):
    """The phone drawing, no wider as saved than :data:`PHONE_MAX_WIDTH`: labels that reach past the
    axes (long tick labels, notes) would widen it and the page would scale its text down, so the
    chart is drawn again on a narrower figure until it fits (labels keep their size; axes shrink)."""
    width = PHONE.width
    for _ in range(4):
        with narrow(width):
            fig = draw()
            saved = _saved_width(fig)
        if saved <= PHONE_MAX_WIDTH or width <= PHONE.width / 2:
            return fig
        plt.close(fig)
        width = max(PHONE.width / 2, width - (saved - PHONE_MAX_WIDTH) - 0.05)
    return fig


def _saved_width(fig) -> float:
    """The width in inches ``savefig(bbox_inches="tight")`` gives the figure."""
    return fig.get_tightbbox().width + 2 * plt.rcParams["savefig.pad_inches"]


def _svg(fig) -> str:
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buf.getvalue()


_ID_RE = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, *, prefix: str, label: str) -> str:
    """An SVG document as an element of an HTML page: no XML prolog or metadata, every id prefixed
    (and every reference to it), links as plain ``href``, scaled to its box, labelled for readers."""
    svg = re.sub(r"\A.*?(?=<svg\b)", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    ids = set(_ID_RE.findall(svg))
    for ident in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{new}"')
        svg = svg.replace(f"url(#{ident})", f"url(#{new})").replace(f'href="#{ident}"', f'href="#{new}"')
    svg = svg.replace("xlink:href=", "href=").replace(' target="_blank"', "")  # quotes open in the same tab
    svg = re.sub(r'\s+xmlns:xlink="[^"]*"', "", svg, count=1)
    svg = re.sub(
        r'<svg\b([^>]*?)\swidth="([\d.]+)pt"\sheight="([\d.]+)pt"',
        lambda m: f'<svg{m.group(1)} style="max-width:{float(m.group(2)) * 4 / 3:.0f}px"',
        svg,
        count=1,
    )
    svg = svg.replace("<svg ", f'<svg aria-label="{escape(label, quote=True)}" ', 1)
    return svg.strip()
