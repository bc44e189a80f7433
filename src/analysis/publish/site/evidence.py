"""Evidence tables (keyword in context) as CSV, as escaped HTML, and as a complete page that says
what was searched (``python -m analysis kwic --format html``).

Everything taken from a source is escaped before it reaches HTML, and links are only written for
``http``/``https`` URLs: a statement containing ``<script>`` shows as text.
"""

from __future__ import annotations

import pandas as pd

from analysis import csvout
from analysis.publish.site.html import escape, link

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


def quote_item(r) -> str:
    """One quote (a tidy evidence row) as a list item: date, statement (linked to its source), section,
    speaker, the surface form when it is not the phrase, and the match highlighted in its context."""
    e = escape
    section = f" · {e(str(r.section))}" if isinstance(r.section, str) and r.section else ""
    form = f" · {e(str(r.form))}" if isinstance(r.form, str) and r.form and r.form != r.phrase else ""
    return (
        f'<li class="quote"><p class="cite">{e(r.date)} · {link(r.title, r.source_url)}{section} · '
        f"{e(str(r.speaker or ''))}{form}</p>"
        f"<p>{e(str(r.left))}<mark>{e(str(r.match))}</mark>{e(str(r.right))}</p></li>"
    )


def quote_list(ev: pd.DataFrame) -> str:
    """Evidence rows as a numbered list of quotes (``class="quote"`` each), in the order given."""
    return f'<ol class="quotes">{"".join(quote_item(r) for r in tidy(ev).itertuples(index=False))}</ol>'


def kwic_page(ev: pd.DataFrame, *, phrases, searched: list[str], corpus: dict, hints=()) -> str:
    """A complete HTML page of the matches ``ev``: what was searched (the phrases, whose words, dates,
    source, the corpus version), how many quotes in how many statements, any hint, and the quotes."""
    from analysis.publish.site.pages import page

    e = escape
    asked = ", ".join(f"“{p}”" for p in phrases)
    n, docs = len(ev), ev["doc_id"].nunique() if len(ev) else 0
    title = f"Quotes of {asked}"
    found = f"{n:,} quote{'s' if n != 1 else ''} in {docs:,} statement{'s' if docs != 1 else ''}"
    body = [
        f"<h1>{e(title)}</h1>",
        f"<p>Searched for {e(asked)} in {e('; '.join(searched))}: {e(found)}; corpus version "
        f"<code>{e(str(corpus.get('corpus_version', 'unknown')))}</code>.</p>",
        "<p>Only each speaker's own words are searched (not questions, other speakers or the outlet's "
        "headings), case-insensitively and as whole phrases; translator's [insertions] are skipped.</p>",
    ]
    body += [f'<p class="finding">Hint: {e(h)}.</p>' for h in hints]
    body.append(quote_list(ev) if n else "<p>No quotes.</p>")
    return page(title=title, body="\n".join(body), corpus=corpus, home=True)
