"""Evidence tables (keyword in context) as CSV and as escaped HTML.

Everything taken from a source is escaped before it reaches HTML, and links are only written for
``http``/``https`` URLs: a statement containing ``<script>`` shows as text.
"""

from __future__ import annotations

import pandas as pd

from analysis.publish.html import escape, link

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


def _tidy(ev: pd.DataFrame) -> pd.DataFrame:
    out = ev.copy()
    for col in EVIDENCE_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out[EVIDENCE_COLUMNS]


def evidence_csv(ev: pd.DataFrame) -> str:
    """The evidence rows as CSV (one row per match), in the order given (``count.evidence`` sorts oldest first)."""
    return _tidy(ev).to_csv(index=False, lineterminator="\n")


def _form(phrase, form) -> str:
    if isinstance(form, str) and form and form != phrase:
        return f"<br><small>{escape(form)}</small>"
    return ""


def evidence_html(ev: pd.DataFrame, *, caption: str | None = None, max_rows: int | None = None) -> str:
    """An HTML table of evidence rows: date, statement (linked to its source), speaker, context."""
    rows = _tidy(ev)
    shown = rows if max_rows is None else rows.head(max_rows)
    e = escape
    parts = ['<table class="evidence">']
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    parts.append(
        "<thead><tr><th>Date</th><th>Statement</th><th>Phrase (form)</th><th>Quote in context</th></tr></thead><tbody>"
    )
    for r in shown.itertuples(index=False):
        section = f"<br><small>{e(str(r.section))}</small>" if isinstance(r.section, str) and r.section else ""
        parts.append(
            "<tr>"
            f"<td>{e(r.date)}</td>"
            f"<td>{link(r.title, r.source_url)}{section}<br><small>{e(r.doc_id)}</small></td>"
            f"<td>{e(str(r.phrase))}{_form(r.phrase, r.form)}</td>"
            f"<td>{e(str(r.left))}<mark>{e(str(r.match))}</mark>{e(str(r.right))}</td>"
            "</tr>"
        )
    parts.append("</tbody></table>")
    if max_rows is not None and len(rows) > max_rows:
        parts.append(f"<p>{len(rows) - max_rows} more rows in the CSV.</p>")
    return "\n".join(parts) + "\n"
