"""The one place HTML is written from text: everything from a source is escaped here.

:class:`HTML` is what notebooks display (IPython shows its ``_repr_html_``); :func:`table`,
:func:`paragraph` and :func:`link` escape what they are given; a link is only written for an
absolute ``http``/``https`` URL, so a ``javascript:`` URL in a source shows as text.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlparse

import pandas as pd

from analysis.publish.sentences.text import rate_text

# Bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks): in a quote they would reverse the text
# around them on screen. They are shown as what they are, "[U+202E]", never obeyed.
_BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str, quote: bool = True) -> str:
    """Text from a source as HTML: markup escaped, bidirectional controls made visible."""
    escaped = html.escape(text, quote=quote)
    if _BIDI_RE.search(escaped) is None:
        return escaped
    return _BIDI_RE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", escaped)


_REBASE: list[tuple[str, str]] = []  # (link prefix as published, the same files from where the notebook runs)


def rebase_links(published: str, here: str) -> None:
    """Show links that start with ``published`` (``"track-phrases/"``, relative to the reports folder)
    as starting with ``here`` instead (``"../build/runs/track-phrases/"``, relative to the notebook), so
    that a notebook run by hand links to files that exist. Set by the report a notebook opens (one per
    kernel); the files written keep the published links."""
    _REBASE[:] = [(published, here)]


class HTML:
    """Minimal rich-display object (works with or without IPython)."""

    def __init__(self, data: str):
        self.data = data

    def _repr_html_(self) -> str:
        data = self.data
        for published, here in _REBASE:
            data = data.replace(f'href="{escape(published)}', f'href="{escape(here)}')
        return data

    def __str__(self) -> str:
        return self.data


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def safe_url(url) -> str | None:
    """The URL if it is an absolute http(s) URL, percent-encoded where it holds spaces, quotes or other
    characters a URL may not (so the page stays valid), else None (never a javascript: link)."""
    if not isinstance(url, str) or not url:
        return None
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return quote(url, safe=_URL_SAFE)
    return None


def link(text: str, url) -> str:
    """An escaped link, or escaped text when the URL is missing or unsafe."""
    label = escape(str(text))
    href = safe_url(url)
    if href is None:
        return label
    return f'<a href="{escape(href)}">{label}</a>'


def table(
    df: pd.DataFrame, *, caption: str | None = None, max_rows: int = 200, links: dict[str, str] | None = None
) -> HTML:
    """An escaped HTML table (text from sources never becomes markup), in a box that scrolls sideways
    on a narrow screen. ``links`` maps a shown column to the column holding each cell's link (the
    ``count`` cells to their quotes: ``{"count": "evidence"}``); link columns are not shown."""
    links = {k: v for k, v in (links or {}).items() if k in df.columns and v in df.columns}
    columns = [c for c in df.columns if c not in set(links.values())]
    shown = df.head(max_rows)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = []
    for _, row in shown.iterrows():
        cells = []
        for c in columns:
            text = escape(_cell(row[c]))
            href = row[links[c]] if c in links else None
            if isinstance(href, str) and href:
                text = f'<a href="{escape(href, quote=True)}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    out = (
        f'<div class="scroll"><table class="dataframe data">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
    if len(df) > max_rows:
        out += f"<p>{len(df) - max_rows} more rows in the CSV.</p>"
    return HTML(out)


def grid(
    counts: pd.DataFrame,
    *,
    csv: str,
    rows: tuple[str, ...] = ("label",),
    caption: str,
    anchor: str,
    rate: str = "per_10k",
    rate_name: str = "per 10,000 of his words",
) -> HTML:
    """A compact table of ``counts`` (one row per ``rows`` key, one column per period): each cell the uses,
    linked to their quotes, and under it the rate where the period has enough of the speaker's words for
    one (:func:`analysis.measures.coverage.enough`); the speaker's words per period in the header when
    the rows are one speaker's; a link to the CSV with every column. Written from ``templates/grid.html``
    (autoescaped)."""
    from analysis.measures.coverage import floor

    periods = sorted(dict.fromkeys(counts["period"].astype(str)))
    least = floor(periods)
    one_speaker = "speaker" not in counts.columns or counts["speaker"].nunique() <= 1
    words = counts.drop_duplicates("period").set_index(counts.drop_duplicates("period")["period"].astype(str))
    out_rows = []
    for key, mine in counts.groupby(list(rows), sort=False):
        by_period = mine.set_index(mine["period"].astype(str))
        cells = []
        for p in periods:
            if p not in by_period.index:
                cells.append({"count": "", "href": None, "rate": ""})
                continue
            r = by_period.loc[p]
            n = int(r["count"])
            href = r.get("evidence") if n else None
            shown = r[rate] if int(r["speaker_words"]) >= least and rate in r else None
            cells.append(
                {
                    "count": f"{n:,}",
                    "href": href if isinstance(href, str) and href else None,
                    "rate": "" if shown is None or shown != shown else rate_text(float(shown)),
                }
            )
        label = " · ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        out_rows.append({"label": label, "cells": cells})
    note = (
        f"Each cell: uses (linked to their quotes) and, under it, {rate_name}; no rate where the period has "
        f"fewer than {least:,} of the speaker's words."
    )
    return HTML(
        template("grid.html").render(
            caption=caption,
            anchor=anchor,
            corner=" · ".join(rows).replace("label", "phrase"),
            columns=[p if len(p) <= 12 else p[:10] for p in periods],
            words=[f"{int(words.loc[p, 'speaker_words']):,}" for p in periods] if one_speaker else [],
            words_label="his words",
            rows=out_rows,
            note=note,
            csv=csv,
        )
    )


TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def template(name: str):
    """A template of ``publish/site/templates`` with autoescaping on (every page and fragment is one)."""
    return _environment().get_template(name)


def _cell(value) -> str:
    """A cell as text: empty for missing values, floats without trailing zeros."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else str(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def paragraph(text: str) -> HTML:
    """A sentence of narrative built from data, escaped."""
    return HTML(f"<p>{escape(text)}</p>")


def show(*items) -> None:
    """Display each item in the notebook (one output each); does nothing outside IPython."""
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    for item in items:
        display(item)

