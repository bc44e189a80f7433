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


def table(
    df: pd.DataFrame, *, caption: str | None = None, max_rows: int = 200, links: dict[str, str] | None = None
) -> HTML:
    """An escaped HTML table (text from sources never becomes markup), in a box that scrolls sideways
    on a narrow screen. ``links`` maps a shown column to the column holding each cell's link (the
    ``count`` cells to their quotes: ``{"count": "evidence"}``); link columns are not shown."""
    links = {k: v for k, v in (links or {}).items() if k in df.columns and v in df.columns}
    columns = [c for c in df.columns if c not in set(links.values())]
    shown = df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = []
    for _, row in shown.iterrows():
        cells = []
        for c in columns:
            text = html.escape(_cell(row[c]))
            href = row[links[c]] if c in links else None
            if isinstance(href, str) and href:
                text = f'<a href="{html.escape(href, quote=True)}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    out = (
        f'<div class="scroll"><table class="dataframe data">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
    if len(df) > max_rows:
        out += f"<p>{len(df) - max_rows} more rows in the CSV.</p>"
    return HTML(out)


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
