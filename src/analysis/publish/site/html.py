"""The one place HTML is written from text: templates with autoescaping, and the rules they escape by.

Every page and fragment is a Jinja2 template of ``templates/`` (:func:`render`); each value a template
prints is escaped by :func:`escape` (markup escaped, bidirectional controls made visible) unless it is
already markup (another rendered template, an inline SVG). :class:`HTML` is what notebooks display
(IPython shows its ``_repr_html_``); :func:`table` and :func:`paragraph` are the fragments stories
use most. A link is only written for an absolute ``http``/``https`` URL (:func:`safe_url`), so a
``javascript:`` URL in a source shows as text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.publish.escaping import escape, safe_url
from analysis.publish.sentences.text import rate_text


class HTML:
    """Minimal rich-display object (works with or without IPython)."""

    def __init__(self, data: str):
        self.data = str(data)  # plain text of markup (a Markup's methods would escape their arguments)

    def _repr_html_(self) -> str:
        return self.data

    def __html__(self) -> str:  # markup: a template prints it as it is
        return self.data

    def __str__(self) -> str:
        return self.data


def link(text: str, url) -> HTML:
    """An escaped link, or escaped text when the URL is missing or unsafe."""
    return HTML(render("link.html", text=str(text), href=safe_url(url)))


def table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int = 200,
    links: dict[str, str] | None = None,
    anchor: str = "",
) -> HTML:
    """An escaped HTML table (text from sources never becomes markup), in a box that scrolls sideways
    on a narrow screen. ``links`` maps a shown column to the column holding each cell's link (the
    ``count`` cells to their quotes: ``{"count": "evidence"}``); link columns are not shown. ``anchor``:
    an empty element with that id before the table (where evidence groups link back to)."""
    links = {k: v for k, v in (links or {}).items() if k in df.columns and v in df.columns}
    columns = [c for c in df.columns if c not in set(links.values())]
    rows = [
        [
            {
                "text": _cell(row[c]),
                "href": href if isinstance(href := row[links[c]] if c in links else None, str) else "",
            }
            for c in columns
        ]
        for _, row in df.head(max_rows).iterrows()
    ]
    more = max(0, len(df) - max_rows)
    return HTML(
        render("table.html", anchor=anchor, caption=caption, columns=[str(c) for c in columns], rows=rows, more=more)
    )


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
        render(
            "grid.html",
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


def _escaped(value):
    """What a template prints: text escaped by :func:`escape`; markup (a rendered template) as it is."""
    from markupsafe import Markup

    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return Markup(escape(value))


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]), finalize=_escaped
    )
    env.globals["safe_url"] = safe_url
    return env


def template(name: str):
    """A template of ``publish/site/templates`` with autoescaping on (every page and fragment is one)."""
    return _environment().get_template(name)


def render(name: str, /, **values) -> str:
    """The template ``name`` filled with ``values`` (each escaped as it is printed), as markup."""
    from markupsafe import Markup

    return Markup(template(name).render(**values))


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


def paragraph(text: str, *, anchor: str = "") -> HTML:
    """A sentence of narrative built from data, escaped (``anchor``: the paragraph's id)."""
    return HTML(render("paragraph.html", text=text, anchor=anchor))


def show(*items) -> None:
    """Display each item in the notebook (one output each); does nothing outside IPython."""
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    for item in items:
        display(item)
