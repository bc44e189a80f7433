"""Evidence tables (keyword in context) as CSV, as escaped HTML, and as a complete page that says
what was searched (``python -m analysis kwic --format html``).

Everything taken from a source is escaped before it reaches HTML, and links are only written for
``http``/``https`` URLs: a statement containing ``<script>`` shows as text.
"""

from __future__ import annotations

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
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out[EVIDENCE_COLUMNS]


def evidence_csv(ev: pd.DataFrame) -> str:
    """The evidence rows as CSV (one row per match), in the order given (``count.evidence`` sorts oldest first)."""
    return csvout.to_csv(tidy(ev)) or ""


def _quote(r) -> dict[str, str | None]:
    """One quote (a tidy evidence row) as the template shows it: date, statement (linked to its source),
    section, speaker, the surface form when it is not the phrase, and the match in its context."""
    return {
        "date": r.date,
        "title": str(r.title),
        "href": safe_url(r.source_url),
        "section": str(r.section) if isinstance(r.section, str) and r.section else "",
        "speaker": str(r.speaker or ""),
        "form": str(r.form) if isinstance(r.form, str) and r.form and r.form != r.phrase else "",
        "left": str(r.left),
        "match": str(r.match),
        "right": str(r.right),
    }


def quote_list(ev: pd.DataFrame) -> str:
    """Evidence rows as a numbered list of quotes (``class="quote"`` each), in the order given."""
    return render("quotes.html", quotes=[_quote(r) for r in tidy(ev).itertuples(index=False)])


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
