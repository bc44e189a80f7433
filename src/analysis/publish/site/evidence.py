"""Evidence tables (keyword in context) as CSV, as escaped HTML, and as a complete page that says
what was searched (``python -m analysis kwic --format html``).

Everything taken from a source is escaped before it reaches HTML, and links are only written for
``http``/``https`` URLs: a statement containing ``<script>`` shows as text.
"""

from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis import csvout
from analysis.publish.escaping import safe_url
from analysis.publish.sentences.text import plural
from analysis.publish.site.html import render

EVIDENCE_COLUMNS = [
    "date",
    "doc_id",
    "title",
    "source_url",
    "speaker",
    "section",
    "phrase",
    "form",
    "left",
    "match",
    "right",
]


def tidy(ev: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows with the published columns, dates as text."""
    out = ev.copy()
    for col in EVIDENCE_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["date"] = _days(out["date"])
    return out[EVIDENCE_COLUMNS]


def evidence_csv(ev: pd.DataFrame) -> str:
    """The evidence rows as CSV (one row per match), in the order given (``count.evidence`` sorts oldest first)."""
    return csvout.to_csv(tidy(ev)) or ""


def _quote(r, previous=None, context: int | None = None) -> dict[str, str | None]:
    """One quote (a tidy evidence row) as the template shows it: date, statement (linked to its source),
    section, speaker, the surface form when it is not the phrase, and the match in its context. A quote
    from the same statement as the one before it (``previous``) names it in short ("same statement");
    ``context``: at most this many characters each side of the match."""
    same = previous is not None and (previous.doc_id, previous.speaker, previous.section) == (
        r.doc_id,
        r.speaker,
        r.section,
    )
    left, right = str(r.left), str(r.right)
    if context is not None:  # cut at a word's edge
        left = left if len(left) <= context else "…" + re.sub(r"^\S*\s+", "", left[-context:], count=1)
        right = right if len(right) <= context else re.sub(r"\s+\S*$", "", right[:context]) + "…"
    return {
        "date": r.date,
        "same": "same statement" if same else "",
        "title": str(r.title),
        "href": safe_url(r.source_url),
        "section": str(r.section) if isinstance(r.section, str) and r.section else "",
        "speaker": str(r.speaker or ""),
        "form": str(r.form) if isinstance(r.form, str) and r.form and r.form != r.phrase else "",
        "left": left,
        "match": str(r.match),
        "right": right,
    }


_Row = namedtuple("_Row", EVIDENCE_COLUMNS)  # type: ignore[misc]  # its fields: the published columns


def _tidy_rows(ev: pd.DataFrame) -> list[tuple]:
    """The rows :func:`tidy` gives, as named tuples (read column by column: a report's evidence pages
    list thousands of quotes in hundreds of groups)."""
    n = len(ev)
    columns = [
        _days(ev[col]) if col == "date" else ev[col].tolist() if col in ev.columns else [None] * n
        for col in EVIDENCE_COLUMNS
    ]
    return list(map(_Row, *columns))


def _days(dates: pd.Series) -> list:
    """Dates as ``YYYY-MM-DD`` (NaN where there is none)."""
    text = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]").astype(str).tolist()
    return [float("nan") if t == "NaT" else t for t in text]


def quote_list(ev: pd.DataFrame, *, context: int | None = None) -> str:
    """Evidence rows as a numbered list of quotes (``class="quote"`` each), in the order given;
    ``context``: at most this many characters of context each side (a very long list is cut so)."""
    rows = _tidy_rows(ev)
    quotes = [_quote(r, rows[i - 1] if i else None, context) for i, r in enumerate(rows)]
    return render("quotes.html", quotes=quotes)


def kwic_page(ev: pd.DataFrame, *, phrases, searched: list[str], corpus: dict, hints=()) -> str:
    """A complete HTML page of the matches ``ev``: what was searched (the phrases, whose words, dates,
    source, the corpus version), how many quotes in how many statements, any hint, and the quotes."""
    from analysis.publish.site.pages import page

    asked = ", ".join(f"“{p}”" for p in phrases)
    n, docs = len(ev), ev["doc_id"].nunique() if len(ev) else 0
    title = f"Quotes of {asked}"
    body = render(
        "kwic.html",
        title=title,
        asked=asked,
        searched="; ".join(searched),
        found=f"{plural(n, 'quote')} in {plural(docs, 'statement')}",
        version=str(corpus.get("corpus_version", "unknown")),
        hints=list(hints),
        quotes=quote_list(ev) if n else "",
    )
    return page(title=title, body=body, corpus=corpus, home=True)


# --- a page's groups, nested -------------------------------------------------------------------


@dataclass
class Node:
    """A group on its page, with the groups whose quotes are all among its own (printed inside it, once)."""

    group: Any  # a groups.Group
    children: list[Node] = field(default_factory=list)
    keys: frozenset = frozenset()


def quote_keys(rows: pd.DataFrame) -> list[tuple]:
    """Each quote's identity across groups: where it is and what it matched."""
    cols = [c for c in ("doc_id", "para_no", "char_start", "match") if c in rows.columns] or list(rows.columns)
    return [tuple(map(str, t)) for t in zip(*(rows[c].tolist() for c in cols), strict=True)]


def nest(groups: list) -> list[Node]:
    """The groups of one page as a forest, each inside the smallest group that holds all its quotes (a
    family's year inside its total, a form's year inside the family's year), children in the order of
    ``groups``. On a page of laminar groups (as :class:`EvidenceBook` makes them) a node's children are
    disjoint, so every quote is printed once."""
    nodes = [Node(g, keys=g.quotes) for g in groups]
    order = sorted(range(len(nodes)), key=lambda i: (-len(nodes[i].keys), len(nodes[i].group.key), i))
    placed: list[int] = []
    parents: dict[int, int] = {}
    for i in order:
        parent = next((p for p in reversed(placed) if nodes[i].keys <= nodes[p].keys), None)
        if parent is not None:
            parents[i] = parent
        placed.append(i)
    for i in range(len(nodes)):  # in the given order (by key: years in turn), not by size
        if i in parents:
            nodes[parents[i]].children.append(nodes[i])
    return [nodes[i] for i in range(len(nodes)) if i not in parents]
