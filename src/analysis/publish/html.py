"""The one place HTML is written from text: everything from a source is escaped here.

:class:`HTML` is what notebooks display (IPython shows its ``_repr_html_``); :func:`table`,
:func:`paragraph` and :func:`link` escape what they are given; a link is only written for an
absolute ``http``/``https`` URL, so a ``javascript:`` URL in a source shows as text.
"""

from __future__ import annotations

import html
from urllib.parse import urlparse

import pandas as pd

escape = html.escape


class HTML:
    """Minimal rich-display object (works with or without IPython)."""

    def __init__(self, data: str):
        self.data = data

    def _repr_html_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data


def safe_url(url) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (never a javascript: link)."""
    if not isinstance(url, str) or not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return url.strip()
    return None


def link(text: str, url) -> str:
    """An escaped link, or escaped text when the URL is missing or unsafe."""
    label = html.escape(str(text))
    href = safe_url(url)
    if href is None:
        return label
    return f'<a href="{html.escape(href, quote=True)}">{label}</a>'


def table(df: pd.DataFrame, *, caption: str | None = None, max_rows: int = 200) -> HTML:
    """An escaped HTML table (text from sources never becomes markup)."""
    shown = df.head(max_rows)
    out = shown.to_html(index=False, escape=True, border=0, classes="data", na_rep="")
    out = out.replace('<table border="0" class="dataframe data">', '<table class="dataframe data">', 1)
    out = out.replace('<tr style="text-align: right;">', "<tr>")
    if caption:
        out = out.replace(
            '<table class="dataframe data">',
            f'<table class="dataframe data"><caption>{html.escape(caption)}</caption>',
            1,
        )
    if len(df) > max_rows:
        out += f"<p>{len(df) - max_rows} more rows in the CSV.</p>"
    return HTML(out)


def paragraph(text: str) -> HTML:
    """A sentence of narrative built from data, escaped."""
    return HTML(f"<p>{html.escape(text)}</p>")


def plural(n: int, word: str, words: str | None = None) -> str:
    """ "1 statement", "3 statements", with thousands separators."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def show(*items) -> None:
    """Display each item in the notebook (one output each); does nothing outside IPython."""
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    for item in items:
        display(item)


def possessive_words(speaker: str) -> str:
    """ "Vladimir Putin's words"; "The words of Vladimir Putin and US presidents" for several."""
    return f"The words of {speaker}" if " and " in speaker else f"{speaker}'s words"
